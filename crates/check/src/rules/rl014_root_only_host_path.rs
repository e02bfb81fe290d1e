//! RL014 root-only-host-path (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL014",
    name: "root-only-host-path",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

/// Paths that are root-only on a stock Linux host.
const ROOT_ONLY: &[&str] = &[
    "/root",
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/ssl/private",
    "/var/lib/docker",
    "/var/lib/containers",
    "/var/log/audit",
];

pub const DOC: &str = r#"## What it checks
A bind mount whose host source the rootless user cannot read (by the host facts), or, without facts, one under a path that is root-only on a stock host (`/root`, `/etc/shadow`, `/var/lib/docker`, ...).

## Why it breaks
Container root is the host user: it has no privilege over the host's files. Reading the mount gives `Permission denied`, even as root in the container; a source the user cannot even stat fails the container creation.

## Example
```yaml
services:
  backup:
    image: example/backup:1
    volumes:
      - /root/.ssh:/keys:ro
```

## Fix
Give the user access on the host (`chown`, `setfacl -m u:USER:rX PATH`), copy the data to a directory the user owns, or pass it as a `secrets:`/`configs:` file the user can read.

## References
- Catalogue row A.18 (verified on Podman 4.3.1).
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let uid = ctx.host.and_then(|h| h.uid());
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (i, vol) in svc.volumes.iter().enumerate() {
            let Some(src) = vol.value.source.as_deref() else {
                continue;
            };
            if !util::is_bind(&vol.value) || util::is_docker_socket(src) {
                continue;
            }
            let path = format!("{}[{i}]", key(svc, "volumes"));
            let node = ctx.host.and_then(|h| h.paths.get(src));
            let f = match (node, uid) {
                (Some(n), Some(u)) if n.exists => {
                    if n.access(u).0 {
                        continue;
                    }
                    let fact = if n.reachable {
                        format!(
                            "{src}: owner {}:{} mode {:04o}, user uid {u}",
                            n.uid, n.gid, n.mode
                        )
                    } else {
                        format!("{src}: a parent directory is not searchable by uid {u}")
                    };
                    Finding::new(
                        &RULE,
                        vol.span,
                        path,
                        format!("the rootless user cannot read the bind source {src}"),
                    )
                    .fact(fact)
                }
                (Some(_), Some(_)) => continue, // missing sources are created (create_host_path)
                _ => {
                    let Some(prefix) = ROOT_ONLY.iter().find(|p| {
                        src == **p || src.strip_prefix(**p).is_some_and(|r| r.starts_with('/'))
                    }) else {
                        continue;
                    };
                    Finding::new(&RULE, vol.span, path, format!(
                        "the bind source {src} is root-only on a stock host; a rootless container cannot read it"
                    ))
                    .fact(format!("{prefix} is root-only by default (host facts unknown)"))
                    .conditional(true)
                }
            };
            out.push(f.fix_text(format!(
                "give the user access (setfacl -m u:USER:rX {src}), or move the data to a directory the user owns"
            )));
        }
    }
    out
}
