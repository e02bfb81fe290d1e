use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::{ByteSize, Duration, Extensions, Span, Spanned, Value};

/// Key/value maps (environment-like keys with a value each), by key.
pub type StringMap = BTreeMap<String, Spanned<String>>;

/// One service, with every service key of the Compose Specification (92) in long syntax.
///
/// Absent keys are `None` / empty. Field names are the Compose key names.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    /// The service name (the key under `services:`).
    pub name: String,
    /// Span of the service's key.
    pub span: Span,

    pub annotations: StringMap,
    pub attach: Option<Spanned<bool>>,
    pub blkio_config: Option<Spanned<BlkioConfig>>,
    /// Boxed, like `deploy`: both are large (0.7 and 1.3 KB) and absent from most
    /// services, and every byte of `Service` counts once per service in the project map.
    pub build: Option<Spanned<Box<Build>>>,
    pub cap_add: Vec<Spanned<String>>,
    pub cap_drop: Vec<Spanned<String>>,
    pub cgroup: Option<Spanned<String>>,
    pub cgroup_parent: Option<Spanned<String>>,
    /// `None`: the image's default; `Some(vec![])`: explicitly empty. Shell-word split.
    pub command: Option<Spanned<Vec<String>>>,
    pub configs: Vec<Spanned<FileRef>>,
    pub container_name: Option<Spanned<String>>,
    pub cpu_count: Option<Spanned<i64>>,
    pub cpu_percent: Option<Spanned<f64>>,
    pub cpu_period: Option<Spanned<i64>>,
    pub cpu_quota: Option<Spanned<i64>>,
    /// Microseconds.
    pub cpu_rt_period: Option<Spanned<i64>>,
    /// Microseconds.
    pub cpu_rt_runtime: Option<Spanned<i64>>,
    pub cpu_shares: Option<Spanned<i64>>,
    pub cpus: Option<Spanned<f64>>,
    pub cpuset: Option<Spanned<String>>,
    pub credential_spec: Option<Spanned<CredentialSpec>>,
    /// By the name of the service depended on.
    pub depends_on: BTreeMap<String, Spanned<Dependency>>,
    pub deploy: Option<Spanned<Box<Deploy>>>,
    /// Kept as written (Compose Watch; no runtime meaning).
    pub develop: Option<Spanned<Value>>,
    pub device_cgroup_rules: Vec<Spanned<String>>,
    pub devices: Vec<Spanned<Device>>,
    pub dns: Vec<Spanned<String>>,
    pub dns_opt: Vec<Spanned<String>>,
    pub dns_search: Vec<Spanned<String>>,
    pub domainname: Option<Spanned<String>>,
    /// `None`: the image's default; `Some(vec![])`: explicitly empty.
    pub entrypoint: Option<Spanned<Vec<String>>>,
    /// The env files that were read (already folded into `environment`, whose entries point
    /// at their lines); kept so that translators and checks can say where values came from.
    pub env_file: Vec<Spanned<EnvFile>>,
    /// `None` value: a bare `KEY` whose value is taken from the runtime environment.
    pub environment: BTreeMap<String, Spanned<Option<String>>>,
    /// `"80"`, `"8000-8010"`, `"53/udp"`.
    pub expose: Vec<Spanned<String>>,
    /// Resolved at load time; kept for provenance.
    pub extends: Option<Spanned<Extends>>,
    pub external_links: Vec<Spanned<String>>,
    pub extra_hosts: Vec<Spanned<ExtraHost>>,
    pub gpus: Vec<Spanned<DeviceRequest>>,
    pub group_add: Vec<Spanned<String>>,
    pub healthcheck: Option<Spanned<Healthcheck>>,
    pub hostname: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub init: Option<Spanned<bool>>,
    pub ipc: Option<Spanned<String>>,
    pub isolation: Option<Spanned<String>>,
    /// Label files that were read (already folded into `labels`).
    pub label_file: Vec<Spanned<PathBuf>>,
    pub labels: StringMap,
    pub links: Vec<Spanned<String>>,
    pub logging: Option<Spanned<Logging>>,
    pub mac_address: Option<Spanned<String>>,
    pub mem_limit: Option<Spanned<ByteSize>>,
    pub mem_reservation: Option<Spanned<ByteSize>>,
    pub mem_swappiness: Option<Spanned<i64>>,
    /// `-1` means unlimited.
    pub memswap_limit: Option<Spanned<ByteSize>>,
    /// Service `models`, kept as written.
    pub models: Option<Spanned<Value>>,
    pub network_mode: Option<Spanned<String>>,
    /// By network key (as in top-level `networks`). Empty only with `network_mode`.
    /// Boxed: most attachments are a bare `default` with nothing set, and a map node holds
    /// eleven values whatever the map's length (eleven unboxed attachments are 3.5 KB per
    /// service).
    pub networks: BTreeMap<String, Spanned<Box<ServiceNetwork>>>,
    pub oom_kill_disable: Option<Spanned<bool>>,
    pub oom_score_adj: Option<Spanned<i64>>,
    pub pid: Option<Spanned<String>>,
    pub pids_limit: Option<Spanned<i64>>,
    pub platform: Option<Spanned<String>>,
    /// One entry per port: ranges of the short syntax are expanded like Compose does.
    pub ports: Vec<Spanned<Port>>,
    pub post_start: Vec<Spanned<LifecycleHook>>,
    pub pre_stop: Vec<Spanned<LifecycleHook>>,
    pub privileged: Option<Spanned<bool>>,
    pub profiles: Vec<Spanned<String>>,
    /// `provider` (external service providers), kept as written.
    pub provider: Option<Spanned<Value>>,
    pub pull_policy: Option<Spanned<String>>,
    pub pull_refresh_after: Option<Spanned<String>>,
    pub read_only: Option<Spanned<bool>>,
    pub restart: Option<Spanned<RestartPolicy>>,
    pub runtime: Option<Spanned<String>>,
    pub scale: Option<Spanned<i64>>,
    pub secrets: Vec<Spanned<FileRef>>,
    pub security_opt: Vec<Spanned<String>>,
    pub shm_size: Option<Spanned<ByteSize>>,
    pub stdin_open: Option<Spanned<bool>>,
    pub stop_grace_period: Option<Spanned<Duration>>,
    pub stop_signal: Option<Spanned<String>>,
    pub storage_opt: StringMap,
    pub sysctls: StringMap,
    /// `"/run"`, `"/tmp:size=64m,mode=1777"`.
    pub tmpfs: Vec<Spanned<String>>,
    pub tty: Option<Spanned<bool>>,
    /// By resource name (`nofile`, `nproc`, ...).
    pub ulimits: BTreeMap<String, Spanned<Ulimit>>,
    pub use_api_socket: Option<Spanned<bool>>,
    pub user: Option<Spanned<String>>,
    pub userns_mode: Option<Spanned<String>>,
    pub uts: Option<Spanned<String>>,
    pub volumes: Vec<Spanned<ServiceVolume>>,
    pub volumes_from: Vec<Spanned<String>>,
    pub working_dir: Option<Spanned<String>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BlkioConfig {
    pub weight: Option<Spanned<u16>>,
    pub weight_device: Vec<Spanned<WeightDevice>>,
    pub device_read_bps: Vec<Spanned<ThrottleDevice>>,
    pub device_read_iops: Vec<Spanned<ThrottleDevice>>,
    pub device_write_bps: Vec<Spanned<ThrottleDevice>>,
    pub device_write_iops: Vec<Spanned<ThrottleDevice>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeightDevice {
    pub path: String,
    pub weight: u16,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThrottleDevice {
    pub path: String,
    /// Bytes per second for `*_bps`, operations per second for `*_iops`.
    pub rate: u64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Build {
    /// Absolute directory, or a URL (git, http) kept as written.
    pub context: Spanned<String>,
    pub dockerfile: Option<Spanned<String>>,
    pub dockerfile_inline: Option<Spanned<String>>,
    /// `None` value: a bare `ARG` taken from the environment.
    pub args: BTreeMap<String, Spanned<Option<String>>>,
    pub ssh: Vec<Spanned<String>>,
    pub labels: StringMap,
    pub cache_from: Vec<Spanned<String>>,
    pub cache_to: Vec<Spanned<String>>,
    pub no_cache: Option<Spanned<bool>>,
    pub additional_contexts: StringMap,
    pub network: Option<Spanned<String>>,
    pub provenance: Option<Spanned<String>>,
    pub sbom: Option<Spanned<String>>,
    pub pull: Option<Spanned<bool>>,
    pub target: Option<Spanned<String>>,
    pub shm_size: Option<Spanned<ByteSize>>,
    pub extra_hosts: Vec<Spanned<ExtraHost>>,
    pub isolation: Option<Spanned<String>>,
    pub privileged: Option<Spanned<bool>>,
    pub secrets: Vec<Spanned<FileRef>>,
    pub tags: Vec<Spanned<String>>,
    pub ulimits: BTreeMap<String, Spanned<Ulimit>>,
    pub platforms: Vec<Spanned<String>>,
    pub entitlements: Vec<Spanned<String>>,
    pub extensions: Extensions,
}

/// A service's reference to a top-level secret or config (long syntax).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileRef {
    pub source: String,
    /// Defaults are filled in: `/run/secrets/<source>` for secrets, `/<source>` for configs;
    /// `None` only for build secrets and for a target written as `""` (which Compose prints
    /// as no target): the default target then applies.
    pub target: Option<String>,
    pub uid: Option<String>,
    pub gid: Option<String>,
    /// File mode (`0o440` is `288`).
    pub mode: Option<u32>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CredentialSpec {
    pub config: Option<String>,
    pub file: Option<String>,
    pub registry: Option<String>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DependsCondition {
    #[default]
    ServiceStarted,
    ServiceHealthy,
    ServiceCompletedSuccessfully,
}

impl DependsCondition {
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::ServiceStarted => "service_started",
            Self::ServiceHealthy => "service_healthy",
            Self::ServiceCompletedSuccessfully => "service_completed_successfully",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dependency {
    pub condition: Spanned<DependsCondition>,
    /// Restart this service when the dependency is updated.
    pub restart: Option<Spanned<bool>>,
    /// Defaults to true.
    pub required: Spanned<bool>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Deploy {
    pub mode: Option<Spanned<String>>,
    pub endpoint_mode: Option<Spanned<String>>,
    pub replicas: Option<Spanned<i64>>,
    pub labels: StringMap,
    pub rollback_config: Option<Spanned<UpdateConfig>>,
    pub update_config: Option<Spanned<UpdateConfig>>,
    pub resources: Option<Spanned<Resources>>,
    pub restart_policy: Option<Spanned<DeployRestartPolicy>>,
    pub placement: Option<Spanned<Placement>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdateConfig {
    pub parallelism: Option<Spanned<i64>>,
    pub delay: Option<Spanned<Duration>>,
    pub failure_action: Option<Spanned<String>>,
    pub monitor: Option<Spanned<Duration>>,
    pub max_failure_ratio: Option<Spanned<f64>>,
    pub order: Option<Spanned<String>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resources {
    pub limits: Option<Spanned<ResourceLimits>>,
    pub reservations: Option<Spanned<ResourceReservations>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceLimits {
    pub cpus: Option<Spanned<f64>>,
    pub memory: Option<Spanned<ByteSize>>,
    pub pids: Option<Spanned<i64>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceReservations {
    pub cpus: Option<Spanned<f64>>,
    pub memory: Option<Spanned<ByteSize>>,
    pub generic_resources: Vec<Spanned<GenericResource>>,
    pub devices: Vec<Spanned<DeviceRequest>>,
    pub extensions: Extensions,
}

/// A `deploy.resources.reservations.generic_resources` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GenericResource {
    /// `None` for an entry without a spec (`{}`), which Compose keeps.
    pub discrete_resource_spec: Option<DiscreteResourceSpec>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiscreteResourceSpec {
    pub kind: String,
    pub value: i64,
    pub extensions: Extensions,
}

/// A device request (`gpus:`, `deploy.resources.reservations.devices`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeviceRequest {
    pub capabilities: Vec<String>,
    pub driver: Option<String>,
    /// `-1` means all (`count: all`).
    pub count: Option<i64>,
    pub device_ids: Vec<String>,
    pub options: BTreeMap<String, String>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeployRestartPolicy {
    /// `none`, `on-failure` or `any`.
    pub condition: Option<Spanned<String>>,
    pub delay: Option<Spanned<Duration>>,
    pub max_attempts: Option<Spanned<i64>>,
    pub window: Option<Spanned<Duration>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Placement {
    pub constraints: Vec<Spanned<String>>,
    pub preferences: Vec<Spanned<PlacementPreference>>,
    pub max_replicas_per_node: Option<Spanned<i64>>,
    pub extensions: Extensions,
}

/// A `deploy.placement.preferences` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlacementPreference {
    /// `None` for an entry without `spread` (`{}`), which Compose keeps.
    pub spread: Option<String>,
    pub extensions: Extensions,
}

/// `devices:` entry in long form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Device {
    pub source: String,
    pub target: String,
    /// `rwm` or a subset; `None` when not written.
    pub permissions: Option<String>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnvFile {
    /// Absolute path.
    pub path: PathBuf,
    /// Defaults to true.
    pub required: bool,
    /// `Some("raw")` disables parsing.
    pub format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extends {
    pub service: String,
    /// The file, when another file was extended (absolute).
    pub file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExtraHost {
    pub host: String,
    /// An IP address or `host-gateway`.
    pub ip: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Healthcheck {
    /// `None` when not written (the image's check is used unless `disable`).
    pub test: Option<Spanned<HealthTest>>,
    pub interval: Option<Spanned<Duration>>,
    pub timeout: Option<Spanned<Duration>>,
    pub retries: Option<Spanned<i64>>,
    pub start_period: Option<Spanned<Duration>>,
    pub start_interval: Option<Spanned<Duration>>,
    /// `disable: true`, or `test: ["NONE"]`.
    pub disable: Option<Spanned<bool>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HealthTest {
    /// `["NONE"]`.
    None,
    /// `["CMD", args...]`: run without a shell.
    Cmd(Vec<String>),
    /// `["CMD-SHELL", "cmd"]` or a plain string: run with the image's shell.
    CmdShell(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Logging {
    pub driver: Option<Spanned<String>>,
    pub options: StringMap,
    pub extensions: Extensions,
}

/// A service's attachment to a network.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceNetwork {
    pub aliases: Vec<Spanned<String>>,
    pub interface_name: Option<Spanned<String>>,
    pub ipv4_address: Option<Spanned<String>>,
    pub ipv6_address: Option<Spanned<String>>,
    pub link_local_ips: Vec<Spanned<String>>,
    pub mac_address: Option<Spanned<String>>,
    pub driver_opts: StringMap,
    pub priority: Option<Spanned<i64>>,
    pub gw_priority: Option<Spanned<i64>>,
    pub extensions: Extensions,
    /// Written as a mapping (`front: {}`, or with keys), not as `front:` or a list item.
    /// Means nothing to a runtime; Compose prints an empty mapping as `{}`, the rest `null`.
    pub mapping: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
    Sctp,
    /// Any other protocol: Compose's long syntax takes any text (docker-compose 2.26.1 prints
    /// it as written, from `Port::protocol_text`); the short syntax rejects it.
    Other,
}

impl Protocol {
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Sctp => "sctp",
            Self::Other => "other",
        }
    }
}

/// One published or exposed port (long syntax).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Port {
    pub name: Option<String>,
    /// `ingress` (default) or `host`.
    pub mode: Option<String>,
    pub host_ip: Option<String>,
    pub target: u16,
    /// A port (`"8080"`) or a range (`"8000-9000"`); `None`: a random host port.
    pub published: Option<String>,
    pub protocol: Protocol,
    /// The long syntax's `protocol` text when it is not [`Protocol::as_str`] (`UDP`, `Tcp`):
    /// Compose keeps the case as written; `protocol` is what it means. `None` otherwise.
    pub protocol_text: Option<String>,
    pub app_protocol: Option<String>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LifecycleHook {
    pub command: Vec<String>,
    pub user: Option<String>,
    pub privileged: Option<bool>,
    pub working_dir: Option<String>,
    pub environment: BTreeMap<String, Option<String>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RestartPolicy {
    #[default]
    No,
    Always,
    /// `on-failure[:max_retries]`.
    OnFailure(Option<u32>),
    UnlessStopped,
}

/// `ulimits.<name>`; a single number sets soft and hard alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Ulimit {
    pub soft: i64,
    pub hard: i64,
    /// Written as one number (`nofile: 1024`), not as `{soft, hard}`: the same limit, kept
    /// so that `migrate config` prints the form that was written, as Compose does.
    pub single: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VolumeType {
    Bind,
    #[default]
    Volume,
    Tmpfs,
    Cluster,
    Npipe,
    Image,
}

impl VolumeType {
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Bind => "bind",
            Self::Volume => "volume",
            Self::Tmpfs => "tmpfs",
            Self::Cluster => "cluster",
            Self::Npipe => "npipe",
            Self::Image => "image",
        }
    }
}

/// One `volumes:` entry of a service (long syntax).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceVolume {
    pub kind: VolumeType,
    /// Bind: absolute host path. Volume: the top-level volume *key*. Absent: anonymous volume.
    pub source: Option<String>,
    pub target: String,
    pub read_only: Option<bool>,
    pub consistency: Option<String>,
    pub bind: Option<BindOptions>,
    pub volume: Option<VolumeOptions>,
    pub tmpfs: Option<TmpfsOptions>,
    pub image: Option<ImageMountOptions>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BindOptions {
    pub propagation: Option<String>,
    /// Short syntax implies `true`.
    pub create_host_path: Option<bool>,
    pub recursive: Option<String>,
    /// `z` or `Z`.
    pub selinux: Option<String>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct VolumeOptions {
    pub labels: BTreeMap<String, String>,
    pub nocopy: Option<bool>,
    pub subpath: Option<String>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TmpfsOptions {
    pub size: Option<ByteSize>,
    pub mode: Option<u32>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageMountOptions {
    pub subpath: Option<String>,
}

/// The Compose service keys, in schema order (the 92 of the specification).
pub const SERVICE_KEYS: &[&str] = &[
    "annotations",
    "attach",
    "blkio_config",
    "build",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "command",
    "configs",
    "container_name",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpu_shares",
    "cpus",
    "cpuset",
    "credential_spec",
    "depends_on",
    "deploy",
    "develop",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "entrypoint",
    "env_file",
    "environment",
    "expose",
    "extends",
    "external_links",
    "extra_hosts",
    "gpus",
    "group_add",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "label_file",
    "labels",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "models",
    "network_mode",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "post_start",
    "pre_stop",
    "privileged",
    "profiles",
    "provider",
    "pull_policy",
    "pull_refresh_after",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "userns_mode",
    "uts",
    "volumes",
    "volumes_from",
    "working_dir",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_keys_are_the_92_of_the_schema_sorted_and_unique() {
        assert_eq!(SERVICE_KEYS.len(), 92);
        let mut sorted = SERVICE_KEYS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, SERVICE_KEYS.to_vec());
    }

    #[test]
    fn service_struct_has_a_field_per_key() {
        // Destructuring without `..` makes this test fail to compile when a field is added
        // or removed; the list below must then be updated together with SERVICE_KEYS.
        let Service {
            name: _,
            span: _,
            annotations: _,
            attach: _,
            blkio_config: _,
            build: _,
            cap_add: _,
            cap_drop: _,
            cgroup: _,
            cgroup_parent: _,
            command: _,
            configs: _,
            container_name: _,
            cpu_count: _,
            cpu_percent: _,
            cpu_period: _,
            cpu_quota: _,
            cpu_rt_period: _,
            cpu_rt_runtime: _,
            cpu_shares: _,
            cpus: _,
            cpuset: _,
            credential_spec: _,
            depends_on: _,
            deploy: _,
            develop: _,
            device_cgroup_rules: _,
            devices: _,
            dns: _,
            dns_opt: _,
            dns_search: _,
            domainname: _,
            entrypoint: _,
            env_file: _,
            environment: _,
            expose: _,
            extends: _,
            external_links: _,
            extra_hosts: _,
            gpus: _,
            group_add: _,
            healthcheck: _,
            hostname: _,
            image: _,
            init: _,
            ipc: _,
            isolation: _,
            label_file: _,
            labels: _,
            links: _,
            logging: _,
            mac_address: _,
            mem_limit: _,
            mem_reservation: _,
            mem_swappiness: _,
            memswap_limit: _,
            models: _,
            network_mode: _,
            networks: _,
            oom_kill_disable: _,
            oom_score_adj: _,
            pid: _,
            pids_limit: _,
            platform: _,
            ports: _,
            post_start: _,
            pre_stop: _,
            privileged: _,
            profiles: _,
            provider: _,
            pull_policy: _,
            pull_refresh_after: _,
            read_only: _,
            restart: _,
            runtime: _,
            scale: _,
            secrets: _,
            security_opt: _,
            shm_size: _,
            stdin_open: _,
            stop_grace_period: _,
            stop_signal: _,
            storage_opt: _,
            sysctls: _,
            tmpfs: _,
            tty: _,
            ulimits: _,
            use_api_socket: _,
            user: _,
            userns_mode: _,
            uts: _,
            volumes: _,
            volumes_from: _,
            working_dir: _,
            extensions: _,
        } = Service::default();
    }
}
