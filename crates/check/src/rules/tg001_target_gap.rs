//! TG001 target-gap (see [`DOC`]).
use super::prelude::*;
use transship_translate::Outcome;

pub const RULE: Rule = Rule {
    code: "TG001",
    name: "target-gap",
    severity: Severity::Warning,
    category: Category::Target,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
Every key that the `--to` target's translator did not carry over as it is: the ledger entries marked `unsupported` (warning) or `approximated` (info).

## Why it breaks
An unsupported key is dropped from the generated files: the service runs without it (no limit, no healthcheck, no port, ...). An approximated key runs with a weaker or different meaning. Nothing fails at start, which is why it has to be seen before cutover.

## Example
```yaml
services:
  app:
    image: example/app:1
    cpu_rt_runtime: 950000   # nothing in a .container file expresses it
```

## Fix
Read the reason in the message: change the Compose file to something the target can express, add the setting by hand to the generated file (`PodmanArgs=`, a `[Service]` drop-in), or accept the gap. `migrate --to TARGET --strict` fails on any gap.

## References
- The translator's ledger (`migrate --to TARGET --report json`).
- docs/ARCHITECTURE.md: "Translation never fails silently".
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(ledger) = ctx.ledger else {
        return Vec::new();
    };
    ledger
        .entries
        .iter()
        .filter_map(|e| {
            let (sev, label, reason) = match &e.outcome {
                Outcome::Translated => return None,
                Outcome::Approximated(r) => (Severity::Info, "approximated", r),
                Outcome::Unsupported(r) => (Severity::Warning, "unsupported", r),
            };
            Some(
                Finding::new(
                    &RULE,
                    e.span,
                    e.key_path.clone(),
                    format!("{} on target `{}`: {reason}", label, ledger.target),
                )
                .severity(sev)
                .fix_text(format!(
                    "adjust `{}` or add the setting to the generated {} files by hand",
                    e.key_path, ledger.target
                )),
            )
        })
        .collect()
}
