//! Where a project's files, environment and name come from (compose-go's `cli` options,
//! checked against docker-compose 2.26.1):
//!
//! - `.env` is read from the project directory (`--project-directory`, else the directory of
//!   the first `-f` file, else the working directory); `--env-file` (repeatable, later files
//!   win) or `COMPOSE_ENV_FILES` (comma-separated) replace it; `COMPOSE_DISABLE_ENV_FILE`
//!   disables it. The process environment wins over every env file.
//! - Compose files: `-f` files, else `COMPOSE_FILE` (split on `COMPOSE_PATH_SEPARATOR`, default
//!   `:`; it may come from `.env`), else the first of `compose.yaml`, `compose.yml`,
//!   `docker-compose.yml`, `docker-compose.yaml` and the first of their `.override` twins,
//!   searched from the project directory upward.
//! - Project name: `-p` > `COMPOSE_PROJECT_NAME` (both must already be valid) > top-level
//!   `name:` (interpolated, then normalized) > the project directory's name (normalized).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::dotenv;
use crate::error::LoadError;
use crate::yaml::Limits;

/// What the user asked for, plus the process environment (injected, so tests are hermetic).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `-f` files, in order (relative to `cwd`).
    pub files: Vec<PathBuf>,
    /// `-p`.
    pub project_name: Option<String>,
    /// `--project-directory`.
    pub project_directory: Option<PathBuf>,
    /// `--env-file`, in order.
    pub env_files: Vec<PathBuf>,
    /// `--profile`, in order.
    pub profiles: Vec<String>,
    /// The process environment.
    pub environment: BTreeMap<String, String>,
    /// The working directory relative paths are taken from.
    pub cwd: PathBuf,
    /// Bounds for hostile input; `None` means [`Limits::default`].
    pub limits: Option<Limits>,
    /// The content of standard input, used for a `-f -` file (the caller reads it, so the
    /// loader stays free of process I/O); `None` reads a file named `-`.
    pub stdin: Option<String>,
    /// Services named on the command line (`config web`): only they and their dependencies
    /// are kept, enabled whatever their profiles. Empty means every enabled service.
    pub services: Vec<String>,
}

pub const DEFAULT_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

pub const DEFAULT_OVERRIDE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// `path` made absolute against `base` and lexically normalized (no `.`/`..`; symlinks are
/// not resolved, as Compose does not resolve them either).
pub fn absolute(base: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("/");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Compose's project-name normalization: lowercase, keep `[a-z0-9_-]`, trim leading `_`/`-`.
pub fn normalize_project_name(name: &str) -> String {
    let lower = name.to_lowercase();
    let kept: String = lower
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_owned()
}

/// Checks a name given with `-p` or `COMPOSE_PROJECT_NAME`.
pub fn check_project_name(name: &str) -> Result<(), LoadError> {
    if name.is_empty() || normalize_project_name(name) != name {
        return Err(LoadError::new(format!(
            "invalid project name {name:?}: must consist only of lowercase alphanumeric \
             characters, hyphens, and underscores as well as start with a letter or number"
        )));
    }
    Ok(())
}

fn truthy(v: &str) -> bool {
    matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True")
}

/// The environment of the project: process environment over the env files.
/// Returns it and the env files that were read.
pub fn project_environment(
    opts: &LoadOptions,
    env_base_dir: &Path,
) -> Result<(BTreeMap<String, String>, Vec<PathBuf>), LoadError> {
    let process = &opts.environment;
    let (files, required): (Vec<PathBuf>, bool) = if !opts.env_files.is_empty() {
        (
            opts.env_files
                .iter()
                .map(|f| absolute(&opts.cwd, f))
                .collect(),
            true,
        )
    } else if let Some(list) = process.get("COMPOSE_ENV_FILES").filter(|s| !s.is_empty()) {
        (
            list.split(',')
                .filter(|s| !s.is_empty())
                .map(|f| absolute(&opts.cwd, Path::new(f)))
                .collect(),
            true,
        )
    } else if process
        .get("COMPOSE_DISABLE_ENV_FILE")
        .is_some_and(|v| truthy(v))
    {
        (Vec::new(), false)
    } else {
        (vec![env_base_dir.join(".env")], false)
    };
    let mut from_files: BTreeMap<String, String> = BTreeMap::new();
    let mut read = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if file.is_dir() && !required => {
                let _ = e;
                continue;
            }
            Err(e) => {
                return Err(LoadError {
                    file: Some(file.clone()),
                    ..LoadError::new(format!("couldn't read env file: {e}"))
                });
            }
        };
        let lookup = |n: &str| process.get(n).or_else(|| from_files.get(n)).cloned();
        let entries = dotenv::parse(&text, &lookup)
            .map_err(|e| crate::error::locate_in(&file, &text, e.line, e.column, "", e.message))?;
        for e in entries {
            if let Some(v) = e.value {
                from_files.insert(e.key, v);
            } else if let Some(v) = process.get(&e.key) {
                from_files.insert(e.key, v.clone());
            }
        }
        read.push(file);
    }
    let mut env = from_files;
    for (k, v) in process {
        env.insert(k.clone(), v.clone());
    }
    Ok((env, read))
}

/// The Compose files to load, in order (absolute).
pub fn config_files(
    opts: &LoadOptions,
    environment: &BTreeMap<String, String>,
) -> Result<Vec<PathBuf>, LoadError> {
    config_files_with_warnings(opts, environment).map(|(files, _)| files)
}

/// [`config_files`], plus Compose's warnings when discovery found several candidates
/// (`Found multiple config files with supported names: ...`, then `Using ...`).
pub fn config_files_with_warnings(
    opts: &LoadOptions,
    environment: &BTreeMap<String, String>,
) -> Result<(Vec<PathBuf>, Vec<String>), LoadError> {
    if !opts.files.is_empty() {
        return Ok((
            opts.files.iter().map(|f| absolute(&opts.cwd, f)).collect(),
            Vec::new(),
        ));
    }
    if let Some(list) = environment.get("COMPOSE_FILE").filter(|s| !s.is_empty()) {
        let sep = environment
            .get("COMPOSE_PATH_SEPARATOR")
            .filter(|s| !s.is_empty())
            .map_or(":", String::as_str);
        return Ok((
            list.split(sep)
                .filter(|s| !s.is_empty())
                .map(|f| absolute(&opts.cwd, Path::new(f)))
                .collect(),
            Vec::new(),
        ));
    }
    let start = opts
        .project_directory
        .as_ref()
        .map_or_else(|| opts.cwd.clone(), |d| absolute(&opts.cwd, d));
    let mut dir = Some(start.as_path());
    let mut warnings = Vec::new();
    let mut pick = |names: &[&str], d: &Path, what: &str| -> Option<PathBuf> {
        let found: Vec<PathBuf> = names
            .iter()
            .map(|n| d.join(n))
            .filter(|p| p.is_file())
            .collect();
        if found.len() > 1 {
            let list: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
            warnings.push(format!(
                "Found multiple {what} files with supported names: {}",
                list.join(", ")
            ));
            warnings.push(format!("Using {}", found[0].display()));
        }
        found.into_iter().next()
    };
    while let Some(d) = dir {
        if let Some(main) = pick(&DEFAULT_FILE_NAMES, d, "config") {
            let mut out = vec![main];
            if let Some(o) = pick(&DEFAULT_OVERRIDE_NAMES, d, "override") {
                out.push(o);
            }
            return Ok((out, warnings));
        }
        dir = d.parent();
    }
    Err(LoadError::new(format!(
        "no configuration file provided: not found (looked for {} in {} and its parents)",
        DEFAULT_FILE_NAMES.join(", "),
        start.display()
    )))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_normalize_like_compose() {
        // Observed: directory `My.App_X` -> `myapp_x`; name `_My.App${X}` -> `myappx`.
        assert_eq!(normalize_project_name("My.App_X"), "myapp_x");
        assert_eq!(normalize_project_name("_My.App${X}"), "myappx");
        assert_eq!(normalize_project_name("--a-b"), "a-b");
        assert!(check_project_name("My.App").is_err());
        assert!(check_project_name("ok_1-x").is_ok());
        assert!(check_project_name("").is_err());
    }

    #[test]
    fn absolute_normalizes() {
        assert_eq!(
            absolute(Path::new("/a/b"), Path::new("../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(
            absolute(Path::new("/a"), Path::new("/x/y")),
            PathBuf::from("/x/y")
        );
    }

    #[test]
    fn discovery_searches_upward_and_finds_override() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("docker-compose.yml"), "services: {}\n").unwrap();
        std::fs::write(root.join("compose.yml"), "services: {}\n").unwrap();
        std::fs::write(root.join("docker-compose.override.yaml"), "services: {}\n").unwrap();
        let sub = root.join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        let opts = LoadOptions {
            cwd: sub,
            ..LoadOptions::default()
        };
        let (files, warnings) = config_files_with_warnings(&opts, &BTreeMap::new()).unwrap();
        assert_eq!(
            files,
            vec![
                root.join("compose.yml"),
                root.join("docker-compose.override.yaml")
            ]
        );
        // As docker-compose 2.26.1 warns when it has to choose.
        assert_eq!(
            warnings,
            vec![
                format!(
                    "Found multiple config files with supported names: {}, {}",
                    root.join("compose.yml").display(),
                    root.join("docker-compose.yml").display()
                ),
                format!("Using {}", root.join("compose.yml").display()),
            ]
        );
    }

    #[test]
    fn compose_file_variable() {
        let env: BTreeMap<String, String> = [
            ("COMPOSE_FILE".to_owned(), "a.yml;sub/b.yml".to_owned()),
            ("COMPOSE_PATH_SEPARATOR".to_owned(), ";".to_owned()),
        ]
        .into();
        let opts = LoadOptions {
            cwd: PathBuf::from("/w"),
            ..LoadOptions::default()
        };
        assert_eq!(
            config_files(&opts, &env).unwrap(),
            vec![PathBuf::from("/w/a.yml"), PathBuf::from("/w/sub/b.yml")]
        );
    }

    #[test]
    fn env_precedence_and_files() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::write(d.join(".env"), "A=dot\nB=dot\nC=${A}-x\n").unwrap();
        std::fs::write(d.join("one.env"), "A=one\n").unwrap();
        std::fs::write(d.join("two.env"), "A=two\nD=$A\n").unwrap();
        let mut opts = LoadOptions {
            cwd: d.to_path_buf(),
            environment: [("B".to_owned(), "proc".to_owned())].into(),
            ..LoadOptions::default()
        };
        let (env, read) = project_environment(&opts, d).unwrap();
        assert_eq!(env["A"], "dot");
        assert_eq!(env["B"], "proc");
        assert_eq!(env["C"], "dot-x");
        assert_eq!(read, vec![d.join(".env")]);
        opts.env_files = vec!["one.env".into(), "two.env".into()];
        let (env, _) = project_environment(&opts, d).unwrap();
        assert_eq!(env["A"], "two");
        assert_eq!(env["D"], "one");
        assert!(!env.contains_key("C"));
        opts.env_files = vec!["missing.env".into()];
        assert!(project_environment(&opts, d).is_err());
        opts.env_files.clear();
        opts.environment
            .insert("COMPOSE_DISABLE_ENV_FILE".into(), "true".into());
        let (env, read) = project_environment(&opts, d).unwrap();
        assert!(!env.contains_key("A") && read.is_empty());
    }
}
