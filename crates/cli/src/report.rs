//! Rendering the ledger (what happened to every Compose key) for people and for programs.
//!
//! Pure functions from a [`Ledger`] to a `String` / JSON value; the caller decides where they
//! go. Two text forms:
//!
//! - [`render_text`] (the default): the counts, the number of services and other objects, and
//!   only what was not carried over exactly, grouped by reason (each reason once, as a
//!   heading, worst outcome first), each entry as `file:line:column: key`, so editors and
//!   terminals can jump to the source. Its length follows the gaps, not the project: a clean
//!   project of thousands of services is a few lines.
//! - [`render_text_full`] (`--report full`): grouped by service (then networks, volumes,
//!   secrets, configs, and the rest of the project), each group's counts, and the entries that
//!   were not translated as they are, each as `file:line:column: key: outcome: reason`.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use transship_ir::{Project, Span};
use transship_translate::{Ledger, LedgerEntry, Outcome};

/// What the renderer needs to know about the project besides the ledger.
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// Display form of each source file, indexed by [`transship_ir::FileId`].
    pub files: Vec<String>,
    /// Known object names per kind (`services`, `networks`, ...), to group key paths even
    /// when a name contains dots.
    pub names: BTreeMap<&'static str, BTreeSet<String>>,
    /// Where each service was declared (for the group heading).
    pub service_spans: BTreeMap<String, Span>,
    /// Per kind of [`KINDS`], true when it is known that none of the kind's names contains a
    /// `.` or `[`: a key path's group is then its first segment, no lookup needed (filled by
    /// [`ReportContext::from_project`]; false, the default, always looks the names up).
    pub undotted: [bool; KINDS.len()],
}

/// The kinds of named top-level objects, in the order groups are shown.
const KINDS: [(&str, &str); 5] = [
    ("services", "service"),
    ("networks", "network"),
    ("volumes", "volume"),
    ("secrets", "secret"),
    ("configs", "config"),
];

impl ReportContext {
    /// Builds the context from a loaded project; file paths are shown relative to `base`
    /// when they are below it.
    pub fn from_project(project: &Project, base: Option<&Path>) -> Self {
        let files = project
            .files
            .iter()
            .map(|f| {
                base.and_then(|b| f.path.strip_prefix(b).ok())
                    .filter(|rel| !rel.as_os_str().is_empty())
                    .unwrap_or(&f.path)
                    .display()
                    .to_string()
            })
            .collect();
        let mut names: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
        names.insert("services", project.services.keys().cloned().collect());
        names.insert("networks", project.networks.keys().cloned().collect());
        names.insert("volumes", project.volumes.keys().cloned().collect());
        names.insert("secrets", project.secrets.keys().cloned().collect());
        names.insert("configs", project.configs.keys().cloned().collect());
        let undotted = KINDS.map(|(kind, _)| {
            names
                .get(kind)
                .is_some_and(|known| known.iter().all(|n| !n.contains(['.', '['])))
        });
        let service_spans = project
            .services
            .iter()
            .map(|(n, s)| (n.clone(), s.span))
            .collect();
        Self {
            files,
            names,
            service_spans,
            undotted,
        }
    }

    /// `file:line:column`, `file` for a synthesized value, `?` for an unknown file.
    pub fn location(&self, span: Span) -> String {
        let mut s = String::new();
        self.push_location(&mut s, span);
        s
    }

    /// [`ReportContext::location`], appended to `out`.
    fn push_location(&self, out: &mut String, span: Span) {
        let file = self
            .files
            .get(span.file.0 as usize)
            .map_or("?", String::as_str);
        out.push_str(file);
        if !span.is_synthetic() {
            let _ = write!(out, ":{}:{}", span.line, span.column);
        }
    }

    /// The group of a key path: `("service", "web")`, or `("project", "")`.
    pub fn group_of(&self, key_path: &str) -> (&'static str, String) {
        let (kind, name) = self.group_ref(key_path);
        (kind, name.to_owned())
    }

    /// [`ReportContext::group_of`] without allocating: the name is a slice of `key_path`.
    pub fn group_ref<'k>(&self, key_path: &'k str) -> (&'static str, &'k str) {
        for (i, (kind, singular)) in KINDS.into_iter().enumerate() {
            let Some(rest) = key_path
                .strip_prefix(kind)
                .and_then(|r| r.strip_prefix('.'))
            else {
                continue;
            };
            if self.undotted[i] {
                // No known name spans a separator, so only the first segment can be one, and
                // when it is not, the first segment is the name anyway.
                let name = rest.split(['.', '[']).next().unwrap_or_default();
                if !name.is_empty() {
                    return (singular, name);
                }
                continue;
            }
            // The longest known name that the rest starts with, followed by a separator:
            // only the prefixes of `rest` that end at a `.`/`[` (or the end) can be names,
            // so this is a few set lookups, not a scan of every name.
            let known = self.names.get(kind);
            let mut best: Option<&str> = None;
            if let Some(known) = known {
                let ends = rest
                    .char_indices()
                    .filter(|(_, c)| *c == '.' || *c == '[')
                    .map(|(i, _)| i)
                    .chain(std::iter::once(rest.len()));
                for end in ends {
                    if known.contains(&rest[..end]) {
                        best = Some(&rest[..end]);
                    }
                }
            }
            let name = match best {
                Some(n) => n,
                None => rest.split(['.', '[']).next().unwrap_or_default(),
            };
            if !name.is_empty() {
                return (singular, name);
            }
        }
        ("project", "")
    }
}

/// How many entries had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub translated: usize,
    pub approximated: usize,
    pub unsupported: usize,
}

impl Counts {
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Translated => self.translated += 1,
            Outcome::Approximated(_) => self.approximated += 1,
            Outcome::Unsupported(_) => self.unsupported += 1,
        }
    }

    pub fn of<'a>(entries: impl IntoIterator<Item = &'a LedgerEntry>) -> Self {
        let mut c = Self::default();
        for e in entries {
            c.add(&e.outcome);
        }
        c
    }

    pub const fn total(&self) -> usize {
        self.translated + self.approximated + self.unsupported
    }

    /// `12 keys: 10 translated, 1 approximated, 1 unsupported` (zero counts left out).
    pub fn describe(&self) -> String {
        let mut s = String::new();
        self.push_description(&mut s);
        s
    }

    /// [`Counts::describe`], appended to `out`.
    fn push_description(&self, out: &mut String) {
        let total = self.total();
        let noun = if total == 1 { "key" } else { "keys" };
        let _ = write!(out, "{total} {noun}");
        let mut sep = ": ";
        for (n, label) in [
            (self.translated, " translated"),
            (self.approximated, " approximated"),
            (self.unsupported, " unsupported"),
        ] {
            if n > 0 {
                out.push_str(sep);
                let _ = write!(out, "{n}");
                out.push_str(label);
                sep = ", ";
            }
        }
    }
}

struct Group<'a> {
    kind: &'static str,
    name: &'a str,
    entries: Vec<&'a LedgerEntry>,
}

/// Groups in display order: services, networks, volumes, secrets, configs, project; within a
/// kind, in the order the ledger first mentions them.
fn groups<'a>(ledger: &'a Ledger, ctx: &ReportContext) -> Vec<Group<'a>> {
    let mut out: Vec<Group<'a>> = Vec::new();
    let mut index: HashMap<(&'static str, &'a str), usize> = HashMap::new();
    // Entries of one group mostly come one after the other: try the last group first.
    let mut last: Option<usize> = None;
    for e in &ledger.entries {
        let key = ctx.group_ref(&e.key_path);
        if let Some(i) = last.filter(|&i| (out[i].kind, out[i].name) == key) {
            out[i].entries.push(e);
            continue;
        }
        match index.get(&key) {
            Some(&i) => {
                out[i].entries.push(e);
                last = Some(i);
            }
            None => {
                index.insert(key, out.len());
                last = Some(out.len());
                out.push(Group {
                    kind: key.0,
                    name: key.1,
                    entries: vec![e],
                });
            }
        }
    }
    out.sort_by_key(|g| kind_rank(g.kind)); // stable: keeps first-mention order within a kind
    out
}

/// The first line of both text forms: `ledger for TITLE: N keys: ...`.
fn push_title(out: &mut String, title: &str, total: &Counts) {
    out.push_str("ledger for ");
    out.push_str(title);
    out.push_str(": ");
    total.push_description(out);
    out.push('\n');
}

/// The last line of both text forms when something was not carried over exactly.
fn push_strict_hint(out: &mut String, total: &Counts, more: &str) {
    if total.approximated + total.unsupported > 0 {
        let _ = writeln!(
            out,
            "\n{} of {} keys not carried over exactly (see above; --strict makes this an error{more})",
            total.approximated + total.unsupported,
            total.total()
        );
    }
}

/// The full human report (`--report full`): every group with its counts and its entries that
/// were not translated. `title` names the target (`podman 5.4`).
pub fn render_text_full(ledger: &Ledger, ctx: &ReportContext, title: &str) -> String {
    let mut s = String::new();
    let total = Counts::of(&ledger.entries);
    push_title(&mut s, title, &total);
    for g in groups(ledger, ctx) {
        let counts = Counts::of(g.entries.iter().copied());
        s.push('\n');
        if g.kind == "project" {
            s.push_str("project");
        } else {
            s.push_str(g.kind);
            s.push(' ');
            s.push_str(g.name);
        }
        if g.kind == "service" {
            if let Some(sp) = ctx.service_spans.get(g.name) {
                s.push_str(" (");
                ctx.push_location(&mut s, *sp);
                s.push(')');
            }
        }
        s.push_str(": ");
        counts.push_description(&mut s);
        s.push('\n');
        for e in g.entries {
            let Some(reason) = e.outcome.reason() else {
                continue;
            };
            s.push_str("  ");
            ctx.push_location(&mut s, e.span);
            s.push_str(": ");
            s.push_str(&e.key_path);
            s.push_str(": ");
            s.push_str(e.outcome.label());
            s.push_str(": ");
            push_one_line(&mut s, reason);
            s.push('\n');
            if let Some(d) = &e.detail {
                s.push_str("      -> ");
                push_one_line(&mut s, d);
                s.push('\n');
            }
        }
    }
    push_strict_hint(&mut s, &total, "");
    s
}

/// Where a group kind (`service`, ..., `project`) comes in display order.
fn kind_rank(kind: &str) -> usize {
    KINDS
        .iter()
        .position(|(_, s)| *s == kind)
        .unwrap_or(KINDS.len())
}

/// How an outcome ranks in the default report: the worst first.
const fn severity(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Unsupported(_) => 0,
        Outcome::Approximated(_) => 1,
        Outcome::Translated => 2,
    }
}

/// The entries of one outcome with one reason, in ledger order.
struct ReasonGroup<'a> {
    outcome: &'a Outcome,
    entries: Vec<&'a LedgerEntry>,
}

/// The entries not translated, grouped by outcome and reason: worst outcome first, then the
/// groups with the most entries, then by reason text.
fn reason_groups(ledger: &Ledger) -> Vec<ReasonGroup<'_>> {
    let mut out: Vec<ReasonGroup<'_>> = Vec::new();
    let mut index: HashMap<(&'static str, &str), usize> = HashMap::new();
    for e in &ledger.entries {
        let Some(reason) = e.outcome.reason() else {
            continue;
        };
        match index.entry((e.outcome.label(), reason)) {
            Entry::Occupied(i) => out[*i.get()].entries.push(e),
            Entry::Vacant(v) => {
                v.insert(out.len());
                out.push(ReasonGroup {
                    outcome: &e.outcome,
                    entries: vec![e],
                });
            }
        }
    }
    out.sort_by(|a, b| {
        severity(a.outcome)
            .cmp(&severity(b.outcome))
            .then(b.entries.len().cmp(&a.entries.len()))
            .then_with(|| a.outcome.reason().cmp(&b.outcome.reason()))
    });
    out
}

/// `3 services` / `1 network` (every kind's plural is its singular and an `s`).
fn push_count(out: &mut String, n: usize, singular: &str) {
    let _ = write!(out, "{n} {singular}");
    if n != 1 {
        out.push('s');
    }
}

/// The distinct objects among `entries`, per kind in [`KINDS`] order (the last slot counts
/// the project's top level, 0 or 1).
fn objects_of(entries: &[&LedgerEntry], ctx: &ReportContext) -> [usize; KINDS.len() + 1] {
    let mut seen: BTreeSet<(usize, &str)> = BTreeSet::new();
    let mut counts = [0; KINDS.len() + 1];
    for e in entries {
        let (kind, name) = ctx.group_ref(&e.key_path);
        let rank = kind_rank(kind);
        if seen.insert((rank, name)) {
            counts[rank] += 1;
        }
    }
    counts
}

/// ` (3 keys in 2 services, 1 network)`, ` (1 key at the top level)`.
fn push_reach(out: &mut String, entries: &[&LedgerEntry], ctx: &ReportContext) {
    let objects = objects_of(entries, ctx);
    out.push_str(" (");
    push_count(out, entries.len(), "key");
    let mut sep = " in ";
    for ((_, singular), n) in KINDS.iter().zip(objects) {
        if n > 0 {
            out.push_str(sep);
            push_count(out, n, singular);
            sep = ", ";
        }
    }
    if objects[KINDS.len()] > 0 {
        out.push_str(if sep == ", " { " and " } else { " " });
        out.push_str("at the top level");
    }
    out.push(')');
}

/// `3 services (2 with keys not carried over exactly), 1 network`: the objects of the ledger,
/// or nothing when it names none.
fn push_objects_line(out: &mut String, ledger: &Ledger, ctx: &ReportContext) {
    let mut all = [0usize; KINDS.len()];
    let mut gaps = [0usize; KINDS.len()];
    for g in groups(ledger, ctx) {
        let rank = kind_rank(g.kind);
        if rank == KINDS.len() {
            continue;
        }
        all[rank] += 1;
        if g.entries.iter().any(|e| e.outcome != Outcome::Translated) {
            gaps[rank] += 1;
        }
    }
    let mut sep = "";
    for (i, (_, singular)) in KINDS.iter().enumerate() {
        if all[i] == 0 {
            continue;
        }
        out.push_str(sep);
        push_count(out, all[i], singular);
        if gaps[i] > 0 {
            let _ = write!(out, " ({} with keys not carried over exactly)", gaps[i]);
        }
        sep = ", ";
    }
    if !sep.is_empty() {
        out.push('\n');
    }
}

/// How many top-level extension names the summary spells out.
const EXTENSIONS_NAMED: usize = 5;

/// `2 top-level x- blocks (x-app, x-hc): ignored by Compose ...`, when there are any.
fn push_extensions_line(out: &mut String, ledger: &Ledger) {
    let names: Vec<&str> = ledger
        .entries
        .iter()
        .filter(|e| {
            e.outcome == Outcome::Translated
                && transship_translate::is_top_level_extension(&e.key_path)
        })
        .map(|e| e.key_path.as_str())
        .collect();
    if names.is_empty() {
        return;
    }
    push_count(out, names.len(), "top-level x- block");
    out.push_str(" (");
    for (i, n) in names.iter().take(EXTENSIONS_NAMED).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_one_line(out, n);
    }
    if names.len() > EXTENSIONS_NAMED {
        let _ = write!(out, ", and {} more", names.len() - EXTENSIONS_NAMED);
    }
    out.push_str("): ignored by Compose (YAML anchors, other tools' settings), nothing lost\n");
}

/// The default human report: the counts, the objects, then only what was not carried over
/// exactly, grouped by reason (see the module documentation). `title` names the target.
pub fn render_text(ledger: &Ledger, ctx: &ReportContext, title: &str) -> String {
    let mut s = String::new();
    let total = Counts::of(&ledger.entries);
    push_title(&mut s, title, &total);
    push_objects_line(&mut s, ledger, ctx);
    push_extensions_line(&mut s, ledger);
    if total.approximated + total.unsupported == 0 {
        s.push_str("nothing lost: every key was translated (--report full shows each service)\n");
        return s;
    }
    for g in reason_groups(ledger) {
        s.push('\n');
        s.push_str(g.outcome.label());
        s.push_str(": ");
        push_one_line(&mut s, g.outcome.reason().unwrap_or_default());
        push_reach(&mut s, &g.entries, ctx);
        s.push('\n');
        for e in g.entries {
            s.push_str("  ");
            ctx.push_location(&mut s, e.span);
            s.push_str(": ");
            push_one_line(&mut s, &e.key_path);
            if let Some(d) = &e.detail {
                s.push_str(" -> ");
                push_one_line(&mut s, d);
            }
            s.push('\n');
        }
    }
    push_strict_hint(&mut s, &total, "; --report full groups them by service");
    s
}

/// Control characters would let a value from the Compose file rewrite the terminal or fake
/// report lines: show them escaped (appended to `out`).
fn push_one_line(out: &mut String, s: &str) {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        // printable ASCII (the usual case): nothing to escape
        out.push_str(s);
        return;
    }
    out.reserve(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// The ledger as JSON (`serde::Serialize`, streamed: entries are produced while they are
/// serialized, so nothing but the output buffer grows with the ledger):
/// `{target, summary, entries: [...]}`, entries in ledger order, every entry (translated ones
/// too) with its group, location, outcome, reason and detail.
#[derive(Debug, Serialize)]
pub struct LedgerJson<'a> {
    pub target: &'a str,
    pub summary: CountsJson,
    pub entries: EntriesJson<'a>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct CountsJson {
    pub total: usize,
    pub translated: usize,
    pub approximated: usize,
    pub unsupported: usize,
}

impl From<Counts> for CountsJson {
    fn from(c: Counts) -> Self {
        Self {
            total: c.total(),
            translated: c.translated,
            approximated: c.approximated,
            unsupported: c.unsupported,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct GroupJson<'a> {
    pub kind: &'static str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
pub struct EntryJson<'a> {
    pub key_path: &'a str,
    pub group: GroupJson<'a>,
    pub file: Option<&'a str>,
    pub line: u32,
    pub column: u32,
    pub outcome: &'static str,
    pub reason: Option<&'a str>,
    pub detail: Option<&'a str>,
}

/// Every entry of a ledger, serialized as a JSON array one entry at a time.
#[derive(Debug, Clone, Copy)]
pub struct EntriesJson<'a> {
    ledger: &'a Ledger,
    ctx: &'a ReportContext,
}

impl<'a> EntriesJson<'a> {
    fn entry(&self, e: &'a LedgerEntry) -> EntryJson<'a> {
        let (kind, name) = self.ctx.group_ref(&e.key_path);
        EntryJson {
            key_path: &e.key_path,
            group: GroupJson { kind, name },
            file: self
                .ctx
                .files
                .get(e.span.file.0 as usize)
                .map(String::as_str),
            line: e.span.line,
            column: e.span.column,
            outcome: e.outcome.label(),
            reason: e.outcome.reason(),
            detail: e.detail.as_deref(),
        }
    }
}

impl Serialize for EntriesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.ledger.entries.iter().map(|e| self.entry(e)))
    }
}

pub fn ledger_json<'a>(ledger: &'a Ledger, ctx: &'a ReportContext) -> LedgerJson<'a> {
    LedgerJson {
        target: &ledger.target,
        summary: Counts::of(&ledger.entries).into(),
        entries: EntriesJson { ledger, ctx },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::path::PathBuf;
    use transship_ir::{FileId, Service, SourceFile, SourceKind};
    use transship_translate::extension_reason;

    fn project() -> Project {
        let mut p = Project {
            working_dir: PathBuf::from("/srv/app"),
            files: vec![
                SourceFile {
                    path: PathBuf::from("/srv/app/compose.yaml"),
                    kind: SourceKind::Compose,
                },
                SourceFile {
                    path: PathBuf::from("/srv/app/compose.override.yaml"),
                    kind: SourceKind::Compose,
                },
            ],
            ..Project::default()
        };
        for (name, line) in [("web", 3), ("web.v2", 20), ("db", 30)] {
            p.services.insert(
                name.to_owned(),
                Box::new(Service {
                    name: name.to_owned(),
                    span: Span::new(FileId(0), line, 3),
                    ..Service::default()
                }),
            );
        }
        p.networks.insert("backend".to_owned(), Default::default());
        p
    }

    fn entry(
        key: &str,
        file: u32,
        line: u32,
        outcome: Outcome,
        detail: Option<&str>,
    ) -> LedgerEntry {
        LedgerEntry {
            key_path: key.to_owned(),
            span: Span::new(FileId(file), line, 5),
            outcome,
            detail: detail.map(str::to_owned),
        }
    }

    fn ledger() -> Ledger {
        Ledger {
            target: "podman".to_owned(),
            entries: vec![
                entry(
                    "networks.backend.driver",
                    0,
                    40,
                    Outcome::Translated,
                    Some("Driver=bridge"),
                ),
                entry(
                    "services.web.image",
                    0,
                    4,
                    Outcome::Translated,
                    Some("Image=x"),
                ),
                entry(
                    "services.web.restart",
                    1,
                    7,
                    Outcome::Approximated(
                        "on-failure:3 becomes Restart=on-failure\nwith a burst".into(),
                    ),
                    Some("Restart=on-failure"),
                ),
                entry(
                    "services.web.v2.domainname",
                    0,
                    22,
                    Outcome::Unsupported("podman has no --domainname".into()),
                    None,
                ),
                entry("services.db.image", 0, 31, Outcome::Translated, None),
                entry("name", 0, 1, Outcome::Translated, None),
            ],
        }
    }

    #[test]
    fn groups_by_known_names_even_with_dots() {
        let ctx = ReportContext::from_project(&project(), Some(Path::new("/srv/app")));
        assert_eq!(
            ctx.group_of("services.web.v2.domainname"),
            ("service", "web.v2".into())
        );
        assert_eq!(
            ctx.group_of("services.web.ports[0]"),
            ("service", "web".into())
        );
        assert_eq!(ctx.group_of("services.web"), ("service", "web".into()));
        assert_eq!(
            ctx.group_of("networks.backend"),
            ("network", "backend".into())
        );
        assert_eq!(
            ctx.group_of("volumes.unknown.driver"),
            ("volume", "unknown".into())
        );
        assert_eq!(ctx.group_of("name"), ("project", String::new()));
        assert_eq!(ctx.group_of("x-custom"), ("project", String::new()));
    }

    /// `--report full`: the listing by group, as it was before the default became the
    /// listing by reason (this expected text is the old default, unchanged).
    #[test]
    fn text_report_shows_counts_per_group_and_only_non_translated_details() {
        let ctx = ReportContext::from_project(&project(), Some(Path::new("/srv/app")));
        let text = render_text_full(&ledger(), &ctx, "podman 5.4");
        let expected = "\
ledger for podman 5.4: 6 keys: 4 translated, 1 approximated, 1 unsupported

service web (compose.yaml:3:3): 2 keys: 1 translated, 1 approximated
  compose.override.yaml:7:5: services.web.restart: approximated: on-failure:3 becomes Restart=on-failure\\nwith a burst
      -> Restart=on-failure

service web.v2 (compose.yaml:20:3): 1 key: 1 unsupported
  compose.yaml:22:5: services.web.v2.domainname: unsupported: podman has no --domainname

service db (compose.yaml:30:3): 1 key: 1 translated

network backend: 1 key: 1 translated

project: 1 key: 1 translated

2 of 6 keys not carried over exactly (see above; --strict makes this an error)
";
        assert_eq!(text, expected);
        assert!(
            !text.contains("Image=x"),
            "translated details are not listed"
        );
    }

    #[test]
    fn clean_ledger_has_no_strict_hint() {
        let ctx = ReportContext::from_project(&project(), None);
        let mut l = ledger();
        l.entries.retain(|e| e.outcome == Outcome::Translated);
        let text = render_text_full(&l, &ctx, "podman 4.4");
        assert!(
            text.starts_with("ledger for podman 4.4: 4 keys: 4 translated\n"),
            "{text}"
        );
        assert!(!text.contains("--strict"));
        // Without a base, absolute paths are shown.
        assert!(text.contains("(/srv/app/compose.yaml:3:3)"), "{text}");
        // The default form: the counts, the objects, and that nothing was lost.
        assert_eq!(
            render_text(&l, &ctx, "podman 4.4"),
            "\
ledger for podman 4.4: 4 keys: 4 translated
2 services, 1 network
nothing lost: every key was translated (--report full shows each service)
"
        );
    }

    /// The default form: only what was not translated, one heading per reason (worst outcome
    /// first, then the most entries, then the reason text), each entry at its location.
    #[test]
    fn default_text_report_groups_gaps_by_reason() {
        let ctx = ReportContext::from_project(&project(), Some(Path::new("/srv/app")));
        let mut l = ledger();
        let ext = extension_reason("podman");
        for (key, line) in [
            ("services.db.x-team", 32),
            ("networks.backend.x-note", 41),
            ("name.x-odd", 2),
        ] {
            l.entries
                .push(entry(key, 0, line, Outcome::Unsupported(ext.clone()), None));
        }
        l.entries.push(entry(
            "services.db.restart",
            0,
            33,
            Outcome::Approximated("b: a later reason".into()),
            None,
        ));
        l.top_level_extension("x-common", Span::new(FileId(0), 2, 1));
        let text = render_text(&l, &ctx, "podman 5.4");
        let expected = "\
ledger for podman 5.4: 11 keys: 5 translated, 2 approximated, 4 unsupported
3 services (3 with keys not carried over exactly), 1 network (1 with keys not carried over exactly)
1 top-level x- block (x-common): ignored by Compose (YAML anchors, other tools' settings), nothing lost

unsupported: extension field: ignored by Compose and by podman (3 keys in 1 service, 1 network and at the top level)
  compose.yaml:32:5: services.db.x-team
  compose.yaml:41:5: networks.backend.x-note
  compose.yaml:2:5: name.x-odd

unsupported: podman has no --domainname (1 key in 1 service)
  compose.yaml:22:5: services.web.v2.domainname

approximated: b: a later reason (1 key in 1 service)
  compose.yaml:33:5: services.db.restart

approximated: on-failure:3 becomes Restart=on-failure\\nwith a burst (1 key in 1 service)
  compose.override.yaml:7:5: services.web.restart -> Restart=on-failure

6 of 11 keys not carried over exactly (see above; --strict makes this an error; --report full groups them by service)
";
        assert_eq!(text, expected);
        // A top-level extension is translated: `--strict` accepts it.
        l.entries.retain(|e| e.outcome == Outcome::Translated);
        assert!(l.is_clean());
        assert!(render_text(&l, &ctx, "podman 5.4").contains("\nnothing lost"));
    }

    #[test]
    fn synthetic_spans_show_the_file_only() {
        let ctx = ReportContext::from_project(&project(), Some(Path::new("/srv/app")));
        assert_eq!(
            ctx.location(Span::synthetic(FileId(1))),
            "compose.override.yaml"
        );
        assert_eq!(ctx.location(Span::new(FileId(9), 1, 1)), "?:1:1");
    }

    #[test]
    fn json_has_every_entry_with_location_and_outcome() {
        let ctx = ReportContext::from_project(&project(), Some(Path::new("/srv/app")));
        let l = ledger();
        let j = serde_json::to_value(ledger_json(&l, &ctx)).unwrap();
        assert_eq!(j["target"], "podman");
        assert_eq!(j["summary"]["total"], 6);
        assert_eq!(j["summary"]["approximated"], 1);
        assert_eq!(j["summary"]["unsupported"], 1);
        let entries = j["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 6);
        let restart = &entries[2];
        assert_eq!(restart["key_path"], "services.web.restart");
        assert_eq!(restart["group"]["kind"], "service");
        assert_eq!(restart["group"]["name"], "web");
        assert_eq!(restart["file"], "compose.override.yaml");
        assert_eq!(restart["line"], 7);
        assert_eq!(restart["outcome"], "approximated");
        assert_eq!(restart["detail"], "Restart=on-failure");
        assert!(restart["reason"].as_str().unwrap().contains('\n'));
        assert_eq!(entries[0]["reason"], serde_json::Value::Null);
    }
}
