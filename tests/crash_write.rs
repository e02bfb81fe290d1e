//! Tier 1: `kill -9` of `migrate ... -o DIR --force` at random points of a 3,000-file write
//! (2,000 container units, 1,000 secret env files and a network unit), then a clean rerun. After every kill each file
//! in the directory is whole (the old or the new version of itself, never a mix); after the
//! rerun the directory holds exactly the expected files and no temporary.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const SERVICES: usize = 2000;

/// A project of `SERVICES` services; every second one has a secret-looking env value (so
/// it also gets a 0600 env file). `tag` changes every unit's content.
fn compose(tag: u32) -> String {
    let mut s = String::from("name: crash\nservices:\n");
    for i in 0..SERVICES {
        s.push_str(&format!(
            "  svc{i:04}:\n    image: docker.io/library/busybox:1.{tag}\n    command: [\"sleep\", \"{i}\"]\n"
        ));
        if i % 2 == 0 {
            s.push_str(&format!(
                "    environment:\n      API_TOKEN: tok-{tag}-{i}\n      MODE: m{i}\n"
            ));
        }
    }
    s
}

fn migrate(cwd: &Path, out: &Path) -> Command {
    let mut c = Command::new(support::migrate_bin());
    c.current_dir(cwd)
        .args(["compose.yaml", "--to", "podman", "--force", "-o"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Every file under `dir`, relative path -> content.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                m.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    m
}

/// Whether a staging temporary is in `dir` right now.
fn has_temporary(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| is_temporary(&e.file_name().to_string_lossy()))
    })
}

fn is_temporary(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with(".migrate-") && n.ends_with(".tmp"))
}

/// The expected output of `tag`, written by a clean run into its own directory.
fn reference(root: &Path, tag: u32) -> BTreeMap<String, Vec<u8>> {
    let proj = root.join(format!("ref{tag}"));
    fs::create_dir_all(&proj).unwrap();
    fs::write(proj.join("compose.yaml"), compose(tag)).unwrap();
    let out = proj.join("out");
    let o = support::run_with_timeout(&mut migrate(&proj, &out), 120);
    assert!(
        o.status.success(),
        "{}",
        support::describe_failure("reference run", &o)
    );
    let snap = snapshot(&out);
    // A unit per service, an env file per second service, the project's default network.
    assert_eq!(snap.len(), SERVICES + SERVICES / 2 + 1);
    snap
}

/// A small deterministic generator (seed printed, so a failure can be replayed).
struct Lcg(u64);
impl Lcg {
    fn next_unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn kill_9_during_a_large_write_then_a_rerun_leaves_exactly_the_expected_files() {
    let root = tempfile::tempdir().unwrap();
    let refs = [reference(root.path(), 1), reference(root.path(), 2)];

    let proj = root.path().join("proj");
    fs::create_dir_all(&proj).unwrap();
    let out = proj.join("quadlets");
    // How long one whole run into an existing directory takes, for the kill points.
    fs::write(proj.join("compose.yaml"), compose(1)).unwrap();
    let started = Instant::now();
    let o = support::run_with_timeout(&mut migrate(&proj, &out), 120);
    assert!(
        o.status.success(),
        "{}",
        support::describe_failure("first run", &o)
    );
    let whole_run = started.elapsed();

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("crash test: seed {seed}, one run takes {whole_run:?}");
    let mut rng = Lcg(seed);
    let mut kills = 0;
    let mut kills_with_litter = 0;
    let mut attempts = 0;
    // At least 12 kills, and keep going (up to 80) until 4 of them hit the staging phase.
    while attempts < 80 && (attempts < 12 || kills_with_litter < 4) {
        attempts += 1;
        // The tag the directory does not hold yet (judged by its last unit), so that the run
        // has files to stage: a run into identical files writes nothing.
        let last = fs::read(out.join("crash-svc1999.container")).ok();
        let tag = if last.as_ref() == refs[0].get("crash-svc1999.container") {
            2
        } else {
            1
        };
        fs::write(proj.join("compose.yaml"), compose(tag)).unwrap();
        let mut child = migrate(&proj, &out).spawn().unwrap();
        // Half the kills at a random point of the whole run; the other half a random moment
        // after the first temporary shows up, so that a loaded machine (where the load and
        // the translation take longer than measured) still gets kills inside the staging.
        let delay = if attempts % 2 == 0 {
            let started = Instant::now();
            while started.elapsed() < whole_run * 20
                && child.try_wait().unwrap().is_none()
                && !has_temporary(&out)
            {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            whole_run.mul_f64(0.2 * rng.next_unit())
        } else {
            whole_run.mul_f64(0.1 + 0.9 * rng.next_unit())
        };
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_some() {
            continue; // finished before the kill point
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        let snap = snapshot(&out);
        let litter = snap.keys().filter(|k| is_temporary(k)).count();
        if litter > 0 {
            kills_with_litter += 1;
        }
        for (rel, content) in &snap {
            if is_temporary(rel) {
                continue;
            }
            assert!(
                refs.iter().any(|r| r.get(rel) == Some(content)),
                "after kill {kills} (delay {delay:?}, seed {seed}): {rel} is not a whole \
                 version of itself"
            );
        }
    }
    eprintln!(
        "crash test: {kills} kills in {attempts} attempts, {kills_with_litter} left temporaries"
    );
    assert!(
        kills_with_litter > 0,
        "no kill landed while temporaries existed (seed {seed}); the test proved nothing"
    );

    // A clean rerun: exactly the expected files, no temporary, and it says what it removed.
    fs::write(proj.join("compose.yaml"), compose(2)).unwrap();
    let litter_before = snapshot(&out).keys().filter(|k| is_temporary(k)).count();
    let o = support::run_with_timeout(&mut migrate(&proj, &out), 120);
    assert!(
        o.status.success(),
        "{}",
        support::describe_failure("rerun", &o)
    );
    if litter_before > 0 {
        let report = String::from_utf8_lossy(&o.stderr);
        assert!(
            report.contains(&format!("removed {litter_before} stale temporary")),
            "{report}"
        );
    }
    let snap = snapshot(&out);
    let extra: Vec<&String> = snap.keys().filter(|k| !refs[1].contains_key(*k)).collect();
    assert!(extra.is_empty(), "left behind after the rerun: {extra:?}");
    assert!(
        snap == refs[1],
        "the rerun's output differs from a clean run's"
    );
    // Mode of the secret env files survived the kills.
    use std::os::unix::fs::PermissionsExt;
    for rel in snap.keys().filter(|k| k.ends_with(".env")) {
        let mode = fs::metadata(out.join(rel)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{rel}");
    }
}
