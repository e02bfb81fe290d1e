//! Benchmark (not a test): `migrate compose.yaml --to podman -o DIR` end to end on the
//! synthetic project of the loader's benchmark (`transship_loader::synthetic`, 2,000 and
//! 20,000 services), next to two bare YAML parses of the same bytes by the same parser:
//! saphyr-parser's event loop alone (a scan that builds nothing: the floor) and saphyr's
//! spanned document tree (`MarkedYaml`: bytes to a YAML value, the "bare parse" of the issue's
//! figures). Ratios are given to both.
//!
//! End to end = load (read, parse, interpolate, merge, canonicalize, validate) + translate
//! (quadlet files and the ledger) + the default (text) ledger report + writing every file atomically into a fresh directory (temporary files, one
//! syncfs, renames, directory fsync). Each phase is also timed on its own. Time: best of N runs;
//! memory: peak heap during the run (a counting global allocator).
//!
//! Goal (issue 4): conversion ≤ 1.5× the bare parse (the document tree) and ≤ 40 MiB at 2,000 services, linear
//! in size. Run: `cargo bench -p transship-cli --bench convert`.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait};
use saphyr_parser::Parser;
use transship_cli::report::{self, ReportContext};
use transship_loader::LoadOptions;
use transship_quadlet::QuadletTranslator;
use transship_translate::{Output, Translator};

#[global_allocator]
static GLOBAL: &PeakMemAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

#[derive(Clone, Copy)]
struct Figure {
    /// Best wall-clock time of the runs.
    time: Duration,
    /// Mean CPU time (user + system, all threads) per run: unlike wall time, it hardly
    /// moves when other processes compete for the machine's two cores.
    cpu: Duration,
    peak: usize,
}

/// CPU time (user + system) of this process so far, from `/proc/self/stat` (fields 14 and
/// 15, in clock ticks of 1/100 s, Linux's `USER_HZ` on x86-64).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) is parenthesised and may hold spaces: split after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // After ")": field 3 is index 0, so utime (14) is index 11 and stime (15) index 12.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Best time and peak heap of `f` over `runs` runs; what `f` returns is dropped after the
/// clock stops (so removing a run's output directory is not timed).
fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> Figure {
    let mut best = Duration::MAX;
    let mut cpu = Duration::ZERO;
    let mut peak = 0;
    for _ in 0..runs {
        GLOBAL.reset_peak_memory();
        let before = GLOBAL.get_peak_memory();
        let c = cpu_time();
        let t = Instant::now();
        let result = f();
        best = best.min(t.elapsed());
        cpu += cpu_time().saturating_sub(c);
        peak = peak.max(GLOBAL.get_peak_memory().saturating_sub(before));
        drop(result);
    }
    Figure {
        time: best,
        cpu: cpu / u32::try_from(runs.max(1)).unwrap_or(1),
        peak,
    }
}

#[allow(clippy::cast_precision_loss)]
fn mib(b: usize) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn bare_parse(path: &Path) {
    let bytes = std::fs::read_to_string(path).unwrap();
    let mut events = 0usize;
    for ev in Parser::new_from_str(&bytes) {
        ev.unwrap();
        events += 1;
    }
    std::hint::black_box(events);
}

fn bare_tree(path: &Path) {
    let bytes = std::fs::read_to_string(path).unwrap();
    std::hint::black_box(transship_loader::synthetic::document_tree(&bytes));
}

fn load(opts: &LoadOptions) -> transship_ir::Project {
    transship_loader::load(opts).unwrap_or_else(|e| panic!("load: {e}"))
}

fn translate(p: &transship_ir::Project) -> Output {
    QuadletTranslator::default()
        .translate(p)
        .unwrap_or_else(|e| panic!("translate: {e}"))
}

/// The text report (what `migrate` prints by default).
fn ledger(p: &transship_ir::Project, out: &Output, cwd: &Path) -> usize {
    let ctx = ReportContext::from_project(p, Some(cwd));
    report::render_text(&out.ledger, &ctx, "podman 5.4 (system)").len()
}

/// The JSON report (`--report json`), streamed like the CLI streams it (into a sink here).
fn ledger_json(p: &transship_ir::Project, out: &Output, cwd: &Path) {
    let ctx = ReportContext::from_project(p, Some(cwd));
    let sink = std::io::BufWriter::new(std::io::sink());
    serde_json::to_writer_pretty(sink, &report::ledger_json(&out.ledger, &ctx)).unwrap();
}

/// Writes every file into a fresh directory; the directory is returned so that its removal
/// happens outside the measurement.
fn write(out: &Output, parent: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir_in(parent).unwrap();
    let written =
        transship_cli::write::write_artifacts(&dir.path().join("out"), &out.artifacts, false)
            .unwrap();
    assert_eq!(written.files.len(), out.artifacts.len());
    dir
}

struct Row {
    services: usize,
    bytes: usize,
    bare: Figure,
    tree: Figure,
    convert: Figure,
    convert_no_write: Figure,
    load: Figure,
    translate: Figure,
    ledger: Figure,
    ledger_json: Figure,
    write: Figure,
    files: usize,
    entries: usize,
}

fn run(services: usize, runs: usize) -> Row {
    let text = transship_loader::synthetic::compose_file(services);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, &text).unwrap();
    let opts = LoadOptions {
        files: vec![path.clone()],
        cwd: dir.path().to_path_buf(),
        environment: BTreeMap::from([("TAG".to_owned(), "2.0".to_owned())]),
        ..LoadOptions::default()
    };
    let scratch = tempfile::tempdir().unwrap();

    let bare = measure(runs, || bare_parse(&path));
    let tree = measure(runs, || bare_tree(&path));
    let convert = measure(runs, || {
        let p = load(&opts);
        let out = translate(&p);
        std::hint::black_box(ledger(&p, &out, dir.path()));
        write(&out, scratch.path())
    });
    let convert_no_write = measure(runs, || {
        let p = load(&opts);
        let out = translate(&p);
        std::hint::black_box(ledger(&p, &out, dir.path()));
    });
    let project = load(&opts);
    let output = translate(&project);
    let load_f = measure(runs, || {
        std::hint::black_box(load(&opts));
    });
    let translate_f = measure(runs, || {
        std::hint::black_box(translate(&project));
    });
    let ledger_f = measure(runs, || {
        std::hint::black_box(ledger(&project, &output, dir.path()));
    });
    let ledger_json_f = measure(runs, || {
        ledger_json(&project, &output, dir.path());
    });
    let write_f = measure(runs, || write(&output, scratch.path()));
    Row {
        services,
        bytes: text.len(),
        bare,
        tree,
        convert,
        convert_no_write,
        load: load_f,
        translate: translate_f,
        ledger: ledger_f,
        ledger_json: ledger_json_f,
        write: write_f,
        files: output.artifacts.len(),
        entries: output.ledger.entries.len(),
    }
}

fn print(r: &Row) {
    #[allow(clippy::cast_precision_loss)]
    let kb = r.bytes as f64 / 1000.0;
    let ratio = |f: Figure| f.time.as_secs_f64() / r.tree.time.as_secs_f64();
    let floor = |f: Figure| f.time.as_secs_f64() / r.bare.time.as_secs_f64();
    println!(
        "{:>6} services ({kb:.0} KB, {} files, {} ledger entries)",
        r.services, r.files, r.entries
    );
    let cpu_ratio = |f: Figure| f.cpu.as_secs_f64() / r.tree.cpu.as_secs_f64().max(1e-3);
    println!(
        "  {:<37}{:>12} {:>12} {:>10}",
        "", "wall (best)", "cpu (mean)", "peak heap"
    );
    println!(
        "  bare YAML parse: events (floor)      {:>9.1} ms {:>9.0} ms {:>6.1} MiB",
        ms(r.bare.time),
        ms(r.bare.cpu),
        mib(r.bare.peak)
    );
    println!(
        "  bare YAML parse: saphyr tree         {:>9.1} ms {:>9.0} ms {:>6.1} MiB",
        ms(r.tree.time),
        ms(r.tree.cpu),
        mib(r.tree.peak)
    );
    println!(
        "  convert end to end (with -o write)   {:>9.1} ms {:>9.0} ms {:>6.1} MiB  {:>5.2}x tree (cpu {:.2}x), {:.2}x events",
        ms(r.convert.time),
        ms(r.convert.cpu),
        mib(r.convert.peak),
        ratio(r.convert),
        cpu_ratio(r.convert),
        floor(r.convert)
    );
    println!(
        "  convert without the write            {:>9.1} ms {:>9.0} ms {:>6.1} MiB  {:>5.2}x tree (cpu {:.2}x), {:.2}x events",
        ms(r.convert_no_write.time),
        ms(r.convert_no_write.cpu),
        mib(r.convert_no_write.peak),
        ratio(r.convert_no_write),
        cpu_ratio(r.convert_no_write),
        floor(r.convert_no_write)
    );
    for (name, f) in [
        ("load", r.load),
        ("translate (files + ledger)", r.translate),
        ("ledger report (text)", r.ledger),
        ("ledger report (--report json)", r.ledger_json),
        ("write (tmp + syncfs + rename)", r.write),
    ] {
        println!(
            "    {name:<33}{:>9.1} ms {:>9.0} ms {:>6.1} MiB",
            ms(f.time),
            ms(f.cpu),
            mib(f.peak)
        );
    }
}

fn main() {
    // `cargo test --benches` runs bench targets without `--bench`: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    if quick {
        print(&run(50, 1));
        return;
    }
    let small = run(2_000, 5);
    print(&small);
    let large = run(20_000, 2);
    print(&large);
    let scale = |a: Figure, b: Figure| b.time.as_secs_f64() / a.time.as_secs_f64();
    let cpu_scale = |a: Figure, b: Figure| b.cpu.as_secs_f64() / a.cpu.as_secs_f64().max(1e-3);
    println!(
        "scaling 2,000 -> 20,000 services (10x), wall: convert {:.1}x (without write {:.1}x), bare parse: events {:.1}x, tree {:.1}x",
        scale(small.convert, large.convert),
        scale(small.convert_no_write, large.convert_no_write),
        scale(small.bare, large.bare),
        scale(small.tree, large.tree)
    );
    println!(
        "scaling, cpu: convert {:.1}x (without write {:.1}x), load {:.1}x, translate {:.1}x, text report {:.1}x, bare parse: events {:.1}x, tree {:.1}x",
        cpu_scale(small.convert, large.convert),
        cpu_scale(small.convert_no_write, large.convert_no_write),
        cpu_scale(small.load, large.load),
        cpu_scale(small.translate, large.translate),
        cpu_scale(small.ledger, large.ledger),
        cpu_scale(small.bare, large.bare),
        cpu_scale(small.tree, large.tree)
    );
    println!(
        "goal at 2,000 services: <= 1.5x the bare parse (saphyr tree) -> {:.2}x without the write, {:.2}x with it (events: {:.2}x, {:.2}x); <= 40 MiB -> {:.1} MiB peak",
        small.convert_no_write.time.as_secs_f64() / small.tree.time.as_secs_f64(),
        small.convert.time.as_secs_f64() / small.tree.time.as_secs_f64(),
        small.convert_no_write.time.as_secs_f64() / small.bare.time.as_secs_f64(),
        small.convert.time.as_secs_f64() / small.bare.time.as_secs_f64(),
        mib(small.convert.peak)
    );
}
