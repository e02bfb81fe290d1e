//! A container as a runtime reports it, normalized from an inspect answer of podman 4.x,
//! podman 5.x or docker: the shapes differ (podman 4 joins `Config.Entrypoint` into one
//! string, 5 gives an array; health lives in `State.Health` or `State.Healthcheck`; docker
//! reports `HostConfig.Binds` next to `Mounts`), so every field is read tolerantly and a
//! field the answer lacks is `None`, never a guess.

use std::collections::BTreeMap;

use serde_json::Value;

/// One published port as the runtime bound it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PortBinding {
    /// `80/tcp`.
    pub container: String,
    pub host_ip: String,
    pub host_port: String,
}

/// One mount.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MountInfo {
    /// `bind`, `volume`, `tmpfs`, ...
    pub kind: String,
    /// The volume's name (volumes only).
    pub name: String,
    /// The host path (binds) or the volume's data directory.
    pub source: String,
    pub destination: String,
    pub read_only: bool,
}

/// A network the container is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkInfo {
    pub aliases: Vec<String>,
    pub ip: String,
}

/// What verify compares, read from an inspect answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    pub id: String,
    pub name: String,
    /// The image reference the container was created from.
    pub image: String,
    /// The image's id (`sha256:` stripped).
    pub image_id: String,
    /// The image's digest, when the runtime reports it.
    pub image_digest: Option<String>,
    /// `running`, `exited`, `created`, ...
    pub status: String,
    pub exit_code: Option<i64>,
    pub restart_count: Option<i64>,
    /// `healthy`, `unhealthy`, `starting`; `None` without a healthcheck.
    pub health: Option<String>,
    pub command: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    /// `Config.Env` in order (image defaults included).
    pub env: Vec<(String, String)>,
    pub ports: Vec<PortBinding>,
    pub mounts: Vec<MountInfo>,
    pub user: String,
    /// Capability names without the `CAP_` prefix.
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    /// The capabilities the container's process has (podman's `EffectiveCaps`), when the
    /// runtime reports them.
    pub effective_caps: Option<Vec<String>>,
    pub privileged: bool,
    pub read_only: bool,
    pub security_opt: Vec<String>,
    pub networks: BTreeMap<String, NetworkInfo>,
    pub network_mode: String,
    /// `Config.Healthcheck.Test`.
    pub health_test: Option<Vec<String>>,
    /// `HostConfig.RestartPolicy.Name` (empty: none).
    pub restart_policy: String,
    pub restart_max: Option<i64>,
    /// Bytes; `None` when unlimited.
    pub memory: Option<i64>,
    /// CPUs (NanoCpus, or quota / period); `None` when unlimited.
    pub cpus: Option<f64>,
    /// `None` when unlimited (0 or -1).
    pub pids_limit: Option<i64>,
    pub labels: BTreeMap<String, String>,
}

fn s(v: &Value, ptr: &str) -> String {
    v.pointer(ptr)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::Array(a) => Some(
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect(),
        ),
        Value::String(x) if x.is_empty() => Some(Vec::new()),
        // podman 4 joins the entrypoint's words with spaces.
        Value::String(x) => Some(x.split(' ').map(str::to_owned).collect()),
        Value::Null => None,
        _ => None,
    }
}

fn positive(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_i64).filter(|n| *n > 0)
}

/// Capability names as Compose writes them: upper case, no `CAP_` prefix.
pub fn cap_name(c: &str) -> String {
    let up = c.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map(str::to_owned).unwrap_or(up)
}

impl Observed {
    /// Reads an inspect answer (libpod or docker).
    pub fn from_inspect(v: &Value) -> Self {
        let mut o = Observed {
            id: s(v, "/Id"),
            name: s(v, "/Name").trim_start_matches('/').to_owned(),
            ..Default::default()
        };
        // podman: ImageName is the reference; docker: Config.Image.
        o.image = match v.get("ImageName").and_then(Value::as_str) {
            Some(n) if !n.is_empty() => n.to_owned(),
            _ => s(v, "/Config/Image"),
        };
        o.image_id = s(v, "/Image").trim_start_matches("sha256:").to_owned();
        o.image_digest = v
            .get("ImageDigest")
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        o.status = s(v, "/State/Status");
        o.exit_code = v.pointer("/State/ExitCode").and_then(Value::as_i64);
        o.restart_count = v.get("RestartCount").and_then(Value::as_i64);
        o.health = ["/State/Health/Status", "/State/Healthcheck/Status"]
            .iter()
            .filter_map(|p| v.pointer(p).and_then(Value::as_str))
            .find(|x| !x.is_empty())
            .map(str::to_owned);
        o.command = strings(v.pointer("/Config/Cmd"));
        o.entrypoint = strings(v.pointer("/Config/Entrypoint"));
        o.env = v
            .pointer("/Config/Env")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|e| match e.split_once('=') {
                        Some((k, val)) => (k.to_owned(), val.to_owned()),
                        None => (e.to_owned(), String::new()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let bindings = v
            .pointer("/HostConfig/PortBindings")
            .filter(|b| b.as_object().is_some_and(|m| !m.is_empty()))
            .or_else(|| v.pointer("/NetworkSettings/Ports"));
        if let Some(map) = bindings.and_then(Value::as_object) {
            for (container, list) in map {
                for b in list.as_array().into_iter().flatten() {
                    o.ports.push(PortBinding {
                        container: container.clone(),
                        host_ip: s(b, "/HostIp"),
                        host_port: s(b, "/HostPort"),
                    });
                }
            }
        }
        o.ports.sort();
        o.ports.dedup();
        for m in v
            .get("Mounts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            o.mounts.push(MountInfo {
                kind: s(m, "/Type"),
                name: s(m, "/Name"),
                source: s(m, "/Source"),
                destination: s(m, "/Destination"),
                read_only: !m.get("RW").and_then(Value::as_bool).unwrap_or(true),
            });
        }
        // tmpfs mounts are not in `Mounts`: podman and docker list them in HostConfig.Tmpfs.
        if let Some(t) = v.pointer("/HostConfig/Tmpfs").and_then(Value::as_object) {
            for (dest, opts) in t {
                let opts = opts.as_str().unwrap_or("");
                o.mounts.push(MountInfo {
                    kind: "tmpfs".to_owned(),
                    name: String::new(),
                    source: String::new(),
                    destination: dest.clone(),
                    read_only: opts.split(',').any(|x| x == "ro"),
                });
            }
        }
        o.user = s(v, "/Config/User");
        let caps = |p: &str| -> Vec<String> {
            v.pointer(p)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(cap_name).collect())
                .unwrap_or_default()
        };
        o.cap_add = caps("/HostConfig/CapAdd");
        o.cap_drop = caps("/HostConfig/CapDrop");
        o.effective_caps = v
            .get("EffectiveCaps")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(cap_name).collect());
        o.privileged = v
            .pointer("/HostConfig/Privileged")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        o.read_only = v
            .pointer("/HostConfig/ReadonlyRootfs")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        o.security_opt = strings(v.pointer("/HostConfig/SecurityOpt")).unwrap_or_default();
        if let Some(nets) = v
            .pointer("/NetworkSettings/Networks")
            .and_then(Value::as_object)
        {
            for (name, n) in nets {
                o.networks.insert(
                    name.clone(),
                    NetworkInfo {
                        aliases: strings(n.get("Aliases")).unwrap_or_default(),
                        ip: s(n, "/IPAddress"),
                    },
                );
            }
        }
        o.network_mode = s(v, "/HostConfig/NetworkMode");
        o.health_test = strings(v.pointer("/Config/Healthcheck/Test"));
        o.restart_policy = s(v, "/HostConfig/RestartPolicy/Name");
        o.restart_max = v
            .pointer("/HostConfig/RestartPolicy/MaximumRetryCount")
            .and_then(Value::as_i64);
        o.memory = positive(v.pointer("/HostConfig/Memory"));
        o.cpus = positive(v.pointer("/HostConfig/NanoCpus"))
            .map(|n| n as f64 / 1e9)
            .or_else(|| {
                let q = positive(v.pointer("/HostConfig/CpuQuota"))?;
                let p = positive(v.pointer("/HostConfig/CpuPeriod")).unwrap_or(100_000);
                Some(q as f64 / p as f64)
            });
        o.pids_limit = positive(v.pointer("/HostConfig/PidsLimit"));
        if let Some(l) = v.pointer("/Config/Labels").and_then(Value::as_object) {
            for (k, val) in l {
                o.labels
                    .insert(k.clone(), val.as_str().unwrap_or_default().to_owned());
            }
        }
        o
    }

    /// The value of `name` in the container's environment (the last one wins, as in a
    /// process environment built from a list).
    pub fn env_value(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
