//! Runtime access: the only crate that talks to a container runtime, and `migrate verify`.
//!
//! - [`PodmanCli`]: the podman subprocess `migrate check` reads host facts through.
//! - [`transport`]: how a host is reached (`unix://`, `ssh://`, podman's named connections),
//!   and the commands verify runs on it (`systemctl show`, reading installed files, TCP
//!   probes).
//! - [`http`] and [`api`]: the libpod and docker REST clients behind the [`api::Runtime`]
//!   trait, and [`api::HostAccess`] for the host itself.
//! - [`parity`]: the running Docker stack compared with the target, service by service.
//! - [`rehearse`]: `--rehearse`, the stack installed under a throwaway name, started,
//!   verified and removed again (also when interrupted).
//! - [`observed`] (an inspect answer of podman 4, 5 or docker, normalized), [`expected`]
//!   (the same from the podman mapping), [`checks`] (one service's checks: pass, fail with
//!   both values, or skip with the reason), [`run`] (one host or a fleet, in parallel).

pub mod api;
pub mod checks;
pub mod expected;
pub mod http;
pub mod observed;
pub mod parity;
pub mod rehearse;
pub mod run;
pub mod transport;

use std::process::Command;

use transship_check::host::PodmanQuery;

/// `podman version` / `podman info` as JSON, from the `podman` on `PATH` (the runtime query
/// the check crate leaves to its caller). A podman that is missing or fails answers `None`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PodmanCli;

impl PodmanCli {
    fn run(args: &[&str]) -> Option<String> {
        let out = Command::new("podman").args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl PodmanQuery for PodmanCli {
    fn version_json(&self) -> Option<String> {
        Self::run(&["version", "--format", "json"])
    }
    fn info_json(&self) -> Option<String> {
        Self::run(&["info", "--format", "json"])
    }
}
