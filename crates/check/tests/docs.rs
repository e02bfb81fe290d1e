//! `docs/checks.md` is generated from the rule registry; this test fails when it is stale.
//! Regenerate with `TRANSSHIP_BLESS=1 cargo test -p transship-check --test docs`.
#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn checks_md_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md");
    let generated = transship_check::doc::markdown();
    if std::env::var("TRANSSHIP_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/checks.md is stale: run TRANSSHIP_BLESS=1 cargo test -p transship-check --test docs"
    );
}

#[test]
fn every_rule_is_documented_in_checks_md_with_its_explain_text() {
    let md = transship_check::doc::markdown();
    for rule in transship_check::RULES {
        assert!(
            md.contains(&format!("## {} {}", rule.code, rule.name)),
            "{}",
            rule.code
        );
        let explain = transship_check::doc::explain(rule);
        for (title, body) in transship_check::doc::sections(rule.doc) {
            assert!(
                explain.contains(title) && explain.contains(body),
                "{} {title}",
                rule.code
            );
            assert!(md.contains(body), "{} {title}", rule.code);
        }
    }
}
