//! Tier 3: `migrate verify` against real rootful podman 4.3 through its libpod API (a
//! `podman system service` of the test's own on a private socket).
//!
//! The stack of `fixtures/live/verify/` is started from the podman mapping itself (each
//! service's options as `podman run` words: what the systemd target will run), and verify
//! must pass it: every check passes or is skipped with a reason (there is no systemd here, so
//! the unit checks are off with `--no-units`). Then each deliberate break (one container
//! re-created with one thing wrong, or changed while it runs) must be detected by the check
//! that owns it, naming both values. Everything is removed by name at the end, also on
//! failure.
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use transship_podman::names;

use support::DaemonGuard;

const TIER: &str = "tier 3";

/// The project's containers, networks and volumes, removed on drop.
struct Stack {
    containers: Vec<String>,
    networks: Vec<String>,
    volumes: Vec<String>,
}

impl Drop for Stack {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = support::run_with_timeout(
                Command::new("podman").args(["rm", "-f", "-t", "0", c]),
                60,
            );
        }
        for n in &self.networks {
            let _ = support::run_with_timeout(
                Command::new("podman").args(["network", "rm", "-f", n]),
                60,
            );
        }
        for v in &self.volumes {
            let _ = support::run_with_timeout(
                Command::new("podman").args(["volume", "rm", "-f", v]),
                60,
            );
        }
    }
}

fn podman(args: &[String]) -> Result<String, String> {
    support::run_ok(Command::new("podman").args(args), 120)
}

/// (Re)creates `service`'s container from its words after `edit`.
fn start(
    project: &transship_ir::Project,
    service: &str,
    dir: &Path,
    edit: &dyn Fn(&mut Vec<String>),
) {
    let name = names::container_name(project, &project.services[service]);
    let _ = support::run_with_timeout(
        Command::new("podman").args(["rm", "-f", "-t", "0", &name]),
        60,
    );
    let mut words = support::podman_run_words(project, service, dir);
    edit(&mut words);
    podman(&words).unwrap_or_else(|e| panic!("{service}: {e}"));
}

fn verify(dir: &Path, project: &str, sock: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = support::run_with_timeout(
        Command::new(support::migrate_bin())
            .current_dir(dir)
            .args([
                "verify",
                "compose.yaml",
                "-p",
                project,
                "--no-units",
                "--format",
                "json",
            ])
            .arg("--host")
            .arg(format!("unix://{}", sock.display()))
            .args(extra),
        180,
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "verify printed no JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v, text)
}

fn check<'a>(v: &'a Value, service: &str, name: &str) -> &'a Value {
    v["hosts"][0]["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == service)
        .unwrap_or_else(|| panic!("no service {service} in {v}"))["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} for {service} in {v}"))
}

fn wait_exited(name: &str) {
    for _ in 0..100 {
        let st = podman(&[
            "inspect".into(),
            "-f".into(),
            "{{.State.Status}}".into(),
            name.into(),
        ])
        .unwrap_or_default();
        if st.trim() == "exited" {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("{name} did not exit");
}

#[test]
fn verify_passes_a_correct_stack_and_names_each_break_with_both_values() {
    if !support::require_live(TIER) {
        return;
    }
    if support::require_tool(TIER, "podman").is_none() || !support::require_busybox_image(TIER) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let port = support::free_port();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/live/verify");
    let text = std::fs::read_to_string(fixture.join("compose.yaml"))
        .unwrap()
        .replace("@PORT@", &port.to_string());
    std::fs::write(dir.join("compose.yaml"), text).unwrap();
    std::fs::create_dir(dir.join("static")).unwrap();
    std::fs::copy(
        fixture.join("static/index.txt"),
        dir.join("static/index.txt"),
    )
    .unwrap();
    let project_name = support::unique_name("ts-verify");
    let project = transship_loader::load(&transship_loader::LoadOptions {
        files: vec![PathBuf::from("compose.yaml")],
        project_name: Some(project_name.clone()),
        cwd: dir.clone(),
        ..Default::default()
    })
    .expect("the fixture loads");

    // The API socket of the test's own podman service.
    let sock_dir = tempfile::tempdir().unwrap();
    let sock = sock_dir.path().join("podman.sock");
    let mut service = DaemonGuard::spawn(
        "podman system service",
        Command::new("podman")
            .args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", sock.display())),
        &sock_dir.path().join("service.log"),
    )
    .unwrap();
    service.wait_for_path(&sock, 30).unwrap();

    let mut stack = Stack {
        containers: project
            .services
            .values()
            .map(|s| names::container_name(&project, s))
            .collect(),
        networks: project
            .networks
            .values()
            .map(|n| n.name.value.clone())
            .collect(),
        volumes: project
            .volumes
            .values()
            .map(|v| v.name.value.clone())
            .collect(),
    };
    for n in &stack.networks {
        podman(&["network".into(), "create".into(), n.clone()]).unwrap();
    }
    for v in &stack.volumes {
        podman(&["volume".into(), "create".into(), v.clone()]).unwrap();
    }
    let keep = |_: &mut Vec<String>| {};
    start(&project, "init", &dir, &keep);
    wait_exited(&names::container_name(&project, &project.services["init"]));
    start(&project, "web", &dir, &keep);
    start(&project, "client", &dir, &keep);
    support::http_get(port, "/index.html", 30).expect("web serves");

    // 1. The correct stack passes; each check that can run here does.
    let answers = dir.join("answers.json");
    let record = answers.to_str().unwrap();
    let (code, v, text) = verify(
        &dir,
        &project_name,
        &sock,
        &["--wait-healthy", "10s", "--record-answers", record],
    );
    if std::env::var_os("TRANSSHIP_RECORD").is_some() {
        // Refresh the replay fixture of crates/verify/tests/replay.rs.
        support::save_recording(&answers, &project_name, port, &dir, "podman-4.3.1.json");
    }
    assert_eq!(code, 0, "the correct stack must pass:\n{text}");
    assert!(
        !text.contains("tok-verify-secret-1"),
        "a secret value reached the report:\n{text}"
    );
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
            check(&v, "web", name)["status"],
            "pass",
            "web {name}:\n{text}"
        );
    }
    assert_eq!(check(&v, "init", "running")["status"], "pass", "{text}");
    assert_eq!(check(&v, "client", "command")["status"], "pass", "{text}");
    // The text form says the same, with no secret either.
    let out = support::run_with_timeout(
        Command::new(support::migrate_bin())
            .current_dir(&dir)
            .args(["verify", "compose.yaml", "-p", &project_name, "--no-units"])
            .arg("--host")
            .arg(format!("unix://{}", sock.display())),
        180,
    );
    let t = String::from_utf8_lossy(&out.stdout);
    eprintln!("--- migrate verify (text) of the correct stack\n{t}");
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("all checks pass") && !t.contains("tok-verify-secret-1"),
        "{t}"
    );

    // 2. Each break, detected by its check with both values.
    let web = names::container_name(&project, &project.services["web"]);
    type Edit = Box<dyn Fn(&mut Vec<String>)>;
    // Each edit must change a word: a mapping that spells an option otherwise fails here
    // instead of leaving the break unmade.
    let replace = |from: &'static str, to: &'static str| -> Edit {
        Box::new(move |w: &mut Vec<String>| {
            let mut hit = false;
            for x in w.iter_mut() {
                if x == from {
                    *x = to.to_owned();
                    hit = true;
                }
            }
            assert!(hit, "no word {from:?} in {w:?}");
        })
    };
    let drop_prefix = |prefix: String| -> Edit {
        Box::new(move |w: &mut Vec<String>| {
            let before = w.len();
            w.retain(|x| !x.starts_with(&prefix));
            assert!(w.len() < before, "no word starting {prefix:?} in {w:?}");
        })
    };
    let drop_word = |word: &'static str| -> Edit {
        Box::new(move |w: &mut Vec<String>| {
            let before = w.len();
            w.retain(|x| x != word);
            assert!(w.len() < before, "no word {word:?} in {w:?}");
        })
    };
    // Another tag of the same image, for the image break (removed with the stack).
    let other_image = "localhost/transship-busybox:verify-other";
    podman(&[
        "tag".into(),
        "localhost/transship-busybox:1".into(),
        other_image.into(),
    ])
    .unwrap();
    let _untag = support::ImageGuard::new(&["podman"], other_image);
    let static_dir = dir.join("static").display().to_string();
    let cases: Vec<(&str, &str, Edit, &str, &str, &str)> = vec![
        // (what, service, edit, check, expected contains, found contains)
        (
            "wrong env value",
            "web",
            replace("--env=GREETING=hello", "--env=GREETING=bonjour"),
            "env",
            "GREETING=hello",
            "GREETING=bonjour",
        ),
        (
            "port not published",
            "web",
            drop_prefix("--publish=".into()),
            "ports",
            "127.0.0.1",
            "not published",
        ),
        (
            "missing mount",
            "web",
            drop_prefix(format!("--volume={static_dir}")),
            "mounts",
            "/static",
            "nothing mounted at /static",
        ),
        (
            "read-only flag lost",
            "web",
            {
                let from = format!("--volume={static_dir}:/static:ro");
                let to = format!("--volume={static_dir}:/static");
                Box::new(move |w: &mut Vec<String>| {
                    for x in w.iter_mut() {
                        if *x == from {
                            *x = to.clone();
                        }
                    }
                })
            },
            "mounts",
            "(read-only)",
            "/static",
        ),
        (
            "wrong user",
            "web",
            replace("--user=1000:1000", "--user=0:0"),
            "user",
            "1000:1000",
            "0:0",
        ),
        (
            "capability missing",
            "web",
            drop_prefix("--cap-add=".into()),
            "capabilities",
            "+NET_ADMIN",
            "NET_ADMIN not added",
        ),
        (
            "alias not resolvable",
            "web",
            {
                Box::new(|w: &mut Vec<String>| {
                    for x in w.iter_mut() {
                        if x.starts_with("--network=") && x.contains("alias=www") {
                            *x = x
                                .replace("alias=www,", "")
                                .replace(",alias=www", "")
                                .replace("alias=www", "");
                            if x.ends_with(':') {
                                x.pop();
                            }
                        }
                    }
                })
            },
            "dns",
            "www ->",
            "www does not resolve",
        ),
        (
            "other image",
            "web",
            replace("localhost/transship-busybox:1", other_image),
            "image",
            "localhost/transship-busybox:1",
            "verify-other",
        ),
        (
            "other command",
            "web",
            Box::new(|w: &mut Vec<String>| {
                let last = w.last_mut().unwrap();
                assert!(last.contains("exec httpd"), "{last}");
                *last = last.replace("exec httpd", "exec  httpd");
            }),
            "command",
            "exec httpd",
            "exec  httpd",
        ),
        (
            "other entrypoint",
            "web",
            Box::new(|w: &mut Vec<String>| {
                let at = w
                    .iter()
                    .position(|x| x.starts_with("--entrypoint"))
                    .unwrap_or_else(|| panic!("no --entrypoint in {w:?}"));
                let e = w[at].replace("-c", "-ec");
                assert_ne!(e, w[at], "{e}");
                w[at] = e;
            }),
            "entrypoint",
            "-c",
            "-ec",
        ),
        (
            "read-only root lost",
            "web",
            drop_word("--read-only=true"),
            "security",
            "read-only root true",
            "read-only root false",
        ),
        (
            "security option lost",
            "web",
            drop_prefix("--security-opt=no-new-privileges".into()),
            "security",
            "security_opt no-new-privileges=true",
            "security_opt []",
        ),
        (
            "other memory limit",
            "web",
            drop_prefix("--memory=".into()),
            "limits",
            "memory 67108864",
            "memory unlimited",
        ),
        (
            "label lost",
            "web",
            drop_prefix("--label=tier=".into()),
            "labels",
            "tier=three",
            "tier unset",
        ),
        (
            "not on its network",
            "client",
            drop_prefix("--network=".into()),
            "networks",
            "_back",
            "attached to [podman]",
        ),
    ];
    for (what, service, edit, name, want, got) in &cases {
        start(&project, service, &dir, edit.as_ref());
        let (code, v, text) = verify(&dir, &project_name, &sock, &["--settle", "0s"]);
        let c = check(&v, service, name);
        assert_eq!(code, 1, "{what}: verify must fail:\n{text}");
        assert_eq!(c["status"], "fail", "{what}: {name} must fail:\n{text}");
        let (e, f) = (
            c["expected"].as_str().unwrap(),
            c["found"].as_str().unwrap(),
        );
        assert!(
            e.contains(want),
            "{what}: expected side {e:?} lacks {want:?}"
        );
        assert!(f.contains(got), "{what}: found side {f:?} lacks {got:?}");
        eprintln!("{what}: {name}: expected {e:?}, found {f:?}");
        assert!(
            !text.contains("tok-verify-secret-1"),
            "{what}: secret in report:\n{text}"
        );
    }
    // Back to the correct web for the breaks made on a running container.
    start(&project, "web", &dir, &keep);
    support::http_get(port, "/index.html", 30).expect("web serves again");

    // Unhealthy: the probe's file goes away.
    podman(&[
        "exec".into(),
        web.clone(),
        "rm".into(),
        "/tmp/healthy".into(),
    ])
    .unwrap();
    let (code, v, text) = verify(&dir, &project_name, &sock, &["--settle", "0s"]);
    let c = check(&v, "web", "healthcheck");
    assert_eq!((code, c["status"].as_str()), (1, Some("fail")), "{text}");
    assert_eq!(c["found"], "unhealthy", "{text}");

    // Stopped.
    podman(&["stop".into(), "-t".into(), "0".into(), web.clone()]).unwrap();
    let (code, v, text) = verify(&dir, &project_name, &sock, &["--settle", "0s"]);
    let c = check(&v, "web", "running");
    assert_eq!((code, c["status"].as_str()), (1, Some("fail")), "{text}");
    assert!(c["found"].as_str().unwrap().starts_with("exited"), "{text}");

    // Missing: removed outright.
    podman(&[
        "rm".into(),
        "-f".into(),
        "-t".into(),
        "0".into(),
        web.clone(),
    ])
    .unwrap();
    let (code, v, text) = verify(&dir, &project_name, &sock, &["--settle", "0s"]);
    let c = check(&v, "web", "exists");
    assert_eq!((code, c["status"].as_str()), (1, Some("fail")), "{text}");
    assert_eq!(c["found"], "no such container", "{text}");

    // A restart loop: the client exits at once and podman restarts it, again and again.
    start(&project, "client", &dir, &|w: &mut Vec<String>| {
        let at = w.len() - 2; // before `sleep 3600`
        w.truncate(at);
        w.insert(2, "--restart=always".into());
        w.extend(["sh".into(), "-c".into(), "sleep 0.5; exit 1".into()]);
    });
    let (code, v, text) = verify(&dir, &project_name, &sock, &["--settle", "4s"]);
    let c = check(&v, "client", "restarts");
    assert_eq!((code, c["status"].as_str()), (1, Some("fail")), "{text}");
    assert!(
        c["expected"].as_str().unwrap().contains("throughout"),
        "{text}"
    );

    // 3. A host that cannot be reached: exit 2, named, with the others still reported.
    let (code, v, text) = verify(
        &dir,
        &project_name,
        &sock,
        &[
            "--host",
            "unix:///nonexistent/podman.sock",
            "--settle",
            "0s",
        ],
    );
    assert_eq!(code, 2, "{text}");
    let hosts = v["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 2, "{text}");
    let bad = hosts
        .iter()
        .find(|h| h["reachable"] == false)
        .expect("the unreachable host");
    assert_eq!(bad["host"], "unix:///nonexistent/podman.sock");
    assert!(
        bad["error"].as_str().unwrap().contains("no socket"),
        "{text}"
    );
    assert!(
        hosts
            .iter()
            .any(|h| h["reachable"] == true && h["services"].as_array().unwrap().len() == 3),
        "{text}"
    );

    stack.containers.sort();
    drop(stack);
    service.stop();
}
