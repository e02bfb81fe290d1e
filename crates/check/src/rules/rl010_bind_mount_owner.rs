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
A writable bind mount in a service that runs as a non-root user (`user:`, or an image known to set `USER`), without `:U` and without `userns_mode: keep-id`.

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
Append `:U` to the volume (`./data:/var/lib/grafana:U`): Podman chowns the source to the mapped UID (Docker Compose accepts and ignores the option). Or run with `userns_mode: keep-id` so the host user keeps its UID inside. A mechanical patch adds `:U` to short-syntax volumes.

## References
- Catalogue row A.14 (verified: fails without `:U`, works with it).
- podman `rootless_tutorial.md` "Using volumes", `troubleshooting.md` §2.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        if svc
            .userns_mode
            .as_ref()
            .is_some_and(|u| u.value.starts_with("keep-id"))
        {
            continue;
        }
        let (uid, from_image) = match svc.user.as_ref() {
            Some(u) => match util::numeric_user(&u.value) {
                Some((uid, _)) => (Some(uid), false),
                None => (None, false),
            },
            None => (
                svc.image
                    .as_ref()
                    .and_then(|i| util::known_image_user(&i.value)),
                true,
            ),
        };
        let named_user = svc.user.is_some() && uid.is_none();
        if uid == Some(0) || (uid.is_none() && !named_user) {
            continue;
        }
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
                (Some(r), Some(u)) if u > 0 => format!(", host UID {}", r.start + u - 1),
                _ => String::new(),
            };
            let fact = match (node, ctx.host.and_then(|h| h.uid())) {
                (Some(n), Some(hu)) if n.exists => format!(
                    "{src}: owner {} mode {:04o}; rootless user uid {hu}{mapped}",
                    n.uid, n.mode
                ),
                _ => {
                    format!("the source is owned by the host user = root in the container{mapped}")
                }
            };
            let edits: Vec<Edit> = util::add_volume_option_edit(ctx.sources, vol.span, "U")
                .into_iter()
                .collect();
            out.push(
                Finding::new(&RULE, vol.span, format!("{}[{i}]", key(svc, "volumes")), format!(
                    "bind mount {src} -> {} is owned by container root, but the service runs as {who}; writes fail with Permission denied",
                    v.target
                ))
                .fact(fact)
                .conditional(named_user || from_image)
                .fix(Fix::with_edits(
                    "append `:U` to the volume so podman chowns it to the container user, or set `userns_mode: keep-id`",
                    edits,
                )),
            );
        }
    }
    out
}
