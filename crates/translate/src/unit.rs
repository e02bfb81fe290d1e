//! The one writer of systemd unit syntax (quadlet files are unit files too). Every value
//! written into a unit goes through here, so escaping lives in exactly one place.
//!
//! # How a value travels
//!
//! A quadlet file is read by quadlet's own parser and turned into a systemd service whose
//! `ExecStart=` holds the `podman` command line; systemd then reads that service. Two layers
//! therefore interpret what we write:
//!
//! 1. **The unit-file parser** (quadlet's and systemd's behave alike here): a line is
//!    `Key=Value`; leading and trailing whitespace of the value is dropped; a line ending in
//!    `\` continues on the next line; lines starting with `#` or `;` are comments and lines
//!    starting with `[` are section headers. Because we never write a raw newline (or any
//!    other control character) inside a value, a value can never start a new line, so a value
//!    that *looks* like `[Service]` or `# comment` is just text after `Key=`.
//! 2. **systemd**, for the generated service: specifiers (`%n`, `%h`, ...) are expanded in
//!    almost every setting, so a literal `%` must be written `%%`. In command lines
//!    (`ExecStart=` and friends) systemd also expands `$VAR`/`${VAR}` in each word at exec time,
//!    so a literal `$` must be written `$$`. Quadlet copies `%` and `$` through unchanged into
//!    `ExecStart=` (verified with the 5.4.2 binary), and *every* value of a `[Container]`,
//!    `[Network]`, `[Volume]`, `[Pod]`, `[Build]` or `[Image]` key ends up as a word of some
//!    podman command line (`podman run`, `podman network create`, ...), including
//!    `Environment=` (it becomes `--env K=V`). So in those sections both are doubled
//!    ([`Expansion::Exec`]). In ordinary systemd settings (`Description=`, `After=`, ...) only `%` is
//!    doubled ([`Expansion::Setting`]); our own `ExecStartPost=`/`ExecStartPre=` lines are command
//!    lines and use [`Expansion::Exec`].
//!
//! # Two kinds of keys
//!
//! * **Word-list keys** (quadlet reads them with `LookupAllArgs`/`LookupLastArgs`/
//!   `LookupAllKeyVal`: `Exec=`, `PodmanArgs=`, `Environment=`, `Label=`, `Annotation=`,
//!   `Secret=`, `Mount=`, `Mask=`, `GlobalArgs=`; systemd's `Exec*=`): the value is split into
//!   words at unquoted whitespace, double or single quotes group a word, and C escapes (`\n`,
//!   `\t`, `\\`, `\"`, `\xHH`, ...) are decoded. [`quote_word`] writes a word so that this
//!   splitting gives back exactly the original string: a word made only of "safe" characters
//!   is written bare; any other word is wrapped in `"..."` with `\` → `\\`, `"` → `\"`, newline
//!   → `\n`, tab → `\t`, carriage return → `\r`, other control characters → `\xHH`. Leading and
//!   trailing whitespace survive because they sit inside the quotes, an empty word is `""`,
//!   and the last character of a quoted word is `"`, so no value ends in a line-continuation
//!   backslash. A word that is exactly `;` is written `\;`: systemd reads a lone `;` as a
//!   command separator in `Exec*=` lines. (Quadlet 5.4 itself cannot pass a lone `;` or an
//!   empty word through `Exec=`: it drops everything from an empty word on and writes `;`
//!   bare into `ExecStart=`; such an argument is written as a variable reference instead,
//!   see below.) Unicode is written as is (UTF-8). Then `%` → `%%` (and `$` → `$$` in
//!   [`Expansion::Exec`]) on top, since specifier expansion happens on the whole line before the
//!   split and `$` expansion per word after it.
//! * **Plain keys** (quadlet reads them with `Lookup`/`LookupAll`, the raw text of the line:
//!   `Image=`, `ContainerName=`, `HostName=`, `PublishPort=`, `Network=`, `Volume=`, ...): the
//!   value is taken verbatim, nothing is unquoted or C-unescaped. Only `%`/`$` doubling
//!   applies. Such a value cannot carry a control character, leading/trailing whitespace, a
//!   trailing backslash, or a double quote at either end (quadlet strips them), nor be a lone
//!   `;` in a command line (quadlet writes it as a bare word into `ExecStart=`):
//!   [`escape_plain`] refuses those, and the translator then passes the value through
//!   `PodmanArgs=` as a quoted word instead, where everything is representable.
//!
//! # Arguments carried by systemd variables
//!
//! An argument quadlet cannot pass through `Exec=` (an empty one, a lone `;`) is written as
//! the word `${NAME}` ([`ExecWord::Var`], the only unescaped `$` we ever write) and its value
//! is set by a systemd-level `Environment="NAME=value"` line in `[Service]`
//! ([`Section::env_assignment`]). Quadlet copies `${NAME}` into `ExecStart=` unchanged (checked
//! with the 5.4.2 binary), and systemd replaces a `${NAME}` word, when the command runs, by
//! exactly one argument holding the variable's value, empty or not (`$NAME` without braces
//! would be split at whitespace instead). `Environment=` values are unquoted and C-unescaped
//! like a word and specifiers are expanded in them, but `$` is not, so the assignment is one
//! [`quote_word`] in [`Expansion::Setting`].
//!
//! [`split_words`] is an independent reference implementation of the reading side (systemd's
//! specifier pass for `%%`, `extract_first_word` with unquoting and C unescaping, then `$$`),
//! used by the tests to prove the round trip.

use std::borrow::Cow;
use std::fmt;

/// Where a value ends up, which decides what systemd expands in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expansion {
    /// An ordinary systemd setting: `%` specifiers are expanded, `$` is not.
    Setting,
    /// A command line (`ExecStart=` or any quadlet key, which all become podman arguments):
    /// `%` specifiers and `$VAR` are both expanded.
    Exec,
}

/// A value that cannot be written as a plain (verbatim) unit value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrepresentable {
    pub value: String,
    pub reason: &'static str,
}

impl fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} cannot be a plain unit value: {}",
            self.value, self.reason
        )
    }
}

impl std::error::Error for Unrepresentable {}

/// A unit file: optional leading comment lines, then sections in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitFile {
    /// Comment lines written before the first section (without the leading `# `). Control
    /// characters in them are replaced by spaces so a comment can never end early.
    pub header: Vec<String>,
    pub sections: Vec<Section>,
}

/// One `[Name]` section. `entries` hold `(key, already escaped value)`: fill them through the
/// methods of [`Section`], which do the escaping.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    pub name: String,
    pub entries: Vec<(String, String)>,
}

impl Section {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            entries: Vec::new(),
        }
    }

    /// A value we wrote ourselves and which must be taken literally by the parser but may use
    /// specifiers on purpose (`%t`, `%n`): only checked, never escaped. Use for constants and
    /// for values already made of safe characters (unit names, numbers).
    pub fn raw(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        debug_assert!(
            !has_control(&value) && !value.ends_with('\\'),
            "raw unit value with control character or trailing backslash: {value:?}"
        );
        let value = match without_controls(&value) {
            Cow::Borrowed(_) => value,
            Cow::Owned(cleaned) => cleaned,
        };
        self.entries.push((key.to_owned(), value));
    }

    /// A plain (verbatim) value, escaped for `ctx`. Fails when the value cannot be written
    /// verbatim; see [`escape_plain`].
    pub fn plain(&mut self, key: &str, value: &str, ctx: Expansion) -> Result<(), Unrepresentable> {
        let v = escape_plain(value, ctx)?;
        self.entries.push((key.to_owned(), v));
        Ok(())
    }

    /// A word-list value: each word quoted so the word splitter gives back the exact words.
    pub fn words<S: AsRef<str>>(&mut self, key: &str, words: &[S], ctx: Expansion) {
        self.entries.push((key.to_owned(), quote_words(words, ctx)));
    }

    /// A word-list value holding one word (`Environment=`, `Label=`, `Secret=`, ...).
    pub fn word(&mut self, key: &str, word: &str, ctx: Expansion) {
        self.entries.push((key.to_owned(), quote_word(word, ctx)));
    }

    /// A command line (`Exec=`, `ExecStart=`, ...) whose words are literal text or references
    /// to systemd variables; see [`quote_exec_words`].
    pub fn exec_words(&mut self, key: &str, words: &[ExecWord<'_>]) {
        self.entries.push((key.to_owned(), quote_exec_words(words)));
    }

    /// A systemd `Environment=` assignment of `name` (see [`is_var_name`]) to `value`, which
    /// may be anything (empty, `;`, quotes, `%`, `$`, backslashes, newlines): written as one
    /// quoted word, `%` doubled, `$` kept (systemd does not expand variables in
    /// `Environment=`).
    pub fn env_assignment(&mut self, name: &str, value: &str) {
        debug_assert!(is_var_name(name), "bad variable name {name:?}");
        self.entries.push((
            "Environment".to_owned(),
            quote_word(&format!("{name}={value}"), Expansion::Setting),
        ));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drop entries that repeat an earlier `(key, value)` exactly (the first one stays).
    pub fn dedup(&mut self) {
        if self.entries.len() <= 32 {
            // A usual section: comparing with the entries kept so far costs less than hashing
            // every entry. `kept` entries sit at the front, in their original order.
            let mut kept = 0;
            for i in 0..self.entries.len() {
                if !self.entries[..kept].contains(&self.entries[i]) {
                    self.entries.swap(kept, i);
                    kept += 1;
                }
            }
            self.entries.truncate(kept);
            return;
        }
        let keep: Vec<bool> = {
            let mut seen = std::collections::HashSet::with_capacity(self.entries.len());
            self.entries.iter().map(|e| seen.insert(e)).collect()
        };
        let mut i = 0;
        self.entries.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }

    /// The escaped values of `key`, in order.
    pub fn get<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl UnitFile {
    pub fn new() -> Self {
        Self::default()
    }

    /// The section called `name`, created at the end if missing.
    pub fn section(&mut self, name: &str) -> &mut Section {
        let idx = match self.sections.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                self.sections.push(Section::new(name));
                self.sections.len() - 1
            }
        };
        &mut self.sections[idx]
    }

    /// The text of the unit: header comments, then each non-empty section separated by a blank
    /// line, `\n` line ends, ending with a newline.
    pub fn render(&self) -> String {
        let size: usize = self.header.iter().map(|l| l.len() + 3).sum::<usize>()
            + self
                .sections
                .iter()
                .map(|s| {
                    s.name.len()
                        + 4
                        + s.entries
                            .iter()
                            .map(|(k, v)| k.len() + v.len() + 2)
                            .sum::<usize>()
                })
                .sum::<usize>();
        let mut out = String::with_capacity(size);
        for line in &self.header {
            out.push('#');
            if !line.is_empty() {
                out.push(' ');
            }
            out.push_str(&without_controls(line));
            out.push('\n');
        }
        let mut first = true;
        for section in self.sections.iter().filter(|s| !s.is_empty()) {
            if !first || !self.header.is_empty() {
                out.push('\n');
            }
            first = false;
            out.push('[');
            out.push_str(&section.name);
            out.push_str("]\n");
            for (k, v) in &section.entries {
                out.push_str(k);
                out.push('=');
                out.push_str(v);
                out.push('\n');
            }
        }
        out
    }
}

impl fmt::Display for UnitFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// True when `s` holds a control character (`char::is_control`), checked byte by byte for
/// ASCII text.
fn has_control(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().any(|b| b < 0x20 || b == 0x7f)
    } else {
        s.chars().any(char::is_control)
    }
}

/// `s` with every control character replaced by a space (borrowed when there is none).
fn without_controls(s: &str) -> Cow<'_, str> {
    if has_control(s) {
        Cow::Owned(
            s.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// True when `s` holds a character that [`push_expanded`] doubles in `ctx`.
fn needs_expansion(s: &str, ctx: Expansion) -> bool {
    s.bytes()
        .any(|b| b == b'%' || (b == b'$' && ctx == Expansion::Exec))
}

fn push_expanded(out: &mut String, c: char, ctx: Expansion) {
    match c {
        '%' => out.push_str("%%"),
        '$' if ctx == Expansion::Exec => out.push_str("$$"),
        c => out.push(c),
    }
}

/// Escape a value for a plain (verbatim) key: `%` → `%%`, and `$` → `$$` in [`Expansion::Exec`].
///
/// Refuses values the verbatim reader cannot give back: control characters (newline, tab,
/// ...), leading or trailing whitespace, a trailing backslash (line continuation), a value
/// wrapped in double quotes (stripped by newer quadlets), the empty string (an empty value
/// resets list keys), and in [`Expansion::Exec`] a lone `;` (quadlet 5.4 writes it bare into
/// `ExecStart=`, where systemd reads it as a command separator).
pub fn escape_plain(value: &str, ctx: Expansion) -> Result<String, Unrepresentable> {
    let fail = |reason| {
        Err(Unrepresentable {
            value: value.to_owned(),
            reason,
        })
    };
    if value.is_empty() {
        return fail("empty value");
    }
    if has_control(value) {
        return fail("contains a control character (newline, tab, ...)");
    }
    if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        return fail("leading or trailing whitespace");
    }
    if value.ends_with('\\') {
        return fail("trailing backslash (line continuation)");
    }
    if value.starts_with('"') || value.ends_with('"') {
        // quadlet 5.4's Lookup strips a leading and a trailing `"` independently
        return fail("starts or ends with a double quote");
    }
    if value == ";" && ctx == Expansion::Exec {
        // quadlet writes the value as its own word, bare, into ExecStart=
        return fail("a lone `;` (a command separator in ExecStart=)");
    }
    if !needs_expansion(value, ctx) {
        return Ok(value.to_owned());
    }
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        push_expanded(&mut out, c, ctx);
    }
    Ok(out)
}

/// True when `value` can be written by [`escape_plain`].
pub fn is_plain(value: &str) -> bool {
    escape_plain(value, Expansion::Setting).is_ok()
}

fn word_is_bare(word: &str) -> bool {
    // `;` alone is systemd's command separator; it is written `\;` (see `quote_word`).
    if word.is_ascii() {
        // ASCII whitespace and control characters are all at or below 0x20, or 0x7f
        return !word.is_empty()
            && word
                .bytes()
                .all(|b| b > 0x20 && b != 0x7f && !matches!(b, b'"' | b'\'' | b'\\' | b';'));
    }
    !word.is_empty()
        && word
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | '\'' | '\\' | ';'))
}

/// Quote one word for a word-list key (see the module doc).
pub fn quote_word(word: &str, ctx: Expansion) -> String {
    if word == ";" {
        // systemd reads a lone `;` (quoted or not) as a command separator in Exec lines
        return "\\;".to_owned();
    }
    let bare = word_is_bare(word);
    if bare && !needs_expansion(word, ctx) {
        return word.to_owned();
    }
    let mut out = String::with_capacity(word.len() + 2);
    if bare {
        for c in word.chars() {
            push_expanded(&mut out, c, ctx);
        }
        return out;
    }
    out.push('"');
    for c in word.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => push_expanded(&mut out, c, ctx),
        }
    }
    out.push('"');
    out
}

/// Quote one word made of a trusted prefix that may use systemd specifiers on purpose (such
/// as `%h`, written as is) followed by data (`rest`, escaped like [`quote_word`]). The prefix
/// must not contain whitespace, quotes, backslashes or control characters.
pub fn quote_word_with_specifier_prefix(prefix: &str, rest: &str, ctx: Expansion) -> String {
    debug_assert!(
        prefix
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | '\'' | '\\')),
        "unsafe specifier prefix {prefix:?}"
    );
    let quoted = quote_word(rest, ctx);
    match quoted.strip_prefix('"') {
        Some(inner) => format!("\"{prefix}{inner}"),
        None if rest.is_empty() => prefix.to_owned(),
        None => format!("{prefix}{quoted}"),
    }
}

/// One word of a command line: literal text, or a reference to a systemd variable that
/// systemd replaces by exactly one argument (the variable's value) when the command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecWord<'a> {
    Literal(&'a str),
    /// The variable's name (see [`is_var_name`]); written `${NAME}`.
    Var(&'a str),
}

/// True for a name systemd accepts for a variable and that `${NAME}` can reference: ASCII
/// letters, digits and `_`, not starting with a digit.
pub fn is_var_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A command line ([`Expansion::Exec`]): literal words quoted by [`quote_word`], variable
/// references written `${NAME}`, joined with single spaces.
pub fn quote_exec_words(words: &[ExecWord<'_>]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match w {
            ExecWord::Literal(text) => out.push_str(&quote_word(text, Expansion::Exec)),
            ExecWord::Var(name) => {
                debug_assert!(is_var_name(name), "bad variable name {name:?}");
                out.push_str("${");
                out.push_str(name);
                out.push('}');
            }
        }
    }
    out
}

/// Quote every word and join them with single spaces.
pub fn quote_words<S: AsRef<str>>(words: &[S], ctx: Expansion) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&quote_word(w.as_ref(), ctx));
    }
    out
}

/// Why [`split_words`] rejected a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError(pub String);

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SplitError {}

/// Reference reader for word-list values, written from systemd's documented rules, so the
/// escaper can be tested against something it does not share code with.
///
/// Steps: (1) specifiers: `%%` → `%` (any other `%x` is an error here, since we never write
/// one from data); (2) split at unquoted whitespace, `"..."` and `'...'` group, C escapes
/// decoded inside and outside quotes (`\a \b \f \n \r \t \v \\ \" \' \s \xHH \ooo \uXXXX
/// \UXXXXXXXX`), unbalanced quotes or a trailing backslash are errors; (3) in [`Expansion::Exec`]:
/// `$$` → `$`, and a `$` followed by a name or `{` (a variable reference) is an error.
pub fn split_words(line: &str, ctx: Expansion) -> Result<Vec<String>, SplitError> {
    split_words_env(line, ctx, None)
}

/// [`split_words`] that also reads variable references in [`Expansion::Exec`] the way systemd does
/// when the command runs: `${NAME}` becomes the value of `NAME` in `env` (empty when unset),
/// as part of the one word it sits in. `$NAME` without braces stays an error.
pub fn split_words_env(
    line: &str,
    ctx: Expansion,
    env: Option<&std::collections::BTreeMap<String, String>>,
) -> Result<Vec<String>, SplitError> {
    // (1) specifiers
    let mut s = String::with_capacity(line.len());
    let mut it = line.chars().peekable();
    while let Some(c) = it.next() {
        if c == '%' {
            match it.next() {
                Some('%') => s.push('%'),
                other => return Err(SplitError(format!("specifier %{other:?} in {line:?}"))),
            }
        } else {
            s.push(c);
        }
    }
    // (2) split + unquote + unescape
    let chars: Vec<char> = s.chars().collect();
    let mut words = Vec::new();
    let mut i = 0;
    let n = chars.len();
    loop {
        while i < n && matches!(chars[i], ' ' | '\t' | '\n' | '\r') {
            i += 1;
        }
        if i >= n {
            break;
        }
        let mut word = String::new();
        let mut quote: Option<char> = None;
        while i < n {
            let c = chars[i];
            if let Some(q) = quote {
                if c == q {
                    quote = None;
                    i += 1;
                } else if c == '\\' {
                    i = unescape(&chars, i, &mut word)?;
                } else {
                    word.push(c);
                    i += 1;
                }
            } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
                break;
            } else if c == '"' || c == '\'' {
                quote = Some(c);
                i += 1;
            } else if c == '\\' {
                i = unescape(&chars, i, &mut word)?;
            } else {
                word.push(c);
                i += 1;
            }
        }
        if quote.is_some() {
            return Err(SplitError(format!("unbalanced quote in {line:?}")));
        }
        words.push(word);
    }
    // (3) environment variables
    if ctx == Expansion::Exec {
        for w in &mut words {
            let mut out = String::with_capacity(w.len());
            let cs: Vec<char> = w.chars().collect();
            let mut j = 0;
            while j < cs.len() {
                if cs[j] == '$' {
                    match cs.get(j + 1) {
                        Some('$') => {
                            out.push('$');
                            j += 2;
                            continue;
                        }
                        Some('{') if env.is_some() => {
                            let Some(end) = cs[j + 2..].iter().position(|c| *c == '}') else {
                                return Err(SplitError(format!("unclosed ${{ in {w:?}")));
                            };
                            let name: String = cs[j + 2..j + 2 + end].iter().collect();
                            if let Some(v) = env.and_then(|e| e.get(&name)) {
                                out.push_str(v);
                            }
                            j += end + 3;
                            continue;
                        }
                        Some(c) if *c == '{' || *c == '_' || c.is_ascii_alphabetic() => {
                            return Err(SplitError(format!("variable reference in {w:?}")));
                        }
                        _ => {}
                    }
                }
                out.push(cs[j]);
                j += 1;
            }
            *w = out;
        }
    }
    Ok(words)
}

/// Decode the C escape starting at `chars[i]` (a backslash); return the index after it.
fn unescape(chars: &[char], i: usize, out: &mut String) -> Result<usize, SplitError> {
    let Some(&c) = chars.get(i + 1) else {
        return Err(SplitError("trailing backslash".into()));
    };
    let simple = match c {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        's' => Some(' '),
        '\\' | '"' | '\'' | ';' => Some(c),
        _ => None,
    };
    if let Some(d) = simple {
        out.push(d);
        return Ok(i + 2);
    }
    let hex = |from: usize, len: usize| -> Result<u32, SplitError> {
        let digits: String = chars.get(from..from + len).unwrap_or(&[]).iter().collect();
        if digits.len() != len {
            return Err(SplitError("short escape".into()));
        }
        u32::from_str_radix(&digits, 16).map_err(|_| SplitError("bad hex escape".into()))
    };
    match c {
        'x' => {
            // \xHH is a byte; collect a run of them and decode as UTF-8.
            let mut bytes = vec![u8::try_from(hex(i + 2, 2)?).unwrap_or(0)];
            let mut j = i + 4;
            while chars.get(j) == Some(&'\\') && chars.get(j + 1) == Some(&'x') {
                bytes.push(u8::try_from(hex(j + 2, 2)?).unwrap_or(0));
                j += 4;
            }
            let s = String::from_utf8(bytes).map_err(|_| SplitError("bad UTF-8".into()))?;
            out.push_str(&s);
            Ok(j)
        }
        'u' | 'U' => {
            let len = if c == 'u' { 4 } else { 8 };
            let cp = hex(i + 2, len)?;
            out.push(char::from_u32(cp).ok_or_else(|| SplitError("bad code point".into()))?);
            Ok(i + 2 + len)
        }
        '0'..='7' => {
            let digits: String = chars.get(i + 1..i + 4).unwrap_or(&[]).iter().collect();
            let v = u32::from_str_radix(&digits, 8)
                .map_err(|_| SplitError("bad octal escape".into()))?;
            out.push(char::from_u32(v).ok_or_else(|| SplitError("bad octal".into()))?);
            Ok(i + 4)
        }
        other => Err(SplitError(format!("unknown escape \\{other}"))),
    }
}

/// Parse rendered unit text back into `(section, key, raw value)` triples, the way the
/// unit-file parser reads lines (used by tests to check that values stay values).
pub fn parse_lines(text: &str) -> Result<Vec<(String, String, String)>, SplitError> {
    let mut out = Vec::new();
    let mut section: Option<String> = None;
    for line in text.split('\n') {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.ends_with('\\') {
            return Err(SplitError(format!("line continuation in {line:?}")));
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| SplitError(format!("bad section header {line:?}")))?;
            section = Some(name.to_owned());
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| SplitError(format!("not a key=value line: {line:?}")))?;
        let sec = section
            .clone()
            .ok_or_else(|| SplitError("key before any section".into()))?;
        out.push((sec, k.trim().to_owned(), v.trim().to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn round_trip(words: &[&str], ctx: Expansion) -> Vec<String> {
        let mut s = Section::new("Container");
        s.words("Exec", words, ctx);
        let text = UnitFile {
            header: vec![],
            sections: vec![s],
        }
        .render();
        let parsed = parse_lines(&text).unwrap();
        assert_eq!(parsed.len(), 1, "{text}");
        split_words(&parsed[0].2, ctx).unwrap()
    }

    #[test]
    fn fixed_adversarial_words_round_trip() {
        let cases: &[&str] = &[
            "%h",
            "$$",
            "$HOME",
            "${HOME}",
            "a\"b",
            "'single'",
            "back\\slash",
            "ends with \\",
            "line1\nline2",
            "[Service]",
            "# not a comment",
            "; nor this",
            "  leading and trailing  ",
            "",
            "ünïcødé ✓",
            "tab\there",
            "\u{1}\u{7f}",
            "=",
            "KEY=value with spaces",
            "100%",
            ";",
            "a;b",
            "\\;",
        ];
        for ctx in [Expansion::Exec, Expansion::Setting] {
            assert_eq!(round_trip(cases, ctx), cases.to_vec(), "{ctx:?}");
        }
    }

    #[test]
    fn variable_words_and_their_assignments_round_trip() {
        let values = [
            "",
            ";",
            " ",
            "a b",
            "%h",
            "$HOME",
            "${X}",
            "\\",
            "\"q\"",
            "'",
            "\n[Service]",
            "\\;",
        ];
        let names: Vec<String> = (0..values.len()).map(|i| format!("V_{i}")).collect();
        let mut svc = Section::new("Service");
        for (n, v) in names.iter().zip(values) {
            svc.env_assignment(n, v);
        }
        let mut words = vec![ExecWord::Literal("/bin/x"), ExecWord::Literal("${literal}")];
        words.extend(names.iter().map(|n| ExecWord::Var(n)));
        svc.exec_words("ExecStart", &words);
        let text = UnitFile {
            header: vec![],
            sections: vec![svc],
        }
        .render();
        let parsed = parse_lines(&text).unwrap();
        let mut env = std::collections::BTreeMap::new();
        for (_, k, v) in &parsed {
            if k == "Environment" {
                let [w] = split_words(v, Expansion::Setting)
                    .unwrap()
                    .try_into()
                    .unwrap();
                let (n, val) = w.split_once('=').unwrap();
                env.insert(n.to_owned(), val.to_owned());
            }
        }
        let exec = &parsed.iter().find(|(_, k, _)| k == "ExecStart").unwrap().2;
        assert!(
            exec.starts_with("/bin/x $${literal} ${V_0} ${V_1}"),
            "{exec}"
        );
        let mut want = vec!["/bin/x".to_owned(), "${literal}".to_owned()];
        want.extend(values.iter().map(|v| (*v).to_owned()));
        assert_eq!(
            split_words_env(exec, Expansion::Exec, Some(&env)).unwrap(),
            want
        );
        // Without the environment a reference is an error of the reference reader.
        assert!(split_words(exec, Expansion::Exec).is_err());
    }

    #[test]
    fn variable_names() {
        for ok in ["A", "_", "TRANSSHIP_ARG_3", "a1"] {
            assert!(is_var_name(ok), "{ok}");
        }
        for bad in ["", "1A", "A-B", "A B", "A}", "Ä"] {
            assert!(!is_var_name(bad), "{bad}");
        }
    }

    #[test]
    fn specifier_prefix_stays_a_specifier() {
        assert_eq!(
            quote_word_with_specifier_prefix("%h", "/a b/100%", Expansion::Exec),
            "\"%h/a b/100%%\""
        );
        assert_eq!(
            quote_word_with_specifier_prefix("%h", "/x", Expansion::Exec),
            "%h/x"
        );
        assert_eq!(
            quote_word_with_specifier_prefix("", "/x", Expansion::Exec),
            "/x"
        );
    }

    #[test]
    fn percent_and_dollar_are_doubled() {
        assert_eq!(quote_word("a%b$c", Expansion::Exec), "a%%b$$c");
        assert_eq!(quote_word("a%b$c", Expansion::Setting), "a%%b$c");
        assert_eq!(escape_plain("%h/$X", Expansion::Exec).unwrap(), "%%h/$$X");
    }

    #[test]
    fn bare_words_stay_bare_and_others_are_quoted() {
        assert_eq!(quote_word("--cpus=0.5", Expansion::Exec), "--cpus=0.5");
        assert_eq!(quote_word("a b", Expansion::Exec), "\"a b\"");
        assert_eq!(quote_word("", Expansion::Exec), "\"\"");
        assert_eq!(quote_word("x\ny", Expansion::Exec), "\"x\\ny\"");
        assert_eq!(quote_word("q\"", Expansion::Exec), "\"q\\\"\"");
    }

    #[test]
    fn plain_values_refuse_what_cannot_be_verbatim() {
        for bad in [
            "", " x", "x ", "a\nb", "a\\", "\"q\"", "\"", "\"a", "a\"", ";",
        ] {
            assert!(escape_plain(bad, Expansion::Exec).is_err(), "{bad:?}");
        }
        assert_eq!(escape_plain(";", Expansion::Setting).unwrap(), ";");
        assert_eq!(escape_plain("a;", Expansion::Exec).unwrap(), "a;");
        assert_eq!(
            escape_plain("[Service]", Expansion::Setting).unwrap(),
            "[Service]"
        );
    }

    #[test]
    fn a_value_that_looks_like_a_section_stays_a_value() {
        let mut u = UnitFile::new();
        u.section("Container")
            .plain("Label", "[Service]", Expansion::Exec)
            .unwrap();
        u.section("Container").word(
            "Environment",
            "X=\n[Service]\nExecStart=/bin/evil",
            Expansion::Exec,
        );
        let text = u.render();
        let parsed = parse_lines(&text).unwrap();
        assert!(parsed.iter().all(|(s, _, _)| s == "Container"), "{text}");
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn render_layout() {
        let mut u = UnitFile {
            header: vec!["generated".into()],
            sections: vec![],
        };
        u.section("Unit").raw("Description", "x");
        u.section("Service");
        u.section("Install").raw("WantedBy", "default.target");
        assert_eq!(
            u.render(),
            "# generated\n\n[Unit]\nDescription=x\n\n[Install]\nWantedBy=default.target\n"
        );
    }

    proptest! {
        #[test]
        fn any_words_round_trip(words in proptest::collection::vec(any::<String>(), 0..6)) {
            for ctx in [Expansion::Exec, Expansion::Setting] {
                let line = quote_words(&words, ctx);
                prop_assert!(!line.contains('\n'));
                prop_assert!(!line.ends_with('\\'));
                prop_assert_eq!(split_words(&line, ctx).unwrap(), words.clone());
            }
        }

        #[test]
        fn tricky_words_round_trip(words in proptest::collection::vec(
            "[ a%$\\\\\"'\n\t\\[\\]#;=é{}]{0,8}", 0..6)) {
            let line = quote_words(&words, Expansion::Exec);
            prop_assert_eq!(split_words(&line, Expansion::Exec).unwrap(), words.clone());
        }

        #[test]
        fn plain_values_round_trip_or_refuse(v in any::<String>()) {
            if let Ok(e) = escape_plain(&v, Expansion::Exec) {
                let mut u = UnitFile::new();
                u.section("Container").entries.push(("Image".into(), e));
                let parsed = parse_lines(&u.render()).unwrap();
                let raw = &parsed[0].2;
                prop_assert_eq!(raw.replace("%%", "%").replace("$$", "$"), v);
            }
        }
    }
}
