//! The IR rendered back as Compose, exactly as `docker compose config` (2.26.1) prints it.
//!
//! [`compose_json`] gives the value of `docker compose config --format json`, [`compose_yaml`]
//! the text of `--format yaml`. The two formats differ in small ways that come from Go's JSON
//! and YAML encoders in docker-compose, and this module reproduces each:
//!
//! | what                                   | JSON                       | YAML               |
//! |----------------------------------------|----------------------------|--------------------|
//! | absent `command` / `entrypoint`        | `null`                     | omitted            |
//! | network `ipam`, `deploy.resources`, `deploy.placement` when empty | `{}` | omitted |
//! | `x-*` below the top level              | dropped                    | kept (1)           |
//! | `blkio_config` device entries          | `Path`, `Weight`, `Rate`   | lower case         |
//! | ulimit `{soft: 0, hard: 0}`            | `{}`                       | kept               |
//!
//! (1) Except where docker-compose drops them in both formats: the loader keeps them in the IR
//! (so that the ledger lists them) but they are not printed for IPAM pools and device
//! requests; ulimits, `external: {name}`, `extends` and `include` have no place for them.
//!
//! Common to both: durations in Go's format (`1m30s`), byte sizes as decimal strings,
//! `published` as a string, one entry per port, absolute paths, `env_file`/`label_file`
//! folded into `environment`/`labels` (the loader already did that), `extends` resolved, and
//! resources that no active service uses dropped (the implicit `default` network included).
//! Finally every `$` in every key and string is written as `$$`, so that the output can be
//! loaded again with the same meaning (docker-compose does this on its whole output).
//!
//! [`compose_json_text`] and [`compose_yaml`] also reproduce the text: key order, Go's JSON
//! escapes, yaml.v3's scalar styles. Tier 2 (`tests/tier2_loader.rs`) compares values and text
//! with docker-compose on every fixture; the few places where the IR cannot say what was
//! written (a ulimit pair equal to a single number, a config target equal to its default, an
//! empty network attachment) are listed in `docs/compose-config-differences.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Number, Value as Json};
use transship_ir::{
    BlkioConfig, Build, ByteSize, Config, Deploy, DeployRestartPolicy, Device, DeviceRequest,
    DiscreteResourceSpec, Duration, Extensions, FileRef, GenericResource, HealthTest, Healthcheck,
    LifecycleHook, Network, PlacementPreference, Port, Project, RestartPolicy, Secret, Service,
    ServiceNetwork, ServiceVolume, Spanned, Ulimit, UpdateConfig, Value, Volume, VolumeType,
};
use transship_translate::yaml;

use crate::canonical::units::format_duration;

/// The output format; the two differ in the ways listed in the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
}

/// The project as `docker compose config --format json` prints it.
pub fn compose_json(project: &Project) -> Json {
    escape_dollars(render(project, Format::Json))
}

/// The text of `docker compose config --format json`: two-space indentation and Go's
/// escapes of `<`, `>`, `&`, U+2028 and U+2029 (the same JSON value as [`compose_json`]).
pub fn compose_json_text(project: &Project) -> String {
    let value = compose_json(project);
    let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
    // These characters can only occur inside strings, where the escapes mean the same.
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

/// The project as `docker compose config --format yaml` prints it.
pub fn compose_yaml(project: &Project) -> String {
    let mut value = render(project, Format::Yaml);
    sort_yaml_maps(&mut value, &mut Vec::new(), false);
    yaml::emit(&escape_dollars(value))
}

/// The objects that are Go maps in compose-go (the others are structs, printed in field
/// order), by path; `*` is any key or list index. Everything below an `x-*` key is a map too.
const GO_MAPS: &[&str] = &[
    "services",
    "networks",
    "volumes",
    "secrets",
    "configs",
    "models",
    "services.*.annotations",
    "services.*.build.additional_contexts",
    "services.*.build.args",
    "services.*.build.labels",
    "services.*.build.ulimits",
    "services.*.deploy.labels",
    "services.*.deploy.resources.reservations.devices.*.options",
    "services.*.depends_on",
    "services.*.environment",
    "services.*.gpus.*.options",
    "services.*.labels",
    "services.*.logging.options",
    "services.*.networks",
    "services.*.networks.*.driver_opts",
    "services.*.post_start.*.environment",
    "services.*.pre_stop.*.environment",
    "services.*.storage_opt",
    "services.*.sysctls",
    "services.*.ulimits",
    "services.*.volumes.*.volume.labels",
    "networks.*.driver_opts",
    "networks.*.ipam.config.*.aux_addresses",
    "networks.*.labels",
    "volumes.*.driver_opts",
    "volumes.*.labels",
    "secrets.*.driver_opts",
    "secrets.*.labels",
    "configs.*.labels",
];

fn is_go_map(path: &[String]) -> bool {
    GO_MAPS.iter().any(|pattern| {
        let parts: Vec<&str> = pattern.split('.').collect();
        parts.len() == path.len() && parts.iter().zip(path).all(|(p, s)| *p == "*" || p == s)
    })
}

/// yaml.v3 writes the keys of a Go map in its own order (`web2` before `web10`); the JSON
/// encoder's byte order is what the `BTreeMap`s of the IR already give.
fn sort_yaml_maps(value: &mut Json, path: &mut Vec<String>, in_extension: bool) {
    match value {
        Json::Object(map) => {
            if in_extension || is_go_map(path) {
                let mut entries: Vec<(String, Json)> = std::mem::take(map).into_iter().collect();
                entries.sort_by(|a, b| yaml::go_yaml_key_order(&a.0, &b.0));
                map.extend(entries);
            } else if path.is_empty() {
                // The top-level `x-*` keys come last, in map order.
                let mut extensions: Vec<(String, Json)> = Vec::new();
                let keys: Vec<String> = map
                    .keys()
                    .filter(|k| k.starts_with("x-"))
                    .cloned()
                    .collect();
                for k in keys {
                    if let Some(v) = map.shift_remove(&k) {
                        extensions.push((k, v));
                    }
                }
                extensions.sort_by(|a, b| yaml::go_yaml_key_order(&a.0, &b.0));
                map.extend(extensions);
            }
            for (k, v) in map.iter_mut() {
                path.push(k.clone());
                sort_yaml_maps(v, path, in_extension || k.starts_with("x-"));
                path.pop();
            }
        }
        Json::Array(items) => {
            for item in items.iter_mut() {
                path.push("*".to_owned());
                sort_yaml_maps(item, path, in_extension);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Emits any JSON value as a block-style YAML document (the one YAML writer of the project).
pub fn json_to_yaml(value: &Json) -> String {
    yaml::emit(value)
}

/// docker-compose re-escapes every `$` of its output (keys included) as `$$`.
fn escape_dollars(value: Json) -> Json {
    match value {
        Json::String(s) => Json::String(escape(s)),
        Json::Array(items) => Json::Array(items.into_iter().map(escape_dollars).collect()),
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| (escape(k), escape_dollars(v)))
                .collect(),
        ),
        other => other,
    }
}

fn escape(s: String) -> String {
    if s.contains('$') {
        s.replace('$', "$$")
    } else {
        s
    }
}

/// An object under construction, in docker-compose's key order.
struct Obj {
    map: Map<String, Json>,
}

impl Obj {
    fn new() -> Self {
        Self { map: Map::new() }
    }

    fn put(&mut self, key: &str, value: Json) {
        self.map.insert(key.to_owned(), value);
    }

    /// A Go `string` with `omitempty`: written only when set and not empty. Every optional
    /// string of compose-go's types is one, so `hostname: ""` prints as Compose prints it:
    /// not at all.
    fn opt_str(&mut self, key: &str, value: Option<&Spanned<String>>) {
        self.opt_plain_str(key, value.map(|v| &v.value));
    }

    fn opt_plain_str(&mut self, key: &str, value: Option<&String>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.put(key, Json::String(v.clone()));
        }
    }

    /// A Go `bool` with `omitempty`: written only when true.
    fn flag(&mut self, key: &str, value: Option<&Spanned<bool>>) {
        if value.is_some_and(|v| v.value) {
            self.put(key, Json::Bool(true));
        }
    }

    /// A Go `*bool`: written whenever set.
    fn opt_bool(&mut self, key: &str, value: Option<&Spanned<bool>>) {
        if let Some(v) = value {
            self.put(key, Json::Bool(v.value));
        }
    }

    /// A Go integer with `omitempty`: written unless zero.
    fn nonzero(&mut self, key: &str, value: Option<&Spanned<i64>>) {
        if let Some(v) = value.filter(|v| v.value != 0) {
            self.put(key, Json::from(v.value));
        }
    }

    /// A Go `*int`: written whenever set.
    fn opt_int(&mut self, key: &str, value: Option<&Spanned<i64>>) {
        if let Some(v) = value {
            self.put(key, Json::from(v.value));
        }
    }

    /// A Go `float32` with `omitempty` (`cpus`, `cpu_percent`, `max_failure_ratio`): printed
    /// with float32 precision (`1.23456789` is `1.2345679`).
    fn nonzero_float(&mut self, key: &str, value: Option<&Spanned<f64>>) {
        if let Some(v) = value.filter(|v| v.value != 0.0) {
            #[allow(clippy::cast_possible_truncation)]
            let single = v.value as f32;
            let rounded = single.to_string().parse::<f64>().unwrap_or(v.value);
            self.put(key, number(rounded));
        }
    }

    fn bytes(&mut self, key: &str, value: Option<&Spanned<ByteSize>>) {
        if let Some(v) = value.filter(|v| v.value.0 != 0) {
            self.put(key, bytes(v.value));
        }
    }

    /// A Go `Duration` (omitted when zero).
    fn duration(&mut self, key: &str, value: Option<&Spanned<Duration>>) {
        if let Some(v) = value.filter(|v| v.value.0 != 0) {
            self.put(key, duration(v.value));
        }
    }

    /// A Go `*Duration` (written whenever set).
    fn opt_duration(&mut self, key: &str, value: Option<&Spanned<Duration>>) {
        if let Some(v) = value {
            self.put(key, duration(v.value));
        }
    }

    fn list(&mut self, key: &str, items: &[Spanned<String>]) {
        if !items.is_empty() {
            self.put(key, str_list(items));
        }
    }

    fn string_map(&mut self, key: &str, map: &BTreeMap<String, Spanned<String>>) {
        if !map.is_empty() {
            self.put(key, string_map(map));
        }
    }

    /// `x-*` keys: kept by the YAML encoder, dropped by the JSON one (except at the top).
    fn extensions(&mut self, ext: &Extensions, format: Format) {
        if format == Format::Yaml {
            for (k, v) in ext {
                self.put(k, extension_value(&v.value));
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn done(self) -> Json {
        Json::Object(self.map)
    }
}

fn number(f: f64) -> Json {
    // Go prints a float without a fraction as an integer (`cpus: 2`).
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Json::from(f as i64)
    } else {
        Number::from_f64(f).map_or(Json::Null, Json::Number)
    }
}

fn bytes(b: ByteSize) -> Json {
    Json::String(b.0.to_string())
}

fn duration(d: Duration) -> Json {
    Json::String(format_duration(d))
}

fn str_list(items: &[Spanned<String>]) -> Json {
    Json::Array(
        items
            .iter()
            .map(|s| Json::String(s.value.clone()))
            .collect(),
    )
}

fn string_map(map: &BTreeMap<String, Spanned<String>>) -> Json {
    Json::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Json::String(v.value.clone())))
            .collect(),
    )
}

fn optional_string_map<'a, I>(entries: I) -> Json
where
    I: IntoIterator<Item = (&'a String, Option<&'a String>)>,
{
    Json::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.clone(), v.map_or(Json::Null, |s| Json::String(s.clone()))))
            .collect(),
    )
}

/// A free-form value as written.
fn value(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => number(*f),
        Value::String(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(value).collect()),
        Value::Map(entries) => {
            Json::Object(entries.iter().map(|(k, v)| (k.clone(), value(v))).collect())
        }
    }
}

/// An `x-*` value: a Go map in docker-compose, printed with its keys sorted (at every depth).
fn extension_value(v: &Value) -> Json {
    match v {
        Value::Seq(items) => Json::Array(items.iter().map(extension_value).collect()),
        Value::Map(entries) => {
            let mut sorted: Vec<&(String, Value)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(
                sorted
                    .into_iter()
                    .map(|(k, v)| (k.clone(), extension_value(v)))
                    .collect(),
            )
        }
        scalar => value(scalar),
    }
}

/// Go's JSON encoder writes an empty slice decoded from YAML (`[]`) as `null`; its YAML
/// encoder keeps `[]`. Maps stay `{}` in both.
fn empty_lists_as_null(j: &mut Json) {
    match j {
        Json::Array(items) if items.is_empty() => *j = Json::Null,
        Json::Array(items) => items.iter_mut().for_each(empty_lists_as_null),
        Json::Object(m) => m.values_mut().for_each(empty_lists_as_null),
        _ => {}
    }
}

fn render(project: &Project, format: Format) -> Json {
    let used = Used::collect(project);
    let mut top = Obj::new();
    top.put("name", Json::String(project.name.value.clone()));

    let mut services = Map::new();
    for (name, service) in &project.services {
        services.insert(name.clone(), render_service(service, project, format));
    }
    let networks = used_only(&project.networks, &used.networks, |n| {
        render_network(n, format)
    });
    let volumes = used_only(&project.volumes, &used.volumes, |v| {
        render_volume(v, format)
    });
    let secrets = used_only(&project.secrets, &used.secrets, |x| {
        render_secret(x, format)
    });
    let configs = used_only(&project.configs, &used.configs, |c| {
        render_config(c, format)
    });

    if format == Format::Json {
        if !networks.is_empty() {
            top.put("networks", Json::Object(networks));
        }
        top.put("services", Json::Object(services));
    } else {
        top.put("services", Json::Object(services));
        if !networks.is_empty() {
            top.put("networks", Json::Object(networks));
        }
    }
    if !volumes.is_empty() {
        top.put("volumes", Json::Object(volumes));
    }
    if !secrets.is_empty() {
        top.put("secrets", Json::Object(secrets));
    }
    if !configs.is_empty() {
        top.put("configs", Json::Object(configs));
    }
    if !project.models.is_empty() {
        top.put(
            "models",
            Json::Object(
                project
                    .models
                    .iter()
                    .map(|(k, v)| (k.clone(), value(&v.value)))
                    .collect(),
            ),
        );
    }
    // Top-level extensions are kept by both encoders.
    for (k, v) in &project.extensions {
        let mut j = extension_value(&v.value);
        if format == Format::Json {
            empty_lists_as_null(&mut j);
        }
        top.put(k, j);
    }
    if format == Format::Json {
        // docker-compose's JSON project is a Go map at the top: keys sorted.
        top.map.sort_keys();
    }
    top.done()
}

/// The top-level resources of one kind that an active service uses, rendered by `render`
/// (docker compose config drops the others).
fn used_only<T>(
    all: &std::collections::BTreeMap<String, T>,
    used: &BTreeSet<&str>,
    render: impl Fn(&T) -> Json,
) -> Map<String, Json> {
    all.iter()
        .filter(|(k, _)| used.contains(k.as_str()))
        .map(|(k, v)| (k.clone(), render(v)))
        .collect()
}

/// Top-level resources referenced by an active service (the others are not printed).
struct Used<'a> {
    networks: BTreeSet<&'a str>,
    volumes: BTreeSet<&'a str>,
    secrets: BTreeSet<&'a str>,
    configs: BTreeSet<&'a str>,
}

impl<'a> Used<'a> {
    fn collect(project: &'a Project) -> Self {
        let mut used = Used {
            networks: BTreeSet::new(),
            volumes: BTreeSet::new(),
            secrets: BTreeSet::new(),
            configs: BTreeSet::new(),
        };
        for service in project.services.values() {
            used.networks
                .extend(service.networks.keys().map(String::as_str));
            for v in &service.volumes {
                if v.value.kind == VolumeType::Volume {
                    if let Some(source) = &v.value.source {
                        used.volumes.insert(source.as_str());
                    }
                }
            }
            used.secrets
                .extend(service.secrets.iter().map(|s| s.value.source.as_str()));
            if let Some(build) = &service.build {
                used.secrets
                    .extend(build.value.secrets.iter().map(|s| s.value.source.as_str()));
            }
            used.configs
                .extend(service.configs.iter().map(|c| c.value.source.as_str()));
        }
        used
    }
}

fn render_service(s: &Service, project: &Project, format: Format) -> Json {
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
        // folded into `environment` by the loader
        env_file: _,
        environment,
        expose,
        // resolved by the loader
        extends: _,
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
        // folded into `labels` by the loader
        label_file: _,
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

    let mut o = Obj::new();
    o.list("profiles", profiles);
    o.string_map("annotations", annotations);
    o.opt_bool("attach", attach.as_ref());
    if let Some(b) = build {
        o.put("build", render_build(&b.value, format));
    }
    if let Some(d) = develop {
        o.put(
            "develop",
            render_develop(&d.value, &project.working_dir, format),
        );
    }
    if let Some(b) = blkio_config {
        o.put("blkio_config", render_blkio(&b.value, format));
    }
    o.list("cap_add", cap_add);
    o.list("cap_drop", cap_drop);
    o.opt_str("cgroup_parent", cgroup_parent.as_ref());
    o.opt_str("cgroup", cgroup.as_ref());
    o.nonzero("cpu_count", cpu_count.as_ref());
    o.nonzero_float("cpu_percent", cpu_percent.as_ref());
    o.nonzero("cpu_period", cpu_period.as_ref());
    o.nonzero("cpu_quota", cpu_quota.as_ref());
    o.nonzero("cpu_rt_period", cpu_rt_period.as_ref());
    o.nonzero("cpu_rt_runtime", cpu_rt_runtime.as_ref());
    o.nonzero_float("cpus", cpus.as_ref());
    o.opt_str("cpuset", cpuset.as_ref());
    o.nonzero("cpu_shares", cpu_shares.as_ref());
    match (command, format) {
        (Some(c), _) => o.put("command", words(&c.value)),
        // JSON has no `omitempty` on command/entrypoint: absent means null.
        (None, Format::Json) => o.put("command", Json::Null),
        (None, Format::Yaml) => {}
    }
    if !configs.is_empty() {
        o.put(
            "configs",
            Json::Array(
                configs
                    .iter()
                    .map(|c| render_file_ref(&c.value, Some("/"), format))
                    .collect(),
            ),
        );
    }
    o.opt_str("container_name", container_name.as_ref());
    if let Some(c) = credential_spec {
        let mut cs = Obj::new();
        cs.opt_plain_str("config", c.value.config.as_ref());
        cs.opt_plain_str("file", c.value.file.as_ref());
        cs.opt_plain_str("registry", c.value.registry.as_ref());
        cs.extensions(&c.value.extensions, format);
        o.put("credential_spec", cs.done());
    }
    if !depends_on.is_empty() {
        let mut deps = Map::new();
        for (name, dep) in depends_on {
            let mut d = Obj::new();
            d.put(
                "condition",
                Json::String(dep.value.condition.value.as_str().to_owned()),
            );
            d.flag("restart", dep.value.restart.as_ref());
            d.put("required", Json::Bool(dep.value.required.value));
            d.extensions(&dep.value.extensions, format);
            deps.insert(name.clone(), d.done());
        }
        o.put("depends_on", Json::Object(deps));
    }
    if let Some(d) = deploy {
        o.put("deploy", render_deploy(&d.value, format));
    }
    o.list("device_cgroup_rules", device_cgroup_rules);
    if !devices.is_empty() {
        o.put(
            "devices",
            Json::Array(
                devices
                    .iter()
                    .map(|d| render_device(&d.value, format))
                    .collect(),
            ),
        );
    }
    o.list("dns", dns);
    o.list("dns_opt", dns_opt);
    o.list("dns_search", dns_search);
    o.opt_str("domainname", domainname.as_ref());
    match (entrypoint, format) {
        (Some(e), _) => o.put("entrypoint", words(&e.value)),
        (None, Format::Json) => o.put("entrypoint", Json::Null),
        (None, Format::Yaml) => {}
    }
    if !environment.is_empty() {
        o.put(
            "environment",
            optional_string_map(environment.iter().map(|(k, v)| (k, v.value.as_ref()))),
        );
    }
    o.list("expose", expose);
    o.list("external_links", external_links);
    if !extra_hosts.is_empty() {
        o.put(
            "extra_hosts",
            hosts(extra_hosts.iter().map(|h| (&h.value.host, &h.value.ip))),
        );
    }
    o.list("group_add", group_add);
    if !gpus.is_empty() {
        o.put(
            "gpus",
            Json::Array(
                gpus.iter()
                    .map(|g| render_device_request(&g.value))
                    .collect(),
            ),
        );
    }
    o.opt_str("hostname", hostname.as_ref());
    if let Some(h) = healthcheck {
        o.put("healthcheck", render_healthcheck(&h.value, format));
    }
    o.opt_str("image", image.as_ref());
    o.opt_bool("init", init.as_ref());
    o.opt_str("ipc", ipc.as_ref());
    o.opt_str("isolation", isolation.as_ref());
    o.string_map("labels", labels);
    o.list("links", links);
    if let Some(l) = logging {
        let mut lo = Obj::new();
        lo.opt_str("driver", l.value.driver.as_ref());
        lo.string_map("options", &l.value.options);
        lo.extensions(&l.value.extensions, format);
        o.put("logging", lo.done());
    }
    o.bytes("mem_limit", mem_limit.as_ref());
    o.bytes("mem_reservation", mem_reservation.as_ref());
    o.bytes("memswap_limit", memswap_limit.as_ref());
    // `mem_swappiness` is a byte-size type in compose-go, hence a string.
    if let Some(v) = mem_swappiness.as_ref().filter(|v| v.value != 0) {
        o.put("mem_swappiness", Json::String(v.value.to_string()));
    }
    o.opt_str("mac_address", mac_address.as_ref());
    if let Some(m) = models {
        o.put("models", value(&m.value));
    }
    o.opt_str("network_mode", network_mode.as_ref());
    if !networks.is_empty() {
        o.put(
            "networks",
            Json::Object(
                networks
                    .iter()
                    .map(|(k, n)| (k.clone(), render_service_network(&n.value, format)))
                    .collect(),
            ),
        );
    }
    o.flag("oom_kill_disable", oom_kill_disable.as_ref());
    o.nonzero("oom_score_adj", oom_score_adj.as_ref());
    o.opt_str("pid", pid.as_ref());
    o.nonzero("pids_limit", pids_limit.as_ref());
    o.opt_str("platform", platform.as_ref());
    if !ports.is_empty() {
        o.put(
            "ports",
            Json::Array(
                ports
                    .iter()
                    .map(|p| render_port(&p.value, format))
                    .collect(),
            ),
        );
    }
    o.flag("privileged", privileged.as_ref());
    if let Some(p) = provider {
        o.put("provider", value(&p.value));
    }
    if let Some(p) = pull_policy {
        // compose-go rewrites the legacy spelling.
        let v = if p.value == "if_not_present" {
            "missing"
        } else {
            p.value.as_str()
        };
        o.put("pull_policy", Json::String(v.to_owned()));
    }
    o.opt_str("pull_refresh_after", pull_refresh_after.as_ref());
    o.flag("read_only", read_only.as_ref());
    if let Some(r) = restart {
        o.put("restart", Json::String(restart_text(r.value)));
    }
    o.opt_str("runtime", runtime.as_ref());
    o.opt_int("scale", scale.as_ref());
    if !secrets.is_empty() {
        o.put(
            "secrets",
            Json::Array(
                secrets
                    .iter()
                    .map(|c| render_file_ref(&c.value, None, format))
                    .collect(),
            ),
        );
    }
    o.list("security_opt", security_opt);
    o.bytes("shm_size", shm_size.as_ref());
    o.flag("stdin_open", stdin_open.as_ref());
    o.opt_duration("stop_grace_period", stop_grace_period.as_ref());
    o.opt_str("stop_signal", stop_signal.as_ref());
    o.string_map("storage_opt", storage_opt);
    o.string_map("sysctls", sysctls);
    o.list("tmpfs", tmpfs);
    o.flag("tty", tty.as_ref());
    if !ulimits.is_empty() {
        o.put("ulimits", render_ulimits(ulimits, format));
    }
    o.flag("use_api_socket", use_api_socket.as_ref());
    o.opt_str("user", user.as_ref());
    o.opt_str("userns_mode", userns_mode.as_ref());
    o.opt_str("uts", uts.as_ref());
    if !volumes.is_empty() {
        o.put(
            "volumes",
            Json::Array(
                volumes
                    .iter()
                    .map(|v| render_service_volume(&v.value, format))
                    .collect(),
            ),
        );
    }
    o.list("volumes_from", volumes_from);
    o.opt_str("working_dir", working_dir.as_ref());
    for (key, hooks) in [("post_start", post_start), ("pre_stop", pre_stop)] {
        if !hooks.is_empty() {
            o.put(
                key,
                Json::Array(
                    hooks
                        .iter()
                        .map(|h| render_hook(&h.value, format))
                        .collect(),
                ),
            );
        }
    }
    o.extensions(extensions, format);
    o.done()
}

fn words(words: &[String]) -> Json {
    Json::Array(words.iter().map(|w| Json::String(w.clone())).collect())
}

/// `extra_hosts` is a map in compose-go: printed as `host=ip`, sorted by host.
fn hosts<'a, I>(entries: I) -> Json
where
    I: IntoIterator<Item = (&'a String, &'a String)>,
{
    let mut list: Vec<(&String, &String)> = entries.into_iter().collect();
    list.sort_by(|a, b| a.0.cmp(b.0));
    Json::Array(
        list.into_iter()
            .map(|(h, ip)| Json::String(format!("{h}={ip}")))
            .collect(),
    )
}

fn restart_text(r: RestartPolicy) -> String {
    match r {
        RestartPolicy::No => "no".to_owned(),
        RestartPolicy::Always => "always".to_owned(),
        RestartPolicy::OnFailure(None) => "on-failure".to_owned(),
        RestartPolicy::OnFailure(Some(n)) => format!("on-failure:{n}"),
        RestartPolicy::UnlessStopped => "unless-stopped".to_owned(),
    }
}

fn render_build(b: &Build, format: Format) -> Json {
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
    let mut o = Obj::new();
    o.put("context", Json::String(context.value.clone()));
    match (dockerfile, dockerfile_inline) {
        // `dockerfile: ""` is written, so no default, and empty, so omitted (Go's omitempty).
        (Some(d), _) => o.opt_str("dockerfile", Some(d)),
        // compose-go fills in the default file name unless the Dockerfile is inline.
        (None, None) => o.put("dockerfile", Json::String("Dockerfile".to_owned())),
        (None, Some(_)) => {}
    }
    o.opt_str("dockerfile_inline", dockerfile_inline.as_ref());
    o.list("entitlements", entitlements);
    // A bare `ARG` whose variable is unset is dropped, like docker-compose does.
    let args: Map<String, Json> = args
        .iter()
        .filter_map(|(k, v)| {
            v.value
                .as_ref()
                .map(|v| (k.clone(), Json::String(v.clone())))
        })
        .collect();
    if !args.is_empty() {
        o.put("args", Json::Object(args));
    }
    o.list("ssh", ssh);
    o.string_map("labels", labels);
    o.list("cache_from", cache_from);
    o.list("cache_to", cache_to);
    o.flag("no_cache", no_cache.as_ref());
    o.string_map("additional_contexts", additional_contexts);
    o.flag("pull", pull.as_ref());
    if !extra_hosts.is_empty() {
        o.put(
            "extra_hosts",
            hosts(extra_hosts.iter().map(|h| (&h.value.host, &h.value.ip))),
        );
    }
    o.opt_str("isolation", isolation.as_ref());
    o.opt_str("network", network.as_ref());
    o.opt_str("provenance", provenance.as_ref());
    o.opt_str("sbom", sbom.as_ref());
    o.opt_str("target", target.as_ref());
    if !secrets.is_empty() {
        o.put(
            "secrets",
            Json::Array(
                secrets
                    .iter()
                    .map(|c| render_file_ref(&c.value, None, format))
                    .collect(),
            ),
        );
    }
    o.bytes("shm_size", shm_size.as_ref());
    o.list("tags", tags);
    if !ulimits.is_empty() {
        o.put("ulimits", render_ulimits(ulimits, format));
    }
    o.list("platforms", platforms);
    o.flag("privileged", privileged.as_ref());
    o.extensions(extensions, format);
    o.done()
}

/// `develop` is kept as written by the loader; docker-compose makes each `watch[].path`
/// absolute and (JSON only) prints an empty `exec`.
fn render_develop(d: &Value, working_dir: &Path, format: Format) -> Json {
    let mut out = value(d);
    // `x-*` keys of `develop` and of its watch rules: kept in YAML, dropped in JSON (like
    // those of every other object below the top level).
    let drop_extensions = |v: &mut Json| {
        if let Json::Object(m) = v {
            if format == Format::Json {
                m.retain(|k, _| !k.starts_with("x-"));
            }
        }
    };
    drop_extensions(&mut out);
    if let Some(Json::Array(watch)) = out.get_mut("watch") {
        for item in watch.iter_mut() {
            drop_extensions(item);
            let Json::Object(entry) = item else { continue };
            if let Some(Json::String(p)) = entry.get_mut("path") {
                if !Path::new(p.as_str()).is_absolute() {
                    let joined = working_dir.join(p.as_str());
                    *p = clean_path(&joined);
                }
            }
            if format == Format::Json && !entry.contains_key("exec") {
                let mut exec = Map::new();
                exec.insert("command".to_owned(), Json::Null);
                // keep compose-go's order: path, action, target, exec, ignore...
                let mut rebuilt = Map::new();
                let mut placed = false;
                for (k, v) in std::mem::take(entry) {
                    let after_exec = !matches!(k.as_str(), "path" | "action" | "target");
                    if after_exec && !placed {
                        rebuilt.insert("exec".to_owned(), Json::Object(exec.clone()));
                        placed = true;
                    }
                    rebuilt.insert(k, v);
                }
                if !placed {
                    rebuilt.insert("exec".to_owned(), Json::Object(exec));
                }
                *entry = rebuilt;
            }
        }
    }
    out
}

/// Lexical normalization of an absolute path (`a/./b/../c` is `a/c`), like Go's
/// `filepath.Clean`.
fn clean_path(p: &Path) -> String {
    let text = p.to_string_lossy();
    let mut parts: Vec<&str> = Vec::new();
    for c in text.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn render_blkio(b: &BlkioConfig, format: Format) -> Json {
    let BlkioConfig {
        weight,
        weight_device,
        device_read_bps,
        device_read_iops,
        device_write_bps,
        device_write_iops,
        extensions,
    } = b;
    // The JSON encoder uses the Go field names of these two structs.
    let (path, weight_key, rate) = match format {
        Format::Json => ("Path", "Weight", "Rate"),
        Format::Yaml => ("path", "weight", "rate"),
    };
    let mut o = Obj::new();
    if let Some(w) = weight.as_ref().filter(|w| w.value != 0) {
        o.put("weight", Json::from(w.value));
    }
    if !weight_device.is_empty() {
        o.put(
            "weight_device",
            Json::Array(
                weight_device
                    .iter()
                    .map(|d| {
                        let mut e = Obj::new();
                        e.put(path, Json::String(d.value.path.clone()));
                        e.put(weight_key, Json::from(d.value.weight));
                        e.done()
                    })
                    .collect(),
            ),
        );
    }
    for (key, list) in [
        ("device_read_bps", device_read_bps),
        ("device_read_iops", device_read_iops),
        ("device_write_bps", device_write_bps),
        ("device_write_iops", device_write_iops),
    ] {
        if !list.is_empty() {
            o.put(
                key,
                Json::Array(
                    list.iter()
                        .map(|d| {
                            let mut e = Obj::new();
                            e.put(path, Json::String(d.value.path.clone()));
                            e.put(rate, Json::String(d.value.rate.to_string()));
                            e.done()
                        })
                        .collect(),
                ),
            );
        }
    }
    o.extensions(extensions, format);
    o.done()
}

/// A service's (or build's) secret/config reference. `default_dir` is `Some("/")` for
/// configs: docker-compose leaves their default target out of its output, while the IR
/// has it filled in.
fn render_file_ref(f: &FileRef, default_dir: Option<&str>, format: Format) -> Json {
    let FileRef {
        source,
        target,
        uid,
        gid,
        mode,
        extensions,
    } = f;
    let mut o = Obj::new();
    o.put("source", Json::String(source.clone()));
    if let Some(t) = target {
        let is_default = default_dir.is_some_and(|d| *t == format!("{d}{source}"));
        if !is_default {
            o.opt_plain_str("target", Some(t));
        }
    }
    o.opt_plain_str("uid", uid.as_ref());
    o.opt_plain_str("gid", gid.as_ref());
    if let Some(m) = mode {
        o.put("mode", Json::from(*m));
    }
    o.extensions(extensions, format);
    o.done()
}

fn render_deploy(d: &Deploy, format: Format) -> Json {
    let Deploy {
        mode,
        endpoint_mode,
        replicas,
        labels,
        rollback_config,
        update_config,
        resources,
        restart_policy,
        placement,
        extensions,
    } = d;
    let mut o = Obj::new();
    o.opt_str("mode", mode.as_ref());
    o.opt_int("replicas", replicas.as_ref());
    o.string_map("labels", labels);
    if let Some(u) = update_config {
        o.put("update_config", render_update_config(&u.value, format));
    }
    if let Some(u) = rollback_config {
        o.put("rollback_config", render_update_config(&u.value, format));
    }
    // `resources` and `placement` are plain structs in compose-go: the JSON encoder always
    // prints them, the YAML encoder only when not empty.
    let mut res = Obj::new();
    if let Some(r) = resources {
        if let Some(l) = &r.value.limits {
            let mut lo = Obj::new();
            lo.nonzero_float("cpus", l.value.cpus.as_ref());
            lo.bytes("memory", l.value.memory.as_ref());
            lo.nonzero("pids", l.value.pids.as_ref());
            lo.extensions(&l.value.extensions, format);
            res.put("limits", lo.done());
        }
        if let Some(rv) = &r.value.reservations {
            let mut ro = Obj::new();
            ro.nonzero_float("cpus", rv.value.cpus.as_ref());
            ro.bytes("memory", rv.value.memory.as_ref());
            if !rv.value.devices.is_empty() {
                ro.put(
                    "devices",
                    Json::Array(
                        rv.value
                            .devices
                            .iter()
                            .map(|d| render_device_request(&d.value))
                            .collect(),
                    ),
                );
            }
            if !rv.value.generic_resources.is_empty() {
                ro.put(
                    "generic_resources",
                    Json::Array(
                        rv.value
                            .generic_resources
                            .iter()
                            .map(|g| render_generic_resource(&g.value, format))
                            .collect(),
                    ),
                );
            }
            ro.extensions(&rv.value.extensions, format);
            res.put("reservations", ro.done());
        }
        res.extensions(&r.value.extensions, format);
    }
    if format == Format::Json || !res.is_empty() {
        o.put("resources", res.done());
    }
    if let Some(r) = restart_policy {
        o.put("restart_policy", render_restart_policy(&r.value, format));
    }
    let mut pl = Obj::new();
    if let Some(p) = placement {
        pl.list("constraints", &p.value.constraints);
        if !p.value.preferences.is_empty() {
            pl.put(
                "preferences",
                Json::Array(
                    p.value
                        .preferences
                        .iter()
                        .map(|s| {
                            let PlacementPreference { spread, extensions } = &s.value;
                            let mut e = Obj::new();
                            e.opt_plain_str("spread", spread.as_ref());
                            e.extensions(extensions, format);
                            e.done()
                        })
                        .collect(),
                ),
            );
        }
        pl.nonzero(
            "max_replicas_per_node",
            p.value.max_replicas_per_node.as_ref(),
        );
        pl.extensions(&p.value.extensions, format);
    }
    if format == Format::Json || !pl.is_empty() {
        o.put("placement", pl.done());
    }
    o.opt_str("endpoint_mode", endpoint_mode.as_ref());
    o.extensions(extensions, format);
    o.done()
}

fn render_generic_resource(g: &GenericResource, format: Format) -> Json {
    let GenericResource {
        discrete_resource_spec,
        extensions,
    } = g;
    let mut e = Obj::new();
    if let Some(DiscreteResourceSpec {
        kind,
        value,
        extensions,
    }) = discrete_resource_spec
    {
        let mut spec = Obj::new();
        spec.put("kind", Json::String(kind.clone()));
        spec.put("value", Json::from(*value));
        spec.extensions(extensions, format);
        e.put("discrete_resource_spec", spec.done());
    }
    e.extensions(extensions, format);
    e.done()
}

fn render_update_config(u: &UpdateConfig, format: Format) -> Json {
    let mut o = Obj::new();
    o.opt_int("parallelism", u.parallelism.as_ref());
    o.duration("delay", u.delay.as_ref());
    o.opt_str("failure_action", u.failure_action.as_ref());
    o.duration("monitor", u.monitor.as_ref());
    o.nonzero_float("max_failure_ratio", u.max_failure_ratio.as_ref());
    o.opt_str("order", u.order.as_ref());
    o.extensions(&u.extensions, format);
    o.done()
}

fn render_restart_policy(r: &DeployRestartPolicy, format: Format) -> Json {
    let mut o = Obj::new();
    o.opt_str("condition", r.condition.as_ref());
    o.opt_duration("delay", r.delay.as_ref());
    o.opt_int("max_attempts", r.max_attempts.as_ref());
    o.opt_duration("window", r.window.as_ref());
    o.extensions(&r.extensions, format);
    o.done()
}

fn render_device(d: &Device, format: Format) -> Json {
    let mut o = Obj::new();
    if !d.source.is_empty() {
        o.put("source", Json::String(d.source.clone()));
    }
    if !d.target.is_empty() {
        o.put("target", Json::String(d.target.clone()));
    }
    o.opt_plain_str("permissions", d.permissions.as_ref());
    o.extensions(&d.extensions, format);
    o.done()
}

/// docker-compose 2.26.1 reads a device request's `x-*` keys but prints none of them (its
/// device request type has no extensions), and gives a request with neither `count` nor
/// `device_ids` the count `-1` (all devices); a written `count: 0` is left out.
fn render_device_request(d: &DeviceRequest) -> Json {
    let DeviceRequest {
        capabilities,
        driver,
        count,
        device_ids,
        options,
        extensions: _,
    } = d;
    let mut o = Obj::new();
    if !capabilities.is_empty() {
        o.put("capabilities", words(capabilities));
    }
    o.opt_plain_str("driver", driver.as_ref());
    let count = match count {
        None if device_ids.is_empty() => Some(-1),
        c => *c,
    };
    if let Some(c) = count.filter(|c| *c != 0) {
        o.put("count", Json::from(c));
    }
    if !device_ids.is_empty() {
        o.put("device_ids", words(device_ids));
    }
    if !options.is_empty() {
        o.put(
            "options",
            Json::Object(
                options
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                    .collect(),
            ),
        );
    }
    o.done()
}

fn render_healthcheck(h: &Healthcheck, format: Format) -> Json {
    let Healthcheck {
        test,
        interval,
        timeout,
        retries,
        start_period,
        start_interval,
        disable,
        extensions,
    } = h;
    let mut o = Obj::new();
    if let Some(t) = test {
        let list = match &t.value {
            HealthTest::None => vec!["NONE".to_owned()],
            HealthTest::Cmd(args) => {
                let mut v = vec!["CMD".to_owned()];
                v.extend(args.iter().cloned());
                v
            }
            HealthTest::CmdShell(cmd) => vec!["CMD-SHELL".to_owned(), cmd.clone()],
        };
        o.put("test", words(&list));
    }
    o.opt_duration("timeout", timeout.as_ref());
    o.opt_duration("interval", interval.as_ref());
    o.opt_int("retries", retries.as_ref());
    o.opt_duration("start_period", start_period.as_ref());
    o.opt_duration("start_interval", start_interval.as_ref());
    // `test: ["NONE"]` is printed as written; the IR also marks it disabled.
    let none_test = matches!(test.as_ref().map(|t| &t.value), Some(HealthTest::None));
    if !none_test {
        o.flag("disable", disable.as_ref());
    }
    o.extensions(extensions, format);
    o.done()
}

fn render_hook(h: &LifecycleHook, format: Format) -> Json {
    let LifecycleHook {
        command,
        user,
        privileged,
        working_dir,
        environment,
        extensions,
    } = h;
    let mut o = Obj::new();
    if !command.is_empty() {
        o.put("command", words(command));
    }
    o.opt_plain_str("user", user.as_ref());
    if privileged == &Some(true) {
        o.put("privileged", Json::Bool(true));
    }
    o.opt_plain_str("working_dir", working_dir.as_ref());
    if !environment.is_empty() {
        o.put(
            "environment",
            optional_string_map(environment.iter().map(|(k, v)| (k, v.as_ref()))),
        );
    }
    o.extensions(extensions, format);
    o.done()
}

fn render_service_network(n: &ServiceNetwork, format: Format) -> Json {
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
        mapping,
    } = n;
    let mut o = Obj::new();
    o.nonzero("priority", priority.as_ref());
    o.nonzero("gw_priority", gw_priority.as_ref());
    o.list("aliases", aliases);
    o.opt_str("interface_name", interface_name.as_ref());
    o.opt_str("ipv4_address", ipv4_address.as_ref());
    o.opt_str("ipv6_address", ipv6_address.as_ref());
    o.list("link_local_ips", link_local_ips);
    o.opt_str("mac_address", mac_address.as_ref());
    o.string_map("driver_opts", driver_opts);
    o.extensions(extensions, format);
    // A network attached without options is a nil pointer in compose-go (`null`), unless it
    // was written as a mapping: `{}`, or keys that print as nothing (`x-` keys in JSON, empty
    // strings), give an empty object.
    if o.is_empty() && !mapping {
        Json::Null
    } else {
        o.done()
    }
}

fn render_port(p: &Port, format: Format) -> Json {
    let Port {
        name,
        mode,
        host_ip,
        target,
        published,
        protocol,
        protocol_text,
        app_protocol,
        extensions,
    } = p;
    let mut o = Obj::new();
    o.opt_plain_str("name", name.as_ref());
    // The default applies only to an unwritten mode; a written empty one is omitted.
    match mode {
        None => o.put("mode", Json::String("ingress".to_owned())),
        Some(_) => o.opt_plain_str("mode", mode.as_ref()),
    }
    o.opt_plain_str("host_ip", host_ip.as_ref());
    if *target != 0 {
        o.put("target", Json::from(*target));
    }
    o.opt_plain_str("published", published.as_ref());
    // An empty `protocol:` (kept in `protocol_text`) is printed as no protocol.
    if protocol_text.as_deref() != Some("") {
        o.put(
            "protocol",
            Json::String(
                protocol_text
                    .clone()
                    .unwrap_or_else(|| protocol.as_str().to_owned()),
            ),
        );
    }
    o.opt_plain_str("app_protocol", app_protocol.as_ref());
    o.extensions(extensions, format);
    o.done()
}

fn render_ulimits(ulimits: &BTreeMap<String, Spanned<Ulimit>>, format: Format) -> Json {
    Json::Object(
        ulimits
            .iter()
            .map(|(k, u)| {
                let Ulimit { soft, hard, single } = u.value;
                // compose-go keeps a written single number (0 reads as "not single": it
                // prints as the pair).
                let v = if single && soft != 0 {
                    Json::from(soft)
                } else {
                    let mut o = Obj::new();
                    if format == Format::Yaml || soft != 0 {
                        o.put("soft", Json::from(soft));
                    }
                    if format == Format::Yaml || hard != 0 {
                        o.put("hard", Json::from(hard));
                    }
                    o.done()
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

fn render_service_volume(v: &ServiceVolume, format: Format) -> Json {
    let ServiceVolume {
        kind,
        source,
        target,
        read_only,
        consistency,
        bind,
        volume,
        tmpfs,
        image,
        extensions,
    } = v;
    let mut o = Obj::new();
    o.put("type", Json::String(kind.as_str().to_owned()));
    o.opt_plain_str("source", source.as_ref());
    if !target.is_empty() {
        o.put("target", Json::String(target.clone()));
    }
    if read_only == &Some(true) {
        o.put("read_only", Json::Bool(true));
    }
    o.opt_plain_str("consistency", consistency.as_ref());
    if let Some(b) = bind {
        let mut bo = Obj::new();
        bo.opt_plain_str("selinux", b.selinux.as_ref());
        bo.opt_plain_str("propagation", b.propagation.as_ref());
        // `create_host_path: false` is omitted by docker-compose.
        if b.create_host_path == Some(true) {
            bo.put("create_host_path", Json::Bool(true));
        }
        bo.opt_plain_str("recursive", b.recursive.as_ref());
        bo.extensions(&b.extensions, format);
        o.put("bind", bo.done());
    }
    if let Some(vo) = volume {
        let mut vv = Obj::new();
        if !vo.labels.is_empty() {
            vv.put(
                "labels",
                Json::Object(
                    vo.labels
                        .iter()
                        .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                        .collect(),
                ),
            );
        }
        if vo.nocopy == Some(true) {
            vv.put("nocopy", Json::Bool(true));
        }
        vv.opt_plain_str("subpath", vo.subpath.as_ref());
        vv.extensions(&vo.extensions, format);
        o.put("volume", vv.done());
    }
    if let Some(t) = tmpfs {
        let mut to = Obj::new();
        if let Some(size) = t.size.filter(|s| s.0 != 0) {
            to.put("size", bytes(size));
        }
        if let Some(mode) = t.mode.filter(|m| *m != 0) {
            to.put("mode", Json::from(mode));
        }
        to.extensions(&t.extensions, format);
        o.put("tmpfs", to.done());
    }
    if let Some(i) = image {
        let mut io = Obj::new();
        io.opt_plain_str("subpath", i.subpath.as_ref());
        o.put("image", io.done());
    }
    o.extensions(extensions, format);
    o.done()
}

fn render_network(n: &Network, format: Format) -> Json {
    let Network {
        span: _,
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
        implicit: _,
        extensions,
    } = n;
    let mut o = Obj::new();
    o.opt_plain_str("name", Some(&name.value));
    o.opt_str("driver", driver.as_ref());
    o.string_map("driver_opts", driver_opts);
    let mut io = Obj::new();
    if let Some(i) = ipam {
        io.opt_str("driver", i.value.driver.as_ref());
        if !i.value.config.is_empty() {
            io.put(
                "config",
                Json::Array(
                    i.value
                        .config
                        .iter()
                        .map(|p| {
                            let mut po = Obj::new();
                            po.opt_str("subnet", p.value.subnet.as_ref());
                            po.opt_str("gateway", p.value.gateway.as_ref());
                            po.opt_str("ip_range", p.value.ip_range.as_ref());
                            po.string_map("aux_addresses", &p.value.aux_addresses);
                            // docker-compose 2.26.1 reads a pool's `x-*` keys but prints
                            // none of them (its pool type has no extensions).
                            po.done()
                        })
                        .collect(),
                ),
            );
        }
        // docker-compose 2.26.1 reads `ipam.options` but does not print it.
        io.extensions(&i.value.extensions, format);
    }
    // `ipam` is a plain struct: always in JSON, only when set in YAML.
    if format == Format::Json || !io.is_empty() {
        o.put("ipam", io.done());
    }
    o.flag("external", external.as_ref());
    o.flag("internal", internal.as_ref());
    o.flag("attachable", attachable.as_ref());
    o.string_map("labels", labels);
    o.opt_bool("enable_ipv4", enable_ipv4.as_ref());
    o.opt_bool("enable_ipv6", enable_ipv6.as_ref());
    o.extensions(extensions, format);
    o.done()
}

fn render_volume(v: &Volume, format: Format) -> Json {
    let Volume {
        span: _,
        name,
        driver,
        driver_opts,
        external,
        labels,
        extensions,
    } = v;
    let mut o = Obj::new();
    o.opt_plain_str("name", Some(&name.value));
    o.opt_str("driver", driver.as_ref());
    o.string_map("driver_opts", driver_opts);
    o.flag("external", external.as_ref());
    o.string_map("labels", labels);
    o.extensions(extensions, format);
    o.done()
}

fn render_secret(s: &Secret, format: Format) -> Json {
    let Secret {
        span: _,
        name,
        file,
        environment,
        // never printed
        environment_value: _,
        external,
        labels,
        driver,
        driver_opts,
        template_driver,
        extensions,
    } = s;
    let mut o = Obj::new();
    o.opt_plain_str("name", Some(&name.value));
    if let Some(f) = file {
        o.put("file", Json::String(f.value.to_string_lossy().into_owned()));
    }
    o.opt_str("environment", environment.as_ref());
    o.flag("external", external.as_ref());
    o.string_map("labels", labels);
    o.opt_str("driver", driver.as_ref());
    o.string_map("driver_opts", driver_opts);
    o.opt_str("template_driver", template_driver.as_ref());
    o.extensions(extensions, format);
    o.done()
}

fn render_config(c: &Config, format: Format) -> Json {
    let Config {
        span: _,
        name,
        file,
        environment,
        environment_value: _,
        content,
        external,
        labels,
        template_driver,
        extensions,
    } = c;
    let mut o = Obj::new();
    o.opt_plain_str("name", Some(&name.value));
    if let Some(f) = file {
        o.put("file", Json::String(f.value.to_string_lossy().into_owned()));
    }
    o.opt_str("environment", environment.as_ref());
    // Content read from the environment is not printed, only the variable's name.
    if environment.is_none() {
        o.opt_str("content", content.as_ref());
    }
    o.flag("external", external.as_ref());
    o.string_map("labels", labels);
    o.opt_str("template_driver", template_driver.as_ref());
    o.extensions(extensions, format);
    o.done()
}

#[cfg(test)]
mod tests;
