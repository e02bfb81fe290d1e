//! RL011 uid-beyond-subuid-range (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL011",
    name: "uid-beyond-subuid-range",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
A numeric `user:` (UID or GID) or `group_add:` entry larger than the user's `/etc/subuid` / `/etc/subgid` range (65536 IDs by default). A user without any range is RL012's finding.

## Why it breaks
Inside the user namespace only UIDs 0..=N exist, where N is the size of the sub-ID range. Running as an unmapped ID fails: `unable to setup user: setgroups: invalid argument` (runc) or `setup user: invalid argument`. Images with files owned by such IDs fail to pull with `potentially insufficient UIDs or GIDs available in user namespace`.

## Example
```yaml
services:
  app:
    image: example/app:1
    user: "70000:70000"
```

## Fix
Enlarge the user's ranges (`usermod --add-subuids 100000-231071 --add-subgids 100000-231071 USER`), then `podman system migrate`; or run as a UID inside the range.

## References
- Catalogue row A.15 (verified with UID 70000 and a 65536 range).
- podman `troubleshooting.md` §10, §19.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let uids = ctx.host.and_then(|h| h.subuid_count());
    let gids = ctx.host.and_then(|h| h.subgid_count());
    let mut out = Vec::new();
    let mut judge = |svc: &Service,
                     span: Span,
                     path: String,
                     what: &str,
                     id: u64,
                     count: Option<u64>,
                     file: &str| {
        let limit = count.unwrap_or(65536);
        if id <= limit || count == Some(0) {
            return;
        }
        out.push(
            Finding::new(&RULE, span, path, format!(
                "{what} {id} is outside the {limit} IDs of the user's {file} range; the container cannot run as it"
            ))
            .fact(match count {
                Some(c) => format!("{file} range size = {c}"),
                None => format!("{file} range size unknown (assumed 65536)"),
            })
            .conditional(count.is_none())
            .fix_text(format!(
                "enlarge the range: usermod --add-subuids 100000-{} --add-subgids 100000-{} {} && podman system migrate; or use an ID <= {limit} for {}",
                100000 + id + 1,
                100000 + id + 1,
                ctx.host.map(|h| h.user_name()).unwrap_or_else(|| "USER".to_owned()),
                svc.name
            )),
        );
    };
    for svc in ctx.project.services.values() {
        if let Some(u) = &svc.user {
            if let Some((uid, gid)) = util::numeric_user(&u.value) {
                judge(
                    svc,
                    u.span,
                    key(svc, "user"),
                    "UID",
                    uid,
                    uids,
                    "/etc/subuid",
                );
                if let Some(gid) = gid {
                    judge(
                        svc,
                        u.span,
                        key(svc, "user"),
                        "GID",
                        gid,
                        gids,
                        "/etc/subgid",
                    );
                }
            }
        }
        for (i, g) in svc.group_add.iter().enumerate() {
            if let Ok(gid) = g.value.parse::<u64>() {
                judge(
                    svc,
                    g.span,
                    format!("{}[{i}]", key(svc, "group_add")),
                    "GID",
                    gid,
                    gids,
                    "/etc/subgid",
                );
            }
        }
    }
    out
}
