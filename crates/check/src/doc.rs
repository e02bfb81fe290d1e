//! Rule documentation: every rule's `DOC` text has the same fixed sections, used verbatim by
//! `migrate check --explain CODE`, by SARIF `tool.driver.rules[]`, and by the generated
//! `docs/checks.md`.

use crate::registry::{RULES, Rule};

/// The sections every rule's documentation has, in this order, each as a `## ` heading.
pub const SECTIONS: [&str; 5] = [
    "What it checks",
    "Why it breaks",
    "Example",
    "Fix",
    "References",
];

/// The sections of a rule's doc text, as `(heading, body)` in source order.
pub fn sections(doc: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = doc;
    // Skip anything before the first heading.
    if let Some(i) = find_heading(rest) {
        rest = &rest[i..];
    } else {
        return out;
    }
    while let Some(body_and_more) = rest.strip_prefix("## ") {
        let (title, after) = body_and_more
            .split_once('\n')
            .unwrap_or((body_and_more, ""));
        let next = find_heading(after).unwrap_or(after.len());
        out.push((title.trim(), after[..next].trim_matches('\n')));
        rest = &after[next..];
    }
    out
}

fn find_heading(text: &str) -> Option<usize> {
    if text.starts_with("## ") {
        return Some(0);
    }
    text.find("\n## ").map(|i| i + 1)
}

/// The body of one section.
pub fn section<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    sections(doc)
        .into_iter()
        .find(|(t, _)| *t == name)
        .map(|(_, b)| b)
}

/// Problems with a rule's doc: missing/extra/out-of-order sections, empty bodies.
pub fn problems(rule: &Rule) -> Vec<String> {
    let found = sections(rule.doc);
    let titles: Vec<&str> = found.iter().map(|(t, _)| *t).collect();
    let mut out = Vec::new();
    if titles != SECTIONS {
        out.push(format!(
            "{}: sections are {titles:?}, expected {SECTIONS:?}",
            rule.code
        ));
    }
    for (t, b) in &found {
        if b.trim().is_empty() {
            out.push(format!("{}: section `{t}` is empty", rule.code));
        }
    }
    out
}

/// The one-line summary of a rule (first sentence of "What it checks").
pub fn summary(rule: &Rule) -> String {
    let body = section(rule.doc, "What it checks").unwrap_or("");
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(i) => flat[..=i].to_owned(),
        None => flat,
    }
}

/// The text of `migrate check --explain CODE`.
pub fn explain(rule: &Rule) -> String {
    let mut out = format!(
        "{} {} ({}, {})\n\n",
        rule.code,
        rule.name,
        rule.severity,
        rule.category.as_str()
    );
    for (title, body) in sections(rule.doc) {
        out.push_str(title);
        out.push('\n');
        out.push_str(&"-".repeat(title.len()));
        out.push('\n');
        out.push_str(body);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The generated `docs/checks.md` (checked for staleness by a test).
pub fn markdown() -> String {
    let mut out = String::from(
        "# `migrate check` rules\n\n\
         <!-- Generated from crates/check/src/rules/*.rs by `cargo test -p transship-check`\n\
         (set TRANSSHIP_BLESS=1 to rewrite). Do not edit by hand. -->\n\n\
         Run them with `migrate check [FILE]...`; `--rootless` enables the `RL` rules,\n\
         `--production` the production profile, `--to TARGET` the target gaps.\n\
         `migrate check --explain CODE` prints one rule's text.\n\n\
         | Code | Name | Severity | Runs with | Summary |\n|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let runs = match rule.category {
            crate::Category::Rootless => "`--rootless`",
            crate::Category::Hygiene => "always",
            crate::Category::Production => "`--production`",
            crate::Category::Target => "`--to`",
        };
        out.push_str(&format!(
            "| [{code}](#{anchor}) | {name} | {sev} | {runs} | {summary} |\n",
            code = rule.code,
            anchor = format!("{}-{}", rule.code, rule.name).to_ascii_lowercase(),
            name = rule.name,
            sev = rule.severity,
            summary = summary(rule).replace('|', "\\|"),
        ));
    }
    for rule in RULES {
        out.push_str(&format!(
            "\n## {} {}\n\nSeverity: {}. Category: {}.\n",
            rule.code,
            rule.name,
            rule.severity,
            rule.category.as_str()
        ));
        for (title, body) in sections(rule.doc) {
            out.push_str(&format!("\n### {title}\n\n{body}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_on_level_two_headings() {
        let d = "## What it checks\nA.\n\n## Why it breaks\nB\n### not a section\nC\n";
        let s = sections(d);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1], ("Why it breaks", "B\n### not a section\nC"));
    }
}
