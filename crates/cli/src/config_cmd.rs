//! `migrate config`: print the project as Docker Compose would see it.

use std::io::Write as _;
use std::process::ExitCode;

use transship_ir::{Project, Span};
use transship_loader::LoadOptions;
use transship_loader::render::{compose_json_text, compose_yaml};

use crate::{ConfigArgs, EXIT_ERROR, EXIT_OK, ProjectArgs};

/// The loader's options for the project flags (positional FILEs first, then `-f` files),
/// with the real process environment and working directory. A file named `-` (`-f -`) is
/// standard input, read here once, whole, as Compose does; the loader names it `-` in spans
/// and takes relative paths in it from the working directory (or `--project-directory`).
pub(crate) fn load_options(
    inputs: &[std::path::PathBuf],
    args: &ProjectArgs,
) -> Result<LoadOptions, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut files = inputs.to_vec();
    files.extend(args.files.iter().cloned());
    let stdin = read_stdin_if_asked(&files)?;
    Ok(LoadOptions {
        files,
        project_name: args.project_name.clone(),
        project_directory: args.project_directory.clone(),
        env_files: args.env_files.clone(),
        profiles: args.profiles.clone(),
        // Variables whose name or value is not UTF-8 cannot be used by a Compose file.
        environment: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
        cwd,
        limits: None,
        stdin,
        services: Vec::new(),
    })
}

/// True when one of the files is standard input (`-`).
pub(crate) fn reads_stdin(files: &[std::path::PathBuf]) -> bool {
    files
        .iter()
        .any(|f| f.as_os_str() == transship_loader::pipeline::STDIN_NAME)
}

/// Standard input, when a `-f -` asks for it (read once, whole, as Compose does).
fn read_stdin_if_asked(files: &[std::path::PathBuf]) -> Result<Option<String>, String> {
    if !reads_stdin(files) {
        return Ok(None);
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
        .map_err(|e| format!("cannot read the Compose file from standard input: {e}"))?;
    Ok(Some(text))
}

/// `file:line:column: ` for a span, or nothing for a synthetic one.
fn location(project: &Project, span: Span) -> String {
    let Some(file) = project.files.get(span.file.0 as usize) else {
        return String::new();
    };
    if span.is_synthetic() {
        format!("{}: ", file.path.display())
    } else {
        format!("{}:{}:{}: ", file.path.display(), span.line, span.column)
    }
}

pub(crate) fn run(args: ConfigArgs) -> ExitCode {
    let opts = match load_options(&[], &args.project).map(|o| LoadOptions {
        services: args.services.clone(),
        ..o
    }) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("migrate: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let project = match transship_loader::load(&opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    for w in &project.warnings {
        eprintln!("warning: {}{}", location(&project, w.span), w.value);
    }
    if args.quiet {
        return ExitCode::from(EXIT_OK);
    }
    let text = if args.format == "json" {
        compose_json_text(&project)
    } else {
        compose_yaml(&project)
    };
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`migrate config | head`) is not worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("migrate: cannot write the output: {e}");
        }
        return ExitCode::from(EXIT_ERROR);
    }
    ExitCode::from(EXIT_OK)
}
