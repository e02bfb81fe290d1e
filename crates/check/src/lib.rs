//! `migrate check`: rules that say what will break on the target before cutover.
//!
//! The crate is a rule registry in the style of a linter:
//! - one file per rule under [`rules`], holding its code (`RL001`, `PR001`, `TG001`; codes are
//!   never reused), name, severity, documentation ([`Rule::doc`], with the fixed sections of
//!   [`doc::SECTIONS`]) and the check itself, a function over a [`Context`];
//! - one table, [`registry::RULES`], lists every rule. Adding a rule touches its file and that
//!   table;
//! - host facts ([`host::HostFacts`]) are plain data: gathered from the live host, loaded from
//!   JSON, or absent (then host-dependent findings are marked [`Finding::conditional`]);
//! - fixes ([`fix`]) are text edits at the spans of the original files, so formatting and
//!   comments survive.
//!
//! This crate returns data only; rendering (text, JSON, SARIF) and printing live in the CLI.

use std::fmt;

use transship_ir::Span;

pub mod context;
pub mod doc;
pub mod fix;
pub mod host;
pub mod registry;
pub mod rules;
pub mod source;
pub mod util;

pub use context::{CheckOptions, Context};
pub use fix::{Edit, Fix};
pub use host::HostFacts;
pub use registry::{RULES, Rule, find_rule};
pub use source::Sources;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Self::Info),
            "warning" => Some(Self::Warning),
            "error" => Some(Self::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which family a rule belongs to; decides when it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Rootless Podman traps (`RL…`): run with `--rootless`.
    Rootless,
    /// Production hygiene that is always checked (`PR…`).
    Hygiene,
    /// The production review profile (`PR…`): run with `--production`.
    Production,
    /// What the `--to` target cannot express (`TG…`): run with `--to`.
    Target,
}

impl Category {
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Rootless => "rootless",
            Self::Hygiene => "hygiene",
            Self::Production => "production",
            Self::Target => "target",
        }
    }
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's code (`RL001`).
    pub code: &'static str,
    pub severity: Severity,
    /// One sentence: what is wrong, with the value that triggered it.
    pub message: String,
    /// Where (the value's span; synthetic spans point at a file without a line).
    pub span: Span,
    /// Dotted key path (`services.web.ports[0]`).
    pub key_path: String,
    /// The host fact that decided it (`net.ipv4.ip_unprivileged_port_start = 1024`).
    pub host_fact: Option<String>,
    /// How to fix it, with a mechanical patch when there is one.
    pub fix: Option<Fix>,
    /// True when the outcome depends on a host fact that is unknown (`--host-facts none`,
    /// or a fact that could not be gathered).
    pub conditional: bool,
    /// True when the value at the span is secret: renderers must not show the source text
    /// from the span's column on.
    pub sensitive: bool,
}

impl Finding {
    /// A finding with the rule's code and severity; fill the rest with the builder methods.
    pub fn new(
        rule: &Rule,
        span: Span,
        key_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code: rule.code,
            severity: rule.severity,
            message: message.into(),
            span,
            key_path: key_path.into(),
            host_fact: None,
            fix: None,
            conditional: false,
            sensitive: false,
        }
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn fact(mut self, fact: impl Into<String>) -> Self {
        self.host_fact = Some(fact.into());
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn fix_text(mut self, text: impl Into<String>) -> Self {
        self.fix = Some(Fix::text(text));
        self
    }

    pub fn conditional(mut self, conditional: bool) -> Self {
        self.conditional = conditional;
        self
    }
}

/// Which rules run: by category (from the options) and by `--select` / `--ignore` code
/// prefixes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Code prefixes to keep (`RL`, `RL00`, `PR003`); empty keeps every enabled rule.
    pub select: Vec<String>,
    /// Code prefixes to drop; wins over `select`.
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn allows(&self, code: &str) -> bool {
        let pick = |p: &String| code.starts_with(p.to_ascii_uppercase().as_str());
        (self.select.is_empty() || self.select.iter().any(pick)) && !self.ignore.iter().any(pick)
    }
}

/// True when a rule of this category runs under these options. A rule named explicitly in
/// `--select` (full code) runs even when its category is not enabled.
pub fn category_enabled(options: &CheckOptions, category: Category) -> bool {
    match category {
        Category::Rootless => options.rootless,
        Category::Hygiene => true,
        Category::Production => options.production,
        Category::Target => options.target.is_some(),
    }
}

/// Runs every enabled and selected rule; findings sorted by file, line, column, code.
pub fn run(ctx: &Context<'_>, selection: &Selection) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        let explicitly = selection
            .select
            .iter()
            .any(|s| s.eq_ignore_ascii_case(rule.code));
        if !(category_enabled(ctx.options, rule.category) || explicitly) {
            continue;
        }
        if !selection.allows(rule.code) {
            continue;
        }
        out.extend((rule.check)(ctx));
    }
    out.sort_by(|a, b| {
        (a.span.file, a.span.line, a.span.column, a.code, &a.key_path).cmp(&(
            b.span.file,
            b.span.line,
            b.span.column,
            b.code,
            &b.key_path,
        ))
    });
    out
}
