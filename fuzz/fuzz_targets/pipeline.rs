//! The whole pipeline on arbitrary bytes: a Compose file (read as `-`, as `migrate` reads
//! standard input) -> load -> IR -> `migrate config`'s renderers -> every translator in a few
//! configurations -> `migrate diff` of each output against itself and an empty directory ->
//! `migrate check` with every profile and the translator's ledger -> the
//! checker's mechanical fixes. Any input must end in `Ok` or an error, never a panic, and:
//! - the ledger of every translation has exactly one entry per IR key path;
//! - the fixes of one run apply cleanly to the text they were computed on;
//! - what `migrate config` prints loads again.
//!
//! Time and memory are bounded by the loader's limits; run it with libFuzzer's own bounds
//! (`-timeout=10 -rss_limit_mb=2048`, see docs/decisions.md).
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use transship_check::fix::{Patch, apply_edits};
use transship_check::{CheckOptions, Context, Selection, Sources};
use transship_ir::Project;
use transship_loader::LoadOptions;
use transship_loader::render::{compose_json_text, compose_yaml};
use transship_quadlet::{PodmanVersion, QuadletTranslator};
use transship_diff::render::{self, Sides};
use transship_diff::{NewFile, OldFile, Options as DiffOptions};
use transship_translate::{Translator, completeness};

/// An empty working directory for every run (no `.env`, no files to include).
fn cwd() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("transship-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

fn load(text: &str) -> Option<Project> {
    let mut environment = BTreeMap::new();
    environment.insert("TAG".to_owned(), "1.0".to_owned());
    environment.insert("DB_PASSWORD".to_owned(), "pw-from-env".to_owned());
    let opts = LoadOptions {
        files: vec![PathBuf::from("-")],
        project_name: Some("fuzz".to_owned()),
        environment,
        cwd: cwd().clone(),
        stdin: Some(text.to_owned()),
        ..LoadOptions::default()
    };
    transship_loader::load(&opts).ok()
}

/// `migrate diff` of the output against itself (no change) and against an empty directory.
fn diff_against_itself_and_nothing(project: &Project, out: &transship_translate::Output) {
    let new: Vec<NewFile> = out
        .artifacts
        .iter()
        .map(|a| NewFile {
            path: a.path.to_string_lossy().into_owned(),
            contents: a.contents.clone(),
            secret: a.secret,
        })
        .collect();
    let old: Vec<OldFile> = new
        .iter()
        .map(|n| OldFile {
            path: n.path.clone(),
            contents: Some(n.contents.clone()),
        })
        .collect();
    let opts = DiffOptions {
        project: &project.name.value,
        show_secrets: false,
        salt: 7,
        context: 3,
    };
    let same = transship_diff::diff(&new, &old, &opts);
    assert!(!same.has_changes(), "an output differs from itself");
    let fresh = transship_diff::diff(&new, &[], &opts);
    let sides = Sides {
        old: "old",
        new: "new",
    };
    let _ = render::text(&fresh, sides, true);
    let _ = render::json(&fresh);
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the translator configuration; the rest is the Compose file.
    let Some((&knobs, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Some(project) = load(text) else {
        return;
    };

    // `migrate config`: both renderings, and the YAML one is a Compose file again. (Not the
    // same one: like `docker compose config`, it escapes `$` as `$$` also where Compose
    // does not interpolate, in mapping keys, so the output is no fixed point.)
    let _ = compose_json_text(&project);
    let yaml = compose_yaml(&project);
    if load(&yaml).is_none() {
        panic!("`migrate config` output does not load:\n{yaml}");
    }

    let versions = [PodmanVersion::MIN, PodmanVersion::new(4, 8), PodmanVersion::MAX];
    let translator = QuadletTranslator {
        version: versions[usize::from(knobs) % versions.len()],
        user: knobs & 0x04 != 0,
        pod: knobs & 0x08 != 0,
        inline_env: knobs & 0x10 != 0,
    };
    let ledger = match translator.translate(&project) {
        Ok(out) => {
            if let Err(gaps) = completeness::check(&project, &out.ledger) {
                panic!("--to podman ledger incomplete: {gaps}");
            }
            diff_against_itself_and_nothing(&project, &out);
            Some(out.ledger)
        }
        Err(_) => None,
    };

    // The text of the file read as `-`; the checker finds nothing else to patch.
    let sources = Sources::from_texts(
        project
            .files
            .iter()
            .map(|f| (f.path.as_os_str() == "-").then(|| text.to_owned()))
            .collect(),
    );
    let options = CheckOptions {
        rootless: knobs & 0x20 != 0,
        production: knobs & 0x40 != 0,
        require_digests: knobs & 0x80 != 0,
        target: ledger.as_ref().map(|_| "podman".to_owned()),
    };
    let ctx = Context {
        project: &project,
        host: None,
        options: &options,
        sources: &sources,
        ledger: ledger.as_ref(),
    };
    let findings = transship_check::run(&ctx, &Selection::default());
    let patch = Patch::from_findings(&findings);
    for (file, edits) in &patch.files {
        if let Some(src) = sources.text(*file) {
            if let Err(e) = apply_edits(src, edits) {
                panic!("fixes of one run do not apply to their own text: {e}");
            }
        }
    }
});
