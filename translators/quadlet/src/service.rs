//! One Compose service → one `.container` file (and `.build` / secret files), with a ledger
//! entry per key path. Every IR struct is destructured without `..`: a new IR field breaks
//! this build until it is classified here.

use std::collections::BTreeMap;

use transship_ir::*;
use transship_translate::Outcome;
use transship_translate::unit::{Ctx, Section, UnitFile, escape_plain};

use crate::names;
use crate::version::{PodmanVersion, has_key, has_unit_type};
use crate::{Cx, DepNeeds};

/// Where a value went.
pub(crate) enum Put {
    /// A quadlet key (`Key=value`, unescaped, for the ledger detail).
    Key(String),
    /// A `PodmanArgs=` fallback.
    Args(String),
    /// Nowhere; the reason.
    Nowhere(String),
}

impl Put {
    pub(crate) fn outcome(self) -> (Outcome, String) {
        match self {
            Put::Key(d) | Put::Args(d) => (Outcome::Translated, d),
            Put::Nowhere(r) => (Outcome::Unsupported(r), String::new()),
        }
    }
}

/// A quadlet section being filled, with version-aware key emission and a `PodmanArgs=` fallback.
pub(crate) struct Quad {
    pub v: PodmanVersion,
    pub group: &'static str,
    pub sec: Section,
    pub args: Vec<String>,
}

impl Quad {
    pub(crate) fn new(v: PodmanVersion, group: &'static str) -> Self {
        Self {
            v,
            group,
            sec: Section::new(group),
            args: Vec::new(),
        }
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        has_key(self.v, self.group, key)
    }

    /// A plain-valued key, or `flag=value` in `PodmanArgs=` when the key is missing in the
    /// target version or the value cannot be written verbatim.
    pub(crate) fn plain(&mut self, key: &str, value: &str, flag: Option<&str>) -> Put {
        if self.has(key) {
            match self.sec.plain(key, value, Ctx::Exec) {
                Ok(()) => return Put::Key(names::cat([key, "=", value])),
                // The key exists but cannot hold this value: say so, not that it is missing.
                Err(e) if flag.is_none() || !self.has("PodmanArgs") => {
                    return Put::Nowhere(format!(
                        "{key}= cannot hold it ({e}) and {}",
                        if flag.is_none() {
                            "podman has no equivalent flag".to_owned()
                        } else {
                            format!("[{}] of podman {} has no PodmanArgs=", self.group, self.v)
                        }
                    ));
                }
                Err(_) => {}
            }
        }
        self.fallback(key, value, flag)
    }

    /// A word-list key holding one word (`Environment=K=V`, `Label=`, `Secret=`, ...).
    pub(crate) fn word(&mut self, key: &str, value: &str, flag: Option<&str>) -> Put {
        if self.has(key) {
            self.sec.word(key, value, Ctx::Exec);
            return Put::Key(names::cat([key, "=", value]));
        }
        self.fallback(key, value, flag)
    }

    fn fallback(&mut self, key: &str, value: &str, flag: Option<&str>) -> Put {
        match flag {
            Some(flag) if self.has("PodmanArgs") => self.arg(&format!("{flag}={value}")),
            Some(_) => Put::Nowhere(format!(
                "{}={value}: neither the key nor PodmanArgs= exists in [{}] of podman {}",
                key, self.group, self.v
            )),
            None => Put::Nowhere(match crate::version::key_since(self.group, key) {
                Some(since) => format!(
                    "needs quadlet key {key}= (podman {since}+; the target is podman {}) and podman has no equivalent flag",
                    self.v
                ),
                None => names::cat([
                    "quadlet has no ",
                    key,
                    "= key and podman has no equivalent flag",
                ]),
            }),
        }
    }

    /// One `PodmanArgs=` word.
    pub(crate) fn arg(&mut self, word: &str) -> Put {
        if !self.has("PodmanArgs") {
            return Put::Nowhere(format!(
                "{word}: [{}] has no PodmanArgs= in podman {}",
                self.group, self.v
            ));
        }
        self.args.push(word.to_owned());
        Put::Args(format!("PodmanArgs={word}"))
    }

    /// A boolean flag key (`ReadOnly=true`) or `--flag=true|false`.
    pub(crate) fn boolean(&mut self, key: &str, value: bool, flag: Option<&str>) -> Put {
        self.plain(key, if value { "true" } else { "false" }, flag)
    }

    /// The finished section (PodmanArgs last, one line per word).
    pub(crate) fn finish(mut self) -> Section {
        for a in std::mem::take(&mut self.args) {
            self.sec.word("PodmanArgs", &a, Ctx::Exec);
        }
        self.sec.dedup();
        self.sec
    }
}

/// Go/systemd duration text: `90s`, `1500ms`, `10us`, `5ns`.
pub(crate) fn dur(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns % 1_000_000_000 == 0 {
        format!("{}s", ns / 1_000_000_000)
    } else if ns % 1_000_000 == 0 {
        format!("{}ms", ns / 1_000_000)
    } else if ns % 1_000 == 0 {
        format!("{}us", ns / 1_000)
    } else {
        format!("{ns}ns")
    }
}

fn rec(cx: &mut Cx<'_>, path: String, span: Span, put: Put) {
    let (o, d) = put.outcome();
    cx.push(path, span, o, d);
}

/// `group` of the key-path rules: when `f` records nothing, record the node itself.
fn group(cx: &mut Cx<'_>, path: &str, span: Span, f: impl FnOnce(&mut Cx<'_>)) {
    let before = cx.ledger.entries.len();
    f(cx);
    if cx.ledger.entries.len() == before {
        cx.ok(path, span, "empty: nothing to carry over");
    }
}

pub(crate) fn ext_unsupported(cx: &mut Cx<'_>, parent: &str, e: &Extensions, span: Span) {
    for (k, v) in e {
        let sp = if v.span.is_synthetic() { span } else { v.span };
        cx.unsup(
            format!("{parent}.{k}"),
            sp,
            "extension field: ignored by Compose and by podman",
        );
    }
}

fn ser_ns(ns: &str, cx: &Cx<'_>) -> String {
    // `service:x` → `container:<x's container name>`
    if let Some(svc) = ns.strip_prefix("service:") {
        if let Some(s) = cx.p.services.get(svc) {
            return format!("container:{}", names::container_name(cx.p, s));
        }
    }
    ns.to_owned()
}

/// The prefix of the systemd variables that carry command arguments quadlet cannot pass.
const ARG_VAR_PREFIX: &str = "TRANSSHIP_ARG_";

/// Writes `Exec=` for the container's command and returns the ledger detail.
///
/// Quadlet (5.4) cannot pass an empty argument through `Exec=` (its word splitter stops
/// there, dropping the rest) nor a lone `;` (written bare into `ExecStart=`, where systemd
/// reads it as a command separator). Such an argument is written as `${TRANSSHIP_ARG_<i>}`
/// (`i` its index in the command) with a systemd-level `Environment=` in `[Service]`
/// holding its value: systemd replaces the word by exactly one argument with that value when
/// it runs `ExecStart=`. The variable is in podman's environment, not the container's; a
/// name the service passes through from that environment (`environment: [NAME]`) is avoided
/// by adding `_` until it is free.
fn exec_command(
    c: &mut Section,
    svc: &mut Section,
    args: &[String],
    environment: &BTreeMap<String, Spanned<Option<String>>>,
) -> String {
    use transship_translate::unit::ExecWord;
    let passed_through = |name: &str| environment.get(name).is_some_and(|v| v.value.is_none());
    let names: Vec<Option<String>> = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (a.is_empty() || a == ";").then(|| {
                let mut name = format!("{ARG_VAR_PREFIX}{i}");
                while passed_through(&name) {
                    name.push('_');
                }
                name
            })
        })
        .collect();
    let mut words: Vec<ExecWord<'_>> = Vec::with_capacity(args.len());
    let mut shown: Vec<String> = Vec::with_capacity(args.len());
    let mut vars: Vec<String> = Vec::new();
    for (a, n) in args.iter().zip(&names) {
        if let Some(n) = n {
            words.push(ExecWord::Var(n));
            shown.push(format!("${{{n}}}"));
            svc.env_assignment(n, a);
            vars.push(format!("{n}={a}"));
        } else {
            words.push(ExecWord::Literal(a));
            shown.push(a.clone());
        }
    }
    c.exec_words("Exec", &words);
    let mut detail = format!("Exec={}", shown.join(" "));
    if !vars.is_empty() {
        detail.push_str(&format!(
            " with [Service] Environment={} (quadlet cannot pass an empty or a lone `;` argument in Exec=; systemd expands each ${{…}} into exactly that one argument)",
            vars.join(" ")
        ));
    }
    detail
}

/// JSON-array text of a word list (`["a","b c"]`), as podman's `--entrypoint` and
/// `--health-cmd` accept it.
fn json_array(words: &[String]) -> String {
    let mut out = String::from("[");
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in w.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

fn port_text(port: &Port) -> String {
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

#[allow(clippy::too_many_lines)]
/// More replicas than this are refused (one unit file each).
const MAX_REPLICAS: i64 = 64;

/// How many containers Compose runs for `s` (`scale`, else `deploy.replicas`, else 1).
pub(crate) fn replica_count(s: &Service) -> i64 {
    s.scale
        .as_ref()
        .map(|x| x.value)
        .or_else(|| {
            s.deploy
                .as_ref()
                .and_then(|d| d.value.replicas.as_ref())
                .map(|x| x.value)
        })
        .unwrap_or(1)
}

/// Whether extra replicas can be written as extra units: `Err(reason)` when not.
pub(crate) fn replicas_possible(cx: &Cx<'_>, s: &Service) -> Result<(), String> {
    if cx.t.pod {
        return Err("with --pod every replica would share the pod's network namespace and ports; one container is written".into());
    }
    if replica_count(s) > MAX_REPLICAS {
        return Err(format!(
            "more than {MAX_REPLICAS} replicas are not written out as units; one container is written"
        ));
    }
    if s.container_name.is_some() {
        return Err("a fixed container_name allows one container (Compose refuses to scale it too); one container is written".into());
    }
    Ok(())
}

/// The ledger entry of `scale` / `deploy.replicas`.
pub(crate) fn replicas_entry(cx: &mut Cx<'_>, s: &Service, path: String, span: Span, n: i64) {
    if n == 1 {
        cx.ok(path, span, "one container");
        return;
    }
    if n < 1 {
        cx.approx(path, span, "zero replicas: Compose creates no container, but the unit is still written (disable it to match)", "");
        return;
    }
    match replicas_possible(cx, s) {
        Ok(()) => {
            let base = names::service_base(cx.p, &s.name);
            cx.approx(
                path,
                span,
                format!("{n} replicas become {n} units ({base}.service, {base}-2.service, …); dependents wait for the first one only, and a fixed published host port makes the extra replicas fail, as in Compose"),
                format!("{base}.container .. {base}-{n}.container"),
            );
        }
        Err(reason) => cx.unsup(path, span, reason),
    }
}

/// One service → its `.container` unit; `replica` > 1 writes the extra replicas of a scaled
/// service (`<project>-<service>-<n>.container`, container `<project>-<service>-<n>`).
pub(crate) fn translate_service(cx: &mut Cx<'_>, s: &Service, replica: i64) {
    let Service {
        name,
        span: sspan,
        annotations,
        attach,
        blkio_config,
        build,
        cap_add,
        cap_drop,
        cgroup,
        cgroup_parent,
        command,
        configs,
        container_name,
        cpu_count,
        cpu_percent,
        cpu_period,
        cpu_quota,
        cpu_rt_period,
        cpu_rt_runtime,
        cpu_shares,
        cpus,
        cpuset,
        credential_spec,
        depends_on,
        deploy,
        develop,
        device_cgroup_rules,
        devices,
        dns,
        dns_opt,
        dns_search,
        domainname,
        entrypoint,
        env_file,
        environment,
        expose,
        extends,
        external_links,
        extra_hosts,
        gpus,
        group_add,
        healthcheck,
        hostname,
        image,
        init,
        ipc,
        isolation,
        label_file,
        labels,
        links,
        logging,
        mac_address,
        mem_limit,
        mem_reservation,
        mem_swappiness,
        memswap_limit,
        models,
        network_mode,
        networks,
        oom_kill_disable,
        oom_score_adj,
        pid,
        pids_limit,
        platform,
        ports,
        post_start,
        pre_stop,
        privileged,
        profiles,
        provider,
        pull_policy,
        pull_refresh_after,
        read_only,
        restart,
        runtime,
        scale,
        secrets,
        security_opt,
        shm_size,
        stdin_open,
        stop_grace_period,
        stop_signal,
        storage_opt,
        sysctls,
        tmpfs,
        tty,
        ulimits,
        use_api_socket,
        user,
        userns_mode,
        uts,
        volumes,
        volumes_from,
        working_dir,
        extensions,
    } = s;
    let v = cx.t.version;
    let p = format!("services.{name}");
    let mark = cx.ledger.entries.len();
    let base = names::service_base(cx.p, name);
    let (unit_base, cname) = if replica > 1 {
        (
            format!("{base}-{replica}"),
            format!("{}-{name}-{replica}", cx.p.name.value),
        )
    } else {
        (base.clone(), names::container_name(cx.p, s))
    };
    let needs = cx
        .dep_needs
        .get(name)
        .copied()
        .unwrap_or(DepNeeds::default());
    let in_pod = cx.t.pod;

    let mut c = Quad::new(v, "Container");
    let mut unit = Section::new("Unit");
    let mut svc = Section::new("Service");
    let mut install = Section::new("Install");
    let _ = unit.plain(
        "Description",
        &if replica > 1 {
            format!(
                "Compose service {name} of project {} (replica {replica})",
                cx.p.name.value
            )
        } else {
            format!("Compose service {name} of project {}", cx.p.name.value)
        },
        Ctx::Setting,
    );

    // ---- image / build ----
    let built = build.is_some();
    let image_ref = names::built_image(cx.p, s);
    if let Some(b) = build {
        crate::resources::build(cx, s, b, &image_ref, &base, &mut c, &mut svc);
    }
    let pulled_by_unit = crate::image::container_image(cx, s, &mut c);
    match image {
        Some(img) if pulled_by_unit.is_some() => {
            if let Some((o, d)) = pulled_by_unit {
                cx.push(names::cat([&p, ".image"]), img.span, o, d);
            }
        }
        Some(img) => {
            let use_build_unit = built && has_unit_type(v, "build");
            let qualified = if built {
                image_ref.clone()
            } else {
                names::qualify_image(&img.value)
            };
            let put = if use_build_unit {
                c.plain("Image", &names::cat([&base, ".build"]), None)
            } else {
                c.plain("Image", &qualified, None)
            };
            let (o, d) = put.outcome();
            let d = if use_build_unit {
                format!("{d} (the image is built as {image_ref})")
            } else if qualified != img.value {
                format!("{d} (the short name resolved as Docker does)")
            } else {
                d
            };
            cx.push(names::cat([&p, ".image"]), img.span, o, d);
        }
        None if built => {
            if has_unit_type(v, "build") {
                let _ = c.plain("Image", &names::cat([&base, ".build"]), None);
            } else {
                let _ = c.plain("Image", &image_ref, None);
            }
        }
        None => {}
    }

    // ---- names ----
    let _ = c.plain("ContainerName", &cname, None);
    if let Some(n) = container_name {
        rec(
            cx,
            names::cat([&p, ".container_name"]),
            n.span,
            Put::Key(format!("ContainerName={}", n.value)),
        );
    }

    // ---- command / entrypoint ----
    if let Some(cmd) = command {
        let path = names::cat([&p, ".command"]);
        if cmd.value.is_empty() {
            cx.approx(
                path,
                cmd.span,
                "an explicitly empty command keeps the image's CMD under podman (Compose clears it)",
                "",
            );
        } else {
            let detail = exec_command(&mut c.sec, &mut svc, &cmd.value, environment);
            cx.ok(path, cmd.span, detail);
        }
    }
    if let Some(ep) = entrypoint {
        let put = if ep.value.is_empty() {
            c.arg("--entrypoint=")
        } else if ep.value.len() == 1 && !ep.value[0].starts_with('[') && !ep.value[0].is_empty() {
            c.plain("Entrypoint", &ep.value[0], Some("--entrypoint"))
        } else {
            c.plain("Entrypoint", &json_array(&ep.value), Some("--entrypoint"))
        };
        rec(cx, names::cat([&p, ".entrypoint"]), ep.span, put);
    }

    // ---- environment ----
    for (i, f) in env_file.iter().enumerate() {
        cx.ok(
            names::key_at([&p, ".env_file"], i),
            f.span,
            format!(
                "values read at conversion time into Environment= ({})",
                f.value.path.display()
            ),
        );
    }
    for (k, val) in environment {
        match &val.value {
            Some(x) => {
                let put = c.word("Environment", &format!("{k}={x}"), Some("--env"));
                rec(cx, names::cat([&p, ".environment.", k]), val.span, put);
            }
            None => {
                let reason = "no value in Compose: podman takes it from the environment of the systemd unit when the container starts (Compose takes it from the shell running `compose up`)";
                let put = if v.env_passthrough() {
                    c.word("Environment", k, None)
                } else {
                    c.arg(&names::cat(["--env=", k]))
                };
                let (_, d) = put.outcome();
                cx.approx(names::cat([&p, ".environment.", k]), val.span, reason, d);
            }
        }
    }

    // ---- labels / annotations ----
    for (k, val) in labels {
        let put = c.word("Label", &format!("{k}={}", val.value), Some("--label"));
        rec(cx, names::cat([&p, ".labels.", k]), val.span, put);
    }
    for (i, f) in label_file.iter().enumerate() {
        cx.ok(
            names::key_at([&p, ".label_file"], i),
            f.span,
            "labels read at conversion time into Label=",
        );
    }
    for (k, val) in annotations {
        let put = c.word(
            "Annotation",
            &format!("{k}={}", val.value),
            Some("--annotation"),
        );
        rec(cx, names::cat([&p, ".annotations.", k]), val.span, put);
    }

    // ---- ports / expose ----
    for (i, port) in ports.iter().enumerate() {
        let path = names::key_at([&p, ".ports"], i);
        let Port {
            name: pname,
            mode,
            host_ip: _,
            target: _,
            published: _,
            protocol: _,
            // The meaning is `protocol`; podman takes it in lower case.
            protocol_text: _,
            app_protocol,
            extensions: pext,
        } = &port.value;
        if port.value.protocol == Protocol::Other {
            cx.unsup(
                path.clone(),
                port.span,
                "podman publishes tcp, udp and sctp ports only; not written",
            );
            ext_unsupported(cx, &path, pext, port.span);
            continue;
        }
        let text = port_text(&port.value);
        let put = if in_pod {
            pod_put(cx, "PublishPort", &text)
        } else {
            c.plain("PublishPort", &text, Some("--publish"))
        };
        let (o, d) = put.outcome();
        let o = match (&o, mode.as_deref()) {
            (Outcome::Translated, Some("ingress"))
            | (Outcome::Translated, Some("host"))
            | (Outcome::Translated, None) => {
                if pname.is_some() || app_protocol.is_some() {
                    Outcome::Approximated(
                        "the port's name/app_protocol are metadata podman does not keep".into(),
                    )
                } else {
                    o
                }
            }
            (Outcome::Translated, Some(m)) => Outcome::Approximated(format!(
                "port mode {m:?} has no podman meaning; published on the host"
            )),
            _ => o,
        };
        cx.push(path.clone(), port.span, o, d);
        ext_unsupported(cx, &path, pext, port.span);
    }
    for (i, e) in expose.iter().enumerate() {
        // Compose keeps `58/UDP` as written; quadlet only takes a lower-case protocol.
        let text = match e.value.split_once('/') {
            Some((port, proto)) => format!("{port}/{}", proto.to_ascii_lowercase()),
            None => e.value.clone(),
        };
        let put = c.plain("ExposeHostPort", &text, Some("--expose"));
        rec(cx, names::key_at([&p, ".expose"], i), e.span, put);
    }

    // ---- networks ----
    crate::resources::service_networks(cx, s, &mut c, &mut unit, network_mode.as_ref(), networks);

    // ---- volumes / tmpfs ----
    for (i, vol) in volumes.iter().enumerate() {
        let path = names::key_at([&p, ".volumes"], i);
        let (o, d) = crate::resources::service_volume(cx, &mut c, &mut svc, &vol.value);
        cx.push(path.clone(), vol.span, o, d);
        ext_unsupported(cx, &path, &vol.value.extensions, vol.span);
        if let Some(b) = &vol.value.bind {
            ext_unsupported(cx, &names::cat([&path, ".bind"]), &b.extensions, vol.span);
        }
        if let Some(o) = &vol.value.volume {
            ext_unsupported(cx, &names::cat([&path, ".volume"]), &o.extensions, vol.span);
        }
        if let Some(t) = &vol.value.tmpfs {
            ext_unsupported(cx, &names::cat([&path, ".tmpfs"]), &t.extensions, vol.span);
        }
    }
    for (i, t) in tmpfs.iter().enumerate() {
        let put = c.plain("Tmpfs", &t.value, Some("--tmpfs"));
        rec(cx, names::key_at([&p, ".tmpfs"], i), t.span, put);
    }
    for (i, vf) in volumes_from.iter().enumerate() {
        let (src, ro) = match vf.value.rsplit_once(':') {
            Some((a, m)) if m == "ro" || m == "rw" => (a, Some(m)),
            _ => (vf.value.as_str(), None),
        };
        let target = if let Some(svc) = src.strip_prefix("container:") {
            svc.to_owned()
        } else if let Some(other) = cx.p.services.get(src) {
            unit.raw("Requires", names::service_unit(cx.p, src));
            unit.raw("After", names::service_unit(cx.p, src));
            names::container_name(cx.p, other)
        } else {
            src.to_owned()
        };
        let word = match ro {
            Some(m) => format!("--volumes-from={target}:{m}"),
            None => format!("--volumes-from={target}"),
        };
        let put = c.arg(&word);
        rec(cx, names::key_at([&p, ".volumes_from"], i), vf.span, put);
    }

    // ---- secrets / configs ----
    for (i, r) in secrets.iter().enumerate() {
        let path = names::key_at([&p, ".secrets"], i);
        let (o, d) = crate::resources::file_ref(cx, &unit_base, &mut c, &mut svc, &r.value, true);
        cx.push(path.clone(), r.span, o, d);
        ext_unsupported(cx, &path, &r.value.extensions, r.span);
    }
    for (i, r) in configs.iter().enumerate() {
        let path = names::key_at([&p, ".configs"], i);
        let (o, d) = crate::resources::file_ref(cx, &unit_base, &mut c, &mut svc, &r.value, false);
        cx.push(path.clone(), r.span, o, d);
        ext_unsupported(cx, &path, &r.value.extensions, r.span);
    }

    // ---- user / process ----
    if let Some(u) = user {
        let numeric = u
            .value
            .split(':')
            .all(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit()));
        let put = if v.user_names() || numeric {
            match u.value.split_once(':') {
                Some((usr, grp)) if c.has("User") && c.has("Group") => {
                    let a = c.plain("User", usr, None);
                    let b = c.plain("Group", grp, None);
                    match (a, b) {
                        (Put::Key(a), Put::Key(b)) => Put::Key(format!("{a} {b}")),
                        _ => {
                            // drop partial keys: fall back entirely
                            c.sec.entries.retain(|(k, _)| k != "User" && k != "Group");
                            c.arg(&format!("--user={}", u.value))
                        }
                    }
                }
                _ => c.plain("User", &u.value, Some("--user")),
            }
        } else {
            // 4.4 .. 4.7 read User= as a number; names must go through the CLI flag
            c.arg(&format!("--user={}", u.value))
        };
        rec(cx, names::cat([&p, ".user"]), u.span, put);
    }
    for (i, g) in group_add.iter().enumerate() {
        let put = if c.has("GroupAdd") && (v.multi_group_add() || group_add.len() == 1) {
            c.plain("GroupAdd", &g.value, Some("--group-add"))
        } else {
            c.arg(&format!("--group-add={}", g.value))
        };
        rec(cx, names::key_at([&p, ".group_add"], i), g.span, put);
    }
    if let Some(w) = working_dir {
        let put = c.plain("WorkingDir", &w.value, Some("--workdir"));
        rec(cx, names::cat([&p, ".working_dir"]), w.span, put);
    }
    if let Some(h) = hostname {
        let put = if in_pod {
            Put::Nowhere("in a pod the host name belongs to the pod; not set per container".into())
        } else {
            c.plain("HostName", &h.value, Some("--hostname"))
        };
        rec(cx, names::cat([&p, ".hostname"]), h.span, put);
    }
    for (key, list, qkey, flag) in [
        ("dns", dns, "DNS", "--dns"),
        ("dns_opt", dns_opt, "DNSOption", "--dns-option"),
        ("dns_search", dns_search, "DNSSearch", "--dns-search"),
    ] {
        for (i, x) in list.iter().enumerate() {
            let put = c.plain(qkey, &x.value, Some(flag));
            rec(cx, names::key_at([&p, ".", key], i), x.span, put);
        }
    }
    if let Some(d) = domainname {
        cx.unsup(
            names::cat([&p, ".domainname"]),
            d.span,
            "podman has no option to set the NIS domain name",
        );
    }
    if let Some(i) = init {
        let put = c.boolean("RunInit", i.value, Some("--init"));
        rec(cx, names::cat([&p, ".init"]), i.span, put);
    }
    if let Some(r) = read_only {
        let put = c.boolean("ReadOnly", r.value, Some("--read-only"));
        if r.value && c.has("ReadOnlyTmpfs") {
            // Docker mounts no tmpfs on a read-only root; podman does unless told not to.
            let _ = c.boolean("ReadOnlyTmpfs", false, None);
        }
        rec(cx, names::cat([&p, ".read_only"]), r.span, put);
    }
    if let Some(x) = privileged {
        let put = if x.value {
            c.arg("--privileged")
        } else {
            Put::Key("(not privileged: the default)".into())
        };
        rec(cx, names::cat([&p, ".privileged"]), x.span, put);
    }
    for (i, cap) in cap_add.iter().enumerate() {
        let put = c.plain("AddCapability", &cap.value, Some("--cap-add"));
        rec(cx, names::key_at([&p, ".cap_add"], i), cap.span, put);
    }
    for (i, cap) in cap_drop.iter().enumerate() {
        let put = c.plain("DropCapability", &cap.value, Some("--cap-drop"));
        rec(cx, names::key_at([&p, ".cap_drop"], i), cap.span, put);
    }
    for (i, so) in security_opt.iter().enumerate() {
        let val = so.value.as_str();
        let (k, rest) = val.split_once([':', '=']).unwrap_or((val, ""));
        let put = match (k, rest) {
            ("no-new-privileges", "" | "true") => c.boolean(
                "NoNewPrivileges",
                true,
                Some("--security-opt=no-new-privileges"),
            ),
            ("seccomp", prof) if !prof.is_empty() => {
                c.plain("SeccompProfile", prof, Some("--security-opt=seccomp"))
            }
            ("apparmor", prof) if !prof.is_empty() => {
                c.plain("AppArmor", prof, Some("--security-opt=apparmor"))
            }
            ("label", "nested") => c.boolean("SecurityLabelNested", true, None),
            ("label", "disable") => c.boolean("SecurityLabelDisable", true, None),
            ("label", l) if l.starts_with("type:") => c.plain("SecurityLabelType", &l[5..], None),
            ("label", l) if l.starts_with("level:") => c.plain("SecurityLabelLevel", &l[6..], None),
            ("label", l) if l.starts_with("filetype:") => {
                c.plain("SecurityLabelFileType", &l[9..], None)
            }
            _ => Put::Nowhere(String::new()),
        };
        let put = match put {
            Put::Nowhere(_) => c.arg(&format!(
                "--security-opt={}",
                val.replacen(':', "=", usize::from(!val.contains('=')))
            )),
            other => other,
        };
        rec(cx, names::key_at([&p, ".security_opt"], i), so.span, put);
    }
    for (k, val) in sysctls {
        let put = c.plain("Sysctl", &format!("{k}={}", val.value), Some("--sysctl"));
        rec(cx, names::cat([&p, ".sysctls.", k]), val.span, put);
    }
    for (k, u) in ulimits {
        let text = if u.value.soft == u.value.hard {
            format!("{k}={}", u.value.soft)
        } else {
            format!("{k}={}:{}", u.value.soft, u.value.hard)
        };
        let put = if c.has("Ulimit") && (v.multi_ulimit() || ulimits.len() == 1) {
            c.plain("Ulimit", &text, Some("--ulimit"))
        } else {
            c.arg(&format!("--ulimit={text}"))
        };
        rec(cx, names::cat([&p, ".ulimits.", k]), u.span, put);
    }
    for (i, d) in devices.iter().enumerate() {
        let Device {
            source,
            target,
            permissions,
            extensions: dext,
        } = &d.value;
        let mut text = format!("{source}:{target}");
        if let Some(pm) = permissions {
            text.push(':');
            text.push_str(pm);
        }
        let path = names::key_at([&p, ".devices"], i);
        let put = c.plain("AddDevice", &text, Some("--device"));
        rec(cx, path.clone(), d.span, put);
        ext_unsupported(cx, &path, dext, d.span);
    }
    for (i, r) in device_cgroup_rules.iter().enumerate() {
        let put = c.arg(&format!("--device-cgroup-rule={}", r.value));
        rec(
            cx,
            names::key_at([&p, ".device_cgroup_rules"], i),
            r.span,
            put,
        );
    }
    for (i, g) in gpus.iter().enumerate() {
        let path = names::key_at([&p, ".gpus"], i);
        let DeviceRequest {
            capabilities: _,
            driver: _,
            count,
            device_ids,
            options: _,
            extensions: gext,
        } = &g.value;
        let put = if v >= PodmanVersion::new(5, 0) {
            let which = if device_ids.is_empty() {
                match count {
                    Some(n) if *n > 0 => n.to_string(),
                    _ => "all".into(),
                }
            } else {
                format!("\"device={}\"", device_ids.join(","))
            };
            c.arg(&format!("--gpus={which}"))
        } else {
            Put::Nowhere(format!(
                "podman {v} has no --gpus (5.0+); add the devices with AddDevice= (CDI names such as nvidia.com/gpu=all)"
            ))
        };
        let (o, d) = put.outcome();
        let o = if o == Outcome::Translated {
            Outcome::Approximated("podman --gpus selects NVIDIA devices only; capabilities, driver and options are not carried over".into())
        } else {
            o
        };
        cx.push(path.clone(), g.span, o, d);
        ext_unsupported(cx, &path, gext, g.span);
    }

    // ---- namespaces / cgroups / runtime ----
    for (key, val, flag) in [
        ("ipc", ipc, "--ipc"),
        ("pid", pid, "--pid"),
        ("uts", uts, "--uts"),
        ("cgroup", cgroup, "--cgroupns"),
        ("runtime", runtime, "--runtime"),
        ("mac_address", mac_address, "--mac-address"),
        ("platform", platform, "--platform"),
        ("cpuset", cpuset, "--cpuset-cpus"),
    ] {
        if let Some(x) = val {
            if key == "platform" {
                crate::image::platform(cx, s, &mut c, x);
                continue;
            }
            let put = c.arg(&format!("{flag}={}", ser_ns(&x.value, cx)));
            rec(cx, names::cat([&p, ".", key]), x.span, put);
        }
    }
    if let Some(x) = cgroup_parent {
        let put = c.arg(&format!("--cgroup-parent={}", x.value));
        let (_, d) = put.outcome();
        cx.approx(names::cat([&p, ".cgroup_parent"]), x.span, "quadlet runs containers with --cgroups=split under the unit's cgroup; a parent cgroup may conflict with that", d);
    }
    if let Some(x) = userns_mode {
        let put = c.plain("UserNS", &x.value, Some("--userns"));
        rec(cx, names::cat([&p, ".userns_mode"]), x.span, put);
    }
    if let Some(x) = isolation {
        if x.value == "default" {
            cx.ok(names::cat([&p, ".isolation"]), x.span, "default isolation");
        } else {
            cx.unsup(
                names::cat([&p, ".isolation"]),
                x.span,
                "isolation technologies are a Windows container feature",
            );
        }
    }

    // ---- resources ----
    for (key, val, flag) in [
        ("cpu_period", cpu_period, "--cpu-period"),
        ("cpu_quota", cpu_quota, "--cpu-quota"),
        ("cpu_rt_period", cpu_rt_period, "--cpu-rt-period"),
        ("cpu_rt_runtime", cpu_rt_runtime, "--cpu-rt-runtime"),
        ("cpu_shares", cpu_shares, "--cpu-shares"),
        ("mem_swappiness", mem_swappiness, "--memory-swappiness"),
        ("oom_score_adj", oom_score_adj, "--oom-score-adj"),
    ] {
        if let Some(x) = val {
            let put = c.arg(&format!("{flag}={}", x.value));
            rec(cx, names::cat([&p, ".", key]), x.span, put);
        }
    }
    if let Some(x) = cpus {
        let put = c.arg(&format!("--cpus={}", x.value));
        rec(cx, names::cat([&p, ".cpus"]), x.span, put);
    }
    for (key, val) in [
        ("cpu_count", cpu_count.as_ref().map(|x| x.span)),
        ("cpu_percent", cpu_percent.as_ref().map(|x| x.span)),
    ] {
        if let Some(sp) = val {
            cx.unsup(
                names::cat([&p, ".", key]),
                sp,
                "a Windows-only CPU setting; podman has no equivalent (use cpus)",
            );
        }
    }
    if let Some(x) = credential_spec {
        cx.unsup(
            names::cat([&p, ".credential_spec"]),
            x.span,
            "credential specs are a Windows container feature",
        );
        ext_unsupported(
            cx,
            &names::cat([&p, ".credential_spec"]),
            &x.value.extensions,
            x.span,
        );
    }
    if let Some(x) = mem_limit {
        let put = c.plain("Memory", &x.value.0.to_string(), Some("--memory"));
        rec(cx, names::cat([&p, ".mem_limit"]), x.span, put);
    }
    if let Some(x) = mem_reservation {
        let put = c.arg(&format!("--memory-reservation={}", x.value.0));
        rec(cx, names::cat([&p, ".mem_reservation"]), x.span, put);
    }
    if let Some(x) = memswap_limit {
        let put = c.arg(&format!("--memory-swap={}", x.value.0));
        rec(cx, names::cat([&p, ".memswap_limit"]), x.span, put);
    }
    if let Some(x) = oom_kill_disable {
        let put = c.arg(&format!("--oom-kill-disable={}", x.value));
        rec(cx, names::cat([&p, ".oom_kill_disable"]), x.span, put);
    }
    if let Some(x) = pids_limit {
        let put = c.plain("PidsLimit", &x.value.to_string(), Some("--pids-limit"));
        rec(cx, names::cat([&p, ".pids_limit"]), x.span, put);
    }
    if let Some(x) = shm_size {
        let put = c.plain("ShmSize", &x.value.0.to_string(), Some("--shm-size"));
        rec(cx, names::cat([&p, ".shm_size"]), x.span, put);
    }
    for (k, x) in storage_opt {
        let put = c.arg(&format!("--storage-opt={k}={}", x.value));
        rec(cx, names::cat([&p, ".storage_opt.", k]), x.span, put);
    }
    if let Some(b) = blkio_config {
        let BlkioConfig {
            weight,
            weight_device,
            device_read_bps,
            device_read_iops,
            device_write_bps,
            device_write_iops,
            extensions: bext,
        } = &b.value;
        let bp = names::cat([&p, ".blkio_config"]);
        group(cx, &bp, b.span, |cx| {
            if let Some(w) = weight {
                let put = c.arg(&format!("--blkio-weight={}", w.value));
                rec(cx, names::cat([&bp, ".weight"]), w.span, put);
            }
            for (i, d) in weight_device.iter().enumerate() {
                let put = c.arg(&format!(
                    "--blkio-weight-device={}:{}",
                    d.value.path, d.value.weight
                ));
                rec(cx, names::key_at([&bp, ".weight_device"], i), d.span, put);
            }
            for (key, list, flag) in [
                ("device_read_bps", device_read_bps, "--device-read-bps"),
                ("device_read_iops", device_read_iops, "--device-read-iops"),
                ("device_write_bps", device_write_bps, "--device-write-bps"),
                (
                    "device_write_iops",
                    device_write_iops,
                    "--device-write-iops",
                ),
            ] {
                for (i, d) in list.iter().enumerate() {
                    let put = c.arg(&format!("{flag}={}:{}", d.value.path, d.value.rate));
                    rec(cx, names::key_at([&bp, ".", key], i), d.span, put);
                }
            }
            ext_unsupported(cx, &bp, bext, b.span);
        });
    }

    // ---- healthcheck ----
    if let Some(h) = healthcheck {
        healthcheck_keys(cx, &mut c, &p, h);
    }
    if needs.healthy {
        if v.notify_healthy() {
            let _ = c.plain("Notify", "healthy", None);
        } else {
            // readiness wait: the unit becomes active only once the check passes
            let script = format!(
                "until /usr/bin/podman healthcheck run {}; do sleep 1; done",
                shell_quote(&cname)
            );
            svc.words(
                "ExecStartPost",
                &["/bin/sh", "-c", script.as_str()],
                Ctx::Exec,
            );
        }
    }

    // ---- logging ----
    if let Some(l) = logging {
        let Logging {
            driver,
            options,
            extensions: lext,
        } = &l.value;
        let lp = names::cat([&p, ".logging"]);
        group(cx, &lp, l.span, |cx| {
            if let Some(d) = driver {
                let drv = match d.value.as_str() {
                    "json-file" => "k8s-file",
                    other => other,
                };
                let put = if matches!(drv, "k8s-file" | "journald" | "none" | "passthrough") {
                    c.plain("LogDriver", drv, Some("--log-driver"))
                } else {
                    Put::Nowhere(format!(
                        "podman has no {:?} log driver (k8s-file, journald, none, passthrough)",
                        d.value
                    ))
                };
                let (o, det) = put.outcome();
                let o = if d.value == "json-file" && o == Outcome::Translated {
                    Outcome::Approximated("podman's k8s-file driver stands in for Docker's json-file (different on-disk format)".into())
                } else {
                    o
                };
                cx.push(names::cat([&lp, ".driver"]), d.span, o, det);
            }
            for (k, x) in options {
                let put = c.plain("LogOpt", &format!("{k}={}", x.value), Some("--log-opt"));
                rec(cx, names::cat([&lp, ".options.", k]), x.span, put);
            }
            ext_unsupported(cx, &lp, lext, l.span);
        });
    }

    // ---- stop ----
    if let Some(x) = stop_signal {
        let put = c.plain("StopSignal", &x.value, Some("--stop-signal"));
        rec(cx, names::cat([&p, ".stop_signal"]), x.span, put);
    }
    if let Some(x) = stop_grace_period {
        let secs = x.value.as_secs_ceil().max(0);
        let put = c.plain("StopTimeout", &secs.to_string(), Some("--stop-timeout"));
        svc.raw("TimeoutStopSec", (secs + 30).to_string());
        let (o, d) = put.outcome();
        let d = format!("{d}; TimeoutStopSec={}", secs + 30);
        let o = if x.value.as_nanos() % 1_000_000_000 != 0 {
            Outcome::Approximated("podman stop timeouts are whole seconds; rounded up".into())
        } else {
            o
        };
        cx.push(names::cat([&p, ".stop_grace_period"]), x.span, o, d);
    }

    // ---- terminal / misc ----
    if let Some(x) = tty {
        let put = c.arg(&format!("--tty={}", x.value));
        rec(cx, names::cat([&p, ".tty"]), x.span, put);
    }
    if let Some(x) = stdin_open {
        let put = c.arg(&format!("--interactive={}", x.value));
        let (_, d) = put.outcome();
        cx.approx(
            names::cat([&p, ".stdin_open"]),
            x.span,
            "under systemd no terminal is attached; stdin stays open but nothing writes to it",
            d,
        );
    }
    if let Some(x) = attach {
        cx.approx(
            names::cat([&p, ".attach"]),
            x.span,
            "no `compose up` to attach to: output goes to the journal (journalctl -u UNIT)",
            "",
        );
    }
    for (i, x) in links.iter().enumerate() {
        cx.unsup(names::key_at([&p, ".links"], i), x.span, "links are legacy: services on a shared network already resolve each other by name; add an alias on the network for a link alias");
    }
    for (i, x) in external_links.iter().enumerate() {
        cx.unsup(
            names::key_at([&p, ".external_links"], i),
            x.span,
            "external links are legacy; join the other container's network instead",
        );
    }
    for (i, x) in extra_hosts.iter().enumerate() {
        let text = format!("{}:{}", x.value.host, x.value.ip);
        let put = c.plain("AddHost", &text, Some("--add-host"));
        let (o, d) = put.outcome();
        let o = if x.value.ip == "host-gateway" && v < PodmanVersion::new(5, 3) {
            Outcome::Approximated("`host-gateway` is documented by podman from 5.3 only".into())
        } else {
            o
        };
        cx.push(names::key_at([&p, ".extra_hosts"], i), x.span, o, d);
    }
    if let Some(x) = pull_policy {
        crate::image::pull_policy(cx, s, &mut c, x);
    }
    if let Some(x) = pull_refresh_after {
        cx.unsup(names::cat([&p, ".pull_refresh_after"]), x.span, "periodic refresh has no podman equivalent; use podman auto-update (AutoUpdate=registry)");
    }
    if let Some(x) = scale {
        replicas_entry(cx, s, names::cat([&p, ".scale"]), x.span, x.value);
    }
    if let Some(x) = use_api_socket {
        if x.value {
            cx.unsup(names::cat([&p, ".use_api_socket"]), x.span, "mount the podman socket explicitly (Volume=/run/podman/podman.sock:/var/run/docker.sock)");
        } else {
            cx.ok(
                names::cat([&p, ".use_api_socket"]),
                x.span,
                "no socket (the default)",
            );
        }
    }
    for (i, x) in profiles.iter().enumerate() {
        cx.ok(
            names::key_at([&p, ".profiles"], i),
            x.span,
            "profiles are applied when loading",
        );
    }
    if let Some(x) = extends {
        cx.ok(
            names::cat([&p, ".extends"]),
            x.span,
            "resolved when loading",
        );
    }
    if let Some(x) = develop {
        cx.unsup(
            names::cat([&p, ".develop"]),
            x.span,
            "Compose Watch is a development-time feature of `compose up --watch`",
        );
    }
    if let Some(x) = models {
        cx.unsup(
            names::cat([&p, ".models"]),
            x.span,
            "Compose models (AI model runners) have no podman equivalent",
        );
    }
    if let Some(x) = provider {
        cx.unsup(
            names::cat([&p, ".provider"]),
            x.span,
            "external service providers are run by the Compose CLI; nothing runs under podman",
        );
    }
    for (i, h) in post_start.iter().enumerate() {
        let path = names::key_at([&p, ".post_start"], i);
        let words = exec_hook(&cname, &h.value);
        svc.words("ExecStartPost", &words, Ctx::Exec);
        cx.approx(path.clone(), h.span, "run with `podman exec` after the unit is started (ExecStartPost=); a failure fails the unit", format!("ExecStartPost={}", words.join(" ")));
        ext_unsupported(cx, &path, &h.value.extensions, h.span);
    }
    for (i, h) in pre_stop.iter().enumerate() {
        let path = names::key_at([&p, ".pre_stop"], i);
        let mut words = exec_hook(&cname, &h.value);
        words[0] = format!("-{}", words[0]);
        svc.words("ExecStop", &words, Ctx::Exec);
        cx.approx(path.clone(), h.span, "run with `podman exec` from ExecStop= before the container is removed; errors are ignored", format!("ExecStop={}", words.join(" ")));
        ext_unsupported(cx, &path, &h.value.extensions, h.span);
    }

    // ---- restart / deploy ----
    let mut restart_set: Option<&'static str> = None;
    if let Some(r) = restart {
        let (val, outcome) = match r.value {
            RestartPolicy::No => ("no", Outcome::Translated),
            RestartPolicy::Always => ("always", Outcome::Translated),
            RestartPolicy::UnlessStopped => ("always", Outcome::Approximated("systemd has no `unless-stopped`: a unit stopped with systemctl stays stopped until the next boot, where it starts again (enabled units)".into())),
            RestartPolicy::OnFailure(None) => ("on-failure", Outcome::Translated),
            RestartPolicy::OnFailure(Some(n)) => {
                unit.raw("StartLimitBurst", (n + 1).to_string());
                unit.raw("StartLimitIntervalSec", "infinity");
                ("on-failure", Outcome::Approximated(format!("at most {n} restarts via StartLimitBurst={} (counted since boot, not since the container was created)", n + 1)))
            }
        };
        let (val, outcome) = if needs.completed && val == "always" {
            (
                "on-failure",
                Outcome::Approximated(format!(
                    "{name} runs to completion for a dependent (service_completed_successfully → Type=oneshot), and systemd allows only Restart=on-failure there"
                )),
            )
        } else {
            (val, outcome)
        };
        restart_set = Some(val);
        let superseded = deploy
            .as_ref()
            .and_then(|d| d.value.restart_policy.as_ref())
            .is_some();
        if superseded {
            cx.ok(
                names::cat([&p, ".restart"]),
                r.span,
                "superseded by deploy.restart_policy, as in Compose",
            );
        } else {
            cx.push(
                names::cat([&p, ".restart"]),
                r.span,
                outcome,
                format!("Restart={val}"),
            );
        }
    }
    if let Some(d) = deploy {
        crate::resources::deploy(cx, s, &mut c, &mut unit, &mut svc, &p, d, &mut restart_set);
    }
    let oneshot = needs.completed;
    if let Some(r) = restart_set {
        let r = if oneshot && r == "always" {
            "on-failure"
        } else {
            r
        };
        svc.raw("Restart", r);
    }
    if oneshot {
        svc.raw("Type", "oneshot");
        svc.raw("RemainAfterExit", "yes");
    }
    // Pulls can be slow (podman-systemd.unit(5) recommends raising the start timeout); a
    // run-to-completion task has no time limit in Compose.
    svc.raw("TimeoutStartSec", if oneshot { "infinity" } else { "900" });

    // ---- depends_on ----
    for (dep, d) in depends_on {
        let Dependency {
            condition,
            restart: drestart,
            required,
            extensions: dext,
        } = &d.value;
        let path = names::cat([&p, ".depends_on.", dep]);
        let dunit = names::service_unit(cx.p, dep);
        let exists = cx.p.services.contains_key(dep);
        let mut detail = Vec::new();
        if required.value {
            unit.raw("Requires", dunit.clone());
            detail.push(format!("Requires={dunit}"));
        } else {
            unit.raw("Wants", dunit.clone());
            detail.push(format!("Wants={dunit}"));
        }
        unit.raw("After", dunit.clone());
        detail.push(format!("After={dunit}"));
        if drestart.as_ref().is_some_and(|x| x.value) {
            unit.raw("PartOf", dunit.clone());
            detail.push(format!("PartOf={dunit}"));
        }
        let outcome = match condition.value {
            DependsCondition::ServiceStarted => Outcome::Translated,
            DependsCondition::ServiceHealthy if !dep_has_check(cx, dep) => {
                detail.push(names::cat(["Notify=healthy on ", dep]));
                Outcome::Approximated(format!(
                    "{dep} defines no healthcheck in Compose: it must come from the image's HEALTHCHECK, or {dep}'s unit never becomes ready (Compose refuses to start in that case)"
                ))
            }
            DependsCondition::ServiceHealthy if v.notify_healthy() => {
                detail.push(names::cat(["Notify=healthy on ", dep]));
                Outcome::Translated
            }
            DependsCondition::ServiceHealthy => {
                detail.push(names::cat([
                    "ExecStartPost= waits for ",
                    dep,
                    "'s healthcheck",
                ]));
                Outcome::Approximated(format!(
                    "podman {v} has no Notify=healthy (5.0+): {dep}'s unit polls `podman healthcheck run` in ExecStartPost= until healthy (within TimeoutStartSec=900)"
                ))
            }
            DependsCondition::ServiceCompletedSuccessfully => {
                detail.push(names::cat([
                    dep,
                    " runs as Type=oneshot, RemainAfterExit=yes",
                ]));
                Outcome::Translated
            }
        };
        let outcome = if !exists && !required.value {
            Outcome::Approximated(format!(
                "{dep} is not an active service; Wants= on a missing unit is ignored"
            ))
        } else {
            outcome
        };
        cx.push(path.clone(), d.span, outcome, detail.join(", "));
        ext_unsupported(cx, &path, dext, d.span);
    }

    if in_pod {
        let pod = format!("{}.pod", names::pod_base(cx.p));
        let _ = c.plain("Pod", &pod, None);
    }

    install.raw("WantedBy", cx.t.wanted_by());
    ext_unsupported(cx, &p, extensions, *sspan);
    if cx.ledger.entries.len() == mark {
        cx.ok(p.clone(), *sspan, "service with no keys");
    }

    let has_image = c.sec.get("Image").next().is_some();
    let mut uf = UnitFile {
        header: cx.header(&format!("Compose service {name:?}")),
        sections: vec![],
    };
    if !has_image {
        uf.header.push(
            "No image: Compose needs `image` or `build`; add Image= before installing.".into(),
        );
    }
    unit.dedup();
    uf.sections.push(unit);
    uf.sections.push(c.finish());
    uf.sections.push(svc);
    uf.sections.push(install);
    cx.add_file(
        names::cat([&unit_base, ".container"]),
        uf.render(),
        0o644,
        false,
    );
}

fn healthcheck_keys(cx: &mut Cx<'_>, c: &mut Quad, p: &str, h: &Spanned<Healthcheck>) {
    let Healthcheck {
        test,
        interval,
        timeout,
        retries,
        start_period,
        start_interval,
        disable,
        extensions,
    } = &h.value;
    let hp = names::cat([p, ".healthcheck"]);
    group(cx, &hp.clone(), h.span, |cx| {
        let disabled = disable.as_ref().is_some_and(|d| d.value);
        if let Some(t) = test {
            let text = match &t.value {
                HealthTest::None => "none".to_owned(),
                HealthTest::Cmd(args) => json_array(args),
                HealthTest::CmdShell(s) => s.clone(),
            };
            // podman's quadlet before 5.8.2 mangles a HealthCmd= holding `"` or `\`;
            // such commands go through PodmanArgs (word-quoted) instead.
            let put = if text.contains(['"', '\\'])
                || escape_plain(&text, Ctx::Exec).is_err()
                || !c.has("HealthCmd")
            {
                c.arg(&format!("--health-cmd={text}"))
            } else {
                c.plain("HealthCmd", &text, Some("--health-cmd"))
            };
            rec(cx, names::cat([&hp, ".test"]), t.span, put);
        }
        for (key, val, qkey, flag) in [
            ("interval", interval, "HealthInterval", "--health-interval"),
            ("timeout", timeout, "HealthTimeout", "--health-timeout"),
            (
                "start_period",
                start_period,
                "HealthStartPeriod",
                "--health-start-period",
            ),
        ] {
            if let Some(x) = val {
                let put = c.plain(qkey, &dur(x.value), Some(flag));
                rec(cx, names::cat([&hp, ".", key]), x.span, put);
            }
        }
        if let Some(x) = retries {
            let put = c.plain(
                "HealthRetries",
                &x.value.to_string(),
                Some("--health-retries"),
            );
            rec(cx, names::cat([&hp, ".retries"]), x.span, put);
        }
        if let Some(x) = start_interval {
            cx.unsup(names::cat([&hp, ".start_interval"]), x.span, "podman has no separate check interval for the start period (HealthStartup* keys configure a different mechanism)");
        }
        if let Some(x) = disable {
            let put = if disabled {
                if test.is_some() {
                    c.sec.entries.retain(|(k, _)| k != "HealthCmd");
                    c.args.retain(|a| !a.starts_with("--health-cmd="));
                }
                c.plain("HealthCmd", "none", Some("--health-cmd"))
            } else {
                Put::Key("(enabled: the default)".into())
            };
            rec(cx, names::cat([&hp, ".disable"]), x.span, put);
        }
        ext_unsupported(cx, &hp, extensions, h.span);
    });
}

/// True when service `dep` has an enabled healthcheck with a test in Compose.
fn dep_has_check(cx: &Cx<'_>, dep: &str) -> bool {
    cx.p.services
        .get(dep)
        .and_then(|s| s.healthcheck.as_ref())
        .is_some_and(|h| {
            !h.value.disable.as_ref().is_some_and(|d| d.value)
                && h.value
                    .test
                    .as_ref()
                    .is_some_and(|t| t.value != HealthTest::None)
        })
}

/// `podman exec` argv for a lifecycle hook.
fn exec_hook(cname: &str, h: &LifecycleHook) -> Vec<String> {
    let LifecycleHook {
        command,
        user,
        privileged,
        working_dir,
        environment,
        extensions: _,
    } = h;
    let mut w = vec!["/usr/bin/podman".to_owned(), "exec".to_owned()];
    if let Some(u) = user {
        w.push(format!("--user={u}"));
    }
    if privileged == &Some(true) {
        w.push("--privileged".into());
    }
    if let Some(d) = working_dir {
        w.push(format!("--workdir={d}"));
    }
    let env: &BTreeMap<String, Option<String>> = environment;
    for (k, v) in env {
        match v {
            Some(v) => w.push(format!("--env={k}={v}")),
            None => w.push(names::cat(["--env=", k])),
        }
    }
    w.push(cname.to_owned());
    w.extend(command.iter().cloned());
    w
}

/// Single-quote for `/bin/sh` (only used for container names, which Compose restricts).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Put a key on the pod (`--pod`).
fn pod_put(cx: &mut Cx<'_>, key: &str, value: &str) -> Put {
    let pod = cx.pod.get_or_insert_with(UnitFile::new);
    match pod.section("Pod").plain(key, value, Ctx::Exec) {
        Ok(()) => Put::Key(format!("{key}={value} (on the pod)")),
        Err(e) => Put::Nowhere(e.to_string()),
    }
}
