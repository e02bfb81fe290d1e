//! Tier 2, the loader's oracle: on every fixture under `fixtures/compose/`, `migrate config`
//! (the real binary) prints the same JSON value as the reference `docker-compose config`
//! (2.26.1), and the committed `expected.json` files are still what docker-compose prints.
//!
//! A fixture directory holds `compose.yaml` (or another file Compose discovers), optional
//! `args` (extra CLI arguments, one per line, e.g. `-f` / `override.yaml` / `--profile` /
//! `debug`) and optional `env` (the process environment, `K=V` per line). Both tools run in
//! the fixture directory with a hermetic environment: the `env` lines, `PATH`, and
//! `HOME=/home/transship-fixture`; each under a hard kill timeout. Directories named `bad-*`
//! or `error-*`, or holding an `expected-error` file, are bad-input fixtures (other tests).
//! A fixture with a `no-oracle` file uses keys newer than docker-compose 2.26.1: the file says
//! why, and the test checks that docker-compose indeed rejects it (so the marker cannot go
//! stale) and that `migrate config` loads it.
//!
//! Nothing is normalized before comparing: the values are equal as printed (the differences
//! docs/compose-config-differences.md lists are left out of the fixtures).
#![allow(clippy::print_stderr, clippy::unwrap_used)]

mod loader_fixtures;
mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use loader_fixtures::{
    Fixture, PLACEHOLDER, compare, diff, fixtures, fixtures_root, hermetic, json, run, yaml,
};

const TIER: &str = "tier 2";
/// Outputs already computed in this test process, by (tool, fixture, format): the tests of
/// this file run in parallel and share them, so each tool runs once per fixture and format.
type Outputs = Mutex<HashMap<(&'static str, String, String), Result<String, String>>>;
static OUTPUTS: OnceLock<Outputs> = OnceLock::new();

fn cached(
    tool: &'static str,
    fx: &Fixture,
    format: &str,
    run_it: impl FnOnce() -> Result<String, String>,
) -> Result<String, String> {
    let key = (tool, fx.name.clone(), format.to_owned());
    let cache = OUTPUTS.get_or_init(Outputs::default);
    if let Some(hit) = cache.lock().unwrap().get(&key) {
        return hit.clone();
    }
    let out = run_it();
    cache.lock().unwrap().insert(key, out.clone());
    out
}

fn docker_compose(dc: &Path, fx: &Fixture, format: &str) -> Result<String, String> {
    cached("docker-compose", fx, format, || {
        let mut cmd = Command::new(dc);
        hermetic(&mut cmd, fx);
        cmd.args(&fx.args).args(["config", "--format", format]);
        run(cmd)
    })
}

fn migrate(fx: &Fixture, format: &str) -> Result<String, String> {
    cached("migrate", fx, format, || {
        loader_fixtures::migrate(fx, format)
    })
}

fn report(what: &str, total: usize, failures: &[String]) {
    if failures.is_empty() {
        eprintln!("{TIER}: {what}: {total} fixtures, all equal");
        return;
    }
    let mut msg = format!("{what}: {} of {total} fixtures differ\n", failures.len());
    for f in failures {
        let _ = writeln!(msg, "{f}");
    }
    panic!("{msg}");
}

#[test]
fn migrate_config_json_equals_docker_compose_on_every_fixture() {
    let Some(dc) = support::require_tool(TIER, "docker-compose") else {
        return;
    };
    let all = fixtures();
    assert!(
        all.len() >= 100,
        "expected the full fixture set, found {}",
        all.len()
    );
    let failures: Vec<String> = all
        .iter()
        .filter_map(|fx| {
            let ours = migrate(fx, "json").and_then(|t| json(&t, "migrate output"));
            let theirs =
                docker_compose(&dc, fx, "json").and_then(|t| json(&t, "docker-compose output"));
            compare(fx, ours, theirs)
        })
        .collect();
    report("migrate config --format json", all.len(), &failures);
}

#[test]
fn migrate_config_yaml_reads_as_docker_compose_yaml_on_every_fixture() {
    let Some(dc) = support::require_tool(TIER, "docker-compose") else {
        return;
    };
    let all = fixtures();
    let failures: Vec<String> = all
        .iter()
        .filter_map(|fx| {
            let ours = migrate(fx, "yaml").and_then(|t| yaml(&t, "migrate output"));
            let theirs =
                docker_compose(&dc, fx, "yaml").and_then(|t| yaml(&t, "docker-compose output"));
            compare(fx, ours, theirs)
        })
        .collect();
    report("migrate config --format yaml", all.len(), &failures);
}

/// The committed `expected.json` files (the tier-1 pin) are what docker-compose prints today.
#[test]
fn expected_json_files_match_docker_compose() {
    let Some(dc) = support::require_tool(TIER, "docker-compose") else {
        return;
    };
    let root = fixtures_root();
    let root_text = root.to_string_lossy().into_owned();
    let mut checked = 0;
    let failures: Vec<String> = fixtures()
        .iter()
        .filter_map(|fx| {
            if fx.no_oracle.is_some() {
                return None;
            }
            let path = fx.dir.join("expected.json");
            let committed = std::fs::read_to_string(&path).ok()?;
            checked += 1;
            let committed = json(&committed.replace(PLACEHOLDER, &root_text), "expected.json");
            let live =
                docker_compose(&dc, fx, "json").and_then(|t| json(&t, "docker-compose output"));
            match (committed, live) {
                (Ok(a), Ok(b)) if a == b => None,
                (Ok(a), Ok(b)) => {
                    let mut lines = Vec::new();
                    diff(&a, &b, "", &mut lines, 8);
                    Some(format!(
                        "{}: stale expected.json (run scripts/refresh-oracle-expectations {}); \
                         `migrate` below means the committed file:\n{}",
                        fx.name,
                        fx.name,
                        lines.join("\n")
                    ))
                }
                (Err(e), _) | (_, Err(e)) => Some(format!("{}: {e}", fx.name)),
            }
        })
        .collect();
    assert!(checked > 0, "no expected.json found under {root_text}");
    report("expected.json freshness", checked, &failures);
}

/// Beyond equal values: the text itself is docker-compose's, byte for byte (up to the final
/// line break, which `migrate` adds), in both formats, on every fixture that no documented
/// difference touches.
#[test]
fn migrate_config_text_is_docker_compose_text() {
    let Some(dc) = support::require_tool(TIER, "docker-compose") else {
        return;
    };
    let mut compared = 0;
    let mut failures = Vec::new();
    for fx in fixtures().iter().filter(|f| f.no_oracle.is_none()) {
        let Ok(theirs_json) = docker_compose(&dc, fx, "json") else {
            failures.push(format!("{}: docker-compose failed", fx.name));
            continue;
        };
        json(&theirs_json, "docker-compose output").unwrap();
        compared += 1;
        for format in ["json", "yaml"] {
            let theirs = if format == "json" {
                Ok(theirs_json.clone())
            } else {
                docker_compose(&dc, fx, format)
            };
            let ours = migrate(fx, format);
            match (ours, theirs) {
                (Ok(a), Ok(b)) if a.trim_end_matches('\n') == b.trim_end_matches('\n') => {}
                (Ok(a), Ok(b)) => {
                    let line = a
                        .lines()
                        .zip(b.lines())
                        .position(|(x, y)| x != y)
                        .unwrap_or_else(|| a.lines().count().min(b.lines().count()));
                    failures.push(format!(
                        "{} ({format}): first difference at line {}:\n  migrate:        {:?}\n  docker-compose: {:?}",
                        fx.name,
                        line + 1,
                        a.lines().nth(line).unwrap_or(""),
                        b.lines().nth(line).unwrap_or("")
                    ));
                }
                (Err(e), _) | (_, Err(e)) => failures.push(format!("{} ({format}): {e}", fx.name)),
            }
        }
    }
    assert!(compared >= 100, "only {compared} fixtures compared");
    report("migrate config text", compared, &failures);
}

fn override_corpus() -> Option<PathBuf> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        repo.join("../shared/corpus/compose-go-override"),
        PathBuf::from("/work/shared/corpus/compose-go-override"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

/// compose-go's merge test inputs (`base.yaml` + `override.yaml`, next to the repository) as
/// whole projects: wherever docker-compose loads one, `migrate config` prints the same value;
/// `migrate` may accept more only for keys newer than 2.26.1.
#[test]
fn compose_go_override_corpus_through_migrate_config() {
    let Some(dc) = support::require_tool(TIER, "docker-compose") else {
        return;
    };
    let Some(corpus) = override_corpus() else {
        assert!(
            !support::in_ci(),
            "the compose-go override corpus (../shared/corpus) is required in CI"
        );
        eprintln!("{TIER}: compose-go override corpus not found next to the repository; not run");
        return;
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("base.yaml").is_file() && p.join("override.yaml").is_file())
        .collect();
    dirs.sort();
    let (mut equal, mut failures) = (0, Vec::new());
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let tmp = tempfile::tempdir().unwrap();
        for f in ["base.yaml", "override.yaml"] {
            std::fs::copy(dir.join(f), tmp.path().join(f)).unwrap();
        }
        let fx = Fixture {
            name: name.clone(),
            dir: tmp.path().to_path_buf(),
            args: ["-f", "base.yaml", "-f", "override.yaml"]
                .map(String::from)
                .to_vec(),
            env: Vec::new(),
            no_oracle: None,
        };
        let mut cmd = Command::new(&dc);
        hermetic(&mut cmd, &fx);
        cmd.args(&fx.args).args(["config", "--format", "json"]);
        let theirs = run(cmd);
        let ours = loader_fixtures::migrate(&fx, "json");
        match (ours, theirs) {
            (Ok(a), Ok(b)) => {
                let (a, b) = (
                    json(&a, "migrate").unwrap(),
                    json(&b, "docker-compose").unwrap(),
                );
                if a == b {
                    equal += 1;
                } else {
                    let mut lines = Vec::new();
                    diff(&a, &b, "", &mut lines, 8);
                    failures.push(format!("{name}:\n{}", lines.join("\n")));
                }
            }
            (Err(e), Ok(_)) => failures.push(format!("{name}: only migrate fails: {e}")),
            (Ok(_), Err(e)) if !e.contains("Additional property models") => {
                failures.push(format!("{name}: only docker-compose fails: {e}"));
            }
            _ => {}
        }
    }
    assert!(equal >= 30, "only {equal} corpus projects compared equal");
    report("compose-go override corpus", equal, &failures);
}

/// Runs `tool args` in `dir` with a hermetic environment, `input` on standard input;
/// returns (exit code, stdout, stderr).
fn run_piped(tool: &Path, dir: &Path, args: &[&str], input: &str) -> (Option<i32>, String, String) {
    use std::io::Write as _;
    let mut child = Command::new(tool)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", "/home/transship-fixture")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SELECTION: &str = "services:\n  web:\n    image: busybox\n    volumes:\n      - ./data:/data\n    depends_on: [db]\n  db:\n    image: busybox\n  other:\n    image: busybox\n  prof:\n    image: busybox\n    profiles: [p]\n    depends_on: [db]\n";

#[test]
fn stdin_file_and_service_selection_match_docker_compose() {
    let Some(dc) = support::require_tool(TIER, "docker-compose") else {
        return;
    };
    let migrate = support::migrate_bin();
    let tmp = tempfile::tempdir().unwrap();
    // The project directory (and so the name and relative paths) is the working directory.
    let dir = tmp.path().join("from-stdin");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("compose.yaml"), SELECTION).unwrap();
    let cases: [&[&str]; 5] = [
        &["-f", "-", "config", "--format", "json"],
        &["-f", "-", "config", "--format", "json", "web"],
        &["-f", "-", "config", "--format", "json", "prof"],
        &["-f", "-", "config", "--format", "json", "other", "web"],
        &[
            "-f",
            "-",
            "--profile",
            "p",
            "config",
            "--format",
            "json",
            "db",
        ],
    ];
    for args in cases {
        let (dc_code, dc_out, dc_err) = run_piped(&dc, &dir, args, SELECTION);
        assert_eq!(dc_code, Some(0), "docker-compose {args:?}: {dc_err}");
        // migrate takes the project flags after the subcommand.
        let at = args.iter().position(|a| *a == "config").unwrap();
        let m_args: Vec<&str> = std::iter::once("config")
            .chain(args[..at].iter().copied())
            .chain(args[at + 1..].iter().copied())
            .collect();
        let (m_code, m_out, m_err) = run_piped(&migrate, &dir, &m_args, SELECTION);
        assert_eq!(m_code, Some(0), "migrate {m_args:?}: {m_err}");
        let want: serde_json::Value = serde_json::from_str(&dc_out).unwrap();
        let got: serde_json::Value = serde_json::from_str(&m_out).unwrap();
        assert_eq!(got, want, "migrate {m_args:?} vs docker-compose {args:?}");
    }
    // An unknown service: both fail, with the same words.
    let (dc_code, _, dc_err) = run_piped(&dc, &dir, &["-f", "-", "config", "nope"], SELECTION);
    let (m_code, m_out, m_err) =
        run_piped(&migrate, &dir, &["config", "-f", "-", "nope"], SELECTION);
    assert_ne!(dc_code, Some(0));
    assert_eq!(m_code, Some(2), "{m_err}");
    assert!(m_out.is_empty());
    assert!(dc_err.contains("no such service: nope"), "{dc_err}");
    assert!(m_err.contains("no such service: nope"), "{m_err}");
    // A bad file on standard input is located as `-:line:col`, the name Compose gives it.
    let bad = "services:\n  web:\n    imag: x\n";
    let (_, _, dc_err) = run_piped(&dc, &dir, &["-f", "-", "config"], bad);
    let (m_code, _, m_err) = run_piped(&migrate, &dir, &["config", "-f", "-"], bad);
    assert!(dc_err.contains("validating -:"), "{dc_err}");
    assert_eq!(m_code, Some(2), "{m_err}");
    assert!(m_err.starts_with("-:3:5: services.web"), "{m_err}");
}

/// `-f -` with `--project-directory`: docker-compose takes the name and relative paths from
/// that directory; `migrate config` prints the same, and `migrate --to podman` converts that
/// same project (its name and the bind source docker-compose resolved).
#[test]
fn stdin_file_with_project_directory_matches_docker_compose() {
    let Some(dc) = support::require_tool(TIER, "docker-compose") else {
        return;
    };
    let migrate = support::migrate_bin();
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path().join("cwd");
    let other = tmp.path().join("elsewhere");
    std::fs::create_dir(&cwd).unwrap();
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("web.env"), "GREETING=hello\n").unwrap();
    let file = "services:\n  web:\n    image: busybox\n    env_file: ./web.env\n    volumes:\n      - ./data:/data\n";
    let dir_arg = other.to_str().unwrap();
    let (dc_code, dc_out, dc_err) = run_piped(
        &dc,
        &cwd,
        &[
            "-f",
            "-",
            "--project-directory",
            dir_arg,
            "config",
            "--format",
            "json",
        ],
        file,
    );
    assert_eq!(dc_code, Some(0), "{dc_err}");
    let (m_code, m_out, m_err) = run_piped(
        &migrate,
        &cwd,
        &[
            "config",
            "-f",
            "-",
            "--project-directory",
            dir_arg,
            "--format",
            "json",
        ],
        file,
    );
    assert_eq!(m_code, Some(0), "{m_err}");
    let want: serde_json::Value = serde_json::from_str(&dc_out).unwrap();
    let got: serde_json::Value = serde_json::from_str(&m_out).unwrap();
    assert_eq!(got, want);
    assert_eq!(want["name"], "elsewhere");

    let (c_code, c_out, c_err) = run_piped(
        &migrate,
        &cwd,
        &["-f", "-", "--project-directory", dir_arg, "--to", "podman"],
        file,
    );
    assert_eq!(c_code, Some(0), "{c_err}");
    let source = want["services"]["web"]["volumes"][0]["source"]
        .as_str()
        .unwrap();
    assert!(
        c_out.contains("# ==> elsewhere-web.container <=="),
        "{c_out}"
    );
    assert!(c_out.contains(&format!("Volume={source}:/data")), "{c_out}");
    assert_eq!(want["services"]["web"]["environment"]["GREETING"], "hello");
    assert!(c_out.contains("Environment=GREETING=hello"), "{c_out}");
}
