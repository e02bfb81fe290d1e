//! Devices and GPUs; CPU, memory, pids, shared memory, storage and block-I/O limits.

use std::fmt::Display;

use transship_ir::{
    BlkioConfig, ByteSize, CredentialSpec, Device, DeviceRequest, Span, Spanned, StringMap,
};

use super::{Rule, Steps};
use crate::names;
use crate::opt::Opt;

/// A key, its `podman run` flag, and its value as text with its span (when set).
pub(super) type FlagKey<'k> = (&'k str, &'static str, Option<(String, Span)>);

/// A key's value as text, with its span.
pub(super) fn shown<T: Display>(x: &Option<Spanned<T>>) -> Option<(String, Span)> {
    x.as_ref().map(|x| (x.value.to_string(), x.span))
}

pub(super) fn devices(
    st: &mut Steps<'_, '_>,
    devices: &[Spanned<Device>],
    device_cgroup_rules: &[Spanned<String>],
    gpus: &[Spanned<DeviceRequest>],
) {
    for (i, d) in devices.iter().enumerate() {
        let Device {
            source,
            target,
            permissions,
            extensions,
        } = &d.value;
        let mut text = format!("{source}:{target}");
        if let Some(pm) = permissions {
            text.push(':');
            text.push_str(pm);
        }
        let path = st.item(".devices", i);
        st.spelled(path.clone(), d.span, Opt::Device(text));
        st.extensions(&path, extensions, d.span);
    }
    for (i, r) in device_cgroup_rules.iter().enumerate() {
        let path = st.item(".device_cgroup_rules", i);
        st.flag(path, r.span, "--device-cgroup-rule", r.value.clone());
    }
    for (i, g) in gpus.iter().enumerate() {
        let path = st.item(".gpus", i);
        let DeviceRequest {
            capabilities: _,
            driver: _,
            count,
            device_ids,
            options: _,
            extensions,
        } = &g.value;
        let v = st.version();
        if v.gpus() {
            let which = if device_ids.is_empty() {
                match count {
                    Some(n) if *n > 0 => n.to_string(),
                    _ => "all".into(),
                }
            } else {
                format!("\"device={}\"", device_ids.join(","))
            };
            let opt = Opt::Flag {
                flag: "--gpus",
                value: which,
            };
            st.decide(path.clone(), g.span, opt, Rule::ApproxIfSpelled("podman --gpus selects NVIDIA devices only; capabilities, driver and options are not carried over".into()));
        } else {
            st.unsup(path.clone(), g.span, format!(
                "podman {v} has no --gpus (5.0+); add the devices with AddDevice= (CDI names such as nvidia.com/gpu=all)"
            ));
        }
        st.extensions(&path, extensions, g.span);
    }
}

/// CPU keys: the `--flag=value` ones in order, `cpus`, the Windows-only ones and
/// `credential_spec`.
pub(super) fn cpu(
    st: &mut Steps<'_, '_>,
    flags: [FlagKey<'_>; 7],
    cpus: Option<&Spanned<f64>>,
    windows_only: [(&str, Option<Span>); 2],
    credential_spec: Option<&Spanned<CredentialSpec>>,
) {
    for (key, flag, val) in flags {
        if let Some((value, span)) = val {
            let path = names::cat([&st.p, ".", key]);
            st.flag(path, span, flag, value);
        }
    }
    if let Some(x) = cpus {
        let path = st.path(".cpus");
        st.flag(path, x.span, "--cpus", x.value.to_string());
    }
    for (key, span) in windows_only {
        if let Some(sp) = span {
            let path = names::cat([&st.p, ".", key]);
            st.unsup(
                path,
                sp,
                "a Windows-only CPU setting; podman has no equivalent (use cpus)",
            );
        }
    }
    if let Some(x) = credential_spec {
        let path = st.path(".credential_spec");
        st.unsup(
            path.clone(),
            x.span,
            "credential specs are a Windows container feature",
        );
        st.extensions(&path, &x.value.extensions, x.span);
    }
}

/// `mem_limit`, `mem_reservation`, `memswap_limit`, `oom_kill_disable`, `pids_limit`.
pub(super) fn memory(
    st: &mut Steps<'_, '_>,
    [limit, reservation, swap]: [Option<&Spanned<ByteSize>>; 3],
    oom_kill_disable: Option<&Spanned<bool>>,
    pids_limit: Option<&Spanned<i64>>,
) {
    if let Some(x) = limit {
        let path = st.path(".mem_limit");
        st.spelled(path, x.span, Opt::Memory(x.value.0.to_string()));
    }
    if let Some(x) = reservation {
        let path = st.path(".mem_reservation");
        st.flag(path, x.span, "--memory-reservation", x.value.0.to_string());
    }
    if let Some(x) = swap {
        let path = st.path(".memswap_limit");
        st.flag(path, x.span, "--memory-swap", x.value.0.to_string());
    }
    if let Some(x) = oom_kill_disable {
        let path = st.path(".oom_kill_disable");
        st.flag(path, x.span, "--oom-kill-disable", x.value.to_string());
    }
    if let Some(x) = pids_limit {
        let path = st.path(".pids_limit");
        st.spelled(path, x.span, Opt::PidsLimit(x.value.to_string()));
    }
}

/// `shm_size` and `storage_opt`.
pub(super) fn limits(
    st: &mut Steps<'_, '_>,
    shm_size: Option<&Spanned<ByteSize>>,
    storage_opt: &StringMap,
) {
    if let Some(x) = shm_size {
        let path = st.path(".shm_size");
        st.spelled(path, x.span, Opt::ShmSize(x.value.0.to_string()));
    }
    for (k, x) in storage_opt {
        let path = names::cat([&st.p, ".storage_opt.", k]);
        st.flag(path, x.span, "--storage-opt", format!("{k}={}", x.value));
    }
}

pub(super) fn blkio(st: &mut Steps<'_, '_>, blkio_config: Option<&Spanned<BlkioConfig>>) {
    let Some(b) = blkio_config else {
        return;
    };
    let BlkioConfig {
        weight,
        weight_device,
        device_read_bps,
        device_read_iops,
        device_write_bps,
        device_write_iops,
        extensions,
    } = &b.value;
    let bp = st.path(".blkio_config");
    st.group(&bp.clone(), b.span, |st| {
        if let Some(w) = weight {
            st.flag(
                names::cat([&bp, ".weight"]),
                w.span,
                "--blkio-weight",
                w.value.to_string(),
            );
        }
        for (i, d) in weight_device.iter().enumerate() {
            let value = format!("{}:{}", d.value.path, d.value.weight);
            let path = names::key_at([&bp, ".weight_device"], i);
            st.flag(path, d.span, "--blkio-weight-device", value);
        }
        for (key, list, flag) in [
            ("device_read_bps", device_read_bps, "--device-read-bps"),
            ("device_read_iops", device_read_iops, "--device-read-iops"),
            ("device_write_bps", device_write_bps, "--device-write-bps"),
            (
                "device_write_iops",
                device_write_iops,
                "--device-write-iops",
            ),
        ] {
            for (i, d) in list.iter().enumerate() {
                let value = format!("{}:{}", d.value.path, d.value.rate);
                st.flag(names::key_at([&bp, ".", key], i), d.span, flag, value);
            }
        }
        st.extensions(&bp, extensions, b.span);
    });
}
