//! Service `volumes` (short `src:dst:opts` and long syntax) and top-level `volumes`.

use std::collections::BTreeMap;

use transship_ir::{
    BindOptions, ImageMountOptions, ServiceVolume, Spanned, TmpfsOptions, Volume, VolumeOptions,
    VolumeType,
};

use super::read::*;
use crate::tree::{Key, Node, NodeValue};

pub(crate) fn service_volumes(
    cx: &CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Vec<Spanned<ServiceVolume>>> {
    let items = seq(cx, v, p)?;
    // Sized to the list: a `Vec` grown by `push` starts at 4 slots, twice or four times what
    // the usual one or two entries need (about 2 MiB at 2,000 services).
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ip = item_key_path(p, i);
        let vol = match &item.value {
            NodeValue::String(s) => short(cx, s, item, &ip)?,
            NodeValue::Map(_) => long(cx, item, &ip)?,
            _ => {
                return Err(cx.err(
                    item.span,
                    &ip,
                    format!("{ip} must be a string or a mapping"),
                ));
            }
        };
        out.push(Spanned::new(vol, item.span));
    }
    Ok(out)
}

/// A source that names a host path rather than a volume.
fn is_path(source: &str) -> bool {
    source.starts_with('.')
        || source.starts_with('/')
        || source.starts_with('~')
        || is_windows_path(source)
}

/// `c:/x` or `c:\x`: compose-go takes these as absolute (Windows) paths, kept as written.
fn is_windows_path(source: &str) -> bool {
    let b = source.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'/' | b'\\')
}

/// Splits a short volume spec on `:` like compose-go: a `:` right after a single letter that
/// starts a field is a Windows drive (`c:/x`), not a separator, so `v:/data` is one field.
pub fn split_spec(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in spec.char_indices() {
        if c == ':' {
            let mut field = spec[start..i].chars();
            let drive =
                matches!((field.next(), field.next()), (Some(l), None) if l.is_alphabetic());
            if !drive {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
        }
    }
    parts.push(&spec[start..]);
    parts
}

fn short(
    cx: &CanonicalizeState<'_>,
    spec: &str,
    item: &Node,
    ip: &str,
) -> LoadResult<ServiceVolume> {
    // compose-go takes a spec of one or two bytes (`/x`) as a bare target, without the
    // `volume: {}` options every other anonymous or named volume gets.
    if (1..=2).contains(&spec.len()) {
        return Ok(ServiceVolume {
            kind: VolumeType::Volume,
            target: spec.to_owned(),
            ..ServiceVolume::default()
        });
    }
    let parts: Vec<&str> = split_spec(spec);
    let (source, target, opts) = match parts.as_slice() {
        [t] => ("", *t, ""),
        [s, t] => (*s, *t, ""),
        [s, t, o] => (*s, *t, *o),
        _ => {
            return Err(cx.err(
                item.span,
                ip,
                format!("invalid spec: {spec}: too many colons"),
            ));
        }
    };
    if target.is_empty() || (parts.len() > 1 && source.is_empty()) {
        return Err(cx.err(
            item.span,
            ip,
            format!("invalid spec: {spec}: empty section between colons"),
        ));
    }
    let mut vol = ServiceVolume {
        target: clean_target(target),
        ..ServiceVolume::default()
    };
    if source.is_empty() {
        vol.kind = VolumeType::Volume;
        vol.volume = Some(VolumeOptions::default());
    } else if is_path(source) {
        vol.kind = VolumeType::Bind;
        vol.source = Some(if is_windows_path(source) {
            source.to_owned()
        } else {
            cx.abs_path(item.span, source)
                .to_string_lossy()
                .into_owned()
        });
        vol.bind = Some(BindOptions {
            create_host_path: Some(true),
            ..BindOptions::default()
        });
    } else {
        vol.kind = VolumeType::Volume;
        vol.source = Some(source.to_owned());
        vol.volume = Some(VolumeOptions::default());
    }
    for opt in opts.split(',').filter(|o| !o.is_empty()) {
        match opt {
            "ro" => vol.read_only = Some(true),
            "rw" => vol.read_only = Some(false),
            // On a named volume too (docker-compose keeps `bind: {selinux}` there, and podman
            // relabels the volume).
            "z" | "Z" => {
                vol.bind.get_or_insert_with(BindOptions::default).selinux = Some(opt.to_owned());
            }
            "nocopy" => vol.volume.get_or_insert_with(VolumeOptions::default).nocopy = Some(true),
            "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => {
                vol.bind
                    .get_or_insert_with(BindOptions::default)
                    .propagation = Some(opt.to_owned());
            }
            // Anything else (`cached`, `delegated`, typos) is ignored, as compose-go does.
            _ => {}
        }
    }
    Ok(vol)
}

fn long(cx: &CanonicalizeState<'_>, item: &Node, ip: &str) -> LoadResult<ServiceVolume> {
    let mut vol = ServiceVolume::default();
    let mut ext = BTreeMap::new();
    let mut kind = None;
    let mut source = None;
    for (k, n, kp) in object(cx, item, ip, &mut ext)? {
        match k.name.as_str() {
            "type" => {
                let t = string(cx, n, &kp)?;
                kind = Some(match t.value.as_str() {
                    "bind" => VolumeType::Bind,
                    "volume" => VolumeType::Volume,
                    "tmpfs" => VolumeType::Tmpfs,
                    "cluster" => VolumeType::Cluster,
                    "npipe" => VolumeType::Npipe,
                    "image" => VolumeType::Image,
                    other => {
                        return Err(cx.err(
                            n.span,
                            &kp,
                            format!("{kp} must be one of the following: \"bind\", \"volume\", \"tmpfs\", \"cluster\", \"npipe\", \"image\" (got {other:?})"),
                        ));
                    }
                });
            }
            "source" => source = opt_string(cx, n, &kp)?,
            "target" => vol.target = clean_target(&string(cx, n, &kp)?.value),
            "read_only" => vol.read_only = opt_bool_pure(cx, n, &kp)?,
            "consistency" => vol.consistency = omitempty_string(cx, n, &kp)?.map(|s| s.value),
            "bind" => {
                let mut b = BindOptions::default();
                let mut e = BTreeMap::new();
                for (k2, n2, p2) in object(cx, n, &kp, &mut e)? {
                    match k2.name.as_str() {
                        "propagation" => {
                            b.propagation = omitempty_string(cx, n2, &p2)?.map(|s| s.value)
                        }
                        "create_host_path" => b.create_host_path = opt_bool_pure(cx, n2, &p2)?,
                        "recursive" => {
                            b.recursive = omitempty_string(cx, n2, &p2)?.map(|s| s.value)
                        }
                        "selinux" => b.selinux = one_of(cx, n2, &p2, &["z", "Z"])?.map(|s| s.value),
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                b.extensions = e;
                vol.bind = Some(b);
            }
            "volume" => {
                let mut o = VolumeOptions::default();
                let mut e = BTreeMap::new();
                for (k2, n2, p2) in object(cx, n, &kp, &mut e)? {
                    match k2.name.as_str() {
                        "nocopy" => o.nocopy = opt_bool_pure(cx, n2, &p2)?,
                        "subpath" => o.subpath = omitempty_string(cx, n2, &p2)?.map(|s| s.value),
                        "labels" => {
                            o.labels = string_map(cx, n2, &p2)?
                                .into_iter()
                                .map(|(k, v)| (k, v.value))
                                .collect();
                        }
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                o.extensions = e;
                vol.volume = Some(o);
            }
            "tmpfs" => {
                let mut t = TmpfsOptions::default();
                let mut e = BTreeMap::new();
                for (k2, n2, p2) in object(cx, n, &kp, &mut e)? {
                    match k2.name.as_str() {
                        "size" => t.size = opt_byte_size(cx, n2, &p2)?.map(|s| s.value),
                        "mode" => t.mode = octal(cx, n2, &p2)?,
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                t.extensions = e;
                vol.tmpfs = Some(t);
            }
            "image" => {
                let mut o = ImageMountOptions::default();
                let mut e = BTreeMap::new();
                for (k2, n2, p2) in object(cx, n, &kp, &mut e)? {
                    match k2.name.as_str() {
                        "subpath" => o.subpath = omitempty_string(cx, n2, &p2)?.map(|s| s.value),
                        _ => return Err(unknown(cx, k2, &kp)),
                    }
                }
                vol.image = Some(o);
            }
            _ => return Err(unknown(cx, k, ip)),
        }
    }
    let Some(kind) = kind else {
        return Err(cx.err(item.span, ip, format!("{ip} type is required")));
    };
    if vol.target.is_empty() {
        return Err(cx.err(item.span, ip, format!("{ip} target is required")));
    }
    vol.kind = kind;
    vol.source = match (kind, source) {
        (VolumeType::Bind, Some(s)) => {
            Some(cx.abs_path(s.span, &s.value).to_string_lossy().into_owned())
        }
        (_, Some(s)) if s.value.is_empty() => None,
        (_, s) => s.map(|s| s.value),
    };
    if kind == VolumeType::Bind && vol.source.is_none() {
        return Err(cx.err(
            item.span,
            ip,
            format!("{ip}: invalid mount config for type \"bind\": field Source must not be empty"),
        ));
    }
    vol.extensions = ext;
    Ok(vol)
}

/// A boolean without the YAML 1.1 warning channel (nested option objects).
fn opt_bool_pure(cx: &CanonicalizeState<'_>, n: &Node, p: &str) -> LoadResult<Option<bool>> {
    match &n.value {
        NodeValue::Null => Ok(None),
        NodeValue::Bool(b) => Ok(Some(*b)),
        NodeValue::String(s) => bool_from_str(s).map(|(b, _)| Some(b)).ok_or_else(|| {
            cx.err(
                n.span,
                p,
                format!("failed to cast to expected type: invalid boolean: {s}"),
            )
        }),
        _ => Err(cx.err(n.span, p, format!("{p} must be a boolean"))),
    }
}

fn octal(cx: &CanonicalizeState<'_>, n: &Node, p: &str) -> LoadResult<Option<u32>> {
    mode_number(cx, n, p)
}

/// Top-level `volumes.<key>`.
pub(crate) fn volume(cx: &mut CanonicalizeState<'_>, key: &Key, node: &Node) -> LoadResult<Volume> {
    let path = format!("volumes.{}", key.name);
    let mut vol = Volume {
        span: key.span,
        ..Volume::default()
    };
    let mut ext = BTreeMap::new();
    let mut name = None;
    for (k, n, kp) in object(cx, node, &path, &mut ext)? {
        match k.name.as_str() {
            "name" => name = opt_string(cx, n, &kp)?,
            "driver" => vol.driver = omitempty_string(cx, n, &kp)?,
            "driver_opts" => vol.driver_opts = string_map(cx, n, &kp)?,
            "external" => vol.external = external(cx, n, &kp, &mut name)?,
            "labels" => vol.labels = string_map(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, &path)),
        }
    }
    vol.name = resource_name(cx, key, name, vol.external.as_ref());
    vol.extensions = ext;
    local_bind_device(cx, &mut vol);
    Ok(vol)
}

/// A volume of the `local` driver (written out) with `o: bind` (exactly) is a bind mount of
/// `device`, which compose-go resolves like any host path: `~` expanded, a relative path
/// (also `""` and `.`) joined to the project directory and cleaned, an absolute one kept as
/// written. Other drivers and options (`rbind`, `bind,ro`, nfs devices) are left alone.
fn local_bind_device(cx: &CanonicalizeState<'_>, vol: &mut Volume) {
    let local = vol.driver.as_ref().is_some_and(|d| d.value == "local");
    let bind = vol.driver_opts.get("o").is_some_and(|o| o.value == "bind");
    if !(local && bind) {
        return;
    }
    if let Some(device) = vol.driver_opts.get_mut("device") {
        let path = cx.abs_path(device.span, &device.value);
        device.value = path.to_string_lossy().into_owned();
    }
}

/// `external: true` or the legacy `external: {name: x}`.
pub(crate) fn external(
    cx: &mut CanonicalizeState<'_>,
    n: &Node,
    kp: &str,
    name: &mut Option<Spanned<String>>,
) -> LoadResult<Option<Spanned<bool>>> {
    match &n.value {
        NodeValue::Map(entries) => {
            for (k, v) in entries {
                if k.name == "name" {
                    let s = string(cx, v, &child_key_path(kp, "name"))?;
                    cx.warn(
                        k.span,
                        format!("{kp}.name is deprecated. Please set name and external: true"),
                    );
                    *name = Some(s);
                } else if !is_extension_key(&k.name) {
                    return Err(unknown(cx, k, kp));
                }
            }
            Ok(Some(Spanned::new(true, n.span)))
        }
        _ => opt_bool(cx, n, kp),
    }
}

/// `name:` if given, the key for external resources, else `<project>_<key>`.
pub(crate) fn resource_name(
    cx: &CanonicalizeState<'_>,
    key: &Key,
    name: Option<Spanned<String>>,
    external: Option<&Spanned<bool>>,
) -> Spanned<String> {
    match name {
        Some(n) => n,
        None if external.is_some_and(|e| e.value) => Spanned::new(key.name.clone(), key.span),
        None => Spanned::new(format!("{}_{}", cx.project_name, key.name), key.span),
    }
}
