//! RL018 healthcheck-needs-systemd (see [`DOC`]).
use super::prelude::*;
use transship_ir::{DependsCondition, HealthTest};

pub const RULE: Rule = Rule {
    code: "RL018",
    name: "healthcheck-needs-systemd",
    severity: Severity::Warning,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
A `healthcheck:` or a `depends_on: condition: service_healthy` on a host where no systemd user manager runs for the user (PID 1 is not systemd, or the user has no running manager and no lingering).

## Why it breaks
Podman runs healthchecks from systemd transient timers. Without a user systemd it logs `unable to get systemd connection to add healthchecks` and the health status stays `starting` forever, so dependents gated on `service_healthy` never start.

## Example
```yaml
services:
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD", "pg_isready"]
  app:
    image: example/app:1
    depends_on:
      db:
        condition: service_healthy
```

## Fix
Run the stack on a systemd host with the user's manager running (`loginctl enable-linger USER`) and convert it to quadlets (`Notify=healthy` on the dependency, Podman 5). Elsewhere, run `podman healthcheck run` yourself (a timer or the deployment tool) and gate dependents on it.

## References
- Catalogue row A.23 (verified: no systemd, status stays starting).
- containers/podman#19326, #16749.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let (known, fact) = match ctx.host {
        Some(h) => match (h.systemd_pid1, h.user_systemd, h.lingering) {
            (Some(false), _, _) => (Some(false), "PID 1 is not systemd".to_owned()),
            (Some(true), Some(true), _) | (Some(true), _, Some(true)) => {
                (Some(true), String::new())
            }
            (Some(true), Some(false), _) => (
                Some(false),
                "no systemd user manager for the user, lingering off".to_owned(),
            ),
            _ => (None, "systemd user manager unknown".to_owned()),
        },
        None => (None, "systemd user manager unknown".to_owned()),
    };
    if known == Some(true) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        if let Some(hc) = &svc.healthcheck {
            let disabled = hc.value.disable.as_ref().is_some_and(|d| d.value)
                || hc
                    .value
                    .test
                    .as_ref()
                    .is_some_and(|t| t.value == HealthTest::None);
            if !disabled {
                out.push(
                    Finding::new(&RULE, hc.span, key(svc, "healthcheck"),
                        "the healthcheck never runs without a systemd user manager; the status stays `starting`")
                    .fact(fact.clone())
                    .conditional(known.is_none())
                    .fix_text("run on a systemd host with lingering (loginctl enable-linger USER) as a quadlet, or run `podman healthcheck run` from a timer"),
                );
            }
        }
        for (dep, d) in &svc.depends_on {
            if d.value.condition.value == DependsCondition::ServiceHealthy {
                out.push(
                    Finding::new(&RULE, d.value.condition.span, key(svc, &format!("depends_on.{dep}.condition")), format!(
                        "`{dep}` never becomes healthy without a systemd user manager, so this service never starts"
                    ))
                    .severity(Severity::Error)
                    .fact(fact.clone())
                    .conditional(known.is_none())
                    .fix_text("use quadlets on a systemd host (Notify=healthy on the dependency), or gate the start on your own probe"),
                );
            }
        }
    }
    out
}
