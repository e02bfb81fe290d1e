//! RL007 cgroup-parent (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL007",
    name: "cgroup-parent",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
`cgroup_parent:` on a service.

## Why it breaks
A rootless user cannot create cgroups outside the subtree delegated to it (none at all on cgroup v1): `unable to apply cgroup configuration: mkdir /sys/fs/cgroup/cpuset/foo: permission denied`; a systemd slice as parent with the cgroupfs manager fails earlier with `systemd slice received as cgroup parent when using cgroupfs: invalid argument`. The container does not start.

## Example
```yaml
services:
  worker:
    image: example/worker:2
    cgroup_parent: batch.slice
```

## Fix
Remove `cgroup_parent`. With quadlets, place the unit in a slice of the user manager instead (`[Service] Slice=batch.slice` in the `.container` file). A mechanical patch removes the line.

## References
- Catalogue row A.11 (verified on Podman 4.3.1, cgroup v1); the slice error is seen by `tests/tier3_rootless.rs`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cgroup = ctx.host.and_then(|h| h.cgroup.as_ref()).map(|c| c.version);
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(cp) = &svc.cgroup_parent else {
            continue;
        };
        let edits: Vec<Edit> = util::delete_key_line_edit(ctx.sources, cp.span, "cgroup_parent")
            .into_iter()
            .collect();
        out.push(
            Finding::new(&RULE, cp.span, key(svc, "cgroup_parent"), format!(
                "cgroup_parent `{}` cannot be created by a rootless user; the container fails to start",
                cp.value
            ))
            .fact(match cgroup {
                Some(v) => format!("cgroup version = {v} (no write access outside the user's delegated subtree)"),
                None => "no rootless user can write outside its delegated cgroup subtree".to_owned(),
            })
            .fix(Fix::with_edits(
                "remove `cgroup_parent`; with quadlets use `[Service] Slice=` of the user manager instead",
                edits,
            )),
        );
    }
    out
}
