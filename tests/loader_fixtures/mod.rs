//! Fixture handling shared by the loader's config tests (tier 1 `config_expected.rs`,
//! tier 2 `tier2_loader.rs`): enumeration, hermetic runs of `migrate config`, the documented
//! normalization (docs/compose-config-differences.md) and readable value diffs.
//!
//! A fixture directory under `fixtures/compose/` holds `compose.yaml` (or another file Compose
//! discovers), optional `args` (extra CLI arguments, one per line, e.g. `-f` /
//! `override.yaml` / `--profile` / `debug`) and optional `env` (the process environment,
//! `K=V` per line). Tools run in the fixture directory with a hermetic environment: the `env`
//! lines, `PATH`, and `HOME=/home/transship-fixture`; each under a hard kill timeout.
//! Directories named `bad-*` or `error-*`, or holding an `expected-error` file, are bad-input
//! fixtures (tested elsewhere).
#![allow(dead_code, clippy::print_stderr, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub const FIXTURE_HOME: &str = "/home/transship-fixture";
pub const PLACEHOLDER: &str = "@FIXTURES@";
/// Seconds before a single `docker-compose` or `migrate` run is killed.
pub const KILL_AFTER: u64 = 60;

pub struct Fixture {
    pub name: String,
    pub dir: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// The reason in a `no-oracle` file: docker-compose 2.26.1 cannot load this fixture
    /// (keys newer than 2.26.1); it is checked to be rejected instead of compared.
    pub no_oracle: Option<String>,
}

pub fn fixtures_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/compose")
}

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub fn is_bad_input(dir: &Path, name: &str) -> bool {
    name.starts_with("bad-") || name.starts_with("error-") || dir.join("expected-error").exists()
}

/// Every positive fixture, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures_root()).expect("fixtures/compose exists") {
        let dir = entry.expect("readable fixtures dir").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if is_bad_input(&dir, &name) {
            continue;
        }
        let env = lines(&dir.join("env"))
            .into_iter()
            .map(|l| match l.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (l, String::new()),
            })
            .collect();
        out.push(Fixture {
            no_oracle: std::fs::read_to_string(dir.join("no-oracle")).ok(),
            args: lines(&dir.join("args")),
            env,
            name,
            dir,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub fn hermetic(cmd: &mut Command, fx: &Fixture) {
    cmd.current_dir(&fx.dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", FIXTURE_HOME);
    for (k, v) in &fx.env {
        cmd.env(k, v);
    }
}

/// Runs a command under the hard timeout; stdout on success, a description on failure.
pub fn run(mut cmd: Command) -> Result<String, String> {
    let desc = format!("{cmd:?}");
    let out = crate::support::run_with_timeout(&mut cmd, KILL_AFTER);
    if out.status.success() {
        String::from_utf8(out.stdout).map_err(|e| format!("{desc}: output is not UTF-8: {e}"))
    } else {
        Err(format!(
            "{desc} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        ))
    }
}

pub fn migrate(fx: &Fixture, format: &str) -> Result<String, String> {
    let mut cmd = Command::new(crate::support::migrate_bin());
    hermetic(&mut cmd, fx);
    cmd.arg("config").args(&fx.args).args(["--format", format]);
    run(cmd)
}

pub fn json(text: &str, what: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("{what} is not JSON ({e}):\n{text}"))
}

pub fn yaml(text: &str, what: &str) -> Result<Value, String> {
    let docs = transship_loader::yaml::parse(
        text,
        transship_ir::FileId(0),
        Path::new(what),
        &transship_loader::yaml::Limits::default(),
    )
    .map_err(|e| format!("{what} is not YAML: {e}\n{text}"))?;
    match docs.as_slice() {
        [doc] => Ok(transship_loader::yaml::to_json(doc)),
        _ => Err(format!("{what}: expected one YAML document:\n{text}")),
    }
}

/// Paths where two values differ, one line each (at most `limit` lines).
pub fn diff(a: &Value, b: &Value, path: &str, out: &mut Vec<String>, limit: usize) {
    if out.len() >= limit || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let p = format!("{path}.{k}");
                match y.get(k) {
                    Some(vb) => diff(va, vb, &p, out, limit),
                    None => out.push(format!(
                        "  {p}: migrate has {va}, docker-compose has nothing"
                    )),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) && out.len() < limit {
                    out.push(format!(
                        "  {path}.{k}: migrate has nothing, docker-compose has {vb}"
                    ));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff(va, vb, &format!("{path}[{i}]"), out, limit);
            }
        }
        _ => out.push(format!("  {path}: migrate has {a}, docker-compose has {b}")),
    }
}

pub fn compare(
    fx: &Fixture,
    ours: Result<Value, String>,
    theirs: Result<Value, String>,
) -> Option<String> {
    if let Some(reason) = &fx.no_oracle {
        return match (ours, theirs) {
            (Ok(_), Err(_)) => None,
            (Err(e), _) => Some(format!("{}: migrate failed: {e}", fx.name)),
            (Ok(_), Ok(_)) => Some(format!(
                "{}: docker-compose loads it, remove its stale no-oracle marker ({})",
                fx.name,
                reason.trim()
            )),
        };
    }
    match (ours, theirs) {
        (Ok(a), Ok(b)) => {
            if a == b {
                return None;
            }
            let mut lines = Vec::new();
            diff(&a, &b, "", &mut lines, 12);
            Some(format!("{}:\n{}", fx.name, lines.join("\n")))
        }
        (Err(e), Ok(_)) => Some(format!(
            "{}: migrate failed, docker-compose did not: {e}",
            fx.name
        )),
        (Ok(_), Err(e)) => Some(format!(
            "{}: docker-compose failed, migrate did not (bad-input fixtures must be named bad-*): {e}",
            fx.name
        )),
        (Err(a), Err(b)) => Some(format!(
            "{}: both failed:\n  migrate: {a}\n  docker-compose: {b}",
            fx.name
        )),
    }
}
