//! The podman mapping alone, for every Compose fixture (`fixtures/compose/*/`): each service's
//! steps as podman-level data (key path, `podman run` words or the gap, outcome rule; options
//! set for other reasons; systemd settings; areas still mapped by the target), snapshotted for
//! podman 5.4 and 4.4, so that every podman-based target can be checked against the same data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;

use transship_ir::Project;
use transship_loader::fixtures::{fixture_dirs, options, redact};
use transship_podman::map::{Decision, Rule, SystemdSection};
use transship_podman::{MapOptions, Mapper, PodmanVersion, Step, map_service};
use transship_translate::Outcome;

fn outcome(o: &Outcome) -> String {
    match o.reason() {
        Some(r) => format!("{} ({r})", o.label()),
        None => o.label().to_owned(),
    }
}

fn decision(out: &mut String, d: &Decision) {
    let _ = write!(out, "{} @{}:{}", d.path, d.span.line, d.span.column);
    if let Some(opt) = &d.opt {
        let _ = write!(out, " => {}", opt.cli_words().join(" "));
    }
    match &d.rule {
        Rule::Spelled => {}
        Rule::Described => out.push_str(" [set above]"),
        Rule::LikeLast => out.push_str(" [as the previous decision]"),
        Rule::ApproxIfSpelled(r) => {
            let _ = write!(out, " [approximated if written: {r}]");
        }
        Rule::ApproxAlways(r) => {
            let _ = write!(out, " [approximated: {r}]");
        }
        Rule::Fixed(o, detail) => {
            let _ = write!(out, " [{}]", outcome(o));
            if let Some(d) = detail {
                let _ = write!(out, " -> {d}");
            }
        }
    }
    if !d.suffix.is_empty() {
        let _ = write!(out, " +{:?}", d.suffix);
    }
    out.push('\n');
}

fn render(project: &Project, version: PodmanVersion) -> String {
    let mapper = Mapper::new(
        project,
        MapOptions {
            version,
            pod: false,
            inline_env: false,
        },
    );
    let mut out = String::new();
    for s in project.services.values() {
        let m = map_service(&mapper, s, 1);
        let _ = writeln!(
            out,
            "== {} (unit {}, container {}, needs {:?})",
            m.path, m.unit_base, m.container_name, m.needs
        );
        for step in &m.steps {
            match step {
                Step::Decide(d) => decision(&mut out, d),
                Step::Set(o) => {
                    let _ = writeln!(out, "set {}", o.cli_words().join(" "));
                }
                Step::Soft(o) => {
                    let _ = writeln!(out, "set where native {}", o.cli_words().join(" "));
                }
                Step::Systemd(sec, k, v) => {
                    let _ = writeln!(out, "[{}] {k}={v}", section(*sec));
                }
                Step::SystemdExec(sec, k, words) => {
                    let words: Vec<String> = words.iter().map(|w| w.display()).collect();
                    let _ = writeln!(out, "[{}] {k}= {words:?}", section(*sec));
                }
                Step::BeginBuild { image, context } => {
                    let _ = writeln!(out, "build {image} from {context}");
                }
                Step::BuildEnvironmentFile(f) => {
                    let _ = writeln!(out, "build environment from {f}");
                }
                Step::EndBuild => out.push_str("end of build\n"),
                Step::File(f) => {
                    let _ = writeln!(
                        out,
                        "file {} (mode {:o}{})",
                        f.path,
                        f.mode,
                        if f.secret { ", secret" } else { "" }
                    );
                }
                Step::Area(a) => {
                    let _ = writeln!(out, "area {a:?} (mapped by the target)");
                }
            }
        }
    }
    out
}

fn section(s: SystemdSection) -> &'static str {
    match s {
        SystemdSection::Unit => "Unit",
        SystemdSection::Service => "Service",
    }
}

#[test]
fn every_fixture_maps_to_podman_options() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    let mut mapped = 0;
    settings.bind(|| {
        for dir in fixture_dirs("compose") {
            if !dir.join("compose.yaml").is_file() {
                continue;
            }
            let Ok(project) = transship_loader::load(&options(&dir)) else {
                continue; // error fixtures: the loader's tests cover them
            };
            mapped += 1;
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            for v in ["5.4", "4.4"] {
                let text = render(&project, v.parse().unwrap());
                insta::assert_snapshot!(format!("{name}@{v}"), redact(&text, &dir));
            }
        }
    });
    assert!(mapped > 0, "no fixture loaded");
}

/// Every decision the mapping makes for a service is one ledger entry of the quadlet target:
/// the mapping never decides a key path twice.
#[test]
fn no_key_path_is_decided_twice() {
    for dir in fixture_dirs("compose") {
        let Ok(project) = transship_loader::load(&options(&dir)) else {
            continue;
        };
        let mapper = Mapper::new(
            &project,
            MapOptions {
                version: PodmanVersion::MAX,
                pod: true,
                inline_env: false,
            },
        );
        for s in project.services.values() {
            let m = map_service(&mapper, s, 1);
            let mut seen = std::collections::BTreeSet::new();
            for step in &m.steps {
                if let Step::Decide(d) = step {
                    assert!(
                        seen.insert(d.path.clone()),
                        "{}: {} twice",
                        dir.display(),
                        d.path
                    );
                }
            }
        }
    }
}
