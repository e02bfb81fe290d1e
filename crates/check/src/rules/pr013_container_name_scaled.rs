//! PR013 container-name-scaled (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR013",
    name: "container-name-scaled",
    severity: Severity::Error,
    category: Category::Hygiene,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
`container_name:` together with `scale:` or `deploy.replicas:` greater than 1.

## Why it breaks
Container names are unique: the second replica cannot be created (`Compose: services.web: can't set container_name and web as container name must be unique`), so the service never scales.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    container_name: web
    deploy:
      replicas: 3
```

## Fix
Remove `container_name` (Compose names replicas `<project>-web-1`, `-2`, ...), or keep a single replica.

## References
- Compose Specification, `container_name`, `scale`, `deploy.replicas`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(name) = &svc.container_name else {
            continue;
        };
        let replicas = svc
            .scale
            .as_ref()
            .map(|s| s.value)
            .or_else(|| {
                svc.deploy
                    .as_ref()
                    .and_then(|d| d.value.replicas.as_ref())
                    .map(|r| r.value)
            })
            .unwrap_or(1);
        if replicas > 1 {
            out.push(
                Finding::new(&RULE, name.span, key(svc, "container_name"), format!(
                    "container_name `{}` with {replicas} replicas: only one container can have the name",
                    name.value
                ))
                .fix_text("remove container_name, or run a single replica"),
            );
        }
    }
    out
}
