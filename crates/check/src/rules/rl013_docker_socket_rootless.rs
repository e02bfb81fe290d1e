//! RL013 docker-socket-rootless (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL013",
    name: "docker-socket-rootless",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: true,
    check,
};

pub const DOC: &str = r#"## What it checks
A bind mount of `/var/run/docker.sock` (or `/run/docker.sock`): Traefik, Portainer, Watchtower and other tools that drive the container engine.

## Why it breaks
Without Docker on the host the mount fails (`Error: statfs /var/run/docker.sock: no such file or directory`); when the socket exists it is root-owned and the rootless container gets `Permission denied` connecting to it. Either way the tool cannot see the containers.

## Example
```yaml
services:
  proxy:
    image: traefik:v3.1
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
```

## Fix
Enable the user's Podman API socket (`systemctl --user enable --now podman.socket`) and mount it instead: `/run/user/UID/podman/podman.sock:/var/run/docker.sock`. On SELinux hosts also `security_opt: [label=disable]`. Tools that need Docker-only APIs may still fail. A mechanical patch rewrites the source path.

## References
- Catalogue row A.17 (verified: missing socket and root-owned socket).
- containers/podman#10770.
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let uid = ctx.host.and_then(|h| h.uid());
    let replacement = match uid {
        Some(u) => format!("/run/user/{u}/podman/podman.sock"),
        None => "${XDG_RUNTIME_DIR}/podman/podman.sock".to_owned(),
    };
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (i, vol) in svc.volumes.iter().enumerate() {
            let Some(src) = vol.value.source.as_deref() else {
                continue;
            };
            if !util::is_bind(&vol.value) || !util::is_docker_socket(src) {
                continue;
            }
            let node = ctx.host.and_then(|h| h.paths.get(src));
            let fact = match (node, uid) {
                (Some(n), _) if !n.exists => format!("{src}: missing"),
                (Some(n), Some(u)) => format!(
                    "{src}: owner {}:{} mode {:04o}, not the rootless user {u}",
                    n.uid, n.gid, n.mode
                ),
                _ => "a rootless user cannot reach the root Docker socket".to_owned(),
            };
            let edits: Vec<Edit> = util::short_volume_text(ctx.sources, vol.span)
                .and_then(|t| {
                    let written = t.split(':').next()?.to_owned();
                    util::is_docker_socket(&written)
                        .then(|| {
                            util::replace_in_scalar_edit(
                                ctx.sources,
                                vol.span,
                                &written,
                                &replacement,
                            )
                        })
                        .flatten()
                })
                .into_iter()
                .collect();
            out.push(
                Finding::new(&RULE, vol.span, format!("{}[{i}]", key(svc, "volumes")), format!(
                    "the Docker socket {src} is not usable by a rootless container"
                ))
                .fact(fact)
                .fix(Fix::with_edits(
                    format!("systemctl --user enable --now podman.socket, and mount {replacement} instead of {src}"),
                    edits,
                )),
            );
        }
    }
    out
}
