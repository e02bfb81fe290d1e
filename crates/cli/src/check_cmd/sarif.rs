//! SARIF 2.1.0 output (`--format sarif`) for code-scanning tools.

use serde_json::{Value as Json, json};
use transship_check::{RULES, Severity, doc};

use super::{Report, location};

pub(crate) const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF log: one run, every rule in `tool.driver.rules` (with its documentation), one
/// result per finding with its location and, for mechanical fixes, `fixes[]` whose
/// replacements are byte ranges of the original file.
pub(crate) fn sarif(report: &Report, paths: &[String]) -> String {
    let rules: Vec<Json> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": doc::summary(r)},
                "fullDescription": {"text": doc::section(r.doc, "Why it breaks").unwrap_or("")},
                "help": {"text": doc::explain(r), "markdown": r.doc},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"category": r.category.as_str()},
            })
        })
        .collect();
    let results: Vec<Json> = report
        .findings
        .iter()
        .map(|f| {
            let (file, line, col) = location(paths, f.span);
            let mut physical = json!({"artifactLocation": {"uri": uri(&file)}});
            if line > 0 {
                physical["region"] = json!({"startLine": line, "startColumn": col.max(1)});
            }
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": RULES.iter().position(|r| r.code == f.code).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": physical,
                    "logicalLocations": [{"fullyQualifiedName": f.key_path, "kind": "member"}],
                }],
                "properties": {
                    "conditional": f.conditional,
                    "hostFact": f.host_fact,
                    "fixText": f.fix.as_ref().map(|x| x.text.clone()),
                },
            });
            if let Some(fix) = f.fix.as_ref().filter(|x| x.is_mechanical()) {
                let mut by_file: std::collections::BTreeMap<u32, Vec<Json>> = Default::default();
                for e in &fix.edits {
                    by_file.entry(e.file.0).or_default().push(json!({
                        "deletedRegion": {"byteOffset": e.start, "byteLength": e.end - e.start},
                        "insertedContent": {"text": e.replacement},
                    }));
                }
                result["fixes"] = json!([{
                    "description": {"text": fix.text},
                    "artifactChanges": by_file.into_iter().map(|(fid, reps)| json!({
                        "artifactLocation": {"uri": uri(paths.get(fid as usize).map_or("", String::as_str))},
                        "replacements": reps,
                    })).collect::<Vec<_>>(),
                }]);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "migrate check",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// A relative path as a URI reference (percent-encoding the few characters that need it).
fn uri(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            _ => out.push(c),
        }
    }
    if out.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}
