//! PR002 unpinned-image (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR002",
    name: "unpinned-image",
    severity: Severity::Warning,
    category: Category::Hygiene,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
An `image:` without a tag (implicitly `:latest`) or with `:latest`; with `--require-digests`, any image without an `@sha256:` digest.

## Why it breaks
A moving tag makes the deployment depend on when it was pulled: two hosts, or the same host after a restart with `pull_policy: always` or an auto-update, run different code. Rollback is impossible because the previous image has no name.

## Example
```yaml
services:
  cache:
    image: redis
```

## Fix
Pin a version tag (`redis:7.4.1`), or a digest (`redis:7.4.1@sha256:...`) for reproducible deployments; update deliberately.

## References
- Compose Specification, `image`.
- OCI distribution spec, digests.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(image) = &svc.image else { continue };
        let (name, tag, digest) = util::image_parts(&image.value);
        let problem = match (tag, digest) {
            (_, Some(_)) => None,
            (None, None) => Some(format!("image `{name}` has no tag (implicitly :latest)")),
            (Some("latest"), None) => Some(format!(
                "image `{}` uses the moving tag :latest",
                image.value
            )),
            (Some(_), None) if ctx.options.require_digests => Some(format!(
                "image `{}` has no digest (--require-digests)",
                image.value
            )),
            _ => None,
        };
        if let Some(msg) = problem {
            out.push(
                Finding::new(&RULE, image.span, key(svc, "image"), msg)
                    .fix_text("pin a version tag, or a digest: name:1.2.3@sha256:<digest>"),
            );
        }
    }
    out
}
