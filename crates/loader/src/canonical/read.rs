//! Reading typed values out of the spanned tree, with located errors.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use transship_ir::{ByteSize, Duration, SourceFile, Span, Spanned, Value};

use super::units;
use crate::error::LoadError;
use crate::tree::{Key, Node, NodeValue};

pub(crate) type LoadResult<T> = Result<T, LoadError>;

/// The state of canonicalization: what it needs from the loaded project besides the tree
/// (files for error locations, environment, project directory and name), and the warnings it
/// collects.
pub(crate) struct CanonicalizeState<'a> {
    pub files: Vec<SourceFile>,
    pub env: &'a BTreeMap<String, String>,
    pub project_dir: &'a Path,
    pub project_name: String,
    pub warnings: Vec<Spanned<String>>,
    /// Port entries produced so far (ranges expand to one entry per port; bounded).
    pub ports_expanded: std::cell::Cell<usize>,
}

impl CanonicalizeState<'_> {
    /// A located error at `span`.
    pub fn err(&self, span: Span, path: &str, message: impl Into<String>) -> LoadError {
        crate::canonical::locate_error(&self.files, span, path, message.into())
    }

    pub fn warn(&mut self, span: Span, message: impl Into<String>) {
        self.warnings.push(Spanned::new(message.into(), span));
    }

    /// Directory of the file `span` points into (relative paths of `env_file` etc.).
    pub fn base_dir(&self, _span: Span) -> &Path {
        // Compose resolves relative paths against the project directory (the first file's
        // directory); extends/include have already rebased their own paths.
        self.project_dir
    }

    /// Makes `p` absolute against the project directory, expanding a leading `~`.
    pub fn abs_path(&self, span: Span, p: &str) -> PathBuf {
        // As compose-go: an absolute path is kept as written (`/a/` stays `/a/`), a relative
        // one is joined to the base directory and cleaned.
        let expanded = self.expand_home(p);
        let path = Path::new(expanded.as_ref());
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            // `./x` and `x` clean to the same path; without the prefix, an already clean `x`
            // takes `clean`'s shortcut.
            clean(self.base_dir(span).join(without_dot_prefix(&expanded)))
        }
    }

    /// A leading `~` is the home directory: `~`, `~/x`, and also `~x` (= `$HOME/x`), as
    /// compose-go expands it.
    pub fn expand_home<'p>(&self, p: &'p str) -> Cow<'p, str> {
        if let Some(rest) = p.strip_prefix('~') {
            if let Some(home) = self.env.get("HOME") {
                // Joined and cleaned, like Go's `filepath.Join(home, rest)`.
                let rest = rest.trim_start_matches('/');
                return Cow::Owned(
                    clean(Path::new(home).join(rest))
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
        Cow::Borrowed(p)
    }

    pub fn file_id_for(
        &mut self,
        path: &Path,
        kind: transship_ir::SourceKind,
    ) -> transship_ir::FileId {
        if let Some(i) = self
            .files
            .iter()
            .position(|f| f.path == path && f.kind == kind)
        {
            return transship_ir::FileId(i as u32);
        }
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            kind,
        });
        transship_ir::FileId((self.files.len() - 1) as u32)
    }
}

/// `p` without its leading `./` segments (`././x` is `x`).
fn without_dot_prefix(mut p: &str) -> &str {
    while let Some(r) = p.strip_prefix("./") {
        p = r.trim_start_matches('/');
    }
    p
}

/// Whether [`clean`] returns `s` unchanged: no empty, `.` or `..` segment, no trailing `/`
/// (the root itself excepted).
fn is_clean(s: &str) -> bool {
    if s == "/" {
        return true;
    }
    let body = s.strip_prefix('/').unwrap_or(s);
    !body.is_empty()
        && body
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Lexically normalizes `.` and `..` components (like Go's `filepath.Clean`).
pub(crate) fn clean(p: PathBuf) -> PathBuf {
    use std::path::Component;
    // The usual case, checked on the text: nothing to normalize.
    if p.to_str().is_some_and(is_clean) {
        return p;
    }
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The key path of `key` under `path` (`services.web` + `image`: `services.web.image`).
pub(crate) fn child_key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        // Built by hand: this runs for every key of every service.
        let mut s = String::with_capacity(path.len() + 1 + key.len());
        s.push_str(path);
        s.push('.');
        s.push_str(key);
        s
    }
}

/// The key path of item `i` of the list at `path` (`services.web.ports[0]`).
pub(crate) fn item_key_path(path: &str, i: usize) -> String {
    // Built by hand (no formatting machinery): this runs for every list item.
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut s = String::with_capacity(path.len() + 2 + digits.len() - at);
    s.push_str(path);
    s.push('[');
    for d in &digits[at..] {
        s.push(char::from(*d));
    }
    s.push(']');
    s
}

/// The mapping entries of `node`, or "`path` must be a mapping".
pub(crate) fn map<'n>(
    cx: &CanonicalizeState<'_>,
    node: &'n Node,
    path: &str,
) -> LoadResult<&'n [(Key, Node)]> {
    match &node.value {
        NodeValue::Map(m) => Ok(m),
        NodeValue::Null => Ok(&[]),
        _ => Err(cx.err(node.span, path, format!("{path} must be a mapping"))),
    }
}

pub(crate) fn seq<'n>(
    cx: &CanonicalizeState<'_>,
    node: &'n Node,
    path: &str,
) -> LoadResult<&'n [Node]> {
    match &node.value {
        NodeValue::Seq(s) => Ok(s),
        NodeValue::Null => Ok(&[]),
        _ => Err(cx.err(node.span, path, format!("{path} must be a list"))),
    }
}

/// `x-*`: an extension field.
pub(crate) fn is_extension_key(key: &str) -> bool {
    key.starts_with("x-")
}

pub(crate) fn unknown(cx: &CanonicalizeState<'_>, key: &Key, path: &str) -> LoadError {
    let at = if path.is_empty() { "(root)" } else { path };
    cx.err(
        key.span,
        path,
        format!("{at} Additional property {} is not allowed", key.name),
    )
}

/// A string-typed key: only strings are accepted (like the schema's `"type": "string"`).
pub(crate) fn string(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Spanned<String>> {
    match &node.value {
        NodeValue::String(s) => Ok(Spanned::new(s.clone(), node.span)),
        _ => Err(cx.err(node.span, path, format!("{path} must be a string"))),
    }
}

pub(crate) fn opt_string(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Option<Spanned<String>>> {
    match &node.value {
        NodeValue::Null => Ok(None),
        _ => string(cx, node, path).map(Some),
    }
}

/// A string that compose-go reads into a Go `string` with `omitempty`: written empty, it is
/// the same as not written (`hostname: ""`, often `${VAR:-}`), so it is left out here and
/// no target ever spells an empty option (`--hostname=`).
pub(crate) fn omitempty_string(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Option<Spanned<String>>> {
    Ok(opt_string(cx, node, path)?.filter(|s| !s.value.is_empty()))
}

/// A string the Compose schema restricts to `allowed` (an `enum`), with its message.
pub(crate) fn one_of(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
    allowed: &[&str],
) -> LoadResult<Option<Spanned<String>>> {
    let Some(s) = opt_string(cx, node, path)? else {
        return Ok(None);
    };
    if allowed.contains(&s.value.as_str()) {
        return Ok(Some(s));
    }
    let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
    Err(cx.err(
        s.span,
        path,
        format!("{path} must be one of the following: {}", list.join(", ")),
    ))
}

/// Any scalar, as Compose stringifies it (`1.50` is `"1.5"`, `true` is `"true"`).
pub(crate) fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        NodeValue::String(s) => Some(s.clone()),
        NodeValue::Int(i) => Some(i.to_string()),
        NodeValue::Float(f) => Some(format_float(*f)),
        NodeValue::Bool(b) => Some(b.to_string()),
        NodeValue::Null => None,
        _ => None,
    }
}

pub(crate) fn format_float(f: f64) -> String {
    // Go's `%v`, as compose-go stringifies numbers (`1e+20`, `1e-06`, `1.5`).
    crate::yaml::go_format_float(f)
}

/// A string or number key (`cpuset`, `published`, env values).
pub(crate) fn string_or_number(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Spanned<String>> {
    match &node.value {
        NodeValue::String(_) | NodeValue::Int(_) | NodeValue::Float(_) => Ok(Spanned::new(
            scalar_text(node).unwrap_or_default(),
            node.span,
        )),
        _ => Err(cx.err(
            node.span,
            path,
            format!("{path} must be a string or number"),
        )),
    }
}

pub(crate) fn bool_from_str(s: &str) -> Option<(bool, bool)> {
    // (value, is a YAML 1.1 form): what docker-compose 2.26.1 casts to a boolean, any case;
    // `1`, `0`, `t`, `f` are rejected.
    match s.to_ascii_lowercase().as_str() {
        "true" => Some((true, false)),
        "false" => Some((false, false)),
        "y" | "yes" | "on" => Some((true, true)),
        "n" | "no" | "off" => Some((false, true)),
        _ => None,
    }
}

/// A boolean, also from the strings Compose accepts (`"true"`, and `yes`/`on` with a warning).
pub(crate) fn boolean(
    cx: &mut CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Spanned<bool>> {
    match &node.value {
        NodeValue::Bool(b) => Ok(Spanned::new(*b, node.span)),
        NodeValue::String(s) => match bool_from_str(s) {
            Some((b, yaml11)) => {
                if yaml11 {
                    cx.warn(
                        node.span,
                        format!(
                            "\"{s}\" for boolean is not supported by YAML 1.2, please use `{b}`"
                        ),
                    );
                }
                Ok(Spanned::new(b, node.span))
            }
            None => Err(cx.err(
                node.span,
                path,
                format!("failed to cast to expected type: invalid boolean: {s}"),
            )),
        },
        _ => Err(cx.err(node.span, path, format!("{path} must be a boolean"))),
    }
}

pub(crate) fn opt_bool(
    cx: &mut CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Option<Spanned<bool>>> {
    match &node.value {
        NodeValue::Null => Ok(None),
        _ => boolean(cx, node, path).map(Some),
    }
}

/// An integer, also from a string holding one (`retries: "3"` after interpolation).
pub(crate) fn int(cx: &CanonicalizeState<'_>, node: &Node, path: &str) -> LoadResult<Spanned<i64>> {
    match &node.value {
        NodeValue::Int(i) => Ok(Spanned::new(*i, node.span)),
        NodeValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => {
            Ok(Spanned::new(*f as i64, node.span))
        }
        NodeValue::String(s) => s.trim().parse::<i64>().map(|i| Spanned::new(i, node.span)).map_err(|_| {
            cx.err(
                node.span,
                path,
                format!("failed to cast to expected type: strconv.Atoi: parsing \"{s}\": invalid syntax"),
            )
        }),
        _ => Err(cx.err(node.span, path, format!("{path} must be a integer"))),
    }
}

pub(crate) fn opt_int(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Option<Spanned<i64>>> {
    match &node.value {
        NodeValue::Null => Ok(None),
        _ => int(cx, node, path).map(Some),
    }
}

pub(crate) fn float(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Spanned<f64>> {
    match &node.value {
        NodeValue::Int(i) => Ok(Spanned::new(*i as f64, node.span)),
        NodeValue::Float(f) => Ok(Spanned::new(*f, node.span)),
        NodeValue::String(s) => s.trim().parse::<f64>().map(|f| Spanned::new(f, node.span)).map_err(|_| {
            cx.err(
                node.span,
                path,
                format!("failed to cast to expected type: strconv.ParseFloat: parsing \"{s}\": invalid syntax"),
            )
        }),
        _ => Err(cx.err(node.span, path, format!("{path} must be a number"))),
    }
}

pub(crate) fn opt_float(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Option<Spanned<f64>>> {
    match &node.value {
        NodeValue::Null => Ok(None),
        _ => float(cx, node, path).map(Some),
    }
}

/// A duration: Compose's schema requires a string (`10` alone is rejected).
pub(crate) fn duration(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Spanned<Duration>> {
    match &node.value {
        NodeValue::String(s) => units::parse_duration(s)
            .map(|d| Spanned::new(d, node.span))
            .map_err(|e| cx.err(node.span, path, format!("invalid duration: {e}"))),
        _ => Err(cx.err(node.span, path, format!("{path} must be a string"))),
    }
}

pub(crate) fn opt_duration(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Option<Spanned<Duration>>> {
    match &node.value {
        NodeValue::Null => Ok(None),
        _ => duration(cx, node, path).map(Some),
    }
}

/// A byte size: a number of bytes or a string with a unit (`1g`, `128mb`).
pub(crate) fn byte_size(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Spanned<ByteSize>> {
    match &node.value {
        NodeValue::Int(i) => Ok(Spanned::new(ByteSize(*i), node.span)),
        NodeValue::Float(f) => Ok(Spanned::new(ByteSize(*f as i64), node.span)),
        NodeValue::String(s) => {
            if let Ok(i) = s.parse::<i64>() {
                return Ok(Spanned::new(ByteSize(i), node.span));
            }
            units::parse_byte_size(s)
                .map(|b| Spanned::new(b, node.span))
                .map_err(|e| cx.err(node.span, path, e))
        }
        _ => Err(cx.err(
            node.span,
            path,
            format!("{path} must be a string or number"),
        )),
    }
}

pub(crate) fn opt_byte_size(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<Option<Spanned<ByteSize>>> {
    match &node.value {
        NodeValue::Null => Ok(None),
        _ => byte_size(cx, node, path).map(Some),
    }
}

/// A list of strings (or a single string where Compose accepts one, e.g. `dns`).
pub(crate) fn string_list(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
    single_ok: bool,
) -> LoadResult<Vec<Spanned<String>>> {
    match &node.value {
        NodeValue::String(s) if single_ok => Ok(vec![Spanned::new(s.clone(), node.span)]),
        NodeValue::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, n)| string_or_number(cx, n, &item_key_path(path, i)))
            .collect(),
        NodeValue::Null => Ok(Vec::new()),
        _ => Err(cx.err(node.span, path, format!("{path} must be a list"))),
    }
}

/// `KEY=VALUE` list or mapping → map. `with_null`: a bare `KEY` (or `KEY:` null) gives `None`.
pub(crate) fn key_values(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
    sep: char,
) -> LoadResult<BTreeMap<String, Spanned<Option<String>>>> {
    let mut out = BTreeMap::new();
    match &node.value {
        NodeValue::Null => {}
        NodeValue::Map(entries) => {
            for (k, v) in entries {
                let value = match &v.value {
                    NodeValue::Null => None,
                    NodeValue::String(_)
                    | NodeValue::Int(_)
                    | NodeValue::Float(_)
                    | NodeValue::Bool(_) => scalar_text(v),
                    _ => {
                        return Err(cx.err(
                            v.span,
                            &child_key_path(path, &k.name),
                            format!(
                                "{} must be a string, number, boolean or null",
                                child_key_path(path, &k.name)
                            ),
                        ));
                    }
                };
                let span = if matches!(v.value, NodeValue::Null) {
                    k.span
                } else {
                    v.span
                };
                out.insert(k.name.clone(), Spanned::new(value, span));
            }
        }
        NodeValue::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = item_key_path(path, i);
                let text = match &item.value {
                    NodeValue::String(s) => s.clone(),
                    NodeValue::Int(_) | NodeValue::Float(_) | NodeValue::Bool(_) => {
                        scalar_text(item).unwrap_or_default()
                    }
                    _ => return Err(cx.err(item.span, &p, format!("{p} must be a string"))),
                };
                let (k, v) = match text.split_once(sep) {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (text, None),
                };
                out.insert(k, Spanned::new(v, item.span));
            }
        }
        _ => Err(cx.err(
            node.span,
            path,
            format!("{path} must be a mapping or a list"),
        ))?,
    }
    Ok(out)
}

/// Like [`key_values`], with a bare key meaning an empty value (labels, annotations).
pub(crate) fn string_map(
    cx: &CanonicalizeState<'_>,
    node: &Node,
    path: &str,
) -> LoadResult<BTreeMap<String, Spanned<String>>> {
    Ok(key_values(cx, node, path, '=')?
        .into_iter()
        .map(|(k, v)| (k, v.map(Option::unwrap_or_default)))
        .collect())
}

/// A free-form value.
pub(crate) fn value(node: &Node) -> Value {
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Int(i) => Value::Int(*i),
        NodeValue::Float(f) => Value::Float(*f),
        NodeValue::String(s) => Value::String(s.clone()),
        NodeValue::Seq(items) => Value::Seq(items.iter().map(value).collect()),
        NodeValue::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), value(v)))
                .collect(),
        ),
    }
}

pub(crate) fn spanned_value(node: &Node) -> Spanned<Value> {
    Spanned::new(value(node), node.span)
}

/// Adds an `x-*` entry to `ext`; returns false for other keys.
pub(crate) fn take_extension(ext: &mut transship_ir::Extensions, key: &Key, node: &Node) -> bool {
    if is_extension_key(&key.name) {
        ext.insert(key.name.clone(), spanned_value(node));
        true
    } else {
        false
    }
}

/// Iterates a mapping that must be an object with known keys: calls `f(key, value, path)` for
/// every non-extension key; `x-*` keys go into `ext`.
pub(crate) fn object<'n>(
    cx: &CanonicalizeState<'_>,
    node: &'n Node,
    path: &str,
    ext: &mut transship_ir::Extensions,
) -> LoadResult<Vec<(&'n Key, &'n Node, String)>> {
    let entries = map(cx, node, path)?;
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        if !take_extension(ext, k, v) {
            out.push((k, v, child_key_path(path, &k.name)));
        }
    }
    Ok(out)
}

/// [`object`] for the few objects whose schema allows no `x-*` keys (blkio device entries,
/// long `env_file` entries: docker-compose 2.26.1 rejects them there): every key is returned,
/// so an `x-*` key meets the caller's "Additional property" arm.
pub(crate) fn closed_object<'n>(
    cx: &CanonicalizeState<'_>,
    node: &'n Node,
    path: &str,
) -> LoadResult<Vec<(&'n Key, &'n Node, String)>> {
    let entries = map(cx, node, path)?;
    Ok(entries
        .iter()
        .map(|(k, v)| (k, v, child_key_path(path, &k.name)))
        .collect())
}

/// A file mode. A YAML number is taken as written (`0440` and `0o440` are octal there, 288);
/// a string is read as a *decimal* number, as docker-compose 2.26.1 does (`"0440"` is 440).
pub(crate) fn mode_number(
    cx: &CanonicalizeState<'_>,
    n: &Node,
    p: &str,
) -> LoadResult<Option<u32>> {
    match &n.value {
        NodeValue::Null => Ok(None),
        NodeValue::Int(i) => u32::try_from(*i).map(Some).map_err(|_| {
            cx.err(
                n.span,
                p,
                format!("{p} must be a file mode (0 to 4294967295)"),
            )
        }),
        NodeValue::String(s) => s.parse::<u32>().map(Some).map_err(|_| {
            cx.err(
                n.span,
                p,
                format!(
                    "failed to cast to expected type: strconv.Atoi: parsing {s:?}: invalid syntax"
                ),
            )
        }),
        _ => Err(cx.err(n.span, p, format!("{p} must be a number or a string"))),
    }
}

/// A container path cleaned like Go's `path.Clean` (`/b/` is `/b`, `/d/./e` is `/d/e`).
pub(crate) fn clean_target(t: &str) -> String {
    if t.is_empty() {
        return String::new();
    }
    clean(PathBuf::from(t))
        .into_os_string()
        .into_string()
        .unwrap_or_else(|s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
mod clean_fast_path {
    use super::{clean, is_clean, without_dot_prefix};
    use proptest::prelude::*;
    use std::path::Path;

    fn path_text() -> impl Strategy<Value = String> {
        let seg = prop::sample::select(vec!["a", "b.c", ".", "..", "", "~", "x y"]);
        (
            any::<bool>(),
            prop::collection::vec(seg, 0..6),
            any::<bool>(),
        )
            .prop_map(|(abs, segs, trailing)| {
                let mut s = if abs { "/".to_owned() } else { String::new() };
                s.push_str(&segs.join("/"));
                if trailing {
                    s.push('/');
                }
                s
            })
    }

    proptest! {
        /// The shortcut only fires where the normalization by components would change
        /// nothing: such a text is that normalization's fixed point.
        #[test]
        fn clean_text_is_a_fixed_point(s in path_text()) {
            if is_clean(&s) {
                let by_components: std::path::PathBuf = Path::new(&s).components().collect();
                prop_assert_eq!(by_components.to_str(), Some(s.as_str()));
            }
        }

        /// Dropping the leading `./` segments before joining changes no cleaned path.
        #[test]
        fn dot_prefix_changes_no_cleaned_path(s in path_text()) {
            let base = Path::new("/srv/project");
            if !s.starts_with('/') {
                prop_assert_eq!(
                    clean(base.join(without_dot_prefix(&s))),
                    clean(base.join(&s))
                );
            }
        }
    }
}
