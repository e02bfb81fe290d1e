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

impl LoadError {
    /// Attaches the file (and, when the error has a line, a snippet of `text`) to an error a
    /// stage produced without knowing its file (e.g. [`crate::interpolate::interpolate_tree`]).
    #[must_use]
    pub fn in_file(mut self, path: &std::path::Path, text: &str) -> Self {
        if self.file.is_none() {
            self.file = Some(path.to_path_buf());
        }
        if self.snippet.is_none() && self.line > 0 {
            self.snippet = snippet(text, self.line, self.column);
        }
        self
    }
}

/// A [`LoadError`] located at `span`: fills `file`, `line`, `column` from the span and
/// `files[span.file]`, and a snippet (the source line plus a caret under the column) read
/// from that file. Used by every loader stage for its located errors.
pub fn locate(
    files: &[transship_ir::SourceFile],
    span: transship_ir::Span,
    key_path: &str,
    message: impl Into<String>,
) -> LoadError {
    let path = usize::try_from(span.file.0)
        .ok()
        .and_then(|i| files.get(i))
        .map(|f| f.path.clone());
    let snippet = match (&path, span.line) {
        (Some(p), line) if line > 0 => std::fs::read_to_string(p)
            .ok()
            .and_then(|text| snippet(&text, span.line, span.column)),
        _ => None,
    };
    LoadError {
        file: path,
        line: span.line,
        column: span.column,
        key_path: key_path.to_owned(),
        message: message.into(),
        snippet,
    }
}

/// Like [`locate`], for a file whose text is at hand (no re-reading).
pub fn locate_in(
    path: &std::path::Path,
    text: &str,
    line: u32,
    column: u32,
    key_path: &str,
    message: impl Into<String>,
) -> LoadError {
    LoadError {
        file: Some(path.to_path_buf()),
        line,
        column,
        key_path: key_path.to_owned(),
        message: message.into(),
        snippet: if line > 0 {
            snippet(text, line, column)
        } else {
            None
        },
    }
}

/// The `line`-th (1-based) line of `text` with a caret under the 1-based character `column`:
///
/// ```text
///   3 |     image: [oops
///     |            ^
/// ```
pub fn snippet(text: &str, line: u32, column: u32) -> Option<String> {
    const MAX_SHOWN: usize = 200;
    let idx = usize::try_from(line.checked_sub(1)?).ok()?;
    let src = text.lines().nth(idx)?;
    let src = src.strip_suffix('\r').unwrap_or(src);
    let col = usize::try_from(column.max(1) - 1).unwrap_or(0);
    // Keep long lines readable: show a window around the column.
    let chars: Vec<char> = src.chars().collect();
    let start = col.saturating_sub(MAX_SHOWN / 2).min(chars.len());
    let end = (start + MAX_SHOWN).min(chars.len());
    let shown: String = chars[start..end].iter().collect();
    let pad: String = chars[start..col.min(chars.len()).max(start)]
        .iter()
        .map(|c| if *c == '\t' { '\t' } else { ' ' })
        .collect();
    let num = line.to_string();
    let gutter = " ".repeat(num.len());
    let ellipsis = if start > 0 { "..." } else { "" };
    let pad_extra = if start > 0 { "   " } else { "" };
    Some(format!(
        "{num} | {ellipsis}{shown}\n{gutter} | {pad_extra}{pad}^"
    ))
}
