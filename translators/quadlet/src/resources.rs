//! The project's resource units (`.network`, `.volume`, the pod, top-level secrets and
//! configs), and the per-service area the podman mapping leaves to the target for now:
//! `build`.

use transship_ir::*;
use transship_translate::Outcome;
use transship_translate::unit::{Ctx, Section, UnitFile};

use crate::Cx;
use crate::spell::{Put, Quad};
use crate::version::{has_key, has_unit_type};
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

/// `build:` → a `.build` unit (5.2+) or `ExecStartPre=podman build` (older).
pub(crate) fn build(
    cx: &mut Cx<'_>,
    s: &Service,
    b: &Spanned<Box<Build>>,
    image: &str,
    base: &str,
    _c: &mut Quad,
    svc: &mut Section,
) {
    let v = cx.t.version;
    let Build {
        context,
        dockerfile,
        dockerfile_inline,
        args,
        ssh,
        labels,
        cache_from,
        cache_to,
        no_cache,
        additional_contexts,
        network,
        provenance,
        sbom,
        pull,
        target,
        shm_size,
        extra_hosts,
        isolation,
        privileged,
        secrets,
        tags,
        ulimits,
        platforms,
        entitlements,
        extensions,
    } = &*b.value;
    let bp = format!("services.{}.build", s.name);
    let unit_mode = has_unit_type(v, "build");
    let mut q = Quad::new(v, "Build");
    // Without a .build unit we assemble the `podman build` argv ourselves.
    let mut argv: Vec<String> = vec!["/usr/bin/podman".into(), "build".into()];
    let put_flag = |q: &mut Quad,
                    argv: &mut Vec<String>,
                    key: Option<(&str, bool)>,
                    flag: &str,
                    value: &str|
     -> Put {
        if unit_mode {
            match key {
                Some((k, true)) => q.word(k, value, Some(flag)),
                Some((k, false)) => q.plain(k, value, Some(flag)),
                None => q.arg(&format!("{flag}={value}")),
            }
        } else {
            argv.push(format!("{flag}={value}"));
            Put::Args(format!("podman build {flag}={value}"))
        }
    };
    let rec = |cx: &mut Cx<'_>, path: String, span: Span, put: Put| {
        let (o, d) = put.outcome();
        cx.push(path, span, o, d);
    };
    // tag
    let put = put_flag(&mut q, &mut argv, Some(("ImageTag", false)), "--tag", image);
    let _ = put;
    let ctx_dir = context.value.clone();
    let is_url = ctx_dir.contains("://") || ctx_dir.starts_with("git@");
    if unit_mode {
        let _ = q.plain("SetWorkingDirectory", &ctx_dir, None);
    }
    rec(
        cx,
        names::cat([&bp, ".context"]),
        context.span,
        Put::Key(format!("build context {ctx_dir}")),
    );
    if let Some(df) = dockerfile {
        let file = if df.value.starts_with('/') || is_url {
            df.value.clone()
        } else {
            format!("{}/{}", ctx_dir.trim_end_matches('/'), df.value)
        };
        let put = put_flag(&mut q, &mut argv, Some(("File", false)), "--file", &file);
        rec(cx, names::cat([&bp, ".dockerfile"]), df.span, put);
    }
    if let Some(x) = dockerfile_inline {
        cx.unsup(
            names::cat([&bp, ".dockerfile_inline"]),
            x.span,
            "an inline Dockerfile is not written out; put it in a file and use `dockerfile`",
        );
    }
    for (k, val) in args {
        let text = match &val.value {
            Some(x) => format!("{k}={x}"),
            None => k.clone(),
        };
        let put = if unit_mode && has_key(v, "Build", "BuildArg") {
            q.word("BuildArg", &text, Some("--build-arg"))
        } else {
            put_flag(&mut q, &mut argv, None, "--build-arg", &text)
        };
        rec(cx, names::cat([&bp, ".args.", k]), val.span, put);
    }
    for (i, x) in ssh.iter().enumerate() {
        let put = put_flag(&mut q, &mut argv, None, "--ssh", &x.value);
        rec(cx, names::key_at([&bp, ".ssh"], i), x.span, put);
    }
    for (k, x) in labels {
        let put = put_flag(
            &mut q,
            &mut argv,
            Some(("Label", true)),
            "--label",
            &format!("{k}={}", x.value),
        );
        rec(cx, names::cat([&bp, ".labels.", k]), x.span, put);
    }
    for (i, x) in cache_from.iter().enumerate() {
        let put = put_flag(&mut q, &mut argv, None, "--cache-from", &x.value);
        rec(cx, names::key_at([&bp, ".cache_from"], i), x.span, put);
    }
    for (i, x) in cache_to.iter().enumerate() {
        cx.unsup(names::key_at([&bp, ".cache_to"], i), x.span, format!("BuildKit cache export {:?} has no podman equivalent (podman's --cache-to takes a repository)", x.value));
    }
    if let Some(x) = no_cache {
        let put = put_flag(&mut q, &mut argv, None, "--no-cache", &x.value.to_string());
        rec(cx, names::cat([&bp, ".no_cache"]), x.span, put);
    }
    for (k, x) in additional_contexts {
        let put = put_flag(
            &mut q,
            &mut argv,
            None,
            "--build-context",
            &format!("{k}={}", x.value),
        );
        rec(
            cx,
            names::cat([&bp, ".additional_contexts.", k]),
            x.span,
            put,
        );
    }
    if let Some(x) = network {
        let put = put_flag(&mut q, &mut argv, None, "--network", &x.value);
        rec(cx, names::cat([&bp, ".network"]), x.span, put);
    }
    for (key, x) in [("provenance", provenance), ("sbom", sbom)] {
        if let Some(x) = x {
            cx.unsup(
                names::cat([&bp, ".", key]),
                x.span,
                "BuildKit attestations are not produced by podman build",
            );
        }
    }
    if let Some(x) = pull {
        let val = if x.value { "always" } else { "missing" };
        let put = if unit_mode {
            q.plain("Pull", val, None)
        } else {
            argv.push(format!("--pull={val}"));
            Put::Args(format!("podman build --pull={val}"))
        };
        rec(cx, names::cat([&bp, ".pull"]), x.span, put);
    }
    if let Some(x) = target {
        let put = put_flag(
            &mut q,
            &mut argv,
            Some(("Target", false)),
            "--target",
            &x.value,
        );
        rec(cx, names::cat([&bp, ".target"]), x.span, put);
    }
    if let Some(x) = shm_size {
        let put = put_flag(
            &mut q,
            &mut argv,
            None,
            "--shm-size",
            &x.value.0.to_string(),
        );
        rec(cx, names::cat([&bp, ".shm_size"]), x.span, put);
    }
    for (i, x) in extra_hosts.iter().enumerate() {
        let put = put_flag(
            &mut q,
            &mut argv,
            None,
            "--add-host",
            &format!("{}:{}", x.value.host, x.value.ip),
        );
        rec(cx, names::key_at([&bp, ".extra_hosts"], i), x.span, put);
    }
    if let Some(x) = isolation {
        let put = put_flag(&mut q, &mut argv, None, "--isolation", &x.value);
        rec(cx, names::cat([&bp, ".isolation"]), x.span, put);
    }
    if let Some(x) = privileged {
        cx.unsup(
            names::cat([&bp, ".privileged"]),
            x.span,
            "podman build has no privileged build mode",
        );
    }
    for (i, r) in secrets.iter().enumerate() {
        let path = names::key_at([&bp, ".secrets"], i);
        let file =
            cx.p.secrets
                .get(&r.value.source)
                .and_then(|x| x.file.as_ref())
                .map(|f| f.value.display().to_string());
        match file {
            Some(f) => {
                let put = put_flag(
                    &mut q,
                    &mut argv,
                    None,
                    "--secret",
                    &format!("id={},src={f}", r.value.source),
                );
                rec(cx, path.clone(), r.span, put);
            }
            None => cx.unsup(
                path.clone(),
                r.span,
                "only file-backed build secrets are carried over",
            ),
        }
        for (k, x) in &r.value.extensions {
            cx.unsup(
                names::cat([&path, ".", k]),
                x.span,
                "extension field: ignored by Compose and by podman",
            );
        }
    }
    for (i, x) in tags.iter().enumerate() {
        let put = put_flag(
            &mut q,
            &mut argv,
            Some(("ImageTag", false)),
            "--tag",
            &x.value,
        );
        rec(cx, names::key_at([&bp, ".tags"], i), x.span, put);
    }
    for (k, u) in ulimits {
        let text = if u.value.soft == u.value.hard {
            format!("{k}={}", u.value.soft)
        } else {
            format!("{k}={}:{}", u.value.soft, u.value.hard)
        };
        let put = put_flag(&mut q, &mut argv, None, "--ulimit", &text);
        rec(cx, names::cat([&bp, ".ulimits.", k]), u.span, put);
    }
    if !platforms.is_empty() {
        let all = platforms
            .iter()
            .map(|x| x.value.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let put = put_flag(&mut q, &mut argv, None, "--platform", &all);
        let (o, d) = put.outcome();
        for (i, x) in platforms.iter().enumerate() {
            let o = if platforms.len() > 1 && o == Outcome::Translated {
                Outcome::Approximated(
                    "several platforms build a manifest list; the container runs the host's".into(),
                )
            } else {
                o.clone()
            };
            cx.push(names::key_at([&bp, ".platforms"], i), x.span, o, d.clone());
        }
    }
    for (i, x) in entitlements.iter().enumerate() {
        cx.unsup(
            names::key_at([&bp, ".entitlements"], i),
            x.span,
            "BuildKit entitlements have no podman build equivalent",
        );
    }
    for (k, x) in extensions {
        cx.unsup(
            names::cat([&bp, ".", k]),
            x.span,
            "extension field: ignored by Compose and by podman",
        );
    }
    if unit_mode {
        cx.add_unit(
            names::cat([base, ".build"]),
            &format!("image build of Compose service {:?}", s.name),
            &format!("Build of {image} for Compose service {}", s.name),
            q.finish(),
        );
    } else {
        argv.push(ctx_dir);
        svc.words("ExecStartPre", &argv, Ctx::Exec);
    }
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
