//! PR007 secret-in-environment (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR007",
    name: "secret-in-environment",
    severity: Severity::Warning,
    category: Category::Hygiene,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
An `environment:` (or `env_file`) variable whose name says it holds a secret (`PASSWORD`, `PASSWD`, `TOKEN`, `SECRET`, `KEY`, `CREDENTIAL`, `PRIVATE`) with a literal value. Variables ending in `_FILE` (the convention for a path to a secret file) and empty values are not reported. The value is never printed.

## Why it breaks
Environment values are visible to anyone who can inspect the container (`podman inspect`, `/proc/PID/environ`), end up in generated unit files, logs and crash reports, and are inherited by every child process.

## Example
```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: hunter2
```

## Fix
Move the value to a secret: top-level `secrets: {db_password: {file: ./db_password.txt}}`, `secrets: [db_password]` in the service, and `POSTGRES_PASSWORD_FILE: /run/secrets/db_password` where the image supports `_FILE` variables. With quadlets use `Secret=`.

## References
- Compose Specification, `secrets`.
- podman-secret(1).
"#;

/// The one secret classifier (shared with the translators, which keep such values out of
/// unit text).
pub use transship_translate::secrets::looks_secret;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (name, value) in &svc.environment {
            let Some(v) = &value.value else { continue };
            if v.is_empty() || !looks_secret(name) {
                continue;
            }
            out.push(
                Finding::new(&RULE, value.span, key(svc, &format!("environment.{name}")), format!(
                    "`{name}` looks like a secret passed as a plain environment value"
                ))
                .sensitive()
                .fix_text(format!(
                    "move it to `secrets:` (file-backed) and use {name}_FILE=/run/secrets/<name> where the image supports it; with quadlets, Secret="
                )),
            );
        }
    }
    out
}
