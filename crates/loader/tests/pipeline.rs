//! `load_tree` end to end on temporary projects: discovery, .env, interpolation, multi-file
//! merge, extends, include, located errors.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;
use transship_loader::discovery::LoadOptions;
use transship_loader::pipeline::load_tree;
use transship_loader::yaml::to_json;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn opts(dir: &Path) -> LoadOptions {
    LoadOptions {
        cwd: dir.to_path_buf(),
        environment: BTreeMap::from([("PROC".to_owned(), "p".to_owned())]),
        ..LoadOptions::default()
    }
}

#[test]
fn discovery_env_interpolation_and_override() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("My.App");
    write(&d, ".env", "TAG=1.2\nPROC=dotenv\n");
    write(
        &d,
        "compose.yaml",
        "services:\n  web:\n    image: \"app:${TAG}\"\n    environment:\n      P: $PROC\n      N: ${COMPOSE_PROJECT_NAME}\n      U: $UNSET\n    ports: ['80:80']\n",
    );
    write(
        &d,
        "compose.override.yaml",
        "services:\n  web:\n    ports: !override ['81:81']\n    environment:\n      - X=1\n",
    );
    let l = load_tree(&opts(&d)).unwrap();
    assert_eq!(l.project_name.value, "myapp");
    assert_eq!(l.files.len(), 2);
    assert_eq!(
        to_json(&l.tree),
        json!({"services": {"web": {"image": "app:1.2",
            "environment": ["N=myapp", "P=p", "U=", "X=1"], "ports": ["81:81"]}}})
    );
    assert_eq!(l.warnings.len(), 1);
    assert!(
        l.warnings[0]
            .value
            .contains("\"UNSET\" variable is not set")
    );
    assert_eq!(
        (l.warnings[0].span.line, l.warnings[0].span.column),
        (7, 10)
    );
    assert_eq!(l.environment["TAG"], "1.2");
    assert_eq!(l.environment["PROC"], "p");
}

#[test]
fn name_from_file_and_multi_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "c.yaml",
        "name: \"_My.App$${X}\"\nservices:\n  web:\n    image: a\n---\nservices:\n  web:\n    command: b\n  db:\n    image: c\n",
    );
    let mut o = opts(d);
    o.files = vec!["c.yaml".into()];
    let l = load_tree(&o).unwrap();
    assert_eq!(l.project_name.value, "myappx");
    assert_eq!(
        to_json(&l.tree)["services"],
        json!({"web": {"image": "a", "command": "b"}, "db": {"image": "c"}})
    );
}

#[test]
fn extends_other_file_with_paths_and_cycles() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "common/common.yml",
        "services:\n  base:\n    image: b\n    build: ./ctx\n    environment: {TZ: utc, PORT: '80'}\n    volumes: ['./data:/data']\n",
    );
    write(
        d,
        "compose.yaml",
        "services:\n  cli:\n    extends: {service: base, file: common/common.yml}\n    environment: {PORT: '8080'}\n  two:\n    extends: cli\n",
    );
    let l = load_tree(&opts(d)).unwrap();
    let t = to_json(&l.tree);
    let root = d.to_string_lossy();
    assert_eq!(
        t["services"]["cli"],
        json!({"image": "b", "build": format!("{root}/common/ctx"),
               "environment": ["PORT=8080", "TZ=utc"],
               "volumes": [format!("{root}/common/data:/data")]})
    );
    assert_eq!(t["services"]["two"]["image"], json!("b"));
    write(
        d,
        "compose.yaml",
        "services:\n  a:\n    extends: b\n  b:\n    extends: a\n",
    );
    let e = load_tree(&opts(d)).unwrap_err();
    assert!(e.message.contains("circular reference with extends"), "{e}");
    assert!(e.line > 0);
}

#[test]
fn include_loads_its_own_project() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "sub/.env", "DB_TAG=15\n");
    write(
        d,
        "sub/compose.yaml",
        "services:\n  db:\n    image: \"pg:${DB_TAG}\"\n    env_file: db.env\nvolumes:\n  data: {}\n",
    );
    write(
        d,
        "compose.yaml",
        "include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: w\n",
    );
    let l = load_tree(&opts(d)).unwrap();
    let t = to_json(&l.tree);
    assert_eq!(t["services"]["db"]["image"], json!("pg:15"));
    assert_eq!(
        t["services"]["db"]["env_file"],
        json!(format!("{}/sub/db.env", d.to_string_lossy()))
    );
    assert_eq!(t["volumes"], json!({"data": {}}));
    assert!(t.get("include").is_none());
    // A conflicting definition is an error.
    write(
        d,
        "compose.yaml",
        "include:\n  - sub/compose.yaml\nservices:\n  db:\n    image: other\n",
    );
    let e = load_tree(&opts(d)).unwrap_err();
    assert!(
        e.message.contains("conflicts with imported resource"),
        "{e}"
    );
}

#[test]
fn errors_are_located_with_file_line_column() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "compose.yaml",
        "services:\n  web:\n    image: a\n    environment:\n      - A=${foo!}\n",
    );
    let e = load_tree(&opts(d)).unwrap_err();
    assert_eq!(e.file.as_deref(), Some(d.join("compose.yaml").as_path()));
    assert_eq!((e.line, e.column), (5, 9));
    assert_eq!(e.key_path, "services.web.environment[0]");
    assert!(e.snippet.unwrap().contains("A=${foo!}"));
    assert!(e.message.starts_with("invalid interpolation format"));

    write(d, "compose.yaml", "services:\n  web:\n    image: a\n");
    write(d, "b.yaml", "services:\n  web: [1]\n");
    let mut o = opts(d);
    o.files = vec!["compose.yaml".into(), "b.yaml".into()];
    let e = load_tree(&o).unwrap_err();
    assert_eq!(e.file.as_deref(), Some(d.join("b.yaml").as_path()));
    assert_eq!((e.line, e.column), (2, 8));

    let empty = tempfile::tempdir().unwrap();
    let e = load_tree(&opts(empty.path())).unwrap_err();
    assert!(e.message.contains("no configuration file provided"), "{e}");
}

#[test]
fn empty_and_non_mapping_files_like_compose() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // docker-compose 2.26.1: "empty compose file"; "Top-level object must be a mapping".
    write(d, "compose.yaml", "# nothing\n");
    let e = load_tree(&opts(d)).unwrap_err();
    assert_eq!(e.message, "empty compose file");
    assert_eq!(e.file.as_deref(), Some(d.join("compose.yaml").as_path()));
    write(d, "compose.yaml", "services:\n  a:\n    image: x\n---\n");
    let e = load_tree(&opts(d)).unwrap_err();
    assert!(
        e.message.starts_with("Top-level object must be a mapping"),
        "{e}"
    );
    write(d, "compose.yaml", "- a\n");
    let e = load_tree(&opts(d)).unwrap_err();
    assert!(
        e.message.starts_with("Top-level object must be a mapping"),
        "{e}"
    );
    assert_eq!((e.line, e.column), (1, 1));
}

#[test]
fn include_cycles_and_long_form() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "a/compose.yaml",
        "include:\n  - ../compose.yaml\nservices:\n  a:\n    image: a\n",
    );
    write(
        d,
        "compose.yaml",
        "include:\n  - a/compose.yaml\nservices:\n  top:\n    image: t\n",
    );
    let e = load_tree(&opts(d)).unwrap_err();
    assert!(e.message.contains("include cycle"), "{e}");
    assert_eq!(e.file.as_deref(), Some(d.join("a/compose.yaml").as_path()));
    assert_eq!((e.line, e.column), (2, 5));

    // Long form: several files merged, a project directory and env files of its own;
    // the including project's environment wins over the included env file.
    write(
        d,
        "lib/one.yaml",
        "services:\n  s:\n    image: \"s:${V}\"\n    labels: [\"w=${W}\"]\n",
    );
    write(d, "lib/two.yaml", "services:\n  s:\n    command: run\n");
    write(d, "lib/inc.env", "V=fromfile\nW=fromfile\n");
    write(
        d,
        "compose.yaml",
        "include:\n  - path: [lib/one.yaml, lib/two.yaml]\n    project_directory: lib\n    env_file: lib/inc.env\nservices:\n  top:\n    image: t\n",
    );
    let mut o = opts(d);
    o.environment.insert("W".into(), "process".into());
    let l = load_tree(&o).unwrap();
    assert_eq!(
        to_json(&l.tree)["services"]["s"],
        json!({"image": "s:fromfile", "labels": ["w=process"], "command": "run"})
    );
    assert!(l.files.iter().any(|f| f.path == d.join("lib/two.yaml")));
}

#[test]
fn project_name_and_env_file_options() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "compose.yaml",
        "services:\n  s:\n    image: \"i:${A}\"\n",
    );
    write(d, "x.env", "A=x\n");
    write(d, "y.env", "A=y\n");
    let mut o = opts(d);
    o.project_name = Some("My.App".into());
    let e = load_tree(&o).unwrap_err();
    assert!(
        e.message.starts_with("invalid project name \"My.App\""),
        "{e}"
    );
    o.project_name = Some("ok".into());
    o.environment
        .insert("COMPOSE_ENV_FILES".into(), "x.env,y.env".into());
    let l = load_tree(&o).unwrap();
    assert_eq!(l.project_name.value, "ok");
    assert_eq!(to_json(&l.tree)["services"]["s"]["image"], json!("i:y"));
    o.env_files = vec!["x.env".into()];
    let l = load_tree(&o).unwrap();
    assert_eq!(to_json(&l.tree)["services"]["s"]["image"], json!("i:x"));
    assert_eq!(l.environment["COMPOSE_PROJECT_NAME"], "ok");
}

#[test]
fn long_extends_chains_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // s0 extends s1 extends s2 ... : resolving s0 follows the whole chain.
    let chain = |n: usize| {
        let mut text = String::from("services:\n");
        for i in 0..n - 1 {
            text.push_str(&format!("  s{i}:\n    extends: s{}\n", i + 1));
        }
        text.push_str(&format!("  s{}:\n    image: x\n", n - 1));
        text
    };
    write(d, "compose.yaml", &chain(5_000));
    let Err(e) = load_tree(&opts(d)) else {
        panic!("a 5,000-long extends chain loaded");
    };
    assert!(e.message.contains("extends chain longer than"), "{e}");
    assert!(e.line > 0);
    // A realistic chain is fine.
    write(d, "compose.yaml", &chain(20));
    let l = load_tree(&opts(d)).unwrap();
    assert_eq!(to_json(&l.tree)["services"]["s0"]["image"], json!("x"));
}

#[test]
fn stdin_file_is_named_dash_and_relative_to_the_working_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("Std.In");
    std::fs::create_dir_all(&d).unwrap();
    let mut o = opts(&d);
    o.files = vec!["-".into()];
    o.stdin = Some("services:\n  web:\n    image: x\n    env_file: ./e.env\n".to_owned());
    write(&d, "e.env", "A=1\n");
    let p = transship_loader::load(&o).unwrap();
    assert_eq!(p.name.value, "stdin");
    assert_eq!(p.working_dir, d);
    assert_eq!(p.files[0].path, Path::new("-"));
    // A bad file on standard input is located as `-:line:col`.
    o.stdin = Some("services:\n  web:\n    imag: x\n".to_owned());
    let e = transship_loader::load(&o).unwrap_err().to_string();
    assert!(e.starts_with("-:3:5: "), "{e}");
}

#[test]
fn named_services_keep_their_dependencies_and_enable_their_profiles() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "compose.yaml",
        "services:\n  web:\n    image: x\n    depends_on: [db]\n  db:\n    image: x\n  other:\n    image: x\n  prof:\n    image: x\n    profiles: [p]\n",
    );
    let load = |names: &[&str]| {
        let mut o = opts(tmp.path());
        o.services = names.iter().map(|s| (*s).to_owned()).collect();
        transship_loader::load(&o).map(|p| p.services.keys().cloned().collect::<Vec<_>>())
    };
    assert_eq!(load(&["web"]).unwrap(), ["db", "web"]);
    assert_eq!(load(&["prof"]).unwrap(), ["prof"]);
    assert_eq!(load(&[]).unwrap(), ["db", "other", "web"]);
    let e = load(&["nope"]).unwrap_err().to_string();
    assert_eq!(e, "no such service: nope");
}
