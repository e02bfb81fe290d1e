//! RL009 device-not-accessible (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL009",
    name: "device-not-accessible",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
`devices:` entries whose host node the rootless user cannot open: missing nodes, nodes owned by another user without "other" read/write bits (`/dev/fuse` 0600 root), and group-owned nodes (`/dev/dri/*`, `/dev/kvm` 0660 root:kvm).

## Why it breaks
Rootless `--device` is a bind mount of the host node with the host's permissions. Inside, opening it fails with `Permission denied`; the user's supplementary groups are dropped by `setgroups`, so group access is lost too. A missing node fails the container creation.

## Example
```yaml
services:
  fuse:
    image: example/sshfs:1
    devices:
      - /dev/fuse:/dev/fuse
```

## Fix
Give the user access on the host (a udev rule with `MODE="0666"` or an ACL: `setfacl -m u:USER:rw /dev/fuse`), or keep the user's groups with `group_add: [keep-groups]` (crun only), or run the service rootful.

## References
- Catalogue row A.13 (verified: /dev/fuse 0600 denied, /dev/net/tun 0666 works).
- podman `options/device.md`, `options/group-add.md`, `troubleshooting.md` §20.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let keep_groups = svc.group_add.iter().any(|g| g.value == "keep-groups");
        for (i, dev) in svc.devices.iter().enumerate() {
            let path = format!("{}[{i}]", key(svc, "devices"));
            let src = &dev.value.source;
            let node = ctx.host.and_then(|h| h.devices.get(src));
            let uid = ctx.host.and_then(|h| h.uid());
            let f = match (node, uid) {
                (Some(n), _) if !n.exists => Finding::new(&RULE, dev.span, path, format!(
                    "device {src} does not exist on the host"
                ))
                .fact(format!("{src}: missing")),
                (Some(n), Some(uid)) => {
                    let (r, w) = n.access(uid);
                    let in_group = keep_groups
                        && ctx.host.and_then(|h| h.user.as_ref()).is_some_and(|u| {
                            u.groups.contains(&n.gid) && (n.mode >> 3) & 6 == 6
                        });
                    if (r && w) || in_group {
                        continue;
                    }
                    Finding::new(&RULE, dev.span, path, format!(
                        "device {src} (mode {:04o}, owner {}:{}) cannot be opened by the rootless user inside the container",
                        n.mode, n.uid, n.gid
                    ))
                    .fact(format!("{src}: mode {:04o} uid {} gid {}", n.mode, n.uid, n.gid))
                }
                _ => Finding::new(&RULE, dev.span, path, format!(
                    "device {src} only works rootless if the user can open it on the host (unknown here)"
                ))
                .fact(format!("{src}: node mode unknown"))
                .conditional(true),
            };
            out.push(f.fix_text(format!(
                "give the user access to {src} on the host (udev rule MODE=\"0666\" or `setfacl -m u:USER:rw {src}`), or `group_add: [keep-groups]` with crun, or run this service rootful"
            )));
        }
    }
    out
}
