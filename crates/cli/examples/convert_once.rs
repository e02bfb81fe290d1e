//! Profiling harness (feature `bench`): one phase of `migrate compose.yaml --to podman -o DIR`
//! on the synthetic project, for `valgrind --tool=callgrind` (repeatable instruction counts
//! on a noisy machine).
//! `cargo build --profile bench -p transship-cli --features bench --example convert_once`,
//! then `valgrind --tool=callgrind --toggle-collect='convert_once::phase*'
//! <target>/release/examples/convert_once [SERVICES] [PHASE]`, PHASE one of `load`,
//! `translate`, `report` (the text ledger report), `json` (`--report json`), `written` (the
//! list of written files), `write` (the files into a fresh directory) or `all` (the default:
//! load, translate, write, and both text reports, as the CLI does); `dump` prints the
//! synthetic file (to run `migrate` itself on it). Only the `phase_*`
//! function of the chosen phase is measured with that toggle, not the preparation.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use transship_cli::report::{self, ReportContext};
use transship_ir::Project;
use transship_loader::LoadOptions;
use transship_quadlet::QuadletTranslator;
use transship_translate::{Output, Translator};

#[inline(never)]
fn phase_load(opts: &LoadOptions) -> Project {
    transship_loader::load(opts).unwrap()
}

#[inline(never)]
fn phase_translate(p: &Project) -> Output {
    QuadletTranslator::default().translate(p).unwrap()
}

#[inline(never)]
fn phase_report(p: &Project, out: &Output, cwd: &Path) -> usize {
    let ctx = ReportContext::from_project(p, Some(cwd));
    report::render_text(&out.ledger, &ctx, "podman 5.4 (system)").len()
}

#[inline(never)]
fn phase_json(p: &Project, out: &Output, cwd: &Path) {
    let ctx = ReportContext::from_project(p, Some(cwd));
    let sink = std::io::BufWriter::new(std::io::sink());
    serde_json::to_writer_pretty(sink, &report::ledger_json(&out.ledger, &ctx)).unwrap();
}

#[inline(never)]
fn phase_write(out: &Output, dir: &Path) -> transship_cli::write::WriteOutcome {
    transship_cli::write::write_artifacts(dir, &out.artifacts, false).unwrap()
}

#[inline(never)]
fn phase_written(dir: &Path, written: &transship_cli::write::WriteOutcome) -> usize {
    transship_cli::convert_cmd::render_written(dir, written).len()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let services: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let phase = args.next().unwrap_or_else(|| "all".to_owned());
    let text = transship_loader::synthetic::compose_file(services);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, &text).unwrap();
    let opts = LoadOptions {
        files: vec![path],
        cwd: dir.path().to_path_buf(),
        environment: BTreeMap::from([("TAG".to_owned(), "2.0".to_owned())]),
        ..LoadOptions::default()
    };
    let out_dir = dir.path().join("out");
    let n = match phase.as_str() {
        "dump" => {
            print!("{text}");
            return;
        }
        "load" => phase_load(&opts).services.len(),
        "all" => {
            let p = phase_load(&opts);
            let out = phase_translate(&p);
            let written = phase_write(&out, &out_dir);
            phase_written(&out_dir, &written) + phase_report(&p, &out, dir.path())
        }
        other => {
            let p = transship_loader::load(&opts).unwrap();
            let out = QuadletTranslator::default().translate(&p).unwrap();
            match other {
                "translate" => phase_translate(&p).ledger.entries.len(),
                "report" => phase_report(&p, &out, dir.path()),
                "json" => {
                    phase_json(&p, &out, dir.path());
                    out.ledger.entries.len()
                }
                "write" => phase_write(&out, &out_dir).files.len(),
                "written" => {
                    let written =
                        transship_cli::write::write_artifacts(&out_dir, &out.artifacts, false)
                            .unwrap();
                    phase_written(&out_dir, &written)
                }
                _ => panic!("unknown phase {other}"),
            }
        }
    };
    println!("{phase}: {n}");
}
