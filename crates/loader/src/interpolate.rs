//! Variable interpolation in Compose values, as compose-go's `template` package does it
//! (checked against docker-compose 2.26.1):
//!
//! - `$VAR` (greedy `[_a-zA-Z][_a-zA-Z0-9]*`), `${VAR}`, `${VAR:-d}`, `${VAR-d}`,
//!   `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`;
//! - defaults, alternatives and error texts are interpolated too (`${A:-${B:-x}}`), eagerly:
//!   an unset variable inside an unused default still warns, as Compose does;
//! - `$$` is a literal `$`; a `$` not followed by a name or `{` is kept (`cost $ 5`, `$1`);
//! - a braced form is closed by the first `}` that balances the `${` openings inside it
//!   (`${UNSET:-a}b}` gives `ab}`); anything else in braces is "invalid interpolation format";
//! - an unset variable without default is an empty string plus a warning.
//!
//! Applied to string values only, never to keys, once per file before merging.

use std::fmt;

use transship_ir::{Span, Spanned};

use crate::error::LoadError;
use crate::tree::{Node, NodeValue};

/// Defaults nested deeper than this are refused (hostile input; no real file comes close).
const MAX_NESTING: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolationError {
    /// A malformed `${...}` form (or an unclosed `${`).
    InvalidFormat { text: String },
    /// `${VAR:?err}` / `${VAR?err}` with VAR missing.
    Required { name: String, message: String },
    /// Defaults nested more than [`MAX_NESTING`] levels.
    TooDeep,
}

impl fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidFormat { text } => write!(
                f,
                "invalid interpolation format in {text:?}: you may need to escape any $ with another $"
            ),
            Self::Required { name, message } if message.is_empty() => {
                write!(f, "required variable {name} is missing a value")
            }
            Self::Required { name, message } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
            Self::TooDeep => write!(
                f,
                "interpolation defaults nested more than {MAX_NESTING} levels deep"
            ),
        }
    }
}

impl std::error::Error for InterpolationError {}

/// Interpolates `s`. Returns the result and the names of the unset variables that were
/// replaced by an empty string (in order, possibly repeated).
pub fn interpolate_str(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, Vec<String>), InterpolationError> {
    let mut out = String::with_capacity(s.len());
    let mut unset = Vec::new();
    substitute(s, lookup, &mut out, &mut unset, 0).map_err(|e| match e {
        InterpolationError::InvalidFormat { .. } => {
            InterpolationError::InvalidFormat { text: s.to_owned() }
        }
        other => other,
    })?;
    Ok((out, unset))
}

/// Escapes every `$` as `$$`, so that interpolating the result gives `s` back.
pub fn escape(s: &str) -> String {
    s.replace('$', "$$")
}

const fn is_name_start(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

const fn is_name_char(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

fn name_len(s: &[u8]) -> usize {
    if s.first().is_some_and(|b| is_name_start(*b)) {
        1 + s[1..].iter().take_while(|b| is_name_char(**b)).count()
    } else {
        0
    }
}

/// Index (relative to `t`, which starts with `${`) of the `}` closing it.
fn closing_brace(t: &[u8]) -> Option<usize> {
    let mut open = 0usize;
    let mut i = 0;
    while i < t.len() {
        if t[i] == b'$' && t.get(i + 1) == Some(&b'{') {
            open += 1;
            i += 2;
            continue;
        }
        if t[i] == b'}' {
            open = open.saturating_sub(1);
            if open == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

fn substitute(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    out: &mut String,
    unset: &mut Vec<String>,
    depth: usize,
) -> Result<(), InterpolationError> {
    if depth > MAX_NESTING {
        return Err(InterpolationError::TooDeep);
    }
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let Some(rel) = b[i..].iter().position(|c| *c == b'$') else {
            out.push_str(&s[i..]);
            break;
        };
        let pos = i + rel;
        out.push_str(&s[i..pos]);
        match b.get(pos + 1) {
            Some(b'$') => {
                out.push('$');
                i = pos + 2;
            }
            Some(b'{') => {
                let close = closing_brace(&b[pos..])
                    .ok_or_else(|| InterpolationError::InvalidFormat { text: s.to_owned() })?;
                braced(&s[pos + 2..pos + close], lookup, out, unset, depth)?;
                i = pos + close + 1;
            }
            Some(_) => {
                let n = name_len(&b[pos + 1..]);
                if n == 0 {
                    out.push('$');
                    i = pos + 1;
                } else {
                    let name = &s[pos + 1..pos + 1 + n];
                    match lookup(name) {
                        Some(v) => out.push_str(&v),
                        None => unset.push(name.to_owned()),
                    }
                    i = pos + 1 + n;
                }
            }
            None => {
                out.push('$');
                i = pos + 1;
            }
        }
    }
    Ok(())
}

fn braced(
    content: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    out: &mut String,
    unset: &mut Vec<String>,
    depth: usize,
) -> Result<(), InterpolationError> {
    let invalid = || InterpolationError::InvalidFormat {
        text: content.to_owned(),
    };
    let n = name_len(content.as_bytes());
    if n == 0 {
        return Err(invalid());
    }
    let name = &content[..n];
    let rest = &content[n..];
    if rest.is_empty() {
        match lookup(name) {
            Some(v) => out.push_str(&v),
            None => unset.push(name.to_owned()),
        }
        return Ok(());
    }
    // The operator is ASCII: check it before slicing past it (the text may be any UTF-8).
    let (colon, ops) = match rest.strip_prefix(':') {
        Some(after) => (true, after),
        None => (false, rest),
    };
    let op = match ops.as_bytes().first() {
        Some(&c @ (b'-' | b'?' | b'+')) => c,
        _ => return Err(invalid()),
    };
    let arg = &ops[1..];
    // Compose evaluates the argument before looking at the variable.
    let mut arg_value = String::new();
    substitute(arg, lookup, &mut arg_value, unset, depth + 1)?;
    let value = lookup(name);
    let present = match &value {
        Some(v) => !colon || !v.is_empty(),
        None => false,
    };
    match op {
        b'-' => out.push_str(if present {
            value.as_deref().unwrap_or_default()
        } else {
            &arg_value
        }),
        b'?' => {
            if !present {
                return Err(InterpolationError::Required {
                    name: name.to_owned(),
                    message: arg_value,
                });
            }
            out.push_str(value.as_deref().unwrap_or_default());
        }
        _ => {
            if present {
                out.push_str(&arg_value);
            }
        }
    }
    Ok(())
}

/// The warning Compose prints for an unset variable.
pub fn unset_warning(name: &str) -> String {
    format!("The {name:?} variable is not set. Defaulting to a blank string.")
}

/// Interpolates every string value of `node` in place (keys are never touched).
///
/// `key_path_prefix` names the node (`""` for a whole file). Errors carry the line and column
/// of the offending scalar and its key path; `file` is left `None` for the caller (which knows
/// the file list) to fill with [`LoadError::in_file`]. Warnings for unset variables are
/// pushed with the scalar's span and read `services.web.image: The "TAG" variable is not set.
/// Defaulting to a blank string.`
pub fn interpolate_tree(
    node: &mut Node,
    lookup: &dyn Fn(&str) -> Option<String>,
    key_path_prefix: &str,
    warnings: &mut Vec<Spanned<String>>,
) -> Result<(), LoadError> {
    let mut secret_spans = Vec::new();
    interpolate_tree_noting_secrets(node, lookup, key_path_prefix, warnings, &mut secret_spans)
}

/// [`interpolate_tree`], also noting the span of every scalar that took a non-empty value
/// from a variable the secrets classifier flags (see `Project::secret_interpolations`).
pub fn interpolate_tree_noting_secrets(
    node: &mut Node,
    lookup: &dyn Fn(&str) -> Option<String>,
    key_path_prefix: &str,
    warnings: &mut Vec<Spanned<String>>,
    secret_spans: &mut Vec<Span>,
) -> Result<(), LoadError> {
    let mut path = Vec::new();
    let mut out = Out {
        warnings,
        secret_spans,
    };
    walk(node, lookup, key_path_prefix, &mut path, &mut out)
}

/// What a walk collects besides the interpolated tree.
struct Out<'w> {
    warnings: &'w mut Vec<Spanned<String>>,
    secret_spans: &'w mut Vec<Span>,
}

/// One step of a key path, borrowed from the tree (the path is only formatted when a
/// warning or an error needs it).
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn format_path(prefix: &str, path: &[Seg<'_>]) -> String {
    let mut out = prefix.to_owned();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

fn walk<'a>(
    node: &'a mut Node,
    lookup: &dyn Fn(&str) -> Option<String>,
    prefix: &str,
    path: &mut Vec<Seg<'a>>,
    out: &mut Out<'_>,
) -> Result<(), LoadError> {
    let Node { value, span, .. } = node;
    let span = *span;
    match value {
        NodeValue::String(s) => {
            if !s.as_bytes().contains(&b'$') {
                return Ok(());
            }
            let secret = std::cell::Cell::new(false);
            let noting = |name: &str| {
                let v = lookup(name);
                if v.as_deref().is_some_and(|v| !v.is_empty())
                    && transship_translate::secrets::looks_secret(name)
                {
                    secret.set(true);
                }
                v
            };
            match interpolate_str(s, &noting) {
                Ok((v, unset)) => {
                    *s = v;
                    if secret.get() {
                        out.secret_spans.push(span);
                    }
                    let warnings = &mut *out.warnings;
                    if !unset.is_empty() {
                        let p = format_path(prefix, path);
                        for name in unset {
                            let msg = if p.is_empty() {
                                unset_warning(&name)
                            } else {
                                format!("{p}: {}", unset_warning(&name))
                            };
                            warnings.push(Spanned::new(msg, span));
                        }
                    }
                }
                Err(e) => {
                    return Err(LoadError {
                        file: None,
                        line: span.line,
                        column: span.column,
                        key_path: format_path(prefix, path),
                        message: e.to_string(),
                        snippet: None,
                    });
                }
            }
        }
        NodeValue::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Seg::Index(i));
                walk(item, lookup, prefix, path, out)?;
                path.pop();
            }
        }
        NodeValue::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                let k: &'a crate::tree::Key = k;
                path.push(Seg::Key(&k.name));
                walk(v, lookup, prefix, path, out)?;
                path.pop();
            }
        }
        NodeValue::Null | NodeValue::Bool(_) | NodeValue::Int(_) | NodeValue::Float(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("s".into()),
            "EMPTY" => Some(String::new()),
            "A_bar" => Some("ab".into()),
            _ => None,
        }
    }

    fn i(s: &str) -> Result<String, String> {
        interpolate_str(s, &env)
            .map(|(v, _)| v)
            .map_err(|e| e.to_string())
    }

    /// Every expectation below was observed with docker-compose 2.26.1 (`SET=s EMPTY=`).
    #[test]
    fn matches_compose() {
        for (input, want) in [
            ("${UNSET:-a}b}", "ab}"),
            ("cost $ 5 $1 $-x", "cost $ 5 $1 $-x"),
            (
                "${SET:+alt}/${EMPTY:+alt}/${EMPTY+alt}/${UNSET+alt}",
                "alt//alt/",
            ),
            ("${UNSET:-${SET}x}", "sx"),
            ("${UNSET:-${UNSET2:-deep}}", "deep"),
            ("$SET_x$SET", "s"),
            ("a$", "a$"),
            ("$$SET $${SET}", "$SET ${SET}"),
            ("${SET:-}", "s"),
            ("${UNSET:-a:b}", "a:b"),
            ("${UNSET-${SET:+x}}", "x"),
            ("${UNSET:-{x}", "{x"),
            ("${UNSET:-}}", "}"),
            ("${UNSET:-a${SET}b}", "asb"),
            ("${UNSET:-a$$b}", "a$b"),
            ("${UNSET:-$}", "$"),
            ("${EMPTY?}", ""),
            ("${EMPTY-d}", ""),
            ("${EMPTY:-d}", "d"),
            ("$A_bar", "ab"),
            ("${UNSET:-'$SET'}", "'s'"),
        ] {
            assert_eq!(i(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn errors_match_compose() {
        for bad in [
            "${foo!}",
            "${ foo}",
            "${}",
            "${SET",
            "${SET:=x}",
            "${1abc}",
            "${SET:-${X!}}",
            "${UNSET:-${}}",
        ] {
            let e = i(bad).unwrap_err();
            assert!(e.starts_with("invalid interpolation format"), "{bad}: {e}");
        }
        assert_eq!(
            i("${UNSET:?boom here}").unwrap_err(),
            "required variable UNSET is missing a value: boom here"
        );
        assert_eq!(
            i("${EMPTY:?}").unwrap_err(),
            "required variable EMPTY is missing a value"
        );
        assert_eq!(
            i("${UNSET:?$SET}").unwrap_err(),
            "required variable UNSET is missing a value: s"
        );
    }

    #[test]
    fn unset_variables_are_reported_even_in_unused_defaults() {
        let (v, unset) = interpolate_str("${SET:-$UNSET2}$NOPE${SET+$U4}", &env).unwrap();
        assert_eq!(v, "s");
        assert_eq!(unset, ["UNSET2", "NOPE", "U4"]);
    }

    #[test]
    fn non_ascii_after_a_name_is_invalid_not_a_panic() {
        // Found by the fuzzer: `${TƓ}` sliced inside a multi-byte character.
        for bad in ["${TƓ}", "${T:Ɠ}", "${T:}", "${Té-x}"] {
            assert!(
                matches!(
                    interpolate_str(bad, &env),
                    Err(InterpolationError::InvalidFormat { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let s = format!("{}x{}", "${A:-".repeat(10_000), "}".repeat(10_000));
        assert_eq!(interpolate_str(&s, &env), Err(InterpolationError::TooDeep));
    }

    #[test]
    fn tree_errors_and_warnings_are_located() {
        let text =
            "services:\n  web:\n    image: \"x:${TAG}\"\n    environment:\n      - A=${foo!}\n";
        let mut docs = crate::yaml::parse(
            text,
            transship_ir::FileId(0),
            std::path::Path::new("c.yaml"),
            &crate::yaml::Limits::default(),
        )
        .unwrap();
        let mut root = docs.remove(0);
        let mut warnings = Vec::new();
        let e = interpolate_tree(&mut root, &env, "", &mut warnings).unwrap_err();
        assert_eq!((e.line, e.column), (5, 9));
        assert_eq!(e.key_path, "services.web.environment[0]");
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].value,
            "services.web.image: The \"TAG\" variable is not set. Defaulting to a blank string."
        );
        assert_eq!((warnings[0].span.line, warnings[0].span.column), (3, 12));
        assert_eq!(
            root.get("services")
                .unwrap()
                .get("web")
                .unwrap()
                .get("image")
                .unwrap()
                .as_str(),
            Some("x:")
        );
    }

    proptest! {
        #[test]
        fn no_dollar_is_identity(s in "[^$]*") {
            prop_assert_eq!(interpolate_str(&s, &env).unwrap(), (s.clone(), vec![]));
        }

        #[test]
        fn escaped_round_trips(s in ".*") {
            let (v, unset) = interpolate_str(&escape(&s), &env).unwrap();
            prop_assert_eq!(v, s);
            prop_assert!(unset.is_empty());
        }

        #[test]
        fn never_panics(s in "[a-z${}:?+\\-!éƓ]{0,40}") {
            let _ = interpolate_str(&s, &env);
        }
    }
}
