//! How a target host is reached, with podman's own conventions: `unix:///run/podman/podman.sock`
//! (local), `ssh://[user@]host[:port][/path/to/podman.sock]` (through the system `ssh`: the
//! remote socket forwarded to a local one, `BatchMode=yes` so nothing ever prompts, the user's
//! known_hosts and keys as ssh itself reads them), and named connections from podman's own
//! list (`podman system connection add`).
//!
//! A [`Host`] also runs the few commands verify needs on the host itself (`systemctl show`,
//! reading an installed unit file) and probes TCP ports there: locally as child processes,
//! remotely over the same ssh connection (one master connection per host, shared).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use transship_translate::shell;

/// The rootful libpod socket podman's own service unit listens on.
pub const ROOTFUL_SOCKET: &str = "/run/podman/podman.sock";

/// Where a host is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// The socket on this machine.
    Unix(PathBuf),
    /// A remote host over ssh; `socket` is the remote path (`None`: the default for the
    /// ssh user, found on the host).
    Ssh {
        user: Option<String>,
        host: String,
        port: Option<u16>,
        socket: Option<String>,
        identity: Option<PathBuf>,
    },
}

/// One host to verify, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    /// What the report calls it (the URL or the connection name).
    pub label: String,
    pub endpoint: Endpoint,
    /// The user's podman and `systemctl --user` (rootless), not the system's.
    pub user: bool,
    /// An ssh client configuration file (`ssh -F`).
    pub ssh_config: Option<PathBuf>,
}

impl HostSpec {
    /// `unix:///path` or `ssh://[user@]host[:port][/path]`.
    pub fn parse(url: &str, user: bool) -> Result<Self, String> {
        let endpoint = if let Some(path) = url.strip_prefix("unix://") {
            if !path.starts_with('/') {
                return Err(format!(
                    "{url}: a unix URL needs an absolute socket path (unix:///run/podman/podman.sock)"
                ));
            }
            Endpoint::Unix(PathBuf::from(path))
        } else if let Some(rest) = url.strip_prefix("ssh://") {
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], Some(&rest[i..])),
                None => (rest, None),
            };
            let (user_part, hostport) = match authority.rfind('@') {
                Some(i) => (Some(authority[..i].to_owned()), &authority[i + 1..]),
                None => (None, authority),
            };
            let (host, port) = split_host_port(hostport)
                .ok_or_else(|| format!("{url}: cannot read the host and port"))?;
            if host.is_empty() {
                return Err(format!("{url}: no host"));
            }
            Endpoint::Ssh {
                user: user_part.filter(|u| !u.is_empty()),
                host,
                port,
                socket: path.filter(|p| *p != "/").map(str::to_owned),
                identity: None,
            }
        } else if url.starts_with("tcp://") {
            return Err(format!(
                "{url}: tcp:// exposes the API unauthenticated; use ssh://, as podman recommends"
            ));
        } else {
            return Err(format!(
                "{url}: not a host URL (unix:///path/podman.sock or ssh://user@host[:port]/path/podman.sock)"
            ));
        };
        // A user's own socket (`/run/user/UID/...`) is a rootless host whatever `--user` says:
        // a fleet can mix rootful and rootless hosts.
        let rootless_socket = match &endpoint {
            Endpoint::Unix(p) => p.starts_with("/run/user/"),
            Endpoint::Ssh { socket, .. } => socket
                .as_deref()
                .is_some_and(|s| s.starts_with("/run/user/")),
        };
        Ok(Self {
            label: url.to_owned(),
            endpoint,
            user: user || rootless_socket,
            ssh_config: None,
        })
    }

    /// The local socket when no `--host` is given: rootful, or the user's
    /// (`$XDG_RUNTIME_DIR/podman/podman.sock`) with `--user`.
    pub fn local_default(user: bool) -> Result<Self, String> {
        let path = if user {
            let dir = std::env::var_os("XDG_RUNTIME_DIR").ok_or(
                "--user without --host needs XDG_RUNTIME_DIR (the user's runtime directory) to find the podman socket",
            )?;
            Path::new(&dir).join("podman/podman.sock")
        } else {
            PathBuf::from(ROOTFUL_SOCKET)
        };
        let url = format!("unix://{}", path.display());
        let mut h = Self::parse(&url, user)?;
        h.label = url;
        Ok(h)
    }
}

fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = rest[..end].to_owned();
        let after = &rest[end + 1..];
        return match after.strip_prefix(':') {
            Some(p) => Some((host, Some(p.parse().ok()?))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match s.rsplit_once(':') {
        Some((h, p)) => Some((h.to_owned(), Some(p.parse().ok()?))),
        None => Some((s.to_owned(), None)),
    }
}

/// A named connection from podman's list: `podman-connections.json` (podman 5) in the
/// user's config directory, else `podman system connection list --format json`.
pub fn named_connection(name: &str, user: bool) -> Result<HostSpec, String> {
    let list = connection_list()?;
    let Some((uri, identity)) = list
        .iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, u, i)| (u.clone(), i.clone()))
    else {
        let names: Vec<&str> = list.iter().map(|(n, _, _)| n.as_str()).collect();
        return Err(if names.is_empty() {
            format!(
                "no podman connection named {name:?}: podman knows none (podman system connection add NAME URL)"
            )
        } else {
            format!(
                "no podman connection named {name:?} (known: {})",
                names.join(", ")
            )
        });
    };
    let mut spec = HostSpec::parse(&uri, user)?;
    spec.label = name.to_owned();
    if let Endpoint::Ssh { identity: id, .. } = &mut spec.endpoint {
        *id = identity.filter(|i| !i.as_os_str().is_empty());
    }
    Ok(spec)
}

fn connection_list() -> Result<Vec<(String, String, Option<PathBuf>)>, String> {
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")));
    if let Some(dir) = config_home {
        let file = dir.join("containers/podman-connections.json");
        if let Ok(text) = std::fs::read_to_string(&file) {
            return parse_connections_file(&text).map_err(|e| format!("{}: {e}", file.display()));
        }
    }
    let out = Command::new("podman")
        .args(["system", "connection", "list", "--format", "json"])
        .output()
        .map_err(|e| format!("cannot read podman's connection list (podman: {e})"))?;
    if !out.status.success() {
        return Err(format!(
            "podman system connection list failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    parse_connection_list(&String::from_utf8_lossy(&out.stdout))
}

/// podman 5's `podman-connections.json`: `{"Connection": {"Connections": {NAME: {"URI",
/// "Identity"}}}}`.
pub fn parse_connections_file(
    text: &str,
) -> Result<Vec<(String, String, Option<PathBuf>)>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    if let Some(map) = v
        .pointer("/Connection/Connections")
        .and_then(|c| c.as_object())
    {
        for (name, c) in map {
            let uri = c.get("URI").and_then(|u| u.as_str()).unwrap_or("");
            let id = c
                .get("Identity")
                .and_then(|u| u.as_str())
                .map(PathBuf::from);
            out.push((name.clone(), uri.to_owned(), id));
        }
    }
    Ok(out)
}

/// `podman system connection list --format json`: `[{"Name", "URI", "Identity"}]`.
pub fn parse_connection_list(text: &str) -> Result<Vec<(String, String, Option<PathBuf>)>, String> {
    let v: serde_json::Value = serde_json::from_str(text.trim()).map_err(|e| e.to_string())?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    let s = |k: &str| c.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
                    let id = s("Identity");
                    (
                        s("Name"),
                        s("URI"),
                        (!id.is_empty()).then(|| PathBuf::from(id)),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

/// A reached host: the API socket to talk to, and the way to run commands there.
#[derive(Debug)]
pub struct Host {
    pub spec: HostSpec,
    /// The API socket on this machine (the forwarded one for ssh).
    pub socket: PathBuf,
    ssh: Option<SshSession>,
}

#[derive(Debug)]
struct SshSession {
    /// The ssh arguments that name the destination (`-p`, `-i`, `-F`, `[user@]host`).
    dest_args: Vec<String>,
    control: PathBuf,
    master: Child,
    _dir: tempfile::TempDir,
}

impl Drop for SshSession {
    fn drop(&mut self) {
        let _ = self.master.kill();
        let _ = self.master.wait();
    }
}

impl Host {
    /// Connects: checks a local socket exists, or opens the ssh master connection with the
    /// socket forward and waits (up to `timeout`) for it.
    pub fn connect(spec: HostSpec, timeout: Duration) -> Result<Self, String> {
        match spec.endpoint.clone() {
            Endpoint::Unix(path) => {
                if !path.exists() {
                    return Err(format!(
                        "{}: no socket there{}",
                        path.display(),
                        if spec.user {
                            " (start it with: systemctl --user enable --now podman.socket)"
                        } else {
                            " (start it with: systemctl enable --now podman.socket)"
                        }
                    ));
                }
                Ok(Self {
                    spec,
                    socket: path,
                    ssh: None,
                })
            }
            Endpoint::Ssh {
                user,
                host,
                port,
                socket,
                identity,
            } => {
                let mut dest_args = vec![
                    "-o".to_owned(),
                    "BatchMode=yes".to_owned(),
                    "-o".to_owned(),
                    format!("ConnectTimeout={}", timeout.as_secs().max(1)),
                ];
                if let Some(f) = &spec.ssh_config {
                    dest_args.push("-F".to_owned());
                    dest_args.push(f.display().to_string());
                }
                if let Some(p) = port {
                    dest_args.push("-p".to_owned());
                    dest_args.push(p.to_string());
                }
                if let Some(i) = &identity {
                    dest_args.push("-i".to_owned());
                    dest_args.push(i.display().to_string());
                }
                dest_args.push(match &user {
                    Some(u) => format!("{u}@{host}"),
                    None => host.clone(),
                });
                let dir = tempfile::Builder::new()
                    .prefix("migrate-verify-")
                    .tempdir()
                    .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
                let control = dir.path().join("ctl");
                let local = dir.path().join("podman.sock");
                let remote = match socket {
                    Some(s) => s,
                    None => default_remote_socket(&dest_args, spec.user, timeout)?,
                };
                let mut cmd = Command::new("ssh");
                cmd.args(["-M", "-S"])
                    .arg(&control)
                    .args([
                        "-N",
                        "-T",
                        "-o",
                        "ExitOnForwardFailure=yes",
                        "-o",
                        "StreamLocalBindUnlink=yes",
                        "-L",
                    ])
                    .arg(format!("{}:{remote}", local.display()))
                    .args(&dest_args)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .process_group(0);
                let mut master = cmd.spawn().map_err(|e| format!("cannot run ssh: {e}"))?;
                let deadline = Instant::now() + timeout;
                loop {
                    if local.exists() && control.exists() {
                        break;
                    }
                    if let Ok(Some(status)) = master.try_wait() {
                        let mut err = String::new();
                        if let Some(mut e) = master.stderr.take() {
                            let _ = e.read_to_string(&mut err);
                        }
                        return Err(format!(
                            "ssh to {} failed ({status}): {}",
                            spec.label,
                            err.trim()
                        ));
                    }
                    if Instant::now() > deadline {
                        let _ = master.kill();
                        let _ = master.wait();
                        return Err(format!(
                            "ssh to {} did not connect within {} s",
                            spec.label,
                            timeout.as_secs()
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Ok(Self {
                    spec,
                    socket: local,
                    ssh: Some(SshSession {
                        dest_args,
                        control,
                        master,
                        _dir: dir,
                    }),
                })
            }
        }
    }

    /// Whether this is a remote host.
    pub fn is_remote(&self) -> bool {
        self.ssh.is_some()
    }

    /// Runs `argv` on the host (locally, or over the ssh connection with every word quoted).
    pub fn run(&self, argv: &[&str], timeout: Duration) -> Result<Output, String> {
        self.run_with(argv, None, timeout, None)
    }

    /// [`Self::run`] with `input` on the command's stdin, stopped early (killed, an error)
    /// once `cancel` is set.
    pub fn run_with(
        &self,
        argv: &[&str],
        input: Option<&[u8]>,
        timeout: Duration,
        cancel: Option<&AtomicBool>,
    ) -> Result<Output, String> {
        let mut cmd = match &self.ssh {
            None => {
                let mut c = Command::new(argv[0]);
                c.args(&argv[1..]);
                c
            }
            Some(s) => {
                let mut c = Command::new("ssh");
                c.arg("-S")
                    .arg(&s.control)
                    .args(&s.dest_args)
                    .arg("--")
                    .arg(shell::quote_words(argv.iter().copied()));
                c
            }
        };
        cmd.stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        run_child(cmd, input, timeout, cancel).map_err(|e| format!("{}: {e}", argv.join(" ")))
    }

    /// Whether `ip:port` on the host accepts a TCP connection (`0.0.0.0` and `::` are tried as
    /// the loopback address).
    pub fn tcp_probe(&self, ip: &str, port: u16, timeout: Duration) -> Result<(), String> {
        let ip = match ip {
            "" | "0.0.0.0" => "127.0.0.1",
            "::" | "[::]" => "::1",
            x => x.trim_start_matches('[').trim_end_matches(']'),
        };
        match &self.ssh {
            None => {
                let addr: SocketAddr = (ip, port)
                    .to_socket_addrs()
                    .map_err(|e| e.to_string())?
                    .next()
                    .ok_or("no address")?;
                TcpStream::connect_timeout(&addr, timeout)
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            Some(s) => {
                let target = if ip.contains(':') {
                    format!("[{ip}]:{port}")
                } else {
                    format!("{ip}:{port}")
                };
                let mut cmd = Command::new("ssh");
                cmd.arg("-S")
                    .arg(&s.control)
                    .args(&s.dest_args)
                    .arg("-W")
                    .arg(target)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped());
                let out = output_with_timeout(cmd, timeout)?;
                if out.status.success() {
                    Ok(())
                } else {
                    Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
                }
            }
        }
    }
}

/// The podman socket of the ssh user: rootful for root, `/run/user/UID/podman/podman.sock`
/// otherwise (asked with `id -u`).
fn default_remote_socket(dest: &[String], user: bool, timeout: Duration) -> Result<String, String> {
    let mut cmd = Command::new("ssh");
    cmd.args(dest)
        .args(["--", "id", "-u"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = output_with_timeout(cmd, timeout)?;
    if !out.status.success() {
        return Err(format!(
            "ssh {} failed: {}",
            dest.last().map(String::as_str).unwrap_or(""),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let uid = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    Ok(if uid == "0" && !user {
        ROOTFUL_SOCKET.to_owned()
    } else {
        format!("/run/user/{uid}/podman/podman.sock")
    })
}

/// Runs `cmd` (stdout and stderr piped), killing it after `timeout`.
pub fn output_with_timeout(cmd: Command, timeout: Duration) -> Result<Output, String> {
    run_child(cmd, None, timeout, None)
}

/// Runs `cmd` in a process group of its own (a Ctrl-C at the terminal reaches `migrate`
/// alone, which decides what to stop), `input` written to its stdin, killed after `timeout`
/// or once `cancel` is set.
fn run_child(
    mut cmd: Command,
    input: Option<&[u8]>,
    timeout: Duration,
    cancel: Option<&AtomicBool>,
) -> Result<Output, String> {
    cmd.process_group(0);
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    let writer = match (child.stdin.take(), input) {
        (Some(mut pipe), Some(bytes)) => {
            let bytes = bytes.to_vec();
            Some(std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            }))
        }
        _ => None,
    };
    let out_pipe = child.stdout.take();
    let err_pipe = child.stderr.take();
    let reader = |p: Option<std::process::ChildStdout>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            if let Some(mut p) = p {
                let _ = p.read_to_end(&mut b);
            }
            b
        })
    };
    let out_t = reader(out_pipe);
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(mut p) = err_pipe {
            let _ = p.read_to_end(&mut b);
        }
        b
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(s) => break s,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {} s", timeout.as_secs_f64()));
            }
            None if cancel.is_some_and(|c| c.load(Ordering::SeqCst)) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("interrupted".to_owned());
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    Ok(Output {
        status,
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn host_urls() {
        let h = HostSpec::parse("unix:///run/podman/podman.sock", false).unwrap();
        assert_eq!(h.endpoint, Endpoint::Unix("/run/podman/podman.sock".into()));
        let h = HostSpec::parse(
            "ssh://core@10.0.0.5:2222/run/user/1000/podman/podman.sock",
            true,
        )
        .unwrap();
        assert_eq!(
            h.endpoint,
            Endpoint::Ssh {
                user: Some("core".into()),
                host: "10.0.0.5".into(),
                port: Some(2222),
                socket: Some("/run/user/1000/podman/podman.sock".into()),
                identity: None,
            }
        );
        // The user's socket is a rootless host without --user; the system's is not.
        assert!(
            HostSpec::parse("ssh://core@h/run/user/1000/podman/podman.sock", false)
                .unwrap()
                .user
        );
        assert!(
            HostSpec::parse("unix:///run/user/1000/podman/podman.sock", false)
                .unwrap()
                .user
        );
        assert!(
            !HostSpec::parse("ssh://h/run/podman/podman.sock", false)
                .unwrap()
                .user
        );
        let h = HostSpec::parse("ssh://[fe80::1]:22", false).unwrap();
        assert!(
            matches!(h.endpoint, Endpoint::Ssh { ref host, port: Some(22), socket: None, .. } if host == "fe80::1")
        );
        for bad in [
            "unix://relative",
            "tcp://h:1",
            "http://x",
            "ssh://",
            "ssh://h:port",
        ] {
            assert!(HostSpec::parse(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn connection_lists_of_both_podman_generations() {
        let five = r#"{"Connection":{"Default":"a","Connections":{"a":{"URI":"ssh://root@h:22/run/podman/podman.sock","Identity":"/k"}}},"Farm":{}}"#;
        assert_eq!(
            parse_connections_file(five).unwrap(),
            vec![(
                "a".into(),
                "ssh://root@h:22/run/podman/podman.sock".into(),
                Some(PathBuf::from("/k"))
            )]
        );
        let four = r#"[{"Name":"b","URI":"ssh://u@h/run/user/1000/podman/podman.sock","Identity":"","Default":true}]"#;
        assert_eq!(
            parse_connection_list(four).unwrap(),
            vec![(
                "b".into(),
                "ssh://u@h/run/user/1000/podman/podman.sock".into(),
                None
            )]
        );
    }
}
