//! `migrate diff [FILE]... --to TARGET --against DIR`: what writing the target's files into
//! DIR would change (see `transship_diff`). Reads DIR, never writes it.
//!
//! Exit codes as diff(1): 0 no difference, 1 differences, 2 error.

use std::hash::{BuildHasher, Hasher};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use transship_diff::render::{self, Sides};
use transship_diff::{NewFile, OldFile, Options};

use crate::load::load_options;
use crate::targets;
use crate::{ColorChoice, DiffArgs, DiffFormat, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Target};

fn fail(msg: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "migrate diff: {msg}");
    ExitCode::from(EXIT_ERROR)
}

pub(crate) fn run(args: &DiffArgs) -> ExitCode {
    let Some(dir) = &args.against else {
        return fail(
            "--against DIR is required (the ssh and two-revision forms are not built yet)",
        );
    };
    if !dir.is_dir() {
        return fail(&format!("{}: not a directory", dir.display()));
    }
    let configured =
        match targets::configure(args.to.unwrap_or(Target::Podman), &args.target.options()) {
            Ok(c) => c,
            Err(m) => return fail(&m),
        };
    let opts = match load_options(&args.inputs, &args.project) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let project = match transship_loader::load(&opts) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let output = match configured.translator.translate(&project) {
        Ok(o) => o,
        Err(e) => return fail(&e.to_string()),
    };
    let new: Vec<NewFile> = output
        .artifacts
        .iter()
        .map(|a| NewFile {
            path: a.path.to_string_lossy().replace('\\', "/"),
            contents: a.contents.clone(),
            secret: a.secret,
        })
        .collect();
    let old = match read_dir_files(dir) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    if args.show_secrets {
        let _ = writeln!(
            std::io::stderr(),
            "migrate diff: --show-secrets: secret values are shown in this output"
        );
    }
    let report = transship_diff::diff(
        &new,
        &old,
        &Options {
            project: &project.name.value,
            show_secrets: args.show_secrets,
            salt: salt(),
            context: 3,
        },
    );
    let dir_text = dir.display().to_string();
    let sides = Sides {
        old: dir_text.trim_end_matches('/'),
        new: "generated",
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let text = match (args.format, args.stat) {
        (DiffFormat::Json, _) => render::json(&report),
        (DiffFormat::Markdown, _) => render::markdown(&report, sides),
        (DiffFormat::Text, true) => render::stat(&report),
        (DiffFormat::Text, false) => render::text(&report, sides, color),
    };
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(EXIT_ERROR);
    }
    if report.has_changes() {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::from(EXIT_OK)
    }
}

/// A fresh random salt for this run's masks (std's randomly keyed hasher).
fn salt() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x7472_616e_7373_6869);
    h.finish()
}

/// Every regular file under `dir` (recursively, symlinks to files followed, migrate's own
/// staging temporaries skipped), with `/`-separated relative paths.
fn read_dir_files(dir: &Path) -> Result<Vec<OldFile>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else {
                continue; // a dangling link: nothing to compare
            };
            if meta.is_dir() {
                stack.push(path);
                continue;
            }
            if !meta.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".migrate-") && name.ends_with(".tmp") {
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            // Unreadable (another user's 0600 file) or not text: compared as unknown.
            let contents = std::fs::read(&path)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            out.push(OldFile {
                path: rel,
                contents,
            });
        }
    }
    Ok(out)
}
