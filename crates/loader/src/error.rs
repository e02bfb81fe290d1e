//! The one error type of the loader: located, with the key path and what was expected.

use std::fmt;
use std::path::PathBuf;

/// A load failure. Displayed as
/// `file:line:column: services.web.ports[1]: message` followed by a source snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file at fault (absolute or as given); `None` when no file is involved.
    pub file: Option<PathBuf>,
    /// 1-based; 0 when unknown.
    pub line: u32,
    /// 1-based; 0 when unknown.
    pub column: u32,
    /// Dotted key path (`services.web.ports[1]`); empty when not applicable.
    pub key_path: String,
    /// What went wrong and what was expected.
    pub message: String,
    /// The offending source line with a caret under the column, when available.
    pub snippet: Option<String>,
}

impl LoadError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            file: None,
            line: 0,
            column: 0,
            key_path: String::new(),
            message: message.into(),
            snippet: None,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if self.line > 0 {
                write!(f, ":{}:{}", self.line, self.column)?;
            }
            write!(f, ": ")?;
        }
        if !self.key_path.is_empty() {
            write!(f, "{}: ", self.key_path)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(snippet) = &self.snippet {
            write!(f, "\n{snippet}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}
