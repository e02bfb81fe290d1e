//! PR003 depends-on-not-healthy (see [`DOC`]).
use super::prelude::*;
use transship_ir::{DependsCondition, HealthTest};

pub const RULE: Rule = Rule {
    code: "PR003",
    name: "depends-on-not-healthy",
    severity: Severity::Warning,
    category: Category::Hygiene,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
`depends_on` a service that has a healthcheck, with the default `condition: service_started` (short syntax or written out).

## Why it breaks
`service_started` only waits until the dependency's container is created, not until it is ready: the dependent starts while the database is still initialising, fails its first connections, and relies on luck or restarts. The healthcheck is there to say when it is ready; use it.

## Example
```yaml
services:
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD", "pg_isready"]
  app:
    image: example/app:1
    depends_on: [db]
```

## Fix
Use the long syntax with `condition: service_healthy`. A mechanical patch rewrites a block-style list or an explicit `service_started` condition.

## References
- Compose Specification, `depends_on` long syntax.
"#;

fn has_healthcheck(s: &Service) -> bool {
    s.healthcheck.as_ref().is_some_and(|h| {
        !h.value.disable.as_ref().is_some_and(|d| d.value)
            && !h
                .value
                .test
                .as_ref()
                .is_some_and(|t| t.value == HealthTest::None)
    })
}

/// Rewrites a block list `- db` into a mapping with conditions; `None` when the text is not in
/// that shape.
fn rewrite_list(ctx: &Context<'_>, svc: &Service) -> Option<Vec<Edit>> {
    let mut edits = Vec::new();
    for (name, dep) in &svc.depends_on {
        let span = dep.span;
        let line = ctx.sources.line(span.file, span.line)?;
        let indent = line.len() - line.trim_start().len();
        let rest = line.trim_start().strip_prefix("- ")?;
        let (item, comment) = match rest.find(" #") {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let item = item.trim().trim_matches(['"', '\'']);
        if item != name {
            return None;
        }
        let healthy = ctx
            .project
            .services
            .get(name)
            .is_some_and(|s| has_healthcheck(s));
        let cond = if healthy {
            "service_healthy"
        } else {
            dep.value.condition.value.as_str()
        };
        let start = ctx.sources.line_start(span.file, span.line)?;
        edits.push(Edit {
            file: span.file,
            start,
            end: start + line.len(),
            replacement: format!(
                "{pad}{name}:{comment}\n{pad}  condition: {cond}",
                pad = " ".repeat(indent)
            ),
        });
    }
    Some(edits)
}

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (dep, d) in &svc.depends_on {
            if d.value.condition.value != DependsCondition::ServiceStarted {
                continue;
            }
            let Some(target) = ctx.project.services.get(dep) else {
                continue;
            };
            if !has_healthcheck(target) {
                continue;
            }
            let cond = &d.value.condition;
            let explicit = !cond.span.is_synthetic()
                && ctx
                    .sources
                    .scalar_at(cond.span)
                    .and_then(|e| ctx.sources.slice(cond.span.file, e.start, e.end))
                    .is_some_and(|t| t.trim_matches(['"', '\'']) == "service_started");
            let edits = if explicit {
                util::replace_scalar_edit(ctx.sources, cond.span, "service_healthy")
                    .into_iter()
                    .collect()
            } else {
                rewrite_list(ctx, svc).unwrap_or_default()
            };
            out.push(
                Finding::new(
                    &RULE,
                    if explicit { cond.span } else { d.span },
                    key(svc, &format!("depends_on.{dep}")),
                    format!(
                        "`{dep}` has a healthcheck, but this service only waits for it to start"
                    ),
                )
                .fix(Fix::with_edits(
                    format!(
                        "use the long syntax: depends_on: {{{dep}: {{condition: service_healthy}}}}"
                    ),
                    edits,
                )),
            );
        }
    }
    out
}
