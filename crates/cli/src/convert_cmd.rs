//! The default form: `migrate [FILE]... --to TARGET [-o DIR]`.
//!
//! Load the project, translate it, then either print every generated file to stdout
//! (without `-o`) or write them into DIR atomically without clobbering (see [`crate::write`]),
//! and report the ledger (see [`crate::report`]):
//!
//! | `--report` | `-o DIR` | stdout | stderr |
//! |---|---|---|---|
//! | text (default) | no | the files, each after a `# ==> name <==` line | warnings, the ledger report |
//! | text | yes | nothing | warnings, what was written, the ledger report |
//! | full | as text | as text | as text, the ledger report listing every service |
//! | json | no | the files | one JSON document (ledger, warnings, files) |
//! | json | yes | one JSON document (ledger, warnings, files and what was done to each) | nothing |
//!
//! Exit codes: 0 done; 1 with `--strict` when a key was approximated or unsupported (the
//! files are still printed or written); 2 bad input (located load error), bad usage, a
//! refused write, or a target that is not built yet.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use transship_ir::Project;
use transship_translate::{Artifact, Output};

use crate::load::load_options;
use crate::report::{self, ReportContext};
use crate::targets::{self, TargetDescription};
use crate::write::{self, WriteOutcome};
use crate::{ConvertArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, ReportFormat, Target};

/// The separator line printed before each file on stdout.
pub fn separator(a: &Artifact) -> String {
    if a.secret {
        format!(
            "# ==> {} (mode {:04o}, secret) <==",
            a.path.display(),
            write::mode_of(a)
        )
    } else {
        format!("# ==> {} <==", a.path.display())
    }
}

/// What stands in for a secret-bearing file's content on stdout.
pub const SECRET_PLACEHOLDER: &str = "# (secret content, written only with -o)";

/// Every artifact, separated, as printed without `-o`. Secret contents are never included.
pub fn render_files(artifacts: &[Artifact]) -> String {
    let mut s = String::new();
    for (i, a) in artifacts.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&separator(a));
        s.push('\n');
        if a.secret {
            s.push_str(SECRET_PLACEHOLDER);
            s.push('\n');
        } else {
            s.push_str(&a.contents);
            if !a.contents.ends_with('\n') {
                s.push('\n');
            }
        }
    }
    s
}

fn out(s: &str) -> bool {
    let mut o = io::stdout().lock();
    o.write_all(s.as_bytes()).and_then(|()| o.flush()).is_ok()
}

fn err(s: &str) {
    let mut e = io::stderr().lock();
    let _ = e.write_all(s.as_bytes());
    let _ = e.flush();
}

/// Pretty JSON and a final newline, buffered, onto `w`; false when the stream is closed.
fn write_json(w: impl Write, doc: &impl Serialize) -> bool {
    let mut w = io::BufWriter::new(w);
    serde_json::to_writer_pretty(&mut w, doc).is_ok()
        && w.write_all(b"\n").is_ok()
        && w.flush().is_ok()
}

pub(crate) fn run(args: ConvertArgs) -> ExitCode {
    let configured =
        match targets::configure(args.to.unwrap_or(Target::Podman), &args.target.options()) {
            Ok(c) => c,
            Err(m) => {
                err(&format!("migrate: {m}\n"));
                return ExitCode::from(EXIT_ERROR);
            }
        };
    let opts = match load_options(&args.inputs, &args.project) {
        Ok(o) => o,
        Err(e) => {
            err(&format!("migrate: {e}\n"));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let project = match transship_loader::load(&opts) {
        Ok(p) => p,
        Err(e) => {
            err(&format!("error: {e}\n"));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if args.target.inline_env {
        err(
            "warning: --inline-env: secret-bearing environment values are written into the unit files, which every local user can read (and quadlet copies them into ExecStart=, shown by `systemctl show`)\n",
        );
    }
    let ctx = ReportContext::from_project(&project, Some(&opts.cwd));
    let output = match configured.translator.translate(&project) {
        Ok(o) => o,
        Err(e) => {
            let at = e
                .span
                .map(|s| format!("{}: ", ctx.location(s)))
                .unwrap_or_default();
            err(&format!("error: {at}{e}\n"));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    finish(
        &args,
        &project,
        &ctx,
        &output,
        &configured.title,
        &configured.description,
    )
}

/// Prints or writes the files, reports, and picks the exit code.
fn finish(
    args: &ConvertArgs,
    project: &Project,
    ctx: &ReportContext,
    output: &Output,
    title: &str,
    target: &TargetDescription,
) -> ExitCode {
    // With --force, what the replaced files change (read before they are replaced).
    let replaced_stat = match &args.output {
        Some(dir) if args.force => replaced_stat(dir, project, &output.artifacts),
        _ => None,
    };
    let written: Option<WriteOutcome> = match &args.output {
        None => {
            if !out(&render_files(&output.artifacts)) {
                // stdout closed (e.g. `| head`): nothing more to say there.
                return ExitCode::from(EXIT_ERROR);
            }
            None
        }
        Some(dir) => match write::write_artifacts(dir, &output.artifacts, args.force) {
            Ok(w) => Some(w),
            Err(e) => {
                err(&format!("migrate: {e}\n"));
                return ExitCode::from(EXIT_ERROR);
            }
        },
    };
    match args.report {
        ReportFormat::Text | ReportFormat::Full => {
            let mut s = String::new();
            for w in &project.warnings {
                s.push_str(&format!("warning: {}: {}\n", ctx.location(w.span), w.value));
            }
            if let (Some(dir), Some(written)) = (&args.output, &written) {
                s.push_str(&render_written(dir, written));
                if let Some(stat) = replaced_stat.filter(|_| {
                    written
                        .files
                        .iter()
                        .any(|w| w.action == write::Action::Replaced)
                }) {
                    s.push_str("what the replaced files changed (migrate diff --stat):\n");
                    s.push_str(&stat);
                }
                s.push('\n');
            }
            s.push_str(&if args.report == ReportFormat::Full {
                report::render_text_full(&output.ledger, ctx, title)
            } else {
                report::render_text(&output.ledger, ctx, title)
            });
            err(&s);
        }
        ReportFormat::Json => {
            let doc = json_document(target, project, ctx, output, written.as_ref());
            // Streamed straight to the stream (no document-sized string in memory).
            let to_stdout = args.output.is_some();
            let ok = if to_stdout {
                write_json(io::stdout().lock(), &doc)
            } else {
                write_json(io::stderr().lock(), &doc)
            };
            if !ok && to_stdout {
                return ExitCode::from(EXIT_ERROR);
            }
        }
    }
    if args.strict && !output.ledger.is_clean() {
        let c = report::Counts::of(&output.ledger.entries);
        if args.report != ReportFormat::Json {
            err(&format!(
                "migrate: --strict: {} approximated and {} unsupported key(s)\n",
                c.approximated, c.unsupported
            ));
        }
        return ExitCode::from(EXIT_FINDINGS);
    }
    ExitCode::from(EXIT_OK)
}

/// `migrate diff --stat` lines of the files of `artifacts` that exist in `dir` with other
/// content (secrets masked), or `None` when none does.
fn replaced_stat(dir: &Path, project: &Project, artifacts: &[Artifact]) -> Option<String> {
    let mut new = Vec::new();
    let mut old = Vec::new();
    for a in artifacts {
        let path = a.path.to_string_lossy().replace('\\', "/");
        let Ok(bytes) = std::fs::read(dir.join(&a.path)) else {
            continue;
        };
        if bytes == a.contents.as_bytes() {
            continue;
        }
        old.push(transship_diff::OldFile {
            path: path.clone(),
            contents: String::from_utf8(bytes).ok(),
        });
        new.push(transship_diff::NewFile {
            path,
            contents: a.contents.clone(),
            secret: a.secret,
        });
    }
    if new.is_empty() {
        return None;
    }
    let report = transship_diff::diff(
        &new,
        &old,
        &transship_diff::Options {
            project: &project.name.value,
            show_secrets: false,
            salt: 0,
            context: 0,
        },
    );
    let stat = transship_diff::render::stat(&report);
    // Without the total line: the write report counts the files.
    Some(
        stat.lines()
            .filter(|l| l.starts_with("changed"))
            .map(|l| format!("  {l}\n"))
            .collect(),
    )
}

/// `N files in DIR: ...` with one line per file, and the stale temporaries removed.
pub fn render_written(dir: &Path, outcome: &WriteOutcome) -> String {
    let written = &outcome.files;
    let count = |a: write::Action| written.iter().filter(|w| w.action == a).count();
    let mut parts = Vec::new();
    for a in [
        write::Action::Created,
        write::Action::Replaced,
        write::Action::ModeFixed,
        write::Action::Unchanged,
    ] {
        let n = count(a);
        if n > 0 {
            parts.push(format!("{n} {}", a.label()));
        }
    }
    let mut s = format!(
        "{} file{} in {}: {}\n",
        written.len(),
        if written.len() == 1 { "" } else { "s" },
        dir.display(),
        parts.join(", ")
    );
    if written.iter().all(|w| w.action == write::Action::Unchanged) {
        s.push_str("nothing to change: every file is already as generated; nothing was written\n");
    }
    for w in written {
        s.push_str(&format!(
            "  {:<10} {}{}\n",
            w.action.label(),
            w.path.display(),
            if w.secret { " (secret, 0600)" } else { "" }
        ));
    }
    if !outcome.stale_removed.is_empty() {
        let n = outcome.stale_removed.len();
        s.push_str(&format!(
            "removed {n} stale temporary file{} left by an interrupted migrate run\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    s
}

/// One generated file in the `--report json` document.
#[derive(Debug, Serialize)]
pub struct FileJson {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_to: Option<String>,
    pub mode: String,
    pub secret: bool,
    pub action: &'static str,
}

/// A loader warning in the `--report json` document.
#[derive(Debug, Serialize)]
pub struct WarningJson<'a> {
    pub file: Option<&'a str>,
    pub line: u32,
    pub column: u32,
    pub message: &'a str,
}

/// The `--report json` document (see docs/user-guide.md, "Converting").
#[derive(Debug, Serialize)]
pub struct ConvertReport<'a> {
    pub project: &'a str,
    /// The target and the options it ran with (`{name, version, options}`).
    pub target: &'a TargetDescription,
    pub summary: report::CountsJson,
    pub warnings: Vec<WarningJson<'a>>,
    pub files: Vec<FileJson>,
    /// `.migrate-*.tmp` files of an interrupted run that this run removed (with `-o`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale_temporaries_removed: Vec<String>,
    pub entries: report::EntriesJson<'a>,
}

/// The `--report json` document.
pub fn json_document<'a>(
    target: &'a TargetDescription,
    project: &'a Project,
    ctx: &'a ReportContext,
    output: &'a Output,
    written: Option<&WriteOutcome>,
) -> ConvertReport<'a> {
    let ledger = report::ledger_json(&output.ledger, ctx);
    let files: Vec<FileJson> = match written {
        Some(w) => w
            .files
            .iter()
            .map(|w| FileJson {
                path: w.rel.display().to_string(),
                written_to: Some(w.path.display().to_string()),
                mode: format!("{:04o}", w.mode),
                secret: w.secret,
                action: w.action.label(),
            })
            .collect(),
        None => output
            .artifacts
            .iter()
            .map(|a| FileJson {
                path: a.path.display().to_string(),
                written_to: None,
                mode: format!("{:04o}", write::mode_of(a)),
                secret: a.secret,
                action: "printed",
            })
            .collect(),
    };
    let warnings = project
        .warnings
        .iter()
        .map(|w| WarningJson {
            file: ctx.files.get(w.span.file.0 as usize).map(String::as_str),
            line: w.span.line,
            column: w.span.column,
            message: &w.value,
        })
        .collect();
    ConvertReport {
        project: &project.name.value,
        target,
        summary: ledger.summary,
        warnings,
        files,
        stale_temporaries_removed: written
            .map(|w| {
                w.stale_removed
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect()
            })
            .unwrap_or_default(),
        entries: ledger.entries,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::path::PathBuf;

    fn art(path: &str, contents: &str, secret: bool) -> Artifact {
        Artifact {
            path: PathBuf::from(path),
            contents: contents.to_owned(),
            mode: 0o644,
            secret,
        }
    }

    #[test]
    fn printed_files_are_separated_and_secrets_withheld() {
        let s = render_files(&[
            art("demo-app.container", "[Container]\nImage=x\n", false),
            art("demo-token.secret", "hunter2", true),
            art("demo.network", "[Network]", false),
        ]);
        assert_eq!(
            s,
            "# ==> demo-app.container <==\n[Container]\nImage=x\n\n\
             # ==> demo-token.secret (mode 0600, secret) <==\n# (secret content, written only with -o)\n\n\
             # ==> demo.network <==\n[Network]\n"
        );
        assert!(!s.contains("hunter2"));
    }
}
