//! Benchmark of `migrate verify` (issue 12's goal: verifying a 10-service stack takes at most
//! 1.2× the time its slowest service needs to become ready, because the services are checked
//! in parallel).
//!
//!     cargo bench --bench verify            # as root, with podman and the test images
//!
//! Ten busybox services wait for a start signal (a file on a shared bind mount), then become
//! healthy after 0.3 s, 0.6 s, ... 3.0 s. Each round starts the containers from the podman
//! mapping (as the live tiers do), gives the signal, and times `migrate verify --no-units
//! --wait-healthy 30s` over the libpod API of a podman service of its own: once for the
//! slowest service alone (its own Compose file, same project), once for all ten. Every run
//! must pass. Prints the median of each, the ratio and the goal. Needs root, podman and the
//! busybox image (`scripts/setup-test-env`); says SKIPPED and exits 0 without them.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use transship_podman::names;

const TIER: &str = "bench verify";
const SERVICES: usize = 10;
const STEP_MS: u64 = 300;
const ROUNDS: usize = 3;

fn compose(services: &[usize]) -> String {
    let mut s = String::from("services:\n");
    for &i in services {
        let delay = STEP_MS * i as u64;
        s.push_str(&format!(
            "  s{i:02}:\n    image: localhost/transship-busybox:1\n    command: [\"sh\", \"-c\", \"while [ ! -e /go/flag ]; do sleep 0.05; done; sleep {}.{:03}; touch /tmp/ready; exec sleep 3600\"]\n    volumes: [\"./go:/go:ro\"]\n    healthcheck:\n      test: [\"CMD\", \"test\", \"-e\", \"/tmp/ready\"]\n      interval: 1s\n",
            delay / 1000,
            delay % 1000
        ));
    }
    s
}

fn load(dir: &Path, file: &str, name: &str) -> transship_ir::Project {
    transship_loader::load(&transship_loader::LoadOptions {
        files: vec![PathBuf::from(file)],
        project_name: Some(name.to_owned()),
        cwd: dir.to_path_buf(),
        ..Default::default()
    })
    .expect("the benchmark's project loads")
}

fn remove(containers: &[String]) {
    for c in containers {
        let _ =
            support::run_with_timeout(Command::new("podman").args(["rm", "-f", "-t", "0", c]), 60);
    }
}

/// One timed verify of `file` (a fresh start of its services); the wall time.
fn round(dir: &Path, file: &str, project: &transship_ir::Project, sock: &Path) -> Duration {
    let containers: Vec<String> = project
        .services
        .values()
        .map(|s| names::container_name(project, s))
        .collect();
    remove(&containers);
    let flag = dir.join("go/flag");
    let _ = std::fs::remove_file(&flag);
    for service in project.services.keys() {
        let words = support::podman_run_words(project, service, dir);
        support::run_ok(Command::new("podman").args(&words), 120)
            .unwrap_or_else(|e| panic!("{service}: {e}"));
    }
    std::fs::write(&flag, "").unwrap();
    let started = Instant::now();
    let out = support::run_with_timeout(
        Command::new(support::migrate_bin())
            .current_dir(dir)
            .args(["verify", file, "-p", &project.name.value, "--no-units"])
            .args([
                "--wait-healthy",
                "30s",
                "--settle",
                "0s",
                "--format",
                "json",
            ])
            .arg("--host")
            .arg(format!("unix://{}", sock.display())),
        120,
    );
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "verify of {file} must pass: {}",
        support::describe_failure("migrate verify", &out)
    );
    remove(&containers);
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if !support::is_root()
        || support::require_tool(TIER, "podman").is_none()
        || !support::require_busybox_image(TIER)
    {
        if !support::is_root() {
            support::skipped(TIER, "needs root (rootful podman)");
        }
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("go")).unwrap();
    let all: Vec<usize> = (1..=SERVICES).collect();
    std::fs::write(dir.join("all.yaml"), compose(&all)).unwrap();
    std::fs::write(dir.join("one.yaml"), compose(&[SERVICES])).unwrap();
    let name = support::unique_name("ts-bench-verify");
    let p_all = load(dir, "all.yaml", &name);
    let p_one = load(dir, "one.yaml", &name);

    let sock_dir = tempfile::tempdir().unwrap();
    let sock = sock_dir.path().join("podman.sock");
    let mut service = support::DaemonGuard::spawn(
        "podman system service",
        Command::new("podman")
            .args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", sock.display())),
        &sock_dir.path().join("service.log"),
    )
    .unwrap();
    service.wait_for_path(&sock, 30).unwrap();

    let network = format!("{name}_default");
    support::run_ok(
        Command::new("podman").args(["network", "create", &network]),
        60,
    )
    .unwrap();

    let (mut one, mut ten) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        one.push(round(dir, "one.yaml", &p_one, &sock));
        ten.push(round(dir, "all.yaml", &p_all, &sock));
    }
    let (one, ten) = (median(one), median(ten));
    let slowest = Duration::from_millis(STEP_MS * SERVICES as u64);
    println!(
        "verify, {SERVICES} services on one host (podman, libpod API), median of {ROUNDS} rounds"
    );
    println!(
        "  slowest service's readiness (by construction): {:>7.2} s",
        slowest.as_secs_f64()
    );
    println!(
        "  verify the slowest service alone:              {:>7.2} s",
        one.as_secs_f64()
    );
    println!(
        "  verify all {SERVICES} services:                       {:>7.2} s",
        ten.as_secs_f64()
    );
    println!(
        "  ratio all / alone: {:.2}× (goal ≤ 1.20×): {}",
        ten.as_secs_f64() / one.as_secs_f64(),
        if ten.as_secs_f64() <= 1.2 * one.as_secs_f64() {
            "met"
        } else {
            "NOT met"
        }
    );
    service.stop();
    let _ = support::run_with_timeout(
        Command::new("podman").args(["network", "rm", "-f", &network]),
        60,
    );
}
