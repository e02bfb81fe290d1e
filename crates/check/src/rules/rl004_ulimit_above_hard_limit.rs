//! RL004 ulimit-above-hard-limit (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL004",
    name: "ulimit-above-hard-limit",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
`ulimits:` entries (`nofile`, `nproc`, `memlock`) whose soft or hard value is above the rootless user's own hard limit, including `-1` (unlimited) where the user's limit is finite.

## Why it breaks
An unprivileged process cannot raise a hard limit. The OCI runtime fails while creating the container: `error setting rlimits for ready process: error setting rlimit type 7: operation not permitted` (type 7 is nofile, 8 is memlock, 6 is nproc).

## Example
```yaml
services:
  search:
    image: elasticsearch:8.15.0
    ulimits:
      nofile: 100000
      memlock: -1
```

## Fix
Raise the user's hard limit on the host (`/etc/security/limits.d/rootless.conf`: `USER hard nofile 100000`, or `LimitNOFILE=` in a drop-in for `user@.service`), then log in again; or lower the value in Compose to at most the hard limit.

## References
- Catalogue rows A.8 and A.9 (verified on Podman 4.3.1 with a hard nofile limit of 20000; and rootless with runc at a memlock hard limit of 8 MiB: `memlock: -1` and `memlock: 16777216` fail with `error setting rlimit type 8: operation not permitted`, `memlock: 8388608` starts).
- podman `options/ulimit.md`; containers/podman#6668.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (name, ul) in &svc.ulimits {
            if !matches!(name.as_str(), "nofile" | "nproc" | "memlock") {
                continue;
            }
            let wanted = if ul.value.soft < 0 || ul.value.hard < 0 {
                -1
            } else {
                ul.value.soft.max(ul.value.hard)
            };
            let shown = if wanted < 0 {
                "unlimited".to_owned()
            } else {
                wanted.to_string()
            };
            let path = key(svc, &format!("ulimits.{name}"));
            match ctx.host.and_then(|h| h.rlimits.get(name)) {
                Some(-1) => {}
                Some(hard) if wanted >= 0 && wanted <= hard => {}
                Some(hard) => out.push(
                    Finding::new(&RULE, ul.span, path, format!(
                        "ulimit {name} = {shown} is above the user's hard limit {hard}; the container cannot be created"
                    ))
                    .fact(format!("hard rlimit {name} = {hard}"))
                    .fix_text(format!(
                        "raise the hard limit: echo '{} hard {name} {}' > /etc/security/limits.d/rootless-{name}.conf (log in again); or set ulimits.{name} to at most {hard}",
                        ctx.host.map(|h| h.user_name()).unwrap_or_default(),
                        if wanted < 0 { "unlimited".to_owned() } else { wanted.to_string() },
                    )),
                ),
                None => out.push(
                    Finding::new(&RULE, ul.span, path, format!(
                        "ulimit {name} = {shown} fails rootless if it is above the user's hard limit (unknown here)"
                    ))
                    .fact(format!("hard rlimit {name} unknown"))
                    .conditional(true)
                    .fix_text(format!("check `ulimit -H` as the user; raise it in /etc/security/limits.d or lower ulimits.{name}")),
                ),
            }
        }
    }
    out
}
