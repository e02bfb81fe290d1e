//! `migrate config`: print the project as Docker Compose would see it.

use std::io::Write as _;
use std::process::ExitCode;

use transship_ir::{Project, Span};
use transship_loader::LoadOptions;
use transship_loader::render::{compose_json_text, compose_yaml};

use crate::load::load_options;
use crate::{ConfigArgs, EXIT_ERROR, EXIT_OK};

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
