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
//!   `--force`. The one exception is migrate's own litter: a run killed while staging (power
//!   loss, `kill -9`) leaves its temporaries behind, so every run first takes an exclusive
//!   advisory lock (`flock`) on each directory it writes into, and, holding it, removes the
//!   temporaries found there. Those are named `.migrate-XXXXXX.tmp` (six random letters or
//!   digits) and nothing else matches; a live run holds its lock until its renames are done,
//!   so what another run finds under the lock is stale by construction. A second run into
//!   the same directory waits for the first (up to [`LOCK_WAIT`]), then reads what it wrote.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use transship_translate::Artifact;

/// Mode of secret-bearing files, whatever the artifact asks for.
pub const SECRET_MODE: u32 = 0o600;

/// How long a run waits for another run's lock on a directory before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Prefix and suffix of staging files; between them, [`TMP_RANDOM`] random letters/digits.
const TMP_PREFIX: &str = ".migrate-";
const TMP_SUFFIX: &str = ".tmp";
const TMP_RANDOM: usize = 6;

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

/// A finished write: what happened to each file, and the stale temporaries of dead runs
/// that were removed on the way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WriteOutcome {
    /// One entry per artifact, in artifact order.
    pub files: Vec<Written>,
    /// Full paths of `.migrate-*.tmp` files left by a run that died while staging.
    pub stale_removed: Vec<PathBuf>,
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
    /// Another run held the lock on this directory for longer than the wait allowed.
    Busy {
        dir: PathBuf,
        waited: Duration,
    },
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
            Self::Busy { dir, waited } => write!(
                f,
                "another migrate run is writing into {} and did not finish within {} s; \
                 nothing was written",
                dir.display(),
                waited.as_secs()
            ),
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
/// Either every file is written (or found unchanged) and the outcome says what happened to
/// each, in artifact order, or an error is returned; a [`WriteError::Conflicts`] is returned
/// before anything was written (stale temporaries of dead runs may have been removed).
pub fn write_artifacts(
    dir: &Path,
    artifacts: &[Artifact],
    force: bool,
) -> Result<WriteOutcome, WriteError> {
    write_artifacts_waiting(dir, artifacts, force, LOCK_WAIT)
}

fn write_artifacts_waiting(
    dir: &Path,
    artifacts: &[Artifact],
    force: bool,
    wait: Duration,
) -> Result<WriteOutcome, WriteError> {
    // 1. Paths and duplicates. A normalized path is its normal components joined by `/`, so
    // equal paths have equal bytes (hashing them is much cheaper than ordering paths
    // component by component).
    let mut seen = std::collections::HashSet::with_capacity(artifacts.len());
    let mut targets = Vec::with_capacity(artifacts.len());
    let mut parents = std::collections::BTreeSet::new();
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
        if let Some(parent) = path.parent() {
            if !parents.contains(parent) {
                parents.insert(parent.to_path_buf());
            }
        }
        targets.push((a, path));
    }
    // 2. Lock the directories that exist (in one global order, so two runs cannot wait for
    // each other) and clear what dead runs left there; then check what is on disk.
    let mut locks = DirLocks::new(wait);
    let (existing, missing): (Vec<PathBuf>, Vec<PathBuf>) =
        parents.into_iter().partition(|p| p.is_dir());
    locks.take(&existing)?;
    let mut plan = Vec::with_capacity(targets.len());
    for (a, path) in targets {
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

    // 3. Write. Every new content goes to a temporary file next to its destination; nothing
    // is renamed until all of them are written and on disk.
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    for d in &missing {
        fs::create_dir_all(d).map_err(io_err(d))?;
    }
    locks.take(&missing)?;
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
    // 4. Flush the staged files: one `syncfs` for each filesystem they are on.
    sync_filesystems(&dirs_to_sync)?;
    // 5. Only now change what is visible: modes, then renames, then make the renames durable.
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
    // The locks are released here, after the last rename is durable.
    Ok(WriteOutcome {
        files: done,
        stale_removed: locks.stale_removed,
    })
}

/// Replaces one file atomically (staged next to it, synced, renamed), keeping the mode of
/// the file it replaces (0644 for a new one), under the same directory lock and litter
/// cleanup as [`write_artifacts`]. Used by `migrate check --fix`.
pub fn replace_file(path: &Path, contents: &str) -> Result<(), WriteError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut locks = DirLocks::new(LOCK_WAIT);
    locks.take(std::slice::from_ref(&parent))?;
    let mode = match fs::metadata(path) {
        Ok(m) => m.permissions().mode() & 0o7777,
        Err(e) if e.kind() == io::ErrorKind::NotFound => 0o644,
        Err(e) => return Err(io_err(path)(e)),
    };
    let tmp = stage(&parent, path, contents.as_bytes(), mode)?;
    File::open(&*tmp)
        .and_then(|f| f.sync_all())
        .map_err(io_err(path))?;
    tmp.persist(path).map_err(|e| WriteError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    File::open(&parent)
        .and_then(|f| f.sync_all())
        .map_err(io_err(&parent))
}

/// Exclusive advisory locks on directories, held until dropped, and the stale temporaries
/// removed from each directory once its lock was taken.
struct DirLocks {
    wait: Duration,
    held: Vec<File>,
    stale_removed: Vec<PathBuf>,
}

impl DirLocks {
    const fn new(wait: Duration) -> Self {
        Self {
            wait,
            held: Vec::new(),
            stale_removed: Vec::new(),
        }
    }

    /// Locks each of `dirs` (callers pass them sorted), waiting up to `self.wait` for a
    /// run that holds one, then removes the stale temporaries in it.
    fn take(&mut self, dirs: &[PathBuf]) -> Result<(), WriteError> {
        use rustix::fs::{FlockOperation, flock};
        for d in dirs {
            let f = File::open(d).map_err(io_err(d))?;
            let deadline = Instant::now() + self.wait;
            loop {
                match flock(&f, FlockOperation::NonBlockingLockExclusive) {
                    Ok(()) => break,
                    Err(rustix::io::Errno::WOULDBLOCK) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Err(rustix::io::Errno::WOULDBLOCK) => {
                        return Err(WriteError::Busy {
                            dir: d.clone(),
                            waited: self.wait,
                        });
                    }
                    Err(e) => return Err(io_err(d)(e.into())),
                }
            }
            self.held.push(f);
            self.remove_stale(d)?;
        }
        Ok(())
    }

    fn remove_stale(&mut self, dir: &Path) -> Result<(), WriteError> {
        for entry in fs::read_dir(dir).map_err(io_err(dir))? {
            let entry = entry.map_err(io_err(dir))?;
            let name = entry.file_name();
            if !is_staging_name(&name.to_string_lossy()) {
                continue;
            }
            // Only regular files: a directory or link of that name is not ours.
            let path = entry.path();
            if entry.file_type().map_err(io_err(&path))?.is_file() {
                match fs::remove_file(&path) {
                    Ok(()) => self.stale_removed.push(path),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_err(&path)(e)),
                }
            }
        }
        Ok(())
    }
}

/// Whether `name` is exactly the name [`stage`] gives its temporaries.
fn is_staging_name(name: &str) -> bool {
    name.strip_prefix(TMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TMP_SUFFIX))
        .is_some_and(|mid| {
            mid.len() == TMP_RANDOM && mid.bytes().all(|b| b.is_ascii_alphanumeric())
        })
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
        .prefix(TMP_PREFIX)
        .suffix(TMP_SUFFIX)
        .rand_bytes(TMP_RANDOM)
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
        let done = write_artifacts(&out, &arts, false).unwrap().files;
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
        let done = write_artifacts(tmp.path(), &arts, false).unwrap().files;
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
        let done = write_artifacts(tmp.path(), &arts, false).unwrap().files;
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
        let done = write_artifacts(dir, &arts, true).unwrap().files;
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
        let done = write_artifacts(dir, &arts, true).unwrap().files;
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
        let done = write_artifacts(tmp.path(), &[art("db.secret", "pw", true)], false)
            .unwrap()
            .files;
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

    #[test]
    fn staging_names_are_recognised_exactly() {
        assert!(is_staging_name(".migrate-a1B2c3.tmp"));
        for other in [
            ".migrate-abc.tmp",
            ".migrate-abcdefg.tmp",
            ".migrate-abc-ef.tmp",
            ".migrate-abcdef.tmpx",
            "migrate-abcdef.tmp",
            ".migrate-abcdef",
            "a.container",
        ] {
            assert!(!is_staging_name(other), "{other}");
        }
    }

    #[test]
    fn stale_temporaries_of_a_dead_run_are_removed_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir(dir.join("sub")).unwrap();
        let stale = [
            dir.join(".migrate-Ab12cd.tmp"),
            dir.join("sub/.migrate-zz99ZZ.tmp"),
        ];
        for p in &stale {
            fs::write(p, "half a unit").unwrap();
        }
        let foreign = [
            dir.join(".migrate-abc.tmp"),
            dir.join("notes.tmp"),
            dir.join("sub/.migrate-abcdef.tmp.bak"),
        ];
        for p in &foreign {
            fs::write(p, "mine").unwrap();
        }
        // A directory with a staging name is not ours either.
        fs::create_dir(dir.join(".migrate-dirdir.tmp")).unwrap();
        let arts = [
            art("a.container", "a\n", false),
            art("sub/b.container", "b\n", false),
        ];
        let outcome = write_artifacts(dir, &arts, false).unwrap();
        let mut removed = outcome.stale_removed.clone();
        removed.sort();
        assert_eq!(removed, stale.to_vec());
        for p in &stale {
            assert!(!p.exists(), "{}", p.display());
        }
        for p in &foreign {
            assert_eq!(fs::read_to_string(p).unwrap(), "mine", "{}", p.display());
        }
        assert!(dir.join(".migrate-dirdir.tmp").is_dir());
        // A rerun finds nothing more to remove.
        let again = write_artifacts(dir, &arts, false).unwrap();
        assert!(again.stale_removed.is_empty());
        assert!(again.files.iter().all(|w| w.action == Action::Unchanged));
    }

    #[test]
    fn stale_temporaries_are_removed_even_when_the_write_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("a.container"), "edited\n").unwrap();
        fs::write(dir.join(".migrate-qwerty.tmp"), "x").unwrap();
        let err = write_artifacts(dir, &[art("a.container", "gen\n", false)], false).unwrap_err();
        assert!(matches!(err, WriteError::Conflicts(_)), "{err}");
        assert!(!dir.join(".migrate-qwerty.tmp").exists());
        assert_eq!(
            fs::read_to_string(dir.join("a.container")).unwrap(),
            "edited\n"
        );
    }

    /// Holds the lock a live run would hold on `dir`.
    fn hold_lock(dir: &Path) -> File {
        let f = File::open(dir).unwrap();
        rustix::fs::flock(&f, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();
        f
    }

    #[test]
    fn a_live_runs_temporaries_are_kept_and_the_second_run_waits_for_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let live_tmp = dir.join(".migrate-L1ve00.tmp");
        fs::write(&live_tmp, "being written").unwrap();
        let lock = hold_lock(&dir);
        let (tx, rx) = std::sync::mpsc::channel();
        let d = dir.clone();
        let writer = std::thread::spawn(move || {
            let r = write_artifacts(&d, &[art("a.container", "a\n", false)], false);
            tx.send(()).unwrap();
            r
        });
        // While the live run holds its lock, the second run neither removes the live
        // temporary nor writes anything.
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
        assert!(live_tmp.exists());
        assert!(!dir.join("a.container").exists());
        // The live run finishes (its temporary renamed into place), then the waiter goes on.
        fs::rename(&live_tmp, dir.join("live.container")).unwrap();
        drop(lock);
        let outcome = writer.join().unwrap().unwrap();
        assert!(outcome.stale_removed.is_empty());
        assert_eq!(fs::read_to_string(dir.join("a.container")).unwrap(), "a\n");
        assert_eq!(
            fs::read_to_string(dir.join("live.container")).unwrap(),
            "being written"
        );
    }

    #[test]
    fn a_lock_held_too_long_is_a_clear_error_and_nothing_is_touched() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let live_tmp = dir.join(".migrate-L1ve00.tmp");
        fs::write(&live_tmp, "being written").unwrap();
        let _lock = hold_lock(dir);
        let err = write_artifacts_waiting(
            dir,
            &[art("a.container", "a\n", false)],
            false,
            Duration::from_millis(100),
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::Busy { .. }), "{err}");
        assert!(err.to_string().contains("another migrate run"), "{err}");
        assert!(live_tmp.exists());
        assert!(!dir.join("a.container").exists());
    }

    #[test]
    fn replace_file_keeps_the_mode_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("compose.yaml");
        fs::write(&p, "old\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        fs::write(tmp.path().join(".migrate-deadbe.tmp"), "x").unwrap();
        replace_file(&p, "new\n").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new\n");
        assert_eq!(mode(&p), 0o640);
        assert!(
            leftovers(tmp.path()).is_empty(),
            "{:?}",
            leftovers(tmp.path())
        );
    }
}
