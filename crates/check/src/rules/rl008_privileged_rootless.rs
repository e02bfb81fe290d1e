//! RL008 privileged-rootless (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL008",
    name: "privileged-rootless",
    severity: Severity::Warning,
    category: Category::Rootless,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
`privileged: true` on a service that will run rootless.

## Why it breaks
The container starts, but its privileges are capped at the user's: every capability is granted only inside the user's namespace. There is no device creation (`mknod: Operation not permitted`), host devices not owned by the user are passed in as `nobody:nogroup` with mode 0600 and stay unopenable (`/dev/fuse: Permission denied`), block-device and cgroup filesystems cannot be mounted, and kernel settings outside the user namespace cannot be changed. Software that relies on `privileged` (Docker-in-Docker, device managers, VPNs) misbehaves. No host setting lifts this: it holds for every rootless user.

## Example
```yaml
services:
  vpn:
    image: example/vpn:1
    privileged: true
```

## Fix
Drop `privileged` and grant only what is needed: `cap_add: [NET_ADMIN]` (namespaced, works rootless), `devices:` for nodes the user can open, or run this service rootful.

## References
- Catalogue row A.12 (verified on Podman 4.3.1 rootless with runc: `--privileged` starts, `mknod` fails with EPERM, `/dev/fuse` and `/dev/kvm` appear as `nobody` 0600, `mount -t ext4` and `mount -t cgroup` fail; tmpfs, proc and sysfs mounts work).
- podman `options/privileged.md`, `rootless.md`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.project
        .services
        .values()
        .filter_map(|svc| {
            let p = svc.privileged.as_ref().filter(|p| p.value)?;
            Some(
                Finding::new(&RULE, p.span, key(svc, "privileged"),
                    "privileged rootless containers only get the user's privileges (no mknod, no foreign devices)")
                .fix_text("replace `privileged: true` with the specific `cap_add:`/`devices:` the service needs, or run it rootful"),
            )
        })
        .collect()
}
