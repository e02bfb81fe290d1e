//! RL010 bind-mount-user-mismatch (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL010",
    name: "bind-mount-user-mismatch",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
A writable bind mount in a service that runs as a non-root user (`user:`, or an image known to set `USER`), without `:U` and without a `userns_mode: keep-id` that maps the host user to that UID.

## Why it breaks
Rootless Podman maps container root to the host user and container UID N to the host sub-UID `start + N - 1`. Files the host user owns appear as owned by root inside, so a process running as UID 1000 gets `Permission denied` writing to the mount (`touch: /data/f: Permission denied`).

## Example
```yaml
services:
  app:
    image: grafana/grafana:11.2.0
    user: "472"
    volumes:
      - ./data:/var/lib/grafana
```

## Fix
Map the host user to the service's UID: `userns_mode: "keep-id:uid=472,gid=472"` (Podman 4.3+; the files stay owned by the host user). Or append `:U` to the volume (`./data:/var/lib/grafana:U`): Podman chowns the source to the mapped sub-UID (Docker Compose accepts and ignores the option). A mechanical patch inserts the `userns_mode` line.

## References
- Catalogue row A.14 (verified: fails without `:U`, works with `:U` and with `keep-id:uid=1000,gid=1000` on Podman 4.3.1).
- podman `rootless_tutorial.md` "Using volumes", `troubleshooting.md` §2.
"#;

/// What `userns_mode` does for a container user `uid`: `Some(true)` when the host user's
/// files are owned by that user inside (keep-id mapping it), `Some(false)` when it does not
/// help, `None` when there is no keep-id.
fn keep_id_covers(userns: &str, uid: Option<u64>, host_uid: Option<u32>) -> Option<bool> {
    let rest = userns.strip_prefix("keep-id")?;
    let opts = rest.strip_prefix(':').unwrap_or("");
    let mapped = opts
        .split(',')
        .find_map(|o| o.strip_prefix("uid="))
        .and_then(|v| v.parse::<u64>().ok())
        .or(host_uid.map(u64::from));
    Some(match (uid, mapped) {
        (Some(u), Some(m)) => u == m,
        (None, _) => true, // no `user:`: keep-id runs the process as the host user
        (Some(_), None) => false,
    })
}

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let host_uid = ctx.host.and_then(|h| h.uid());
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let (uid, gid, from_image) = match svc.user.as_ref() {
            Some(u) => match util::numeric_user(&u.value) {
                Some((uid, gid)) => (Some(uid), gid, false),
                None => (None, None, false),
            },
            None => (
                svc.image
                    .as_ref()
                    .and_then(|i| util::known_image_user(&i.value)),
                None,
                true,
            ),
        };
        if let Some(covers) = svc
            .userns_mode
            .as_ref()
            .and_then(|m| keep_id_covers(&m.value, uid, host_uid))
        {
            if covers {
                continue;
            }
        }
        let named_user = svc.user.is_some() && uid.is_none();
        if uid == Some(0) || (uid.is_none() && !named_user) {
            continue;
        }
        // The mechanical fix: map the host user to the container user with keep-id, inserted
        // after `user:` (or `image:`), when the service has no `userns_mode` yet.
        let keep_id_edit = match (uid, svc.userns_mode.is_none()) {
            (Some(u), true) => {
                let anchor = svc
                    .user
                    .as_ref()
                    .map(|x| x.span)
                    .or(svc.image.as_ref().map(|x| x.span));
                anchor.and_then(|a| {
                    util::insert_sibling_after_edit(
                        ctx.sources,
                        a,
                        &format!("userns_mode: \"keep-id:uid={u},gid={}\"", gid.unwrap_or(u)),
                    )
                })
            }
            _ => None,
        };
        for (i, vol) in svc.volumes.iter().enumerate() {
            let v = &vol.value;
            if !util::is_bind(v) || v.read_only == Some(true) {
                continue;
            }
            let Some(src) = v.source.as_deref() else {
                continue;
            };
            if util::is_docker_socket(src) {
                continue;
            }
            let opts = util::short_volume_options(ctx.sources, vol.span);
            if opts.as_ref().is_some_and(|o| o.iter().any(|x| x == "U")) {
                continue;
            }
            // A world-writable source works for any UID.
            let node = ctx.host.and_then(|h| h.paths.get(src));
            if node.is_some_and(|n| n.exists && n.mode & 0o002 != 0) {
                continue;
            }
            let who = match uid {
                Some(u) if from_image => format!("UID {u} (the image's USER)"),
                Some(u) => format!("UID {u}"),
                None => format!(
                    "user `{}`",
                    svc.user.as_ref().map_or("", |u| u.value.as_str())
                ),
            };
            let mapped = match (
                ctx.host
                    .and_then(|h| h.subuid.as_ref())
                    .and_then(|r| r.first()),
                uid,
            ) {
                (Some(r), Some(u)) if u > 0 => {
                    format!(", container UID {u} = host UID {}", r.start + u - 1)
                }
                _ => String::new(),
            };
            let fact = match (node, host_uid) {
                (Some(n), Some(hu)) if n.exists => format!(
                    "{src}: owner {} mode {:04o}; rootless user uid {hu}{mapped}",
                    n.uid, n.mode
                ),
                _ => {
                    format!("the source is owned by the host user = root in the container{mapped}")
                }
            };
            let text = match uid {
                Some(u) => format!(
                    "set `userns_mode: \"keep-id:uid={u},gid={}\"` (the host user becomes UID {u} inside), or append `:U` to the volume so podman chowns it",
                    gid.unwrap_or(u)
                ),
                None => "append `:U` to the volume so podman chowns it, or map the host user with `userns_mode: keep-id:uid=N,gid=N`".to_owned(),
            };
            out.push(
                Finding::new(&RULE, vol.span, format!("{}[{i}]", key(svc, "volumes")), format!(
                    "bind mount {src} -> {} is owned by container root, but the service runs as {who}; writes fail with Permission denied",
                    v.target
                ))
                .fact(fact)
                .conditional(named_user || from_image)
                .fix(Fix::with_edits(text, keep_id_edit.clone().into_iter().collect())),
            );
        }
    }
    out
}
