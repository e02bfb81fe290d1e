//! PR010 writable-root (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR010",
    name: "writable-root",
    severity: Severity::Info,
    category: Category::Production,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
(Production profile.) A service without `read_only: true`.

## Why it breaks
A writable root filesystem lets a compromised process modify its own binaries and configuration, and hides state in the container layer that is lost on re-creation.

## Example
```yaml
services:
  api:
    image: example/api:3.1
```

## Fix
Set `read_only: true` and give the service `tmpfs:` for scratch directories (`/tmp`, `/run`) and volumes for its data. Test it: some images write at start.

## References
- Compose Specification, `read_only`.
- CIS Docker Benchmark 5.12.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.project
        .services
        .values()
        .filter(|svc| !svc.read_only.as_ref().is_some_and(|r| r.value))
        .map(|svc| {
            Finding::new(
                &RULE,
                svc.read_only.as_ref().map_or(svc.span, |r| r.span),
                key(svc, "read_only"),
                "the root filesystem is writable",
            )
            .fix_text("set read_only: true with tmpfs: [/tmp, /run] and volumes for data")
        })
        .collect()
}
