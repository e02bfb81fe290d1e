//! One host, or a fleet: connect, ask the runtime's version, check every expected container
//! (in parallel, one thread per container), report. Hosts are verified concurrently; an
//! unreachable host is reported with the transport's error and does not stop the others.

use std::time::{Duration, Instant};

use crate::api::{ApiClient, Flavor, HostAccess, Recorder, Runtime};
use crate::checks::{CheckOptions, Plan, ServiceReport, check_service};
use crate::rehearse::{RehearsalLog, rehearse};
use crate::transport::{Host, HostSpec};

/// The result for one host.
#[derive(Debug, Clone)]
pub struct HostReport {
    /// As named on the command line.
    pub host: String,
    /// `podman 5.4.2` (the engine's answer), empty when unreachable.
    pub runtime: String,
    /// Why the host could not be verified at all.
    pub error: Option<String>,
    /// The plan's note (which version the expectations are for).
    pub note: String,
    pub services: Vec<ServiceReport>,
    pub elapsed: Duration,
    /// What `--rehearse` did on the host.
    pub rehearsal: Option<RehearsalLog>,
}

impl HostReport {
    pub fn failed(&self) -> usize {
        self.services.iter().map(ServiceReport::failed).sum()
    }
}

/// The engine's name and version from a `/version` answer (libpod or docker).
pub fn runtime_version(flavor: Flavor, v: &serde_json::Value) -> String {
    let version = version_number(v);
    let version = if version.is_empty() { "?" } else { &version };
    match flavor {
        Flavor::Podman => format!("podman {version}"),
        Flavor::Docker => format!("docker {version}"),
    }
}

/// The bare version number of a `/version` answer (`5.4.2`).
pub fn version_number(v: &serde_json::Value) -> String {
    v.get("Version")
        .and_then(|x| x.as_str())
        .or_else(|| {
            v.get("Components")
                .and_then(|c| c.as_array())
                .and_then(|c| c.first())
                .and_then(|c| c.get("Version"))
                .and_then(|x| x.as_str())
        })
        .unwrap_or("")
        .to_owned()
}

/// Checks every expected container against `rt` and `host`, in parallel.
pub fn check_all(
    plan: &Plan,
    rt: &dyn Runtime,
    host: &dyn HostAccess,
    opts: &CheckOptions,
) -> Vec<ServiceReport> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .expected
            .iter()
            .map(|e| scope.spawn(move || check_service(e, plan, rt, host, opts)))
            .collect();
        handles
            .into_iter()
            .zip(&plan.expected)
            .map(|(h, e)| {
                h.join().unwrap_or_else(|_| ServiceReport {
                    service: e.service.clone(),
                    container: e.container.clone(),
                    checks: Vec::new(),
                })
            })
            .collect()
    })
}

/// Makes the plan of a host from the version its podman reports (`5.4.2`) and whether the
/// host is rootless (its units are the user's).
pub type Planner<'a> = dyn Fn(&str, bool) -> Result<Plan, String> + Sync + 'a;

/// Verifies one host: connect (within `timeout`), ask its podman version, plan, then check
/// every container.
pub fn verify_host(
    spec: HostSpec,
    planner: &Planner<'_>,
    opts: &CheckOptions,
    timeout: Duration,
) -> HostReport {
    let start = Instant::now();
    let label = spec.label.clone();
    let opts = &CheckOptions {
        user: spec.user,
        ..opts.clone()
    };
    let unreachable = |error: String| HostReport {
        host: label.clone(),
        runtime: String::new(),
        error: Some(error),
        note: String::new(),
        services: Vec::new(),
        elapsed: start.elapsed(),
        rehearsal: None,
    };
    let host = match Host::connect(spec, timeout) {
        Ok(h) => h,
        Err(e) => return unreachable(e),
    };
    let live = ApiClient::new(&host.socket, Flavor::Podman, timeout);
    let recorder = opts.record.as_ref().map(|_| Recorder::new(&live, &host));
    let (rt, host_access): (&dyn Runtime, &dyn HostAccess) = match &recorder {
        Some(r) => (r, r),
        None => (&live, &host),
    };
    let (runtime, version) = match rt.version() {
        Ok(v) => (runtime_version(Flavor::Podman, &v), version_number(&v)),
        Err(e) => return unreachable(format!("the podman API does not answer: {e}")),
    };
    let plan = match planner(&version, opts.user) {
        Ok(p) => p,
        Err(e) => return unreachable(e),
    };
    let (services, rehearsal) = match &plan.install {
        Some(inst) => {
            let cancel = opts.cancel.as_deref();
            let (log, services) = rehearse(&host, inst, opts.user, cancel, || {
                check_all(&plan, rt, host_access, opts)
            });
            (services, Some(log))
        }
        None => (check_all(&plan, rt, host_access, opts), None),
    };
    if let (Some(r), Some(path)) = (&recorder, &opts.record) {
        let text = serde_json::to_string_pretty(&r.take()).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            return unreachable(format!(
                "cannot write the answers to {}: {e}",
                path.display()
            ));
        }
    }
    HostReport {
        host: label,
        runtime,
        error: None,
        note: plan.note.clone(),
        services,
        elapsed: start.elapsed(),
        rehearsal,
    }
}

/// Verifies every host at once.
pub fn verify_fleet(
    specs: Vec<HostSpec>,
    planner: &Planner<'_>,
    opts: &CheckOptions,
    timeout: Duration,
) -> Vec<HostReport> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = specs
            .into_iter()
            .map(|spec| {
                let label = spec.label.clone();
                (
                    label,
                    scope.spawn(move || verify_host(spec, planner, opts, timeout)),
                )
            })
            .collect();
        handles
            .into_iter()
            .map(|(label, h)| {
                h.join().unwrap_or_else(|_| HostReport {
                    host: label,
                    runtime: String::new(),
                    error: Some("the verifier of this host stopped unexpectedly".into()),
                    note: String::new(),
                    services: Vec::new(),
                    elapsed: Duration::ZERO,
                    rehearsal: None,
                })
            })
            .collect()
    })
}
