//! RL022 host-gateway-old-podman (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL022",
    name: "host-gateway-old-podman",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
`extra_hosts:` entries mapping a name to `host-gateway` when the host's Podman is older than 4.7.

## Why it breaks
Podman before 4.7 does not know the special `host-gateway` address: `Error: invalid IP address in add-host: "host-gateway"`, and the container is not created. From 4.7 on it resolves to an address of the host.

## Example
```yaml
services:
  app:
    image: example/app:1
    extra_hosts:
      - "host.docker.internal:host-gateway"
```

## Fix
Remove the entry and use the name Podman adds by itself, `host.containers.internal` (Podman 4.x also adds `host.docker.internal` in newer releases), or upgrade Podman to 4.7 or later.

## References
- Catalogue row A.27 (verified on Podman 4.3.1).
- containers/podman#14390, PR #19152 (released in 4.7).
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let version = ctx
        .host
        .and_then(|h| h.podman.as_ref())
        .map(|p| (p.version.clone(), p.version_tuple()));
    if let Some((_, Some(v))) = &version {
        if *v >= (4, 7) {
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (i, h) in svc.extra_hosts.iter().enumerate() {
            if h.value.ip != "host-gateway" {
                continue;
            }
            out.push(
                Finding::new(&RULE, h.span, format!("{}[{i}]", key(svc, "extra_hosts")), format!(
                    "`{}:host-gateway` is not understood by podman before 4.7; the container is not created",
                    h.value.host
                ))
                .fact(match &version {
                    Some((v, _)) => format!("podman version = {v}"),
                    None => "podman version unknown (host-gateway needs 4.7+)".to_owned(),
                })
                .conditional(version.is_none())
                .fix_text("remove the entry and connect to `host.containers.internal`, or upgrade podman to 4.7+"),
            );
        }
    }
    out
}
