//! Unit tests of canonicalization on small documents parsed by the loader's YAML stage.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use transship_ir::*;

use super::{Input, canonicalize, prune_unused};
use crate::error::LoadError;

pub(crate) fn load_str_in(
    dir: &Path,
    text: &str,
    env: &[(&str, &str)],
    profiles: &[&str],
) -> Result<Project, LoadError> {
    let path = dir.join("compose.yaml");
    let docs = crate::yaml::parse(text, FileId(0), &path, &crate::yaml::Limits::default())?;
    let tree = docs.into_iter().next().expect("one document");
    let mut environment: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    environment
        .entry("HOME".into())
        .or_insert_with(|| "/home/u".into());
    let input = Input {
        tree,
        files: vec![SourceFile {
            path,
            kind: SourceKind::Compose,
        }],
        environment,
        project_name: Spanned::new("proj".into(), Span::synthetic(FileId(0))),
        project_dir: dir.to_path_buf(),
        warnings: Vec::new(),
        profiles: profiles.iter().map(|p| (*p).to_owned()).collect(),
        services: Vec::new(),
    };
    let mut p = canonicalize(input)?;
    crate::validate::validate(&p)?;
    prune_unused(&mut p);
    Ok(p)
}

fn load(text: &str) -> Project {
    load_str_in(Path::new("/proj"), text, &[], &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn load_err(text: &str) -> String {
    match load_str_in(Path::new("/proj"), text, &[], &[]) {
        Ok(p) => panic!("expected an error, got {p:#?}"),
        Err(e) => e.to_string(),
    }
}

fn svc<'a>(p: &'a Project, name: &str) -> &'a Service {
    p.services.get(name).unwrap()
}

#[test]
fn ports_short_and_long() {
    let p = load(
        "services:\n  web:\n    image: x\n    ports:\n      - \"9090-9091:8080-8081\"\n      - 3000\n      - \"[::1]:6001:6001\"\n      - target: 80\n        published: 8080\n        protocol: udp\n        x-note: hi\n",
    );
    let ports = &svc(&p, "web").ports;
    assert_eq!(ports.len(), 5);
    assert_eq!(ports[0].value.target, 8080);
    assert_eq!(ports[1].value.published.as_deref(), Some("9091"));
    assert_eq!(ports[2].value.published, None);
    assert_eq!(ports[3].value.host_ip.as_deref(), Some("::1"));
    assert_eq!(ports[4].value.protocol, Protocol::Udp);
    assert_eq!(ports[4].value.published.as_deref(), Some("8080"));
    assert!(ports[4].value.extensions.contains_key("x-note"));
    // Spans point at the list item that produced the entry.
    assert_eq!((ports[0].span.line, ports[0].span.column), (5, 9));
    assert_eq!(ports[1].span, ports[0].span);
}

#[test]
fn volumes_short_forms() {
    let p = load(
        "services:\n  web:\n    image: x\n    volumes:\n      - ./html:/x:ro,Z\n      - data:/data\n      - /anon\n      - ~/foo:/foo\n      - type: tmpfs\n        target: /t\n        tmpfs: {size: 64m, mode: 01777}\nvolumes:\n  data: {}\n  unused: {}\n",
    );
    let v = &svc(&p, "web").volumes;
    assert_eq!(v[0].value.kind, VolumeType::Bind);
    assert_eq!(v[0].value.source.as_deref(), Some("/proj/html"));
    assert_eq!(v[0].value.read_only, Some(true));
    let b = v[0].value.bind.as_ref().unwrap();
    assert_eq!(b.selinux.as_deref(), Some("Z"));
    assert_eq!(b.create_host_path, Some(true));
    assert_eq!(v[1].value.kind, VolumeType::Volume);
    assert_eq!(v[1].value.source.as_deref(), Some("data"));
    assert_eq!(v[2].value.source, None);
    assert_eq!(v[2].value.target, "/anon");
    assert_eq!(v[3].value.source.as_deref(), Some("/home/u/foo"));
    let t = v[4].value.tmpfs.as_ref().unwrap();
    assert_eq!(t.size, Some(ByteSize(64 << 20)));
    assert_eq!(t.mode, Some(0o1777));
    assert_eq!(p.volumes.keys().collect::<Vec<_>>(), vec!["data"]);
    assert_eq!(p.volumes["data"].name.value, "proj_data");
}

#[test]
fn typed_values() {
    let p = load(
        "services:\n  web:\n    image: x\n    privileged: yes\n    tty: \"true\"\n    mem_limit: 1g\n    shm_size: 128mb\n    memswap_limit: -1\n    stop_grace_period: 1m30s\n    restart: on-failure:3\n    cpus: \"1.5\"\n    ulimits: {nofile: 1024, nproc: {soft: 1, hard: 2}}\n    healthcheck:\n      test: curl x\n      retries: \"3\"\n      interval: 1500ms\n",
    );
    let s = svc(&p, "web");
    assert!(s.privileged.as_ref().unwrap().value);
    assert!(s.tty.as_ref().unwrap().value);
    assert_eq!(s.mem_limit.as_ref().unwrap().value, ByteSize(1 << 30));
    assert_eq!(s.shm_size.as_ref().unwrap().value, ByteSize(128 << 20));
    assert_eq!(s.memswap_limit.as_ref().unwrap().value, ByteSize(-1));
    assert_eq!(
        s.stop_grace_period.as_ref().unwrap().value,
        Duration::from_secs(90)
    );
    assert_eq!(
        s.restart.as_ref().unwrap().value,
        RestartPolicy::OnFailure(Some(3))
    );
    assert_eq!(s.cpus.as_ref().unwrap().value, 1.5);
    assert_eq!(
        s.ulimits["nofile"].value,
        Ulimit {
            soft: 1024,
            hard: 1024,
            single: true,
        }
    );
    assert_eq!(
        s.ulimits["nproc"].value,
        Ulimit {
            soft: 1,
            hard: 2,
            single: false,
        }
    );
    let h = &s.healthcheck.as_ref().unwrap().value;
    assert_eq!(
        h.test.as_ref().unwrap().value,
        HealthTest::CmdShell("curl x".into())
    );
    assert_eq!(h.retries.as_ref().unwrap().value, 3);
    assert_eq!(h.interval.as_ref().unwrap().value, Duration(1_500_000_000));
    assert!(
        p.warnings
            .iter()
            .any(|w| w.value.contains("\"yes\" for boolean"))
    );
}

#[test]
fn depends_secrets_configs_hosts_devices() {
    let p = load(
        "services:\n  web:\n    image: x\n    depends_on: [db]\n    secrets: [s1, {source: s2, target: custom, mode: 0o440}]\n    configs: [c1]\n    extra_hosts: [\"h:1.2.3.4\", \"v6=::1\", \"b:[::2]\"]\n    devices: [\"/dev/a:/dev/b:rwm\", \"/dev/c\"]\n    command: sh -c 'echo \"a b\"'\n    entrypoint: \"\"\n  db:\n    image: y\nsecrets:\n  s1: {file: ./s1.txt}\n  s2: {environment: TOKEN}\nconfigs:\n  c1: {content: hello}\n",
    );
    let s = svc(&p, "web");
    let d = &s.depends_on["db"].value;
    assert_eq!(d.condition.value, DependsCondition::ServiceStarted);
    assert!(d.required.value);
    assert_eq!(
        s.secrets[0].value.target.as_deref(),
        Some("/run/secrets/s1")
    );
    assert_eq!(
        s.secrets[1].value.target.as_deref(),
        Some("custom"),
        "a relative target stays as written, like Compose"
    );
    assert_eq!(s.secrets[1].value.mode, Some(0o440));
    assert_eq!(s.configs[0].value.target.as_deref(), Some("/c1"));
    let hosts: Vec<_> = s
        .extra_hosts
        .iter()
        .map(|h| (h.value.host.as_str(), h.value.ip.as_str()))
        .collect();
    assert_eq!(hosts, vec![("h", "1.2.3.4"), ("v6", "::1"), ("b", "::2")]);
    assert_eq!(s.devices[0].value.permissions.as_deref(), Some("rwm"));
    assert_eq!(s.devices[1].value.target, "/dev/c");
    assert_eq!(
        s.command.as_ref().unwrap().value,
        vec!["sh", "-c", "echo \"a b\""]
    );
    assert_eq!(s.entrypoint.as_ref().unwrap().value, Vec::<String>::new());
    assert_eq!(
        p.secrets["s1"].file.as_ref().unwrap().value,
        PathBuf::from("/proj/s1.txt")
    );
    assert_eq!(p.secrets["s1"].name.value, "proj_s1");
}

#[test]
fn implicit_default_network_and_pruning() {
    let p = load(
        "services:\n  a:\n    image: x\n  b:\n    image: x\n    network_mode: host\n  c:\n    image: x\n    networks: [front]\nnetworks:\n  front: {}\n  unused: {}\n  ext: {external: true}\n",
    );
    assert!(svc(&p, "a").networks.contains_key("default"));
    assert!(svc(&p, "b").networks.is_empty());
    assert_eq!(
        p.networks.keys().collect::<Vec<_>>(),
        vec!["default", "front"]
    );
    assert!(p.networks["default"].implicit);
    assert!(p.networks["default"].span.is_synthetic());
    assert_eq!(p.networks["default"].name.value, "proj_default");
    assert!(!p.networks["front"].implicit);
}

#[test]
fn external_resources_keep_their_name() {
    let p = load(
        // (`v:/v` would be a Windows-drive path for compose-go: the volume needs a longer name)
        "services:\n  a:\n    image: x\n    networks: [ext]\n    volumes: [vol:/v]\nnetworks:\n  ext: {external: true}\nvolumes:\n  vol: {external: true, name: real}\n",
    );
    assert_eq!(p.networks["ext"].name.value, "ext");
    assert_eq!(p.volumes["vol"].name.value, "real");
}

#[test]
fn profiles_select_services() {
    let text = "services:\n  web:\n    image: x\n  dbg:\n    image: x\n    profiles: [debug]\n";
    let p = load_str_in(Path::new("/proj"), text, &[], &[]).unwrap();
    assert_eq!(p.services.keys().collect::<Vec<_>>(), vec!["web"]);
    let p = load_str_in(Path::new("/proj"), text, &[], &["debug"]).unwrap();
    assert_eq!(p.services.len(), 2);
    let p = load_str_in(
        Path::new("/proj"),
        text,
        &[("COMPOSE_PROFILES", "debug,x")],
        &[],
    )
    .unwrap();
    assert_eq!(p.services.len(), 2);
    assert_eq!(p.active_profiles, vec!["debug", "x"]);
}

#[test]
fn dependency_on_disabled_service_is_an_error() {
    let e = load_err(
        "services:\n  web:\n    image: x\n    depends_on: [cache]\n  cache:\n    image: x\n    profiles: [p]\n",
    );
    assert!(
        e.contains("service \"web\" depends on undefined service \"cache\""),
        "{e}"
    );
    assert!(e.contains("compose.yaml:4:"), "{e}");
}

#[test]
fn unknown_keys_and_wrong_types_are_located() {
    let e = load_err("services:\n  web:\n    image: x\n    foo: 1\n");
    assert!(e.contains("compose.yaml:4:5"), "{e}");
    assert!(
        e.contains("services.web Additional property foo is not allowed"),
        "{e}"
    );
    let e = load_err("services:\n  web:\n    image: x\n    ports: \"80\"\n");
    assert!(e.contains("services.web.ports must be a list"), "{e}");
    let e = load_err("foo: 1\nservices: {}\n");
    assert!(
        e.contains("(root) Additional property foo is not allowed"),
        "{e}"
    );
    let e = load_err("services:\n  web:\n    image: x\n    user: 1000\n");
    assert!(e.contains("services.web.user must be a string"), "{e}");
}

#[test]
fn validation_errors() {
    let cases = [
        (
            "services:\n  web:\n    image: x\n    ports: [\"::1:6000:6000\"]\n",
            "too many colons",
        ),
        (
            "services:\n  web:\n    image: x\n    healthcheck: {interval: 10x}\n",
            "unknown unit \"x\"",
        ),
        (
            "services:\n  web:\n    image: x\n    mem_limit: 1x\n",
            "invalid size: '1x'",
        ),
        (
            "services:\n  web:\n    image: x\n    mem_limit: 1g\n    deploy: {resources: {limits: {memory: 2g}}}\n",
            "can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'",
        ),
        (
            "services:\n  web:\n    image: x\n    mem_reservation: 1g\n    deploy: {resources: {reservations: {cpus: \"1\"}}}\n",
            "'mem_reservation' and 'deploy.resources.reservations.memory'",
        ),
        (
            "services:\n  web:\n    image: x\n    container_name: c\n    scale: 2\n",
            "can't set container_name and web as container name must be unique",
        ),
        (
            "services:\n  web:\n    image: x\n    networks: [n]\n",
            "service \"web\" refers to undefined network n",
        ),
        (
            "services:\n  web:\n    image: x\n    volumes: [\"vol:/x\"]\n",
            "refers to undefined volume vol",
        ),
        (
            "services:\n  web:\n    image: x\n    secrets: [s]\n",
            "refers to undefined secret s",
        ),
        (
            "services:\n  web:\n    image: x\n    configs: [c]\n",
            "refers to undefined config c",
        ),
        (
            "services:\n  web:\n    image: x\n    depends_on: [db]\n  db:\n    image: x\n    depends_on: [web]\n",
            "dependency cycle detected",
        ),
        (
            "services:\n  web:\n    image: x\n    network_mode: service:zz\n",
            "service \"web\" depends on undefined service \"zz\"",
        ),
        (
            "services:\n  web:\n    image: x\n    privileged: maybe\n",
            "invalid boolean: maybe",
        ),
    ];
    for (text, expected) in cases {
        let e = load_err(text);
        assert!(e.contains(expected), "{text}\n=> {e}");
        assert!(e.contains("compose.yaml:"), "not located: {e}");
    }
}

#[test]
fn env_file_precedence_and_spans() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.env"),
        "A=fromfile1\nB=fromfile1\nC=f1\nD=f1\nE\nF=$XV\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b.env"), "# comment\nA=fromfile2\nG=\n").unwrap();
    std::fs::write(dir.path().join("l.env"), "L1=x\nL2=y\n").unwrap();
    let text = "services:\n  web:\n    image: x\n    env_file: [a.env, b.env, {path: missing.env, required: false}]\n    environment:\n      B: fromenv\n      C:\n      XV:\n      UNSET:\n      D:\n    label_file: l.env\n    labels: {L2: z}\n";
    let p = load_str_in(
        dir.path(),
        text,
        &[("XV", "xv"), ("E", "eproc"), ("C", "cproc")],
        &[],
    )
    .unwrap();
    let s = svc(&p, "web");
    let env: BTreeMap<&str, Option<&str>> = s
        .environment
        .iter()
        .map(|(k, v)| (k.as_str(), v.value.as_deref()))
        .collect();
    let want: BTreeMap<&str, Option<&str>> = [
        ("A", Some("fromfile2")),
        ("B", Some("fromenv")),
        ("C", Some("cproc")),
        ("D", None),
        ("E", Some("eproc")),
        ("F", Some("xv")),
        ("G", Some("")),
        ("UNSET", None),
        ("XV", Some("xv")),
    ]
    .into_iter()
    .collect();
    assert_eq!(env, want);
    // A comes from line 2 of b.env.
    let a = &s.environment["A"].span;
    assert_eq!(p.files[a.file.0 as usize].path, dir.path().join("b.env"));
    assert_eq!(p.files[a.file.0 as usize].kind, SourceKind::EnvFile);
    assert_eq!((a.line, a.column), (2, 1));
    assert_eq!(
        s.env_file.len(),
        2,
        "the missing optional file was not read"
    );
    assert_eq!(s.labels["L1"].value, "x");
    assert_eq!(s.labels["L2"].value, "z");
    assert_eq!(s.label_file.len(), 1);
}

#[test]
fn extends_key_is_kept_for_provenance_when_present() {
    let p =
        load("services:\n  web:\n    image: x\n    extends: {service: base, file: common.yml}\n");
    let e = &svc(&p, "web").extends.as_ref().unwrap().value;
    assert_eq!(e.service, "base");
    assert_eq!(e.file.as_deref(), Some(Path::new("/proj/common.yml")));
}

#[test]
fn reset_tags_left_by_the_merge_mean_absent() {
    let p = load(
        "services:\n  web:\n    image: x\n    environment:\n      KEEP: \"1\"\n      DROP: !reset null\n",
    );
    assert!(svc(&p, "web").environment.contains_key("KEEP"));
    assert!(!svc(&p, "web").environment.contains_key("DROP"));
}

#[test]
fn healthcheck_forms() {
    let p = load(
        "services:\n  a:\n    image: x\n    healthcheck: {test: [\"CMD\", \"curl\", \"-f\", \"http://x\"], start_period: 15s, start_interval: 5s}\n  b:\n    image: x\n    healthcheck: {test: [\"NONE\"]}\n  c:\n    image: x\n    healthcheck: {disable: true}\n  d:\n    image: x\n    healthcheck: {test: [\"CMD-SHELL\", \"pg_isready\"]}\n",
    );
    let h = |n: &str| svc(&p, n).healthcheck.as_ref().unwrap().value.clone();
    assert_eq!(
        h("a").test.unwrap().value,
        HealthTest::Cmd(vec!["curl".into(), "-f".into(), "http://x".into()])
    );
    assert_eq!(h("a").start_period.unwrap().value, Duration::from_secs(15));
    assert_eq!(h("a").start_interval.unwrap().value, Duration::from_secs(5));
    assert_eq!(h("b").test.unwrap().value, HealthTest::None);
    assert!(h("b").disable.unwrap().value, "NONE disables");
    assert!(h("c").test.is_none());
    assert!(h("c").disable.unwrap().value);
    assert_eq!(
        h("d").test.unwrap().value,
        HealthTest::CmdShell("pg_isready".into())
    );
}

#[test]
fn build_forms() {
    let p = load(
        "services:\n  a:\n    build: ./app\n  b:\n    build:\n      context: https://github.com/x/y.git#main\n      dockerfile: docker/Dockerfile\n      args: [A=1, B]\n      secrets: [npm]\n  c:\n    build: {dockerfile_inline: \"FROM scratch\"}\nsecrets:\n  npm: {file: ./npmrc}\n",
    );
    let b = |n: &str| svc(&p, n).build.as_ref().unwrap().value.clone();
    assert_eq!(b("a").context.value, "/proj/app");
    assert_eq!(b("b").context.value, "https://github.com/x/y.git#main");
    assert_eq!(
        b("b").dockerfile.unwrap().value,
        "docker/Dockerfile",
        "relative to the context"
    );
    assert_eq!(b("b").args["A"].value.as_deref(), Some("1"));
    assert_eq!(b("b").args["B"].value, None, "unset bare arg");
    assert_eq!(
        b("b").secrets[0].value.target,
        None,
        "build secrets keep their target"
    );
    assert_eq!(
        b("c").context.value,
        "/proj",
        "default context is the project directory"
    );
    assert!(b("c").context.span.is_synthetic());
}

#[test]
fn deploy_and_gpus() {
    let p = load(
        "services:\n  a:\n    image: x\n    gpus: all\n    deploy:\n      replicas: \"2\"\n      resources:\n        limits: {cpus: \"0.5\", memory: 50M, pids: 10}\n        reservations:\n          devices: [{capabilities: [gpu], count: all, driver: nvidia}]\n      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}\n      update_config: {parallelism: 2, delay: 10s, order: start-first}\n      placement: {constraints: [node.role==manager], preferences: [{spread: node.labels.az}]}\n",
    );
    let s = svc(&p, "a");
    assert_eq!(s.gpus[0].value.count, Some(-1));
    let d = &s.deploy.as_ref().unwrap().value;
    assert_eq!(d.replicas.as_ref().unwrap().value, 2);
    let r = &d.resources.as_ref().unwrap().value;
    let l = &r.limits.as_ref().unwrap().value;
    assert_eq!(l.cpus.as_ref().unwrap().value, 0.5);
    assert_eq!(l.memory.as_ref().unwrap().value, ByteSize(50 << 20));
    assert_eq!(l.pids.as_ref().unwrap().value, 10);
    let dev = &r.reservations.as_ref().unwrap().value.devices[0].value;
    assert_eq!(
        (dev.count, dev.driver.as_deref()),
        (Some(-1), Some("nvidia"))
    );
    let rp = &d.restart_policy.as_ref().unwrap().value;
    assert_eq!(rp.window.as_ref().unwrap().value, Duration::from_secs(120));
    assert_eq!(
        d.placement.as_ref().unwrap().value.preferences[0]
            .value
            .spread
            .as_deref(),
        Some("node.labels.az")
    );
}

#[test]
fn implied_dependencies_and_extensions() {
    let p = load(
        "services:\n  web:\n    image: x\n    links: [\"db:database\"]\n    volumes_from: [\"data:ro\"]\n    network_mode: \"service:vpn\"\n    x-team: core\n    depends_on:\n      db: {condition: service_healthy, x-why: schema}\n  db: {image: x}\n  data: {image: x}\n  vpn: {image: x}\nx-top: 1\nvolumes: {}\n",
    );
    let s = svc(&p, "web");
    assert_eq!(
        s.depends_on["db"].value.condition.value,
        DependsCondition::ServiceHealthy,
        "explicit entry kept"
    );
    assert!(s.depends_on["db"].value.extensions.contains_key("x-why"));
    assert_eq!(s.depends_on["data"].value.restart, None);
    assert!(s.depends_on["vpn"].value.restart.as_ref().unwrap().value);
    assert_eq!(s.extensions["x-team"].value, Value::String("core".into()));
    assert!(p.extensions.contains_key("x-top"));
}

#[test]
fn short_volume_options_like_compose_go() {
    let p = load(
        "services:\n  web:\n    image: x\n    volumes: [\"/a:/b:foo,ro\", \"/c:/d:cached\", \"vol:/e:z\"]\nvolumes: {vol: {}}\n",
    );
    let v = &svc(&p, "web").volumes;
    assert_eq!(
        v[0].value.read_only,
        Some(true),
        "unknown options are ignored"
    );
    assert_eq!(v[1].value.consistency, None);
    assert_eq!(v[2].value.kind, VolumeType::Volume);
    assert_eq!(
        v[2].value.bind.as_ref().unwrap().selinux.as_deref(),
        Some("z"),
        "SELinux label kept on a named volume"
    );
}

#[test]
fn port_range_expansion_is_bounded() {
    let mut text = String::from("services:\n  web:\n    image: x\n    ports:\n");
    for _ in 0..5 {
        text.push_str("      - \"1-65535:1-65535\"\n");
    }
    let e = load_err(&text);
    assert!(e.contains("too many ports"), "{e}");
    assert!(
        e.contains("compose.yaml:9:9"),
        "located at the entry that crosses the bound: {e}"
    );
}

#[test]
fn services_named_explicitly_are_enabled_not_their_disabled_dependencies() {
    let text = "services:\n  web:\n    image: x\n  dbg:\n    image: x\n    profiles: [debug]\n    depends_on: [helper]\n  helper:\n    image: x\n    profiles: [tools]\n  other:\n    image: x\n    profiles: [never]\n";
    let path = Path::new("/proj/compose.yaml");
    let tree = crate::yaml::parse(text, FileId(0), path, &crate::yaml::Limits::default())
        .unwrap()
        .remove(0);
    let p = canonicalize(Input {
        tree,
        files: vec![SourceFile {
            path: path.to_path_buf(),
            kind: SourceKind::Compose,
        }],
        environment: BTreeMap::new(),
        project_name: Spanned::new("proj".into(), Span::synthetic(FileId(0))),
        project_dir: PathBuf::from("/proj"),
        warnings: Vec::new(),
        profiles: Vec::new(),
        services: vec!["dbg".into()],
    })
    .unwrap_err();
    // What docker-compose 2.26.1 says for `config dbg` on this file.
    assert_eq!(p.to_string(), "no such service: helper");
}

#[test]
fn paths_and_short_forms_like_compose_go() {
    let p = load(
        "services:\n  web:\n    image: x\n    volumes: [\"/a/:/b/\", \"~user/x:/y/./z\", \"~/x/:/w\"]\n    devices: [\"/dev/a:rwm\", \"/dev/c:/dev/d:\"]\n    extra_hosts: [\"h: 1.2.3.4\"]\n",
    );
    let s = svc(&p, "web");
    let v: Vec<(&str, &str)> = s
        .volumes
        .iter()
        .map(|v| (v.value.source.as_deref().unwrap(), v.value.target.as_str()))
        .collect();
    assert_eq!(
        v,
        vec![
            ("/a/", "/b"),
            ("/home/u/user/x", "/y/z"),
            ("/home/u/x", "/w")
        ],
        "absolute sources as written, targets cleaned, `~` joined to HOME"
    );
    assert_eq!(
        s.devices[0].value.target, "rwm",
        "two fields are host:container"
    );
    assert_eq!(s.devices[1].value.permissions, None);
    assert_eq!(s.extra_hosts[0].value.ip, " 1.2.3.4", "kept as written");
    let e = load_err("services:\n  web:\n    image: x\n    ports: [\"localhost:80:80\"]\n");
    assert!(e.contains("Invalid ip address: localhost"), "{e}");
    let e = load_err("services:\n  web:\n    image: x\n    volumes: [\":/b\"]\n");
    assert!(e.contains("empty section between colons"), "{e}");
}

#[test]
fn boolean_strings_as_docker_compose_casts_them() {
    let p = load(
        "services:\n  web:\n    image: x\n    privileged: \"TrUe\"\n    tty: \"Off\"\n    init: \"y\"\n    healthcheck: {test: []}\n",
    );
    let s = svc(&p, "web");
    assert!(s.privileged.as_ref().unwrap().value);
    assert!(!s.tty.as_ref().unwrap().value);
    assert!(s.init.as_ref().unwrap().value);
    assert!(
        s.healthcheck.as_ref().unwrap().value.test.is_none(),
        "empty test list"
    );
    for bad in ["\"1\"", "\"t\"", "\"0\""] {
        let e = load_err(&format!(
            "services:\n  web:\n    image: x\n    privileged: {bad}\n"
        ));
        assert!(e.contains("invalid boolean"), "{e}");
    }
    let e = load_err(
        "services:\n  web:\n    image: x\n    depends_on: {db: {condition: service_started, required: \"false\"}}\n  db: {image: x}\n",
    );
    assert!(e.contains("required must be a boolean"), "{e}");
}

#[test]
fn key_paths() {
    use super::read::{child_key_path, item_key_path};
    assert_eq!(
        item_key_path("services.web.ports", 0),
        "services.web.ports[0]"
    );
    assert_eq!(item_key_path("a", 1234567), "a[1234567]");
    assert_eq!(child_key_path("", "services"), "services");
    assert_eq!(child_key_path("services", "web"), "services.web");
}

#[test]
fn x_names_under_services_are_services() {
    let p = load("services:\n  x-job:\n    image: x\n");
    assert!(p.services.contains_key("x-job"));
}

#[test]
fn missing_required_env_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = load_str_in(
        dir.path(),
        "services:\n  web:\n    image: x\n    env_file: nope.env\n",
        &[],
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("nope.env"), "{e}");
    assert!(e.contains("compose.yaml:4:15"), "{e}");
}

mod no_panic {
    use super::*;
    use crate::tree::{Key, Node, NodeValue};
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "services",
        "web",
        "ports",
        "volumes",
        "networks",
        "secrets",
        "configs",
        "deploy",
        "resources",
        "limits",
        "memory",
        "healthcheck",
        "test",
        "depends_on",
        "condition",
        "build",
        "context",
        "environment",
        "env_file",
        "ulimits",
        "soft",
        "hard",
        "target",
        "published",
        "source",
        "type",
        "bind",
        "tmpfs",
        "size",
        "mode",
        "image",
        "command",
        "extra_hosts",
        "devices",
        "blkio_config",
        "weight",
        "gpus",
        "count",
        "x-ext",
        "name",
        "external",
        "ipam",
        "config",
        "subnet",
        "profiles",
        "scale",
        "container_name",
        "network_mode",
        "restart",
        "mem_limit",
        "cpus",
        "stop_grace_period",
        "interval",
    ];

    fn span() -> Span {
        Span::new(FileId(0), 1, 1)
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            Just(NodeValue::Null),
            any::<bool>().prop_map(NodeValue::Bool),
            any::<i64>().prop_map(NodeValue::Int),
            any::<f64>().prop_map(NodeValue::Float),
            "[ -~]{0,12}".prop_map(NodeValue::String),
            prop::sample::select(vec![
                "80:80",
                "1-3:4-6",
                "[::1]:1:1",
                "a:/b:ro,Z",
                "./x:/y",
                "1g",
                "10s",
                "all",
                "service:web",
                "CMD",
                "NONE",
                "host",
                "/dev/a:/dev/b:rwm",
                "h:1.1.1.1",
            ])
            .prop_map(|s| NodeValue::String(s.to_owned())),
        ]
        .prop_map(|v| Node::new(v, span()));
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| Node::new(NodeValue::Seq(v), span())),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..5).prop_map(
                    |entries| {
                        let mut seen = std::collections::BTreeSet::new();
                        let m = entries
                            .into_iter()
                            .filter(|(k, _)| seen.insert(*k))
                            .map(|(k, v)| {
                                (
                                    Key {
                                        name: k.to_owned(),
                                        span: span(),
                                    },
                                    v,
                                )
                            })
                            .collect();
                        Node::new(NodeValue::Map(m), span())
                    }
                ),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn canonicalize_never_panics(svc in node(), top in node(), raw in node()) {
            let key = |k: &str| Key { name: k.to_owned(), span: span() };
            let map = |entries: Vec<(Key, Node)>| Node::new(NodeValue::Map(entries), span());
            let tree = match raw.value {
                NodeValue::Map(_) if svc.tag.is_none() && matches!(top.value, NodeValue::Null) => raw,
                _ => map(vec![
                    (key("services"), map(vec![(key("web"), svc.clone()), (key("db"), svc)])),
                    (key("networks"), map(vec![(key("n"), top.clone())])),
                    (key("volumes"), map(vec![(key("v"), top)])),
                ]),
            };
            let input = Input {
                tree,
                files: vec![SourceFile { path: PathBuf::from("/nonexistent/compose.yaml"), kind: SourceKind::Compose }],
                environment: BTreeMap::new(),
                project_name: Spanned::new("p".into(), span()),
                project_dir: PathBuf::from("/nonexistent"),
                warnings: Vec::new(),
                profiles: Vec::new(),
                services: Vec::new(),
            };
            if let Ok(mut p) = canonicalize(input) {
                let _ = crate::validate::validate(&p);
                prune_unused(&mut p);
            }
        }
    }
}
