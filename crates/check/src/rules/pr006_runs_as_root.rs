//! PR006 runs-as-root (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR006",
    name: "runs-as-root",
    severity: Severity::Warning,
    category: Category::Production,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
(Production profile.) A service with `user: root` / `user: 0`, or without `user:` whose image is not known to switch to a non-root user.

## Why it breaks
A process running as root in the container is root on the host if it escapes (rootful engines), and can rewrite everything in its image and mounts. Most services do not need it.

## Example
```yaml
services:
  api:
    image: example/api:3.1
```

## Fix
Set `user: "10001:10001"` (an ID the image's files allow), or use an image that declares a non-root `USER`. Rootless Podman already maps root to an unprivileged host user, which limits but does not remove the risk.

## References
- Compose Specification, `user`.
- CIS Docker Benchmark 4.1.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        match &svc.user {
            Some(u) => {
                if util::numeric_user(&u.value).is_some_and(|(uid, _)| uid == 0) {
                    out.push(
                        Finding::new(&RULE, u.span, key(svc, "user"), "the service runs as root")
                            .fix_text("set user: to a non-root UID:GID the image's files allow"),
                    );
                }
            }
            None => {
                if svc
                    .image
                    .as_ref()
                    .is_some_and(|i| util::known_image_user(&i.value).is_some())
                {
                    continue;
                }
                out.push(
                    Finding::new(&RULE, svc.span, key(svc, "user"),
                        "no `user:`; the service runs as the image's default user, root unless the image says otherwise")
                        .fix_text("set user: to a non-root UID:GID the image's files allow"),
                );
            }
        }
    }
    out
}
