//! Typed scalar values: Go-style durations, byte sizes, restart policies, shell words.

use transship_ir::{ByteSize, Duration, RestartPolicy};

const NS_PER: &[(&str, f64)] = &[
    ("ns", 1.0),
    ("us", 1e3),
    ("\u{b5}s", 1e3),
    ("\u{3bc}s", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
    ("m", 60e9),
    ("h", 3600e9),
];

/// Parses a duration the way Go's `time.ParseDuration` does (`1m30s`, `1.5s`, `-2h`, `0`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let orig = text;
    let (neg, mut s) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if s == "0" {
        return Ok(Duration(0));
    }
    if s.is_empty() {
        return Err(format!("time: invalid duration \"{orig}\""));
    }
    let mut total: i128 = 0;
    while !s.is_empty() {
        let int_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let int_part = &s[..int_end];
        s = &s[int_end..];
        let mut frac_part = "";
        if let Some(rest) = s.strip_prefix('.') {
            let frac_end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            frac_part = &rest[..frac_end];
            s = &rest[frac_end..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(format!("time: invalid duration \"{orig}\""));
        }
        let unit_end = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_end];
        s = &s[unit_end..];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let Some(&(_, scale)) = NS_PER.iter().find(|(u, _)| *u == unit) else {
            return Err(format!(
                "time: unknown unit \"{unit}\" in duration \"{orig}\""
            ));
        };
        let scale = scale as i128;
        let whole: i128 = if int_part.is_empty() {
            0
        } else {
            int_part
                .parse::<i128>()
                .map_err(|_| format!("time: invalid duration \"{orig}\""))?
        };
        let mut value = whole
            .checked_mul(scale)
            .ok_or_else(|| format!("time: invalid duration \"{orig}\""))?;
        if !frac_part.is_empty() {
            // Exact fractional part: digits * scale / 10^len, truncated like Go.
            let digits = &frac_part[..frac_part.len().min(18)];
            let num: i128 = digits.parse().unwrap_or(0);
            let den: i128 = 10i128.pow(digits.len() as u32);
            value += num * scale / den;
        }
        total += value;
        if total > i64::MAX as i128 {
            return Err(format!("time: invalid duration \"{orig}\""));
        }
    }
    let total = total as i64;
    Ok(Duration(if neg { -total } else { total }))
}

/// Formats a duration like Go's `time.Duration.String()` (`1h0m0s`, `1m30s`, `1.5s`, `0s`).
pub fn format_duration(d: Duration) -> String {
    let ns = d.0;
    if ns == 0 {
        return "0s".to_owned();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (unit, scale) = if u < 1_000 {
            ("ns", 1)
        } else if u < 1_000_000 {
            ("\u{b5}s", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac(u, scale));
        out.push_str(unit);
    } else {
        let secs_total = u / 1_000_000_000;
        let h = secs_total / 3600;
        let m = (secs_total / 60) % 60;
        let s_ns = u - (h * 3600 + m * 60) * 1_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h{m}m"));
        } else if m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac(s_ns, 1_000_000_000));
        out.push('s');
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// `value / scale` with the fraction's trailing zeros removed.
fn frac(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let rest = value % scale;
    if rest == 0 {
        return whole.to_string();
    }
    let width = scale.ilog10() as usize;
    let digits = format!("{rest:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Parses a byte size like docker's `go-units.RAMInBytes` (binary multiples: `1g`, `128mb`,
/// `512k`, `1.5GiB`, plain numbers are bytes).
pub fn parse_byte_size(text: &str) -> Result<ByteSize, String> {
    let bad = || format!("invalid size: '{text}'");
    let s = text;
    let num_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, mut unit) = s.split_at(num_end);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.contains("..") {
        return Err(bad());
    }
    unit = unit.strip_prefix(' ').unwrap_or(unit);
    let lower = unit.to_ascii_lowercase();
    let mut chars = lower.chars();
    let mult: f64 = match chars.next() {
        None => 1.0,
        Some(c) => {
            let m = match c {
                'b' => {
                    if chars.next().is_some() {
                        return Err(bad());
                    }
                    1.0
                }
                'k' => 1024.0,
                'm' => 1024f64.powi(2),
                'g' => 1024f64.powi(3),
                't' => 1024f64.powi(4),
                'p' => 1024f64.powi(5),
                _ => return Err(bad()),
            };
            let rest: String = chars.collect();
            if !matches!(rest.as_str(), "" | "b" | "i" | "ib") {
                return Err(bad());
            }
            m
        }
    };
    let value: f64 = num.parse().map_err(|_| bad())?;
    let bytes = value * mult;
    if !bytes.is_finite() || bytes > i64::MAX as f64 {
        return Err(bad());
    }
    Ok(ByteSize(bytes as i64))
}

/// Formats a byte size in the largest binary unit that divides it (`1g`, `512k`, `100b`).
pub fn format_byte_size(size: ByteSize) -> String {
    let v = size.0;
    for (unit, m) in [("g", 1i64 << 30), ("m", 1 << 20), ("k", 1 << 10)] {
        if v != 0 && v % m == 0 {
            return format!("{}{unit}", v / m);
        }
    }
    format!("{v}b")
}

/// Parses `restart:` (`no`, `always`, `on-failure[:N]`, `unless-stopped`).
pub fn parse_restart(text: &str) -> Result<RestartPolicy, String> {
    match text {
        "no" | "" => Ok(RestartPolicy::No),
        "always" => Ok(RestartPolicy::Always),
        "unless-stopped" => Ok(RestartPolicy::UnlessStopped),
        "on-failure" => Ok(RestartPolicy::OnFailure(None)),
        other => match other.strip_prefix("on-failure:") {
            Some(n) => n
                .parse::<u32>()
                .map(|n| RestartPolicy::OnFailure(Some(n)))
                .map_err(|_| {
                    format!("invalid restart policy: maximum retry count must be a number: {n}")
                }),
            None => Err(format!(
                "invalid restart policy: unknown policy '{other}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
            )),
        },
    }
}

/// Splits a command string into words like Compose (go-shellwords): quotes and backslashes
/// are honoured, no variable expansion, no shell.
pub fn shell_split(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\\' => {
                // Like go-shellwords (compose-go): a backslash escapes any character, a
                // newline included (it stays in the word).
                in_word = true;
                match chars.next() {
                    Some(n) => cur.push(n),
                    None => cur.push('\\'),
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(n) => cur.push(n),
                        None => return Err(format!("invalid command line string: {text}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        // Unlike a POSIX shell, go-shellwords drops the backslash before any
                        // character inside double quotes (`"a\nb"` is `anb`).
                        Some('\\') => match chars.next() {
                            Some(n) => cur.push(n),
                            None => return Err(format!("invalid command line string: {text}")),
                        },
                        Some(n) => cur.push(n),
                        None => return Err(format!("invalid command line string: {text}")),
                    }
                }
            }
            other => {
                in_word = true;
                cur.push(other);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn durations_parse_like_go() {
        let cases = [
            ("1m30s", 90_000_000_000),
            ("90s", 90_000_000_000),
            ("1500ms", 1_500_000_000),
            ("1h", 3_600_000_000_000),
            ("1.5s", 1_500_000_000),
            ("0", 0),
            ("-2m", -120_000_000_000),
            ("10us", 10_000),
            (".5s", 500_000_000),
            ("1h2m3s4ms5us6ns", 3_723_004_005_006),
        ];
        for (text, ns) in cases {
            assert_eq!(parse_duration(text), Ok(Duration(ns)), "{text}");
        }
        for bad in ["", "10", "10x", "s", "1..5s", "-", "1.s.", "."] {
            assert!(parse_duration(bad).is_err(), "{bad} must be rejected");
        }
        assert_eq!(
            parse_duration("10x").unwrap_err(),
            "time: unknown unit \"x\" in duration \"10x\""
        );
    }

    #[test]
    fn durations_format_like_go() {
        let cases = [
            (90_000_000_000, "1m30s"),
            (1_500_000_000, "1.5s"),
            (3_600_000_000_000, "1h0m0s"),
            (0, "0s"),
            (1_500_000, "1.5ms"),
            (1_000, "1\u{b5}s"),
            (7, "7ns"),
            (-90_000_000_000, "-1m30s"),
            (3_723_004_005_006, "1h2m3.004005006s"),
        ];
        for (ns, text) in cases {
            assert_eq!(format_duration(Duration(ns)), text);
        }
    }

    #[test]
    fn byte_sizes_parse_like_go_units() {
        let cases = [
            ("1g", 1 << 30),
            ("128mb", 128 << 20),
            ("512k", 512 << 10),
            ("100", 100),
            ("100b", 100),
            ("1.5GiB", 3 << 29),
            ("2 MB", 2 << 20),
            ("1t", 1 << 40),
        ];
        for (text, bytes) in cases {
            assert_eq!(parse_byte_size(text), Ok(ByteSize(bytes)), "{text}");
        }
        for bad in ["", "1x", "g", "-1g", "1gbb", "1.g", "1bb"] {
            assert!(parse_byte_size(bad).is_err(), "{bad} must be rejected");
        }
    }

    #[test]
    fn restart_policies() {
        assert_eq!(parse_restart("no"), Ok(RestartPolicy::No));
        assert_eq!(parse_restart("always"), Ok(RestartPolicy::Always));
        assert_eq!(
            parse_restart("on-failure:3"),
            Ok(RestartPolicy::OnFailure(Some(3)))
        );
        assert_eq!(
            parse_restart("on-failure"),
            Ok(RestartPolicy::OnFailure(None))
        );
        assert_eq!(
            parse_restart("unless-stopped"),
            Ok(RestartPolicy::UnlessStopped)
        );
        assert!(parse_restart("sometimes").is_err());
        assert!(parse_restart("on-failure:x").is_err());
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            shell_split(r#"sh -c 'echo "a b" $$HOME'"#).unwrap(),
            vec!["sh", "-c", r#"echo "a b" $$HOME"#]
        );
        assert_eq!(
            shell_split(r#"a "b \"c\"" d\ e"#).unwrap(),
            vec!["a", r#"b "c""#, "d e"]
        );
        // go-shellwords, as docker-compose 2.26.1 splits them (checked with the oracle).
        assert_eq!(
            shell_split("p \"a\\nb\" \"a\\\\b\" 'a\\b' c\\d \"q\\\nr\" s\\\nt").unwrap(),
            vec!["p", "anb", "a\\b", "a\\b", "cd", "q\nr", "s\nt"]
        );
        assert_eq!(shell_split("").unwrap(), Vec::<String>::new());
        assert_eq!(shell_split("''").unwrap(), vec![""]);
        assert!(shell_split("'open").is_err());
    }

    proptest! {
        #[test]
        fn duration_round_trip(ns in -(1i64 << 62)..(1i64 << 62)) {
            let text = format_duration(Duration(ns));
            prop_assert_eq!(parse_duration(&text), Ok(Duration(ns)), "{}", text);
        }

        #[test]
        fn duration_parts_round_trip(h in 0i64..1000, m in 0i64..60, s in 0i64..60, ms in 0i64..1000) {
            let ns = ((h * 3600 + m * 60 + s) * 1000 + ms) * 1_000_000;
            let text = format!("{h}h{m}m{s}s{ms}ms");
            prop_assert_eq!(parse_duration(&text), Ok(Duration(ns)));
            prop_assert_eq!(parse_duration(&format_duration(Duration(ns))), Ok(Duration(ns)));
        }

        #[test]
        fn byte_size_round_trip(v in 0i64..(1i64 << 50)) {
            let text = format_byte_size(ByteSize(v));
            prop_assert_eq!(parse_byte_size(&text), Ok(ByteSize(v)), "{}", text);
        }

        #[test]
        fn byte_size_units(n in 0i64..100_000, unit in 0usize..4) {
            let (suffix, mult) = [("b", 1i64), ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30)][unit];
            prop_assert_eq!(parse_byte_size(&format!("{n}{suffix}")), Ok(ByteSize(n * mult)));
            prop_assert_eq!(parse_byte_size(&format!("{n}{}", suffix.to_uppercase())), Ok(ByteSize(n * mult)));
        }
    }
}
