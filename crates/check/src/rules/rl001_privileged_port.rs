//! RL001 privileged-port (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL001",
    name: "privileged-port",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
A published host port below the host's `net.ipv4.ip_unprivileged_port_start` (1024 by default), for services on a bridge network.

## Why it breaks
A rootless user may not bind host ports below that limit. Podman 4 (rootlessport) fails with `rootlessport cannot expose privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024)`; with pasta (Podman 5) `pasta failed with exit code 1: Listen failed for HOST TCP port */80: Permission denied`. The container never starts.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "80:80"
```

## Fix
Lower the limit on the host, persistently: `/etc/sysctl.d/50-rootless-ports.conf` with `net.ipv4.ip_unprivileged_port_start=80`, then `sysctl --system`. Or publish a port at or above the limit (`"8080:80"`) and redirect 80 to it with a firewall rule or a rootful proxy. Binding port 80 *inside* the container is fine.

## References
- Catalogue row A.1 (verified on Podman 4.3.1).
- podman `troubleshooting.md` §48, `rootless.md`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let start = ctx.host.and_then(|h| h.ip_unprivileged_port_start);
    let limit = start.unwrap_or(1024);
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        if util::host_network(svc) {
            continue; // RL002
        }
        for (i, port) in svc.ports.iter().enumerate() {
            let Some(p) = util::host_port_min(&port.value) else {
                continue;
            };
            if u32::from(p) >= limit {
                continue;
            }
            let fact = match start {
                Some(s) => format!("net.ipv4.ip_unprivileged_port_start = {s}"),
                None => "net.ipv4.ip_unprivileged_port_start unknown (assumed 1024)".to_owned(),
            };
            out.push(
                Finding::new(
                    &RULE,
                    port.span,
                    format!("{}[{i}]", key(svc, "ports")),
                    format!("host port {p} is below the unprivileged port start {limit}; rootless podman cannot bind it"),
                )
                .fact(fact)
                .conditional(start.is_none())
                .fix_text(format!(
                    "on the host: echo 'net.ipv4.ip_unprivileged_port_start={p}' > /etc/sysctl.d/50-rootless-ports.conf && sysctl --system; or publish a port >= {limit} (e.g. \"{}:{}\") and redirect",
                    u32::from(p) + 8000,
                    port.value.target
                )),
            );
        }
    }
    out
}
