//! Fixes: a sentence saying what to do, and, where the fix is mechanical, text edits at the
//! spans of the original files (so formatting and comments survive).

use std::collections::BTreeMap;

use transship_ir::FileId;

use crate::Finding;

/// A replacement of the byte range `start..end` of one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// How to fix a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What to do (a Compose edit, a sysctl drop-in, a quadlet key, a host command).
    pub text: String,
    /// The mechanical patch, when there is one (empty otherwise).
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            edits: Vec::new(),
        }
    }

    pub fn with_edits(text: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            text: text.into(),
            edits,
        }
    }

    pub fn is_mechanical(&self) -> bool {
        !self.edits.is_empty()
    }
}

/// The edits of many findings, grouped by file. Overlapping edits are dropped (the first one,
/// in finding order, wins) and the codes of the findings whose patch was used are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patch {
    pub files: BTreeMap<FileId, Vec<Edit>>,
    /// Codes and key paths of the findings whose edits are in the patch.
    pub applied: Vec<(String, String)>,
    /// Findings whose edits overlapped an earlier one (fix them in a second run).
    pub skipped: Vec<(String, String)>,
}

impl Patch {
    pub fn from_findings(findings: &[Finding]) -> Self {
        let mut patch = Self::default();
        for f in findings {
            let Some(fix) = &f.fix else { continue };
            if fix.edits.is_empty() {
                continue;
            }
            // The same edit from another finding (one rewrite serving several) is fine.
            let fresh: Vec<&Edit> = fix
                .edits
                .iter()
                .filter(|e| !patch.files.get(&e.file).is_some_and(|l| l.contains(e)))
                .collect();
            if fresh.is_empty() {
                patch.applied.push((f.code.to_owned(), f.key_path.clone()));
                continue;
            }
            let overlaps = fresh.iter().any(|e| {
                patch.files.get(&e.file).is_some_and(|list| {
                    list.iter().any(|o| {
                        (e.start < o.end && o.start < e.end)
                            || (e.start == e.end && e.start == o.start)
                    })
                })
            });
            if overlaps {
                patch.skipped.push((f.code.to_owned(), f.key_path.clone()));
                continue;
            }
            for e in fresh {
                patch.files.entry(e.file).or_default().push(e.clone());
            }
            patch.applied.push((f.code.to_owned(), f.key_path.clone()));
        }
        patch
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Applies non-overlapping edits to a text. Fails when an edit is out of range, not on a
/// character boundary, or overlaps another.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in sorted {
        if e.start < pos || e.end < e.start || e.end > text.len() {
            return Err(format!(
                "edit {}..{} overlaps or is out of range",
                e.start, e.end
            ));
        }
        if !text.is_char_boundary(e.start) || !text.is_char_boundary(e.end) {
            return Err(format!(
                "edit {}..{} is not on a character boundary",
                e.start, e.end
            ));
        }
        out.push_str(&text[pos..e.start]);
        out.push_str(&e.replacement);
        pos = e.end;
    }
    out.push_str(&text[pos..]);
    Ok(out)
}

/// A unified diff (`--- a/PATH`, `+++ b/PATH`) of two texts, three lines of context.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, r: &str) -> Edit {
        Edit {
            file: FileId(0),
            start,
            end,
            replacement: r.to_owned(),
        }
    }

    #[test]
    fn edits_apply_in_order_and_overlaps_fail() {
        let t = "abcdef";
        assert_eq!(
            apply_edits(t, &[edit(4, 4, "X"), edit(0, 1, "")]).as_deref(),
            Ok("bcdXef")
        );
        assert!(apply_edits(t, &[edit(0, 3, ""), edit(2, 4, "")]).is_err());
        assert!(apply_edits(t, &[edit(5, 9, "")]).is_err());
    }

    #[test]
    fn unified_diff_has_headers_and_hunks() {
        let d = unified_diff("compose.yaml", "a\nb\n", "a\nc\n");
        assert!(
            d.starts_with("--- a/compose.yaml\n+++ b/compose.yaml\n"),
            "{d}"
        );
        assert!(d.contains("-b\n+c\n"), "{d}");
    }
}
