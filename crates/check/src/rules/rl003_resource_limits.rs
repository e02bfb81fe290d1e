//! RL003 resource-limits-not-enforced (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL003",
    name: "resource-limits-not-enforced",
    severity: Severity::Warning,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
Resource limits (`mem_limit`, `memswap_limit`, `mem_reservation`, `cpus`, `cpu_shares`, `cpu_quota`, `cpuset`, `pids_limit`, `blkio_config`, `deploy.resources.limits`) on a host where rootless containers cannot have them: cgroup v1, or cgroup v2 without the needed controller delegated to the user.

## Why it breaks
On cgroup v1 rootless Podman prints `Resource limits are not supported and ignored on cgroups V1 rootless systems` and runs the container *unlimited*. On cgroup v2 without delegation the container fails to start (`crun: the requested cgroup controller 'cpu' is not available`), or, with the cgroupfs manager, `cannot specify resource limits without cgroups v2 and --cgroup-manager=systemd`.

## Example
```yaml
services:
  app:
    image: example/app:1
    mem_limit: 512m
    cpus: 0.5
```

## Fix
cgroup v1: boot with `systemd.unified_cgroup_hierarchy=1` (cgroup v2), or accept that the limits are not enforced. cgroup v2: delegate the controllers to users with `/etc/systemd/system/user@.service.d/delegate.conf` containing `[Service]` and `Delegate=memory pids cpu cpuset io`, then log in again; use `cgroup_manager = "systemd"`.

## References
- Catalogue rows A.6 (verified on cgroup v1) and A.7.
- podman `troubleshooting.md` §26; containers/podman#22147.
"#;

fn controller(k: &str) -> &'static str {
    match k {
        "mem_limit" | "memswap_limit" | "mem_reservation" | "deploy.resources.limits.memory" => {
            "memory"
        }
        "cpus" | "cpu_shares" | "cpu_quota" | "deploy.resources.limits.cpus" => "cpu",
        "cpuset" => "cpuset",
        "pids_limit" | "deploy.resources.limits.pids" => "pids",
        _ => "io",
    }
}

fn limits(svc: &Service) -> Vec<(&'static str, Span)> {
    let mut v = Vec::new();
    let mut push = |k: &'static str, s: Option<Span>| {
        if let Some(s) = s {
            v.push((k, s));
        }
    };
    push("mem_limit", svc.mem_limit.as_ref().map(|x| x.span));
    push("memswap_limit", svc.memswap_limit.as_ref().map(|x| x.span));
    push(
        "mem_reservation",
        svc.mem_reservation.as_ref().map(|x| x.span),
    );
    push("cpus", svc.cpus.as_ref().map(|x| x.span));
    push("cpu_shares", svc.cpu_shares.as_ref().map(|x| x.span));
    push("cpu_quota", svc.cpu_quota.as_ref().map(|x| x.span));
    push("cpuset", svc.cpuset.as_ref().map(|x| x.span));
    push("pids_limit", svc.pids_limit.as_ref().map(|x| x.span));
    push("blkio_config", svc.blkio_config.as_ref().map(|x| x.span));
    if let Some(l) = svc
        .deploy
        .as_ref()
        .and_then(|d| d.value.resources.as_ref())
        .and_then(|r| r.value.limits.as_ref())
    {
        push(
            "deploy.resources.limits.memory",
            l.value.memory.as_ref().map(|x| x.span),
        );
        push(
            "deploy.resources.limits.cpus",
            l.value.cpus.as_ref().map(|x| x.span),
        );
        push(
            "deploy.resources.limits.pids",
            l.value.pids.as_ref().map(|x| x.span),
        );
    }
    v
}

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cgroup = ctx.host.and_then(|h| h.cgroup.as_ref());
    let manager = ctx
        .host
        .and_then(|h| h.podman.as_ref())
        .and_then(|p| p.cgroup_manager.clone());
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (k, span) in limits(svc) {
            let path = key(svc, k);
            let ctl = controller(k);
            let f = match cgroup {
                Some(c) if c.version == 1 => Finding::new(&RULE, span, path, format!(
                    "`{k}` is not enforced: rootless podman ignores resource limits on cgroup v1 and runs the container unlimited"
                ))
                .fact("cgroup version = 1"),
                Some(c) if manager.as_deref() == Some("cgroupfs") => Finding::new(&RULE, span, path, format!(
                    "`{k}` makes the container fail: rootless resource limits need cgroup v2 with the systemd cgroup manager, podman uses cgroupfs"
                ))
                .severity(Severity::Error)
                .fact(format!("cgroup version = {}, podman cgroup_manager = cgroupfs", c.version)),
                Some(c) => match &c.delegated_controllers {
                    Some(list) if list.iter().any(|x| x == ctl) => continue,
                    Some(list) => Finding::new(&RULE, span, path, format!(
                        "`{k}` needs the `{ctl}` cgroup controller, which is not delegated to the user; the container fails to start"
                    ))
                    .severity(Severity::Error)
                    .fact(format!("delegated cgroup controllers = [{}]", list.join(" "))),
                    None => Finding::new(&RULE, span, path, format!(
                        "`{k}` needs the `{ctl}` cgroup controller delegated to the user (unknown here)"
                    ))
                    .fact("delegated cgroup controllers unknown")
                    .conditional(true),
                },
                None => Finding::new(&RULE, span, path, format!(
                    "`{k}` is only enforced rootless on cgroup v2 with the `{ctl}` controller delegated (host unknown)"
                ))
                .fact("cgroup version unknown")
                .conditional(true),
            };
            out.push(f.fix_text(format!(
                "use cgroup v2 and delegate `{ctl}`: /etc/systemd/system/user@.service.d/delegate.conf with [Service] Delegate=memory pids cpu cpuset io; or drop `{k}` and accept no limit"
            )));
        }
    }
    out
}
