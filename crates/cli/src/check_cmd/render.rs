//! Text and JSON renderings of check findings (pure functions to `String`).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value as Json, json};
use transship_check::{Finding, Severity, find_rule};
use transship_ir::Project;

use super::{FactsSource, Report, location};

/// Display form of every project file: relative to `base` when below it.
pub(crate) fn display_paths(project: &Project, base: &Path) -> Vec<String> {
    project
        .files
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(base)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| f.path.display().to_string())
        })
        .collect()
}

/// Counts by severity, conditional and fixable.
pub(crate) struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub conditional: usize,
    pub fixable: usize,
}

pub(crate) fn counts(findings: &[Finding]) -> Counts {
    Counts {
        error: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        warning: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
        info: findings
            .iter()
            .filter(|f| f.severity == Severity::Info)
            .count(),
        conditional: findings.iter().filter(|f| f.conditional).count(),
        fixable: findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.is_mechanical()))
            .count(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Human text: one block per finding with a source snippet, then a summary line.
pub(crate) fn text(report: &Report, paths: &[String]) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let name = find_rule(f.code).map_or("", |r| r.name);
        let cond = if f.conditional { " (conditional)" } else { "" };
        let _ = writeln!(
            out,
            "{}[{}] {name}{cond}: {}",
            f.severity, f.code, f.message
        );
        let (file, line, col) = location(paths, f.span);
        if line > 0 {
            let _ = writeln!(out, "  --> {file}:{line}:{col} ({})", f.key_path);
            if let Some(src) = report.sources.line(f.span.file, line) {
                let num = line.to_string();
                let pad = " ".repeat(num.len());
                let caret_at: usize = src
                    .chars()
                    .take(col.saturating_sub(1) as usize)
                    .map(|c| if c == '\t' { 1 } else { c.len_utf8().min(1) })
                    .sum();
                let mut shown: String = src
                    .chars()
                    .map(|c| if c == '\t' { ' ' } else { c })
                    .collect();
                if f.sensitive {
                    // Never print a secret value: keep the text before the value only.
                    shown = shown.chars().take(col.saturating_sub(1) as usize).collect();
                    shown.push_str("********");
                }
                let _ = writeln!(out, "   {pad}|");
                let _ = writeln!(out, "   {num}| {shown}");
                let _ = writeln!(out, "   {pad}| {}^", " ".repeat(caret_at));
            }
        } else {
            let _ = writeln!(out, "  --> {file} ({})", f.key_path);
        }
        if let Some(fact) = &f.host_fact {
            let _ = writeln!(out, "   = host fact: {fact}");
        }
        if let Some(fix) = &f.fix {
            let tag = if fix.is_mechanical() { " [--fix]" } else { "" };
            let _ = writeln!(out, "   = fix{tag}: {}", fix.text);
        }
        out.push('\n');
    }
    let c = counts(&report.findings);
    if report.findings.is_empty() {
        out.push_str("no findings\n");
    } else {
        let _ = writeln!(
            out,
            "{}, {}, {} ({} conditional, {} fixable with --fix)",
            plural(c.error, "error", "errors"),
            plural(c.warning, "warning", "warnings"),
            plural(c.info, "info", "infos"),
            c.conditional,
            c.fixable
        );
    }
    if report.facts_source == FactsSource::None && c.conditional > 0 {
        out.push_str("host facts: none (--host-facts none); conditional findings depend on the target host\n");
    }
    out
}

/// One finding as JSON.
pub(crate) fn finding_json(f: &Finding, paths: &[String]) -> Json {
    let (file, line, col) = location(paths, f.span);
    json!({
        "code": f.code,
        "name": find_rule(f.code).map_or("", |r| r.name),
        "severity": f.severity.as_str(),
        "message": f.message,
        "file": file,
        "line": line,
        "column": col,
        "key_path": f.key_path,
        "host_fact": f.host_fact,
        "conditional": f.conditional,
        "fix": f.fix.as_ref().map(|x| json!({
            "text": x.text,
            "mechanical": x.is_mechanical(),
        })),
    })
}

/// The `--format json` document.
pub(crate) fn json(report: &Report, paths: &[String]) -> String {
    let c = counts(&report.findings);
    let doc = json!({
        "schema": 1,
        "host_facts": match &report.facts_source {
            FactsSource::Live => "live".to_owned(),
            FactsSource::None => "none".to_owned(),
            FactsSource::File(p) => p.display().to_string(),
        },
        "findings": report.findings.iter().map(|f| finding_json(f, paths)).collect::<Vec<_>>(),
        "summary": {
            "error": c.error,
            "warning": c.warning,
            "info": c.info,
            "conditional": c.conditional,
            "fixable": c.fixable,
        },
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
