//! Every bad-input fixture (`fixtures/compose-errors/<name>/compose.yaml`) fails to load with
//! its expected message (`expected-error.txt`, a substring) located at `compose.yaml:LINE:COL`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod fixture_support;

use fixture_support::{fixture_dirs, options};

/// `compose.yaml:L:C` with L and C positive numbers.
fn located(message: &str) -> bool {
    message.match_indices("compose.yaml:").any(|(i, m)| {
        let rest = &message[i + m.len()..];
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().unwrap_or_default();
        let col = parts.next().unwrap_or_default();
        let pos = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && s != "0";
        pos(line) && pos(col)
    })
}

#[test]
fn located_matcher() {
    assert!(located("/x/compose.yaml:4:5: services.web: bad"));
    assert!(!located("/x/compose.yaml: bad"));
    assert!(!located("/x/compose.yaml:0:0: bad"));
}

#[test]
fn every_error_fixture_fails_with_its_located_message() {
    let dirs = fixture_dirs("compose-errors");
    assert!(
        dirs.len() >= 20,
        "expected the error fixtures, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(dir.join("expected-error.txt"))
            .unwrap_or_else(|_| panic!("{name}: expected-error.txt missing"));
        let expected = expected.trim_end_matches('\n');
        match transship_loader::load(&options(dir)) {
            Ok(_) => failures.push(format!("{name}: loaded without error")),
            Err(e) => {
                let text = e.to_string();
                if !text.contains(expected) {
                    failures.push(format!(
                        "{name}: error does not contain {expected:?}:\n{text}"
                    ));
                } else if !located(&text) {
                    failures.push(format!(
                        "{name}: error is not located at compose.yaml:LINE:COL:\n{text}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
