//! The tiny Compose projects behind `docs/targets/podman.md`: one per Compose key (and per
//! interesting variant of a key).
//!
//! Each sample is written in a small line format, assembled into a whole Compose file by
//! [`Sample::compose`]:
//! - a plain line belongs under `services.app` (after `image:`; write it unindented);
//! - a line starting with `%` belongs under `services` (other services, indent it yourself:
//!   `%  db:` / `%    image: x`);
//! - a line starting with `@` is top level (`@networks:`, `@  backend:`);
//! - a line additionally prefixed with `+` is the key the sample is about: the *baseline*
//!   project (what the output is compared with) is the same file without the `+` lines.

/// One documented Compose key (or variant).
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// The ledger key path this sample is about; entries at or below it are shown.
    pub path: &'static str,
    /// Heading of the sample (`ports`, `ports (host IP, UDP)`).
    pub title: &'static str,
    /// The sample in the line format of the module doc.
    pub lines: &'static str,
    /// Files next to `compose.yaml` (`(name, content)`).
    pub files: &'static [(&'static str, &'static str)],
    /// The environment the project is loaded with (nothing else is visible).
    pub env: &'static [(&'static str, &'static str)],
    /// Profiles enabled while loading.
    pub profiles: &'static [&'static str],
}

/// The image of the `app` service in every sample.
pub const IMAGE: &str = "docker.io/library/nginx:1.27";

impl Sample {
    const fn new(path: &'static str, title: &'static str, lines: &'static str) -> Self {
        Self {
            path,
            title,
            lines,
            files: &[],
            env: &[],
            profiles: &[],
        }
    }

    const fn files(mut self, files: &'static [(&'static str, &'static str)]) -> Self {
        self.files = files;
        self
    }

    const fn env(mut self, env: &'static [(&'static str, &'static str)]) -> Self {
        self.env = env;
        self
    }

    const fn profiles(mut self, profiles: &'static [&'static str]) -> Self {
        self.profiles = profiles;
        self
    }

    /// The Compose file: with the sample's key (`with_key`) or without it (the baseline).
    pub fn compose(&self, with_key: bool) -> String {
        let mut app = String::new();
        let mut others = String::new();
        let mut top = String::new();
        for raw in self.lines.lines() {
            if raw.trim().is_empty() {
                continue;
            }
            let (is_key, line) = match raw.strip_prefix('+') {
                Some(l) => (true, l),
                None => (false, raw),
            };
            if is_key && !with_key {
                continue;
            }
            if let Some(l) = line.strip_prefix('@') {
                top.push_str(l);
                top.push('\n');
            } else if let Some(l) = line.strip_prefix('%') {
                others.push_str(l);
                others.push('\n');
            } else {
                app.push_str("    ");
                app.push_str(line);
                app.push('\n');
            }
        }
        format!("name: demo\nservices:\n  app:\n    image: {IMAGE}\n{app}{others}{top}")
    }

    /// What the docs show: the key's own lines (dedented) for a service key; the whole
    /// top-level block for a top-level key.
    pub fn snippet(&self) -> String {
        let key_lines: Vec<&str> = self
            .lines
            .lines()
            .filter_map(|l| l.strip_prefix('+'))
            .collect();
        let top_level = key_lines.iter().any(|l| l.starts_with('@'));
        let lines: Vec<&str> = if top_level {
            self.lines
                .lines()
                .map(|l| l.strip_prefix('+').unwrap_or(l))
                .filter_map(|l| l.strip_prefix('@'))
                .collect()
        } else {
            key_lines
                .iter()
                .map(|l| l.strip_prefix('%').unwrap_or(l))
                .collect()
        };
        let indent = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let mut s = String::new();
        for l in lines {
            s.push_str(l.get(indent..).unwrap_or(l.trim_start()));
            s.push('\n');
        }
        s
    }
}

/// Every sample, in the order of the document: service keys (alphabetical, as in the
/// Compose specification), then networks, volumes, secrets, configs and the project.
pub fn samples() -> Vec<Sample> {
    let s = Sample::new;
    vec![
        s(
            "services.app.annotations",
            "annotations",
            "+annotations:\n+  com.example.note: hello",
        ),
        s("services.app.attach", "attach", "+attach: false"),
        s(
            "services.app.blkio_config",
            "blkio_config",
            "+blkio_config:\n+  weight: 300\n+  device_read_bps:\n+    - path: /dev/sda\n+      rate: 1048576",
        ),
        s(
            "services.app.build",
            "build",
            "+build:\n+  context: .\n+  dockerfile: Containerfile\n+  args:\n+    VERSION: \"1.2\"",
        )
        .files(&[("Containerfile", "FROM docker.io/library/nginx:1.27\n")]),
        s("services.app.cap_add", "cap_add", "+cap_add: [NET_ADMIN]"),
        s("services.app.cap_drop", "cap_drop", "+cap_drop: [MKNOD]"),
        s("services.app.cgroup", "cgroup", "+cgroup: private"),
        s(
            "services.app.cgroup_parent",
            "cgroup_parent",
            "+cgroup_parent: /custom.slice",
        ),
        s(
            "services.app.command",
            "command",
            "+command: [\"nginx\", \"-g\", \"daemon off;\"]",
        ),
        s(
            "services.app.command",
            "command (an empty argument)",
            "+command: [\"nginx\", \"-g\", \"\"]",
        ),
        s(
            "services.app.configs",
            "configs (file)",
            "+configs:\n+  - source: app_conf\n+    target: /etc/app.conf\n@configs:\n@  app_conf:\n@    file: ./app.conf",
        )
        .files(&[("app.conf", "debug = true\n")]),
        s(
            "services.app.container_name",
            "container_name",
            "+container_name: web",
        ),
        s("services.app.cpu_count", "cpu_count", "+cpu_count: 2"),
        s("services.app.cpu_percent", "cpu_percent", "+cpu_percent: 50"),
        s("services.app.cpu_period", "cpu_period", "+cpu_period: 100000"),
        s("services.app.cpu_quota", "cpu_quota", "+cpu_quota: 50000"),
        s(
            "services.app.cpu_rt_period",
            "cpu_rt_period",
            "+cpu_rt_period: 1000000",
        ),
        s(
            "services.app.cpu_rt_runtime",
            "cpu_rt_runtime",
            "+cpu_rt_runtime: 950000",
        ),
        s("services.app.cpu_shares", "cpu_shares", "+cpu_shares: 512"),
        s("services.app.cpus", "cpus", "+cpus: 1.5"),
        s("services.app.cpuset", "cpuset", "+cpuset: \"0-1\""),
        s(
            "services.app.credential_spec",
            "credential_spec",
            "+credential_spec:\n+  file: spec.json",
        ),
        s(
            "services.app.depends_on",
            "depends_on (service_started)",
            "+depends_on: [db]\n%  db:\n%    image: docker.io/library/postgres:16",
        ),
        s(
            "services.app.depends_on",
            "depends_on (service_healthy)",
            "+depends_on:\n+  db:\n+    condition: service_healthy\n%  db:\n%    image: docker.io/library/postgres:16\n%    healthcheck:\n%      test: [\"CMD\", \"pg_isready\"]",
        ),
        s(
            "services.app.depends_on",
            "depends_on (service_completed_successfully)",
            "+depends_on:\n+  db:\n+    condition: service_completed_successfully\n%  db:\n%    image: docker.io/library/postgres:16",
        ),
        s(
            "services.app.depends_on",
            "depends_on (required: false, restart: true)",
            "+depends_on:\n+  db:\n+    condition: service_started\n+    required: false\n+    restart: true\n%  db:\n%    image: docker.io/library/postgres:16",
        ),
        s(
            "services.app.deploy.mode",
            "deploy.mode",
            "+deploy:\n+  mode: replicated",
        ),
        s(
            "services.app.deploy.replicas",
            "deploy.replicas",
            "+deploy:\n+  replicas: 2",
        ),
        s(
            "services.app.deploy.resources.limits.memory",
            "deploy.resources.limits.memory",
            "+deploy:\n+  resources:\n+    limits:\n+      memory: 256M",
        ),
        s(
            "services.app.deploy.resources.limits.cpus",
            "deploy.resources.limits.cpus",
            "+deploy:\n+  resources:\n+    limits:\n+      cpus: \"0.5\"",
        ),
        s(
            "services.app.deploy.resources.limits.pids",
            "deploy.resources.limits.pids",
            "+deploy:\n+  resources:\n+    limits:\n+      pids: 100",
        ),
        s(
            "services.app.deploy.resources.reservations.memory",
            "deploy.resources.reservations.memory",
            "+deploy:\n+  resources:\n+    reservations:\n+      memory: 128M",
        ),
        s(
            "services.app.deploy.resources.reservations.cpus",
            "deploy.resources.reservations.cpus",
            "+deploy:\n+  resources:\n+    reservations:\n+      cpus: \"0.25\"",
        ),
        s(
            "services.app.deploy.resources.reservations.devices",
            "deploy.resources.reservations.devices",
            "+deploy:\n+  resources:\n+    reservations:\n+      devices:\n+        - driver: nvidia\n+          count: 1\n+          capabilities: [gpu]",
        ),
        s(
            "services.app.deploy.restart_policy",
            "deploy.restart_policy",
            "+deploy:\n+  restart_policy:\n+    condition: on-failure\n+    delay: 5s\n+    max_attempts: 3\n+    window: 2m",
        ),
        s(
            "services.app.deploy.labels",
            "deploy.labels",
            "+deploy:\n+  labels:\n+    com.example.tier: front",
        ),
        s(
            "services.app.deploy.placement",
            "deploy.placement",
            "+deploy:\n+  placement:\n+    constraints: [\"node.role == manager\"]",
        ),
        s(
            "services.app.deploy.update_config",
            "deploy.update_config",
            "+deploy:\n+  update_config:\n+    parallelism: 2",
        ),
        s(
            "services.app.develop",
            "develop",
            "+develop:\n+  watch:\n+    - action: sync\n+      path: ./src\n+      target: /src",
        ),
        s(
            "services.app.device_cgroup_rules",
            "device_cgroup_rules",
            "+device_cgroup_rules: [\"c 1:3 mr\"]",
        ),
        s(
            "services.app.devices",
            "devices",
            "+devices: [\"/dev/fuse:/dev/fuse:rwm\"]",
        ),
        s("services.app.dns", "dns", "+dns: [1.1.1.1]"),
        s("services.app.dns_opt", "dns_opt", "+dns_opt: [use-vc]"),
        s(
            "services.app.dns_search",
            "dns_search",
            "+dns_search: [example.com]",
        ),
        s(
            "services.app.domainname",
            "domainname",
            "+domainname: example.com",
        ),
        s(
            "services.app.entrypoint",
            "entrypoint",
            "+entrypoint: [\"/docker-entrypoint.sh\", \"nginx\"]",
        ),
        s("services.app.env_file", "env_file", "+env_file: ./app.env")
            .files(&[("app.env", "FROM_FILE=1\n")]),
        s(
            "services.app.environment",
            "environment",
            "+environment:\n+  LOG_LEVEL: debug",
        ),
        s(
            "services.app.environment",
            "environment (a bare KEY, unset when converting)",
            "+environment:\n+  - FROM_HOST",
        ),
        s("services.app.expose", "expose", "+expose: [\"9000\"]"),
        s(
            "services.app.extends",
            "extends",
            "+extends:\n+  service: base\n%  base:\n%    image: docker.io/library/nginx:1.27\n%    environment:\n%      FROM_BASE: \"1\"",
        ),
        s(
            "services.app.external_links",
            "external_links",
            "+external_links: [\"redis:cache\"]",
        ),
        s(
            "services.app.extra_hosts",
            "extra_hosts",
            "+extra_hosts: [\"somehost:162.242.195.82\"]",
        ),
        s(
            "services.app.extra_hosts",
            "extra_hosts (host-gateway)",
            "+extra_hosts: [\"host.docker.internal:host-gateway\"]",
        ),
        s(
            "services.app.gpus",
            "gpus",
            "+gpus:\n+  - driver: nvidia\n+    count: 1\n+    capabilities: [gpu]",
        ),
        s("services.app.group_add", "group_add", "+group_add: [mail]"),
        s(
            "services.app.healthcheck.test",
            "healthcheck.test (CMD)",
            "+healthcheck:\n+  test: [\"CMD\", \"curl\", \"-f\", \"http://localhost/\"]",
        ),
        s(
            "services.app.healthcheck.test",
            "healthcheck.test (CMD-SHELL)",
            "+healthcheck:\n+  test: curl -f http://localhost/ || exit 1",
        ),
        s(
            "services.app.healthcheck.interval",
            "healthcheck.interval",
            "healthcheck:\n  test: [\"CMD\", \"true\"]\n+  interval: 30s",
        ),
        s(
            "services.app.healthcheck.timeout",
            "healthcheck.timeout",
            "healthcheck:\n  test: [\"CMD\", \"true\"]\n+  timeout: 5s",
        ),
        s(
            "services.app.healthcheck.retries",
            "healthcheck.retries",
            "healthcheck:\n  test: [\"CMD\", \"true\"]\n+  retries: 5",
        ),
        s(
            "services.app.healthcheck.start_period",
            "healthcheck.start_period",
            "healthcheck:\n  test: [\"CMD\", \"true\"]\n+  start_period: 1m",
        ),
        s(
            "services.app.healthcheck.start_interval",
            "healthcheck.start_interval",
            "healthcheck:\n  test: [\"CMD\", \"true\"]\n+  start_interval: 2s",
        ),
        s(
            "services.app.healthcheck.disable",
            "healthcheck.disable",
            "+healthcheck:\n+  disable: true",
        ),
        s("services.app.hostname", "hostname", "+hostname: web1"),
        s("services.app.image", "image", ""),
        s("services.app.init", "init", "+init: true"),
        s("services.app.ipc", "ipc", "+ipc: host"),
        s("services.app.isolation", "isolation", "+isolation: default"),
        s(
            "services.app.label_file",
            "label_file",
            "+label_file: ./app.labels",
        )
        .files(&[("app.labels", "com.example.from-file=1\n")]),
        s(
            "services.app.labels",
            "labels",
            "+labels:\n+  com.example.team: web",
        ),
        s("services.app.links", "links", "+links: [db]\n%  db:\n%    image: docker.io/library/postgres:16"),
        s(
            "services.app.logging.driver",
            "logging.driver",
            "+logging:\n+  driver: journald",
        ),
        s(
            "services.app.logging.options",
            "logging.options",
            "logging:\n  driver: json-file\n+  options:\n+    max-size: 10m",
        ),
        s(
            "services.app.mac_address",
            "mac_address",
            "+mac_address: \"02:42:ac:11:00:02\"",
        ),
        s("services.app.mem_limit", "mem_limit", "+mem_limit: 512m"),
        s(
            "services.app.mem_reservation",
            "mem_reservation",
            "+mem_reservation: 256m",
        ),
        s(
            "services.app.mem_swappiness",
            "mem_swappiness",
            "+mem_swappiness: 10",
        ),
        s(
            "services.app.memswap_limit",
            "memswap_limit",
            "mem_limit: 512m\n+memswap_limit: 1g",
        ),
        s(
            "services.app.models",
            "models",
            "+models: [llm]\n@models:\n@  llm:\n@    model: ai/smollm2",
        ),
        s(
            "services.app.network_mode",
            "network_mode (host)",
            "+network_mode: host",
        ),
        s(
            "services.app.network_mode",
            "network_mode (none)",
            "+network_mode: none",
        ),
        s(
            "services.app.network_mode",
            "network_mode (service:…)",
            "+network_mode: \"service:db\"\n%  db:\n%    image: docker.io/library/postgres:16",
        ),
        s(
            "services.app.networks",
            "networks",
            "+networks: [backend]\n@networks:\n@  backend: {}",
        ),
        s(
            "services.app.networks",
            "networks (aliases, ipv4_address)",
            "+networks:\n+  backend:\n+    aliases: [www]\n+    ipv4_address: 172.28.0.10\n@networks:\n@  backend:\n@    ipam:\n@      config:\n@        - subnet: 172.28.0.0/16",
        ),
        s(
            "services.app.oom_kill_disable",
            "oom_kill_disable",
            "+oom_kill_disable: true",
        ),
        s(
            "services.app.oom_score_adj",
            "oom_score_adj",
            "+oom_score_adj: 500",
        ),
        s("services.app.pid", "pid", "+pid: host"),
        s("services.app.pids_limit", "pids_limit", "+pids_limit: 100"),
        s("services.app.platform", "platform", "+platform: linux/arm64"),
        s(
            "services.app.platform",
            "platform (with pull_policy: always)",
            "+platform: linux/arm64/v8\n+pull_policy: always",
        ),
        s("services.app.ports", "ports", "+ports: [\"8080:80\"]"),
        s(
            "services.app.ports",
            "ports (host IP, UDP, range)",
            "+ports:\n+  - \"127.0.0.1:5353:53/udp\"\n+  - \"9000-9001:9000-9001\"",
        ),
        s(
            "services.app.ports",
            "ports (long syntax, mode: host)",
            "+ports:\n+  - target: 80\n+    published: \"8080\"\n+    mode: host",
        ),
        s(
            "services.app.post_start",
            "post_start",
            "+post_start:\n+  - command: [\"echo\", \"started\"]",
        ),
        s(
            "services.app.pre_stop",
            "pre_stop",
            "+pre_stop:\n+  - command: [\"echo\", \"stopping\"]",
        ),
        s("services.app.privileged", "privileged", "+privileged: true"),
        s("services.app.profiles", "profiles", "+profiles: [debug]").profiles(&["debug"]),
        s(
            "services.app.provider",
            "provider",
            "+provider:\n+  type: awesomecloud\n+  options:\n+    type: mysql",
        ),
        s(
            "services.app.pull_policy",
            "pull_policy (always)",
            "+pull_policy: always",
        ),
        s(
            "services.app.pull_policy",
            "pull_policy (missing)",
            "+pull_policy: missing",
        ),
        s(
            "services.app.pull_policy",
            "pull_policy (daily)",
            "+pull_policy: daily",
        ),
        s(
            "services.app.pull_refresh_after",
            "pull_refresh_after",
            "+pull_refresh_after: 24h",
        ),
        s("services.app.read_only", "read_only", "+read_only: true"),
        s("services.app.restart", "restart (always)", "+restart: always"),
        s(
            "services.app.restart",
            "restart (unless-stopped)",
            "+restart: unless-stopped",
        ),
        s(
            "services.app.restart",
            "restart (on-failure:3)",
            "+restart: on-failure:3",
        ),
        s("services.app.restart", "restart (no)", "+restart: \"no\""),
        s("services.app.runtime", "runtime", "+runtime: runc"),
        s("services.app.scale", "scale", "+scale: 2"),
        s(
            "services.app.secrets",
            "secrets (file)",
            "+secrets: [db_password]\n@secrets:\n@  db_password:\n@    file: ./db_password.txt",
        )
        .files(&[("db_password.txt", "not-a-real-password\n")]),
        s(
            "services.app.secrets",
            "secrets (environment)",
            "+secrets:\n+  - source: api_token\n+    target: token\n+    mode: 0400\n@secrets:\n@  api_token:\n@    environment: API_TOKEN",
        )
        .env(&[("API_TOKEN", "not-a-real-token")]),
        s(
            "services.app.security_opt",
            "security_opt (no-new-privileges)",
            "+security_opt: [\"no-new-privileges:true\"]",
        ),
        s(
            "services.app.security_opt",
            "security_opt (label)",
            "+security_opt: [\"label=disable\"]",
        ),
        s(
            "services.app.security_opt",
            "security_opt (seccomp)",
            "+security_opt: [\"seccomp=unconfined\"]",
        ),
        s(
            "services.app.security_opt",
            "security_opt (apparmor)",
            "+security_opt: [\"apparmor=unconfined\"]",
        ),
        s("services.app.shm_size", "shm_size", "+shm_size: 64m"),
        s("services.app.stdin_open", "stdin_open", "+stdin_open: true"),
        s(
            "services.app.stop_grace_period",
            "stop_grace_period",
            "+stop_grace_period: 30s",
        ),
        s("services.app.stop_signal", "stop_signal", "+stop_signal: SIGINT"),
        s(
            "services.app.storage_opt",
            "storage_opt",
            "+storage_opt:\n+  size: 10G",
        ),
        s(
            "services.app.sysctls",
            "sysctls",
            "+sysctls:\n+  net.core.somaxconn: 1024",
        ),
        s(
            "services.app.tmpfs",
            "tmpfs",
            "+tmpfs: [\"/run\", \"/tmp:size=64m,mode=1777\"]",
        ),
        s("services.app.tty", "tty", "+tty: true"),
        s(
            "services.app.ulimits",
            "ulimits",
            "+ulimits:\n+  nofile:\n+    soft: 1024\n+    hard: 2048\n+  nproc: 512",
        ),
        s(
            "services.app.use_api_socket",
            "use_api_socket",
            "+use_api_socket: true",
        ),
        s("services.app.user", "user (numeric)", "+user: \"1000:1000\""),
        s("services.app.user", "user (name)", "+user: nginx"),
        s("services.app.userns_mode", "userns_mode", "+userns_mode: host"),
        s("services.app.uts", "uts", "+uts: host"),
        s(
            "services.app.volumes",
            "volumes (bind, read-only)",
            "+volumes: [\"./html:/usr/share/nginx/html:ro\"]",
        ),
        s(
            "services.app.volumes",
            "volumes (named)",
            "+volumes: [\"data:/var/lib/data\"]\n@volumes:\n@  data: {}",
        ),
        s(
            "services.app.volumes",
            "volumes (anonymous)",
            "+volumes: [\"/var/cache/nginx\"]",
        ),
        s(
            "services.app.volumes",
            "volumes (tmpfs, long syntax)",
            "+volumes:\n+  - type: tmpfs\n+    target: /scratch\n+    tmpfs:\n+      size: 1048576",
        ),
        s(
            "services.app.volumes",
            "volumes (bind, long syntax with propagation)",
            "+volumes:\n+  - type: bind\n+    source: ./html\n+    target: /html\n+    bind:\n+      propagation: rshared\n+      create_host_path: false",
        ),
        s(
            "services.app.volumes_from",
            "volumes_from",
            "+volumes_from: [db]\n%  db:\n%    image: docker.io/library/postgres:16\n%    volumes: [\"/var/lib/postgresql/data\"]",
        ),
        s("services.app.working_dir", "working_dir", "+working_dir: /app"),
        // ---- networks
        s(
            "networks.backend.driver",
            "networks.*.driver",
            "networks: [backend]\n@networks:\n@  backend:\n+@    driver: bridge",
        ),
        s(
            "networks.backend.driver_opts",
            "networks.*.driver_opts",
            "networks: [backend]\n@networks:\n@  backend:\n+@    driver_opts:\n+@      com.docker.network.bridge.name: br-demo",
        ),
        s(
            "networks.backend.ipam",
            "networks.*.ipam",
            "networks: [backend]\n@networks:\n@  backend:\n+@    ipam:\n+@      config:\n+@        - subnet: 172.28.0.0/16\n+@          gateway: 172.28.0.1\n+@          ip_range: 172.28.5.0/24",
        ),
        s(
            "networks.backend.internal",
            "networks.*.internal",
            "networks: [backend]\n@networks:\n@  backend:\n+@    internal: true",
        ),
        s(
            "networks.backend.enable_ipv6",
            "networks.*.enable_ipv6",
            "networks: [backend]\n@networks:\n@  backend:\n+@    enable_ipv6: true",
        ),
        s(
            "networks.backend.attachable",
            "networks.*.attachable",
            "networks: [backend]\n@networks:\n@  backend:\n+@    attachable: true",
        ),
        s(
            "networks.backend.labels",
            "networks.*.labels",
            "networks: [backend]\n@networks:\n@  backend:\n+@    labels:\n+@      com.example.net: back",
        ),
        s(
            "networks.backend.name",
            "networks.*.name",
            "networks: [backend]\n@networks:\n@  backend:\n+@    name: shared-backend",
        ),
        s(
            "networks.backend.external",
            "networks.*.external",
            "networks: [backend]\n@networks:\n@  backend:\n+@    external: true",
        ),
        s(
            "networks.default",
            "the implicit default network",
            "",
        ),
        // ---- volumes
        s(
            "volumes.data.driver",
            "volumes.*.driver",
            "volumes: [\"data:/data\"]\n@volumes:\n@  data:\n+@    driver: local",
        ),
        s(
            "volumes.data.driver_opts",
            "volumes.*.driver_opts",
            "volumes: [\"data:/data\"]\n@volumes:\n@  data:\n+@    driver_opts:\n+@      type: tmpfs\n+@      device: tmpfs\n+@      o: size=100m",
        ),
        s(
            "volumes.data.labels",
            "volumes.*.labels",
            "volumes: [\"data:/data\"]\n@volumes:\n@  data:\n+@    labels:\n+@      com.example.vol: data",
        ),
        s(
            "volumes.data.name",
            "volumes.*.name",
            "volumes: [\"data:/data\"]\n@volumes:\n@  data:\n+@    name: shared-data",
        ),
        s(
            "volumes.data.external",
            "volumes.*.external",
            "volumes: [\"data:/data\"]\n@volumes:\n@  data:\n+@    external: true",
        ),
        // ---- secrets and configs
        s(
            "secrets.db_password",
            "secrets.* (file)",
            "+secrets: [db_password]\n+@secrets:\n+@  db_password:\n+@    file: ./db_password.txt",
        )
        .files(&[("db_password.txt", "not-a-real-password\n")]),
        s(
            "secrets.api_token",
            "secrets.* (environment)",
            "+secrets: [api_token]\n+@secrets:\n+@  api_token:\n+@    environment: API_TOKEN",
        )
        .env(&[("API_TOKEN", "not-a-real-token")]),
        s(
            "secrets.ext",
            "secrets.* (external)",
            "+secrets: [ext]\n+@secrets:\n+@  ext:\n+@    external: true",
        ),
        s(
            "configs.app_conf",
            "configs.* (file)",
            "+configs: [app_conf]\n+@configs:\n+@  app_conf:\n+@    file: ./app.conf",
        )
        .files(&[("app.conf", "debug = true\n")]),
        s(
            "configs.inline",
            "configs.* (content)",
            "+configs: [inline]\n+@configs:\n+@  inline:\n+@    content: |\n+@      debug = true",
        ),
        s(
            "configs.from_env",
            "configs.* (environment)",
            "+configs: [from_env]\n+@configs:\n+@  from_env:\n+@    environment: APP_CONFIG",
        )
        .env(&[("APP_CONFIG", "debug = true")]),
        s(
            "configs.ext",
            "configs.* (external)",
            "+configs: [ext]\n+@configs:\n+@  ext:\n+@    external: true",
        ),
        // ---- project
        s("name", "name", ""),
        s("x-common", "x-* extensions", "+@x-common:\n+@  owner: team-a"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_key_of_the_specification_has_a_sample() {
        let all = samples();
        for key in transship_ir::SERVICE_KEYS {
            let prefix = format!("services.app.{key}");
            assert!(
                all.iter()
                    .any(|s| s.path == prefix || s.path.starts_with(&format!("{prefix}."))),
                "no sample documents `{key}`"
            );
        }
    }

    #[test]
    fn compose_and_baseline_differ_only_by_the_key_lines() {
        let s = samples()
            .into_iter()
            .find(|s| s.title == "networks.*.driver")
            .expect("sample");
        let with = s.compose(true);
        let without = s.compose(false);
        assert!(with.contains("    driver: bridge\n"), "{with}");
        assert!(!without.contains("driver: bridge"), "{without}");
        assert!(with.contains("    networks: [backend]\n"));
        assert!(without.contains("networks:\n  backend:\n"), "{without}");
        assert_eq!(s.snippet(), "networks:\n  backend:\n    driver: bridge\n");
    }

    #[test]
    fn service_snippet_is_dedented_key_lines() {
        let s = samples()
            .into_iter()
            .find(|s| s.title == "healthcheck.interval")
            .expect("sample");
        assert_eq!(s.snippet(), "interval: 30s\n");
        let d = samples()
            .into_iter()
            .find(|s| s.title == "depends_on (service_healthy)")
            .expect("sample");
        assert_eq!(
            d.snippet(),
            "depends_on:\n  db:\n    condition: service_healthy\n"
        );
        assert!(
            d.compose(true)
                .contains("  db:\n    image: docker.io/library/postgres:16\n")
        );
    }
}
