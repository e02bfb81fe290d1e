//! Unit tests with hand-built IR, one per mapping family.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use transship_ir::*;
use transship_translate::unit::{Ctx, parse_lines, split_words};
use transship_translate::{Outcome, Output, Translator, ir_key_paths};

use crate::{PodmanVersion, QuadletTranslator};

fn sp<T>(v: T, line: u32) -> Spanned<T> {
    Spanned::new(v, Span::new(FileId(0), line, 5))
}

fn project(services: Vec<Service>) -> Project {
    let mut p = Project {
        name: sp("demo".into(), 1),
        working_dir: PathBuf::from("/srv/demo"),
        ..Project::default()
    };
    let mut used_default = false;
    for mut s in services {
        if s.networks.is_empty() && s.network_mode.is_none() {
            s.networks
                .insert("default".into(), sp(ServiceNetwork::default(), 0));
            used_default = true;
        }
        p.services.insert(s.name.clone(), s);
    }
    if used_default {
        p.networks.insert(
            "default".into(),
            Network {
                name: sp("demo_default".into(), 0),
                implicit: true,
                ..Network::default()
            },
        );
    }
    p
}

fn service(name: &str) -> Service {
    Service {
        name: name.into(),
        span: Span::new(FileId(0), 3, 3),
        image: Some(sp("localhost/app:1".into(), 4)),
        ..Service::default()
    }
}

fn run(p: &Project, v: &str) -> Output {
    let t = QuadletTranslator {
        version: v.parse().unwrap(),
        user: false,
        pod: false,
    };
    let out = t.translate(p).unwrap();
    assert_eq!(
        out.ledger.key_paths(),
        ir_key_paths(p),
        "ledger vs IR key paths"
    );
    out
}

fn file<'a>(out: &'a Output, name: &str) -> &'a str {
    &out.artifacts
        .iter()
        .find(|a| a.path.to_str() == Some(name))
        .unwrap_or_else(|| {
            panic!(
                "no {name} in {:?}",
                out.artifacts.iter().map(|a| &a.path).collect::<Vec<_>>()
            )
        })
        .contents
}

/// Values of `section`/`key` in a rendered unit.
fn values(text: &str, section: &str, key: &str) -> Vec<String> {
    parse_lines(text)
        .unwrap()
        .into_iter()
        .filter(|(s, k, _)| s == section && k == key)
        .map(|(_, _, v)| v)
        .collect()
}

fn outcome<'a>(out: &'a Output, path: &str) -> &'a Outcome {
    &out.ledger
        .entries
        .iter()
        .find(|e| e.key_path == path)
        .unwrap_or_else(|| panic!("no ledger entry {path}"))
        .outcome
}

#[test]
fn basic_service_names_network_and_install() {
    let mut s = service("web");
    s.ports.push(sp(
        Port {
            target: 80,
            published: Some("8080".into()),
            host_ip: Some("127.0.0.1".into()),
            ..Port::default()
        },
        5,
    ));
    let out = run(&project(vec![s]), "5.4");
    let c = file(&out, "demo-web.container");
    assert_eq!(values(c, "Container", "Image"), ["localhost/app:1"]);
    assert_eq!(values(c, "Container", "ContainerName"), ["demo-web-1"]);
    assert_eq!(values(c, "Container", "PublishPort"), ["127.0.0.1:8080:80"]);
    assert_eq!(
        values(c, "Container", "Network"),
        ["demo-default.network:alias=web"]
    );
    assert_eq!(values(c, "Install", "WantedBy"), ["multi-user.target"]);
    assert_eq!(values(c, "Service", "TimeoutStartSec"), ["900"]);
    let n = file(&out, "demo-default.network");
    assert_eq!(values(n, "Network", "NetworkName"), ["demo_default"]);
    assert_eq!(outcome(&out, "services.web.ports[0]"), &Outcome::Translated);
}

#[test]
fn user_install_wants_default_target() {
    let p = project(vec![service("web")]);
    let t = QuadletTranslator {
        version: PodmanVersion::DEFAULT,
        user: true,
        pod: false,
    };
    let out = t.translate(&p).unwrap();
    assert_eq!(
        values(file(&out, "demo-web.container"), "Install", "WantedBy"),
        ["default.target"]
    );
}

#[test]
fn environment_is_escaped_and_round_trips() {
    let mut s = service("web");
    let tricky = "100% $HOME \"q\" \\ [Service]\nline2";
    s.environment.insert("A".into(), sp(Some(tricky.into()), 6));
    s.environment.insert("B".into(), sp(None, 7));
    let out = run(&project(vec![s.clone()]), "5.4");
    let c = file(&out, "demo-web.container");
    let env = values(c, "Container", "Environment");
    assert_eq!(env.len(), 1);
    assert_eq!(
        split_words(&env[0], Ctx::Exec).unwrap(),
        [format!("A={tricky}")]
    );
    // bare KEY before 5.6: PodmanArgs=--env=B, approximated
    let pa = values(c, "Container", "PodmanArgs");
    assert!(pa.contains(&"--env=B".to_owned()), "{pa:?}");
    assert!(matches!(
        outcome(&out, "services.web.environment.B"),
        Outcome::Approximated(_)
    ));
    // 5.6+: Environment=B
    let out = run(&project(vec![s]), "5.6");
    let env = values(file(&out, "demo-web.container"), "Container", "Environment");
    assert!(env.contains(&"B".to_owned()), "{env:?}");
}

#[test]
fn newer_keys_fall_back_to_podman_args() {
    let mut s = service("web");
    s.mem_limit = Some(sp(ByteSize(1 << 30), 8));
    s.stop_grace_period = Some(sp(Duration::from_secs(20), 9));
    s.working_dir = Some(sp("/app".into(), 10));
    let p = project(vec![s]);
    let out = run(&p, "5.4");
    let c = file(&out, "demo-web.container");
    assert!(values(c, "Container", "Memory").is_empty());
    assert!(values(c, "Container", "PodmanArgs").contains(&"--memory=1073741824".to_owned()));
    assert_eq!(values(c, "Container", "StopTimeout"), ["20"]);
    assert_eq!(values(c, "Service", "TimeoutStopSec"), ["50"]);
    let out = run(&p, "5.5");
    assert_eq!(
        values(file(&out, "demo-web.container"), "Container", "Memory"),
        ["1073741824"]
    );
    let out = run(&p, "4.4");
    let c = file(&out, "demo-web.container");
    let pa = values(c, "Container", "PodmanArgs");
    assert!(pa.contains(&"--stop-timeout=20".to_owned()), "{pa:?}");
    assert!(pa.contains(&"--workdir=/app".to_owned()), "{pa:?}");
    assert!(values(c, "Container", "WorkingDir").is_empty());
}

#[test]
fn output_for_4_4_uses_only_4_4_keys() {
    let mut s = service("web");
    s.healthcheck = Some(sp(
        Healthcheck {
            test: Some(sp(HealthTest::CmdShell("true".into()), 11)),
            interval: Some(sp(Duration::from_secs(5), 12)),
            ..Healthcheck::default()
        },
        11,
    ));
    s.hostname = Some(sp("h".into(), 13));
    s.dns.push(sp("1.1.1.1".into(), 14));
    let mut db = service("db");
    db.healthcheck = s.healthcheck.clone();
    s.depends_on.insert(
        "db".into(),
        sp(
            Dependency {
                condition: sp(DependsCondition::ServiceHealthy, 15),
                restart: None,
                required: sp(true, 15),
                extensions: Extensions::new(),
            },
            15,
        ),
    );
    let out = run(&project(vec![s, db]), "4.4");
    for a in &out.artifacts {
        let lines = parse_lines(&a.contents).unwrap();
        for (sec, key, _) in lines {
            if ["Container", "Network", "Volume"].contains(&sec.as_str()) {
                assert!(
                    crate::version::has_key(PodmanVersion::new(4, 4), &sec, &key),
                    "{}: [{sec}] {key} is not a 4.4 key",
                    a.path.display()
                );
            }
        }
    }
    let db = file(&out, "demo-db.container");
    assert!(values(db, "Container", "Notify").is_empty());
    assert_eq!(values(db, "Service", "ExecStartPost").len(), 1);
    assert!(matches!(
        outcome(&out, "services.web.depends_on.db"),
        Outcome::Approximated(_)
    ));
}

#[test]
fn depends_on_conditions() {
    let mut web = service("web");
    let dep = |c, req: bool, restart: Option<bool>| {
        sp(
            Dependency {
                condition: sp(c, 20),
                restart: restart.map(|r| sp(r, 20)),
                required: sp(req, 20),
                extensions: Extensions::new(),
            },
            20,
        )
    };
    web.depends_on.insert(
        "db".into(),
        dep(DependsCondition::ServiceHealthy, true, Some(true)),
    );
    web.depends_on.insert(
        "migrate".into(),
        dep(DependsCondition::ServiceCompletedSuccessfully, true, None),
    );
    web.depends_on.insert(
        "cache".into(),
        dep(DependsCondition::ServiceStarted, false, None),
    );
    let out = run(
        &project(vec![
            web,
            service("db"),
            service("migrate"),
            service("cache"),
        ]),
        "5.4",
    );
    let w = file(&out, "demo-web.container");
    assert_eq!(
        values(w, "Unit", "Requires"),
        ["demo-db.service", "demo-migrate.service"]
    );
    assert_eq!(values(w, "Unit", "Wants"), ["demo-cache.service"]);
    assert_eq!(values(w, "Unit", "PartOf"), ["demo-db.service"]);
    assert_eq!(values(w, "Unit", "After").len(), 3);
    assert_eq!(
        values(file(&out, "demo-db.container"), "Container", "Notify"),
        ["healthy"]
    );
    let m = file(&out, "demo-migrate.container");
    assert_eq!(values(m, "Service", "Type"), ["oneshot"]);
    assert_eq!(values(m, "Service", "RemainAfterExit"), ["yes"]);
}

#[test]
fn named_and_external_volumes_and_binds() {
    let mut s = service("web");
    s.volumes.push(sp(
        ServiceVolume {
            kind: VolumeType::Volume,
            source: Some("data".into()),
            target: "/data".into(),
            ..ServiceVolume::default()
        },
        30,
    ));
    s.volumes.push(sp(
        ServiceVolume {
            kind: VolumeType::Volume,
            source: Some("ext".into()),
            target: "/ext".into(),
            read_only: Some(true),
            ..ServiceVolume::default()
        },
        31,
    ));
    s.volumes.push(sp(
        ServiceVolume {
            kind: VolumeType::Bind,
            source: Some("/srv/demo/conf".into()),
            target: "/etc/app".into(),
            read_only: Some(true),
            ..ServiceVolume::default()
        },
        32,
    ));
    let mut p = project(vec![s]);
    p.volumes.insert(
        "data".into(),
        Volume {
            name: sp("demo_data".into(), 40),
            ..Volume::default()
        },
    );
    p.volumes.insert(
        "ext".into(),
        Volume {
            name: sp("shared".into(), 41),
            external: Some(sp(true, 41)),
            ..Volume::default()
        },
    );
    let out = run(&p, "5.4");
    let c = file(&out, "demo-web.container");
    assert_eq!(
        values(c, "Container", "Volume"),
        [
            "demo-data.volume:/data",
            "shared:/ext:ro",
            "/srv/demo/conf:/etc/app:ro"
        ]
    );
    assert_eq!(
        values(file(&out, "demo-data.volume"), "Volume", "VolumeName"),
        ["demo_data"]
    );
    assert!(
        !out.artifacts
            .iter()
            .any(|a| a.path.to_str() == Some("demo-ext.volume"))
    );
}

#[test]
fn secrets_file_and_environment() {
    let mut s = service("web");
    s.secrets.push(sp(
        FileRef {
            source: "pw".into(),
            target: Some("/run/secrets/pw".into()),
            ..FileRef::default()
        },
        50,
    ));
    s.secrets.push(sp(
        FileRef {
            source: "tok".into(),
            target: Some("/run/secrets/tok".into()),
            mode: Some(0o400),
            ..FileRef::default()
        },
        51,
    ));
    let mut p = project(vec![s]);
    p.secrets.insert(
        "pw".into(),
        Secret {
            name: sp("demo_pw".into(), 60),
            file: Some(sp(PathBuf::from("/srv/demo/pw.txt"), 60)),
            ..Secret::default()
        },
    );
    p.secrets.insert(
        "tok".into(),
        Secret {
            name: sp("demo_tok".into(), 61),
            environment: Some(sp("TOKEN".into(), 61)),
            environment_value: Some("s3cr%t".into()),
            ..Secret::default()
        },
    );
    let out = run(&p, "5.4");
    let c = file(&out, "demo-web.container");
    assert_eq!(
        values(c, "Container", "Volume"),
        ["/srv/demo/pw.txt:/run/secrets/pw:ro"]
    );
    assert_eq!(
        values(c, "Container", "Secret"),
        ["demo-web-secret-tok,type=mount,target=/run/secrets/tok,mode=0400"]
    );
    let art = out
        .artifacts
        .iter()
        .find(|a| a.path.to_str() == Some("demo-secrets/tok"))
        .unwrap();
    assert_eq!(
        (art.mode, art.secret, art.contents.as_str()),
        (0o600, true, "s3cr%t")
    );
    let pre = values(c, "Service", "ExecStartPre");
    assert_eq!(
        split_words(&pre[1], Ctx::Exec).unwrap(),
        [
            "/usr/bin/podman",
            "secret",
            "create",
            "demo-web-secret-tok",
            "/etc/containers/systemd/demo-secrets/tok"
        ]
    );
}

#[test]
fn extensions_and_unsupported_keys_are_in_the_ledger() {
    let mut s = service("web");
    s.extensions
        .insert("x-foo".into(), sp(Value::Bool(true), 70));
    s.links.push(sp("db".into(), 71));
    s.domainname = Some(sp("example.com".into(), 72));
    let mut p = project(vec![s]);
    p.extensions.insert("x-top".into(), sp(Value::Null, 73));
    let out = run(&p, "5.4");
    for k in [
        "services.web.x-foo",
        "services.web.links[0]",
        "services.web.domainname",
        "x-top",
    ] {
        assert!(matches!(outcome(&out, k), Outcome::Unsupported(_)), "{k}");
    }
    let e = out
        .ledger
        .entries
        .iter()
        .find(|e| e.key_path == "services.web.links[0]")
        .unwrap();
    assert_eq!(e.span.line, 71);
}

#[test]
fn pod_mode_moves_ports_and_networks_to_the_pod() {
    let mut a = service("a");
    a.ports.push(sp(
        Port {
            target: 80,
            published: Some("8080".into()),
            ..Port::default()
        },
        5,
    ));
    let p = project(vec![a, service("b")]);
    let t = QuadletTranslator {
        version: PodmanVersion::DEFAULT,
        user: false,
        pod: true,
    };
    let out = t.translate(&p).unwrap();
    assert_eq!(out.ledger.key_paths(), ir_key_paths(&p));
    let pod = file(&out, "demo.pod");
    assert_eq!(values(pod, "Pod", "PublishPort"), ["8080:80"]);
    assert_eq!(
        values(pod, "Pod", "Network"),
        ["demo-default.network:alias=a,alias=b"]
    );
    let c = file(&out, "demo-a.container");
    assert_eq!(values(c, "Container", "Pod"), ["demo.pod"]);
    assert!(values(c, "Container", "Network").is_empty());
    let t44 = QuadletTranslator {
        version: "4.9".parse().unwrap(),
        user: false,
        pod: true,
    };
    assert!(t44.translate(&p).is_err());
}

#[test]
fn build_unit_from_5_2_and_exec_start_pre_before() {
    let mut s = service("app");
    s.image = None;
    s.build = Some(sp(
        Build {
            context: sp("/srv/demo/src".into(), 80),
            dockerfile: Some(sp("Containerfile".into(), 81)),
            args: BTreeMap::from([("V".into(), sp(Some("1".into()), 82))]),
            ..Build::default()
        },
        80,
    ));
    let p = project(vec![s]);
    let out = run(&p, "5.4");
    let b = file(&out, "demo-app.build");
    assert_eq!(values(b, "Build", "ImageTag"), ["localhost/demo-app"]);
    assert_eq!(values(b, "Build", "SetWorkingDirectory"), ["/srv/demo/src"]);
    assert_eq!(values(b, "Build", "File"), ["/srv/demo/src/Containerfile"]);
    assert_eq!(
        values(file(&out, "demo-app.container"), "Container", "Image"),
        ["demo-app.build"]
    );
    let out = run(&p, "5.0");
    let c = file(&out, "demo-app.container");
    assert_eq!(values(c, "Container", "Image"), ["localhost/demo-app"]);
    let pre = split_words(&values(c, "Service", "ExecStartPre")[0], Ctx::Exec).unwrap();
    assert_eq!(pre[..2], ["/usr/bin/podman", "build"]);
    assert_eq!(pre.last().unwrap(), "/srv/demo/src");
}
