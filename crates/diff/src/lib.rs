//! `migrate diff`: what writing a target's files would change, as plain data.
//!
//! A pure function of its inputs: the files a translator generated ([`NewFile`]) and the
//! files found where they would go ([`OldFile`], read by the caller), plus a salt for the
//! masks. No IO, no clock, no randomness of its own: the same inputs give the same report.
//!
//! Rules:
//! - a generated file that is missing is `added`; present with other content, `changed`;
//!   equal, `unchanged`;
//! - a file in the directory that this run does not generate is `removed` only when it carries
//!   the generated-by header of *this* Compose project (so writing the new output would leave
//!   it stale); any other file is `foreign`: listed, never counted as a difference;
//! - secrets never appear: a secret-bearing file's content is replaced by `*** <hash>` (a
//!   short salted hash, so a change is still visible), and inside other files every
//!   `NAME=VALUE` whose name the secrets classifier flags has its value masked the same way
//!   (an older unit, or one written with `--inline-env`, may still hold one), unless the
//!   caller asks to show secrets.

pub mod render;
pub mod semantic;

use serde::Serialize;
use similar::{DiffTag, TextDiff};
use transship_translate::secrets::looks_secret;

/// One file the target would write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Relative to the output directory.
    pub path: String,
    pub contents: String,
    /// Secret-bearing (0600): its content is never shown.
    pub secret: bool,
}

/// One file found in the directory compared against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldFile {
    /// Relative to the directory.
    pub path: String,
    /// The content; `None` when it is not UTF-8 text or could not be read.
    pub contents: Option<String>,
}

/// What the report is about and how to mask.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The Compose project name: an old file is migrate's when its first lines carry this
    /// project's generated-by header.
    pub project: &'a str,
    /// Show secret values instead of masking them (`--show-secrets`).
    pub show_secrets: bool,
    /// Mixed into every mask's hash (a fresh random value per run, so a mask cannot be
    /// looked up in a table of known values; equal values still mask equally within a run).
    pub salt: u64,
    /// Lines of context around each change.
    pub context: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Removed,
    Changed,
    Unchanged,
    Foreign,
}

impl Status {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Changed => "changed",
            Self::Unchanged => "unchanged",
            Self::Foreign => "foreign",
        }
    }
}

/// One segment of a changed line; `emphasized` marks the words that differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub emphasized: bool,
}

/// One line of a hunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// `' '` context, `'-'` removed, `'+'` added.
    pub tag: char,
    /// The line without its newline, split into segments (one, unemphasized, for context).
    pub segments: Vec<Segment>,
}

impl Line {
    pub fn text(&self) -> String {
        self.segments.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A unified-diff hunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    /// `@@ -a,b +c,d @@`.
    pub header: String,
    pub lines: Vec<Line>,
}

/// One file of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    pub path: String,
    pub status: Status,
    pub secret: bool,
    /// For a secret-bearing file: the masks of the old and new content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_mask: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_mask: Option<String>,
    /// The old file exists under a generated name but was not written by migrate (no header).
    pub not_generated: bool,
    pub added_lines: usize,
    pub removed_lines: usize,
    pub hunks: Vec<Hunk>,
}

impl FileDiff {
    fn new(path: &str, status: Status, secret: bool) -> Self {
        Self {
            path: path.to_owned(),
            status,
            secret,
            old_mask: None,
            new_mask: None,
            not_generated: false,
            added_lines: 0,
            removed_lines: 0,
            hunks: Vec::new(),
        }
    }
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Every generated file and every file found, sorted by path.
    pub files: Vec<FileDiff>,
}

impl Report {
    /// True when writing the new output would change something (foreign files aside).
    pub fn has_changes(&self) -> bool {
        self.files
            .iter()
            .any(|f| matches!(f.status, Status::Added | Status::Removed | Status::Changed))
    }

    pub fn count(&self, status: Status) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }
}

/// The header line that marks a file as written by migrate for `project`.
pub fn header_marker(project: &str) -> String {
    format!("generated by transship (migrate) from Compose project {project:?}")
}

/// Whether `contents` carries the generated-by header of `project` in its first lines.
pub fn is_generated_for(contents: &str, project: &str) -> bool {
    let marker = header_marker(project);
    contents
        .lines()
        .take(4)
        .any(|l| l.starts_with('#') && l.contains(&marker))
}

pub use transship_translate::secrets::mask;

/// `text` with the value of every secret-looking `NAME=VALUE` replaced by its mask.
pub fn mask_assignments(text: &str, salt: u64) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&mask_line(line, salt));
    }
    out
}

/// Masks the values of secret-looking assignments in one line. An assignment is a run of
/// `NAME=` (letters, digits, `_`) followed by its value up to the next whitespace or quote;
/// `Environment=K=V` and `--env=K=V` both contain one.
fn mask_line(line: &str, salt: u64) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < bytes.len() {
        // Start of a name: not preceded by a name character.
        let starts = (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_')
            && (i == 0 || !is_name_byte(bytes[i - 1]));
        if starts {
            let mut j = i;
            while j < bytes.len() && is_name_byte(bytes[j]) {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'=' && looks_secret(&line[i..j]) {
                // The value ends at the quote that opened the word (`"K=a b"`), at its own
                // closing quote (`K="a b"`), or else at whitespace or a quote.
                let opened = (i > 0 && matches!(bytes[i - 1], b'"' | b'\''))
                    .then(|| bytes[i - 1])
                    .or_else(|| {
                        bytes
                            .get(j + 1)
                            .copied()
                            .filter(|b| matches!(b, b'"' | b'\''))
                    });
                let mut k = j + 1;
                if opened.is_some() && i > 0 && Some(bytes[i - 1]) == opened {
                    k = quoted_end(bytes, k, bytes[i - 1]);
                } else if let Some(q) = opened {
                    k = quoted_end(bytes, k + 1, q)
                        .saturating_add(1)
                        .min(bytes.len());
                } else {
                    while k < bytes.len() && !matches!(bytes[k], b' ' | b'\t' | b'"' | b'\'') {
                        k += 1;
                    }
                }
                if k > j + 1 {
                    out.push_str(&line[i..=j]);
                    out.push_str(&mask(&line[j + 1..k], salt).replace(' ', "_"));
                    i = k;
                    continue;
                }
            }
            out.push_str(&line[i..j]);
            i = j;
            continue;
        }
        let ch = line[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&line[i..i + ch]);
        i += ch;
    }
    out
}

/// Index of the unescaped `quote` at or after `from` (or the end of the line).
fn quoted_end(bytes: &[u8], from: usize, quote: u8) -> usize {
    let mut k = from;
    while k < bytes.len() && bytes[k] != quote {
        k += if bytes[k] == b'\\' { 2 } else { 1 };
    }
    k.min(bytes.len())
}

const fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Compares what would be written with what is there.
pub fn diff(new: &[NewFile], old: &[OldFile], opts: &Options<'_>) -> Report {
    let old_by_path: std::collections::BTreeMap<&str, &OldFile> =
        old.iter().map(|o| (o.path.as_str(), o)).collect();
    let new_paths: std::collections::BTreeSet<&str> = new.iter().map(|n| n.path.as_str()).collect();
    let mut files = Vec::with_capacity(new.len() + old.len());
    for n in new {
        let o = old_by_path.get(n.path.as_str());
        files.push(file_diff(n, o.copied(), opts));
    }
    for o in old {
        if new_paths.contains(o.path.as_str()) {
            continue;
        }
        let ours = o
            .contents
            .as_deref()
            .is_some_and(|c| is_generated_for(c, opts.project));
        let status = if ours {
            Status::Removed
        } else {
            Status::Foreign
        };
        let mut d = FileDiff::new(&o.path, status, false);
        if ours {
            if let Some(text) = &o.contents {
                let (hunks, added, removed) = hunks(&shown(text, opts), "", opts.context);
                d.hunks = hunks;
                d.added_lines = added;
                d.removed_lines = removed;
            }
        }
        files.push(d);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Report { files }
}

/// A text as the report may show it: secret-looking assignment values masked.
fn shown(text: &str, opts: &Options<'_>) -> String {
    if opts.show_secrets {
        text.to_owned()
    } else {
        mask_assignments(text, opts.salt)
    }
}

fn file_diff(n: &NewFile, o: Option<&OldFile>, opts: &Options<'_>) -> FileDiff {
    let mut d = FileDiff::new(&n.path, Status::Added, n.secret);
    let old_text = o.map(|o| o.contents.as_deref());
    d.status = match old_text {
        None => Status::Added,
        Some(Some(t)) if t == n.contents => Status::Unchanged,
        Some(_) => Status::Changed,
    };
    if let Some(Some(t)) = old_text {
        d.not_generated = !n.secret && !is_generated_for(t, opts.project);
    }
    if d.status == Status::Unchanged {
        return d;
    }
    if n.secret && !opts.show_secrets {
        // Never a line of it: only whether it changed, through the masks.
        d.new_mask = Some(mask(&n.contents, opts.salt));
        d.old_mask = match old_text {
            Some(Some(t)) => Some(mask(t, opts.salt)),
            Some(None) => Some("(unreadable or not text)".to_owned()),
            None => None,
        };
        return d;
    }
    let old_shown = match old_text {
        Some(Some(t)) => shown(t, opts),
        Some(None) => String::new(),
        None => String::new(),
    };
    let (hunks, added, removed) = hunks(&old_shown, &shown(&n.contents, opts), opts.context);
    d.hunks = hunks;
    d.added_lines = added;
    d.removed_lines = removed;
    d
}

/// Unified hunks of two texts, with word-level emphasis inside changed lines.
fn hunks(old: &str, new: &str, context: usize) -> (Vec<Hunk>, usize, usize) {
    let td = TextDiff::from_lines(old, new);
    let (old_lines, new_lines) = (td.old_slices(), td.new_slices());
    let plain = |tag: char, s: &str| Line {
        tag,
        segments: vec![Segment {
            text: s.trim_end_matches('\n').to_owned(),
            emphasized: false,
        }],
    };
    let mut out = Vec::new();
    let (mut added, mut removed) = (0, 0);
    for group in td.grouped_ops(context) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (o0, o1) = (first.old_range().start, last.old_range().end);
        let (n0, n1) = (first.new_range().start, last.new_range().end);
        let header = format!(
            "@@ -{} +{} @@",
            range_text(o0, o1 - o0),
            range_text(n0, n1 - n0)
        );
        let mut lines = Vec::new();
        for op in &group {
            let (olds, news) = (&old_lines[op.old_range()], &new_lines[op.new_range()]);
            match op.tag() {
                DiffTag::Equal => lines.extend(olds.iter().map(|l| plain(' ', l))),
                DiffTag::Delete => lines.extend(olds.iter().map(|l| plain('-', l))),
                DiffTag::Insert => lines.extend(news.iter().map(|l| plain('+', l))),
                DiffTag::Replace => {
                    // Paired lines get word-level emphasis; the rest is whole-line.
                    let pairs = olds.len().min(news.len());
                    let mut plus = Vec::new();
                    for k in 0..olds.len() {
                        if k < pairs {
                            let (a, b) = emphasize(olds[k], news[k]);
                            lines.push(Line {
                                tag: '-',
                                segments: a,
                            });
                            plus.push(Line {
                                tag: '+',
                                segments: b,
                            });
                        } else {
                            lines.push(plain('-', olds[k]));
                        }
                    }
                    lines.extend(plus);
                    lines.extend(news[pairs..].iter().map(|l| plain('+', l)));
                }
            }
            removed += op.old_range().len() * usize::from(op.tag() != DiffTag::Equal);
            added += op.new_range().len() * usize::from(op.tag() != DiffTag::Equal);
        }
        out.push(Hunk { header, lines });
    }
    (out, added, removed)
}

/// Tokens for word-level emphasis: runs of letters and digits, and every other character
/// alone (`Image=nginx:1.27` -> `Image`, `=`, `nginx`, `:`, `1`, `.`, `27`).
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else {
            if let Some(st) = start.take() {
                out.push(&line[st..i]);
            }
            out.push(&line[i..i + c.len_utf8()]);
        }
    }
    if let Some(st) = start {
        out.push(&line[st..]);
    }
    out
}

/// The segments of an old and a new line, the differing tokens emphasized.
fn emphasize(old: &str, new: &str) -> (Vec<Segment>, Vec<Segment>) {
    let (old, new) = (old.trim_end_matches('\n'), new.trim_end_matches('\n'));
    let (a, b) = (tokens(old), tokens(new));
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    let (mut sa, mut sb) = (Vec::new(), Vec::new());
    let push = |v: &mut Vec<Segment>, toks: &[&str], emphasized: bool| {
        if toks.is_empty() {
            return;
        }
        let text: String = toks.concat();
        match v.last_mut() {
            Some(last) if last.emphasized == emphasized => last.text.push_str(&text),
            _ => v.push(Segment { text, emphasized }),
        }
    };
    for op in ops {
        let (ra, rb) = (op.old_range(), op.new_range());
        let same = op.tag() == DiffTag::Equal;
        push(&mut sa, &a[ra], !same);
        push(&mut sb, &b[rb], !same);
    }
    (sa, sb)
}

/// `start,len` of a unified-diff range (1-based; `start-1,0` for an empty one).
fn range_text(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

#[cfg(test)]
mod tests;
