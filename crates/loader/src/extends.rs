//! `extends`: a service starts from another service (same file, or `{service, file}` with
//! `file` relative to the extending file), chains are followed, cycles are errors naming the
//! chain. The base service is merged under the extending one with the override rules of
//! [`crate::merge`]; `extends` itself is dropped from the result. Relative paths of a service
//! pulled from another file become absolute against that file's directory (`build.context`,
//! `env_file`, `label_file`, bind volume sources in short and long syntax, `extends.file`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use transship_ir::{FileId, SourceKind};

use crate::discovery::absolute;
use crate::error::{LoadError, locate};
use crate::load_state::LoadState;
use crate::merge;
use crate::tree::{Key, Node, NodeValue};

/// Longest `extends` chain followed (hostile input: each link is a recursion).
const MAX_CHAIN: usize = 64;

/// Resolves every `extends` of the services of `tree` (the file `path`, `file`).
pub(crate) fn apply(
    state: &mut LoadState,
    tree: &mut Node,
    file: FileId,
    path: &Path,
    env: &BTreeMap<String, String>,
) -> Result<(), LoadError> {
    let names: Vec<String> = match tree.get("services").and_then(Node::as_map) {
        Some(services) => services
            .iter()
            .filter(|(_, s)| s.get("extends").is_some())
            .map(|(k, _)| k.name.clone())
            .collect(),
        None => return Ok(()),
    };
    if names.is_empty() {
        return Ok(());
    }
    let mut files: Vec<(PathBuf, FileId, Node)> = Vec::new();
    for name in names {
        let mut stack = Vec::new();
        let resolved = resolve(state, tree, file, path, &name, env, &mut files, &mut stack)?;
        if let Some(NodeValue::Map(services)) = tree.get_mut("services").map(|s| &mut s.value)
            && let Some((_, slot)) = services.iter_mut().find(|(k, _)| k.name == name)
        {
            *slot = resolved;
        }
    }
    Ok(())
}

/// The service `name` of `tree` with its `extends` chain applied.
#[allow(clippy::too_many_arguments)]
fn resolve(
    state: &mut LoadState,
    tree: &Node,
    file: FileId,
    path: &Path,
    name: &str,
    env: &BTreeMap<String, String>,
    files: &mut Vec<(PathBuf, FileId, Node)>,
    stack: &mut Vec<(PathBuf, String)>,
) -> Result<Node, LoadError> {
    let key_path = format!("services.{name}");
    let Some(service) = tree.get("services").and_then(|s| s.get(name)) else {
        let span = tree.get("services").map_or(tree.span, |s| s.span);
        // Compose's wording: the extending service, its file, then the missing one.
        let extender = stack.last().map_or(name, |(_, n)| n.as_str());
        return Err(locate(
            &state.files,
            span,
            &key_path,
            format!(
                "cannot extend service {extender:?} in {}: service {name:?} not found",
                path.display()
            ),
        ));
    };
    if stack.len() >= MAX_CHAIN {
        return Err(locate(
            &state.files,
            service.span,
            &key_path,
            format!("extends chain longer than {MAX_CHAIN} services"),
        ));
    }
    if stack.iter().any(|(p, n)| p == path && n == name) {
        let mut chain: Vec<String> = stack
            .iter()
            .map(|(p, n)| format!("{n} ({})", p.display()))
            .collect();
        chain.push(format!("{name} ({})", path.display()));
        return Err(locate(
            &state.files,
            service.span,
            &key_path,
            format!("circular reference with extends: {}", chain.join(" -> ")),
        ));
    }
    let Some(ext) = service.get("extends") else {
        return Ok(service.clone());
    };
    let (base_name, base_file) = match &ext.value {
        NodeValue::String(s) => (s.clone(), None),
        NodeValue::Map(_) => {
            let Some(svc) = ext.get("service").and_then(Node::as_str) else {
                return Err(locate(
                    &state.files,
                    ext.span,
                    &format!("{key_path}.extends"),
                    "extends requires a `service` name",
                ));
            };
            (
                svc.to_owned(),
                ext.get("file").and_then(Node::as_str).map(str::to_owned),
            )
        }
        _ => {
            return Err(locate(
                &state.files,
                ext.span,
                &format!("{key_path}.extends"),
                format!(
                    "extends must be a service name or a mapping, not {}",
                    ext.kind_name()
                ),
            ));
        }
    };
    stack.push((path.to_path_buf(), name.to_owned()));
    let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    let base = match base_file {
        None => resolve(state, tree, file, path, &base_name, env, files, stack)?,
        Some(f) => {
            let other_path = absolute(&dir, Path::new(&f));
            let idx = match files.iter().position(|(p, _, _)| *p == other_path) {
                Some(i) => i,
                None => {
                    let (id, node) = state
                        .load_file(&other_path, SourceKind::Extends, env)
                        .map_err(|e| {
                            if e.file.is_some() && e.file.as_deref() != Some(&other_path) {
                                e
                            } else {
                                let mut located = locate(
                                    &state.files,
                                    ext.span,
                                    &format!("{key_path}.extends.file"),
                                    e.message.clone(),
                                );
                                if e.line > 0 {
                                    located = e;
                                }
                                located
                            }
                        })?;
                    files.push((other_path.clone(), id, node));
                    files.len() - 1
                }
            };
            let other_tree = files[idx].2.clone();
            let other_id = files[idx].1;
            let mut base = resolve(
                state,
                &other_tree,
                other_id,
                &other_path,
                &base_name,
                env,
                files,
                stack,
            )?;
            let other_dir = other_path.parent().unwrap_or(Path::new("/")).to_path_buf();
            absolutize_service(&mut base, &other_dir);
            base
        }
    };
    stack.pop();
    let mut service = service.clone();
    if let NodeValue::Map(entries) = &mut service.value {
        entries.retain(|(k, _)| k.name != "extends");
    }
    let wrap = |n: Node| {
        let span = n.span;
        let k = |s: &str| Key {
            name: s.to_owned(),
            span,
        };
        Node::new(
            NodeValue::Map(vec![(
                k("services"),
                Node::new(NodeValue::Map(vec![(k(name), n)]), span),
            )]),
            span,
        )
    };
    let merged = merge::merge(wrap(base), wrap(service)).map_err(|e| {
        if e.file.is_none() {
            locate(
                &state.files,
                transship_ir::Span::new(file, e.line, e.column),
                &e.key_path,
                e.message,
            )
        } else {
            e
        }
    })?;
    let mut out = merged
        .get("services")
        .and_then(|s| s.get(name))
        .cloned()
        .unwrap_or_else(|| Node::new(NodeValue::Map(Vec::new()), tree.span));
    if let NodeValue::Map(entries) = &mut out.value {
        entries.retain(|(k, _)| k.name != "extends");
    }
    Ok(out)
}

fn is_relative_path(s: &str) -> bool {
    !s.is_empty() && !s.starts_with('/') && !s.starts_with('~') && !s.contains("://")
}

fn abs_string(node: &mut Node, dir: &Path) {
    if let NodeValue::String(s) = &mut node.value
        && is_relative_path(s)
    {
        *s = absolute(dir, Path::new(s.as_str()))
            .to_string_lossy()
            .into_owned();
    }
}

/// Makes the relative paths of a service absolute against `dir`, as compose-go does for
/// services that come from another file (`extends.file`, `include`).
pub(crate) fn absolutize_service(service: &mut Node, dir: &Path) {
    let NodeValue::Map(entries) = &mut service.value else {
        return;
    };
    for (k, v) in entries.iter_mut() {
        match k.name.as_str() {
            "build" => match &mut v.value {
                NodeValue::String(_) => abs_string(v, dir),
                NodeValue::Map(_) => {
                    if let Some(c) = v.get_mut("context") {
                        abs_string(c, dir);
                    }
                }
                _ => {}
            },
            "env_file" | "label_file" => match &mut v.value {
                NodeValue::String(_) => abs_string(v, dir),
                NodeValue::Seq(items) => {
                    for item in items {
                        match &mut item.value {
                            NodeValue::String(_) => abs_string(item, dir),
                            NodeValue::Map(_) => {
                                if let Some(p) = item.get_mut("path") {
                                    abs_string(p, dir);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            },
            "volumes" => {
                if let NodeValue::Seq(items) = &mut v.value {
                    for item in items {
                        match &mut item.value {
                            NodeValue::String(s) => {
                                if let Some((src, rest)) = s.split_once(':')
                                    && src.starts_with('.')
                                {
                                    let abs = absolute(dir, Path::new(src));
                                    *s = format!("{}:{rest}", abs.display());
                                }
                            }
                            NodeValue::Map(_) => {
                                let is_bind = item
                                    .get("type")
                                    .and_then(Node::as_str)
                                    .is_some_and(|t| t == "bind");
                                if is_bind && let Some(src) = item.get_mut("source") {
                                    abs_string(src, dir);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            "extends" => {
                if let Some(f) = v.get_mut("file") {
                    abs_string(f, dir);
                }
            }
            _ => {}
        }
    }
}
