//! `network_mode` and the service's network attachments (`networks:`).

use std::collections::BTreeMap;

use transship_ir::{ServiceNetwork, Span, Spanned};
use transship_translate::Outcome;

use super::{Rule, Steps};
use crate::names;
use crate::opt::{Opt, ResourceRef};

pub(super) fn networks(
    st: &mut Steps<'_, '_>,
    network_mode: Option<&Spanned<String>>,
    networks: &BTreeMap<String, Spanned<Box<ServiceNetwork>>>,
) {
    if let Some(nm) = network_mode {
        mode(st, nm);
    }
    for (key, att) in networks {
        attachment(st, key, att);
    }
}

fn mode(st: &mut Steps<'_, '_>, nm: &Spanned<String>) {
    let path = st.path(".network_mode");
    if st.m.options.pod {
        st.unsup(
            path,
            nm.span,
            "with --pod every service shares the pod's network namespace",
        );
        return;
    }
    let m = nm.value.as_str();
    if let Some(other) = m.strip_prefix("service:") {
        match st.project().services.get(other) {
            Some(o) => {
                let opt = Opt::NetworkOfService {
                    service: other.to_owned(),
                    container: names::container_name(st.project(), o),
                };
                st.spelled(path, nm.span, opt);
            }
            None => st.unsup(
                path,
                nm.span,
                format!("service {other:?} is not an active service"),
            ),
        }
    } else if m == "bridge" || m.is_empty() {
        // An empty mode is the engine's default network (Compose attaches none of its own).
        st.decide(path, nm.span, Opt::NetworkMode("podman".into()), Rule::ApproxIfSpelled(
            "Docker's default bridge becomes podman's default network `podman` (no DNS between containers)".into(),
        ));
    } else {
        st.spelled(path, nm.span, Opt::NetworkMode(m.to_owned()));
    }
}

fn attachment(st: &mut Steps<'_, '_>, key: &str, att: &Spanned<Box<ServiceNetwork>>) {
    let ServiceNetwork {
        aliases,
        interface_name,
        ipv4_address,
        ipv6_address,
        link_local_ips,
        mac_address,
        driver_opts,
        priority,
        gw_priority,
        extensions,
        mapping: _,
    } = &*att.value;
    let name = &st.s.name;
    let np = names::cat([&st.p, ".networks.", key]);
    let mut options: Vec<String> = vec![format!("alias={name}")];
    for a in aliases {
        if &a.value != name {
            options.push(format!("alias={}", a.value));
        }
    }
    let mut notes: Vec<(String, Span, Outcome)> = Vec::new();
    for (i, a) in aliases.iter().enumerate() {
        let path = names::key_at([&np, ".aliases"], i);
        notes.push((path, a.span, Outcome::Translated));
    }
    for (k, val, opt) in [
        ("interface_name", interface_name, "interface_name"),
        ("ipv4_address", ipv4_address, "ip"),
        ("ipv6_address", ipv6_address, "ip6"),
        ("mac_address", mac_address, "mac"),
    ] {
        if let Some(x) = val {
            options.push(format!("{opt}={}", x.value));
            notes.push((names::cat([&np, ".", k]), x.span, Outcome::Translated));
        }
    }
    for (i, x) in link_local_ips.iter().enumerate() {
        notes.push((
            names::key_at([&np, ".link_local_ips"], i),
            x.span,
            Outcome::Unsupported("podman cannot assign link-local addresses".into()),
        ));
    }
    for (k, x) in driver_opts {
        notes.push((
            names::cat([&np, ".driver_opts.", k]),
            x.span,
            Outcome::Unsupported("podman has no per-attachment driver options".into()),
        ));
    }
    if let Some(x) = priority {
        notes.push((
            names::cat([&np, ".priority"]),
            x.span,
            Outcome::Approximated(
                "networks are attached in name order; priority is not used".into(),
            ),
        ));
    }
    if let Some(x) = gw_priority {
        notes.push((
            names::cat([&np, ".gw_priority"]),
            x.span,
            Outcome::Unsupported("podman picks the default gateway itself".into()),
        ));
    }
    let network = ResourceRef::network(st.project(), key);
    if st.m.options.pod {
        let opt = Opt::PodNetwork { network, options };
        st.decide(np.clone(), att.span, opt, Rule::ApproxIfSpelled("with --pod the services share the pod's network namespace and are reached by service name on each network; per-service addresses and aliases apply to the pod".into()));
    } else {
        st.spelled(
            np.clone(),
            att.span,
            Opt::NetworkAttach { network, options },
        );
    }
    for (path, span, o) in notes {
        st.fixed(path, span, o, None);
    }
    st.extensions(&np, extensions, att.span);
}
