//! Tier 1 tests of `migrate check` over `fixtures/check/<CODE>-{trigger,clean}/`: every rule
//! fires on its trigger fixture and not on its clean one, the rendered diagnostics are
//! snapshotted, mechanical fixes re-load and remove the finding, and the JSON and SARIF
//! outputs are validated structurally.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use clap::Parser;
use serde_json::Value as Json;
use transship_check::fix::{Patch, apply_edits};
use transship_check::{RULES, Rule};

use super::*;
use crate::{Cli, Command as CliCommand};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/check")
        .canonicalize()
        .unwrap()
}

fn fixture(rule: &Rule, kind: &str) -> PathBuf {
    fixtures_dir().join(format!("{}-{kind}", rule.code))
}

/// `migrate check DIR/compose.yaml --rootless --production --select CODE --host-facts ...`.
fn args_for(dir: &Path, select: &[&str], extra: &[&str]) -> CheckArgs {
    let facts = dir.join("host-facts.json");
    let facts = if facts.is_file() {
        facts.display().to_string()
    } else {
        "none".to_owned()
    };
    let compose = dir.join("compose.yaml").display().to_string();
    let mut argv = vec![
        "migrate".to_owned(),
        "check".to_owned(),
        compose,
        "--rootless".to_owned(),
        "--production".to_owned(),
        "--host-facts".to_owned(),
        facts,
    ];
    for s in select {
        argv.push("--select".to_owned());
        argv.push((*s).to_owned());
    }
    argv.extend(extra.iter().map(|s| (*s).to_owned()));
    match Cli::try_parse_from(argv).unwrap().command {
        Some(CliCommand::Check(a)) => a,
        other => panic!("not a check command: {other:?}"),
    }
}

fn extra_for(rule: &Rule) -> Vec<&'static str> {
    if rule.code.starts_with("TG") {
        vec!["--to", "podman"]
    } else {
        vec![]
    }
}

fn run_fixture(dir: &Path, rule: &Rule) -> Report {
    let args = args_for(dir, &[rule.code], &extra_for(rule));
    let project = load_project(&args.inputs, &args.project)
        .unwrap_or_else(|e| panic!("{}: fixture does not load: {e}", dir.display()));
    check_project(&args, project, None).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

#[test]
fn every_rule_has_a_trigger_and_a_clean_fixture_with_host_facts_where_needed() {
    let mut missing = Vec::new();
    for rule in RULES {
        for kind in ["trigger", "clean"] {
            let dir = fixture(rule, kind);
            if !dir.join("compose.yaml").is_file() {
                missing.push(format!("{}/compose.yaml", dir.display()));
            }
        }
        if rule.uses_host && !fixture(rule, "trigger").join("host-facts.json").is_file() {
            missing.push(format!("{}-trigger/host-facts.json", rule.code));
        }
    }
    assert!(missing.is_empty(), "missing fixtures: {missing:#?}");
}

#[test]
fn every_rule_fires_on_its_trigger_and_not_on_its_clean_fixture() {
    let mut problems = Vec::new();
    for rule in RULES {
        let trig = run_fixture(&fixture(rule, "trigger"), rule);
        let hits: Vec<_> = trig
            .findings
            .iter()
            .filter(|f| f.code == rule.code)
            .collect();
        if hits.is_empty() {
            problems.push(format!("{}: no finding on the trigger fixture", rule.code));
        }
        for f in &hits {
            if f.key_path.is_empty() || f.message.is_empty() || f.fix.is_none() {
                problems.push(format!(
                    "{}: finding without key path, message or fix: {f:?}",
                    rule.code
                ));
            }
            if rule.uses_host && !f.conditional && f.host_fact.is_none() {
                problems.push(format!(
                    "{}: host rule finding names no host fact: {f:?}",
                    rule.code
                ));
            }
        }
        if trig.findings.iter().any(|f| f.code != rule.code) {
            problems.push(format!("{}: --select let other rules through", rule.code));
        }
        let clean = run_fixture(&fixture(rule, "clean"), rule);
        if !clean.findings.is_empty() {
            problems.push(format!(
                "{}: false alarm on the clean fixture: {:?}",
                rule.code, clean.findings
            ));
        }
        let paths = display_paths(&trig.project, &fixtures_dir());
        // Absolute paths in messages depend on the checkout: shown as $FIXTURES.
        let text =
            render::text(&trig, &paths).replace(&fixtures_dir().display().to_string(), "$FIXTURES");
        insta::assert_snapshot!(format!("{}-trigger", rule.code), text);
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn without_host_facts_host_rules_are_conditional_or_silent() {
    for rule in RULES.iter().filter(|r| r.uses_host) {
        let dir = fixture(rule, "trigger");
        let mut args = args_for(&dir, &[rule.code], &extra_for(rule));
        args.host_facts = Some("none".to_owned());
        let project = load_project(&args.inputs, &args.project).unwrap();
        let report = check_project(&args, project, None).unwrap();
        for f in &report.findings {
            // Facts that hold on every host (no rootless user may lower oom_score_adj, write
            // outside its cgroup, reach the root Docker socket, ping without NET_RAW) are not
            // conditional.
            if !["RL006", "RL007", "RL013", "RL010", "RL016"].contains(&f.code) {
                assert!(
                    f.conditional,
                    "{}: unconditional without host facts: {f:?}",
                    rule.code
                );
            }
        }
    }
}

/// Copies a fixture directory to a temporary one (the compose file and its siblings).
fn copy_dir(from: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), tmp.path().join(e.file_name())).unwrap();
        }
    }
    tmp
}

#[test]
fn mechanical_fixes_reload_and_remove_the_finding() {
    let mut fixed = 0;
    for rule in RULES {
        let tmp = copy_dir(&fixture(rule, "trigger"));
        let report = run_fixture(tmp.path(), rule);
        let patch = Patch::from_findings(&report.findings);
        if patch.is_empty() {
            continue;
        }
        for (file, edits) in &patch.files {
            let path = &report.project.files[file.0 as usize].path;
            let text = std::fs::read_to_string(path).unwrap();
            let new = apply_edits(&text, edits).unwrap();
            assert_ne!(new, text, "{}: empty patch", rule.code);
            std::fs::write(path, new).unwrap();
        }
        let after = run_fixture(tmp.path(), rule);
        assert!(
            after.findings.is_empty(),
            "{}: the fix did not remove the finding: {:?}",
            rule.code,
            after.findings
        );
        fixed += 1;
    }
    // RL006, RL007, RL010, RL013, RL015, RL019, RL023, RL025, RL026, PR001, PR003, PR008.
    assert!(
        fixed >= 12,
        "only {fixed} rules have a working mechanical fix"
    );
}

#[test]
fn fix_keeps_a_backup_writes_and_refuses_changed_files() {
    let rule = transship_check::find_rule("RL006").unwrap();
    let tmp = copy_dir(&fixture(rule, "trigger"));
    let args = args_for(tmp.path(), &["RL006", "PR001"], &["--fix"]);
    let project = load_project(&args.inputs, &args.project).unwrap();
    let report = check_project(&args, project, None).unwrap();
    let patch = Patch::from_findings(&report.findings);
    let compose = tmp.path().join("compose.yaml");
    let original = std::fs::read_to_string(&compose).unwrap();

    // Changed since load: refused, nothing written.
    std::fs::write(&compose, format!("{original}# edited\n")).unwrap();
    let err = apply_fixes(&report, &patch, &args).unwrap_err();
    assert!(err.contains("changed since it was loaded"), "{err}");
    assert!(!tmp.path().join("compose.yaml.bak").exists());

    std::fs::write(&compose, &original).unwrap();
    let msg = apply_fixes(&report, &patch, &args).unwrap();
    assert!(msg.contains("applied 1 fix"), "{msg}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("compose.yaml.bak")).unwrap(),
        original
    );
    let now = std::fs::read_to_string(&compose).unwrap();
    assert!(!now.contains("oom_score_adj"), "{now}");
    assert!(now.contains("image: localhost/example/app:1.0"), "{now}");
}

#[test]
fn secret_values_are_never_rendered() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  db:\n    image: localhost/postgres:16\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-value\n    ports:\n      - \"5432:5432\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("host-facts.json"), "{}").unwrap();
    let args = args_for(dir.path(), &["PR007", "PR008"], &[]);
    let project = load_project(&args.inputs, &args.project).unwrap();
    let report = check_project(&args, project, None).unwrap();
    assert_eq!(report.findings.len(), 2, "{:?}", report.findings);
    let paths = display_paths(&report.project, dir.path());
    let patch = Patch::from_findings(&report.findings);
    let outputs = [
        render::text(&report, &paths),
        render::json(&report, &paths),
        sarif::sarif(&report, &paths),
        diff_text(&report, &patch, &paths),
    ];
    for out in &outputs {
        assert!(!out.contains("s3cr3t-value"), "secret printed:\n{out}");
    }
    assert!(
        outputs[0].contains("POSTGRES_PASSWORD: ********"),
        "{}",
        outputs[0]
    );
    assert!(
        outputs[3].contains("+      - \"127.0.0.1:5432:5432\""),
        "{}",
        outputs[3]
    );
}

#[test]
fn diff_shows_the_patch_as_a_unified_diff() {
    let rule = transship_check::find_rule("PR003").unwrap();
    let report = run_fixture(&fixture(rule, "trigger"), rule);
    let paths = display_paths(&report.project, &fixtures_dir());
    let patch = Patch::from_findings(&report.findings);
    let d = diff_text(&report, &patch, &paths);
    insta::assert_snapshot!("PR003-diff", d);
    assert!(d.contains("+        condition: service_healthy"), "{d}");
}

/// Runs every trigger fixture (rootless + production, their own host facts).
fn all_trigger_reports() -> Vec<(Report, Vec<String>)> {
    RULES
        .iter()
        .map(|r| {
            let rep = run_fixture(&fixture(r, "trigger"), r);
            let paths = display_paths(&rep.project, &fixtures_dir());
            (rep, paths)
        })
        .collect()
}

#[test]
fn json_output_has_every_field() {
    for (rep, paths) in all_trigger_reports() {
        let doc: Json = serde_json::from_str(&render::json(&rep, &paths)).unwrap();
        assert_eq!(doc["schema"], 1);
        let findings = doc["findings"].as_array().unwrap();
        assert_eq!(findings.len(), rep.findings.len());
        for f in findings {
            for key in ["code", "name", "severity", "message", "file", "key_path"] {
                assert!(
                    f[key].as_str().is_some_and(|s| !s.is_empty()),
                    "{key} in {f}"
                );
            }
            assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
            assert!(
                f["line"].as_u64().is_some() && f["column"].as_u64().is_some(),
                "{f}"
            );
            assert!(f["conditional"].is_boolean());
            assert!(
                f["fix"]["text"].is_string() && f["fix"]["mechanical"].is_boolean(),
                "{f}"
            );
        }
        let total: u64 = ["error", "warning", "info"]
            .iter()
            .map(|k| doc["summary"][k].as_u64().unwrap())
            .sum();
        assert_eq!(total as usize, rep.findings.len());
    }
}

/// Structural validation against the required properties of SARIF 2.1.0 (sarif-schema-2.1.0:
/// `version`, `runs`, `tool.driver.name`, `result.message`, and the shapes of the optional
/// properties we emit).
fn validate_sarif(doc: &Json) -> Vec<String> {
    let mut errs = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            errs.push(what.to_owned());
        }
    };
    need(doc["version"] == "2.1.0", "version must be \"2.1.0\"");
    need(
        doc["$schema"]
            .as_str()
            .is_some_and(|s| s.ends_with("sarif-schema-2.1.0.json")),
        "$schema",
    );
    let Some(runs) = doc["runs"].as_array() else {
        return vec!["runs must be an array".into()];
    };
    need(runs.len() == 1, "one run");
    for run in runs {
        let driver = &run["tool"]["driver"];
        need(
            driver["name"].as_str().is_some_and(|s| !s.is_empty()),
            "tool.driver.name",
        );
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        need(
            rules.len() == RULES.len(),
            "every rule in tool.driver.rules",
        );
        for r in &rules {
            need(r["id"].is_string(), "rule.id");
            need(
                r["shortDescription"]["text"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                "rule.shortDescription.text",
            );
            need(
                r["fullDescription"]["text"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                "rule.fullDescription.text",
            );
            need(
                r["help"]["text"].is_string() && r["help"]["markdown"].is_string(),
                "rule.help",
            );
            need(
                ["none", "note", "warning", "error"]
                    .contains(&r["defaultConfiguration"]["level"].as_str().unwrap_or("")),
                "rule.defaultConfiguration.level",
            );
        }
        need(
            run["columnKind"] == "unicodeCodePoints" || run["columnKind"] == "utf16CodeUnits",
            "columnKind",
        );
        for res in run["results"].as_array().cloned().unwrap_or_default() {
            need(
                res["message"]["text"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                "result.message.text",
            );
            let id = res["ruleId"].as_str().unwrap_or("");
            let idx = res["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            need(
                rules.get(idx).is_some_and(|r| r["id"] == id),
                "result.ruleIndex points at ruleId",
            );
            need(
                ["none", "note", "warning", "error"].contains(&res["level"].as_str().unwrap_or("")),
                "result.level",
            );
            for loc in res["locations"].as_array().cloned().unwrap_or_default() {
                let pl = &loc["physicalLocation"];
                need(
                    pl["artifactLocation"]["uri"]
                        .as_str()
                        .is_some_and(|s| !s.is_empty()),
                    "artifactLocation.uri",
                );
                if !pl["region"].is_null() {
                    need(
                        pl["region"]["startLine"].as_u64().is_some_and(|l| l >= 1),
                        "region.startLine >= 1",
                    );
                    need(
                        pl["region"]["startColumn"].as_u64().is_some_and(|c| c >= 1),
                        "region.startColumn >= 1",
                    );
                }
            }
            need(
                !res["locations"].as_array().is_none_or(Vec::is_empty),
                "result.locations",
            );
            for fix in res["fixes"].as_array().cloned().unwrap_or_default() {
                let changes = fix["artifactChanges"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                need(!changes.is_empty(), "fix.artifactChanges (minItems 1)");
                for ch in changes {
                    need(
                        ch["artifactLocation"]["uri"].is_string(),
                        "artifactChange.artifactLocation",
                    );
                    let reps = ch["replacements"].as_array().cloned().unwrap_or_default();
                    need(!reps.is_empty(), "artifactChange.replacements (minItems 1)");
                    for rep in reps {
                        let dr = &rep["deletedRegion"];
                        need(
                            dr["byteOffset"].as_u64().is_some()
                                && dr["byteLength"].as_u64().is_some(),
                            "deletedRegion bytes",
                        );
                        need(
                            rep["insertedContent"]["text"].is_string(),
                            "insertedContent.text",
                        );
                    }
                }
            }
        }
    }
    errs
}

#[test]
fn sarif_output_is_structurally_valid_and_fixes_apply() {
    let mut results = 0;
    let mut fixes = 0;
    for (rep, paths) in all_trigger_reports() {
        let text = sarif::sarif(&rep, &paths);
        let doc: Json = serde_json::from_str(&text).unwrap();
        let errs = validate_sarif(&doc);
        assert!(errs.is_empty(), "{errs:#?}\n{text}");
        let res = doc["runs"][0]["results"].as_array().unwrap();
        results += res.len();
        // Applying the SARIF replacements to the original gives the same text as our patch.
        for r in res {
            for fix in r["fixes"].as_array().cloned().unwrap_or_default() {
                let change = &fix["artifactChanges"][0];
                let uri = change["artifactLocation"]["uri"].as_str().unwrap();
                let original = std::fs::read_to_string(fixtures_dir().join(uri)).unwrap();
                let edits: Vec<transship_check::Edit> = change["replacements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|rep| {
                        let start = rep["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
                        transship_check::Edit {
                            file: transship_ir::FileId(0),
                            start,
                            end: start
                                + rep["deletedRegion"]["byteLength"].as_u64().unwrap() as usize,
                            replacement: rep["insertedContent"]["text"]
                                .as_str()
                                .unwrap()
                                .to_owned(),
                        }
                    })
                    .collect();
                assert!(apply_edits(&original, &edits).is_ok(), "{uri}");
                fixes += 1;
            }
        }
    }
    assert!(results >= RULES.len());
    assert!(fixes >= 10, "{fixes}");
    // The validator itself rejects broken documents.
    let bad: Json = serde_json::json!({"version": "2.0.0", "runs": [{"tool": {"driver": {}}, "results": [{"message": {}}]}]});
    assert!(validate_sarif(&bad).len() >= 3);
}

#[test]
fn fail_on_threshold_and_selection() {
    let rule = transship_check::find_rule("RL001").unwrap();
    let report = run_fixture(&fixture(rule, "trigger"), rule);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity == Severity::Error)
    );
    let any_at = |min: &str| {
        fail_threshold(min).is_some_and(|m| report.findings.iter().any(|f| f.severity >= m))
    };
    assert!(any_at("error") && any_at("warning") && any_at("info"));
    assert!(!any_at("never"));
    // Ignoring by prefix removes it.
    let dir = fixture(rule, "trigger");
    let args = args_for(&dir, &[], &["--ignore", "RL"]);
    let project = load_project(&args.inputs, &args.project).unwrap();
    let rep = check_project(&args, project, None).unwrap();
    assert!(
        rep.findings.iter().all(|f| !f.code.starts_with("RL")),
        "{:?}",
        rep.findings
    );
    assert!(!rep.findings.is_empty(), "production findings expected");
}

fn run_cli(argv: &[&str]) -> ExitCode {
    let mut full = vec!["migrate", "check"];
    full.extend_from_slice(argv);
    crate::run(Cli::try_parse_from(full).unwrap())
}

#[test]
fn exit_codes_follow_fail_on() {
    let rule = transship_check::find_rule("RL001").unwrap();
    let dir = fixture(rule, "trigger");
    let compose = dir.join("compose.yaml");
    let facts = dir.join("host-facts.json");
    let (c, f) = (compose.to_str().unwrap(), facts.to_str().unwrap());
    let base = [c, "--rootless", "--host-facts", f, "--select", "RL001"];
    let with = |extra: &[&str]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        run_cli(&v)
    };
    assert_eq!(
        with(&[]),
        ExitCode::from(EXIT_FINDINGS),
        "error finding, default --fail-on error"
    );
    assert_eq!(with(&["--fail-on", "never"]), ExitCode::from(EXIT_OK));
    assert_eq!(with(&["--format", "sarif"]), ExitCode::from(EXIT_FINDINGS));
    // The clean fixture passes even at --fail-on info.
    let clean = fixture(rule, "clean").join("compose.yaml");
    let clean_facts = fixture(rule, "clean").join("host-facts.json");
    assert_eq!(
        run_cli(&[
            clean.to_str().unwrap(),
            "--rootless",
            "--host-facts",
            clean_facts.to_str().unwrap(),
            "--select",
            "RL001",
            "--fail-on",
            "info"
        ]),
        ExitCode::from(EXIT_OK)
    );
    // A warning-only finding fails at --fail-on warning, not at the default.
    let pr = transship_check::find_rule("PR002").unwrap();
    let pc = fixture(pr, "trigger").join("compose.yaml");
    let pc = pc.to_str().unwrap();
    assert_eq!(
        run_cli(&[pc, "--host-facts", "none", "--select", "PR002"]),
        ExitCode::from(EXIT_OK)
    );
    assert_eq!(
        run_cli(&[
            pc,
            "--host-facts",
            "none",
            "--select",
            "PR002",
            "--fail-on",
            "warning"
        ]),
        ExitCode::from(EXIT_FINDINGS)
    );
}

#[test]
fn bad_input_is_exit_2_not_a_panic() {
    assert_eq!(run_cli(&["--explain", "XX999"]), ExitCode::from(EXIT_ERROR));
    assert_eq!(run_cli(&["--explain", "rl001"]), ExitCode::from(EXIT_OK));
    assert_eq!(
        run_cli(&["/nonexistent/compose.yaml"]),
        ExitCode::from(EXIT_ERROR)
    );
    let rule = transship_check::find_rule("RL001").unwrap();
    let c = fixture(rule, "trigger").join("compose.yaml");
    let c = c.to_str().unwrap();
    assert_eq!(
        run_cli(&[c, "--host-facts", "/nonexistent/facts.json"]),
        ExitCode::from(EXIT_ERROR)
    );
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), "{\"ip_unprivileged_port_start\": \"low\"}").unwrap();
    assert_eq!(
        run_cli(&[c, "--host-facts", bad.path().to_str().unwrap()]),
        ExitCode::from(EXIT_ERROR)
    );
    assert_eq!(
        run_cli(&[c, "--to", "nerdctl", "--host-facts", "none"]),
        ExitCode::from(EXIT_ERROR)
    );
}

#[test]
fn dump_host_facts_round_trips_through_host_facts_file() {
    let facts = host::gather(
        &host::NoPodman,
        &["/dev/null".to_owned()],
        &["/".to_owned()],
    );
    // On Linux these are always readable.
    assert!(facts.ip_unprivileged_port_start.is_some());
    assert!(facts.user.is_some() && facts.cgroup.is_some());
    assert!(facts.rlimits.nofile.is_some());
    assert_eq!(
        facts
            .devices
            .get("/dev/null")
            .map(|d| (d.exists, d.kind.as_str(), d.mode)),
        Some((true, "char", 0o666))
    );
    assert!(facts.paths.get("/").is_some_and(|p| p.kind == "dir"));
    let back = HostFacts::from_json(&facts.to_json()).unwrap();
    assert_eq!(back, facts);
}

#[test]
fn require_digests_reports_tags_without_digest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  a:\n    image: localhost/redis:7.4.1\n  b:\n    image: localhost/redis:7.4.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
    )
    .unwrap();
    let count = |extra: &[&str]| {
        let args = args_for(dir.path(), &["PR002"], extra);
        let project = load_project(&args.inputs, &args.project).unwrap();
        let rep = check_project(&args, project, None).unwrap();
        rep.findings
            .iter()
            .map(|f| f.key_path.clone())
            .collect::<Vec<_>>()
    };
    assert!(count(&[]).is_empty());
    assert_eq!(
        count(&["--require-digests"]),
        vec!["services.a.image".to_owned()]
    );
}
