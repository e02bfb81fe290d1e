//! RL029 sys-admin-rootless (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL029",
    name: "sys-admin-rootless",
    severity: Severity::Warning,
    category: Category::Rootless,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
`cap_add: [SYS_ADMIN]` (or `ALL`, which includes it) on a service that will run rootless.

## Why it breaks
Rootless, every capability belongs to the user namespace of the user who runs podman, not to the host: the container starts and holds `CAP_SYS_ADMIN`, but only for what the kernel allows a user namespace. `tmpfs`, `proc` and bind mounts work; mounting `sysfs`, a cgroup hierarchy, a block-device filesystem (`ext4`, `xfs`) or a network filesystem (`nfs`, `cifs`) fails with `mount: permission denied (are you root?)`, and so does `mknod`. This holds on every host: no host setting gives a rootless user more. Software that adds `SYS_ADMIN` to mount storage, run systemd or Docker-in-Docker, or tune the kernel breaks at run time, not at start.

## Example
```yaml
services:
  backup:
    image: example/nfs-backup:1
    cap_add: [SYS_ADMIN]
    command: ["sh", "-c", "mount -t nfs nas:/backup /mnt && run-backup"]
```

## Fix
Mount on the host instead and hand the container the result: a bind mount of the host's mount point, a named volume with `driver_opts` (`type: nfs`), or `tmpfs:` for scratch space; drop `SYS_ADMIN`. For FUSE, pass `devices: [/dev/fuse]` (see RL009). A service that really needs host-level `SYS_ADMIN` must run rootful.

## References
- Verified on Podman 4.3.1 rootless with runc: with `--cap-add SYS_ADMIN`, `mount -t tmpfs`, `mount -t proc` and `mount --bind` succeed, `mount -t sysfs`, `mount -t cgroup` and `mount -t ext4` fail with permission denied (rootful, the same container mounts sysfs and cgroup).
- `user_namespaces(7)` (which filesystems a user namespace may mount); podman `rootless.md`.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(cap) = svc.cap_add.iter().find(|c| {
            let name = c.value.trim().to_ascii_uppercase();
            matches!(name.trim_start_matches("CAP_"), "SYS_ADMIN" | "ALL")
        }) else {
            continue;
        };
        let user = ctx.host.and_then(|h| h.user.as_ref());
        let whose = user.map_or_else(
            || "the rootless user".to_owned(),
            |u| format!("{} (uid {})", u.name, u.uid),
        );
        let name = cap.value.trim();
        let what = if name.eq_ignore_ascii_case("ALL") || name.eq_ignore_ascii_case("CAP_ALL") {
            format!("`cap_add: {name}` includes SYS_ADMIN, which is")
        } else {
            format!("`cap_add: {name}` is")
        };
        let mut f = Finding::new(&RULE, cap.span, key(svc, "cap_add"), format!(
            "{what} granted only inside the user namespace of {whose}: mounting sysfs, cgroup, block-device or network filesystems and mknod fail rootless (tmpfs, proc and bind mounts work)"
        ))
        .fix_text("mount on the host (bind mount, a volume with driver_opts, or tmpfs:) and drop SYS_ADMIN; FUSE needs devices: [/dev/fuse]; or run this service rootful");
        if user.is_some() {
            f = f.fact(format!("containers run as {whose}, not root"));
        }
        out.push(f);
    }
    out
}
