//! The keys a service and its `build` section both have: `extra_hosts`, `ulimits`, and the
//! file references of `secrets` (and of a service's `configs`).

use std::collections::BTreeMap;

use transship_ir::{ExtraHost, FileRef, Spanned, Ulimit};

use super::read::*;
use crate::tree::{Node, NodeValue};

/// `extra_hosts`: `host:ip`, `host=ip` (IPv6 allowed after `=` or the first `:`), or a map.
pub(crate) fn extra_hosts(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Vec<Spanned<ExtraHost>>> {
    let mut out = Vec::new();
    match &v.value {
        NodeValue::Null => {}
        NodeValue::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let ip = item_key_path(p, i);
                let s = string(cx, item, &ip)?;
                let (h, addr) = s
                    .value
                    .split_once('=')
                    .or_else(|| s.value.split_once(':'))
                    .ok_or_else(|| {
                        cx.err(
                            item.span,
                            &ip,
                            format!("invalid additional host, missing IP: {}", s.value),
                        )
                    })?;
                out.push(Spanned::new(
                    ExtraHost {
                        host: h.to_owned(),
                        ip: strip_brackets(addr).to_owned(),
                    },
                    item.span,
                ));
            }
        }
        NodeValue::Map(entries) => {
            for (k, n) in entries {
                let kp = child_key_path(p, &k.name);
                let ips: Vec<Spanned<String>> = match &n.value {
                    NodeValue::Seq(_) => string_list(cx, n, &kp, false)?,
                    _ => vec![string_or_number(cx, n, &kp)?],
                };
                for addr in ips {
                    out.push(Spanned::new(
                        ExtraHost {
                            host: k.name.clone(),
                            ip: strip_brackets(&addr.value).to_owned(),
                        },
                        addr.span,
                    ));
                }
            }
            // Compose prints the mapping form sorted as `host=ip` strings.
            out.sort_by(|a, b| {
                format!("{}={}", a.value.host, a.value.ip)
                    .cmp(&format!("{}={}", b.value.host, b.value.ip))
            });
        }
        _ => return Err(cx.err(v.span, p, format!("{p} must be a list or a mapping"))),
    }
    Ok(out)
}

fn strip_brackets(s: &str) -> &str {
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s)
}

/// `secrets` / `configs` of a service; `secret_dir` is `Some("/run/secrets/")` for secrets
/// (default target `/run/secrets/<source>`; a relative target is kept, as Compose does: it is
/// relative to `/run/secrets`), `None` for configs (`/<source>`), `Some("")` for
/// build secrets (target kept as written).
pub(crate) fn file_refs(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
    secret_dir: Option<&str>,
) -> LoadResult<Vec<Spanned<FileRef>>> {
    let mut out = Vec::new();
    for (i, item) in seq(cx, v, p)?.iter().enumerate() {
        let ip = item_key_path(p, i);
        let mut r = FileRef::default();
        let mut written_empty_target = false;
        match &item.value {
            NodeValue::String(s) => r.source = s.clone(),
            NodeValue::Map(_) => {
                let mut ext = BTreeMap::new();
                for (k, n, kp) in object(cx, item, &ip, &mut ext)? {
                    match k.name.as_str() {
                        "source" => r.source = string(cx, n, &kp)?.value,
                        "target" => {
                            let t = opt_string(cx, n, &kp)?.map(|s| s.value);
                            written_empty_target = t.as_deref() == Some("");
                            r.target = t.filter(|t| !t.is_empty());
                        }
                        "uid" => r.uid = omitempty_string(cx, n, &kp)?.map(|s| s.value),
                        "gid" => r.gid = omitempty_string(cx, n, &kp)?.map(|s| s.value),
                        "mode" => r.mode = file_mode(cx, n, &kp)?,
                        _ => return Err(unknown(cx, k, &ip)),
                    }
                }
                r.extensions = ext;
            }
            _ => {
                return Err(cx.err(
                    item.span,
                    &ip,
                    format!("{ip} must be a string or a mapping"),
                ));
            }
        }
        if secret_dir == Some("") {
            // Build secrets: Compose keeps the target as written.
            out.push(Spanned::new(r, item.span));
            continue;
        }
        if written_empty_target {
            // `target: ""` prints as no target and means the default one.
            out.push(Spanned::new(r, item.span));
            continue;
        }
        let target = match (&r.target, secret_dir) {
            (None, Some(dir)) => Some(format!("{dir}{}", r.source)),
            (None, None) => Some(format!("/{}", r.source)),
            (t, _) => t.clone(),
        };
        r.target = target;
        out.push(Spanned::new(r, item.span));
    }
    Ok(out)
}

/// A file mode: a number (YAML `0o440` / `0440` already decoded) or an octal string.
fn file_mode(cx: &CanonicalizeState<'_>, n: &Node, p: &str) -> LoadResult<Option<u32>> {
    mode_number(cx, n, p)
}

/// `ulimits`: a number (soft and hard the same) or `{soft, hard}` per name.
pub(crate) fn ulimits(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<BTreeMap<String, Spanned<Ulimit>>> {
    let mut out = BTreeMap::new();
    for (k, n) in map(cx, v, p)? {
        let kp = child_key_path(p, &k.name);
        let u = match &n.value {
            NodeValue::Map(_) => {
                let mut soft = None;
                let mut hard = None;
                let mut ext = BTreeMap::new();
                for (k2, n2, p2) in object(cx, n, &kp, &mut ext)? {
                    match k2.name.as_str() {
                        "soft" => soft = Some(int(cx, n2, &p2)?.value),
                        "hard" => hard = Some(int(cx, n2, &p2)?.value),
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                match (soft, hard) {
                    (Some(soft), Some(hard)) => Ulimit {
                        soft,
                        hard,
                        single: false,
                    },
                    _ => {
                        return Err(cx.err(
                            n.span,
                            &kp,
                            format!(
                                "{kp} {} is required",
                                if soft.is_none() { "soft" } else { "hard" }
                            ),
                        ));
                    }
                }
            }
            _ => {
                let i = int(cx, n, &kp)?.value;
                Ulimit {
                    soft: i,
                    hard: i,
                    single: true,
                }
            }
        };
        out.insert(k.name.clone(), Spanned::new(u, n.span));
    }
    Ok(out)
}
