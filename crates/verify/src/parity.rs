//! Parity with the running Docker stack (`migrate verify --against docker://...`): every
//! observable of each service's Docker container compared with the same service's container
//! on the target. This is the evidence that the move kept behaviour, not only that the target
//! matches the Compose file: a value Docker got from its own defaults or from the shell that
//! ran `compose up` shows here.
//!
//! Docker's containers are found by the labels Compose puts on them
//! (`com.docker.compose.project`, `.service`, `.container-number`).

use std::collections::BTreeMap;

use transship_translate::secrets::{looks_secret, mask};

use crate::api::{Runtime, UnitState};
use crate::checks::CheckResult;
use crate::expected::Expected;
use crate::observed::Observed;
use crate::rehearse::Install;

/// The Docker side, read once for every host.
#[derive(Debug, Clone, Default)]
pub struct DockerSide {
    /// What the report calls it (`docker:///var/run/docker.sock`).
    pub source: String,
    /// `docker 20.10.24`.
    pub runtime: String,
    /// Per service, its containers in container-number order.
    pub services: BTreeMap<String, Vec<Observed>>,
}

/// Docker's default capability set (moby `oci/caps/defaults.go`).
pub const DOCKER_DEFAULT_CAPS: &[&str] = &[
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
];

/// Reads the Compose project `project` from a docker engine.
pub fn docker_side(rt: &dyn Runtime, project: &str, source: &str) -> Result<DockerSide, String> {
    let version = rt.version()?;
    let runtime = format!(
        "docker {}",
        version
            .get("Version")
            .and_then(|v| v.as_str())
            .unwrap_or("?")
    );
    let list = rt.containers_labelled("com.docker.compose.project", project)?;
    let mut services: BTreeMap<String, Vec<(i64, Observed)>> = BTreeMap::new();
    for c in &list {
        let labels = c.get("Labels");
        let label = |k: &str| {
            labels
                .and_then(|l| l.get(k))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let service = label("com.docker.compose.service");
        let number = label("com.docker.compose.container-number")
            .parse::<i64>()
            .unwrap_or(1);
        let id = c.get("Id").and_then(|v| v.as_str()).unwrap_or_default();
        if service.is_empty() || id.is_empty() {
            continue;
        }
        if let Some(v) = rt.container(id)? {
            services
                .entry(service)
                .or_default()
                .push((number, Observed::from_inspect(&v)));
        }
    }
    if services.is_empty() {
        return Err(format!(
            "{source} runs no container of the Compose project {project:?} (none labelled com.docker.compose.project={project})"
        ));
    }
    Ok(DockerSide {
        source: source.to_owned(),
        runtime,
        services: services
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by_key(|(n, _)| *n);
                (k, v.into_iter().map(|(_, o)| o).collect())
            })
            .collect(),
    })
}

fn is_short_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn result(name: &'static str, want: Vec<String>, got: Vec<String>) -> CheckResult {
    if want.is_empty() {
        CheckResult::pass(name)
    } else {
        CheckResult::fail(name, want.join(", "), got.join(", "))
    }
}

/// `always`/`unless-stopped` → `always`, `on-failure` → `on-failure`, else `no`: a Docker
/// restart policy as systemd's `Restart=`.
fn as_systemd_restart(docker: &str) -> &'static str {
    match docker {
        "always" | "unless-stopped" => "always",
        "on-failure" => "on-failure",
        _ => "no",
    }
}

/// `t` with the names a rehearsal gave its volumes and networks (`shop-rehearse-1a2b3c_data`)
/// as the real project's (`shop_data`), so that they compare with Docker's.
fn as_real_names(t: &Observed, inst: &Install) -> Observed {
    let from = format!("{}_", inst.project);
    let to = format!("{}_", inst.original);
    let real = |n: &str| match n.strip_prefix(&from) {
        Some(rest) => format!("{to}{rest}"),
        None => n.to_owned(),
    };
    let mut t = t.clone();
    for m in &mut t.mounts {
        m.name = real(&m.name);
    }
    t.networks = std::mem::take(&mut t.networks)
        .into_iter()
        .map(|(k, v)| (real(&k), v))
        .collect();
    t
}

/// The parity checks of one service container (`docker:env`, ...): `d` is Docker's, `t` the
/// target's; `unit` the target's unit when systemd runs it; `rehearsal` when `t` belongs to
/// a rehearsal (its own names, and maybe its own host ports).
pub fn parity_checks(
    e: &Expected,
    side: &DockerSide,
    t: &Observed,
    unit: Option<&UnitState>,
    salt: u64,
    rehearsal: Option<&Install>,
) -> Vec<CheckResult> {
    let renamed;
    let t = match rehearsal {
        Some(inst) => {
            renamed = as_real_names(t, inst);
            &renamed
        }
        None => t,
    };
    let random_ports = rehearsal.is_some_and(|i| i.random_ports);
    let Some(d) = side
        .services
        .get(&e.service)
        .and_then(|v| v.get((e.replica - 1).max(0) as usize))
    else {
        return vec![CheckResult::skip(
            "docker:exists",
            format!("{} runs no container of this service", side.source),
        )];
    };
    let secret =
        |name: &str| looks_secret(name) || e.env.iter().any(|x| x.name == name && x.secret);
    let show = |name: &str, v: &str| {
        if secret(name) {
            format!("{name}={}", mask(v, salt))
        } else {
            format!("{name}={v}")
        }
    };
    let mut out = vec![
        CheckResult::pass("docker:exists").with_note(format!("{} ({})", d.name, side.runtime)),
    ];

    // env: every variable Docker's container has (but its hostname) has the same value.
    let (mut want, mut got) = (Vec::new(), Vec::new());
    for (k, v) in &d.env {
        if k == "HOSTNAME" {
            continue;
        }
        match t.env_value(k) {
            Some(x) if x == v => {}
            Some(x) => {
                want.push(show(k, v));
                got.push(show(k, x));
            }
            None => {
                want.push(show(k, v));
                got.push(format!("{k} unset"));
            }
        }
    }
    out.push(result("docker:env", want, got));

    // ports
    let (mut want, mut got) = (Vec::new(), Vec::new());
    let any = |ip: &str| ip.is_empty() || ip == "0.0.0.0" || ip == "::";
    for b in &d.ports {
        let found = t.ports.iter().any(|x| {
            x.container == b.container
                && (random_ports || x.host_port == b.host_port)
                && (x.host_ip == b.host_ip || (any(&x.host_ip) && any(&b.host_ip)))
        });
        if !found {
            want.push(format!("{}:{}->{}", b.host_ip, b.host_port, b.container));
            let same: Vec<String> = t
                .ports
                .iter()
                .filter(|x| x.container == b.container)
                .map(|x| format!("{}:{}->{}", x.host_ip, x.host_port, x.container))
                .collect();
            got.push(if same.is_empty() {
                format!("{} not published", b.container)
            } else {
                same.join(" ")
            });
        }
    }
    let mut ports = result("docker:ports", want, got);
    if random_ports && !d.ports.is_empty() {
        ports = ports.with_note(
            "the rehearsal publishes on random host ports: Docker's host ports are not compared",
        );
    }
    out.push(ports);

    // mounts
    let (mut want, mut got) = (Vec::new(), Vec::new());
    let desc = |m: &crate::observed::MountInfo| {
        let src = if m.kind == "volume" {
            &m.name
        } else {
            &m.source
        };
        format!(
            "{} {} -> {}{}",
            m.kind,
            src,
            m.destination,
            if m.read_only { " (read-only)" } else { "" }
        )
    };
    for m in &d.mounts {
        let Some(x) = t.mounts.iter().find(|x| x.destination == m.destination) else {
            want.push(desc(m));
            got.push(format!("nothing mounted at {}", m.destination));
            continue;
        };
        let anonymous = m.kind == "volume" && is_anonymous(&m.name);
        let source_ok = match m.kind.as_str() {
            "bind" => x.source == m.source,
            "volume" if anonymous => x.kind == "volume",
            "volume" => x.name == m.name,
            _ => true,
        };
        if x.kind != m.kind || !source_ok || x.read_only != m.read_only {
            want.push(desc(m));
            got.push(desc(x));
        }
    }
    out.push(result("docker:mounts", want, got));

    // user
    out.push(if d.user == t.user {
        CheckResult::pass("docker:user")
    } else {
        CheckResult::fail("docker:user", shown_user(&d.user), shown_user(&t.user))
    });

    // capabilities: what Docker added is there, what it dropped is not.
    let eff = t.effective_caps.as_deref();
    let (mut want, mut got) = (Vec::new(), Vec::new());
    for c in &d.cap_add {
        let ok = t.cap_add.contains(c) || eff.is_some_and(|x| x.contains(c)) || t.privileged;
        if !ok {
            want.push(format!("+{c}"));
            got.push(format!("{c} missing"));
        }
    }
    for c in &d.cap_drop {
        let ok = t.cap_drop.contains(c) || eff.is_some_and(|x| !x.contains(c));
        if !ok {
            want.push(format!("-{c}"));
            got.push(format!("{c} present"));
        }
    }
    let mut caps = result("docker:capabilities", want, got);
    if let Some(eff) = eff {
        let docker_has: Vec<&str> = DOCKER_DEFAULT_CAPS
            .iter()
            .copied()
            .filter(|c| !d.cap_drop.iter().any(|x| x == c || x == "ALL"))
            .filter(|c| !eff.iter().any(|x| x == c))
            .collect();
        if !docker_has.is_empty() && !d.privileged {
            caps = caps.with_note(format!(
                "Docker's default set also grants {}, which the target's does not: add them to cap_add if the service needs them (NET_RAW: ping)",
                docker_has.join(", ")
            ));
        }
    }
    out.push(caps);

    // healthcheck: the same test, and not worse now.
    let words = |x: &Option<Vec<String>>| x.clone().unwrap_or_default().join(" ");
    out.push(
        if d.health_test != t.health_test && words(&d.health_test) != words(&t.health_test) {
            CheckResult::fail(
                "docker:health",
                words(&d.health_test),
                words(&t.health_test),
            )
        } else if d.health.as_deref() == Some("healthy") && t.health.as_deref() == Some("unhealthy")
        {
            CheckResult::fail("docker:health", "healthy (as under Docker)", "unhealthy")
        } else {
            CheckResult::pass("docker:health").with_note(match (&d.health, &t.health) {
                (Some(a), Some(b)) => format!("Docker: {a}, target: {b}"),
                _ => String::new(),
            })
        },
    );

    // restart policy, as systemd runs it (or podman's own policy without units)
    let docker_restart = as_systemd_restart(&d.restart_policy);
    let target_restart = match unit {
        Some(u) => u.restart.clone(),
        None => as_systemd_restart(&t.restart_policy).to_owned(),
    };
    out.push(if docker_restart == target_restart {
        CheckResult::pass("docker:restart")
    } else {
        CheckResult::fail(
            "docker:restart",
            format!(
                "{} (Docker: {})",
                docker_restart,
                or_none(&d.restart_policy)
            ),
            format!(
                "{target_restart}{}",
                if unit.is_some() {
                    " (systemd Restart=)"
                } else {
                    ""
                }
            ),
        )
    });

    // limits
    let (mut want, mut got) = (Vec::new(), Vec::new());
    if d.memory != t.memory {
        want.push(format!("memory {}", num(d.memory)));
        got.push(format!("memory {}", num(t.memory)));
    }
    let cpus = |x: Option<f64>| x.map_or("unlimited".to_owned(), |c| c.to_string());
    if d.cpus.map(|c| (c * 1000.0).round()) != t.cpus.map(|c| (c * 1000.0).round()) {
        want.push(format!("cpus {}", cpus(d.cpus)));
        got.push(format!("cpus {}", cpus(t.cpus)));
    }
    // podman's containers.conf gives every container a pids limit (2048 by default) where
    // Docker has none: not the move's doing when the Compose file sets no limit, but said.
    let runtime_default =
        d.pids_limit.is_none() && e.pids_limit.is_none() && t.pids_limit.is_some();
    if d.pids_limit != t.pids_limit && !runtime_default {
        want.push(format!("pids {}", num(d.pids_limit)));
        got.push(format!("pids {}", num(t.pids_limit)));
    }
    let mut limits = result("docker:limits", want, got);
    if runtime_default {
        limits = limits.with_note(format!(
            "the target runtime's default pids limit is {} (containers.conf pids_limit) where Docker's is unlimited: set pids_limit in the Compose file if the service runs more processes or threads",
            num(t.pids_limit)
        ));
    }
    out.push(limits);

    // networks and aliases
    let (mut want, mut got) = (Vec::new(), Vec::new());
    for (net, info) in &d.networks {
        let Some(x) = t.networks.get(net) else {
            want.push(format!("attached to {net}"));
            got.push(format!(
                "attached to [{}]",
                t.networks.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        for a in &info.aliases {
            if is_short_id(a) || *a == d.name || x.aliases.contains(a) {
                continue;
            }
            want.push(format!("alias {a} on {net}"));
            got.push(format!("aliases [{}]", x.aliases.join(", ")));
        }
    }
    out.push(result("docker:networks", want, got));

    // labels the Compose file set (Compose's own are Docker-only)
    let (want, got) = crate::checks::label_differences(
        d.labels
            .iter()
            .filter(|(k, _)| !k.starts_with("com.docker.compose.")),
        t,
    );
    out.push(result("docker:labels", want, got));
    out
}

/// Docker names anonymous volumes by a 64-hex id.
fn is_anonymous(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

fn shown_user(u: &str) -> String {
    if u.is_empty() {
        "the image's default".to_owned()
    } else {
        u.to_owned()
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "no" } else { s }
}

fn num(n: Option<i64>) -> String {
    n.map_or("unlimited".into(), |x| x.to_string())
}
