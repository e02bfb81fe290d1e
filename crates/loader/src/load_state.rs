//! The state of one load ([`LoadState`]) and the reading of one file with it: read, parse,
//! register (a span's `FileId` is its index in [`LoadState::files`]), interpolate. The
//! stages that read files of their own (`pipeline`, `extends`, `include`) all use it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use transship_ir::{FileId, SourceFile, SourceKind, Span, Spanned};

use crate::error::LoadError;
use crate::interpolate::interpolate_tree_noting_secrets;
use crate::merge;
use crate::tree::{Node, NodeValue};
use crate::yaml::{self, Limits};

/// The state of one load, shared by every file it reads (the `-f` files and the `extends`
/// and `include` files): the files read so far, warnings, limits, the include chain.
pub(crate) struct LoadState {
    pub files: Vec<SourceFile>,
    pub warnings: Vec<Spanned<String>>,
    /// Scalars that took a value from a secret-looking variable (see
    /// `Project::secret_interpolations`).
    pub secret_spans: Vec<transship_ir::Span>,
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

impl LoadState {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            files: Vec::new(),
            warnings: Vec::new(),
            secret_spans: Vec::new(),
            limits,
            include_stack: Vec::new(),
        }
    }

    fn too_large(&self, path: &Path, len: u64) -> LoadError {
        LoadError {
            file: Some(path.to_path_buf()),
            ..LoadError::new(format!(
                "file is too large: {len} bytes, the limit is {} bytes",
                self.limits.max_file_bytes
            ))
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
            return Err(self.too_large(path, meta.len()));
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
            return Err(self.too_large(path, text.len() as u64));
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
            interpolate_tree_noting_secrets(
                &mut doc,
                &lookup,
                "",
                &mut self.warnings,
                &mut self.secret_spans,
            )
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
