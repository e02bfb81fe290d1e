//! Spelling: a typed podman option ([`Opt`]) as a quadlet key of the target version, or a
//! `PodmanArgs=` word where the version has no key, or nowhere (with the reason). The ledger
//! outcome of each of the mapping's decisions follows from where its option went.

use std::collections::BTreeMap;

use transship_ir::Spanned;
use transship_podman::map::{Decision, Rule};
use transship_podman::names;
use transship_podman::opt::{BuildOpt, HealthSetting, Opt, ResourceRef, SecurityKind, json_array};
use transship_translate::Outcome;
use transship_translate::unit::{
    Expansion, Section, UnitFile, escape_plain, quote_word_with_specifier_prefix, quote_words,
};

use crate::QuadletState;
use crate::version::{PodmanVersion, has_key};

/// Where a value went.
#[derive(Debug, Clone)]
pub(crate) enum Written {
    /// A quadlet key (`Key=value`, unescaped, for the ledger detail).
    Key(String),
    /// A `PodmanArgs=` fallback.
    Args(String),
    /// Nowhere; the reason.
    Nowhere(String),
}

impl Written {
    pub(crate) fn outcome(self) -> (Outcome, String) {
        match self {
            Written::Key(d) | Written::Args(d) => (Outcome::Translated, d),
            Written::Nowhere(r) => (Outcome::Unsupported(r), String::new()),
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
    pub(crate) fn plain(&mut self, key: &str, value: &str, flag: Option<&str>) -> Written {
        if self.has(key) {
            match self.sec.plain(key, value, Expansion::Exec) {
                Ok(()) => return Written::Key(names::cat([key, "=", value])),
                // The key exists but cannot hold this value: say so, not that it is missing.
                Err(e) if flag.is_none() || !self.has("PodmanArgs") => {
                    return Written::Nowhere(format!(
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
    pub(crate) fn word(&mut self, key: &str, value: &str, flag: Option<&str>) -> Written {
        if self.has(key) {
            self.sec.word(key, value, Expansion::Exec);
            return Written::Key(names::cat([key, "=", value]));
        }
        self.fallback(key, value, flag)
    }

    fn fallback(&mut self, key: &str, value: &str, flag: Option<&str>) -> Written {
        match flag {
            Some(flag) if self.has("PodmanArgs") => self.arg(&format!("{flag}={value}")),
            Some(_) => Written::Nowhere(format!(
                "{}={value}: neither the key nor PodmanArgs= exists in [{}] of podman {}",
                key, self.group, self.v
            )),
            None => Written::Nowhere(match crate::version::key_since(self.group, key) {
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
    pub(crate) fn arg(&mut self, word: &str) -> Written {
        if !self.has("PodmanArgs") {
            return Written::Nowhere(format!(
                "{word}: [{}] has no PodmanArgs= in podman {}",
                self.group, self.v
            ));
        }
        self.args.push(word.to_owned());
        Written::Args(format!("PodmanArgs={word}"))
    }

    /// A boolean flag key (`ReadOnly=true`) or `--flag=true|false`.
    pub(crate) fn boolean(&mut self, key: &str, value: bool, flag: Option<&str>) -> Written {
        self.plain(key, if value { "true" } else { "false" }, flag)
    }

    /// The finished section (PodmanArgs last, one line per word).
    pub(crate) fn finish(mut self) -> Section {
        for a in std::mem::take(&mut self.args) {
            self.sec.word("PodmanArgs", &a, Expansion::Exec);
        }
        self.sec.dedup();
        self.sec
    }
}

/// The sections of one `.container` file being written.
pub(crate) struct ContainerUnit {
    pub unit: Section,
    pub container: Quad,
    pub service: Section,
    /// The image build being written (between the mapping's build steps).
    pub build: Option<BuildState>,
}

/// A service's image build: a `.build` unit (5.2+) or the argv of `ExecStartPre=podman build`.
pub(crate) struct BuildState {
    pub unit_mode: bool,
    pub section: Quad,
    pub argv: Vec<String>,
    /// The side file the build's name-only build args take their values from.
    pub env_file: Option<String>,
}

impl BuildState {
    /// Starts the build of `image` from `context`.
    pub(crate) fn new(v: PodmanVersion, image: &str, context: &str) -> Self {
        let mut b = Self {
            unit_mode: crate::version::has_unit_type(v, "build"),
            section: Quad::new(v, "Build"),
            argv: vec!["/usr/bin/podman".into(), "build".into()],
            env_file: None,
        };
        let _ = b.flag(Some(("ImageTag", false)), "--tag", image);
        if b.unit_mode {
            let _ = b.section.plain("SetWorkingDirectory", context, None);
        }
        b
    }

    /// A `podman build` flag: its `.build` key (word-list or plain) where there is one, else
    /// `PodmanArgs=`; without a `.build` unit, a word of the argv.
    fn flag(&mut self, key: Option<(&str, bool)>, flag: &str, value: &str) -> Written {
        if self.unit_mode {
            match key {
                Some((k, true)) => self.section.word(k, value, Some(flag)),
                Some((k, false)) => self.section.plain(k, value, Some(flag)),
                None => self.section.arg(&format!("{flag}={value}")),
            }
        } else {
            self.argv.push(format!("{flag}={value}"));
            Written::Args(format!("podman build {flag}={value}"))
        }
    }

    fn spell(&mut self, o: &BuildOpt) -> Written {
        let (flag, value) = o.flag_value();
        let key = match o {
            BuildOpt::Tag(_) => Some(("ImageTag", false)),
            BuildOpt::File(_) => Some(("File", false)),
            BuildOpt::Label(_) => Some(("Label", true)),
            BuildOpt::Target(_) => Some(("Target", false)),
            BuildOpt::Arg(_) if self.unit_mode && self.section.has("BuildArg") => {
                return self.section.word("BuildArg", &value, Some(flag));
            }
            BuildOpt::Pull(_) if self.unit_mode => {
                return self.section.plain("Pull", &value, None);
            }
            _ => None,
        };
        self.flag(key, flag, &value)
    }
}

/// Records a decision of the mapping: spells its option (unless described only) and pushes
/// its ledger entry.
pub(crate) fn record(
    cx: &mut QuadletState<'_>,
    u: &mut ContainerUnit,
    environment: &BTreeMap<String, Spanned<Option<String>>>,
    d: Decision,
) {
    if d.rule == Rule::LikeLast {
        // The previous decision's option carries this key too: same outcome and detail.
        let (outcome, detail) = cx
            .ledger
            .entries
            .last()
            .map(|e| (e.outcome.clone(), e.detail.clone()))
            .unwrap_or((Outcome::Unsupported("no option carries it".into()), None));
        match detail {
            Some(detail) => cx.ledger.push_detail(d.path, d.span, outcome, detail),
            None => cx.ledger.push(d.path, d.span, outcome),
        }
        return;
    }
    let put = match (&d.rule, &d.opt) {
        (Rule::Described, Some(opt)) => describe(opt),
        (_, Some(opt)) => spell(cx, u, environment, opt),
        (_, None) => Written::Nowhere(String::new()),
    };
    push_decision(cx, d, put);
}

/// Pushes the ledger entry of `d` given where its option went.
pub(crate) fn push_decision(cx: &mut QuadletState<'_>, d: Decision, put: Written) {
    let Decision {
        path,
        span,
        opt: _,
        rule,
        suffix,
    } = d;
    match rule {
        Rule::Fixed(outcome, None) => cx.ledger.push(path, span, outcome),
        Rule::Fixed(outcome, Some(detail)) => cx.ledger.push_detail(path, span, outcome, detail),
        Rule::Spelled | Rule::Described | Rule::LikeLast => {
            let (o, detail) = put.outcome();
            cx.push(path, span, o, detail + &suffix);
        }
        Rule::ApproxIfSpelled(reason) => {
            let (o, detail) = put.outcome();
            let o = if o == Outcome::Translated {
                Outcome::Approximated(reason)
            } else {
                o
            };
            cx.push(path, span, o, detail + &suffix);
        }
        Rule::ApproxAlways(reason) => {
            let (_, detail) = put.outcome();
            cx.ledger
                .push_detail(path, span, Outcome::Approximated(reason), detail + &suffix);
        }
    }
}

/// The ledger detail of an option written by an earlier step.
fn describe(opt: &Opt) -> Written {
    match opt {
        Opt::ContainerName(n) => Written::Key(names::cat(["ContainerName=", n])),
        other => Written::Key(other.cli_words().join(" ")),
    }
}

/// Writes an option only where the version has a key for it.
pub(crate) fn soft(u: &mut ContainerUnit, opt: &Opt) {
    if let Opt::ReadOnlyTmpfs(b) = opt {
        if u.container.has("ReadOnlyTmpfs") {
            let _ = u.container.boolean("ReadOnlyTmpfs", *b, None);
        }
    }
}

/// One option in quadlet terms.
pub(crate) fn spell(
    cx: &mut QuadletState<'_>,
    u: &mut ContainerUnit,
    environment: &BTreeMap<String, Spanned<Option<String>>>,
    opt: &Opt,
) -> Written {
    let v = cx.t.version;
    let c = &mut u.container;
    match opt {
        Opt::ContainerName(x) => c.plain("ContainerName", x, None),
        Opt::Command(args) => {
            Written::Key(exec_command(&mut c.sec, &mut u.service, args, environment))
        }
        Opt::Entrypoint(words) => match words.as_slice() {
            [] => c.arg("--entrypoint="),
            [w] if !w.starts_with('[') && !w.is_empty() => {
                c.plain("Entrypoint", w, Some("--entrypoint"))
            }
            _ => c.plain("Entrypoint", &json_array(words), Some("--entrypoint")),
        },
        Opt::Env {
            assignment,
            passthrough: false,
        } => c.word("Environment", assignment, Some("--env")),
        Opt::Env {
            assignment: name,
            passthrough: true,
        } => {
            if v.env_passthrough() {
                c.word("Environment", name, None)
            } else {
                c.arg(&names::cat(["--env=", name]))
            }
        }
        Opt::EnvFile(x) => c.word("EnvironmentFile", x, Some("--env-file")),
        Opt::Label(x) => c.word("Label", x, Some("--label")),
        Opt::Annotation(x) => c.word("Annotation", x, Some("--annotation")),
        Opt::Publish(x) => c.plain("PublishPort", x, Some("--publish")),
        Opt::PodPublish(x) => pod_put(cx, "PublishPort", x),
        Opt::Expose(x) => c.plain("ExposeHostPort", x, Some("--expose")),
        Opt::Bind(x) => c.plain("Volume", x, Some("--volume")),
        Opt::Volume { source, rest } => {
            let text = match source {
                Some(r) => format!("{}:{rest}", volume_unit(cx, r)),
                None => rest.clone(),
            };
            c.plain("Volume", &text, Some("--volume"))
        }
        Opt::Mount(x) => c.word("Mount", x, Some("--mount")),
        Opt::Secret { name, options } => {
            c.word("Secret", &format!("{name},{options}"), Some("--secret"))
        }
        Opt::SecretFromFile {
            name,
            file,
            options,
        } => secret_from_file(cx, u, name, file, options),
        Opt::Tmpfs(x) => c.plain("Tmpfs", x, Some("--tmpfs")),
        Opt::VolumesFrom(x) => c.arg(&format!("--volumes-from={x}")),
        Opt::User(x) => user(c, v, x),
        Opt::GroupAdd { group, only } => {
            if c.has("GroupAdd") && (v.multi_group_add() || *only) {
                c.plain("GroupAdd", group, Some("--group-add"))
            } else {
                c.arg(&format!("--group-add={group}"))
            }
        }
        Opt::Workdir(x) => c.plain("WorkingDir", x, Some("--workdir")),
        Opt::Hostname(x) => c.plain("HostName", x, Some("--hostname")),
        Opt::Dns(x) => c.plain("DNS", x, Some("--dns")),
        Opt::DnsOption(x) => c.plain("DNSOption", x, Some("--dns-option")),
        Opt::DnsSearch(x) => c.plain("DNSSearch", x, Some("--dns-search")),
        Opt::Init(b) => c.boolean("RunInit", *b, Some("--init")),
        Opt::ReadOnly(b) => c.boolean("ReadOnly", *b, Some("--read-only")),
        Opt::ReadOnlyTmpfs(b) => c.boolean("ReadOnlyTmpfs", *b, Some("--read-only-tmpfs")),
        Opt::Privileged => c.arg("--privileged"),
        Opt::CapAdd(x) => c.plain("AddCapability", x, Some("--cap-add")),
        Opt::CapDrop(x) => c.plain("DropCapability", x, Some("--cap-drop")),
        Opt::SecurityOpt(so) => {
            let put = match &so.kind {
                SecurityKind::NoNewPrivileges => c.boolean(
                    "NoNewPrivileges",
                    true,
                    Some("--security-opt=no-new-privileges"),
                ),
                SecurityKind::Seccomp(p) => {
                    c.plain("SeccompProfile", p, Some("--security-opt=seccomp"))
                }
                SecurityKind::AppArmor(p) => {
                    c.plain("AppArmor", p, Some("--security-opt=apparmor"))
                }
                SecurityKind::LabelNested => c.boolean("SecurityLabelNested", true, None),
                SecurityKind::LabelDisable => c.boolean("SecurityLabelDisable", true, None),
                SecurityKind::LabelType(l) => c.plain("SecurityLabelType", l, None),
                SecurityKind::LabelLevel(l) => c.plain("SecurityLabelLevel", l, None),
                SecurityKind::LabelFileType(l) => c.plain("SecurityLabelFileType", l, None),
                SecurityKind::Other => Written::Nowhere(String::new()),
            };
            match put {
                Written::Nowhere(_) => c.arg(&format!("--security-opt={}", so.cli_value())),
                other => other,
            }
        }
        Opt::Sysctl(x) => c.plain("Sysctl", x, Some("--sysctl")),
        Opt::Ulimit { text, only } => {
            if c.has("Ulimit") && (v.multi_ulimit() || *only) {
                c.plain("Ulimit", text, Some("--ulimit"))
            } else {
                c.arg(&format!("--ulimit={text}"))
            }
        }
        Opt::Device(x) => c.plain("AddDevice", x, Some("--device")),
        Opt::UserNs(x) => c.plain("UserNS", x, Some("--userns")),
        Opt::Memory(x) => c.plain("Memory", x, Some("--memory")),
        Opt::PidsLimit(x) => c.plain("PidsLimit", x, Some("--pids-limit")),
        Opt::ShmSize(x) => c.plain("ShmSize", x, Some("--shm-size")),
        Opt::HealthCmd(text) => {
            // podman's quadlet before 5.8.2 mangles a HealthCmd= holding `"` or `\`;
            // such commands go through PodmanArgs (word-quoted) instead.
            if text.contains(['"', '\\'])
                || escape_plain(text, Expansion::Exec).is_err()
                || !c.has("HealthCmd")
            {
                c.arg(&format!("--health-cmd={text}"))
            } else {
                c.plain("HealthCmd", text, Some("--health-cmd"))
            }
        }
        Opt::HealthDisable => {
            // `disable: true` wins over a test given with it.
            c.sec.entries.retain(|(k, _)| k != "HealthCmd");
            c.args.retain(|a| !a.starts_with("--health-cmd="));
            c.plain("HealthCmd", "none", Some("--health-cmd"))
        }
        Opt::Health(which, x) => {
            let key = match which {
                HealthSetting::Interval => "HealthInterval",
                HealthSetting::Timeout => "HealthTimeout",
                HealthSetting::StartPeriod => "HealthStartPeriod",
            };
            c.plain(key, x, Some(which.flag()))
        }
        Opt::HealthRetries(x) => c.plain("HealthRetries", x, Some("--health-retries")),
        Opt::NotifyHealthy { container } => {
            if v.notify_healthy() {
                c.plain("Notify", "healthy", None)
            } else {
                // readiness wait: the unit becomes active only once the check passes
                let script = format!(
                    "until /usr/bin/podman healthcheck run {}; do sleep 1; done",
                    transship_translate::shell::single_quoted(container)
                );
                u.service.words(
                    "ExecStartPost",
                    &["/bin/sh", "-c", script.as_str()],
                    Expansion::Exec,
                );
                Written::Key(names::cat(["ExecStartPost=", &script]))
            }
        }
        Opt::LogDriver(x) => c.plain("LogDriver", x, Some("--log-driver")),
        Opt::LogOpt(x) => c.plain("LogOpt", x, Some("--log-opt")),
        Opt::StopSignal(x) => c.plain("StopSignal", x, Some("--stop-signal")),
        Opt::StopTimeout(x) => c.plain("StopTimeout", x, Some("--stop-timeout")),
        Opt::AddHost(x) => c.plain("AddHost", x, Some("--add-host")),
        Opt::NetworkMode(x) => c.plain("Network", x, Some("--network")),
        Opt::NetworkOfService { service, container } => {
            if v.network_container() {
                let unit = names::cat([&names::service_base(cx.p, service), ".container"]);
                c.plain("Network", &unit, None)
            } else {
                let unit = names::service_unit(cx.p, service);
                u.unit.raw("Requires", unit.clone());
                u.unit.raw("After", unit);
                c.plain("Network", &names::cat(["container:", container]), None)
            }
        }
        Opt::NetworkAttach { network, options } => {
            let value = format!("{}:{}", network_unit(cx, network), options.join(","));
            c.plain("Network", &value, None)
        }
        Opt::PodNetwork { network, options } => {
            // One Network= per network on the pod, with the aliases of every service.
            let net = network_unit(cx, network);
            let entry = cx.pod_networks.entry(net.clone()).or_default();
            for o in options {
                if o.starts_with("alias=") && !entry.contains(o) {
                    entry.push(o.clone());
                }
            }
            Written::Key(format!("Network={net}:{} (on the pod)", options.join(",")))
        }
        Opt::Pod(x) => c.plain("Pod", x, None),
        Opt::Build(o) => match &mut u.build {
            Some(b) => b.spell(o),
            None => Written::Nowhere("no image build in progress".into()),
        },
        Opt::Flag { flag, value } => c.arg(&format!("{flag}={value}")),
    }
}

/// `User=`/`Group=` where the version reads them as the user means, `--user` otherwise.
fn user(c: &mut Quad, v: PodmanVersion, u: &str) -> Written {
    let numeric = u
        .split(':')
        .all(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit()));
    if !(v.user_names() || numeric) {
        // 4.4 .. 4.7 read User= as a number; names must go through the CLI flag
        return c.arg(&format!("--user={u}"));
    }
    match u.split_once(':') {
        Some((usr, grp)) if c.has("User") && c.has("Group") => {
            let a = c.plain("User", usr, None);
            let b = c.plain("Group", grp, None);
            match (a, b) {
                (Written::Key(a), Written::Key(b)) => Written::Key(format!("{a} {b}")),
                _ => {
                    // drop partial keys: fall back entirely
                    c.sec.entries.retain(|(k, _)| k != "User" && k != "Group");
                    c.arg(&format!("--user={u}"))
                }
            }
        }
        _ => c.plain("User", u, Some("--user")),
    }
}

/// The `Network=` value (without options) for a network: an external network by name, a
/// project network (defined or not) by its `.network` unit.
fn network_unit(cx: &QuadletState<'_>, network: &ResourceRef) -> String {
    match &network.name {
        Some(name) if network.external => name.clone(),
        _ => format!("{}.network", names::network_base(cx.p, &network.key)),
    }
}

/// A volume's `Volume=` source: an external volume by name, a defined one by its `.volume`
/// unit, an undefined key as written.
fn volume_unit(cx: &QuadletState<'_>, volume: &ResourceRef) -> String {
    match &volume.name {
        Some(name) if volume.external => name.clone(),
        Some(_) => format!("{}.volume", names::volume_base(cx.p, &volume.key)),
        None => volume.key.clone(),
    }
}

/// `Secret=` of a podman secret (re)created before each start from the file written next to
/// the units, at its path in the install directory.
fn secret_from_file(
    cx: &mut QuadletState<'_>,
    u: &mut ContainerUnit,
    name: &str,
    file: &str,
    options: &str,
) -> Written {
    let (spec, dir) = cx.t.install_dir_spec();
    let host_path =
        quote_word_with_specifier_prefix(spec, &format!("{dir}/{file}"), Expansion::Exec);
    u.service.words(
        "ExecStartPre",
        &["-/usr/bin/podman", "secret", "rm", name],
        Expansion::Exec,
    );
    u.service.raw(
        "ExecStartPre",
        format!(
            "{} {host_path}",
            quote_words(
                &["/usr/bin/podman", "secret", "create", name],
                Expansion::Exec
            )
        ),
    );
    let how = format!(
        "; the value is written to {file} (mode 0600, install it in {}) and loaded with `podman secret create` before each start",
        cx.t.install_dir()
    );
    match u
        .container
        .word("Secret", &format!("{name},{options}"), Some("--secret"))
    {
        Written::Key(d) => Written::Key(d + &how),
        Written::Args(d) => Written::Args(d + &how),
        nowhere @ Written::Nowhere(_) => nowhere,
    }
}

/// Puts a key on the pod (`--pod`).
fn pod_put(cx: &mut QuadletState<'_>, key: &str, value: &str) -> Written {
    let pod = cx.pod.get_or_insert_with(UnitFile::new);
    match pod.section("Pod").plain(key, value, Expansion::Exec) {
        Ok(()) => Written::Key(format!("{key}={value} (on the pod)")),
        Err(e) => Written::Nowhere(e.to_string()),
    }
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
