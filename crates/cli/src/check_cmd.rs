//! `migrate check`: what will break on the target.
//!
//! Loads the project, gathers or loads host facts, runs the rules of `transship-check`,
//! renders the findings (text, JSON, SARIF), shows (`--diff`) or applies (`--fix`) the
//! mechanical fixes, and picks the exit code (`--fail-on`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use transship_check::fix::{Patch, apply_edits, unified_diff};
use transship_check::host::{self, HostFacts};
use transship_check::{CheckOptions, Context, Finding, Selection, Severity, Sources};
use transship_ir::{Project, Span, VolumeType};
use transship_translate::Ledger;
use transship_verify::PodmanCli;

use crate::load::load_project;
use crate::targets::{self, ConfigureError, TargetOptions};
use crate::{CheckArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Target};

mod render;
mod sarif;
#[cfg(test)]
mod tests;

pub(crate) use render::display_paths;

/// Where the host facts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FactsSource {
    Live,
    None,
    File(PathBuf),
}

impl FactsSource {
    fn parse(s: Option<&str>) -> Self {
        match s {
            None => {
                if cfg!(target_os = "linux") {
                    Self::Live
                } else {
                    Self::None
                }
            }
            Some("live") => Self::Live,
            Some("none") => Self::None,
            Some(path) => Self::File(PathBuf::from(path)),
        }
    }
}

/// The project's device nodes and bind-mount sources, to record in live host facts.
pub(crate) fn project_host_paths(project: &Project) -> (Vec<String>, Vec<String>) {
    let mut devices = Vec::new();
    let mut paths = Vec::new();
    for svc in project.services.values() {
        for d in &svc.devices {
            devices.push(d.value.source.clone());
        }
        for v in &svc.volumes {
            if v.value.kind == VolumeType::Bind {
                if let Some(s) = &v.value.source {
                    paths.push(s.clone());
                }
            }
        }
    }
    devices.sort();
    devices.dedup();
    paths.sort();
    paths.dedup();
    (devices, paths)
}

fn load_with(opts: &transship_loader::LoadOptions) -> Result<Project, String> {
    transship_loader::load(opts).map_err(|e| e.to_string())
}

/// The texts of the project's files for snippets and fixes: read from disk, except the
/// Compose file that came from standard input (`-f -`), whose text is `stdin`.
fn sources(project: &Project, stdin: Option<&str>) -> Sources {
    let mut sources = Sources::read(project);
    if let Some(text) = stdin {
        sources = Sources::from_texts(
            project
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    if is_stdin(f) {
                        Some(text.to_owned())
                    } else {
                        sources
                            .text(transship_ir::FileId(i as u32))
                            .map(str::to_owned)
                    }
                })
                .collect(),
        );
    }
    sources
}

/// The Compose file the loader read from standard input (named `-`).
fn is_stdin(f: &transship_ir::SourceFile) -> bool {
    f.kind == transship_ir::SourceKind::Compose
        && f.path.as_os_str() == transship_loader::pipeline::STDIN_NAME
}

/// Everything a check run produced (what the renderers and tests need).
pub(crate) struct Report {
    pub project: Project,
    pub sources: Sources,
    pub findings: Vec<Finding>,
    pub facts_source: FactsSource,
}

/// Loads the project and runs the rules; `Err` is a message for exit code 2.
/// `stdin` is the text of a Compose file read from standard input, if any.
pub(crate) fn check_project(
    args: &CheckArgs,
    project: Project,
    stdin: Option<&str>,
) -> Result<Report, String> {
    let facts_source = FactsSource::parse(args.host_facts.as_deref());
    let facts = match &facts_source {
        FactsSource::Live => {
            let (devices, paths) = project_host_paths(&project);
            Some(host::gather(&PodmanCli, &devices, &paths))
        }
        FactsSource::None => None,
        FactsSource::File(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("--host-facts {}: {e}", p.display()))?;
            Some(HostFacts::from_json(&text).map_err(|e| format!("{}: {e}", p.display()))?)
        }
    };
    let options = CheckOptions {
        rootless: args.rootless,
        production: args.production,
        require_digests: args.require_digests,
        target: args.to.map(|t| target_name(t).to_owned()),
    };
    let ledger = match args.to {
        Some(t) => Some(ledger_for(t, args, &project)?),
        None => None,
    };
    let sources = sources(&project, stdin);
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let findings = {
        let ctx = Context {
            project: &project,
            host: facts.as_ref(),
            options: &options,
            sources: &sources,
            ledger: ledger.as_ref(),
        };
        transship_check::run(&ctx, &selection)
    };
    Ok(Report {
        project,
        sources,
        findings,
        facts_source,
    })
}

fn target_name(t: Target) -> &'static str {
    targets::info(t).name
}

/// The `--to` target's ledger, from the registry's translator (check's `--rootless` is the
/// target's rootless install).
fn ledger_for(t: Target, args: &CheckArgs, project: &Project) -> Result<Ledger, String> {
    let opts = TargetOptions {
        version: args.podman_version.as_deref(),
        user: args.rootless,
        ..TargetOptions::default()
    };
    let name = target_name(t);
    let configured = targets::info(t).configure(&opts).map_err(|e| match e {
        ConfigureError::NotImplemented => format!(
            "--to {name}: the target-gap check for this target is not available yet (available: {})",
            targets::available()
        ),
        ConfigureError::Option(m) => m,
    })?;
    configured
        .translator
        .translate(project)
        .map(|o| o.ledger)
        .map_err(|e| format!("--to {name}: {e}"))
}

fn fail_threshold(s: &str) -> Option<Severity> {
    Severity::parse(s)
}

pub(crate) fn run(args: CheckArgs) -> ExitCode {
    if let Some(code) = &args.explain {
        return match transship_check::find_rule(code) {
            Some(rule) => {
                print!("{}", transship_check::doc::explain(rule));
                ExitCode::from(EXIT_OK)
            }
            None => {
                eprintln!(
                    "migrate check: no rule `{code}`; the rules are listed in docs/checks.md"
                );
                ExitCode::from(EXIT_ERROR)
            }
        };
    }
    if args.dump_host_facts {
        let (devices, paths) = if args.inputs.is_empty() && args.project.files.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            match load_project(&args.inputs, &args.project) {
                Ok(p) => project_host_paths(&p),
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(EXIT_ERROR);
                }
            }
        };
        println!("{}", host::gather(&PodmanCli, &devices, &paths).to_json());
        return ExitCode::from(EXIT_OK);
    }
    let opts = match crate::load::load_options(&args.inputs, &args.project) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("migrate: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if args.fix && opts.stdin.is_some() {
        eprintln!(
            "migrate check --fix: a Compose file read from standard input (-f -) cannot be fixed in place; use --diff to see the fixes"
        );
        return ExitCode::from(EXIT_ERROR);
    }
    let project = match load_with(&opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let report = match check_project(&args, project, opts.stdin.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("migrate check: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let paths = display_paths(&report.project, &cwd);
    match args.format.as_str() {
        "json" => println!("{}", render::json(&report, &paths)),
        "sarif" => println!("{}", sarif::sarif(&report, &paths)),
        _ => print!("{}", render::text(&report, &paths)),
    }
    if args.diff || args.fix {
        let patch = Patch::from_findings(&report.findings);
        if args.diff {
            // The diff goes to stdout after text output, to stderr next to JSON/SARIF (which
            // must stay parseable).
            let d = diff_text(&report, &patch, &paths);
            if args.format == "text" {
                print!("{d}");
            } else {
                eprint!("{d}");
            }
        }
        match (args.diff, args.fix) {
            (true, false) => {}
            _ => match apply_fixes(&report, &patch, &args) {
                Ok(msg) => eprintln!("{msg}"),
                Err(e) => {
                    eprintln!("migrate check --fix: {e}");
                    return ExitCode::from(EXIT_ERROR);
                }
            },
        }
    }
    let failing = fail_threshold(&args.fail_on)
        .is_some_and(|min| report.findings.iter().any(|f| f.severity >= min));
    ExitCode::from(if failing { EXIT_FINDINGS } else { EXIT_OK })
}

/// The unified diff of every file the patch touches.
pub(crate) fn diff_text(report: &Report, patch: &Patch, paths: &[String]) -> String {
    let mut out = String::new();
    for (file, edits) in &patch.files {
        let Some(old) = report.sources.text(*file) else {
            continue;
        };
        match apply_edits(old, edits) {
            Ok(new) => {
                let (old, new) = mask_secret_lines(report, *file, old, &new);
                out.push_str(&unified_diff(&paths[file.0 as usize], &old, &new));
            }
            Err(e) => out.push_str(&format!(
                "# {}: patch not applicable: {e}\n",
                paths[file.0 as usize]
            )),
        }
    }
    out
}

/// Both texts with the value of every line that holds a secret (a `sensitive` finding)
/// replaced by `********`, so diffs never show secret values, not even as context.
fn mask_secret_lines(
    report: &Report,
    file: transship_ir::FileId,
    old: &str,
    new: &str,
) -> (String, String) {
    let mut masks: Vec<(String, String)> = Vec::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.sensitive && f.span.file == file)
    {
        if let Some(line) = report.sources.line(file, f.span.line) {
            let keep: String = line
                .chars()
                .take(f.span.column.saturating_sub(1) as usize)
                .collect();
            masks.push((line.to_owned(), format!("{keep}********")));
        }
    }
    let apply = |text: &str| -> String {
        text.split_inclusive('\n')
            .map(|l| {
                let body = l.trim_end_matches(['\n', '\r']);
                match masks.iter().find(|(orig, _)| orig == body) {
                    Some((_, masked)) => format!("{masked}{}", &l[body.len()..]),
                    None => l.to_owned(),
                }
            })
            .collect()
    };
    (apply(old), apply(new))
}

/// Writes the patched files: refuses when a file changed since it was loaded, keeps the
/// original as `FILE.bak`, writes atomically (temporary file + rename), then re-loads the
/// project and restores the originals if it no longer loads.
pub(crate) fn apply_fixes(
    report: &Report,
    patch: &Patch,
    args: &CheckArgs,
) -> Result<String, String> {
    if patch.is_empty() {
        return Ok("no mechanical fixes to apply".to_owned());
    }
    let mut planned: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    for (file, edits) in &patch.files {
        let path = report.project.files[file.0 as usize].path.clone();
        let loaded = report
            .sources
            .text(*file)
            .ok_or_else(|| format!("{}: source text not available", path.display()))?;
        let now = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if now != loaded {
            return Err(format!(
                "{} changed since it was loaded; not touching it",
                path.display()
            ));
        }
        let new = apply_edits(loaded, edits).map_err(|e| format!("{}: {e}", path.display()))?;
        planned.insert(path, (loaded.to_owned(), new));
    }
    for (path, (old, new)) in &planned {
        let bak = bak_path(path);
        std::fs::write(&bak, old).map_err(|e| format!("{}: {e}", bak.display()))?;
        write_atomic(path, new)?;
    }
    if let Err(e) = load_project(&args.inputs, &args.project) {
        for (path, (old, _)) in &planned {
            let _ = write_atomic(path, old);
        }
        return Err(format!(
            "the fixed files no longer load, originals restored: {e}"
        ));
    }
    Ok(format!(
        "applied {} fix(es) to {} file(s); originals kept as *.bak{}",
        patch.applied.len(),
        planned.len(),
        if patch.skipped.is_empty() {
            String::new()
        } else {
            format!(
                "; {} overlapping fix(es) left for another run",
                patch.skipped.len()
            )
        }
    ))
}

fn bak_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".bak");
    PathBuf::from(s)
}

fn write_atomic(path: &Path, text: &str) -> Result<(), String> {
    crate::write::replace_file(path, text).map_err(|e| e.to_string())
}

/// Span to `(path, line, column)` for renderers.
pub(crate) fn location(paths: &[String], span: Span) -> (String, u32, u32) {
    (
        paths.get(span.file.0 as usize).cloned().unwrap_or_default(),
        span.line,
        span.column,
    )
}
