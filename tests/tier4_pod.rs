//! Tier 4, pods: `migrate --to podman --pod` output (one quadlet `.pod` for the project, every
//! container joining it) really runs under systemd with podman 5.4.2 on the target host.
//!
//! The test converts `fixtures/live/web` with the real `migrate` binary and `--pod`, boots a
//! target host, copies the project in at the same absolute path, installs the generated files
//! into `/etc/containers/systemd/`, runs `systemctl daemon-reload`, starts the pod and container
//! services, and asks podman inside the host what runs. Removing the host (its `Drop`) removes
//! every container and pod of the test.
//!
//! One test-environment setting, inside this test's own host only: on a cgroup v1 machine the
//! host's podman uses the `cgroupfs` cgroup manager (a `containers.conf.d` drop-in). With the
//! `systemd` manager, podman 5.4.2 in the nested host on cgroup v1 fails every `pod start` with
//! `unable to create pod cgroup ... Unit machine-libpod_pod_<id>.slice was already loaded or
//! has a fragment file` (see docs/decisions.md, "Test environment"). The generated files are
//! not changed.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::TargetHost;

const TIER: &str = "tier 4";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The value of the last `KEY=` line of a generated file.
fn key(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}=");
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(prefix.as_str()))
        .next_back()
        .map(str::to_owned)
}

struct Installed {
    host: TargetHost,
    /// The pod's name (`PodName=` of the `.pod` file).
    pod: String,
    /// (service unit, container name) of every `.container` file.
    containers: Vec<(String, String)>,
    /// Every service quadlet generates from the files (for failure messages).
    all_services: Vec<String>,
    _tmp: tempfile::TempDir,
}

impl Installed {
    fn must(&self, argv: &[&str]) -> String {
        self.host.exec_ok(argv).unwrap_or_else(|e| panic!("{e}"))
    }

    fn container(&self, service: &str) -> String {
        self.containers
            .iter()
            .find(|(s, _)| s.ends_with(&format!("-{service}.service")))
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| panic!("no unit for service {service} in {:?}", self.containers))
    }

    fn journals(&self) -> String {
        self.all_services
            .iter()
            .map(|s| format!("--- {s}\n{}", self.host.journal(s)))
            .collect()
    }
}

impl Drop for Installed {
    /// Removes the pod before the host goes. With the `cgroupfs` manager on cgroup v1 the pod's
    /// cgroup in the `systemd` and `unified` hierarchies is the machine's own
    /// `/sys/fs/cgroup/<h>/libpod_parent/<pod id>` (the host container shares those two), and
    /// `pod rm` leaves that directory behind, empty: it is removed here, by this pod's id only.
    fn drop(&mut self) {
        let id = self
            .host
            .exec_ok(&["podman", "pod", "inspect", "--format", "{{.Id}}", &self.pod])
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
        let _ = self
            .host
            .exec(&["podman", "pod", "rm", "--force", "--time", "0", &self.pod]);
        if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            for h in ["systemd", "unified"] {
                remove_empty_cgroup(
                    &Path::new("/sys/fs/cgroup")
                        .join(h)
                        .join("libpod_parent")
                        .join(&id),
                );
            }
        }
    }
}

/// `rmdir` of a cgroup directory and its child cgroups, deepest first (fails, and is left,
/// while a process is in it).
fn remove_empty_cgroup(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_cgroup(&e.path());
        }
    }
    let _ = std::fs::remove_dir(dir);
}

/// Converts `fixtures/live/<name>` with `--pod`, installs it on a fresh host and starts the
/// pod and every container unit.
fn install_pod(name: &str, busybox: &Path) -> Installed {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join(name);
    support::copy_dir(&repo().join("fixtures/live").join(name), &project);
    let out = tmp.path().join("out");
    support::run_ok(
        Command::new(support::migrate_bin())
            .current_dir(&project)
            .args(["compose.yaml", "--to", "podman", "--pod", "-o"])
            .arg(&out),
        60,
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let pods: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "pod"))
        .collect();
    assert_eq!(
        pods.len(),
        1,
        "--pod must write exactly one .pod: {files:?}"
    );
    let pod_file = pods[0];
    let pod_stem = pod_file.file_stem().unwrap().to_str().unwrap().to_owned();
    let pod_name = key(&std::fs::read_to_string(pod_file).unwrap(), "PodName")
        .unwrap_or_else(|| format!("systemd-{pod_stem}"));

    let mut containers = Vec::new();
    let mut all_services = Vec::new();
    for f in &files {
        let stem = f.file_stem().unwrap().to_str().unwrap().to_owned();
        match f.extension().and_then(|e| e.to_str()) {
            Some("container") => {
                let text = std::fs::read_to_string(f).unwrap();
                assert_eq!(
                    key(&text, "Pod").as_deref(),
                    Some(format!("{pod_stem}.pod").as_str()),
                    "{} does not join the pod:\n{text}",
                    f.display()
                );
                let container =
                    key(&text, "ContainerName").unwrap_or_else(|| format!("systemd-{stem}"));
                all_services.push(format!("{stem}.service"));
                containers.push((format!("{stem}.service"), container));
            }
            Some(ext @ ("pod" | "network" | "volume")) => {
                all_services.push(format!("{stem}-{ext}.service"));
            }
            _ => {}
        }
    }
    assert!(!containers.is_empty(), "no .container among {files:?}");

    let host = TargetHost::start(&format!("pod-{name}")).expect("boot the target host");
    let inst = Installed {
        host,
        pod: pod_name,
        containers,
        all_services,
        _tmp: tmp,
    };
    if Path::new("/sys/fs/cgroup/systemd").is_dir() {
        // cgroup v1 only: see the module documentation.
        inst.must(&["mkdir", "-p", "/etc/containers/containers.conf.d"]);
        inst.must(&[
            "sh",
            "-c",
            "printf '[engine]\\ncgroup_manager = \"cgroupfs\"\\n' \
             > /etc/containers/containers.conf.d/50-transship-test-pod.conf",
        ]);
    }
    inst.host
        .load_image_archive(busybox)
        .expect("load busybox into the host");
    let parent = project.parent().unwrap().to_str().unwrap().to_owned();
    inst.must(&["mkdir", "-p", &parent]);
    inst.host
        .copy_in(&project, project.to_str().unwrap())
        .expect("copy the project in");
    inst.host
        .install_quadlets(&out)
        .expect("install the generated files");

    let pod_service = format!("{pod_stem}-pod.service");
    let mut argv = vec!["systemctl", "start", pod_service.as_str()];
    argv.extend(inst.containers.iter().map(|(s, _)| s.as_str()));
    let started = inst.host.exec(&argv);
    assert!(
        started.status.success(),
        "{}\n{}",
        support::describe_failure("systemctl start", &started),
        inst.journals()
    );
    for s in std::iter::once(&pod_service).chain(inst.containers.iter().map(|(s, _)| s)) {
        let active = inst.host.systemctl(&["is-active", s]);
        assert_eq!(
            String::from_utf8_lossy(&active.stdout).trim(),
            "active",
            "{s} is not active:\n{}",
            inst.journals()
        );
    }
    inst
}

#[test]
fn web_fixture_runs_as_one_pod() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    let inst = install_pod("web", &busybox);
    let web = inst.container("web");
    let worker = inst.container("worker");

    // The pod exists under the project's name and runs.
    let pods = inst.must(&["podman", "pod", "ps", "--format", "{{.Name}} {{.Status}}"]);
    assert!(
        pods.lines().any(|l| l == format!("{} Running", inst.pod)),
        "pod {} is not running:\n{pods}\n{}",
        inst.pod,
        inst.journals()
    );

    // Both containers run inside that pod (and nothing else of the project outside it).
    let ps = inst.must(&[
        "podman",
        "ps",
        "--pod",
        "--format",
        "{{.Names}} {{.PodName}} {{.State}}",
    ]);
    for c in [&web, &worker] {
        assert!(
            ps.lines().any(|l| l == format!("{c} {} running", inst.pod)),
            "{c} is not running in pod {}:\n{ps}",
            inst.pod
        );
    }
    let pod_id = inst.must(&["podman", "pod", "inspect", "--format", "{{.Id}}", &inst.pod]);
    for c in [&web, &worker] {
        let in_pod = inst.must(&["podman", "inspect", "--format", "{{.Pod}}", c]);
        assert_eq!(in_pod.trim(), pod_id.trim(), "{c} is not in the pod");
    }

    // The port published on the pod answers from inside the host.
    let body = inst
        .host
        .http_get(18081, "/index.html", "transship live fixture index");
    assert!(
        body.contains("transship live fixture index"),
        "no answer from 127.0.0.1:18081 in the host: {body:?}\n{}",
        inst.journals()
    );

    // One network namespace: the worker reaches web's server on localhost.
    let via_lo = inst.must(&[
        "podman",
        "exec",
        &worker,
        "wget",
        "-qO-",
        "http://127.0.0.1:8080/index.html",
    ]);
    assert_eq!(via_lo, "transship live fixture index\n");

    // Environment as Compose gives it.
    let env = inst.must(&["podman", "exec", &web, "env"]);
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

    // The named volume is shared, user and secret as in the non-pod output.
    inst.must(&[
        "podman",
        "exec",
        &web,
        "sh",
        "-c",
        "echo shared-data > /data/f && chmod 644 /data/f",
    ]);
    assert_eq!(
        inst.must(&["podman", "exec", &worker, "cat", "/data/f"]),
        "shared-data\n"
    );
    assert_eq!(
        inst.must(&["podman", "exec", &worker, "id", "-u"]).trim(),
        "1234"
    );
    assert_eq!(
        inst.must(&[
            "podman",
            "exec",
            "--user",
            "0",
            &worker,
            "cat",
            "/run/secrets/token"
        ]),
        "s3cr3t-token\n"
    );
}
