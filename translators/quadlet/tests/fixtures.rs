//! Every Compose fixture (`fixtures/compose/*/`) through the quadlet translator for podman 5.4
//! and 4.4: the ledger covers exactly the IR's key paths, the generated files and the ledger
//! are snapshotted (insta), and the real quadlet 5.4.2 (`-dryrun`) accepts every output.
//! Absolute paths are written as `$FIXTURE`/`$FIXTURES` in snapshots.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use transship_loader::fixtures::{self, options, redact};
use transship_quadlet::{PodmanVersion, QuadletTranslator};
use transship_translate::{Output, Translator, completeness};

fn fixture_dirs() -> Vec<PathBuf> {
    fixtures::fixture_dirs("compose")
        .into_iter()
        .filter(|p| p.join("compose.yaml").is_file())
        .collect()
}

fn render(out: &Output) -> String {
    let mut s = String::new();
    for a in &out.artifacts {
        let _ = writeln!(
            s,
            "=== {} (mode {:o}{}) ===",
            a.path.display(),
            a.mode,
            if a.secret { ", secret" } else { "" }
        );
        if a.secret {
            s.push_str("<secret contents not shown>\n");
        } else {
            s.push_str(&a.contents);
        }
    }
    let _ = writeln!(s, "=== ledger ===");
    for e in &out.ledger.entries {
        let _ = write!(
            s,
            "{} @{}:{} {}",
            e.key_path,
            e.span.line,
            e.span.column,
            e.outcome.label()
        );
        if let Some(r) = e.outcome.reason() {
            let _ = write!(s, " ({r})");
        }
        if let Some(d) = &e.detail {
            let _ = write!(s, " -> {d}");
        }
        s.push('\n');
    }
    s
}

fn quadlet_bin() -> Option<PathBuf> {
    let dir = std::env::var_os("TRANSSHIP_TOOLS").map_or_else(
        || PathBuf::from("/opt/transship-test-env/tools"),
        PathBuf::from,
    );
    let bin = dir.join("usr/libexec/podman/quadlet");
    if bin.exists() {
        return Some(bin);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "quadlet binary missing in CI: {}",
        bin.display()
    );
    eprintln!(
        "SKIPPED (quadlet -dryrun part): no quadlet binary at {}",
        bin.display()
    );
    None
}

/// What must appear in no world-readable artifact: for every secret-bearing environment
/// value of the project (a flagged name, or a value interpolated from a flagged variable),
/// its `NAME=VALUE` assignment, or each line of it when it spans several; for hook
/// environments, the flagged names' assignments.
fn secret_assignments(project: &transship_ir::Project) -> Vec<String> {
    use transship_translate::secrets::looks_secret;
    let mut out = Vec::new();
    let mut add = |k: &str, v: &str| {
        if v.contains('\n') {
            out.extend(v.lines().filter(|l| l.len() >= 8).map(str::to_owned));
        } else {
            out.push(format!("{k}={v}"));
        }
    };
    for s in project.services.values() {
        for (k, v) in &s.environment {
            if let Some(text) = &v.value {
                if !text.is_empty()
                    && (looks_secret(k) || project.secret_interpolations.contains(&v.span))
                {
                    add(k, text);
                }
            }
        }
        if let Some(b) = &s.build {
            for (k, v) in &b.value.args {
                if let Some(text) = v.value.as_deref().filter(|t| !t.is_empty()) {
                    if looks_secret(k) || project.secret_interpolations.contains(&v.span) {
                        add(k, text);
                    }
                }
            }
        }
        for h in s.post_start.iter().chain(&s.pre_stop) {
            for (k, v) in &h.value.environment {
                if let Some(text) = v.as_deref().filter(|t| !t.is_empty() && !t.contains('\n')) {
                    if looks_secret(k) {
                        add(k, text);
                    }
                }
            }
        }
    }
    out
}

/// No artifact readable by others (anything not 0600) holds a secret assignment.
fn assert_no_secret_in_public_files(name: &str, project: &transship_ir::Project, out: &Output) {
    for secret in secret_assignments(project) {
        for a in out.artifacts.iter().filter(|a| a.mode & 0o077 != 0) {
            assert!(
                !a.contents.contains(&secret),
                "{name}: {} (mode {:o}) holds a secret value",
                a.path.display(),
                a.mode
            );
        }
    }
}

/// quadlet `-dryrun` on the output: it must accept every unit, and the services it generates
/// (printed on stdout) must hold none of `secrets` (`ExecStart=` is shown by `systemctl show`
/// to any user).
fn dryrun(bin: &Path, out: &Output, user: bool, secrets: &[String]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    for a in &out.artifacts {
        let path = dir.path().join(&a.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &a.contents).unwrap();
    }
    let mut cmd = std::process::Command::new(bin);
    cmd.env("QUADLET_UNIT_DIRS", dir.path())
        .arg("-dryrun")
        .arg("-no-kmsg-log");
    if user {
        cmd.arg("-user");
    }
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let bad: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains("Loading source unit file"))
        .collect();
    let stdout = String::from_utf8_lossy(&o.stdout);
    if let Some(s) = secrets.iter().find(|s| stdout.contains(s.as_str())) {
        let name = s.split('=').next().unwrap_or_default();
        return Err(format!("the generated service holds the value of {name}"));
    }
    if o.status.success() && bad.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", o.status, bad.join("\n")))
    }
}

#[test]
fn every_fixture_translates_with_a_complete_ledger_and_passes_quadlet() {
    let dirs = fixture_dirs();
    assert!(!dirs.is_empty());
    let bin = quadlet_bin();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    let mut translated = 0;
    let mut failures = Vec::new();
    settings.bind(|| {
        for dir in &dirs {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let Ok(project) = transship_loader::load(&options(dir)) else {
                continue; // error fixtures: the loader's tests cover them
            };
            translated += 1;
            for (v, user, pod) in [
                ("5.4", false, false),
                ("4.4", true, false),
                ("5.4", false, true),
            ] {
                let t = QuadletTranslator {
                    version: v.parse::<PodmanVersion>().unwrap(),
                    user,
                    pod,
                    inline_env: false,
                };
                let out = t.translate(&project).unwrap();
                if let Err(gaps) = completeness::check(&project, &out.ledger) {
                    panic!("{name} podman {v} pod={pod}: {gaps}");
                }
                assert_no_secret_in_public_files(&name, &project, &out);
                if !pod {
                    insta::assert_snapshot!(format!("{name}@{v}"), redact(&render(&out), dir));
                }
                if let Some(bin) = &bin {
                    if let Err(e) = dryrun(bin, &out, user, &secret_assignments(&project)) {
                        failures.push(format!("{name} podman {v} pod={pod}: {e}"));
                    }
                }
            }
        }
    });
    assert!(translated > 0, "no fixture loaded");
    assert!(
        failures.is_empty(),
        "quadlet -dryrun failures:\n{}",
        failures.join("\n")
    );
}

/// The completeness rule for every supported podman version, system and rootless, with and
/// without `--pod` where the version has pods.
#[test]
fn every_fixture_has_a_complete_ledger_for_every_version() {
    let mut checked = 0;
    for dir in fixture_dirs() {
        let Ok(project) = transship_loader::load(&options(&dir)) else {
            continue;
        };
        for version in PodmanVersion::all() {
            for (user, pod) in [(false, false), (true, false), (false, true)] {
                let t = QuadletTranslator {
                    version,
                    user,
                    pod,
                    inline_env: false,
                };
                let Ok(out) = t.translate(&project) else {
                    assert!(pod, "{}: podman {version} refused", dir.display());
                    continue;
                };
                if let Err(gaps) = completeness::check(&project, &out.ledger) {
                    panic!(
                        "{} podman {version} user={user} pod={pod}: {gaps}",
                        dir.display()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no fixture translated");
}
