//! One service: every one of the 92 service keys, short syntax turned into long.

use std::collections::BTreeMap;

use transship_ir::{
    BlkioConfig, CredentialSpec, Dependency, DependsCondition, Device, Extends, LifecycleHook,
    Logging, Service, Span, Spanned, ThrottleDevice, WeightDevice,
};

use super::read::*;
use super::shared_keys::{extra_hosts, file_refs, ulimits};
use super::{build, deploy, envfile, healthcheck, networks, ports, units, volumes};
use crate::tree::{Key, Node, NodeValue};

pub(crate) fn service(
    cx: &mut CanonicalizeState<'_>,
    key: &Key,
    node: &Node,
) -> LoadResult<Service> {
    let path = format!("services.{}", key.name);
    let mut s = Service {
        name: key.name.clone(),
        span: key.span,
        ..Service::default()
    };
    if !matches!(node.value, NodeValue::Map(_)) {
        return Err(cx.err(node.span, &path, format!("{path} must be a mapping")));
    }
    let mut ext = BTreeMap::new();
    let entries = object(cx, node, &path, &mut ext)?;
    s.extensions = ext;
    let mut env_file_node = None;
    let mut label_file_node = None;
    for (k, v, p) in entries {
        let p = p.as_str();
        if UNIQUE_ITEMS.contains(&k.name.as_str()) {
            unique_items(cx, v, p)?;
        }
        match k.name.as_str() {
            "annotations" => s.annotations = string_map(cx, v, p)?,
            "attach" => s.attach = opt_bool(cx, v, p)?,
            "blkio_config" => s.blkio_config = blkio(cx, v, p)?,
            "build" => s.build = build::build(cx, v, p)?.map(|b| b.map(Box::new)),
            "cap_add" => s.cap_add = string_list(cx, v, p, false)?,
            "cap_drop" => s.cap_drop = string_list(cx, v, p, false)?,
            "cgroup" => s.cgroup = one_of(cx, v, p, &["host", "private"])?,
            "cgroup_parent" => s.cgroup_parent = omitempty_string(cx, v, p)?,
            "command" => s.command = command(cx, v, p)?,
            "configs" => s.configs = file_refs(cx, v, p, None)?,
            "container_name" => s.container_name = omitempty_string(cx, v, p)?,
            "cpu_count" => s.cpu_count = opt_int(cx, v, p)?,
            "cpu_percent" => s.cpu_percent = opt_float(cx, v, p)?,
            "cpu_period" => s.cpu_period = opt_int(cx, v, p)?,
            "cpu_quota" => s.cpu_quota = opt_int(cx, v, p)?,
            "cpu_rt_period" => s.cpu_rt_period = micros(cx, v, p)?,
            "cpu_rt_runtime" => s.cpu_rt_runtime = micros(cx, v, p)?,
            "cpu_shares" => s.cpu_shares = opt_int(cx, v, p)?,
            "cpus" => s.cpus = opt_float(cx, v, p)?,
            "cpuset" => s.cpuset = omitempty_string(cx, v, p)?,
            "credential_spec" => s.credential_spec = credential_spec(cx, v, p)?,
            "depends_on" => s.depends_on = depends_on(cx, v, p)?,
            "deploy" => s.deploy = deploy::deploy(cx, v, p)?.map(|d| d.map(Box::new)),
            "develop" => s.develop = opt_value(v),
            "device_cgroup_rules" => s.device_cgroup_rules = string_list(cx, v, p, false)?,
            "devices" => s.devices = devices(cx, v, p)?,
            "dns" => s.dns = string_list(cx, v, p, true)?,
            "dns_opt" => s.dns_opt = string_list(cx, v, p, false)?,
            "dns_search" => s.dns_search = string_list(cx, v, p, true)?,
            "domainname" => s.domainname = omitempty_string(cx, v, p)?,
            "entrypoint" => s.entrypoint = command(cx, v, p)?,
            "env_file" => env_file_node = Some(v),
            "environment" => s.environment = key_values(cx, v, p, '=')?,
            "expose" => s.expose = string_list(cx, v, p, false)?,
            "extends" => s.extends = extends(cx, v, p)?,
            "external_links" => s.external_links = string_list(cx, v, p, false)?,
            "extra_hosts" => s.extra_hosts = extra_hosts(cx, v, p)?,
            "gpus" => s.gpus = deploy::gpus(cx, v, p)?,
            "group_add" => s.group_add = string_list(cx, v, p, false)?,
            "healthcheck" => s.healthcheck = healthcheck::healthcheck(cx, v, p)?,
            "hostname" => s.hostname = omitempty_string(cx, v, p)?,
            "image" => s.image = omitempty_string(cx, v, p)?,
            "init" => s.init = opt_bool(cx, v, p)?,
            "ipc" => s.ipc = omitempty_string(cx, v, p)?,
            "isolation" => s.isolation = omitempty_string(cx, v, p)?,
            "label_file" => label_file_node = Some(v),
            "labels" => s.labels = string_map(cx, v, p)?,
            "links" => s.links = string_list(cx, v, p, false)?,
            "logging" => s.logging = logging(cx, v, p)?,
            "mac_address" => s.mac_address = omitempty_string(cx, v, p)?,
            "mem_limit" => s.mem_limit = opt_byte_size(cx, v, p)?,
            "mem_reservation" => s.mem_reservation = opt_byte_size(cx, v, p)?,
            "mem_swappiness" => s.mem_swappiness = opt_int(cx, v, p)?,
            "memswap_limit" => s.memswap_limit = opt_byte_size(cx, v, p)?,
            "models" => s.models = opt_value(v),
            // Written empty, it still keeps the project's default network away: kept.
            "network_mode" => s.network_mode = opt_string(cx, v, p)?,
            "networks" => s.networks = networks::service_networks(cx, v, p)?,
            "oom_kill_disable" => s.oom_kill_disable = opt_bool(cx, v, p)?,
            "oom_score_adj" => s.oom_score_adj = opt_int(cx, v, p)?,
            "pid" => s.pid = omitempty_string(cx, v, p)?,
            "pids_limit" => s.pids_limit = opt_int(cx, v, p)?,
            "platform" => s.platform = omitempty_string(cx, v, p)?,
            "ports" => s.ports = ports::ports(cx, v, p)?,
            "post_start" => s.post_start = hooks(cx, v, p)?,
            "pre_stop" => s.pre_stop = hooks(cx, v, p)?,
            "privileged" => s.privileged = opt_bool(cx, v, p)?,
            "profiles" => s.profiles = string_list(cx, v, p, false)?,
            "provider" => s.provider = opt_value(v),
            "pull_policy" => s.pull_policy = pull_policy(cx, v, p)?,
            "pull_refresh_after" => s.pull_refresh_after = opt_string(cx, v, p)?,
            "read_only" => s.read_only = opt_bool(cx, v, p)?,
            "restart" => s.restart = restart(cx, v, p)?,
            "runtime" => s.runtime = omitempty_string(cx, v, p)?,
            "scale" => s.scale = opt_int(cx, v, p)?,
            "secrets" => s.secrets = file_refs(cx, v, p, Some("/run/secrets/"))?,
            "security_opt" => s.security_opt = string_list(cx, v, p, false)?,
            "shm_size" => s.shm_size = opt_byte_size(cx, v, p)?,
            "stdin_open" => s.stdin_open = opt_bool(cx, v, p)?,
            "stop_grace_period" => s.stop_grace_period = opt_duration(cx, v, p)?,
            "stop_signal" => s.stop_signal = omitempty_string(cx, v, p)?,
            "storage_opt" => s.storage_opt = string_map(cx, v, p)?,
            "sysctls" => s.sysctls = string_map(cx, v, p)?,
            "tmpfs" => s.tmpfs = string_list(cx, v, p, true)?,
            "tty" => s.tty = opt_bool(cx, v, p)?,
            "ulimits" => s.ulimits = ulimits(cx, v, p)?,
            "use_api_socket" => s.use_api_socket = opt_bool(cx, v, p)?,
            "user" => s.user = omitempty_string(cx, v, p)?,
            "userns_mode" => s.userns_mode = omitempty_string(cx, v, p)?,
            "uts" => s.uts = omitempty_string(cx, v, p)?,
            "volumes" => s.volumes = volumes::service_volumes(cx, v, p)?,
            "volumes_from" => s.volumes_from = string_list(cx, v, p, false)?,
            "working_dir" => s.working_dir = omitempty_string(cx, v, p)?,
            _ => return Err(unknown(cx, k, &path)),
        }
    }
    if let Some(v) = env_file_node {
        let p = format!("{path}.env_file");
        envfile::fold_env_files(cx, &mut s, v, &p)?;
    }
    envfile::resolve_bare_env(cx, &mut s);
    implicit_dependencies(&mut s);
    if let Some(v) = label_file_node {
        let p = format!("{path}.label_file");
        envfile::fold_label_files(cx, &mut s, v, &p)?;
    }
    Ok(s)
}

/// Service lists the Compose schema declares `uniqueItems`, as far as docker-compose 2.26.1
/// enforces it.
const UNIQUE_ITEMS: &[&str] = &[
    "depends_on",
    "device_cgroup_rules",
    "external_links",
    "extra_hosts",
    "group_add",
    "security_opt",
    "volumes_from",
];

/// `services.web.security_opt array items[0,1] must be unique`, located at the repetition.
fn unique_items(cx: &CanonicalizeState<'_>, v: &Node, p: &str) -> LoadResult<()> {
    let NodeValue::Seq(items) = &v.value else {
        return Ok(());
    };
    for (j, item) in items.iter().enumerate() {
        let Some(text) = scalar_text(item) else {
            continue;
        };
        if let Some(i) = items[..j]
            .iter()
            .position(|prev| scalar_text(prev).as_deref() == Some(text.as_str()))
        {
            return Err(cx.err(
                item.span,
                p,
                format!("{p} array items[{i},{j}] must be unique"),
            ));
        }
    }
    Ok(())
}

fn opt_value(v: &Node) -> Option<Spanned<transship_ir::Value>> {
    match v.value {
        NodeValue::Null => None,
        _ => Some(spanned_value(v)),
    }
}

/// `command` / `entrypoint`: a string is shell-word split; a list is taken as is.
fn command(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<Vec<String>>>> {
    match &v.value {
        NodeValue::Null => Ok(None),
        NodeValue::String(s) => units::shell_split(s)
            .map(|w| Some(Spanned::new(w, v.span)))
            .map_err(|e| cx.err(v.span, p, e)),
        NodeValue::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(string(cx, item, &item_key_path(p, i))?.value);
            }
            Ok(Some(Spanned::new(out, v.span)))
        }
        _ => Err(cx.err(v.span, p, format!("{p} must be a string or a list"))),
    }
}

/// `cpu_rt_period` / `cpu_rt_runtime`: microseconds as a number or a duration string.
fn micros(cx: &CanonicalizeState<'_>, v: &Node, p: &str) -> LoadResult<Option<Spanned<i64>>> {
    match &v.value {
        NodeValue::Null => Ok(None),
        NodeValue::String(s) if s.parse::<i64>().is_err() => {
            let d = units::parse_duration(s).map_err(|e| cx.err(v.span, p, e))?;
            Ok(Some(Spanned::new(d.0 / 1000, v.span)))
        }
        _ => opt_int(cx, v, p),
    }
}

fn blkio(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<BlkioConfig>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut b = BlkioConfig::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "weight" => b.weight = Some(u16_of(cx, n, &kp)?),
            "weight_device" => {
                for (i, item) in seq(cx, n, &kp)?.iter().enumerate() {
                    let ip = item_key_path(&kp, i);
                    let mut d = WeightDevice::default();
                    for (k2, n2, p2) in closed_object(cx, item, &ip)? {
                        match k2.name.as_str() {
                            "path" => d.path = string(cx, n2, &p2)?.value,
                            "weight" => d.weight = u16_of(cx, n2, &p2)?.value,
                            _ => return Err(unknown(cx, k2, &ip)),
                        }
                    }
                    b.weight_device.push(Spanned::new(d, item.span));
                }
            }
            "device_read_bps" | "device_read_iops" | "device_write_bps" | "device_write_iops" => {
                let bps = k.name.ends_with("bps");
                let mut list = Vec::new();
                for (i, item) in seq(cx, n, &kp)?.iter().enumerate() {
                    let ip = item_key_path(&kp, i);
                    let mut d = ThrottleDevice::default();
                    for (k2, n2, p2) in closed_object(cx, item, &ip)? {
                        match k2.name.as_str() {
                            "path" => d.path = string(cx, n2, &p2)?.value,
                            "rate" => {
                                let rate = if bps {
                                    byte_size(cx, n2, &p2)?.value.0
                                } else {
                                    int(cx, n2, &p2)?.value
                                };
                                d.rate = u64::try_from(rate).map_err(|_| {
                                    cx.err(n2.span, &p2, "rate must not be negative")
                                })?;
                            }
                            _ => return Err(unknown(cx, k2, &ip)),
                        }
                    }
                    list.push(Spanned::new(d, item.span));
                }
                match k.name.as_str() {
                    "device_read_bps" => b.device_read_bps = list,
                    "device_read_iops" => b.device_read_iops = list,
                    "device_write_bps" => b.device_write_bps = list,
                    _ => b.device_write_iops = list,
                }
            }
            _ => return Err(unknown(cx, k, p)),
        }
    }
    b.extensions = ext;
    Ok(Some(Spanned::new(b, v.span)))
}

fn u16_of(cx: &CanonicalizeState<'_>, n: &Node, p: &str) -> LoadResult<Spanned<u16>> {
    let i = int(cx, n, p)?;
    u16::try_from(i.value)
        .map(|w| Spanned::new(w, i.span))
        .map_err(|_| cx.err(n.span, p, format!("{p} must be between 0 and 65535")))
}

fn credential_spec(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<CredentialSpec>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut c = CredentialSpec::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        let s = opt_string(cx, n, &kp)?.map(|s| s.value);
        match k.name.as_str() {
            "config" => c.config = s,
            "file" => c.file = s,
            "registry" => c.registry = s,
            _ => return Err(unknown(cx, k, p)),
        }
    }
    c.extensions = ext;
    Ok(Some(Spanned::new(c, v.span)))
}

/// `depends_on`: a list of names (→ `service_started`, required) or the long mapping.
fn depends_on(
    cx: &mut CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<BTreeMap<String, Spanned<Dependency>>> {
    let mut out = BTreeMap::new();
    match &v.value {
        NodeValue::Null => {}
        NodeValue::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let name = string(cx, item, &item_key_path(p, i))?;
                // Defaults that were not written carry a synthetic span (line 0).
                let default = Span::synthetic(item.span.file);
                let dep = Dependency {
                    condition: Spanned::new(DependsCondition::ServiceStarted, default),
                    restart: None,
                    required: Spanned::new(true, default),
                    extensions: BTreeMap::new(),
                };
                out.insert(name.value, Spanned::new(dep, item.span));
            }
        }
        NodeValue::Map(entries) => {
            for (k, n) in entries {
                let kp = child_key_path(p, &k.name);
                let default = Span::synthetic(k.span.file);
                let mut dep = Dependency {
                    condition: Spanned::new(DependsCondition::ServiceStarted, default),
                    restart: None,
                    required: Spanned::new(true, default),
                    extensions: BTreeMap::new(),
                };
                let mut ext = BTreeMap::new();
                let mut has_condition = false;
                for (k2, n2, p2) in object(cx, n, &kp, &mut ext)? {
                    match k2.name.as_str() {
                        "condition" => {
                            let c = string(cx, n2, &p2)?;
                            let cond = match c.value.as_str() {
                                "service_started" => DependsCondition::ServiceStarted,
                                "service_healthy" => DependsCondition::ServiceHealthy,
                                "service_completed_successfully" => {
                                    DependsCondition::ServiceCompletedSuccessfully
                                }
                                other => {
                                    return Err(cx.err(
                                        n2.span,
                                        &p2,
                                        format!("{p2} must be one of the following: \"service_started\", \"service_healthy\", \"service_completed_successfully\" (got \"{other}\")"),
                                    ));
                                }
                            };
                            has_condition = true;
                            dep.condition = Spanned::new(cond, n2.span);
                        }
                        "restart" => dep.restart = opt_bool(cx, n2, &p2)?,
                        // The schema types `required` as a plain boolean (no strings).
                        "required" => match &n2.value {
                            NodeValue::Bool(b) => dep.required = Spanned::new(*b, n2.span),
                            NodeValue::Null => {}
                            _ => {
                                return Err(cx.err(
                                    n2.span,
                                    &p2,
                                    format!("{p2} must be a boolean"),
                                ));
                            }
                        },
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                if !has_condition {
                    return Err(cx.err(n.span, &kp, format!("{kp} condition is required")));
                }
                dep.extensions = ext;
                out.insert(k.name.clone(), Spanned::new(dep, k.span));
            }
        }
        _ => return Err(cx.err(v.span, p, format!("{p} must be a list or a mapping"))),
    }
    Ok(out)
}

/// `devices`: `host[:container[:perms]]` or `{source, target, permissions}`.
fn devices(cx: &CanonicalizeState<'_>, v: &Node, p: &str) -> LoadResult<Vec<Spanned<Device>>> {
    let mut out = Vec::new();
    for (i, item) in seq(cx, v, p)?.iter().enumerate() {
        let ip = item_key_path(p, i);
        let d = match &item.value {
            NodeValue::String(s) => {
                let parts: Vec<&str> = s.split(':').collect();
                let (source, target, perms) = match parts.as_slice() {
                    [a] => (*a, *a, Some("rwm".to_owned())),
                    // `host:container` (compose-go never reads `/dev/a:rwm` as permissions).
                    [a, b] => (*a, *b, Some("rwm".to_owned())),
                    [a, b, c] => (*a, *b, (!c.is_empty()).then(|| (*c).to_owned())),
                    _ => {
                        return Err(cx.err(
                            item.span,
                            &ip,
                            format!("confusing device mapping, please use long syntax: {s}"),
                        ));
                    }
                };
                Device {
                    source: source.to_owned(),
                    target: target.to_owned(),
                    permissions: perms,
                    extensions: BTreeMap::new(),
                }
            }
            NodeValue::Map(_) => {
                let mut d = Device::default();
                let mut ext = BTreeMap::new();
                for (k, n, kp) in object(cx, item, &ip, &mut ext)? {
                    match k.name.as_str() {
                        "source" => d.source = string(cx, n, &kp)?.value,
                        "target" => d.target = string(cx, n, &kp)?.value,
                        "permissions" => {
                            d.permissions = omitempty_string(cx, n, &kp)?.map(|s| s.value)
                        }
                        _ => return Err(unknown(cx, k, &ip)),
                    }
                }
                if d.target.is_empty() {
                    d.target = d.source.clone();
                }
                d.extensions = ext;
                d
            }
            _ => {
                return Err(cx.err(
                    item.span,
                    &ip,
                    format!("{ip} must be a string or a mapping"),
                ));
            }
        };
        out.push(Spanned::new(d, item.span));
    }
    Ok(out)
}

fn extends(cx: &CanonicalizeState<'_>, v: &Node, p: &str) -> LoadResult<Option<Spanned<Extends>>> {
    match &v.value {
        NodeValue::Null => Ok(None),
        NodeValue::String(s) => Ok(Some(Spanned::new(
            Extends {
                service: s.clone(),
                file: None,
            },
            v.span,
        ))),
        NodeValue::Map(_) => {
            let mut e = Extends::default();
            let mut ext = BTreeMap::new();
            for (k, n, kp) in object(cx, v, p, &mut ext)? {
                match k.name.as_str() {
                    "service" => e.service = string(cx, n, &kp)?.value,
                    "file" => {
                        let f = string(cx, n, &kp)?;
                        e.file = Some(cx.abs_path(f.span, &f.value));
                    }
                    _ => return Err(unknown(cx, k, p)),
                }
            }
            Ok(Some(Spanned::new(e, v.span)))
        }
        _ => Err(cx.err(v.span, p, format!("{p} must be a string or a mapping"))),
    }
}

fn logging(cx: &CanonicalizeState<'_>, v: &Node, p: &str) -> LoadResult<Option<Spanned<Logging>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut l = Logging::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "driver" => l.driver = omitempty_string(cx, n, &kp)?,
            "options" => l.options = string_map(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, p)),
        }
    }
    l.extensions = ext;
    Ok(Some(Spanned::new(l, v.span)))
}

fn hooks(
    cx: &mut CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Vec<Spanned<LifecycleHook>>> {
    let mut out = Vec::new();
    for (i, item) in seq(cx, v, p)?.iter().enumerate() {
        let ip = item_key_path(p, i);
        let mut h = LifecycleHook::default();
        let mut ext = BTreeMap::new();
        for (k, n, kp) in object(cx, item, &ip, &mut ext)? {
            match k.name.as_str() {
                "command" => h.command = command(cx, n, &kp)?.map(|c| c.value).unwrap_or_default(),
                "user" => h.user = omitempty_string(cx, n, &kp)?.map(|s| s.value),
                "privileged" => h.privileged = opt_bool(cx, n, &kp)?.map(|b| b.value),
                "working_dir" => h.working_dir = omitempty_string(cx, n, &kp)?.map(|s| s.value),
                "environment" => {
                    h.environment = key_values(cx, n, &kp, '=')?
                        .into_iter()
                        .map(|(k, v)| (k, v.value))
                        .collect();
                }
                _ => return Err(unknown(cx, k, &ip)),
            }
        }
        h.extensions = ext;
        out.push(Spanned::new(h, item.span));
    }
    Ok(out)
}

fn restart(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<transship_ir::RestartPolicy>>> {
    match opt_string(cx, v, p)? {
        None => Ok(None),
        Some(s) => units::parse_restart(&s.value)
            .map(|r| Some(Spanned::new(r, s.span)))
            .map_err(|e| cx.err(s.span, p, e)),
    }
}

/// Compose adds a dependency for `links`, `network_mode`/`ipc`/`pid: service:x` (with
/// `restart: true`) and `volumes_from` (without), unless `depends_on` already names it.
fn implicit_dependencies(s: &mut Service) {
    let mut implied: Vec<(String, Span, bool)> = Vec::new();
    for l in &s.links {
        let name = l.value.split(':').next().unwrap_or_default();
        implied.push((name.to_owned(), l.span, true));
    }
    for v in [&s.network_mode, &s.ipc, &s.pid].into_iter().flatten() {
        if let Some(name) = v.value.strip_prefix("service:") {
            implied.push((name.to_owned(), v.span, true));
        }
    }
    for v in &s.volumes_from {
        if !v.value.starts_with("container:") {
            let name = v.value.split(':').next().unwrap_or_default();
            implied.push((name.to_owned(), v.span, false));
        }
    }
    for (name, span, restart) in implied {
        if name.is_empty() || s.depends_on.contains_key(&name) {
            continue;
        }
        // Implied by another key: the entry points at that key, its values are defaults.
        let default = Span::synthetic(span.file);
        let dep = Dependency {
            condition: Spanned::new(DependsCondition::ServiceStarted, default),
            restart: restart.then(|| Spanned::new(true, default)),
            required: Spanned::new(true, default),
            extensions: BTreeMap::new(),
        };
        s.depends_on.insert(name, Spanned::new(dep, span));
    }
}

/// `pull_policy`: docker-compose 2.26.1's five values, plus the refresh forms of the current
/// specification (`daily`, `weekly`, `every_<duration>`).
fn pull_policy(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<String>>> {
    let Some(s) = opt_string(cx, v, p)? else {
        return Ok(None);
    };
    let ok = matches!(
        s.value.as_str(),
        "always" | "never" | "if_not_present" | "build" | "missing" | "daily" | "weekly"
    ) || s
        .value
        .strip_prefix("every_")
        .is_some_and(|d| units::parse_duration(d).is_ok());
    if ok {
        Ok(Some(s))
    } else {
        Err(cx.err(
            s.span,
            p,
            format!("{p} must be one of the following: \"always\", \"never\", \"if_not_present\", \"build\", \"missing\""),
        ))
    }
}
