//! Tier 1: the check logic on answers recorded from real runtimes (`recorded/*.json`, written
//! by the live tiers with `TRANSSHIP_RECORD=1`: podman 4.3.1 from tier 3, podman 5.4.2 with
//! systemd from tier 4), for the stack of `fixtures/live/verify/`. The recorded stack passes;
//! each answer changed the way a broken target would answer fails the check that owns it,
//! with both values, and no secret value reaches any result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use transship_podman::map::MapOptions;
use transship_podman::version::PodmanVersion;
use transship_verify::api::{Answers, Flavor, Replay, Runtime};
use transship_verify::checks::{CheckOptions, Plan, ServiceReport, Status};
use transship_verify::expected::expected_containers;
use transship_verify::run::{check_all, version_number};

const SECRET: &str = "tok-verify-secret-1";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Case {
    answers: Answers,
    plan: Plan,
    units: bool,
}

fn case(file: &str) -> Option<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/recorded")
        .join(file);
    let text = std::fs::read_to_string(&path).ok()?;
    let mut answers: Answers = serde_json::from_str(&text).unwrap();
    let meta = answers.remove("meta").expect("the recording's meta");
    let compose = std::fs::read_to_string(repo().join("fixtures/live/verify/compose.yaml"))
        .unwrap()
        .replace("@PORT@", &meta["port"].to_string());
    let project = transship_loader::load(&transship_loader::LoadOptions {
        files: vec![PathBuf::from("-")],
        stdin: Some(compose),
        project_name: Some(meta["project"].as_str().unwrap().to_owned()),
        project_directory: Some(PathBuf::from(meta["dir"].as_str().unwrap())),
        cwd: PathBuf::from(meta["dir"].as_str().unwrap()),
        ..Default::default()
    })
    .expect("the fixture loads");
    let version = version_number(&answers["version"]["ok"]);
    let v: PodmanVersion = version.parse().unwrap_or(if version.starts_with('4') {
        PodmanVersion::MIN
    } else {
        PodmanVersion::MAX
    });
    let units = answers.keys().any(|k| k.starts_with("unit "));
    let expected = expected_containers(
        &project,
        MapOptions {
            version: v,
            pod: false,
            inline_env: false,
        },
    );
    let mut unit_files = std::collections::BTreeMap::new();
    for (k, a) in &answers {
        if let (Some(path), Some(text)) = (k.strip_prefix("file "), a["ok"].as_str()) {
            let e = expected
                .iter()
                .find(|e| path.contains(e.unit.trim_end_matches(".service")))
                .unwrap();
            unit_files
                .entry(e.service.clone())
                .or_insert_with(Vec::new)
                .push((path.to_owned(), text.to_owned()));
        }
    }
    Some(Case {
        answers,
        plan: Plan {
            expected,
            unit_files,
            note: String::new(),
            docker: None,
            install: None,
        },
        units,
    })
}

fn run(c: &Case, answers: Answers) -> Vec<ServiceReport> {
    let replay = Replay {
        flavor: Flavor::Podman,
        answers,
    };
    let opts = CheckOptions {
        user: false,
        wait_healthy: Duration::ZERO,
        salt: 7,
        settle: Duration::ZERO,
        record: None,
        units: c.units,
        cancel: None,
    };
    check_all(&c.plan, &replay, &replay, &opts)
}

fn result<'a>(
    r: &'a [ServiceReport],
    service: &str,
    check: &str,
) -> &'a transship_verify::checks::CheckResult {
    r.iter()
        .find(|s| s.service == service)
        .unwrap()
        .checks
        .iter()
        .find(|c| c.name == check)
        .unwrap_or_else(|| panic!("no {check} for {service}: {r:#?}"))
}

fn no_secret(r: &[ServiceReport]) {
    let text = format!("{r:?}");
    assert!(
        !text.contains(SECRET),
        "a secret value is in the results: {text}"
    );
}

/// The web container's recorded inspect answer.
fn web_key(c: &Case) -> String {
    let e = c.plan.expected.iter().find(|e| e.service == "web").unwrap();
    format!("container {}", e.container)
}

fn edited(c: &Case, edit: impl Fn(&mut Value)) -> Answers {
    let mut a = c.answers.clone();
    let key = web_key(c);
    // Every recorded read of the container sees the same change.
    edit(&mut a.get_mut(&key).unwrap()["ok"]);
    a
}

fn recorded(file: &str) -> Case {
    match case(file) {
        Some(c) => c,
        None => {
            panic!("the recording {file} is missing: run the live tiers with TRANSSHIP_RECORD=1")
        }
    }
}

fn recorded_stack_passes_and_breaks_are_named(file: &str) {
    let c = recorded(file);
    let r = run(&c, c.answers.clone());
    no_secret(&r);
    for s in &r {
        for ch in &s.checks {
            assert_ne!(
                ch.status,
                Status::Fail,
                "{file}: {} {}: {ch:?}",
                s.service,
                ch.name
            );
        }
    }
    for name in [
        "exists",
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
        "restarts",
    ] {
        assert_eq!(
            result(&r, "web", name).status,
            Status::Pass,
            "{file}: web {name}"
        );
    }
    if c.units {
        for name in ["unit", "restart-policy", "unit-files"] {
            assert_eq!(
                result(&r, "web", name).status,
                Status::Pass,
                "{file}: web {name}"
            );
        }
    }
    // The oneshot init exited 0 (podman 4.3, started by hand) or ran to completion under
    // its unit and was removed (quadlet's `--rm`, podman 5.4).
    assert_eq!(
        result(&r, "init", "exists").status,
        Status::Pass,
        "{file}: init"
    );
    if c.units {
        assert_eq!(
            result(&r, "init", "unit").status,
            Status::Pass,
            "{file}: init's unit"
        );
    } else {
        assert_eq!(
            result(&r, "init", "running").status,
            Status::Pass,
            "{file}: init exited 0"
        );
    }

    type Edit = fn(&mut Value);
    let breaks: [(&str, Edit, &str, &str); 9] = [
        (
            "env",
            |v| {
                for e in v["Config"]["Env"].as_array_mut().unwrap() {
                    if e.as_str().unwrap().starts_with("GREETING=") {
                        *e = "GREETING=bonjour".into();
                    }
                }
            },
            "GREETING=hello",
            "GREETING=bonjour",
        ),
        (
            "env",
            |v| {
                for e in v["Config"]["Env"].as_array_mut().unwrap() {
                    if e.as_str().unwrap().starts_with("API_TOKEN=") {
                        *e = "API_TOKEN=tok-changed".into();
                    }
                }
            },
            "API_TOKEN=*** ",
            "API_TOKEN=*** ",
        ),
        (
            "ports",
            |v| {
                v["HostConfig"]["PortBindings"] = serde_json::json!({});
                v["NetworkSettings"]["Ports"] = serde_json::json!({});
            },
            "published",
            "not published",
        ),
        (
            "user",
            |v| v["Config"]["User"] = "0:0".into(),
            "1000:1000",
            "0:0",
        ),
        (
            "capabilities",
            |v| {
                v["HostConfig"]["CapAdd"] = serde_json::json!([]);
                if let Some(eff) = v["EffectiveCaps"].as_array_mut() {
                    eff.retain(|c| c != "CAP_NET_ADMIN");
                }
            },
            "+NET_ADMIN",
            "not added",
        ),
        (
            "mounts",
            |v| {
                for m in v["Mounts"].as_array_mut().unwrap() {
                    if m["Destination"] == "/static" {
                        m["RW"] = true.into();
                    }
                }
            },
            "(read-only)",
            "/static",
        ),
        (
            "security",
            |v| v["HostConfig"]["ReadonlyRootfs"] = false.into(),
            "read-only root true",
            "read-only root false",
        ),
        (
            "running",
            |v| {
                v["State"]["Status"] = "exited".into();
                v["State"]["ExitCode"] = 137.into();
            },
            "running",
            "exited (exit code 137)",
        ),
        (
            "labels",
            |v| v["Config"]["Labels"]["tier"] = "four".into(),
            "tier=three",
            "tier=four",
        ),
    ];
    for (check, edit, want, got) in breaks {
        let r = run(&c, edited(&c, edit));
        no_secret(&r);
        let res = result(&r, "web", check);
        assert_eq!(
            res.status,
            Status::Fail,
            "{file}: {check} must fail: {res:?}"
        );
        assert!(
            res.expected.contains(want),
            "{file}: {check}: expected {:?} lacks {want:?}",
            res.expected
        );
        assert!(
            res.observed.contains(got),
            "{file}: {check}: found {:?} lacks {got:?}",
            res.observed
        );
    }
    // A changed secret shows as a changed mask.
    let r = run(&c, edited(&c, breaks[1].1));
    let res = result(&r, "web", "env");
    assert_ne!(
        res.expected, res.observed,
        "the masks of different values differ"
    );

    // A missing container fails `exists` and nothing else is asked of it.
    let mut a = c.answers.clone();
    a.insert(web_key(&c), serde_json::json!({ "ok": null }));
    let r = run(&c, a);
    let web = r.iter().find(|s| s.service == "web").unwrap();
    assert_eq!(web.checks[0].name, "exists");
    assert_eq!(web.checks[0].status, Status::Fail);
    assert!(
        web.checks
            .iter()
            .all(|c| c.name == "exists" || c.name == "unit"),
        "{web:?}"
    );

    // A restart between the first and the last read fails `restarts`.
    let mut a = c.answers.clone();
    let key = web_key(&c);
    let mut later = a[&key]["ok"].clone();
    later["RestartCount"] = 5.into();
    a.insert(key.clone(), serde_json::json!({ "ok": later }));
    let moving = MovingReplay {
        first: Replay {
            flavor: Flavor::Podman,
            answers: c.answers.clone(),
        },
        later: Replay {
            flavor: Flavor::Podman,
            answers: a,
        },
        key,
        moved: std::sync::atomic::AtomicBool::new(false),
    };
    let opts = CheckOptions {
        user: false,
        wait_healthy: Duration::ZERO,
        salt: 7,
        settle: Duration::ZERO,
        record: None,
        units: c.units,
        cancel: None,
    };
    let r = check_all(&c.plan, &moving, &moving.first, &opts);
    let res = result(&r, "web", "restarts");
    assert_eq!(res.status, Status::Fail, "{res:?}");
    assert!(res.observed.contains('5'), "{res:?}");
}

/// Answers reads of `key` from `first` until the container's healthcheck has run (in the
/// middle of its checks), then from `later`: a container that restarted during the check.
struct MovingReplay {
    first: Replay,
    later: Replay,
    key: String,
    moved: std::sync::atomic::AtomicBool,
}

impl Runtime for MovingReplay {
    fn flavor(&self) -> Flavor {
        Flavor::Podman
    }
    fn version(&self) -> Result<Value, String> {
        self.first.version()
    }
    fn container(&self, name: &str) -> Result<Option<Value>, String> {
        if format!("container {name}") == self.key
            && self.moved.load(std::sync::atomic::Ordering::SeqCst)
        {
            return self.later.container(name);
        }
        self.first.container(name)
    }
    fn containers_labelled(&self, k: &str, v: &str) -> Result<Vec<Value>, String> {
        self.first.containers_labelled(k, v)
    }
    fn network(&self, name: &str) -> Result<Option<Value>, String> {
        self.first.network(name)
    }
    fn volume(&self, name: &str) -> Result<Option<Value>, String> {
        self.first.volume(name)
    }
    fn run_healthcheck(&self, name: &str) -> Result<Value, String> {
        if format!("container {name}") == self.key {
            self.moved.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        self.first.run_healthcheck(name)
    }
    fn exec(&self, c: &str, argv: &[&str]) -> Result<transship_verify::api::ExecOutput, String> {
        self.first.exec(c, argv)
    }
}

#[test]
fn podman_4_3_1_answers() {
    recorded_stack_passes_and_breaks_are_named("podman-4.3.1.json");
}

#[test]
fn podman_5_4_2_answers_with_systemd() {
    recorded_stack_passes_and_breaks_are_named("podman-5.4.2.json");
}

/// Docker's recorded answers (the same project under docker-compose 2.26.1 on docker
/// 20.10.24, beside the podman 5.4.2 host of tier 4) as the parity side.
fn docker_side_from(answers: Answers) -> transship_verify::parity::DockerSide {
    let replay = Replay {
        flavor: Flavor::Docker,
        answers,
    };
    transship_verify::parity::docker_side(&replay, "tsverify", "docker://recorded")
        .expect("the recorded Docker project")
}

fn docker_answers() -> Answers {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recorded/docker-20.10.24.json");
    let text = std::fs::read_to_string(&path)
        .expect("the recording docker-20.10.24.json: run tier 4 with TRANSSHIP_RECORD=1");
    let mut a: Answers = serde_json::from_str(&text).unwrap();
    a.remove("meta");
    a
}

fn docker_web_key(a: &Answers) -> String {
    a.iter()
        .find(|(k, v)| k.starts_with("container ") && v["ok"]["Name"] == "/tsverify-web-1")
        .map(|(k, _)| k.clone())
        .expect("web's container in the recording")
}

fn with_docker(c: &Case, docker: Answers) -> Vec<ServiceReport> {
    let plan_case = Case {
        answers: c.answers.clone(),
        plan: Plan {
            expected: c.plan.expected.clone(),
            unit_files: c.plan.unit_files.clone(),
            note: String::new(),
            docker: Some(docker_side_from(docker)),
            install: None,
        },
        units: c.units,
    };
    run(&plan_case, c.answers.clone())
}

#[test]
fn parity_with_the_recorded_docker_stack_passes_and_each_difference_is_named() {
    let c = recorded("podman-5.4.2.json");
    let docker = docker_answers();
    let side = docker_side_from(docker.clone());
    assert_eq!(
        side.services.keys().collect::<Vec<_>>(),
        ["client", "init", "web"],
        "Compose's labels find every service"
    );
    assert!(side.runtime.starts_with("docker 20.10"), "{}", side.runtime);

    let r = with_docker(&c, docker.clone());
    no_secret(&r);
    for s in &r {
        for ch in s.checks.iter().filter(|x| x.name.starts_with("docker:")) {
            assert_ne!(ch.status, Status::Fail, "{} {}: {ch:?}", s.service, ch.name);
        }
    }
    for name in [
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
        assert_eq!(result(&r, "web", name).status, Status::Pass, "web {name}");
    }
    // podman's default pids limit where Docker has none is said, not failed.
    assert!(
        result(&r, "client", "docker:limits")
            .note
            .contains("pids limit"),
        "{:?}",
        result(&r, "client", "docker:limits")
    );

    // Docker's container changed as if the two stacks had drifted: each drift is named by
    // its docker:* check with Docker's value first.
    type Edit = fn(&mut Value);
    let drifts: [(&str, Edit, &str, &str); 9] = [
        (
            "docker:env",
            |v| {
                v["Config"]["Env"]
                    .as_array_mut()
                    .unwrap()
                    .push("LANG=C.UTF-8".into());
            },
            "LANG=C.UTF-8",
            "LANG unset",
        ),
        (
            "docker:env",
            |v| {
                for e in v["Config"]["Env"].as_array_mut().unwrap() {
                    if e.as_str().unwrap().starts_with("API_TOKEN=") {
                        *e = "API_TOKEN=tok-docker-other".into();
                    }
                }
            },
            "API_TOKEN=***",
            "API_TOKEN=***",
        ),
        (
            "docker:ports",
            |v| {
                let b = serde_json::json!([{ "HostIp": "0.0.0.0", "HostPort": "9999" }]);
                v["HostConfig"]["PortBindings"]["9000/tcp"] = b.clone();
                v["NetworkSettings"]["Ports"]["9000/tcp"] = b;
            },
            "9999",
            "not published",
        ),
        (
            "docker:user",
            |v| v["Config"]["User"] = "0:0".into(),
            "0:0",
            "1000:1000",
        ),
        (
            "docker:capabilities",
            |v| {
                v["HostConfig"]["CapAdd"]
                    .as_array_mut()
                    .unwrap()
                    .push("SYS_PTRACE".into());
            },
            "+SYS_PTRACE",
            "SYS_PTRACE missing",
        ),
        (
            "docker:mounts",
            |v| {
                for m in v["Mounts"].as_array_mut().unwrap() {
                    if m["Destination"] == "/static" {
                        m["RW"] = true.into();
                    }
                }
            },
            "/static",
            "(read-only)",
        ),
        (
            "docker:restart",
            |v| v["HostConfig"]["RestartPolicy"]["Name"] = "unless-stopped".into(),
            "always (Docker: unless-stopped)",
            "no",
        ),
        (
            "docker:limits",
            |v| v["HostConfig"]["Memory"] = (128 * 1024 * 1024).into(),
            "memory 134217728",
            "memory 67108864",
        ),
        (
            "docker:labels",
            |v| v["Config"]["Labels"]["owner"] = "ops".into(),
            "owner=ops",
            "owner unset",
        ),
    ];
    let key = docker_web_key(&docker);
    for (check, edit, want, got) in drifts {
        let mut a = docker.clone();
        edit(&mut a.get_mut(&key).unwrap()["ok"]);
        let r = with_docker(&c, a);
        no_secret(&r);
        let res = result(&r, "web", check);
        assert_eq!(res.status, Status::Fail, "{check} must fail: {res:?}");
        assert!(
            res.expected.contains(want),
            "{check}: expected {:?} lacks {want:?}",
            res.expected
        );
        assert!(
            res.observed.contains(got),
            "{check}: found {:?} lacks {got:?}",
            res.observed
        );
    }

    // A service Docker does not run is skipped, not failed.
    let mut a = docker.clone();
    a.remove(&key);
    let list = a
        .iter()
        .find(|(k, _)| k.starts_with("containers "))
        .map(|(k, _)| k.clone())
        .unwrap();
    a.get_mut(&list).unwrap()["ok"]
        .as_array_mut()
        .unwrap()
        .retain(|x| !x["Names"].to_string().contains("web"));
    let r = with_docker(&c, a);
    let res = result(&r, "web", "docker:exists");
    assert_eq!(res.status, Status::Skip, "{res:?}");
}
