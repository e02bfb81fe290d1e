//! Compose's dotenv format (project `.env`, `--env-file`, service `env_file`), with the
//! exact rules of docker-compose 2.26.1, each checked against it:
//!
//! - blank lines and lines starting with `#` (after whitespace) are skipped; `export KEY=v`
//!   is accepted; `KEY: v` (YAML style) too; key and value are trimmed (`KEY = v`);
//! - key characters: letters, digits, `_ . - [ ]`; a space inside a key is an error;
//! - unquoted values end at the line end; ` #` (a *space* then `#`) starts a comment, so
//!   `v#c` and `v\t# c` are kept; they are interpolated (`$$` is `$`);
//! - double-quoted values may span lines; `\"` is a quote, `\a \b \f \n \r \t \v \\` their
//!   characters, `\$` a literal `$` (not interpolated), `\0ooo` an octal byte, other escapes
//!   are kept as written; then the value is interpolated;
//! - single-quoted values are literal (`\'` is a quote, other backslashes stay);
//! - text after a closing quote is read as the next statement (so `K='a' # c` is fine);
//! - `KEY` alone inherits (value `None`); `KEY=` is empty; a bare key at the very end of the
//!   file *without* a final newline is read by Compose as the value of an empty key (kept);
//! - interpolation sees the lookup (process environment) first, then earlier keys of the
//!   same file; a later duplicate key wins (all entries are returned, in order).

use std::collections::HashMap;
use std::fmt;

use crate::interpolate::{InterpolationError, interpolate_str};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvEntry {
    pub key: String,
    /// `None` for a bare `KEY` (inherit from the environment).
    pub value: Option<String>,
    /// 1-based line and column of the key.
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for DotenvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for DotenvError {}

/// Line and column (1-based, in characters) of byte offset `at` in `text`.
fn position(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at.min(text.len())];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// Compose's `isSpace`: whitespace other than `\n`.
const fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// Parses a dotenv file in Compose's default format.
pub fn parse(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<DotenvEntry>, DotenvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries: Vec<DotenvEntry> = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut pos = 0;
    loop {
        // Statement start: skip whitespace (newlines included) and comment lines.
        let rest = &text[pos..];
        let Some(off) = rest.find(|c: char| !c.is_whitespace()) else {
            break;
        };
        pos += off;
        if text[pos..].starts_with('#') {
            match text[pos..].find('\n') {
                Some(nl) => {
                    pos += nl;
                    continue;
                }
                None => break,
            }
        }
        let stmt_start = pos;
        // `export ` prefix.
        let mut src = &text[pos..];
        if let Some(after) = src.strip_prefix("export")
            && after.starts_with(char::is_whitespace)
        {
            let trimmed = after.trim_start_matches(char::is_whitespace);
            pos += src.len() - trimmed.len();
            src = trimmed;
            let t = src.trim_start_matches(is_space);
            pos += src.len() - t.len();
            src = t;
            if src.is_empty() {
                break;
            }
        }
        let key_start = pos;
        // Key: up to `=`, `:` or a newline.
        let mut end = None;
        for (i, c) in src.char_indices() {
            if is_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    end = Some((i, c));
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if c.is_alphanumeric() => {}
                c => {
                    let (line, column) = position(text, key_start + i);
                    let first_line = src.split('\n').next().unwrap_or_default();
                    return Err(DotenvError {
                        line,
                        column,
                        message: format!(
                            "unexpected character {:?} in variable name {first_line:?}",
                            c.to_string()
                        ),
                    });
                }
            }
        }
        let (line, column) = position(text, key_start);
        let (key, value_src, inherited) = match end {
            Some((i, c)) => (
                src[..i].trim_end_matches(char::is_whitespace),
                &src[i + c.len_utf8()..],
                c == '\n',
            ),
            // A bare key at the end of the file without a newline: Compose reads it as the
            // value of an empty key.
            None => ("", src, false),
        };
        if key.contains(' ') {
            return Err(DotenvError {
                line,
                column,
                message: "key cannot contain a space".to_owned(),
            });
        }
        let key = key.to_owned();
        let _ = stmt_start;
        if inherited {
            pos = text.len() - value_src.len();
            entries.push(DotenvEntry {
                key,
                value: None,
                line,
                column,
            });
            continue;
        }
        let trimmed = value_src.trim_start_matches(is_space);
        let value_start = text.len() - trimmed.len();
        let (value, next) = extract_value(text, value_start, &seen, lookup)?;
        pos = next;
        seen.insert(key.clone(), value.clone());
        entries.push(DotenvEntry {
            key,
            value: Some(value),
            line,
            column,
        });
    }
    Ok(entries)
}

/// Reads the value starting at byte `start`; returns it and where parsing continues.
fn extract_value(
    text: &str,
    start: usize,
    seen: &HashMap<String, String>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, usize), DotenvError> {
    let src = &text[start..];
    let interp = |v: &str| -> Result<String, DotenvError> {
        let look = |name: &str| lookup(name).or_else(|| seen.get(name).cloned());
        match interpolate_str(v, &look) {
            Ok((s, _)) => Ok(s),
            Err(e) => {
                let (line, column) = position(text, start);
                let message = match e {
                    InterpolationError::InvalidFormat { .. } => {
                        format!("invalid interpolation format in {v:?}")
                    }
                    other => other.to_string(),
                };
                Err(DotenvError {
                    line,
                    column,
                    message,
                })
            }
        }
    };
    let quote = match src.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) => *q,
        _ => {
            let (line, rest_at) = match src.find('\n') {
                Some(nl) => (&src[..nl], start + nl + 1),
                None => (src, text.len()),
            };
            let line = line.split(" #").next().unwrap_or_default();
            let line = line.trim_end_matches(char::is_whitespace);
            let v = if line.contains('$') {
                interp(line)?
            } else {
                line.to_owned()
            };
            return Ok((v, rest_at));
        }
    };
    let mut chars = String::new();
    let mut escaped = false;
    for (i, c) in src.char_indices().skip(1) {
        if c != char::from(quote) {
            if !escaped && c == '\\' {
                escaped = true;
                continue;
            }
            if escaped {
                escaped = false;
                chars.push('\\');
            }
            chars.push(c);
            continue;
        }
        if escaped {
            escaped = false;
            chars.push(c);
            continue;
        }
        let value = if quote == b'"' {
            let expanded = expand_escapes(&chars);
            if expanded.contains('$') {
                interp(&expanded)?
            } else {
                expanded
            }
        } else {
            chars
        };
        return Ok((value, start + i + 1));
    }
    let (line, column) = position(text, start);
    let first = src.split('\n').next().unwrap_or_default();
    Err(DotenvError {
        line,
        column,
        message: format!("unterminated quoted value {first}"),
    })
}

/// Escape sequences of double-quoted values (see the module docs).
fn expand_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&(_, n)) = it.peek() else {
            out.push('\\');
            break;
        };
        let simple = match n {
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            _ => None,
        };
        if let Some(ch) = simple {
            it.next();
            out.push(ch);
            continue;
        }
        if n == '$' {
            it.next();
            out.push_str("$$");
            continue;
        }
        if n == '0' {
            it.next();
            // Up to three digits after `\0`; exactly three octal digits make a character,
            // anything else is kept as `\` + the digits (Compose drops the `0`).
            let rest = &s[i + 2..];
            let digits: String = rest
                .chars()
                .take_while(char::is_ascii_digit)
                .take(3)
                .collect();
            for _ in 0..digits.len() {
                it.next();
            }
            match u32::from_str_radix(&digits, 8) {
                Ok(v) if digits.len() == 3 && v <= 255 => {
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                _ => {
                    out.push('\\');
                    out.push_str(&digits);
                }
            }
            continue;
        }
        // Unknown escape: kept as written.
        out.push('\\');
    }
    out
}

/// `format: raw`: each line is `KEY=VALUE` taken literally (no quotes, comments or
/// interpolation); a line without `=` is a bare key; empty lines are skipped.
pub fn parse_raw(text: &str) -> Vec<DotenvEntry> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k, Some(v.to_owned())),
            None => (line, None),
        };
        out.push(DotenvEntry {
            key: key.to_owned(),
            value,
            line: u32::try_from(n + 1).unwrap_or(u32::MAX),
            column: 1,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn env(name: &str) -> Option<String> {
        (name == "SET").then(|| "env".to_owned())
    }

    /// The last value of each key, like Compose's map.
    fn map(text: &str) -> Vec<(String, Option<String>)> {
        let mut out: Vec<(String, Option<String>)> = Vec::new();
        for e in parse(text, &env).unwrap() {
            out.retain(|(k, _)| *k != e.key);
            out.push((e.key, e.value));
        }
        out.sort();
        out
    }

    fn get(text: &str, key: &str) -> Option<String> {
        map(text)
            .into_iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v)
    }

    /// Each expectation was observed with docker-compose 2.26.1 (`SET=env`), through a
    /// service's `env_file` and `config --format json`.
    #[test]
    fn matches_compose() {
        let file = "# comment\n  # indented comment\nexport EXP=1\nSP = spaced value  \n\
            INL=value # comment\nNOC=value#notcomment\nTAB=value\t# tabcomment\n\
            DQ=\"a\\nb\\tc\\\\d\\\"e\\$f\\rg\\'h\\x\"\nDQML=\"line1\nline2\"\n\
            SQ='lit $SET \\n'\nSQ2='x' # c\nBARE\nEMPTY=\nREF=${SP}-$INL\nENVFIRST=$SET\n\
            SET=fromfile\nAFTER=$SET\nCOLON: yaml\nDOT.KEY=1\nDASH-KEY=2\nDQI=\"x${SP}y\"\n\
            DQC=\"v\" # c\nUNQ=a \"b\" c\nHASH=#start\nEQ=a=b\nTRAIL=x\\\nBS=a\\nb\n";
        let m = map(file);
        let want: Vec<(&str, Option<&str>)> = vec![
            ("AFTER", Some("env")),
            ("BARE", None),
            ("BS", Some("a\\nb")),
            ("COLON", Some("yaml")),
            ("DASH-KEY", Some("2")),
            ("DOT.KEY", Some("1")),
            ("DQ", Some("a\nb\tc\\d\"e$f\rg\\'h\\x")),
            ("DQC", Some("v")),
            ("DQI", Some("xspaced valuey")),
            ("DQML", Some("line1\nline2")),
            ("EMPTY", Some("")),
            ("ENVFIRST", Some("env")),
            ("EQ", Some("a=b")),
            ("EXP", Some("1")),
            ("HASH", Some("#start")),
            ("INL", Some("value")),
            ("NOC", Some("value#notcomment")),
            ("REF", Some("spaced value-value")),
            ("SET", Some("fromfile")),
            ("SP", Some("spaced value")),
            ("SQ", Some("lit $SET \\n")),
            ("SQ2", Some("x")),
            ("TAB", Some("value\t# tabcomment")),
            ("TRAIL", Some("x\\")),
            ("UNQ", Some("a \"b\" c")),
        ];
        let want: Vec<(String, Option<String>)> = want
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.map(str::to_owned)))
            .collect();
        assert_eq!(m, want);
    }

    #[test]
    fn subtle_cases_match_compose() {
        assert_eq!(get("K=\"a\" junk\n", "K").as_deref(), Some("a"));
        assert_eq!(map("K=\"a\" junk\n")[1], ("junk".to_owned(), None));
        assert_eq!(get("\u{feff}BOM=1\n", "BOM").as_deref(), Some("1"));
        assert_eq!(get("CR=1\r\nD=2\r\n", "CR").as_deref(), Some("1"));
        assert_eq!(get("E= # c\n", "E").as_deref(), Some("# c"));
        assert_eq!(get("I=${NOPE:-d}\n", "I").as_deref(), Some("d"));
        assert_eq!(get("D=a$$b\n", "D").as_deref(), Some("a$b"));
        assert_eq!(get("Q=\"a$$b\"\n", "Q").as_deref(), Some("a$b"));
        assert_eq!(get("S='a$$b'\n", "S").as_deref(), Some("a$$b"));
        assert_eq!(get("K='it\\'s'\n", "K").as_deref(), Some("it's"));
        assert_eq!(get("K=\"  a  \"\n", "K").as_deref(), Some("  a  "));
        assert_eq!(get("K=a\tb  \t\n", "K").as_deref(), Some("a\tb"));
        assert_eq!(get("export  K=1\n", "K").as_deref(), Some("1"));
        assert_eq!(get("exportX=1\n", "exportX").as_deref(), Some("1"));
        assert_eq!(get("K.[a]=1\n", "K.[a]").as_deref(), Some("1"));
        assert_eq!(get("K= \"q\"\n", "K").as_deref(), Some("q"));
        assert_eq!(
            get("K='multi\nline'\n", "K").as_deref(),
            Some("multi\nline")
        );
        assert_eq!(
            get("K=${SET}${SET:-x}$$SET\n", "K").as_deref(),
            Some("envenv$SET")
        );
        assert_eq!(get("X=1\nK=${X}\n", "K").as_deref(), Some("1"));
        assert_eq!(get("K=$X\nX=1\n", "K").as_deref(), Some(""));
        assert_eq!(get("K=v\nL", "").as_deref(), Some("L"));
        assert_eq!(get("K=\"a\\\\\"\n", "K").as_deref(), Some("a\\"));
        assert_eq!(
            get("K=\"\\0123\\012\\0\\c\\$SET\\\"x\"\n", "K").as_deref(),
            Some("S\\12\\\\c$SET\"x")
        );
        assert_eq!(get("K='a\\\\b'\n", "K").as_deref(), Some("a\\\\b"));
        assert_eq!(
            get("K=\"a\\a\\b\\f\\v\"\n", "K").as_deref(),
            Some("a\u{7}\u{8}\u{c}\u{b}")
        );
        assert_eq!(get("Ü=1\n", "Ü").as_deref(), Some("1"));
        assert_eq!(get("=v\n", "").as_deref(), Some("v"));
    }

    #[test]
    fn errors_are_located() {
        let e = parse("A=1\nA B=c\n", &env).unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 1, "key cannot contain a space")
        );
        let e = parse("A=1\n  K=\"abc\n", &env).unwrap_err();
        assert_eq!((e.line, e.column), (2, 5));
        assert_eq!(e.message, "unterminated quoted value \"abc");
        let e = parse("X='it''s'\n", &env).unwrap_err();
        assert_eq!(
            e.message,
            "unexpected character \"'\" in variable name \"'s'\""
        );
        assert_eq!((e.line, e.column), (1, 7));
        let e = parse("K=${U:?must}\n", &env).unwrap_err();
        assert_eq!(e.message, "required variable U is missing a value: must");
    }

    #[test]
    fn entries_carry_positions() {
        let es = parse("# c\n\n  A=1\nexport B=2\n", &env).unwrap();
        assert_eq!((es[0].line, es[0].column), (3, 3));
        assert_eq!((es[1].line, es[1].column), (4, 8));
    }

    #[test]
    fn raw_format() {
        let es = parse_raw("K=\"q\" # c\nL=$SET\n\nM\n");
        assert_eq!(es[0].value.as_deref(), Some("\"q\" # c"));
        assert_eq!(es[1].value.as_deref(), Some("$SET"));
        assert_eq!(
            (es[2].key.as_str(), es[2].value.as_deref(), es[2].line),
            ("M", None, 4)
        );
    }

    proptest! {
        /// A value written single-quoted comes back unchanged (when it has no `'`/`\`).
        #[test]
        fn single_quoted_round_trip(v in "[^'\\\\]*") {
            let text = format!("KEY='{v}'\n");
            let es = parse(&text, &env).unwrap();
            prop_assert_eq!(es.len(), 1);
            prop_assert_eq!(es[0].value.as_deref(), Some(v.as_str()));
        }

        /// A value escaped for double quotes (`\\`, `\"`, `\$`, `\n`) comes back unchanged.
        #[test]
        fn double_quoted_round_trip(v in "\\PC*") {
            let mut q = String::new();
            for c in v.chars() {
                match c {
                    '\\' => q.push_str("\\\\"),
                    '"' => q.push_str("\\\""),
                    '$' => q.push_str("\\$"),
                    '\n' => q.push_str("\\n"),
                    c => q.push(c),
                }
            }
            let es = parse(&format!("KEY=\"{q}\"\n"), &env).unwrap();
            prop_assert_eq!(es[0].value.as_deref(), Some(v.as_str()));
        }

        #[test]
        fn never_panics(s in "[A-Za-z=#'\"\\\\ \\n$:{}-]{0,60}") {
            let _ = parse(&s, &env);
        }
    }
}
