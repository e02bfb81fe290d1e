//! Fixture directories for tests of every crate (feature `fixtures`): loading a fixture the
//! way the oracle scripts run docker-compose on it: `compose.yaml`, optional `args`
//! (CLI-style arguments, one per line) and `env` (`K=V` lines), in a hermetic environment
//! (PATH and HOME=/home/transship-fixture only).
#![allow(clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::LoadOptions;

pub fn fixtures_root(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(kind)
}

/// Every fixture directory under `fixtures/<kind>` (one with a Compose file of a default name,
/// or an `args` file), sorted, canonical paths.
pub fn fixture_dirs(kind: &str) -> Vec<PathBuf> {
    let root = fixtures_root(kind)
        .canonicalize()
        .expect("fixtures directory");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("read fixtures")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.is_dir()
                && (p.join("args").is_file()
                    || crate::discovery::DEFAULT_FILE_NAMES
                        .iter()
                        .any(|n| p.join(n).is_file()))
        })
        .collect();
    dirs.sort();
    dirs
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub fn options(dir: &Path) -> LoadOptions {
    let mut environment = BTreeMap::new();
    environment.insert("PATH".to_owned(), "/usr/local/bin:/usr/bin:/bin".to_owned());
    environment.insert("HOME".to_owned(), "/home/transship-fixture".to_owned());
    for l in lines(&dir.join("env")) {
        if let Some((k, v)) = l.split_once('=') {
            environment.insert(k.to_owned(), v.to_owned());
        }
    }
    let mut opts = LoadOptions {
        environment,
        cwd: dir.to_path_buf(),
        ..LoadOptions::default()
    };
    let args = lines(&dir.join("args"));
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "-f" | "--file" => opts.files.push(PathBuf::from(val())),
            "-p" | "--project-name" => opts.project_name = Some(val()),
            "--project-directory" => opts.project_directory = Some(PathBuf::from(val())),
            "--env-file" => opts.env_files.push(PathBuf::from(val())),
            "--profile" => opts.profiles.push(val()),
            other => panic!("{}: unknown argument {other} in args", dir.display()),
        }
    }
    opts
}

/// Replaces the fixture's absolute directory with `$FIXTURE` and the fixtures root with
/// `$FIXTURES`, so that snapshots do not depend on where the checkout lives.
pub fn redact(text: &str, dir: &Path) -> String {
    let root = dir.parent().expect("fixture parent");
    text.replace(&dir.to_string_lossy().into_owned(), "$FIXTURE")
        .replace(&root.to_string_lossy().into_owned(), "$FIXTURES")
}
