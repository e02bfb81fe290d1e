//! Tier 1: end-to-end tests of the `migrate` binary's command line (no tools needed).

mod support;

use std::process::{Command, Output};

fn migrate(args: &[&str]) -> Output {
    support::run_with_timeout(Command::new(support::migrate_bin()).args(args), 60)
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_exits_zero_and_lists_the_subcommands() {
    let out = migrate(&["--help"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    for sub in ["config", "check", "diff", "verify", "--to"] {
        assert!(
            stdout.contains(sub),
            "--help does not mention {sub}:\n{stdout}"
        );
    }
}

#[test]
fn version_exits_zero_and_prints_the_package_version() {
    let out = migrate(&["--version"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(
        stdout.starts_with("migrate "),
        "unexpected --version: {stdout}"
    );
    assert!(
        stdout.contains(env!("CARGO_PKG_VERSION")),
        "--version does not print {}: {stdout}",
        env!("CARGO_PKG_VERSION")
    );
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["config", "check", "diff", "verify"] {
        let out = migrate(&[sub, "--help"]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{sub} --help: {stderr}");
        assert!(
            stdout.contains("Usage:"),
            "{sub} --help has no usage:\n{stdout}"
        );
    }
}

#[test]
fn no_arguments_exits_2_with_a_hint() {
    let out = migrate(&[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stderr.contains("--help") || stderr.contains("Usage"),
        "no helpful message on stderr: {stderr}"
    );
}

#[test]
fn unknown_target_exits_2_and_names_the_valid_ones() {
    let out = migrate(&["compose.yaml", "--to", "rkt"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("rkt"),
        "error does not name the bad value: {stderr}"
    );
    assert!(
        stderr.contains("podman"),
        "error does not list valid targets: {stderr}"
    );
}

#[test]
fn unknown_flag_exits_2() {
    let out = migrate(&["--no-such-flag"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("--no-such-flag"), "stderr: {stderr}");
}

fn example() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/webapp/compose.yaml")
}

/// The README's first command: `migrate examples/webapp/compose.yaml --to podman`.
#[test]
fn the_readme_example_converts_to_quadlets() {
    let example = example();
    let out = migrate(&[example.to_str().expect("utf-8 path"), "--to", "podman"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    for service in ["web", "app", "db", "cache"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(service) && l.contains(".container")),
            "no .container for service {service} in:\n{stdout}"
        );
    }
    assert!(stdout.contains("[Container]"), "{stdout}");
    // values from examples/webapp/.env were interpolated
    assert!(
        stdout.contains("webapp:1.4.2"),
        "APP_TAG from .env: {stdout}"
    );
}
