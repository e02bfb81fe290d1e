//! Tier 1: rules about the repository itself.
//!
//! No file may name a package registry's host: the test environment derives the Debian mirror
//! from the machine's own apt configuration. The host names are assembled from parts here so
//! that this file does not contain them either.

use std::process::Command;

fn registry_hosts() -> Vec<String> {
    [
        &["deb", "debian", "org"][..],
        &["security", "debian", "org"],
        &["snapshot", "debian", "org"],
        &["ftp", "debian", "org"],
        &["crates", "io"],
        &["static", "crates", "io"],
        &["index", "crates", "io"],
        &["pypi", "org"],
        &["files", "pythonhosted", "org"],
        &["registry", "npmjs", "org"],
        &["registry", "yarnpkg", "com"],
    ]
    .iter()
    .map(|parts| parts.join("."))
    .collect()
}

/// `host` occurs in `text` as a host name (not as part of a longer name such as
/// `crates.io-index` in a git URL).
fn names_host(text: &str, host: &str) -> bool {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    text.match_indices(host).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + host.len()..].chars().next();
        !before.is_some_and(is_name_char)
            && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

#[test]
fn the_host_check_itself_works() {
    let host = ["crates", "io"].join(".");
    assert!(names_host(&format!("see https://{host}/x"), &host));
    assert!(names_host(&format!("from {host}."), &host));
    assert!(!names_host(
        &format!("github.com/rust-lang/{host}-index"),
        &host
    ));
    assert!(!names_host(&format!("static.{host}"), &host));
}

#[test]
fn no_file_names_a_package_registry_host() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output();
    let Ok(out) = out else {
        return; // no git here (a source tarball): nothing to check against
    };
    if !out.status.success() {
        return;
    }
    let hosts = registry_hosts();
    let mut found = Vec::new();
    for rel in out.stdout.split(|b| *b == 0).filter(|s| !s.is_empty()) {
        let rel = String::from_utf8_lossy(rel).into_owned();
        let Ok(text) = std::fs::read_to_string(std::path::Path::new(root).join(&rel)) else {
            continue; // binary or vanished
        };
        for h in &hosts {
            if names_host(&text, h) {
                found.push(format!("{rel}: {h}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "files naming a package registry host (derive it from the machine's config instead):\n{}",
        found.join("\n")
    );
}
