//! Tier 4: `migrate verify` over ssh against systemd + podman 5.4.2 target hosts, the way an
//! operator runs it after a cutover: the stack of `fixtures/live/verify/` converted with
//! `migrate --to podman`, installed in `/etc/containers/systemd/`, started with systemctl;
//! the host reached as `ssh://root@HOST/run/podman/podman.sock` (the system `ssh` with the
//! test's own key, known_hosts and `StrictHostKeyChecking yes`, through `--ssh-config`).
//!
//! A correct install passes every check that applies, units and installed files included; a
//! unit file edited on the host is caught (env and unit-files, both values); two hosts are
//! verified at once with an unreachable third: exit 2 naming it, the others reported. The
//! same project also runs under a dockerd of the test's own (`docker-compose up`), and
//! `--against docker://SOCKET` compares each service with its Docker container: the correct
//! install has parity, the edited unit's environment is named against Docker's value.
//!
//! Host b is rootless: installed in the user's `~/.config/containers/systemd`, reached as
//! that user on `/run/user/UID/podman/podman.sock` (rootless by its socket, in one fleet with
//! the system host a). Last, `--rehearse` on host a beside its installed stack: a rehearsal
//! that passes, one killed outright (removed by the next) and one interrupted by Ctrl-C
//! (exit 130); after each, nothing named for it is left on the host.
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{TARGET_HOST_USER, TARGET_HOST_USER_UID, TargetHost};

const TIER: &str = "tier 4";
const PORT: u16 = 18080;

/// A booted host with the stack installed and reachable over ssh.
struct Site {
    host: TargetHost,
    ip: String,
    /// Installed for the rootless user (`~/.config/containers/systemd`, `systemctl --user`).
    rootless: bool,
}

impl Site {
    /// The host's podman socket over ssh: root's, or the rootless user's.
    fn url(&self) -> String {
        if self.rootless {
            format!(
                "ssh://{TARGET_HOST_USER}@{}/run/user/{TARGET_HOST_USER_UID}/podman/podman.sock",
                self.ip
            )
        } else {
            url(&self.ip)
        }
    }
}

/// The test's ssh identity and client configuration.
struct Ssh {
    dir: tempfile::TempDir,
}

impl Ssh {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        support::run_ok(
            Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(dir.path().join("key")),
            30,
        )
        .unwrap();
        let config = format!(
            "Host *\n  User root\n  IdentityFile {0}/key\n  IdentitiesOnly yes\n  UserKnownHostsFile {0}/known_hosts\n  StrictHostKeyChecking yes\n  LogLevel ERROR\n",
            dir.path().display()
        );
        std::fs::write(dir.path().join("config"), config).unwrap();
        std::fs::write(dir.path().join("known_hosts"), "").unwrap();
        Self { dir }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// Lets this key in as root (or the rootless user) on `host`, starts sshd and the podman
    /// socket (the user's), and records the host's key (known_hosts).
    fn admit(&self, host: &TargetHost, rootless: bool) -> String {
        let must = |argv: &[&str]| host.exec_ok(argv).unwrap_or_else(|e| panic!("{e}"));
        let (home, owner) = if rootless {
            (
                TargetHost::user_home(),
                format!("{TARGET_HOST_USER_UID}:{TARGET_HOST_USER_UID}"),
            )
        } else {
            ("/root".to_owned(), "root:root".to_owned())
        };
        let ssh_dir = format!("{home}/.ssh");
        let keys = format!("{ssh_dir}/authorized_keys");
        must(&["mkdir", "-p", "-m", "700", &ssh_dir]);
        host.copy_in(&self.dir.path().join("key.pub"), &keys)
            .unwrap();
        must(&["chown", "-R", &owner, &ssh_dir]);
        must(&["chmod", "600", &keys]);
        must(&["systemctl", "enable", "--now", "ssh.service"]);
        if rootless {
            host.user_exec_ok(&["systemctl", "--user", "enable", "--now", "podman.socket"])
                .unwrap_or_else(|e| panic!("{e}"));
        } else {
            must(&["systemctl", "enable", "--now", "podman.socket"]);
        }
        let ip = support::run_ok(
            Command::new("podman").args([
                "inspect",
                "-f",
                "{{.NetworkSettings.IPAddress}}",
                host.id(),
            ]),
            30,
        )
        .unwrap()
        .trim()
        .to_owned();
        assert!(!ip.is_empty(), "the host has no address");
        let mut keys = String::new();
        for _ in 0..60 {
            let out =
                support::run_with_timeout(Command::new("ssh-keyscan").args(["-T", "5", &ip]), 30);
            keys = String::from_utf8_lossy(&out.stdout).into_owned();
            if !keys.trim().is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        assert!(!keys.trim().is_empty(), "sshd on {ip} never answered");
        let known = self.dir.path().join("known_hosts");
        let mut all = std::fs::read_to_string(&known).unwrap();
        all.push_str(&keys);
        std::fs::write(known, all).unwrap();
        ip
    }
}

/// Converts the fixture (project `name`) and installs and starts it on a fresh host, for the
/// system or (`rootless`) for the host's user.
fn install(name: &str, project_dir: &Path, busybox: &Path, ssh: &Ssh, rootless: bool) -> Site {
    let tag = if rootless { "user" } else { "system" };
    let out = project_dir
        .parent()
        .unwrap()
        .join(format!("out-{name}-{tag}"));
    let mut convert = Command::new(support::migrate_bin());
    convert
        .current_dir(project_dir)
        .args(["compose.yaml", "--to", "podman", "-p", name, "-o"])
        .arg(&out);
    if rootless {
        convert.arg("--user");
    }
    support::run_ok(&mut convert, 60).unwrap_or_else(|e| panic!("{e}"));
    let hint = format!("verify-{name}-{tag}");
    let host = if rootless {
        let host = TargetHost::start_rootless(&hint).expect("boot the rootless target host");
        host.load_image_archive_for_user(busybox)
            .expect("load busybox for the user");
        host.copy_in_for_user(project_dir, project_dir.to_str().unwrap())
            .unwrap();
        host.install_user_quadlets(&out).unwrap();
        host
    } else {
        let host = TargetHost::start(&hint).expect("boot the target host");
        host.load_image_archive(busybox).expect("load busybox");
        host.exec_ok(&[
            "mkdir",
            "-p",
            project_dir.parent().unwrap().to_str().unwrap(),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        host.copy_in(project_dir, project_dir.to_str().unwrap())
            .unwrap();
        host.install_quadlets(&out).unwrap();
        host
    };
    let units: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "container")
                .then(|| format!("{}.service", p.file_stem().unwrap().to_str().unwrap()))
        })
        .collect();
    let mut argv = vec!["systemctl"];
    if rootless {
        argv.push("--user");
    }
    argv.push("start");
    argv.extend(units.iter().map(String::as_str));
    let started = if rootless {
        host.user_exec(&argv)
    } else {
        host.exec(&argv)
    };
    assert!(
        started.status.success(),
        "{}\n{}",
        support::describe_failure("systemctl start", &started),
        units
            .iter()
            .map(|u| if rootless {
                host.user_journal(u)
            } else {
                host.journal(u)
            })
            .collect::<String>()
    );
    let ip = ssh.admit(&host, rootless);
    Site { host, ip, rootless }
}

fn url(ip: &str) -> String {
    format!("ssh://root@{ip}/run/podman/podman.sock")
}

fn verify(
    project_dir: &Path,
    name: &str,
    ssh: &Ssh,
    hosts: &[String],
    extra: &[&str],
) -> (i32, Value, String) {
    let mut cmd = Command::new(support::migrate_bin());
    cmd.current_dir(project_dir)
        .args([
            "verify",
            "compose.yaml",
            "-p",
            name,
            "--format",
            "json",
            "--ssh-config",
        ])
        .arg(ssh.config())
        .args(["--wait-healthy", "30s", "--timeout", "20s"]);
    for h in hosts {
        cmd.args(["--host", h]);
    }
    cmd.args(extra);
    let out = support::run_with_timeout(&mut cmd, 300);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v, text)
}

fn host_report<'a>(v: &'a Value, host: &str) -> &'a Value {
    v["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["host"] == host)
        .unwrap_or_else(|| panic!("no report for {host}: {v}"))
}

fn check<'a>(h: &'a Value, service: &str, name: &str) -> &'a Value {
    h["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == service)
        .unwrap_or_else(|| panic!("no {service}: {h}"))["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} for {service}: {h}"))
}

/// The names of the host's containers that start with `prefix`, but a rehearsal's.
fn containers(host: &TargetHost, prefix: &str) -> Vec<String> {
    let out = host
        .exec_ok(&["podman", "ps", "-a", "--format", "{{.ID}} {{.Names}}"])
        .unwrap();
    let mut v: Vec<String> = out
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|n| n.starts_with(prefix) && !n.contains("-rehearse-"))
        })
        .map(str::to_owned)
        .collect();
    v.sort();
    v
}

/// Nothing named for the rehearsal `rp` is on the host: no file in the unit directory, no
/// container, pod, network, volume, secret or systemd unit.
fn assert_clean(host: &TargetHost, rp: &str) {
    let listings: [(&str, &[&str]); 7] = [
        ("file", &["ls", "-1A", "/etc/containers/systemd"]),
        (
            "container",
            &["podman", "ps", "-a", "--format", "{{.Names}}"],
        ),
        ("pod", &["podman", "pod", "ps", "--format", "{{.Name}}"]),
        (
            "network",
            &["podman", "network", "ls", "--format", "{{.Name}}"],
        ),
        (
            "volume",
            &["podman", "volume", "ls", "--format", "{{.Name}}"],
        ),
        (
            "secret",
            &["podman", "secret", "ls", "--format", "{{.Name}}"],
        ),
        (
            "unit",
            &["systemctl", "list-units", "--all", "--plain", "--no-legend"],
        ),
    ];
    for (what, argv) in listings {
        let out = host.exec_ok(argv).unwrap();
        let left: Vec<&str> = out.lines().filter(|l| l.contains(rp)).collect();
        assert!(
            left.is_empty(),
            "{what}s of {rp} left on the host: {left:?}"
        );
    }
}

/// `migrate verify --rehearse` in the background, its JSON report into a file.
fn spawn_rehearsal(
    project_dir: &Path,
    name: &str,
    ssh: &Ssh,
    host: &str,
    dir: &Path,
    tag: &str,
) -> (std::process::Child, PathBuf) {
    let out_file = dir.join(format!("rehearsal-{tag}.json"));
    let child = Command::new(support::migrate_bin())
        .current_dir(project_dir)
        .args([
            "verify",
            "compose.yaml",
            "-p",
            name,
            "--format",
            "json",
            "--rehearse",
        ])
        .arg("--ssh-config")
        .arg(ssh.config())
        .args(["--timeout", "20s", "--host", host])
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    (child, out_file)
}

/// Waits until a rehearsal of `name` has its unit files on the host; its project name.
fn wait_for_install(host: &TargetHost, name: &str, child: &mut std::process::Child) -> String {
    let prefix = format!("{name}-rehearse-");
    for _ in 0..600 {
        let out = host
            .exec_ok(&["ls", "-1A", "/etc/containers/systemd"])
            .unwrap();
        if let Some(f) = out
            .lines()
            .find(|l| l.starts_with(&prefix) && l.ends_with(".container"))
        {
            return f[..prefix.len() + 6].to_owned();
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the rehearsal ended ({status}) before its files were seen");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the rehearsal never installed its files");
}

fn wait_child(child: &mut std::process::Child, secs: u64) -> Option<i32> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the rehearsal did not end within {secs} s of Ctrl-C");
}

#[test]
fn verify_over_ssh_passes_an_installed_stack_catches_an_edited_unit_and_runs_a_fleet() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    if support::require_tool(TIER, "ssh").is_none()
        || support::require_tool(TIER, "ssh-keygen").is_none()
        || support::require_tool(TIER, "dockerd").is_none()
        || support::require_tool(TIER, "docker-compose").is_none()
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let project_dir = tmp.path().join("verify");
    support::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/live/verify"),
        &project_dir,
    );
    let compose = project_dir.join("compose.yaml");
    let text = std::fs::read_to_string(&compose)
        .unwrap()
        .replace("@PORT@", &PORT.to_string());
    std::fs::write(&compose, text).unwrap();
    let name = "tsverify";
    let ssh = Ssh::new();

    // Two hosts, booted and installed one after the other (the machine has two cores): a
    // for the system, b for its rootless user (reached over ssh as that user).
    let a = install(name, &project_dir, &busybox, &ssh, false);
    let b = install(name, &project_dir, &busybox, &ssh, true);

    // 1. One host: everything that applies passes, units and installed files included.
    let answers = tmp.path().join("answers.json");
    let (code, v, text) = verify(
        &project_dir,
        name,
        &ssh,
        &[url(&a.ip)],
        &["--record-answers", answers.to_str().unwrap()],
    );
    assert_eq!(code, 0, "the installed stack must pass:\n{text}");
    assert!(
        !text.contains("tok-verify-secret-1"),
        "a secret value reached the report:\n{text}"
    );
    let h = host_report(&v, &url(&a.ip));
    assert!(
        h["runtime"].as_str().unwrap().starts_with("podman 5.4"),
        "{text}"
    );
    for c in [
        "exists",
        "unit",
        "restart-policy",
        "running",
        "image",
        "command",
        "entrypoint",
        "env",
        "ports",
        "mounts",
        "user",
        "capabilities",
        "security",
        "networks",
        "dns",
        "healthcheck",
        "limits",
        "labels",
        "unit-files",
        "restarts",
    ] {
        assert_eq!(check(h, "web", c)["status"], "pass", "web {c}:\n{text}");
    }
    assert_eq!(
        check(h, "init", "unit")["status"],
        "pass",
        "the oneshot init finished:\n{text}"
    );
    if std::env::var_os("TRANSSHIP_RECORD").is_some() {
        support::save_recording(&answers, name, PORT, &project_dir, "podman-5.4.2.json");
    }

    // 1b. A mixed fleet: the system host and the rootless one at once (b is rootless by its
    //     socket, /run/user/UID, without --user), both pass, b's units as the user's.
    let (code, v, text) = verify(&project_dir, name, &ssh, &[url(&a.ip), b.url()], &[]);
    let hb = host_report(&v, &b.url());
    // Rootless podman on cgroup v1 runs containers without their limits: the trap is named.
    let cgroup_v1 = Path::new("/sys/fs/cgroup/systemd").is_dir();
    let limits = check(hb, "web", "limits");
    if cgroup_v1 {
        assert_eq!(code, 1, "the limits rootless podman ignored fail:\n{text}");
        assert_eq!(limits["status"], "fail", "{text}");
        assert!(
            limits["found"]
                .as_str()
                .unwrap()
                .contains("memory unlimited"),
            "{text}"
        );
        assert!(limits["note"].as_str().unwrap().contains("RL003"), "{text}");
        assert_eq!(hb["failed"], 1, "only the limits fail:\n{text}");
    } else {
        assert_eq!(code, 0, "both hosts pass:\n{text}");
        assert_eq!(limits["status"], "pass", "{text}");
    }
    assert_eq!(host_report(&v, &url(&a.ip))["failed"], 0, "{text}");
    for c in [
        "unit",
        "restart-policy",
        "running",
        "env",
        "ports",
        "mounts",
        "user",
        "unit-files",
        "healthcheck",
    ] {
        assert_eq!(
            check(hb, "web", c)["status"],
            "pass",
            "rootless web {c}:\n{text}"
        );
    }
    // (unit-files passing means the user's files were read: /etc has none on b.)

    // 2. Parity with the Docker stack it replaces: the same project under docker-compose.
    let dockerd = support::Dockerd::start().expect("start our own dockerd");
    support::run_ok(dockerd.docker().arg("load").arg("-i").arg(&busybox), 120)
        .unwrap_or_else(|e| panic!("docker load: {e}"));
    let compose_bin = support::tool("docker-compose").expect("docker-compose");
    support::run_ok(
        Command::new(&compose_bin)
            .current_dir(&project_dir)
            .env("DOCKER_HOST", dockerd.host_arg())
            .args(["-p", name, "-f", "compose.yaml", "up", "-d"]),
        300,
    )
    .unwrap_or_else(|e| panic!("docker-compose up: {e}\n--- dockerd log\n{}", dockerd.log()));
    let against = format!("docker://{}", dockerd.socket.display());
    let parity_answers = tmp.path().join("parity-answers.json");
    let (code, v, text) = verify(
        &project_dir,
        name,
        &ssh,
        &[url(&a.ip)],
        &[
            "--against",
            &against,
            "--record-answers",
            parity_answers.to_str().unwrap(),
        ],
    );
    assert_eq!(
        code, 0,
        "the installed stack has parity with Docker's:\n{text}"
    );
    assert!(
        !text.contains("tok-verify-secret-1"),
        "a secret value reached the parity report:\n{text}"
    );
    let h = host_report(&v, &url(&a.ip));
    for c in [
        "docker:exists",
        "docker:env",
        "docker:ports",
        "docker:mounts",
        "docker:user",
        "docker:capabilities",
        "docker:health",
        "docker:restart",
        "docker:limits",
        "docker:networks",
        "docker:labels",
    ] {
        assert_eq!(check(h, "web", c)["status"], "pass", "web {c}:\n{text}");
    }
    assert!(
        check(h, "web", "docker:exists")["note"]
            .as_str()
            .unwrap()
            .contains("docker 20.10"),
        "{text}"
    );
    if std::env::var_os("TRANSSHIP_RECORD").is_some() {
        let docker_answers = tmp.path().join("parity-answers.json.docker.json");
        support::save_recording(
            &docker_answers,
            name,
            PORT,
            &project_dir,
            "docker-20.10.24.json",
        );
    }

    // 3. A unit edited on the rootless host b: the env check and the installed-file check
    //    both say so.
    let unit = format!("{}/{name}-web.container", TargetHost::user_quadlet_dir());
    b.host
        .user_exec_ok(&["sed", "-i", "s/GREETING=hello/GREETING=bonjour/", &unit])
        .unwrap();
    b.host
        .user_exec_ok(&["systemctl", "--user", "daemon-reload"])
        .unwrap();
    b.host
        .user_exec_ok(&[
            "systemctl",
            "--user",
            "restart",
            &format!("{name}-web.service"),
        ])
        .unwrap();

    // 4. The fleet: a and b at once, and a third host nobody answers for.
    let dead = "ssh://root@127.0.0.1:1/run/podman/podman.sock".to_owned();
    let (code, v, text) = verify(
        &project_dir,
        name,
        &ssh,
        &[url(&a.ip), b.url(), dead.clone()],
        &["--against", &against],
    );
    assert_eq!(code, 2, "an unreachable host makes the run exit 2:\n{text}");
    let ha = host_report(&v, &url(&a.ip));
    assert_eq!(ha["failed"], 0, "host a still passes:\n{text}");
    let hb = host_report(&v, &b.url());
    let env = check(hb, "web", "env");
    assert_eq!(env["status"], "fail", "{text}");
    assert!(
        env["expected"].as_str().unwrap().contains("GREETING=hello"),
        "{text}"
    );
    assert!(
        env["found"].as_str().unwrap().contains("GREETING=bonjour"),
        "{text}"
    );
    let parity = check(hb, "web", "docker:env");
    assert_eq!(parity["status"], "fail", "{text}");
    assert!(
        parity["expected"]
            .as_str()
            .unwrap()
            .contains("GREETING=hello")
            && parity["found"]
                .as_str()
                .unwrap()
                .contains("GREETING=bonjour"),
        "{text}"
    );
    assert!(
        !text.contains("tok-verify-secret-1"),
        "a secret value reached the fleet report:\n{text}"
    );
    let files = check(hb, "web", "unit-files");
    assert_eq!(files["status"], "fail", "{text}");
    assert!(
        files["found"].as_str().unwrap().contains("differs"),
        "{text}"
    );
    let hd = host_report(&v, &dead);
    assert_eq!(hd["reachable"], false, "{text}");
    assert!(hd["error"].as_str().unwrap().contains("ssh"), "{text}");
    eprintln!("--- fleet report\n{text}");

    // 4b. The same host by a podman connection name: added with podman's own
    //     `system connection add` (its identity, not the ssh config's, lets us in).
    let conn = tempfile::tempdir().unwrap();
    let conf = conn.path().join("containers.conf");
    std::fs::write(&conf, "").unwrap();
    std::fs::create_dir_all(conn.path().join("xdg")).unwrap();
    let key = ssh.dir.path().join("key");
    support::run_ok(
        Command::new("podman")
            .env("CONTAINERS_CONF", &conf)
            .args(["system", "connection", "add", "--identity"])
            .arg(&key)
            .args(["site-a", &url(&a.ip)]),
        30,
    )
    .unwrap();
    let no_identity = conn.path().join("ssh_config");
    std::fs::write(
        &no_identity,
        format!(
            "Host *\n  User root\n  IdentitiesOnly yes\n  UserKnownHostsFile {}/known_hosts\n  StrictHostKeyChecking yes\n  LogLevel ERROR\n",
            ssh.dir.path().display()
        ),
    )
    .unwrap();
    let out = support::run_with_timeout(
        Command::new(support::migrate_bin())
            .current_dir(&project_dir)
            .env("CONTAINERS_CONF", &conf)
            .env("XDG_CONFIG_HOME", conn.path().join("xdg"))
            .args(["verify", "compose.yaml", "-p", name, "--format", "json"])
            .arg("--ssh-config")
            .arg(&no_identity)
            .args(["--timeout", "20s", "--connection", "site-a"]),
        300,
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "verify --connection site-a:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    let hc = host_report(&v, "site-a");
    assert_eq!(hc["reachable"], true, "{text}");
    assert_eq!(hc["failed"], 0, "{text}");
    assert!(
        !hc["services"].as_array().unwrap().is_empty(),
        "services were verified over the connection: {text}"
    );
    let out = support::run_with_timeout(
        Command::new(support::migrate_bin())
            .current_dir(&project_dir)
            .env("CONTAINERS_CONF", &conf)
            .env("XDG_CONFIG_HOME", conn.path().join("xdg"))
            .args([
                "verify",
                "compose.yaml",
                "-p",
                name,
                "--connection",
                "site-b",
            ]),
        60,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("site-b") && err.contains("site-a"),
        "an unknown connection is named beside the known ones: {err}"
    );

    // 5. A rehearsal on host a, beside the installed stack it would replace and compared
    //    with Docker's: installed under a throwaway name, started, verified, removed.
    let real_before = containers(&a.host, &format!("{name}-"));
    let (code, v, text) = verify(
        &project_dir,
        name,
        &ssh,
        &[url(&a.ip)],
        &["--rehearse", "--against", &against],
    );
    assert_eq!(code, 0, "the rehearsal passes:\n{text}");
    let h = host_report(&v, &url(&a.ip));
    let r = &h["rehearsal"];
    let rp = r["project"].as_str().unwrap().to_owned();
    assert!(rp.starts_with(&format!("{name}-rehearse-")), "{text}");
    assert_eq!(r["left_behind"], serde_json::json!([]), "{text}");
    assert!(
        r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["ok"] == true),
        "{text}"
    );
    for c in [
        "exists",
        "unit",
        "running",
        "env",
        "ports",
        "mounts",
        "unit-files",
        "healthcheck",
    ] {
        assert_eq!(
            check(h, "web", c)["status"],
            "pass",
            "rehearsed web {c}:\n{text}"
        );
    }
    for c in [
        "docker:env",
        "docker:ports",
        "docker:mounts",
        "docker:networks",
    ] {
        assert_eq!(
            check(h, "web", c)["status"],
            "pass",
            "rehearsed web {c}:\n{text}"
        );
    }
    assert!(
        !text.contains("tok-verify-secret-1"),
        "a secret value reached the rehearsal report:\n{text}"
    );
    assert_clean(&a.host, &rp);
    assert_eq!(
        containers(&a.host, &format!("{name}-")),
        real_before,
        "the real stack was not touched"
    );

    // 6. A rehearsal killed outright once its files are installed: the next one removes it.
    let (mut child, out_file) =
        spawn_rehearsal(&project_dir, name, &ssh, &url(&a.ip), tmp.path(), "killed");
    let killed_rp = wait_for_install(&a.host, name, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = out_file;
    let (code, v, text) = verify(&project_dir, name, &ssh, &[url(&a.ip)], &["--rehearse"]);
    assert_eq!(code, 0, "the next rehearsal passes:\n{text}");
    let r = &host_report(&v, &url(&a.ip))["rehearsal"];
    assert!(
        r["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains(&format!("an earlier rehearsal ({killed_rp})"))),
        "the killed rehearsal is named:\n{text}"
    );
    assert_eq!(r["left_behind"], serde_json::json!([]), "{text}");
    assert_clean(&a.host, &killed_rp);
    assert_clean(&a.host, r["project"].as_str().unwrap());

    // 7. Ctrl-C in the middle of a rehearsal: exit 130, and nothing of it is left.
    let (mut child, out_file) = spawn_rehearsal(
        &project_dir,
        name,
        &ssh,
        &url(&a.ip),
        tmp.path(),
        "interrupted",
    );
    let int_rp = wait_for_install(&a.host, name, &mut child);
    support::run_ok(
        Command::new("kill").args(["-INT", &child.id().to_string()]),
        10,
    )
    .unwrap();
    let status = wait_child(&mut child, 300);
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(
        status,
        Some(130),
        "an interrupted rehearsal exits 130:\n{text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let r = &host_report(&v, &url(&a.ip))["rehearsal"];
    assert_eq!(r["interrupted"], true, "{text}");
    assert_eq!(r["left_behind"], serde_json::json!([]), "{text}");
    assert_clean(&a.host, &int_rp);
    assert_eq!(
        containers(&a.host, &format!("{name}-")),
        real_before,
        "the real stack was not touched"
    );
    drop(dockerd);
    drop(a);
    drop(b);
}
