//! Small helpers shared by rules: key paths, ports, users, volumes, and text edits at spans.

use transship_ir::{Port, Service, ServiceVolume, Span, VolumeType};

use crate::fix::Edit;
use crate::source::Sources;

/// `services.<name>.<key>`.
pub fn key(svc: &Service, key: &str) -> String {
    format!("services.{}.{key}", svc.name)
}

/// The lowest host port of a published port (`None`: random host port).
pub fn host_port_min(port: &Port) -> Option<u16> {
    let p = port.published.as_deref()?.trim();
    let first = p.split('-').next()?.trim();
    first.parse().ok()
}

/// A service's user as numeric `(uid, gid)` when it can be known from the text: `1000`,
/// `1000:1000`, `root`, `0`. Named non-root users give `None`.
pub fn numeric_user(user: &str) -> Option<(u64, Option<u64>)> {
    let (u, g) = match user.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (user, None),
    };
    let uid = if u == "root" { 0 } else { u.parse().ok()? };
    let gid = match g {
        Some("root") => Some(0),
        Some(g) => g.parse().ok(),
        None => None,
    };
    Some((uid, gid))
}

/// True for bind mounts.
pub fn is_bind(v: &ServiceVolume) -> bool {
    v.kind == VolumeType::Bind
}

/// The short-syntax text of a volume entry (`./data:/data:ro`), unquoted, when the entry is
/// written in short syntax.
pub fn short_volume_text(sources: &Sources, span: Span) -> Option<String> {
    let ext = sources.scalar_at(span)?;
    let raw = sources.slice(span.file, ext.start, ext.end)?;
    let inner = match ext.quote {
        Some(_) => &raw[1..raw.len() - 1],
        None => raw,
    };
    if inner.contains(": ") || inner.ends_with(':') || !inner.contains(':') {
        return None;
    }
    Some(inner.to_owned())
}

/// The options of a short-syntax volume (`z,U` of `./d:/d:z,U`).
pub fn short_volume_options(sources: &Sources, span: Span) -> Option<Vec<String>> {
    let text = short_volume_text(sources, span)?;
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() < 3 {
        return Some(Vec::new());
    }
    Some(
        parts[parts.len() - 1]
            .split(',')
            .map(str::to_owned)
            .collect(),
    )
}

/// An edit appending `:OPT` (or `,OPT` when options exist) to a short-syntax volume.
pub fn add_volume_option_edit(sources: &Sources, span: Span, opt: &str) -> Option<Edit> {
    let text = short_volume_text(sources, span)?;
    let ext = sources.scalar_at(span)?;
    let at = if ext.quote.is_some() {
        ext.end - 1
    } else {
        ext.end
    };
    let sep = if text.split(':').count() >= 3 {
        ","
    } else {
        ":"
    };
    Some(Edit {
        file: span.file,
        start: at,
        end: at,
        replacement: format!("{sep}{opt}"),
    })
}

/// An edit replacing the scalar at `span` with `new` (quoted like the original).
pub fn replace_scalar_edit(sources: &Sources, span: Span, new: &str) -> Option<Edit> {
    let ext = sources.scalar_at(span)?;
    let replacement = match ext.quote {
        Some(q) => format!("{q}{new}{q}"),
        None => new.to_owned(),
    };
    Some(Edit {
        file: span.file,
        start: ext.start,
        end: ext.end,
        replacement,
    })
}

/// An edit replacing `old` inside the scalar at `span` with `new` (first occurrence).
pub fn replace_in_scalar_edit(sources: &Sources, span: Span, old: &str, new: &str) -> Option<Edit> {
    let ext = sources.scalar_at(span)?;
    let raw = sources.slice(span.file, ext.start, ext.end)?;
    let i = raw.find(old)?;
    Some(Edit {
        file: span.file,
        start: ext.start + i,
        end: ext.start + i + old.len(),
        replacement: new.to_owned(),
    })
}

/// An edit deleting the whole line of `key: value` where the span is on that line and the
/// line starts (after indentation) with `key:` and holds a one-line value.
pub fn delete_key_line_edit(sources: &Sources, span: Span, key: &str) -> Option<Edit> {
    let line = sources.line(span.file, span.line)?;
    let trimmed = line.trim_start();
    let after = trimmed.strip_prefix(key)?.strip_prefix(':')?;
    if after.trim().is_empty() || after.trim_start().starts_with(['|', '>', '[', '{']) {
        return None;
    }
    let start = sources.line_start(span.file, span.line)?;
    let text = sources.text(span.file)?;
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    Some(Edit {
        file: span.file,
        start,
        end,
        replacement: String::new(),
    })
}

/// An edit inserting `key: value` as a new line right after the line of the one-line
/// `key: value` pair whose value is at `anchor` (same indentation).
pub fn insert_sibling_after_edit(sources: &Sources, anchor: Span, line_text: &str) -> Option<Edit> {
    let line = sources.line(anchor.file, anchor.line)?;
    let indent = line.len() - line.trim_start().len();
    let trimmed = line.trim_start();
    if trimmed.starts_with('-') || !trimmed.contains(':') {
        return None;
    }
    let start = sources.line_start(anchor.file, anchor.line)?;
    let text = sources.text(anchor.file)?;
    let at = match text[start..].find('\n') {
        Some(i) => start + i + 1,
        None => return None,
    };
    Some(Edit {
        file: anchor.file,
        start: at,
        end: at,
        replacement: format!("{}{line_text}\n", " ".repeat(indent)),
    })
}

/// An edit inserting text at the start of the scalar at `span` (inside its quotes).
pub fn prefix_scalar_edit(sources: &Sources, span: Span, prefix: &str) -> Option<Edit> {
    let ext = sources.scalar_at(span)?;
    let at = if ext.quote.is_some() {
        ext.start + 1
    } else {
        ext.start
    };
    Some(Edit {
        file: span.file,
        start: at,
        end: at,
        replacement: prefix.to_owned(),
    })
}

/// Image reference parts: `(name, tag, digest)`.
pub fn image_parts(image: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some(&rest[last_slash + i + 1..]),
            digest,
        ),
        None => (rest, None, digest),
    }
}

/// The last path component of an image name without registry or tag (`postgres`,
/// `bitnami/redis` -> `redis`).
pub fn image_basename(image: &str) -> &str {
    let (name, _, _) = image_parts(image);
    name.rsplit('/').next().unwrap_or(name)
}

/// The user a few well-known images run as (from their `USER` instruction), for rules that
/// need it when `user:` is not set.
pub fn known_image_user(image: &str) -> Option<u64> {
    let (name, _, _) = image_parts(image);
    let base = image_basename(image);
    if name.contains("bitnami/") {
        return Some(1001);
    }
    if name.contains("jupyter/") {
        return Some(1000);
    }
    match base {
        "grafana" => Some(472),
        "prometheus" | "alertmanager" | "node-exporter" => Some(65534),
        "elasticsearch" | "node-red" | "opensearch" => Some(1000),
        "nginx-unprivileged" => Some(101),
        _ => None,
    }
}

/// True when the service runs in the host network namespace.
pub fn host_network(svc: &Service) -> bool {
    svc.network_mode.as_ref().is_some_and(|m| m.value == "host")
}

/// The Docker socket paths.
pub fn is_docker_socket(path: &str) -> bool {
    matches!(
        path.trim_end_matches('/'),
        "/var/run/docker.sock" | "/run/docker.sock"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use transship_ir::FileId;

    #[test]
    fn image_parts_split_registry_ports_tags_and_digests() {
        assert_eq!(
            image_parts("localhost:5000/a/b:1.2"),
            ("localhost:5000/a/b", Some("1.2"), None)
        );
        assert_eq!(image_parts("redis"), ("redis", None, None));
        assert_eq!(
            image_parts("redis@sha256:ab"),
            ("redis", None, Some("sha256:ab"))
        );
        assert_eq!(
            image_basename("registry.example:5000/bitnami/redis:7"),
            "redis"
        );
    }

    #[test]
    fn users_parse_numeric_and_root() {
        assert_eq!(numeric_user("1000:1000"), Some((1000, Some(1000))));
        assert_eq!(numeric_user("root"), Some((0, None)));
        assert_eq!(numeric_user("postgres"), None);
    }

    #[test]
    fn volume_option_edits_append_u() {
        let s = Sources::from_texts(vec![Some(
            "v:\n  - ./d:/d\n  - \"./e:/e:z\"\n  - type: bind\n".to_owned(),
        )]);
        let f = FileId(0);
        let e = add_volume_option_edit(&s, Span::new(f, 2, 5), "U").expect("edit");
        assert_eq!((e.start, e.replacement.as_str()), (13, ":U"));
        let e = add_volume_option_edit(&s, Span::new(f, 3, 5), "U").expect("edit");
        assert_eq!(e.replacement, ",U");
        assert!(add_volume_option_edit(&s, Span::new(f, 4, 5), "U").is_none());
        assert_eq!(
            short_volume_options(&s, Span::new(f, 3, 5)),
            Some(vec!["z".to_owned()])
        );
    }
}
