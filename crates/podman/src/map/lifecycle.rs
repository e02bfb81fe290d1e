//! Logging, stopping, terminal, legacy links and extra hosts, Compose-only keys, replicas and
//! lifecycle hooks.

use std::collections::BTreeMap;

use transship_ir::{Duration, ExtraHost, LifecycleHook, Logging, Service, Span, Spanned};
use transship_translate::Outcome;

use super::{Decision, ExecArg, Rule, Steps, SystemdSection};
use crate::names;
use crate::opt::Opt;

/// More replicas than this are refused (one unit file each).
pub const MAX_REPLICAS: i64 = 64;

/// How many containers Compose runs for `s` (`scale`, else `deploy.replicas`, else 1).
pub fn replica_count(s: &Service) -> i64 {
    s.scale
        .as_ref()
        .map(|x| x.value)
        .or_else(|| {
            s.deploy
                .as_ref()
                .and_then(|d| d.value.replicas.as_ref())
                .map(|x| x.value)
        })
        .unwrap_or(1)
}

/// Whether extra replicas can be written as extra units: `Err(reason)` when not.
pub fn replicas_possible(pod: bool, s: &Service) -> Result<(), String> {
    if pod {
        return Err("with --pod every replica would share the pod's network namespace and ports; one container is written".into());
    }
    if replica_count(s) > MAX_REPLICAS {
        return Err(format!(
            "more than {MAX_REPLICAS} replicas are not written out as units; one container is written"
        ));
    }
    if s.container_name.is_some() {
        return Err("a fixed container_name allows one container (Compose refuses to scale it too); one container is written".into());
    }
    Ok(())
}

/// The ledger decision of `scale` / `deploy.replicas` (`n` of them).
pub fn replicas_decision(
    project: &transship_ir::Project,
    pod: bool,
    s: &Service,
    path: String,
    span: Span,
    n: i64,
) -> Decision {
    let (outcome, detail) = if n == 1 {
        (Outcome::Translated, Some("one container".to_owned()))
    } else if n < 1 {
        (
            Outcome::Approximated("zero replicas: Compose creates no container, but the unit is still written (disable it to match)".into()),
            Some(String::new()),
        )
    } else {
        match replicas_possible(pod, s) {
            Ok(()) => {
                let base = names::service_base(project, &s.name);
                (
                    Outcome::Approximated(format!(
                        "{n} replicas become {n} units ({base}.service, {base}-2.service, …); dependents wait for the first one only, and a fixed published host port makes the extra replicas fail, as in Compose"
                    )),
                    Some(format!("{base}.container .. {base}-{n}.container")),
                )
            }
            Err(reason) => (Outcome::Unsupported(reason), None),
        }
    };
    Decision {
        path,
        span,
        opt: None,
        rule: Rule::Fixed(outcome, detail),
        suffix: String::new(),
    }
}

pub(super) fn logging(st: &mut Steps<'_, '_>, l: Option<&Spanned<Logging>>) {
    let Some(l) = l else {
        return;
    };
    let Logging {
        driver,
        options,
        extensions,
    } = &l.value;
    let lp = st.path(".logging");
    st.group(&lp.clone(), l.span, |st| {
        if let Some(d) = driver {
            let path = names::cat([&lp, ".driver"]);
            let drv = match d.value.as_str() {
                "json-file" => "k8s-file",
                other => other,
            };
            if !matches!(drv, "k8s-file" | "journald" | "none" | "passthrough") {
                st.unsup(path, d.span, format!(
                    "podman has no {:?} log driver (k8s-file, journald, none, passthrough)",
                    d.value
                ));
            } else if d.value == "json-file" {
                st.decide(path, d.span, Opt::LogDriver(drv.to_owned()), Rule::ApproxIfSpelled("podman's k8s-file driver stands in for Docker's json-file (different on-disk format)".into()));
            } else {
                st.spelled(path, d.span, Opt::LogDriver(drv.to_owned()));
            }
        }
        for (k, x) in options {
            let opt = Opt::LogOpt(format!("{k}={}", x.value));
            st.spelled(names::cat([&lp, ".options.", k]), x.span, opt);
        }
        st.extensions(&lp, extensions, l.span);
    });
}

pub(super) fn stop(
    st: &mut Steps<'_, '_>,
    stop_signal: Option<&Spanned<String>>,
    stop_grace_period: Option<&Spanned<Duration>>,
) {
    if let Some(x) = stop_signal {
        let path = st.path(".stop_signal");
        st.spelled(path, x.span, Opt::StopSignal(x.value.clone()));
    }
    if let Some(x) = stop_grace_period {
        let secs = x.value.as_secs_ceil().max(0);
        let path = st.path(".stop_grace_period");
        let rule = if x.value.as_nanos() % 1_000_000_000 != 0 {
            Rule::ApproxAlways("podman stop timeouts are whole seconds; rounded up".into())
        } else {
            Rule::Spelled
        };
        st.out.push(super::Step::Decide(Decision {
            path,
            span: x.span,
            opt: Some(Opt::StopTimeout(secs.to_string())),
            rule,
            suffix: format!("; TimeoutStopSec={}", secs + 30),
        }));
        st.systemd(
            SystemdSection::Service,
            "TimeoutStopSec",
            (secs + 30).to_string(),
        );
    }
}

pub(super) fn terminal(
    st: &mut Steps<'_, '_>,
    tty: Option<&Spanned<bool>>,
    stdin_open: Option<&Spanned<bool>>,
    attach: Option<&Spanned<bool>>,
) {
    if let Some(x) = tty {
        let path = st.path(".tty");
        st.flag(path, x.span, "--tty", x.value.to_string());
    }
    if let Some(x) = stdin_open {
        let path = st.path(".stdin_open");
        let opt = Opt::Flag {
            flag: "--interactive",
            value: x.value.to_string(),
        };
        st.decide(
            path,
            x.span,
            opt,
            Rule::ApproxAlways(
                "under systemd no terminal is attached; stdin stays open but nothing writes to it"
                    .into(),
            ),
        );
    }
    if let Some(x) = attach {
        let path = st.path(".attach");
        st.approx(
            path,
            x.span,
            "no `compose up` to attach to: output goes to the journal (journalctl -u UNIT)",
            "",
        );
    }
}

pub(super) fn legacy_and_hosts(
    st: &mut Steps<'_, '_>,
    links: &[Spanned<String>],
    external_links: &[Spanned<String>],
    extra_hosts: &[Spanned<ExtraHost>],
) {
    for (i, x) in links.iter().enumerate() {
        let path = st.item(".links", i);
        st.unsup(path, x.span, "links are legacy: services on a shared network already resolve each other by name; add an alias on the network for a link alias");
    }
    for (i, x) in external_links.iter().enumerate() {
        let path = st.item(".external_links", i);
        st.unsup(
            path,
            x.span,
            "external links are legacy; join the other container's network instead",
        );
    }
    for (i, x) in extra_hosts.iter().enumerate() {
        let path = st.item(".extra_hosts", i);
        let opt = Opt::AddHost(format!("{}:{}", x.value.host, x.value.ip));
        let rule = if x.value.ip == "host-gateway" && !st.version().host_gateway() {
            Rule::ApproxIfSpelled("`host-gateway` is documented by podman from 5.3 only".into())
        } else {
            Rule::Spelled
        };
        st.decide(path, x.span, opt, rule);
    }
}

/// Keys that only mean something to the Compose CLI (or are resolved by loading), and
/// `scale`.
pub(super) fn compose_only(
    st: &mut Steps<'_, '_>,
    pull_refresh_after: Option<&Spanned<String>>,
    scale: Option<&Spanned<i64>>,
    use_api_socket: Option<&Spanned<bool>>,
    profiles: &[Spanned<String>],
    extends: Option<Span>,
    [develop, models, provider]: [Option<Span>; 3],
) {
    if let Some(x) = pull_refresh_after {
        let path = st.path(".pull_refresh_after");
        st.unsup(path, x.span, "periodic refresh has no podman equivalent; use podman auto-update (AutoUpdate=registry)");
    }
    if let Some(x) = scale {
        let path = st.path(".scale");
        let d = replicas_decision(st.project(), st.m.options.pod, st.s, path, x.span, x.value);
        st.out.push(super::Step::Decide(d));
    }
    if let Some(x) = use_api_socket {
        let path = st.path(".use_api_socket");
        if x.value {
            st.unsup(path, x.span, "mount the podman socket explicitly (Volume=/run/podman/podman.sock:/var/run/docker.sock)");
        } else {
            st.ok(path, x.span, "no socket (the default)");
        }
    }
    for (i, x) in profiles.iter().enumerate() {
        let path = st.item(".profiles", i);
        st.ok(path, x.span, "profiles are applied when loading");
    }
    if let Some(sp) = extends {
        let path = st.path(".extends");
        st.ok(path, sp, "resolved when loading");
    }
    for (key, span, reason) in [
        (
            "develop",
            develop,
            "Compose Watch is a development-time feature of `compose up --watch`",
        ),
        (
            "models",
            models,
            "Compose models (AI model runners) have no podman equivalent",
        ),
        (
            "provider",
            provider,
            "external service providers are run by the Compose CLI; nothing runs under podman",
        ),
    ] {
        if let Some(sp) = span {
            let path = names::cat([&st.p, ".", key]);
            st.unsup(path, sp, reason);
        }
    }
}

/// `podman exec` argv for a lifecycle hook, and the `NAME=VALUE` lines of its secret-bearing
/// environment values, those `secret` picks (they then go to an env file, passed with
/// `--env-file`, instead of `--env=` words in the unit).
pub fn exec_hook(
    container: &str,
    h: &LifecycleHook,
    secret: &dyn Fn(&str, &str) -> bool,
) -> (Vec<String>, String) {
    let LifecycleHook {
        command,
        user,
        privileged,
        working_dir,
        environment,
        extensions: _,
    } = h;
    let mut w = vec!["/usr/bin/podman".to_owned(), "exec".to_owned()];
    if let Some(u) = user {
        w.push(format!("--user={u}"));
    }
    if privileged == &Some(true) {
        w.push("--privileged".into());
    }
    if let Some(d) = working_dir {
        w.push(format!("--workdir={d}"));
    }
    let mut moved = String::new();
    let env: &BTreeMap<String, Option<String>> = environment;
    for (k, v) in env {
        match v {
            Some(v) if secret(k, v) => moved.push_str(&names::cat([k, "=", v, "\n"])),
            Some(v) => w.push(format!("--env={k}={v}")),
            None => w.push(names::cat(["--env=", k])),
        }
    }
    w.push(container.to_owned());
    w.extend(command.iter().cloned());
    (w, moved)
}

pub(super) fn hooks(
    st: &mut Steps<'_, '_>,
    post_start: &[Spanned<LifecycleHook>],
    pre_stop: &[Spanned<LifecycleHook>],
) {
    let kinds: [(&[Spanned<LifecycleHook>], &str, &'static str, &str); 2] = [
        (
            post_start,
            ".post_start",
            "ExecStartPost",
            "run with `podman exec` after the unit is started (ExecStartPost=); a failure fails the unit",
        ),
        (
            pre_stop,
            ".pre_stop",
            "ExecStop",
            "run with `podman exec` from ExecStop= before the container is removed; errors are ignored",
        ),
    ];
    for (hooks, key, setting, reason) in kinds {
        for (i, h) in hooks.iter().enumerate() {
            let path = st.item(key, i);
            // Hook values are never in a unit's text when secret-bearing (as the service's
            // own environment); a multi-line one cannot be in an env file and stays inline.
            let inline = st.m.options.inline_env;
            let secret = |k: &str, v: &str| {
                !inline
                    && !v.is_empty()
                    && super::env::fits_env_file(v)
                    && transship_translate::secrets::looks_secret(k)
            };
            let (mut words, moved) = exec_hook(&st.cname, &h.value, &secret);
            if setting == "ExecStop" {
                // `-`: a failing pre-stop hook does not fail the stop.
                words[0] = format!("-{}", words[0]);
            }
            let mut args: Vec<ExecArg> = words.into_iter().map(ExecArg::Word).collect();
            let mut reason = reason.to_owned();
            if !moved.is_empty() {
                let file = format!(
                    "{}-{}-{i}.env",
                    names::service_base(st.m.project, &st.s.name),
                    &key[1..]
                );
                // Right after `exec`, before the container name.
                args.insert(
                    2,
                    ExecArg::InstalledFile {
                        flag: "--env-file=",
                        file: file.clone(),
                    },
                );
                st.out.push(super::Step::File(super::SideFile {
                    path: file.clone(),
                    contents: moved,
                    mode: 0o600,
                    secret: true,
                }));
                reason.push_str(&format!(
                    "; its secret-bearing environment values are in {file} (mode 0600, --env-file), in no unit"
                ));
            }
            let detail = format!(
                "{setting}={}",
                args.iter()
                    .map(ExecArg::display)
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            st.out.push(super::Step::SystemdExec(
                SystemdSection::Service,
                setting,
                args,
            ));
            st.approx(path.clone(), h.span, &reason, &detail);
            st.extensions(&path, &h.value.extensions, h.span);
        }
    }
}
