//! The raw tree merge of two Compose files (`-f a -f b`, several YAML documents, `extends`),
//! with compose-go's override rules (`override/merge.go`) followed by its uniqueness rules
//! (`override/uncity.go`):
//!
//! - mappings are merged key by key (base order kept, new keys appended), sequences
//!   appended, scalars replaced; an override value of null keeps the base;
//! - `command`, `entrypoint`, `healthcheck.test`, `ulimits.*`, `models.*.runtime_flags` are
//!   replaced;
//! - `environment`, `labels`, `annotations`, `sysctls`, `tmpfs`, `dns*`, `env_file`,
//!   `label_file`, `build.args|labels|additional_contexts`, `deploy.labels`, `networks.*.labels`,
//!   `volumes.*.labels` are turned into `KEY=VALUE` lists (a mapping becomes a sorted list)
//!   and appended; `extra_hosts` likewise, without repeating an identical entry;
//! - `depends_on`, `networks`, `models` lists become mappings and are merged by name;
//!   `build: ctx` is `{context: ctx}`; `logging.options` are merged only when the drivers are
//!   equal (or one is absent), else the override's logging replaces the base's;
//!   `networks.*.ipam.config` entries are merged by subnet;
//! - then duplicates are removed from lists, the later entry taking the earlier one's place:
//!   ports by `host_ip:published:target/protocol`, volumes and devices by target, secrets and
//!   configs by target, env files by path, key/value lists by key, and a few plain lists;
//! - an override value tagged `!reset` removes the key, one tagged `!override` replaces the
//!   base value wholesale.

use std::collections::HashMap;

use crate::error::LoadError;
use crate::tree::{Key, Node, NodeValue, Tag};
use crate::yaml::go_format_float;

/// Merges `overlay` onto `base` (both whole Compose documents), then enforces uniqueness.
/// Errors carry the line and column of the offending override node (no file: the caller
/// knows which file the override came from).
pub fn merge(base: Node, overlay: Node) -> Result<Node, LoadError> {
    let mut path = Vec::new();
    let mut out = merge_at(base, overlay, &mut path)?;
    strip_tags(&mut out);
    enforce_unicity(&mut out);
    Ok(out)
}

/// Removes `!reset` entries and forgets `!override` tags (used on a single file's tree).
pub fn strip_tags(node: &mut Node) {
    node.tag = None;
    match &mut node.value {
        NodeValue::Map(entries) => {
            entries.retain(|(_, v)| v.tag != Some(Tag::Reset));
            for (_, v) in entries {
                strip_tags(v);
            }
        }
        NodeValue::Seq(items) => {
            items.retain(|v| v.tag != Some(Tag::Reset));
            for v in items {
                strip_tags(v);
            }
        }
        _ => {}
    }
}

type Path<'a> = Vec<String>;

fn matches(path: &[String], pattern: &str) -> bool {
    let mut n = 0;
    for (i, seg) in pattern.split('.').enumerate() {
        match path.get(i) {
            Some(p) if seg == "*" || seg == p => n += 1,
            _ => return false,
        }
    }
    n == path.len()
}

#[derive(Clone, Copy)]
enum Special {
    Override,
    ToSequence,
    ExtraHosts,
    Build,
    DependsOn,
    ToMapping,
    Logging,
    IpamConfig,
}

const SPECIALS: &[(&str, Special)] = &[
    ("networks.*.ipam.config", Special::IpamConfig),
    ("networks.*.labels", Special::ToSequence),
    ("volumes.*.labels", Special::ToSequence),
    ("services.*.annotations", Special::ToSequence),
    ("services.*.build", Special::Build),
    ("services.*.build.args", Special::ToSequence),
    ("services.*.build.additional_contexts", Special::ToSequence),
    ("services.*.build.extra_hosts", Special::ExtraHosts),
    ("services.*.build.labels", Special::ToSequence),
    ("services.*.command", Special::Override),
    ("services.*.depends_on", Special::DependsOn),
    ("services.*.deploy.labels", Special::ToSequence),
    ("services.*.dns", Special::ToSequence),
    ("services.*.dns_opt", Special::ToSequence),
    ("services.*.dns_search", Special::ToSequence),
    ("services.*.entrypoint", Special::Override),
    ("services.*.env_file", Special::ToSequence),
    ("services.*.label_file", Special::ToSequence),
    ("services.*.environment", Special::ToSequence),
    ("services.*.extra_hosts", Special::ExtraHosts),
    ("services.*.healthcheck.test", Special::Override),
    ("services.*.labels", Special::ToSequence),
    ("services.*.volumes.*.volume.labels", Special::ToSequence),
    ("services.*.logging", Special::Logging),
    ("services.*.models", Special::ToMapping),
    ("services.*.networks", Special::ToMapping),
    ("services.*.sysctls", Special::ToSequence),
    ("services.*.tmpfs", Special::ToSequence),
    ("services.*.ulimits.*", Special::Override),
    ("models.*.runtime_flags", Special::Override),
];

fn special(path: &[String]) -> Option<Special> {
    SPECIALS
        .iter()
        .find(|(p, _)| matches(path, p))
        .map(|(_, s)| *s)
}

fn path_str(path: &[String]) -> String {
    path.join(".")
}

fn cannot_override(path: &[String], at: &Node) -> LoadError {
    LoadError {
        file: None,
        line: at.span.line,
        column: at.span.column,
        key_path: path_str(path),
        message: format!(
            "cannot override {}: {} cannot replace the earlier value",
            path_str(path),
            at.kind_name()
        ),
        snippet: None,
    }
}

fn merge_at(base: Node, overlay: Node, path: &mut Path<'_>) -> Result<Node, LoadError> {
    if overlay.tag == Some(Tag::Override) {
        return Ok(overlay);
    }
    if let Some(s) = special(path) {
        return apply_special(s, base, overlay, path);
    }
    if matches!(overlay.value, NodeValue::Null) {
        return Ok(base);
    }
    match base.value {
        NodeValue::Map(entries) => match overlay.value {
            NodeValue::Map(other) => Ok(Node {
                value: NodeValue::Map(merge_mappings(entries, other, path)?),
                span: base.span,
                tag: None,
            }),
            _ => Err(cannot_override(path, &overlay)),
        },
        NodeValue::Seq(mut items) => match overlay.value {
            NodeValue::Seq(other) => {
                items.extend(other);
                Ok(Node {
                    value: NodeValue::Seq(items),
                    span: base.span,
                    tag: None,
                })
            }
            _ => Err(cannot_override(path, &overlay)),
        },
        _ => Ok(overlay),
    }
}

fn merge_mappings(
    mut entries: Vec<(Key, Node)>,
    other: Vec<(Key, Node)>,
    path: &mut Path<'_>,
) -> Result<Vec<(Key, Node)>, LoadError> {
    let mut index: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.name.clone(), i))
        .collect();
    let mut removed = false;
    for (k, v) in other {
        if v.tag == Some(Tag::Reset) {
            if let Some(&i) = index.get(&k.name) {
                // Mark for removal; indices stay valid until the end.
                entries[i].1.tag = Some(Tag::Reset);
                removed = true;
            }
            continue;
        }
        match index.get(&k.name) {
            None => {
                index.insert(k.name.clone(), entries.len());
                entries.push((k, v));
            }
            Some(&i) => {
                let placeholder = Node::new(NodeValue::Null, v.span);
                let e = std::mem::replace(&mut entries[i].1, placeholder);
                path.push(k.name.clone());
                let merged = merge_at(e, v, path);
                path.pop();
                entries[i].1 = merged?;
            }
        }
    }
    if removed {
        entries.retain(|(_, v)| v.tag != Some(Tag::Reset));
    }
    Ok(entries)
}

/// Go's `fmt.Sprintf("%v", v)` for a scalar.
fn go_string(v: &NodeValue) -> Option<String> {
    Some(match v {
        NodeValue::String(s) => s.clone(),
        NodeValue::Int(i) => i.to_string(),
        NodeValue::Float(f) => go_format_float(*f),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Null => "<nil>".to_owned(),
        NodeValue::Seq(_) | NodeValue::Map(_) => return None,
    })
}

/// compose-go's `convertIntoSequence`: a mapping becomes a sorted `KEY=VALUE` list.
fn into_sequence(node: Node) -> Vec<Node> {
    match node.value {
        NodeValue::Map(entries) => {
            let mut seq: Vec<Node> = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                match v.value {
                    NodeValue::Null => seq.push(Node::new(NodeValue::String(k.name), k.span)),
                    NodeValue::Seq(items) => {
                        for item in items {
                            let s = go_string(&item.value).unwrap_or_default();
                            seq.push(Node::new(
                                NodeValue::String(format!("{}={s}", k.name)),
                                item.span,
                            ));
                        }
                    }
                    ref other => {
                        let s = go_string(other).unwrap_or_default();
                        seq.push(Node::new(
                            NodeValue::String(format!("{}={s}", k.name)),
                            v.span,
                        ));
                    }
                }
            }
            seq.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            seq
        }
        NodeValue::Seq(items) => items,
        NodeValue::String(_) => vec![node],
        _ => Vec::new(),
    }
}

/// compose-go's `convertIntoMapping`: a list of names becomes a mapping.
fn into_mapping(node: Node, default: Option<&dyn Fn(&Node) -> Node>) -> Node {
    match node.value {
        NodeValue::Seq(items) => {
            let mut entries: Vec<(Key, Node)> = Vec::with_capacity(items.len());
            for item in items {
                let name = go_string(&item.value).unwrap_or_default();
                let value =
                    default.map_or_else(|| Node::new(NodeValue::Null, item.span), |f| f(&item));
                let key = Key {
                    name,
                    span: item.span,
                };
                if let Some(pos) = entries.iter().position(|(k, _)| k.name == key.name) {
                    entries[pos] = (key, value);
                } else {
                    entries.push((key, value));
                }
            }
            Node {
                value: NodeValue::Map(entries),
                span: node.span,
                tag: None,
            }
        }
        NodeValue::Map(_) => node,
        _ => Node {
            value: NodeValue::Map(Vec::new()),
            span: node.span,
            tag: None,
        },
    }
}

fn depends_on_default(item: &Node) -> Node {
    let span = item.span;
    let k = |n: &str| Key {
        name: n.to_owned(),
        span,
    };
    Node::new(
        NodeValue::Map(vec![
            (
                k("condition"),
                Node::new(NodeValue::String("service_started".to_owned()), span),
            ),
            (k("required"), Node::new(NodeValue::Bool(true), span)),
        ]),
        span,
    )
}

fn map_node(node: Node) -> Result<(Vec<(Key, Node)>, transship_ir::Span), Node> {
    match node.value {
        NodeValue::Map(e) => Ok((e, node.span)),
        _ => Err(node),
    }
}

fn apply_special(
    s: Special,
    base: Node,
    overlay: Node,
    path: &mut Path<'_>,
) -> Result<Node, LoadError> {
    let span = base.span;
    let seq = |items: Vec<Node>| Node::new(NodeValue::Seq(items), span);
    match s {
        Special::Override => Ok(overlay),
        Special::ToSequence => {
            // `KEY: !reset null` in the override removes KEY from a base mapping.
            let reset: Vec<String> = overlay
                .as_map()
                .map(|m| {
                    m.iter()
                        .filter(|(_, v)| v.tag == Some(Tag::Reset))
                        .map(|(k, _)| k.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            let mut overlay = overlay;
            if !reset.is_empty()
                && let NodeValue::Map(entries) = &mut overlay.value
            {
                entries.retain(|(_, v)| v.tag != Some(Tag::Reset));
            }
            // compose-go removes a reset key from the base by its path, before merging: a
            // base written as a mapping loses it, a base written as a list keeps it (checked
            // with docker-compose 2.26.1; fixture `project-override-reset-forms`).
            let base_is_map = matches!(base.value, NodeValue::Map(_));
            let mut right = into_sequence(base);
            if !reset.is_empty() && base_is_map {
                right.retain(|n| {
                    let k = n.as_str().map(|s| s.split_once('=').map_or(s, |(k, _)| k));
                    !k.is_some_and(|k| reset.iter().any(|r| r == k))
                });
            }
            right.extend(into_sequence(overlay));
            Ok(seq(right))
        }
        Special::ExtraHosts => {
            let mut right = into_sequence(base);
            let left = into_sequence(overlay);
            let mut fresh = Vec::new();
            for v in left {
                if !right.iter().any(|r| r.value == v.value) {
                    fresh.push(v);
                }
            }
            right.extend(fresh);
            Ok(seq(right))
        }
        Special::Build => {
            let to_build = |n: Node| -> Node {
                match n.value {
                    NodeValue::String(_) => {
                        let span = n.span;
                        Node::new(
                            NodeValue::Map(vec![(
                                Key {
                                    name: "context".to_owned(),
                                    span,
                                },
                                n,
                            )]),
                            span,
                        )
                    }
                    NodeValue::Map(_) => n,
                    _ => Node::new(NodeValue::Map(Vec::new()), n.span),
                }
            };
            let (b, bspan) = map_node(to_build(base)).unwrap_or_else(|n| (Vec::new(), n.span));
            let (o, _) = map_node(to_build(overlay)).unwrap_or_else(|n| (Vec::new(), n.span));
            Ok(Node::new(
                NodeValue::Map(merge_mappings(b, o, path)?),
                bspan,
            ))
        }
        Special::DependsOn | Special::ToMapping => {
            let default: Option<&dyn Fn(&Node) -> Node> = if matches!(s, Special::DependsOn) {
                Some(&depends_on_default)
            } else {
                None
            };
            let (b, bspan) =
                map_node(into_mapping(base, default)).unwrap_or_else(|n| (Vec::new(), n.span));
            let (o, _) =
                map_node(into_mapping(overlay, default)).unwrap_or_else(|n| (Vec::new(), n.span));
            Ok(Node::new(
                NodeValue::Map(merge_mappings(b, o, path)?),
                bspan,
            ))
        }
        Special::Logging => {
            let (Some(bm), Some(om)) = (base.as_map(), overlay.as_map()) else {
                return if matches!(overlay.value, NodeValue::Null) {
                    Ok(base)
                } else {
                    Ok(overlay)
                };
            };
            let d1 = om
                .iter()
                .find(|(k, _)| k.name == "driver")
                .map(|(_, v)| &v.value);
            let d2 = bm
                .iter()
                .find(|(k, _)| k.name == "driver")
                .map(|(_, v)| &v.value);
            let same = match (d1, d2) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            if !same {
                return Ok(overlay);
            }
            let (b, bspan) = map_node(base).unwrap_or_else(|n| (Vec::new(), n.span));
            let (o, _) = map_node(overlay).unwrap_or_else(|n| (Vec::new(), n.span));
            Ok(Node::new(
                NodeValue::Map(merge_mappings(b, o, path)?),
                bspan,
            ))
        }
        Special::IpamConfig => ipam_config(base, overlay, path),
    }
}

fn subnet(n: &Node) -> Option<&NodeValue> {
    n.get("subnet").map(|v| &v.value)
}

/// compose-go's `mergeIPAMConfig`, entry by entry.
fn ipam_config(base: Node, overlay: Node, path: &mut Path<'_>) -> Result<Node, LoadError> {
    let span = base.span;
    let (NodeValue::Seq(configs), NodeValue::Seq(overrides)) = (&base.value, &overlay.value) else {
        return Err(cannot_override(path, &overlay));
    };
    let mut out: Vec<Node> = Vec::new();
    for original in configs {
        for over in overrides {
            if subnet(over) != subnet(original) && !out.iter().any(|a| subnet(a) == subnet(over)) {
                out.push(over.clone());
                continue;
            }
            let merged = match (original.clone(), over.clone()) {
                (
                    Node {
                        value: NodeValue::Map(a),
                        span,
                        ..
                    },
                    Node {
                        value: NodeValue::Map(b),
                        ..
                    },
                ) => Node::new(NodeValue::Map(merge_mappings(a, b, path)?), span),
                (_, o) => return Err(cannot_override(path, &o)),
            };
            if let Some(i) = out.iter().position(|a| subnet(a) == subnet(&merged)) {
                out[i] = merged;
            } else {
                out.push(merged);
            }
        }
    }
    Ok(Node::new(NodeValue::Seq(out), span))
}

#[derive(Clone, Copy)]
enum Indexer {
    KeyValue,
    Volume,
    Device,
    Mount(&'static str),
    Expose,
    Port,
    EnvFile,
}

const UNIQUE: &[(&str, Indexer)] = &[
    ("networks.*.labels", Indexer::KeyValue),
    ("networks.*.ipam.options", Indexer::KeyValue),
    ("services.*.annotations", Indexer::KeyValue),
    ("services.*.build.args", Indexer::KeyValue),
    ("services.*.build.additional_contexts", Indexer::KeyValue),
    ("services.*.build.platform", Indexer::KeyValue),
    ("services.*.build.tags", Indexer::KeyValue),
    ("services.*.build.labels", Indexer::KeyValue),
    ("services.*.cap_add", Indexer::KeyValue),
    ("services.*.cap_drop", Indexer::KeyValue),
    ("services.*.configs", Indexer::Mount("")),
    ("services.*.deploy.labels", Indexer::KeyValue),
    ("services.*.dns", Indexer::KeyValue),
    ("services.*.dns_opt", Indexer::KeyValue),
    ("services.*.dns_search", Indexer::KeyValue),
    ("services.*.environment", Indexer::KeyValue),
    ("services.*.env_file", Indexer::EnvFile),
    ("services.*.expose", Indexer::Expose),
    ("services.*.labels", Indexer::KeyValue),
    ("services.*.links", Indexer::KeyValue),
    ("services.*.networks.*.aliases", Indexer::KeyValue),
    ("services.*.networks.*.link_local_ips", Indexer::KeyValue),
    ("services.*.ports", Indexer::Port),
    ("services.*.profiles", Indexer::KeyValue),
    ("services.*.secrets", Indexer::Mount("/run/secrets")),
    ("services.*.sysctls", Indexer::KeyValue),
    ("services.*.tmpfs", Indexer::KeyValue),
    ("services.*.volumes", Indexer::Volume),
    ("services.*.devices", Indexer::Device),
];

fn scalar(n: Option<&Node>) -> Option<String> {
    n.and_then(|v| go_string(&v.value))
}

fn index_key(ix: Indexer, n: &Node) -> String {
    match ix {
        Indexer::KeyValue => match &n.value {
            NodeValue::String(s) => s.split_once('=').map_or(s.as_str(), |(k, _)| k).to_owned(),
            other => go_string(other).unwrap_or_default(),
        },
        // A short volume is read like compose-go's `ParseVolume` (Windows drives, and a spec of
        // one or two bytes is the target itself).
        Indexer::Volume => match &n.value {
            NodeValue::Map(_) => scalar(n.get("target")).unwrap_or_default(),
            NodeValue::String(s) if s.len() <= 2 => s.clone(),
            NodeValue::String(s) => {
                let parts = crate::canonical::split_volume_spec(s);
                parts.get(1).unwrap_or(&parts[0]).to_string()
            }
            _ => String::new(),
        },
        Indexer::Device => match &n.value {
            NodeValue::Map(_) => scalar(n.get("target")).unwrap_or_default(),
            NodeValue::String(s) => {
                let parts: Vec<&str> = s.split(':').collect();
                if parts.len() == 1 {
                    parts[0].to_owned()
                } else {
                    parts[1].to_owned()
                }
            }
            _ => String::new(),
        },
        Indexer::Mount(prefix) => match &n.value {
            NodeValue::Map(_) => scalar(n.get("target")).unwrap_or_else(|| {
                format!("{prefix}/{}", scalar(n.get("source")).unwrap_or_default())
            }),
            other => format!("{prefix}/{}", go_string(other).unwrap_or_default()),
        },
        Indexer::Expose => go_string(&n.value).unwrap_or_default(),
        Indexer::Port => match &n.value {
            NodeValue::Map(_) => format!(
                "{}:{}:{}/{}",
                scalar(n.get("host_ip")).unwrap_or_else(|| "0.0.0.0".to_owned()),
                scalar(n.get("published")).unwrap_or_default(),
                scalar(n.get("target")).unwrap_or_default(),
                scalar(n.get("protocol")).unwrap_or_else(|| "tcp".to_owned()),
            ),
            other => go_string(other).unwrap_or_default(),
        },
        Indexer::EnvFile => match &n.value {
            NodeValue::Map(_) => scalar(n.get("path")).unwrap_or_default(),
            other => go_string(other).unwrap_or_default(),
        },
    }
}

/// compose-go's `EnforceUnicity`: in the lists it knows, a later entry with the same key
/// replaces the earlier one in place.
pub fn enforce_unicity(node: &mut Node) {
    let mut path = Vec::new();
    unicity_at(node, &mut path);
}

/// The longest pattern of [`UNIQUE`] has five segments: nothing deeper can match.
const UNIQUE_DEPTH: usize = 5;

fn unicity_at<'a>(node: &'a mut Node, path: &mut Vec<&'a str>) {
    match &mut node.value {
        NodeValue::Map(entries) => {
            if path.len() >= UNIQUE_DEPTH {
                return;
            }
            // Every rule lives under `services` or `networks`: skip other subtrees.
            if path
                .first()
                .is_some_and(|top| *top != "services" && *top != "networks")
            {
                return;
            }
            for (k, v) in entries.iter_mut() {
                let k: &'a Key = k;
                path.push(&k.name);
                unicity_at(v, path);
                path.pop();
            }
        }
        NodeValue::Seq(items) => {
            if items.len() < 2 {
                return;
            }
            let Some(ix) = unique_rules()
                .iter()
                .find(|(p, _)| matches_segments(path, p))
                .map(|(_, i)| *i)
            else {
                return;
            };
            let keys: Vec<String> = items.iter().map(|item| index_key(ix, item)).collect();
            // For each item, the first item with its key.
            let first: Vec<usize> = if keys.len() <= 8 {
                // Short lists (the usual case): a linear search beats hashing.
                (0..keys.len())
                    .map(|i| keys[..i].iter().position(|k| *k == keys[i]).unwrap_or(i))
                    .collect()
            } else {
                let mut seen: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
                keys.iter()
                    .enumerate()
                    .map(|(i, k)| *seen.entry(k.as_str()).or_insert(i))
                    .collect()
            };
            if first.iter().enumerate().all(|(i, f)| *f == i) {
                // No duplicates (the usual case again): the list stays as it is.
                return;
            }
            // A later item takes the place of the first one with its key.
            let mut slot = vec![0; first.len()];
            let mut out: Vec<Node> = Vec::with_capacity(first.len());
            for (i, item) in std::mem::take(items).into_iter().enumerate() {
                if first[i] == i {
                    slot[i] = out.len();
                    out.push(item);
                } else {
                    out[slot[first[i]]] = item;
                }
            }
            *items = out;
        }
        _ => {}
    }
}

/// [`UNIQUE`] with its patterns split into segments once: the uniqueness pass compares every
/// list of every service with every rule, and splitting the dotted patterns each time was
/// most of its cost.
fn unique_rules() -> &'static [(Vec<&'static str>, Indexer)] {
    static RULES: std::sync::OnceLock<Vec<(Vec<&'static str>, Indexer)>> =
        std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        UNIQUE
            .iter()
            .map(|(p, ix)| (p.split('.').collect(), *ix))
            .collect()
    })
}

/// Whether `path` matches a pattern's segments, `*` being any one segment.
fn matches_segments(path: &[&str], segments: &[&str]) -> bool {
    path.len() == segments.len() && segments.iter().zip(path).all(|(s, p)| *s == "*" || s == p)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The pre-split rules match exactly the paths their dotted patterns name.
    #[test]
    fn split_rules_match_what_the_dotted_patterns_say() {
        fn reference(path: &[&str], pattern: &str) -> bool {
            pattern.bytes().filter(|b| *b == b'.').count() + 1 == path.len()
                && pattern
                    .split('.')
                    .zip(path)
                    .all(|(s, p)| s == "*" || s == *p)
        }
        let paths: &[&[&str]] = &[
            &[],
            &["services"],
            &["services", "web"],
            &["services", "web", "ports"],
            &["services", "web", "port"],
            &["services", "web", "portsx"],
            &["services", "*", "ports"],
            &["services", "web", "networks", "front", "aliases"],
            &["services", "web", "networks", "front"],
            &["services", "web.x", "ports"],
            &["services", "web", "build.args"],
            &["services", "web", "build", "args"],
            &["services", "", "ports"],
            &["networks", "n", "ipam", "options"],
            &["networks", "n", "labels"],
            &["volumes", "v", "labels"],
        ];
        assert_eq!(unique_rules().len(), UNIQUE.len());
        for ((pattern, _), (segments, _)) in UNIQUE.iter().zip(unique_rules()) {
            for path in paths {
                assert_eq!(
                    matches_segments(path, segments),
                    reference(path, pattern),
                    "{path:?} vs {pattern}"
                );
            }
        }
    }
    use crate::yaml::{Limits, parse, to_json};
    use serde_json::json;
    use std::path::Path;

    fn node(text: &str, file: u32) -> Node {
        parse(
            text,
            transship_ir::FileId(file),
            Path::new("x.yaml"),
            &Limits::default(),
        )
        .unwrap()
        .remove(0)
    }

    fn m(a: &str, b: &str) -> serde_json::Value {
        to_json(&merge(node(a, 0), node(b, 1)).unwrap())
    }

    #[test]
    fn reset_and_override_tags() {
        let v = m(
            "services:\n  web:\n    ports: ['80:80']\n    environment: {A: '1', B: '2'}\n",
            "services:\n  web:\n    ports: !override ['81:81']\n    environment:\n      B: !reset null\n",
        );
        assert_eq!(
            v,
            json!({"services": {"web": {"ports": ["81:81"], "environment": ["A=1"]}}})
        );
        let v = m(
            "services:\n  web:\n    image: a\n    ports: ['80:80']\n",
            "services:\n  web:\n    ports: !reset []\n",
        );
        assert_eq!(v, json!({"services": {"web": {"image": "a"}}}));
    }

    #[test]
    fn spans_follow_the_final_value() {
        let out = merge(
            node("services:\n  web:\n    image: a\n    init: true\n", 0),
            node("services:\n  web:\n    image: b\n", 1),
        )
        .unwrap();
        let web = out.get("services").unwrap().get("web").unwrap();
        assert_eq!(web.get("image").unwrap().span.file.0, 1);
        assert_eq!(web.get("init").unwrap().span.file.0, 0);
    }

    #[test]
    fn type_conflicts_are_located() {
        let e = merge(
            node(
                "services:\n  web:\n    build: {context: .}\n    volumes: [a:/a]\n",
                0,
            ),
            node("services:\n  web:\n    volumes: {x: 1}\n", 1),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 14));
        assert_eq!(e.key_path, "services.web.volumes");
    }

    #[test]
    fn ports_and_volumes_are_unique() {
        let v = m(
            "services:\n  web:\n    ports: ['80:80', {target: 81, published: '81'}]\n    volumes: ['aa:/data', '/x']\n",
            "services:\n  web:\n    ports: ['80:80', {target: 81, published: '81', protocol: tcp}]\n    volumes: ['bb:/data:ro']\n",
        );
        assert_eq!(
            v["services"]["web"]["ports"],
            json!(["80:80", {"target": 81, "published": "81", "protocol": "tcp"}])
        );
        assert_eq!(
            v["services"]["web"]["volumes"],
            json!(["bb:/data:ro", "/x"])
        );
        // `a:/data` is one field (a Windows drive) for compose-go: no clash with `/data`.
        let v = m(
            "services:\n  web:\n    volumes: ['a:/data', '/x']\n",
            "services:\n  web:\n    volumes: ['b:/data:ro']\n",
        );
        assert_eq!(
            v["services"]["web"]["volumes"],
            json!(["a:/data", "/x", "b:/data:ro"])
        );
    }
}
