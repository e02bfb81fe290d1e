//! Tier 2: what `migrate … --to podman` writes, through the real consumers.
//!
//! - Every fixture in `fixtures/compose/*` is converted by the real `migrate` binary; quadlet
//!   5.4.2 (`-dryrun`) must accept every generated file without a single warning, and
//!   `systemd-analyze verify` must print nothing about the units quadlet generates from them.
//! - The same with `--user` (rootless) through `quadlet -user` and `systemd-analyze --user`,
//!   and with `--pod` (every container in one `.pod`).
//! - The same with `--podman-version 4.4`: there is no 4.4 quadlet binary, so every emitted
//!   section/key is checked against the 4.4 key set twice, once from the translator's own
//!   table and once from an independent copy (below) of `quadlet-keys-since.md`. Likewise
//!   `--podman-version 4.8`, the first release with `.image` files (the `pull_policy`
//!   fixtures give some).
//! - Escaping round trip: adversarial values in `command`, `entrypoint`, `environment` and
//!   `labels` go through the loader, the translator, the real quadlet, and systemd's reading of
//!   `ExecStart=` (re-implemented in `sdexec`), and podman's argv must carry them unchanged.
//!   Fixed cases plus a property test; command arguments include empty ones and a lone `;`
//!   (carried as `${VAR}` words), as in the bundled example's `redis-server --save ""`.
//!
//! Fixture format: `compose.yaml`, optional `args` (extra CLI arguments, one per line, blank
//! lines and `#` lines ignored; when it has `-f`, `compose.yaml` is not added), optional `env`
//! (`K=V` lines: the process environment, which is otherwise only PATH and HOME). A fixture
//! that contains an `expected-error*` file is an invalid-input fixture and is skipped here.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

mod sdexec;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TIER: &str = "tier 2";

// ---------------------------------------------------------------------------------------
// Fixtures and running migrate
// ---------------------------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Fixture {
    name: String,
    dir: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

fn read_lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn fixtures() -> Vec<Fixture> {
    let root = repo().join("fixtures/compose");
    let mut out: Vec<Fixture> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|d| d.join("compose.yaml").is_file())
        .filter(|d| {
            !std::fs::read_dir(d)
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with("expected-error")
                })
        })
        .map(|dir| Fixture {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            args: read_lines(&dir.join("args")),
            env: read_lines(&dir.join("env"))
                .into_iter()
                .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
                .collect(),
            dir,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!out.is_empty(), "no fixtures in {}", root.display());
    out
}

/// `migrate [compose.yaml] ARGS… --to podman -o OUT EXTRA…` in the fixture's directory,
/// with only PATH, HOME and the fixture's `env` in the environment.
fn migrate(fx: &Fixture, out: &Path, extra: &[&str]) -> Output {
    let mut cmd = Command::new(support::migrate_bin());
    cmd.current_dir(&fx.dir).env_clear();
    for k in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(k) {
            cmd.env(k, v);
        }
    }
    cmd.envs(fx.env.iter().map(|(k, v)| (k, v)));
    if !fx
        .args
        .iter()
        .any(|a| a == "-f" || a == "--file" || a.starts_with("--file="))
    {
        cmd.arg("compose.yaml");
    }
    cmd.args(&fx.args)
        .args(["--to", "podman", "-o"])
        .arg(out)
        .args(extra);
    support::run_with_timeout(&mut cmd, 60)
}

fn quadlet_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|e| {
                        [
                            "container",
                            "volume",
                            "network",
                            "kube",
                            "pod",
                            "image",
                            "build",
                            "artifact",
                        ]
                        .iter()
                        .any(|x| e == *x)
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn convert_ok(fx: &Fixture, out: &Path, extra: &[&str]) -> Result<(), String> {
    let o = migrate(fx, out, extra);
    if o.status.code() == Some(0) {
        return Ok(());
    }
    Err(format!(
        "migrate {extra:?} exited with {}:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    ))
}

/// `quadlet -dryrun` output split into `unit name -> unit text`.
fn split_dryrun(out: &str) -> BTreeMap<String, String> {
    let mut units = BTreeMap::new();
    let mut cur: Option<(String, String)> = None;
    for line in out.lines() {
        if let Some(name) = line
            .strip_prefix("---")
            .and_then(|l| l.strip_suffix("---"))
            .filter(|n| !n.is_empty() && !n.contains(' '))
        {
            if let Some((n, t)) = cur.take() {
                units.insert(n, t);
            }
            cur = Some((name.to_owned(), String::new()));
        } else if let Some((_, t)) = cur.as_mut() {
            t.push_str(line);
            t.push('\n');
        }
    }
    if let Some((n, t)) = cur {
        units.insert(n, t);
    }
    units
}

fn tools_present() -> bool {
    support::require_tool(TIER, "quadlet").is_some()
        && support::require_tool(TIER, "systemd-analyze").is_some()
        // ExecStart=/usr/bin/podman must exist for systemd-analyze verify.
        && support::require_tool(TIER, "podman").is_some()
}

// ---------------------------------------------------------------------------------------
// Every fixture through quadlet 5.4.2 and systemd-analyze
// ---------------------------------------------------------------------------------------

/// Checks one converted directory with the real tools; returns the problems found.
fn check_with_tools(name: &str, out: &Path) -> Vec<String> {
    match support::require_tool(TIER, "quadlet") {
        Some(q) => check_with_quadlet(&q, name, out),
        None => vec![format!("{name}: quadlet missing")],
    }
}

/// [`check_with_tools`] with the quadlet binary `q`.
fn check_with_quadlet(q: &Path, name: &str, out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let files = quadlet_files(out);
    if files.is_empty() {
        return vec![format!(
            "{name}: migrate wrote no quadlet file into {}",
            out.display()
        )];
    }
    match support::quadlet_dryrun_with(q, out) {
        Err(e) => problems.push(format!("{name}: {e}")),
        Ok(stdout) => {
            let units = split_dryrun(&stdout);
            for f in &files {
                let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
                let ext = f.extension().unwrap().to_string_lossy().into_owned();
                let service = match ext.as_str() {
                    "container" | "kube" => format!("{stem}.service"),
                    other => format!("{stem}-{other}.service"),
                };
                // A ServiceName= override renames the unit; accept any unit whose SourcePath
                // is this file.
                let from_file = units.values().any(|t| {
                    t.lines()
                        .any(|l| l == format!("SourcePath={}", f.display()))
                });
                if !units.contains_key(&service) && !from_file {
                    problems.push(format!(
                        "{name}: quadlet generated no unit from {} (units: {:?})",
                        f.display(),
                        units.keys().collect::<Vec<_>>()
                    ));
                }
            }
            if let Err(e) = support::systemd_analyze_verify_with(q, out) {
                problems.push(format!("{name}: {e}"));
            }
        }
    }
    problems
}

#[test]
fn every_fixture_converts_for_podman_5_4_and_passes_quadlet_and_systemd_analyze() {
    if !tools_present() {
        return;
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for fx in fixtures() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        if let Err(e) = convert_ok(&fx, &out, &[]) {
            problems.push(format!("{}: {e}", fx.name));
            continue;
        }
        problems.extend(check_with_tools(&fx.name, &out));
        checked += 1;
    }
    eprintln!("tier 2: {checked} fixtures converted for podman 5.4 and checked");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The newest podman versions, through the newest quadlet (Debian unstable's, 5.8.6 when this
/// was written), with `--podman-version` set to that quadlet's own version (at most 5.8, the
/// newest `migrate` knows): keys that only 5.5+ has (`Memory=`, `.build` options, ...) are
/// checked by the quadlet that reads them.
#[test]
fn every_fixture_converts_for_the_newest_podman_and_passes_its_quadlet_and_systemd_analyze() {
    if !tools_present() {
        return;
    }
    let Some(q) = support::require_tool(TIER, "quadlet-next") else {
        return;
    };
    let out = Command::new(&q).arg("-version").output().unwrap();
    let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    assert!(
        (major, minor) >= (5, 8),
        "{} is quadlet {version:?}, not 5.8+",
        q.display()
    );
    let target = if (major, minor) > (5, 8) {
        "5.8".to_owned()
    } else {
        format!("{major}.{minor}")
    };
    let mut problems = Vec::new();
    let mut checked = 0;
    for fx in fixtures() {
        for extra in [
            &["--podman-version", &target][..],
            &["--podman-version", &target, "--pod"],
        ] {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("out");
            if let Err(e) = convert_ok(&fx, &out, extra) {
                problems.push(format!("{}: {e}", fx.name));
                continue;
            }
            problems.extend(check_with_quadlet(
                &q,
                &format!("{} {extra:?}", fx.name),
                &out,
            ));
            checked += 1;
        }
    }
    eprintln!("tier 2: {checked} conversions for podman {target} checked with quadlet {version}");
    assert!(checked > 0);
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn every_fixture_converts_into_one_pod_and_passes_quadlet_and_systemd_analyze() {
    if !tools_present() {
        return;
    }
    let mut problems = Vec::new();
    for fx in fixtures() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        if let Err(e) = convert_ok(&fx, &out, &["--pod"]) {
            problems.push(format!("{}: {e}", fx.name));
            continue;
        }
        if !quadlet_files(&out)
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "pod"))
        {
            problems.push(format!("{}: --pod wrote no .pod file", fx.name));
        }
        problems.extend(check_with_tools(&fx.name, &out));
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// Rootless (`--user`) output through `quadlet -user` and `systemd-analyze --user verify`
/// (the shared helpers run the system variants): no stderr from either.
fn check_user_mode(name: &str, out: &Path) -> Vec<String> {
    let (Some(quadlet), Some(sa)) = (support::tool("quadlet"), support::tool("systemd-analyze"))
    else {
        return vec![format!("{name}: quadlet or systemd-analyze missing")];
    };
    let gen_dir = tempfile::tempdir().unwrap();
    let xdg = tempfile::tempdir().unwrap();
    let o = support::run_with_timeout(
        Command::new(&quadlet)
            .args(["-user", "-no-kmsg-log"])
            .arg(gen_dir.path())
            .env("QUADLET_UNIT_DIRS", out),
        60,
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("Loading source unit file"))
        .collect();
    if !o.status.success() || !problems.is_empty() {
        return vec![format!(
            "{name}: quadlet -user ({}):\n{}",
            o.status,
            problems.join("\n")
        )];
    }
    let mut services: Vec<PathBuf> = std::fs::read_dir(gen_dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "service"))
        .collect();
    services.sort();
    if services.len() < quadlet_files(out).len() {
        return vec![format!(
            "{name}: quadlet -user generated {} services for {} files",
            services.len(),
            quadlet_files(out).len()
        )];
    }
    let mut unit_path = gen_dir.path().as_os_str().to_owned();
    unit_path.push(":");
    let o = support::run_with_timeout(
        Command::new(sa)
            .args(["--user", "verify"])
            .args(&services)
            .current_dir(gen_dir.path())
            .env("XDG_RUNTIME_DIR", xdg.path())
            .env("SYSTEMD_UNIT_PATH", unit_path)
            .env("SYSTEMD_LOG_COLOR", "0"),
        120,
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    if !o.status.success() || !stderr.trim().is_empty() {
        return vec![format!(
            "{name}: systemd-analyze --user verify ({}):\n{stderr}",
            o.status
        )];
    }
    Vec::new()
}

#[test]
fn every_fixture_converts_for_rootless_podman_and_passes_the_user_mode_tools() {
    if !tools_present() {
        return;
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for fx in fixtures() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        if let Err(e) = convert_ok(&fx, &out, &["--user"]) {
            problems.push(format!("{}: {e}", fx.name));
            continue;
        }
        problems.extend(check_user_mode(&fx.name, &out));
        checked += 1;
    }
    eprintln!("tier 2: {checked} fixtures converted with --user and checked");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The quadlet sections and keys of podman 4.4, copied by hand from
/// `shared/reference/quadlet-keys-since.md` (the supported-key maps of quadlet.go at
/// v4.4.0). Deliberately independent of the translator's table.
const KEYS_4_4: &[(&str, &[&str])] = &[
    (
        "Container",
        &[
            "AddCapability",
            "AddDevice",
            "Annotation",
            "ContainerName",
            "DropCapability",
            "Environment",
            "EnvironmentFile",
            "EnvironmentHost",
            "Exec",
            "ExposeHostPort",
            "Group",
            "Image",
            "Label",
            "Network",
            "NoNewPrivileges",
            "Notify",
            "PodmanArgs",
            "PublishPort",
            "ReadOnly",
            "RemapGid",
            "RemapUid",
            "RemapUidSize",
            "RemapUsers",
            "RunInit",
            "SeccompProfile",
            "Timezone",
            "User",
            "VolatileTmp",
            "Volume",
        ],
    ),
    (
        "Volume",
        &[
            "Copy", "Device", "Group", "Label", "Options", "Type", "User",
        ],
    ),
    (
        "Network",
        &[
            "DisableDNS",
            "Driver",
            "Gateway",
            "IPAMDriver",
            "IPRange",
            "IPv6",
            "Internal",
            "Label",
            "Options",
            "Subnet",
        ],
    ),
    (
        "Kube",
        &[
            "ConfigMap",
            "Network",
            "PublishPort",
            "RemapGid",
            "RemapUid",
            "RemapUidSize",
            "RemapUsers",
            "Yaml",
        ],
    ),
];

/// The quadlet file types podman 4.4 knows.
const UNIT_TYPES_4_4: &[&str] = &["container", "volume", "network", "kube"];

/// Sections that quadlet interprets (all others are systemd's: `[Unit]`, `[Service]`, ...).
const QUADLET_SECTIONS: &[&str] = &[
    "Container",
    "Volume",
    "Network",
    "Kube",
    "Pod",
    "Image",
    "Build",
    "Artifact",
    "Quadlet",
];

fn in_reference_4_4(section: &str, key: &str) -> bool {
    KEYS_4_4
        .iter()
        .any(|(s, keys)| *s == section && keys.contains(&key))
}

/// The keys podman 4.5 .. 4.8 added to 4.4's, and the `[Image]` section of 4.8 (`.image`
/// files), copied by hand from `shared/reference/quadlet-keys-since.md`; with [`KEYS_4_4`] the
/// key set of podman 4.8. Deliberately independent of the translator's table.
const KEYS_ADDED_4_5_TO_4_8: &[(&str, &[&str])] = &[
    (
        "Container",
        &[
            // 4.5
            "HealthCmd",
            "HealthInterval",
            "HealthOnFailure",
            "HealthRetries",
            "HealthStartPeriod",
            "HealthStartupCmd",
            "HealthStartupInterval",
            "HealthStartupRetries",
            "HealthStartupSuccess",
            "HealthStartupTimeout",
            "HealthTimeout",
            "IP",
            "IP6",
            "LogDriver",
            "Mount",
            "Rootfs",
            "Secret",
            "SecurityLabelDisable",
            "SecurityLabelFileType",
            "SecurityLabelLevel",
            "SecurityLabelType",
            "Tmpfs",
            "UserNS",
            // 4.6
            "AutoUpdate",
            "HostName",
            "Mask",
            "Pull",
            "SecurityLabelNested",
            "Sysctl",
            "Unmask",
            "WorkingDir",
            // 4.7
            "DNS",
            "DNSOption",
            "DNSSearch",
            "PidsLimit",
            "ShmSize",
            "Ulimit",
            // 4.8
            "ContainersConfModule",
            "GIDMap",
            "GlobalArgs",
            "ReadOnlyTmpfs",
            "SubGIDMap",
            "SubUIDMap",
            "UIDMap",
        ],
    ),
    (
        "Volume",
        &[
            "PodmanArgs",
            "VolumeName",
            "ContainersConfModule",
            "Driver",
            "GlobalArgs",
            "Image",
        ],
    ),
    (
        "Network",
        &[
            "PodmanArgs",
            "DNS",
            "NetworkName",
            "ContainersConfModule",
            "GlobalArgs",
        ],
    ),
    (
        "Image",
        &[
            "AllTags",
            "Arch",
            "AuthFile",
            "CertDir",
            "ContainersConfModule",
            "Creds",
            "DecryptionKey",
            "GlobalArgs",
            "Image",
            "ImageTag",
            "OS",
            "PodmanArgs",
            "TLSVerify",
            "Variant",
        ],
    ),
];

/// The quadlet file types podman 4.8 knows.
const UNIT_TYPES_4_8: &[&str] = &["container", "volume", "network", "kube", "image"];

fn in_reference_4_8(section: &str, key: &str) -> bool {
    in_reference_4_4(section, key)
        || KEYS_ADDED_4_5_TO_4_8
            .iter()
            .any(|(s, keys)| *s == section && keys.contains(&key))
}

/// Every quadlet file type and key in the files of `out` that podman `version` would reject,
/// by the independent reference (`types`, `in_reference`) and by the translator's table.
fn keys_not_in(
    name: &str,
    out: &Path,
    version: &str,
    types: &[&str],
    in_reference: fn(&str, &str) -> bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    let v: transship_quadlet::PodmanVersion = version.parse().unwrap();
    for f in quadlet_files(out) {
        let ext = f.extension().unwrap().to_string_lossy().into_owned();
        if !types.contains(&ext.as_str()) {
            problems.push(format!(
                "{name}: {} is a .{ext} file, which podman {version} does not know",
                f.display()
            ));
        }
        if transship_quadlet::version::has_unit_type(v, &ext) != types.contains(&ext.as_str()) {
            problems.push(format!(
                "{name}: the translator's table and the reference disagree on .{ext} in {version}"
            ));
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let unit = match sdexec::parse_unit(&text) {
            Ok(u) => u,
            Err(e) => {
                problems.push(format!("{name}: {}: {e}", f.display()));
                continue;
            }
        };
        for (section, key) in unit.keys() {
            if !QUADLET_SECTIONS.contains(&section) {
                continue;
            }
            let reference = in_reference(section, key);
            let own = transship_quadlet::version::has_key(v, section, key);
            if !reference {
                problems.push(format!(
                    "{name}: {}: [{section}] {key}= is not a podman {version} quadlet key",
                    f.file_name().unwrap().to_string_lossy()
                ));
            }
            if reference != own {
                problems.push(format!(
                    "{name}: [{section}] {key}=: the translator's table says {own} for {version}, the reference says {reference}"
                ));
            }
        }
    }
    problems
}

#[test]
fn the_translators_4_4_table_matches_the_independent_copy() {
    let v44: transship_quadlet::PodmanVersion = "4.4".parse().unwrap();
    // The sections the translator writes (it writes no .kube files and has no Kube table).
    for (section, keys) in KEYS_4_4.iter().filter(|(s, _)| *s != "Kube") {
        for key in *keys {
            assert!(
                transship_quadlet::version::has_key(v44, section, key),
                "[{section}] {key} is a 4.4 key by the reference, not by the translator"
            );
        }
    }
    // And nothing more: a few keys of later releases must be refused for 4.4.
    for (section, key) in [
        ("Container", "HealthCmd"),
        ("Container", "Entrypoint"),
        ("Container", "WorkingDir"),
        ("Container", "Memory"),
        ("Network", "NetworkName"),
        ("Volume", "VolumeName"),
        ("Pod", "PodName"),
    ] {
        assert!(
            !transship_quadlet::version::has_key(v44, section, key),
            "[{section}] {key} must not be a 4.4 key"
        );
    }
    for ext in [
        "container",
        "volume",
        "network",
        "kube",
        "image",
        "pod",
        "build",
    ] {
        assert_eq!(
            transship_quadlet::version::has_unit_type(v44, ext),
            UNIT_TYPES_4_4.contains(&ext),
            ".{ext}"
        );
    }
}

/// Converts every fixture for an old podman `version` and checks the files against that
/// version's keys (`types`, `in_reference`) and, since its keys are a subset of 5.4's, with
/// the 5.4.2 tools. Returns the generated files' extensions (one entry per file).
fn every_fixture_for_old_version(
    version: &str,
    types: &[&str],
    in_reference: fn(&str, &str) -> bool,
) -> Vec<String> {
    let tools = tools_present();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut extensions = Vec::new();
    for fx in fixtures() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        if let Err(e) = convert_ok(&fx, &out, &["--podman-version", version]) {
            problems.push(format!("{}: {e}", fx.name));
            continue;
        }
        problems.extend(keys_not_in(&fx.name, &out, version, types, in_reference));
        extensions.extend(
            quadlet_files(&out)
                .iter()
                .filter_map(|f| f.extension())
                .map(|e| e.to_string_lossy().into_owned()),
        );
        if tools {
            problems.extend(check_with_tools(&fx.name, &out));
        }
        checked += 1;
    }
    eprintln!("tier 2: {checked} fixtures converted for podman {version} and checked");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
    extensions
}

#[test]
fn every_fixture_converts_for_podman_4_4_with_only_4_4_keys() {
    every_fixture_for_old_version("4.4", UNIT_TYPES_4_4, in_reference_4_4);
}

#[test]
fn every_fixture_converts_for_podman_4_8_with_only_4_8_keys() {
    let extensions = every_fixture_for_old_version("4.8", UNIT_TYPES_4_8, in_reference_4_8);
    // The pull_policy fixtures give .image units (new in 4.8), so [Image] is checked too.
    assert!(
        extensions.iter().any(|e| e == "image"),
        "no fixture produced an .image file for 4.8"
    );
}

// ---------------------------------------------------------------------------------------
// Escaping round trip
// ---------------------------------------------------------------------------------------

const PROBE_IMAGE: &str = "localhost/transship-roundtrip:1";

/// The values one round trip carries.
#[derive(Debug, Clone)]
struct Probe {
    entrypoint: Vec<String>,
    command: Vec<String>,
    env: Vec<String>,
    labels: Vec<String>,
}

/// A Compose string: JSON's double-quoted form is valid YAML, and `$` is doubled because
/// Compose interpolates every value.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(&s.replace('$', "$$")).unwrap()
}

fn yaml_list(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| yaml_str(s)).collect::<Vec<_>>().join(", ")
    )
}

fn probe_compose(p: &Probe) -> String {
    let mut y = String::from("name: rt\nservices:\n  probe:\n");
    y.push_str(&format!("    image: {PROBE_IMAGE}\n"));
    // An empty list is left out: `command: []` has its own meaning (clear the image's CMD).
    if !p.entrypoint.is_empty() {
        y.push_str(&format!("    entrypoint: {}\n", yaml_list(&p.entrypoint)));
    }
    if !p.command.is_empty() {
        y.push_str(&format!("    command: {}\n", yaml_list(&p.command)));
    }
    if !p.env.is_empty() {
        y.push_str("    environment:\n");
        for (i, v) in p.env.iter().enumerate() {
            y.push_str(&format!("      V{i}: {}\n", yaml_str(v)));
        }
    }
    if !p.labels.is_empty() {
        y.push_str("    labels:\n");
        for (i, v) in p.labels.iter().enumerate() {
            y.push_str(&format!("      l.{i}: {}\n", yaml_str(v)));
        }
    }
    y
}

/// What podman receives: options before the image, and the argv after it.
struct PodmanRun {
    env: BTreeMap<String, String>,
    labels: BTreeMap<String, String>,
    entrypoint: Option<String>,
    args: Vec<String>,
}

fn parse_podman_run(argv: &[String]) -> Result<PodmanRun, String> {
    let run = argv
        .iter()
        .position(|a| a == "run")
        .ok_or_else(|| format!("no `run` in {argv:?}"))?;
    let image = argv[run..]
        .iter()
        .position(|a| a == PROBE_IMAGE)
        .map(|i| i + run)
        .ok_or_else(|| format!("image {PROBE_IMAGE} not in {argv:?}"))?;
    let mut r = PodmanRun {
        env: BTreeMap::new(),
        labels: BTreeMap::new(),
        entrypoint: None,
        args: argv[image + 1..].to_vec(),
    };
    let opts = &argv[run + 1..image];
    let mut i = 0;
    while i < opts.len() {
        let a = &opts[i];
        let (name, value) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (a.clone(), None),
        };
        let takes = matches!(
            name.as_str(),
            "--env" | "-e" | "--label" | "-l" | "--entrypoint"
        );
        let value = if takes && value.is_none() {
            i += 1;
            opts.get(i).cloned()
        } else {
            value
        };
        if let Some(v) = value.filter(|_| takes) {
            match name.as_str() {
                "--env" | "-e" => {
                    let (k, val) = v
                        .split_once('=')
                        .ok_or_else(|| format!("--env {v:?} has no ="))?;
                    r.env.insert(k.to_owned(), val.to_owned());
                }
                "--label" | "-l" => {
                    let (k, val) = v.split_once('=').unwrap_or((v.as_str(), ""));
                    r.labels.insert(k.to_owned(), val.to_owned());
                }
                _ => r.entrypoint = Some(v),
            }
        }
        i += 1;
    }
    Ok(r)
}

/// What a round trip found.
#[derive(Debug, Default)]
struct RoundTrip {
    /// Ledger entries of the probe's channels that are not `translated`, `path: outcome`.
    not_translated: Vec<String>,
    /// Differences on channels whose ledger entries say `not translated` (tolerated: the
    /// user was told), for the record.
    tolerated: Vec<String>,
}

/// The ledger outcome of every entry under `prefix` that is not `translated`.
fn not_translated(ledger: &serde_json::Value, prefix: &str) -> Vec<String> {
    ledger["entries"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|e| {
            e["key_path"].as_str().is_some_and(|k| {
                k.strip_prefix(prefix)
                    .is_some_and(|r| r.is_empty() || r.starts_with(['.', '[']))
            })
        })
        .filter(|e| e["outcome"] != "translated")
        .map(|e| format!("{}: {} ({})", e["key_path"], e["outcome"], e["reason"]))
        .collect()
}

/// Runs one probe through migrate, quadlet and the systemd reading of ExecStart, and
/// compares podman's argv with the intent. The rule: whatever the ledger calls
/// `translated` must arrive exactly; a difference on a channel whose ledger entry says
/// approximated or unsupported is tolerated (and returned). `Err` describes the first
/// untolerated difference.
fn round_trip(p: &Probe, verify: bool) -> Result<RoundTrip, String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let compose = probe_compose(p);
    std::fs::write(tmp.path().join("compose.yaml"), &compose).map_err(|e| e.to_string())?;
    let out = tmp.path().join("out");
    let o = support::run_with_timeout(
        Command::new(support::migrate_bin())
            .current_dir(tmp.path())
            .args(["compose.yaml", "--to", "podman", "--report", "json", "-o"])
            .arg(&out),
        60,
    );
    let ctx = || format!("compose.yaml:\n{compose}");
    if !o.status.success() {
        return Err(format!(
            "migrate failed ({}): {}\n{}",
            o.status,
            String::from_utf8_lossy(&o.stderr),
            ctx()
        ));
    }
    let ledger: serde_json::Value = serde_json::from_slice(&o.stdout)
        .map_err(|e| format!("--report json with -o printed no JSON on stdout: {e}"))?;
    let dry = support::quadlet_dryrun(&out).map_err(|e| format!("{e}\n{}", ctx()))?;
    if verify {
        support::systemd_analyze_verify(&out).map_err(|e| format!("{e}\n{}", ctx()))?;
    }
    let units = split_dryrun(&dry);
    let (name, text) = units
        .iter()
        .find(|(n, _)| n.contains("probe"))
        .ok_or_else(|| format!("no probe unit in {:?}", units.keys().collect::<Vec<_>>()))?;
    let argv = sdexec::exec_start_argv(text, name).map_err(|e| format!("{e}\n{text}"))?;
    let run = parse_podman_run(&argv).map_err(|e| format!("{e}\n{text}"))?;

    let mut result = RoundTrip::default();
    let mut check = |channel: &str, prefixes: &[String], same: bool, diff: String| {
        let nt: Vec<String> = prefixes
            .iter()
            .flat_map(|p| not_translated(&ledger, p))
            .collect();
        result.not_translated.extend(nt.iter().cloned());
        if same {
            return Ok(());
        }
        if nt.is_empty() {
            return Err(format!(
                "{channel} is `translated` in the ledger but differs:\n{diff}\n{text}\n{}",
                ctx()
            ));
        }
        result
            .tolerated
            .push(format!("{channel}: {diff} (ledger: {})", nt.join("; ")));
        Ok(())
    };

    // podman reads `--entrypoint X` as a JSON list when X parses as one, else as one
    // argument; `""` (or `[""]`) clears the entrypoint.
    let mut got: Vec<String> = match &run.entrypoint {
        Some(e) => match serde_json::from_str::<Vec<String>>(e) {
            Ok(list) => list,
            Err(_) => vec![e.clone()],
        },
        None => Vec::new(),
    };
    if got == [""] {
        got.clear();
    }
    got.extend(run.args.iter().cloned());
    // Compose (like Docker) reads `entrypoint: [""]` as "no entrypoint".
    let entrypoint: &[String] = if p.entrypoint == [""] {
        &[]
    } else {
        &p.entrypoint
    };
    let want: Vec<String> = entrypoint.iter().chain(&p.command).cloned().collect();
    check(
        "entrypoint + command",
        &[
            "services.probe.entrypoint".to_owned(),
            "services.probe.command".to_owned(),
        ],
        got == want,
        format!("want {want:?}\n  got  {got:?}"),
    )?;
    for (i, v) in p.env.iter().enumerate() {
        let k = format!("V{i}");
        let g = run.env.get(&k);
        check(
            &format!("environment {k}"),
            &[format!("services.probe.environment.{k}")],
            g == Some(v),
            format!("want {v:?}, got {g:?}"),
        )?;
    }
    for (i, v) in p.labels.iter().enumerate() {
        let k = format!("l.{i}");
        let g = run.labels.get(&k);
        check(
            &format!("label {k}"),
            &[format!("services.probe.labels.{k}")],
            g == Some(v),
            format!("want {v:?}, got {g:?}"),
        )?;
    }
    Ok(result)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// The adversarial values every channel must carry.
const NASTY: &[&str] = &[
    "%h",
    "%%",
    "100%",
    "%n%N%t",
    "$$",
    "$HOME",
    "${HOME}",
    "$",
    "a$b",
    "'single'",
    "\"double\"",
    "it's \"mixed\"",
    "back\\slash",
    "\\",
    "\\n is not a newline",
    "line1\nline2",
    "\n[Service]\nExecStartPre=/bin/false",
    "[Service]",
    "ünïcödé ✓ 😀",
    "  leading and trailing  ",
    " ",
    "a;b",
    "\\;",
    "# not a comment",
    "; not a comment either",
    "tab\there",
    "x=y=z",
    "--rm",
];

#[test]
fn fixed_adversarial_values_reach_podman_unchanged() {
    if !tools_present() {
        return;
    }
    // Every nasty value must be carried exactly AND be `translated` in the ledger:
    // escaping is the translator's job, never a reason to approximate.
    let exact = |p: &Probe| {
        let r = round_trip(p, true).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            r.not_translated.is_empty(),
            "values that systemd can carry were not translated: {:#?}",
            r.not_translated
        );
    };
    // All values in the command, each in its own argument.
    exact(&Probe {
        entrypoint: strings(&["/bin/sh", "-c"]),
        command: strings(NASTY),
        env: Vec::new(),
        labels: Vec::new(),
    });
    // Each value as an environment value and a label value; nasty entrypoint and command.
    exact(&Probe {
        entrypoint: strings(&["/bin/echo", "%h $HOME \"q\" \\ ;"]),
        command: strings(&[
            "sh",
            "-c",
            "echo \"$HOME\" '%h' $$ \\\\ ; # done\n[Service]",
        ]),
        env: strings(NASTY),
        labels: strings(NASTY),
    });
    // An entrypoint made of one nasty value, no command.
    exact(&Probe {
        entrypoint: strings(&["\n[Service]\n%h $$ \"x\""]),
        command: Vec::new(),
        env: strings(&["", " "]),
        labels: strings(&["\"", "\\"]),
    });
}

#[test]
fn empty_and_lone_semicolon_arguments_reach_podman_unchanged() {
    if !tools_present() {
        return;
    }
    // Two arguments quadlet 5.4.2 cannot pass through `Exec=`: it ends its word splitting
    // at an empty word (`""`), dropping it and every later argument, and it writes a lone
    // `;` unquoted into `ExecStart=`, where systemd reads it as a command separator. The
    // translator writes them as `${VAR}` words with a `[Service]` `Environment=` setting the
    // value; systemd's expansion (re-implemented in `sdexec`, compared with the real systemd
    // in tier 4) must give podman exactly the intended argv, with or without an entrypoint,
    // and the ledger must say `translated`.
    for command in [
        &["before", "", "after", ""][..],
        &["before", ";", "after"][..],
        &["", ";", "", " ", ";;", "\\;"][..],
    ] {
        for entrypoint in [&[][..], &["/bin/sh", "-c", "exit 0"][..]] {
            let r = round_trip(
                &Probe {
                    entrypoint: strings(entrypoint),
                    command: strings(command),
                    env: Vec::new(),
                    labels: Vec::new(),
                },
                true,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            assert!(
                r.not_translated.is_empty(),
                "{entrypoint:?} {command:?}: {:#?}",
                r.not_translated
            );
        }
    }
}

#[test]
fn the_examples_redis_gets_its_empty_save_argument() {
    if !tools_present() {
        return;
    }
    // examples/webapp's cache runs `redis-server --save "" --appendonly no` (no entrypoint):
    // through quadlet and systemd's reading of the unit, podman must get that argv.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = support::run_with_timeout(
        Command::new(support::migrate_bin())
            .arg(repo().join("examples/webapp/compose.yaml"))
            .args(["--to", "podman", "--report", "json", "-o"])
            .arg(&out),
        60,
    );
    assert!(
        o.status.success(),
        "{}",
        support::describe_failure("migrate examples/webapp --to podman", &o)
    );
    let ledger: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let outcome = ledger["entries"]
        .as_array()
        .and_then(|es| {
            es.iter()
                .find(|e| e["key_path"] == "services.cache.command")
        })
        .map(|e| e["outcome"].clone());
    assert_eq!(outcome, Some("translated".into()), "{ledger:#}");
    let units = split_dryrun(&support::quadlet_dryrun(&out).unwrap_or_else(|e| panic!("{e}")));
    let (name, text) = units
        .iter()
        .find(|(n, _)| n.ends_with("-cache.service"))
        .unwrap_or_else(|| panic!("no cache unit in {:?}", units.keys().collect::<Vec<_>>()));
    let argv = sdexec::exec_start_argv(text, name).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let image = argv
        .iter()
        .position(|a| a == "docker.io/library/redis:7-alpine")
        .unwrap_or_else(|| panic!("no redis image in {argv:?}"));
    assert_eq!(
        argv[image + 1..],
        ["redis-server", "--save", "", "--appendonly", "no"],
        "{text}"
    );
}

#[test]
fn generated_values_reach_podman_unchanged() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    if !tools_present() {
        return;
    }
    let piece = prop::sample::select(vec![
        "%",
        "%h",
        "%%",
        "$",
        "$$",
        "${",
        "}",
        "{",
        "\"",
        "'",
        "\\",
        "\\n",
        "\n",
        "\t",
        " ",
        "  ",
        ";",
        "#",
        "[Service]",
        "=",
        "a",
        "Z",
        "0",
        "-",
        "/",
        ":",
        ",",
        "ü",
        "✓",
        "😀",
        "\u{7f}",
        "\r",
        "`",
        "*",
        "?",
        "~",
        "!",
        "@",
        "&",
        "|",
        "<",
        ">",
    ]);
    let value = prop::collection::vec(piece.clone(), 0..8).prop_map(|v| v.concat());
    // Arguments may be empty or a lone `;` too (carried by `${VAR}` words, see
    // `empty_and_lone_semicolon_arguments_reach_podman_unchanged`).
    let arg = prop::collection::vec(piece, 0..8).prop_map(|v| v.concat());
    let values = |max| prop::collection::vec(value.clone(), 0..max);
    let args = |max| prop::collection::vec(arg.clone(), 0..max);
    let strategy =
        (args(3), args(4), values(3), values(3)).prop_map(|(entrypoint, command, env, labels)| {
            Probe {
                entrypoint,
                command,
                env,
                labels,
            }
        });
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |p| {
        let r = round_trip(&p, false).map_err(TestCaseError::fail)?;
        if !r.tolerated.is_empty() {
            eprintln!("tolerated (reported in the ledger): {:?}", r.tolerated);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn the_probe_parser_reads_options_and_argv() {
    let argv = strings(&[
        "/usr/bin/podman",
        "run",
        "--name",
        "x",
        "--env",
        "A=1=2",
        "--env=B=",
        "--label",
        "l.0=v w",
        "--entrypoint",
        "[\"a\",\"b\"]",
        PROBE_IMAGE,
        "--env",
        "C=3",
    ]);
    let r = parse_podman_run(&argv).unwrap();
    assert_eq!(r.env.get("A").map(String::as_str), Some("1=2"));
    assert_eq!(r.env.get("B").map(String::as_str), Some(""));
    assert!(
        !r.env.contains_key("C"),
        "options after the image are the container's argv"
    );
    assert_eq!(r.labels.get("l.0").map(String::as_str), Some("v w"));
    assert_eq!(r.entrypoint.as_deref(), Some("[\"a\",\"b\"]"));
    assert_eq!(r.args, ["--env", "C=3"]);
    let set: BTreeSet<&str> = r.env.keys().map(String::as_str).collect();
    assert_eq!(set, BTreeSet::from(["A", "B"]));
}

#[test]
fn dryrun_output_is_split_per_unit() {
    let units =
        split_dryrun("---a.service---\n[Unit]\nX=1\n\n---b-network.service---\n[Service]\n");
    assert_eq!(units.len(), 2);
    assert_eq!(units["a.service"], "[Unit]\nX=1\n\n");
    assert_eq!(units["b-network.service"], "[Service]\n");
}
