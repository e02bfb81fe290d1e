//! Writing generated artifacts into an output directory: atomically, never clobbering.
//!
//! The rules (`migrate ... -o DIR`):
//! - every file is written to a temporary file in its final directory and given its final
//!   mode; once all of them are written, they are flushed to disk together (one `syncfs` per
//!   filesystem, instead of one `fsync` per file) and only then renamed over their
//!   destinations, so a reader never sees a half-written unit, a crash before the renames
//!   leaves every destination as it was, and an error while writing or flushing leaves the
//!   whole directory as it was (the temporary files are removed);
//! - a file that already exists with the same content is left alone (`unchanged`); if only its
//!   mode differs, the mode is corrected (content equal, so nothing is lost);
//! - a file that exists with *different* content is only replaced with `--force`; without it
//!   the whole write is refused before anything is written, and the caller lists the files;
//! - secret-bearing artifacts are written with mode 0600 (set on the temporary file, before it
//!   becomes visible under its final name);
//! - nothing is ever deleted: files in the directory that the translator did not produce are
//!   not touched, and a directory standing where a file should go is an error, even with
//!   `--force`.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use transship_translate::Artifact;

/// Mode of secret-bearing files, whatever the artifact asks for.
pub const SECRET_MODE: u32 = 0o600;

/// What happened (or would happen) to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The file did not exist and was written.
    Created,
    /// The file existed with other content and was replaced (`--force`).
    Replaced,
    /// The file existed with the same content and mode; left alone.
    Unchanged,
    /// The file existed with the same content but another mode; its mode was corrected.
    ModeFixed,
}

impl Action {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Replaced => "replaced",
            Self::Unchanged => "unchanged",
            Self::ModeFixed => "mode fixed",
        }
    }
}

/// One file of a finished write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Path relative to the output directory, as the artifact named it.
    pub rel: PathBuf,
    /// The full path that was written.
    pub path: PathBuf,
    pub action: Action,
    pub mode: u32,
    pub secret: bool,
}

#[derive(Debug)]
pub enum WriteError {
    /// An artifact path that would escape the output directory (absolute, `..`, empty).
    UnsafePath(PathBuf),
    /// Two artifacts with the same path (a translator bug).
    Duplicate(PathBuf),
    /// Something that is not a regular file (a directory, a socket) is in the way.
    NotAFile(PathBuf),
    /// Files that exist with other content; nothing was written (use `--force`).
    Conflicts(Vec<PathBuf>),
    Io {
        path: PathBuf,
        source: io::Error,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsafePath(p) => write!(
                f,
                "refusing to write {}: generated paths must stay inside the output directory",
                p.display()
            ),
            Self::Duplicate(p) => write!(f, "two generated files are both named {}", p.display()),
            Self::NotAFile(p) => write!(
                f,
                "{} exists and is not a regular file; move it away first (migrate never deletes it)",
                p.display()
            ),
            Self::Conflicts(paths) => {
                write!(
                    f,
                    "refusing to overwrite {} file{} whose content differs from the generated one:",
                    paths.len(),
                    if paths.len() == 1 { "" } else { "s" }
                )?;
                for p in paths {
                    write!(f, "\n  {}", p.display())?;
                }
                write!(
                    f,
                    "\nnothing was written. Review those files, then re-run with --force to \
                     replace them (other files in the directory are never touched), or pick \
                     another -o directory."
                )
            }
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The mode an artifact is written with.
pub fn mode_of(artifact: &Artifact) -> u32 {
    if artifact.secret {
        SECRET_MODE
    } else {
        artifact.mode & 0o7777
    }
}

/// A relative path made only of normal components.
fn is_safe_relative(p: &Path) -> bool {
    let mut any = false;
    for c in p.components() {
        match c {
            Component::Normal(_) => any = true,
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    any
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Missing,
    Same,
    SameContentOtherMode,
    Differs,
}

fn state_of(path: &Path, contents: &[u8], mode: u32) -> Result<State, WriteError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(State::Missing),
        Err(e) => return Err(io_err(path)(e)),
    };
    let ft = meta.file_type();
    if ft.is_symlink() {
        // Compare what the link points at; replacing it (with --force) replaces the link,
        // never the file it points to.
        return match fs::read(path) {
            Ok(existing) if existing == contents => Ok(State::Same),
            Ok(_) => Ok(State::Differs),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(State::Differs),
            Err(e) => Err(io_err(path)(e)),
        };
    }
    if !ft.is_file() {
        return Err(WriteError::NotAFile(path.to_path_buf()));
    }
    let existing = fs::read(path).map_err(io_err(path))?;
    if existing != contents {
        return Ok(State::Differs);
    }
    if meta.permissions().mode() & 0o7777 == mode {
        Ok(State::Same)
    } else {
        Ok(State::SameContentOtherMode)
    }
}

/// Writes `artifacts` into `dir` (created if needed) following the module's rules.
///
/// Either every file is written (or found unchanged) and the list says what happened to
/// each, in artifact order, or an error is returned; a [`WriteError::Conflicts`] is returned
/// before anything was written.
pub fn write_artifacts(
    dir: &Path,
    artifacts: &[Artifact],
    force: bool,
) -> Result<Vec<Written>, WriteError> {
    // 1. Check everything first: paths, duplicates, what is on disk. A normalized path is
    // its normal components joined by `/`, so equal paths have equal bytes (hashing them is
    // much cheaper than ordering paths component by component).
    let mut seen = std::collections::HashSet::with_capacity(artifacts.len());
    let mut plan = Vec::with_capacity(artifacts.len());
    for a in artifacts {
        if !is_safe_relative(&a.path) {
            return Err(WriteError::UnsafePath(a.path.clone()));
        }
        let normalized: PathBuf = a
            .path
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect();
        if !seen.insert(normalized.clone().into_os_string()) {
            return Err(WriteError::Duplicate(a.path.clone()));
        }
        let path = dir.join(&normalized);
        let mode = mode_of(a);
        let state = state_of(&path, a.contents.as_bytes(), mode)?;
        plan.push((a, path, mode, state));
    }
    let conflicts: Vec<PathBuf> = plan
        .iter()
        .filter(|(_, _, _, s)| *s == State::Differs)
        .map(|(_, p, _, _)| p.clone())
        .collect();
    if !conflicts.is_empty() && !force {
        return Err(WriteError::Conflicts(conflicts));
    }

    // 2. Write. Every new content goes to a temporary file next to its destination; nothing
    // is renamed until all of them are written and on disk.
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    // Directories in the order they were first needed (the set only answers "seen?").
    let mut dirs_to_sync: Vec<PathBuf> = Vec::new();
    let mut dirs_seen = std::collections::HashSet::new();
    let mut staged: Vec<(tempfile::TempPath, PathBuf)> = Vec::new();
    let mut done = Vec::with_capacity(plan.len());
    for (a, path, mode, state) in plan {
        let action = match state {
            State::Same => Action::Unchanged,
            State::SameContentOtherMode => Action::ModeFixed,
            State::Missing | State::Differs => {
                let parent = path.parent().unwrap_or(dir).to_path_buf();
                if dirs_seen.insert(parent.clone().into_os_string()) {
                    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
                    dirs_to_sync.push(parent.clone());
                }
                staged.push((
                    stage(&parent, &path, a.contents.as_bytes(), mode)?,
                    path.clone(),
                ));
                if state == State::Missing {
                    Action::Created
                } else {
                    Action::Replaced
                }
            }
        };
        done.push(Written {
            rel: a.path.clone(),
            path,
            action,
            mode,
            secret: a.secret,
        });
    }
    // 3. Flush the staged files: one `syncfs` for each filesystem they are on.
    sync_filesystems(&dirs_to_sync)?;
    // 4. Only now change what is visible: modes, then renames, then make the renames durable.
    for w in &done {
        if w.action == Action::ModeFixed {
            fs::set_permissions(&w.path, fs::Permissions::from_mode(w.mode))
                .map_err(io_err(&w.path))?;
        }
    }
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| WriteError::Io {
            path: path.clone(),
            source: e.error,
        })?;
    }
    for d in dirs_to_sync {
        File::open(&d)
            .and_then(|f| f.sync_all())
            .map_err(io_err(&d))?;
    }
    Ok(done)
}

/// A temporary file in `parent` (same filesystem, so the later rename is atomic) with the
/// final mode set before any content is written, holding `contents`; closed, and removed
/// when the returned path is dropped without being persisted.
fn stage(
    parent: &Path,
    path: &Path,
    contents: &[u8],
    mode: u32,
) -> Result<tempfile::TempPath, WriteError> {
    #[cfg(test)]
    tests::fail_point(path)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".migrate-")
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(parent)
        .map_err(io_err(parent))?;
    // Set the final mode explicitly (the umask does not apply to chmod).
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))
        .map_err(io_err(tmp.path()))?;
    tmp.write_all(contents).map_err(io_err(path))?;
    Ok(tmp.into_temp_path())
}

/// Flushes every filesystem that holds one of `dirs` to disk and waits for it: `syncfs`
/// once per filesystem (told apart by device number). Since Linux 5.8 `syncfs` reports a
/// write-back error of any file on the filesystem, which here fails the whole write before
/// anything was renamed.
fn sync_filesystems(dirs: &[PathBuf]) -> Result<(), WriteError> {
    use std::os::unix::fs::MetadataExt;
    let mut devices = std::collections::HashSet::new();
    for d in dirs {
        let f = File::open(d).map_err(io_err(d))?;
        let dev = f.metadata().map_err(io_err(d))?.dev();
        if devices.insert(dev) {
            rustix::fs::syncfs(&f).map_err(|e| WriteError::Io {
                path: d.clone(),
                source: e.into(),
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn art(path: &str, contents: &str, secret: bool) -> Artifact {
        Artifact {
            path: PathBuf::from(path),
            contents: contents.to_owned(),
            mode: 0o644,
            secret,
        }
    }

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".migrate-"))
            .collect()
    }

    #[test]
    fn creates_missing_directory_and_files_with_their_modes() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("a/b/out");
        let arts = [
            art("app-web.container", "[Container]\nImage=x\n", false),
            art("app-db-password.secret", "hunter2", true),
            art("sub/dir/file.conf", "x=1\n", false),
        ];
        let done = write_artifacts(&out, &arts, false).unwrap();
        assert_eq!(done.len(), 3);
        assert!(done.iter().all(|w| w.action == Action::Created));
        assert_eq!(
            fs::read_to_string(out.join("app-web.container")).unwrap(),
            "[Container]\nImage=x\n"
        );
        assert_eq!(mode(&out.join("app-web.container")), 0o644);
        assert_eq!(mode(&out.join("app-db-password.secret")), 0o600);
        assert_eq!(
            fs::read_to_string(out.join("sub/dir/file.conf")).unwrap(),
            "x=1\n"
        );
        assert!(leftovers(&out).is_empty());
    }

    #[test]
    fn many_files_are_all_written_with_their_content() {
        let tmp = tempfile::tempdir().unwrap();
        let arts: Vec<Artifact> = (0..100)
            .map(|i| {
                art(
                    &format!("d{}/f{i}.container", i % 3),
                    &format!("content {i}\n"),
                    i % 10 == 0,
                )
            })
            .collect();
        let done = write_artifacts(tmp.path(), &arts, false).unwrap();
        assert_eq!(done.len(), 100);
        for (i, w) in done.iter().enumerate() {
            assert_eq!(w.action, Action::Created);
            assert_eq!(
                fs::read_to_string(&w.path).unwrap(),
                format!("content {i}\n")
            );
            assert_eq!(mode(&w.path), if i % 10 == 0 { 0o600 } else { 0o644 });
        }
        for d in 0..3 {
            assert!(leftovers(&tmp.path().join(format!("d{d}"))).is_empty());
        }
    }

    #[test]
    fn secret_mode_wins_over_the_artifact_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = art("s.env", "TOKEN=1\n", true);
        a.mode = 0o644;
        write_artifacts(tmp.path(), &[a], false).unwrap();
        assert_eq!(mode(&tmp.path().join("s.env")), 0o600);
    }

    #[test]
    fn identical_files_are_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let arts = [art("a.container", "same\n", false)];
        write_artifacts(tmp.path(), &arts, false).unwrap();
        let p = tmp.path().join("a.container");
        let before = fs::metadata(&p).unwrap();
        let ino = std::os::unix::fs::MetadataExt::ino(&before);
        let done = write_artifacts(tmp.path(), &arts, false).unwrap();
        assert_eq!(done[0].action, Action::Unchanged);
        // Not rewritten: a rename would have given the path a new inode.
        let after = fs::metadata(&p).unwrap();
        assert_eq!(std::os::unix::fs::MetadataExt::ino(&after), ino);
    }

    #[test]
    fn differing_file_is_not_clobbered_without_force_and_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("b.container"), "edited by hand\n").unwrap();
        let arts = [
            art("a.container", "new a\n", false),
            art("b.container", "generated b\n", false),
        ];
        let err = write_artifacts(dir, &arts, false).unwrap_err();
        match &err {
            WriteError::Conflicts(list) => assert_eq!(list, &vec![dir.join("b.container")]),
            other => panic!("expected a conflict, got {other:?}"),
        }
        let msg = err.to_string();
        assert!(
            msg.contains("b.container") && msg.contains("--force"),
            "{msg}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("b.container")).unwrap(),
            "edited by hand\n"
        );
        assert!(
            !dir.join("a.container").exists(),
            "a refused write must write nothing"
        );
        assert!(leftovers(dir).is_empty());
    }

    #[test]
    fn force_replaces_differing_files_and_keeps_unrelated_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("b.container"), "edited by hand\n").unwrap();
        fs::write(dir.join("mine.txt"), "user file\n").unwrap();
        let arts = [
            art("a.container", "new a\n", false),
            art("b.container", "generated b\n", false),
        ];
        let done = write_artifacts(dir, &arts, true).unwrap();
        assert_eq!(done[0].action, Action::Created);
        assert_eq!(done[1].action, Action::Replaced);
        assert_eq!(
            fs::read_to_string(dir.join("b.container")).unwrap(),
            "generated b\n"
        );
        assert_eq!(
            fs::read_to_string(dir.join("mine.txt")).unwrap(),
            "user file\n"
        );
        assert!(leftovers(dir).is_empty());
    }

    thread_local! {
        /// Staging a file whose name ends with this fails (this thread's writes only).
        static FAIL_ON: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    }

    /// Fault injection for [`stage`]: an I/O error, as a full disk would give, for the file
    /// chosen by [`FAIL_ON`].
    pub(super) fn fail_point(path: &Path) -> Result<(), WriteError> {
        let hit = FAIL_ON.with(|f| {
            f.borrow()
                .as_ref()
                .is_some_and(|name| path.to_string_lossy().ends_with(name.as_str()))
        });
        if hit {
            return Err(WriteError::Io {
                path: path.to_path_buf(),
                source: io::Error::from(io::ErrorKind::StorageFull),
            });
        }
        Ok(())
    }

    #[test]
    fn a_failure_while_staging_leaves_the_directory_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("b.container"), "edited by hand\n").unwrap();
        let arts = [
            art("a.container", "new a\n", false),
            art("b.container", "generated b\n", false),
            art("c.container", "new c\n", false),
            art("d.container", "new d\n", false),
        ];
        FAIL_ON.with(|f| *f.borrow_mut() = Some("c.container".into()));
        let err = write_artifacts(dir, &arts, true).unwrap_err();
        FAIL_ON.with(|f| *f.borrow_mut() = None);
        assert!(matches!(err, WriteError::Io { .. }), "{err}");
        // a and b were staged before c failed: neither is visible, b keeps its content.
        assert!(!dir.join("a.container").exists());
        assert_eq!(
            fs::read_to_string(dir.join("b.container")).unwrap(),
            "edited by hand\n"
        );
        assert!(!dir.join("c.container").exists());
        assert!(!dir.join("d.container").exists());
        assert!(leftovers(dir).is_empty(), "{:?}", leftovers(dir));
        // The same write without the fault goes through.
        let done = write_artifacts(dir, &arts, true).unwrap();
        assert_eq!(done.len(), 4);
        assert_eq!(
            fs::read_to_string(dir.join("b.container")).unwrap(),
            "generated b\n"
        );
    }

    #[test]
    fn replaced_secret_gets_0600_even_if_the_old_file_was_world_readable() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("db.secret");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        write_artifacts(tmp.path(), &[art("db.secret", "new", true)], true).unwrap();
        assert_eq!(mode(&p), 0o600);
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
    }

    #[test]
    fn same_content_other_mode_only_fixes_the_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("db.secret");
        fs::write(&p, "pw").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        let done = write_artifacts(tmp.path(), &[art("db.secret", "pw", true)], false).unwrap();
        assert_eq!(done[0].action, Action::ModeFixed);
        assert_eq!(mode(&p), 0o600);
    }

    #[test]
    fn a_directory_in_the_way_is_an_error_even_with_force() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("a.container")).unwrap();
        fs::write(tmp.path().join("a.container/keep"), "x").unwrap();
        let err = write_artifacts(tmp.path(), &[art("a.container", "x", false)], true).unwrap_err();
        assert!(matches!(err, WriteError::NotAFile(_)), "{err:?}");
        assert!(tmp.path().join("a.container/keep").exists());
    }

    #[test]
    fn paths_escaping_the_directory_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        for bad in ["../x.container", "/etc/x.container", "a/../../x", ""] {
            let err = write_artifacts(tmp.path(), &[art(bad, "x", false)], true).unwrap_err();
            assert!(matches!(err, WriteError::UnsafePath(_)), "{bad}: {err:?}");
        }
    }

    #[test]
    fn duplicate_artifact_paths_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let err = write_artifacts(
            tmp.path(),
            &[
                art("a.container", "1", false),
                art("./a.container", "2", false),
            ],
            true,
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::Duplicate(_)), "{err:?}");
        assert!(!tmp.path().join("a.container").exists());
    }

    #[test]
    fn a_symlink_is_replaced_not_its_target() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("target.txt");
        fs::write(&target, "precious").unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&target, out.join("a.container")).unwrap();
        let err = write_artifacts(&out, &[art("a.container", "gen", false)], false).unwrap_err();
        assert!(matches!(err, WriteError::Conflicts(_)));
        write_artifacts(&out, &[art("a.container", "gen", false)], true).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "precious");
        assert_eq!(fs::read_to_string(out.join("a.container")).unwrap(), "gen");
        assert!(
            !fs::symlink_metadata(out.join("a.container"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}
