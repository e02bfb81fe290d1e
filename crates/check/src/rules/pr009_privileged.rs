//! PR009 privileged (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR009",
    name: "privileged",
    severity: Severity::Warning,
    category: Category::Hygiene,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
`privileged: true` on a service.

## Why it breaks
A privileged container has every capability, every device and no seccomp/AppArmor/SELinux confinement: on a rootful engine it is root on the host. It is almost never what the service needs.

## Example
```yaml
services:
  agent:
    image: example/agent:1
    privileged: true
```

## Fix
Remove it and add the specific `cap_add:` entries and `devices:` the service needs.

## References
- Compose Specification, `privileged`.
- CIS Docker Benchmark 5.4.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.project
        .services
        .values()
        .filter_map(|svc| {
            let p = svc.privileged.as_ref().filter(|p| p.value)?;
            Some(
                Finding::new(
                    &RULE,
                    p.span,
                    key(svc, "privileged"),
                    "the service runs privileged",
                )
                .fix_text("remove `privileged: true`; add only the needed cap_add/devices"),
            )
        })
        .collect()
}
