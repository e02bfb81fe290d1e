//! Tier 1: end-to-end tests of the `migrate` binary's command line (no tools needed).
#![allow(clippy::unwrap_used)]

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

/// `migrate` in `cwd` with `input` on standard input.
fn migrate_piped(cwd: &std::path::Path, args: &[&str], input: &str) -> Output {
    support::run_with_input(
        Command::new(support::migrate_bin())
            .current_dir(cwd)
            .args(args),
        Some(input.as_bytes()),
        60,
    )
}

const PRIVILEGED: &str = "services:\n  web:\n    image: localhost/web:1\n    privileged: true\n    volumes:\n      - ./data:/data\n";

#[test]
fn check_reads_a_compose_file_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("checked");
    std::fs::create_dir(&work).unwrap();
    // A file literally named `-` is not what is checked (nor quoted in snippets).
    std::fs::write(work.join("-"), "services: {decoy: {image: x}}\n").unwrap();
    let o = migrate_piped(
        &work,
        &["check", "-f", "-", "--host-facts", "none", "--diff"],
        PRIVILEGED,
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    // Located as `-:line:col`, like `migrate config` and Compose name standard input, with
    // the snippet taken from what was piped.
    assert!(
        out.contains("--> -:4:17 (services.web.privileged)"),
        "{out}"
    );
    assert!(out.contains("   4|     privileged: true"), "{out}");
    assert!(!out.contains("decoy"), "{out}");

    let o = migrate_piped(
        &work,
        &[
            "check",
            "-f",
            "-",
            "--host-facts",
            "none",
            "--format",
            "json",
        ],
        PRIVILEGED,
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key_path"] == "services.web.privileged")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(f["file"], "-");
    assert_eq!(f["line"], 4);

    // Standard input cannot be rewritten: --fix refuses before touching anything.
    let o = migrate_piped(
        &work,
        &["check", "-f", "-", "--host-facts", "none", "--fix"],
        PRIVILEGED,
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("standard input"), "{err}");
    assert_eq!(
        std::fs::read_to_string(work.join("-")).unwrap(),
        "services: {decoy: {image: x}}\n"
    );
    assert!(!work.join("-.bak").exists());
}
