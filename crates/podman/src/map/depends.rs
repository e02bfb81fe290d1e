//! `depends_on`: systemd ordering and requirement on the dependency's unit, and how its
//! condition is waited for.

use transship_ir::{Dependency, DependsCondition, HealthTest, Project};
use transship_translate::Outcome;

use super::{Steps, SystemdSection};
use crate::names;

/// True when service `dep` has an enabled healthcheck with a test in Compose.
pub fn dep_has_check(p: &Project, dep: &str) -> bool {
    p.services
        .get(dep)
        .and_then(|s| s.healthcheck.as_ref())
        .is_some_and(|h| {
            !h.value.disable.as_ref().is_some_and(|d| d.value)
                && h.value
                    .test
                    .as_ref()
                    .is_some_and(|t| t.value != HealthTest::None)
        })
}

pub(super) fn depends_on(st: &mut Steps<'_, '_>) {
    let v = st.version();
    for (dep, d) in &st.s.depends_on {
        let Dependency {
            condition,
            restart,
            required,
            extensions,
        } = &d.value;
        let path = names::cat([&st.p, ".depends_on.", dep]);
        let dunit = names::service_unit(st.project(), dep);
        let exists = st.project().services.contains_key(dep);
        let mut detail = Vec::new();
        let want = if required.value { "Requires" } else { "Wants" };
        st.systemd(SystemdSection::Unit, want, dunit.clone());
        detail.push(format!("{want}={dunit}"));
        st.systemd(SystemdSection::Unit, "After", dunit.clone());
        detail.push(format!("After={dunit}"));
        if restart.as_ref().is_some_and(|x| x.value) {
            st.systemd(SystemdSection::Unit, "PartOf", dunit.clone());
            detail.push(format!("PartOf={dunit}"));
        }
        let outcome = match condition.value {
            DependsCondition::ServiceStarted => Outcome::Translated,
            DependsCondition::ServiceHealthy if !dep_has_check(st.project(), dep) => {
                detail.push(names::cat(["Notify=healthy on ", dep]));
                Outcome::Approximated(format!(
                    "{dep} defines no healthcheck in Compose: it must come from the image's HEALTHCHECK, or {dep}'s unit never becomes ready (Compose refuses to start in that case)"
                ))
            }
            DependsCondition::ServiceHealthy if v.notify_healthy() => {
                detail.push(names::cat(["Notify=healthy on ", dep]));
                Outcome::Translated
            }
            DependsCondition::ServiceHealthy => {
                detail.push(names::cat([
                    "ExecStartPost= waits for ",
                    dep,
                    "'s healthcheck",
                ]));
                Outcome::Approximated(format!(
                    "podman {v} has no Notify=healthy (5.0+): {dep}'s unit polls `podman healthcheck run` in ExecStartPost= until healthy (within TimeoutStartSec=900)"
                ))
            }
            DependsCondition::ServiceCompletedSuccessfully => {
                detail.push(names::cat([
                    dep,
                    " runs as Type=oneshot, RemainAfterExit=yes",
                ]));
                Outcome::Translated
            }
        };
        let outcome = if !exists && !required.value {
            Outcome::Approximated(format!(
                "{dep} is not an active service; Wants= on a missing unit is ignored"
            ))
        } else {
            outcome
        };
        st.fixed(path.clone(), d.span, outcome, Some(detail.join(", ")));
        st.extensions(&path, extensions, d.span);
    }
}
