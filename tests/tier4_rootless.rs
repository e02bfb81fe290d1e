//! Tier 4, rootless: `migrate --to podman --user` output really runs under a user's
//! `systemd --user` with rootless podman 5.4.2 on the target host.
//!
//! Each test boots a target host with [`TargetHost::start_rootless`] (the image's user
//! `mig-rootless`, uid 1001, has sub-ids and lingering, so its user manager runs from boot),
//! loads the local busybox image into that user's own podman storage, converts one
//! `fixtures/live/*` project with the real `migrate` binary and `--user`, installs the files
//! into `~/.config/containers/systemd/`, runs `systemctl --user daemon-reload` and
//! `systemctl --user start`, and asks the user's podman what runs. One test does the same
//! with `--user --pod` (the project's containers in one rootless pod). Removing the host (its
//! `Drop`) removes every container and pod of the test.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{TARGET_HOST_USER_UID, TargetHost};

const TIER: &str = "tier 4";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One converted container unit: the user service and the podman container name.
#[derive(Debug, Clone)]
struct Unit {
    service: String,
    container: String,
}

struct Installed {
    host: TargetHost,
    units: Vec<Unit>,
    /// `PodName=` of the `.pod` file (`--pod`).
    pod: Option<String>,
    /// Every user service quadlet generates from the files (networks, volumes too).
    all_services: Vec<String>,
    _tmp: tempfile::TempDir,
}

impl Installed {
    fn user(&self, argv: &[&str]) -> String {
        self.host
            .user_exec_ok(argv)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn unit(&self, service: &str) -> &Unit {
        self.units
            .iter()
            .find(|u| u.service.ends_with(&format!("-{service}.service")))
            .unwrap_or_else(|| panic!("no unit for service {service} in {:?}", self.units))
    }

    fn exec_in(&self, service: &str, argv: &[&str]) -> String {
        let c = self.unit(service).container.clone();
        let mut full = vec!["podman", "exec", c.as_str()];
        full.extend_from_slice(argv);
        self.user(&full)
    }

    fn inspect(&self, service: &str) -> serde_json::Value {
        let c = self.unit(service).container.clone();
        let out = self.user(&["podman", "inspect", "--type", "container", &c]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v[0].clone()
    }

    fn journals(&self) -> String {
        self.all_services
            .iter()
            .map(|s| format!("--- {s}\n{}", self.host.user_journal(s)))
            .collect()
    }

    fn assert_active(&self, service: &str) {
        let u = self.unit(service).service.clone();
        let active = self.host.user_systemctl(&["is-active", &u]);
        assert_eq!(
            String::from_utf8_lossy(&active.stdout).trim(),
            "active",
            "{u} is not active:\n{}",
            self.journals()
        );
    }
}

/// Converts `fixtures/live/<name>` with `--user`, copies the project into a fresh rootless
/// host at the same absolute path (owned by the user, so its containers can bind-mount it),
/// installs the generated files for the user and starts the given services (all when empty).
fn install(name: &str, busybox: &Path, start: &[&str]) -> Installed {
    install_with(name, busybox, start, &[])
}

/// [`install`] with extra `migrate` arguments (`--pod`); a `.pod`'s service is started too
/// when every service is.
fn install_with(name: &str, busybox: &Path, start: &[&str], extra: &[&str]) -> Installed {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join(name);
    support::copy_dir(&repo().join("fixtures/live").join(name), &project);
    let out = tmp.path().join("out");
    support::run_ok(
        Command::new(support::migrate_bin())
            .current_dir(&project)
            .args(["compose.yaml", "--to", "podman", "--user", "-o"])
            .arg(&out)
            .args(extra),
        60,
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let host = TargetHost::start_rootless(&format!("rootless-{name}"))
        .expect("boot the target host with its user manager");
    host.load_image_archive_for_user(busybox)
        .expect("load busybox into the user's podman storage");
    host.copy_in_for_user(&project, project.to_str().unwrap())
        .expect("copy the project in");
    host.install_user_quadlets(&out)
        .expect("install the quadlet files for the user");

    let mut units = Vec::new();
    let mut all_services = Vec::new();
    let mut pod = None;
    let mut pod_services = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let stem = f.file_stem().unwrap().to_str().unwrap().to_owned();
        match f.extension().and_then(|e| e.to_str()) {
            Some("container") => {
                let text = std::fs::read_to_string(f).unwrap();
                assert!(
                    text.contains("rootless"),
                    "{} does not say it is a rootless install:\n{text}",
                    f.display()
                );
                let container = text
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("ContainerName="))
                    .next_back()
                    .map_or_else(|| format!("systemd-{stem}"), str::to_owned);
                all_services.push(format!("{stem}.service"));
                units.push(Unit {
                    service: format!("{stem}.service"),
                    container,
                });
            }
            Some("pod") => {
                let text = std::fs::read_to_string(f).unwrap();
                pod = Some(
                    text.lines()
                        .filter_map(|l| l.trim().strip_prefix("PodName="))
                        .next_back()
                        .map_or_else(|| format!("systemd-{stem}"), str::to_owned),
                );
                all_services.push(format!("{stem}-pod.service"));
                pod_services.push(format!("{stem}-pod.service"));
            }
            Some(ext @ ("network" | "volume" | "build" | "image")) => {
                all_services.push(format!("{stem}-{ext}.service"));
            }
            _ => {}
        }
    }
    assert!(!units.is_empty(), "no .container among {files:?}");
    let inst = Installed {
        host,
        units,
        pod,
        all_services,
        _tmp: tmp,
    };
    for u in &inst.units {
        let cat = inst.host.user_systemctl(&["cat", &u.service]);
        assert!(
            cat.status.success(),
            "quadlet did not generate the user unit {}: {}",
            u.service,
            String::from_utf8_lossy(&cat.stderr)
        );
    }
    let to_start: Vec<String> = if start.is_empty() {
        pod_services
            .into_iter()
            .chain(inst.units.iter().map(|u| u.service.clone()))
            .collect()
    } else {
        start.iter().map(|s| inst.unit(s).service.clone()).collect()
    };
    let mut argv = vec!["systemctl", "--user", "start"];
    argv.extend(to_start.iter().map(String::as_str));
    let started = inst.host.user_exec(&argv);
    assert!(
        started.status.success(),
        "{}\n{}",
        support::describe_failure("systemctl --user start", &started),
        inst.journals()
    );
    inst
}

/// The `web` fixture's page answers on its published port 18081 inside the host.
fn assert_index_published(inst: &Installed) {
    let body = inst
        .host
        .http_get(18081, "/index.html", "transship live fixture index");
    assert!(
        body.contains("transship live fixture index"),
        "no answer from 127.0.0.1:18081 in the host: {body:?}\n{}",
        inst.journals()
    );
}

#[test]
fn web_fixture_runs_rootless_under_the_users_systemd() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    let inst = install("web", &busybox, &[]);
    for s in ["web", "worker"] {
        inst.assert_active(s);
    }

    // The containers are the user's: its podman lists them, root's does not, and the
    // container's main process runs as the user on the host.
    let user_ps = inst.user(&["podman", "ps", "--format", "{{.Names}}"]);
    let root_ps = inst
        .host
        .exec_ok(&["podman", "ps", "-a", "--format", "{{.Names}}"])
        .unwrap();
    for u in &inst.units {
        assert!(
            user_ps.lines().any(|l| l == u.container),
            "{} not in the user's podman ps: {user_ps}",
            u.container
        );
        assert!(
            !root_ps.lines().any(|l| l == u.container),
            "{} is in root's podman ps: {root_ps}",
            u.container
        );
    }
    let pid = inst.inspect("web")["State"]["Pid"].as_i64().unwrap();
    let owner = inst
        .host
        .exec_ok(&["stat", "-c", "%u", &format!("/proc/{pid}")])
        .unwrap();
    assert_eq!(
        owner.trim(),
        TARGET_HOST_USER_UID.to_string(),
        "the web container's PID 1 ({pid}) runs as host uid {owner}"
    );

    // Environment: inline values, `$$` and `%` kept literal, env_file values with quotes
    // stripped as Compose does.
    let env = inst.exec_in("web", &["env"]);
    for want in [
        "GREETING=hello from compose",
        "LITERAL=costs $5 and 100%",
        "FROM_ENV_FILE=loaded from web.env",
        "QUOTED=quotes are stripped",
    ] {
        assert!(
            env.lines().any(|l| l == want),
            "{want:?} not in the container's env:\n{env}"
        );
    }

    // The published (unprivileged) port answers from inside the host, through rootless
    // networking.
    assert_index_published(&inst);

    // The read-only bind mount, the shared named volume in the user's storage, user and
    // working directory, and the file-backed secret.
    assert_eq!(
        inst.exec_in("web", &["cat", "/www/index.html"]),
        "transship live fixture index\n"
    );
    inst.exec_in(
        "web",
        &[
            "sh",
            "-c",
            "echo shared-data > /data/f && chmod 644 /data/f",
        ],
    );
    assert_eq!(inst.exec_in("worker", &["cat", "/data/f"]), "shared-data\n");
    let volumes = inst.user(&["podman", "volume", "ls", "--format", "{{.Name}}"]);
    assert!(
        volumes.lines().any(|l| l == "liveweb_data"),
        "volume liveweb_data missing from the user's storage: {volumes}"
    );
    assert_eq!(inst.exec_in("worker", &["id", "-u"]).trim(), "1234");
    assert_eq!(inst.exec_in("worker", &["pwd"]).trim(), "/data");
    let worker = inst.unit("worker").container.clone();
    let secret = inst.user(&[
        "podman",
        "exec",
        "--user",
        "0",
        &worker,
        "cat",
        "/run/secrets/token",
    ]);
    assert_eq!(secret, "s3cr3t-token\n");

    // Stopping removes the containers.
    let services: Vec<String> = inst.units.iter().map(|u| u.service.clone()).collect();
    let mut argv = vec!["systemctl", "--user", "stop"];
    argv.extend(services.iter().map(String::as_str));
    inst.user(&argv);
    let ps = inst.user(&["podman", "ps", "-a", "--format", "{{.Names}}"]);
    for u in &inst.units {
        assert!(
            !ps.lines().any(|l| l == u.container),
            "{} still there: {ps}",
            u.container
        );
    }
}

fn read_secs(inst: &Installed, service: &str, file: &str) -> i64 {
    inst.exec_in(service, &["cat", file])
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("{service}:{file}: {e}"))
}

#[test]
fn rootless_service_healthy_dependent_starts_only_after_its_dependency_is_healthy() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    // Starting only the dependent pulls the dependency in through the user's systemd; the
    // dependency carries `Notify=healthy`, so `systemctl --user start` returns once db's
    // healthcheck (run by a user timer) passed.
    let inst = install("healthy", &busybox, &["app"]);
    for s in ["db", "app"] {
        inst.assert_active(s);
    }
    let db_started = read_secs(&inst, "db", "/tmp/started");
    let db_ready = read_secs(&inst, "db", "/tmp/ready");
    let app_started = read_secs(&inst, "app", "/tmp/started");
    assert!(
        db_ready - db_started >= 6,
        "the fixture's db must take 6 s to become ready (started {db_started}, ready {db_ready})"
    );
    assert!(
        app_started >= db_ready,
        "app started at {app_started}, before db was ready at {db_ready} (db started {db_started})\n{}",
        inst.journals()
    );
    let health = inst.inspect("db")["State"]["Health"]["Status"].clone();
    assert_eq!(health, "healthy", "db health: {health}");
}

#[test]
fn web_fixture_runs_rootless_as_one_pod() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    let inst = install_with("web", &busybox, &[], &["--pod"]);
    for s in ["web", "worker"] {
        inst.assert_active(s);
    }
    let pod = inst.pod.clone().expect("--pod wrote a .pod file");

    // The user's podman runs the pod, and both containers inside it.
    let pods = inst.user(&["podman", "pod", "ps", "--format", "{{.Name}} {{.Status}}"]);
    assert!(
        pods.lines().any(|l| l == format!("{pod} Running")),
        "pod {pod} is not running:\n{pods}\n{}",
        inst.journals()
    );
    let pod_id = inst.user(&["podman", "pod", "inspect", "--format", "{{.Id}}", &pod]);
    for u in &inst.units {
        let in_pod = inst.user(&["podman", "inspect", "--format", "{{.Pod}}", &u.container]);
        assert_eq!(
            in_pod.trim(),
            pod_id.trim(),
            "{} is not in pod {pod}",
            u.container
        );
    }

    // One service reaches another by its service name (the pod's network alias), and on
    // localhost (one network namespace).
    for url in [
        "http://web:8080/index.html",
        "http://127.0.0.1:8080/index.html",
    ] {
        assert_eq!(
            inst.exec_in("worker", &["wget", "-qO-", url]),
            "transship live fixture index\n",
            "{url} from worker"
        );
    }

    // The port published on the pod answers in the host, through rootless networking.
    assert_index_published(&inst);

    // Still the user's containers, with the service's user.
    let pid = inst.inspect("web")["State"]["Pid"].as_i64().unwrap();
    let owner = inst
        .host
        .exec_ok(&["stat", "-c", "%u", &format!("/proc/{pid}")])
        .unwrap();
    assert_eq!(owner.trim(), TARGET_HOST_USER_UID.to_string());
    assert_eq!(inst.exec_in("worker", &["id", "-u"]).trim(), "1234");
}
