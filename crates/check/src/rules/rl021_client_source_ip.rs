//! RL021 client-source-ip (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL021",
    name: "client-source-ip",
    severity: Severity::Info,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

/// Images whose job depends on the client's address (proxies, load balancers).
const PROXIES: &[&str] = &[
    "nginx",
    "traefik",
    "caddy",
    "haproxy",
    "envoy",
    "httpd",
    "apache",
    "nginx-proxy",
    "fail2ban",
];

pub const DOC: &str = r#"## What it checks
A reverse proxy or load balancer (by image: nginx, traefik, caddy, haproxy, envoy, httpd) publishing ports on a host whose rootless port handler is rootlessport (slirp4netns, Podman 4).

## Why it breaks
With rootlessport the connection reaches the container from the port forwarder, so the application sees `10.0.2.100` or `127.0.0.1` instead of the client's address: access logs, rate limits and IP allow-lists stop working. pasta (Podman 5) preserves the source address.

## Example
```yaml
services:
  proxy:
    image: traefik:v3.1
    ports:
      - "8443:443"
```

## Fix
Podman 4: `network_mode: "slirp4netns:port_handler=slirp4netns"` (not with user-defined networks), or the host network. Podman 5: use pasta (the default).

## References
- Catalogue row A.26.
- containers/podman#10884, #5138, PR #11177.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cmd = ctx
        .host
        .and_then(|h| h.podman.as_ref())
        .and_then(|p| p.network_cmd());
    if cmd.as_deref() == Some("pasta") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(image) = &svc.image else { continue };
        if !PROXIES.contains(&util::image_basename(&image.value)) || util::host_network(svc) {
            continue;
        }
        if svc
            .network_mode
            .as_ref()
            .is_some_and(|m| m.value.contains("port_handler=slirp4netns"))
        {
            continue;
        }
        let Some(port) = svc.ports.iter().find(|p| p.value.published.is_some()) else {
            continue;
        };
        out.push(
            Finding::new(&RULE, port.span, format!("{}[0]", key(svc, "ports")),
                "behind rootlessport the proxy sees 10.0.2.100/127.0.0.1 instead of the client's address")
            .fact(match &cmd {
                Some(c) => format!("rootless network command = {c} (rootlessport port handler)"),
                None => "rootless port handler unknown".to_owned(),
            })
            .conditional(cmd.is_none())
            .fix_text("podman 4: network_mode: \"slirp4netns:port_handler=slirp4netns\" (or host network); podman 5: pasta keeps the client address"),
        );
    }
    out
}
