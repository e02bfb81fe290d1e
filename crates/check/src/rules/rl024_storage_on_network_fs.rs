//! RL024 storage-on-network-fs (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL024",
    name: "storage-on-network-fs",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

const NETWORK_FS: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "gpfs",
    "lustre",
    "ceph",
    "glusterfs",
    "fuse.sshfs",
    "beegfs",
];

pub const DOC: &str = r#"## What it checks
The host facts say the user's Podman storage (`graphroot`, by default `~/.local/share/containers/storage`) is on a network filesystem (NFS, CIFS, GPFS, Lustre, ...).

## Why it breaks
These filesystems do not understand user namespaces: the server checks the real UID, so unpacking image layers owned by other IDs fails (`ApplyLayer ... open /root/.bash_logout: permission denied`, EPERM during pull or build).

## Example
```yaml
# any project, run by a user whose home is on NFS
services:
  web:
    image: nginx:1.27
```

## Fix
Point rootless storage at a local disk in `~/.config/containers/storage.conf`: `[storage]` with `graphroot = "/var/tmp/USER/containers/storage"` (or `rootless_storage_path` in `/etc/containers/storage.conf`), then `podman system reset`.

## References
- Catalogue row A.29.
- podman `troubleshooting.md` §14, `podman.1.md` "Unsupported file systems".
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(fs) = ctx.host.and_then(|h| h.storage_fs.clone()) else {
        return Vec::new();
    };
    if !NETWORK_FS.contains(&fs.as_str()) {
        return Vec::new();
    }
    let Some(svc) = ctx.project.services.values().next() else {
        return Vec::new();
    };
    let root = ctx
        .host
        .and_then(|h| h.podman.as_ref())
        .and_then(|p| p.graph_root.clone())
        .unwrap_or_else(|| "~/.local/share/containers/storage".to_owned());
    vec![
        Finding::new(&RULE, svc.span, format!("services.{}", svc.name), format!(
            "podman storage {root} is on {fs}; rootless image layers cannot be unpacked there"
        ))
        .fact(format!("storage filesystem = {fs}"))
        .fix_text("set graphroot to a local disk in ~/.config/containers/storage.conf, then `podman system reset`"),
    ]
}
