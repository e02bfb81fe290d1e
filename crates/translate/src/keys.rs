//! [`ir_key_paths`]: every key path present in a project's IR, listed independently of any
//! translator, so that tests can check that a translator's ledger covers exactly these paths.
//!
//! # Path rules (the contract every ledger follows)
//! * Top level: `name` (always), `services.<s>.…`, `networks.<n>`, `volumes.<v>`,
//!   `secrets.<s>`, `configs.<c>` (one path per resource, plus paths for its present fields),
//!   `models.<m>`, `x-…` (extensions).
//! * A scalar field is its own path: `services.web.image`, `networks.back.driver`.
//! * A list has one path per element: `services.web.ports[0]`, `…cap_add[1]`.
//! * A map of scalars has one path per key: `services.web.environment.PATH`,
//!   `…labels.com.example`, `…depends_on.db`, `…ulimits.nofile`.
//! * A nested struct (`healthcheck`, `deploy`, `build`, `logging`, `blkio_config`, IPAM pools,
//!   per-network attachment options …) contributes the paths of its present fields
//!   (`services.web.healthcheck.interval`, `…deploy.resources.limits.memory`); when none of
//!   its fields is present, the struct itself is the path (`services.web.healthcheck`).
//!   The same holds for a service with no keys at all (`services.web`).
//! * A service's network attachment is always a path (`services.web.networks.back`), and its
//!   present options add their own (`…networks.back.aliases[0]`, `…networks.back.ipv4_address`).
//! * Items that are plain data without spans of their own (a port, a volume mount, a device,
//!   a secret reference, …) are one path each; only their `x-…` extensions add paths
//!   (`services.web.ports[0].x-foo`), those of their nested objects too
//!   (`…volumes[0].bind.x-foo`, `…generic_resources[0].discrete_resource_spec.x-foo`).
//! * Extensions are `<parent>.x-name` wherever they appear.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use transship_ir::*;

/// Collects paths; `group` implements the "struct with no present field is itself a path" rule.
struct Walker {
    out: BTreeSet<String>,
}

impl Walker {
    fn add(&mut self, p: impl Into<String>) {
        self.out.insert(p.into());
    }

    fn group(&mut self, p: &str, f: impl FnOnce(&mut Self)) {
        let before = self.out.len();
        f(self);
        if self.out.len() == before {
            self.add(p);
        }
    }

    fn opt<T>(&mut self, parent: &str, key: &str, v: &Option<T>) {
        if v.is_some() {
            self.add(format!("{parent}.{key}"));
        }
    }

    fn list<T>(&mut self, parent: &str, key: &str, v: &[T]) {
        for i in 0..v.len() {
            self.add(format!("{parent}.{key}[{i}]"));
        }
    }

    fn map<V>(&mut self, parent: &str, key: &str, m: &BTreeMap<String, V>) {
        for k in m.keys() {
            self.add(format!("{parent}.{key}.{k}"));
        }
    }

    fn ext(&mut self, parent: &str, e: &Extensions) {
        for k in e.keys() {
            self.add(format!("{parent}.{k}"));
        }
    }
}

/// `<parent>.<key>`: the path of a field or map key below `parent` (the rules above), in one
/// allocation of the exact size.
pub fn child_path(parent: &str, key: &str) -> String {
    let mut s = String::with_capacity(parent.len() + 1 + key.len());
    s.push_str(parent);
    s.push('.');
    s.push_str(key);
    s
}

/// `<list>[i]`: the path of a list element.
pub fn item_path(list: &str, index: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(list.len() + 6);
    s.push_str(list);
    let _ = write!(s, "[{index}]");
    s
}

/// Every key path present in `project` (see the module doc for the rules).
pub fn ir_key_paths(project: &Project) -> BTreeSet<String> {
    let Project {
        name: _,
        working_dir: _,
        files: _,
        services,
        networks,
        volumes,
        secrets,
        configs,
        models,
        active_profiles: _,
        warnings: _,
        secret_interpolations: _,
        extensions,
    } = project;
    let mut w = Walker {
        out: BTreeSet::new(),
    };
    w.add("name");
    for (name, s) in services {
        let p = format!("services.{name}");
        w.group(&p.clone(), |w| service(w, &p, s));
    }
    for (k, n) in networks {
        network(&mut w, &format!("networks.{k}"), n);
    }
    for (k, v) in volumes {
        let Volume {
            span: _,
            name: _,
            driver,
            driver_opts,
            external,
            labels,
            extensions,
        } = v;
        let p = format!("volumes.{k}");
        w.add(p.clone());
        w.opt(&p, "driver", driver);
        w.map(&p, "driver_opts", driver_opts);
        w.opt(&p, "external", external);
        w.map(&p, "labels", labels);
        w.ext(&p, extensions);
    }
    for (k, s) in secrets {
        let Secret {
            span: _,
            name: _,
            file,
            environment,
            environment_value: _,
            external,
            labels,
            driver,
            driver_opts,
            template_driver,
            extensions,
        } = s;
        let p = format!("secrets.{k}");
        w.add(p.clone());
        w.opt(&p, "file", file);
        w.opt(&p, "environment", environment);
        w.opt(&p, "external", external);
        w.map(&p, "labels", labels);
        w.opt(&p, "driver", driver);
        w.map(&p, "driver_opts", driver_opts);
        w.opt(&p, "template_driver", template_driver);
        w.ext(&p, extensions);
    }
    for (k, c) in configs {
        let Config {
            span: _,
            name: _,
            file,
            environment,
            environment_value: _,
            content,
            external,
            labels,
            template_driver,
            extensions,
        } = c;
        let p = format!("configs.{k}");
        w.add(p.clone());
        w.opt(&p, "file", file);
        w.opt(&p, "environment", environment);
        w.opt(&p, "content", content);
        w.opt(&p, "external", external);
        w.map(&p, "labels", labels);
        w.opt(&p, "template_driver", template_driver);
        w.ext(&p, extensions);
    }
    for k in models.keys() {
        w.add(format!("models.{k}"));
    }
    for k in extensions.keys() {
        w.add(k.clone());
    }
    w.out
}

fn network(w: &mut Walker, p: &str, n: &Network) {
    let Network {
        span: _,
        name: _,
        driver,
        driver_opts,
        ipam,
        external,
        internal,
        enable_ipv4,
        enable_ipv6,
        attachable,
        labels,
        implicit: _,
        extensions,
    } = n;
    w.add(p);
    w.opt(p, "driver", driver);
    w.map(p, "driver_opts", driver_opts);
    if let Some(ipam) = ipam {
        let Ipam {
            driver,
            config,
            options,
            extensions,
        } = &ipam.value;
        let ip = format!("{p}.ipam");
        w.group(&ip.clone(), |w| {
            w.opt(&ip, "driver", driver);
            for (i, pool) in config.iter().enumerate() {
                let IpamPool {
                    subnet,
                    ip_range,
                    gateway,
                    aux_addresses,
                    extensions,
                } = &pool.value;
                let pp = format!("{ip}.config[{i}]");
                w.group(&pp.clone(), |w| {
                    w.opt(&pp, "subnet", subnet);
                    w.opt(&pp, "ip_range", ip_range);
                    w.opt(&pp, "gateway", gateway);
                    w.map(&pp, "aux_addresses", aux_addresses);
                    w.ext(&pp, extensions);
                });
            }
            w.map(&ip, "options", options);
            w.ext(&ip, extensions);
        });
    }
    w.opt(p, "external", external);
    w.opt(p, "internal", internal);
    w.opt(p, "enable_ipv4", enable_ipv4);
    w.opt(p, "enable_ipv6", enable_ipv6);
    w.opt(p, "attachable", attachable);
    w.map(p, "labels", labels);
    w.ext(p, extensions);
}

/// Items without spans of their own: one path per item plus their extensions.
fn items<'a, T: 'a>(
    w: &mut Walker,
    p: &str,
    key: &str,
    v: &'a [Spanned<T>],
    ext: impl Fn(&'a T) -> &'a Extensions,
) {
    for (i, item) in v.iter().enumerate() {
        let ip = format!("{p}.{key}[{i}]");
        w.add(ip.clone());
        w.ext(&ip, ext(&item.value));
    }
}

fn service(w: &mut Walker, p: &str, s: &Service) {
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
        extensions,
    } = s;
    w.map(p, "annotations", annotations);
    w.opt(p, "attach", attach);
    if let Some(b) = blkio_config {
        let BlkioConfig {
            weight,
            weight_device,
            device_read_bps,
            device_read_iops,
            device_write_bps,
            device_write_iops,
            extensions,
        } = &b.value;
        let bp = format!("{p}.blkio_config");
        w.group(&bp.clone(), |w| {
            w.opt(&bp, "weight", weight);
            w.list(&bp, "weight_device", weight_device);
            w.list(&bp, "device_read_bps", device_read_bps);
            w.list(&bp, "device_read_iops", device_read_iops);
            w.list(&bp, "device_write_bps", device_write_bps);
            w.list(&bp, "device_write_iops", device_write_iops);
            w.ext(&bp, extensions);
        });
    }
    if let Some(b) = build {
        build_paths(w, &format!("{p}.build"), &b.value);
    }
    w.list(p, "cap_add", cap_add);
    w.list(p, "cap_drop", cap_drop);
    w.opt(p, "cgroup", cgroup);
    w.opt(p, "cgroup_parent", cgroup_parent);
    w.opt(p, "command", command);
    items(w, p, "configs", configs, |r: &FileRef| &r.extensions);
    w.opt(p, "container_name", container_name);
    w.opt(p, "cpu_count", cpu_count);
    w.opt(p, "cpu_percent", cpu_percent);
    w.opt(p, "cpu_period", cpu_period);
    w.opt(p, "cpu_quota", cpu_quota);
    w.opt(p, "cpu_rt_period", cpu_rt_period);
    w.opt(p, "cpu_rt_runtime", cpu_rt_runtime);
    w.opt(p, "cpu_shares", cpu_shares);
    w.opt(p, "cpus", cpus);
    w.opt(p, "cpuset", cpuset);
    if let Some(c) = credential_spec {
        let cp = format!("{p}.credential_spec");
        w.add(cp.clone());
        w.ext(&cp, &c.value.extensions);
    }
    for (k, d) in depends_on {
        let dp = format!("{p}.depends_on.{k}");
        w.add(dp.clone());
        w.ext(&dp, &d.value.extensions);
    }
    if let Some(d) = deploy {
        deploy_paths(w, &format!("{p}.deploy"), &d.value);
    }
    w.opt(p, "develop", develop);
    w.list(p, "device_cgroup_rules", device_cgroup_rules);
    items(w, p, "devices", devices, |d: &Device| &d.extensions);
    w.list(p, "dns", dns);
    w.list(p, "dns_opt", dns_opt);
    w.list(p, "dns_search", dns_search);
    w.opt(p, "domainname", domainname);
    w.opt(p, "entrypoint", entrypoint);
    w.list(p, "env_file", env_file);
    w.map(p, "environment", environment);
    w.list(p, "expose", expose);
    w.opt(p, "extends", extends);
    w.list(p, "external_links", external_links);
    w.list(p, "extra_hosts", extra_hosts);
    items(w, p, "gpus", gpus, |d: &DeviceRequest| &d.extensions);
    w.list(p, "group_add", group_add);
    if let Some(h) = healthcheck {
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
        let hp = format!("{p}.healthcheck");
        w.group(&hp.clone(), |w| {
            w.opt(&hp, "test", test);
            w.opt(&hp, "interval", interval);
            w.opt(&hp, "timeout", timeout);
            w.opt(&hp, "retries", retries);
            w.opt(&hp, "start_period", start_period);
            w.opt(&hp, "start_interval", start_interval);
            w.opt(&hp, "disable", disable);
            w.ext(&hp, extensions);
        });
    }
    w.opt(p, "hostname", hostname);
    w.opt(p, "image", image);
    w.opt(p, "init", init);
    w.opt(p, "ipc", ipc);
    w.opt(p, "isolation", isolation);
    w.list(p, "label_file", label_file);
    w.map(p, "labels", labels);
    w.list(p, "links", links);
    if let Some(l) = logging {
        let Logging {
            driver,
            options,
            extensions,
        } = &l.value;
        let lp = format!("{p}.logging");
        w.group(&lp.clone(), |w| {
            w.opt(&lp, "driver", driver);
            w.map(&lp, "options", options);
            w.ext(&lp, extensions);
        });
    }
    w.opt(p, "mac_address", mac_address);
    w.opt(p, "mem_limit", mem_limit);
    w.opt(p, "mem_reservation", mem_reservation);
    w.opt(p, "mem_swappiness", mem_swappiness);
    w.opt(p, "memswap_limit", memswap_limit);
    w.opt(p, "models", models);
    w.opt(p, "network_mode", network_mode);
    for (k, n) in networks {
        let ServiceNetwork {
            aliases,
            interface_name,
            ipv4_address,
            ipv6_address,
            link_local_ips,
            mac_address,
            driver_opts,
            priority,
            gw_priority,
            extensions,
            mapping: _,
        } = &*n.value;
        let np = format!("{p}.networks.{k}");
        w.add(np.clone());
        w.list(&np, "aliases", aliases);
        w.opt(&np, "interface_name", interface_name);
        w.opt(&np, "ipv4_address", ipv4_address);
        w.opt(&np, "ipv6_address", ipv6_address);
        w.list(&np, "link_local_ips", link_local_ips);
        w.opt(&np, "mac_address", mac_address);
        w.map(&np, "driver_opts", driver_opts);
        w.opt(&np, "priority", priority);
        w.opt(&np, "gw_priority", gw_priority);
        w.ext(&np, extensions);
    }
    w.opt(p, "oom_kill_disable", oom_kill_disable);
    w.opt(p, "oom_score_adj", oom_score_adj);
    w.opt(p, "pid", pid);
    w.opt(p, "pids_limit", pids_limit);
    w.opt(p, "platform", platform);
    items(w, p, "ports", ports, |x: &Port| &x.extensions);
    items(w, p, "post_start", post_start, |x: &LifecycleHook| {
        &x.extensions
    });
    items(w, p, "pre_stop", pre_stop, |x: &LifecycleHook| {
        &x.extensions
    });
    w.opt(p, "privileged", privileged);
    w.list(p, "profiles", profiles);
    w.opt(p, "provider", provider);
    w.opt(p, "pull_policy", pull_policy);
    w.opt(p, "pull_refresh_after", pull_refresh_after);
    w.opt(p, "read_only", read_only);
    w.opt(p, "restart", restart);
    w.opt(p, "runtime", runtime);
    w.opt(p, "scale", scale);
    items(w, p, "secrets", secrets, |r: &FileRef| &r.extensions);
    w.list(p, "security_opt", security_opt);
    w.opt(p, "shm_size", shm_size);
    w.opt(p, "stdin_open", stdin_open);
    w.opt(p, "stop_grace_period", stop_grace_period);
    w.opt(p, "stop_signal", stop_signal);
    w.map(p, "storage_opt", storage_opt);
    w.map(p, "sysctls", sysctls);
    w.list(p, "tmpfs", tmpfs);
    w.opt(p, "tty", tty);
    w.map(p, "ulimits", ulimits);
    w.opt(p, "use_api_socket", use_api_socket);
    w.opt(p, "user", user);
    w.opt(p, "userns_mode", userns_mode);
    w.opt(p, "uts", uts);
    items(w, p, "volumes", volumes, |v: &ServiceVolume| &v.extensions);
    for (i, v) in volumes.iter().enumerate() {
        let vp = format!("{p}.volumes[{i}]");
        let ServiceVolume {
            kind: _,
            source: _,
            target: _,
            read_only: _,
            consistency: _,
            bind,
            volume,
            tmpfs,
            image: _,
            extensions: _,
        } = &v.value;
        if let Some(b) = bind {
            w.ext(&format!("{vp}.bind"), &b.extensions);
        }
        if let Some(o) = volume {
            w.ext(&format!("{vp}.volume"), &o.extensions);
        }
        if let Some(t) = tmpfs {
            w.ext(&format!("{vp}.tmpfs"), &t.extensions);
        }
    }
    w.list(p, "volumes_from", volumes_from);
    w.opt(p, "working_dir", working_dir);
    w.ext(p, extensions);
}

fn build_paths(w: &mut Walker, bp: &str, b: &Build) {
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
    } = b;
    let _: &Spanned<String> = context;
    w.add(format!("{bp}.context"));
    w.opt(bp, "dockerfile", dockerfile);
    w.opt(bp, "dockerfile_inline", dockerfile_inline);
    w.map(bp, "args", args);
    w.list(bp, "ssh", ssh);
    w.map(bp, "labels", labels);
    w.list(bp, "cache_from", cache_from);
    w.list(bp, "cache_to", cache_to);
    w.opt(bp, "no_cache", no_cache);
    w.map(bp, "additional_contexts", additional_contexts);
    w.opt(bp, "network", network);
    w.opt(bp, "provenance", provenance);
    w.opt(bp, "sbom", sbom);
    w.opt(bp, "pull", pull);
    w.opt(bp, "target", target);
    w.opt(bp, "shm_size", shm_size);
    w.list(bp, "extra_hosts", extra_hosts);
    w.opt(bp, "isolation", isolation);
    w.opt(bp, "privileged", privileged);
    items(w, bp, "secrets", secrets, |r: &FileRef| &r.extensions);
    w.list(bp, "tags", tags);
    w.map(bp, "ulimits", ulimits);
    w.list(bp, "platforms", platforms);
    w.list(bp, "entitlements", entitlements);
    w.ext(bp, extensions);
}

fn update_config(w: &mut Walker, up: &str, u: &UpdateConfig) {
    let UpdateConfig {
        parallelism,
        delay,
        failure_action,
        monitor,
        max_failure_ratio,
        order,
        extensions,
    } = u;
    w.group(up, |w| {
        w.opt(up, "parallelism", parallelism);
        w.opt(up, "delay", delay);
        w.opt(up, "failure_action", failure_action);
        w.opt(up, "monitor", monitor);
        w.opt(up, "max_failure_ratio", max_failure_ratio);
        w.opt(up, "order", order);
        w.ext(up, extensions);
    });
}

fn deploy_paths(w: &mut Walker, dp: &str, d: &Deploy) {
    let Deploy {
        mode,
        endpoint_mode,
        replicas,
        labels,
        rollback_config,
        update_config: update,
        resources,
        restart_policy,
        placement,
        extensions,
    } = d;
    w.group(dp, |w| {
        w.opt(dp, "mode", mode);
        w.opt(dp, "endpoint_mode", endpoint_mode);
        w.opt(dp, "replicas", replicas);
        w.map(dp, "labels", labels);
        if let Some(u) = rollback_config {
            update_config(w, &format!("{dp}.rollback_config"), &u.value);
        }
        if let Some(u) = update {
            update_config(w, &format!("{dp}.update_config"), &u.value);
        }
        if let Some(r) = resources {
            let Resources {
                limits,
                reservations,
                extensions,
            } = &r.value;
            let rp = format!("{dp}.resources");
            w.group(&rp.clone(), |w| {
                if let Some(l) = limits {
                    let ResourceLimits {
                        cpus,
                        memory,
                        pids,
                        extensions,
                    } = &l.value;
                    let lp = format!("{rp}.limits");
                    w.group(&lp.clone(), |w| {
                        w.opt(&lp, "cpus", cpus);
                        w.opt(&lp, "memory", memory);
                        w.opt(&lp, "pids", pids);
                        w.ext(&lp, extensions);
                    });
                }
                if let Some(r) = reservations {
                    let ResourceReservations {
                        cpus,
                        memory,
                        generic_resources,
                        devices,
                        extensions,
                    } = &r.value;
                    let rrp = format!("{rp}.reservations");
                    w.group(&rrp.clone(), |w| {
                        w.opt(&rrp, "cpus", cpus);
                        w.opt(&rrp, "memory", memory);
                        items(w, &rrp, "generic_resources", generic_resources, |g| {
                            &g.extensions
                        });
                        for (i, g) in generic_resources.iter().enumerate() {
                            if let Some(spec) = &g.value.discrete_resource_spec {
                                w.ext(
                                    &format!("{rrp}.generic_resources[{i}].discrete_resource_spec"),
                                    &spec.extensions,
                                );
                            }
                        }
                        items(w, &rrp, "devices", devices, |d: &DeviceRequest| {
                            &d.extensions
                        });
                        w.ext(&rrp, extensions);
                    });
                }
                w.ext(&rp, extensions);
            });
        }
        if let Some(r) = restart_policy {
            let DeployRestartPolicy {
                condition,
                delay,
                max_attempts,
                window,
                extensions,
            } = &r.value;
            let rp = format!("{dp}.restart_policy");
            w.group(&rp.clone(), |w| {
                w.opt(&rp, "condition", condition);
                w.opt(&rp, "delay", delay);
                w.opt(&rp, "max_attempts", max_attempts);
                w.opt(&rp, "window", window);
                w.ext(&rp, extensions);
            });
        }
        if let Some(pl) = placement {
            let Placement {
                constraints,
                preferences,
                max_replicas_per_node,
                extensions,
            } = &pl.value;
            let pp = format!("{dp}.placement");
            w.group(&pp.clone(), |w| {
                w.list(&pp, "constraints", constraints);
                items(
                    w,
                    &pp,
                    "preferences",
                    preferences,
                    |x: &PlacementPreference| &x.extensions,
                );
                w.opt(&pp, "max_replicas_per_node", max_replicas_per_node);
                w.ext(&pp, extensions);
            });
        }
        w.ext(dp, extensions);
    });
}
