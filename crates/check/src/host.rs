//! Host facts: what the rootless rules need to know about the host that will run the stack.
//!
//! [`HostFacts`] is plain data with a JSON form (serde), so `migrate check --dump-host-facts`
//! on the target host and `migrate check --host-facts FILE` on a laptop give the same result.
//!
//! [`gather`] reads the live host: files under `/proc`, `/sys`, `/etc`, `/dev`, `/run` and
//! `/var/lib/systemd/linger`, for the identity of the *current process* (run it as the user
//! who will run the containers). This is the one place in the crate that reads the host.
//! Asking podman itself (`podman version`, `podman info`) is a runtime query, which the design
//! keeps out of library crates: it goes through the small [`PodmanQuery`] trait, which the CLI
//! fills by running the commands, and tests fill with canned output.

use std::collections::BTreeMap;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The version of the JSON layout below.
pub const SCHEMA: u32 = 1;

/// Facts about one host and one user. Every field is optional: `None` means "not known"
/// (rules then report conditionally).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HostFacts {
    pub schema: u32,
    /// The user the facts were gathered for (the one who runs the containers).
    pub user: Option<UserFacts>,
    /// `net.ipv4.ip_unprivileged_port_start`.
    pub ip_unprivileged_port_start: Option<u32>,
    /// `net.ipv4.ping_group_range` (low, high); `1 0` means nobody.
    pub ping_group_range: Option<[u32; 2]>,
    pub cgroup: Option<CgroupFacts>,
    /// The user's `/etc/subuid` ranges; `Some(empty)` means none.
    pub subuid: Option<Vec<IdRange>>,
    /// The user's `/etc/subgid` ranges; `Some(empty)` means none.
    pub subgid: Option<Vec<IdRange>>,
    /// Hard resource limits of the user's processes.
    pub rlimits: Rlimits,
    /// Device nodes by path (`/dev/net/tun`, `/dev/fuse`, and the project's `devices:`).
    pub devices: BTreeMap<String, NodeFacts>,
    /// Bind-mount sources of the project by absolute path.
    pub paths: BTreeMap<String, NodeFacts>,
    /// `enforcing`, `permissive` or `disabled`.
    pub selinux: Option<String>,
    /// AppArmor enabled in the kernel.
    pub apparmor: Option<bool>,
    /// `loginctl enable-linger` is on for the user.
    pub lingering: Option<bool>,
    /// PID 1 is systemd.
    pub systemd_pid1: Option<bool>,
    /// A systemd user manager runs for the user (`/run/user/UID/systemd/private`).
    pub user_systemd: Option<bool>,
    /// `/run/systemd/journal/socket` exists.
    pub journald: Option<bool>,
    pub podman: Option<PodmanFacts>,
    /// Filesystem type under podman's storage (`ext4`, `nfs`, ...).
    pub storage_fs: Option<String>,
    /// An mqueue filesystem is mounted at `/dev/mqueue` (needed by `ipc: host`).
    pub dev_mqueue: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UserFacts {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    /// Supplementary groups.
    pub groups: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CgroupFacts {
    /// 1 (legacy or hybrid) or 2 (unified).
    pub version: u8,
    /// Controllers delegated to the user (cgroup v2); `None` when unknown or v1.
    pub delegated_controllers: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IdRange {
    pub start: u64,
    pub count: u64,
}

/// Hard limits; `-1` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Rlimits {
    pub nofile: Option<i64>,
    /// Bytes.
    pub memlock: Option<i64>,
    pub nproc: Option<i64>,
}

impl Rlimits {
    /// The hard limit for a Compose `ulimits:` name, when known.
    pub fn get(&self, name: &str) -> Option<i64> {
        match name {
            "nofile" => self.nofile,
            "memlock" => self.memlock,
            "nproc" => self.nproc,
            _ => None,
        }
    }
}

/// A file system node: kind, mode bits and owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeFacts {
    pub exists: bool,
    /// `char`, `block`, `dir`, `file`, `socket`, `other`.
    pub kind: String,
    /// Permission bits (`0o666` is 438).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// False when a parent directory cannot be traversed by the user (permission denied).
    pub reachable: bool,
}

impl Default for NodeFacts {
    fn default() -> Self {
        Self {
            exists: false,
            kind: String::new(),
            mode: 0,
            uid: 0,
            gid: 0,
            reachable: true,
        }
    }
}

impl NodeFacts {
    /// Read/write access of `uid` inside a rootless container: owner bits when the user owns
    /// it, otherwise the "other" bits (supplementary groups are dropped by setgroups).
    pub fn access(&self, uid: u32) -> (bool, bool) {
        if !self.exists || !self.reachable {
            return (false, false);
        }
        let bits = if self.uid == uid {
            (self.mode >> 6) & 7
        } else {
            self.mode & 7
        };
        (bits & 4 != 0, bits & 2 != 0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PodmanFacts {
    /// `4.3.1`.
    pub version: String,
    /// `netavark` or `cni`.
    pub network_backend: Option<String>,
    /// `slirp4netns` or `pasta`.
    pub rootless_network_cmd: Option<String>,
    pub graph_root: Option<String>,
    pub graph_driver: Option<String>,
    pub cgroup_manager: Option<String>,
    pub rootless: Option<bool>,
}

impl PodmanFacts {
    /// `(major, minor)` of the version.
    pub fn version_tuple(&self) -> Option<(u32, u32)> {
        parse_version(&self.version)
    }

    /// The rootless port/network handler: as reported, else by version (pasta from 5.0).
    pub fn network_cmd(&self) -> Option<String> {
        self.rootless_network_cmd.clone().or_else(|| {
            self.version_tuple()
                .map(|(major, _)| if major >= 5 { "pasta" } else { "slirp4netns" }.to_owned())
        })
    }
}

/// `"4.3.1"` -> `(4, 3)`.
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let mut it = v.trim().trim_start_matches('v').split(['.', '-', '+']);
    let major = it.next()?.parse().ok()?;
    let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

impl HostFacts {
    pub fn uid(&self) -> Option<u32> {
        self.user.as_ref().map(|u| u.uid)
    }

    pub fn user_name(&self) -> String {
        self.user
            .as_ref()
            .map_or_else(|| "USER".to_owned(), |u| u.name.clone())
    }

    /// Total size of the user's subuid ranges (`None`: unknown).
    pub fn subuid_count(&self) -> Option<u64> {
        self.subuid
            .as_ref()
            .map(|r| r.iter().map(|r| r.count).sum())
    }

    pub fn subgid_count(&self) -> Option<u64> {
        self.subgid
            .as_ref()
            .map(|r| r.iter().map(|r| r.count).sum())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("host facts: {e}"))
    }
}

/// Asks podman about itself. The CLI implements it by running `podman version --format json`
/// and `podman info --format json`; `None` when podman is missing or fails.
pub trait PodmanQuery {
    fn version_json(&self) -> Option<String>;
    fn info_json(&self) -> Option<String>;
}

/// A [`PodmanQuery`] for hosts without podman (or when it must not be asked).
pub struct NoPodman;

impl PodmanQuery for NoPodman {
    fn version_json(&self) -> Option<String> {
        None
    }
    fn info_json(&self) -> Option<String> {
        None
    }
}

/// Builds [`PodmanFacts`] from the JSON of `podman version` and `podman info`.
pub fn podman_facts(version_json: Option<&str>, info_json: Option<&str>) -> Option<PodmanFacts> {
    let version: Option<serde_json::Value> =
        version_json.and_then(|t| serde_json::from_str(t).ok());
    let info: Option<serde_json::Value> = info_json.and_then(|t| serde_json::from_str(t).ok());
    let str_at = |v: &Option<serde_json::Value>, path: &[&str]| -> Option<String> {
        let mut cur = v.as_ref()?;
        for p in path {
            cur = cur.get(p)?;
        }
        cur.as_str().map(str::to_owned)
    };
    let ver = str_at(&version, &["Client", "Version"])
        .or_else(|| str_at(&info, &["version", "Version"]))?;
    let rootless_cmd = str_at(&info, &["host", "rootlessNetworkCmd"]).or_else(|| {
        let has_slirp = info
            .as_ref()
            .and_then(|i| {
                i.get("host")?
                    .get("slirp4netns")?
                    .get("executable")?
                    .as_str()
            })
            .is_some_and(|s| !s.is_empty());
        (has_slirp && parse_version(&ver).is_some_and(|(m, _)| m < 5))
            .then(|| "slirp4netns".to_owned())
    });
    Some(PodmanFacts {
        version: ver,
        network_backend: str_at(&info, &["host", "networkBackend"]),
        rootless_network_cmd: rootless_cmd,
        graph_root: str_at(&info, &["store", "graphRoot"]),
        graph_driver: str_at(&info, &["store", "graphDriverName"]),
        cgroup_manager: str_at(&info, &["host", "cgroupManager"]),
        rootless: info
            .as_ref()
            .and_then(|i| i.get("host")?.get("security")?.get("rootless")?.as_bool()),
    })
}

/// Device nodes that are always recorded.
pub const STANDARD_DEVICES: &[&str] = &[
    "/dev/net/tun",
    "/dev/fuse",
    "/dev/kvm",
    "/dev/dri/renderD128",
];

/// Gathers the facts of the live host for the current process's user. `devices` and `paths`
/// are the project's device nodes and bind-mount sources (absolute) to record as well.
pub fn gather(podman: &dyn PodmanQuery, devices: &[String], paths: &[String]) -> HostFacts {
    let user = current_user();
    let uid = user.as_ref().map(|u| u.uid);
    let name = user.as_ref().map(|u| u.name.clone());

    let mut facts = HostFacts {
        schema: SCHEMA,
        ip_unprivileged_port_start: read_trim("/proc/sys/net/ipv4/ip_unprivileged_port_start")
            .and_then(|s| s.parse().ok()),
        ping_group_range: read_trim("/proc/sys/net/ipv4/ping_group_range").and_then(|s| {
            let mut it = s.split_whitespace().map(|x| x.parse::<u32>().ok());
            Some([it.next()??, it.next()??])
        }),
        rlimits: read_trim("/proc/self/limits")
            .map(|t| parse_limits(&t))
            .unwrap_or_default(),
        selinux: selinux_state(),
        apparmor: read_trim("/sys/module/apparmor/parameters/enabled").map(|s| s.starts_with('Y')),
        systemd_pid1: read_trim("/proc/1/comm").map(|c| c == "systemd"),
        journald: Some(Path::new("/run/systemd/journal/socket").exists()),
        ..HostFacts::default()
    };
    let mountinfo = read_trim("/proc/self/mountinfo").unwrap_or_default();
    let cgroup_fs = fs_type_of(&mountinfo, "/sys/fs/cgroup");
    facts.cgroup = cgroup_fs.map(|fs| {
        let version = if fs == "cgroup2" { 2 } else { 1 };
        let delegated = (version == 2)
            .then(|| {
                let uid = uid?;
                read_trim(&format!(
                    "/sys/fs/cgroup/user.slice/user-{uid}.slice/user@{uid}.service/cgroup.controllers"
                ))
                .map(|s| s.split_whitespace().map(str::to_owned).collect())
            })
            .flatten();
        CgroupFacts {
            version,
            delegated_controllers: delegated,
        }
    });
    if let (Some(name), Some(uid)) = (&name, uid) {
        facts.subuid = read_trim("/etc/subuid").map(|t| parse_subid(&t, name, uid));
        facts.subgid = read_trim("/etc/subgid").map(|t| parse_subid(&t, name, uid));
        facts.lingering = Some(Path::new("/var/lib/systemd/linger").join(name).exists());
        facts.user_systemd = Some(Path::new(&format!("/run/user/{uid}/systemd/private")).exists());
    }
    let mut all_devices: Vec<String> = STANDARD_DEVICES.iter().map(|s| (*s).to_owned()).collect();
    all_devices.extend(devices.iter().cloned());
    for d in all_devices {
        let node = node_facts(Path::new(&d));
        facts.devices.insert(d, node);
    }
    for p in paths {
        facts.paths.insert(p.clone(), node_facts(Path::new(p)));
    }
    facts.podman = podman_facts(
        podman.version_json().as_deref(),
        podman.info_json().as_deref(),
    );
    let graph_root = facts
        .podman
        .as_ref()
        .and_then(|p| p.graph_root.clone())
        .or_else(|| {
            let home = std::env::var("HOME").ok()?;
            Some(format!("{home}/.local/share/containers/storage"))
        });
    facts.storage_fs = graph_root.and_then(|g| fs_type_of(&mountinfo, &g));
    facts.dev_mqueue = (!mountinfo.is_empty()).then(|| {
        mountinfo
            .lines()
            .any(|l| l.split(' ').nth(4) == Some("/dev/mqueue"))
    });
    facts.user = user;
    facts
}

fn read_trim(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_owned())
}

fn selinux_state() -> Option<String> {
    if !Path::new("/sys/fs/selinux").exists() {
        return Some("disabled".to_owned());
    }
    read_trim("/sys/fs/selinux/enforce")
        .map(|e| if e == "1" { "enforcing" } else { "permissive" }.to_owned())
}

/// The user of this process, from `/proc/self/status` and `/etc/passwd`.
fn current_user() -> Option<UserFacts> {
    let status = read_trim("/proc/self/status")?;
    let field = |name: &str| -> Option<Vec<u32>> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        Some(
            line[name.len()..]
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect(),
        )
    };
    let uid = *field("Uid:")?.get(1)?;
    let gid = *field("Gid:")?.get(1)?;
    let groups = field("Groups:").unwrap_or_default();
    let passwd = read_trim("/etc/passwd").unwrap_or_default();
    let name = passwd
        .lines()
        .find_map(|l| {
            let mut f = l.split(':');
            let n = f.next()?;
            let u: u32 = f.nth(1)?.parse().ok()?;
            (u == uid).then(|| n.to_owned())
        })
        .unwrap_or_else(|| uid.to_string());
    Some(UserFacts {
        name,
        uid,
        gid,
        groups,
    })
}

/// Parses `/proc/self/limits` (hard column).
pub fn parse_limits(text: &str) -> Rlimits {
    let mut out = Rlimits::default();
    for line in text.lines() {
        let slot = if line.starts_with("Max open files") {
            &mut out.nofile
        } else if line.starts_with("Max locked memory") {
            &mut out.memlock
        } else if line.starts_with("Max processes") {
            &mut out.nproc
        } else {
            continue;
        };
        // "Max open files   1024   20000   files": the hard limit is the second value.
        let values: Vec<&str> = line
            .split_whitespace()
            .filter(|w| w.chars().all(|c| c.is_ascii_digit()) || *w == "unlimited")
            .collect();
        if let Some(h) = values.get(1) {
            *slot = if *h == "unlimited" {
                Some(-1)
            } else {
                h.parse().ok()
            };
        }
    }
    out
}

/// The user's ranges in a subuid/subgid file (entries by name or by numeric uid).
pub fn parse_subid(text: &str, name: &str, uid: u32) -> Vec<IdRange> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.trim().split(':');
            let who = f.next()?;
            if who != name && who != uid.to_string() {
                return None;
            }
            Some(IdRange {
                start: f.next()?.parse().ok()?,
                count: f.next()?.parse().ok()?,
            })
        })
        .collect()
}

/// The filesystem type of the mount that holds `path` (longest mount point prefix in
/// `/proc/self/mountinfo`).
pub fn fs_type_of(mountinfo: &str, path: &str) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(sep) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let (Some(mount_point), Some(fs)) = (fields.get(4), fields.get(sep + 1)) else {
            continue;
        };
        let mp = mount_point.replace("\\040", " ");
        let covers = path == mp
            || mp == "/"
            || path
                .strip_prefix(mp.as_str())
                .is_some_and(|r| r.starts_with('/'));
        if covers && best.as_ref().is_none_or(|(len, _)| mp.len() >= *len) {
            best = Some((mp.len(), (*fs).to_owned()));
        }
    }
    best.map(|(_, fs)| fs)
}

/// Kind, mode and owner of a path (not following a final symlink for devices).
pub fn node_facts(path: &Path) -> NodeFacts {
    match std::fs::metadata(path) {
        Ok(m) => {
            let ft = m.file_type();
            let kind = if ft.is_char_device() {
                "char"
            } else if ft.is_block_device() {
                "block"
            } else if ft.is_dir() {
                "dir"
            } else if ft.is_file() {
                "file"
            } else if ft.is_socket() {
                "socket"
            } else {
                "other"
            };
            NodeFacts {
                exists: true,
                kind: kind.to_owned(),
                mode: m.mode() & 0o7777,
                uid: m.uid(),
                gid: m.gid(),
                reachable: true,
            }
        }
        // Permission denied on the way: it may exist, but this user cannot reach it.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => NodeFacts {
            exists: true,
            kind: "unknown".to_owned(),
            reachable: false,
            ..NodeFacts::default()
        },
        Err(_) => NodeFacts::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_every_fact() {
        let mut f = HostFacts {
            schema: SCHEMA,
            user: Some(UserFacts {
                name: "rl".into(),
                uid: 1001,
                gid: 1001,
                groups: vec![1001, 27],
            }),
            ip_unprivileged_port_start: Some(1024),
            ping_group_range: Some([1, 0]),
            cgroup: Some(CgroupFacts {
                version: 2,
                delegated_controllers: Some(vec!["memory".into(), "pids".into()]),
            }),
            subuid: Some(vec![IdRange {
                start: 100000,
                count: 65536,
            }]),
            subgid: Some(vec![]),
            rlimits: Rlimits {
                nofile: Some(20000),
                memlock: Some(-1),
                nproc: None,
            },
            selinux: Some("enforcing".into()),
            apparmor: Some(false),
            lingering: Some(true),
            systemd_pid1: Some(true),
            user_systemd: Some(false),
            journald: Some(true),
            podman: Some(PodmanFacts {
                version: "5.4.2".into(),
                rootless_network_cmd: Some("pasta".into()),
                ..PodmanFacts::default()
            }),
            storage_fs: Some("nfs4".into()),
            dev_mqueue: Some(false),
            ..HostFacts::default()
        };
        f.devices.insert(
            "/dev/fuse".into(),
            NodeFacts {
                exists: true,
                kind: "char".into(),
                mode: 0o600,
                uid: 0,
                gid: 0,
                reachable: true,
            },
        );
        let back = HostFacts::from_json(&f.to_json()).expect("parses");
        assert_eq!(back, f);
        // Unknown fields default; an empty object is "nothing known".
        assert_eq!(
            HostFacts::from_json("{}").expect("empty"),
            HostFacts::default()
        );
        assert!(HostFacts::from_json("{\"schema\": \"x\"}").is_err());
    }

    #[test]
    fn limits_subids_and_mounts_parse() {
        let limits = "Limit  Soft Limit  Hard Limit  Units\n\
Max processes             96364                96364                processes\n\
Max open files            1024                 20000                files\n\
Max locked memory         8388608              unlimited            bytes\n";
        assert_eq!(
            parse_limits(limits),
            Rlimits {
                nofile: Some(20000),
                memlock: Some(-1),
                nproc: Some(96364)
            }
        );
        let sub = "root:1:2\nrl:100000:65536\n1001:300000:10\n";
        assert_eq!(parse_subid(sub, "rl", 1001).len(), 2);
        assert!(parse_subid(sub, "other", 7).is_empty());
        let mi = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n\
30 22 0:5 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n\
40 22 0:9 / /home rw - nfs4 srv:/home rw\n";
        assert_eq!(fs_type_of(mi, "/home/rl/.local").as_deref(), Some("nfs4"));
        assert_eq!(fs_type_of(mi, "/sys/fs/cgroup").as_deref(), Some("tmpfs"));
        assert_eq!(fs_type_of(mi, "/homer").as_deref(), Some("ext4"));
    }

    #[test]
    fn podman_json_gives_version_backend_and_network_cmd() {
        let v = r#"{"Client":{"Version":"4.3.1"}}"#;
        let i = r#"{"host":{"networkBackend":"netavark","cgroupManager":"cgroupfs","slirp4netns":{"executable":"/usr/bin/slirp4netns"},"security":{"rootless":true}},"store":{"graphRoot":"/x","graphDriverName":"vfs"}}"#;
        let p = podman_facts(Some(v), Some(i)).expect("facts");
        assert_eq!(p.version_tuple(), Some((4, 3)));
        assert_eq!(p.rootless_network_cmd.as_deref(), Some("slirp4netns"));
        assert_eq!(p.graph_driver.as_deref(), Some("vfs"));
        assert_eq!(p.rootless, Some(true));
        assert!(podman_facts(None, None).is_none());
        assert_eq!(parse_version("v5.4.2-dev"), Some((5, 4)));
    }

    #[test]
    fn node_access_uses_owner_or_other_bits() {
        let n = NodeFacts {
            exists: true,
            kind: "char".into(),
            mode: 0o660,
            uid: 0,
            gid: 44,
            reachable: true,
        };
        assert_eq!(n.access(1001), (false, false));
        let n = NodeFacts { mode: 0o666, ..n };
        assert_eq!(n.access(1001), (true, true));
    }
}
