//! Runtime access: the only crate that talks to a container runtime.
//!
//! Today it holds the podman subprocess that `migrate check` reads host facts through
//! ([`PodmanCli`]); `migrate verify`'s runtime clients (libpod and docker REST over unix
//! sockets, systemd unit state) are to live here as well.

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
