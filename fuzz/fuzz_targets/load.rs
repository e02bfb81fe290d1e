//! Feeds arbitrary bytes to the YAML parser, interpolation, merge and the dotenv parser:
//! any input must give `Ok` or an error, never a panic, and stay within the loader's limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use transship_ir::FileId;
use transship_loader::{dotenv, interpolate, merge, yaml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lookup = |name: &str| (name.len() % 2 == 0).then(|| format!("v{name}"));
    let _ = dotenv::parse(text, &lookup);
    let _ = dotenv::parse_raw(text);
    let _ = interpolate::interpolate_str(text, &lookup);
    let limits = yaml::Limits::default();
    let Ok(docs) = yaml::parse(text, FileId(0), Path::new("fuzz.yaml"), &limits) else {
        return;
    };
    let mut merged: Option<transship_loader::tree::Node> = None;
    for mut doc in docs {
        let mut warnings = Vec::new();
        if interpolate::interpolate_tree(&mut doc, &lookup, "", &mut warnings).is_err() {
            continue;
        }
        merged = match merged {
            None => Some(doc.clone()),
            Some(base) => merge::merge(base, doc).ok(),
        };
    }
    if let Some(mut m) = merged {
        merge::strip_tags(&mut m);
        merge::enforce_unicity(&mut m);
        let _ = yaml::to_json(&m);
    }
});
