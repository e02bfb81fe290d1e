//! Tier 2: the reference tools (oracles) run here and behave as the other tiers rely on:
//! docker-compose 2.x `config --format json`, quadlet 5.4.2 `-dryrun`, `systemd-analyze
//! verify`, and shellcheck on the project's scripts.
#![allow(clippy::print_stderr)]

mod support;

use std::path::PathBuf;
use std::process::Command;

const TIER: &str = "tier 2";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    repo().join("fixtures").join(rel)
}

fn smoke_config(env: &[(&str, &str)]) -> serde_json::Value {
    support::docker_compose_config(&["-f", "compose.yaml"], &fixture("compose/env-smoke"), env)
        .expect("docker-compose config on fixtures/compose/env-smoke")
}

#[test]
fn docker_compose_config_interpolates_dotenv_defaults_and_ports() {
    if support::require_tool(TIER, "docker-compose").is_none() {
        return;
    }
    let cfg = smoke_config(&[("HOST_PORT", "9090")]);
    assert_eq!(cfg["name"], "env-smoke");
    let web = &cfg["services"]["web"];
    // ${TAG:-1}: default; ${INNER_PORT}: from .env; ${WHO:-world}: .env beats the default
    assert_eq!(web["image"], "localhost/transship-busybox:1");
    assert_eq!(web["command"][3], "80");
    assert_eq!(web["environment"]["GREETING"], "hello dotenv");
    // `$$` stays escaped in docker-compose's output (normalize before comparing)
    assert_eq!(web["environment"]["LITERAL"], "costs $$5");
    let port = &web["ports"][0];
    assert_eq!(port["host_ip"], "127.0.0.1");
    assert_eq!(port["target"], 80);
    assert_eq!(port["published"], "9090");
    assert_eq!(port["protocol"], "tcp");
    // a `default` network is added
    assert!(cfg["networks"]["default"].is_object(), "{cfg:#}");
}

#[test]
fn docker_compose_config_sees_only_the_given_environment() {
    if support::require_tool(TIER, "docker-compose").is_none() {
        return;
    }
    // the caller's environment beats .env; without HOST_PORT the default applies
    let cfg = smoke_config(&[("WHO", "caller"), ("TAG", "2")]);
    let web = &cfg["services"]["web"];
    assert_eq!(web["environment"]["GREETING"], "hello caller");
    assert_eq!(web["image"], "localhost/transship-busybox:2");
    assert_eq!(web["ports"][0]["published"], "8080");
}

#[test]
fn docker_compose_config_reports_a_missing_required_variable() {
    if support::require_tool(TIER, "docker-compose").is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  a:\n    image: \"x:${NEED_ME:?set NEED_ME please}\"\n",
    )
    .expect("write compose.yaml");
    let err = support::docker_compose_config(&["-f", "compose.yaml"], dir.path(), &[])
        .expect_err("a missing required variable must fail");
    assert!(err.contains("set NEED_ME please"), "{err}");
    let ok =
        support::docker_compose_config(&["-f", "compose.yaml"], dir.path(), &[("NEED_ME", "7")])
            .expect("with NEED_ME set");
    assert_eq!(ok["services"]["a"]["image"], "x:7");
}

#[test]
fn the_bundled_example_is_valid_compose() {
    if support::require_tool(TIER, "docker-compose").is_none() {
        return;
    }
    let cfg = support::docker_compose_config(
        &["-f", "compose.yaml"],
        &repo().join("examples/webapp"),
        &[],
    )
    .expect("docker-compose config on examples/webapp");
    let services = cfg["services"].as_object().expect("services");
    let mut names: Vec<&str> = services.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["app", "cache", "db", "web"]);
    // values from examples/webapp/.env reach the services
    assert_eq!(
        cfg["services"]["app"]["environment"]["DATABASE_URL"],
        "postgres://webapp:example-not-a-secret@db:5432/webapp"
    );
    assert_eq!(
        cfg["services"]["app"]["depends_on"]["db"]["condition"],
        "service_healthy"
    );
}

/// The README's first command, written to a directory, is accepted by quadlet 5.4.2 and
/// its units pass `systemd-analyze verify` without a word.
#[test]
fn the_bundled_example_converts_to_quadlets_that_quadlet_accepts() {
    if support::require_tool(TIER, "quadlet").is_none()
        || support::require_tool(TIER, "systemd-analyze").is_none()
        || support::require_tool(TIER, "podman").is_none()
    {
        return;
    }
    let out_dir = tempfile::tempdir().expect("tempdir");
    let target = out_dir.path().join("quadlets");
    let out = support::run_with_timeout(
        Command::new(support::migrate_bin())
            .arg(repo().join("examples/webapp/compose.yaml"))
            .args(["--to", "podman", "-o"])
            .arg(&target),
        120,
    );
    assert!(
        out.status.success(),
        "{}",
        support::describe_failure("migrate examples/webapp --to podman -o DIR", &out)
    );
    let units = support::quadlet_dryrun(&target).expect("quadlet -dryrun on the example");
    for service in ["web", "app", "db", "cache"] {
        assert!(
            units
                .lines()
                .any(|l| l.starts_with("---") && l.contains(service) && l.ends_with(".service---")),
            "no unit for {service}:\n{units}"
        );
    }
    support::systemd_analyze_verify(&target).expect("systemd-analyze verify on the example");
}

#[test]
fn quadlet_dryrun_accepts_the_hand_written_container_and_network() {
    if support::require_tool(TIER, "quadlet").is_none() {
        return;
    }
    let units = support::quadlet_dryrun(&fixture("quadlet/hand-written"))
        .expect("quadlet 5.4.2 accepts fixtures/quadlet/hand-written");
    assert!(units.contains("---web.service---"), "{units}");
    assert!(units.contains("---app-network.service---"), "{units}");
    let exec = units
        .lines()
        .find(|l| l.starts_with("ExecStart=/usr/bin/podman run "))
        .unwrap_or_else(|| panic!("no podman run ExecStart in:\n{units}"));
    for arg in [
        "--name hand-written-web",
        "--network systemd-app",
        "--publish 127.0.0.1:8080:80",
        "--env GREETING=hello",
        "localhost/transship-busybox:1 httpd -f -p 80 -h /www",
    ] {
        assert!(exec.contains(arg), "{arg:?} missing from {exec}");
    }
    assert!(units.contains("Requires=app-network.service"), "{units}");
    assert!(
        units.contains("podman network create --ignore --subnet 10.89.7.0/24 systemd-app"),
        "{units}"
    );
}

#[test]
fn quadlet_dryrun_rejects_a_key_newer_than_5_4() {
    if support::require_tool(TIER, "quadlet").is_none() {
        return;
    }
    let err = support::quadlet_dryrun(&fixture("quadlet/unknown-key"))
        .expect_err("quadlet 5.4.2 must reject Memory= (5.5+)");
    assert!(err.contains("unsupported key 'Memory'"), "{err}");
}

#[test]
fn systemd_analyze_verify_is_silent_on_the_generated_units() {
    if support::require_tool(TIER, "quadlet").is_none()
        || support::require_tool(TIER, "systemd-analyze").is_none()
    {
        return;
    }
    // ExecStart=/usr/bin/podman must exist for verify to pass.
    if support::require_tool(TIER, "podman").is_none() {
        return;
    }
    support::systemd_analyze_verify(&fixture("quadlet/hand-written"))
        .expect("systemd-analyze verify prints nothing on the hand-written units");
}

#[test]
fn systemd_analyze_verify_catches_bad_service_values() {
    if support::require_tool(TIER, "quadlet").is_none()
        || support::require_tool(TIER, "systemd-analyze").is_none()
    {
        return;
    }
    let err = support::systemd_analyze_verify(&fixture("quadlet/bad-service-values"))
        .expect_err("Restart=sometimes and an unknown key must be reported");
    assert!(err.contains("sometimes"), "{err}");
    assert!(err.contains("NoSuchServiceKey"), "{err}");
}

fn shell_scripts() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("scripts"))
        .expect("read scripts/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|s| {
                s.starts_with("#!/usr/bin/env bash")
                    || s.starts_with("#!/bin/bash")
                    || s.starts_with("#!/bin/sh")
            })
        })
        .collect();
    files.push(repo().join(".ci/run"));
    files.sort();
    files
}

#[test]
fn shellcheck_passes_on_the_scripts() {
    let Some(sc) = support::require_tool(TIER, "shellcheck") else {
        return;
    };
    let files = shell_scripts();
    assert!(
        files.iter().any(|p| p.ends_with("setup-test-env")),
        "scripts/setup-test-env not found among {files:?}"
    );
    let out = support::run_with_timeout(Command::new(sc).args(&files), 120);
    assert!(
        out.status.success(),
        "shellcheck {files:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_tools_are_the_pinned_versions() {
    let Some(q) = support::require_tool(TIER, "quadlet") else {
        return;
    };
    let v = support::run_ok(Command::new(q).arg("-version"), 30).expect("quadlet -version");
    assert_eq!(v.trim(), "5.4.2", "quadlet version");
    let Some(dc) = support::require_tool(TIER, "docker-compose") else {
        return;
    };
    let v = support::run_ok(Command::new(dc).args(["version", "--short"]), 30)
        .expect("docker-compose version");
    assert!(
        v.trim().starts_with("2."),
        "docker-compose must be 2.x, is {v}"
    );
}
