//! RL020 macvlan-ipvlan (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL020",
    name: "macvlan-ipvlan",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
A top-level network with `driver: macvlan` or `driver: ipvlan`.

## Why it breaks
These drivers attach containers directly to a host interface. A rootless network namespace has no access to the host's NICs: `Error: netavark: Netlink error: No such device (os error 19)`.

## Example
```yaml
networks:
  lan:
    driver: macvlan
    driver_opts:
      parent: eth0
```

## Fix
Run the services on this network rootful, or use the bridge network with published ports instead.

## References
- Catalogue row A.25.
- containers/podman#22111.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.project
        .networks
        .iter()
        .filter_map(|(name, net)| {
            let d = net.driver.as_ref()?;
            matches!(d.value.as_str(), "macvlan" | "ipvlan").then(|| {
                Finding::new(&RULE, d.span, format!("networks.{name}.driver"), format!(
                    "network `{name}` uses the {} driver, which rootless podman cannot create", d.value
                ))
                .fact("a rootless network namespace has no access to host interfaces")
                .fix_text("run the services of this network rootful, or use a bridge network with published ports")
            })
        })
        .collect()
}
