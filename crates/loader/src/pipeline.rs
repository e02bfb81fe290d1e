//! The front of the loader: discovery -> read and parse each file -> interpolate per file
//! -> `extends` -> `include` -> merge of the `-f` files in order. The result is one project
//! tree, not canonicalized yet (short syntax stays), profiles not applied.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use transship_ir::{SourceFile, SourceKind, Span, Spanned};

use crate::discovery::{
    LoadOptions, absolute, check_project_name, config_files_with_warnings, normalize_project_name,
    project_environment,
};
use crate::error::LoadError;
use crate::interpolate::{interpolate_str, unset_warning};
use crate::load_state::LoadState;
use crate::tree::{Node, NodeValue};
use crate::{extends, include, merge};

/// The merged, interpolated project tree and what the later stages need to know about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub tree: Node,
    /// Every file read, in order; a span's `FileId` indexes this list.
    pub files: Vec<SourceFile>,
    /// The interpolation environment (process environment over env files, plus
    /// `COMPOSE_PROJECT_NAME`).
    pub environment: BTreeMap<String, String>,
    pub project_name: Spanned<String>,
    pub project_dir: PathBuf,
    pub warnings: Vec<Spanned<String>>,
    /// Scalars that took a value from a secret-looking variable.
    pub secret_spans: Vec<Span>,
}

/// Loads the project's files into one interpolated, merged tree.
pub fn load_tree(opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let mut state = LoadState::new(opts.limits.unwrap_or_default());
    let project = load_project(&mut state, opts, SourceKind::Compose)?;
    Ok(Loaded {
        tree: project.tree,
        files: state.files,
        environment: project.environment,
        project_name: project.name,
        project_dir: project.dir,
        warnings: state.warnings,
        secret_spans: state.secret_spans,
    })
}

pub(crate) struct Project {
    pub tree: Node,
    pub environment: BTreeMap<String, String>,
    pub name: Spanned<String>,
    pub dir: PathBuf,
}

/// The name `-f` gives standard input.
pub const STDIN_NAME: &str = "-";

pub(crate) fn load_project(
    state: &mut LoadState,
    opts: &LoadOptions,
    kind: SourceKind,
) -> Result<Project, LoadError> {
    let cwd = &opts.cwd;
    // The directory `.env` is read from: --project-directory, else the first -f file's.
    let env_base = opts.project_directory.as_ref().map_or_else(
        || {
            opts.files
                .first()
                .and_then(|f| absolute(cwd, f).parent().map(Path::to_path_buf))
                .unwrap_or_else(|| cwd.clone())
        },
        |d| absolute(cwd, d),
    );
    let (mut env, _env_files) = project_environment(opts, &env_base)?;
    let (files, discovery_warnings) = config_files_with_warnings(opts, &env)?;
    for w in discovery_warnings {
        state.warnings.push(Spanned::new(w, Span::default()));
    }
    let project_dir = opts.project_directory.as_ref().map_or_else(
        || {
            files
                .first()
                .and_then(|f| f.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| cwd.clone())
        },
        |d| absolute(cwd, d),
    );

    let mut raws = Vec::with_capacity(files.len());
    for f in &files {
        // `-f -`: the Compose file is standard input, named `-`; relative paths in it are
        // taken from the working directory (the parent of `cwd/-`), as in Compose.
        if f.file_name().is_some_and(|n| n == STDIN_NAME) && f.parent() == Some(cwd.as_path()) {
            if let Some(text) = &opts.stdin {
                raws.push(state.parse_text(Path::new(STDIN_NAME), text.clone(), kind)?);
                continue;
            }
        }
        raws.push(state.read(f, kind)?);
    }

    // Project name: -p > COMPOSE_PROJECT_NAME > `name:` > directory.
    let first_span = raws
        .first()
        .map_or_else(Span::default, |r| Span::synthetic(r.id));
    let name = if let Some(p) = &opts.project_name {
        check_project_name(p)?;
        Spanned::new(p.clone(), first_span)
    } else if let Some(p) = env.get("COMPOSE_PROJECT_NAME").filter(|s| !s.is_empty()) {
        check_project_name(p)?;
        Spanned::new(p.clone(), first_span)
    } else if let Some((raw_name, span, raw)) = raws.iter().rev().find_map(|r| {
        r.docs.iter().rev().find_map(|d| {
            d.get("name")
                .and_then(|n| n.as_str().map(|s| (s.to_owned(), n.span, r)))
        })
    }) {
        let lookup = |n: &str| env.get(n).cloned();
        let (value, unset) = interpolate_str(&raw_name, &lookup).map_err(|e| {
            crate::error::locate_in(
                &raw.path,
                &raw.text,
                span.line,
                span.column,
                "name",
                e.to_string(),
            )
        })?;
        for u in unset {
            state
                .warnings
                .push(Spanned::new(format!("name: {}", unset_warning(&u)), span));
        }
        Spanned::new(normalize_project_name(&value), span)
    } else {
        let base = project_dir
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Spanned::new(normalize_project_name(&base), first_span)
    };
    if name.value.is_empty() {
        return Err(LoadError::new(
            "project name must not be empty: set one with -p, COMPOSE_PROJECT_NAME or `name:`",
        ));
    }
    env.insert("COMPOSE_PROJECT_NAME".to_owned(), name.value.clone());

    let mut merged: Option<Node> = None;
    for raw in raws {
        let path = raw.path.clone();
        let id = raw.id;
        // Only a file that writes a tag can hold `!reset`/`!override`.
        let may_have_tags = raw.text.contains('!');
        let mut tree = state.interpolate(raw, &env)?;
        extends::apply(state, &mut tree, id, &path, &env)?;
        apply_includes(state, &mut tree, &path, &project_dir, &env)?;
        merged = Some(match merged {
            None => {
                if may_have_tags {
                    merge::strip_tags(&mut tree);
                }
                tree
            }
            Some(base) => merge::merge(base, tree).map_err(|e| {
                if e.file.is_none() {
                    crate::error::locate(
                        &state.files,
                        Span::new(id, e.line, e.column),
                        &e.key_path,
                        e.message,
                    )
                } else {
                    e
                }
            })?,
        });
    }
    let mut tree = merged.unwrap_or_else(|| Node::new(NodeValue::Map(Vec::new()), first_span));
    merge::enforce_unicity(&mut tree);
    Ok(Project {
        tree,
        environment: env,
        name,
        dir: project_dir,
    })
}

/// Applies the `include` section of `tree` (the file `path` of the project in `project_dir`)
/// and removes it: each entry is loaded as a project of its own (a recursion into
/// [`load_project`]) and its resources are copied in.
fn apply_includes(
    state: &mut LoadState,
    tree: &mut Node,
    path: &Path,
    project_dir: &Path,
    env: &BTreeMap<String, String>,
) -> Result<(), LoadError> {
    let items = include::take_section(state, tree)?;
    if items.is_empty() {
        return Ok(());
    }
    state.include_stack.push(path.to_path_buf());
    for (index, item) in items.into_iter().enumerate() {
        let entry = include::entry(state, index, item, project_dir, env)?;
        let imported = load_project(state, &entry.options, SourceKind::Include)?;
        include::import(state, tree, entry, imported.tree)?;
    }
    state.include_stack.pop();
    Ok(())
}
