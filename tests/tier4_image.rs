//! Tier 4: `.image` units (`pull_policy: always`, `platform`) really pull, on a systemd +
//! podman 5.4 target host that has no network.
//!
//! A registry (Debian 12's `docker-registry` 2.8.2, installed by `scripts/setup-test-env`) is
//! copied into the host and run there on 127.0.0.1:5000 as a transient systemd unit. The
//! busybox image is pushed to it and removed from the host's storage, so the only way for a
//! container to start is a pull from that registry. `fixtures/live/pull` is converted with the
//! real `migrate` (as it is, with `--pod`, and with `--user`), installed into
//! `/etc/containers/systemd/` (or the user's `~/.config/containers/systemd/`, run by the
//! user's `systemd --user` and rootless podman) and started with `systemctl`. Checked: every
//! container runs the pulled image, one registry pull per `.image` unit (two services share
//! one), a container restart does not pull, an image unit restart pulls and restarts the
//! containers that use it.
//!
//! With `--pod` on a cgroup v1 machine the host's podman uses the `cgroupfs` cgroup manager,
//! as in `tests/tier4_pod.rs` (which explains why).
//!
//! The registry speaks plain HTTP, and podman pulls over HTTPS unless told otherwise: the
//! test adds `TLSVerify=false` to each generated `.image` file through a quadlet drop-in
//! (`<name>.image.d/`), since Compose has no way to say it. The generated files themselves
//! are installed unchanged.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use support::{BUSYBOX_IMAGE, TargetHost};

const TIER: &str = "tier 4";
const REGISTRY_IMAGE: &str = "localhost:5000/transship-busybox:1";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn must(host: &TargetHost, argv: &[&str]) -> String {
    host.exec_ok(argv).unwrap_or_else(|e| panic!("{e}"))
}

/// Copies the registry binary into the host and serves 127.0.0.1:5000 from it; returns once
/// `/v2/` answers.
fn start_registry(host: &TargetHost, registry: &Path, scratch: &Path) {
    let config = scratch.join("registry.yml");
    std::fs::write(
        &config,
        "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/transship-registry\nhttp:\n  addr: 127.0.0.1:5000\n",
    )
    .unwrap();
    host.copy_in(registry, "/usr/local/bin/transship-registry")
        .unwrap();
    host.copy_in(&config, "/etc/transship-registry.yml")
        .unwrap();
    must(
        host,
        &[
            "systemd-run",
            "--unit",
            "transship-registry",
            "/usr/local/bin/transship-registry",
            "serve",
            "/etc/transship-registry.yml",
        ],
    );
    let probe =
        "exec 3<>/dev/tcp/127.0.0.1/5000 && printf 'GET /v2/ HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3";
    let mut last = String::new();
    for _ in 0..80 {
        let out = host.exec(&["bash", "-c", probe]);
        last = String::from_utf8_lossy(&out.stdout).into_owned();
        if last.starts_with("HTTP/1.0 200") || last.starts_with("HTTP/1.1 200") {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!(
        "the registry did not answer on 127.0.0.1:5000: {last:?}\n{}",
        host.journal("transship-registry.service")
    );
}

/// Manifest requests the registry has served for the busybox repository.
fn manifest_pulls(host: &TargetHost) -> usize {
    host.journal("transship-registry.service")
        .lines()
        .filter(|l| l.contains("GET /v2/transship-busybox/manifests/"))
        .count()
}

/// [`manifest_pulls`] once the journal has caught up: waits up to 10 s for `want`, then one
/// more second for requests beyond it.
fn settled_pulls(host: &TargetHost, want: usize) -> usize {
    for _ in 0..40 {
        if manifest_pulls(host) >= want {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    std::thread::sleep(Duration::from_secs(1));
    manifest_pulls(host)
}

/// Where the units run: the system manager and root's podman, or (`--user`) the host
/// user's `systemd --user` and rootless podman.
struct Target<'a> {
    host: &'a TargetHost,
    user: bool,
}

impl Target<'_> {
    fn run(&self, argv: &[&str]) -> Output {
        if self.user {
            self.host.user_exec(argv)
        } else {
            self.host.exec(argv)
        }
    }

    fn must(&self, argv: &[&str]) -> String {
        let out = self.run(argv);
        assert!(
            out.status.success(),
            "{}",
            support::describe_failure(&format!("{argv:?} (user: {})", self.user), &out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn systemctl(&self, args: &[&str]) -> Output {
        let mut argv = vec!["systemctl"];
        if self.user {
            argv.push("--user");
        }
        argv.extend_from_slice(args);
        self.run(&argv)
    }

    fn prop(&self, unit: &str, name: &str) -> String {
        let out = self.systemctl(&["show", "-P", name, unit]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn container_id(&self, name: &str) -> String {
        self.must(&["podman", "inspect", "--format", "{{.Id}}", name])
            .trim()
            .to_owned()
    }

    fn journal(&self, unit: &str) -> String {
        if self.user {
            self.host.user_journal(unit)
        } else {
            self.host.journal(unit)
        }
    }

    fn quadlet_dir(&self) -> String {
        if self.user {
            TargetHost::user_quadlet_dir()
        } else {
            "/etc/containers/systemd".to_owned()
        }
    }

    /// Copies one file into the quadlet directory (`rel` below it), owned by the user for
    /// `--user`.
    fn copy_quadlet(&self, local: &Path, rel: &str) {
        let remote = format!("{}/{rel}", self.quadlet_dir());
        if self.user {
            self.host.copy_in_for_user(local, &remote).unwrap();
        } else {
            let parent = Path::new(&remote).parent().unwrap().to_string_lossy();
            must(self.host, &["mkdir", "-p", &parent]);
            self.host.copy_in(local, &remote).unwrap();
        }
    }
}

/// `Key=value` values of a generated file.
fn values(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(&format!("{key}=")))
        .map(str::to_owned)
        .collect()
}

#[test]
fn pull_policy_always_pulls_through_image_units_from_a_local_registry() {
    pull_through_image_units(&[]);
}

#[test]
fn image_units_pull_for_containers_in_a_pod() {
    pull_through_image_units(&["--pod"]);
}

#[test]
fn image_units_pull_for_rootless_containers() {
    pull_through_image_units(&["--user"]);
}

/// Converts `fixtures/live/pull` with `extra` migrate arguments, installs it on a fresh host
/// whose registry has the only copy of the image, starts the containers and checks the pulls.
fn pull_through_image_units(extra: &[&str]) {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    let Some(registry) = support::require_tool(TIER, "docker-registry") else {
        return;
    };
    let user = extra.contains(&"--user");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    support::run_ok(
        Command::new(support::migrate_bin())
            .arg(repo().join("fixtures/live/pull/compose.yaml"))
            .args(["--to", "podman", "-o"])
            .arg(&out)
            .args(extra),
        60,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let mut images: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".image"))
        .collect();
    images.sort();
    // web and worker share one pull; amd's platform makes its own
    assert_eq!(images.len(), 2, "{images:?}");
    let shared = values(&read("livepull-web.container"), "Image");
    assert_eq!(shared, values(&read("livepull-worker.container"), "Image"));
    let amd = values(&read("livepull-amd.container"), "Image");
    assert_ne!(shared, amd);
    for img in [&shared, &amd] {
        assert_eq!(img.len(), 1);
        assert!(images.contains(&img[0]), "{img:?} not among {images:?}");
        assert_eq!(values(&read(&img[0]), "Image"), [REGISTRY_IMAGE]);
    }
    assert_eq!(values(&read(&amd[0]), "Arch"), ["amd64"]);
    let unit_of = |file: &str| format!("{}-image.service", file.trim_end_matches(".image"));
    let shared_unit = unit_of(&shared[0]);

    let host = if user {
        TargetHost::start_rootless("image-units-user")
    } else {
        TargetHost::start("image-units")
    }
    .expect("boot the target host");
    let t = Target { host: &host, user };
    if extra.contains(&"--pod") && Path::new("/sys/fs/cgroup/systemd").is_dir() {
        // cgroup v1 only: the environment setting tests/tier4_pod.rs explains (pods need
        // podman's cgroupfs manager in the nested host); the generated files are unchanged.
        must(&host, &["mkdir", "-p", "/etc/containers/containers.conf.d"]);
        must(
            &host,
            &[
                "sh",
                "-c",
                "printf '[engine]\\ncgroup_manager = \"cgroupfs\"\\n' \
                 > /etc/containers/containers.conf.d/50-transship-test-pod.conf",
            ],
        );
    }
    start_registry(&host, &registry, tmp.path());
    host.load_image_archive(&busybox)
        .expect("load busybox into the host");
    must(&host, &["podman", "tag", BUSYBOX_IMAGE, REGISTRY_IMAGE]);
    must(
        &host,
        &["podman", "push", "--tls-verify=false", REGISTRY_IMAGE],
    );
    must(&host, &["podman", "rmi", REGISTRY_IMAGE, BUSYBOX_IMAGE]);
    let gone = t.run(&["podman", "image", "exists", REGISTRY_IMAGE]);
    assert!(
        !gone.status.success(),
        "the image must only be in the registry"
    );
    let pulls_before = manifest_pulls(&host);

    // The generated files unchanged, plus the test's TLS drop-in per .image file.
    let dropin = tmp.path().join("transship-test-tls.conf");
    std::fs::write(&dropin, "[Image]\nTLSVerify=false\n").unwrap();
    for f in std::fs::read_dir(&out).unwrap() {
        let f = f.unwrap();
        t.copy_quadlet(&f.path(), &f.file_name().to_string_lossy());
    }
    for img in &images {
        t.copy_quadlet(&dropin, &format!("{img}.d/transship-test-tls.conf"));
    }
    let reload = t.systemctl(&["daemon-reload"]);
    assert!(reload.status.success(), "{reload:?}");
    let services = [
        "livepull-web.service",
        "livepull-worker.service",
        "livepull-amd.service",
    ];
    let journals = || {
        let mut units: Vec<String> = services.iter().map(|s| (*s).to_owned()).collect();
        units.extend(images.iter().map(|i| unit_of(i)));
        let mut text: String = units
            .iter()
            .map(|u| format!("--- {u}\n{}", t.journal(u)))
            .collect();
        text.push_str(&format!(
            "--- transship-registry.service\n{}",
            host.journal("transship-registry.service")
        ));
        text
    };
    let all_active = || {
        for s in services {
            let state = t.prop(s, "ActiveState");
            assert_eq!(state, "active", "{s}\n{}", journals());
        }
    };
    let mut argv = vec!["start"];
    argv.extend(services);
    let started = t.systemctl(&argv);
    assert!(
        started.status.success(),
        "{}\n{}",
        support::describe_failure("systemctl start", &started),
        journals()
    );

    // Every container runs the pulled image; each .image unit pulled once.
    all_active();
    for img in &images {
        let u = unit_of(img);
        assert_eq!(t.prop(&u, "ActiveState"), "active", "{u}");
        assert_eq!(t.prop(&u, "Result"), "success", "{u}");
    }
    let ps = t.must(&["podman", "ps", "--format", "{{.Names}} {{.Image}}"]);
    for c in ["livepull-web-1", "livepull-worker-1", "livepull-amd-1"] {
        assert!(
            ps.lines().any(|l| l == format!("{c} {REGISTRY_IMAGE}")),
            "{c} is not running {REGISTRY_IMAGE}:\n{ps}"
        );
    }
    if extra.contains(&"--pod") {
        let pod = t.must(&[
            "podman",
            "pod",
            "ps",
            "--format",
            "{{.Name}} {{.NumberOfContainers}}",
        ]);
        // three containers and the infra container
        assert!(pod.lines().any(|l| l == "livepull 4"), "{pod}");
    }
    assert_eq!(
        settled_pulls(&host, pulls_before + images.len()) - pulls_before,
        images.len(),
        "one registry pull per .image unit (web and worker share one):\n{}",
        journals()
    );

    // Restarting a container does not pull again (the image unit stays active) ...
    let pulled_at = t.prop(&shared_unit, "ExecMainStartTimestampMonotonic");
    let restarted = t.systemctl(&["restart", "livepull-web.service"]);
    assert!(restarted.status.success(), "{restarted:?}\n{}", journals());
    assert_eq!(t.prop("livepull-web.service", "ActiveState"), "active");
    assert_eq!(
        t.prop(&shared_unit, "ExecMainStartTimestampMonotonic"),
        pulled_at
    );
    assert_eq!(
        settled_pulls(&host, pulls_before + images.len()) - pulls_before,
        images.len()
    );

    // ... restarting the image unit pulls again and restarts the containers that use it.
    let worker_id = t.container_id("livepull-worker-1");
    let amd_id = t.container_id("livepull-amd-1");
    let restarted = t.systemctl(&["restart", &shared_unit]);
    assert!(restarted.status.success(), "{restarted:?}\n{}", journals());
    assert_ne!(
        t.prop(&shared_unit, "ExecMainStartTimestampMonotonic"),
        pulled_at
    );
    assert_eq!(
        settled_pulls(&host, pulls_before + images.len() + 1) - pulls_before,
        images.len() + 1
    );
    all_active();
    assert_ne!(t.container_id("livepull-worker-1"), worker_id);
    assert_eq!(t.container_id("livepull-amd-1"), amd_id);
}
