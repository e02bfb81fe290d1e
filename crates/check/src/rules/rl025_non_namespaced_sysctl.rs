//! RL025 non-namespaced-sysctl (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "RL025",
    name: "non-namespaced-sysctl",
    severity: Severity::Error,
    category: Category::Rootless,
    doc: DOC,
    uses_host: false,
    check,
};

pub const DOC: &str = r#"## What it checks
`sysctls:` entries that are not namespaced (anything but `net.*`, `kernel.shm*`, `kernel.msg*`, `kernel.sem`, `fs.mqueue.*`), such as `vm.max_map_count` for Elasticsearch.

## Why it breaks
Only namespaced sysctls can be set per container. Podman refuses the others outright (rootful too): `Error: sysctl 'vm.max_map_count' is not allowed`.

## Example
```yaml
services:
  search:
    image: elasticsearch:8.15.0
    sysctls:
      vm.max_map_count: 262144
```

## Fix
Set it on the host: `/etc/sysctl.d/60-search.conf` with `vm.max_map_count = 262144`, then `sysctl --system`, and remove it from the service. A mechanical patch removes the entry (mapping form).

## References
- Catalogue row A.5 (verified: vm.* rejected; net.core.somaxconn and kernel.shmmax accepted).
- podman `options/sysctl.md`.
"#;

pub fn namespaced(name: &str) -> bool {
    name.starts_with("net.")
        || name.starts_with("kernel.shm")
        || name.starts_with("kernel.msg")
        || name == "kernel.sem"
        || name.starts_with("fs.mqueue.")
}

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        for (name, value) in &svc.sysctls {
            if namespaced(name) {
                continue;
            }
            let edits: Vec<Edit> = util::delete_key_line_edit(ctx.sources, value.span, name)
                .into_iter()
                .collect();
            out.push(
                Finding::new(&RULE, value.span, key(svc, &format!("sysctls.{name}")), format!(
                    "sysctl {name} is not namespaced; podman refuses to set it in a container"
                ))
                .fact("not a namespaced sysctl: it belongs to the host")
                .fix(Fix::with_edits(
                    format!("on the host: echo '{name} = {}' > /etc/sysctl.d/60-{}.conf && sysctl --system; remove it from the service", value.value, svc.name),
                    edits,
                )),
            );
        }
    }
    out
}
