//! Tier 1 (no oracle needed): `migrate config --format json` on every fixture that has a
//! committed `fixtures/compose/<name>/expected.json` (docker-compose 2.26.1's output, written
//! by `scripts/refresh-oracle-expectations`) prints that same value. Tier 2
//! (`tier2_loader.rs`) checks these files against the live docker-compose.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

mod loader_fixtures;
mod support;

use std::fmt::Write as _;

use loader_fixtures::{PLACEHOLDER, diff, fixtures, fixtures_root, json, migrate, normalize};

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
                let (ours, expected) = (normalize(ours), normalize(expected));
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
