//! `migrate diff [FILE]... --to TARGET --against DIR`: what writing the target's files into
//! DIR would change (see `transship_diff`). Reads DIR, never writes it.
//! `migrate diff OLD NEW --to TARGET`: what going from one Compose file to the other means,
//! service by service, then for the generated files.
//!
//! Exit codes as diff(1): 0 no difference, 1 differences, 2 error.

use std::hash::{BuildHasher, Hasher};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use transship_diff::render::{self, Sides};
use transship_diff::{NewFile, OldFile, Options, semantic};

use crate::load::load_options;
use crate::targets;
use crate::{ColorChoice, DiffArgs, DiffFormat, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Target};

fn fail(msg: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "migrate diff: {msg}");
    ExitCode::from(EXIT_ERROR)
}

pub(crate) fn run(args: &DiffArgs) -> ExitCode {
    if args.show_secrets {
        let _ = writeln!(
            std::io::stderr(),
            "migrate diff: --show-secrets: secret values are shown in this output"
        );
    }
    let Some(dir) = &args.against else {
        if args.inputs.len() == 2 {
            return revisions(args);
        }
        return fail(
            "give --against DIR (what is installed), or two Compose files OLD NEW (the ssh form is not built yet)",
        );
    };
    if !dir.is_dir() {
        return fail(&format!("{}: not a directory", dir.display()));
    }
    let (project, new) = match convert(args, &args.inputs) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let old = match read_dir_files(dir) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
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
    let text = match (args.format, args.stat) {
        (DiffFormat::Json, _) => render::json(&report),
        (DiffFormat::Markdown, _) => render::markdown(&report, sides),
        (DiffFormat::Text, true) => render::stat(&report),
        (DiffFormat::Text, false) => render::text(&report, sides, use_color(args.color)),
    };
    emit(&text, report.has_changes())
}

/// Loads `files` with the project flags and converts them for the target.
fn convert(
    args: &DiffArgs,
    files: &[std::path::PathBuf],
) -> Result<(transship_ir::Project, Vec<NewFile>), ExitCode> {
    let configured = targets::configure(args.to.unwrap_or(Target::Podman), &args.target.options())
        .map_err(|m| fail(&m))?;
    let opts = load_options(files, &args.project).map_err(|e| fail(&e))?;
    let project = transship_loader::load(&opts).map_err(|e| {
        let _ = writeln!(std::io::stderr(), "error: {e}");
        ExitCode::from(EXIT_ERROR)
    })?;
    let output = configured
        .translator
        .translate(&project)
        .map_err(|e| fail(&e.to_string()))?;
    let new = output
        .artifacts
        .iter()
        .map(|a| NewFile {
            path: a.path.to_string_lossy().replace('\\', "/"),
            contents: a.contents.clone(),
            secret: a.secret,
        })
        .collect();
    Ok((project, new))
}

/// `migrate diff OLD NEW --to TARGET`: what a change of the Compose project does, service by
/// service (from both normalized configurations), then to the generated files.
fn revisions(args: &DiffArgs) -> ExitCode {
    let (old_project, old_files) = match convert(args, &args.inputs[..1]) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (new_project, new_files) = match convert(args, &args.inputs[1..]) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let salt = salt();
    let old: Vec<OldFile> = old_files
        .into_iter()
        .map(|f| OldFile {
            path: f.path,
            contents: Some(f.contents),
        })
        .collect();
    let report = transship_diff::diff(
        &new_files,
        &old,
        &Options {
            project: &new_project.name.value,
            show_secrets: args.show_secrets,
            salt,
            context: 3,
        },
    );
    let secret = |service: &str, key: &str| {
        let name = key.rsplit('.').next().unwrap_or(key);
        let env_key = key.strip_prefix("environment.");
        transship_translate::secrets::looks_secret(name)
            || [&old_project, &new_project].iter().any(|p| {
                env_key.is_some_and(|k| {
                    p.services
                        .get(service)
                        .and_then(|s| s.environment.get(k))
                        .is_some_and(|v| p.secret_interpolations.contains(&v.span))
                })
            })
    };
    let services = semantic::services(
        &transship_loader::render::compose_json(&old_project),
        &transship_loader::render::compose_json(&new_project),
        &semantic::Masking {
            secret: &secret,
            show_secrets: args.show_secrets,
            salt,
        },
    );
    let old_name = args.inputs[0].display().to_string();
    let new_name = args.inputs[1].display().to_string();
    let sides = Sides {
        old: &old_name,
        new: &new_name,
    };
    let mut meaning = semantic::text(&services);
    if report.has_changes() && !semantic::has_meaning(&services) {
        meaning.push_str("the generated files differ only in layout or order\n");
    }
    let text = match (args.format, args.stat) {
        (DiffFormat::Json, _) => render::json_with(&report, Some(&services)),
        (DiffFormat::Markdown, _) => format!(
            "{}\n```text\n{meaning}```\n",
            render::markdown(&report, sides).trim_end()
        ),
        (DiffFormat::Text, true) => format!("{meaning}\n{}", render::stat(&report)),
        (DiffFormat::Text, false) => format!(
            "{meaning}\n{}",
            render::text(&report, sides, use_color(args.color))
        ),
    };
    emit(&text, report.has_changes())
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Prints the report; exit 1 when something differs.
fn emit(text: &str, changed: bool) -> ExitCode {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(EXIT_ERROR);
    }
    if changed {
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
