//! The one table of rules. Adding a rule: write `rules/<code>_<name>.rs` (with `RULE`) and add
//! it here. Codes are never reused: a retired rule keeps its code out of this list forever.

use crate::rules;
use crate::{Category, Context, Finding, Severity};

/// A rule: identity, documentation and the check.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `RL001`; never reused.
    pub code: &'static str,
    /// Kebab-case name (`privileged-port`).
    pub name: &'static str,
    /// Default severity (a rule may lower or raise it per finding).
    pub severity: Severity,
    pub category: Category,
    /// Markdown with the sections of [`crate::doc::SECTIONS`].
    pub doc: &'static str,
    /// True when the outcome depends on host facts (its fixtures carry a host-facts file).
    pub uses_host: bool,
    pub check: fn(&Context<'_>) -> Vec<Finding>,
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    rules::rl001_privileged_port::RULE,
    rules::rl002_host_network_low_port::RULE,
    rules::rl003_resource_limits::RULE,
    rules::rl004_ulimit_above_hard_limit::RULE,
    rules::rl005_ipc_lock_memlock::RULE,
    rules::rl006_negative_oom_score_adj::RULE,
    rules::rl007_cgroup_parent::RULE,
    rules::rl008_privileged_rootless::RULE,
    rules::rl009_device_access::RULE,
    rules::rl010_bind_mount_owner::RULE,
    rules::rl011_uid_beyond_subuid::RULE,
    rules::rl012_missing_subuid::RULE,
    rules::rl013_docker_socket_rootless::RULE,
    rules::rl014_root_only_host_path::RULE,
    rules::rl015_selinux_relabel::RULE,
    rules::rl016_net_raw_ping::RULE,
    rules::rl017_restart_needs_lingering::RULE,
    rules::rl018_healthcheck_needs_systemd::RULE,
    rules::rl019_journald_logging::RULE,
    rules::rl020_macvlan_ipvlan::RULE,
    rules::rl021_client_source_ip::RULE,
    rules::rl022_host_gateway_old_podman::RULE,
    rules::rl023_apparmor_profile::RULE,
    rules::rl024_storage_on_network_fs::RULE,
    rules::rl025_non_namespaced_sysctl::RULE,
    rules::rl026_net_sysctl_host_network::RULE,
    rules::rl027_rootless_network_prereq::RULE,
    rules::rl028_ipc_host::RULE,
    rules::rl029_sys_admin_rootless::RULE,
    rules::pr001_obsolete_version::RULE,
    rules::pr002_unpinned_image::RULE,
    rules::pr003_depends_on_not_healthy::RULE,
    rules::pr004_no_healthcheck::RULE,
    rules::pr005_no_resource_limits::RULE,
    rules::pr006_runs_as_root::RULE,
    rules::pr007_secret_in_environment::RULE,
    rules::pr008_database_published::RULE,
    rules::pr009_privileged::RULE,
    rules::pr010_writable_root::RULE,
    rules::pr011_restart_missing::RULE,
    rules::pr012_docker_socket::RULE,
    // PR013 (container-name-scaled) is retired: the loader rejects `container_name` with
    // `scale`/`deploy.replicas` > 1 exactly as Compose does, so it could never fire.
    rules::tg001_target_gap::RULE,
];

/// The rule with this code (case-insensitive).
pub fn find_rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_well_formed_and_sorted() {
        let mut seen = std::collections::BTreeSet::new();
        let mut prev = "";
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate code {}", r.code);
            assert!(seen.insert(r.name), "duplicate name {}", r.name);
            let (prefix, num) = r.code.split_at(2);
            assert!(["RL", "PR", "TG"].contains(&prefix), "{}", r.code);
            assert!(
                num.len() == 3 && num.chars().all(|c| c.is_ascii_digit()),
                "{}",
                r.code
            );
            let expected_prefix = match r.category {
                Category::Rootless => "RL",
                Category::Hygiene | Category::Production => "PR",
                Category::Target => "TG",
            };
            assert_eq!(prefix, expected_prefix, "{} has the wrong prefix", r.code);
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{}",
                r.name
            );
            if prefix == &prev[..prev.len().min(2)] {
                assert!(r.code > prev, "{} after {prev}", r.code);
            }
            prev = r.code;
        }
        assert!(RULES.len() >= 25);
    }

    #[test]
    fn every_rule_has_all_doc_sections() {
        let problems: Vec<String> = RULES.iter().flat_map(crate::doc::problems).collect();
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
