//! Tier 1: `migrate diff --against DIR` through the real binary, on directories written by
//! real earlier runs: exit codes as diff(1), foreign files, secrets masked in every format,
//! colour, and `-o --force` reporting what it replaced.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn compose(tag: &str, token: &str, port: u16) -> String {
    format!(
        "name: shop\nservices:\n  web:\n    image: docker.io/library/nginx:{tag}\n    ports: [\"{port}:80\"]\n    environment:\n      API_TOKEN: {token}\n      MODE: prod\n  db:\n    image: docker.io/library/postgres:16\n"
    )
}

fn migrate(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(support::migrate_bin());
    c.current_dir(cwd).args(args).env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    support::run_with_timeout(&mut c, 60)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const DIFF: &[&str] = &["diff", "compose.yaml", "--to", "podman", "--against", "out"];

/// A project written once into `out` (token `tok-first-111`, nginx 1.26, port 8080).
fn written_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        compose("1.26", "tok-first-111", 8080),
    )
    .unwrap();
    let o = migrate(
        dir.path(),
        &["compose.yaml", "--to", "podman", "-o", "out"],
        &[],
    );
    assert!(
        o.status.success(),
        "{}",
        support::describe_failure("write", &o)
    );
    dir
}

#[test]
fn an_unchanged_project_diffs_clean_and_exits_0() {
    let p = written_project();
    std::fs::write(p.path().join("out/README.txt"), "my notes\n").unwrap();
    let o = migrate(p.path(), DIFF, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("foreign: out/README.txt"), "{out}");
    assert!(out.ends_with("4 unchanged, 1 foreign\n"), "{out}");
    // The foreign file is still there, untouched.
    assert_eq!(
        std::fs::read_to_string(p.path().join("out/README.txt")).unwrap(),
        "my notes\n"
    );
}

#[test]
fn changes_are_shown_with_secrets_masked_and_exit_1() {
    let p = written_project();
    std::fs::write(
        p.path().join("compose.yaml"),
        compose("1.27", "tok-second-222", 8081),
    )
    .unwrap();
    let o = migrate(p.path(), DIFF, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("-Image=docker.io/library/nginx:1.26"), "{out}");
    assert!(out.contains("+Image=docker.io/library/nginx:1.27"), "{out}");
    assert!(out.contains("+PublishPort=8081:80"), "{out}");
    assert!(out.contains("# secret content not shown: *** "), "{out}");
    assert!(!out.contains('\x1b'), "not a terminal: no colour\n{out}");
    for fmt in [
        &["--format", "json"][..],
        &["--format", "markdown"],
        &["--stat"],
        &[],
    ] {
        let mut args = DIFF.to_vec();
        args.extend_from_slice(fmt);
        let o = migrate(p.path(), &args, &[]);
        let out = text(&o.stdout) + &text(&o.stderr);
        for secret in ["tok-first-111", "tok-second-222"] {
            assert!(!out.contains(secret), "{fmt:?} shows {secret}:\n{out}");
        }
    }
    let json: serde_json::Value = serde_json::from_slice(
        &migrate(p.path(), &[DIFF, &["--format", "json"]].concat(), &[]).stdout,
    )
    .unwrap();
    assert_eq!(json["changed"], true);
    assert_eq!(json["summary"]["changed"], 2, "{json:#}");
    let env = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "shop-web.env")
        .unwrap();
    assert_eq!(env["secret"], true);
    assert_ne!(
        env["old_mask"], env["new_mask"],
        "the masks show that it changed"
    );

    // --show-secrets shows them, and says so on stderr.
    let o = migrate(p.path(), &[DIFF, &["--show-secrets"]].concat(), &[]);
    assert!(text(&o.stdout).contains("+API_TOKEN=tok-second-222"));
    assert!(text(&o.stderr).contains("--show-secrets"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let p = written_project();
    std::fs::write(
        p.path().join("compose.yaml"),
        compose("1.27", "tok-first-111", 8080),
    )
    .unwrap();
    let always = migrate(p.path(), &[DIFF, &["--color", "always"]].concat(), &[]);
    assert!(
        text(&always.stdout).contains("\x1b[7m27\x1b[0m"),
        "{}",
        text(&always.stdout)
    );
    let never = migrate(p.path(), &[DIFF, &["--color", "never"]].concat(), &[]);
    assert!(!text(&never.stdout).contains('\x1b'));
    let no_color = migrate(p.path(), DIFF, &[("NO_COLOR", "1")]);
    assert!(!text(&no_color.stdout).contains('\x1b'));
}

#[test]
fn write_edit_diff_write_then_the_diff_is_empty() {
    let p = written_project();
    std::fs::write(
        p.path().join("compose.yaml"),
        compose("1.27", "tok-first-111", 8080),
    )
    .unwrap();
    assert_eq!(migrate(p.path(), DIFF, &[]).status.code(), Some(1));
    let w = migrate(
        p.path(),
        &["compose.yaml", "--to", "podman", "-o", "out", "--force"],
        &[],
    );
    assert!(w.status.success());
    let report = text(&w.stderr);
    assert!(
        report.contains("what the replaced files changed"),
        "{report}"
    );
    assert!(
        report.contains("changed   shop-web.container  +1 -1"),
        "{report}"
    );
    assert_eq!(migrate(p.path(), DIFF, &[]).status.code(), Some(0));
    let again = migrate(
        p.path(),
        &["compose.yaml", "--to", "podman", "-o", "out"],
        &[],
    );
    assert!(
        text(&again.stderr).contains("nothing to change"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn a_removed_service_counts_only_files_of_this_project() {
    let p = written_project();
    // Another project's generated file in the same directory is foreign, not removed.
    std::fs::write(
        p.path().join("out/blog-web.container"),
        "# Compose service \"web\": generated by transship (migrate) from Compose project \"blog\"\n[Container]\n",
    )
    .unwrap();
    std::fs::write(
        p.path().join("compose.yaml"),
        "name: shop\nservices:\n  db:\n    image: docker.io/library/postgres:16\n",
    )
    .unwrap();
    let o = migrate(p.path(), &[DIFF, &["--stat"]].concat(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("removed   shop-web.container"), "{out}");
    assert!(out.contains("foreign   blog-web.container"), "{out}");
    // The secret env file of the dropped service carries no header: foreign, never removed.
    assert!(out.contains("foreign   shop-web.env"), "{out}");
}

#[test]
fn bad_usage_exits_2() {
    let p = written_project();
    let o = migrate(p.path(), &["diff", "compose.yaml", "--to", "podman"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("give --against DIR"),
        "{}",
        text(&o.stderr)
    );
    let o = migrate(
        p.path(),
        &["diff", "compose.yaml", "--against", "nope"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = migrate(
        p.path(),
        &["diff", "compose.yaml", "--to", "kube", "--against", "out"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(p.path().join("compose.yaml"), "services: [\n").unwrap();
    let o = migrate(p.path(), DIFF, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("compose.yaml:"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn two_revisions_show_the_meaning_per_service_first() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("old.yaml"),
        compose("1.26", "tok-first-111", 8080),
    )
    .unwrap();
    let new = compose("1.27", "tok-second-222", 8081).replace(
        "  db:\n",
        "    depends_on:\n      db: {condition: service_healthy}\n  db:\n",
    );
    std::fs::write(d.path().join("new.yaml"), &new).unwrap();
    let args = ["diff", "old.yaml", "new.yaml", "--to", "podman"];
    let o = migrate(d.path(), &args, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("service web: changed\n"), "{out}");
    for want in [
        "  image: \"docker.io/library/nginx:1.26\" -> \"docker.io/library/nginx:1.27\"",
        "  environment.API_TOKEN: *** ",
        "  depends_on: + {\"db\":{\"condition\":\"service_healthy\"",
        "--- old.yaml/shop-web.container",
        "+Image=docker.io/library/nginx:1.27",
    ] {
        assert!(out.contains(want), "{want:?} missing:\n{out}");
    }
    for fmt in [
        &[][..],
        &["--format", "json"],
        &["--format", "markdown"],
        &["--stat"],
    ] {
        let o = migrate(d.path(), &[&args[..], fmt].concat(), &[]);
        let all = text(&o.stdout);
        assert!(
            !all.contains("tok-first-111") && !all.contains("tok-second-222"),
            "{fmt:?}: {all}"
        );
    }
    let json: serde_json::Value = serde_json::from_slice(
        &migrate(d.path(), &[&args[..], &["--format", "json"]].concat(), &[]).stdout,
    )
    .unwrap();
    assert_eq!(json["services"][0]["service"], "web");
    // The same file twice: nothing differs, exit 0.
    let o = migrate(
        d.path(),
        &["diff", "old.yaml", "old.yaml", "--to", "podman"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).starts_with("no service changes its meaning"));
    // Keys reordered in the Compose file: no change of meaning, no file change.
    let reordered = "name: shop\nservices:\n  db:\n    image: docker.io/library/postgres:16\n  web:\n    environment:\n      MODE: prod\n      API_TOKEN: tok-first-111\n    ports: [\"8080:80\"]\n    image: docker.io/library/nginx:1.26\n";
    std::fs::write(d.path().join("reordered.yaml"), reordered).unwrap();
    let o = migrate(
        d.path(),
        &["diff", "old.yaml", "reordered.yaml", "--to", "podman"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}
