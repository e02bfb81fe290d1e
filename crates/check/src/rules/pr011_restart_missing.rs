//! PR011 restart-missing (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR011",
    name: "restart-missing",
    severity: Severity::Warning,
    category: Category::Production,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
(Production profile.) A long-running service (not a one-shot job: nothing depends on it completing) without `restart:` or `deploy.restart_policy`.

## Why it breaks
The default is `no`: after a crash or a host reboot the service stays down until someone notices.

## Example
```yaml
services:
  api:
    image: example/api:3.1
```

## Fix
`restart: unless-stopped` (or `always`); with quadlets, `[Service] Restart=always` and `[Install] WantedBy=default.target`.

## References
- Compose Specification, `restart`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let one_shot: Vec<&str> = ctx
        .project
        .services
        .values()
        .flat_map(|s| s.depends_on.iter())
        .filter(|(_, d)| {
            d.value.condition.value == transship_ir::DependsCondition::ServiceCompletedSuccessfully
        })
        .map(|(n, _)| n.as_str())
        .collect();
    ctx.project
        .services
        .values()
        .filter(|svc| {
            svc.restart.is_none()
                && svc
                    .deploy
                    .as_ref()
                    .is_none_or(|d| d.value.restart_policy.is_none())
                && !one_shot.contains(&svc.name.as_str())
        })
        .map(|svc| {
            Finding::new(
                &RULE,
                svc.span,
                key(svc, "restart"),
                "no restart policy: the service stays down after a crash or reboot",
            )
            .fix_text(
                "add restart: unless-stopped (quadlet: Restart=always, WantedBy=default.target)",
            )
        })
        .collect()
}
