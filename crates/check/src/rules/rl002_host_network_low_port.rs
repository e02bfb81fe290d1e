//! RL002 host-network-low-port (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL002",
    name: "host-network-low-port",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
A service with `network_mode: host` whose `ports:` or `expose:` name a port below `net.ipv4.ip_unprivileged_port_start`: the application binds that port directly in the host's network namespace.

## Why it breaks
In the host network namespace a rootless container has no privilege over ports: the application's own `bind()` fails (`listen tcp :80: bind: permission denied`) and it usually exits.

## Example
```yaml
services:
  dns:
    image: coredns/coredns:1.11
    network_mode: host
    expose: ["53"]
```

## Fix
Lower `net.ipv4.ip_unprivileged_port_start` on the host (`/etc/sysctl.d/50-rootless-ports.conf`), or configure the application to listen on a port at or above the limit, or leave the host network (bridge network plus `ports:`).

## References
- Catalogue row A.3 (verified on Podman 4.3.1).
- podman `troubleshooting.md` §48.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let start = ctx.host.and_then(|h| h.ip_unprivileged_port_start);
    let limit = start.unwrap_or(1024);
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        if !util::host_network(svc) {
            continue;
        }
        let mut ports: Vec<(u16, Span, String)> = Vec::new();
        for (i, p) in svc.ports.iter().enumerate() {
            ports.push((
                p.value.target,
                p.span,
                format!("{}[{i}]", key(svc, "ports")),
            ));
        }
        for (i, e) in svc.expose.iter().enumerate() {
            let first = e.value.split(['-', '/']).next().unwrap_or("");
            if let Ok(n) = first.parse::<u16>() {
                ports.push((n, e.span, format!("{}[{i}]", key(svc, "expose"))));
            }
        }
        for (p, span, path) in ports {
            if u32::from(p) >= limit {
                continue;
            }
            out.push(
                Finding::new(&RULE, span, path, format!(
                    "with network_mode: host the application binds port {p} on the host, below the unprivileged port start {limit}"
                ))
                .fact(match start {
                    Some(s) => format!("net.ipv4.ip_unprivileged_port_start = {s}"),
                    None => "net.ipv4.ip_unprivileged_port_start unknown (assumed 1024)".to_owned(),
                })
                .conditional(start.is_none())
                .fix_text(format!("on the host: echo 'net.ipv4.ip_unprivileged_port_start={p}' > /etc/sysctl.d/50-rootless-ports.conf && sysctl --system; or make the application listen on a port >= {limit}")),
            );
        }
    }
    out
}
