use std::path::PathBuf;

/// Index into [`crate::Project::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// Where a value came from: file, 1-based line and 1-based column.
///
/// A span with `line == 0` marks a value the loader synthesized (a default, the implicit
/// `default` network); it then points at the file whose content made it necessary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
}

impl Span {
    pub const fn new(file: FileId, line: u32, column: u32) -> Self {
        Self { file, line, column }
    }

    /// A span for a value the loader made up (no source text).
    pub const fn synthetic(file: FileId) -> Self {
        Self {
            file,
            line: 0,
            column: 0,
        }
    }

    pub const fn is_synthetic(&self) -> bool {
        self.line == 0
    }
}

/// A value with the span of the text that supplied it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub const fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            span: self.span,
        }
    }

    pub const fn as_ref(&self) -> Spanned<&T> {
        Spanned {
            value: &self.value,
            span: self.span,
        }
    }
}

/// A file that contributed to the project (Compose file, override, extends/include target,
/// `.env`, `env_file`, `label_file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Absolute path as the loader opened it.
    pub path: PathBuf,
    pub kind: SourceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A `-f` file or a discovered compose file (including override files).
    Compose,
    /// A file reached through `extends.file`.
    Extends,
    /// A file reached through `include`.
    Include,
    /// The project `.env` or an `--env-file`.
    DotEnv,
    /// A service `env_file`.
    EnvFile,
    /// A service `label_file`.
    LabelFile,
}
