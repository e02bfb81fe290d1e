//! The located errors of the front stages, as a user sees them (`file:line:col: path:
//! message` and the snippet), in one reviewed snapshot.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use transship_ir::FileId;
use transship_loader::interpolate::interpolate_tree;
use transship_loader::yaml::{Limits, parse};

fn error_of(text: &str) -> String {
    let path = Path::new("compose.yaml");
    match parse(text, FileId(0), path, &Limits::default()) {
        Err(e) => e.to_string(),
        Ok(mut docs) => {
            let lookup = |_: &str| None;
            let mut warnings = Vec::new();
            for d in &mut docs {
                if let Err(e) = interpolate_tree(d, &lookup, "", &mut warnings) {
                    return e.in_file(path, text).to_string();
                }
            }
            "no error".to_owned()
        }
    }
}

#[test]
fn front_stage_errors() {
    let cases = [
        "services:\n  web:\n    image: a\n    image: b\n",
        "services:\n  web:\n    labels:\n      010: x\n",
        "services:\n  web:\n    image: [a\n",
        "x: &a [1]\nservices:\n  web:\n    <<: *a\n",
        "services:\n  web:\n    image: \"${TAG!}\"\n",
        "services:\n  web:\n    environment:\n      - \"A=${NEED:?set NEED first}\"\n",
        "a: &a [*a]\n",
        "services:\n  web:\n    image: !!int latest\n",
        "services:\n  web:\n    command: *missing\n",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("--- input:\n{c}--- error:\n{}\n", error_of(c)))
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}
