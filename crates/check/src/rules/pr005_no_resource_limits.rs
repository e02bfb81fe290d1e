//! PR005 no-resource-limits (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR005",
    name: "no-resource-limits",
    severity: Severity::Warning,
    category: Category::Production,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
(Production profile.) A service without a memory limit (`mem_limit` or `deploy.resources.limits.memory`).

## Why it breaks
One leaking or overloaded service can take the whole host's memory, and the kernel's OOM killer then picks a victim, possibly another service or the container engine. A limit confines the damage to the service at fault.

## Example
```yaml
services:
  worker:
    image: example/worker:2
```

## Fix
Set `mem_limit: 512m` (or `deploy.resources.limits.memory`), and `cpus`/`pids_limit` where useful. Rootless, check RL003 first.

## References
- Compose Specification, `mem_limit`, `deploy.resources`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.project
        .services
        .values()
        .filter(|svc| {
            let deploy_mem = svc
                .deploy
                .as_ref()
                .and_then(|d| d.value.resources.as_ref())
                .and_then(|r| r.value.limits.as_ref())
                .is_some_and(|l| l.value.memory.is_some());
            svc.mem_limit.is_none() && !deploy_mem
        })
        .map(|svc| {
            Finding::new(&RULE, svc.span, key(svc, "mem_limit"), "no memory limit")
                .fix_text("set mem_limit (or deploy.resources.limits.memory), e.g. mem_limit: 512m")
        })
        .collect()
}
