//! RL006 negative-oom-score-adj (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL006",
    name: "negative-oom-score-adj",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
`oom_score_adj` below zero.

## Why it breaks
An unprivileged process may raise its OOM score but never lower it. Podman 4.3 with runc fails to create the container (`runc create failed: unable to start container process: can't get final child's PID from pipe: EOF`); crun says `write to /proc/self/oom_score_adj: Permission denied`. Newer Podman clamps the value to the current one, so it silently has no effect.

## Example
```yaml
services:
  db:
    image: postgres:16
    oom_score_adj: -500
```

## Fix
Remove `oom_score_adj` (or use a value >= 0). To protect the service from the OOM killer rootless, give it a memory reservation instead, or run it rootful. A mechanical patch removes the line.

## References
- Catalogue row A.10 (verified on Podman 4.3.1, runc and crun).
- podman `options/oom-score-adj.md`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let version = ctx
        .host
        .and_then(|h| h.podman.as_ref())
        .and_then(|p| p.version_tuple());
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(adj) = &svc.oom_score_adj else {
            continue;
        };
        if adj.value >= 0 {
            continue;
        }
        let mut f = Finding::new(
            &RULE,
            adj.span,
            key(svc, "oom_score_adj"),
            format!(
                "oom_score_adj {} is negative; a rootless container cannot lower its OOM score",
                adj.value
            ),
        );
        f = match version {
            Some((major, minor)) if major >= 5 => f.severity(Severity::Warning).fact(format!(
                "podman version = {major}.{minor} (clamps the value)"
            )),
            Some((major, minor)) => f.fact(format!(
                "podman version = {major}.{minor} (container creation fails)"
            )),
            None => f.fact("podman version unknown (4.x fails, 5.x ignores the value)"),
        };
        let edits: Vec<Edit> = util::delete_key_line_edit(ctx.sources, adj.span, "oom_score_adj")
            .into_iter()
            .collect();
        out.push(f.fix(Fix::with_edits(
            "remove `oom_score_adj` (or set it >= 0)",
            edits,
        )));
    }
    out
}
