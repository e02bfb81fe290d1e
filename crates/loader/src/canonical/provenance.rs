//! `extends` provenance. The front stage resolves `extends` and drops the key from the merged
//! tree; the IR keeps it (`Service::extends`) so that translators and checks can say where a
//! service's values came from. This re-reads the Compose files that mention `extends` (in
//! load order, the last definition of a service wins) and records each service's own
//! `extends` with its span. Nothing here changes a value: the merge already happened.

use std::collections::BTreeMap;
use std::path::Path;

use transship_ir::{Extends, FileId, SourceFile, SourceKind, Spanned};

use crate::tree::{Node, NodeValue};

/// `service name -> extends` as written in the files of `files` (Compose, include and extends
/// files). Files that cannot be read or parsed again are skipped: they loaded a moment ago.
pub(crate) fn extends_by_service(
    files: &[SourceFile],
    home: Option<&str>,
) -> BTreeMap<String, Spanned<Extends>> {
    let mut out = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if !matches!(f.kind, SourceKind::Compose | SourceKind::Include) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f.path) else {
            continue;
        };
        if !text.contains("extends") {
            continue;
        }
        let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
        let Ok(docs) = crate::yaml::parse(&text, id, &f.path, &crate::yaml::Limits::default())
        else {
            continue;
        };
        let dir = f.path.parent().unwrap_or(Path::new("/"));
        for doc in &docs {
            let Some(services) = doc.get("services").and_then(Node::as_map) else {
                continue;
            };
            for (name, service) in services {
                if let Some(e) = service.get("extends").and_then(|n| read(n, dir, home)) {
                    out.insert(name.name.clone(), e);
                }
            }
        }
    }
    out
}

fn read(n: &Node, dir: &Path, home: Option<&str>) -> Option<Spanned<Extends>> {
    let e = match &n.value {
        NodeValue::String(s) => Extends {
            service: s.clone(),
            file: None,
        },
        NodeValue::Map(_) => Extends {
            service: n.get("service")?.as_str()?.to_owned(),
            file: n.get("file").and_then(Node::as_str).map(|f| {
                let f = match (f.strip_prefix("~/"), home) {
                    (Some(rest), Some(h)) => Path::new(h).join(rest),
                    _ => Path::new(f).to_path_buf(),
                };
                super::read::clean(dir.join(f))
            }),
        },
        _ => return None,
    };
    Some(Spanned::new(e, n.span))
}
