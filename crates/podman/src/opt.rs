//! Typed `podman run` options: what a Compose key becomes at the podman level, before any
//! target spells it (a quadlet key, a `PodmanArgs=` word, a word of a `podman run` command).

/// One `podman run` option of a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opt {
    /// `--name`.
    ContainerName(String),
    /// The command after the image (every word as given, empty words included).
    Command(Vec<String>),
    /// `--entrypoint`: empty clears the image's, one word is a path, more are a JSON array.
    Entrypoint(Vec<String>),
    /// `--env NAME=VALUE` (`assignment`), or `--env NAME` (`passthrough`: the value is taken
    /// from podman's own environment).
    Env {
        assignment: String,
        passthrough: bool,
    },
    /// `--env-file FILE` (a file written next to the units, relative to them).
    EnvFile(String),
    /// `--label KEY=VALUE`.
    Label(String),
    /// `--annotation KEY=VALUE`.
    Annotation(String),
    /// `--publish [IP:][HOST:]TARGET[/PROTO]` on the container.
    Publish(String),
    /// The same on the pod every service shares (`--pod`).
    PodPublish(String),
    /// `--expose PORT[/PROTO]`.
    Expose(String),
    /// `--volume HOST:TARGET[:OPTIONS]` (a bind mount).
    Bind(String),
    /// `--volume [SOURCE:]TARGET[:OPTIONS]` of a named (or, without source, anonymous)
    /// volume; `rest` is `TARGET[:OPTIONS]`.
    Volume {
        source: Option<ResourceRef>,
        rest: String,
    },
    /// `--mount type=...` (image mounts).
    Mount(String),
    /// `--secret NAME,OPTIONS` of an existing podman secret.
    Secret { name: String, options: String },
    /// `--secret NAME,OPTIONS` of a podman secret created before each start from `file` (a
    /// [`crate::map::SideFile`] next to the units).
    SecretFromFile {
        name: String,
        file: String,
        options: String,
    },
    /// `--tmpfs TARGET[:OPTIONS]`.
    Tmpfs(String),
    /// `--volumes-from CONTAINER[:ro|rw]`.
    VolumesFrom(String),
    /// `--user USER[:GROUP]`.
    User(String),
    /// `--group-add GROUP`; `only` when it is the service's single extra group.
    GroupAdd { group: String, only: bool },
    /// `--workdir`.
    Workdir(String),
    /// `--hostname`.
    Hostname(String),
    /// `--dns`.
    Dns(String),
    /// `--dns-option`.
    DnsOption(String),
    /// `--dns-search`.
    DnsSearch(String),
    /// `--init`.
    Init(bool),
    /// `--read-only`.
    ReadOnly(bool),
    /// `--read-only-tmpfs`: podman mounts tmpfs on a read-only root unless told not to.
    ReadOnlyTmpfs(bool),
    /// `--privileged`.
    Privileged,
    /// `--cap-add`.
    CapAdd(String),
    /// `--cap-drop`.
    CapDrop(String),
    /// `--security-opt`.
    SecurityOpt(SecurityOpt),
    /// `--sysctl KEY=VALUE`.
    Sysctl(String),
    /// `--ulimit NAME=SOFT[:HARD]`; `only` when it is the service's single ulimit.
    Ulimit { text: String, only: bool },
    /// `--device HOST:CONTAINER[:PERMISSIONS]`.
    Device(String),
    /// `--userns`.
    UserNs(String),
    /// `--memory BYTES`.
    Memory(String),
    /// `--pids-limit`.
    PidsLimit(String),
    /// `--shm-size BYTES`.
    ShmSize(String),
    /// `--health-cmd`: `none`, a JSON array (`CMD` form) or a shell command line.
    HealthCmd(String),
    /// `--health-cmd=none` written over any test given before (`disable: true`).
    HealthDisable,
    /// One of the health timing options.
    Health(HealthSetting, String),
    /// `--health-retries`.
    HealthRetries(String),
    /// Tell systemd the container is ready once its healthcheck passes (a dependent waits
    /// for `service_healthy`); `container` names it for targets that must poll instead.
    NotifyHealthy { container: String },
    /// `--log-driver` (a podman driver name).
    LogDriver(String),
    /// `--log-opt KEY=VALUE`.
    LogOpt(String),
    /// `--stop-signal`.
    StopSignal(String),
    /// `--stop-timeout SECONDS`.
    StopTimeout(String),
    /// `--add-host HOST:IP`.
    AddHost(String),
    /// `--network MODE` (`host`, `none`, `podman`, ...).
    NetworkMode(String),
    /// `--network container:<container>`: the network namespace of another service.
    NetworkOfService { service: String, container: String },
    /// `--network NAME:OPTIONS` (aliases, addresses) on the container.
    NetworkAttach {
        network: ResourceRef,
        options: Vec<String>,
    },
    /// The same on the pod every service shares (`--pod`); aliases of every service.
    PodNetwork {
        network: ResourceRef,
        options: Vec<String>,
    },
    /// `--pod` (the project's pod).
    Pod(String),
    /// A `podman build` option of the service's image build.
    Build(BuildOpt),
    /// An option no target has a dedicated key for: `--flag=value` as podman takes it.
    Flag { flag: &'static str, value: String },
}

/// A top-level network or volume a service uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    /// The key under `networks:` / `volumes:`.
    pub key: String,
    /// The runtime name (`<project>_<key>` or `name:`), when the resource is defined.
    pub name: Option<String>,
    /// An existing resource, not created by the project.
    pub external: bool,
}

/// A flag such as `external: true` that is set.
pub(crate) fn is_true(x: &Option<transship_ir::Spanned<bool>>) -> bool {
    x.as_ref().is_some_and(|x| x.value)
}

impl ResourceRef {
    /// Network `key` of project `p`.
    pub fn network(p: &transship_ir::Project, key: &str) -> Self {
        let n = p.networks.get(key);
        Self {
            key: key.to_owned(),
            name: n.map(|n| n.name.value.clone()),
            external: n.is_some_and(|n| is_true(&n.external)),
        }
    }

    /// Volume `key` of project `p`.
    pub fn volume(p: &transship_ir::Project, key: &str) -> Self {
        let v = p.volumes.get(key);
        Self {
            key: key.to_owned(),
            name: v.map(|v| v.name.value.clone()),
            external: v.is_some_and(|v| is_true(&v.external)),
        }
    }

    /// The name podman knows the resource by (the key itself when undefined).
    pub fn runtime_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

/// One `podman build` option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildOpt {
    Tag(String),
    File(String),
    Arg(String),
    Ssh(String),
    Label(String),
    CacheFrom(String),
    NoCache(bool),
    Context(String),
    Network(String),
    /// `--pull=always` (true) or `--pull=missing`.
    Pull(bool),
    Target(String),
    ShmSize(String),
    AddHost(String),
    Isolation(String),
    Secret(String),
    Platform(String),
    Ulimit(String),
}

impl BuildOpt {
    /// The `podman build` flag and its value.
    pub fn flag_value(&self) -> (&'static str, String) {
        match self {
            Self::Tag(x) => ("--tag", x.clone()),
            Self::File(x) => ("--file", x.clone()),
            Self::Arg(x) => ("--build-arg", x.clone()),
            Self::Ssh(x) => ("--ssh", x.clone()),
            Self::Label(x) => ("--label", x.clone()),
            Self::CacheFrom(x) => ("--cache-from", x.clone()),
            Self::NoCache(b) => ("--no-cache", b.to_string()),
            Self::Context(x) => ("--build-context", x.clone()),
            Self::Network(x) => ("--network", x.clone()),
            Self::Pull(b) => ("--pull", if *b { "always" } else { "missing" }.to_owned()),
            Self::Target(x) => ("--target", x.clone()),
            Self::ShmSize(x) => ("--shm-size", x.clone()),
            Self::AddHost(x) => ("--add-host", x.clone()),
            Self::Isolation(x) => ("--isolation", x.clone()),
            Self::Secret(x) => ("--secret", x.clone()),
            Self::Platform(x) => ("--platform", x.clone()),
            Self::Ulimit(x) => ("--ulimit", x.clone()),
        }
    }
}

/// The health timing settings with a duration value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthSetting {
    Interval,
    Timeout,
    StartPeriod,
}

impl HealthSetting {
    /// The `podman run` flag.
    pub fn flag(self) -> &'static str {
        match self {
            Self::Interval => "--health-interval",
            Self::Timeout => "--health-timeout",
            Self::StartPeriod => "--health-start-period",
        }
    }
}

/// A `security_opt` entry, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityOpt {
    /// As Compose wrote it (`seccomp:unconfined`, `label=type:x`).
    pub raw: String,
    pub kind: SecurityKind,
}

/// What a `security_opt` entry sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    NoNewPrivileges,
    Seccomp(String),
    AppArmor(String),
    LabelNested,
    LabelDisable,
    LabelType(String),
    LabelLevel(String),
    LabelFileType(String),
    /// Anything else: passed to `--security-opt` as written.
    Other,
}

impl SecurityOpt {
    /// Classifies `raw` (`key:value` or `key=value`).
    pub fn parse(raw: &str) -> Self {
        let (k, rest) = raw.split_once([':', '=']).unwrap_or((raw, ""));
        let kind = match (k, rest) {
            ("no-new-privileges", "" | "true") => SecurityKind::NoNewPrivileges,
            ("seccomp", prof) if !prof.is_empty() => SecurityKind::Seccomp(prof.to_owned()),
            ("apparmor", prof) if !prof.is_empty() => SecurityKind::AppArmor(prof.to_owned()),
            ("label", "nested") => SecurityKind::LabelNested,
            ("label", "disable") => SecurityKind::LabelDisable,
            ("label", l) if l.starts_with("type:") => SecurityKind::LabelType(l[5..].to_owned()),
            ("label", l) if l.starts_with("level:") => SecurityKind::LabelLevel(l[6..].to_owned()),
            ("label", l) if l.starts_with("filetype:") => {
                SecurityKind::LabelFileType(l[9..].to_owned())
            }
            _ => SecurityKind::Other,
        };
        Self {
            raw: raw.to_owned(),
            kind,
        }
    }

    /// The `--security-opt` value podman takes: the first `:` becomes `=` unless the entry
    /// already has one (`seccomp:x` → `seccomp=x`).
    pub fn cli_value(&self) -> String {
        self.raw
            .replacen(':', "=", usize::from(!self.raw.contains('=')))
    }
}

/// JSON-array text of a word list (`["a","b c"]`), as podman's `--entrypoint` and
/// `--health-cmd` accept it.
pub fn json_array(words: &[String]) -> String {
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

impl Opt {
    /// The `podman run` words of this option (before the image; [`Opt::Command`] gives the
    /// words after it). Used by command-line targets and by the mapping's snapshot test.
    pub fn cli_words(&self) -> Vec<String> {
        let one = |flag: &str, value: &str| vec![format!("{flag}={value}")];
        match self {
            Self::ContainerName(x) => one("--name", x),
            Self::Command(words) => words.clone(),
            Self::Entrypoint(words) => match words.as_slice() {
                [] => one("--entrypoint", ""),
                [w] if !w.starts_with('[') && !w.is_empty() => one("--entrypoint", w),
                _ => one("--entrypoint", &json_array(words)),
            },
            Self::Env { assignment, .. } => one("--env", assignment),
            Self::EnvFile(x) => one("--env-file", x),
            Self::Label(x) => one("--label", x),
            Self::Annotation(x) => one("--annotation", x),
            Self::Publish(x) => one("--publish", x),
            Self::PodPublish(x) => vec![format!("(pod) --publish={x}")],
            Self::Expose(x) => one("--expose", x),
            Self::Bind(x) => one("--volume", x),
            Self::Volume { source, rest } => match source {
                Some(r) => vec![format!("--volume={}:{rest}", r.runtime_name())],
                None => one("--volume", rest),
            },
            Self::Mount(x) => one("--mount", x),
            Self::Secret { name, options } | Self::SecretFromFile { name, options, .. } => {
                vec![format!("--secret={name},{options}")]
            }
            Self::Tmpfs(x) => one("--tmpfs", x),
            Self::VolumesFrom(x) => one("--volumes-from", x),
            Self::User(x) => one("--user", x),
            Self::GroupAdd { group, .. } => one("--group-add", group),
            Self::Workdir(x) => one("--workdir", x),
            Self::Hostname(x) => one("--hostname", x),
            Self::Dns(x) => one("--dns", x),
            Self::DnsOption(x) => one("--dns-option", x),
            Self::DnsSearch(x) => one("--dns-search", x),
            Self::Init(b) => one("--init", &b.to_string()),
            Self::ReadOnly(b) => one("--read-only", &b.to_string()),
            Self::ReadOnlyTmpfs(b) => one("--read-only-tmpfs", &b.to_string()),
            Self::Privileged => vec!["--privileged".to_owned()],
            Self::CapAdd(x) => one("--cap-add", x),
            Self::CapDrop(x) => one("--cap-drop", x),
            Self::SecurityOpt(s) => one("--security-opt", &s.cli_value()),
            Self::Sysctl(x) => one("--sysctl", x),
            Self::Ulimit { text, .. } => one("--ulimit", text),
            Self::Device(x) => one("--device", x),
            Self::UserNs(x) => one("--userns", x),
            Self::Memory(x) => one("--memory", x),
            Self::PidsLimit(x) => one("--pids-limit", x),
            Self::ShmSize(x) => one("--shm-size", x),
            Self::HealthCmd(x) => one("--health-cmd", x),
            Self::HealthDisable => one("--health-cmd", "none"),
            Self::Health(which, x) => one(which.flag(), x),
            Self::HealthRetries(x) => one("--health-retries", x),
            Self::NotifyHealthy { .. } => one("--sdnotify", "healthy"),
            Self::LogDriver(x) => one("--log-driver", x),
            Self::LogOpt(x) => one("--log-opt", x),
            Self::StopSignal(x) => one("--stop-signal", x),
            Self::StopTimeout(x) => one("--stop-timeout", x),
            Self::AddHost(x) => one("--add-host", x),
            Self::NetworkMode(x) => one("--network", x),
            Self::NetworkOfService { container, .. } => {
                vec![format!("--network=container:{container}")]
            }
            Self::NetworkAttach { network, options } => {
                vec![format!(
                    "--network={}:{}",
                    network.runtime_name(),
                    options.join(",")
                )]
            }
            Self::PodNetwork { network, options } => vec![format!(
                "(pod) --network={}:{}",
                network.runtime_name(),
                options.join(",")
            )],
            Self::Pod(x) => one("--pod", x),
            Self::Build(b) => {
                let (flag, value) = b.flag_value();
                vec![format!("(build) {flag}={value}")]
            }
            Self::Flag { flag, value } => one(flag, value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_opts_are_classified_and_normalized() {
        let s = SecurityOpt::parse("seccomp:unconfined");
        assert_eq!(s.kind, SecurityKind::Seccomp("unconfined".into()));
        assert_eq!(s.cli_value(), "seccomp=unconfined");
        let s = SecurityOpt::parse("label=type:spc_t");
        assert_eq!(s.kind, SecurityKind::LabelType("spc_t".into()));
        assert_eq!(s.cli_value(), "label=type:spc_t");
        assert_eq!(
            SecurityOpt::parse("no-new-privileges:true").kind,
            SecurityKind::NoNewPrivileges
        );
        assert_eq!(SecurityOpt::parse("mask=/x").kind, SecurityKind::Other);
    }

    #[test]
    fn entrypoint_words() {
        let w = |v: &[&str]| Opt::Entrypoint(v.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(w(&[]).cli_words(), ["--entrypoint="]);
        assert_eq!(w(&["/bin/x"]).cli_words(), ["--entrypoint=/bin/x"]);
        assert_eq!(
            w(&["/bin/x", "a \"b\""]).cli_words(),
            [r#"--entrypoint=["/bin/x","a \"b\""]"#]
        );
    }
}
