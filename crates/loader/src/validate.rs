//! Cross-reference and consistency checks on the canonical project, with docker-compose's
//! error cases and (as far as practical) its messages, each located at the offending value.

use std::collections::BTreeSet;

use transship_ir::{Project, Service, Span, VolumeType};

use crate::error::{LoadError, locate};

fn err(p: &Project, span: Span, path: &str, msg: String) -> LoadError {
    locate(&p.files, span, path, msg)
}

/// Runs every check; the first failure is returned.
pub fn validate(project: &Project) -> Result<(), LoadError> {
    for s in project.services.values() {
        basics(project, s)?;
        resources_consistency(project, s)?;
        container_name(project, s)?;
        references(project, s)?;
    }
    dependency_cycles(project)?;
    top_level(project)?;
    Ok(())
}

/// Top-level resources: `external` excludes local settings; one source per secret/config.
fn top_level(p: &Project) -> Result<(), LoadError> {
    for (key, v) in &p.volumes {
        if v.external.as_ref().is_some_and(|e| e.value) {
            let conflict = if v.driver.is_some() {
                Some("driver")
            } else if !v.driver_opts.is_empty() {
                Some("driver_opts")
            } else if !v.labels.is_empty() {
                Some("labels")
            } else {
                None
            };
            if let Some(param) = conflict {
                return Err(err(
                    p,
                    v.span,
                    &format!("volumes.{key}"),
                    format!(
                        "volumes.{key}: conflicting parameters \"external\" and \"{param}\" specified"
                    ),
                ));
            }
        }
    }
    for (key, s) in &p.secrets {
        let external = s.external.as_ref().is_some_and(|e| e.value);
        if !external && s.file.is_none() && s.environment.is_none() {
            return Err(err(
                p,
                s.span,
                &format!("secrets.{key}"),
                format!("secrets.{key}: one of file|environment must be set"),
            ));
        }
        if s.file.is_some() && s.environment.is_some() {
            return Err(err(
                p,
                s.span,
                &format!("secrets.{key}"),
                format!("secrets.{key}: file|environment attributes are mutually exclusive"),
            ));
        }
    }
    for (key, c) in &p.configs {
        let external = c.external.as_ref().is_some_and(|e| e.value);
        if !external && c.file.is_none() && c.environment.is_none() && c.content.is_none() {
            return Err(err(
                p,
                c.span,
                &format!("configs.{key}"),
                format!("configs.{key}: one of file|environment|content must be set"),
            ));
        }
        let sources = usize::from(c.file.is_some())
            + usize::from(c.environment.is_some())
            + usize::from(c.content.is_some());
        if sources > 1 {
            return Err(err(
                p,
                c.span,
                &format!("configs.{key}"),
                format!(
                    "configs.{key}: file|environment|content attributes are mutually exclusive"
                ),
            ));
        }
    }
    Ok(())
}

/// An image or a build, and `network_mode` without `networks`.
fn basics(p: &Project, s: &Service) -> Result<(), LoadError> {
    let name = &s.name;
    if s.image.is_none() && s.build.is_none() && s.provider.is_none() {
        return Err(err(
            p,
            s.span,
            &format!("services.{name}"),
            format!(
                "service \"{name}\" has neither an image nor a build context specified: invalid compose project"
            ),
        ));
    }
    if let Some(b) = &s.build {
        if let (Some(_), Some(inline)) = (&b.value.dockerfile, &b.value.dockerfile_inline) {
            return Err(err(
                p,
                inline.span,
                &format!("services.{name}.build.dockerfile_inline"),
                format!(
                    "service \"{name}\" declares mutualy exclusive dockerfile and dockerfile_inline: invalid compose project"
                ),
            ));
        }
    }
    if let Some(nm) = &s.network_mode {
        if !s.networks.is_empty() {
            return Err(err(
                p,
                nm.span,
                &format!("services.{name}.network_mode"),
                format!(
                    "service {name} declares mutually exclusive `network_mode` and `networks`: invalid compose project"
                ),
            ));
        }
    }
    Ok(())
}

/// Legacy resource keys against `deploy.resources` / `deploy.replicas`.
fn resources_consistency(p: &Project, s: &Service) -> Result<(), LoadError> {
    let name = &s.name;
    let distinct = |span: Span, a: &str, b: &str| {
        err(
            p,
            span,
            &format!("services.{name}.{a}"),
            format!(
                "services.{name}: can't set distinct values on '{a}' and '{b}': invalid compose project"
            ),
        )
    };
    let Some(deploy) = &s.deploy else {
        return Ok(());
    };
    let d = &deploy.value;
    if let (Some(scale), Some(replicas)) = (&s.scale, &d.replicas) {
        if scale.value != replicas.value {
            return Err(distinct(scale.span, "scale", "deploy.replicas"));
        }
    }
    let Some(res) = &d.resources else {
        return Ok(());
    };
    if let Some(limits) = &res.value.limits {
        let l = &limits.value;
        if let Some(m) = &s.mem_limit {
            if l.memory.as_ref().map(|x| x.value) != Some(m.value) {
                return Err(distinct(
                    m.span,
                    "mem_limit",
                    "deploy.resources.limits.memory",
                ));
            }
        }
        if let Some(c) = &s.cpus {
            if l.cpus.as_ref().map(|x| x.value) != Some(c.value) {
                return Err(distinct(c.span, "cpus", "deploy.resources.limits.cpus"));
            }
        }
        if let Some(pl) = &s.pids_limit {
            if l.pids.as_ref().map(|x| x.value) != Some(pl.value) {
                return Err(distinct(
                    pl.span,
                    "pids_limit",
                    "deploy.resources.limits.pids",
                ));
            }
        }
    }
    if let Some(res_v) = &res.value.reservations {
        if let Some(m) = &s.mem_reservation {
            if res_v.value.memory.as_ref().map(|x| x.value) != Some(m.value) {
                return Err(distinct(
                    m.span,
                    "mem_reservation",
                    "deploy.resources.reservations.memory",
                ));
            }
        }
    }
    Ok(())
}

fn container_name(p: &Project, s: &Service) -> Result<(), LoadError> {
    let Some(cn) = &s.container_name else {
        return Ok(());
    };
    let replicas = s.deploy.as_ref().and_then(|d| d.value.replicas.clone());
    let (key, count) = match (&s.scale, replicas) {
        (Some(sc), _) => ("scale", sc.clone()),
        (None, Some(r)) => ("deploy.replicas", r),
        (None, None) => return Ok(()),
    };
    if count.value > 1 {
        return Err(err(
            p,
            cn.span,
            &format!("services.{}.container_name", s.name),
            format!(
                "services.{key}: can't set container_name and {} as container name must be unique: invalid compose project",
                s.name
            ),
        ));
    }
    Ok(())
}

fn references(p: &Project, s: &Service) -> Result<(), LoadError> {
    let n = &s.name;
    for (net, sn) in &s.networks {
        if !p.networks.contains_key(net) {
            return Err(err(
                p,
                sn.span,
                &format!("services.{n}.networks.{net}"),
                format!(
                    "service \"{n}\" refers to undefined network {net}: invalid compose project"
                ),
            ));
        }
    }
    for (i, v) in s.volumes.iter().enumerate() {
        if v.value.kind != VolumeType::Volume {
            continue;
        }
        if let Some(src) = &v.value.source {
            if !p.volumes.contains_key(src) {
                return Err(err(
                    p,
                    v.span,
                    &format!("services.{n}.volumes[{i}]"),
                    format!(
                        "service \"{n}\" refers to undefined volume {src}: invalid compose project"
                    ),
                ));
            }
        }
    }
    for (kind, list, defined) in [
        (
            "secret",
            &s.secrets,
            p.secrets.keys().collect::<BTreeSet<_>>(),
        ),
        (
            "config",
            &s.configs,
            p.configs.keys().collect::<BTreeSet<_>>(),
        ),
    ] {
        for (i, r) in list.iter().enumerate() {
            if !defined.contains(&r.value.source) {
                return Err(err(
                    p,
                    r.span,
                    &format!("services.{n}.{kind}s[{i}]"),
                    format!(
                        "service \"{n}\" refers to undefined {kind} {}: invalid compose project",
                        r.value.source
                    ),
                ));
            }
        }
    }
    if let Some(b) = &s.build {
        for (i, r) in b.value.secrets.iter().enumerate() {
            if !p.secrets.contains_key(&r.value.source) {
                return Err(err(
                    p,
                    r.span,
                    &format!("services.{n}.build.secrets[{i}]"),
                    format!(
                        "service \"{n}\" refers to undefined build secret {}: invalid compose project",
                        r.value.source
                    ),
                ));
            }
        }
    }
    let undefined_service = |span: Span, path: String, dep: &str| {
        err(
            p,
            span,
            &path,
            format!(
                "service \"{n}\" depends on undefined service \"{dep}\": invalid compose project"
            ),
        )
    };
    for (key, value) in [
        ("network_mode", &s.network_mode),
        ("ipc", &s.ipc),
        ("pid", &s.pid),
    ] {
        if let Some(v) = value {
            if let Some(dep) = v.value.strip_prefix("service:") {
                if !p.services.contains_key(dep) {
                    return Err(undefined_service(
                        v.span,
                        format!("services.{n}.{key}"),
                        dep,
                    ));
                }
            }
        }
    }
    for (i, v) in s.volumes_from.iter().enumerate() {
        if v.value.starts_with("container:") {
            continue;
        }
        let dep = v.value.split(':').next().unwrap_or_default();
        if !p.services.contains_key(dep) {
            return Err(undefined_service(
                v.span,
                format!("services.{n}.volumes_from[{i}]"),
                dep,
            ));
        }
    }
    Ok(())
}

/// `depends_on` must form no cycle (`dependency cycle detected: a -> b -> a`).
fn dependency_cycles(p: &Project) -> Result<(), LoadError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Visiting,
        Done,
    }
    struct Walk<'a> {
        p: &'a Project,
        /// Services by position (name order), and each one's dependencies as positions
        /// (dependencies on services not in the project are left out: they were checked
        /// when profiles were applied).
        names: Vec<&'a str>,
        deps: Vec<Vec<usize>>,
        marks: Vec<Mark>,
        stack: Vec<usize>,
    }
    fn visit(w: &mut Walk<'_>, i: usize) -> Result<(), LoadError> {
        match w.marks[i] {
            Mark::Done => return Ok(()),
            Mark::Visiting => {
                let start = w.stack.iter().position(|s| *s == i).unwrap_or(0);
                let mut cycle: Vec<&str> = w.stack[start..].iter().map(|&s| w.names[s]).collect();
                let name = w.names[i];
                cycle.push(name);
                // Report from the service whose dependency closes the cycle.
                let from = w.stack.last().map_or(name, |&s| w.names[s]);
                let span =
                    w.p.services
                        .get(from)
                        .and_then(|s| s.depends_on.get(name))
                        .map(|d| d.span)
                        .unwrap_or_default();
                return Err(err(
                    w.p,
                    span,
                    &format!("services.{from}.depends_on.{name}"),
                    format!("dependency cycle detected: {}", cycle.join(" -> ")),
                ));
            }
            Mark::New => {}
        }
        w.marks[i] = Mark::Visiting;
        w.stack.push(i);
        for k in 0..w.deps[i].len() {
            visit(w, w.deps[i][k])?;
        }
        w.stack.pop();
        w.marks[i] = Mark::Done;
        Ok(())
    }
    let names: Vec<&str> = p.services.keys().map(String::as_str).collect();
    let deps = p
        .services
        .values()
        .map(|s| {
            s.depends_on
                .keys()
                .filter_map(|d| names.binary_search(&d.as_str()).ok())
                .collect()
        })
        .collect();
    let n = names.len();
    let mut w = Walk {
        p,
        names,
        deps,
        marks: vec![Mark::New; n],
        stack: Vec::new(),
    };
    for i in 0..n {
        visit(&mut w, i)?;
    }
    Ok(())
}
