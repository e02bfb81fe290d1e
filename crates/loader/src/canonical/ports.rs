//! `ports`: short syntax (`[ip:][host:]container[/proto]`, ranges expanded) and long syntax.

use std::collections::BTreeMap;

use transship_ir::{Port, Protocol, Spanned};

use super::read::*;
use crate::tree::{Node, NodeValue};

/// Bound on the port entries that short-syntax ranges may produce in one project (a hostile
/// file could otherwise ask for millions: `1-65535:1-65535`, many times).
pub(crate) const MAX_EXPANDED_PORTS: usize = 262_144;

pub(crate) fn ports(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Vec<Spanned<Port>>> {
    let items = seq(cx, v, p)?;
    // Sized to the list: a `Vec` grown by `push` starts at 4 slots, twice or four times what
    // the usual one or two entries need (about 2 MiB at 2,000 services).
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ip = item_key_path(p, i);
        match &item.value {
            NodeValue::String(_) | NodeValue::Int(_) => {
                let text = scalar_text(item).unwrap_or_default();
                let parsed = parse_short(&text).map_err(|e| cx.err(item.span, &ip, e))?;
                // Container port 0 (`80:0`, `0-1`) is no target at all for Compose, which
                // turns the short form into the long one and then finds no `target`.
                if parsed.iter().any(|port| port.target == 0) {
                    return Err(cx.err(
                        item.span,
                        &ip,
                        format!("service ports {ip} is missing a target port"),
                    ));
                }
                let total = cx.ports_expanded.get() + parsed.len();
                if total > MAX_EXPANDED_PORTS {
                    return Err(cx.err(
                        item.span,
                        &ip,
                        format!("too many ports: port ranges expand to more than {MAX_EXPANDED_PORTS} entries in this project"),
                    ));
                }
                cx.ports_expanded.set(total);
                out.extend(parsed.into_iter().map(|port| Spanned::new(port, item.span)));
            }
            NodeValue::Map(_) => out.push(Spanned::new(long(cx, item, &ip)?, item.span)),
            _ => {
                return Err(cx.err(
                    item.span,
                    &ip,
                    format!("{ip} must be a string, number or mapping"),
                ));
            }
        }
    }
    Ok(out)
}

fn long(cx: &CanonicalizeState<'_>, item: &Node, ip: &str) -> LoadResult<Port> {
    let mut port = Port {
        mode: Some("ingress".to_owned()),
        ..Port::default()
    };
    let mut ext = BTreeMap::new();
    let mut has_target = false;
    for (k, n, kp) in object(cx, item, ip, &mut ext)? {
        match k.name.as_str() {
            "name" => port.name = omitempty_string(cx, n, &kp)?.map(|s| s.value),
            "mode" => {
                if let Some(m) = opt_string(cx, n, &kp)? {
                    port.mode = Some(m.value);
                }
            }
            "host_ip" => port.host_ip = omitempty_string(cx, n, &kp)?.map(|s| s.value),
            "target" => {
                let t = string_or_number(cx, n, &kp)?;
                port.target =
                    port_number(&t.value, "containerPort").map_err(|e| cx.err(n.span, &kp, e))?;
                has_target = true;
            }
            "published" => {
                let t = string_or_number(cx, n, &kp)?;
                if !t.value.is_empty() {
                    parse_range(&t.value, "hostPort").map_err(|e| cx.err(n.span, &kp, e))?;
                    port.published = Some(t.value);
                }
            }
            "protocol" => {
                if let Some(proto) = opt_string(cx, n, &kp)? {
                    // The long syntax takes any protocol (the short one does not); an empty
                    // one is tcp, and docker-compose 2.26.1 then prints no protocol at all.
                    port.protocol = if proto.value.is_empty() {
                        Protocol::Tcp
                    } else {
                        protocol(&proto.value).unwrap_or(Protocol::Other)
                    };
                    // docker-compose 2.26.1 prints the long syntax's protocol as written.
                    port.protocol_text =
                        (proto.value != port.protocol.as_str()).then_some(proto.value);
                }
            }
            "app_protocol" => port.app_protocol = omitempty_string(cx, n, &kp)?.map(|s| s.value),
            _ => return Err(unknown(cx, k, ip)),
        }
    }
    if !has_target {
        return Err(cx.err(
            item.span,
            ip,
            format!("service ports {ip} is missing a target port"),
        ));
    }
    port.extensions = ext;
    Ok(port)
}

fn protocol(s: &str) -> Result<Protocol, String> {
    match s.to_ascii_lowercase().as_str() {
        "tcp" => Ok(Protocol::Tcp),
        "udp" => Ok(Protocol::Udp),
        "sctp" => Ok(Protocol::Sctp),
        _ => Err(format!("Invalid proto: {s}")),
    }
}

fn port_number(s: &str, what: &str) -> Result<u16, String> {
    s.parse::<u16>().map_err(|_| format!("Invalid {what}: {s}"))
}

fn parse_range(s: &str, what: &str) -> Result<(u16, u16), String> {
    let bad = || format!("Invalid {what}: {s}");
    match s.split_once('-') {
        None => {
            let p = port_number(s, what)?;
            Ok((p, p))
        }
        Some((a, b)) => {
            let a = a.parse::<u16>().map_err(|_| bad())?;
            let b = b.parse::<u16>().map_err(|_| bad())?;
            if b < a {
                return Err(bad());
            }
            Ok((a, b))
        }
    }
}

/// Parses one short-syntax port spec into one entry per container port.
pub fn parse_short(spec: &str) -> Result<Vec<Port>, String> {
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((r, proto)) => (r, protocol(proto)?),
        None => (spec, Protocol::Tcp),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [c] => ("".to_owned(), "", *c),
        [h, c] => ("".to_owned(), *h, *c),
        [head @ .., h, c] => (head.join(":"), *h, *c),
        [] => return Err(format!("invalid port specification: {spec:?}")),
    };
    let host_ip = if ip.is_empty() {
        None
    } else if let Some(inner) = ip.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner.to_owned())
    } else if ip.contains(':') {
        return Err(format!(
            "Invalid ip address {ip}: address {ip}:: too many colons in address"
        ));
    } else {
        Some(ip)
    };
    if let Some(addr) = &host_ip {
        if addr.parse::<std::net::IpAddr>().is_err() {
            return Err(format!("Invalid ip address: {addr}"));
        }
    }
    if container.is_empty() {
        return Err(format!("No port specified: {spec}<empty>"));
    }
    let (c_start, c_end) = parse_range(container, "containerPort")?;
    let host_range = if host.is_empty() {
        None
    } else {
        Some(parse_range(host, "hostPort")?)
    };
    if let Some((h_start, h_end)) = host_range {
        if c_end - c_start != h_end - h_start && c_end != c_start {
            return Err(format!(
                "Invalid ranges specified for container and host Ports: {container} and {host}"
            ));
        }
    }
    let mut out = Vec::new();
    for i in 0..=(c_end - c_start) {
        let published = host_range.map(|(h_start, h_end)| {
            if c_end == c_start && h_end != h_start {
                format!("{h_start}-{h_end}")
            } else {
                (h_start + i).to_string()
            }
        });
        out.push(Port {
            name: None,
            mode: Some("ingress".to_owned()),
            host_ip: host_ip.clone(),
            target: c_start + i,
            published,
            protocol: proto,
            protocol_text: None,
            app_protocol: None,
            extensions: BTreeMap::new(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn short(s: &str) -> Vec<(Option<String>, Option<String>, u16, Protocol)> {
        parse_short(s)
            .unwrap()
            .into_iter()
            .map(|p| (p.host_ip, p.published, p.target, p.protocol))
            .collect()
    }

    #[test]
    fn short_ports() {
        assert_eq!(short("3000"), vec![(None, None, 3000, Protocol::Tcp)]);
        assert_eq!(
            short("8080:80"),
            vec![(None, Some("8080".into()), 80, Protocol::Tcp)]
        );
        assert_eq!(
            short("9090-9091:8080-8081"),
            vec![
                (None, Some("9090".into()), 8080, Protocol::Tcp),
                (None, Some("9091".into()), 8081, Protocol::Tcp)
            ]
        );
        assert_eq!(
            short("[::1]:6001:6001"),
            vec![(Some("::1".into()), Some("6001".into()), 6001, Protocol::Tcp)]
        );
        assert_eq!(
            short("127.0.0.1::81/udp"),
            vec![(Some("127.0.0.1".into()), None, 81, Protocol::Udp)]
        );
        assert_eq!(
            short("8000-9000:80"),
            vec![(None, Some("8000-9000".into()), 80, Protocol::Tcp)]
        );
        assert_eq!(short("53/sctp"), vec![(None, None, 53, Protocol::Sctp)]);
        assert_eq!(short("1-3").len(), 3);
    }

    #[test]
    fn bad_short_ports() {
        assert_eq!(
            parse_short("::1:6000:6000").unwrap_err(),
            "Invalid ip address ::1: address ::1:: too many colons in address"
        );
        assert!(parse_short("80/xyz").unwrap_err().contains("Invalid proto"));
        assert!(parse_short("70000").is_err());
        assert!(
            parse_short("1-2:3-5")
                .unwrap_err()
                .contains("Invalid ranges")
        );
        assert!(parse_short("a:b").is_err());
    }
}
