//! `include`: each entry (a path, or `{path: string|list, project_directory, env_file}`) is
//! loaded as a project of its own — its own project directory (default: the directory of its
//! first file) and `.env` (or the given env files), the including project's environment
//! winning — fully resolved, its relative paths made absolute, then its services, networks,
//! volumes, secrets, configs and models are copied in. A resource defined on both sides is an
//! error unless both definitions are equal; include cycles are errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::discovery::{LoadOptions, absolute};
use crate::error::{LoadError, locate};
use crate::extends::absolutize_service;
use crate::load_state::LoadState;
use crate::tree::{Node, NodeValue};
use crate::yaml::to_json;

/// Deepest chain of nested includes followed (each level is a recursion).
const MAX_NESTING: usize = 32;

const RESOURCES: [&str; 6] = [
    "services", "networks", "volumes", "secrets", "configs", "models",
];

fn strings(node: &Node) -> Vec<String> {
    match &node.value {
        NodeValue::String(s) => vec![s.clone()],
        NodeValue::Seq(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// One `include` entry, checked and ready to load: the options its project is loaded with
/// (see `pipeline::load_project`), then [`import`] copies its resources in.
pub(crate) struct Include {
    pub options: LoadOptions,
    /// The included project's directory: its relative paths are made absolute against it.
    dir: PathBuf,
    /// Its first file, named in conflict errors.
    first_file: PathBuf,
    /// The entry itself, for error locations.
    item: Node,
}

/// Removes the `include` section from `tree` and returns its entries (none when there is
/// no section); an error when it is not a list or includes nest too deep.
pub(crate) fn take_section(state: &LoadState, tree: &mut Node) -> Result<Vec<Node>, LoadError> {
    let Some(include) = tree.get("include").cloned() else {
        return Ok(Vec::new());
    };
    if let NodeValue::Map(entries) = &mut tree.value {
        entries.retain(|(k, _)| k.name != "include");
    }
    let items: Vec<Node> = match include.value {
        NodeValue::Seq(items) => items,
        NodeValue::Null => Vec::new(),
        _ => {
            return Err(locate(
                &state.files,
                include.span,
                "include",
                "include must be a list",
            ));
        }
    };
    if state.include_stack.len() >= MAX_NESTING {
        return Err(locate(
            &state.files,
            include.span,
            "include",
            format!("includes nested more than {MAX_NESTING} levels deep"),
        ));
    }
    Ok(items)
}

/// Entry `index` of an `include` section of a file of the project in `project_dir` (that
/// file is the last of `state.include_stack`): its files (which must exist and not be on the
/// include chain), project directory, env files and environment.
pub(crate) fn entry(
    state: &LoadState,
    index: usize,
    item: Node,
    project_dir: &Path,
    env: &BTreeMap<String, String>,
) -> Result<Include, LoadError> {
    let key_path = format!("include[{index}]");
    let (paths, project_directory, env_files) = match &item.value {
        NodeValue::String(s) => (vec![s.clone()], None, Vec::new()),
        NodeValue::Map(_) => (
            item.get("path").map(strings).unwrap_or_default(),
            item.get("project_directory")
                .and_then(Node::as_str)
                .map(PathBuf::from),
            item.get("env_file").map(strings).unwrap_or_default(),
        ),
        _ => {
            return Err(locate(
                &state.files,
                item.span,
                &key_path,
                format!(
                    "an include entry must be a path or a mapping, not {}",
                    item.kind_name()
                ),
            ));
        }
    };
    if paths.is_empty() {
        return Err(locate(
            &state.files,
            item.span,
            &key_path,
            "include requires a `path`",
        ));
    }
    let files: Vec<PathBuf> = paths
        .iter()
        .map(|p| absolute(project_dir, Path::new(p)))
        .collect();
    if let Some(cycle) = files.iter().find(|f| state.include_stack.contains(f)) {
        let mut chain: Vec<String> = state
            .include_stack
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        chain.push(cycle.display().to_string());
        return Err(locate(
            &state.files,
            item.span,
            &key_path,
            format!("include cycle: {}", chain.join(" -> ")),
        ));
    }
    let inc_dir = project_directory.map_or_else(
        || {
            files[0]
                .parent()
                .map_or_else(|| project_dir.to_path_buf(), Path::to_path_buf)
        },
        |d| absolute(project_dir, &d),
    );
    for f in &files {
        if !f.is_file() {
            return Err(locate(
                &state.files,
                item.span,
                &key_path,
                format!("included file {} does not exist", f.display()),
            ));
        }
    }
    // The included project reads its own `.env` (or the entry's env files), never the
    // including project's COMPOSE_ENV_FILES.
    let mut inc_env = env.clone();
    inc_env.remove("COMPOSE_ENV_FILES");
    inc_env.remove("COMPOSE_DISABLE_ENV_FILE");
    let first_file = files[0].clone();
    let options = LoadOptions {
        files,
        project_name: None,
        project_directory: Some(inc_dir.clone()),
        env_files: env_files.iter().map(PathBuf::from).collect(),
        profiles: Vec::new(),
        environment: inc_env,
        cwd: project_dir.to_path_buf(),
        limits: Some(state.limits),
        stdin: None,
        services: Vec::new(),
    };
    Ok(Include {
        options,
        dir: inc_dir,
        first_file,
        item,
    })
}

/// Copies the resources of `imported` (the tree loaded for `include`) into `tree`, its
/// relative paths made absolute first.
pub(crate) fn import(
    state: &LoadState,
    tree: &mut Node,
    include: Include,
    mut imported: Node,
) -> Result<(), LoadError> {
    absolutize_project(&mut imported, &include.dir);
    import_resources(state, tree, imported, &include.first_file, &include.item)
}

fn absolutize_project(tree: &mut Node, dir: &Path) {
    if let Some(NodeValue::Map(services)) = tree.get_mut("services").map(|s| &mut s.value) {
        for (_, s) in services {
            absolutize_service(s, dir);
        }
    }
    for section in ["secrets", "configs"] {
        if let Some(NodeValue::Map(items)) = tree.get_mut(section).map(|s| &mut s.value) {
            for (_, item) in items {
                if let Some(f) = item.get_mut("file")
                    && let NodeValue::String(s) = &mut f.value
                    && !s.starts_with('/')
                {
                    *s = absolute(dir, Path::new(s.as_str()))
                        .to_string_lossy()
                        .into_owned();
                }
            }
        }
    }
}

fn import_resources(
    state: &LoadState,
    tree: &mut Node,
    imported: Node,
    file: &Path,
    item: &Node,
) -> Result<(), LoadError> {
    let NodeValue::Map(imported) = imported.value else {
        return Ok(());
    };
    for (section_key, section) in imported {
        if !RESOURCES.contains(&section_key.name.as_str()) {
            continue;
        }
        let NodeValue::Map(resources) = section.value else {
            continue;
        };
        let NodeValue::Map(top) = &mut tree.value else {
            return Ok(());
        };
        let target = match top.iter().position(|(k, _)| k.name == section_key.name) {
            Some(i) => i,
            None => {
                top.push((
                    section_key.clone(),
                    Node::new(NodeValue::Map(Vec::new()), section.span),
                ));
                top.len() - 1
            }
        };
        let slot = &mut top[target].1;
        if matches!(slot.value, NodeValue::Null) {
            slot.value = NodeValue::Map(Vec::new());
        }
        let NodeValue::Map(existing) = &mut slot.value else {
            continue;
        };
        for (k, v) in resources {
            if let Some((_, old)) = existing.iter().find(|(ek, _)| ek.name == k.name) {
                if to_json(old) != to_json(&v) {
                    let kind = section_key.name.trim_end_matches('s');
                    return Err(locate(
                        &state.files,
                        item.span,
                        &format!("{}.{}", section_key.name, k.name),
                        format!(
                            "{}.{} conflicts with imported resource: {} defines another {kind} {}",
                            section_key.name,
                            k.name,
                            file.display(),
                            k.name
                        ),
                    ));
                }
                continue;
            }
            existing.push((k, v));
        }
    }
    Ok(())
}
