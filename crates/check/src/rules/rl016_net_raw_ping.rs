//! RL016 net-raw-ping (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL016",
    name: "net-raw-ping",
    severity: Severity::Warning,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
A service that pings (its command, entrypoint or healthcheck runs `ping`) without `cap_add: NET_RAW`, and services with `NET_RAW` on a host whose `net.ipv4.ping_group_range` does not include the user's group.

## Why it breaks
Podman's default capability set lacks `NET_RAW` (Docker's has it): `ping: permission denied (are you root?)`, so ping-based healthchecks never pass. With `NET_RAW`, pings leaving the host through slirp4netns/pasta are sent with ICMP sockets of the user, which `ping_group_range` forbids: `100% packet loss`.

## Example
```yaml
services:
  probe:
    image: busybox:1.36
    healthcheck:
      test: ["CMD", "ping", "-c1", "gateway"]
```

## Fix
Add `cap_add: [NET_RAW]`, and on the host `/etc/sysctl.d/50-ping.conf` with `net.ipv4.ping_group_range=0 2147483647`, then `sysctl --system`. Prefer an HTTP or TCP probe for healthchecks.

## References
- Catalogue row A.21 (verified on Podman 4.3.1).
- podman `troubleshooting.md` §5.
"#;

fn pings(svc: &Service) -> Option<(Span, String)> {
    let has = |words: &[String]| {
        words.iter().any(|w| {
            w.split_whitespace()
                .any(|x| x == "ping" || x.ends_with("/ping"))
        })
    };
    if let Some(c) = &svc.command {
        if has(&c.value) {
            return Some((c.span, key(svc, "command")));
        }
    }
    if let Some(e) = &svc.entrypoint {
        if has(&e.value) {
            return Some((e.span, key(svc, "entrypoint")));
        }
    }
    let hc = svc.healthcheck.as_ref()?;
    let test = hc.value.test.as_ref()?;
    let words = match &test.value {
        transship_ir::HealthTest::Cmd(v) => v.clone(),
        transship_ir::HealthTest::CmdShell(s) => vec![s.clone()],
        transship_ir::HealthTest::None => return None,
    };
    has(&words).then(|| (test.span, key(svc, "healthcheck.test")))
}

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let range = ctx.host.and_then(|h| h.ping_group_range);
    let gid = ctx.host.and_then(|h| h.user.as_ref()).map(|u| u.gid);
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let net_raw = svc
            .cap_add
            .iter()
            .find(|c| matches!(c.value.trim_start_matches("CAP_"), "NET_RAW" | "ALL"));
        match (net_raw, pings(svc)) {
            (None, Some((span, path))) => out.push(
                Finding::new(&RULE, span, path,
                    "the service runs `ping`, but podman's default capabilities lack NET_RAW: ping fails with permission denied")
                .fact("podman default capability set (no NET_RAW)")
                .fix_text("add `cap_add: [NET_RAW]` (and widen net.ipv4.ping_group_range on the host for pings leaving the host), or probe with TCP/HTTP"),
            ),
            (Some(cap), _) => {
                let covered = match (range, gid) {
                    (Some([lo, hi]), Some(g)) => lo <= g && g <= hi,
                    _ => {
                        if ctx.host.is_none() {
                            out.push(
                                Finding::new(&RULE, cap.span, key(svc, "cap_add"),
                                    "NET_RAW is added; pings leaving the host are lost unless net.ipv4.ping_group_range covers the user's group (unknown here)")
                                .severity(Severity::Info)
                                .fact("net.ipv4.ping_group_range unknown")
                                .conditional(true)
                                .fix_text("echo 'net.ipv4.ping_group_range=0 2147483647' > /etc/sysctl.d/50-ping.conf && sysctl --system"),
                            );
                        }
                        continue;
                    }
                };
                if covered {
                    continue;
                }
                let [lo, hi] = range.unwrap_or([1, 0]);
                out.push(
                    Finding::new(&RULE, cap.span, key(svc, "cap_add"), format!(
                        "NET_RAW is added, but net.ipv4.ping_group_range ({lo} {hi}) does not include the user's group {}: pings leaving the host get 100% loss",
                        gid.unwrap_or(0)
                    ))
                    .fact(format!("net.ipv4.ping_group_range = {lo} {hi}"))
                    .fix_text("echo 'net.ipv4.ping_group_range=0 2147483647' > /etc/sysctl.d/50-ping.conf && sysctl --system"),
                );
            }
            (None, None) => {}
        }
    }
    out
}
