//! `docs/targets/podman.md` is generated from the code (see `transship_cli::docs`); this
//! test regenerates it and fails when the committed file differs.
//!
//! Refresh it with `UPDATE_DOCS=1 cargo test -p transship-cli --test docs_fresh` or
//! `cargo run -q -- docs podman > docs/targets/podman.md`.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::path::PathBuf;

fn doc_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

#[test]
fn podman_target_doc_is_fresh() {
    assert_fresh(
        transship_cli::docs::PODMAN_DOC,
        &transship_cli::docs::podman_markdown(),
    );
}

#[test]
fn targets_index_is_fresh() {
    let generated = transship_cli::docs::targets_markdown();
    for name in [
        "`podman`",
        "`systemd`",
        "`kube`",
        "`buildah`",
        "`nerdctl`",
        "`containerd`",
    ] {
        assert!(generated.contains(&format!("| {name} |")), "{name} missing");
    }
    assert_fresh(transship_cli::docs::TARGETS_DOC, &generated);
}

fn assert_fresh(rel: &str, generated: &str) {
    let path = doc_path(rel);
    if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
        eprintln!("docs_fresh: wrote {}", path.display());
        return;
    }
    let hint = "regenerate it with `UPDATE_DOCS=1 cargo test -p transship-cli --test docs_fresh` \
                (or `cargo run -q -- docs podman > docs/targets/podman.md`), review, and commit";
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; {hint}", path.display()));
    if committed != *generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "{} is stale (first difference at line {}):\n  committed: {:?}\n  generated: {:?}\n{hint}",
            path.display(),
            first + 1,
            committed.lines().nth(first),
            generated.lines().nth(first)
        );
    }
}

#[test]
fn the_document_covers_every_sample_and_version() {
    let doc = transship_cli::docs::podman_markdown();
    for s in transship_cli::docs::samples() {
        assert!(doc.contains(&format!("\n### {}\n", s.title)), "{}", s.title);
    }
    for v in ["4.4", "5.0", "5.4", "5.8"] {
        assert!(doc.contains(&format!(" {v} |")), "version {v} missing");
    }
    // Some samples must differ between versions, or the table says nothing.
    assert!(
        doc.contains("4.4 – "),
        "no version range at all in the document"
    );
    assert!(
        !doc.contains("| error |"),
        "a sample failed:\n{}",
        doc.lines()
            .filter(|l| l.contains("| error |"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
