//! The front of the loader: discovery -> read and parse each file -> interpolate per file
//! -> `extends` -> `include` -> merge of the `-f` files in order. The result is one project
//! tree, not canonicalized yet (short syntax stays), profiles not applied.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use transship_ir::{FileId, SourceFile, SourceKind, Span, Spanned};

use crate::discovery::{
    LoadOptions, absolute, check_project_name, config_files_with_warnings, normalize_project_name,
    project_environment,
};
use crate::error::LoadError;
use crate::interpolate::{interpolate_str, interpolate_tree, unset_warning};
use crate::tree::{Node, NodeValue};
use crate::yaml::{self, Limits};
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
}

/// State shared by every file of a load (including `extends` and `include` files).
pub(crate) struct Ctx {
    pub files: Vec<SourceFile>,
    pub warnings: Vec<Spanned<String>>,
    pub limits: Limits,
    /// Files being loaded through `include`, to detect cycles.
    pub include_stack: Vec<PathBuf>,
}

/// A parsed file before interpolation.
pub(crate) struct RawFile {
    pub id: FileId,
    pub path: PathBuf,
    pub text: String,
    pub docs: Vec<Node>,
}

impl Ctx {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            files: Vec::new(),
            warnings: Vec::new(),
            limits,
            include_stack: Vec::new(),
        }
    }

    /// Reads and parses one file, registering it.
    pub(crate) fn read(&mut self, path: &Path, kind: SourceKind) -> Result<RawFile, LoadError> {
        let io_err = |e: std::io::Error| LoadError {
            file: Some(path.to_path_buf()),
            ..LoadError::new(format!("cannot read the file: {e}"))
        };
        let meta = std::fs::metadata(path).map_err(io_err)?;
        if meta.len() > self.limits.max_file_bytes as u64 {
            return Err(LoadError {
                file: Some(path.to_path_buf()),
                ..LoadError::new(format!(
                    "file is too large: {} bytes, the limit is {} bytes",
                    meta.len(),
                    self.limits.max_file_bytes
                ))
            });
        }
        let bytes = std::fs::read(path).map_err(io_err)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let valid = &e.as_bytes()[..at];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            LoadError {
                file: Some(path.to_path_buf()),
                line: u32::try_from(line).unwrap_or(u32::MAX),
                ..LoadError::new("the file is not valid UTF-8")
            }
        })?;
        self.parse_text(path, text, kind)
    }

    /// Parses and registers a file whose content is already in memory (`-f -`: standard
    /// input, named `path` in errors).
    pub(crate) fn parse_text(
        &mut self,
        path: &Path,
        text: String,
        kind: SourceKind,
    ) -> Result<RawFile, LoadError> {
        if text.len() > self.limits.max_file_bytes {
            return Err(LoadError {
                file: Some(path.to_path_buf()),
                ..LoadError::new(format!(
                    "file is too large: {} bytes, the limit is {} bytes",
                    text.len(),
                    self.limits.max_file_bytes
                ))
            });
        }
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            kind,
        });
        let docs = yaml::parse(&text, id, path, &self.limits)?;
        Ok(RawFile {
            id,
            path: path.to_path_buf(),
            text,
            docs,
        })
    }

    /// Interpolates a parsed file and merges its documents into one tree.
    pub(crate) fn interpolate(
        &mut self,
        raw: RawFile,
        env: &BTreeMap<String, String>,
    ) -> Result<Node, LoadError> {
        let lookup = |n: &str| env.get(n).cloned();
        let mut tree: Option<Node> = None;
        let single = raw.docs.len() <= 1;
        if raw
            .docs
            .first()
            .is_none_or(|d| single && matches!(d.value, NodeValue::Null))
        {
            // As docker-compose 2.26.1 says for a file without content.
            return Err(LoadError {
                file: Some(raw.path.clone()),
                ..LoadError::new("empty compose file")
            });
        }
        for mut doc in raw.docs {
            interpolate_tree(&mut doc, &lookup, "", &mut self.warnings)
                .map_err(|e| e.in_file(&raw.path, &raw.text))?;
            if !matches!(doc.value, NodeValue::Map(_)) {
                return Err(crate::error::locate_in(
                    &raw.path,
                    &raw.text,
                    doc.span.line,
                    doc.span.column,
                    "",
                    format!(
                        "Top-level object must be a mapping, not {}",
                        doc.kind_name()
                    ),
                ));
            }
            tree = Some(match tree {
                None => doc,
                Some(base) => {
                    merge::merge(base, doc).map_err(|e| e.in_file(&raw.path, &raw.text))?
                }
            });
        }
        Ok(tree.unwrap_or_else(|| Node::new(NodeValue::Map(Vec::new()), Span::new(raw.id, 1, 1))))
    }

    /// Reads, parses and interpolates a file.
    pub(crate) fn load_file(
        &mut self,
        path: &Path,
        kind: SourceKind,
        env: &BTreeMap<String, String>,
    ) -> Result<(FileId, Node), LoadError> {
        let raw = self.read(path, kind)?;
        let id = raw.id;
        Ok((id, self.interpolate(raw, env)?))
    }
}

/// Loads the project's files into one interpolated, merged tree.
pub fn load_tree(opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let mut ctx = Ctx::new(opts.limits.unwrap_or_default());
    let project = load_project(&mut ctx, opts, SourceKind::Compose)?;
    Ok(Loaded {
        tree: project.tree,
        files: ctx.files,
        environment: project.environment,
        project_name: project.name,
        project_dir: project.dir,
        warnings: ctx.warnings,
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
    ctx: &mut Ctx,
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
        ctx.warnings.push(Spanned::new(w, Span::default()));
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
                raws.push(ctx.parse_text(Path::new(STDIN_NAME), text.clone(), kind)?);
                continue;
            }
        }
        raws.push(ctx.read(f, kind)?);
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
            ctx.warnings
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
        let mut tree = ctx.interpolate(raw, &env)?;
        extends::apply(ctx, &mut tree, id, &path, &env)?;
        include::apply(ctx, &mut tree, &path, &project_dir, &env)?;
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
                        &ctx.files,
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
