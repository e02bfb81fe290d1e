//! How systemd reads a generated unit and turns `ExecStart=` into the argv it executes.
//!
//! A re-implementation, for the tests, of the parts of systemd (v252, the version on this
//! machine and close to the target host's) that decide which argv podman finally receives:
//!
//! 1. the unit file syntax (`conf-parser.c`): sections, `Key=Value` with surrounding
//!    whitespace stripped, comment lines (`#`, `;`), and line continuation (a line ending in an
//!    unescaped backslash continues on the next line, the backslash becoming a space);
//! 2. `ExecStart=` (`config_parse_exec` in `load-fragment.c`): prefix characters (`-@:+!`) on
//!    the first word, words split by `extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE)`
//!    (whitespace separates words, `'` and `"` quote anywhere in a word, backslash starts a C
//!    escape, an unknown escape is kept verbatim with a warning), a lone `;` separating commands
//!    and `\;` standing for a literal `;` word, then specifier expansion (`%%`, `%n`, `%h`, ...)
//!    of every word;
//! 3. environment variable substitution when the command runs (`replace_env_argv` in
//!    `env-util.c`): a word that is exactly `$NAME` becomes the variable's value split at
//!    whitespace (zero words when unset), `${NAME}` anywhere in a word becomes the value as one
//!    piece (empty when unset), `$$` becomes `$`, and any other `$` stays as it is. The `:`
//!    prefix turns this step off. The variables come from the unit's `Environment=` lines
//!    (parsed like systemd: words with quotes and C escapes, then specifiers).
//!
//! Every deviation a test finds between this and the real consumers should be fixed here,
//! not papered over in a test.
#![allow(dead_code)]

use std::collections::BTreeMap;

/// A parsed unit file: sections in order, each with its `(key, value)` assignments in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFile {
    pub sections: Vec<(String, Vec<(String, String)>)>,
}

impl UnitFile {
    /// Every value assigned to `key` in `section`, in order (empty assignments included).
    pub fn all(&self, section: &str, key: &str) -> Vec<&str> {
        self.sections
            .iter()
            .filter(|(s, _)| s == section)
            .flat_map(|(_, kv)| kv.iter())
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The values that count for a list-like key: everything after the last empty
    /// assignment (an empty assignment resets the list in systemd).
    pub fn effective(&self, section: &str, key: &str) -> Vec<&str> {
        let all = self.all(section, key);
        match all.iter().rposition(|v| v.is_empty()) {
            Some(i) => all[i + 1..].to_vec(),
            None => all,
        }
    }

    pub fn section_names(&self) -> Vec<&str> {
        self.sections.iter().map(|(s, _)| s.as_str()).collect()
    }

    /// `(section, key)` of every assignment.
    pub fn keys(&self) -> Vec<(&str, &str)> {
        self.sections
            .iter()
            .flat_map(|(s, kv)| kv.iter().map(move |(k, _)| (s.as_str(), k.as_str())))
            .collect()
    }
}

const WHITESPACE: &[char] = &[' ', '\t', '\n', '\r'];

fn is_ws(c: char) -> bool {
    WHITESPACE.contains(&c)
}

/// Parses unit file text like systemd's `config_parse`. Errors on a line that is neither a
/// section header, a comment nor an assignment, and on an assignment outside a section.
pub fn parse_unit(text: &str) -> Result<UnitFile, String> {
    let mut unit = UnitFile::default();
    let mut continuation: Option<String> = None;
    for (n, raw) in text.split('\n').enumerate() {
        let lineno = n + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim_start_matches(WHITESPACE);
        // Comment lines are skipped, also in the middle of a continuation.
        if trimmed.starts_with(['#', ';']) {
            continue;
        }
        let mut line = match continuation.take() {
            Some(mut c) => {
                c.push_str(raw);
                c
            }
            None => raw.to_owned(),
        };
        // An odd backslash at the end continues the line; it becomes a space.
        let mut escaped = false;
        for c in line.chars() {
            escaped = if escaped { false } else { c == '\\' };
        }
        if escaped {
            line.pop();
            line.push(' ');
            continuation = Some(line);
            continue;
        }
        let l = line.trim_matches(WHITESPACE);
        if l.is_empty() {
            continue;
        }
        if let Some(rest) = l.strip_prefix('[') {
            let Some(name) = rest.strip_suffix(']') else {
                return Err(format!("line {lineno}: invalid section header {l:?}"));
            };
            unit.sections.push((name.to_owned(), Vec::new()));
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            return Err(format!("line {lineno}: missing '=' in {l:?}"));
        };
        let Some((_, kv)) = unit.sections.last_mut() else {
            return Err(format!(
                "line {lineno}: assignment outside of a section: {l:?}"
            ));
        };
        kv.push((
            k.trim_matches(WHITESPACE).to_owned(),
            v.trim_matches(WHITESPACE).to_owned(),
        ));
    }
    if let Some(c) = continuation {
        // A continuation at the end of the file is parsed as it is.
        let l = c.trim_matches(WHITESPACE);
        if let Some((k, v)) = l.split_once('=') {
            if let Some((_, kv)) = unit.sections.last_mut() {
                kv.push((
                    k.trim_matches(WHITESPACE).to_owned(),
                    v.trim_matches(WHITESPACE).to_owned(),
                ));
            }
        }
    }
    Ok(unit)
}

/// The C escape after a backslash (`cunescape_one`): the decoded bytes and how many input
/// characters it used, or `None` for an unknown/invalid escape.
fn cunescape_one(rest: &[char]) -> Option<(Vec<u8>, usize)> {
    let hex = |c: char| c.to_digit(16);
    let c0 = *rest.first()?;
    let simple = |b: u8| Some((vec![b], 1));
    match c0 {
        'a' => simple(0x07),
        'b' => simple(0x08),
        'f' => simple(0x0c),
        'n' => simple(b'\n'),
        'r' => simple(b'\r'),
        't' => simple(b'\t'),
        'v' => simple(0x0b),
        '\\' => simple(b'\\'),
        '"' => simple(b'"'),
        '\'' => simple(b'\''),
        's' => simple(b' '),
        'x' => {
            let a = hex(*rest.get(1)?)?;
            let b = hex(*rest.get(2)?)?;
            let v = (a << 4) | b;
            if v == 0 {
                return None;
            }
            // A raw byte (possibly not UTF-8 on its own).
            Some((vec![u8::try_from(v).ok()?], 3))
        }
        'u' | 'U' => {
            let n = if c0 == 'u' { 4 } else { 8 };
            let mut v: u32 = 0;
            for i in 1..=n {
                v = (v << 4) | hex(*rest.get(i)?)?;
            }
            if v == 0 {
                return None;
            }
            let ch = char::from_u32(v)?;
            let mut buf = [0u8; 4];
            Some((ch.encode_utf8(&mut buf).as_bytes().to_vec(), n + 1))
        }
        '0'..='7' => {
            let a = rest.first()?.to_digit(8)?;
            let b = rest.get(1)?.to_digit(8)?;
            let c = rest.get(2)?.to_digit(8)?;
            let v = (a << 6) | (b << 3) | c;
            if v == 0 || v > 255 {
                return None;
            }
            Some((vec![u8::try_from(v).ok()?], 3))
        }
        _ => None,
    }
}

/// `extract_first_word(p, WHITESPACE, EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE)`, retried with
/// `EXTRACT_UNESCAPE_RELAX` on an invalid escape (as `extract_first_word_and_warn` does).
/// Returns the word and the rest, `Ok(None)` when only whitespace is left, `Err` on
/// unbalanced quotes or a trailing backslash.
/// A word, the rest of the input, and whether an unknown escape was kept verbatim.
pub type Word<'a> = (String, &'a [char], bool);

pub fn extract_first_word(input: &[char]) -> Result<Option<Word<'_>>, String> {
    match extract_word_flags(input, false) {
        Ok(r) => Ok(r.map(|(w, rest)| (w, rest, false))),
        Err(_) => {
            let (w, rest) =
                extract_word_flags(input, true)?.ok_or_else(|| "unbalanced quoting".to_owned())?;
            Ok(Some((w, rest, true)))
        }
    }
}

fn extract_word_flags(input: &[char], relax: bool) -> Result<Option<(String, &[char])>, String> {
    let mut i = 0;
    while i < input.len() && is_ws(input[i]) {
        i += 1;
    }
    if i == input.len() {
        return Ok(None);
    }
    let mut out: Vec<u8> = Vec::new();
    let mut quote: Option<char> = None;
    let push = |out: &mut Vec<u8>, c: char| {
        let mut b = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    };
    while i < input.len() {
        let c = input[i];
        if c == '\\' {
            i += 1;
            if i >= input.len() {
                if relax && quote.is_none() {
                    out.push(b'\\');
                    break;
                }
                return Err("trailing backslash".to_owned());
            }
            match cunescape_one(&input[i..]) {
                Some((bytes, used)) => {
                    out.extend_from_slice(&bytes);
                    i += used;
                }
                None if relax => {
                    out.push(b'\\');
                    push(&mut out, input[i]);
                    i += 1;
                }
                None => return Err(format!("invalid escape \\{}", input[i])),
            }
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => push(&mut out, c),
            None if c == '\'' || c == '"' => quote = Some(c),
            None if is_ws(c) => {
                while i < input.len() && is_ws(input[i]) {
                    i += 1;
                }
                return Ok(Some((bytes_to_string(out), &input[i..])));
            }
            None => push(&mut out, c),
        }
        i += 1;
    }
    if quote.is_some() {
        return Err("unbalanced quoting".to_owned());
    }
    Ok(Some((bytes_to_string(out), &input[input.len()..])))
}

fn bytes_to_string(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What the `%` specifiers of one unit expand to.
#[derive(Debug, Clone)]
pub struct Specifiers {
    /// Full unit name, `app-web.service`.
    pub unit: String,
    /// `%h`: the home directory of the manager's user.
    pub home: String,
    /// `%t`: the runtime directory (`/run` for the system manager).
    pub runtime_dir: String,
}

impl Specifiers {
    pub fn system(unit: &str) -> Self {
        Self {
            unit: unit.to_owned(),
            home: "/root".to_owned(),
            runtime_dir: "/run".to_owned(),
        }
    }

    fn prefix(&self) -> &str {
        let stem = self
            .unit
            .rsplit_once('.')
            .map_or(self.unit.as_str(), |(s, _)| s);
        stem.split_once('@').map_or(stem, |(p, _)| p)
    }

    /// The value of `%c`, or `None` when systemd would refuse it.
    fn value(&self, c: char) -> Option<String> {
        let stem = self
            .unit
            .rsplit_once('.')
            .map_or(self.unit.clone(), |(s, _)| s.to_owned());
        Some(match c {
            'n' => self.unit.clone(),
            'N' => stem,
            'p' | 'P' => self.prefix().to_owned(),
            'i' | 'I' | 'j' | 'J' => String::new(),
            'h' => self.home.clone(),
            't' => self.runtime_dir.clone(),
            'u' => "root".to_owned(),
            'U' => "0".to_owned(),
            'g' => "root".to_owned(),
            'G' => "0".to_owned(),
            's' => "/bin/sh".to_owned(),
            'S' => "/var/lib".to_owned(),
            'C' => "/var/cache".to_owned(),
            'L' => "/var/log".to_owned(),
            'E' => "/etc".to_owned(),
            'T' => "/tmp".to_owned(),
            'V' => "/var/tmp".to_owned(),
            'f' => format!("/{}", self.prefix()),
            // Machine/boot/host facts: stand-ins that cannot be mistaken for literal text.
            'a' | 'A' | 'b' | 'B' | 'H' | 'l' | 'm' | 'M' | 'o' | 'q' | 'v' | 'w' | 'W' | 'y'
            | 'Y' | 'd' => format!("<specifier %{c}>"),
            _ => return None,
        })
    }

    /// `unit_full_printf`: `%%` is `%`, `%X` a specifier; an unknown specifier or a lone
    /// trailing `%` is an error.
    pub fn expand(&self, word: &str) -> Result<String, String> {
        let mut out = String::with_capacity(word.len());
        let mut it = word.chars();
        while let Some(c) = it.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match it.next() {
                Some('%') => out.push('%'),
                Some(s) => match self.value(s) {
                    Some(v) => out.push_str(&v),
                    None => return Err(format!("unknown specifier %{s} in {word:?}")),
                },
                None => return Err(format!("trailing % in {word:?}")),
            }
        }
        Ok(out)
    }
}

/// One command of an `Exec*=` line as systemd stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecCommand {
    pub path: String,
    /// argv as passed to `execve` (argv[0] included) before environment substitution.
    pub argv: Vec<String>,
    /// `-` prefix: failure is ignored.
    pub ignore_failure: bool,
    /// `:` prefix: no environment variable substitution.
    pub no_env_expand: bool,
    /// Unknown escapes were kept verbatim (systemd warns).
    pub warnings: Vec<String>,
}

/// Parses one `Exec*=` value into its commands (`config_parse_exec`).
pub fn parse_exec(value: &str, spec: &Specifiers) -> Result<Vec<ExecCommand>, String> {
    let chars: Vec<char> = value.trim_start_matches(WHITESPACE).chars().collect();
    let mut p: &[char] = &chars;
    let mut cmds = Vec::new();
    loop {
        let mut warnings = Vec::new();
        let Some((first, rest, relaxed)) = extract_first_word(p)? else {
            break;
        };
        if relaxed {
            warnings.push(format!(
                "unknown escape sequence kept verbatim in {first:?}"
            ));
        }
        p = rest;
        let mut f = first.as_str();
        let (mut ignore, mut separate_argv0, mut no_env) = (false, false, false);
        let (mut plus, mut bang) = (false, 0);
        loop {
            if let Some(r) = f.strip_prefix('-').filter(|_| !ignore) {
                ignore = true;
                f = r;
            } else if let Some(r) = f.strip_prefix('@').filter(|_| !separate_argv0) {
                separate_argv0 = true;
                f = r;
            } else if let Some(r) = f.strip_prefix(':').filter(|_| !no_env) {
                no_env = true;
                f = r;
            } else if let Some(r) = f.strip_prefix('+').filter(|_| !plus && bang == 0) {
                plus = true;
                f = r;
            } else if let Some(r) = f.strip_prefix('!').filter(|_| !plus && bang < 2) {
                bang += 1;
                f = r;
            } else {
                break;
            }
        }
        let path = spec.expand(f)?;
        if path.is_empty() {
            return Err(format!("empty executable path in {value:?}"));
        }
        let mut argv = Vec::new();
        if !separate_argv0 {
            argv.push(path.clone());
        }
        let mut more = false;
        loop {
            // A bare `;` ends this command; `\;` is a literal `;` word.
            let at_word_end = |i: usize| p.get(i).is_none_or(|c| is_ws(*c));
            if p.first() == Some(&';') && at_word_end(1) {
                p = &p[1..];
                while p.first().is_some_and(|c| is_ws(*c)) {
                    p = &p[1..];
                }
                more = true;
                break;
            }
            if p.first() == Some(&'\\') && p.get(1) == Some(&';') && at_word_end(2) {
                p = &p[2..];
                while p.first().is_some_and(|c| is_ws(*c)) {
                    p = &p[1..];
                }
                argv.push(";".to_owned());
                continue;
            }
            let Some((w, rest, relaxed)) = extract_first_word(p)? else {
                break;
            };
            if relaxed {
                warnings.push(format!("unknown escape sequence kept verbatim in {w:?}"));
            }
            p = rest;
            argv.push(spec.expand(&w)?);
        }
        if argv.is_empty() {
            return Err(format!("empty argv in {value:?}"));
        }
        cmds.push(ExecCommand {
            path,
            argv,
            ignore_failure: ignore,
            no_env_expand: no_env,
            warnings,
        });
        if !more {
            break;
        }
    }
    Ok(cmds)
}

/// The variables set by the unit's `Environment=` lines (later assignments win).
pub fn parse_environment(
    values: &[&str],
    spec: &Specifiers,
) -> Result<BTreeMap<String, String>, String> {
    let mut env = BTreeMap::new();
    for v in values {
        if v.is_empty() {
            env.clear();
            continue;
        }
        let chars: Vec<char> = v.chars().collect();
        let mut p: &[char] = &chars;
        while let Some((w, rest, _)) = extract_first_word(p)? {
            p = rest;
            let w = spec.expand(&w)?;
            let Some((k, val)) = w.split_once('=') else {
                return Err(format!("invalid environment assignment {w:?}"));
            };
            env.insert(k.to_owned(), val.to_owned());
        }
    }
    Ok(env)
}

/// `replace_env`: `${NAME}` and `$$` inside one word.
fn replace_env(word: &str, env: &BTreeMap<String, String>) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' {
            match chars.get(i + 1) {
                Some('$') => {
                    out.push('$');
                    i += 2;
                    continue;
                }
                Some('{') => {
                    if let Some(end) = chars[i + 2..].iter().position(|c| *c == '}') {
                        let name: String = chars[i + 2..i + 2 + end].iter().collect();
                        if name.contains(':') {
                            // Extended syntax is not enabled here: kept as written.
                            out.push('$');
                            i += 1;
                            continue;
                        }
                        out.push_str(env.get(&name).map_or("", String::as_str));
                        i += 3 + end;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Splits like `strv_split_full(WHITESPACE, EXTRACT_RELAX|EXTRACT_UNQUOTE)` (no C escapes).
fn split_relaxed_unquote(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) if c == '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            Some(_) => cur.push(c),
            None if c == '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            None if c == '\'' || c == '"' => {
                in_word = true;
                quote = Some(c);
            }
            None if is_ws(c) => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// `replace_env_argv`: what systemd passes to `execve` for one command.
pub fn expand_env_argv(argv: &[String], env: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for a in argv {
        let mut cs = a.chars();
        if cs.next() == Some('$') && !matches!(cs.next(), Some('{' | '$')) {
            if let Some(v) = env.get(&a[1..]) {
                out.extend(split_relaxed_unquote(v));
            }
            continue;
        }
        out.push(replace_env(a, env));
    }
    out
}

/// The argv systemd would execute for the last `ExecStart=` of `[Service]` in a generated
/// unit named `unit_name`, with warnings (unknown escapes) returned as errors so a test
/// sees them.
pub fn exec_start_argv(unit_text: &str, unit_name: &str) -> Result<Vec<String>, String> {
    let unit = parse_unit(unit_text)?;
    let spec = Specifiers::system(unit_name);
    let starts = unit.effective("Service", "ExecStart");
    let Some(last) = starts.last() else {
        return Err(format!("{unit_name}: no ExecStart="));
    };
    let cmds = parse_exec(last, &spec)?;
    let [cmd] = cmds.as_slice() else {
        return Err(format!(
            "{unit_name}: ExecStart= holds {} commands",
            cmds.len()
        ));
    };
    if let Some(w) = cmd.warnings.first() {
        return Err(format!("{unit_name}: systemd would warn: {w}"));
    }
    let env = parse_environment(&unit.effective("Service", "Environment"), &spec)?;
    Ok(if cmd.no_env_expand {
        cmd.argv.clone()
    } else {
        expand_env_argv(&cmd.argv, &env)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        parse_exec(s, &Specifiers::system("a.service")).expect("parses")[0]
            .argv
            .clone()
    }

    #[test]
    fn unit_syntax_sections_comments_continuations() {
        let u = parse_unit(
            "# c\n[Unit]\nDescription = x y \n; c\n[Service]\nExecStart=/bin/a \\\n  b\\\n# inside\n c\nEnvironment=\n",
        )
        .expect("parses");
        assert_eq!(u.section_names(), ["Unit", "Service"]);
        assert_eq!(u.all("Unit", "Description"), ["x y"]);
        assert_eq!(u.all("Service", "ExecStart"), ["/bin/a    b  c"]);
        assert_eq!(u.all("Service", "Environment"), [""]);
        assert!(parse_unit("Key=v\n").is_err());
        assert!(parse_unit("[A]\nnot an assignment\n").is_err());
    }

    #[test]
    fn escaped_backslash_at_end_of_line_is_not_a_continuation() {
        let u = parse_unit("[S]\nA=x\\\\\nB=y\n").expect("parses");
        assert_eq!(u.all("S", "A"), ["x\\\\"]);
        assert_eq!(u.all("S", "B"), ["y"]);
    }

    #[test]
    fn words_quotes_and_c_escapes() {
        assert_eq!(
            words("/bin/a b  'c d' \"e\\\"f\" g'h'i"),
            ["/bin/a", "b", "c d", "e\"f", "ghi"]
        );
        assert_eq!(
            words(r#"/bin/a "x\ty" \x41 "\u00fc" \s"#),
            ["/bin/a", "x\ty", "A", "ü", " "]
        );
        assert_eq!(words(r#"/bin/a "" ''"#), ["/bin/a", "", ""]);
        assert_eq!(words(r"/bin/a '\\'"), ["/bin/a", "\\"]);
        // An unknown escape is kept verbatim, with a warning.
        let c = &parse_exec(r"/bin/a \q", &Specifiers::system("a.service")).expect("ok")[0];
        assert_eq!(c.argv, ["/bin/a", "\\q"]);
        assert_eq!(c.warnings.len(), 1);
        assert!(parse_exec("/bin/a 'open", &Specifiers::system("a.service")).is_err());
        assert!(
            parse_exec("/bin/a \\x00", &Specifiers::system("a.service"))
                .is_ok_and(|c| !c[0].warnings.is_empty())
        );
    }

    #[test]
    fn semicolons_and_prefixes() {
        let s = Specifiers::system("a.service");
        let c = parse_exec("-/bin/a x ; /bin/b \\; y;z", &s).expect("ok");
        assert_eq!(c.len(), 2);
        assert!(c[0].ignore_failure);
        assert_eq!(c[0].argv, ["/bin/a", "x"]);
        assert_eq!(c[1].argv, ["/bin/b", ";", "y;z"]);
        let c = parse_exec("@/bin/a argv0 x", &s).expect("ok");
        assert_eq!(c[0].path, "/bin/a");
        assert_eq!(c[0].argv, ["argv0", "x"]);
        assert!(parse_exec(":/bin/a $X", &s).expect("ok")[0].no_env_expand);
    }

    #[test]
    fn specifiers() {
        let s = Specifiers::system("app-web.service");
        assert_eq!(
            s.expand("%%h %n %N %t/%N.cid").expect("ok"),
            "%h app-web.service app-web /run/app-web.cid"
        );
        assert_eq!(s.expand("%h").expect("ok"), "/root");
        assert!(s.expand("%Z").is_err());
        assert!(s.expand("100%").is_err());
    }

    #[test]
    fn environment_substitution() {
        let mut env = BTreeMap::new();
        env.insert("A".to_owned(), "one 'two three'".to_owned());
        env.insert("B".to_owned(), "x y".to_owned());
        let argv: Vec<String> = [
            "/bin/a", "$A", "${B}", "p${B}q", "$$A", "a$B", "$", "$UNSET", "${UNSET}", "$${B}",
            "${B",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        assert_eq!(
            expand_env_argv(&argv, &env),
            [
                "/bin/a",
                "one",
                "two three",
                "x y",
                "px yq",
                "$A",
                "a$B",
                "",
                "${B}",
                "${B"
            ]
        );
    }

    #[test]
    fn full_unit_round_trip() {
        let text = "[Service]\nEnvironment=PODMAN_SYSTEMD_UNIT=%n \"Q=a b\"\nExecStart=/usr/bin/podman run --env \"X=$$HOME %%h\" --env U=$PODMAN_SYSTEMD_UNIT --label ${Q} img \"new\\nline\" [Service]\n";
        assert_eq!(
            exec_start_argv(text, "p-web.service").expect("ok"),
            [
                "/usr/bin/podman",
                "run",
                "--env",
                "X=$HOME %h",
                "--env",
                "U=$PODMAN_SYSTEMD_UNIT",
                "--label",
                "a b",
                "img",
                "new\nline",
                "[Service]"
            ]
        );
    }
}
