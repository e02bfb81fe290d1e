//! RL023 apparmor-profile (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL023",
    name: "apparmor-profile",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
`security_opt: apparmor=PROFILE` (other than `unconfined`) on a host with AppArmor enabled.

## Why it breaks
Loading or applying an AppArmor profile needs root; rootless Podman refuses custom profiles (`ErrApparmorRootless`). `apparmor=unconfined` works.

## Example
```yaml
services:
  app:
    image: example/app:1
    security_opt:
      - apparmor=my-profile
```

## Fix
Drop the option (the default profile is applied where possible) or use `apparmor=unconfined`; run the service rootful if the profile is required. A mechanical patch replaces the profile with `unconfined`.

## References
- Catalogue row A.28 (verified: unconfined works).
- containers/common `pkg/apparmor/apparmor_linux.go`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let apparmor = ctx.host.and_then(|h| h.apparmor);
    if apparmor == Some(false) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (i, opt) in svc.security_opt.iter().enumerate() {
            let Some((_, profile)) = opt
                .value
                .split_once(['=', ':'])
                .filter(|(k, _)| *k == "apparmor")
            else {
                continue;
            };
            if profile == "unconfined" {
                continue;
            }
            let edits: Vec<Edit> =
                util::replace_in_scalar_edit(ctx.sources, opt.span, profile, "unconfined")
                    .into_iter()
                    .collect();
            out.push(
                Finding::new(&RULE, opt.span, format!("{}[{i}]", key(svc, "security_opt")), format!(
                    "AppArmor profile `{profile}` cannot be applied by rootless podman"
                ))
                .fact(match apparmor {
                    Some(true) => "AppArmor enabled".to_owned(),
                    _ => "AppArmor state unknown".to_owned(),
                })
                .conditional(apparmor.is_none())
                .fix(Fix::with_edits("drop the option or use `apparmor=unconfined`; run rootful if the profile is required", edits)),
            );
        }
    }
    out
}
