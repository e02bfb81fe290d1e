//! Tier 1: `migrate [FILE]... --to podman` end to end through the real binary (no tools
//! needed): where files, reports and errors go, exit codes, writing rules.
#![allow(clippy::unwrap_used)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const COMPOSE: &str = "\
name: shop
services:
  web:
    image: docker.io/library/nginx:1.27
    ports: [\"8080:80\"]
    domainname: example.com
    secrets: [token]
secrets:
  token:
    environment: SHOP_TOKEN
";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), COMPOSE).unwrap();
    dir
}

fn migrate(cwd: &Path, args: &[&str]) -> Output {
    support::run_with_timeout(
        Command::new(support::migrate_bin())
            .current_dir(cwd)
            .env("SHOP_TOKEN", "very-secret-value")
            .args(args),
        60,
    )
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn without_output_dir_files_go_to_stdout_and_the_report_to_stderr() {
    let p = project();
    let o = migrate(p.path(), &["compose.yaml", "--to", "podman"]);
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.contains("# ==> shop-web.container <=="), "{out}");
    assert!(out.contains("PublishPort=8080:80"), "{out}");
    assert!(
        !out.contains("very-secret-value"),
        "a secret value reached stdout:\n{out}"
    );
    assert!(
        !err.contains("very-secret-value"),
        "a secret value reached stderr"
    );
    // The ledger: the counts, then what was not translated, grouped by reason, each key at
    // its file:line:column.
    assert!(err.contains("ledger for podman 5.4"), "{err}");
    assert!(
        err.contains("\n1 service (1 with keys not carried over exactly)"),
        "{err}"
    );
    assert!(
        err.contains("\nunsupported: podman has no option to set the NIS domain name (1 key in 1 service)\n  compose.yaml:6:17: services.web.domainname\n"),
        "{err}"
    );
    assert!(
        !err.contains("service web (compose.yaml:3:3)"),
        "the default report is not per service:\n{err}"
    );
    assert!(
        !err.contains("services.web.image"),
        "translated keys are only counted:\n{err}"
    );
    // --report full: grouped by service, each group's counts.
    let o = migrate(
        p.path(),
        &["compose.yaml", "--to", "podman", "--report", "full"],
    );
    let (full_out, full) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{full}");
    assert_eq!(full_out, out, "the files do not depend on the report");
    assert!(full.contains("ledger for podman 5.4"), "{full}");
    assert!(full.contains("service web (compose.yaml:3:3)"), "{full}");
    assert!(
        full.contains("compose.yaml:6:17: services.web.domainname: unsupported"),
        "{full}"
    );
    assert!(!full.contains("services.web.image"), "{full}");
}

#[test]
fn secret_bearing_files_are_withheld_on_stdout_and_written_0600() {
    let p = project();
    let o = migrate(p.path(), &["compose.yaml", "--to", "podman"]);
    let out = text(&o.stdout);
    let secret_files: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("# ==> ") && l.contains("secret) <=="))
        .collect();
    let o = migrate(
        p.path(),
        &[
            "compose.yaml",
            "--to",
            "podman",
            "-o",
            "out",
            "--report",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = doc["files"].as_array().unwrap();
    let secrets: Vec<&serde_json::Value> = files.iter().filter(|f| f["secret"] == true).collect();
    assert_eq!(secrets.len(), secret_files.len(), "{out}\n{doc:#}");
    for f in secrets {
        assert_eq!(f["mode"], "0600");
        let path = p.path().join("out").join(f["path"].as_str().unwrap());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}

#[test]
fn json_report_goes_to_the_stream_the_files_do_not_use() {
    let p = project();
    // Files on stdout, JSON on stderr.
    let o = migrate(
        p.path(),
        &["compose.yaml", "--to", "podman", "--report", "json"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("# ==> shop-web.container <=="));
    let doc: serde_json::Value = serde_json::from_slice(&o.stderr).unwrap_or_else(|e| {
        panic!(
            "stderr is not one JSON document ({e}):\n{}",
            text(&o.stderr)
        )
    });
    assert_eq!(doc["project"], "shop");
    assert_eq!(
        doc["target"],
        serde_json::json!({"name": "podman", "version": "5.4",
            "options": {"rootless": false, "pod": false, "inline_env": false}})
    );
    assert!(doc["summary"]["unsupported"].as_u64().unwrap() >= 1);
    let entries = doc["entries"].as_array().unwrap();
    let dn = entries
        .iter()
        .find(|e| e["key_path"] == "services.web.domainname")
        .unwrap();
    assert_eq!(dn["outcome"], "unsupported");
    assert_eq!(dn["line"], 6);
    assert!(
        entries.iter().any(|e| e["outcome"] == "translated"),
        "translated entries are included"
    );
    assert!(
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["action"] == "printed")
    );
    // With -o: JSON on stdout, nothing on stderr.
    let o = migrate(
        p.path(),
        &[
            "compose.yaml",
            "--to",
            "podman",
            "-o",
            "out",
            "--report",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stderr.is_empty(), "stderr: {}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["action"] == "created")
    );
}

#[test]
fn output_dir_is_written_then_left_alone_then_protected() {
    let p = project();
    let o = migrate(
        p.path(),
        &["compose.yaml", "--to", "podman", "-o", "out/quadlets"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "nothing on stdout with -o");
    let unit = p.path().join("out/quadlets/shop-web.container");
    assert!(
        std::fs::read_to_string(&unit)
            .unwrap()
            .contains("PublishPort=8080:80")
    );
    assert!(text(&o.stderr).contains("created"), "{}", text(&o.stderr));

    // Same input again: nothing changes.
    let o = migrate(
        p.path(),
        &["compose.yaml", "--to", "podman", "-o", "out/quadlets"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stderr).contains("unchanged"), "{}", text(&o.stderr));

    // A hand edit is protected: exit 2, the file named, nothing written.
    std::fs::write(&unit, "# edited by hand\n").unwrap();
    std::fs::write(p.path().join("out/quadlets/mine.txt"), "keep me").unwrap();
    let o = migrate(
        p.path(),
        &["compose.yaml", "--to", "podman", "-o", "out/quadlets"],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("shop-web.container") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&unit).unwrap(),
        "# edited by hand\n"
    );

    // --force replaces it and leaves unrelated files alone.
    let o = migrate(
        p.path(),
        &[
            "compose.yaml",
            "--to",
            "podman",
            "-o",
            "out/quadlets",
            "--force",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        std::fs::read_to_string(&unit)
            .unwrap()
            .contains("PublishPort=8080:80")
    );
    assert_eq!(
        std::fs::read_to_string(p.path().join("out/quadlets/mine.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn strict_exits_1_when_something_was_not_translated() {
    let p = project();
    let o = migrate(p.path(), &["compose.yaml", "--to", "podman", "--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("# ==> shop-web.container <=="),
        "files are still printed"
    );
    assert!(text(&o.stderr).contains("--strict"));
    // A project that translates cleanly passes --strict, top-level x- blocks included
    // (Compose ignores them: an anchor's values are in the keys that use it).
    let clean = tempfile::tempdir().unwrap();
    std::fs::write(
        clean.path().join("compose.yaml"),
        "name: clean\nx-image: &image docker.io/library/nginx:1.27\nx-owner: {team: web}\n\
         services:\n  web:\n    image: *image\n",
    )
    .unwrap();
    let o = migrate(
        clean.path(),
        &["compose.yaml", "--to", "podman", "--strict"],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("\n2 top-level x- blocks (x-image, x-owner): ignored by Compose"),
        "{err}"
    );
    assert!(
        err.contains("\nnothing lost: every key was translated"),
        "{err}"
    );
}

#[test]
fn load_errors_are_located_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: x\n    ports: [\"80a:80\"]\n",
    )
    .unwrap();
    let o = migrate(dir.path(), &["compose.yaml", "--to", "podman"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("compose.yaml:4:"), "no file:line in {err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn other_targets_and_bad_versions_exit_2() {
    let p = project();
    for t in ["systemd", "kube", "buildah", "nerdctl", "containerd"] {
        let o = migrate(p.path(), &["compose.yaml", "--to", t]);
        assert_eq!(o.status.code(), Some(2), "--to {t}");
        assert!(
            text(&o.stderr).contains("not implemented yet"),
            "--to {t}: {}",
            text(&o.stderr)
        );
    }
    for v in ["4.3", "6.0", "five"] {
        let o = migrate(
            p.path(),
            &["compose.yaml", "--to", "podman", "--podman-version", v],
        );
        assert_eq!(o.status.code(), Some(2), "--podman-version {v}");
        assert!(
            text(&o.stderr).contains("--podman-version"),
            "{}",
            text(&o.stderr)
        );
    }
}

#[test]
fn podman_version_changes_the_keys_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "name: wd\nservices:\n  web:\n    image: docker.io/library/nginx:1.27\n    working_dir: /app\n",
    )
    .unwrap();
    let new = text(&migrate(dir.path(), &["compose.yaml", "--to", "podman"]).stdout);
    let old = text(
        &migrate(
            dir.path(),
            &["compose.yaml", "--to", "podman", "--podman-version", "4.4"],
        )
        .stdout,
    );
    assert!(new.contains("WorkingDir=/app"), "{new}");
    assert!(
        !old.contains("WorkingDir="),
        "4.4 has no WorkingDir=:\n{old}"
    );
    assert!(old.contains("--workdir"), "{old}");
}

#[test]
fn dash_f_files_are_merged_after_positional_ones() {
    let p = project();
    std::fs::write(
        p.path().join("override.yaml"),
        "services:\n  web:\n    ports: !override [\"9090:80\"]\n",
    )
    .unwrap();
    let o = migrate(
        p.path(),
        &["compose.yaml", "-f", "override.yaml", "--to", "podman"],
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        out.contains("PublishPort=9090:80") && !out.contains("8080:80"),
        "{out}"
    );
}

/// Every invalid-input fixture of the loader (`fixtures/compose-errors/*`: `compose.yaml`,
/// optional `args` and `env`, and `expected-error.txt`, the message Compose itself gives)
/// fails `migrate --to podman` with exit 2, that message on stderr, nothing on stdout, and
/// no panic.
#[test]
fn every_invalid_fixture_fails_conversion_with_a_located_error() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/compose-errors");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|d| d.join("expected-error.txt").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no fixtures in {}", root.display());
    let lines = |p: PathBuf| -> Vec<String> {
        std::fs::read_to_string(p)
            .map(|s| {
                s.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    for d in &dirs {
        let expected = std::fs::read_to_string(d.join("expected-error.txt")).unwrap();
        let expected = expected.trim();
        let args = lines(d.join("args"));
        let mut cmd = Command::new(support::migrate_bin());
        cmd.current_dir(d).env_clear();
        if let Some(p) = std::env::var_os("PATH") {
            cmd.env("PATH", p);
        }
        for l in lines(d.join("env")) {
            if let Some((k, v)) = l.split_once('=') {
                cmd.env(k, v);
            }
        }
        if d.join("compose.yaml").is_file() && !args.iter().any(|a| a == "-f" || a == "--file") {
            cmd.arg("compose.yaml");
        }
        cmd.args(&args).args(["--to", "podman"]);
        let o = support::run_with_timeout(&mut cmd, 60);
        let err = text(&o.stderr);
        let name = d.file_name().unwrap().to_string_lossy().into_owned();
        if o.status.code() != Some(2) {
            problems.push(format!("{name}: exit {:?}, stderr: {err}", o.status.code()));
        } else if !err.contains(expected) {
            problems.push(format!("{name}: stderr lacks {expected:?}: {err}"));
        } else if err.contains("panicked") || !o.stdout.is_empty() {
            problems.push(format!("{name}: panic or output on stdout: {err}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn loader_warnings_are_located_in_both_report_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "name: warn\nservices:\n  web:\n    image: \"docker.io/library/nginx:${NGINX_TAG_UNSET_HERE}\"\n",
    )
    .unwrap();
    let o = migrate(dir.path(), &["compose.yaml", "--to", "podman"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let warning = err
        .lines()
        .find(|l| l.starts_with("warning: ") && l.contains("NGINX_TAG_UNSET_HERE"))
        .unwrap_or_else(|| panic!("no located warning in:\n{err}"));
    assert!(warning.contains("compose.yaml:4:"), "{warning}");

    let o = migrate(
        dir.path(),
        &["compose.yaml", "--to", "podman", "--report", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stderr).unwrap();
    let w = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| {
            w["message"]
                .as_str()
                .is_some_and(|m| m.contains("NGINX_TAG_UNSET_HERE"))
        })
        .unwrap_or_else(|| panic!("no warning in {doc:#}"));
    assert_eq!(w["file"], "compose.yaml");
    assert_eq!(w["line"], 4);
}

/// `migrate` in `cwd` with `input` on standard input.
fn migrate_piped(cwd: &Path, args: &[&str], input: &str) -> Output {
    support::run_with_input(
        Command::new(support::migrate_bin())
            .current_dir(cwd)
            .env("SHOP_TOKEN", "very-secret-value")
            .args(args),
        Some(input.as_bytes()),
        60,
    )
}

/// No `name:`, relative paths: what the project directory decides.
const RELATIVE: &str = "\
services:
  web:
    image: docker.io/library/nginx:1.27
    env_file: ./web.env
    volumes:
      - ./data:/data
    domainname: example.com
";

#[test]
fn compose_file_on_stdin_converts_like_the_same_file_in_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("from-stdin");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join("web.env"), "GREETING=hello\n").unwrap();
    std::fs::write(work.join("compose.yaml"), RELATIVE).unwrap();
    // A file literally named `-` must not be what is read.
    std::fs::write(work.join("-"), "services: {decoy: {image: x}}\n").unwrap();
    let on_disk = migrate(&work, &["-f", "compose.yaml", "--to", "podman"]);
    assert_eq!(on_disk.status.code(), Some(0), "{}", text(&on_disk.stderr));
    for args in [
        &["-f", "-", "--to", "podman", "--report", "full"][..],
        &["-", "--to", "podman", "--report", "full"][..],
    ] {
        let o = migrate_piped(&work, args, RELATIVE);
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        // Project name and relative paths come from the working directory.
        assert_eq!(out, text(&on_disk.stdout), "{args:?}");
        assert!(out.contains("# ==> from-stdin-web.container <=="), "{out}");
        assert!(
            out.contains(&format!("Volume={}/data:/data", work.display())),
            "{out}"
        );
        assert!(out.contains("Environment=GREETING=hello"), "{out}");
        assert!(!out.contains("decoy"), "{out}");
        // The ledger names the file `-`, as `migrate config` and Compose do.
        assert!(err.contains("service web (-:2:3)"), "{err}");
        assert!(
            err.contains("-:7:17: services.web.domainname: unsupported"),
            "{err}"
        );
    }
    // The JSON report too.
    let o = migrate_piped(
        &work,
        &["-f", "-", "--to", "podman", "--report", "json"],
        RELATIVE,
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stderr).unwrap();
    let dn = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key_path"] == "services.web.domainname")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(dn["file"], "-");
    assert_eq!(dn["line"], 7);
}

#[test]
fn compose_file_on_stdin_takes_paths_from_the_project_directory() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("elsewhere");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("web.env"), "GREETING=there\n").unwrap();
    std::fs::write(other.join("compose.yaml"), RELATIVE).unwrap();
    let want = migrate(
        dir.path(),
        &["-f", "elsewhere/compose.yaml", "--to", "podman"],
    );
    assert_eq!(want.status.code(), Some(0), "{}", text(&want.stderr));
    let o = migrate_piped(
        dir.path(),
        &[
            "-f",
            "-",
            "--project-directory",
            "elsewhere",
            "--to",
            "podman",
        ],
        RELATIVE,
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(out, text(&want.stdout));
    assert!(out.contains("# ==> elsewhere-web.container <=="), "{out}");
    assert!(out.contains("Environment=GREETING=there"), "{out}");
}

#[test]
fn bad_compose_file_on_stdin_is_located_as_dash() {
    let dir = tempfile::tempdir().unwrap();
    let o = migrate_piped(
        dir.path(),
        &["-f", "-", "--to", "podman"],
        "services:\n  web:\n    imag: x\n",
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty());
    assert!(err.contains("-:3:5: "), "{err}");
    assert!(err.contains("imag"), "{err}");
}
