//! The expected side of every check: what each service's container should look like on the
//! target, read from the podman mapping (`transship_podman::map`), i.e. exactly as the
//! podman-based translators spell it. A decision the ledger marks approximated is expected in
//! its approximated form, and the check's report carries the reason.

use std::collections::BTreeMap;

use transship_ir::Project;
use transship_podman::map::{self, MapOptions, Mapper, Rule, Step, SystemdSection};
use transship_podman::names;
use transship_podman::opt::{Opt, ResourceRef};
use transship_translate::secrets::looks_secret;

/// One expected environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvExpect {
    pub name: String,
    /// `None`: passed through from the unit's environment (any value is fine).
    pub value: Option<String>,
    /// Never shown: the report masks it.
    pub secret: bool,
}

/// One expected published port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortExpect {
    /// As the mapping wrote it (`127.0.0.1:8080:80/udp`).
    pub text: String,
    pub host_ip: String,
    /// Empty: any (a random host port).
    pub host_port: String,
    pub container_port: String,
    pub proto: String,
}

/// What kind of mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountKind {
    Bind,
    Volume,
    /// A volume without a source: podman creates one per container.
    Anonymous,
    Tmpfs,
}

impl MountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bind => "bind",
            Self::Volume | Self::Anonymous => "volume",
            Self::Tmpfs => "tmpfs",
        }
    }
}

/// One expected mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountExpect {
    pub kind: MountKind,
    /// The host path (bind) or the volume's runtime name; empty for tmpfs and anonymous.
    pub source: String,
    pub target: String,
    pub read_only: bool,
}

/// One expected network attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkExpect {
    pub name: String,
    pub aliases: Vec<String>,
    /// Created by the project (not `external`).
    pub managed: bool,
}

/// The expected healthcheck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthExpect {
    /// No healthcheck asked for (the image's may still apply).
    Unset,
    Disabled,
    /// `CMD` form: the words.
    Cmd(Vec<String>),
    /// A shell command line.
    Shell(String),
}

/// One service container as the target should run it.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub service: String,
    /// 1 for the first (or only) container.
    pub replica: i64,
    pub container: String,
    /// The systemd unit that runs it (`<project>-<service>.service`).
    pub unit: String,
    pub image: String,
    pub command: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub env: Vec<EnvExpect>,
    pub ports: Vec<PortExpect>,
    pub mounts: Vec<MountExpect>,
    pub user: Option<String>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub privileged: bool,
    pub read_only: bool,
    pub security_opt: Vec<String>,
    pub networks: Vec<NetworkExpect>,
    /// `host`, `none`, `container:<name>`, ...: set instead of attachments.
    pub network_mode: Option<String>,
    pub health: HealthExpect,
    /// Runs to completion (a dependent waits for `service_completed_successfully`).
    pub oneshot: bool,
    /// The unit's `Restart=` (systemd's default `no` when the mapping sets none).
    pub restart: String,
    pub memory: Option<i64>,
    pub cpus: Option<f64>,
    pub pids_limit: Option<i64>,
    pub labels: Vec<(String, String)>,
    /// Variables passed as podman secrets of `type=env` (not visible in inspect).
    pub secret_env: Vec<String>,
    /// Why a check compares with an approximation, per check name.
    pub approximations: BTreeMap<&'static str, String>,
}

/// The check a mapped option belongs to (for approximation notes).
fn check_of(opt: &Opt) -> Option<&'static str> {
    Some(match opt {
        Opt::Command(_) => "command",
        Opt::Entrypoint(_) => "entrypoint",
        Opt::Env { .. } | Opt::EnvFile(_) => "env",
        Opt::Publish(_) | Opt::PodPublish(_) => "ports",
        Opt::Bind(_) | Opt::Volume { .. } | Opt::Tmpfs(_) => "mounts",
        Opt::User(_) => "user",
        Opt::CapAdd(_) | Opt::CapDrop(_) => "capabilities",
        Opt::Privileged | Opt::ReadOnly(_) | Opt::SecurityOpt(_) => "security",
        Opt::NetworkAttach { .. } | Opt::NetworkMode(_) | Opt::PodNetwork { .. } => "networks",
        Opt::HealthCmd(_) | Opt::HealthDisable => "healthcheck",
        Opt::Memory(_) | Opt::PidsLimit(_) => "limits",
        Opt::Flag { flag: "--cpus", .. } => "limits",
        Opt::Label(_) => "labels",
        _ => return None,
    })
}

/// Splits `[IP:][HOST:]TARGET[/PROTO]` (IPv6 in brackets).
pub fn parse_publish(text: &str) -> PortExpect {
    let (main, proto) = match text.rsplit_once('/') {
        Some((m, p)) => (m, p.to_owned()),
        None => (text, "tcp".to_owned()),
    };
    let (ip, rest) = if let Some(r) = main.strip_prefix('[') {
        match r.split_once("]:") {
            Some((ip, rest)) => (ip.to_owned(), rest),
            None => (String::new(), main),
        }
    } else {
        let parts: Vec<&str> = main.split(':').collect();
        if parts.len() == 3 {
            (parts[0].to_owned(), &main[parts[0].len() + 1..])
        } else {
            (String::new(), main)
        }
    };
    let (host, target) = match rest.split_once(':') {
        Some((h, t)) => (h.to_owned(), t.to_owned()),
        None => (String::new(), rest.to_owned()),
    };
    PortExpect {
        text: text.to_owned(),
        host_ip: ip,
        host_port: host,
        container_port: target,
        proto,
    }
}

const MOUNT_OPTIONS: &[&str] = &[
    "ro",
    "rw",
    "z",
    "Z",
    "U",
    "O",
    "shared",
    "slave",
    "private",
    "rshared",
    "rslave",
    "rprivate",
    "nocopy",
    "copy",
    "bind",
    "rbind",
    "noexec",
    "exec",
    "nosuid",
    "suid",
    "nodev",
    "dev",
    "idmap",
    "chown",
    "notmpcopyup",
    "tmpcopyup",
    "size",
    "mode",
];

fn is_mount_options(s: &str) -> bool {
    !s.is_empty()
        && s.split(',').all(|o| {
            let key = o.split('=').next().unwrap_or(o);
            MOUNT_OPTIONS.contains(&key)
        })
}

/// `TARGET[:OPTIONS]` → (target, read-only).
fn target_and_ro(rest: &str) -> (String, bool) {
    match rest.rsplit_once(':') {
        Some((t, o)) if is_mount_options(o) => (t.to_owned(), o.split(',').any(|x| x == "ro")),
        _ => (rest.to_owned(), false),
    }
}

/// `HOST:TARGET[:OPTIONS]` → (host, target, read-only).
fn bind_parts(text: &str) -> (String, String, bool) {
    let (body, ro) = match text.rsplit_once(':') {
        Some((b, o)) if is_mount_options(o) && b.contains(':') => {
            (b, o.split(',').any(|x| x == "ro"))
        }
        _ => (text, false),
    };
    match body.rsplit_once(':') {
        Some((h, t)) => (h.to_owned(), t.to_owned(), ro),
        None => (String::new(), body.to_owned(), ro),
    }
}

/// `NAME=VALUE` lines of an env file the mapping wrote.
fn env_file_lines(contents: &str) -> Vec<(String, String)> {
    contents
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The expected health test from the mapping's `--health-cmd` text.
fn health_from_text(text: &str) -> HealthExpect {
    if text == "none" {
        return HealthExpect::Disabled;
    }
    if text.starts_with('[') {
        if let Ok(words) = serde_json::from_str::<Vec<String>>(text) {
            return HealthExpect::Cmd(words);
        }
    }
    HealthExpect::Shell(text.to_owned())
}

/// Every service container of `project`, as the podman mapping for `options` expects it
/// (one per replica), in service order.
pub fn expected_containers(project: &Project, options: MapOptions) -> Vec<Expected> {
    let mapper = Mapper::new(project, options);
    let mut out = Vec::new();
    for s in project.services.values() {
        let replicas = map::replica_count(s).max(1);
        for replica in 1..=replicas {
            let sm = map::map_service(&mapper, s, replica);
            let image = match (&s.build, &s.image) {
                (Some(_), _) => names::built_image(project, s),
                (None, Some(i)) => names::qualify_image(&i.value),
                (None, None) => String::new(),
            };
            let mut e = Expected {
                service: s.name.clone(),
                replica,
                container: sm.container_name.clone(),
                unit: format!("{}.service", sm.unit_base),
                image,
                command: None,
                entrypoint: None,
                env: Vec::new(),
                ports: Vec::new(),
                mounts: Vec::new(),
                user: None,
                cap_add: Vec::new(),
                cap_drop: Vec::new(),
                privileged: false,
                read_only: false,
                security_opt: Vec::new(),
                networks: Vec::new(),
                network_mode: None,
                health: HealthExpect::Unset,
                oneshot: false,
                restart: "no".to_owned(),
                memory: None,
                cpus: None,
                pids_limit: None,
                labels: Vec::new(),
                secret_env: Vec::new(),
                approximations: BTreeMap::new(),
            };
            let files: BTreeMap<&str, &map::SideFile> = sm
                .steps
                .iter()
                .filter_map(|st| match st {
                    Step::File(f) => Some((f.path.as_str(), f)),
                    _ => None,
                })
                .collect();
            let mut in_build = false;
            for step in &sm.steps {
                let opt = match step {
                    Step::BeginBuild { .. } => {
                        in_build = true;
                        continue;
                    }
                    Step::EndBuild => {
                        in_build = false;
                        continue;
                    }
                    Step::Decide(d) => {
                        if let (Some(o), Rule::ApproxIfSpelled(why) | Rule::ApproxAlways(why)) =
                            (&d.opt, &d.rule)
                        {
                            if let Some(c) = check_of(o) {
                                e.approximations
                                    .entry(c)
                                    .and_modify(|w| {
                                        w.push_str("; ");
                                        w.push_str(why);
                                    })
                                    .or_insert_with(|| why.clone());
                            }
                        }
                        match &d.opt {
                            Some(o) if !matches!(d.rule, Rule::Described) => o,
                            _ => continue,
                        }
                    }
                    Step::Set(o) | Step::Soft(o) => o,
                    Step::Systemd(SystemdSection::Service, "Restart", v) => {
                        e.restart = v.to_string();
                        continue;
                    }
                    Step::Systemd(SystemdSection::Service, "Type", v) if v == "oneshot" => {
                        e.oneshot = true;
                        continue;
                    }
                    _ => continue,
                };
                if in_build {
                    continue;
                }
                apply(&mut e, opt, &files);
            }
            out.push(e);
        }
    }
    out
}

fn apply(e: &mut Expected, opt: &Opt, files: &BTreeMap<&str, &map::SideFile>) {
    // Values the mapping flags as secret are in the 0600 env file (below); an inline one is
    // secret only by its name (`--inline-env`).
    let secret_name = looks_secret;
    match opt {
        Opt::ContainerName(n) => e.container = n.clone(),
        Opt::Command(w) => e.command = Some(w.clone()),
        Opt::Entrypoint(w) => e.entrypoint = Some(w.clone()),
        Opt::Env {
            assignment,
            passthrough,
        } => {
            let (name, value) = match assignment.split_once('=') {
                Some((k, v)) if !passthrough => (k.to_owned(), Some(v.to_owned())),
                _ => (assignment.clone(), None),
            };
            e.env.retain(|x| x.name != name);
            let secret = secret_name(&name);
            e.env.push(EnvExpect {
                name,
                value,
                secret,
            });
        }
        Opt::EnvFile(f) => {
            if let Some(file) = files.get(f.as_str()) {
                for (name, value) in env_file_lines(&file.contents) {
                    e.env.retain(|x| x.name != name);
                    e.env.push(EnvExpect {
                        name,
                        value: Some(value),
                        secret: true,
                    });
                }
            }
        }
        Opt::Secret { options, .. } | Opt::SecretFromFile { options, .. } => {
            let target = options.split(',').find_map(|o| o.strip_prefix("target="));
            if let (true, Some(t)) = (options.split(',').any(|o| o == "type=env"), target) {
                e.secret_env.push(t.to_owned());
            }
        }
        Opt::Publish(t) | Opt::PodPublish(t) => e.ports.push(parse_publish(t)),
        Opt::Bind(t) => {
            let (source, target, read_only) = bind_parts(t);
            e.mounts.push(MountExpect {
                kind: MountKind::Bind,
                source,
                target,
                read_only,
            });
        }
        Opt::Volume { source, rest } => {
            let (target, read_only) = target_and_ro(rest);
            e.mounts.push(match source {
                Some(r) => MountExpect {
                    kind: MountKind::Volume,
                    source: r.runtime_name().to_owned(),
                    target,
                    read_only,
                },
                None => MountExpect {
                    kind: MountKind::Anonymous,
                    source: String::new(),
                    target,
                    read_only,
                },
            });
        }
        Opt::Tmpfs(t) => {
            let (target, read_only) = target_and_ro(t);
            e.mounts.push(MountExpect {
                kind: MountKind::Tmpfs,
                source: String::new(),
                target,
                read_only,
            });
        }
        Opt::User(u) => e.user = Some(u.clone()),
        Opt::CapAdd(c) => e.cap_add.push(crate::observed::cap_name(c)),
        Opt::CapDrop(c) => e.cap_drop.push(crate::observed::cap_name(c)),
        Opt::Privileged => e.privileged = true,
        Opt::ReadOnly(b) => e.read_only = *b,
        Opt::SecurityOpt(s) => e.security_opt.push(s.cli_value()),
        Opt::NetworkAttach { network, options } | Opt::PodNetwork { network, options } => {
            e.networks.push(network_expect(network, options));
        }
        Opt::NetworkMode(m) => e.network_mode = Some(m.clone()),
        Opt::NetworkOfService { container, .. } => {
            e.network_mode = Some(format!("container:{container}"));
        }
        Opt::HealthCmd(t) => e.health = health_from_text(t),
        Opt::HealthDisable => e.health = HealthExpect::Disabled,
        Opt::Memory(b) => e.memory = b.parse().ok(),
        Opt::PidsLimit(p) => e.pids_limit = p.parse().ok().filter(|n: &i64| *n > 0),
        Opt::Flag {
            flag: "--cpus",
            value,
        } => e.cpus = value.parse().ok(),
        Opt::Label(l) => {
            let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
            e.labels.retain(|(x, _)| x != k);
            e.labels.push((k.to_owned(), v.to_owned()));
        }
        _ => {}
    }
}

fn network_expect(network: &ResourceRef, options: &[String]) -> NetworkExpect {
    NetworkExpect {
        name: network.runtime_name().to_owned(),
        aliases: options
            .iter()
            .filter_map(|o| o.strip_prefix("alias="))
            .map(str::to_owned)
            .collect(),
        managed: !network.external,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn publish_texts() {
        let p = parse_publish("127.0.0.1:8080:80");
        assert_eq!(
            (
                p.host_ip.as_str(),
                p.host_port.as_str(),
                p.container_port.as_str(),
                p.proto.as_str()
            ),
            ("127.0.0.1", "8080", "80", "tcp")
        );
        let p = parse_publish("[::1]:53:53/udp");
        assert_eq!((p.host_ip.as_str(), p.proto.as_str()), ("::1", "udp"));
        let p = parse_publish("9000");
        assert_eq!(
            (p.host_port.as_str(), p.container_port.as_str()),
            ("", "9000")
        );
        let p = parse_publish("0.0.0.0::80");
        assert_eq!((p.host_ip.as_str(), p.host_port.as_str()), ("0.0.0.0", ""));
    }

    #[test]
    fn mount_texts() {
        assert_eq!(
            bind_parts("/srv/data:/data:ro,z"),
            ("/srv/data".into(), "/data".into(), true)
        );
        assert_eq!(
            bind_parts("/srv/a:b:/data"),
            ("/srv/a:b".into(), "/data".into(), false)
        );
        assert_eq!(target_and_ro("/cache:rw"), ("/cache".into(), false));
        assert_eq!(target_and_ro("/run:size=64m,ro"), ("/run".into(), true));
    }
}
