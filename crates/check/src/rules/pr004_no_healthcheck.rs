//! PR004 no-healthcheck (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR004",
    name: "no-healthcheck",
    severity: Severity::Warning,
    category: Category::Production,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
(Production profile.) A service without a `healthcheck:` in the Compose file, or with the healthcheck disabled.

## Why it breaks
Without a healthcheck nothing knows whether the service works, only whether its process runs: dependents cannot wait for readiness, restarts do not happen on hangs, and Podman's `Notify=healthy` / auto-update rollback have nothing to go on. The image may define one; the Compose file cannot show it.

## Example
```yaml
services:
  api:
    image: example/api:3.1
```

## Fix
Add a cheap readiness probe: `healthcheck: {test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"], interval: 30s, timeout: 5s, retries: 3, start_period: 20s}`.

## References
- Compose Specification, `healthcheck`.
- podman-systemd.unit(5), `HealthCmd=`, `Notify=healthy`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let disabled = svc.healthcheck.as_ref().is_some_and(|h| {
            h.value.disable.as_ref().is_some_and(|d| d.value)
                || h.value
                    .test
                    .as_ref()
                    .is_some_and(|t| t.value == transship_ir::HealthTest::None)
        });
        if svc.healthcheck.is_some() && !disabled {
            continue;
        }
        let span = svc.healthcheck.as_ref().map_or(svc.span, |h| h.span);
        out.push(
            Finding::new(&RULE, span, key(svc, "healthcheck"), if disabled {
                "the healthcheck is disabled"
            } else {
                "no healthcheck (the image may have one, the Compose file does not say)"
            })
            .fix_text("add healthcheck: {test: [\"CMD\", ...], interval: 30s, timeout: 5s, retries: 3, start_period: 20s}"),
        );
    }
    out
}
