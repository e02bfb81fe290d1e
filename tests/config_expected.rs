//! Tier 1 (no oracle needed): `migrate config --format json` on every fixture that has a
//! committed `fixtures/compose/<name>/expected.json` (docker-compose 2.26.1's output, written
//! by `scripts/refresh-oracle-expectations`) prints that same value. Tier 2
//! (`tier2_loader.rs`) checks these files against the live docker-compose.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

mod loader_fixtures;
mod support;

use std::fmt::Write as _;

use loader_fixtures::{PLACEHOLDER, diff, fixtures, fixtures_root, json, migrate};

#[test]
fn migrate_config_prints_the_committed_docker_compose_output() {
    let root = fixtures_root().to_string_lossy().into_owned();
    let mut checked = Vec::new();
    let mut failures = String::new();
    for fx in fixtures() {
        let Ok(text) = std::fs::read_to_string(fx.dir.join("expected.json")) else {
            continue;
        };
        checked.push(fx.name.clone());
        let expected = json(&text.replace(PLACEHOLDER, &root), "expected.json").unwrap();
        match migrate(&fx, "json").and_then(|t| json(&t, "migrate output")) {
            Ok(ours) => {
                if ours != expected {
                    let mut lines = Vec::new();
                    diff(&ours, &expected, "", &mut lines, 12);
                    let _ = writeln!(failures, "{} (docker-compose = expected.json):", fx.name);
                    let _ = writeln!(failures, "{}", lines.join("\n"));
                }
            }
            Err(e) => {
                let _ = writeln!(failures, "{}: {e}", fx.name);
            }
        }
    }
    // The pin must cover the per-key fixtures and the realistic projects.
    for prefix in ["key-", "project-"] {
        let n = checked.iter().filter(|n| n.starts_with(prefix)).count();
        assert!(
            n >= 10,
            "only {n} `{prefix}*` fixtures have an expected.json"
        );
    }
    assert!(failures.is_empty(), "{failures}");
    eprintln!(
        "tier 1: migrate config equals the pinned docker-compose output on {} fixtures",
        checked.len()
    );
}

/// Service keys docker-compose 2.26.1 rejects (newer than it): no oracle output exists.
const NEWER_THAN_ORACLE: &[&str] = &["models", "provider", "pull_refresh_after", "use_api_socket"];

fn compose_texts(dir: &std::path::Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            compose_texts(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            out.push('\n');
        }
    }
}

/// Every service key of the Compose Specification is used (at service level) by at least one
/// `key-*` fixture, so the oracle tier sees each of them.
#[test]
fn every_service_key_has_a_key_fixture() {
    let mut text = String::new();
    for fx in fixtures().iter().filter(|f| f.name.starts_with("key-")) {
        compose_texts(&fx.dir, &mut text);
    }
    let missing: Vec<&str> = transship_ir::SERVICE_KEYS
        .iter()
        .copied()
        .filter(|k| !NEWER_THAN_ORACLE.contains(k))
        .filter(|k| !text.lines().any(|l| l.starts_with(&format!("    {k}:"))))
        .collect();
    assert!(
        missing.is_empty(),
        "service keys without a key-* fixture: {missing:?}"
    );
}

fn migrate_in(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(support::migrate_bin());
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", "/home/transship-fixture")
        .arg("config")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    support::run_with_timeout(&mut cmd, 60)
}

#[test]
fn bad_input_is_a_located_error_on_stderr_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: localhost/app:1\n    ports:\n      - \"80:80/tcpx\"\n",
    )
    .unwrap();
    let out = migrate_in(dir.path(), &["--format", "json"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
    let file = dir.path().join("compose.yaml");
    assert!(
        stderr.starts_with(&format!("{}:5:9: services.web.ports", file.display())),
        "file:line:col and key path first: {stderr}"
    );
    assert!(
        stderr.contains("80:80/tcpx"),
        "snippet of the line: {stderr}"
    );
}

#[test]
fn warnings_go_to_stderr_and_the_output_stays_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: localhost/app:${UNSET_TAG}\n",
    )
    .unwrap();
    for format in ["json", "yaml"] {
        let out = migrate_in(dir.path(), &["--format", format], &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
        assert!(
            stderr.contains("UNSET_TAG"),
            "a warning names the variable: {stderr}"
        );
        assert!(
            stderr.contains(&format!("{}:3:", dir.path().join("compose.yaml").display())),
            "the warning is located: {stderr}"
        );
        assert!(
            !stdout.contains("UNSET_TAG") && stdout.contains("localhost/app:"),
            "{stdout}"
        );
    }
}

#[test]
fn yaml_is_the_default_format_and_reads_back_to_the_json_output() {
    let dir = fixtures_root().join("project-webapp");
    let yaml_out = migrate_in(&dir, &[], &[]);
    let json_out = migrate_in(&dir, &["--format", "json"], &[]);
    assert!(yaml_out.status.success() && json_out.status.success());
    let yaml_text = String::from_utf8(yaml_out.stdout).unwrap();
    let from_yaml = loader_fixtures::yaml(&yaml_text, "migrate yaml output").unwrap();
    let from_json = json(&String::from_utf8(json_out.stdout).unwrap(), "json").unwrap();
    // The JSON output has `command: null`/`entrypoint: null` and empty objects the YAML
    // leaves out (docker-compose does the same); everything else is the same value.
    let web_yaml = &from_yaml["services"]["web"];
    let web_json = &from_json["services"]["web"];
    assert_eq!(web_yaml["ports"], web_json["ports"]);
    assert_eq!(web_yaml["healthcheck"], web_json["healthcheck"]);
    assert_eq!(web_yaml["environment"], web_json["environment"]);
    assert_eq!(from_yaml["volumes"], from_json["volumes"]);
    assert!(
        yaml_text.starts_with("name: project-webapp\nservices:\n"),
        "{yaml_text}"
    );
}

#[test]
fn quiet_only_validates() {
    let good = fixtures_root().join("project-webapp");
    let out = migrate_in(&good, &["-q"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: x\n    restart: sometimes\n",
    )
    .unwrap();
    let out = migrate_in(dir.path(), &["--quiet"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("compose.yaml:4:"));
}
