//! Published and exposed ports.

use transship_ir::{Port, Protocol, Spanned};

use super::{Rule, Steps};
use crate::opt::Opt;

/// `[IP:][HOST:]TARGET[/PROTO]` as `--publish` takes it.
pub fn port_text(port: &Port) -> String {
    let mut s = String::new();
    if let Some(ip) = &port.host_ip {
        if ip.contains(':') && !ip.starts_with('[') {
            s.push_str(&format!("[{ip}]:"));
        } else {
            s.push_str(ip);
            s.push(':');
        }
        if port.published.is_none() {
            // `ip::target` = random host port on that address
            s.push(':');
        }
    }
    if let Some(p) = &port.published {
        s.push_str(p);
        s.push(':');
    }
    s.push_str(&port.target.to_string());
    if port.protocol != Protocol::Tcp {
        s.push('/');
        s.push_str(port.protocol.as_str());
    }
    s
}

pub(super) fn ports(st: &mut Steps<'_, '_>, ports: &[Spanned<Port>], expose: &[Spanned<String>]) {
    for (i, port) in ports.iter().enumerate() {
        let path = st.item(".ports", i);
        let Port {
            name,
            mode,
            host_ip: _,
            target: _,
            published: _,
            protocol: _,
            // The meaning is `protocol`; podman takes it in lower case.
            protocol_text: _,
            app_protocol,
            extensions,
        } = &port.value;
        if port.value.protocol == Protocol::Other {
            st.unsup(
                path.clone(),
                port.span,
                "podman publishes tcp, udp and sctp ports only; not written",
            );
            st.extensions(&path, extensions, port.span);
            continue;
        }
        let text = port_text(&port.value);
        let opt = if st.m.options.pod {
            Opt::PodPublish(text)
        } else {
            Opt::Publish(text)
        };
        let rule = match mode.as_deref() {
            // An empty mode is the default mode, ingress.
            Some("ingress" | "host" | "") | None => {
                if name.is_some() || app_protocol.is_some() {
                    Rule::ApproxIfSpelled(
                        "the port's name/app_protocol are metadata podman does not keep".into(),
                    )
                } else {
                    Rule::Spelled
                }
            }
            Some(m) => Rule::ApproxIfSpelled(format!(
                "port mode {m:?} has no podman meaning; published on the host"
            )),
        };
        st.decide(path.clone(), port.span, opt, rule);
        st.extensions(&path, extensions, port.span);
    }
    for (i, e) in expose.iter().enumerate() {
        // Compose keeps `58/UDP` as written; podman only takes a lower-case protocol.
        let text = match e.value.split_once('/') {
            Some((port, proto)) => format!("{port}/{}", proto.to_ascii_lowercase()),
            None => e.value.clone(),
        };
        let path = st.item(".expose", i);
        st.spelled(path, e.span, Opt::Expose(text));
    }
}
