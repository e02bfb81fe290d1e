//! PR001 obsolete-version (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR001",
    name: "obsolete-version",
    severity: Severity::Warning,
    category: Category::Hygiene,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
A top-level `version:` key (the loader records it as a warning).

## Why it breaks
The Compose Specification ignores `version`; Docker Compose warns `the attribute version is obsolete`. It misleads readers into thinking a file format (2.x/3.x semantics) applies, and tools that still honour it behave differently.

## Example
```yaml
version: "3.8"
services:
  web:
    image: nginx:1.27
```

## Fix
Delete the line. A mechanical patch removes it.

## References
- Compose Specification, "Version top-level element (obsolete)".
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.project
        .warnings
        .iter()
        .filter(|w| {
            let m = w.value.to_ascii_lowercase();
            m.contains("version") && m.contains("obsolete")
        })
        .map(|w| {
            let edits: Vec<Edit> = util::delete_key_line_edit(ctx.sources, w.span, "version")
                .into_iter()
                .collect();
            Finding::new(
                &RULE,
                w.span,
                "version",
                "the top-level `version` is obsolete and ignored",
            )
            .fix(Fix::with_edits("remove the `version:` line", edits))
        })
        .collect()
}
