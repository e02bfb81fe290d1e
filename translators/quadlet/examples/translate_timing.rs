//! Times the quadlet translation alone on the synthetic project (2,000 and 20,000 services).
//! `cargo run --release -p transship-quadlet --example translate_timing`
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::Instant;

use transship_loader::LoadOptions;
use transship_quadlet::QuadletTranslator;
use transship_translate::Translator;

fn main() {
    for n in [2_000usize, 20_000] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, transship_loader::synthetic::compose_file(n)).unwrap();
        let project = transship_loader::load(&LoadOptions {
            files: vec![path],
            cwd: dir.path().to_path_buf(),
            ..LoadOptions::default()
        })
        .unwrap();
        let t = QuadletTranslator::default();
        let mut best = f64::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            let out = t.translate(&project).unwrap();
            best = best.min(start.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(out);
        }
        println!("{n} services: translate {best:.1} ms");
    }
}
