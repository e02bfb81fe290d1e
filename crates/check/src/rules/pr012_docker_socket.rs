//! PR012 docker-socket-mount (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR012",
    name: "docker-socket-mount",
    severity: Severity::Warning,
    category: Category::Hygiene,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
A bind mount of the Docker socket (`/var/run/docker.sock`, `/run/docker.sock`), or `use_api_socket: true`.

## Why it breaks
Access to the engine's socket is root on the host: the container can start a privileged container mounting `/`. A compromise of the proxy or dashboard that needs it is a compromise of the host. `:ro` does not help (it only protects the socket file, not the API).

## Example
```yaml
services:
  dashboard:
    image: portainer/portainer-ce:2.21.0
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
```

## Fix
Avoid it where possible; otherwise put a filtering proxy in front (a socket proxy allowing only the read endpoints needed) and, on Podman, mount the rootless user's socket so the blast radius is that user (see RL013).

## References
- OWASP Docker Security Cheat Sheet, rule #1.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (i, vol) in svc.volumes.iter().enumerate() {
            let Some(src) = vol.value.source.as_deref() else {
                continue;
            };
            if util::is_bind(&vol.value) && util::is_docker_socket(src) {
                out.push(
                    Finding::new(&RULE, vol.span, format!("{}[{i}]", key(svc, "volumes")), format!(
                        "the engine socket {src} is mounted: root-equivalent access to the host"
                    ))
                    .fix_text("avoid it, or front it with a filtering socket proxy; on podman use the rootless user's socket"),
                );
            }
        }
        if let Some(u) = svc.use_api_socket.as_ref().filter(|u| u.value) {
            out.push(
                Finding::new(
                    &RULE,
                    u.span,
                    key(svc, "use_api_socket"),
                    "the engine API socket is given to the service: root-equivalent access",
                )
                .fix_text("avoid it, or front it with a filtering socket proxy"),
            );
        }
    }
    out
}
