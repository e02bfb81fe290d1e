//! The text of the project's files, for snippets and for fixes that edit the original text.

use transship_ir::{FileId, Project, Span};

/// File texts indexed by [`FileId`] (`None` when a file could not be read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    texts: Vec<Option<String>>,
}

/// Where a YAML scalar sits in a file: byte range and quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalarExtent {
    /// Byte offset of the first character (the quote, when quoted).
    pub start: usize,
    /// Byte offset just past the last character (past the closing quote).
    pub end: usize,
    /// `Some('"')` / `Some('\'')` when quoted.
    pub quote: Option<char>,
}

impl Sources {
    /// Reads every file of the project (unreadable files become `None`).
    pub fn read(project: &Project) -> Self {
        Self {
            texts: project
                .files
                .iter()
                .map(|f| std::fs::read_to_string(&f.path).ok())
                .collect(),
        }
    }

    pub fn from_texts(texts: Vec<Option<String>>) -> Self {
        Self { texts }
    }

    pub fn text(&self, file: FileId) -> Option<&str> {
        self.texts.get(file.0 as usize)?.as_deref()
    }

    /// Line `line` (1-based) without its line break.
    pub fn line(&self, file: FileId, line: u32) -> Option<&str> {
        if line == 0 {
            return None;
        }
        self.text(file)?
            .split('\n')
            .nth(line as usize - 1)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }

    /// Byte offset of the start of line `line` (1-based).
    pub fn line_start(&self, file: FileId, line: u32) -> Option<usize> {
        let text = self.text(file)?;
        if line == 0 {
            return None;
        }
        let mut offset = 0;
        for _ in 1..line {
            offset += text[offset..].find('\n')? + 1;
        }
        Some(offset)
    }

    /// Byte offset of a span (columns count characters, 1-based).
    pub fn offset(&self, span: Span) -> Option<usize> {
        if span.is_synthetic() {
            return None;
        }
        let start = self.line_start(span.file, span.line)?;
        let line = self.line(span.file, span.line)?;
        let col = span.column.max(1) as usize - 1;
        let within = line
            .char_indices()
            .nth(col)
            .map(|(i, _)| i)
            .or_else(|| (line.chars().count() == col).then_some(line.len()))?;
        Some(start + within)
    }

    /// The extent of the scalar that starts at `span` (plain, single- or double-quoted, on one
    /// line). `None` when the text there is not a one-line scalar.
    pub fn scalar_at(&self, span: Span) -> Option<ScalarExtent> {
        let text = self.text(span.file)?;
        let start = self.offset(span)?;
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let rest = &text[start..line_end];
        let first = rest.chars().next()?;
        if first == '"' || first == '\'' {
            let chars: Vec<(usize, char)> = rest.char_indices().collect();
            let mut k = 1;
            while k < chars.len() {
                let (i, c) = chars[k];
                if first == '"' && c == '\\' {
                    k += 2;
                    continue;
                }
                if c == first {
                    // '' is an escaped quote inside single quotes
                    if first == '\'' && chars.get(k + 1).is_some_and(|(_, n)| *n == '\'') {
                        k += 2;
                        continue;
                    }
                    return Some(ScalarExtent {
                        start,
                        end: start + i + 1,
                        quote: Some(first),
                    });
                }
                k += 1;
            }
            return None;
        }
        if matches!(first, '[' | '{' | '|' | '>' | '&' | '*' | '!') {
            return None;
        }
        let before = text[..start].trim_end_matches([' ', '\t']);
        let in_flow = before.ends_with('[') || before.ends_with(',') || before.ends_with('{');
        let mut end = rest.len();
        let bytes = rest.as_bytes();
        for (i, c) in rest.char_indices() {
            if c == '#' && i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
                end = i;
                break;
            }
            if in_flow && matches!(c, ',' | ']' | '}') {
                end = i;
                break;
            }
        }
        let trimmed = rest[..end].trim_end();
        if trimmed.is_empty() {
            return None;
        }
        Some(ScalarExtent {
            start,
            end: start + trimmed.len(),
            quote: None,
        })
    }

    /// The text of a scalar extent.
    pub fn slice(&self, file: FileId, from: usize, to: usize) -> Option<&str> {
        self.text(file)?.get(from..to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(t: &str) -> Sources {
        Sources::from_texts(vec![Some(t.to_owned())])
    }

    #[test]
    fn offsets_count_lines_and_columns() {
        let s = src("a: 1\nbb: \"x\" # c\n");
        assert_eq!(s.offset(Span::new(FileId(0), 2, 5)), Some(9));
        assert_eq!(s.line(FileId(0), 2), Some("bb: \"x\" # c"));
    }

    #[test]
    fn scalar_extents_handle_quotes_comments_and_flow() {
        let s = src("v:\n  - ./d:/d # note\n  - \"./e:/e\"\nx: [a, 'b''c', d]\n");
        let f = FileId(0);
        let e = s.scalar_at(Span::new(f, 2, 5)).expect("plain");
        assert_eq!(s.slice(f, e.start, e.end), Some("./d:/d"));
        let e = s.scalar_at(Span::new(f, 3, 5)).expect("quoted");
        assert_eq!(s.slice(f, e.start, e.end), Some("\"./e:/e\""));
        let e = s.scalar_at(Span::new(f, 4, 5)).expect("flow plain");
        assert_eq!(s.slice(f, e.start, e.end), Some("a"));
        let e = s.scalar_at(Span::new(f, 4, 8)).expect("flow quoted");
        assert_eq!(s.slice(f, e.start, e.end), Some("'b''c'"));
    }
}
