//! What every translator shares: the [`Translator`] trait, [`Artifact`]s, the [`Ledger`],
//! and the one writer of each output syntax, where its escaping lives: systemd unit syntax
//! ([`unit`](mod@unit)), YAML documents ([`yaml`]) and POSIX shell words ([`shell`]).

use std::fmt;
use std::path::PathBuf;

use transship_ir::{Extensions, Project, Span};

pub mod completeness;
pub mod keys;
pub mod paths;
pub mod secrets;
pub mod shell;
pub mod unit;
pub mod yaml;

pub use keys::ir_key_paths;

/// Why an extension field (`x-*`) is not carried over: Compose ignores it, and so does the
/// target's runtime (`podman`, `kubernetes`, ...).
pub fn extension_reason(runtime: &str) -> String {
    format!("extension field: ignored by Compose and by {runtime}")
}

/// What a top-level extension (`x-common: &common {...}`) becomes on every target. Compose
/// never interprets top-level `x-*` keys: they hold YAML anchors used elsewhere (whose values
/// are already in the keys that use them) or settings for other tools, so nothing is lost and
/// the key is [`Outcome::Translated`] (see [`Ledger::top_level_extension`]).
pub const TOP_LEVEL_EXTENSION_DETAIL: &str =
    "nothing: Compose ignores top-level x- keys (YAML anchors, other tools' settings)";

/// True for the key path of a top-level extension (`x-common`): no other top-level key, and
/// no nested key path, starts with `x-`.
pub fn is_top_level_extension(key_path: &str) -> bool {
    key_path.starts_with("x-")
}

/// A generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the output directory (`myapp-web.container`).
    pub path: PathBuf,
    pub contents: String,
    /// Unix mode to write the file with: `0o644`, or `0o600` when it carries secrets.
    pub mode: u32,
    /// True when the contents include secret material: never print it in diffs or logs.
    pub secret: bool,
}

/// What happened to one Compose key on one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Carried over with the same meaning.
    Translated,
    /// Carried over with a different or weaker meaning; the reason says how.
    Approximated(String),
    /// Not carried over; the reason says why and what to do instead.
    Unsupported(String),
}

impl Outcome {
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Translated => "translated",
            Self::Approximated(_) => "approximated",
            Self::Unsupported(_) => "unsupported",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Translated => None,
            Self::Approximated(r) | Self::Unsupported(r) => Some(r),
        }
    }
}

/// One ledger line: a key path present in the IR, where it came from, and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// `services.web.ports[0]`, `networks.backend.driver`.
    pub key_path: String,
    pub span: Span,
    pub outcome: Outcome,
    /// What it became (`PublishPort=8080:80`), when useful to show.
    pub detail: Option<String>,
}

/// Every key of the IR with its outcome on one target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ledger {
    pub target: String,
    pub entries: Vec<LedgerEntry>,
}

impl Ledger {
    pub fn new(target: impl Into<String>) -> Self {
        Self {
            target: target.into(),
            entries: Vec::new(),
        }
    }

    pub fn push(&mut self, key_path: impl Into<String>, span: Span, outcome: Outcome) {
        self.entries.push(LedgerEntry {
            key_path: key_path.into(),
            span,
            outcome,
            detail: None,
        });
    }

    /// A key carried over as is, with what it became.
    pub fn translated(
        &mut self,
        key_path: impl Into<String>,
        span: Span,
        detail: impl Into<String>,
    ) {
        self.push_detail(key_path, span, Outcome::Translated, detail);
    }

    /// A key carried over with a difference (`reason`), with what it became (may be empty).
    pub fn approximated(
        &mut self,
        key_path: impl Into<String>,
        span: Span,
        reason: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push_detail(key_path, span, Outcome::Approximated(reason.into()), detail);
    }

    /// A key the target cannot carry over, and why.
    pub fn unsupported(
        &mut self,
        key_path: impl Into<String>,
        span: Span,
        reason: impl Into<String>,
    ) {
        self.push(key_path, span, Outcome::Unsupported(reason.into()));
    }

    /// One `unsupported` entry per extension field (`x-*`) of the node at `parent`, each at
    /// its own span ([`extension_reason`] names the target).
    pub fn extension_fields(&mut self, parent: &str, fields: &Extensions, target: &str) {
        for (k, v) in fields {
            let path = keys::child_path(parent, k);
            self.unsupported(path, v.span, extension_reason(target));
        }
    }

    /// A top-level extension (`x-*`): ignored by Compose, so nothing is lost on any target
    /// (translated, with [`TOP_LEVEL_EXTENSION_DETAIL`]).
    pub fn top_level_extension(&mut self, key_path: impl Into<String>, span: Span) {
        self.translated(key_path, span, TOP_LEVEL_EXTENSION_DETAIL);
    }

    /// Like [`Ledger::push`], with what the key became.
    pub fn push_detail(
        &mut self,
        key_path: impl Into<String>,
        span: Span,
        outcome: Outcome,
        detail: impl Into<String>,
    ) {
        self.entries.push(LedgerEntry {
            key_path: key_path.into(),
            span,
            outcome,
            detail: Some(detail.into()),
        });
    }

    /// The set of key paths in the ledger (compare with [`ir_key_paths`]).
    pub fn key_paths(&self) -> std::collections::BTreeSet<String> {
        self.entries.iter().map(|e| e.key_path.clone()).collect()
    }

    /// True when every entry is [`Outcome::Translated`] (what `--strict` demands).
    pub fn is_clean(&self) -> bool {
        self.entries
            .iter()
            .all(|e| e.outcome == Outcome::Translated)
    }
}

/// What a translator produced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Output {
    pub artifacts: Vec<Artifact>,
    pub ledger: Ledger,
}

/// A translation that could not be done at all (not a key that could not be carried over:
/// those go to the ledger).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslateError {
    pub message: String,
    pub span: Option<Span>,
}

impl fmt::Display for TranslateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TranslateError {}

/// A target. Target-specific options live in the implementing struct.
pub trait Translator {
    /// The `--to` name (`podman`, `systemd`, ...).
    fn name(&self) -> &'static str;
    fn translate(&self, project: &Project) -> Result<Output, TranslateError>;
}
