//! Insta snapshots of the IR (with spans) for every fixture in `fixtures/compose/*/`.
//! Absolute paths are written as `$FIXTURE` (the fixture's directory) and `$FIXTURES`
//! (`fixtures/compose`). Review changed `.snap` files like code. A new fixture needs its
//! snapshot accepted once: `INSTA_UPDATE=always cargo test -p transship-loader --test
//! ir_snapshots`, then read the new `.snap` and commit it with the fixture.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixture_support;

use fixture_support::{fixture_dirs, options, redact};

#[test]
fn ir_snapshot_of_every_fixture() {
    let dirs = fixture_dirs("compose");
    assert!(!dirs.is_empty());
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/ir");
    settings.bind(|| {
        for dir in &dirs {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let text = match transship_loader::load(&options(dir)) {
                Ok(project) => format!("{project:#?}"),
                Err(e) => format!("ERROR: {e}"),
            };
            insta::assert_snapshot!(name, redact(&text, dir));
        }
    });
}
