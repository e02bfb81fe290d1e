//! A small block-style YAML document writer for JSON-shaped values: the one place where YAML
//! output is escaped. `migrate config --format yaml` (through `transship_loader::render`)
//! writes with it, and so will every target that writes YAML (kube).
//!
//! A document is a [`serde_json::Value`]: mappings keep their key order, sequences their item
//! order; the caller decides the order (see [`go_yaml_key_order`] for the one docker-compose
//! uses). Layout and scalar styles follow docker-compose's (`yaml.v3`): two-space indent,
//! sequences indented under their key, and for strings
//! - double quotes when the text would read back as another type under YAML 1.1 or 1.2
//!   (`""`, `yes`, `~`, `010`, `1e3`, `12:30`, `2001-12-14`), or holds characters that only
//!   double quotes can carry (control characters, Unicode line breaks);
//! - a literal block (`|`, `|-`, `|+`) for multi-line text that a block can hold exactly;
//! - single quotes when the text is printable but cannot be plain (`#`, `'x'`, `a: b`,
//!   leading or trailing spaces);
//! - plain otherwise.
//!
//! The tests read every written document back with saphyr (YAML 1.2) and require the same
//! value; the loader's tests do the same with its yaml.v3-compatible reader.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// The YAML document for `value` (ends with a newline). Empty mappings and sequences are
/// written in flow style (`{}`, `[]`).
pub fn emit(value: &Value) -> String {
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

/// YAML allows at most 1024 characters for an implicit key; longer keys are written in the
/// explicit form (`? key` / `: value`).
const MAX_IMPLICIT_KEY: usize = 1000;

fn write_map(out: &mut String, map: &Map<String, Value>, level: usize) {
    for (k, v) in map {
        let key = string(k);
        indent(out, level);
        if key.chars().count() > MAX_IMPLICIT_KEY {
            out.push_str("? ");
            out.push_str(&key);
            out.push('\n');
            indent(out, level);
        } else {
            out.push_str(&key);
        }
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
            write_scalar(out, other, level + 2);
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
            other => write_scalar(out, other, level + 2),
        }
    }
}

/// A scalar (or empty collection) after `key: ` or `- `, with its line break; a multi-line
/// string becomes a literal block whose lines are indented by `block_indent`.
fn write_scalar(out: &mut String, v: &Value, block_indent: usize) {
    if let Value::String(s) = v {
        if literal_ok(s) {
            write_literal(out, s, block_indent);
            return;
        }
    }
    out.push_str(&scalar(v));
    out.push('\n');
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

/// A string as one YAML scalar on one line (also used for keys): plain, single- or
/// double-quoted, whichever reads back as exactly `s`.
pub fn string(s: &str) -> String {
    if !s.chars().all(printable) || reads_as_other_type(s) {
        double_quoted(s)
    } else if plain_syntax_ok(s) {
        s.to_owned()
    } else {
        single_quoted(s)
    }
}

/// Characters every style can carry (no control characters, no Unicode line breaks).
/// yaml.v3's rule: printable ASCII and the BMP outside the controls, surrogates, BOM and
/// U+FFFE/U+FFFF; characters beyond the BMP are escaped too. U+2028/U+2029 (line breaks in
/// YAML 1.1) are treated as not printable as well.
fn printable(c: char) -> bool {
    let u = u32::from(c);
    ((0x20..=0x7e).contains(&u) || (0xa0..=0xfffd).contains(&u))
        && !matches!(u, 0xfeff | 0x2028 | 0x2029)
}

/// Null, booleans (YAML 1.1 ones too) and numbers: text that must be quoted to stay a string.
fn reads_as_other_type(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || numeric_like(s)
}

/// Whether `s` (printable, not another type) can be written as a plain scalar.
fn plain_syntax_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with([' ', '\t']) || s.ends_with([' ', '\t']) || s.ends_with(':') {
        return false;
    }
    // Indicators that start something else than a plain scalar; `-`, `?` and `:` may start
    // one when a non-blank follows (`-c`, `::1`).
    if "#,[]{}&*!|>'\"%@`<=".contains(first) {
        return false;
    }
    if "-?:".contains(first) && s[1..].starts_with(|c: char| c != ' ' && c != '\t') {
        return !s.starts_with("---") && plain_tail_ok(s);
    }
    if "-?:".contains(first) {
        return false;
    }
    if s.starts_with("...") {
        return false;
    }
    plain_tail_ok(s)
}

fn plain_tail_ok(s: &str) -> bool {
    !(s.contains(": ") || s.contains(" #") || s.contains(":\t") || s.contains("\t#"))
}

/// Multi-line text a literal block holds exactly: printable (tabs allowed), no carriage
/// return, no line starting with a blank in first position (that would need an indentation
/// indicator), no blank before a line break.
fn literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with(['\n', ' ', '\t'])
        && s.chars().all(|c| c == '\n' || c == '\t' || printable(c))
        && !s.contains(" \n")
        && !s.contains("\t\n")
        && !s.ends_with([' ', '\t'])
}

fn write_literal(out: &mut String, s: &str, block_indent: usize) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-\n",
        1 => "|\n",
        _ => "|+\n",
    });
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, block_indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    // With `|+`, the line breaks after the first one are kept as empty lines.
    for _ in 1..trailing {
        out.push('\n');
    }
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Whether YAML 1.1 or 1.2 could read `s` as a number, a base-60 number or a date:
/// `010`, `-1.5e3`, `1_000`, `0x1F`, `0o17`, `0b101`, `.inf`, `12:30`, `2001-12-14`.
/// (`127.0.0.1`, `5s` or `1m30s` are none of these and stay plain, as docker-compose writes.)
fn numeric_like(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = t.to_ascii_lowercase();
    if matches!(lower.as_str(), ".inf" | ".nan") {
        return true;
    }
    let all = |r: &str, ok: fn(char) -> bool| !r.is_empty() && r.chars().all(ok);
    if let Some(r) = lower.strip_prefix("0x") {
        return all(r, |c| c.is_ascii_hexdigit() || c == '_');
    }
    if let Some(r) = lower.strip_prefix("0o") {
        return all(r, |c| matches!(c, '0'..='7' | '_'));
    }
    if let Some(r) = lower.strip_prefix("0b") {
        return all(r, |c| matches!(c, '0' | '1' | '_'));
    }
    // Dates and timestamps start with `YYYY-M-D` (one or two digits each for month and day).
    let b = t.as_bytes();
    let digits_at = |from: usize| {
        b.get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    if digits_at(0) == 4 && b.get(4) == Some(&b'-') {
        let m = digits_at(5);
        if (1..=2).contains(&m)
            && b.get(5 + m) == Some(&b'-')
            && (1..=2).contains(&digits_at(6 + m))
        {
            return true;
        }
    }
    let (mantissa, exponent) = match lower.find('e') {
        Some(i) => (&lower[..i], Some(&lower[i + 1..])),
        None => (lower.as_str(), None),
    };
    if let Some(e) = exponent {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if !all(digits, |c| c.is_ascii_digit()) {
            return false;
        }
    }
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    if fraction.is_some_and(|f| !f.chars().all(|c| c.is_ascii_digit() || c == '_')) {
        return false;
    }
    let mut groups = whole.split(':');
    let first = groups.next().unwrap_or("");
    let whole_ok = if whole.contains(':') {
        // base 60 (YAML 1.1): `[0-9][0-9_]*(:[0-5]?[0-9])+`, no exponent
        exponent.is_none()
            && first.starts_with(|c: char| c.is_ascii_digit())
            && first.chars().all(|c| c.is_ascii_digit() || c == '_')
            && groups.all(|g| match g.as_bytes() {
                [d] => d.is_ascii_digit(),
                [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
                _ => false,
            })
    } else {
        first.chars().all(|c| c.is_ascii_digit() || c == '_')
    };
    whole_ok && mantissa.chars().any(|c| c.is_ascii_digit())
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if printable(c) => out.push(c),
            c => {
                let u = u32::from(c);
                let _ = match u {
                    0..=0xff => write!(out, "\\x{u:02X}"),
                    0x100..=0xffff => write!(out, "\\u{u:04X}"),
                    _ => write!(out, "\\U{u:08X}"),
                };
            }
        }
    }
    out.push('"');
    out
}

/// The order in which yaml.v3 writes the keys of a Go map: runs of digits compare as numbers
/// (`a2` before `a10`), letters before other characters after a digit, and so on; docker-compose
/// prints every map (services, environment, labels, ...) this way in YAML.
pub fn go_yaml_key_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            digits = ar[i].is_numeric();
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            let a_first = if digits { al } else { bl };
            return if a_first {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_numeric() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .saturating_mul(10)
                .saturating_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .saturating_mul(10)
                .saturating_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use saphyr::{LoadableYamlNode, Scalar, Yaml};
    use serde_json::json;

    /// Reads a document back with saphyr (YAML 1.2, core schema) as a JSON value; a mapping
    /// key that does not read back as a string fails the test.
    fn parse_back(text: &str) -> Value {
        let docs = Yaml::load_from_str(text)
            .unwrap_or_else(|e| panic!("written YAML does not parse: {e}\n{text}"));
        assert_eq!(docs.len(), 1, "{text}");
        to_json(&docs[0], text)
    }

    fn to_json(node: &Yaml<'_>, text: &str) -> Value {
        match node {
            Yaml::Value(Scalar::Null) => Value::Null,
            Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
            Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
            Yaml::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
            Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
            Yaml::Sequence(items) => Value::Array(items.iter().map(|i| to_json(i, text)).collect()),
            Yaml::Mapping(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| match k {
                        Yaml::Value(Scalar::String(k)) => (k.to_string(), to_json(v, text)),
                        other => panic!("key {other:?} is not a string\n{text}"),
                    })
                    .collect(),
            ),
            other => panic!("unexpected node {other:?}\n{text}"),
        }
    }

    #[test]
    fn map_keys_sort_like_yaml_v3() {
        // The order docker-compose 2.26.1 printed these environment keys in.
        let expected = [
            "-x", ".x", "_x", "1", "2", "09", "10", "A", "a", "a-1", "a.1", "a1", "a1a", "a1b",
            "a01", "a001", "a2", "a10", "aB", "ab", "b0", "b00", "b000", "x_", "x1y2", "x1y10",
            "x01y", "z9a", "z09", "z10", "\u{e9}",
        ];
        let mut keys = expected.to_vec();
        keys.reverse();
        keys.sort_by(|a, b| go_yaml_key_order(a, b));
        assert_eq!(keys, expected);
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
            "1:20",
            "190:20:30.15",
            "-.5",
            "+12",
            "6.8523015e+5",
            "0.",
            "1_0.5",
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
            "true",
            "False",
            "NULL",
            "off",
            "y",
            "1E3",
            "-1e-3",
            ": x",
            ":",
            "? x",
            "#",
            "& a",
            "*",
            "a: b: c",
            "url: http://x",
            "\n",
            "a\n",
            "\tlead",
            "a\tb",
            "a\r\nb",
            "\u{1F600}",
            "caf\u{e9}: ouvert",
            "\u{feff}bom",
            "\u{7f}",
            "...",
            "--- x",
        ] {
            let text = emit(&Value::String(s.to_owned()));
            assert_ne!(text, format!("{s}\n"), "{s:?} must not be plain");
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
            "5s",
            "1m30s",
            "10m",
            "2g",
            "127.0.0.1",
            "02:42:ac:11:00:02",
            ".env",
            "1.2.3",
            "v1.0",
            "::1",
            "?x",
            ":x",
            "9000-9002",
            "1000:1000",
            "caf\u{e9}",
            "\u{65e5}\u{672c}",
            "a:b",
            "a#b",
            "x-y",
            "-x y",
            "a b",
        ] {
            let text = emit(&Value::String(s.to_owned()));
            assert_eq!(text, format!("{s}\n"));
            assert_eq!(parse_back(&text), Value::String(s.to_owned()), "{text}");
        }
    }

    #[test]
    fn each_string_gets_the_style_that_reads_back() {
        for (s, written) in [
            ("yes", "\"yes\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("1e3", "\"1e3\""),
            ("", "\"\""),
            ("-", "'-'"),
            ("- x", "'- x'"),
            (": x", "': x'"),
            ("#c", "'#c'"),
            ("&a", "'&a'"),
            ("*a", "'*a'"),
            ("a: b", "'a: b'"),
            ("it's: x", "'it''s: x'"),
            ("a\tb", "\"a\\tb\""),
            ("a\nb", "\"a\\nb\""),
            ("q\"\\", "q\"\\"),
            ("\"q", "'\"q'"),
            ("\u{1}\"", "\"\\x01\\\"\""),
            ("\u{1F600}", "\"\\U0001F600\""),
            ("caf\u{e9}", "caf\u{e9}"),
            ("-c", "-c"),
        ] {
            assert_eq!(string(s), written, "{s:?}");
        }
    }

    #[test]
    fn long_keys_use_the_explicit_form() {
        let long = "k".repeat(1500);
        let v = json!({
            "labels": {&long: "v", "short": "s"},
            "nested": {&long: {"a": [1, {&long: null}]}},
            "list": [{&long: "x"}]
        });
        let text = emit(&v);
        assert!(text.contains(&format!("  ? {long}\n  : v\n")), "{text}");
        assert_eq!(parse_back(&text), v);
    }

    #[test]
    fn styles_follow_docker_compose() {
        let v = json!({
            "content": "key = value\ncost = $$5\n",
            "inline": "FROM base\nRUN x",
            "kept": "a\n\n",
            "list": ["q\nr", "#", "'kept'", "9000-9002", "1000:1000", "127.0.0.1", "5s"],
            "trailing": "line \nnext"
        });
        let text = emit(&v);
        let expected = "content: |
  key = value
  cost = $$5
inline: |-
  FROM base
  RUN x
kept: |+
  a

list:
  - |-
    q
    r
  - '#'
  - '''kept'''
  - 9000-9002
  - 1000:1000
  - 127.0.0.1
  - 5s
trailing: \"line \\nnext\"
";
        assert_eq!(text, expected);
        assert_eq!(parse_back(&text), v);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1.0e9f64..1.0e9).prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[a-z0-9 :#.$\\-]{0,8}".prop_map(Value::String),
            "[a-z0-9 :#'\"\t-]{0,6}(\n[ a-z0-9#:\t-]{0,6}){1,4}\n{0,3}".prop_map(Value::String),
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
