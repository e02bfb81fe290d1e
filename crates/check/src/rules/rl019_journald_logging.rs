//! RL019 journald-logging (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL019",
    name: "journald-logging",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
`logging: driver: journald` on a host without a reachable journald socket (`/run/systemd/journal/socket`).

## Why it breaks
Podman opens the journal when it creates the container: `Error: failed to initialize journal: write unixgram ...->/run/systemd/journal/socket: sendmsg: no such file or directory`. The container does not start.

## Example
```yaml
services:
  app:
    image: example/app:1
    logging:
      driver: journald
```

## Fix
Use `driver: k8s-file` (Podman's file logger) on hosts without journald, or run journald. A mechanical patch switches the driver to `k8s-file`.

## References
- Catalogue row A.24 (verified on Podman 4.3.1 without systemd).
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let journald = ctx.host.and_then(|h| h.journald);
    if journald == Some(true) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(driver) = svc.logging.as_ref().and_then(|l| l.value.driver.as_ref()) else {
            continue;
        };
        if driver.value != "journald" {
            continue;
        }
        let edits: Vec<Edit> = util::replace_scalar_edit(ctx.sources, driver.span, "k8s-file")
            .into_iter()
            .collect();
        out.push(
            Finding::new(&RULE, driver.span, key(svc, "logging.driver"),
                "the journald log driver needs a running journald; podman cannot create the container without it")
            .fact(match journald {
                Some(false) => "/run/systemd/journal/socket missing".to_owned(),
                _ => "journald presence unknown".to_owned(),
            })
            .conditional(journald.is_none())
            .fix(Fix::with_edits("use `driver: k8s-file`", edits)),
        );
    }
    out
}
