//! Shared helpers for the integration tests of the `migrate` binary and the live tiers.
//!
//! Use it from any file in `tests/` with `mod support;`. Every helper that needs a tool
//! goes through [`require_tool`] / [`require_live`], which decide between running, a loud
//! SKIPPED line (outside CI) and a panic (in CI, `CI=true`): in CI a missing runtime or
//! oracle is a failure, never a silent skip.
//!
//! The environment these helpers expect is installed by `scripts/setup-test-env` (as root):
//! quadlet 5.4.2 and docker-compose 2.x in [`tools_dir`], podman/buildah/containerd/docker
//! from Debian 12, the rootless user [`ROOTLESS_USER`], and the local images
//! [`BUSYBOX_IMAGE`] and [`TARGET_HOST_IMAGE`] with their archives in [`images_dir`].
//!
//! Everything a helper starts (a container, a daemon, a target host) is owned by a guard
//! that stops it by its own id or pid in `Drop`, so it is removed even when the test panics.
//!
//! Tier-by-tier API summary:
//! - gating: [`in_ci`], [`live_enabled`], [`require_live`], [`require_tool`], [`tool`],
//!   [`tools_dir`], [`images_dir`], [`is_root`], [`require_archive`],
//!   [`require_busybox_image`], [`skipped`];
//! - running: [`migrate_bin`], [`run_with_timeout`], [`run_ok`], [`describe_failure`],
//!   [`unique_name`], [`free_port`], [`http_get`];
//! - oracles (tier 2): [`quadlet_dryrun`], [`quadlet_generate`], [`systemd_analyze_verify`],
//!   [`docker_compose_config`];
//! - live (tier 3): [`ContainerGuard`], [`ImageGuard`], [`DaemonGuard`], [`Containerd`],
//!   [`Dockerd`], [`RootlessPodman`], [`unmount_below`];
//! - target host (tier 4): [`TargetHost`]; rootless installs: [`TargetHost::start_rootless`],
//!   `user_exec`, `user_systemctl`, `user_podman`, `install_user_quadlets`,
//!   `load_image_archive_for_user`, `copy_in_for_user`, `user_journal`.
#![allow(dead_code, clippy::print_stderr)]

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The local busybox image built by `scripts/setup-test-env` (rootful podman storage).
pub const BUSYBOX_IMAGE: &str = "localhost/transship-busybox:1";
/// The target host image (Debian 13, systemd, podman 5.4.2, quadlet).
pub const TARGET_HOST_IMAGE: &str = "localhost/transship-target-host:13";
/// The rootless test user created by `scripts/setup-test-env`.
pub const ROOTLESS_USER: &str = "mig-rootless";
/// The rootless user inside [`TARGET_HOST_IMAGE`] (lingering, sub-ids, its own
/// `systemd --user`), created by `scripts/setup-test-env`.
pub const TARGET_HOST_USER: &str = ROOTLESS_USER;
/// Its uid inside the target host.
pub const TARGET_HOST_USER_UID: u32 = 1001;
/// Default tools directory (quadlet, docker-compose from Debian 13 packages).
pub const DEFAULT_TOOLS_DIR: &str = "/opt/transship-test-env/tools";
/// Default directory of the newest quadlet (Debian unstable's podman package, 5.8+).
pub const DEFAULT_TOOLS_NEXT_DIR: &str = "/opt/transship-test-env/tools-next";
/// Default directory of the cached image archives.
pub const DEFAULT_IMAGES_DIR: &str = "/opt/transship-test-env/images";

// ---------------------------------------------------------------------------------------
// Gating
// ---------------------------------------------------------------------------------------

/// True when running in CI (`CI=true`): missing tools are failures there.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// True when the live tiers (3 and 4) should run: `TRANSSHIP_LIVE=1`, or in CI.
pub fn live_enabled() -> bool {
    in_ci() || std::env::var("TRANSSHIP_LIVE").is_ok_and(|v| v == "1" || v == "true")
}

/// True when the tests run as root (the live tiers need it).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Where quadlet and docker-compose live: `$TRANSSHIP_TOOLS`, default
/// `/opt/transship-test-env/tools`.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("TRANSSHIP_TOOLS")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_TOOLS_DIR))
}

/// Where the image archives live: `$TRANSSHIP_IMAGES`, default
/// `/opt/transship-test-env/images` (`busybox.tar`, `busybox-oci.tar`, `target-host.tar`).
pub fn images_dir() -> PathBuf {
    std::env::var_os("TRANSSHIP_IMAGES")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_IMAGES_DIR))
}

/// Finds a tool: `quadlet` and `docker-compose` in [`tools_dir`] (the Debian 13 builds),
/// everything else on `PATH`. `None` when it is not there.
pub fn tool(name: &str) -> Option<PathBuf> {
    let candidate = match name {
        "quadlet" => tools_dir().join("usr/libexec/podman/quadlet"),
        // The second quadlet oracle: `$TRANSSHIP_TOOLS_NEXT`, default DEFAULT_TOOLS_NEXT_DIR.
        "quadlet-next" => std::env::var_os("TRANSSHIP_TOOLS_NEXT")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_TOOLS_NEXT_DIR))
            .join("usr/libexec/podman/quadlet"),
        "docker-compose" => tools_dir().join("usr/bin/docker-compose"),
        _ => {
            let path = std::env::var_os("PATH")?;
            return std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .find(|p| is_executable(p));
        }
    };
    is_executable(&candidate).then_some(candidate)
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Prints the loud `SKIPPED [tier]: why` line used by every tier. It is written straight to
/// the process's stderr, past libtest's output capture, so it shows in every run.
pub fn skipped(tier: &str, why: &str) {
    let line = format!("\n!!!!!!!!!! SKIPPED [{tier}]: {why}\n\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// A tool the tier cannot do without. `Some(path)` when present; when missing: in CI it
/// panics (a missing oracle or runtime fails the run), outside CI it prints
/// `SKIPPED [tier]: <name> not found, run scripts/setup-test-env as root` and returns `None`.
pub fn require_tool(tier: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = tool(name) {
        return Some(p);
    }
    let why = format!("{name} not found, run scripts/setup-test-env as root");
    if in_ci() {
        panic!(
            "[{tier}] CI=true and {why} (tools dir: {})",
            tools_dir().display()
        );
    }
    skipped(tier, &why);
    None
}

/// Whether a live tier (3, 4) should run. In CI always true (and it must be root there);
/// otherwise false with a loud SKIPPED line unless `TRANSSHIP_LIVE=1`.
pub fn require_live(tier: &str) -> bool {
    if in_ci() {
        assert!(
            is_root(),
            "[{tier}] CI=true but not running as root: the live tiers need root"
        );
        return true;
    }
    if live_enabled() {
        if !is_root() {
            skipped(
                tier,
                "TRANSSHIP_LIVE=1 but not root; the live tiers need root",
            );
            return false;
        }
        return true;
    }
    skipped(
        tier,
        "live tier off; run `sudo scripts/run-tests` (or set TRANSSHIP_LIVE=1 as root after scripts/setup-test-env)",
    );
    false
}

/// An image archive from [`images_dir`]; panics in CI, SKIPs outside CI when missing.
pub fn require_archive(tier: &str, file: &str) -> Option<PathBuf> {
    let p = images_dir().join(file);
    if p.is_file() {
        return Some(p);
    }
    let why = format!(
        "image archive {} not found, run scripts/setup-test-env as root",
        p.display()
    );
    if in_ci() {
        panic!("[{tier}] CI=true and {why}");
    }
    skipped(tier, &why);
    None
}

/// Makes sure rootful podman has [`BUSYBOX_IMAGE`], loading it from
/// `images_dir()/busybox.tar` when it is missing. `false` (after a SKIPPED line) outside CI
/// when neither is there; panics in CI.
pub fn require_busybox_image(tier: &str) -> bool {
    let exists = run_with_timeout(
        Command::new("podman").args(["image", "exists", BUSYBOX_IMAGE]),
        60,
    );
    if exists.status.success() {
        return true;
    }
    let Some(archive) = require_archive(tier, "busybox.tar") else {
        return false;
    };
    match run_ok(
        Command::new("podman")
            .args(["load", "-q", "-i"])
            .arg(&archive),
        300,
    ) {
        Ok(_) => true,
        Err(e) if in_ci() => panic!("[{tier}] cannot load {BUSYBOX_IMAGE}: {e}"),
        Err(e) => {
            skipped(tier, &format!("cannot load {BUSYBOX_IMAGE}: {e}"));
            false
        }
    }
}

// ---------------------------------------------------------------------------------------
// Running things
// ---------------------------------------------------------------------------------------

/// Path of the `migrate` binary built for these tests.
pub fn migrate_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_migrate"))
}

/// A name unique to this test process and call: `{prefix}-{pid}-{counter}`.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0 to find a free port")
}

/// `GET path` on 127.0.0.1:port, retried until `secs` have passed; returns the whole
/// response (status line, headers, body) or the last error.
pub fn http_get(port: u16, path: &str, secs: u64) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut last = String::from("no attempt");
    while Instant::now() < deadline {
        match http_get_once(port, path) {
            Ok(r) if r.starts_with("HTTP/") => return Ok(r),
            Ok(r) => last = format!("not an HTTP response: {r:?}"),
            Err(e) => last = e,
        }
        thread::sleep(Duration::from_millis(300));
    }
    Err(format!(
        "GET 127.0.0.1:{port}{path} failed for {secs} s: {last}"
    ))
}

fn http_get_once(port: u16, path: &str) -> Result<String, String> {
    let mut s = TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(2),
    )
    .map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Runs `cmd` to completion under a hard kill timeout and returns its output.
///
/// The command runs in its own process group; after `secs` seconds the whole group gets
/// SIGKILL, the status is a signal exit, and stderr ends with a
/// `transship-support: killed after N s` line. A command that cannot be spawned yields
/// exit status 127 with the reason on stderr. Stdin is closed.
///
/// When the command exits, whatever it left running in its process group is killed too
/// (it would hold the output pipes open). Daemons meant to outlive the command must detach
/// into their own session, as conmon and containerd-shim do; start long-running daemons of
/// a test with [`DaemonGuard::spawn`] instead.
pub fn run_with_timeout(cmd: &mut Command, secs: u64) -> Output {
    run_with_input(cmd, None, secs)
}

/// [`run_with_timeout`] with `input` written to the command's standard input (then closed);
/// `None` gives it an empty one.
pub fn run_with_input(cmd: &mut Command, input: Option<&[u8]>, secs: u64) -> Output {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Output {
                status: ExitStatus::from_raw(127 << 8),
                stdout: Vec::new(),
                stderr: format!("transship-support: cannot run {cmd:?}: {e}\n").into_bytes(),
            };
        }
    };
    if let (Some(input), Some(mut pipe)) = (input, child.stdin.take()) {
        let input = input.to_vec();
        // A writer thread: a child that exits without reading must not block us.
        thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let mut out_pipe = child.stdout.take().expect("stdout is piped");
    let mut err_pipe = child.stderr.take().expect("stderr is piped");
    let out_t = thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out_pipe.read_to_end(&mut b);
        b
    });
    let err_t = thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err_pipe.read_to_end(&mut b);
        b
    });
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                kill_group(child.id());
                let _ = child.kill();
                break child.wait().expect("wait for a killed child");
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {cmd:?}: {e}"),
        }
    };
    if !timed_out {
        // Descendants left holding the pipes would block the readers: end our group.
        kill_group_if_alive(child.id());
    }
    let stdout = out_t.join().unwrap_or_default();
    let mut stderr = err_t.join().unwrap_or_default();
    if timed_out {
        stderr.extend_from_slice(
            format!("\ntransship-support: killed after {secs} s: {cmd:?}\n").as_bytes(),
        );
    }
    Output {
        status,
        stdout,
        stderr,
    }
}

fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn kill_group_if_alive(pgid: u32) {
    // `kill -0 -PGID` succeeds only when some process of the group still exists.
    let alive = Command::new("kill")
        .args(["-0", "--", &format!("-{pgid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if alive {
        kill_group(pgid);
    }
}

/// Runs a command under a timeout and returns stdout on success, or a description
/// (command, status, stdout, stderr) on failure.
pub fn run_ok(cmd: &mut Command, secs: u64) -> Result<String, String> {
    let desc = format!("{cmd:?}");
    let out = run_with_timeout(cmd, secs);
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(describe_failure(&desc, &out))
    }
}

/// A readable account of a failed command.
pub fn describe_failure(desc: &str, out: &Output) -> String {
    format!(
        "{desc} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

// ---------------------------------------------------------------------------------------
// Oracles (tier 2)
// ---------------------------------------------------------------------------------------

fn quadlet_path() -> Result<PathBuf, String> {
    tool("quadlet").ok_or_else(|| {
        format!(
            "quadlet not found in {}, run scripts/setup-test-env as root",
            tools_dir().display()
        )
    })
}

/// Quadlet's stderr without its informational lines
/// (`quadlet-generator[PID]: Loading source unit file ...`).
fn quadlet_problems(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| !(l.contains("quadlet-generator[") && l.contains("Loading source unit file")))
        .map(str::to_owned)
        .collect()
}

/// `QUADLET_UNIT_DIRS=dir quadlet -dryrun`: the units quadlet 5.4.2 generates from the
/// quadlet files in `dir`. Fails on a non-zero exit or on any stderr line that is not
/// quadlet's informational "Loading source unit file" line (unknown keys, bad values).
pub fn quadlet_dryrun(dir: &Path) -> Result<String, String> {
    quadlet_dryrun_with(&quadlet_path()?, dir)
}

/// [`quadlet_dryrun`] with the quadlet binary `q` (e.g. `tool("quadlet-next")`).
pub fn quadlet_dryrun_with(q: &Path, dir: &Path) -> Result<String, String> {
    let out = run_with_timeout(
        Command::new(q)
            .arg("-dryrun")
            .env("QUADLET_UNIT_DIRS", dir)
            .env_remove("XDG_CONFIG_HOME"),
        60,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems = quadlet_problems(&stderr);
    if !out.status.success() || !problems.is_empty() {
        return Err(format!(
            "quadlet -dryrun on {} failed ({}):\n{}",
            dir.display(),
            out.status,
            if problems.is_empty() {
                stderr.into_owned()
            } else {
                problems.join("\n")
            }
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `QUADLET_UNIT_DIRS=dir quadlet -no-kmsg-log out_dir`: writes the generated units into
/// `out_dir` and returns the paths of the generated `.service` files (sorted).
pub fn quadlet_generate(dir: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    quadlet_generate_with(&quadlet_path()?, dir, out_dir)
}

/// [`quadlet_generate`] with the quadlet binary `q`.
pub fn quadlet_generate_with(q: &Path, dir: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let out = run_with_timeout(
        Command::new(q)
            .arg("-no-kmsg-log")
            .arg(out_dir)
            .env("QUADLET_UNIT_DIRS", dir),
        60,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems = quadlet_problems(&stderr);
    if !out.status.success() || !problems.is_empty() {
        return Err(format!(
            "quadlet -no-kmsg-log on {} failed ({}):\n{}",
            dir.display(),
            out.status,
            stderr
        ));
    }
    let mut services: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .map_err(|e| format!("{}: {e}", out_dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension() == Some(OsStr::new("service")))
        .collect();
    services.sort();
    if services.is_empty() {
        return Err(format!(
            "quadlet generated no .service from {} (stderr: {stderr})",
            dir.display()
        ));
    }
    Ok(services)
}

/// Generates the units for the quadlet files in `units_dir` (with quadlet 5.4.2, into a
/// temporary directory) and runs `systemd-analyze verify` on every generated `.service`.
/// `systemd-analyze` exits 0 on unknown keys and bad values, so ANY stderr line is a failure.
pub fn systemd_analyze_verify(units_dir: &Path) -> Result<(), String> {
    systemd_analyze_verify_with(&quadlet_path()?, units_dir)
}

/// [`systemd_analyze_verify`] of the units the quadlet binary `q` generates.
pub fn systemd_analyze_verify_with(q: &Path, units_dir: &Path) -> Result<(), String> {
    let sa = tool("systemd-analyze").ok_or("systemd-analyze not found on PATH")?;
    let out_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let services = quadlet_generate_with(q, units_dir, out_dir.path())?;
    let mut unit_path = out_dir.path().as_os_str().to_owned();
    unit_path.push(":"); // trailing colon: the generated dir first, then the defaults
    let out = run_with_timeout(
        Command::new(sa)
            .arg("verify")
            .args(&services)
            .current_dir(out_dir.path())
            .env("SYSTEMD_UNIT_PATH", unit_path)
            .env("SYSTEMD_LOG_COLOR", "0"),
        120,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.trim().is_empty() {
        let mut units = String::new();
        for s in &services {
            units.push_str(&format!(
                "--- {}\n{}\n",
                s.display(),
                std::fs::read_to_string(s).unwrap_or_default()
            ));
        }
        return Err(format!(
            "systemd-analyze verify ({}):\n{stderr}\n{units}",
            out.status
        ));
    }
    Ok(())
}

/// `docker-compose ARGS config --format json` (docker-compose 2.x from [`tools_dir`]),
/// run in `cwd` under `timeout -s KILL 60` with a clean environment: only `PATH`, `HOME`
/// and the given `env` pairs. Returns the parsed JSON, or stderr / the error.
///
/// Example: `docker_compose_config(&["-f", "compose.yaml"], dir, &[("TAG", "1.2")])`.
pub fn docker_compose_config(
    args: &[&str],
    cwd: &Path,
    env: &[(&str, &str)],
) -> Result<serde_json::Value, String> {
    let dc = tool("docker-compose").ok_or_else(|| {
        format!(
            "docker-compose not found in {}, run scripts/setup-test-env as root",
            tools_dir().display()
        )
    })?;
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    let mut cmd = Command::new("timeout");
    cmd.args(["-s", "KILL", "60"])
        .arg(&dc)
        .args(args)
        .args(["config", "--format", "json"])
        .current_dir(cwd)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    // The outer limit only guards against `timeout` itself hanging.
    let out = run_with_timeout(&mut cmd, 90);
    if !out.status.success() {
        return Err(format!(
            "docker-compose {} config --format json ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "docker-compose config output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

// ---------------------------------------------------------------------------------------
// Guards for things a test started
// ---------------------------------------------------------------------------------------

/// Removes a container by its own id when dropped (`<cli...> rm -f <id>`), e.g.
/// `ContainerGuard::new(&["podman"], id)` or
/// `ContainerGuard::new(&["docker", "-H", "unix:///tmp/x/docker.sock"], id)`.
pub struct ContainerGuard {
    cli: Vec<String>,
    id: String,
}

impl ContainerGuard {
    /// Takes ownership of the container `id` managed by the command line `cli`.
    pub fn new(cli: &[&str], id: impl Into<String>) -> Self {
        Self {
            cli: cli.iter().map(|s| (*s).to_owned()).collect(),
            id: id.into().trim().to_owned(),
        }
    }

    /// The container id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for ContainerGuard {
    fn drop(&mut self) {
        if self.id.is_empty() || self.cli.is_empty() {
            return;
        }
        let mut cmd = Command::new(&self.cli[0]);
        cmd.args(&self.cli[1..]).args(["rm", "-f"]);
        if self
            .cli
            .iter()
            .any(|a| a == "podman" || a.ends_with("/podman"))
        {
            cmd.args(["-t", "0"]); // no 10 s grace period for PID 1s that ignore SIGTERM
        }
        cmd.arg(&self.id);
        let out = run_with_timeout(&mut cmd, 60);
        if !out.status.success() {
            eprintln!(
                "transship-support: could not remove container {}: {}",
                self.id,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// Removes an image by its id or name when dropped (`<cli...> rmi -f <image>`).
pub struct ImageGuard {
    cli: Vec<String>,
    image: String,
}

impl ImageGuard {
    /// Takes ownership of `image` in the image store of `cli`.
    pub fn new(cli: &[&str], image: impl Into<String>) -> Self {
        Self {
            cli: cli.iter().map(|s| (*s).to_owned()).collect(),
            image: image.into().trim().to_owned(),
        }
    }
}

impl Drop for ImageGuard {
    fn drop(&mut self) {
        if self.image.is_empty() || self.cli.is_empty() {
            return;
        }
        let mut cmd = Command::new(&self.cli[0]);
        cmd.args(&self.cli[1..]).args(["rmi", "-f", &self.image]);
        let _ = run_with_timeout(&mut cmd, 60);
    }
}

/// A daemon process a test started; `Drop` sends SIGTERM to its pid, waits up to 20 s,
/// then SIGKILLs it. Its stdout/stderr go to `log` (a file) so they can be shown on failure.
pub struct DaemonGuard {
    child: Child,
    name: String,
    log: PathBuf,
}

impl DaemonGuard {
    /// Spawns `cmd` with stdout+stderr appended to `log`.
    pub fn spawn(name: &str, cmd: &mut Command, log: &Path) -> Result<Self, String> {
        let f = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let f2 = f.try_clone().map_err(|e| e.to_string())?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(f)
            .stderr(f2)
            .spawn()
            .map_err(|e| format!("cannot start {name} ({cmd:?}): {e}"))?;
        Ok(Self {
            child,
            name: name.to_owned(),
            log: log.to_owned(),
        })
    }

    /// The daemon's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The daemon's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until `path` exists (a socket, a pid file), failing if the daemon exits first.
    pub fn wait_for_path(&mut self, path: &Path, secs: u64) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if path.exists() {
                return Ok(());
            }
            if !self.is_running() {
                return Err(format!(
                    "{} exited before {} appeared:\n{}",
                    self.name,
                    path.display(),
                    self.log()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "{} did not create {} within {secs} s:\n{}",
            self.name,
            path.display(),
            self.log()
        ))
    }

    /// Stops the daemon now (SIGTERM, then SIGKILL after 20 s).
    pub fn stop(&mut self) {
        if !self.is_running() {
            return;
        }
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if !self.is_running() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
        eprintln!(
            "transship-support: {} (pid {pid}) ignored SIGTERM; killing",
            self.name
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DaemonGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Unmounts whatever is still mounted below `dir` (deepest first), so it can be removed.
pub fn unmount_below(dir: &Path) {
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else {
        return;
    };
    let prefix = dir.to_string_lossy().into_owned();
    let mut points: Vec<&str> = mounts
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|p| p.starts_with(&prefix))
        .collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in points {
        let _ = Command::new("umount")
            .args(["-l", p])
            .stderr(Stdio::null())
            .status();
    }
}

// ---------------------------------------------------------------------------------------
// Private daemons (tier 3)
// ---------------------------------------------------------------------------------------

/// A containerd daemon of the test's own: private config, root, state and socket in a
/// temporary directory. Stopped by pid on drop; its directory is removed afterwards.
pub struct Containerd {
    daemon: DaemonGuard,
    /// The gRPC socket (`ctr -a SOCKET`).
    pub socket: PathBuf,
    /// The namespace to use with `ctr -n`.
    pub namespace: String,
    dir: tempfile::TempDir,
}

impl Containerd {
    /// Starts containerd and waits until its socket answers `ctr version`.
    pub fn start() -> Result<Self, String> {
        let bin = tool("containerd").ok_or("containerd not found on PATH")?;
        let dir = tempfile::Builder::new()
            .prefix("ts-ctrd-")
            .tempdir_in("/tmp")
            .map_err(|e| e.to_string())?;
        let d = dir.path();
        let socket = d.join("c.sock");
        let config = d.join("config.toml");
        std::fs::write(
            &config,
            format!(
                "version = 2\nroot = \"{root}\"\nstate = \"{state}\"\n\
                 disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n\n\
                 [grpc]\n  address = \"{sock}\"\n\n[ttrpc]\n  address = \"{sock}.ttrpc\"\n\n\
                 [debug]\n  address = \"{d}/debug.sock\"\n\n[metrics]\n  address = \"\"\n",
                root = d.join("root").display(),
                state = d.join("state").display(),
                sock = socket.display(),
                d = d.display()
            ),
        )
        .map_err(|e| e.to_string())?;
        let mut daemon = DaemonGuard::spawn(
            "containerd",
            Command::new(bin).arg("--config").arg(&config),
            &d.join("containerd.log"),
        )?;
        daemon.wait_for_path(&socket, 30)?;
        let me = Self {
            daemon,
            socket,
            namespace: unique_name("transship"),
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = run_with_timeout(me.ctr().arg("version"), 10);
            if out.status.success() {
                break;
            }
            if Instant::now() >= deadline {
                return Err(describe_failure("ctr version", &out));
            }
            thread::sleep(Duration::from_millis(200));
        }
        Ok(me)
    }

    /// A `ctr -a SOCKET -n NAMESPACE` command to add arguments to.
    pub fn ctr(&self) -> Command {
        let mut c = Command::new("ctr");
        c.arg("-a").arg(&self.socket).arg("-n").arg(&self.namespace);
        c
    }

    /// The daemon's pid.
    pub fn pid(&self) -> u32 {
        self.daemon.pid()
    }

    /// The daemon's log so far.
    pub fn log(&self) -> String {
        self.daemon.log()
    }
}

impl Drop for Containerd {
    fn drop(&mut self) {
        // Tasks and containers of our namespace first, then the daemon, then its files.
        if let Ok(list) = run_ok(self.ctr().args(["containers", "list", "-q"]), 20) {
            for id in list.split_whitespace() {
                let _ = run_with_timeout(self.ctr().args(["task", "kill", "-s", "KILL", id]), 20);
                let _ = run_with_timeout(self.ctr().args(["task", "delete", "-f", id]), 20);
                let _ = run_with_timeout(self.ctr().args(["containers", "delete", id]), 20);
            }
        }
        self.daemon.stop();
        unmount_below(self.dir.path());
    }
}

/// A dockerd of the test's own: `--host unix://DIR/docker.sock --data-root --exec-root
/// --pidfile` in a temporary directory. Stopped by pid on drop (it stops its own containerd).
pub struct Dockerd {
    daemon: DaemonGuard,
    /// The daemon socket path.
    pub socket: PathBuf,
    dir: tempfile::TempDir,
}

impl Dockerd {
    /// Starts dockerd and waits until `docker version` answers.
    pub fn start() -> Result<Self, String> {
        let bin = tool("dockerd").ok_or("dockerd not found on PATH")?;
        let dir = tempfile::Builder::new()
            .prefix("ts-dockerd-")
            .tempdir_in("/tmp")
            .map_err(|e| e.to_string())?;
        let d = dir.path();
        let socket = d.join("docker.sock");
        let mut daemon = DaemonGuard::spawn(
            "dockerd",
            Command::new(bin)
                .arg("--host")
                .arg(format!("unix://{}", socket.display()))
                .arg("--data-root")
                .arg(d.join("data"))
                .arg("--exec-root")
                .arg(d.join("exec"))
                .arg("--pidfile")
                .arg(d.join("docker.pid"))
                .arg("--bridge=none")
                .arg("--iptables=false"),
            &d.join("dockerd.log"),
        )?;
        daemon.wait_for_path(&socket, 60)?;
        let me = Self {
            daemon,
            socket,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out = run_with_timeout(me.docker().arg("version"), 15);
            if out.status.success() {
                break;
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{}\n--- dockerd log\n{}",
                    describe_failure("docker version", &out),
                    me.log()
                ));
            }
            thread::sleep(Duration::from_millis(300));
        }
        Ok(me)
    }

    /// The docker CLI matching the daemon (the one beside `dockerd`, else `docker` on PATH).
    pub fn cli_path() -> PathBuf {
        tool("dockerd")
            .and_then(|d| d.parent().map(|p| p.join("docker")))
            .filter(|p| is_executable(p))
            .or_else(|| tool("docker"))
            .unwrap_or_else(|| PathBuf::from("docker"))
    }

    /// `-H unix://SOCKET` for the CLI.
    pub fn host_arg(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// A `docker -H unix://SOCKET` command to add arguments to.
    pub fn docker(&self) -> Command {
        let mut c = Command::new(Self::cli_path());
        c.arg("-H").arg(self.host_arg());
        c
    }

    /// The daemon's pid.
    pub fn pid(&self) -> u32 {
        self.daemon.pid()
    }

    /// The daemon's log so far.
    pub fn log(&self) -> String {
        self.daemon.log()
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        if let Ok(list) = run_ok(self.docker().args(["ps", "-aq"]), 20) {
            for id in list.split_whitespace() {
                let _ = run_with_timeout(self.docker().args(["rm", "-f", id]), 30);
            }
        }
        self.daemon.stop();
        unmount_below(self.dir.path());
    }
}

/// Rootless podman as [`ROOTLESS_USER`], with storage, run root and `XDG_RUNTIME_DIR` in a
/// private temporary directory of its own (so runs never share state). On drop, podman's
/// rootless pause process (by its pid file) is stopped and the directory removed.
pub struct RootlessPodman {
    dir: tempfile::TempDir,
    uid: u32,
    gid: u32,
    home: PathBuf,
}

impl RootlessPodman {
    /// Prepares the private directories, owned by the rootless user.
    pub fn new() -> Result<Self, String> {
        let ids = run_ok(Command::new("id").args(["-u", ROOTLESS_USER]), 10)?;
        let uid: u32 = ids.trim().parse().map_err(|e| format!("uid: {e}"))?;
        let gid: u32 = run_ok(Command::new("id").args(["-g", ROOTLESS_USER]), 10)?
            .trim()
            .parse()
            .map_err(|e| format!("gid: {e}"))?;
        let home = run_ok(Command::new("getent").args(["passwd", ROOTLESS_USER]), 10)?
            .trim()
            .split(':')
            .nth(5)
            .map(PathBuf::from)
            .ok_or("no home for the rootless user")?;
        let dir = tempfile::Builder::new()
            .prefix("ts-rootless-")
            .tempdir_in("/tmp")
            .map_err(|e| e.to_string())?;
        for sub in ["", "run", "storage"] {
            let p = dir.path().join(sub);
            std::fs::create_dir_all(&p).map_err(|e| e.to_string())?;
            std::os::unix::fs::chown(&p, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| e.to_string())?;
        }
        Ok(Self {
            dir,
            uid,
            gid,
            home,
        })
    }

    /// The rootless user's uid.
    pub fn uid(&self) -> u32 {
        self.uid
    }

    /// A `podman` command run as the rootless user (`runuser`), with the private
    /// `XDG_RUNTIME_DIR`, `--root` and `--runroot`.
    pub fn podman(&self) -> Command {
        let d = self.dir.path();
        let mut c = Command::new("runuser");
        c.args(["-u", ROOTLESS_USER, "--", "env"])
            .arg(format!("HOME={}", self.home.display()))
            .arg(format!("XDG_RUNTIME_DIR={}", d.join("run").display()))
            .arg("PODMAN_IGNORE_CGROUPSV1_WARNING=1")
            .arg("podman")
            .arg("--root")
            .arg(d.join("storage"))
            .arg("--runroot")
            .arg(d.join("run/containers"));
        c.current_dir("/");
        c
    }
}

impl Drop for RootlessPodman {
    fn drop(&mut self) {
        let d = self.dir.path().to_owned();
        if let Ok(list) = run_ok(self.podman().args(["ps", "-aq"]), 30) {
            for id in list.split_whitespace() {
                let _ = run_with_timeout(self.podman().args(["rm", "-f", "-t", "0", id]), 60);
            }
        }
        // podman's pause process holds the user namespace: stop it by its own pid.
        for pidfile in [
            d.join("run/libpod/tmp/pause.pid"),
            d.join("run/containers/pause.pid"),
        ] {
            if let Ok(pid) = std::fs::read_to_string(&pidfile) {
                let pid = pid.trim();
                if !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()) {
                    let _ = Command::new("kill")
                        .args(["-KILL", pid])
                        .stderr(Stdio::null())
                        .status();
                }
            }
        }
        // Files below are owned by sub-uids; root removes them (TempDir's drop does).
        unmount_below(&d);
    }
}

// ---------------------------------------------------------------------------------------
// The target host (tier 4)
// ---------------------------------------------------------------------------------------

/// A systemd + podman 5.4.2 host in a privileged rootful podman container
/// ([`TARGET_HOST_IMAGE`]), booted with `/lib/systemd/systemd`. Removed by its own id on
/// drop, even when the test panics.
pub struct TargetHost {
    id: String,
    name: String,
}

impl TargetHost {
    /// Loads the cached image if needed, starts the host (`podman run -d --privileged
    /// --systemd=always`) and waits until `systemctl is-system-running` says running or
    /// degraded.
    pub fn start(name_hint: &str) -> Result<TargetHost, String> {
        Self::start_with(name_hint, &[])
    }

    /// Like [`TargetHost::start`], for rootless (`--user`) installs as
    /// [`TARGET_HOST_USER`]: on a cgroup v1 machine the host gets the whole
    /// `/sys/fs/cgroup` (so the paths in `/proc/self/cgroup` match the mounts and the image's
    /// `user@.service` drop-in can hand the user its cgroup in every v1 controller, which
    /// quadlet's `--cgroups=split` needs). Waits until the user's systemd manager, started
    /// at boot by lingering, answers on its bus.
    pub fn start_rootless(name_hint: &str) -> Result<TargetHost, String> {
        let cgroup_v1 = Path::new("/sys/fs/cgroup/systemd").is_dir();
        let extra: &[&str] = if cgroup_v1 {
            &["-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw"]
        } else {
            &[]
        };
        let host = Self::start_with(name_hint, extra)?;
        host.wait_user_manager(120)?;
        Ok(host)
    }

    fn start_with(name_hint: &str, extra_args: &[&str]) -> Result<TargetHost, String> {
        let exists = run_with_timeout(
            Command::new("podman").args(["image", "exists", TARGET_HOST_IMAGE]),
            60,
        );
        if !exists.status.success() {
            let archive = images_dir().join("target-host.tar");
            if !archive.is_file() {
                return Err(format!(
                    "{TARGET_HOST_IMAGE} is not in podman's storage and {} is missing; run scripts/setup-test-env as root",
                    archive.display()
                ));
            }
            run_ok(
                Command::new("podman")
                    .arg("load")
                    .arg("-q")
                    .arg("-i")
                    .arg(&archive),
                600,
            )?;
        }
        let hint: String = name_hint
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let name = unique_name(&format!("transship-host-{hint}"));
        let id = run_ok(
            Command::new("podman")
                .args([
                    "run",
                    "-d",
                    "--privileged",
                    "--systemd=always",
                    "--name",
                    &name,
                    "--hostname",
                    &name,
                    "-e",
                    "PODMAN_IGNORE_CGROUPSV1_WARNING=1",
                ])
                .args(extra_args)
                .args([TARGET_HOST_IMAGE, "/lib/systemd/systemd"]),
            120,
        )?
        .trim()
        .to_owned();
        if id.is_empty() {
            return Err(format!(
                "podman run printed no id for the target host {name}"
            ));
        }
        let host = TargetHost { id, name };
        host.wait_booted(120)?;
        Ok(host)
    }

    fn wait_booted(&self, secs: u64) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut last = String::new();
        while Instant::now() < deadline {
            let out = self.exec(&["systemctl", "is-system-running"]);
            last = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if last == "running" || last == "degraded" {
                if last == "degraded" {
                    let failed = self.exec(&["systemctl", "--failed", "--no-legend", "--plain"]);
                    eprintln!(
                        "transship-support: target host {} is degraded; failed units:\n{}",
                        self.name,
                        String::from_utf8_lossy(&failed.stdout)
                    );
                }
                return Ok(());
            }
            thread::sleep(Duration::from_millis(500));
        }
        let logs = run_with_timeout(Command::new("podman").args(["logs", &self.id]), 30);
        Err(format!(
            "target host {} did not boot in {secs} s (is-system-running: {last:?}); logs:\n{}",
            self.name,
            String::from_utf8_lossy(&logs.stdout)
        ))
    }

    /// The container id of the host.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The container name of the host.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs a command inside the host (`podman exec`, with
    /// `PODMAN_IGNORE_CGROUPSV1_WARNING=1`), under a 300 s kill timeout.
    pub fn exec(&self, argv: &[&str]) -> Output {
        run_with_timeout(
            Command::new("podman")
                .args(["exec", "-e", "PODMAN_IGNORE_CGROUPSV1_WARNING=1", &self.id])
                .args(argv),
            300,
        )
    }

    /// An HTTP/1.0 `GET path` to `127.0.0.1:port` inside the host (bash's `/dev/tcp`),
    /// retried for up to 15 s until the answer contains `needle`; the last answer.
    pub fn http_get(&self, port: u16, path: &str, needle: &str) -> String {
        let script = format!(
            "exec 3<>/dev/tcp/127.0.0.1/{port} && printf 'GET {path} HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3"
        );
        let mut body = String::new();
        for _ in 0..60 {
            let out = self.exec(&["bash", "-c", &script]);
            body = String::from_utf8_lossy(&out.stdout).into_owned();
            if body.contains(needle) {
                break;
            }
            thread::sleep(Duration::from_millis(250));
        }
        body
    }

    /// Like [`TargetHost::exec`], but `Err` with the whole account unless it exits 0.
    pub fn exec_ok(&self, argv: &[&str]) -> Result<String, String> {
        let out = self.exec(argv);
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(describe_failure(
                &format!("(in {}) {argv:?}", self.name),
                &out,
            ))
        }
    }

    /// Copies a local file or directory into the host (`podman cp`).
    pub fn copy_in(&self, local: &Path, remote: &str) -> Result<(), String> {
        run_ok(
            Command::new("podman")
                .arg("cp")
                .arg(local)
                .arg(format!("{}:{remote}", self.id)),
            120,
        )
        .map(|_| ())
    }

    /// Loads an image archive (e.g. `images_dir().join("busybox.tar")`) into the host's
    /// own podman storage.
    pub fn load_image_archive(&self, path: &Path) -> Result<(), String> {
        let remote = format!("/tmp/{}", unique_name("image"));
        self.copy_in(path, &remote)?;
        let r = self.exec_ok(&["podman", "load", "-q", "-i", &remote]);
        let _ = self.exec(&["rm", "-f", &remote]);
        r.map(|_| ())
    }

    /// Copies every regular file of `local_dir` (quadlet files: `.container`, `.network`,
    /// ...) into the host's `/etc/containers/systemd/` and runs `systemctl daemon-reload`,
    /// so quadlet's generator turns them into units.
    pub fn install_quadlets(&self, local_dir: &Path) -> Result<(), String> {
        self.exec_ok(&["mkdir", "-p", "/etc/containers/systemd"])?;
        let entries =
            std::fs::read_dir(local_dir).map_err(|e| format!("{}: {e}", local_dir.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let name = entry.file_name();
            let name = name.to_string_lossy();
            self.copy_in(&path, &format!("/etc/containers/systemd/{name}"))?;
        }
        self.exec_ok(&["systemctl", "daemon-reload"]).map(|_| ())
    }

    /// `systemctl ARGS...` inside the host.
    pub fn systemctl(&self, args: &[&str]) -> Output {
        let mut argv = vec!["systemctl"];
        argv.extend_from_slice(args);
        self.exec(&argv)
    }

    /// The journal of one unit inside the host (for failure messages).
    pub fn journal(&self, unit: &str) -> String {
        let out = self.exec(&["journalctl", "--no-pager", "-n", "200", "-u", unit]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Rootless installs on the target host, as [`TARGET_HOST_USER`] (uid
/// [`TARGET_HOST_USER_UID`]) with its lingering `systemd --user`. Use a host from
/// [`TargetHost::start_rootless`].
impl TargetHost {
    /// The user's home inside the host.
    pub fn user_home() -> String {
        format!("/home/{TARGET_HOST_USER}")
    }

    /// The user's quadlet directory inside the host (`~/.config/containers/systemd`).
    pub fn user_quadlet_dir() -> String {
        format!("{}/.config/containers/systemd", Self::user_home())
    }

    fn wait_user_manager(&self, secs: u64) -> Result<(), String> {
        let unit = format!("user@{TARGET_HOST_USER_UID}.service");
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut last = String::new();
        while Instant::now() < deadline {
            let out = self.user_systemctl(&["is-system-running"]);
            last = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if last == "running" || last == "degraded" {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(500));
        }
        let status = self.exec(&["systemctl", "status", "--no-pager", &unit]);
        Err(format!(
            "the user manager of {TARGET_HOST_USER} in {} did not come up in {secs} s \
             (systemctl --user is-system-running: {last:?}; is the image older than the \
             rootless user? run scripts/setup-test-env as root):\n{}",
            self.name,
            String::from_utf8_lossy(&status.stdout)
        ))
    }

    /// Runs a command inside the host as [`TARGET_HOST_USER`] (`runuser`), with the
    /// environment of its session: `HOME`, `XDG_RUNTIME_DIR=/run/user/UID`,
    /// `DBUS_SESSION_BUS_ADDRESS` and `PODMAN_IGNORE_CGROUPSV1_WARNING=1`.
    pub fn user_exec(&self, argv: &[&str]) -> Output {
        let home = format!("HOME={}", Self::user_home());
        let runtime = format!("XDG_RUNTIME_DIR=/run/user/{TARGET_HOST_USER_UID}");
        let bus =
            format!("DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{TARGET_HOST_USER_UID}/bus");
        let mut full = vec![
            "runuser",
            "-u",
            TARGET_HOST_USER,
            "--",
            "env",
            &home,
            &runtime,
            &bus,
            "PODMAN_IGNORE_CGROUPSV1_WARNING=1",
        ];
        full.extend_from_slice(argv);
        run_with_timeout(
            Command::new("podman")
                .args(["exec", "-w", "/", &self.id])
                .args(&full),
            300,
        )
    }

    /// Like [`TargetHost::user_exec`], but `Err` with the whole account unless it exits 0.
    pub fn user_exec_ok(&self, argv: &[&str]) -> Result<String, String> {
        let out = self.user_exec(argv);
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(describe_failure(
                &format!("(in {}, as {TARGET_HOST_USER}) {argv:?}", self.name),
                &out,
            ))
        }
    }

    /// `systemctl --user ARGS...` as the user.
    pub fn user_systemctl(&self, args: &[&str]) -> Output {
        let mut argv = vec!["systemctl", "--user"];
        argv.extend_from_slice(args);
        self.user_exec(&argv)
    }

    /// `podman ARGS...` as the user (rootless podman, the user's own storage).
    pub fn user_podman(&self, args: &[&str]) -> Output {
        let mut argv = vec!["podman"];
        argv.extend_from_slice(args);
        self.user_exec(&argv)
    }

    /// Loads an image archive into the user's rootless podman storage.
    pub fn load_image_archive_for_user(&self, path: &Path) -> Result<(), String> {
        let remote = format!("/tmp/{}", unique_name("image"));
        self.copy_in(path, &remote)?;
        let r = self
            .exec_ok(&["chmod", "0644", &remote])
            .and_then(|_| self.user_exec_ok(&["podman", "load", "-q", "-i", &remote]));
        let _ = self.exec(&["rm", "-f", &remote]);
        r.map(|_| ())
    }

    /// Copies a local file or directory into the host and gives it (recursively) to the
    /// user; the directories above it are made traversable (`a+x`) so the user's containers
    /// can bind-mount it.
    pub fn copy_in_for_user(&self, local: &Path, remote: &str) -> Result<(), String> {
        let mut parent = Path::new(remote).parent();
        if let Some(p) = parent {
            self.exec_ok(&["mkdir", "-p", &p.to_string_lossy()])?;
        }
        self.copy_in(local, remote)?;
        self.exec_ok(&[
            "chown",
            "-R",
            &format!("{TARGET_HOST_USER_UID}:{TARGET_HOST_USER_UID}"),
            remote,
        ])?;
        while let Some(p) = parent.filter(|p| *p != Path::new("/")) {
            self.exec_ok(&["chmod", "a+x", &p.to_string_lossy()])?;
            parent = p.parent();
        }
        Ok(())
    }

    /// Copies every regular file of `local_dir` into the user's
    /// `~/.config/containers/systemd/` and runs `systemctl --user daemon-reload`.
    pub fn install_user_quadlets(&self, local_dir: &Path) -> Result<(), String> {
        let dir = Self::user_quadlet_dir();
        let entries =
            std::fs::read_dir(local_dir).map_err(|e| format!("{}: {e}", local_dir.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let name = entry.file_name();
            self.copy_in_for_user(&path, &format!("{dir}/{}", name.to_string_lossy()))?;
        }
        self.user_exec_ok(&["systemctl", "--user", "daemon-reload"])
            .map(|_| ())
    }

    /// The journal of one user unit inside the host (for failure messages).
    pub fn user_journal(&self, unit: &str) -> String {
        let m1 = format!("_SYSTEMD_USER_UNIT={unit}");
        let m2 = format!("USER_UNIT={unit}");
        let out = self.exec(&["journalctl", "--no-pager", "-n", "200", &m1, "+", &m2]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for TargetHost {
    fn drop(&mut self) {
        let out = run_with_timeout(
            Command::new("podman").args(["rm", "-f", "-t", "0", &self.id]),
            120,
        );
        if !out.status.success() {
            eprintln!(
                "transship-support: could not remove target host {} ({}): {}",
                self.name,
                self.id,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// What every tier-4 test needs (live switch, podman, the target host and busybox archives):
/// the busybox archive's path, or `None` after a loud SKIPPED (a panic in CI).
pub fn tier4_prerequisites(tier: &str) -> Option<PathBuf> {
    if !require_live(tier) || require_tool(tier, "podman").is_none() {
        return None;
    }
    require_archive(tier, "target-host.tar")?;
    require_archive(tier, "busybox.tar")
}

/// Copies a directory tree (fixtures into a test's temporary directory).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the destination directory");
    for e in std::fs::read_dir(from).expect("read the source directory") {
        let e = e.expect("read a directory entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy a file");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Recorded runtime answers (migrate verify's replay fixtures)
// ---------------------------------------------------------------------------------------

/// Stores the answers `migrate verify --record-answers` wrote, with what the replay needs to
/// rebuild the same expectations (project name, port, project directory), as
/// `crates/verify/tests/recorded/<name>`. Run by the live tiers when `TRANSSHIP_RECORD` is
/// set.
#[allow(dead_code)]
pub fn save_recording(answers: &Path, project: &str, port: u16, dir: &Path, name: &str) {
    let text = std::fs::read_to_string(answers).expect("the recorded answers");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("answers are JSON");
    v["meta"] = serde_json::json!({
        "project": project,
        "port": port,
        "dir": dir.display().to_string(),
    });
    let out = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/verify/tests/recorded")
        .join(name);
    std::fs::create_dir_all(out.parent().expect("a parent")).expect("mkdir recorded");
    std::fs::write(&out, serde_json::to_string_pretty(&v).expect("json") + "\n")
        .expect("write the recording");
    eprintln!("transship-support: recorded {}", out.display());
}

/// A service's `podman run` words from the podman mapping (for podman 4.4; side files such
/// as env files written into `dir`): what the systemd target will run, for the live tiers
/// that start containers without systemd.
pub fn podman_run_words(project: &transship_ir::Project, service: &str, dir: &Path) -> Vec<String> {
    let mapper = transship_podman::map::Mapper::new(
        project,
        transship_podman::map::MapOptions {
            version: transship_podman::version::PodmanVersion::MIN,
            pod: false,
            inline_env: false,
        },
    );
    let s = &project.services[service];
    let sm = transship_podman::map::map_service(&mapper, s, 1);
    let mut words = vec!["run".to_owned(), "-d".to_owned()];
    let mut command = Vec::new();
    let mut in_build = false;
    for step in &sm.steps {
        let opt = match step {
            transship_podman::map::Step::BeginBuild { .. } => {
                in_build = true;
                continue;
            }
            transship_podman::map::Step::EndBuild => {
                in_build = false;
                continue;
            }
            transship_podman::map::Step::File(f) => {
                let p = dir.join(&f.path);
                if let Err(e) = std::fs::write(&p, &f.contents) {
                    panic!("{}: {e}", p.display());
                }
                continue;
            }
            transship_podman::map::Step::Decide(d)
                if !matches!(d.rule, transship_podman::map::Rule::Described) =>
            {
                match &d.opt {
                    Some(o) => o,
                    None => continue,
                }
            }
            transship_podman::map::Step::Set(o) => o,
            _ => continue,
        };
        if in_build {
            continue;
        }
        match opt {
            transship_podman::opt::Opt::Command(w) => command = w.clone(),
            transship_podman::opt::Opt::EnvFile(f) => {
                words.push(format!("--env-file={}", dir.join(f).display()))
            }
            transship_podman::opt::Opt::NotifyHealthy { .. }
            | transship_podman::opt::Opt::PodPublish(_)
            | transship_podman::opt::Opt::PodNetwork { .. } => {}
            o => words.extend(o.cli_words()),
        }
    }
    words.push(transship_podman::names::qualify_image(
        &s.image
            .as_ref()
            .unwrap_or_else(|| panic!("{service} has no image"))
            .value,
    ));
    words.extend(command);
    words
}
