//! RL026 net-sysctl-host-network (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL026",
    name: "net-sysctl-host-network",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
`net.*` sysctls on a service with `network_mode: host`.

## Why it breaks
The network namespace is the host's, so a container may not change it: `Error: sysctl net.core.somaxconn=4096 can't be set since Network Namespace set to host: invalid argument`.

## Example
```yaml
services:
  lb:
    image: haproxy:3.0
    network_mode: host
    sysctls:
      net.core.somaxconn: 4096
```

## Fix
Drop the sysctl and set it on the host (`/etc/sysctl.d/`), or leave the host network (then the sysctl applies to the container's own namespace). A mechanical patch removes the entry (mapping form).

## References
- Catalogue row A.4 (verified on Podman 4.3.1).
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        if !util::host_network(svc) {
            continue;
        }
        for (name, value) in &svc.sysctls {
            if !name.starts_with("net.") {
                continue;
            }
            let edits: Vec<Edit> = util::delete_key_line_edit(ctx.sources, value.span, name)
                .into_iter()
                .collect();
            out.push(
                Finding::new(&RULE, value.span, key(svc, &format!("sysctls.{name}")), format!(
                    "sysctl {name} cannot be set with network_mode: host"
                ))
                .fact("the network namespace is the host's")
                .fix(Fix::with_edits(
                    format!("set {name} on the host in /etc/sysctl.d/ and remove it here, or leave the host network"),
                    edits,
                )),
            );
        }
    }
    out
}
