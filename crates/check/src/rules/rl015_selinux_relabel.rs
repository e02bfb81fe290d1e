//! RL015 selinux-relabel (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL015",
    name: "selinux-relabel",
    severity: Severity::Warning,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

/// Directories that must never be relabeled.
const SYSTEM_DIRS: &[&str] = &[
    "/", "/etc", "/usr", "/home", "/var", "/root", "/opt", "/srv", "/tmp", "/run",
];

pub const DOC: &str = r#"## What it checks
On a host with SELinux enforcing: bind mounts without `:z`/`:Z` (no access from the container), and `:z`/`:Z` on a source the user does not own or on a system directory (the relabel fails). Without facts, only `:z`/`:Z` on system directories is reported.

## Why it breaks
Container processes run as `container_t` and may only touch `container_file_t` files: without a relabel every access is `Permission denied`. Relabeling needs ownership: `Error: lsetxattr(label=system_u:object_r:container_file_t:s0) /var/test: operation not permitted`. Relabeling `/home` or `/etc` breaks the host.

## Example
```yaml
services:
  app:
    image: example/app:1
    volumes:
      - ./config:/config
```

## Fix
Add `:z` (shared) or `:Z` (private to this container) to volumes the user owns; for sources owned by others, relabel once as root (`chcon -R -t container_file_t PATH`) or use `security_opt: [label=disable]`. Never relabel system directories. A mechanical patch adds `:z`.

## References
- Catalogue rows A.19 and A.20.
- podman `troubleshooting.md` §2, §45.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let selinux = ctx.host.and_then(|h| h.selinux.clone());
    let uid = ctx.host.and_then(|h| h.uid());
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let label_disabled = svc
            .security_opt
            .iter()
            .any(|o| o.value.replace(':', "=") == "label=disable");
        if label_disabled {
            continue;
        }
        for (i, vol) in svc.volumes.iter().enumerate() {
            let v = &vol.value;
            let Some(src) = v.source.as_deref() else {
                continue;
            };
            if !util::is_bind(v) {
                continue;
            }
            let path = format!("{}[{i}]", key(svc, "volumes"));
            let relabel = v.bind.as_ref().and_then(|b| b.selinux.clone());
            let system = SYSTEM_DIRS.contains(&src.trim_end_matches('/')) || src == "/";
            match (&relabel, selinux.as_deref()) {
                (Some(z), _) if system => out.push(
                    Finding::new(&RULE, vol.span, path, format!(
                        "`:{z}` would relabel the system directory {src}"
                    ))
                    .severity(Severity::Error)
                    .fact(format!("SELinux = {}", selinux.as_deref().unwrap_or("unknown")))
                    .conditional(selinux.is_none())
                    .fix_text("never relabel system directories: mount a dedicated subdirectory, or use `security_opt: [label=disable]`"),
                ),
                (Some(z), Some("enforcing")) => {
                    let node = ctx.host.and_then(|h| h.paths.get(src));
                    if let (Some(n), Some(u)) = (node, uid) {
                        if n.exists && n.uid != u {
                            out.push(
                                Finding::new(&RULE, vol.span, path, format!(
                                    "`:{z}` cannot relabel {src}: it is owned by uid {}, not the rootless user", n.uid
                                ))
                                .severity(Severity::Error)
                                .fact(format!("SELinux = enforcing; {src} owner {}", n.uid))
                                .fix_text(format!("relabel once as root: chcon -R -t container_file_t {src}; then drop `:{z}`")),
                            );
                        }
                    }
                }
                (None, Some("enforcing")) => {
                    let edits: Vec<Edit> = util::add_volume_option_edit(ctx.sources, vol.span, "z")
                        .into_iter()
                        .collect();
                    out.push(
                        Finding::new(&RULE, vol.span, path, format!(
                            "bind mount {src} has no SELinux label option; the container gets Permission denied"
                        ))
                        .fact("SELinux = enforcing")
                        .fix(Fix::with_edits("append `:z` (shared) or `:Z` (private) to the volume", edits)),
                    );
                }
                _ => {}
            }
        }
    }
    out
}
