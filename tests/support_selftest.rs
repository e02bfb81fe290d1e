//! Tier 1: the shared test helpers in `tests/support` do what the other tiers rely on.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn run_with_timeout_kills_a_hanging_command_and_its_children() {
    // a duration unique to this process marks our sleeps in `ps`
    let secs = 100_000 + std::process::id();
    let marker = format!("sleep {secs}");
    let start = Instant::now();
    // a child of the shell that would outlive it, plus the shell itself hanging
    let out = support::run_with_timeout(
        Command::new("sh").args(["-c", &format!("{marker} & {marker}")]),
        1,
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("killed after 1 s"), "{stderr}");
    let ps = Command::new("ps")
        .args(["-eo", "args"])
        .output()
        .expect("ps");
    assert!(
        !String::from_utf8_lossy(&ps.stdout).contains(&marker),
        "the command survived its timeout"
    );
}

#[test]
fn run_with_timeout_returns_output_and_status() {
    let out = support::run_with_timeout(
        Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
        30,
    );
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "out\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "err\n");
    let missing = support::run_with_timeout(&mut Command::new("/nonexistent/tool"), 5);
    assert_eq!(missing.status.code(), Some(127));
}

#[test]
fn unique_names_differ_and_name_the_process() {
    let a = support::unique_name("x");
    let b = support::unique_name("x");
    assert_ne!(a, b);
    assert!(a.contains(&std::process::id().to_string()), "{a}");
}

#[test]
fn tool_finds_path_programs_and_reports_missing_ones() {
    assert!(support::tool("sh").is_some(), "sh on PATH");
    assert!(support::tool("no-such-tool-transship").is_none());
    // quadlet is looked up only in the tools dir, never on PATH
    let q = support::tool("quadlet");
    if let Some(q) = q {
        assert!(q.starts_with(support::tools_dir()), "{}", q.display());
    }
}
