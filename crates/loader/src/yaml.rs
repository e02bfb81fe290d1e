//! YAML text -> spanned [`Node`] trees, one per document, the way Compose's YAML library
//! (yaml.v3) reads them.
//!
//! The tree is built from `saphyr-parser` events so that this module, not the parser,
//! decides what anchors, aliases, merge keys and tags mean:
//! - aliases are expanded (a copy of the anchored node, keeping the anchor's spans); an alias
//!   to a node that is still open (a recursive alias) is an error; the number of nodes produced
//!   by expansion is bounded ([`Limits`]), so alias bombs fail in milliseconds;
//! - merge keys `<<` (a mapping, or a list of mappings: earlier entries win, explicit keys
//!   always win), on mappings only;
//! - `!reset` / `!override` are kept on the node; core tags (`!!str`, `!!int`, ...) decide the
//!   scalar's type; other tags are ignored and the scalar stays a string, as yaml.v3 does;
//! - duplicate keys are an error (`mapping key "x" already defined at line N`), and so are
//!   non-string keys (`Non-string key in services.web.labels: 8`), as in docker-compose 2.26.1;
//! - plain scalars resolve like yaml.v3: `~`/`null`/empty are null, only
//!   `true/True/TRUE/false/False/FALSE` are booleans (`yes`, `on` stay strings), integers follow
//!   Go's `strconv.ParseInt(s, 0, 64)` after removing `_` (`010` is 8, `0o17` 15, `0x1F` 31),
//!   floats follow yaml.v3's float pattern (`1.10` is 1.1), timestamps (`2001-12-14`) become
//!   the text Go prints for a `time.Time`, everything else (`22:22`) stays a string.
//!   Quoted and block scalars are always strings.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag as YamlTag};
use transship_ir::{FileId, Span};

use crate::error::{LoadError, locate_in};
use crate::tree::{Key, Node, NodeValue, Tag};

/// Bounds on what a single YAML file may make the loader do. Every bound gives a located
/// [`LoadError`] when crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of mappings and sequences (also after alias expansion).
    pub max_depth: usize,
    /// Nodes that alias expansion may always produce in one file...
    pub max_alias_nodes: usize,
    /// ...and, beyond that floor, at most this many times the nodes written out in the file.
    pub alias_ratio: usize,
    /// Maximum length of one scalar, in bytes.
    pub max_scalar_bytes: usize,
    /// Maximum size of one file, in bytes.
    pub max_file_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 200,
            max_alias_nodes: 100_000,
            alias_ratio: 4,
            max_scalar_bytes: 4 << 20,
            max_file_bytes: 64 << 20,
        }
    }
}

/// Parses every document of `text` (a Compose file may hold several; the pipeline merges
/// them in order, as docker-compose does). `path` is only used for error messages.
pub fn parse(
    text: &str,
    file: FileId,
    path: &Path,
    limits: &Limits,
) -> Result<Vec<Node>, LoadError> {
    if text.len() > limits.max_file_bytes {
        return Err(LoadError {
            file: Some(path.to_path_buf()),
            line: 0,
            column: 0,
            key_path: String::new(),
            message: format!(
                "file is too large: {} bytes, the limit is {} bytes",
                text.len(),
                limits.max_file_bytes
            ),
            snippet: None,
        });
    }
    let mut b = Builder {
        text,
        path,
        file,
        limits,
        stack: Vec::new(),
        anchors: Vec::new(),
        parsed: 0,
        expanded: 0,
        docs: Vec::new(),
    };
    for ev in Parser::new_from_str(text) {
        let (ev, yspan) = ev.map_err(|e| b.scan_error(&e))?;
        let span = b.span(yspan.start.line(), yspan.start.col());
        b.event(ev, span)?;
    }
    Ok(b.docs)
}

struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

struct Frame {
    kind: FrameKind,
    span: Span,
    tag: Option<Tag>,
    anchor: usize,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map(MapFrame),
}

#[derive(Default)]
struct MapFrame {
    entries: Vec<(Key, Node)>,
    pending: Option<Pending>,
    /// Merge-key values with the place they were written.
    merges: Vec<(Node, Span)>,
    /// Line of the merge key `<<`: a second one is a duplicate key, as in yaml.v3.
    merge_line: Option<u32>,
    /// Key -> index, built once the mapping grows past a few entries.
    index: Option<HashMap<String, usize>>,
}

enum Pending {
    Key(Key),
    Merge,
}

const INDEX_FROM: usize = 12;

struct Builder<'a> {
    text: &'a str,
    path: &'a Path,
    file: FileId,
    limits: &'a Limits,
    stack: Vec<Frame>,
    /// Indexed by the parser's anchor id.
    anchors: Vec<Option<Anchored>>,
    parsed: usize,
    expanded: usize,
    docs: Vec<Node>,
}

impl Builder<'_> {
    fn span(&self, line: usize, col0: usize) -> Span {
        Span::new(
            self.file,
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col0 + 1).unwrap_or(u32::MAX),
        )
    }

    fn err(&self, span: Span, message: impl Into<String>) -> LoadError {
        locate_in(
            self.path,
            self.text,
            span.line,
            span.column,
            &self.key_path(),
            message,
        )
    }

    fn scan_error(&self, e: &ScanError) -> LoadError {
        let m = e.marker();
        let span = self.span(m.line(), m.col());
        if e.info() == "recursion limit exceeded" {
            return self.err(
                span,
                "nesting is too deep: flow collections nested more than 255 levels",
            );
        }
        if e.info() == "while parsing node, found unknown anchor" {
            return self.err(
                span,
                "invalid YAML: alias to an unknown anchor (anchors must be defined earlier in \
                 the same document)",
            );
        }
        self.err(span, format!("invalid YAML: {}", e.info()))
    }

    /// The key path of the node being built (`services.web.ports[1]`).
    fn key_path(&self) -> String {
        let mut out = String::new();
        for f in &self.stack {
            match &f.kind {
                FrameKind::Seq(items) => {
                    out.push('[');
                    out.push_str(&items.len().to_string());
                    out.push(']');
                }
                FrameKind::Map(m) => match &m.pending {
                    Some(Pending::Key(k)) => {
                        if !out.is_empty() {
                            out.push('.');
                        }
                        out.push_str(&k.name);
                    }
                    Some(Pending::Merge) => {
                        if !out.is_empty() {
                            out.push('.');
                        }
                        out.push_str("<<");
                    }
                    None => {}
                },
            }
        }
        out
    }

    fn event(&mut self, ev: Event<'_>, span: Span) -> Result<(), LoadError> {
        match ev {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                // Anchors are scoped to one document.
                self.anchors.clear();
            }
            Event::Alias(id) => {
                let node = self.expand(id, span)?;
                self.complete(node, 0, false, span)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if value.len() > self.limits.max_scalar_bytes {
                    return Err(self.err(
                        span,
                        format!(
                            "scalar is too large: {} bytes, the limit is {} bytes",
                            value.len(),
                            self.limits.max_scalar_bytes
                        ),
                    ));
                }
                self.parsed += 1;
                let is_merge_key = tag.is_none() && style == ScalarStyle::Plain && value == "<<";
                let (value, tag) = match resolve_scalar(value, style, tag.as_deref()) {
                    Ok(v) => v,
                    Err(msg) => return Err(self.err(span, msg)),
                };
                let node = Node { value, span, tag };
                self.complete(node, anchor, is_merge_key, span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(FrameKind::Seq(Vec::new()), span, anchor, tag.as_deref())?;
            }
            Event::MappingStart(anchor, tag) => {
                self.open(
                    FrameKind::Map(MapFrame::default()),
                    span,
                    anchor,
                    tag.as_deref(),
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(self.err(span, "invalid YAML: unbalanced collection end"));
                };
                let value = match frame.kind {
                    FrameKind::Seq(mut items) => {
                        // Growth slack is a third of a tree's memory: give it back.
                        items.shrink_to_fit();
                        NodeValue::Seq(items)
                    }
                    FrameKind::Map(m) => NodeValue::Map(self.finish_map(m)?),
                };
                let node = Node {
                    value,
                    span: frame.span,
                    tag: frame.tag,
                };
                self.complete(node, frame.anchor, false, frame.span)?;
            }
        }
        Ok(())
    }

    fn open(
        &mut self,
        kind: FrameKind,
        span: Span,
        anchor: usize,
        tag: Option<&YamlTag>,
    ) -> Result<(), LoadError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.err(
                span,
                format!(
                    "nesting is too deep: more than {} levels of mappings and lists",
                    self.limits.max_depth
                ),
            ));
        }
        self.parsed += 1;
        self.stack.push(Frame {
            kind,
            span,
            tag: compose_tag(tag),
            anchor,
        });
        Ok(())
    }

    fn expand(&mut self, id: usize, span: Span) -> Result<Node, LoadError> {
        let Some(Some(a)) = self.anchors.get(id) else {
            return Err(self.err(
                span,
                "alias refers to an anchor whose node contains the alias (recursive alias)",
            ));
        };
        if self.stack.len() + a.height > self.limits.max_depth {
            return Err(self.err(
                span,
                format!(
                    "nesting is too deep after alias expansion: more than {} levels",
                    self.limits.max_depth
                ),
            ));
        }
        let allowed = self
            .limits
            .max_alias_nodes
            .max(self.parsed.saturating_mul(self.limits.alias_ratio));
        let total = self.expanded.saturating_add(a.size);
        if total > allowed {
            return Err(self.err(
                span,
                format!(
                    "too many nodes produced by alias expansion (more than {allowed}): \
                     the file looks like an alias bomb"
                ),
            ));
        }
        self.expanded = total;
        Ok(a.node.clone())
    }

    fn complete(
        &mut self,
        node: Node,
        anchor: usize,
        is_merge_key: bool,
        span: Span,
    ) -> Result<(), LoadError> {
        if anchor > 0 {
            let (size, height) = measure(&node);
            if self.anchors.len() <= anchor {
                self.anchors.resize_with(anchor + 1, || None);
            }
            self.anchors[anchor] = Some(Anchored {
                node: node.clone(),
                size,
                height,
            });
        }
        let Some(top) = self.stack.last_mut() else {
            self.docs.push(node);
            return Ok(());
        };
        match &mut top.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map(m) => match m.pending.take() {
                None => {
                    if is_merge_key {
                        if let Some(line) = m.merge_line {
                            let msg = format!("mapping key \"<<\" already defined at line {line}");
                            return Err(self.err(span, msg));
                        }
                        m.merge_line = Some(span.line);
                        m.pending = Some(Pending::Merge);
                        return Ok(());
                    }
                    let name = match node.value {
                        NodeValue::String(s) => s,
                        other => {
                            let repr = go_repr(&other);
                            let path = self.key_path();
                            let message = if path.is_empty() {
                                format!("Non-string key at top level: {repr}")
                            } else {
                                format!("Non-string key in {path}: {repr}")
                            };
                            // The message already names the path, as Compose's does.
                            return Err(locate_in(
                                self.path,
                                self.text,
                                span.line,
                                span.column,
                                "",
                                message,
                            ));
                        }
                    };
                    if let Some(prev) = find_key(m, &name) {
                        let line = m.entries[prev].0.span.line;
                        let msg = format!("mapping key {name:?} already defined at line {line}");
                        return Err(self.err(span, msg));
                    }
                    m.pending = Some(Pending::Key(Key {
                        name,
                        span: node.span,
                    }));
                }
                Some(Pending::Merge) => m.merges.push((node, span)),
                Some(Pending::Key(key)) => {
                    if let Some(index) = &mut m.index {
                        index.insert(key.name.clone(), m.entries.len());
                    } else if m.entries.len() + 1 >= INDEX_FROM {
                        let mut index = HashMap::with_capacity(m.entries.len() * 2);
                        for (i, (k, _)) in m.entries.iter().enumerate() {
                            index.insert(k.name.clone(), i);
                        }
                        index.insert(key.name.clone(), m.entries.len());
                        m.index = Some(index);
                    }
                    m.entries.push((key, node));
                }
            },
        }
        Ok(())
    }

    /// Applies the mapping's merge keys: explicit keys win, then earlier merge sources.
    fn finish_map(&self, m: MapFrame) -> Result<Vec<(Key, Node)>, LoadError> {
        let MapFrame {
            mut entries,
            merges,
            ..
        } = m;
        if merges.is_empty() {
            entries.shrink_to_fit();
            return Ok(entries);
        }
        // Small mappings (the usual case) are searched linearly; big ones through a set.
        let mut seen: Option<HashSet<String>> = (entries.len() > INDEX_FROM)
            .then(|| entries.iter().map(|(k, _)| k.name.clone()).collect());
        let mut add = |source: Vec<(Key, Node)>, entries: &mut Vec<(Key, Node)>| {
            for (k, v) in source {
                let fresh = match &mut seen {
                    Some(set) => set.insert(k.name.clone()),
                    None => !entries.iter().any(|(e, _)| e.name == k.name),
                };
                if fresh {
                    entries.push((k, v));
                    if seen.is_none() && entries.len() > INDEX_FROM {
                        seen = Some(entries.iter().map(|(k, _)| k.name.clone()).collect());
                    }
                }
            }
        };
        for (source, at) in merges {
            match source.value {
                NodeValue::Map(src) => add(src, &mut entries),
                NodeValue::Seq(items) => {
                    let inline = source.span == at;
                    for item in items {
                        match item.value {
                            NodeValue::Map(src) => add(src, &mut entries),
                            _ => {
                                return Err(self.merge_error(if inline { item.span } else { at }));
                            }
                        }
                    }
                }
                _ => return Err(self.merge_error(at)),
            }
        }
        entries.shrink_to_fit();
        Ok(entries)
    }

    fn merge_error(&self, at: Span) -> LoadError {
        locate_in(
            self.path,
            self.text,
            at.line,
            at.column,
            &self.key_path(),
            "map merge requires map or sequence of maps as the value",
        )
    }
}

fn find_key(m: &MapFrame, name: &str) -> Option<usize> {
    match &m.index {
        Some(index) => index.get(name).copied(),
        None => m.entries.iter().position(|(k, _)| k.name == name),
    }
}

/// Number of nodes (keys not counted) and nesting height of a tree.
fn measure(node: &Node) -> (usize, usize) {
    match &node.value {
        NodeValue::Seq(items) => items.iter().fold((1, 1), |(s, h), n| {
            let (cs, ch) = measure(n);
            (s + cs, h.max(ch + 1))
        }),
        NodeValue::Map(entries) => entries.iter().fold((1, 1), |(s, h), (_, n)| {
            let (cs, ch) = measure(n);
            (s + cs + 1, h.max(ch + 1))
        }),
        _ => (1, 0),
    }
}

fn compose_tag(tag: Option<&YamlTag>) -> Option<Tag> {
    let tag = tag?;
    if tag.handle == "!" {
        match tag.suffix.as_str() {
            "reset" => return Some(Tag::Reset),
            "override" => return Some(Tag::Override),
            _ => {}
        }
    }
    None
}

const CORE: &str = "tag:yaml.org,2002:";

/// The value of a scalar event, as yaml.v3 decodes it into an untyped Go value.
fn resolve_scalar(
    value: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&YamlTag>,
) -> Result<(NodeValue, Option<Tag>), String> {
    let plain = style == ScalarStyle::Plain;
    let Some(t) = tag else {
        let v = if plain {
            resolve_plain(&value).unwrap_or_else(|| NodeValue::String(owned(value)))
        } else {
            NodeValue::String(owned(value))
        };
        return Ok((v, None));
    };
    if let Some(ct) = compose_tag(Some(t)) {
        let v = if plain {
            resolve_plain(&value).unwrap_or_else(|| NodeValue::String(owned(value)))
        } else {
            NodeValue::String(owned(value))
        };
        return Ok((v, Some(ct)));
    }
    if t.handle != CORE {
        // yaml.v3 does not resolve scalars with an unknown tag: they stay strings.
        return Ok((NodeValue::String(owned(value)), None));
    }
    let resolved = resolve_plain(&value);
    let mismatch = || format!("cannot decode !!str `{value}` as a !!{}", t.suffix);
    let v = match t.suffix.as_str() {
        "str" => NodeValue::String(value.to_string()),
        "null" => match resolved {
            Some(NodeValue::Null) => NodeValue::Null,
            _ => return Err(mismatch()),
        },
        "bool" => match resolved {
            Some(v @ NodeValue::Bool(_)) => v,
            _ => return Err(mismatch()),
        },
        "int" => match resolved {
            Some(v @ NodeValue::Int(_)) => v,
            _ => return Err(mismatch()),
        },
        "float" => match resolved {
            Some(v @ NodeValue::Float(_)) => v,
            #[allow(clippy::cast_precision_loss)]
            Some(NodeValue::Int(i)) => NodeValue::Float(i as f64),
            _ => return Err(mismatch()),
        },
        "binary" => match base64_decode(&value) {
            Some(bytes) => NodeValue::String(String::from_utf8_lossy(&bytes).into_owned()),
            None => return Err("!!binary value contains invalid base64 data".to_owned()),
        },
        "timestamp" => match parse_timestamp(&value) {
            Some(s) => NodeValue::String(s),
            None => return Err(mismatch()),
        },
        _ => NodeValue::String(owned(value)),
    };
    Ok((v, None))
}

/// The scalar's text as an owned string without the parser's growth slack.
fn owned(value: Cow<'_, str>) -> String {
    let mut s = value.into_owned();
    if s.capacity() > s.len() + 8 {
        s.shrink_to_fit();
    }
    s
}

/// Resolves a plain scalar the way yaml.v3 does; `None` means "a string".
pub fn resolve_plain(s: &str) -> Option<NodeValue> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Some(NodeValue::Null),
        "true" | "True" | "TRUE" => return Some(NodeValue::Bool(true)),
        "false" | "False" | "FALSE" => return Some(NodeValue::Bool(false)),
        ".nan" | ".NaN" | ".NAN" => return Some(NodeValue::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(NodeValue::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(NodeValue::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    let first = s.as_bytes()[0];
    match first {
        b'.' => go_parse_float(s).map(NodeValue::Float),
        b'0'..=b'9' | b'+' | b'-' => {
            if first.is_ascii_digit()
                && let Some(ts) = parse_timestamp(s)
            {
                return Some(NodeValue::String(ts));
            }
            let plain: Cow<'_, str> = if s.contains('_') {
                Cow::Owned(s.replace('_', ""))
            } else {
                Cow::Borrowed(s)
            };
            if let Some(i) = go_parse_int(&plain) {
                return Some(NodeValue::Int(i));
            }
            if let Some(u) = go_parse_uint(&plain) {
                // Beyond i64: yaml.v3 gives a uint64; the tree keeps its decimal text.
                return Some(NodeValue::String(u.to_string()));
            }
            if is_yaml_float(&plain) {
                return go_parse_float(&plain).map(NodeValue::Float);
            }
            None
        }
        _ => None,
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms yaml.v3 lets through (no hex floats,
/// no `inf`/`nan` words): out-of-range values are an error, not infinity.
fn go_parse_float(s: &str) -> Option<f64> {
    if s.contains('_')
        || s.bytes()
            .any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E')
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseUint(s, 0, 64)` (underscores already removed).
fn go_parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let (base, digits) = if b[0] == b'0' {
        if b.len() >= 3 && (b[1] | 0x20) == b'b' {
            (2, &s[2..])
        } else if b.len() >= 3 && (b[1] | 0x20) == b'o' {
            (8, &s[2..])
        } else if b.len() >= 3 && (b[1] | 0x20) == b'x' {
            (16, &s[2..])
        } else {
            (8, &s[1..])
        }
    } else {
        (10, s)
    };
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = u64::from(c.to_digit(base)?);
        n = n.checked_mul(u64::from(base))?.checked_add(d)?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)` (underscores already removed).
fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint(rest)?;
    if neg {
        if u == 1u64 << 63 {
            Some(i64::MIN)
        } else {
            i64::try_from(u).ok().map(|v| -v)
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// How Go's `fmt` prints a decoded YAML value (for messages about non-string keys).
fn go_repr(v: &NodeValue) -> String {
    match v {
        NodeValue::Null => "<nil>".to_owned(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Int(i) => i.to_string(),
        NodeValue::Float(f) => go_format_float(*f),
        NodeValue::String(s) => s.clone(),
        NodeValue::Seq(_) => "[...]".to_owned(),
        NodeValue::Map(_) => "map[...]".to_owned(),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which is also what `fmt` prints for `%v`.
pub fn go_format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Shortest round-trip digits and the decimal exponent, from Rust's `{:e}`.
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // Shortest formatting: %e when the exponent is < -4 or >= 6, else %f.
    if !(-4..6).contains(&exp) {
        let (int, frac) = digits.split_at(1);
        let frac = if frac.is_empty() {
            String::new()
        } else {
            format!(".{frac}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{int}{frac}e{esign}{:02}", exp.abs());
    }
    format!(
        "{sign}{mantissa_plain}",
        mantissa_plain = plain_decimal(&digits, exp)
    )
}

fn plain_decimal(digits: &str, exp: i32) -> String {
    let nd = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if exp < 0 {
        let zeros = usize::try_from(-exp - 1).unwrap_or(0);
        format!("0.{}{digits}", "0".repeat(zeros))
    } else if exp + 1 >= nd {
        let zeros = usize::try_from(exp + 1 - nd).unwrap_or(0);
        format!("{digits}{}", "0".repeat(zeros))
    } else {
        let (a, b) = digits.split_at(usize::try_from(exp + 1).unwrap_or(0));
        format!("{a}.{b}")
    }
}

/// yaml.v3's timestamp forms (`2001-12-14`, `2001-12-14T21:59:43.10-05:00`,
/// `2001-12-14 21:59:43.10`), rendered as Go prints a `time.Time`
/// (`2001-12-14 00:00:00 +0000 UTC`). `None` when `s` is not a valid timestamp.
pub fn parse_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut p = Cursor { b, i: 0 };
    let year = p.num(4, 4)?;
    p.lit(b'-')?;
    let month = p.num(1, 2)?;
    p.lit(b'-')?;
    let day = p.num(1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(year, month) {
        return None;
    }
    let (mut hour, mut min, mut sec, mut nanos, mut offset) = (0, 0, 0, 0u32, None::<i32>);
    if p.i < b.len() {
        let sep = b[p.i];
        if sep != b'T' && sep != b't' && sep != b' ' {
            return None;
        }
        p.i += 1;
        hour = p.num(1, 2)?;
        p.lit(b':')?;
        min = p.num(1, 2)?;
        p.lit(b':')?;
        sec = p.num(1, 2)?;
        if hour > 23 || min > 59 || sec > 59 {
            return None;
        }
        if p.i + 1 < b.len() && (b[p.i] == b'.' || b[p.i] == b',') && b[p.i + 1].is_ascii_digit() {
            p.i += 1;
            let start = p.i;
            while p.i < b.len() && b[p.i].is_ascii_digit() {
                p.i += 1;
            }
            let frac = &s[start..p.i];
            let mut n = 0u32;
            for (k, c) in frac.bytes().take(9).enumerate() {
                let _ = k;
                n = n * 10 + u32::from(c - b'0');
            }
            for _ in frac.len().min(9)..9 {
                n *= 10;
            }
            nanos = n;
        }
        if sep != b' ' {
            if p.i < b.len() && b[p.i] == b'Z' {
                p.i += 1;
                offset = Some(0);
            } else {
                let sign = match b.get(p.i)? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                p.i += 1;
                let oh = p.num(2, 2)?;
                p.lit(b':')?;
                let om = p.num(2, 2)?;
                if oh > 24 || om > 59 {
                    return None;
                }
                offset = Some(sign * i32::try_from(oh * 60 + om).ok()?);
            }
        }
    }
    if p.i != b.len() {
        return None;
    }
    let mut out = format!("{year:04}-{month:02}-{day:02} {hour:02}:{min:02}:{sec:02}");
    if nanos > 0 {
        let f = format!("{nanos:09}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    match offset {
        None | Some(0) => out.push_str(" +0000 UTC"),
        Some(m) => {
            let sign = if m < 0 { '-' } else { '+' };
            let z = format!("{sign}{:02}{:02}", m.abs() / 60, m.abs() % 60);
            out.push(' ');
            out.push_str(&z);
            out.push(' ');
            out.push_str(&z);
        }
    }
    Some(out)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        self.b[start..self.i]
            .iter()
            .try_fold(0u32, |n, c| Some(n * 10 + u32::from(c - b'0')))
    }

    fn lit(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }
}

const fn days_in(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The value of a tree as JSON, spans and tags dropped (for tests and comparisons).
/// Non-finite floats become strings (`.inf`, `-.inf`, `.nan`).
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Int(i) => Value::from(*i),
        NodeValue::Float(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Value::String(go_format_float(*f)), Value::Number),
        NodeValue::String(s) => Value::String(s.clone()),
        NodeValue::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeValue::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    fn p(text: &str) -> Result<Vec<Node>, LoadError> {
        parse(
            text,
            FileId(0),
            &PathBuf::from("/x/compose.yaml"),
            &Limits::default(),
        )
    }

    fn one(text: &str) -> Node {
        let mut docs = p(text).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    fn j(text: &str) -> serde_json::Value {
        to_json(&one(text))
    }

    #[test]
    fn scalars_resolve_like_yaml_v3() {
        let v = j(
            "a: 010\nb: 0o17\nc: 0x1F\nd: 1_000\ne: 1.10\nf: yes\ng: on\nh: ~\n\
                   i: True\nj: 22:22\nk: 1e3\nl: '010'\nm: 0b101\nn: +12\no: 1_0.5\np: 0.\n\
                   q: NULL\nr: 1__0\ns: -0\nt: 07_7\nu: !!str 010\nv: 0_10\nw: !!int \"12\"\n\
                   x: tRue\ny: 1e500\nz: .5\naa: -0x1f\nab: 08\nac: 0x\nad: \"true\"\nae: |\n  5\n\
                   af: 9223372036854775808\nag: !foo 12\nah:\nai: False\naj: no\n",
        );
        assert_eq!(
            v,
            json!({"a":8,"b":15,"c":31,"d":1000,"e":1.1,"f":"yes","g":"on","h":null,"i":true,
                   "j":"22:22","k":1000.0,"l":"010","m":5,"n":12,"o":10.5,"p":0.0,"q":null,
                   "r":10,"s":0,"t":63,"u":"010","v":8,"w":12,"x":"tRue","y":"1e500","z":0.5,
                   "aa":-31,"ab":8.0,"ac":"0x","ad":"true","ae":"5\n",
                   "af":"9223372036854775808","ag":"12","ah":null,"ai":false,"aj":"no"})
        );
    }

    #[test]
    fn special_floats() {
        let n = one("a: .inf\nb: -.Inf\nc: .nan\n");
        let m = n.as_map().unwrap();
        assert!(matches!(m[0].1.value, NodeValue::Float(f) if f == f64::INFINITY));
        assert!(matches!(m[1].1.value, NodeValue::Float(f) if f == f64::NEG_INFINITY));
        assert!(matches!(m[2].1.value, NodeValue::Float(f) if f.is_nan()));
    }

    #[test]
    fn timestamps_print_like_go() {
        // Both observed with docker-compose 2.26.1 in `environment` values.
        assert_eq!(
            j("a: 2001-12-14"),
            json!({"a": "2001-12-14 00:00:00 +0000 UTC"})
        );
        assert_eq!(
            j("a: 2001-12-14T21:59:43.10-05:00"),
            json!({"a": "2001-12-14 21:59:43.1 -0500 -0500"})
        );
        assert_eq!(j("a: 2001-02-30"), json!({"a": "2001-02-30"}));
        assert_eq!(j("a: '2001-12-14'"), json!({"a": "2001-12-14"}));
    }

    #[test]
    fn go_float_format() {
        for (f, s) in [
            (1000.0, "1000"),
            (1e20, "1e+20"),
            (123_456_789.0, "1.23456789e+08"),
            (1e-7, "1e-07"),
            (1e-6, "1e-06"),
            (0.5, "0.5"),
            (1.1, "1.1"),
            (1e21, "1e+21"),
            (-2.5, "-2.5"),
            (100_000.0, "100000"),
            (0.0001, "0.0001"),
        ] {
            assert_eq!(go_format_float(f), s, "{f}");
        }
    }

    #[test]
    fn spans_are_one_based() {
        let n = one("services:\n  web:\n    image: busybox\n");
        let web = n.get("services").unwrap().get("web").unwrap();
        let (k, v) = &web.as_map().unwrap()[0];
        assert_eq!((k.span.line, k.span.column), (3, 5));
        assert_eq!((v.span.line, v.span.column), (3, 12));
    }

    #[test]
    fn anchors_and_merge_keys() {
        let v = j("x-a: &a {p: 1, q: 1}\nx-b: &b {q: 2, r: 2}\n\
                   s1: {<<: *a, p: 0}\ns2: {<<: [*a, *b]}\ns3:\n  p: 9\n  <<: [*b, *a]\n\
                   l: &l [1, 2]\nm: *l\n");
        assert_eq!(v["s1"], json!({"p": 0, "q": 1}));
        assert_eq!(v["s2"], json!({"p": 1, "q": 1, "r": 2}));
        assert_eq!(v["s3"], json!({"p": 9, "q": 2, "r": 2}));
        assert_eq!(v["m"], json!([1, 2]));
    }

    #[test]
    fn alias_keeps_anchor_spans() {
        let n = one("a: &x hello\nb: *x\n");
        let b = n.get("b").unwrap();
        assert_eq!((b.span.line, b.span.column), (1, 4));
    }

    #[test]
    fn merge_key_needs_mappings() {
        let e = p("a: &a [1]\nb:\n  <<: *a\n").unwrap_err();
        assert_eq!(
            e.message,
            "map merge requires map or sequence of maps as the value"
        );
        assert_eq!((e.line, e.column), (3, 7));
        let e = p("b:\n  <<: [{x: 1}, 3]\n").unwrap_err();
        assert_eq!((e.line, e.column, e.key_path.as_str()), (2, 16, "b"));
    }

    #[test]
    fn tags_are_kept() {
        let n = one("ports: !reset []\nenv: !override\n  A: 1\nx: !reset null\n");
        assert_eq!(n.get("ports").unwrap().tag, Some(Tag::Reset));
        assert_eq!(n.get("env").unwrap().tag, Some(Tag::Override));
        assert_eq!(n.get("x").unwrap().tag, Some(Tag::Reset));
        assert_eq!(n.get("x").unwrap().value, NodeValue::Null);
    }

    #[test]
    fn duplicate_keys_are_located() {
        let e = p("services:\n  web:\n    image: a\n    image: b\n").unwrap_err();
        assert_eq!(e.message, "mapping key \"image\" already defined at line 3");
        assert_eq!((e.line, e.column), (4, 5));
        assert_eq!(e.key_path, "services.web");
        assert_eq!(e.file, Some(PathBuf::from("/x/compose.yaml")));
        assert_eq!(e.snippet.as_deref(), Some("4 |     image: b\n  |     ^"));
        // Large mappings use an index: still detected.
        let mut big = String::new();
        for i in 0..40 {
            big.push_str(&format!("k{i}: v\n"));
        }
        big.push_str("k7: again\n");
        let e = p(&big).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (41, "mapping key \"k7\" already defined at line 8")
        );
    }

    #[test]
    fn non_string_keys_are_errors_like_compose() {
        let e = p("services:\n  web:\n    labels:\n      010: a\n").unwrap_err();
        assert_eq!(e.message, "Non-string key in services.web.labels: 8");
        assert_eq!((e.line, e.column), (4, 7));
        let e = p("1: x\n").unwrap_err();
        assert_eq!(e.message, "Non-string key at top level: 1");
        let e = p("a:\n  ~: x\n").unwrap_err();
        assert_eq!(e.message, "Non-string key in a: <nil>");
        assert_eq!(j("a:\n  '5': x\n"), json!({"a": {"5": "x"}}));
    }

    #[test]
    fn multiple_documents() {
        let docs = p("a: 1\n---\nb: &x 2\n---\nc: 3\n").unwrap();
        assert_eq!(docs.len(), 3);
        // Anchors do not cross documents.
        let e = p("a: &x 1\n---\nb: *x\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(p("").unwrap().is_empty());
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = p("services:\n  web:\n    image: [a\n").unwrap_err();
        assert!(e.message.starts_with("invalid YAML: "), "{}", e.message);
        assert!(e.line >= 3, "{e:?}");
        assert!(p("a: *nope\n").is_err());
    }

    #[test]
    fn recursive_alias_is_an_error() {
        let e = p("a: &a [*a]\n").unwrap_err();
        assert!(e.message.contains("recursive alias"), "{}", e.message);
    }

    #[test]
    fn billion_laughs_is_rejected_quickly() {
        let mut s = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let t = std::time::Instant::now();
        let e = p(&s).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{}", e.message);
        assert!(e.line > 1);
        // Generous bound: the work done before rejecting is capped by Limits.
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(10_000);
        let e = p(&deep).unwrap_err();
        assert!(e.message.contains("nesting is too deep"), "{}", e.message);
        let mut block = String::new();
        for i in 0..300 {
            block.push_str(&" ".repeat(i));
            block.push_str("a:\n");
        }
        let e = p(&block).unwrap_err();
        assert!(e.message.contains("nesting is too deep"), "{}", e.message);
        assert_eq!((e.line, e.column), (201, 201));
        let nested = format!(
            "a: &a {}1{}\nb: [[[[*a]]]]\n",
            "[".repeat(198),
            "]".repeat(198)
        );
        let e = p(&nested).unwrap_err();
        assert!(e.message.contains("after alias expansion"), "{}", e.message);
    }

    #[test]
    fn size_limits() {
        let limits = Limits {
            max_scalar_bytes: 10,
            max_file_bytes: 100,
            ..Limits::default()
        };
        let path = PathBuf::from("/x/c.yaml");
        let e = parse("a: 01234567890\n", FileId(0), &path, &limits).unwrap_err();
        assert_eq!((e.line, e.column), (1, 4));
        assert!(e.message.contains("scalar is too large"));
        let e = parse(&"a: 1\n".repeat(30), FileId(0), &path, &limits).unwrap_err();
        assert!(e.message.contains("file is too large"));
    }
}
