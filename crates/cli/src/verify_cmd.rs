//! `migrate verify [FILE]... --to podman [--host URL]... [--connection NAME]...`: whether what
//! runs on each target host is what the Compose project asks for, service by service
//! (`transship_verify`). Read-only: the one action is running a container's healthcheck and
//! an `nslookup` inside a container on the same network (to resolve aliases).
//!
//! Exit codes: 0 every check passed (or was skipped with a reason), 1 a check failed, 2 the
//! command could not run or a host could not be reached (named, with the transport's error;
//! the other hosts are still reported).

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;
use transship_podman::map::MapOptions;
use transship_podman::version::PodmanVersion;
use transship_verify::api::{ApiClient, Flavor, Recorder};
use transship_verify::checks::{CheckOptions, Plan, ServiceReport, Status};
use transship_verify::expected::expected_containers;
use transship_verify::parity::{DockerSide, docker_side};
use transship_verify::rehearse::{Install, InstallFile, RehearsalLog, isolate};
use transship_verify::run::{HostReport, verify_fleet};
use transship_verify::transport::{Endpoint, Host, HostSpec, named_connection};

use crate::load::load_options;
use crate::targets;
use crate::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Target, VerifyArgs, VerifyFormat};

fn fail(msg: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "migrate verify: {msg}");
    ExitCode::from(EXIT_ERROR)
}

/// `10s`, `500ms`, `2m`, `1m30s`, `1h`, or plain seconds.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<f64>() {
        if secs >= 0.0 && secs.is_finite() {
            return Ok(Duration::from_secs_f64(secs));
        }
    }
    let bad = || format!("{text:?} is not a duration (e.g. 10s, 500ms, 2m, 1m30s)");
    let mut total = 0.0f64;
    let mut num = String::new();
    let mut chars = t.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let n: f64 = num.parse().map_err(|_| bad())?;
        num.clear();
        let unit = match c {
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0.001
            }
            'h' => 3600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => return Err(bad()),
        };
        total += n * unit;
        any = true;
    }
    if !num.is_empty() || !any {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(total))
}

/// `--wait-healthy` when rehearsing: the containers were started a moment ago.
const REHEARSAL_WAIT_HEALTHY: Duration = Duration::from_secs(60);

/// The exit code of an interrupted rehearsal (as a shell reports SIGINT).
const EXIT_INTERRUPTED: u8 = 130;

/// Ctrl-C (and SIGTERM, SIGHUP) set the returned flag: the rehearsal stops and removes what
/// it made, and says so. A second Ctrl-C exits at once (the next rehearsal removes the rest).
fn on_interrupt() -> std::io::Result<Arc<AtomicBool>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM, SIGHUP] {
        // Registered first, so that it sees the flag as the previous signal left it.
        signal_hook::flag::register_conditional_shutdown(
            sig,
            EXIT_INTERRUPTED.into(),
            flag.clone(),
        )?;
        signal_hook::flag::register(sig, flag.clone())?;
    }
    let watched = flag.clone();
    std::thread::spawn(move || {
        while !watched.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = writeln!(
            std::io::stderr(),
            "migrate verify: interrupted: removing the rehearsal (Ctrl-C again leaves it to the next rehearsal)"
        );
    });
    Ok(flag)
}

fn salt() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x7665_7269_6679);
    h.finish()
}

pub(crate) fn run(args: &VerifyArgs) -> ExitCode {
    let target = args.to.unwrap_or(Target::Podman);
    if target != Target::Podman {
        return fail(&format!(
            "--to {}: only --to podman can be verified so far",
            targets::info(target).name
        ));
    }
    let timeout = match parse_duration(&args.timeout) {
        Ok(d) if !d.is_zero() => d,
        Ok(_) => return fail("--timeout: must be more than zero"),
        Err(e) => return fail(&format!("--timeout: {e}")),
    };
    let wait_healthy = match &args.wait_healthy {
        None if args.rehearse => REHEARSAL_WAIT_HEALTHY,
        None => Duration::ZERO,
        Some(w) => match parse_duration(w) {
            Ok(d) => d,
            Err(e) => return fail(&format!("--wait-healthy: {e}")),
        },
    };
    let start_timeout = match parse_duration(&args.start_timeout) {
        Ok(d) if !d.is_zero() => d,
        Ok(_) => return fail("--start-timeout: must be more than zero"),
        Err(e) => return fail(&format!("--start-timeout: {e}")),
    };
    if args.rehearse && args.no_units {
        return fail("--rehearse starts the generated units: it cannot go with --no-units");
    }
    let settle = match parse_duration(&args.settle) {
        Ok(d) => d,
        Err(e) => return fail(&format!("--settle: {e}")),
    };
    let asked_version = match args.target.podman_version.as_deref() {
        None => None,
        Some(v) => match v.parse::<PodmanVersion>() {
            Ok(v) => Some(v),
            Err(e) => return fail(&format!("--podman-version: {e}")),
        },
    };
    let user = args.target.user;
    let mut specs = Vec::new();
    for h in &args.host {
        match HostSpec::parse(h, user) {
            Ok(mut s) => {
                s.ssh_config = args.ssh_config.clone();
                specs.push(s);
            }
            Err(e) => return fail(&format!("--host {e}")),
        }
    }
    for c in &args.connection {
        match named_connection(c, user) {
            Ok(mut s) => {
                s.ssh_config = args.ssh_config.clone();
                specs.push(s);
            }
            Err(e) => return fail(&format!("--connection: {e}")),
        }
    }
    if specs.is_empty() {
        match HostSpec::local_default(user) {
            Ok(s) => specs.push(s),
            Err(e) => return fail(&e),
        }
    }
    if args.record_answers.is_some() && specs.len() != 1 {
        return fail("--record-answers records one host");
    }
    let opts = match load_options(&args.inputs, &args.project) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let project = match transship_loader::load(&opts) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let salt = salt();
    // The project the hosts are checked against: the real one, or its rehearsal's.
    let rehearsal = args.rehearse.then(|| {
        let rp = format!("{}-rehearse-{:06x}", project.name.value, salt & 0xff_ffff);
        let mut isolated = project.clone();
        let notes = isolate(&mut isolated, &rp, args.keep_ports);
        (isolated, notes)
    });
    let checked = rehearsal.as_ref().map_or(&project, |(p, _)| p);
    let docker = match &args.against {
        None => None,
        Some(a) => match read_docker(
            a,
            &project.name.value,
            timeout,
            args.ssh_config.as_deref(),
            args.record_answers.as_deref(),
        ) {
            Ok(d) => Some(d),
            Err(e) => return fail(&format!("--against {a}: {e}")),
        },
    };
    let units = !args.no_units;
    let planner = |host_version: &str, user: bool| -> Result<Plan, String> {
        let unit_dir = args.unit_dir.clone().unwrap_or_else(|| {
            if user {
                "~/.config/containers/systemd".to_owned()
            } else {
                "/etc/containers/systemd".to_owned()
            }
        });
        let (version, note) = match asked_version {
            Some(v) => (v, String::new()),
            None => host_plan_version(host_version),
        };
        let expected = expected_containers(
            checked,
            MapOptions {
                version,
                pod: args.target.pod,
                inline_env: args.target.inline_env,
            },
        );
        let mut unit_files: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut install = None;
        if units {
            let version_text = version.to_string();
            let mut topts = args.target.options();
            topts.version = Some(&version_text);
            topts.user = user;
            let configured = targets::configure(target, &topts)?;
            let output = configured
                .translator
                .translate(checked)
                .map_err(|e| e.to_string())?;
            if let Some((isolated, notes)) = &rehearsal {
                install = Some(Install {
                    project: isolated.name.value.clone(),
                    original: project.name.value.clone(),
                    unit_dir: unit_dir.clone(),
                    files: output
                        .artifacts
                        .iter()
                        .map(|a| InstallFile {
                            path: a.path.to_string_lossy().into_owned(),
                            contents: a.contents.clone(),
                            mode: a.mode,
                        })
                        .collect(),
                    notes: notes.clone(),
                    start_timeout,
                    random_ports: !args.keep_ports,
                });
            }
            for e in &expected {
                let base = e.unit.trim_end_matches(".service");
                let mine: Vec<(String, String)> = output
                    .artifacts
                    .iter()
                    .filter(|a| {
                        let p = a.path.to_string_lossy();
                        p == format!("{base}.container") || p == format!("{base}.env")
                    })
                    .map(|a| {
                        (
                            format!("{}/{}", unit_dir.trim_end_matches('/'), a.path.display()),
                            a.contents.clone(),
                        )
                    })
                    .collect();
                unit_files.insert(e.service.clone(), mine);
            }
        }
        Ok(Plan {
            expected,
            unit_files,
            note,
            docker: docker.clone(),
            install,
        })
    };
    let cancel = if args.rehearse {
        match on_interrupt() {
            Ok(flag) => Some(flag),
            Err(e) => return fail(&format!("--rehearse: cannot watch for Ctrl-C: {e}")),
        }
    } else {
        None
    };
    let check_opts = CheckOptions {
        user,
        wait_healthy,
        salt,
        settle,
        record: args.record_answers.clone(),
        units,
        cancel: cancel.clone(),
    };
    let progress = args.format == VerifyFormat::Text && std::io::stderr().is_terminal();
    if progress {
        let n = project.services.len();
        let _ = write!(
            std::io::stderr(),
            "migrate verify: checking {n} service(s) on {} host(s)…\r",
            specs.len()
        );
    }
    let reports = verify_fleet(specs, &planner, &check_opts, timeout);
    if progress {
        let _ = write!(std::io::stderr(), "\x1b[2K\r");
    }
    let text = match args.format {
        VerifyFormat::Text => render_text(&reports, docker.as_ref()),
        VerifyFormat::Json => render_json(&reports, docker.as_ref()),
    };
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(EXIT_ERROR);
    }
    let rehearsals = || reports.iter().filter_map(|r| r.rehearsal.as_ref());
    if rehearsals().any(|l| l.interrupted) {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if reports.iter().any(|r| r.error.is_some())
        || rehearsals().any(|l| !l.left_behind.is_empty())
    {
        ExitCode::from(EXIT_ERROR)
    } else if reports.iter().any(|r| r.failed() > 0) || rehearsals().any(|l| l.failed) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::from(EXIT_OK)
    }
}

/// `docker://` (the default socket), `docker:///path/docker.sock`, or
/// `docker+ssh://[user@]host[:port][/path]`: the running Compose project `project` there.
fn read_docker(
    url: &str,
    project: &str,
    timeout: Duration,
    ssh_config: Option<&std::path::Path>,
    record: Option<&std::path::Path>,
) -> Result<DockerSide, String> {
    const DEFAULT: &str = "/var/run/docker.sock";
    let mut spec = if let Some(rest) = url.strip_prefix("docker+ssh://") {
        let mut s = HostSpec::parse(&format!("ssh://{rest}"), false)?;
        if let Endpoint::Ssh { socket, .. } = &mut s.endpoint {
            socket.get_or_insert_with(|| DEFAULT.to_owned());
        }
        s
    } else if let Some(path) = url.strip_prefix("docker://") {
        let path = if path.is_empty() { DEFAULT } else { path };
        HostSpec::parse(&format!("unix://{path}"), false)?
    } else {
        return Err(
            "expected docker://, docker:///path/docker.sock or docker+ssh://user@host".into(),
        );
    };
    spec.label = url.to_owned();
    spec.ssh_config = ssh_config.map(std::path::Path::to_path_buf);
    let host = Host::connect(spec, timeout)?;
    let rt = ApiClient::new(&host.socket, Flavor::Docker, timeout);
    let Some(record) = record else {
        return docker_side(&rt, project, url);
    };
    // Developer aid: Docker's answers beside the host's (`FILE.docker.json`).
    let recorder = Recorder::new(&rt, &host);
    let side = docker_side(&recorder, project, url);
    let mut path = record.as_os_str().to_owned();
    path.push(".docker.json");
    let text = serde_json::to_string_pretty(&recorder.take()).unwrap_or_default();
    std::fs::write(&path, text + "\n").map_err(|e| {
        format!(
            "cannot write the answers to {}: {e}",
            std::path::Path::new(&path).display()
        )
    })?;
    side
}

/// The mapping version for a host's podman: its own, clamped to what the quadlet target
/// knows (and said so).
fn host_plan_version(host_version: &str) -> (PodmanVersion, String) {
    let mut parts = host_version.split('.');
    let major = parts.next().and_then(|x| x.parse::<u32>().ok());
    let minor = parts.next().and_then(|x| x.parse::<u32>().ok());
    let Some((major, minor)) = major.zip(minor) else {
        return (
            PodmanVersion::DEFAULT,
            format!(
                "the host's podman version {host_version:?} is unreadable: expected as for podman {}",
                PodmanVersion::DEFAULT
            ),
        );
    };
    let v = PodmanVersion::new(major, minor);
    if v < PodmanVersion::MIN {
        (
            PodmanVersion::MIN,
            format!(
                "the host runs podman {major}.{minor} (no quadlet): expected as for podman {}",
                PodmanVersion::MIN
            ),
        )
    } else if v > PodmanVersion::MAX {
        (
            PodmanVersion::MAX,
            format!(
                "the host runs podman {major}.{minor}: expected as for podman {}, the newest the target knows",
                PodmanVersion::MAX
            ),
        )
    } else {
        (v, String::new())
    }
}

fn ordered(services: &[ServiceReport]) -> Vec<&ServiceReport> {
    let mut v: Vec<&ServiceReport> = services.iter().collect();
    v.sort_by_key(|s| (s.failed() == 0, s.service.clone()));
    v
}

fn render_text(reports: &[HostReport], docker: Option<&DockerSide>) -> String {
    let mut out = String::new();
    if let Some(d) = docker {
        out.push_str(&format!(
            "compared with the Docker stack at {} ({}): {} service(s); the docker:* checks\n\n",
            d.source,
            d.runtime,
            d.services.len()
        ));
    }
    let mut ordered_hosts: Vec<&HostReport> = reports.iter().collect();
    ordered_hosts.sort_by_key(|r| (r.error.is_none() && r.failed() == 0, r.host.clone()));
    for r in ordered_hosts {
        if let Some(e) = &r.error {
            out.push_str(&format!("host {}: UNREACHABLE: {e}\n\n", r.host));
            continue;
        }
        let failed = r.failed();
        let verdict = match &r.rehearsal {
            Some(l) if l.interrupted => "rehearsal interrupted".to_owned(),
            Some(l) if l.failed && failed == 0 => "the rehearsal failed".to_owned(),
            _ if failed == 0 => "all checks pass".to_owned(),
            _ => format!("{failed} failed check(s)"),
        };
        out.push_str(&format!(
            "host {} ({}): {} service container(s), {verdict} ({:.1} s)\n",
            r.host,
            r.runtime,
            r.services.len(),
            r.elapsed.as_secs_f64()
        ));
        if !r.note.is_empty() {
            out.push_str(&format!("  note: {}\n", r.note));
        }
        if let Some(l) = &r.rehearsal {
            render_rehearsal(&mut out, l);
        }
        for s in ordered(&r.services) {
            let n_fail = s.failed();
            let n_pass = s.checks.iter().filter(|c| c.status == Status::Pass).count();
            let n_skip = s
                .checks
                .iter()
                .filter(|c| c.status == Status::Skip && !c.nothing_to_check)
                .count();
            out.push_str(&format!(
                "  {} {} ({}): {n_pass} passed, {n_fail} failed, {n_skip} skipped\n",
                if n_fail > 0 { "FAIL" } else { "ok  " },
                s.service,
                s.container
            ));
            for c in s.checks.iter().filter(|c| c.status == Status::Fail) {
                out.push_str(&format!("      FAIL {}\n", c.name));
                out.push_str(&format!("           expected: {}\n", c.expected));
                out.push_str(&format!("           found:    {}\n", c.observed));
                if !c.note.is_empty() {
                    out.push_str(&format!("           note:     {}\n", c.note));
                }
            }
            let names = |st: Status| -> Vec<&str> {
                s.checks
                    .iter()
                    .filter(|c| c.status == st)
                    .map(|c| c.name)
                    .collect()
            };
            let passed = names(Status::Pass);
            if !passed.is_empty() {
                out.push_str(&format!("      pass: {}\n", passed.join(", ")));
            }
            for c in s
                .checks
                .iter()
                .filter(|c| c.status == Status::Skip && !c.nothing_to_check)
            {
                out.push_str(&format!("      skip {}: {}\n", c.name, c.note));
            }
            let nothing: Vec<&str> = s
                .checks
                .iter()
                .filter(|c| c.nothing_to_check)
                .map(|c| c.name)
                .collect();
            if !nothing.is_empty() {
                out.push_str(&format!(
                    "      not asked by the Compose file: {}\n",
                    nothing.join(", ")
                ));
            }
        }
        out.push('\n');
    }
    let hosts = reports.len();
    let unreachable = reports.iter().filter(|r| r.error.is_some()).count();
    let failed: usize = reports.iter().map(HostReport::failed).sum();
    out.push_str(&format!(
        "{hosts} host(s): {} verified, {unreachable} unreachable; {failed} failed check(s)\n",
        hosts - unreachable
    ));
    out
}

fn render_rehearsal(out: &mut String, l: &RehearsalLog) {
    out.push_str(&format!("  rehearsal as project {}:\n", l.project));
    for n in &l.notes {
        out.push_str(&format!("    note: {n}\n"));
    }
    for s in &l.steps {
        out.push_str(&format!(
            "    {} {}\n",
            if s.ok { "ok  " } else { "FAIL" },
            s.what
        ));
        if !s.detail.is_empty() && (!s.ok || s.what.starts_with("remove ")) {
            for line in s.detail.lines() {
                out.push_str(&format!("           {line}\n"));
            }
        }
    }
    if l.left_behind.is_empty() {
        out.push_str("    the host is as it was: nothing of the rehearsal is left\n");
    } else {
        out.push_str("    LEFT BEHIND (remove by hand, or rehearse again):\n");
        for x in &l.left_behind {
            out.push_str(&format!("      {x}\n"));
        }
    }
}

fn rehearsal_json(l: &RehearsalLog) -> serde_json::Value {
    json!({
        "project": l.project,
        "notes": l.notes,
        "steps": l.steps.iter().map(|s| json!({
            "what": s.what,
            "ok": s.ok,
            "detail": s.detail,
        })).collect::<Vec<_>>(),
        "left_behind": l.left_behind,
        "interrupted": l.interrupted,
        "failed": l.failed,
    })
}

fn render_json(reports: &[HostReport], docker: Option<&DockerSide>) -> String {
    let hosts: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let services: Vec<serde_json::Value> = ordered(&r.services)
                .into_iter()
                .map(|s| {
                    let checks: Vec<serde_json::Value> = s
                        .checks
                        .iter()
                        .map(|c| {
                            json!({
                                "name": c.name,
                                "status": c.status.as_str(),
                                "expected": c.expected,
                                "found": c.observed,
                                "note": c.note,
                                "nothing_to_check": c.nothing_to_check,
                            })
                        })
                        .collect();
                    json!({
                        "service": s.service,
                        "container": s.container,
                        "status": if s.failed() > 0 { "fail" } else { "pass" },
                        "checks": checks,
                    })
                })
                .collect();
            json!({
                "host": r.host,
                "reachable": r.error.is_none(),
                "error": r.error,
                "runtime": r.runtime,
                "note": r.note,
                "elapsed_ms": r.elapsed.as_millis() as u64,
                "failed": r.failed(),
                "services": services,
                "rehearsal": r.rehearsal.as_ref().map(rehearsal_json),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "hosts": hosts,
        "failed": reports.iter().map(HostReport::failed).sum::<usize>(),
        "unreachable": reports.iter().filter(|r| r.error.is_some()).count(),
        "against": docker.map(|d| json!({
            "source": d.source,
            "runtime": d.runtime,
            "services": d.services.keys().collect::<Vec<_>>(),
        })),
    }))
    .unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        for bad in ["", "s", "10x", "1m3", "-1"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn host_versions_are_clamped_and_said() {
        assert_eq!(
            host_plan_version("5.4.2"),
            (PodmanVersion::new(5, 4), String::new())
        );
        let (v, note) = host_plan_version("4.3.1");
        assert_eq!(v, PodmanVersion::MIN);
        assert!(note.contains("no quadlet"), "{note}");
        assert_eq!(host_plan_version("9.0.0").0, PodmanVersion::MAX);
    }
}
