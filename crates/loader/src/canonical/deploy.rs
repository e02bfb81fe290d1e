//! `deploy` (resources, restart policy, placement, update configs) and `gpus`.

use std::collections::BTreeMap;

use transship_ir::{
    Deploy, DeployRestartPolicy, DeviceRequest, DiscreteResourceSpec, GenericResource, Placement,
    PlacementPreference, ResourceLimits, ResourceReservations, Resources, Spanned, UpdateConfig,
};

use super::read::*;
use crate::tree::{Node, NodeValue};

pub(crate) fn deploy(
    cx: &mut CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<Deploy>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut d = Deploy::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "mode" => d.mode = omitempty_string(cx, n, &kp)?,
            "endpoint_mode" => d.endpoint_mode = omitempty_string(cx, n, &kp)?,
            "replicas" => d.replicas = opt_int(cx, n, &kp)?,
            "labels" => d.labels = string_map(cx, n, &kp)?,
            "rollback_config" => d.rollback_config = update_config(cx, n, &kp)?,
            "update_config" => d.update_config = update_config(cx, n, &kp)?,
            "resources" => d.resources = resources(cx, n, &kp)?,
            "restart_policy" => d.restart_policy = restart_policy(cx, n, &kp)?,
            "placement" => d.placement = placement(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, p)),
        }
    }
    d.extensions = ext;
    Ok(Some(Spanned::new(d, v.span)))
}

fn update_config(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<UpdateConfig>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut u = UpdateConfig::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "parallelism" => u.parallelism = opt_int(cx, n, &kp)?,
            "delay" => u.delay = opt_duration(cx, n, &kp)?,
            "failure_action" => u.failure_action = omitempty_string(cx, n, &kp)?,
            "monitor" => u.monitor = opt_duration(cx, n, &kp)?,
            "max_failure_ratio" => u.max_failure_ratio = opt_float(cx, n, &kp)?,
            "order" => u.order = one_of(cx, n, &kp, &["start-first", "stop-first"])?,
            _ => return Err(unknown(cx, k, p)),
        }
    }
    u.extensions = ext;
    Ok(Some(Spanned::new(u, v.span)))
}

fn resources(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<Resources>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut r = Resources::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "limits" => {
                let mut l = ResourceLimits::default();
                let mut e = BTreeMap::new();
                for (k2, n2, p2) in object(cx, n, &kp, &mut e)? {
                    match k2.name.as_str() {
                        "cpus" => l.cpus = opt_float(cx, n2, &p2)?,
                        "memory" => l.memory = deploy_memory(cx, n2, &p2)?,
                        "pids" => l.pids = opt_int(cx, n2, &p2)?,
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                l.extensions = e;
                r.limits = Some(Spanned::new(l, n.span));
            }
            "reservations" => {
                let mut rv = ResourceReservations::default();
                let mut e = BTreeMap::new();
                for (k2, n2, p2) in object(cx, n, &kp, &mut e)? {
                    match k2.name.as_str() {
                        "cpus" => rv.cpus = opt_float(cx, n2, &p2)?,
                        "memory" => rv.memory = deploy_memory(cx, n2, &p2)?,
                        "generic_resources" => rv.generic_resources = generic(cx, n2, &p2)?,
                        "devices" => rv.devices = device_requests(cx, n2, &p2, true)?,
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                rv.extensions = e;
                r.reservations = Some(Spanned::new(rv, n.span));
            }
            _ => return Err(unknown(cx, k, p)),
        }
    }
    r.extensions = ext;
    Ok(Some(Spanned::new(r, v.span)))
}

fn generic(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Vec<Spanned<GenericResource>>> {
    let mut out = Vec::new();
    for (i, item) in seq(cx, v, p)?.iter().enumerate() {
        let ip = item_key_path(p, i);
        let mut g = GenericResource::default();
        for (k, n, kp) in object(cx, item, &ip, &mut g.extensions)? {
            if k.name != "discrete_resource_spec" {
                return Err(unknown(cx, k, &ip));
            }
            let mut spec = DiscreteResourceSpec::default();
            for (k2, n2, p2) in object(cx, n, &kp, &mut spec.extensions)? {
                match k2.name.as_str() {
                    "kind" => spec.kind = string(cx, n2, &p2)?.value,
                    "value" => spec.value = int(cx, n2, &p2)?.value,
                    _ => return Err(unknown(cx, k2, &kp)),
                }
            }
            g.discrete_resource_spec = Some(spec);
        }
        // Compose keeps every entry, `{}` included.
        out.push(Spanned::new(g, item.span));
    }
    Ok(out)
}

/// Device requests (`deploy.resources.reservations.devices`, long `gpus`). The schema
/// requires `capabilities` in the former only: a `gpus` entry without it (`- count: 2`) is
/// valid, and it is what `docker compose config` prints for `gpus: all`.
fn device_requests(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
    require_capabilities: bool,
) -> LoadResult<Vec<Spanned<DeviceRequest>>> {
    let mut out = Vec::new();
    for (i, item) in seq(cx, v, p)?.iter().enumerate() {
        let ip = item_key_path(p, i);
        let mut d = DeviceRequest::default();
        let mut ext = BTreeMap::new();
        if require_capabilities
            && matches!(item.value, NodeValue::Map(_))
            && item.get("capabilities").is_none()
        {
            return Err(cx.err(item.span, &ip, format!("{ip} capabilities is required")));
        }
        for (k, n, kp) in object(cx, item, &ip, &mut ext)? {
            match k.name.as_str() {
                "capabilities" => {
                    d.capabilities = string_list(cx, n, &kp, false)?
                        .into_iter()
                        .map(|s| s.value)
                        .collect();
                }
                "driver" => d.driver = opt_string(cx, n, &kp)?.map(|s| s.value),
                "count" => {
                    d.count = match &n.value {
                        NodeValue::String(s) if s == "all" => Some(-1),
                        _ => opt_int(cx, n, &kp)?.map(|i| i.value),
                    };
                }
                "device_ids" => {
                    d.device_ids = string_list(cx, n, &kp, false)?
                        .into_iter()
                        .map(|s| s.value)
                        .collect();
                }
                "options" => {
                    d.options = string_map(cx, n, &kp)?
                        .into_iter()
                        .map(|(k, v)| (k, v.value))
                        .collect();
                }
                _ => return Err(unknown(cx, k, &ip)),
            }
        }
        if d.count.is_some() && !d.device_ids.is_empty() {
            return Err(cx.err(
                item.span,
                &ip,
                format!("{ip}: \"count\" and \"device_ids\" attributes are exclusive"),
            ));
        }
        d.extensions = ext;
        out.push(Spanned::new(d, item.span));
    }
    Ok(out)
}

/// `gpus: all` or a list of device requests.
pub(crate) fn gpus(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Vec<Spanned<DeviceRequest>>> {
    match &v.value {
        NodeValue::String(s) if s == "all" => Ok(vec![Spanned::new(
            DeviceRequest {
                count: Some(-1),
                ..DeviceRequest::default()
            },
            v.span,
        )]),
        NodeValue::String(_) => Err(cx.err(
            v.span,
            p,
            format!("{p} must be one of the following: \"all\""),
        )),
        _ => device_requests(cx, v, p, false),
    }
}

fn restart_policy(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<DeployRestartPolicy>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut r = DeployRestartPolicy::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "condition" => r.condition = omitempty_string(cx, n, &kp)?,
            "delay" => r.delay = opt_duration(cx, n, &kp)?,
            "max_attempts" => r.max_attempts = opt_int(cx, n, &kp)?,
            "window" => r.window = opt_duration(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, p)),
        }
    }
    r.extensions = ext;
    Ok(Some(Spanned::new(r, v.span)))
}

fn placement(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<Placement>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut pl = Placement::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "constraints" => pl.constraints = string_list(cx, n, &kp, false)?,
            "preferences" => {
                for (i, item) in seq(cx, n, &kp)?.iter().enumerate() {
                    let ip = item_key_path(&kp, i);
                    let mut pref = PlacementPreference::default();
                    for (k2, n2, p2) in object(cx, item, &ip, &mut pref.extensions)? {
                        match k2.name.as_str() {
                            "spread" => pref.spread = Some(string(cx, n2, &p2)?.value),
                            _ => return Err(unknown(cx, k2, &ip)),
                        }
                    }
                    // Compose keeps every entry, `{}` included.
                    pl.preferences.push(Spanned::new(pref, item.span));
                }
            }
            "max_replicas_per_node" => pl.max_replicas_per_node = opt_int(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, p)),
        }
    }
    pl.extensions = ext;
    Ok(Some(Spanned::new(pl, v.span)))
}

/// `deploy.resources.*.memory`: the schema wants a string here (`512M`), unlike `mem_limit`.
fn deploy_memory(
    cx: &CanonicalizeState<'_>,
    n: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<transship_ir::ByteSize>>> {
    match &n.value {
        NodeValue::Int(_) | NodeValue::Float(_) => {
            Err(cx.err(n.span, p, format!("{p} must be a string")))
        }
        _ => opt_byte_size(cx, n, p),
    }
}
