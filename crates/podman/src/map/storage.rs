//! Volumes and mounts, tmpfs and `volumes_from`.

use transship_ir::{
    BindOptions, ImageMountOptions, ServiceVolume, Spanned, TmpfsOptions, VolumeOptions, VolumeType,
};

use transship_translate::paths;

use super::{Rule, Steps, SystemdSection};
use crate::names;
use crate::opt::{Opt, ResourceRef};

pub(super) fn volumes(
    st: &mut Steps<'_, '_>,
    volumes: &[Spanned<ServiceVolume>],
    tmpfs: &[Spanned<String>],
    volumes_from: &[Spanned<String>],
) {
    for (i, vol) in volumes.iter().enumerate() {
        let path = st.item(".volumes", i);
        volume(st, &path, vol);
        st.extensions(&path, &vol.value.extensions, vol.span);
        if let Some(b) = &vol.value.bind {
            st.extensions(&names::cat([&path, ".bind"]), &b.extensions, vol.span);
        }
        if let Some(o) = &vol.value.volume {
            st.extensions(&names::cat([&path, ".volume"]), &o.extensions, vol.span);
        }
        if let Some(t) = &vol.value.tmpfs {
            st.extensions(&names::cat([&path, ".tmpfs"]), &t.extensions, vol.span);
        }
    }
    for (i, t) in tmpfs.iter().enumerate() {
        let path = st.item(".tmpfs", i);
        st.spelled(path, t.span, Opt::Tmpfs(t.value.clone()));
    }
    for (i, vf) in volumes_from.iter().enumerate() {
        let (src, ro) = match vf.value.rsplit_once(':') {
            Some((a, m)) if m == "ro" || m == "rw" => (a, Some(m)),
            _ => (vf.value.as_str(), None),
        };
        let target = if let Some(svc) = src.strip_prefix("container:") {
            svc.to_owned()
        } else if let Some(other) = st.project().services.get(src) {
            let unit = names::service_unit(st.project(), src);
            st.systemd(SystemdSection::Unit, "Requires", unit.clone());
            st.systemd(SystemdSection::Unit, "After", unit);
            names::container_name(st.project(), other)
        } else {
            src.to_owned()
        };
        let value = match ro {
            Some(m) => format!("{target}:{m}"),
            None => target,
        };
        let path = st.item(".volumes_from", i);
        st.spelled(path, vf.span, Opt::VolumesFrom(value));
    }
}

/// One `volumes:` entry: the option, and what it cannot carry over.
fn volume(st: &mut Steps<'_, '_>, path: &str, vol: &Spanned<ServiceVolume>) {
    let ServiceVolume {
        kind,
        source,
        target,
        read_only,
        consistency,
        bind,
        volume,
        tmpfs,
        image,
        // Recorded by the caller, whatever the mount type.
        extensions: _,
    } = &vol.value;
    let mut opts: Vec<String> = Vec::new();
    let mut approx: Vec<String> = Vec::new();
    if read_only == &Some(true) {
        opts.push("ro".into());
    }
    if consistency.is_some() {
        approx.push("`consistency` is a Docker Desktop option with no effect on Linux".into());
    }
    let opt = match kind {
        VolumeType::Bind => {
            if let Some(b) = bind {
                bind_options(st, b, source.as_deref(), &mut opts, &mut approx);
            }
            let src = source.as_deref().map(paths::clean).unwrap_or_default();
            if src.contains(':') || target.contains(':') {
                let reason = format!("a path containing `:` cannot be written in Volume= ({src})");
                st.unsup(path.to_owned(), vol.span, reason);
                return;
            }
            let mut text = format!("{src}:{target}");
            if !opts.is_empty() {
                text.push(':');
                text.push_str(&opts.join(","));
            }
            Opt::Bind(text)
        }
        VolumeType::Volume => {
            if let Some(vo) = volume {
                volume_options(vo, &mut opts, &mut approx);
            }
            let mut rest = target.clone();
            if !opts.is_empty() {
                if source.is_none() {
                    approx.push("options of an anonymous volume are dropped".into());
                } else {
                    rest.push(':');
                    rest.push_str(&opts.join(","));
                }
            }
            let source = source
                .as_ref()
                .map(|k| ResourceRef::volume(st.project(), k));
            Opt::Volume { source, rest }
        }
        VolumeType::Tmpfs => {
            Opt::Tmpfs(tmpfs_text(target, tmpfs.as_ref(), read_only == &Some(true)))
        }
        VolumeType::Image => {
            let ImageMountOptions { subpath } = image.clone().unwrap_or_default();
            let src = source.clone().unwrap_or_default();
            let mut text = format!("type=image,source={src},destination={target}");
            if let Some(sp) = subpath {
                text.push_str(&names::cat([",subpath=", &sp]));
            }
            Opt::Mount(text)
        }
        VolumeType::Npipe => {
            st.unsup(
                path.to_owned(),
                vol.span,
                "named pipes are a Windows feature",
            );
            return;
        }
        VolumeType::Cluster => {
            st.unsup(
                path.to_owned(),
                vol.span,
                "cluster volumes are a Swarm feature",
            );
            return;
        }
    };
    let rule = if approx.is_empty() {
        Rule::Spelled
    } else {
        Rule::ApproxIfSpelled(approx.join("; "))
    };
    st.decide(path.to_owned(), vol.span, opt, rule);
}

fn bind_options(
    st: &mut Steps<'_, '_>,
    b: &BindOptions,
    source: Option<&str>,
    opts: &mut Vec<String>,
    approx: &mut Vec<String>,
) {
    let BindOptions {
        propagation,
        create_host_path,
        recursive,
        selinux,
        extensions: _,
    } = b;
    if let Some(pr) = propagation {
        opts.push(pr.clone());
    }
    if let Some(z) = selinux {
        opts.push(z.clone());
    }
    if create_host_path == &Some(true) {
        // Compose creates a missing host directory; podman refuses to start.
        if let Some(src) = source {
            let src = paths::clean(src);
            let words = ["-/bin/mkdir", "-p", &src]
                .iter()
                .map(|w| super::ExecArg::Word((*w).to_owned()))
                .collect();
            st.out.push(super::Step::SystemdExec(
                SystemdSection::Service,
                "ExecStartPre",
                words,
            ));
        }
    }
    if let Some(r) = recursive {
        approx.push(format!(
            "bind recursive={r:?} is not carried over (podman binds recursively)"
        ));
    }
}

fn volume_options(vo: &VolumeOptions, opts: &mut Vec<String>, approx: &mut Vec<String>) {
    let VolumeOptions {
        labels,
        nocopy,
        subpath,
        extensions: _,
    } = vo;
    if nocopy == &Some(true) {
        opts.push("nocopy".into());
    }
    if !labels.is_empty() {
        approx.push("volume labels of an anonymous mount are not carried over".into());
    }
    if subpath.is_some() {
        approx.push(
            "volume subpath is not carried over (podman supports it only in --mount from 5.x)"
                .into(),
        );
    }
}

fn tmpfs_text(target: &str, tmpfs: Option<&TmpfsOptions>, read_only: bool) -> String {
    let mut text = target.to_owned();
    let mut o = Vec::new();
    if let Some(t) = tmpfs {
        let TmpfsOptions {
            size,
            mode,
            extensions: _,
        } = t;
        if let Some(sz) = size {
            o.push(format!("size={}", sz.0));
        }
        if let Some(m) = mode {
            o.push(format!("mode={m:o}"));
        }
    }
    if read_only {
        o.push("ro".into());
    }
    if !o.is_empty() {
        text.push(':');
        text.push_str(&o.join(","));
    }
    text
}
