//! One Compose service → one `.container` file (and `.build` / secret files): the podman
//! mapping's steps for the service ([`transship_podman::map_service`]), spelled in quadlet
//! terms ([`crate::spell`]), and the area the mapping leaves to the target (how the image is
//! acquired: `image`, `pull_policy`, `platform`, with quadlet's `.image` units), which this
//! module maps from the IR at the mapping's markers.

use transship_ir::*;
use transship_podman::map::map_service_into;
use transship_podman::map::{Area, ExecArg, ServiceMap, Step, SystemdSection};
use transship_podman::names;
use transship_translate::unit::{
    Expansion, Section, UnitFile, quote_word, quote_word_with_specifier_prefix,
};

use crate::QuadletState;
use crate::spell::{BuildState, ContainerUnit, Quad, record, soft, spell};
use crate::version::has_unit_type;

/// One service → its `.container` unit; `replica` > 1 writes the extra replicas of a scaled
/// service (`<project>-<service>-<n>.container`, container `<project>-<service>-<n>`).
pub(crate) fn translate_service(cx: &mut QuadletState<'_>, s: &Service, replica: i64) {
    let buffer = std::mem::take(&mut cx.steps);
    let ServiceMap {
        path: service_path,
        unit_base,
        mut steps,
        ..
    } = map_service_into(&cx.mapper, s, replica, buffer);
    let mark = cx.ledger.entries.len();
    let mut u = ContainerUnit {
        unit: Section::new("Unit"),
        container: Quad::new(cx.t.version, "Container"),
        service: Section::new("Service"),
        build: None,
    };
    let description = if replica > 1 {
        format!(
            "Compose service {} of project {} (replica {replica})",
            s.name, cx.p.name.value
        )
    } else {
        format!("Compose service {} of project {}", s.name, cx.p.name.value)
    };
    let _ = u
        .unit
        .plain("Description", &description, Expansion::Setting);
    let (mut build_image, mut build_context) = (String::new(), String::new());
    for step in steps.drain(..) {
        match step {
            Step::Decide(d) => record(cx, &mut u, &s.environment, d),
            Step::Set(opt) => {
                let _ = spell(cx, &mut u, &s.environment, &opt);
            }
            Step::Soft(opt) => soft(&mut u, &opt),
            Step::Systemd(section, key, value) => {
                systemd_section(&mut u, section).raw(key, value.into_owned());
            }
            Step::SystemdExec(section, key, words) => {
                let line = exec_line(cx, &words);
                systemd_section(&mut u, section).raw(key, line);
            }
            Step::BeginBuild { image, context } => {
                u.build = Some(BuildState::new(cx.t.version, &image, &context));
                build_image = image;
                build_context = context;
            }
            Step::BuildEnvironmentFile(file) => {
                if let Some(b) = u.build.as_mut() {
                    b.env_file = Some(file);
                }
            }
            Step::EndBuild => {
                if let Some(b) = u.build.take() {
                    end_build(cx, s, &mut u.service, b, &build_image, &build_context);
                }
            }
            Step::File(f) => cx.add_file(f.path, f.contents, f.mode, f.secret),
            Step::Area(area) => target_area(cx, s, &mut u, area),
        }
    }
    cx.steps = steps;
    let mut install = Section::new("Install");
    install.raw("WantedBy", cx.t.wanted_by());
    if cx.ledger.entries.len() == mark {
        cx.ok(service_path, s.span, "service with no keys");
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
        build: _,
    } = u;
    unit.dedup();
    uf.sections.push(unit);
    uf.sections.push(container.finish());
    uf.sections.push(service);
    uf.sections.push(install);
    cx.add_file(
        names::cat([&unit_base, ".container"]),
        uf.render(),
        0o644,
        false,
    );
}

/// The finished build: a `.build` unit, or `ExecStartPre=podman build ... CONTEXT`.
fn end_build(
    cx: &mut QuadletState<'_>,
    s: &Service,
    service: &mut Section,
    mut b: BuildState,
    image: &str,
    context: &str,
) {
    // The build's secret build-arg values: read by the unit that runs `podman build`.
    let env_file = b.env_file.take().map(|f| {
        let (spec, dir) = cx.t.install_dir_spec();
        format!("{spec}{dir}/{f}")
    });
    if b.unit_mode {
        let mut sections = vec![b.section.finish()];
        if let Some(f) = env_file {
            let mut svc = Section::new("Service");
            svc.raw("EnvironmentFile", f);
            sections.push(svc);
        }
        cx.add_unit_sections(
            names::cat([&names::service_base(cx.p, &s.name), ".build"]),
            &format!("image build of Compose service {:?}", s.name),
            &format!("Build of {image} for Compose service {}", s.name),
            sections,
        );
    } else {
        if let Some(f) = env_file {
            service.raw("EnvironmentFile", f);
        }
        b.argv.push(context.to_owned());
        service.words("ExecStartPre", &b.argv, Expansion::Exec);
    }
}

fn systemd_section(u: &mut ContainerUnit, section: SystemdSection) -> &mut Section {
    match section {
        SystemdSection::Unit => &mut u.unit,
        SystemdSection::Service => &mut u.service,
    }
}

/// The areas the mapping leaves to the target.
fn target_area(cx: &mut QuadletState<'_>, s: &Service, u: &mut ContainerUnit, area: Area) {
    match area {
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
    }
}

/// `image:` (and the image a `build:` produces) as `Image=`.
fn image(cx: &mut QuadletState<'_>, s: &Service, c: &mut Quad) {
    let v = cx.t.version;
    let p = names::cat(["services.", &s.name]);
    let built = s.build.is_some();
    // Only a built image needs its unit's base name and local tag.
    let (base, image_ref) = if built {
        (
            names::service_base(cx.p, &s.name),
            names::built_image(cx.p, s),
        )
    } else {
        (String::new(), String::new())
    };
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

/// A mapped command line in unit syntax; an installed side file gets the path of the
/// install directory (`%h/.config/containers/systemd/...` for `--user`).
fn exec_line(cx: &QuadletState<'_>, words: &[ExecArg]) -> String {
    let (spec, dir) = cx.t.install_dir_spec();
    let quoted: Vec<String> = words
        .iter()
        .map(|w| match w {
            ExecArg::Word(w) => quote_word(w, Expansion::Exec),
            ExecArg::InstalledFile { flag, file } => quote_word_with_specifier_prefix(
                &format!("{flag}{spec}"),
                &format!("{dir}/{file}"),
                Expansion::Exec,
            ),
        })
        .collect();
    quoted.join(" ")
}
