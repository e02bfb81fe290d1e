//! `env_file` folded into `environment`, `label_file` folded into `labels`, with Compose's
//! precedence: later files win, the service's own `environment:` / `labels:` beat the files,
//! and bare `KEY` entries take their value from the project environment when it has one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use transship_ir::{EnvFile, FileId, Service, SourceKind, Span, Spanned};

use super::read::*;
use crate::tree::{Node, NodeValue};

fn env_file_list(
    cx: &mut CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Vec<Spanned<EnvFile>>> {
    let mut out = Vec::new();
    let items: Vec<&Node> = match &v.value {
        NodeValue::Null => Vec::new(),
        NodeValue::String(_) => vec![v],
        NodeValue::Seq(items) => items.iter().collect(),
        _ => return Err(cx.err(v.span, p, format!("{p} must be a string or a list"))),
    };
    for (i, item) in items.into_iter().enumerate() {
        let ip = if matches!(v.value, NodeValue::Seq(_)) {
            item_key_path(p, i)
        } else {
            p.to_owned()
        };
        let mut f = EnvFile {
            path: PathBuf::new(),
            required: true,
            format: None,
        };
        match &item.value {
            NodeValue::String(s) => f.path = cx.abs_path(item.span, s),
            NodeValue::Map(_) => {
                let mut has_path = false;
                for (k, n, kp) in closed_object(cx, item, &ip)? {
                    match k.name.as_str() {
                        "path" => {
                            let s = string(cx, n, &kp)?;
                            f.path = cx.abs_path(s.span, &s.value);
                            has_path = true;
                        }
                        "required" => {
                            if let Some(b) = opt_bool(cx, n, &kp)? {
                                f.required = b.value;
                            }
                        }
                        "format" => f.format = opt_string(cx, n, &kp)?.map(|s| s.value),
                        _ => return Err(unknown(cx, k, &ip)),
                    }
                }
                if !has_path {
                    return Err(cx.err(item.span, &ip, format!("{ip} path is required")));
                }
            }
            _ => {
                return Err(cx.err(
                    item.span,
                    &ip,
                    format!("{ip} must be a string or a mapping"),
                ));
            }
        }
        out.push(Spanned::new(f, item.span));
    }
    Ok(out)
}

/// Reads the files in order; returns `KEY -> value` with the span of the line in its file.
fn read_files(
    cx: &mut CanonicalizeState<'_>,
    files: &mut Vec<Spanned<EnvFile>>,
    p: &str,
    kind: SourceKind,
) -> LoadResult<BTreeMap<String, Spanned<Option<String>>>> {
    let mut out: BTreeMap<String, Spanned<Option<String>>> = BTreeMap::new();
    let what_file = if kind == SourceKind::LabelFile {
        "label file"
    } else {
        "env file"
    };
    // Only the files that were read stay listed (a missing optional file is skipped).
    let mut read = Vec::with_capacity(files.len());
    for f in std::mem::take(files) {
        let text = match std::fs::read_to_string(&f.value.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !f.value.required => continue,
            Err(e) => {
                let what = if e.kind() == std::io::ErrorKind::NotFound {
                    format!("{what_file} {} not found: {e}", f.value.path.display())
                } else {
                    format!("cannot read {}: {e}", f.value.path.display())
                };
                return Err(cx.err(f.span, p, what));
            }
        };
        let id: FileId = cx.file_id_for(&f.value.path, kind);
        let entries = if f.value.format.as_deref() == Some("raw") {
            crate::dotenv::parse_raw(&text)
        } else {
            let env = cx.env;
            let lookup = |k: &str| -> Option<String> {
                out.get(k)
                    .and_then(|v| v.value.clone())
                    .or_else(|| env.get(k).cloned())
            };
            crate::dotenv::parse(&text, &lookup)
                .map_err(|e| cx.err(Span::new(id, e.line, e.column), p, e.message))?
        };
        for e in entries {
            let value = match e.value {
                Some(v) => Some(v),
                None => cx.env.get(&e.key).cloned(),
            };
            out.insert(e.key, Spanned::new(value, Span::new(id, e.line, e.column)));
        }
        read.push(f);
    }
    *files = read;
    Ok(out)
}

pub(crate) fn fold_env_files(
    cx: &mut CanonicalizeState<'_>,
    s: &mut Service,
    v: &Node,
    p: &str,
) -> LoadResult<()> {
    let mut files = env_file_list(cx, v, p)?;
    let mut env = read_files(cx, &mut files, p, SourceKind::EnvFile)?;
    // `environment:` wins over the files, a bare `KEY` included: it takes the project
    // environment's value, or stays unset (docker-compose 2.26.1 prints `null`).
    env.extend(std::mem::take(&mut s.environment));
    s.environment = env;
    s.env_file = files;
    Ok(())
}

/// Bare `KEY` entries of `environment:` take their value from the project environment.
pub(crate) fn resolve_bare_env(cx: &CanonicalizeState<'_>, s: &mut Service) {
    for (k, v) in &mut s.environment {
        if v.value.is_none() {
            if let Some(val) = cx.env.get(k) {
                v.value = Some(val.clone());
            }
        }
    }
}

pub(crate) fn fold_label_files(
    cx: &mut CanonicalizeState<'_>,
    s: &mut Service,
    v: &Node,
    p: &str,
) -> LoadResult<()> {
    let paths = match &v.value {
        NodeValue::Seq(_) | NodeValue::String(_) => string_list(cx, v, p, true)?,
        NodeValue::Null => Vec::new(),
        _ => return Err(cx.err(v.span, p, format!("{p} must be a string or a list"))),
    };
    let mut files: Vec<Spanned<EnvFile>> = paths
        .iter()
        .map(|s| {
            Spanned::new(
                EnvFile {
                    path: cx.abs_path(s.span, &s.value),
                    required: true,
                    format: None,
                },
                s.span,
            )
        })
        .collect();
    let labels = read_files(cx, &mut files, p, SourceKind::LabelFile)?;
    let mut merged: BTreeMap<String, Spanned<String>> = labels
        .into_iter()
        .map(|(k, v)| (k, v.map(Option::unwrap_or_default)))
        .collect();
    merged.extend(std::mem::take(&mut s.labels));
    s.labels = merged;
    s.label_file = files.into_iter().map(|f| f.map(|f| f.path)).collect();
    Ok(())
}
