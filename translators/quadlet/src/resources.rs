//! The project's resource units (`.network`, `.volume`, the pod, top-level secrets and
//! configs).

use transship_ir::*;
use transship_translate::Outcome;
use transship_translate::unit::{Ctx, UnitFile};

use crate::Cx;
use crate::spell::{Put, Quad};
use transship_podman::names;

/// Before the services: which networks and volumes are used.
pub(crate) fn plan(cx: &mut Cx<'_>) {
    for s in cx.p.services.values() {
        if s.network_mode.is_none() {
            for k in s.networks.keys() {
                cx.used_networks.insert(k.clone());
            }
        }
        for v in &s.volumes {
            if v.value.kind == VolumeType::Volume {
                if let Some(src) = &v.value.source {
                    if cx.p.volumes.contains_key(src) {
                        cx.used_volumes.insert(src.clone());
                    }
                }
            }
        }
    }
    if cx.t.pod {
        let mut pod = UnitFile {
            header: cx.header("the pod of all services (--pod)"),
            sections: vec![],
        };
        let _ = pod.section("Unit").plain(
            "Description",
            &format!("Pod of Compose project {}", cx.p.name.value),
            Ctx::Setting,
        );
        let _ = pod
            .section("Pod")
            .plain("PodName", &cx.p.name.value, Ctx::Exec);
        pod.section("Install").raw("WantedBy", cx.t.wanted_by());
        cx.pod = Some(pod);
    }
}

fn is_external(e: &Option<Spanned<bool>>) -> bool {
    e.as_ref().is_some_and(|x| x.value)
}

/// After the services: `.network` and `.volume` units, and ledger entries of top-level
/// networks, volumes, secrets and configs.
pub(crate) fn emit(cx: &mut Cx<'_>) {
    let v = cx.t.version;
    let project = cx.p;
    for (key, n) in &project.networks {
        let Network {
            span,
            name,
            driver,
            driver_opts,
            ipam,
            external,
            internal,
            enable_ipv4,
            enable_ipv6,
            attachable,
            labels,
            implicit,
            extensions,
        } = n;
        let np = names::cat(["networks.", key]);
        if is_external(external) {
            cx.ok(
                np.clone(),
                *span,
                format!("external: referenced by name {:?}, no unit", name.value),
            );
            if let Some(x) = external {
                cx.ok(names::cat([&np, ".external"]), x.span, "no unit is written");
            }
            for (k, x) in driver_opts {
                cx.ok(
                    names::cat([&np, ".driver_opts.", k]),
                    x.span,
                    "external network: set where it was created",
                );
            }
            for (k, x) in labels {
                cx.ok(
                    names::cat([&np, ".labels.", k]),
                    x.span,
                    "external network: set where it was created",
                );
            }
            for (k, x) in [("driver", driver)] {
                if let Some(x) = x {
                    cx.ok(
                        names::cat([&np, ".", k]),
                        x.span,
                        "external network: set where it was created",
                    );
                }
            }
            for (k, x) in [
                ("internal", internal),
                ("enable_ipv4", enable_ipv4),
                ("enable_ipv6", enable_ipv6),
                ("attachable", attachable),
            ] {
                if let Some(x) = x {
                    cx.ok(
                        names::cat([&np, ".", k]),
                        x.span,
                        "external network: set where it was created",
                    );
                }
            }
            if let Some(ip) = ipam {
                ipam_ledger(cx, &np, ip, None);
            }
            for (k, x) in extensions {
                cx.unsup(
                    names::cat([&np, ".", k]),
                    x.span,
                    "extension field: ignored by Compose and by podman",
                );
            }
            continue;
        }
        let used = cx.used_networks.contains(key);
        let base = names::network_base(project, key);
        let mut q = Quad::new(v, "Network");
        let mut main = Outcome::Translated;
        let mut detail = names::cat([&base, ".network"]);
        if q.has("NetworkName") {
            let _ = q.plain("NetworkName", &name.value, None);
            detail.push_str(&format!(" (NetworkName={})", name.value));
        } else {
            main = Outcome::Approximated(format!(
                "podman {v} has no NetworkName= (4.7+): the network is called systemd-{base}, not {}",
                name.value
            ));
        }
        if !used {
            main = Outcome::Translated;
            detail = "not used by any service: not created (as Compose)".into();
        }
        cx.push(np.clone(), *span, main, detail);
        let _ = implicit;
        if let Some(x) = driver {
            let put = match x.value.as_str() {
                "bridge" | "macvlan" | "ipvlan" => q.plain("Driver", &x.value, None),
                other => Put::Nowhere(format!(
                    "podman has no {other:?} network driver (bridge, macvlan, ipvlan)"
                )),
            };
            let (o, d) = put.outcome();
            cx.push(names::cat([&np, ".driver"]), x.span, o, d);
        }
        for (k, x) in driver_opts {
            let put = q.word("Options", &format!("{k}={}", x.value), Some("--opt"));
            let (o, d) = put.outcome();
            cx.push(names::cat([&np, ".driver_opts.", k]), x.span, o, d);
        }
        if let Some(ip) = ipam {
            ipam_ledger(cx, &np, ip, Some(&mut q));
        }
        if let Some(x) = internal {
            let put = q.boolean("Internal", x.value, None);
            let (o, d) = put.outcome();
            cx.push(names::cat([&np, ".internal"]), x.span, o, d);
        }
        if let Some(x) = enable_ipv6 {
            let put = q.boolean("IPv6", x.value, None);
            let (o, d) = put.outcome();
            cx.push(names::cat([&np, ".enable_ipv6"]), x.span, o, d);
        }
        if let Some(x) = enable_ipv4 {
            if x.value {
                cx.ok(
                    names::cat([&np, ".enable_ipv4"]),
                    x.span,
                    "IPv4 is on by default",
                );
            } else {
                cx.unsup(
                    names::cat([&np, ".enable_ipv4"]),
                    x.span,
                    "podman networks cannot turn IPv4 off",
                );
            }
        }
        if let Some(x) = attachable {
            cx.ok(
                names::cat([&np, ".attachable"]),
                x.span,
                "podman networks are always attachable",
            );
        }
        for (k, x) in labels {
            let put = q.word("Label", &format!("{k}={}", x.value), Some("--label"));
            let (o, d) = put.outcome();
            cx.push(names::cat([&np, ".labels.", k]), x.span, o, d);
        }
        for (k, x) in extensions {
            cx.unsup(
                names::cat([&np, ".", k]),
                x.span,
                "extension field: ignored by Compose and by podman",
            );
        }
        if used {
            cx.add_unit(
                names::cat([&base, ".network"]),
                &format!("Compose network {key:?}"),
                &format!(
                    "Network {} of Compose project {}",
                    name.value, project.name.value
                ),
                q.finish(),
            );
        }
    }
    for (key, vol) in &project.volumes {
        let Volume {
            span,
            name,
            driver,
            driver_opts,
            external,
            labels,
            extensions,
        } = vol;
        let vp = names::cat(["volumes.", key]);
        if is_external(external) {
            cx.ok(
                vp.clone(),
                *span,
                format!("external: referenced by name {:?}, no unit", name.value),
            );
            if let Some(x) = external {
                cx.ok(names::cat([&vp, ".external"]), x.span, "no unit is written");
            }
            if let Some(x) = driver {
                cx.ok(
                    names::cat([&vp, ".driver"]),
                    x.span,
                    "external volume: set where it was created",
                );
            }
            for (k, x) in driver_opts {
                cx.ok(
                    names::cat([&vp, ".driver_opts.", k]),
                    x.span,
                    "external volume: set where it was created",
                );
            }
            for (k, x) in labels {
                cx.ok(
                    names::cat([&vp, ".labels.", k]),
                    x.span,
                    "external volume: set where it was created",
                );
            }
            for (k, x) in extensions {
                cx.unsup(
                    names::cat([&vp, ".", k]),
                    x.span,
                    "extension field: ignored by Compose and by podman",
                );
            }
            continue;
        }
        let used = cx.used_volumes.contains(key);
        let base = names::volume_base(project, key);
        let mut q = Quad::new(v, "Volume");
        let mut main = Outcome::Translated;
        let mut detail = names::cat([&base, ".volume"]);
        if q.has("VolumeName") {
            let _ = q.plain("VolumeName", &name.value, None);
            detail.push_str(&format!(" (VolumeName={})", name.value));
        } else {
            main = Outcome::Approximated(format!(
                "podman {v} has no VolumeName= (4.7+): the volume is called systemd-{base}, not {}",
                name.value
            ));
        }
        if !used {
            main = Outcome::Translated;
            detail = "not used by any service: not created (as Compose)".into();
        }
        cx.push(vp.clone(), *span, main, detail);
        if let Some(x) = driver {
            let put = if x.value == "local" {
                Put::Key("local (podman's default)".into())
            } else {
                q.plain("Driver", &x.value, Some("--driver"))
            };
            let (o, d) = put.outcome();
            cx.push(names::cat([&vp, ".driver"]), x.span, o, d);
        }
        let device = driver_opts.get("device");
        for (k, x) in driver_opts {
            let put = match k.as_str() {
                "device" => q.plain("Device", &x.value, Some("--opt=device")),
                "type" if device.is_some() => q.plain("Type", &x.value, Some("--opt=type")),
                "o" if device.is_some() => q.plain("Options", &x.value, Some("--opt=o")),
                _ => q.arg(&format!("--opt={k}={}", x.value)),
            };
            let (o, d) = put.outcome();
            cx.push(names::cat([&vp, ".driver_opts.", k]), x.span, o, d);
        }
        for (k, x) in labels {
            let put = q.word("Label", &format!("{k}={}", x.value), Some("--label"));
            let (o, d) = put.outcome();
            cx.push(names::cat([&vp, ".labels.", k]), x.span, o, d);
        }
        for (k, x) in extensions {
            cx.unsup(
                names::cat([&vp, ".", k]),
                x.span,
                "extension field: ignored by Compose and by podman",
            );
        }
        if used {
            cx.add_unit(
                names::cat([&base, ".volume"]),
                &format!("Compose volume {key:?}"),
                &format!(
                    "Volume {} of Compose project {}",
                    name.value, project.name.value
                ),
                q.finish(),
            );
        }
    }
    for (key, sec) in &project.secrets {
        let Secret {
            span,
            name: _,
            file,
            environment,
            environment_value,
            external,
            labels,
            driver,
            driver_opts,
            template_driver,
            extensions,
        } = sec;
        let sp = names::cat(["secrets.", key]);
        cx.ok(
            sp.clone(),
            *span,
            "provided to the services that reference it (see services.*.secrets)",
        );
        if let Some(x) = file {
            cx.ok(
                names::cat([&sp, ".file"]),
                x.span,
                format!("bind-mounted read-only from {}", x.value.display()),
            );
        }
        env_external_labels(
            cx,
            &sp,
            environment,
            environment_value.is_some(),
            &format!("{}-secrets/{key} (mode 0600)", names::pod_base(project)),
            external,
            labels,
        );
        if let Some(x) = driver {
            cx.unsup(
                names::cat([&sp, ".driver"]),
                x.span,
                "secret drivers are a Swarm feature",
            );
        }
        for (k, x) in driver_opts {
            cx.unsup(
                names::cat([&sp, ".driver_opts.", k]),
                x.span,
                "secret drivers are a Swarm feature",
            );
        }
        template_and_extensions(cx, &sp, template_driver, "secrets", extensions);
    }
    for (key, cf) in &project.configs {
        let Config {
            span,
            name: _,
            file,
            environment,
            environment_value,
            content,
            external,
            labels,
            template_driver,
            extensions,
        } = cf;
        let cp = names::cat(["configs.", key]);
        cx.ok(
            cp.clone(),
            *span,
            "provided to the services that reference it (see services.*.configs)",
        );
        if let Some(x) = file {
            cx.ok(
                format!("{cp}.file"),
                x.span,
                format!("bind-mounted read-only from {}", x.value.display()),
            );
        }
        if let Some(x) = content {
            cx.ok(
                format!("{cp}.content"),
                x.span,
                format!("written to {}-configs/{key}", names::pod_base(project)),
            );
        }
        env_external_labels(
            cx,
            &cp,
            environment,
            environment_value.is_some(),
            &format!("{}-configs/{key}", names::pod_base(project)),
            external,
            labels,
        );
        template_and_extensions(cx, &cp, template_driver, "configs", extensions);
    }
}

/// Ledger entries for the keys top-level secrets and configs share: `environment` (written
/// by the tool to `written_to` when the variable was set), `external` and `labels`.
fn env_external_labels(
    cx: &mut Cx<'_>,
    prefix: &str,
    environment: &Option<Spanned<String>>,
    value_known: bool,
    written_to: &str,
    external: &Option<Spanned<bool>>,
    labels: &std::collections::BTreeMap<String, Spanned<String>>,
) {
    if let Some(x) = environment {
        if value_known {
            cx.ok(
                names::cat([prefix, ".environment"]),
                x.span,
                format!("value of {} written to {written_to}", x.value),
            );
        } else {
            cx.unsup(
                names::cat([prefix, ".environment"]),
                x.span,
                format!("{} was not set when converting", x.value),
            );
        }
    }
    if let Some(x) = external {
        if x.value {
            cx.approx(
                names::cat([prefix, ".external"]),
                x.span,
                "expects an existing podman secret with this name",
                "",
            );
        } else {
            cx.ok(names::cat([prefix, ".external"]), x.span, "not external");
        }
    }
    for (k, x) in labels {
        cx.unsup(
            names::cat([prefix, ".labels.", k]),
            x.span,
            "podman secrets created here carry no labels",
        );
    }
}

/// Ledger entries for `template_driver` and `x-*` of a top-level secret or config (`what`).
fn template_and_extensions(
    cx: &mut Cx<'_>,
    prefix: &str,
    template_driver: &Option<Spanned<String>>,
    what: &str,
    extensions: &Extensions,
) {
    if let Some(x) = template_driver {
        cx.unsup(
            names::cat([prefix, ".template_driver"]),
            x.span,
            format!("templated {what} are a Swarm feature"),
        );
    }
    for (k, x) in extensions {
        cx.unsup(
            names::cat([prefix, ".", k]),
            x.span,
            "extension field: ignored by Compose and by podman",
        );
    }
}

fn ipam_ledger(cx: &mut Cx<'_>, np: &str, ip: &Spanned<Ipam>, mut q: Option<&mut Quad>) {
    let Ipam {
        driver,
        config,
        options,
        extensions,
    } = &ip.value;
    let ipp = names::cat([np, ".ipam"]);
    let before = cx.ledger.entries.len();
    let ext_note = q.is_none();
    if let Some(x) = driver {
        if ext_note {
            cx.ok(
                names::cat([&ipp, ".driver"]),
                x.span,
                "external network: set where it was created",
            );
        } else if x.value == "default" {
            cx.ok(
                names::cat([&ipp, ".driver"]),
                x.span,
                "podman's default IPAM",
            );
        } else if let Some(q) = q.as_deref_mut() {
            let put = q.plain("IPAMDriver", &x.value, None);
            let (o, d) = put.outcome();
            cx.push(names::cat([&ipp, ".driver"]), x.span, o, d);
        }
    }
    for (i, pool) in config.iter().enumerate() {
        let IpamPool {
            subnet,
            ip_range,
            gateway,
            aux_addresses,
            extensions,
        } = &pool.value;
        let pp = names::key_at([&ipp, ".config"], i);
        let b2 = cx.ledger.entries.len();
        for (k, val, key) in [
            ("subnet", subnet, "Subnet"),
            ("gateway", gateway, "Gateway"),
            ("ip_range", ip_range, "IPRange"),
        ] {
            if let Some(x) = val {
                match q.as_deref_mut() {
                    None => cx.ok(
                        names::cat([&pp, ".", k]),
                        x.span,
                        "external network: set where it was created",
                    ),
                    Some(q) => {
                        let put = if subnet.is_some() {
                            q.plain(key, &x.value, None)
                        } else {
                            Put::Nowhere("podman needs a subnet to set a gateway or range".into())
                        };
                        let (o, d) = put.outcome();
                        cx.push(names::cat([&pp, ".", k]), x.span, o, d);
                    }
                }
            }
        }
        for (k, x) in aux_addresses {
            if ext_note {
                cx.ok(
                    names::cat([&pp, ".aux_addresses.", k]),
                    x.span,
                    "external network: set where it was created",
                );
            } else {
                cx.unsup(
                    names::cat([&pp, ".aux_addresses.", k]),
                    x.span,
                    "podman cannot reserve auxiliary addresses",
                );
            }
        }
        for (k, x) in extensions {
            cx.unsup(
                names::cat([&pp, ".", k]),
                x.span,
                "extension field: ignored by Compose and by podman",
            );
        }
        if cx.ledger.entries.len() == b2 {
            cx.ok(pp, pool.span, "empty: nothing to carry over");
        }
    }
    for (k, x) in options {
        if ext_note {
            cx.ok(
                names::cat([&ipp, ".options.", k]),
                x.span,
                "external network: set where it was created",
            );
        } else {
            cx.unsup(
                names::cat([&ipp, ".options.", k]),
                x.span,
                "podman has no IPAM driver options",
            );
        }
    }
    for (k, x) in extensions {
        cx.unsup(
            names::cat([&ipp, ".", k]),
            x.span,
            "extension field: ignored by Compose and by podman",
        );
    }
    if cx.ledger.entries.len() == before {
        cx.ok(ipp, ip.span, "empty: nothing to carry over");
    }
}
