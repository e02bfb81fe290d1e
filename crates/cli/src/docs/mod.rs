//! `docs/targets/podman.md`, generated from the code: every Compose key (see [`samples`])
//! is loaded and translated for every supported podman version, and the table says what
//! the translator's ledger said and which lines the key added to (or removed from) the
//! generated files, compared with the same project without the key. Nothing in the
//! document is written by hand, so it cannot drift from the code; `crates/cli/tests/
//! docs_fresh.rs` fails when the committed file is stale.
//!
//! Regenerate with `cargo run -q -- docs podman > docs/targets/podman.md` (a hidden
//! subcommand) or `UPDATE_DOCS=1 cargo test -p transship-cli --test docs_fresh`.

pub mod samples;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use transship_ir::Project;
use transship_loader::LoadOptions;
use transship_quadlet::{PodmanVersion, QuadletTranslator, VersionError};
use transship_translate::{Outcome, Output, Translator};

pub use samples::{Sample, samples};

/// Where the generated document lives in the repository.
pub const PODMAN_DOC: &str = "docs/targets/podman.md";

/// The project directory every sample appears to live in (the real, temporary one is
/// replaced by this in the document, so it is the same on every machine).
pub const SAMPLE_DIR: &str = "/srv/demo";

/// What one sample became on one podman version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cell {
    /// `translated`, `approximated` or `unsupported`: the worst outcome among the ledger
    /// entries at or below the sample's key path; `None` when there is no such entry.
    pub outcome: Option<&'static str>,
    /// Reasons of the non-translated entries.
    pub reasons: Vec<String>,
    /// Ledger details (shown when the key changed no line).
    pub details: Vec<String>,
    /// Lines the key added to the generated files (`file: line` for files other than
    /// the `app` container's).
    pub added: Vec<String>,
    /// Lines the key removed.
    pub removed: Vec<String>,
    /// The sample could not be loaded or translated.
    pub error: Option<String>,
}

impl Cell {
    fn letter(&self) -> &'static str {
        if self.error.is_some() {
            return "!";
        }
        match self.outcome {
            Some("translated") => "T",
            Some("approximated") => "A",
            Some("unsupported") => "U",
            _ => "–",
        }
    }
}

fn rank(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Translated => 0,
        Outcome::Approximated(_) => 1,
        Outcome::Unsupported(_) => 2,
    }
}

/// True when `key_path` is `prefix` or below it.
fn is_under(key_path: &str, prefix: &str) -> bool {
    key_path
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// `file -> lines` of the artifacts, with the temporary directory replaced by
/// [`SAMPLE_DIR`], comment and blank lines left out.
fn artifact_lines(out: &Output, tmp: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut m = BTreeMap::new();
    for a in &out.artifacts {
        let mut lines = Vec::new();
        if a.secret {
            // Never copy secret material into the documentation.
            m.insert(
                a.path.display().to_string(),
                vec!["(secret content, mode 0600)".to_owned()],
            );
            continue;
        }
        for l in a.contents.lines() {
            let t = l.trim();
            if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
                continue;
            }
            let mut l = l.to_owned();
            for d in tmp {
                l = l.replace(d.as_str(), SAMPLE_DIR);
            }
            lines.push(l);
        }
        m.insert(a.path.display().to_string(), lines);
    }
    m
}

/// Multiset difference `a - b`.
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for l in b {
        *counts.entry(l.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    for l in a {
        match counts.get_mut(l.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(l.clone()),
        }
    }
    out
}

/// Computes the cell of `sample` from the translation with the key and the baseline
/// translation without it.
///
/// `version` is the podman version translated for: a reason that names it (`podman 4.4 has
/// no …`) says "the target podman" instead, so that equal behaviour across versions is
/// shown as one row.
pub fn cell(
    sample: &Sample,
    with: &Output,
    baseline: &Output,
    tmp: &[String],
    version: &str,
) -> Cell {
    let mut c = Cell::default();
    let generic = |s: String| s.replace(&format!("podman {version} "), "the target podman ");
    let mut worst: Option<&Outcome> = None;
    for e in with
        .ledger
        .entries
        .iter()
        .filter(|e| is_under(&e.key_path, sample.path))
    {
        if worst.is_none_or(|w| rank(&e.outcome) > rank(w)) {
            worst = Some(&e.outcome);
        }
        if let Some(r) = e.outcome.reason() {
            let r = generic(replace_all(r, tmp));
            if !c.reasons.contains(&r) {
                c.reasons.push(r);
            }
        }
        if let Some(d) = &e.detail {
            let d = generic(replace_all(d, tmp));
            if !c.details.contains(&d) {
                c.details.push(d);
            }
        }
    }
    c.outcome = worst.map(Outcome::label);
    let a = artifact_lines(with, tmp);
    let b = artifact_lines(baseline, tmp);
    let main = a
        .keys()
        .find(|k| k.ends_with("-app.container"))
        .cloned()
        .unwrap_or_default();
    let label = |file: &str, line: &str| {
        if file == main {
            line.to_owned()
        } else {
            format!("{file}: {line}")
        }
    };
    let empty = Vec::new();
    for (file, lines) in &a {
        for l in minus(lines, b.get(file).unwrap_or(&empty)) {
            c.added.push(label(file, &l));
        }
    }
    for (file, lines) in &b {
        for l in minus(lines, a.get(file).unwrap_or(&empty)) {
            c.removed.push(label(file, &l));
        }
    }
    c
}

fn replace_all(s: &str, tmp: &[String]) -> String {
    let mut s = s.to_owned();
    for d in tmp {
        s = s.replace(d.as_str(), SAMPLE_DIR);
    }
    s
}

/// A Markdown code span that survives backticks and pipes inside a table cell.
fn code(s: &str) -> String {
    let fence = if s.contains('`') { "`` " } else { "`" };
    let close = if s.contains('`') { " ``" } else { "`" };
    format!("{fence}{}{close}", s.replace('|', "\\|"))
}

fn text_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The "becomes" column of a cell.
fn becomes(c: &Cell) -> String {
    if let Some(e) = &c.error {
        return format!("error: {}", text_cell(e));
    }
    let mut parts: Vec<String> = c.added.iter().map(|l| code(l)).collect();
    parts.extend(c.removed.iter().map(|l| format!("no {}", code(l))));
    if parts.is_empty() {
        parts = c.details.iter().map(|d| text_cell(d)).collect();
    }
    if parts.is_empty() {
        "(nothing)".to_owned()
    } else {
        parts.join("<br>")
    }
}

/// One generated row per run of versions with the same result.
fn runs<'a>(versions: &'a [String], cells: &'a [Cell]) -> Vec<(String, &'a Cell)> {
    let mut out: Vec<(String, &Cell)> = Vec::new();
    let mut start = 0;
    for i in 1..=cells.len() {
        if i == cells.len() || cells[i] != cells[start] {
            let range = if i - 1 == start {
                versions[start].clone()
            } else {
                format!("{} – {}", versions[start], versions[i - 1])
            };
            out.push((range, &cells[start]));
            start = i;
        }
    }
    out
}

fn anchor(title: &str) -> String {
    let mut a = String::new();
    for ch in title.to_lowercase().chars() {
        if ch.is_alphanumeric() || ch == '-' || ch == '_' {
            a.push(ch);
        } else if ch == ' ' {
            a.push('-');
        }
    }
    a
}

/// Renders the whole document from the cells (`cells[sample][version]`).
pub fn render(samples: &[Sample], versions: &[String], cells: &[Vec<Cell>]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Podman quadlet target: what each Compose key becomes");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "<!-- Generated by `migrate docs podman` from the translator itself; do not edit. \
         Regenerate: `cargo run -q -- docs podman > {PODMAN_DOC}` \
         (or `UPDATE_DOCS=1 cargo test -p transship-cli --test docs_fresh`). -->"
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Every row below comes from running `migrate --to podman --podman-version X.Y` on a \
         tiny Compose project that uses one key, for every supported podman version, and \
         comparing the generated files with those of the same project without the key. \
         The outcome is the translator's ledger entry for the key (the worst one when the key \
         produced several): **T** translated, **A** approximated (carried over with a \
         different or weaker meaning), **U** unsupported (dropped, with the reason), \
         **–** no ledger entry, **!** the sample failed. \"Becomes\" lists the lines the key \
         added to the `app` container unit (other files are named), or removed; when it \
         changed no line, the ledger's detail is shown instead. Sample projects live in \
         `{SAMPLE_DIR}` and are named `demo`."
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "The key table per podman version is in `translators/quadlet/src/version.rs`; \
         `--podman-version` defaults to 5.4."
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "## Summary");
    let _ = writeln!(s);
    let _ = write!(s, "| Compose key |");
    for v in versions {
        let _ = write!(s, " {v} |");
    }
    let _ = writeln!(s);
    let _ = write!(s, "|---|");
    for _ in versions {
        let _ = write!(s, ":-:|");
    }
    let _ = writeln!(s);
    // GitHub numbers repeated heading slugs (`x`, `x-1`, ...) in document order.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (sample, row) in samples.iter().zip(cells) {
        let base = anchor(sample.title);
        let n = seen.entry(base.clone()).or_default();
        let slug = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        let _ = write!(s, "| [{}](#{slug}) |", text_cell(sample.title));
        for c in row {
            let _ = write!(s, " {} |", c.letter());
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "## Keys");
    for (sample, row) in samples.iter().zip(cells) {
        let _ = writeln!(s);
        let _ = writeln!(s, "### {}", sample.title);
        let _ = writeln!(s);
        let snippet = sample.snippet();
        if snippet.trim().is_empty() {
            let _ = writeln!(
                s,
                "Present in every sample (`name: demo`, service `app` with `image: {}`).",
                samples::IMAGE
            );
        } else {
            let _ = writeln!(s, "```yaml");
            let _ = write!(s, "{snippet}");
            let _ = writeln!(s, "```");
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "| podman | outcome | becomes | why |");
        let _ = writeln!(s, "|---|---|---|---|");
        for (range, c) in runs(versions, row) {
            let outcome = if c.error.is_some() {
                "error"
            } else {
                c.outcome.unwrap_or("(no ledger entry)")
            };
            let why = c
                .reasons
                .iter()
                .map(|r| text_cell(r))
                .collect::<Vec<_>>()
                .join("<br>");
            let _ = writeln!(s, "| {range} | {outcome} | {} | {why} |", becomes(c));
        }
    }
    s
}

/// Loads one sample (with or without its key): the project and the temporary directories
/// to hide in the document.
pub type Loader<'a> = dyn Fn(&Sample, bool) -> Result<(Project, Vec<String>), String> + 'a;

/// Translates a project for one podman version.
pub type Translate<'a> = dyn Fn(&Project, &str) -> Result<Output, String> + 'a;

/// Runs every sample on every version and renders the document.
pub fn generate(versions: &[String], load: &Loader<'_>, translate: &Translate<'_>) -> String {
    let all = samples();
    let mut cells = Vec::with_capacity(all.len());
    for sample in &all {
        let loaded = load(sample, true).and_then(|with| Ok((with, load(sample, false)?)));
        let mut row = Vec::with_capacity(versions.len());
        for v in versions {
            let c = match &loaded {
                Ok(((with, d1), (base, d2))) => {
                    let dirs: Vec<String> = d1.iter().chain(d2).cloned().collect();
                    match (translate(with, v), translate(base, v)) {
                        (Ok(w), Ok(b)) => cell(sample, &w, &b, &dirs, v),
                        (Err(e), _) | (_, Err(e)) => Cell {
                            error: Some(replace_all(&e, &dirs)),
                            ..Cell::default()
                        },
                    }
                }
                Err(e) => Cell {
                    error: Some(e.clone()),
                    ..Cell::default()
                },
            };
            row.push(c);
        }
        cells.push(row);
    }
    render(&all, versions, &cells)
}

/// The document, from the real loader and the real quadlet translator.
pub fn podman_markdown() -> String {
    let versions: Vec<String> = PodmanVersion::all()
        .iter()
        .map(ToString::to_string)
        .collect();
    let load = |sample: &Sample, with_key: bool| -> Result<(Project, Vec<String>), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let (with, without) = write_sample(sample, dir.path()).map_err(|e| e.to_string())?;
        let mut dirs = vec![dir.path().display().to_string()];
        if let Ok(c) = dir.path().canonicalize() {
            dirs.push(c.display().to_string());
        }
        let opts = LoadOptions {
            files: vec![if with_key { with } else { without }],
            profiles: sample.profiles.iter().map(|p| (*p).to_owned()).collect(),
            environment: sample
                .env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            cwd: dir.path().to_path_buf(),
            ..LoadOptions::default()
        };
        let project = transship_loader::load(&opts)
            .map_err(|e| replace_all(&format!("loading the sample: {e}"), &dirs))?;
        Ok((project, dirs))
    };
    let translate = |project: &Project, version: &str| -> Result<Output, String> {
        let version: PodmanVersion = version.parse().map_err(|e: VersionError| e.to_string())?;
        QuadletTranslator {
            version,
            user: false,
            pod: false,
            inline_env: false,
        }
        .translate(project)
        .map_err(|e| e.message)
    };
    generate(&versions, &load, &translate)
}

/// Writes a sample's files (and both Compose files) into `dir`; returns the paths of the
/// compose file with the key and of the baseline.
pub fn write_sample(
    sample: &Sample,
    dir: &Path,
) -> std::io::Result<(std::path::PathBuf, std::path::PathBuf)> {
    for (name, content) in sample.files {
        std::fs::write(dir.join(name), content)?;
    }
    let with = dir.join("compose.yaml");
    let without = dir.join("baseline.yaml");
    std::fs::write(&with, sample.compose(true))?;
    std::fs::write(&without, sample.compose(false))?;
    Ok((with, without))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::path::PathBuf;
    use transship_ir::Span;
    use transship_translate::{Artifact, Ledger, LedgerEntry};

    fn out(lines: &str, entries: Vec<(&str, Outcome, Option<&str>)>) -> Output {
        Output {
            artifacts: vec![Artifact {
                path: PathBuf::from("demo-app.container"),
                contents: lines.to_owned(),
                mode: 0o644,
                secret: false,
            }],
            ledger: Ledger {
                target: "podman".into(),
                entries: entries
                    .into_iter()
                    .map(|(k, o, d)| LedgerEntry {
                        key_path: k.into(),
                        span: Span::default(),
                        outcome: o,
                        detail: d.map(str::to_owned),
                    })
                    .collect(),
            },
        }
    }

    fn sample() -> Sample {
        samples()
            .into_iter()
            .find(|s| s.title == "working_dir")
            .unwrap()
    }

    #[test]
    fn cell_takes_the_worst_outcome_under_the_key_and_the_added_lines() {
        let base = out("# header 5.4\n[Container]\nImage=x\n", vec![]);
        let with = out(
            "# header 5.4\n[Container]\nImage=x\nWorkingDir=/tmp/abc/app\n",
            vec![
                (
                    "services.app.working_dir",
                    Outcome::Translated,
                    Some("WorkingDir=/app"),
                ),
                (
                    "services.app.working_directory",
                    Outcome::Unsupported("other key".into()),
                    None,
                ),
                (
                    "services.app.working_dir.x",
                    Outcome::Approximated("near /tmp/abc".into()),
                    None,
                ),
            ],
        );
        let c = cell(&sample(), &with, &base, &["/tmp/abc".to_owned()], "5.4");
        assert_eq!(c.outcome, Some("approximated"));
        assert_eq!(c.reasons, ["near /srv/demo"]);
        assert_eq!(c.added, ["WorkingDir=/srv/demo/app"]);
        assert!(c.removed.is_empty());
        assert_eq!(c.letter(), "A");
    }

    #[test]
    fn versions_with_equal_cells_are_merged_into_ranges() {
        let t = Cell {
            outcome: Some("translated"),
            ..Cell::default()
        };
        let u = Cell {
            outcome: Some("unsupported"),
            ..Cell::default()
        };
        let versions: Vec<String> = ["4.4", "4.5", "4.6", "5.0"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let cells = vec![u.clone(), u, t.clone(), t];
        let r = runs(&versions, &cells);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].0, "4.4 – 4.5");
        assert_eq!(r[1].0, "4.6 – 5.0");
    }

    #[test]
    fn repeated_slugs_get_numbered_links() {
        let all = samples();
        let versions = vec!["5.4".to_owned()];
        let cells: Vec<Vec<Cell>> = all.iter().map(|_| vec![Cell::default()]).collect();
        let doc = render(&all, &versions, &cells);
        // "secrets (file)" and "secrets.* (file)" share the slug `secrets-file`.
        assert!(doc.contains("[secrets (file)](#secrets-file) |"), "{doc}");
        assert!(
            doc.contains("[secrets.* (file)](#secrets-file-1) |"),
            "{doc}"
        );
    }

    #[test]
    fn rendering_escapes_pipes_and_lists_every_sample() {
        let all = samples();
        let versions = vec!["5.4".to_owned()];
        let cells: Vec<Vec<Cell>> = all
            .iter()
            .map(|_| {
                vec![Cell {
                    outcome: Some("translated"),
                    added: vec!["Exec=sh -c 'a | b'".into()],
                    ..Cell::default()
                }]
            })
            .collect();
        let doc = render(&all, &versions, &cells);
        assert!(doc.contains("`Exec=sh -c 'a \\| b'`"));
        for s in &all {
            assert!(doc.contains(&format!("### {}\n", s.title)), "{}", s.title);
        }
    }
}
