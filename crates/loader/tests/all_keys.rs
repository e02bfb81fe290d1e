//! The IR covers every service key of the Compose schema: the `canon-all-keys` fixture uses
//! all 92, and every field of `Service` ends up non-empty in some service. `Service` is
//! destructured without `..`, so a new field fails to compile here until it is covered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixture_support;

use std::collections::BTreeSet;

use fixture_support::{fixtures_root, options};
use transship_ir::{SERVICE_KEYS, Service};

fn filled(s: &Service) -> Vec<(&'static str, bool)> {
    let Service {
        name: _,
        span: _,
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
        extensions: _,
    } = s;
    vec![
        ("annotations", !annotations.is_empty()),
        ("attach", attach.is_some()),
        ("blkio_config", blkio_config.is_some()),
        ("build", build.is_some()),
        ("cap_add", !cap_add.is_empty()),
        ("cap_drop", !cap_drop.is_empty()),
        ("cgroup", cgroup.is_some()),
        ("cgroup_parent", cgroup_parent.is_some()),
        ("command", command.is_some()),
        ("configs", !configs.is_empty()),
        ("container_name", container_name.is_some()),
        ("cpu_count", cpu_count.is_some()),
        ("cpu_percent", cpu_percent.is_some()),
        ("cpu_period", cpu_period.is_some()),
        ("cpu_quota", cpu_quota.is_some()),
        ("cpu_rt_period", cpu_rt_period.is_some()),
        ("cpu_rt_runtime", cpu_rt_runtime.is_some()),
        ("cpu_shares", cpu_shares.is_some()),
        ("cpus", cpus.is_some()),
        ("cpuset", cpuset.is_some()),
        ("credential_spec", credential_spec.is_some()),
        ("depends_on", !depends_on.is_empty()),
        ("deploy", deploy.is_some()),
        ("develop", develop.is_some()),
        ("device_cgroup_rules", !device_cgroup_rules.is_empty()),
        ("devices", !devices.is_empty()),
        ("dns", !dns.is_empty()),
        ("dns_opt", !dns_opt.is_empty()),
        ("dns_search", !dns_search.is_empty()),
        ("domainname", domainname.is_some()),
        ("entrypoint", entrypoint.is_some()),
        ("env_file", !env_file.is_empty()),
        ("environment", !environment.is_empty()),
        ("expose", !expose.is_empty()),
        ("extends", extends.is_some()),
        ("external_links", !external_links.is_empty()),
        ("extra_hosts", !extra_hosts.is_empty()),
        ("gpus", !gpus.is_empty()),
        ("group_add", !group_add.is_empty()),
        ("healthcheck", healthcheck.is_some()),
        ("hostname", hostname.is_some()),
        ("image", image.is_some()),
        ("init", init.is_some()),
        ("ipc", ipc.is_some()),
        ("isolation", isolation.is_some()),
        ("label_file", !label_file.is_empty()),
        ("labels", !labels.is_empty()),
        ("links", !links.is_empty()),
        ("logging", logging.is_some()),
        ("mac_address", mac_address.is_some()),
        ("mem_limit", mem_limit.is_some()),
        ("mem_reservation", mem_reservation.is_some()),
        ("mem_swappiness", mem_swappiness.is_some()),
        ("memswap_limit", memswap_limit.is_some()),
        ("models", models.is_some()),
        ("network_mode", network_mode.is_some()),
        ("networks", !networks.is_empty()),
        ("oom_kill_disable", oom_kill_disable.is_some()),
        ("oom_score_adj", oom_score_adj.is_some()),
        ("pid", pid.is_some()),
        ("pids_limit", pids_limit.is_some()),
        ("platform", platform.is_some()),
        ("ports", !ports.is_empty()),
        ("post_start", !post_start.is_empty()),
        ("pre_stop", !pre_stop.is_empty()),
        ("privileged", privileged.is_some()),
        ("profiles", !profiles.is_empty()),
        ("provider", provider.is_some()),
        ("pull_policy", pull_policy.is_some()),
        ("pull_refresh_after", pull_refresh_after.is_some()),
        ("read_only", read_only.is_some()),
        ("restart", restart.is_some()),
        ("runtime", runtime.is_some()),
        ("scale", scale.is_some()),
        ("secrets", !secrets.is_empty()),
        ("security_opt", !security_opt.is_empty()),
        ("shm_size", shm_size.is_some()),
        ("stdin_open", stdin_open.is_some()),
        ("stop_grace_period", stop_grace_period.is_some()),
        ("stop_signal", stop_signal.is_some()),
        ("storage_opt", !storage_opt.is_empty()),
        ("sysctls", !sysctls.is_empty()),
        ("tmpfs", !tmpfs.is_empty()),
        ("tty", tty.is_some()),
        ("ulimits", !ulimits.is_empty()),
        ("use_api_socket", use_api_socket.is_some()),
        ("user", user.is_some()),
        ("userns_mode", userns_mode.is_some()),
        ("uts", uts.is_some()),
        ("volumes", !volumes.is_empty()),
        ("volumes_from", !volumes_from.is_empty()),
        ("working_dir", working_dir.is_some()),
    ]
}

#[test]
fn every_service_key_is_filled_by_the_all_keys_fixture() {
    let dir = fixtures_root("compose")
        .join("canon-all-keys")
        .canonicalize()
        .unwrap();
    let text = std::fs::read_to_string(dir.join("compose.yaml")).unwrap();
    for key in SERVICE_KEYS {
        assert!(
            text.contains(&format!("    {key}:")),
            "the fixture does not use `{key}`"
        );
    }
    let project = transship_loader::load(&options(&dir)).unwrap_or_else(|e| panic!("{e}"));
    let mut covered = BTreeSet::new();
    let mut all_fields = BTreeSet::new();
    for s in project.services.values() {
        for (key, is_filled) in filled(s) {
            all_fields.insert(key);
            if is_filled {
                covered.insert(key);
            }
        }
    }
    assert_eq!(all_fields.len(), 92);
    assert_eq!(
        all_fields,
        SERVICE_KEYS.iter().copied().collect::<BTreeSet<_>>()
    );
    // `extends` was resolved (the base's values arrived) and kept for provenance.
    assert_eq!(
        project.services["all"].environment["FROM_BASE"]
            .value
            .as_deref(),
        Some("yes"),
        "extends merged the base service"
    );
    let ext = project.services["all"]
        .extends
        .as_ref()
        .expect("extends kept");
    assert_eq!(ext.value.service, "base");
    assert!(ext.span.line > 0, "extends points at its text");
    let missing: Vec<_> = all_fields.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "service keys that stayed empty: {missing:?}"
    );
}

#[test]
fn all_keys_values_are_canonical() {
    use transship_ir::*;
    let dir = fixtures_root("compose")
        .join("canon-all-keys")
        .canonicalize()
        .unwrap();
    let p = transship_loader::load(&options(&dir)).unwrap_or_else(|e| panic!("{e}"));
    let s = &p.services["all"];
    assert_eq!(s.ports.len(), 2, "the port range is expanded");
    assert_eq!(s.ports[1].value.published.as_deref(), Some("8081"));
    assert_eq!(s.mem_limit.as_ref().unwrap().value, ByteSize(512 << 20));
    assert_eq!(
        s.stop_grace_period.as_ref().unwrap().value,
        Duration::from_secs(45)
    );
    assert_eq!(
        s.restart.as_ref().unwrap().value,
        RestartPolicy::UnlessStopped
    );
    assert_eq!(s.gpus[0].value.count, Some(-1));
    assert_eq!(s.entrypoint.as_ref().unwrap().value, vec!["/bin/sh"]);
    assert_eq!(
        s.environment["FROM_ENV_FILE"].value.as_deref(),
        Some("1"),
        "env_file is folded into environment"
    );
    let span = s.environment["FROM_ENV_FILE"].span;
    assert_eq!(p.files[span.file.0 as usize].path, dir.join("all.env"));
    assert_eq!((span.line, span.column), (1, 1));
    assert_eq!(s.labels["com.example.from-label-file"].value, "1");
    assert_eq!(
        s.secrets[0].value.target.as_deref(),
        Some("/run/secrets/db_password")
    );
    assert_eq!(
        s.build.as_ref().unwrap().value.context.value,
        dir.join("src").to_string_lossy()
    );
    assert_eq!(
        s.volumes[1].value.source.as_deref(),
        Some(&*dir.join("conf").to_string_lossy())
    );
    assert!(
        s.extensions.contains_key("x-owner"),
        "merge-key extensions are kept"
    );
    assert_eq!(p.networks["front"].name.value, "canon-all-keys_front");
    assert_eq!(p.volumes["data"].name.value, "canon-all-keys_data");
    assert!(p.services["hostnet"].networks.is_empty());
    assert!(
        p.services.contains_key("all"),
        "profile `all` enabled by args"
    );
}
