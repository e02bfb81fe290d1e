//! The completeness rule every target's tests apply: the ledger has exactly one entry for each
//! key path of the IR ([`crate::ir_key_paths`]) and names no other path. One call per
//! translated project: `completeness::check(&project, &output.ledger)?`.

use std::collections::BTreeSet;

use transship_ir::Project;

use crate::Ledger;

/// What a ledger got wrong against the IR's key paths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gaps {
    /// IR key paths with no entry.
    pub missing: BTreeSet<String>,
    /// Entries for paths the IR does not have.
    pub extra: BTreeSet<String>,
    /// Paths with more than one entry.
    pub repeated: BTreeSet<String>,
}

impl std::fmt::Display for Gaps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ledger misses {:?}, has extra {:?}, repeats {:?}",
            self.missing, self.extra, self.repeated
        )
    }
}

/// `Ok` when `ledger` has exactly one entry per key path of `project`.
pub fn check(project: &Project, ledger: &Ledger) -> Result<(), Gaps> {
    let expected = crate::ir_key_paths(project);
    let mut seen = BTreeSet::new();
    let mut repeated = BTreeSet::new();
    for e in &ledger.entries {
        if !seen.insert(e.key_path.as_str()) {
            repeated.insert(e.key_path.clone());
        }
    }
    let missing: BTreeSet<String> = expected
        .iter()
        .filter(|p| !seen.contains(p.as_str()))
        .cloned()
        .collect();
    let extra: BTreeSet<String> = seen
        .iter()
        .filter(|p| !expected.contains(**p))
        .map(|p| (*p).to_owned())
        .collect();
    if missing.is_empty() && extra.is_empty() && repeated.is_empty() {
        Ok(())
    } else {
        Err(Gaps {
            missing,
            extra,
            repeated,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use transship_ir::{Project, Service, Span, Spanned};

    use super::*;
    use crate::Outcome;

    fn project() -> Project {
        let mut p = Project {
            name: Spanned::new("demo".to_owned(), Span::default()),
            ..Project::default()
        };
        let s = Service {
            name: "web".into(),
            ..Service::default()
        };
        p.services.insert("web".into(), Box::new(s));
        p
    }

    #[test]
    fn finds_missing_extra_and_repeated_paths() {
        let p = project();
        let expected = crate::ir_key_paths(&p);
        let mut ledger = Ledger::new("t");
        for k in &expected {
            ledger.push(k.clone(), Span::default(), Outcome::Translated);
        }
        assert_eq!(check(&p, &ledger), Ok(()));
        ledger.push("services.nope", Span::default(), Outcome::Translated);
        let first = expected.iter().next().unwrap().clone();
        ledger.push(first.clone(), Span::default(), Outcome::Translated);
        let gaps = check(&p, &ledger).unwrap_err();
        assert_eq!(gaps.extra, BTreeSet::from(["services.nope".to_owned()]));
        assert_eq!(gaps.repeated, BTreeSet::from([first]));
        let mut short = Ledger::new("t");
        short.entries = ledger.entries[1..expected.len()].to_vec();
        assert_eq!(check(&p, &short).unwrap_err().missing.len(), 1);
    }
}
