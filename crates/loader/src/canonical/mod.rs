//! Canonicalization: the merged, interpolated tree → [`transship_ir::Project`] in long syntax
//! with typed values, profiles applied, paths absolute, resources named, the implicit
//! `default` network added and unused top-level resources dropped (as `docker compose config`
//! does).
//!
//! One module per area; [`read`] holds the typed readers and the located-error helpers.

mod build;
mod deploy;
mod envfile;
mod healthcheck;
mod networks;
mod ports;
mod provenance;
pub(crate) mod read;
mod resources;
mod services;
mod shared_keys;
pub mod units;
mod volumes;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use transship_ir::{Network, Project, Service, SourceFile, Span, Spanned, VolumeType};

use crate::error::LoadError;
use crate::tree::{Node, NodeValue};
use read::{CanonicalizeState, LoadResult};

pub use ports::parse_short as parse_port_spec;
pub use volumes::split_spec as split_volume_spec;

/// What canonicalization takes: the output of the front stages plus the profile selection.
#[derive(Debug, Clone)]
pub struct Input {
    /// The merged, interpolated project document (short syntax, profiles not applied).
    pub tree: Node,
    pub files: Vec<SourceFile>,
    /// The project environment (process environment over `.env`).
    pub environment: BTreeMap<String, String>,
    pub project_name: Spanned<String>,
    pub project_dir: PathBuf,
    pub warnings: Vec<Spanned<String>>,
    /// `--profile` values; when empty, `COMPOSE_PROFILES` from `environment` is used.
    pub profiles: Vec<String>,
    /// Services named on the command line: enabled whatever their profiles, with their
    /// dependencies.
    pub services: Vec<String>,
}

pub(crate) fn locate_error(
    files: &[SourceFile],
    span: Span,
    path: &str,
    message: String,
) -> LoadError {
    crate::error::locate(files, span, path, message)
}

const TOP_LEVEL_KEYS: &[&str] = &[
    "version", "name", "include", "services", "models", "networks", "volumes", "secrets", "configs",
];

/// Turns the loaded tree into the IR (not yet validated across references: see
/// [`crate::validate`]).
pub fn canonicalize(input: Input) -> Result<Project, LoadError> {
    let Input {
        tree,
        files,
        environment,
        project_name,
        project_dir,
        warnings,
        profiles,
        services: explicit,
    } = input;
    let mut tree = tree;
    drop_reset(&mut tree);
    let mut cx = CanonicalizeState {
        files,
        env: &environment,
        project_dir: &project_dir,
        project_name: project_name.value.clone(),
        warnings,
        ports_expanded: std::cell::Cell::new(0),
    };
    let mut project = Project {
        name: project_name.clone(),
        working_dir: project_dir.clone(),
        ..Project::default()
    };
    let root_span = tree.span;
    // The tree is consumed as it is read: each service's subtree is freed as soon as its
    // `Service` is built, so the tree and the IR are never both whole in memory.
    let root = match tree.value {
        NodeValue::Map(m) => m,
        NodeValue::Null => Vec::new(),
        _ => {
            return Err(cx.err(
                tree.span,
                "",
                format!(
                    "Top-level object must be a mapping, got {}",
                    tree.kind_name()
                ),
            ));
        }
    };
    // Built in name order as a vector and bulk-loaded into the map once (full B-tree nodes);
    // each several-KB `Service` is moved once, into its box.
    let mut all_services: Vec<(String, Box<Service>)> = Vec::new();
    for (k, mut v) in root {
        let (k, v) = (&k, &mut v);
        if read::take_extension(&mut project.extensions, k, v) {
            continue;
        }
        if !TOP_LEVEL_KEYS.contains(&k.name.as_str()) {
            return Err(read::unknown(&cx, k, ""));
        }
        match k.name.as_str() {
            "services" => {
                // `x-*` names are services here (docker-compose runs them), unlike in
                // the other top-level sections.
                let entries = read::map(&cx, v, "services")?;
                for (sk, _) in entries {
                    check_name(&cx, sk, "services")?;
                }
                let mut sorted: Vec<(crate::tree::Key, Node)> =
                    match std::mem::replace(&mut v.value, NodeValue::Null) {
                        NodeValue::Map(m) => m,
                        _ => Vec::new(),
                    };
                sorted.sort_by(|a, b| a.0.name.cmp(&b.0.name));
                all_services.reserve_exact(sorted.len());
                for (sk, sv) in sorted {
                    let s = services::service(&mut cx, &sk, &sv)?;
                    drop(sv);
                    all_services.push((sk.name, Box::new(s)));
                }
            }
            "networks" => {
                for (nk, nv) in read::map(&cx, v, "networks")? {
                    if !read::is_extension_key(&nk.name) {
                        let n = networks::network(&mut cx, nk, nv)?;
                        project.networks.insert(nk.name.clone(), n);
                    }
                }
            }
            "volumes" => {
                for (vk, vv) in read::map(&cx, v, "volumes")? {
                    if !read::is_extension_key(&vk.name) {
                        check_name(&cx, vk, "volumes")?;
                        let vol = volumes::volume(&mut cx, vk, vv)?;
                        project.volumes.insert(vk.name.clone(), vol);
                    }
                }
            }
            "secrets" => {
                for (sk, sv) in read::map(&cx, v, "secrets")? {
                    if !read::is_extension_key(&sk.name) {
                        check_name(&cx, sk, "secrets")?;
                        let s = resources::secret(&mut cx, sk, sv)?;
                        project.secrets.insert(sk.name.clone(), s);
                    }
                }
            }
            "configs" => {
                for (ck, cv) in read::map(&cx, v, "configs")? {
                    if !read::is_extension_key(&ck.name) {
                        check_name(&cx, ck, "configs")?;
                        let c = resources::config(&mut cx, ck, cv)?;
                        project.configs.insert(ck.name.clone(), c);
                    }
                }
            }
            "models" => {
                for (mk, mv) in read::map(&cx, v, "models")? {
                    if !read::is_extension_key(&mk.name) {
                        project
                            .models
                            .insert(mk.name.clone(), read::spanned_value(mv));
                    }
                }
            }
            "version" => {
                let already = cx
                    .warnings
                    .iter()
                    .any(|w| w.value.contains("`version` is obsolete"));
                if !already {
                    cx.warn(
                        k.span,
                        "the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion",
                    );
                }
            }
            // `name` and `include` were handled by the front stages.
            _ => {}
        }
    }

    // `extends` provenance, when the front stage resolved it away.
    if all_services.iter().any(|(_, s)| s.extends.is_none()) {
        let found =
            provenance::extends_by_service(&cx.files, environment.get("HOME").map(String::as_str));
        for (name, e) in found {
            if let Ok(i) = all_services.binary_search_by(|(n, _)| n.as_str().cmp(&name)) {
                all_services[i].1.extends.get_or_insert(e);
            }
        }
    }
    // Sorted and unique (a YAML mapping has no duplicate keys): `from_iter` finds one run
    // and bulk-builds full nodes.
    let all_services: BTreeMap<String, Box<Service>> = all_services.into_iter().collect();
    let active = active_profiles(&profiles, &environment);
    project.services = apply_profiles(&cx, all_services, &active, &explicit)?;
    project.active_profiles = active;
    add_default_network(&mut project, root_span);
    project.files = cx.files;
    project.warnings = cx.warnings;
    Ok(project)
}

/// Service, volume, secret and config names must match `^[a-zA-Z0-9._-]+$` (the schema's
/// pattern; docker-compose reports other names as additional properties).
fn check_name(cx: &CanonicalizeState<'_>, key: &crate::tree::Key, section: &str) -> LoadResult<()> {
    let ok = !key.name.is_empty()
        && key
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(read::unknown(cx, key, section))
    }
}

/// Removes what a `!reset` tag left behind after the merge (a reset key is absent).
fn drop_reset(node: &mut Node) {
    match &mut node.value {
        NodeValue::Map(entries) => {
            entries.retain(|(_, v)| v.tag != Some(crate::tree::Tag::Reset));
            for (_, v) in entries {
                drop_reset(v);
            }
        }
        NodeValue::Seq(items) => {
            items.retain(|v| v.tag != Some(crate::tree::Tag::Reset));
            for v in items {
                drop_reset(v);
            }
        }
        _ => {}
    }
}

fn active_profiles(profiles: &[String], env: &BTreeMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> = if profiles.is_empty() {
        env.get("COMPOSE_PROFILES")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        profiles.to_vec()
    };
    let mut seen = BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// Keeps the services that are enabled (no profiles, an active profile, `*`, or named
/// explicitly with their dependencies); a dependency of an enabled service on a disabled or
/// unknown service is an error unless it is `required: false`.
fn apply_profiles(
    cx: &CanonicalizeState<'_>,
    mut all: BTreeMap<String, Box<Service>>,
    active: &[String],
    explicit: &[String],
) -> LoadResult<BTreeMap<String, Box<Service>>> {
    let all_on = active.iter().any(|p| p == "*");
    let mut enabled: BTreeSet<String> = all
        .values()
        .filter(|s| {
            s.profiles.is_empty() || all_on || s.profiles.iter().any(|p| active.contains(&p.value))
        })
        .map(|s| s.name.clone())
        .collect();
    for s in all.values().filter(|s| enabled.contains(&s.name)) {
        for (dep, d) in &s.depends_on {
            if !enabled.contains(dep) && d.value.required.value {
                return Err(cx.err(
                    d.span,
                    &format!("services.{}.depends_on.{dep}", s.name),
                    format!(
                        "service \"{}\" depends on undefined service \"{dep}\"",
                        s.name
                    ),
                ));
            }
            if !all.contains_key(dep) {
                return Err(cx.err(
                    d.span,
                    &format!("services.{}.depends_on.{dep}", s.name),
                    format!(
                        "service \"{}\" depends on undefined service \"{dep}\"",
                        s.name
                    ),
                ));
            }
        }
    }
    if !explicit.is_empty() {
        // A service named on the command line is enabled whatever its profiles; its
        // dependencies are not, and Compose 2.26.1 reports a disabled one as no such service.
        // Only the named services and what they depend on, transitively, are kept.
        let mut selected: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<String> = explicit.iter().rev().cloned().collect();
        while let Some(name) = stack.pop() {
            let Some(s) = all
                .get(&name)
                .filter(|_| enabled.contains(&name) || explicit.contains(&name))
            else {
                return Err(LoadError::new(format!("no such service: {name}")));
            };
            if !selected.insert(name.clone()) {
                continue;
            }
            stack.extend(
                s.depends_on
                    .iter()
                    .filter(|(d, dep)| {
                        !selected.contains(*d) && (dep.value.required.value || all.contains_key(*d))
                    })
                    .map(|(d, _)| d.clone()),
            );
        }
        enabled = selected;
    }
    all.retain(|k, _| enabled.contains(k));
    Ok(all)
}

/// A service with neither `networks` nor `network_mode` joins `default`, which Compose
/// creates when the file does not define it.
fn add_default_network(project: &mut Project, root: Span) {
    let mut needs_default = false;
    for s in project.services.values_mut() {
        needs_default |= s.networks.contains_key("default");
        if s.networks.is_empty() && s.network_mode.is_none() {
            s.networks.insert(
                "default".to_owned(),
                Spanned::new(Box::default(), Span::synthetic(s.span.file)),
            );
            needs_default = true;
        }
    }
    if needs_default && !project.networks.contains_key("default") {
        let span = Span::synthetic(root.file);
        project.networks.insert(
            "default".to_owned(),
            Network {
                span,
                name: Spanned::new(format!("{}_default", project.name.value), span),
                implicit: true,
                ..Network::default()
            },
        );
    }
}

/// Drops top-level networks, volumes, secrets and configs that no active service uses, as
/// `docker compose config` does.
pub fn prune_unused(project: &mut Project) {
    let mut nets = BTreeSet::new();
    let mut vols = BTreeSet::new();
    let mut secrets = BTreeSet::new();
    let mut configs = BTreeSet::new();
    for s in project.services.values() {
        nets.extend(s.networks.keys().cloned());
        for v in &s.volumes {
            if v.value.kind == VolumeType::Volume {
                if let Some(src) = &v.value.source {
                    vols.insert(src.clone());
                }
            }
        }
        secrets.extend(s.secrets.iter().map(|r| r.value.source.clone()));
        configs.extend(s.configs.iter().map(|r| r.value.source.clone()));
        if let Some(b) = &s.build {
            secrets.extend(b.value.secrets.iter().map(|r| r.value.source.clone()));
        }
    }
    project.networks.retain(|k, _| nets.contains(k));
    project.volumes.retain(|k, _| vols.contains(k));
    project.secrets.retain(|k, _| secrets.contains(k));
    project.configs.retain(|k, _| configs.contains(k));
}

#[cfg(test)]
mod tests;
