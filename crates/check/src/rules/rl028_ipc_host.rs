//! RL028 ipc-host (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL028",
    name: "ipc-host",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
`ipc: host` on a host where no mqueue filesystem is mounted at `/dev/mqueue`.

## Why it breaks
Sharing the host's IPC namespace makes Podman bind-mount the host's `/dev/mqueue` into the container. Where it is not mounted (minimal hosts, containers used as hosts, some CI machines) the container is not created: `Error: statfs /dev/mqueue: no such file or directory`.

## Example
```yaml
services:
  shm-app:
    image: example/app:1
    ipc: host
```

## Fix
Mount it on the host (`mount -t mqueue mqueue /dev/mqueue`, or the systemd `dev-mqueue.mount` unit), or use a private or shared IPC namespace instead (`ipc: shareable` on one service, `ipc: "service:NAME"` on the others).

## References
- Catalogue row A.33 (verified on this kind of host: no `/dev/mqueue`).
- podman `options/ipc.md`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mqueue = ctx.host.and_then(|h| h.dev_mqueue);
    if mqueue == Some(true) {
        return Vec::new();
    }
    ctx.project
        .services
        .values()
        .filter_map(|svc| {
            let ipc = svc.ipc.as_ref().filter(|i| i.value == "host")?;
            Some(
                Finding::new(&RULE, ipc.span, key(svc, "ipc"),
                    "`ipc: host` needs the host's /dev/mqueue, which is not mounted; the container is not created")
                .fact(match mqueue {
                    Some(false) => "/dev/mqueue: not mounted".to_owned(),
                    _ => "/dev/mqueue mount unknown".to_owned(),
                })
                .conditional(mqueue.is_none())
                .fix_text("mount -t mqueue mqueue /dev/mqueue on the host, or use `ipc: shareable` / `ipc: \"service:NAME\"` instead of the host namespace"),
            )
        })
        .collect()
}
