//! Benchmark (not a test): a synthetic Compose file of 2,000 services (about 812 KB) and
//! one of 20,000, read by two bare YAML parses of the same parser and by the loader:
//! (a) saphyr-parser's event stream alone (a scan that builds nothing: the floor),
//! (b) saphyr's own spanned document tree (`MarkedYaml`, the same parser: what a
//! "bare YAML parse" of the file costs, bytes to a YAML value with positions),
//! (c) `load_tree` (parse with spans, anchors, interpolation, merge),
//! (d) the full `transship_loader::load` (plus canonicalization and validation).
//! Prints wall time (best of a few runs), CPU time and peak heap (a counting global
//! allocator), and the full load's ratios to both bare parses. Goal (issue 3): full load
//! ≤ 1.2× the bare parse and ≤ 30 MiB at 2,000 services, linear up to 20,000. Run:
//! `cargo bench -p transship-loader --features bench --bench load`.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait};
use saphyr_parser::Parser;
use transship_loader::discovery::LoadOptions;

#[global_allocator]
static GLOBAL: &PeakMemAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// The shared synthetic project (`transship_loader::synthetic`, feature `bench`), also
/// used by the end-to-end conversion benchmark (`crates/cli/benches/convert.rs`).
fn generate(services: usize) -> String {
    transship_loader::synthetic::compose_file(services)
}

struct Figure {
    time: Duration,
    /// On-CPU time of this thread (from `/proc/thread-self/schedstat`): steadier than wall
    /// time on a busy machine, but only as fine as the scheduler tick (a few ms): trust wall
    /// time on a quiet machine.
    cpu: Duration,
    peak: usize,
}

fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn measure(runs: usize, mut f: impl FnMut()) -> Figure {
    let mut best = Duration::MAX;
    let mut best_cpu = Duration::MAX;
    let mut peak = 0;
    for _ in 0..runs {
        GLOBAL.reset_peak_memory();
        let before = GLOBAL.get_peak_memory();
        let c = thread_cpu();
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
        best_cpu = best_cpu.min(thread_cpu().saturating_sub(c));
        peak = peak.max(GLOBAL.get_peak_memory().saturating_sub(before));
    }
    Figure {
        time: best,
        cpu: best_cpu,
        peak,
    }
}

fn mib(b: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let v = b as f64 / (1024.0 * 1024.0);
    v
}

fn run(services: usize, runs: usize) {
    let text = generate(services);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, &text).unwrap();
    let opts = LoadOptions {
        files: vec![path.clone()],
        cwd: dir.path().to_path_buf(),
        environment: BTreeMap::from([("TAG".to_owned(), "2.0".to_owned())]),
        ..LoadOptions::default()
    };
    let bare = measure(runs, || {
        let bytes = std::fs::read_to_string(Path::new(&path)).unwrap();
        let mut events = 0usize;
        for ev in Parser::new_from_str(&bytes) {
            ev.unwrap();
            events += 1;
        }
        std::hint::black_box(events);
    });
    let doc = measure(runs, || {
        let bytes = std::fs::read_to_string(Path::new(&path)).unwrap();
        std::hint::black_box(transship_loader::synthetic::document_tree(&bytes));
    });
    let tree = measure(runs, || {
        let loaded = transship_loader::pipeline::load_tree(&opts).unwrap();
        std::hint::black_box(loaded);
    });
    let full = measure(runs, || match transship_loader::load(&opts) {
        Ok(p) => {
            std::hint::black_box(p);
        }
        Err(e) => panic!("full load failed: {e}"),
    });
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!(
        "{services:>6} services, {:>7.1} KB (wall / cpu / peak heap)",
        text.len() as f64 / 1000.0
    );
    let line = |name: &str, f: &Figure| {
        println!(
            "  {name:<30} {:>8.1?} / {:>8.1?} / {:>6.1} MiB   wall {:.2}x tree, {:.2}x events; cpu {:.2}x tree",
            f.time,
            f.cpu,
            mib(f.peak),
            ratio(f.time, doc.time),
            ratio(f.time, bare.time),
            ratio(f.cpu, doc.cpu),
        );
    };
    line("bare parse: events (floor)", &bare);
    line("bare parse: saphyr tree", &doc);
    line("load_tree", &tree);
    line("full load", &full);
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    if quick {
        run(50, 1);
        return;
    }
    run(2_000, 5);
    run(20_000, 2);
}
