//! RL027 rootless-network-prereq (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL027",
    name: "rootless-network-prereq",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
Services on a container network (anything but `network_mode: host` or `none`) on a host where `/dev/net/tun` is missing or not read/write for the user.

## Why it breaks
slirp4netns (Podman 4) and pasta (Podman 5) create a TAP device through `/dev/net/tun` to give the rootless network namespace connectivity. Without it the container's network cannot be set up and the container does not start.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
```

## Fix
`modprobe tun` and make `/dev/net/tun` mode 0666 (the usual default; a udev rule keeps it), and install `slirp4netns` (Podman 4) or `passt` (Podman 5).

## References
- Catalogue row A.31; environment notes (`chmod 666 /dev/net/tun` was needed here).
- podman `rootless_tutorial.md` "Networking configuration".
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(host) = ctx.host else {
        return Vec::new();
    };
    let (Some(tun), Some(uid)) = (host.devices.get("/dev/net/tun"), host.uid()) else {
        return Vec::new();
    };
    if tun.access(uid) == (true, true) {
        return Vec::new();
    }
    let Some(svc) = ctx.project.services.values().find(|s| {
        !s.network_mode
            .as_ref()
            .is_some_and(|m| m.value == "host" || m.value == "none")
    }) else {
        return Vec::new();
    };
    let fact = if tun.exists {
        format!(
            "/dev/net/tun: mode {:04o} owner {}:{}",
            tun.mode, tun.uid, tun.gid
        )
    } else {
        "/dev/net/tun: missing".to_owned()
    };
    vec![
        Finding::new(&RULE, svc.span, format!("services.{}", svc.name),
            "rootless container networking needs /dev/net/tun, which the user cannot open")
        .fact(fact)
        .fix_text("modprobe tun; chmod 0666 /dev/net/tun (persist with a udev rule); install slirp4netns (podman 4) or passt (podman 5)"),
    ]
}
