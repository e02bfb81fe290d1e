//! `restart` and `deploy` (replicas, Swarm-only settings, resource limits and reservations,
//! the restart policy that supersedes `restart`, placement), run-to-completion services and
//! the start timeout: podman options and systemd settings of the unit.

use transship_ir::{
    Deploy, DeployRestartPolicy, DiscreteResourceSpec, GenericResource, Placement,
    PlacementPreference, ResourceLimits, ResourceReservations, Resources, RestartPolicy, Spanned,
    UpdateConfig,
};
use transship_translate::Outcome;

use super::{DepNeeds, Steps, SystemdSection};
use crate::duration_text;
use crate::names;
use crate::opt::Opt;

use SystemdSection::{Service as Svc, Unit};

/// The restart and deploy keys, then the unit's `Restart=`, `Type=` and start timeout.
pub(super) fn restart_and_deploy(
    st: &mut Steps<'_, '_>,
    restart: Option<&Spanned<RestartPolicy>>,
    deploy: Option<&Spanned<Box<Deploy>>>,
    needs: DepNeeds,
) {
    let mut restart_set: Option<&'static str> = None;
    if let Some(r) = restart {
        let superseded = deploy.is_some_and(|d| d.value.restart_policy.is_some());
        restart_set = Some(restart_key(st, r, needs, superseded));
    }
    if let Some(d) = deploy {
        deploy_keys(st, d, &mut restart_set);
    }
    let oneshot = needs.completed;
    if let Some(r) = restart_set {
        let r = if oneshot && r == "always" {
            "on-failure"
        } else {
            r
        };
        st.systemd(Svc, "Restart", r.to_owned());
    }
    if oneshot {
        st.systemd(Svc, "Type", "oneshot".to_owned());
        st.systemd(Svc, "RemainAfterExit", "yes".to_owned());
    }
    // Pulls can be slow (podman-systemd.unit(5) recommends raising the start timeout); a
    // run-to-completion task has no time limit in Compose.
    let timeout = if oneshot { "infinity" } else { "900" };
    st.systemd(Svc, "TimeoutStartSec", timeout.to_owned());
}

/// `restart`: its ledger entry, and the `Restart=` value it asks for.
fn restart_key(
    st: &mut Steps<'_, '_>,
    r: &Spanned<RestartPolicy>,
    needs: DepNeeds,
    superseded: bool,
) -> &'static str {
    let (val, outcome) = match r.value {
        RestartPolicy::No => ("no", Outcome::Translated),
        RestartPolicy::Always => ("always", Outcome::Translated),
        RestartPolicy::UnlessStopped => ("always", Outcome::Approximated("systemd has no `unless-stopped`: a unit stopped with systemctl stays stopped until the next boot, where it starts again (enabled units)".into())),
        RestartPolicy::OnFailure(None) => ("on-failure", Outcome::Translated),
        RestartPolicy::OnFailure(Some(n)) => {
            st.systemd(Unit, "StartLimitBurst", (n + 1).to_string());
            st.systemd(Unit, "StartLimitIntervalSec", "infinity".to_owned());
            ("on-failure", Outcome::Approximated(format!("at most {n} restarts via StartLimitBurst={} (counted since boot, not since the container was created)", n + 1)))
        }
    };
    let (val, outcome) = if needs.completed && val == "always" {
        let name = &st.s.name;
        (
            "on-failure",
            Outcome::Approximated(format!(
                "{name} runs to completion for a dependent (service_completed_successfully → Type=oneshot), and systemd allows only Restart=on-failure there"
            )),
        )
    } else {
        (val, outcome)
    };
    let path = st.path(".restart");
    if superseded {
        st.ok(
            path,
            r.span,
            "superseded by deploy.restart_policy, as in Compose",
        );
    } else {
        st.fixed(path, r.span, outcome, Some(format!("Restart={val}")));
    }
    val
}

fn deploy_keys(
    st: &mut Steps<'_, '_>,
    d: &Spanned<Box<Deploy>>,
    restart_set: &mut Option<&'static str>,
) {
    let Deploy {
        mode,
        endpoint_mode,
        replicas,
        labels,
        rollback_config,
        update_config,
        resources,
        restart_policy,
        placement,
        extensions,
    } = &*d.value;
    let dp = st.path(".deploy");
    st.group(&dp.clone(), d.span, |st| {
        if let Some(x) = mode {
            let path = names::cat([&dp, ".mode"]);
            if x.value == "replicated" || x.value == "replicated-job" {
                st.ok(path, x.span, "one container");
            } else {
                st.unsup(
                    path,
                    x.span,
                    format!("deploy mode {:?} is a Swarm feature", x.value),
                );
            }
        }
        if let Some(x) = endpoint_mode {
            st.unsup(
                names::cat([&dp, ".endpoint_mode"]),
                x.span,
                "endpoint modes are a Swarm feature",
            );
        }
        if let Some(x) = replicas {
            let path = names::cat([&dp, ".replicas"]);
            if st.s.scale.is_some() {
                st.ok(path, x.span, "scale decides the number of containers");
            } else {
                let d = super::replicas_decision(
                    st.project(),
                    st.m.options.pod,
                    st.s,
                    path,
                    x.span,
                    x.value,
                );
                st.out.push(super::Step::Decide(d));
            }
        }
        for (k, x) in labels {
            st.unsup(
                names::cat([&dp, ".labels.", k]),
                x.span,
                "deploy labels label the Swarm service, not the container",
            );
        }
        for (key, u) in [
            ("rollback_config", rollback_config),
            ("update_config", update_config),
        ] {
            if let Some(u) = u {
                rolling_update(st, &names::cat([&dp, ".", key]), u);
            }
        }
        if let Some(r) = resources {
            resource_keys(st, &names::cat([&dp, ".resources"]), r);
        }
        if let Some(r) = restart_policy {
            restart_policy_keys(st, &names::cat([&dp, ".restart_policy"]), r, restart_set);
        }
        if let Some(pl) = placement {
            placement_keys(st, &names::cat([&dp, ".placement"]), pl);
        }
        st.extensions(&dp, extensions, d.span);
    });
}

fn rolling_update(st: &mut Steps<'_, '_>, up: &str, u: &Spanned<UpdateConfig>) {
    let UpdateConfig {
        parallelism,
        delay,
        failure_action,
        monitor,
        max_failure_ratio,
        order,
        extensions,
    } = &u.value;
    let reason = "rolling updates are a Swarm feature";
    let fallback = (Outcome::Unsupported(reason.into()), None);
    st.group_or(up, u.span, fallback, |st| {
        for (k, sp) in [
            ("parallelism", parallelism.as_ref().map(|x| x.span)),
            ("delay", delay.as_ref().map(|x| x.span)),
            ("failure_action", failure_action.as_ref().map(|x| x.span)),
            ("monitor", monitor.as_ref().map(|x| x.span)),
            (
                "max_failure_ratio",
                max_failure_ratio.as_ref().map(|x| x.span),
            ),
            ("order", order.as_ref().map(|x| x.span)),
        ] {
            if let Some(sp) = sp {
                st.unsup(names::cat([up, ".", k]), sp, reason);
            }
        }
        st.extensions_at_own_spans(up, extensions);
    });
}

fn resource_keys(st: &mut Steps<'_, '_>, rp: &str, r: &Spanned<Resources>) {
    let Resources {
        limits,
        reservations,
        extensions,
    } = &r.value;
    st.group(rp, r.span, |st| {
        if let Some(l) = limits {
            limit_keys(st, &names::cat([rp, ".limits"]), l);
        }
        if let Some(rr) = reservations {
            reservation_keys(st, &names::cat([rp, ".reservations"]), rr);
        }
        st.extensions_at_own_spans(rp, extensions);
    });
}

fn limit_keys(st: &mut Steps<'_, '_>, lp: &str, l: &Spanned<ResourceLimits>) {
    let ResourceLimits {
        cpus,
        memory,
        pids,
        extensions,
    } = &l.value;
    st.group(lp, l.span, |st| {
        if let Some(x) = cpus {
            st.flag(
                names::cat([lp, ".cpus"]),
                x.span,
                "--cpus",
                x.value.to_string(),
            );
        }
        if let Some(x) = memory {
            st.spelled(
                names::cat([lp, ".memory"]),
                x.span,
                Opt::Memory(x.value.0.to_string()),
            );
        }
        if let Some(x) = pids {
            st.spelled(
                names::cat([lp, ".pids"]),
                x.span,
                Opt::PidsLimit(x.value.to_string()),
            );
        }
        st.extensions_at_own_spans(lp, extensions);
    });
}

fn reservation_keys(st: &mut Steps<'_, '_>, rrp: &str, rr: &Spanned<ResourceReservations>) {
    let ResourceReservations {
        cpus,
        memory,
        generic_resources,
        devices,
        extensions,
    } = &rr.value;
    st.group(rrp, rr.span, |st| {
        if let Some(x) = cpus {
            st.unsup(names::cat([rrp, ".cpus"]), x.span, "podman cannot reserve CPUs (limits only; cpu_shares sets a relative weight)");
        }
        if let Some(x) = memory {
            let path = names::cat([rrp, ".memory"]);
            st.flag(path, x.span, "--memory-reservation", x.value.0.to_string());
        }
        for (i, x) in generic_resources.iter().enumerate() {
            let path = names::key_at([rrp, ".generic_resources"], i);
            st.unsup(path.clone(), x.span, "generic resources are a Swarm feature");
            let GenericResource {
                discrete_resource_spec,
                extensions,
            } = &x.value;
            st.extensions(&path, extensions, x.span);
            if let Some(DiscreteResourceSpec {
                kind: _,
                value: _,
                extensions,
            }) = discrete_resource_spec
            {
                st.extensions(&names::cat([&path, ".discrete_resource_spec"]), extensions, x.span);
            }
        }
        for (i, x) in devices.iter().enumerate() {
            let path = names::key_at([rrp, ".devices"], i);
            st.unsup(path.clone(), x.span, "device reservations: add the devices with AddDevice= (CDI names such as nvidia.com/gpu=all)");
            st.extensions_at_own_spans(&path, &x.value.extensions);
        }
        st.extensions_at_own_spans(rrp, extensions);
    });
}

fn restart_policy_keys(
    st: &mut Steps<'_, '_>,
    rp: &str,
    r: &Spanned<DeployRestartPolicy>,
    restart_set: &mut Option<&'static str>,
) {
    let DeployRestartPolicy {
        condition,
        delay,
        max_attempts,
        window,
        extensions,
    } = &r.value;
    let fallback = (
        Outcome::Translated,
        Some("empty: Restart=always (Swarm's default condition `any`)".to_owned()),
    );
    st.group_or(rp, r.span, fallback, |st| {
        if let Some(x) = condition {
            let path = names::cat([rp, ".condition"]);
            let val = match x.value.as_str() {
                "none" => Some("no"),
                "on-failure" => Some("on-failure"),
                "any" => Some("always"),
                _ => None,
            };
            match val {
                Some(val) => {
                    *restart_set = Some(val);
                    st.ok(path, x.span, format!("Restart={val}"));
                }
                None => st.unsup(path, x.span, format!("unknown restart condition {:?}", x.value)),
            }
        } else if restart_set.is_none() {
            // Swarm's default condition is `any`
            *restart_set = Some("always");
        }
        if let Some(x) = delay {
            let text = duration_text(x.value);
            st.systemd(Svc, "RestartSec", text.clone());
            st.ok(names::cat([rp, ".delay"]), x.span, format!("RestartSec={text}"));
        }
        if let Some(x) = max_attempts {
            st.systemd(Unit, "StartLimitBurst", (x.value + 1).to_string());
            if window.is_none() {
                st.systemd(Unit, "StartLimitIntervalSec", "infinity".to_owned());
            }
            let detail = format!("StartLimitBurst={}", x.value + 1);
            st.approx(names::cat([rp, ".max_attempts"]), x.span, "systemd counts start attempts (StartLimitBurst=) per interval, not restarts of one container", &detail);
        }
        if let Some(x) = window {
            let text = duration_text(x.value);
            st.systemd(Unit, "StartLimitIntervalSec", text.clone());
            let detail = format!("StartLimitIntervalSec={text}");
            st.approx(names::cat([rp, ".window"]), x.span, "the window becomes systemd's start-limit interval", &detail);
        }
        st.extensions_at_own_spans(rp, extensions);
    });
}

fn placement_keys(st: &mut Steps<'_, '_>, pp: &str, pl: &Spanned<Placement>) {
    let Placement {
        constraints,
        preferences,
        max_replicas_per_node,
        extensions,
    } = &pl.value;
    let reason = "placement is a Swarm feature: the units run where they are installed";
    st.group(pp, pl.span, |st| {
        for (i, x) in constraints.iter().enumerate() {
            st.unsup(names::key_at([pp, ".constraints"], i), x.span, reason);
        }
        for (i, x) in preferences.iter().enumerate() {
            let path = names::key_at([pp, ".preferences"], i);
            st.unsup(path.clone(), x.span, reason);
            let PlacementPreference {
                spread: _,
                extensions,
            } = &x.value;
            st.extensions(&path, extensions, x.span);
        }
        if let Some(x) = max_replicas_per_node {
            let path = names::cat([pp, ".max_replicas_per_node"]);
            st.unsup(path, x.span, "placement is a Swarm feature");
        }
        st.extensions_at_own_spans(pp, extensions);
    });
}
