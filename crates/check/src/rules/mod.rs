//! One file per rule. Each holds `RULE` (its registry entry), `DOC` (the text of
//! `--explain`, with the sections of [`crate::doc::SECTIONS`]) and `check`.

pub mod prelude {
    pub use crate::fix::{Edit, Fix};
    pub use crate::registry::Rule;
    pub use crate::util::{self, key};
    pub use crate::{Category, Context, Finding, Severity};
    pub use transship_ir::{Project, Service, Span, Spanned};
}

pub mod pr001_obsolete_version;
pub mod pr002_unpinned_image;
pub mod pr003_depends_on_not_healthy;
pub mod pr004_no_healthcheck;
pub mod pr005_no_resource_limits;
pub mod pr006_runs_as_root;
pub mod pr007_secret_in_environment;
pub mod pr008_database_published;
pub mod pr009_privileged;
pub mod pr010_writable_root;
pub mod pr011_restart_missing;
pub mod pr012_docker_socket;
pub mod rl001_privileged_port;
pub mod rl002_host_network_low_port;
pub mod rl003_resource_limits;
pub mod rl004_ulimit_above_hard_limit;
pub mod rl005_ipc_lock_memlock;
pub mod rl006_negative_oom_score_adj;
pub mod rl007_cgroup_parent;
pub mod rl008_privileged_rootless;
pub mod rl009_device_access;
pub mod rl010_bind_mount_owner;
pub mod rl011_uid_beyond_subuid;
pub mod rl012_missing_subuid;
pub mod rl013_docker_socket_rootless;
pub mod rl014_root_only_host_path;
pub mod rl015_selinux_relabel;
pub mod rl016_net_raw_ping;
pub mod rl017_restart_needs_lingering;
pub mod rl018_healthcheck_needs_systemd;
pub mod rl019_journald_logging;
pub mod rl020_macvlan_ipvlan;
pub mod rl021_client_source_ip;
pub mod rl022_host_gateway_old_podman;
pub mod rl023_apparmor_profile;
pub mod rl024_storage_on_network_fs;
pub mod rl025_non_namespaced_sysctl;
pub mod rl026_net_sysctl_host_network;
pub mod rl027_rootless_network_prereq;
pub mod rl028_ipc_host;
pub mod rl029_sys_admin_rootless;
pub mod tg001_target_gap;
