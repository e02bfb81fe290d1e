//! Service `networks` (list or mapping) and top-level `networks`.

use std::collections::BTreeMap;

use transship_ir::{Ipam, IpamPool, Network, ServiceNetwork, Spanned};

use super::read::*;
use super::volumes::{external, resource_name};
use crate::tree::{Key, Node, NodeValue};

pub(crate) fn service_networks(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<BTreeMap<String, Spanned<Box<ServiceNetwork>>>> {
    let mut out = BTreeMap::new();
    match &v.value {
        NodeValue::Null => {}
        NodeValue::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let name = string(cx, item, &item_key_path(p, i))?;
                out.insert(name.value, Spanned::new(Box::default(), item.span));
            }
        }
        NodeValue::Map(entries) => {
            for (k, n) in entries {
                let kp = child_key_path(p, &k.name);
                let mut sn = ServiceNetwork {
                    mapping: matches!(n.value, NodeValue::Map(_)),
                    ..ServiceNetwork::default()
                };
                let mut ext = BTreeMap::new();
                for (k2, n2, p2) in object(cx, n, &kp, &mut ext)? {
                    match k2.name.as_str() {
                        "aliases" => sn.aliases = string_list(cx, n2, &p2, false)?,
                        "interface_name" => sn.interface_name = omitempty_string(cx, n2, &p2)?,
                        "ipv4_address" => sn.ipv4_address = omitempty_string(cx, n2, &p2)?,
                        "ipv6_address" => sn.ipv6_address = omitempty_string(cx, n2, &p2)?,
                        "link_local_ips" => sn.link_local_ips = string_list(cx, n2, &p2, false)?,
                        "mac_address" => sn.mac_address = omitempty_string(cx, n2, &p2)?,
                        "driver_opts" => sn.driver_opts = string_map(cx, n2, &p2)?,
                        "priority" => sn.priority = opt_int(cx, n2, &p2)?,
                        "gw_priority" => sn.gw_priority = opt_int(cx, n2, &p2)?,
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                sn.extensions = ext;
                out.insert(k.name.clone(), Spanned::new(Box::new(sn), k.span));
            }
        }
        _ => return Err(cx.err(v.span, p, format!("{p} must be a list or a mapping"))),
    }
    Ok(out)
}

/// Top-level `networks.<key>`.
pub(crate) fn network(
    cx: &mut CanonicalizeState<'_>,
    key: &Key,
    node: &Node,
) -> LoadResult<Network> {
    let path = format!("networks.{}", key.name);
    let mut net = Network {
        span: key.span,
        ..Network::default()
    };
    let mut ext = BTreeMap::new();
    let mut name = None;
    for (k, n, kp) in object(cx, node, &path, &mut ext)? {
        match k.name.as_str() {
            "name" => name = opt_string(cx, n, &kp)?,
            "driver" => net.driver = omitempty_string(cx, n, &kp)?,
            "driver_opts" => net.driver_opts = string_map(cx, n, &kp)?,
            "ipam" => net.ipam = ipam(cx, n, &kp)?,
            "external" => net.external = external(cx, n, &kp, &mut name)?,
            "internal" => net.internal = opt_bool(cx, n, &kp)?,
            "enable_ipv4" => net.enable_ipv4 = opt_bool(cx, n, &kp)?,
            "enable_ipv6" => net.enable_ipv6 = opt_bool(cx, n, &kp)?,
            "attachable" => net.attachable = opt_bool(cx, n, &kp)?,
            "labels" => net.labels = string_map(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, &path)),
        }
    }
    net.name = resource_name(cx, key, name, net.external.as_ref());
    net.extensions = ext;
    Ok(net)
}

fn ipam(cx: &CanonicalizeState<'_>, v: &Node, p: &str) -> LoadResult<Option<Spanned<Ipam>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut ipam = Ipam::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "driver" => ipam.driver = omitempty_string(cx, n, &kp)?,
            "options" => ipam.options = string_map(cx, n, &kp)?,
            "config" => {
                for (i, item) in seq(cx, n, &kp)?.iter().enumerate() {
                    let ip = item_key_path(&kp, i);
                    let mut pool = IpamPool::default();
                    let mut e = BTreeMap::new();
                    for (k2, n2, p2) in object(cx, item, &ip, &mut e)? {
                        match k2.name.as_str() {
                            "subnet" => pool.subnet = omitempty_string(cx, n2, &p2)?,
                            "ip_range" => pool.ip_range = omitempty_string(cx, n2, &p2)?,
                            "gateway" => pool.gateway = omitempty_string(cx, n2, &p2)?,
                            "aux_addresses" => pool.aux_addresses = string_map(cx, n2, &p2)?,
                            _ => return Err(unknown(cx, k2, &ip)),
                        }
                    }
                    pool.extensions = e;
                    ipam.config.push(Spanned::new(pool, item.span));
                }
            }
            _ => return Err(unknown(cx, k, p)),
        }
    }
    ipam.extensions = ext;
    Ok(Some(Spanned::new(ipam, v.span)))
}
