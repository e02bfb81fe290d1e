//! `build`: a context string or the long mapping.

use std::collections::BTreeMap;

use transship_ir::{Build, Spanned};

use super::read::*;
use super::shared_keys::{extra_hosts, file_refs, ulimits};
use crate::tree::{Node, NodeValue};

/// A context Compose does not resolve on disk (git or http URL).
pub(crate) fn is_remote(ctx: &str) -> bool {
    ctx.contains("://") || ctx.starts_with("git@") || ctx.starts_with("github.com/")
}

fn context(cx: &CanonicalizeState<'_>, s: Spanned<String>) -> Spanned<String> {
    if is_remote(&s.value) {
        s
    } else {
        let span = s.span;
        Spanned::new(
            cx.abs_path(span, &s.value).to_string_lossy().into_owned(),
            span,
        )
    }
}

pub(crate) fn build(
    cx: &mut CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<Build>>> {
    match &v.value {
        NodeValue::Null => Ok(None),
        NodeValue::String(_) => {
            let ctx = context(cx, string(cx, v, p)?);
            Ok(Some(Spanned::new(
                Build {
                    context: ctx,
                    ..Build::default()
                },
                v.span,
            )))
        }
        NodeValue::Map(_) => {
            let mut b = Build {
                context: Spanned::new(
                    cx.project_dir.to_string_lossy().into_owned(),
                    transship_ir::Span::synthetic(v.span.file),
                ),
                ..Build::default()
            };
            let mut ext = BTreeMap::new();
            for (k, n, kp) in object(cx, v, p, &mut ext)? {
                match k.name.as_str() {
                    "context" => b.context = context(cx, string(cx, n, &kp)?),
                    "dockerfile" => b.dockerfile = opt_string(cx, n, &kp)?,
                    "dockerfile_inline" => b.dockerfile_inline = opt_string(cx, n, &kp)?,
                    "args" => {
                        // A bare `ARG` takes the project environment's value, as compose does.
                        b.args = key_values(cx, n, &kp, '=')?;
                        for (k, v) in &mut b.args {
                            if v.value.is_none() {
                                v.value = cx.env.get(k).cloned();
                            }
                        }
                    }
                    "ssh" => {
                        b.ssh = match &n.value {
                            NodeValue::Map(_) => string_map(cx, n, &kp)?
                                .into_iter()
                                .map(|(k, v)| v.map(|v| format!("{k}={v}")))
                                .collect(),
                            _ => string_list(cx, n, &kp, true)?,
                        };
                    }
                    "labels" => b.labels = string_map(cx, n, &kp)?,
                    "cache_from" => b.cache_from = string_list(cx, n, &kp, false)?,
                    "cache_to" => b.cache_to = string_list(cx, n, &kp, false)?,
                    "no_cache" => b.no_cache = opt_bool(cx, n, &kp)?,
                    "additional_contexts" => {
                        b.additional_contexts = string_map(cx, n, &kp)?
                            .into_iter()
                            .map(|(k, v)| {
                                let keep = is_remote(&v.value)
                                    || v.value.starts_with("docker-image:")
                                    || v.value.starts_with("oci-layout:")
                                    || v.value.starts_with("service:");
                                let v = if keep { v } else { context(cx, v) };
                                (k, v)
                            })
                            .collect();
                    }
                    "network" => b.network = omitempty_string(cx, n, &kp)?,
                    "provenance" => b.provenance = bool_or_string(cx, n, &kp)?,
                    "sbom" => b.sbom = bool_or_string(cx, n, &kp)?,
                    "pull" => b.pull = opt_bool(cx, n, &kp)?,
                    "target" => b.target = omitempty_string(cx, n, &kp)?,
                    "shm_size" => b.shm_size = opt_byte_size(cx, n, &kp)?,
                    "extra_hosts" => b.extra_hosts = extra_hosts(cx, n, &kp)?,
                    "isolation" => b.isolation = omitempty_string(cx, n, &kp)?,
                    "privileged" => b.privileged = opt_bool(cx, n, &kp)?,
                    "secrets" => b.secrets = file_refs(cx, n, &kp, Some(""))?,
                    "tags" => b.tags = string_list(cx, n, &kp, false)?,
                    "ulimits" => b.ulimits = ulimits(cx, n, &kp)?,
                    "platforms" => b.platforms = string_list(cx, n, &kp, false)?,
                    "entitlements" => b.entitlements = string_list(cx, n, &kp, false)?,
                    _ => return Err(unknown(cx, k, p)),
                }
            }
            b.extensions = ext;
            Ok(Some(Spanned::new(b, v.span)))
        }
        _ => Err(cx.err(v.span, p, format!("{p} must be a string or a mapping"))),
    }
}

fn bool_or_string(
    cx: &CanonicalizeState<'_>,
    n: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<String>>> {
    match &n.value {
        NodeValue::Null => Ok(None),
        NodeValue::Bool(b) => Ok(Some(Spanned::new(b.to_string(), n.span))),
        _ => opt_string(cx, n, p),
    }
}
