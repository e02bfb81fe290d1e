//! RL012 missing-subuid (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL012",
    name: "missing-subuid",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
The host facts say the user has no `/etc/subuid` or no `/etc/subgid` entry.

## Why it breaks
Without sub-IDs the user namespace holds a single ID: most images cannot be pulled or unpacked (`potentially insufficient UIDs or GIDs available in user namespace ... lchown: invalid argument`), and anything that switches users fails. Missing `newuidmap` gives `command required for rootless mode with multiple IDs`.

## Example
```yaml
# any project, on a host where /etc/subuid has no line for the user
services:
  web:
    image: nginx:1.27
```

## Fix
`usermod --add-subuids 100000-165535 --add-subgids 100000-165535 USER` (or SSSD `subid: sss`), make sure the `uidmap` package is installed, then `podman system migrate`.

## References
- Catalogue row A.16.
- podman `rootless_tutorial.md`, `troubleshooting.md` §9, §19.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(host) = ctx.host else {
        return Vec::new();
    };
    let Some(svc) = ctx.project.services.values().next() else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    if host.subuid.as_ref().is_some_and(Vec::is_empty) {
        missing.push("/etc/subuid");
    }
    if host.subgid.as_ref().is_some_and(Vec::is_empty) {
        missing.push("/etc/subgid");
    }
    if missing.is_empty() {
        return Vec::new();
    }
    let user = host.user_name();
    vec![
        Finding::new(&RULE, svc.span, format!("services.{}", svc.name), format!(
            "user {user} has no entry in {}; rootless podman cannot map the image's users",
            missing.join(" and ")
        ))
        .fact(format!("{}: no range for {user}", missing.join(", ")))
        .fix_text(format!(
            "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {user} && podman system migrate"
        )),
    ]
}
