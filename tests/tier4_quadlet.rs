//! Tier 4: `migrate --to podman` output really runs on a systemd + podman 5.4 host.
//!
//! Each test boots a target host (`support::TargetHost`: Debian 13, systemd as PID 1,
//! podman 5.4.2 with quadlet), loads the local busybox image into it, converts one
//! `fixtures/live/*` project with the real `migrate` binary, installs the files into
//! `/etc/containers/systemd/`, runs `systemctl daemon-reload` and `systemctl start`, and then
//! asks podman inside the host what runs: environment, published ports (a request answers),
//! mounts, user, working directory, secrets, the order of `service_healthy` dependencies,
//! the exact argv/env/labels of a container fed adversarial strings, and that secret-bearing
//! environment values reach the container and its hooks but no unprivileged user.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

mod sdexec;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::{BUSYBOX_IMAGE, TargetHost};

const TIER: &str = "tier 4";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One converted container unit.
#[derive(Debug, Clone)]
struct Unit {
    /// The systemd service (`liveweb-web.service`).
    service: String,
    /// The podman container name.
    container: String,
}

struct Installed {
    host: TargetHost,
    units: Vec<Unit>,
    /// Every service quadlet generates from the files (pods, networks, volumes too).
    all_services: Vec<String>,
    // Keeps the converted project alive for the duration of the test.
    _tmp: tempfile::TempDir,
}

impl Installed {
    fn must(&self, argv: &[&str]) -> String {
        self.host.exec_ok(argv).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The unit whose container unit file is `<project>-<service>.container`.
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
        self.must(&full)
    }

    fn journals(&self) -> String {
        self.all_services
            .iter()
            .map(|s| format!("--- {s}\n{}", self.host.journal(s)))
            .collect()
    }

    fn inspect(&self, service: &str) -> serde_json::Value {
        let c = self.unit(service).container.clone();
        let out = self.must(&["podman", "inspect", "--type", "container", &c]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v[0].clone()
    }
}

/// Converts `fixtures/live/<name>` on this machine, copies the project (at the same absolute
/// path, so bind-mount sources exist) and the generated files into a fresh host, and starts
/// every container unit.
fn install(name: &str, busybox: &Path, start: &[&str]) -> Installed {
    install_with(name, busybox, start, &[])
}

/// [`install`] with extra `migrate` arguments (`--podman-version 4.4`).
fn install_with(name: &str, busybox: &Path, start: &[&str], extra: &[&str]) -> Installed {
    let installed = prepare(name, busybox, extra);
    start_units(&installed, start);
    installed
}

/// Everything [`install`] does but starting the units.
fn prepare(name: &str, busybox: &Path, extra: &[&str]) -> Installed {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join(name);
    support::copy_dir(&repo().join("fixtures/live").join(name), &project);
    let out = tmp.path().join("out");
    support::run_ok(
        Command::new(support::migrate_bin())
            .current_dir(&project)
            .args(["compose.yaml", "--to", "podman", "-o"])
            .arg(&out)
            .args(extra),
        60,
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let host = TargetHost::start(&format!("convert-{name}")).expect("boot the target host");
    host.load_image_archive(busybox)
        .expect("load busybox into the host");
    let must = |argv: &[&str]| host.exec_ok(argv).unwrap_or_else(|e| panic!("{e}"));
    let parent = project.parent().unwrap().to_str().unwrap().to_owned();
    must(&["mkdir", "-p", &parent, "/etc/containers/systemd"]);
    host.copy_in(&project, project.to_str().unwrap())
        .expect("copy the project in");

    let mut units = Vec::new();
    let mut all_services = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let fname = f.file_name().unwrap().to_str().unwrap().to_owned();
        host.copy_in(f, &format!("/etc/containers/systemd/{fname}"))
            .expect("copy a generated file in");
        if let (Some(stem), Some(ext)) = (
            f.file_stem().and_then(|s| s.to_str()),
            f.extension().and_then(|s| s.to_str()),
        ) {
            match ext {
                "container" => all_services.push(format!("{stem}.service")),
                "pod" | "network" | "volume" | "build" | "image" => {
                    all_services.push(format!("{stem}-{ext}.service"));
                }
                _ => {}
            }
        }
        if f.extension().is_some_and(|e| e == "container") {
            let stem = f.file_stem().unwrap().to_str().unwrap().to_owned();
            let text = std::fs::read_to_string(f).unwrap();
            let container = text
                .lines()
                .filter_map(|l| l.trim().strip_prefix("ContainerName="))
                .next_back()
                .map_or_else(|| format!("systemd-{stem}"), str::to_owned);
            units.push(Unit {
                service: format!("{stem}.service"),
                container,
            });
        }
    }
    assert!(!units.is_empty(), "no .container among {files:?}");
    must(&["systemctl", "daemon-reload"]);
    let installed = Installed {
        host,
        units,
        all_services,
        _tmp: tmp,
    };
    for u in &installed.units {
        let cat = installed.host.exec(&["systemctl", "cat", &u.service]);
        assert!(
            cat.status.success(),
            "quadlet did not generate {}: {}",
            u.service,
            String::from_utf8_lossy(&cat.stderr)
        );
    }
    installed
}

/// `systemctl start` the container units of the given services (all when empty).
fn start_units(installed: &Installed, start: &[&str]) {
    let to_start: Vec<String> = if start.is_empty() {
        installed.units.iter().map(|u| u.service.clone()).collect()
    } else {
        start
            .iter()
            .map(|s| installed.unit(s).service.clone())
            .collect()
    };
    let mut argv = vec!["systemctl", "start"];
    argv.extend(to_start.iter().map(String::as_str));
    let started = installed.host.exec(&argv);
    assert!(
        started.status.success(),
        "{}\n{}",
        support::describe_failure("systemctl start", &started),
        installed.journals()
    );
}

#[test]
fn web_fixture_runs_with_its_env_ports_mounts_user_and_secret() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    check_web(&install("web", &busybox, &[]));
}

/// What the `web` fixture must look like once started.
fn check_web(inst: &Installed) {
    for u in &inst.units {
        let active = inst.host.exec(&["systemctl", "is-active", &u.service]);
        assert_eq!(
            String::from_utf8_lossy(&active.stdout).trim(),
            "active",
            "{} is not active:\n{}",
            u.service,
            inst.journals()
        );
    }

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

    // The published port answers from inside the host.
    let body = inst
        .host
        .http_get(18081, "/index.html", "transship live fixture index");
    assert!(
        body.contains("transship live fixture index"),
        "no answer from 127.0.0.1:18081 in the host: {body:?}\n{}",
        inst.journals()
    );

    // The bind mount is there and read-only.
    assert_eq!(
        inst.exec_in("web", &["cat", "/www/index.html"]),
        "transship live fixture index\n"
    );
    let c = inst.unit("web").container.clone();
    let write_ro = inst
        .host
        .exec(&["podman", "exec", &c, "sh", "-c", "echo x > /www/new"]);
    assert!(!write_ro.status.success(), "/www must be read-only");

    // The named volume is shared by both services and named like Compose names it.
    inst.exec_in(
        "web",
        &[
            "sh",
            "-c",
            "echo shared-data > /data/f && chmod 644 /data/f",
        ],
    );
    assert_eq!(inst.exec_in("worker", &["cat", "/data/f"]), "shared-data\n");
    let volumes = inst.must(&["podman", "volume", "ls", "--format", "{{.Name}}"]);
    assert!(
        volumes.lines().any(|l| l == "liveweb_data"),
        "volume liveweb_data missing: {volumes}"
    );

    // User and working directory.
    assert_eq!(inst.exec_in("worker", &["id", "-u"]).trim(), "1234");
    assert_eq!(inst.exec_in("worker", &["id", "-g"]).trim(), "1234");
    assert_eq!(inst.exec_in("worker", &["pwd"]).trim(), "/data");

    // The file-backed secret is at Compose's path with the file's content.
    let worker = inst.unit("worker").container.clone();
    let secret = inst.must(&[
        "podman",
        "exec",
        "--user",
        "0",
        &worker,
        "cat",
        "/run/secrets/token",
    ]);
    assert_eq!(secret, "s3cr3t-token\n");

    // Mounts as podman reports them.
    let mounts = inst.inspect("web")["Mounts"].clone();
    let dests: Vec<&str> = mounts
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["Destination"].as_str())
        .collect();
    assert!(
        dests.contains(&"/www") && dests.contains(&"/data"),
        "{mounts:#}"
    );

    // Stopping removes the containers.
    let services: Vec<String> = inst.units.iter().map(|u| u.service.clone()).collect();
    let mut argv = vec!["systemctl", "stop"];
    argv.extend(services.iter().map(String::as_str));
    inst.must(&argv);
    let ps = inst.must(&["podman", "ps", "-a", "--format", "{{.Names}}"]);
    for u in &inst.units {
        assert!(
            !ps.lines().any(|l| l == u.container),
            "{} still there: {ps}",
            u.container
        );
    }
}

#[test]
fn secret_env_values_reach_the_container_but_no_unprivileged_user() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    let inst = install("secretenv", &busybox, &[]);
    let secrets = [
        "pw-live-dotenv-31",
        "tok-live-9f3a",
        "key-line-one-7d1",
        "key-line-two-7d2",
        "hook-secret-55",
        "npm-live-tok-66",
    ];
    // The container sees every value, the multi-line one whole, and the hook saw its own.
    let env = inst.exec_in("app", &["env"]);
    for want in [
        "DB_PASSWORD=pw-live-dotenv-31",
        "DATABASE_URL=postgres://app:pw-live-dotenv-31@db/app",
        "API_TOKEN=tok-live-9f3a",
        "GREETING=hello",
    ] {
        assert!(env.lines().any(|l| l == want), "{want:?} not in:\n{env}");
    }
    assert_eq!(
        inst.exec_in("app", &["sh", "-c", "echo \"$TLS_PRIVATE_KEY\""]),
        "key-line-one-7d1\nkey-line-two-7d2\n"
    );
    assert_eq!(
        inst.exec_in("app", &["cat", "/tmp/hook"]),
        "hook-secret-55\n"
    );

    // What an unprivileged user can read: the unit as systemd shows it, the generated
    // service, and every installed file it is allowed to open.
    let nobody = |argv: &[&str]| {
        let mut full = vec![
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
        ];
        full.extend_from_slice(argv);
        inst.host.exec(&full)
    };
    let service = inst.unit("app").service.clone();
    let mut seen = String::new();
    for argv in [
        vec!["systemctl", "show", service.as_str()],
        vec!["systemctl", "cat", service.as_str()],
        vec![
            "systemctl",
            "status",
            "--no-pager",
            "--lines=0",
            service.as_str(),
        ],
    ] {
        let o = nobody(&argv);
        assert!(
            o.status.success() || argv[1] == "status",
            "{}",
            support::describe_failure(&argv.join(" "), &o)
        );
        seen.push_str(&String::from_utf8_lossy(&o.stdout));
    }
    assert!(
        seen.contains("ExecStart="),
        "systemctl show printed no ExecStart=:\n{seen}"
    );
    let files = inst.must(&["find", "/etc/containers/systemd", "-type", "f"]);
    for f in files.lines() {
        let o = nobody(&["cat", f]);
        if o.status.success() {
            seen.push_str(&String::from_utf8_lossy(&o.stdout));
        } else {
            // Unreadable to others: it must be one of the 0600 secret files.
            let mode = inst.must(&["stat", "-c", "%a", f]);
            assert_eq!(mode.trim(), "600", "{f} unreadable but mode {mode}");
        }
    }
    for s in secrets {
        assert!(
            !seen.contains(s),
            "an unprivileged user can read {s:?}:\n{seen}"
        );
    }
}

fn read_secs(inst: &Installed, service: &str, file: &str) -> i64 {
    inst.exec_in(service, &["cat", file])
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("{service}:{file}: {e}"))
}

/// Starts the `healthy` fixture's `app` (pulling `db` in) and checks that `app` started only
/// once `db` was healthy.
fn check_healthy_ordering(inst: &Installed) {
    for s in ["db", "app"] {
        let u = inst.unit(s).service.clone();
        let active = inst.host.exec(&["systemctl", "is-active", &u]);
        assert_eq!(
            String::from_utf8_lossy(&active.stdout).trim(),
            "active",
            "{u}:\n{}",
            inst.journals()
        );
    }
    let db_started = read_secs(inst, "db", "/tmp/started");
    let db_ready = read_secs(inst, "db", "/tmp/ready");
    let app_started = read_secs(inst, "app", "/tmp/started");
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
fn service_healthy_dependent_starts_only_after_its_dependency_is_healthy() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    // Starting only the dependent pulls the dependency in; `systemctl start` returns when
    // both are up. 5.4 output: the dependency carries `Notify=healthy`.
    let inst = install("healthy", &busybox, &["app"]);
    check_healthy_ordering(&inst);
}

#[test]
fn service_healthy_fallback_for_podman_before_5_0_also_waits() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    // Output for podman 4.4 (no `Notify=healthy`: the dependency's unit waits for its
    // healthcheck in `ExecStartPost=`), run by the 5.4 host's quadlet, which accepts every
    // 4.4 key: the readiness wait must give the same ordering.
    let inst = install_with("healthy", &busybox, &["app"], &["--podman-version", "4.4"]);
    check_healthy_ordering(&inst);
}

/// What the `argv` fixture asks for, written independently of its YAML.
type Pairs = Vec<(&'static str, &'static str)>;

/// `(entrypoint, command, environment, labels)`.
fn argv_expected() -> (Vec<&'static str>, Vec<&'static str>, Pairs, Pairs) {
    let entrypoint = vec!["sh", "-c", "while true; do sleep 1; done", "probe"];
    let command = vec![
        "%h",
        "100%",
        "$HOME",
        "${HOME}",
        "$",
        "'single' \"double\"",
        "back\\slash \\n",
        "line1\nline2",
        "\n[Service]\nExecStartPre=/bin/false",
        "ünïcödé ✓",
        "  spaced  ",
        "",
        ";",
        "a;b",
        "# hash",
    ];
    let env = vec![
        ("PCT", "%h %n 100%"),
        ("DOLLAR", "$HOME ${HOME} $"),
        ("QUOTES", "'single' \"double\""),
        ("BACKSLASH", "C:\\dir\\ \\n"),
        ("NEWLINE", "line1\nline2"),
        ("SECTION", "\n[Service]\nExecStartPre=/bin/false"),
        ("UNICODE", "ünïcödé ✓"),
        ("SPACES", "  spaced  "),
        ("SEMI", "a;b # c"),
    ];
    let labels = vec![
        ("t.pct", "%h 100%"),
        ("t.dollar", "$HOME"),
        ("t.quotes", "'single' \"double\""),
        ("t.newline", "line1\nline2"),
        ("t.spaces", "  spaced  "),
    ];
    (entrypoint, command, env, labels)
}

fn string_list(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(a) => a
            .iter()
            .map(|s| s.as_str().unwrap_or_default().to_owned())
            .collect(),
        serde_json::Value::String(s) if s.is_empty() => Vec::new(),
        serde_json::Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

#[test]
fn adversarial_argv_env_and_labels_reach_the_running_container_unchanged() {
    let Some(busybox) = support::tier4_prerequisites(TIER) else {
        return;
    };
    let inst = install("argv", &busybox, &[]);
    let info = inst.inspect("probe");
    let (entrypoint, command, env, labels) = argv_expected();
    // What runs is the entrypoint followed by the command; how the two are split is the
    // translator's business (it may fold the command into the entrypoint).
    let mut got = string_list(&info["Config"]["Entrypoint"]);
    got.extend(string_list(&info["Config"]["Cmd"]));
    let want: Vec<String> = entrypoint
        .iter()
        .chain(command.iter())
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(
        got, want,
        "entrypoint + command; full config: {:#}",
        info["Config"]
    );
    let got_env = string_list(&info["Config"]["Env"]);
    for (k, v) in env {
        let want = format!("{k}={v}");
        assert!(got_env.contains(&want), "{want:?} not in {got_env:#?}");
    }
    for (k, v) in labels {
        assert_eq!(
            info["Config"]["Labels"][k].as_str(),
            Some(v),
            "label {k}: {:#}",
            info["Config"]["Labels"]
        );
    }
    // The tests' reading of `ExecStart=` (tests/sdexec, used by tier 2) agrees with the real
    // systemd of the host: podman records the argv it was started with (`CreateCommand`).
    let service = inst.unit("probe").service.clone();
    let unit_text = inst.must(&["systemctl", "cat", &service]);
    let ours = sdexec::exec_start_argv(&unit_text, &service).unwrap_or_else(|e| panic!("{e}"));
    let real = string_list(&info["Config"]["CreateCommand"]);
    assert_eq!(
        ours, real,
        "tests/sdexec reads ExecStart= differently from systemd:\n{unit_text}"
    );
    // And the process really received that argv.
    let c = inst.unit("probe").container.clone();
    let cmdline = inst.must(&["podman", "exec", &c, "cat", "/proc/1/cmdline"]);
    let argv: Vec<&str> = cmdline
        .strip_suffix('\0')
        .unwrap_or(&cmdline)
        .split('\0')
        .collect();
    assert_eq!(argv, want, "PID 1's argv in the container");

    // `bare`: empty and lone `;` arguments in a command without an entrypoint (quadlet cannot
    // pass them through `Exec=`; they travel as `${…}` words set by `[Service]`
    // `Environment=`), and in a `post_start` hook (our own `ExecStartPost=`).
    let script = "printf '[%s]' \"$@\" > /tmp/args; while true; do sleep 1; done";
    let want: Vec<&str> = vec!["sh", "-c", script, "x", "", ";", "a b", ""];
    let info = inst.inspect("bare");
    let mut got = string_list(&info["Config"]["Entrypoint"]);
    got.extend(string_list(&info["Config"]["Cmd"]));
    assert_eq!(got, want, "bare: full config: {:#}", info["Config"]);
    let service = inst.unit("bare").service.clone();
    let unit_text = inst.must(&["systemctl", "cat", &service]);
    let ours = sdexec::exec_start_argv(&unit_text, &service).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ours,
        string_list(&info["Config"]["CreateCommand"]),
        "tests/sdexec reads ExecStart= differently from systemd:\n{unit_text}"
    );
    // What the shell itself received (`$0` is `x`, then four arguments), and the hook's
    // arguments (`$0` is `y`).
    let c = inst.unit("bare").container.clone();
    let mut args = String::new();
    for _ in 0..40 {
        let o = inst.host.exec(&["podman", "exec", &c, "cat", "/tmp/args"]);
        args = String::from_utf8_lossy(&o.stdout).into_owned();
        if o.status.success() && !args.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(args, "[][;][a b][]", "arguments the shell received");
    assert_eq!(
        inst.exec_in("bare", &["cat", "/tmp/hook"]),
        "[][;][c d]",
        "arguments the post_start hook received"
    );
}

#[test]
fn the_live_fixtures_use_only_the_local_busybox_image() {
    for name in ["web", "healthy", "argv"] {
        let text =
            std::fs::read_to_string(repo().join("fixtures/live").join(name).join("compose.yaml"))
                .unwrap();
        for line in text
            .lines()
            .filter(|l| l.trim_start().starts_with("image:"))
        {
            assert!(line.contains(BUSYBOX_IMAGE), "{name}: {line}");
        }
    }
}
