//! Unit, container, network, volume and image names as Compose and podman use them, and the
//! two key-path builders every mapping uses.

use transship_ir::{Project, Service};

/// A string made safe for a unit file name: systemd allows `[A-Za-z0-9:_.\-]`; anything else
/// becomes `_`.
pub fn unit_safe(s: &str) -> String {
    if s.bytes().all(unit_safe_byte) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn unit_safe_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'.' | b'-')
}

/// `<prefix>-<name>` made unit-safe (see [`unit_safe`]), built in place when nothing needs
/// replacing.
fn unit_safe_pair(prefix: &str, name: &str) -> String {
    if prefix.bytes().chain(name.bytes()).all(unit_safe_byte) {
        cat([prefix, "-", name])
    } else {
        unit_safe(&cat([prefix, "-", name]))
    }
}

/// `<project>-<service>`: base of the `.container` file and of its `.service`.
pub fn service_base(p: &Project, service: &str) -> String {
    unit_safe_pair(&p.name.value, service)
}

/// The systemd unit of a service's container.
pub fn service_unit(p: &Project, service: &str) -> String {
    let mut s = service_base(p, service);
    s.push_str(".service");
    s
}

/// `<project>-<key>`: base of a `.network` file.
pub fn network_base(p: &Project, key: &str) -> String {
    unit_safe_pair(&p.name.value, key)
}

/// `<project>-<key>`: base of a `.volume` file.
pub fn volume_base(p: &Project, key: &str) -> String {
    unit_safe_pair(&p.name.value, key)
}

/// `<project>`: base of the `.pod` file.
pub fn pod_base(p: &Project) -> String {
    unit_safe(&p.name.value)
}

/// Compose's container name: `container_name`, else `<project>-<service>-1`.
pub fn container_name(p: &Project, s: &Service) -> String {
    match &s.container_name {
        Some(n) => n.value.clone(),
        None => format!("{}-{}-1", p.name.value, s.name),
    }
}

/// The image name Compose gives a built service without `image:`.
pub fn built_image(p: &Project, s: &Service) -> String {
    match &s.image {
        Some(i) => local_image(&i.value),
        None => format!("localhost/{}-{}", p.name.value, s.name),
    }
}

/// A fully qualified image reference, resolved the way Docker (and so Compose) resolves short
/// names: `busybox` → `docker.io/library/busybox`, `me/app:1` → `docker.io/me/app:1`. A
/// reference whose first component names a registry (has `.` or `:`, or is `localhost`) is
/// kept. Quadlet warns about short names, and podman would resolve them through its own
/// short-name aliases instead of Docker Hub.
pub fn qualify_image(image: &str) -> String {
    let first = image.split('/').next().unwrap_or("");
    let has_registry = image.contains('/') && (first.contains(['.', ':']) || first == "localhost");
    if has_registry {
        image.to_owned()
    } else if image.contains('/') {
        format!("docker.io/{image}")
    } else {
        format!("docker.io/library/{image}")
    }
}

/// The tag a locally built image gets: short names go to `localhost/` (podman's default for
/// `podman build -t name`), qualified names are kept.
pub fn local_image(image: &str) -> String {
    let first = image.split('/').next().unwrap_or("");
    if image.contains('/') && (first.contains(['.', ':']) || first == "localhost") {
        image.to_owned()
    } else {
        format!("localhost/{image}")
    }
}

/// The concatenation of `parts` in one allocation of the exact size (key paths and values
/// built from a few pieces; `format!` would grow its buffer and run the formatting machinery).
pub fn cat<const N: usize>(parts: [&str; N]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `parts` concatenated, then `[i]` (a list item's key path: `services.web.ports[0]`).
pub fn key_at<const N: usize>(parts: [&str; N], i: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 6);
    for p in parts {
        s.push_str(p);
    }
    let _ = write!(s, "[{i}]");
    s
}
