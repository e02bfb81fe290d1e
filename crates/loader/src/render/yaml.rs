//! A small block-style YAML writer for JSON-shaped values: the one place where YAML output
//! is escaped.
//!
//! Layout follows docker-compose's (`yaml.v3`, two-space indent, sequences indented under
//! their key). A string is written plain only when it cannot be read back as anything else
//! under YAML 1.1 or 1.2 (no `yes`/`no`/`~`, nothing that starts like a number, no indicator
//! character at the start, no `: ` or ` #` inside, printable characters only); otherwise it
//! is double-quoted with escapes, so every document reads back to the same value.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// The YAML document for `value` (ends with a newline).
pub(crate) fn emit(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(out: &mut String, map: &Map<String, Value>, level: usize) {
    for (k, v) in map {
        indent(out, level);
        out.push_str(&string(k));
        out.push(':');
        write_after_key(out, v, level);
    }
}

fn write_after_key(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, level + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, level + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => {
                // The first entry goes on the dash's line, the others below it.
                let mut nested = String::new();
                write_map(&mut nested, m, level + 2);
                out.push_str(&nested[level + 2..]);
            }
            Value::Array(inner) if !inner.is_empty() => {
                let mut nested = String::new();
                write_seq(&mut nested, inner, level + 2);
                out.push_str(&nested[level + 2..]);
            }
            other => {
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// A string as a plain scalar when that is unambiguous, else double-quoted.
pub(crate) fn string(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_owned()
    } else {
        quoted(s)
    }
}

fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with(' ') || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    // Indicators that start something else than a plain scalar.
    if "?:,[]{}#&*!|>'\"%@`<=~".contains(first) {
        return false;
    }
    if first == '-' && (s.len() == 1 || s.as_bytes()[1] == b' ' || s.starts_with("---")) {
        return false;
    }
    // Anything that starts like a number (also `.5`, `+1`, `-1`, `.inf`, `0x1f`, times).
    let mut chars = s.chars();
    let lead = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    // Such a string is quoted when all its characters could belong to a number, a date or a
    // base-60 number of YAML 1.1 (`0x1f`, `1e3`, `1_000`, `12:30`, `2001-12-14 21:59:43.10Z`);
    // `5s` or `1m30s` stay plain, as docker-compose writes them.
    let numeric_start = lead.is_ascii_digit()
        || (matches!(lead, '-' | '+' | '.') && (second.is_ascii_digit() || second == '.'));
    if numeric_start
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoObB_.:+- tTzZ".contains(c))
    {
        return false;
    }
    if s.starts_with(".") {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains(":\t") {
        return false;
    }
    // Characters that are not printable, or line breaks of YAML 1.1.
    if s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
    {
        return false;
    }
    // Words that YAML 1.1 or 1.2 read as null or booleans.
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    )
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Reads a document back with the loader's own YAML reader (yaml.v3 rules).
    fn parse_back(text: &str) -> Value {
        let docs = crate::yaml::parse(
            text,
            transship_ir::FileId(0),
            std::path::Path::new("emitted.yaml"),
            &crate::yaml::Limits::default(),
        )
        .unwrap_or_else(|e| panic!("emitted YAML does not parse: {e}\n{text}"));
        assert_eq!(docs.len(), 1, "{text}");
        crate::yaml::to_json(&docs[0])
    }

    #[test]
    fn layout_matches_docker_compose() {
        let v = json!({
            "name": "demo",
            "services": {
                "web": {
                    "command": ["sh", "-c", "echo \"a b\" $$HOME"],
                    "environment": {"A": "1", "B": null, "C": "yes"},
                    "ports": [{"mode": "ingress", "target": 80, "published": "8080"}],
                    "volume": {},
                    "list": [],
                    "nested": [["a", "b"], []]
                }
            }
        });
        let text = emit(&v);
        let expected = "name: demo
services:
  web:
    command:
      - sh
      - -c
      - echo \"a b\" $$HOME
    environment:
      A: \"1\"
      B: null
      C: \"yes\"
    ports:
      - mode: ingress
        target: 80
        published: \"8080\"
    volume: {}
    list: []
    nested:
      - - a
        - b
      - []
";
        assert_eq!(text, expected);
        assert_eq!(parse_back(&text), v);
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "",
            " lead",
            "trail ",
            "yes",
            "No",
            "~",
            "null",
            "010",
            "1.5",
            "-1",
            ".inf",
            "+1",
            "0x1f",
            "22:22",
            "1e3",
            "1_000",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "0b101",
            "0o17",
            "a: b",
            "a #b",
            "key:",
            "- x",
            "-",
            "---",
            "#c",
            "&a",
            "*a",
            "!t",
            "|",
            ">",
            "'q'",
            "\"q\"",
            "%p",
            "@a",
            "`b",
            "[x",
            "{x",
            "<<",
            "=",
            "a\nb",
            "tab\t",
            "\u{1}",
            "\u{85}",
            "\u{2028}",
        ] {
            let text = emit(&Value::String(s.to_owned()));
            assert!(text.starts_with('"'), "{s:?} must be quoted, got {text}");
            assert_eq!(parse_back(&text), Value::String(s.to_owned()), "{text}");
        }
        for s in [
            "hello",
            "/usr/bin",
            "-c",
            "a=b",
            "host=::1",
            "CMD-SHELL",
            "a,b",
            "é",
        ] {
            assert_eq!(emit(&Value::String(s.to_owned())), format!("{s}\n"));
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1.0e9f64..1.0e9).prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[a-z0-9 :#.$\\-]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..5)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn every_emitted_document_reads_back_to_the_same_value(v in arb_json()) {
            let text = emit(&v);
            prop_assert_eq!(parse_back(&text), v, "{}", text);
        }
    }
}
