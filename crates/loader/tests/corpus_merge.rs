//! Conformance tier: compose-go's override triplets (`base.yaml`, `override.yaml`,
//! `expected.yaml`) from `<repo>/../shared/corpus/compose-go-override/`: the raw merge of
//! base and override must equal expected as values (spans ignored; mappings unordered,
//! sequences ordered, as compose-go's own test compares them).
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use transship_ir::FileId;
use transship_loader::merge::merge;
use transship_loader::tree::Node;
use transship_loader::yaml::{Limits, parse, to_json};

fn corpus_dir() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    [
        repo.join("../shared/corpus/compose-go-override"),
        PathBuf::from("/work/shared/corpus/compose-go-override"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

fn load(path: &Path, id: u32) -> Node {
    let text = std::fs::read_to_string(path).unwrap();
    let mut docs = parse(&text, FileId(id), path, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(docs.len(), 1, "{}", path.display());
    docs.remove(0)
}

#[test]
fn compose_go_override_triplets() {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let Some(dir) = corpus_dir() else {
        assert!(
            !in_ci,
            "the compose-go override corpus (../shared/corpus) is required in CI"
        );
        eprintln!("SKIPPED [conformance] compose-go override corpus not found next to the repo");
        return;
    };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 50,
        "only {} triplets in {}",
        cases.len(),
        dir.display()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if KNOWN_DIFFERENCES.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let base = load(&case.join("base.yaml"), 0);
        let over = load(&case.join("override.yaml"), 1);
        let want = to_json(&load(&case.join("expected.yaml"), 2));
        match merge(base, over) {
            Ok(got) => {
                let got = to_json(&got);
                if got != want {
                    failures.push(format!("{name}:\n  got:  {got}\n  want: {want}"));
                }
            }
            Err(e) => failures.push(format!("{name}: error {e}")),
        }
    }
    println!(
        "{} of {} triplets pass ({} known differences)",
        cases.len() - KNOWN_DIFFERENCES.len() - failures.len(),
        cases.len(),
        KNOWN_DIFFERENCES.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Triplets we do not match, with the reason.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];
