//! One Compose service → one `.container` file (and `.build` / secret files): the podman
//! mapping's steps for the service ([`transship_podman::map_service`]), spelled in quadlet
//! terms ([`crate::spell`]), and the areas the mapping leaves to the target for now (image
//! and build, platform and pull policy, restart and
//! deploy), which this module maps from the IR at the mapping's marker.

use transship_ir::*;
use transship_podman::map::{Area, DepNeeds, ServiceMap, Step, SystemdSection};
use transship_podman::{map_service, names};
use transship_translate::Outcome;
use transship_translate::unit::{Ctx, Section, UnitFile};

use crate::Cx;
use crate::spell::{ContainerUnit, Quad, record, soft, spell};
use crate::version::has_unit_type;

/// `<parent>.<x-key>` entries for the extension fields of a node (ignored).
pub(crate) fn ext_unsupported(cx: &mut Cx<'_>, parent: &str, e: &Extensions, span: Span) {
    for (k, v) in e {
        let sp = if v.span.is_synthetic() { span } else { v.span };
        cx.unsup(
            format!("{parent}.{k}"),
            sp,
            transship_podman::map::EXTENSION_FIELD,
        );
    }
}

/// One service → its `.container` unit; `replica` > 1 writes the extra replicas of a scaled
/// service (`<project>-<service>-<n>.container`, container `<project>-<service>-<n>`).
pub(crate) fn translate_service(cx: &mut Cx<'_>, s: &Service, replica: i64) {
    let m = map_service(&cx.mapper, s, replica);
    let mark = cx.ledger.entries.len();
    let mut u = ContainerUnit {
        unit: Section::new("Unit"),
        container: Quad::new(cx.t.version, "Container"),
        service: Section::new("Service"),
    };
    let description = if replica > 1 {
        format!(
            "Compose service {} of project {} (replica {replica})",
            s.name, cx.p.name.value
        )
    } else {
        format!("Compose service {} of project {}", s.name, cx.p.name.value)
    };
    let _ = u.unit.plain("Description", &description, Ctx::Setting);
    for step in &m.steps {
        match step {
            Step::Decide(d) => record(cx, &mut u, &s.environment, d),
            Step::Set(opt) => {
                let _ = spell(cx, &mut u, &s.environment, opt);
            }
            Step::Soft(opt) => soft(&mut u, opt),
            Step::Systemd(section, key, value) => {
                systemd_section(&mut u, *section).raw(key, value.clone());
            }
            Step::SystemdExec(section, key, words) => {
                systemd_section(&mut u, *section).words(key, words, Ctx::Exec);
            }
            Step::File(f) => cx.add_file(f.path.clone(), f.contents.clone(), f.mode, f.secret),
            Step::Area(area) => target_area(cx, s, &m, &mut u, *area),
        }
    }
    let mut install = Section::new("Install");
    install.raw("WantedBy", cx.t.wanted_by());
    if cx.ledger.entries.len() == mark {
        cx.ok(m.path.clone(), s.span, "service with no keys");
    }
    let has_image = u.container.sec.get("Image").next().is_some();
    let mut uf = UnitFile {
        header: cx.header(&format!("Compose service {:?}", s.name)),
        sections: vec![],
    };
    if !has_image {
        uf.header.push(
            "No image: Compose needs `image` or `build`; add Image= before installing.".into(),
        );
    }
    let ContainerUnit {
        mut unit,
        container,
        service,
    } = u;
    unit.dedup();
    uf.sections.push(unit);
    uf.sections.push(container.finish());
    uf.sections.push(service);
    uf.sections.push(install);
    cx.add_file(
        names::cat([&m.unit_base, ".container"]),
        uf.render(),
        0o644,
        false,
    );
}

fn systemd_section(u: &mut ContainerUnit, section: SystemdSection) -> &mut Section {
    match section {
        SystemdSection::Unit => &mut u.unit,
        SystemdSection::Service => &mut u.service,
    }
}

/// The areas the mapping leaves to the target.
fn target_area(cx: &mut Cx<'_>, s: &Service, m: &ServiceMap, u: &mut ContainerUnit, area: Area) {
    let p = &m.path;
    match area {
        Area::Build => {
            if let Some(b) = &s.build {
                let image_ref = names::built_image(cx.p, s);
                let base = names::service_base(cx.p, &s.name);
                crate::resources::build(
                    cx,
                    s,
                    b,
                    &image_ref,
                    &base,
                    &mut u.container,
                    &mut u.service,
                );
            }
        }
        Area::Image => image(cx, s, &mut u.container),
        Area::Platform => {
            if let Some(x) = &s.platform {
                crate::image::platform(cx, s, &mut u.container, x);
            }
        }
        Area::PullPolicy => {
            if let Some(x) = &s.pull_policy {
                crate::image::pull_policy(cx, s, &mut u.container, x);
            }
        }
        Area::RestartDeploy => restart_and_deploy(cx, s, p, m.needs, u),
    }
}

/// `image:` (and the image a `build:` produces) as `Image=`.
fn image(cx: &mut Cx<'_>, s: &Service, c: &mut Quad) {
    let v = cx.t.version;
    let p = names::cat(["services.", &s.name]);
    let base = names::service_base(cx.p, &s.name);
    let built = s.build.is_some();
    let image_ref = names::built_image(cx.p, s);
    let pulled_by_unit = crate::image::container_image(cx, s, c);
    match &s.image {
        Some(img) if pulled_by_unit.is_some() => {
            if let Some((o, d)) = pulled_by_unit {
                cx.push(names::cat([&p, ".image"]), img.span, o, d);
            }
        }
        Some(img) => {
            let use_build_unit = built && has_unit_type(v, "build");
            let qualified = if built {
                image_ref.clone()
            } else {
                names::qualify_image(&img.value)
            };
            let put = if use_build_unit {
                c.plain("Image", &names::cat([&base, ".build"]), None)
            } else {
                c.plain("Image", &qualified, None)
            };
            let (o, d) = put.outcome();
            let d = if use_build_unit {
                format!("{d} (the image is built as {image_ref})")
            } else if qualified != img.value {
                format!("{d} (the short name resolved as Docker does)")
            } else {
                d
            };
            cx.push(names::cat([&p, ".image"]), img.span, o, d);
        }
        None if built => {
            if has_unit_type(v, "build") {
                let _ = c.plain("Image", &names::cat([&base, ".build"]), None);
            } else {
                let _ = c.plain("Image", &image_ref, None);
            }
        }
        None => {}
    }
}

/// `restart` and `deploy` (which may supersede it), run-to-completion services and the start
/// timeout.
fn restart_and_deploy(
    cx: &mut Cx<'_>,
    s: &Service,
    p: &str,
    needs: DepNeeds,
    u: &mut ContainerUnit,
) {
    let name = &s.name;
    let (restart, deploy) = (&s.restart, &s.deploy);
    let (c, unit, svc) = (&mut u.container, &mut u.unit, &mut u.service);
    let mut restart_set: Option<&'static str> = None;
    if let Some(r) = restart {
        let (val, outcome) = match r.value {
            RestartPolicy::No => ("no", Outcome::Translated),
            RestartPolicy::Always => ("always", Outcome::Translated),
            RestartPolicy::UnlessStopped => ("always", Outcome::Approximated("systemd has no `unless-stopped`: a unit stopped with systemctl stays stopped until the next boot, where it starts again (enabled units)".into())),
            RestartPolicy::OnFailure(None) => ("on-failure", Outcome::Translated),
            RestartPolicy::OnFailure(Some(n)) => {
                unit.raw("StartLimitBurst", (n + 1).to_string());
                unit.raw("StartLimitIntervalSec", "infinity");
                ("on-failure", Outcome::Approximated(format!("at most {n} restarts via StartLimitBurst={} (counted since boot, not since the container was created)", n + 1)))
            }
        };
        let (val, outcome) = if needs.completed && val == "always" {
            (
                "on-failure",
                Outcome::Approximated(format!(
                    "{name} runs to completion for a dependent (service_completed_successfully → Type=oneshot), and systemd allows only Restart=on-failure there"
                )),
            )
        } else {
            (val, outcome)
        };
        restart_set = Some(val);
        let superseded = deploy
            .as_ref()
            .and_then(|d| d.value.restart_policy.as_ref())
            .is_some();
        if superseded {
            cx.ok(
                names::cat([p, ".restart"]),
                r.span,
                "superseded by deploy.restart_policy, as in Compose",
            );
        } else {
            cx.push(
                names::cat([p, ".restart"]),
                r.span,
                outcome,
                format!("Restart={val}"),
            );
        }
    }
    if let Some(d) = deploy {
        crate::resources::deploy(cx, s, c, unit, svc, p, d, &mut restart_set);
    }
    let oneshot = needs.completed;
    if let Some(r) = restart_set {
        let r = if oneshot && r == "always" {
            "on-failure"
        } else {
            r
        };
        svc.raw("Restart", r);
    }
    if oneshot {
        svc.raw("Type", "oneshot");
        svc.raw("RemainAfterExit", "yes");
    }
    // Pulls can be slow (podman-systemd.unit(5) recommends raising the start timeout); a
    // run-to-completion task has no time limit in Compose.
    svc.raw("TimeoutStartSec", if oneshot { "infinity" } else { "900" });
}
