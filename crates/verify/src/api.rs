//! The runtime side of verify: the [`Runtime`] trait (what verify asks a container engine) and
//! [`HostAccess`] (what it asks the host: systemd unit state, installed files, TCP ports),
//! with their live implementations: [`ApiClient`] for the libpod REST API (podman 4.x and 5.x)
//! and the docker engine API over a unix socket, and [`crate::transport::Host`].
//!
//! Answers are kept as JSON values: [`crate::observed`] reads them tolerantly (4.x and 5.x
//! shapes differ), so a replay of recorded answers drives the same code in tier-1 tests.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};

use crate::http;
use crate::transport::Host;

/// Which engine answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Podman,
    Docker,
}

/// What an exec in a container printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    pub code: i64,
    pub stdout: String,
    pub stderr: String,
}

/// A container engine, as verify reads it. Every method is read-only except
/// [`Runtime::run_healthcheck`] and [`Runtime::exec`] (running a probe process inside a
/// container: the documented exceptions).
pub trait Runtime: Send + Sync {
    fn flavor(&self) -> Flavor;
    /// The engine's version answer.
    fn version(&self) -> Result<Value, String>;
    /// A container's inspect answer; `None` when there is no such container.
    fn container(&self, name: &str) -> Result<Option<Value>, String>;
    /// The containers (list answers) carrying the label `key=value`.
    fn containers_labelled(&self, key: &str, value: &str) -> Result<Vec<Value>, String>;
    /// A network's inspect answer; `None` when there is none.
    fn network(&self, name: &str) -> Result<Option<Value>, String>;
    /// A volume's inspect answer; `None` when there is none.
    fn volume(&self, name: &str) -> Result<Option<Value>, String>;
    /// Runs the container's healthcheck now (podman); its answer.
    fn run_healthcheck(&self, name: &str) -> Result<Value, String>;
    /// Runs `argv` in the container, without a terminal.
    fn exec(&self, container: &str, argv: &[&str]) -> Result<ExecOutput, String>;
}

/// systemd's view of a unit (`systemctl show`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitState {
    pub load_state: String,
    pub active_state: String,
    pub sub_state: String,
    pub result: String,
    pub n_restarts: Option<u64>,
    pub exec_main_status: Option<i64>,
    pub restart: String,
    pub unit_type: String,
}

/// The target host itself, as verify reads it.
pub trait HostAccess: Send + Sync {
    /// The unit's state, or why systemd could not be asked.
    fn unit_state(&self, unit: &str, user: bool) -> Result<UnitState, String>;
    /// The contents of a file on the host; `None` when it does not exist.
    fn read_file(&self, path: &str) -> Result<Option<String>, String>;
    /// Whether `ip:port` accepts a TCP connection on the host.
    fn tcp_probe(&self, ip: &str, port: u16) -> Result<(), String>;
}

/// The live client of one engine's REST API on a unix socket.
#[derive(Debug, Clone)]
pub struct ApiClient {
    socket: std::path::PathBuf,
    flavor: Flavor,
    timeout: Duration,
}

/// The libpod API prefix both podman 4.x and 5.x serve.
const LIBPOD: &str = "/v4.0.0/libpod";
/// The docker engine API version every engine since 20.10 serves.
const DOCKER: &str = "/v1.41";

impl ApiClient {
    pub fn new(socket: impl Into<std::path::PathBuf>, flavor: Flavor, timeout: Duration) -> Self {
        Self {
            socket: socket.into(),
            flavor,
            timeout,
        }
    }

    fn prefix(&self) -> &'static str {
        match self.flavor {
            Flavor::Podman => LIBPOD,
            Flavor::Docker => DOCKER,
        }
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<http::Response, String> {
        let full = format!("{}{path}", self.prefix());
        let bytes = body.map(|b| b.to_string().into_bytes());
        http::request(&self.socket, method, &full, bytes.as_deref(), self.timeout)
    }

    fn get_json(&self, path: &str) -> Result<Value, String> {
        let r = self.call("GET", path, None)?;
        if !r.ok() {
            return Err(format!(
                "GET {path}: HTTP {}: {}",
                r.status,
                r.error_message()
            ));
        }
        r.json()
    }

    fn get_optional(&self, path: &str) -> Result<Option<Value>, String> {
        let r = self.call("GET", path, None)?;
        match r.status {
            404 => Ok(None),
            _ if r.ok() => r.json().map(Some),
            s => Err(format!("GET {path}: HTTP {s}: {}", r.error_message())),
        }
    }
}

/// A path segment with the few characters a container or network name could carry escaped.
fn seg(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Runtime for ApiClient {
    fn flavor(&self) -> Flavor {
        self.flavor
    }

    fn version(&self) -> Result<Value, String> {
        self.get_json("/version")
    }

    fn container(&self, name: &str) -> Result<Option<Value>, String> {
        self.get_optional(&format!("/containers/{}/json", seg(name)))
    }

    fn containers_labelled(&self, key: &str, value: &str) -> Result<Vec<Value>, String> {
        let filters = json!({ "label": [format!("{key}={value}")] }).to_string();
        let q: String = filters.bytes().map(|b| format!("%{b:02X}")).collect();
        let v = self.get_json(&format!("/containers/json?all=true&filters={q}"))?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    fn network(&self, name: &str) -> Result<Option<Value>, String> {
        match self.flavor {
            Flavor::Podman => self.get_optional(&format!("/networks/{}/json", seg(name))),
            Flavor::Docker => self.get_optional(&format!("/networks/{}", seg(name))),
        }
    }

    fn volume(&self, name: &str) -> Result<Option<Value>, String> {
        match self.flavor {
            Flavor::Podman => self.get_optional(&format!("/volumes/{}/json", seg(name))),
            Flavor::Docker => self.get_optional(&format!("/volumes/{}", seg(name))),
        }
    }

    fn run_healthcheck(&self, name: &str) -> Result<Value, String> {
        match self.flavor {
            Flavor::Podman => self.get_json(&format!("/containers/{}/healthcheck", seg(name))),
            Flavor::Docker => Err("the docker engine has no API to run a healthcheck now".into()),
        }
    }

    fn exec(&self, container: &str, argv: &[&str]) -> Result<ExecOutput, String> {
        let create = json!({ "Cmd": argv, "AttachStdout": true, "AttachStderr": true });
        let r = self.call(
            "POST",
            &format!("/containers/{}/exec", seg(container)),
            Some(&create),
        )?;
        if !r.ok() {
            return Err(format!(
                "exec in {container}: HTTP {}: {}",
                r.status,
                r.error_message()
            ));
        }
        let id = r
            .json()?
            .get("Id")
            .and_then(|i| i.as_str())
            .map(str::to_owned)
            .ok_or("the exec answer has no Id")?;
        let start = json!({ "Detach": false, "Tty": false });
        let r = self.call("POST", &format!("/exec/{id}/start"), Some(&start))?;
        if !r.ok() {
            return Err(format!(
                "exec start in {container}: HTTP {}: {}",
                r.status,
                r.error_message()
            ));
        }
        let (out, err) = http::demux(&r.body);
        let info = self.get_json(&format!("/exec/{id}/json"))?;
        let code = info.get("ExitCode").and_then(|c| c.as_i64()).unwrap_or(-1);
        Ok(ExecOutput {
            code,
            stdout: String::from_utf8_lossy(&out).into_owned(),
            stderr: String::from_utf8_lossy(&err).into_owned(),
        })
    }
}

/// The properties `systemctl show` is asked for.
const UNIT_PROPS: &str =
    "LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,Restart,Type";

/// Parses `systemctl show -p ...` output.
pub fn parse_unit_state(text: &str) -> UnitState {
    let mut u = UnitState::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim().to_owned();
        match k {
            "LoadState" => u.load_state = v,
            "ActiveState" => u.active_state = v,
            "SubState" => u.sub_state = v,
            "Result" => u.result = v,
            "NRestarts" => u.n_restarts = v.parse().ok(),
            "ExecMainStatus" => u.exec_main_status = v.parse().ok(),
            "Restart" => u.restart = v,
            "Type" => u.unit_type = v,
            _ => {}
        }
    }
    u
}

/// How long one command on the host may take.
const HOST_COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

impl HostAccess for Host {
    fn unit_state(&self, unit: &str, user: bool) -> Result<UnitState, String> {
        let mut argv = vec!["systemctl"];
        if user {
            argv.push("--user");
        }
        argv.extend(["show", unit, "-p", UNIT_PROPS]);
        let out = self.run(&argv, HOST_COMMAND_TIMEOUT)?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
            return Err(if err.is_empty() {
                format!("systemctl show {unit} failed ({})", out.status)
            } else {
                err
            });
        }
        Ok(parse_unit_state(&String::from_utf8_lossy(&out.stdout)))
    }

    fn read_file(&self, path: &str) -> Result<Option<String>, String> {
        // `~/...` (a rootless install's directory) is the host user's home.
        if !self.is_remote() {
            let expanded = match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
                (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
                _ => std::path::PathBuf::from(path),
            };
            return match std::fs::read(&expanded) {
                Ok(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("{path}: {e}")),
            };
        }
        // `test -e` first: `cat` alone cannot tell a missing file from an unreadable one.
        let out = self.run(
            &[
                "sh",
                "-c",
                "p=$1; case $p in '~/'*) p=$HOME/${p#??};; esac; test -e \"$p\" || exit 3; cat -- \"$p\"",
                "sh",
                path,
            ],
            HOST_COMMAND_TIMEOUT,
        )?;
        match out.status.code() {
            Some(0) => Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned())),
            Some(3) => Ok(None),
            _ => Err(format!(
                "{path}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
        }
    }

    fn tcp_probe(&self, ip: &str, port: u16) -> Result<(), String> {
        Host::tcp_probe(self, ip, port, Duration::from_secs(5))
    }
}

/// Every answer a runtime and a host gave, by call (`container web-1`, `unit x.service`),
/// as JSON: written by [`Recorder`] from a live run, read back by [`Replay`] (the tier-1
/// tests of the check logic run on answers recorded from podman 4.3.1 and 5.4.2).
pub type Answers = BTreeMap<String, Value>;

/// A [`Runtime`] and [`HostAccess`] that passes every call to the live ones and keeps the
/// answers.
pub struct Recorder<'a> {
    pub runtime: &'a dyn Runtime,
    pub host: &'a dyn HostAccess,
    pub answers: Mutex<Answers>,
}

impl<'a> Recorder<'a> {
    pub fn new(runtime: &'a dyn Runtime, host: &'a dyn HostAccess) -> Self {
        Self {
            runtime,
            host,
            answers: Mutex::new(Answers::new()),
        }
    }

    fn keep<T>(
        &self,
        key: String,
        r: Result<T, String>,
        to_json: impl Fn(&T) -> Value,
    ) -> Result<T, String> {
        let v = match &r {
            Ok(x) => json!({ "ok": to_json(x) }),
            Err(e) => json!({ "err": e }),
        };
        if let Ok(mut a) = self.answers.lock() {
            a.insert(key, v);
        }
        r
    }

    /// The answers so far.
    pub fn take(&self) -> Answers {
        self.answers
            .lock()
            .map(|mut a| std::mem::take(&mut *a))
            .unwrap_or_default()
    }
}

fn unit_json(u: &UnitState) -> Value {
    json!({
        "LoadState": u.load_state, "ActiveState": u.active_state, "SubState": u.sub_state,
        "Result": u.result, "NRestarts": u.n_restarts, "ExecMainStatus": u.exec_main_status,
        "Restart": u.restart, "Type": u.unit_type,
    })
}

fn unit_from_json(v: &Value) -> UnitState {
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    UnitState {
        load_state: s("LoadState"),
        active_state: s("ActiveState"),
        sub_state: s("SubState"),
        result: s("Result"),
        n_restarts: v.get("NRestarts").and_then(Value::as_u64),
        exec_main_status: v.get("ExecMainStatus").and_then(Value::as_i64),
        restart: s("Restart"),
        unit_type: s("Type"),
    }
}

fn exec_json(x: &ExecOutput) -> Value {
    json!({ "code": x.code, "stdout": x.stdout, "stderr": x.stderr })
}

impl Runtime for Recorder<'_> {
    fn flavor(&self) -> Flavor {
        self.runtime.flavor()
    }
    fn version(&self) -> Result<Value, String> {
        self.keep("version".into(), self.runtime.version(), Clone::clone)
    }
    fn container(&self, name: &str) -> Result<Option<Value>, String> {
        self.keep(
            format!("container {name}"),
            self.runtime.container(name),
            |x| x.clone().unwrap_or(Value::Null),
        )
    }
    fn containers_labelled(&self, key: &str, value: &str) -> Result<Vec<Value>, String> {
        self.keep(
            format!("containers {key}={value}"),
            self.runtime.containers_labelled(key, value),
            |x| Value::Array(x.clone()),
        )
    }
    fn network(&self, name: &str) -> Result<Option<Value>, String> {
        self.keep(format!("network {name}"), self.runtime.network(name), |x| {
            x.clone().unwrap_or(Value::Null)
        })
    }
    fn volume(&self, name: &str) -> Result<Option<Value>, String> {
        self.keep(format!("volume {name}"), self.runtime.volume(name), |x| {
            x.clone().unwrap_or(Value::Null)
        })
    }
    fn run_healthcheck(&self, name: &str) -> Result<Value, String> {
        self.keep(
            format!("healthcheck {name}"),
            self.runtime.run_healthcheck(name),
            Clone::clone,
        )
    }
    fn exec(&self, container: &str, argv: &[&str]) -> Result<ExecOutput, String> {
        self.keep(
            format!("exec {container} {}", argv.join(" ")),
            self.runtime.exec(container, argv),
            exec_json,
        )
    }
}

impl HostAccess for Recorder<'_> {
    fn unit_state(&self, unit: &str, user: bool) -> Result<UnitState, String> {
        self.keep(
            format!("unit {unit}{}", if user { " --user" } else { "" }),
            self.host.unit_state(unit, user),
            unit_json,
        )
    }
    fn read_file(&self, path: &str) -> Result<Option<String>, String> {
        self.keep(format!("file {path}"), self.host.read_file(path), |x| {
            x.as_ref().map_or(Value::Null, |t| Value::String(t.clone()))
        })
    }
    fn tcp_probe(&self, ip: &str, port: u16) -> Result<(), String> {
        self.keep(
            format!("tcp {ip}:{port}"),
            self.host.tcp_probe(ip, port),
            |_| Value::Null,
        )
    }
}

/// Answers played back: a call that was not recorded is an error that names it.
pub struct Replay {
    pub flavor: Flavor,
    pub answers: Answers,
}

impl Replay {
    fn get(&self, key: &str) -> Result<&Value, String> {
        let v = self
            .answers
            .get(key)
            .ok_or_else(|| format!("not recorded: {key}"))?;
        match (v.get("ok"), v.get("err")) {
            (Some(ok), _) => Ok(ok),
            (None, Some(e)) => Err(e.as_str().unwrap_or_default().to_owned()),
            _ => Err(format!("malformed answer: {key}")),
        }
    }

    fn optional(&self, key: &str) -> Result<Option<Value>, String> {
        self.get(key).map(|v| (!v.is_null()).then(|| v.clone()))
    }
}

impl Runtime for Replay {
    fn flavor(&self) -> Flavor {
        self.flavor
    }
    fn version(&self) -> Result<Value, String> {
        self.get("version").cloned()
    }
    fn container(&self, name: &str) -> Result<Option<Value>, String> {
        self.optional(&format!("container {name}"))
    }
    fn containers_labelled(&self, key: &str, value: &str) -> Result<Vec<Value>, String> {
        self.get(&format!("containers {key}={value}"))
            .map(|v| v.as_array().cloned().unwrap_or_default())
    }
    fn network(&self, name: &str) -> Result<Option<Value>, String> {
        self.optional(&format!("network {name}"))
    }
    fn volume(&self, name: &str) -> Result<Option<Value>, String> {
        self.optional(&format!("volume {name}"))
    }
    fn run_healthcheck(&self, name: &str) -> Result<Value, String> {
        self.get(&format!("healthcheck {name}")).cloned()
    }
    fn exec(&self, container: &str, argv: &[&str]) -> Result<ExecOutput, String> {
        let v = self.get(&format!("exec {container} {}", argv.join(" ")))?;
        Ok(ExecOutput {
            code: v.get("code").and_then(Value::as_i64).unwrap_or(-1),
            stdout: v
                .get("stdout")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            stderr: v
                .get("stderr")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        })
    }
}

impl HostAccess for Replay {
    fn unit_state(&self, unit: &str, user: bool) -> Result<UnitState, String> {
        self.get(&format!("unit {unit}{}", if user { " --user" } else { "" }))
            .map(unit_from_json)
    }
    fn read_file(&self, path: &str) -> Result<Option<String>, String> {
        self.get(&format!("file {path}"))
            .map(|v| v.as_str().map(str::to_owned))
    }
    fn tcp_probe(&self, ip: &str, port: u16) -> Result<(), String> {
        self.get(&format!("tcp {ip}:{port}")).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn unit_state_parses() {
        let u = parse_unit_state(
            "LoadState=loaded\nActiveState=active\nSubState=running\nResult=success\nNRestarts=2\nExecMainStatus=0\nRestart=always\nType=notify\n",
        );
        assert_eq!(u.active_state, "active");
        assert_eq!(u.n_restarts, Some(2));
        assert_eq!(u.restart, "always");
        assert_eq!(parse_unit_state("NRestarts=\n").n_restarts, None);
    }

    #[test]
    fn names_are_escaped_in_paths() {
        assert_eq!(seg("app-web-1"), "app-web-1");
        assert_eq!(seg("a/b c"), "a%2Fb%20c");
    }
}
