//! RL017 restart-needs-lingering (see [`DOC`]).
use super::prelude::*;
use transship_ir::RestartPolicy;

pub const RULE: Rule = Rule {
    code: "RL017",
    name: "restart-needs-lingering",
    severity: Severity::Warning,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
A restart policy (`restart: always | unless-stopped | on-failure`, or `deploy.restart_policy`) for a user whose systemd lingering is off.

## Why it breaks
There is no daemon: rootless containers belong to the user's login session. At logout the user manager stops and the containers are killed; after a reboot nothing starts them again until the user logs in.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    restart: unless-stopped
```

## Fix
`loginctl enable-linger USER` on the host, and run the service as a user quadlet (`~/.config/containers/systemd/web.container` with `[Service] Restart=always` and `[Install] WantedBy=default.target`).

## References
- Catalogue row A.22.
- podman `troubleshooting.md` §17, §21; `options/restart.md`; containers/podman#13240.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let linger = ctx.host.and_then(|h| h.lingering);
    if linger == Some(true) {
        return Vec::new();
    }
    let user = ctx
        .host
        .map(|h| h.user_name())
        .unwrap_or_else(|| "USER".to_owned());
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let (span, path, what) = match &svc.restart {
            Some(r) if r.value != RestartPolicy::No => {
                (r.span, key(svc, "restart"), "restart policy")
            }
            _ => match svc
                .deploy
                .as_ref()
                .and_then(|d| d.value.restart_policy.as_ref())
            {
                Some(p) if p.value.condition.as_ref().is_none_or(|c| c.value != "none") => (
                    p.span,
                    key(svc, "deploy.restart_policy"),
                    "deploy.restart_policy",
                ),
                _ => continue,
            },
        };
        out.push(
            Finding::new(&RULE, span, path, format!(
                "the {what} does not survive logout or reboot unless lingering is enabled for {user}"
            ))
            .fact(match linger {
                Some(false) => format!("lingering off for {user}"),
                _ => "lingering unknown".to_owned(),
            })
            .conditional(linger.is_none())
            .fix_text(format!(
                "loginctl enable-linger {user}; install the service as a user quadlet with [Service] Restart=always and [Install] WantedBy=default.target"
            )),
        );
    }
    out
}
