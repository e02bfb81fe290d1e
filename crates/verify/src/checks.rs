//! The checks of one service container: each compares what [`crate::expected`] asks for with
//! what the runtime and the host report, and says pass, fail (with both values) or skip (with
//! the reason). Secret values are never put in a result: they appear as `***` plus a short
//! salted hash, so a changed value is still visible as a changed hash.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use transship_translate::secrets::mask;

use crate::api::{Flavor, HostAccess, Runtime, UnitState};
use crate::expected::{Expected, HealthExpect, MountKind};
use crate::observed::Observed;

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Fail,
    Pass,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Skip => "skip",
        }
    }
}

/// One check of one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// `env`, `ports`, ...
    pub name: &'static str,
    pub status: Status,
    /// What was expected (on a fail; secrets masked).
    pub expected: String,
    /// What the target shows (on a fail; secrets masked).
    pub observed: String,
    /// Why it was skipped, what was approximated, or what was done to check it.
    pub note: String,
    /// A skip because the Compose file asks nothing of this (no ports, no user, ...), as
    /// opposed to a check that could not run.
    pub nothing_to_check: bool,
}

impl CheckResult {
    pub(crate) fn pass(name: &'static str) -> Self {
        Self {
            name,
            status: Status::Pass,
            expected: String::new(),
            observed: String::new(),
            note: String::new(),
            nothing_to_check: false,
        }
    }

    pub(crate) fn fail(
        name: &'static str,
        expected: impl Into<String>,
        observed: impl Into<String>,
    ) -> Self {
        Self {
            name,
            status: Status::Fail,
            expected: one_line(&expected.into()),
            observed: one_line(&observed.into()),
            note: String::new(),
            nothing_to_check: false,
        }
    }

    pub(crate) fn skip(name: &'static str, why: impl Into<String>) -> Self {
        Self {
            name,
            status: Status::Skip,
            expected: String::new(),
            observed: String::new(),
            note: one_line(&why.into()),
            nothing_to_check: false,
        }
    }

    pub(crate) fn nothing(name: &'static str, why: impl Into<String>) -> Self {
        Self {
            nothing_to_check: true,
            ..Self::skip(name, why)
        }
    }

    pub(crate) fn with_note(mut self, note: impl Into<String>) -> Self {
        let note = note.into();
        if !note.is_empty() {
            if !self.note.is_empty() {
                self.note.push_str("; ");
            }
            self.note.push_str(&note);
        }
        self
    }
}

/// A multi-line message (a command's stderr) on one line.
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The report of one service container.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceReport {
    pub service: String,
    pub container: String,
    pub checks: Vec<CheckResult>,
}

impl ServiceReport {
    pub fn failed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Fail)
            .count()
    }
}

/// How the checks run.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// `systemctl --user` (rootless).
    pub user: bool,
    /// How long to wait for a healthcheck to pass (0: run it once).
    pub wait_healthy: Duration,
    /// The salt of the secret masks.
    pub salt: u64,
    /// The restart count is watched for at least this long (the checks' own time counts).
    pub settle: Duration,
    /// Keep every runtime and host answer in this JSON file (fixtures for the replay tests).
    pub record: Option<std::path::PathBuf>,
    /// Check systemd units (the quadlet and systemd targets run containers under units).
    pub units: bool,
    /// Set on Ctrl-C: a rehearsal stops what it is doing and removes what it made.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// What one host is checked against: the expected containers (for the podman version the
/// host runs, or the one asked for) and the unit files that should be installed there.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub expected: Vec<Expected>,
    /// Per service: (path on the host, contents) of the files the target generates for it.
    pub unit_files: BTreeMap<String, Vec<(String, String)>>,
    /// Said once in the host's report (`expected as for podman 4.4: the host runs 4.3`).
    pub note: String,
    /// The running Docker stack to compare with (`--against docker://...`).
    pub docker: Option<crate::parity::DockerSide>,
    /// `--rehearse`: install these files first, start them, check, and remove them.
    pub install: Option<crate::rehearse::Install>,
}

/// Runs every check of `e`. `peers` are the project's other expected containers (a peer on
/// the same network resolves aliases).
pub fn check_service(
    e: &Expected,
    plan: &Plan,
    rt: &dyn Runtime,
    host: &dyn HostAccess,
    opts: &CheckOptions,
) -> ServiceReport {
    let peers = plan.expected.as_slice();
    let started = Instant::now();
    let mut checks = Vec::new();
    let report = |checks| ServiceReport {
        service: e.service.clone(),
        container: e.container.clone(),
        checks,
    };
    let first = match rt.container(&e.container) {
        Ok(Some(v)) => Observed::from_inspect(&v),
        Ok(None) => {
            // A unit that ran its container to completion removed it (`podman run --rm`):
            // the unit's result is the evidence.
            // Otherwise the unit says why it is missing (failed, restarting, never started).
            let state = opts.units.then(|| host.unit_state(&e.unit, opts.user));
            if let (true, Some(state)) = (e.oneshot, &state) {
                let unit = unit_check(e, state);
                if unit.status == Status::Pass {
                    checks.push(CheckResult::pass("exists").with_note(
                        "ran to completion and was removed (podman run --rm); its unit finished with success",
                    ));
                    checks.push(unit);
                    return report(checks);
                }
            }
            checks.push(CheckResult::fail(
                "exists",
                format!("container {}", e.container),
                "no such container",
            ));
            if let Some(state) = &state {
                checks.push(unit_check(e, state));
            }
            return report(checks);
        }
        Err(err) => {
            checks.push(CheckResult::fail(
                "exists",
                format!("container {}", e.container),
                format!("the runtime could not be asked: {err}"),
            ));
            return report(checks);
        }
    };
    checks.push(CheckResult::pass("exists"));
    let unit_first = if opts.units {
        let state = host.unit_state(&e.unit, opts.user);
        checks.push(unit_check(e, &state));
        checks.push(restart_policy_check(e, &state));
        state.ok()
    } else {
        None
    };
    checks.push(running_check(e, &first));
    checks.push(image_check(e, &first));
    checks.push(words_check(
        "command",
        e.command.as_deref(),
        first.command.as_deref(),
    ));
    checks.push(words_check(
        "entrypoint",
        e.entrypoint.as_deref(),
        first.entrypoint.as_deref(),
    ));
    checks.push(env_check(e, &first, opts.salt));
    checks.push(ports_check(e, &first, host));
    checks.push(mounts_check(e, &first));
    checks.push(user_check(e, &first));
    checks.push(caps_check(e, &first, rt.flavor()));
    checks.push(security_check(e, &first));
    checks.push(networks_check(e, &first));
    checks.push(dns_check(e, &first, peers, rt));
    checks.push(health_check(e, &first, rt, opts.wait_healthy));
    checks.push(limits_check(e, &first, opts.user));
    checks.push(labels_check(e, &first));
    if opts.units {
        checks.push(unit_files_check(e, host, plan));
    }
    // Last: the restart count must not have moved while the checks ran (and at least for
    // the settle time).
    if let Some(rest) = opts.settle.checked_sub(started.elapsed()) {
        std::thread::sleep(rest);
    }
    let last = rt
        .container(&e.container)
        .ok()
        .flatten()
        .map(|v| Observed::from_inspect(&v));
    let unit_last = if opts.units {
        host.unit_state(&e.unit, opts.user).ok()
    } else {
        None
    };
    checks.push(restarts_check(
        &first,
        last.as_ref(),
        unit_first.as_ref(),
        unit_last.as_ref(),
    ));
    if let Some(side) = &plan.docker {
        let t = last.as_ref().unwrap_or(&first);
        checks.extend(crate::parity::parity_checks(
            e,
            side,
            t,
            unit_first.as_ref(),
            opts.salt,
            plan.install.as_ref(),
        ));
    }
    for c in &mut checks {
        if let Some(why) = e.approximations.get(c.name) {
            let note = format!("expected as approximated: {why}");
            *c = c.clone().with_note(note);
        }
    }
    report(checks)
}

fn unit_check(e: &Expected, state: &Result<UnitState, String>) -> CheckResult {
    unit_verdict(&e.unit, e.oneshot, state)
}

fn unit_verdict(unit: &str, oneshot: bool, state: &Result<UnitState, String>) -> CheckResult {
    let u = match state {
        Ok(u) => u,
        Err(err) => return CheckResult::skip("unit", format!("systemd could not be asked: {err}")),
    };
    let mut shown = format!(
        "{} ({}/{}, result {}",
        unit, u.active_state, u.sub_state, u.result
    );
    if let Some(status) = u.exec_main_status.filter(|s| *s != 0) {
        shown.push_str(&format!(", main process exited {status}"));
    }
    if let Some(n) = u.n_restarts.filter(|n| *n > 0) {
        shown.push_str(&format!(", restarted {n} time(s)"));
    }
    shown.push(')');
    if u.load_state == "not-found" {
        return CheckResult::fail("unit", format!("{} loaded", unit), "not found");
    }
    let ok = if oneshot {
        (u.active_state == "active" || u.active_state == "inactive") && u.result == "success"
    } else {
        u.active_state == "active" && u.sub_state == "running"
    };
    if ok {
        CheckResult::pass("unit")
    } else if oneshot {
        CheckResult::fail("unit", format!("{} finished with success", unit), shown)
    } else {
        CheckResult::fail("unit", format!("{} active (running)", unit), shown)
    }
}

fn restart_policy_check(e: &Expected, state: &Result<UnitState, String>) -> CheckResult {
    match state {
        Err(err) => CheckResult::skip(
            "restart-policy",
            format!("systemd could not be asked: {err}"),
        ),
        Ok(u) if u.load_state == "not-found" => {
            CheckResult::skip("restart-policy", "the unit is not installed")
        }
        Ok(u) if u.restart == e.restart => CheckResult::pass("restart-policy"),
        Ok(u) => CheckResult::fail(
            "restart-policy",
            format!("Restart={}", e.restart),
            format!("Restart={}", u.restart),
        ),
    }
}

fn running_check(e: &Expected, o: &Observed) -> CheckResult {
    if e.oneshot {
        return match (o.status.as_str(), o.exit_code) {
            ("exited" | "stopped", Some(0)) => CheckResult::pass("running")
                .with_note("runs to completion (service_completed_successfully): exited 0"),
            ("running", _) => CheckResult::pass("running").with_note("still running to completion"),
            (s, code) => CheckResult::fail(
                "running",
                "exited with status 0",
                format!(
                    "{s} (exit code {})",
                    code.map_or("?".into(), |c| c.to_string())
                ),
            ),
        };
    }
    if o.status == "running" {
        CheckResult::pass("running")
    } else {
        CheckResult::fail(
            "running",
            "running",
            format!(
                "{} (exit code {})",
                o.status,
                o.exit_code.map_or("?".into(), |c| c.to_string())
            ),
        )
    }
}

/// `name[:tag]` with `:latest` added to an untagged, undigested reference.
fn with_tag(r: &str) -> String {
    let last = r.rsplit('/').next().unwrap_or(r);
    if last.contains(':') || r.contains('@') {
        r.to_owned()
    } else {
        format!("{r}:latest")
    }
}

fn image_check(e: &Expected, o: &Observed) -> CheckResult {
    if e.image.is_empty() {
        return CheckResult::nothing("image", "the service names no image");
    }
    let want = with_tag(&transship_podman::names::qualify_image(&e.image));
    let got = with_tag(&transship_podman::names::qualify_image(&o.image));
    if let Some((_, digest)) = want.split_once('@') {
        return match &o.image_digest {
            Some(d) if d == digest => CheckResult::pass("image"),
            Some(d) => CheckResult::fail("image", digest.to_owned(), d.clone()),
            None if got.ends_with(digest) => CheckResult::pass("image"),
            None => CheckResult::fail("image", want.clone(), got),
        };
    }
    if want == got {
        CheckResult::pass("image").with_note(format!("image id {}", short_id(&o.image_id)))
    } else {
        CheckResult::fail("image", want, got)
    }
}

fn short_id(id: &str) -> &str {
    &id[..id.len().min(12)]
}

fn words(w: &[String]) -> String {
    serde_json::to_string(w).unwrap_or_default()
}

fn words_check(name: &'static str, want: Option<&[String]>, got: Option<&[String]>) -> CheckResult {
    let Some(want) = want else {
        return CheckResult::nothing(name, "not set in the Compose file: the image's is used");
    };
    let got_v: Vec<String> = got.map(<[String]>::to_vec).unwrap_or_default();
    let empty = |w: &[String]| w.is_empty() || w == [String::new()];
    if want == got_v.as_slice() || (empty(want) && empty(&got_v)) {
        CheckResult::pass(name)
    } else {
        CheckResult::fail(name, words(want), words(&got_v))
    }
}

fn shown(name: &str, value: &str, secret: bool, salt: u64) -> String {
    if secret {
        format!("{name}={}", mask(value, salt))
    } else {
        format!("{name}={value}")
    }
}

fn env_check(e: &Expected, o: &Observed, salt: u64) -> CheckResult {
    if e.env.is_empty() {
        return CheckResult::nothing("env", "no environment in the Compose file");
    }
    let mut want = Vec::new();
    let mut got = Vec::new();
    for x in &e.env {
        let seen = o.env_value(&x.name);
        let ok = match (&x.value, seen) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(v), Some(s)) => v == s,
        };
        if !ok {
            want.push(match &x.value {
                Some(v) => shown(&x.name, v, x.secret, salt),
                None => format!("{} (from the unit's environment)", x.name),
            });
            got.push(match seen {
                Some(s) => shown(&x.name, s, x.secret, salt),
                None => format!("{} unset", x.name),
            });
        }
    }
    let mut r = if want.is_empty() {
        CheckResult::pass("env")
    } else {
        CheckResult::fail("env", want.join(", "), got.join(", "))
    };
    if !e.secret_env.is_empty() {
        r = r.with_note(format!(
            "{} passed as podman secrets of type=env (not visible in inspect)",
            e.secret_env.join(", ")
        ));
    }
    r
}

fn ports_check(e: &Expected, o: &Observed, host: &dyn HostAccess) -> CheckResult {
    if e.ports.is_empty() {
        return CheckResult::nothing("ports", "no published ports");
    }
    let mut want = Vec::new();
    let mut got = Vec::new();
    let mut probed = Vec::new();
    for p in &e.ports {
        let key = format!("{}/{}", p.container_port, p.proto);
        let any_ip = |ip: &str| ip.is_empty() || ip == "0.0.0.0" || ip == "::";
        let found = o.ports.iter().find(|b| {
            b.container == key
                && (p.host_port.is_empty() || b.host_port == p.host_port)
                && (b.host_ip == p.host_ip || (any_ip(&b.host_ip) && any_ip(&p.host_ip)))
        });
        let Some(b) = found else {
            want.push(format!("{} published", p.text));
            let bound: Vec<String> = o
                .ports
                .iter()
                .filter(|b| b.container == key)
                .map(|b| format!("{}:{}->{}", b.host_ip, b.host_port, b.container))
                .collect();
            got.push(if bound.is_empty() {
                format!("{key} not published")
            } else {
                bound.join(", ")
            });
            continue;
        };
        if p.proto != "tcp" {
            continue;
        }
        let Ok(port) = b.host_port.parse::<u16>() else {
            continue;
        };
        match host.tcp_probe(&b.host_ip, port) {
            Ok(()) => probed.push(format!("{}:{port}", display_ip(&b.host_ip))),
            Err(err) => {
                want.push(format!(
                    "{}:{port} accepting connections",
                    display_ip(&b.host_ip)
                ));
                got.push(format!("connect failed: {err}"));
            }
        }
    }
    if want.is_empty() {
        let mut r = CheckResult::pass("ports");
        if !probed.is_empty() {
            r = r.with_note(format!("accepting TCP connections: {}", probed.join(", ")));
        }
        r
    } else {
        CheckResult::fail("ports", want.join(", "), got.join(", "))
    }
}

fn display_ip(ip: &str) -> &str {
    if ip.is_empty() { "0.0.0.0" } else { ip }
}

fn mounts_check(e: &Expected, o: &Observed) -> CheckResult {
    if e.mounts.is_empty() {
        return CheckResult::nothing("mounts", "no volumes or tmpfs in the Compose file");
    }
    let mut want = Vec::new();
    let mut got = Vec::new();
    for m in &e.mounts {
        let desc = |kind: &str, source: &str, ro: bool| {
            let mut s = kind.to_owned();
            if !source.is_empty() {
                s.push(' ');
                s.push_str(source);
            }
            s.push_str(" -> ");
            s.push_str(&m.target);
            if ro {
                s.push_str(" (read-only)");
            }
            s
        };
        let Some(x) = o.mounts.iter().find(|x| x.destination == m.target) else {
            want.push(desc(m.kind.as_str(), &m.source, m.read_only));
            got.push(format!("nothing mounted at {}", m.target));
            continue;
        };
        let source_ok = match m.kind {
            MountKind::Bind => x.source == m.source,
            MountKind::Volume => x.name == m.source,
            MountKind::Anonymous | MountKind::Tmpfs => true,
        };
        if x.kind != m.kind.as_str() || !source_ok || x.read_only != m.read_only {
            let source = if x.kind == "volume" {
                &x.name
            } else {
                &x.source
            };
            want.push(desc(m.kind.as_str(), &m.source, m.read_only));
            got.push(desc(&x.kind, source, x.read_only));
        }
    }
    if want.is_empty() {
        CheckResult::pass("mounts")
    } else {
        CheckResult::fail("mounts", want.join(", "), got.join(", "))
    }
}

fn user_check(e: &Expected, o: &Observed) -> CheckResult {
    match &e.user {
        None => CheckResult::nothing("user", "not set in the Compose file: the image's user"),
        Some(u) if *u == o.user => CheckResult::pass("user"),
        Some(u) => CheckResult::fail(
            "user",
            u.clone(),
            if o.user.is_empty() {
                "the image's default (unset)".to_owned()
            } else {
                o.user.clone()
            },
        ),
    }
}

fn caps_check(e: &Expected, o: &Observed, flavor: Flavor) -> CheckResult {
    if e.cap_add.is_empty() && e.cap_drop.is_empty() {
        return CheckResult::nothing("capabilities", "no cap_add or cap_drop");
    }
    let mut want = Vec::new();
    let mut got = Vec::new();
    let effective = o.effective_caps.as_deref();
    for c in &e.cap_add {
        let ok = c == "ALL" && o.privileged
            || o.cap_add.iter().any(|x| x == c || x == "ALL")
            || effective.is_some_and(|eff| eff.contains(c));
        if !ok {
            want.push(format!("+{c}"));
            got.push(format!("{c} not added"));
        }
    }
    for c in &e.cap_drop {
        // Dropped when the runtime says so, or when the process lacks it (podman 5's
        // default set has no MKNOD, so it never lists it as dropped).
        let ok = o.cap_drop.iter().any(|x| x == c || x == "ALL")
            || match (c.as_str(), effective) {
                ("ALL", Some(eff)) => eff.iter().all(|x| e.cap_add.contains(x)),
                ("ALL", None) => flavor == Flavor::Podman && o.cap_drop.len() >= 10,
                (_, Some(eff)) => !eff.contains(c),
                (_, None) => false,
            };
        if !ok {
            want.push(format!("-{c}"));
            got.push(format!("{c} not dropped"));
        }
    }
    if want.is_empty() {
        CheckResult::pass("capabilities")
    } else {
        CheckResult::fail("capabilities", want.join(", "), got.join(", "))
    }
}

/// `no-new-privileges:true` and `no-new-privileges` are the same option; `label:x` and
/// `label=x` too.
fn norm_secopt(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_suffix(":true")
        .or_else(|| s.strip_suffix("=true"))
        .unwrap_or(s);
    s.replacen(':', "=", 1)
}

fn security_check(e: &Expected, o: &Observed) -> CheckResult {
    let mut want = Vec::new();
    let mut got = Vec::new();
    if e.privileged != o.privileged {
        want.push(format!("privileged {}", e.privileged));
        got.push(format!("privileged {}", o.privileged));
    }
    if e.read_only != o.read_only {
        want.push(format!("read-only root {}", e.read_only));
        got.push(format!("read-only root {}", o.read_only));
    }
    let seen: Vec<String> = o.security_opt.iter().map(|s| norm_secopt(s)).collect();
    for s in &e.security_opt {
        if !seen.contains(&norm_secopt(s)) {
            want.push(format!("security_opt {s}"));
            got.push(format!("security_opt [{}]", o.security_opt.join(", ")));
        }
    }
    if want.is_empty() {
        CheckResult::pass("security")
    } else {
        CheckResult::fail("security", want.join(", "), got.join(", "))
    }
}

fn networks_check(e: &Expected, o: &Observed) -> CheckResult {
    if let Some(mode) = &e.network_mode {
        let ok = match mode.as_str() {
            "host" | "none" => o.network_mode == *mode,
            m if m.starts_with("container:") => o.network_mode.starts_with("container:"),
            m => o.network_mode == m || o.networks.contains_key(m),
        };
        return if ok {
            CheckResult::pass("networks")
        } else {
            CheckResult::fail(
                "networks",
                format!("network mode {mode}"),
                format!("network mode {}", o.network_mode),
            )
        };
    }
    if e.networks.is_empty() {
        return CheckResult::nothing("networks", "no networks");
    }
    let mut want = Vec::new();
    let mut got = Vec::new();
    for n in &e.networks {
        let Some(seen) = o.networks.get(&n.name) else {
            want.push(format!("attached to {}", n.name));
            got.push(format!(
                "attached to [{}]",
                o.networks.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        for a in &n.aliases {
            if !seen.aliases.contains(a) {
                want.push(format!("alias {a} on {}", n.name));
                got.push(format!(
                    "aliases [{}] on {}",
                    seen.aliases.join(", "),
                    n.name
                ));
            }
        }
    }
    if want.is_empty() {
        CheckResult::pass("networks")
    } else {
        CheckResult::fail("networks", want.join(", "), got.join(", "))
    }
}

/// Addresses in `nslookup NAME` output (after the `Name:` line; the server's own address
/// comes first and is left out).
fn nslookup_addresses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_name = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("Name:") {
            after_name = true;
        } else if after_name {
            if let Some(a) = l
                .strip_prefix("Address:")
                .or_else(|| l.strip_prefix("Address 1:"))
            {
                let a = a.trim();
                // `10.89.0.2` or `10.89.0.2 name.dns.podman`, never `host#53`
                let a = a.split_whitespace().next().unwrap_or("");
                out.push(a.trim_end_matches("#53").to_owned());
            }
        }
    }
    out
}

fn dns_check(e: &Expected, o: &Observed, peers: &[Expected], rt: &dyn Runtime) -> CheckResult {
    let named: Vec<_> = e
        .networks
        .iter()
        .filter(|n| !n.aliases.is_empty())
        .collect();
    if named.is_empty() || e.network_mode.is_some() {
        return CheckResult::nothing("dns", "no aliases to resolve");
    }
    let mut want = Vec::new();
    let mut got = Vec::new();
    let mut how = Vec::new();
    for n in named {
        let Some(ip) = o
            .networks
            .get(&n.name)
            .map(|x| x.ip.clone())
            .filter(|ip| !ip.is_empty())
        else {
            continue; // the networks check names the missing attachment
        };
        // A running peer on the same network; else the container itself.
        let peer = peers
            .iter()
            .filter(|p| p.container != e.container && p.networks.iter().any(|x| x.name == n.name))
            .find(|p| {
                rt.container(&p.container)
                    .ok()
                    .flatten()
                    .is_some_and(|v| Observed::from_inspect(&v).status == "running")
            })
            .map(|p| p.container.clone())
            .unwrap_or_else(|| e.container.clone());
        for a in &n.aliases {
            match rt.exec(&peer, &["nslookup", a]) {
                Ok(out) if out.code == 0 || !out.stdout.is_empty() => {
                    let addrs = nslookup_addresses(&out.stdout);
                    if addrs.contains(&ip) {
                        how.push(format!("{a} from {peer}"));
                    } else {
                        want.push(format!("{a} -> {ip} (from {peer})"));
                        got.push(if addrs.is_empty() {
                            format!("{a} does not resolve")
                        } else {
                            format!("{a} -> {}", addrs.join(" "))
                        });
                    }
                }
                Ok(out) => {
                    return CheckResult::skip(
                        "dns",
                        format!(
                            "cannot resolve from {peer}: nslookup failed ({}): {}",
                            out.code,
                            out.stderr.trim()
                        ),
                    );
                }
                Err(err) => {
                    return CheckResult::skip(
                        "dns",
                        format!("cannot run nslookup in {peer}: {err}"),
                    );
                }
            }
        }
    }
    if want.is_empty() {
        CheckResult::pass("dns").with_note(format!("resolved {}", how.join(", ")))
    } else {
        CheckResult::fail("dns", want.join(", "), got.join(", "))
    }
}

fn health_check(e: &Expected, o: &Observed, rt: &dyn Runtime, wait: Duration) -> CheckResult {
    let test_text = |t: &[String]| -> String {
        match t.split_first() {
            Some((k, rest)) if k == "CMD-SHELL" => rest.join(" "),
            Some((k, rest)) if k == "CMD" => words(rest),
            Some((k, _)) if k == "NONE" => "none".to_owned(),
            _ => words(t),
        }
    };
    match &e.health {
        HealthExpect::Unset => {
            return CheckResult::nothing("healthcheck", "no healthcheck in the Compose file");
        }
        HealthExpect::Disabled => {
            return match &o.health_test {
                None => CheckResult::pass("healthcheck"),
                Some(t) if t.first().is_some_and(|x| x == "NONE") || t.is_empty() => {
                    CheckResult::pass("healthcheck")
                }
                Some(t) => CheckResult::fail("healthcheck", "disabled", test_text(t)),
            };
        }
        HealthExpect::Cmd(w) => {
            let got = o.health_test.clone().unwrap_or_default();
            let got_words: Vec<String> = match got.split_first() {
                Some((k, rest)) if k == "CMD" => rest.to_vec(),
                _ => got.clone(),
            };
            if got_words != *w {
                return CheckResult::fail("healthcheck", words(w), test_text(&got));
            }
        }
        HealthExpect::Shell(s) => {
            let got = o.health_test.clone().unwrap_or_default();
            if test_text(&got) != *s {
                return CheckResult::fail("healthcheck", s.clone(), test_text(&got));
            }
        }
    }
    // The test is right: is it passing now?
    let deadline = Instant::now() + wait;
    loop {
        let status = match rt.flavor() {
            Flavor::Podman => rt.run_healthcheck(&e.container).map(|v| {
                v.get("Status")
                    .and_then(|s| s.as_str())
                    .unwrap_or("")
                    .to_owned()
            }),
            Flavor::Docker => Ok(o.health.clone().unwrap_or_default()),
        };
        match status {
            Ok(s) if s == "healthy" => {
                return CheckResult::pass("healthcheck").with_note(match rt.flavor() {
                    Flavor::Podman => "run now: healthy",
                    Flavor::Docker => "reported healthy",
                });
            }
            Ok(s) if Instant::now() >= deadline => {
                return CheckResult::fail(
                    "healthcheck",
                    "healthy",
                    if s.is_empty() {
                        "no status".to_owned()
                    } else {
                        s
                    },
                );
            }
            Err(err) if Instant::now() >= deadline => {
                return CheckResult::fail(
                    "healthcheck",
                    "healthy",
                    format!("the check could not run: {err}"),
                );
            }
            _ => std::thread::sleep(Duration::from_millis(500)),
        }
    }
}

fn limits_check(e: &Expected, o: &Observed, rootless: bool) -> CheckResult {
    if e.memory.is_none() && e.cpus.is_none() && e.pids_limit.is_none() {
        return CheckResult::nothing("limits", "no memory, cpu or pids limits");
    }
    let mut want = Vec::new();
    let mut got = Vec::new();
    if e.memory.is_some() && e.memory != o.memory {
        want.push(format!("memory {}", opt_num(e.memory)));
        got.push(format!("memory {}", opt_num(o.memory)));
    }
    if let Some(c) = e.cpus {
        if o.cpus.is_none_or(|x| (x - c).abs() > 0.001) {
            want.push(format!("cpus {c}"));
            got.push(format!(
                "cpus {}",
                o.cpus.map_or("unlimited".into(), |x| x.to_string())
            ));
        }
    }
    if e.pids_limit.is_some() && e.pids_limit != o.pids_limit {
        want.push(format!("pids {}", opt_num(e.pids_limit)));
        got.push(format!("pids {}", opt_num(o.pids_limit)));
    }
    if want.is_empty() {
        CheckResult::pass("limits")
    } else {
        let r = CheckResult::fail("limits", want.join(", "), got.join(", "));
        let none = o.memory.is_none() && o.cpus.is_none() && o.pids_limit.is_none();
        if rootless && none {
            r.with_note(
                "rootless podman ran the container without any limit: on cgroup v1 it ignores them (and on v2 without the controllers delegated to the user it cannot set them); migrate check --rootless, rule RL003",
            )
        } else {
            r
        }
    }
}

fn opt_num(n: Option<i64>) -> String {
    n.map_or("unlimited".into(), |x| x.to_string())
}

fn labels_check(e: &Expected, o: &Observed) -> CheckResult {
    if e.labels.is_empty() {
        return CheckResult::nothing("labels", "no labels in the Compose file");
    }
    let (want, got) = label_differences(e.labels.iter().map(|(k, v)| (k, v)), o);
    if want.is_empty() {
        CheckResult::pass("labels")
    } else {
        CheckResult::fail("labels", want.join(", "), got.join(", "))
    }
}

/// Each wanted label `o` lacks or has with another value: (`k=wanted`, `k=found` or
/// `k unset`) pairs.
pub(crate) fn label_differences<'a>(
    wanted: impl Iterator<Item = (&'a String, &'a String)>,
    o: &Observed,
) -> (Vec<String>, Vec<String>) {
    let (mut want, mut got) = (Vec::new(), Vec::new());
    for (k, v) in wanted {
        match o.labels.get(k) {
            Some(x) if x == v => {}
            Some(x) => {
                want.push(format!("{k}={v}"));
                got.push(format!("{k}={x}"));
            }
            None => {
                want.push(format!("{k}={v}"));
                got.push(format!("{k} unset"));
            }
        }
    }
    (want, got)
}

fn unit_files_check(e: &Expected, host: &dyn HostAccess, plan: &Plan) -> CheckResult {
    let Some(files) = plan.unit_files.get(&e.service).filter(|f| !f.is_empty()) else {
        return CheckResult::nothing("unit-files", "no installed unit files to compare");
    };
    let mut want = Vec::new();
    let mut got = Vec::new();
    for (path, contents) in files {
        match host.read_file(path) {
            Ok(Some(x)) if x == *contents => {}
            Ok(Some(_)) => {
                want.push(format!("{path} as generated"));
                got.push(format!("{path} differs (migrate diff shows how)"));
            }
            Ok(None) => {
                want.push(format!("{path} installed"));
                got.push(format!("{path} missing"));
            }
            Err(err) => {
                want.push(format!("{path} readable"));
                got.push(err);
            }
        }
    }
    if want.is_empty() {
        CheckResult::pass("unit-files").with_note(format!("{} file(s) as generated", files.len()))
    } else {
        CheckResult::fail("unit-files", want.join(", "), got.join(", "))
    }
}

fn restarts_check(
    first: &Observed,
    last: Option<&Observed>,
    unit_first: Option<&UnitState>,
    unit_last: Option<&UnitState>,
) -> CheckResult {
    let Some(last) = last else {
        return CheckResult::fail(
            "restarts",
            "the container stays",
            "it disappeared during the check",
        );
    };
    if !first.id.is_empty() && first.id != last.id {
        return CheckResult::fail(
            "restarts",
            format!("container {} throughout", short_id(&first.id)),
            format!(
                "replaced by {} during the check (a restart loop?)",
                short_id(&last.id)
            ),
        );
    }
    if first.restart_count != last.restart_count {
        return CheckResult::fail(
            "restarts",
            format!("restart count {} throughout", opt_num(first.restart_count)),
            format!("{} at the end of the check", opt_num(last.restart_count)),
        );
    }
    if let (Some(a), Some(b)) = (unit_first, unit_last) {
        if a.n_restarts != b.n_restarts {
            return CheckResult::fail(
                "restarts",
                format!("NRestarts {} throughout", a.n_restarts.unwrap_or(0)),
                format!(
                    "NRestarts {} at the end of the check",
                    b.n_restarts.unwrap_or(0)
                ),
            );
        }
    }
    let n = unit_first
        .and_then(|u| u.n_restarts)
        .map(|n| n as i64)
        .or(first.restart_count)
        .unwrap_or(0);
    CheckResult::pass("restarts").with_note(format!("{n} restart(s) so far, none during the check"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn nslookup_output_of_busybox() {
        let text = "Server:\t\t10.89.0.1\nAddress:\t10.89.0.1:53\n\nNon-authoritative answer:\nName:\twebalias.dns.podman\nAddress: 10.89.0.2\n\nNon-authoritative answer:\n\n";
        assert_eq!(nslookup_addresses(text), vec!["10.89.0.2".to_owned()]);
        assert!(
            nslookup_addresses(
                "Server: 1.1.1.1\nAddress: 1.1.1.1:53\n** server can't find x: NXDOMAIN\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn a_unit_that_is_not_running_says_why() {
        let restarting = UnitState {
            load_state: "loaded".into(),
            active_state: "activating".into(),
            sub_state: "auto-restart".into(),
            result: "exit-code".into(),
            n_restarts: Some(3),
            exec_main_status: Some(1),
            restart: "always".into(),
            unit_type: "notify".into(),
        };
        let c = unit_verdict("shop-worker.service", false, &Ok(restarting.clone()));
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.observed,
            "shop-worker.service (activating/auto-restart, result exit-code, main process exited 1, restarted 3 time(s))"
        );
        let running = UnitState {
            active_state: "active".into(),
            sub_state: "running".into(),
            result: "success".into(),
            exec_main_status: Some(0),
            ..restarting
        };
        assert_eq!(
            unit_verdict("shop-worker.service", false, &Ok(running)).status,
            Status::Pass
        );
        let c = unit_verdict("x.service", false, &Err("no bus".into()));
        assert_eq!(c.status, Status::Skip);
    }

    #[test]
    fn security_options_compare_by_meaning() {
        assert_eq!(norm_secopt("no-new-privileges:true"), "no-new-privileges");
        assert_eq!(norm_secopt("label:disable"), "label=disable");
    }
}
