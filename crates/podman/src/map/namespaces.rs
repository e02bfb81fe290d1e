//! Host name and DNS; namespaces, runtime and platform; cgroups, user namespace, isolation.

use transship_ir::Spanned;

use super::{Area, Rule, Steps, namespace_mode};
use crate::opt::Opt;

pub(super) fn host(
    st: &mut Steps<'_, '_>,
    hostname: Option<&Spanned<String>>,
    dns: [&Vec<Spanned<String>>; 3],
    domainname: &Option<Spanned<String>>,
) {
    if let Some(h) = hostname {
        let path = st.path(".hostname");
        if st.m.options.pod {
            st.unsup(
                path,
                h.span,
                "in a pod the host name belongs to the pod; not set per container",
            );
        } else {
            st.spelled(path, h.span, Opt::Hostname(h.value.clone()));
        }
    }
    let [servers, options, search] = dns;
    for (key, list) in [
        ("dns", servers),
        ("dns_opt", options),
        ("dns_search", search),
    ] {
        for (i, x) in list.iter().enumerate() {
            let path = st.item(&format!(".{key}"), i);
            let opt = match key {
                "dns" => Opt::Dns(x.value.clone()),
                "dns_opt" => Opt::DnsOption(x.value.clone()),
                _ => Opt::DnsSearch(x.value.clone()),
            };
            st.spelled(path, x.span, opt);
        }
    }
    if let Some(d) = domainname {
        let path = st.path(".domainname");
        st.unsup(
            path,
            d.span,
            "podman has no option to set the NIS domain name",
        );
    }
}

/// `ipc`, `pid`, `uts`, `cgroup`, `runtime`, `mac_address`, then `platform` (the target's,
/// with the image) and `cpuset`, in that order.
pub(super) fn namespaces(
    st: &mut Steps<'_, '_>,
    modes: [&Option<Spanned<String>>; 6],
    platform: Option<&Spanned<String>>,
    cpuset: Option<&Spanned<String>>,
) {
    let flags = [
        "--ipc",
        "--pid",
        "--uts",
        "--cgroupns",
        "--runtime",
        "--mac-address",
    ];
    let keys = ["ipc", "pid", "uts", "cgroup", "runtime", "mac_address"];
    for ((key, flag), val) in keys.into_iter().zip(flags).zip(modes) {
        if let Some(x) = val {
            let path = st.path(&format!(".{key}"));
            let value = namespace_mode(&x.value, st.project());
            st.flag(path, x.span, flag, value);
        }
    }
    if platform.is_some() {
        st.area(Area::Platform);
    }
    if let Some(x) = cpuset {
        let path = st.path(".cpuset");
        let value = namespace_mode(&x.value, st.project());
        st.flag(path, x.span, "--cpuset-cpus", value);
    }
}

pub(super) fn cgroups(
    st: &mut Steps<'_, '_>,
    cgroup_parent: Option<&Spanned<String>>,
    userns_mode: Option<&Spanned<String>>,
    isolation: Option<&Spanned<String>>,
) {
    if let Some(x) = cgroup_parent {
        let path = st.path(".cgroup_parent");
        let opt = Opt::Flag {
            flag: "--cgroup-parent",
            value: x.value.clone(),
        };
        st.decide(path, x.span, opt, Rule::ApproxAlways("quadlet runs containers with --cgroups=split under the unit's cgroup; a parent cgroup may conflict with that".into()));
    }
    if let Some(x) = userns_mode {
        let path = st.path(".userns_mode");
        st.spelled(path, x.span, Opt::UserNs(x.value.clone()));
    }
    if let Some(x) = isolation {
        let path = st.path(".isolation");
        if x.value == "default" {
            st.ok(path, x.span, "default isolation");
        } else {
            st.unsup(
                path,
                x.span,
                "isolation technologies are a Windows container feature",
            );
        }
    }
}
