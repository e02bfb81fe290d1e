//! RL005 ipc-lock-memlock (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL005",
    name: "ipc-lock-memlock",
    severity: Severity::Warning,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

/// Below this memlock hard limit, applications that lock their memory fail.
const SMALL_MEMLOCK: i64 = 64 * 1024 * 1024;

pub const DOC: &str = r#"## What it checks
A service that adds `IPC_LOCK` (it wants to lock memory: Elasticsearch `bootstrap.memory_lock`, Vault, databases with huge pages) without its own `ulimits.memlock`, on a host where the user's memlock hard limit is small (below 64 MiB) or unknown.

## Why it breaks
`CAP_IPC_LOCK` inside a user namespace does not lift the memlock limit the user's processes inherit; `mlockall()` fails and the application exits or runs with a warning about swapping. Asking for a larger `ulimits.memlock` fails as in RL004.

## Example
```yaml
services:
  vault:
    image: hashicorp/vault:1.17
    cap_add: [IPC_LOCK]
```

## Fix
Raise the user's memlock hard limit (`/etc/security/limits.d/rootless.conf`: `USER hard memlock unlimited`), then log in again; or disable memory locking in the application (Vault `disable_mlock = true`, Elasticsearch `bootstrap.memory_lock: false`).

## References
- Catalogue row A.9 (verified: memlock -1 fails with a hard limit of 8 MiB).
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(cap) = svc
            .cap_add
            .iter()
            .find(|c| matches!(c.value.trim_start_matches("CAP_"), "IPC_LOCK" | "ALL"))
        else {
            continue;
        };
        if svc.ulimits.contains_key("memlock") {
            continue; // RL004 judges the explicit value
        }
        let hard = ctx.host.and_then(|h| h.rlimits.memlock);
        let f = match hard {
            Some(-1) => continue,
            Some(h) if h >= SMALL_MEMLOCK => continue,
            Some(h) => Finding::new(&RULE, cap.span, key(svc, "cap_add"), format!(
                "IPC_LOCK is added but the user's memlock hard limit is {h} bytes; locking memory will fail"
            ))
            .fact(format!("hard rlimit memlock = {h}")),
            None => Finding::new(&RULE, cap.span, key(svc, "cap_add"),
                "IPC_LOCK is added; locking memory fails if the user's memlock hard limit is small (unknown here)")
            .fact("hard rlimit memlock unknown")
            .conditional(true),
        };
        out.push(f.fix_text(format!(
            "echo '{} hard memlock unlimited' > /etc/security/limits.d/rootless-memlock.conf (log in again), or disable memory locking in the application",
            ctx.host.map(|h| h.user_name()).unwrap_or_else(|| "USER".to_owned())
        )));
    }
    out
}
