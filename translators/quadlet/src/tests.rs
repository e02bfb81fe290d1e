//! Unit tests with hand-built IR, one per mapping family.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use transship_ir::*;
use transship_translate::unit::{Expansion, parse_lines, split_words, split_words_env};
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
                .insert("default".into(), sp(Box::<ServiceNetwork>::default(), 0));
            used_default = true;
        }
        p.services.insert(s.name.clone(), Box::new(s));
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
        inline_env: false,
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
        inline_env: false,
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
        split_words(&env[0], Expansion::Exec).unwrap(),
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
        split_words(&pre[1], Expansion::Exec).unwrap(),
        [
            "/usr/bin/podman",
            "secret",
            "create",
            "demo-web-secret-tok",
            "/etc/containers/systemd/demo-secrets/tok"
        ]
    );
    // rootless: %h stays a specifier (systemd expands it to the user's home)
    let t = QuadletTranslator {
        version: PodmanVersion::DEFAULT,
        user: true,
        pod: false,
        inline_env: false,
    };
    let out = t.translate(&p).unwrap();
    let pre = values(file(&out, "demo-web.container"), "Service", "ExecStartPre");
    assert_eq!(
        pre[1],
        "/usr/bin/podman secret create demo-web-secret-tok %h/.config/containers/systemd/demo-secrets/tok"
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
    ] {
        assert!(matches!(outcome(&out, k), Outcome::Unsupported(_)), "{k}");
    }
    // Compose ignores top-level extensions (anchor sources, other tools' settings): nothing
    // is lost, so `--strict` accepts them.
    assert_eq!(outcome(&out, "x-top"), &Outcome::Translated);
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
        inline_env: false,
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
        inline_env: false,
    };
    assert!(t44.translate(&p).is_err());
}

#[test]
fn build_unit_from_5_2_and_exec_start_pre_before() {
    let mut s = service("app");
    s.image = None;
    s.build = Some(sp(
        Box::new(Build {
            context: sp("/srv/demo/src".into(), 80),
            dockerfile: Some(sp("Containerfile".into(), 81)),
            args: BTreeMap::from([("V".into(), sp(Some("1".into()), 82))]),
            ..Build::default()
        }),
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
    let pre = split_words(&values(c, "Service", "ExecStartPre")[0], Expansion::Exec).unwrap();
    assert_eq!(pre[..2], ["/usr/bin/podman", "build"]);
    assert_eq!(pre.last().unwrap(), "/srv/demo/src");
}

/// A project using many keys at once (for the quadlet -dryrun check).
fn rich_project() -> Project {
    let mut web = service("web");
    web.command = Some(sp(
        vec![
            "sh".into(),
            "-c".into(),
            "echo \"$HOME\" 100% ok\nnext".into(),
        ],
        90,
    ));
    web.entrypoint = Some(sp(vec!["/bin/sh".into(), "-e".into()], 91));
    web.environment
        .insert("GREETING".into(), sp(Some("hello world %h $X".into()), 92));
    web.labels
        .insert("com.example.l".into(), sp("[Service]".into(), 93));
    web.annotations.insert("a".into(), sp("b c".into(), 94));
    web.ports.push(sp(
        Port {
            target: 80,
            published: Some("8080".into()),
            ..Port::default()
        },
        95,
    ));
    web.ports.push(sp(
        Port {
            target: 53,
            protocol: Protocol::Udp,
            host_ip: Some("::1".into()),
            ..Port::default()
        },
        96,
    ));
    web.expose.push(sp("9000".into(), 97));
    web.cap_add.push(sp("NET_ADMIN".into(), 98));
    web.cap_drop.push(sp("ALL".into(), 99));
    web.user = Some(sp("1000:1000".into(), 100));
    web.working_dir = Some(sp("/srv/my app".into(), 101));
    web.hostname = Some(sp("web1".into(), 102));
    web.init = Some(sp(true, 103));
    web.read_only = Some(sp(true, 104));
    web.privileged = Some(sp(false, 105));
    web.security_opt
        .push(sp("no-new-privileges:true".into(), 106));
    web.security_opt.push(sp("label:disable".into(), 107));
    web.sysctls
        .insert("net.core.somaxconn".into(), sp("1024".into(), 108));
    web.ulimits.insert(
        "nofile".into(),
        sp(
            Ulimit {
                soft: 1024,
                hard: 2048,
                single: false,
            },
            109,
        ),
    );
    web.dns.push(sp("1.1.1.1".into(), 110));
    web.extra_hosts.push(sp(
        ExtraHost {
            host: "db.local".into(),
            ip: "10.0.0.2".into(),
        },
        111,
    ));
    web.tmpfs.push(sp("/run:size=64m".into(), 112));
    web.mem_limit = Some(sp(ByteSize(512 << 20), 113));
    web.cpus = Some(sp(0.5, 114));
    web.pids_limit = Some(sp(100, 115));
    web.shm_size = Some(sp(ByteSize(64 << 20), 116));
    web.stop_signal = Some(sp("SIGINT".into(), 117));
    web.stop_grace_period = Some(sp(Duration::from_secs(15), 118));
    web.restart = Some(sp(RestartPolicy::OnFailure(Some(3)), 119));
    web.logging = Some(sp(
        Logging {
            driver: Some(sp("json-file".into(), 120)),
            options: BTreeMap::from([("max-size".into(), sp("10m".into(), 121))]),
            extensions: Extensions::new(),
        },
        120,
    ));
    web.healthcheck = Some(sp(
        Healthcheck {
            test: Some(sp(
                HealthTest::Cmd(vec!["curl".into(), "-f".into(), "http://localhost/".into()]),
                122,
            )),
            interval: Some(sp(Duration::from_secs(10), 123)),
            timeout: Some(sp(Duration(1_500_000_000), 124)),
            retries: Some(sp(3, 125)),
            start_period: Some(sp(Duration::from_secs(30), 126)),
            ..Healthcheck::default()
        },
        122,
    ));
    web.group_add.push(sp("wheel".into(), 127));
    web.devices.push(sp(
        Device {
            source: "/dev/null".into(),
            target: "/dev/mynull".into(),
            permissions: Some("rw".into()),
            extensions: Extensions::new(),
        },
        128,
    ));
    web.pull_policy = Some(sp("if_not_present".into(), 129));
    web.volumes.push(sp(
        ServiceVolume {
            kind: VolumeType::Volume,
            source: Some("data".into()),
            target: "/data".into(),
            ..ServiceVolume::default()
        },
        130,
    ));
    web.volumes.push(sp(
        ServiceVolume {
            kind: VolumeType::Bind,
            source: Some("/tmp".into()),
            target: "/host-tmp".into(),
            read_only: Some(true),
            ..ServiceVolume::default()
        },
        131,
    ));
    web.volumes.push(sp(
        ServiceVolume {
            kind: VolumeType::Tmpfs,
            target: "/cache".into(),
            tmpfs: Some(TmpfsOptions {
                size: Some(ByteSize(1 << 20)),
                mode: Some(0o1777),
                extensions: Extensions::new(),
            }),
            ..ServiceVolume::default()
        },
        132,
    ));
    web.secrets.push(sp(
        FileRef {
            source: "tok".into(),
            target: Some("/run/secrets/tok".into()),
            ..FileRef::default()
        },
        133,
    ));
    web.configs.push(sp(
        FileRef {
            source: "cfg".into(),
            target: Some("/etc/app.conf".into()),
            mode: Some(0o444),
            ..FileRef::default()
        },
        134,
    ));
    web.networks.insert(
        "front".into(),
        sp(
            Box::new(ServiceNetwork {
                aliases: vec![sp("www".into(), 135)],
                ipv4_address: Some(sp("10.90.0.10".into(), 136)),
                ..ServiceNetwork::default()
            }),
            135,
        ),
    );
    web.networks
        .insert("default".into(), sp(Box::<ServiceNetwork>::default(), 0));
    let dep = |c| {
        sp(
            Dependency {
                condition: sp(c, 140),
                restart: Some(sp(true, 140)),
                required: sp(true, 140),
                extensions: Extensions::new(),
            },
            140,
        )
    };
    web.depends_on
        .insert("db".into(), dep(DependsCondition::ServiceHealthy));
    web.depends_on.insert(
        "init".into(),
        dep(DependsCondition::ServiceCompletedSuccessfully),
    );
    let mut db = service("db");
    db.healthcheck = Some(sp(
        Healthcheck {
            test: Some(sp(
                HealthTest::CmdShell("pg_isready -U \"$USER\"".into()),
                141,
            )),
            ..Healthcheck::default()
        },
        141,
    ));
    db.restart = Some(sp(RestartPolicy::UnlessStopped, 142));
    db.deploy = Some(sp(
        Box::new(Deploy {
            resources: Some(sp(
                Resources {
                    limits: Some(sp(
                        ResourceLimits {
                            cpus: Some(sp(1.0, 143)),
                            memory: Some(sp(ByteSize(1 << 30), 144)),
                            pids: None,
                            extensions: Extensions::new(),
                        },
                        143,
                    )),
                    reservations: None,
                    extensions: Extensions::new(),
                },
                143,
            )),
            restart_policy: Some(sp(
                DeployRestartPolicy {
                    condition: Some(sp("on-failure".into(), 145)),
                    delay: Some(sp(Duration::from_secs(5), 146)),
                    max_attempts: Some(sp(3, 147)),
                    window: Some(sp(Duration::from_secs(120), 148)),
                    extensions: Extensions::new(),
                },
                145,
            )),
            ..Deploy::default()
        }),
        143,
    ));
    let mut init = service("init");
    init.command = Some(sp(vec!["true".into()], 150));
    init.restart = Some(sp(RestartPolicy::Always, 151));
    let mut side = service("side");
    side.network_mode = Some(sp("service:db".into(), 152));
    let mut p = project(vec![web, db, init, side]);
    p.networks.insert(
        "front".into(),
        Network {
            name: sp("demo_front".into(), 160),
            driver: Some(sp("bridge".into(), 161)),
            ipam: Some(sp(
                Ipam {
                    config: vec![sp(
                        IpamPool {
                            subnet: Some(sp("10.90.0.0/24".into(), 162)),
                            gateway: Some(sp("10.90.0.1".into(), 163)),
                            ..IpamPool::default()
                        },
                        162,
                    )],
                    ..Ipam::default()
                },
                162,
            )),
            labels: BTreeMap::from([("k".into(), sp("v w".into(), 164))]),
            internal: Some(sp(false, 165)),
            ..Network::default()
        },
    );
    p.volumes.insert(
        "data".into(),
        Volume {
            name: sp("demo_data".into(), 170),
            labels: BTreeMap::from([("k".into(), sp("v".into(), 171))]),
            ..Volume::default()
        },
    );
    p.secrets.insert(
        "tok".into(),
        Secret {
            name: sp("demo_tok".into(), 180),
            environment: Some(sp("TOK".into(), 180)),
            environment_value: Some("x".into()),
            ..Secret::default()
        },
    );
    p.configs.insert(
        "cfg".into(),
        Config {
            name: sp("demo_cfg".into(), 181),
            content: Some(sp("a=1\n".into(), 181)),
            ..Config::default()
        },
    );
    p
}

fn quadlet_bin() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("TRANSSHIP_TOOLS").map_or_else(
        || std::path::PathBuf::from("/opt/transship-test-env/tools"),
        std::path::PathBuf::from,
    );
    let bin = dir.join("usr/libexec/podman/quadlet");
    if bin.exists() {
        Some(bin)
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "quadlet binary missing in CI: {}",
            bin.display()
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("SKIPPED: no quadlet binary at {}", bin.display());
        }
        None
    }
}

/// Run the real quadlet (5.4.2) on an output; returns the generated services text.
pub(crate) fn dryrun(out: &Output, user: bool) -> Result<String, String> {
    let Some(bin) = quadlet_bin() else {
        return Ok(String::new());
    };
    let dir = tempfile::tempdir().unwrap();
    for a in &out.artifacts {
        let path = dir.path().join(&a.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &a.contents).unwrap();
    }
    let mut cmd = std::process::Command::new(bin);
    cmd.env("QUADLET_UNIT_DIRS", dir.path())
        .arg("-dryrun")
        .arg("-no-kmsg-log");
    if user {
        cmd.arg("-user");
    }
    let o = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let bad: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains("Loading source unit file"))
        .collect();
    if !o.status.success() || !bad.is_empty() {
        return Err(format!(
            "status {}\n{}\n---\n{stdout}",
            o.status,
            bad.join("\n")
        ));
    }
    Ok(stdout)
}

/// The podman argv of the `ExecStart=` of the service generated from `unit`.
fn exec_start(services: &str, unit: &str) -> Vec<String> {
    let start = services
        .find(&format!("---{unit}---"))
        .unwrap_or_else(|| panic!("no {unit} in\n{services}"));
    let rest = &services[start..];
    let line = rest.lines().find(|l| l.starts_with("ExecStart=")).unwrap();
    // quadlet's own specifiers (%t, %N) stand for themselves here
    let mut text = String::new();
    let mut it = line["ExecStart=".len()..].chars();
    while let Some(c) = it.next() {
        match (c, c == '%') {
            (_, true) => match it.next() {
                Some('%') => text.push_str("%%"),
                Some(x) => text.push_str(&format!("<spec-{x}>")),
                None => text.push('%'),
            },
            (c, false) => text.push(c),
        }
    }
    split_words(&text, Expansion::Exec).unwrap()
}

#[test]
fn rich_project_passes_quadlet_5_4_dryrun_and_argv_round_trips() {
    let p = rich_project();
    for user in [false, true] {
        let t = QuadletTranslator {
            version: PodmanVersion::new(5, 4),
            user,
            pod: false,
            inline_env: false,
        };
        let out = t.translate(&p).unwrap();
        assert_eq!(out.ledger.key_paths(), ir_key_paths(&p));
        let services = dryrun(&out, user).unwrap_or_else(|e| panic!("{e}"));
        if services.is_empty() {
            return; // skipped
        }
        let argv = exec_start(&services, "demo-web.service");
        let cmd = [
            "sh".to_owned(),
            "-c".to_owned(),
            "echo \"$HOME\" 100% ok\nnext".to_owned(),
        ];
        assert_eq!(argv[argv.len() - 3..], cmd[..], "{argv:?}");
        let env_pos = argv.iter().position(|a| a == "--env").unwrap();
        assert_eq!(argv[env_pos + 1], "GREETING=hello world %h $X");
        assert!(
            argv.windows(2)
                .any(|w| w[0] == "--label" && w[1] == "com.example.l=[Service]"),
            "{argv:?}"
        );
        assert!(
            argv.windows(2)
                .any(|w| w[0] == "--workdir" && w[1] == "/srv/my app")
                || argv.contains(&"--workdir=/srv/my app".to_owned()),
            "{argv:?}"
        );
    }
}

#[test]
fn rich_project_4_4_output_uses_only_4_4_keys_and_5_4_accepts_it() {
    let p = rich_project();
    let t = QuadletTranslator {
        version: PodmanVersion::new(4, 4),
        user: false,
        pod: false,
        inline_env: false,
    };
    let out = t.translate(&p).unwrap();
    for a in &out.artifacts {
        if a.secret || a.path.starts_with("demo-configs") {
            continue;
        }
        let ext = a.path.extension().and_then(|e| e.to_str()).unwrap();
        assert!(
            crate::version::has_unit_type(PodmanVersion::new(4, 4), ext),
            "{}",
            a.path.display()
        );
        for (sec, key, _) in parse_lines(&a.contents).unwrap() {
            if ["Container", "Network", "Volume", "Pod", "Build", "Image"].contains(&sec.as_str()) {
                assert!(
                    crate::version::has_key(PodmanVersion::new(4, 4), &sec, &key),
                    "{}: [{sec}] {key}",
                    a.path.display()
                );
            }
        }
    }
    dryrun(&out, false).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn every_version_passes_dryrun_where_5_4_knows_the_keys() {
    let p = rich_project();
    for v in PodmanVersion::all() {
        if v > PodmanVersion::new(5, 4) {
            continue; // newer keys are (rightly) refused by the 5.4.2 binary
        }
        for pod in [false, true] {
            let t = QuadletTranslator {
                version: v,
                user: false,
                pod,
                inline_env: false,
            };
            let Ok(out) = t.translate(&p) else {
                assert!(pod && v < PodmanVersion::new(5, 0));
                continue;
            };
            assert_eq!(out.ledger.key_paths(), ir_key_paths(&p));
            dryrun(&out, false).unwrap_or_else(|e| panic!("podman {v} pod={pod}: {e}"));
        }
    }
}

#[test]
fn security_opts_use_keys_where_the_version_has_them() {
    let mut s = service("web");
    for (i, o) in [
        "apparmor=unconfined",
        "label:disable",
        "seccomp:unconfined",
        "systempaths=unconfined",
    ]
    .iter()
    .enumerate()
    {
        s.security_opt
            .push(sp((*o).to_owned(), 200 + u32::try_from(i).unwrap()));
    }
    let p = project(vec![s]);
    let out = run(&p, "5.8");
    let c = file(&out, "demo-web.container");
    assert_eq!(values(c, "Container", "AppArmor"), ["unconfined"]);
    assert_eq!(values(c, "Container", "SecurityLabelDisable"), ["true"]);
    assert_eq!(values(c, "Container", "SeccompProfile"), ["unconfined"]);
    assert_eq!(
        values(c, "Container", "PodmanArgs"),
        ["--security-opt=systempaths=unconfined"]
    );
    let out = run(&p, "4.4");
    let c = file(&out, "demo-web.container");
    assert_eq!(
        values(c, "Container", "PodmanArgs"),
        [
            "--security-opt=apparmor=unconfined",
            "--security-opt=label=disable",
            "--security-opt=systempaths=unconfined"
        ]
    );
    assert_eq!(values(c, "Container", "SeccompProfile"), ["unconfined"]);
}

#[test]
fn healthcheck_forms() {
    let hc = |test: HealthTest, disable: Option<bool>| {
        let mut s = service("web");
        s.healthcheck = Some(sp(
            Healthcheck {
                test: Some(sp(test, 300)),
                retries: Some(sp(5, 301)),
                start_interval: Some(sp(Duration::from_secs(1), 302)),
                disable: disable.map(|d| sp(d, 303)),
                ..Healthcheck::default()
            },
            300,
        ));
        let out = run(&project(vec![s]), "5.4");
        let c = file(&out, "demo-web.container").to_owned();
        assert!(matches!(
            outcome(&out, "services.web.healthcheck.start_interval"),
            Outcome::Unsupported(_)
        ));
        c
    };
    let c = hc(HealthTest::CmdShell("curl -f localhost".into()), None);
    assert_eq!(values(&c, "Container", "HealthCmd"), ["curl -f localhost"]);
    assert_eq!(values(&c, "Container", "HealthRetries"), ["5"]);
    // the exec form goes through PodmanArgs as JSON (quadlet < 5.8.2 mangles `"` in HealthCmd=)
    let c = hc(
        HealthTest::Cmd(vec!["curl".into(), "-f".into(), "a b".into()]),
        None,
    );
    assert!(values(&c, "Container", "HealthCmd").is_empty());
    let pa = values(&c, "Container", "PodmanArgs");
    assert_eq!(
        split_words(&pa[0], Expansion::Exec).unwrap(),
        ["--health-cmd=[\"curl\",\"-f\",\"a b\"]"]
    );
    let c = hc(HealthTest::None, None);
    assert_eq!(values(&c, "Container", "HealthCmd"), ["none"]);
    let c = hc(HealthTest::CmdShell("true".into()), Some(true));
    assert_eq!(values(&c, "Container", "HealthCmd"), ["none"]);
}

#[test]
fn restart_policies() {
    let cases = [
        (RestartPolicy::No, "no", false),
        (RestartPolicy::Always, "always", false),
        (RestartPolicy::UnlessStopped, "always", true),
        (RestartPolicy::OnFailure(None), "on-failure", false),
        (RestartPolicy::OnFailure(Some(2)), "on-failure", true),
    ];
    for (policy, want, approximated) in cases {
        let mut s = service("web");
        s.restart = Some(sp(policy, 310));
        let out = run(&project(vec![s]), "5.4");
        let c = file(&out, "demo-web.container");
        assert_eq!(values(c, "Service", "Restart"), [want], "{policy:?}");
        assert_eq!(
            matches!(
                outcome(&out, "services.web.restart"),
                Outcome::Approximated(_)
            ),
            approximated,
            "{policy:?}"
        );
        if policy == RestartPolicy::OnFailure(Some(2)) {
            assert_eq!(values(c, "Unit", "StartLimitBurst"), ["3"]);
        }
    }
}

#[test]
fn port_forms() {
    let mut s = service("web");
    let port = |target, published: Option<&str>, ip: Option<&str>, protocol| {
        sp(
            Port {
                target,
                published: published.map(Into::into),
                host_ip: ip.map(Into::into),
                protocol,
                ..Port::default()
            },
            320,
        )
    };
    s.ports.push(port(80, None, None, Protocol::Tcp));
    s.ports.push(port(53, Some("5353"), None, Protocol::Udp));
    s.ports
        .push(port(443, Some("8443"), Some("::1"), Protocol::Tcp));
    s.ports
        .push(port(22, None, Some("127.0.0.1"), Protocol::Tcp));
    let out = run(&project(vec![s]), "5.4");
    assert_eq!(
        values(file(&out, "demo-web.container"), "Container", "PublishPort"),
        ["80", "5353:53/udp", "[::1]:8443:443", "127.0.0.1::22"]
    );
}

#[test]
fn networks_aliases_addresses_and_external() {
    let mut s = service("web");
    s.networks.insert(
        "back".into(),
        sp(
            Box::new(ServiceNetwork {
                aliases: vec![sp("api".into(), 330), sp("web".into(), 331)],
                ipv4_address: Some(sp("10.1.0.5".into(), 332)),
                ipv6_address: Some(sp("fd00::5".into(), 333)),
                link_local_ips: vec![sp("169.254.1.1".into(), 334)],
                ..ServiceNetwork::default()
            }),
            330,
        ),
    );
    s.networks
        .insert("shared".into(), sp(Box::<ServiceNetwork>::default(), 335));
    let mut p = project(vec![s]);
    p.networks.insert(
        "back".into(),
        Network {
            name: sp("demo_back".into(), 340),
            internal: Some(sp(true, 341)),
            ..Network::default()
        },
    );
    p.networks.insert(
        "shared".into(),
        Network {
            name: sp("proxy".into(), 342),
            external: Some(sp(true, 342)),
            ..Network::default()
        },
    );
    let out = run(&p, "5.4");
    let c = file(&out, "demo-web.container");
    assert_eq!(
        values(c, "Container", "Network"),
        [
            "demo-back.network:alias=web,alias=api,ip=10.1.0.5,ip6=fd00::5",
            "proxy:alias=web"
        ]
    );
    let n = file(&out, "demo-back.network");
    assert_eq!(values(n, "Network", "Internal"), ["true"]);
    assert!(
        !out.artifacts
            .iter()
            .any(|a| a.path.to_str() == Some("demo-shared.network"))
    );
    assert!(matches!(
        outcome(&out, "services.web.networks.back.link_local_ips[0]"),
        Outcome::Unsupported(_)
    ));
    // before 4.7 the network cannot be named: approximated
    let out = run(&p, "4.6");
    assert!(values(file(&out, "demo-back.network"), "Network", "NetworkName").is_empty());
    assert!(matches!(
        outcome(&out, "networks.back"),
        Outcome::Approximated(_)
    ));
}

#[test]
fn version_gated_value_shapes() {
    let mut s = service("web");
    s.user = Some(sp("app".into(), 350));
    s.ulimits.insert(
        "nofile".into(),
        sp(
            Ulimit {
                soft: 10,
                hard: 20,
                single: false,
            },
            351,
        ),
    );
    s.ulimits.insert(
        "nproc".into(),
        sp(
            Ulimit {
                soft: 5,
                hard: 5,
                single: true,
            },
            352,
        ),
    );
    s.group_add.push(sp("a".into(), 353));
    s.group_add.push(sp("b".into(), 354));
    let p = project(vec![s]);
    // 4.7: user names must go through --user; one Ulimit= only, so both via PodmanArgs
    let out = run(&p, "4.7");
    let c = file(&out, "demo-web.container");
    assert!(values(c, "Container", "User").is_empty());
    assert!(values(c, "Container", "Ulimit").is_empty());
    let pa = values(c, "Container", "PodmanArgs");
    for w in [
        "--user=app",
        "--ulimit=nofile=10:20",
        "--ulimit=nproc=5",
        "--group-add=a",
        "--group-add=b",
    ] {
        assert!(pa.contains(&w.to_owned()), "{w} not in {pa:?}");
    }
    // 5.1: GroupAdd= exists but takes one value
    let out = run(&p, "5.1");
    let c = file(&out, "demo-web.container");
    assert_eq!(values(c, "Container", "User"), ["app"]);
    assert_eq!(
        values(c, "Container", "Ulimit"),
        ["nofile=10:20", "nproc=5"]
    );
    assert!(values(c, "Container", "GroupAdd").is_empty());
    let out = run(&p, "5.2");
    assert_eq!(
        values(file(&out, "demo-web.container"), "Container", "GroupAdd"),
        ["a", "b"]
    );
}

#[test]
fn network_mode_service_before_and_after_5_3() {
    let mut side = service("side");
    side.network_mode = Some(sp("service:web".into(), 360));
    let p = project(vec![service("web"), side]);
    let out = run(&p, "5.3");
    assert_eq!(
        values(file(&out, "demo-side.container"), "Container", "Network"),
        ["demo-web.container"]
    );
    let out = run(&p, "5.2");
    let c = file(&out, "demo-side.container");
    assert_eq!(values(c, "Container", "Network"), ["container:demo-web-1"]);
    assert_eq!(values(c, "Unit", "Requires"), ["demo-web.service"]);
}

#[test]
fn values_that_cannot_be_plain_go_through_podman_args() {
    let mut s = service("web");
    s.hostname = Some(sp("\"quoted\"".into(), 370));
    s.working_dir = Some(sp("/dir with trailing space ".into(), 371));
    let out = run(&project(vec![s]), "5.4");
    let c = file(&out, "demo-web.container");
    assert!(values(c, "Container", "HostName").is_empty());
    let pa: Vec<Vec<String>> = values(c, "Container", "PodmanArgs")
        .iter()
        .map(|v| split_words(v, Expansion::Exec).unwrap())
        .collect();
    assert!(
        pa.contains(&vec!["--workdir=/dir with trailing space ".to_owned()]),
        "{pa:?}"
    );
    assert!(
        pa.contains(&vec!["--hostname=\"quoted\"".to_owned()]),
        "{pa:?}"
    );
}

/// The argv systemd runs for `Exec=` of a `.container`: `${NAME}` words resolved with the
/// `[Service]` `Environment=` assignments.
fn exec_argv(c: &str) -> Vec<String> {
    let mut env = BTreeMap::new();
    for v in values(c, "Service", "Environment") {
        for w in split_words(&v, Expansion::Setting).unwrap() {
            let (k, v) = w.split_once('=').unwrap();
            env.insert(k.to_owned(), v.to_owned());
        }
    }
    let exec = values(c, "Container", "Exec");
    assert_eq!(exec.len(), 1, "{c}");
    split_words_env(&exec[0], Expansion::Exec, Some(&env)).unwrap()
}

#[test]
fn command_with_empty_or_semicolon_words() {
    let argv: Vec<String> = ["a", "", ";", "b c", ";", ""]
        .iter()
        .map(|w| (*w).to_owned())
        .collect();
    let mut s = service("web");
    s.command = Some(sp(argv.clone(), 380));
    // Passed through from podman's environment: those names are not used.
    s.environment
        .insert("TRANSSHIP_ARG_1".into(), sp(None, 382));
    s.environment
        .insert("TRANSSHIP_ARG_2".into(), sp(None, 383));
    s.environment
        .insert("TRANSSHIP_ARG_2_".into(), sp(None, 383));
    // A value of its own: not read from podman's environment, no clash.
    s.environment
        .insert("TRANSSHIP_ARG_4".into(), sp(Some("x".into()), 384));
    for with_entrypoint in [false, true] {
        if with_entrypoint {
            s.entrypoint = Some(sp(vec!["/bin/sh".into(), "-c".into()], 381));
        }
        for v in ["4.4", "5.4", "5.8"] {
            let out = run(&project(vec![s.clone()]), v);
            let c = file(&out, "demo-web.container");
            assert_eq!(exec_argv(c), argv, "{v}:\n{c}");
            assert_eq!(
                values(c, "Container", "Exec"),
                [
                    "a ${TRANSSHIP_ARG_1_} ${TRANSSHIP_ARG_2__} \"b c\" ${TRANSSHIP_ARG_4} ${TRANSSHIP_ARG_5}"
                ]
            );
            assert_eq!(
                values(c, "Service", "Environment"),
                [
                    "TRANSSHIP_ARG_1_=",
                    "\"TRANSSHIP_ARG_2__=;\"",
                    "\"TRANSSHIP_ARG_4=;\"",
                    "TRANSSHIP_ARG_5="
                ]
            );
            // The variables stay out of the container's environment.
            assert!(
                values(c, "Container", "Environment")
                    .iter()
                    .all(|e| !e.contains("TRANSSHIP_ARG_1_") && !e.contains("TRANSSHIP_ARG_5")),
                "{c}"
            );
            assert_eq!(outcome(&out, "services.web.command"), &Outcome::Translated);
            if with_entrypoint {
                let ep = values(c, "Container", "Entrypoint");
                let pa = values(c, "Container", "PodmanArgs");
                assert!(
                    ep == ["[\"/bin/sh\",\"-c\"]"]
                        || pa.contains(&"\"--entrypoint=[\\\"/bin/sh\\\",\\\"-c\\\"]\"".to_owned()),
                    "{v}: {c}"
                );
            }
        }
    }
}

#[test]
fn a_lone_semicolon_is_never_a_plain_value() {
    let mut s = service("web");
    s.working_dir = Some(sp(";".into(), 390));
    s.healthcheck = Some(sp(
        Healthcheck {
            test: Some(sp(HealthTest::CmdShell(";".into()), 391)),
            ..Healthcheck::default()
        },
        391,
    ));
    let out = run(&project(vec![s]), "5.4");
    let c = file(&out, "demo-web.container");
    assert!(values(c, "Container", "WorkingDir").is_empty(), "{c}");
    assert!(values(c, "Container", "HealthCmd").is_empty(), "{c}");
    let pa: Vec<Vec<String>> = values(c, "Container", "PodmanArgs")
        .iter()
        .map(|v| split_words(v, Expansion::Exec).unwrap())
        .collect();
    assert!(pa.contains(&vec!["--workdir=;".to_owned()]), "{pa:?}");
    assert!(pa.contains(&vec!["--health-cmd=;".to_owned()]), "{pa:?}");
}

#[test]
fn replicas_become_extra_units() {
    let mut s = service("worker");
    s.scale = Some(sp(3, 390));
    s.secrets.push(sp(
        FileRef {
            source: "tok".into(),
            target: Some("/run/secrets/tok".into()),
            ..FileRef::default()
        },
        391,
    ));
    let mut p = project(vec![s.clone()]);
    p.secrets.insert(
        "tok".into(),
        Secret {
            name: sp("demo_tok".into(), 392),
            environment: Some(sp("T".into(), 392)),
            environment_value: Some("v".into()),
            ..Secret::default()
        },
    );
    let out = run(&p, "5.4");
    for (file_name, cname) in [
        ("demo-worker.container", "demo-worker-1"),
        ("demo-worker-2.container", "demo-worker-2"),
        ("demo-worker-3.container", "demo-worker-3"),
    ] {
        let c = file(&out, file_name);
        assert_eq!(values(c, "Container", "ContainerName"), [cname]);
        assert_eq!(
            values(c, "Container", "Network"),
            ["demo-default.network:alias=worker"]
        );
        // each replica loads its own podman secret
        let sec = values(c, "Container", "Secret");
        assert!(
            sec[0].starts_with(&format!(
                "{}-secret-tok,",
                file_name.trim_end_matches(".container")
            )),
            "{sec:?}"
        );
    }
    assert!(
        !out.artifacts
            .iter()
            .any(|a| a.path.to_str() == Some("demo-worker-4.container"))
    );
    assert!(matches!(
        outcome(&out, "services.worker.scale"),
        Outcome::Approximated(_)
    ));
    // the ledger is not repeated per replica
    assert_eq!(out.ledger.entries.len(), out.ledger.key_paths().len());
    // container_name or --pod: one container, unsupported
    s.container_name = Some(sp("fixed".into(), 393));
    let out = run(&project(vec![s]), "5.4");
    assert!(matches!(
        outcome(&out, "services.worker.scale"),
        Outcome::Unsupported(_)
    ));
    assert_eq!(
        out.artifacts
            .iter()
            .filter(|a| a.path.to_string_lossy().ends_with(".container"))
            .count(),
        1
    );
}

// ---- .image units (pull_policy: always, platform) ----

fn run_mode(p: &Project, v: &str, user: bool, pod: bool) -> Output {
    let t = QuadletTranslator {
        version: v.parse().unwrap(),
        user,
        pod,
        inline_env: false,
    };
    let out = t.translate(p).unwrap();
    assert_eq!(out.ledger.key_paths(), ir_key_paths(p), "ledger vs IR");
    out
}

fn image_files(out: &Output) -> Vec<String> {
    out.artifacts
        .iter()
        .map(|a| a.path.to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".image"))
        .collect()
}

fn detail<'a>(out: &'a Output, path: &str) -> &'a str {
    out.ledger
        .entries
        .iter()
        .find(|e| e.key_path == path)
        .and_then(|e| e.detail.as_deref())
        .unwrap_or_else(|| panic!("no detail for {path}"))
}

fn pulling(name: &str, image: &str, policy: Option<&str>, platform: Option<&str>) -> Service {
    let mut s = service(name);
    s.image = Some(sp(image.into(), 400));
    s.pull_policy = policy.map(|x| sp(x.into(), 401));
    s.platform = platform.map(|x| sp(x.into(), 402));
    s
}

#[test]
fn pull_policy_always_shares_one_image_unit_from_4_8() {
    let p = project(vec![
        pulling(
            "web",
            "registry.example:5000/team/app:1",
            Some("always"),
            None,
        ),
        pulling(
            "worker",
            "registry.example:5000/team/app:1",
            Some("always"),
            None,
        ),
        pulling("cache", "redis:7", Some("always"), None),
        pulling("calm", "registry.example:5000/team/app:1", None, None),
    ]);
    for v in ["4.8", "5.4", "5.8"] {
        let out = run(&p, v);
        assert_eq!(
            image_files(&out),
            ["demo-app-1.image", "demo-redis-7.image"],
            "podman {v}"
        );
        let i = file(&out, "demo-app-1.image");
        assert_eq!(
            values(i, "Image", "Image"),
            ["registry.example:5000/team/app:1"]
        );
        // the unit's default policy is `always`; nothing else is written
        assert_eq!(values(i, "Image", "Policy"), Vec::<String>::new());
        assert_eq!(values(i, "Install", "WantedBy"), Vec::<String>::new());
        for svc in ["web", "worker"] {
            let c = file(&out, &format!("demo-{svc}.container"));
            assert_eq!(values(c, "Container", "Image"), ["demo-app-1.image"]);
            assert_eq!(values(c, "Container", "Pull"), Vec::<String>::new());
            assert_eq!(
                outcome(&out, &format!("services.{svc}.pull_policy")),
                &Outcome::Translated
            );
        }
        // short names are qualified as Docker does
        assert_eq!(
            values(file(&out, "demo-redis-7.image"), "Image", "Image"),
            ["docker.io/library/redis:7"]
        );
        // no pull policy: the image is pulled by podman run when missing, no unit
        assert_eq!(
            values(file(&out, "demo-calm.container"), "Container", "Image"),
            ["registry.example:5000/team/app:1"]
        );
        let d = detail(&out, "services.web.pull_policy");
        assert!(
            d.contains("demo-app-1-image.service") && d.contains("shared with worker"),
            "{d}"
        );
        assert!(detail(&out, "services.web.image").contains("demo-app-1.image"));
    }
    // before 4.8: Pull= (4.6) or --pull, and the ledger says why there is no unit
    let out = run(&p, "4.7");
    assert!(image_files(&out).is_empty());
    let c = file(&out, "demo-web.container");
    assert_eq!(values(c, "Container", "Pull"), ["always"]);
    assert_eq!(
        values(c, "Container", "Image"),
        ["registry.example:5000/team/app:1"]
    );
    assert!(detail(&out, "services.web.pull_policy").contains("podman 4.8"));
    let out = run(&p, "4.4");
    assert!(image_files(&out).is_empty());
    assert_eq!(
        values(file(&out, "demo-web.container"), "Container", "PodmanArgs"),
        ["--pull=always"]
    );
}

#[test]
fn platform_goes_to_the_image_unit_where_the_pull_policy_allows() {
    let p = project(vec![
        pulling(
            "arm",
            "localhost/app:1",
            Some("always"),
            Some("linux/arm64/v8"),
        ),
        pulling("amd", "localhost/app:1", None, Some("linux/amd64")),
        pulling("off", "localhost/app:1", Some("never"), Some("linux/amd64")),
        pulling("odd", "localhost/app:1", Some("always"), Some("arm64")),
    ]);
    let out = run(&p, "5.4");
    // always + platform: a unit with OS/Arch/Variant (4.8+); a platform without a pull
    // every start stays --platform before 5.6 (the unit would pull at every start)
    assert_eq!(image_files(&out), ["demo-app-1-linux-arm64-v8.image"]);
    let i = file(&out, "demo-app-1-linux-arm64-v8.image");
    assert_eq!(values(i, "Image", "OS"), ["linux"]);
    assert_eq!(values(i, "Image", "Arch"), ["arm64"]);
    assert_eq!(values(i, "Image", "Variant"), ["v8"]);
    let c = file(&out, "demo-arm.container");
    assert_eq!(
        values(c, "Container", "Image"),
        ["demo-app-1-linux-arm64-v8.image"]
    );
    assert_eq!(
        values(c, "Container", "PodmanArgs"),
        ["--platform=linux/arm64/v8"]
    );
    assert!(detail(&out, "services.arm.platform").contains("Arch=arm64"));
    let amd = file(&out, "demo-amd.container");
    assert_eq!(values(amd, "Container", "Image"), ["localhost/app:1"]);
    assert_eq!(
        values(amd, "Container", "PodmanArgs"),
        ["--platform=linux/amd64"]
    );
    assert!(detail(&out, "services.amd.platform").contains("Policy="));
    // never: nothing to pull
    assert_eq!(
        values(file(&out, "demo-off.container"), "Container", "Pull"),
        ["never"]
    );
    // `odd` has an unsplittable platform: it pulls through podman run, as before
    assert_eq!(
        values(file(&out, "demo-odd.container"), "Container", "Image"),
        ["localhost/app:1"]
    );
    assert_eq!(
        values(file(&out, "demo-odd.container"), "Container", "Pull"),
        ["always"]
    );
    // 5.6: Policy=missing carries the default policy with a platform
    let out = run(&p, "5.6");
    assert_eq!(
        image_files(&out),
        [
            "demo-app-1-linux-amd64-missing.image",
            "demo-app-1-linux-arm64-v8.image"
        ]
    );
    let i = file(&out, "demo-app-1-linux-amd64-missing.image");
    assert_eq!(values(i, "Image", "Policy"), ["missing"]);
    assert_eq!(values(i, "Image", "Variant"), Vec::<String>::new());
    assert_eq!(
        values(file(&out, "demo-amd.container"), "Container", "Image"),
        ["demo-app-1-linux-amd64-missing.image"]
    );
    assert!(
        !file(&out, "demo-off.container").contains(".image"),
        "never must not pull"
    );
}

#[test]
fn newer_uses_the_policy_key_from_5_6_only() {
    // `newer` is podman's (Compose 2.26.1 refuses it); the IR may still carry it.
    let p = project(vec![pulling("web", "localhost/app:1", Some("newer"), None)]);
    let out = run(&p, "5.6");
    assert_eq!(image_files(&out), ["demo-app-1-newer.image"]);
    assert_eq!(
        values(file(&out, "demo-app-1-newer.image"), "Image", "Policy"),
        ["newer"]
    );
    let out = run(&p, "5.5");
    assert!(image_files(&out).is_empty());
    assert_eq!(
        values(file(&out, "demo-web.container"), "Container", "Pull"),
        ["newer"]
    );
    assert!(detail(&out, "services.web.pull_policy").contains("Policy="));
}

#[test]
fn built_images_never_get_an_image_unit() {
    let mut b = pulling("builder", "localhost/mine:1", Some("always"), None);
    b.build = Some(sp(
        Box::new(Build {
            context: sp("/srv/demo/src".into(), 410),
            ..Build::default()
        }),
        410,
    ));
    // another service runs the image the first one builds
    let user = pulling(
        "user",
        "localhost/mine:1",
        Some("always"),
        Some("linux/amd64"),
    );
    let p = project(vec![b, user]);
    for v in ["5.4", "5.8"] {
        let out = run(&p, v);
        assert!(image_files(&out).is_empty(), "{:?}", image_files(&out));
        assert_eq!(
            values(file(&out, "demo-builder.container"), "Container", "Image"),
            ["demo-builder.build"]
        );
        assert!(detail(&out, "services.user.pull_policy").contains("built by a service"));
    }
}

#[test]
fn image_unit_names_are_distinct_and_do_not_collide_with_containers() {
    let p = project(vec![
        pulling("a", "docker.io/library/redis:7", Some("always"), None),
        pulling("b", "quay.io/other/redis:7", Some("always"), None),
        // its container unit is demo-redis-7-image.service
        pulling("redis-7-image", "localhost/x:1", None, None),
        pulling(
            "c",
            "docker.io/library/redis:7",
            Some("always"),
            Some("linux/amd64"),
        ),
    ]);
    let out = run(&p, "5.4");
    let files = image_files(&out);
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(
        !files.contains(&"demo-redis-7.image".to_owned()),
        "{files:?}"
    );
    let mut images: Vec<String> = files
        .iter()
        .map(|f| values(file(&out, f), "Image", "Image").join(" "))
        .collect();
    images.sort();
    assert_eq!(
        images,
        [
            "docker.io/library/redis:7",
            "docker.io/library/redis:7",
            "quay.io/other/redis:7"
        ]
    );
    // each file's base is unique and a container refers to it
    for f in &files {
        assert!(
            out.artifacts
                .iter()
                .any(|a| a.path.to_string_lossy().ends_with(".container")
                    && values(&a.contents, "Container", "Image") == [f.clone()]),
            "{f} unused"
        );
    }
    dryrun(&out, false).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn image_units_work_rootless_and_in_a_pod() {
    let p = project(vec![
        pulling("web", "localhost/app:1", Some("always"), None),
        pulling(
            "arm",
            "localhost/app:1",
            Some("always"),
            Some("linux/arm64"),
        ),
    ]);
    for (user, pod) in [(true, false), (false, true), (true, true)] {
        let out = run_mode(&p, "5.4", user, pod);
        assert_eq!(
            image_files(&out),
            ["demo-app-1-linux-arm64.image", "demo-app-1.image"],
            "user={user} pod={pod}"
        );
        let c = file(&out, "demo-web.container");
        assert_eq!(values(c, "Container", "Image"), ["demo-app-1.image"]);
        if pod {
            assert_eq!(values(c, "Container", "Pod"), ["demo.pod"]);
        }
        let services = dryrun(&out, user).unwrap_or_else(|e| panic!("user={user} pod={pod}: {e}"));
        if services.is_empty() {
            continue; // no quadlet binary (skipped loudly above)
        }
        // quadlet makes the container require the pull and pulls with the platform
        let web = &services[services.find("---demo-web.service---").unwrap()..];
        assert!(web.contains("Requires=demo-app-1-image.service"), "{web}");
        // (quadlet writes the platform options in varying order)
        let pull = exec_start(&services, "demo-app-1-linux-arm64-image.service");
        assert_eq!(pull[..3], ["/usr/bin/podman", "image", "pull"], "{pull:?}");
        assert_eq!(pull.last().map(String::as_str), Some("localhost/app:1"));
        let mut opts: Vec<&[String]> = pull[3..pull.len() - 1].chunks(2).collect();
        opts.sort();
        assert_eq!(opts, [["--arch", "arm64"], ["--os", "linux"]], "{pull:?}");
    }
}

#[test]
fn a_value_an_existing_key_cannot_hold_is_not_reported_as_a_missing_key() {
    let mut s = service("web");
    s.networks.insert(
        "front".into(),
        sp(
            Box::new(ServiceNetwork {
                aliases: vec![sp("two\nlines".into(), 401)],
                ..ServiceNetwork::default()
            }),
            400,
        ),
    );
    let out = run(&project(vec![s]), "5.4");
    let Outcome::Unsupported(why) = outcome(&out, "services.web.networks.front") else {
        panic!("{:?}", outcome(&out, "services.web.networks.front"));
    };
    assert!(why.contains("Network= cannot hold it"), "{why}");
    assert!(!why.contains("needs quadlet key"), "{why}");
    let c = file(&out, "demo-web.container");
    assert!(!c.contains("two\nlines") && !c.contains("two"), "{c}");
}

/// Secret-bearing environment values (issue 19): out of the 0644 unit into a 0600
/// `<project>-<service>.env` referenced by `EnvironmentFile=`; `--inline-env` keeps them.
#[test]
fn secret_environment_values_go_to_a_private_env_file() {
    let mut s = service("db");
    for (k, v) in [
        ("POSTGRES_PASSWORD", Some("s3cr3t-pw")),
        ("API_TOKEN", Some("tok-123456")),
        ("POSTGRES_PASSWORD_FILE", Some("/run/secrets/pw")),
        ("APP_MODE", Some("production")),
        ("EMPTY_TOKEN", Some("")),
        ("PASSED_TOKEN", None),
    ] {
        s.environment.insert(k.into(), sp(v.map(str::to_owned), 5));
    }
    let p = project(vec![s]);
    let out = run(&p, "5.4");
    let unit = file(&out, "demo-db.container");
    assert!(
        !unit.contains("s3cr3t-pw") && !unit.contains("tok-123456"),
        "{unit}"
    );
    assert!(unit.contains("EnvironmentFile=demo-db.env"), "{unit}");
    assert!(unit.contains("Environment=APP_MODE=production"), "{unit}");
    assert!(
        unit.contains("Environment=POSTGRES_PASSWORD_FILE=/run/secrets/pw"),
        "{unit}"
    );
    let env = out
        .artifacts
        .iter()
        .find(|a| a.path.to_str() == Some("demo-db.env"))
        .unwrap();
    assert_eq!(env.mode, 0o600);
    assert!(env.secret);
    assert_eq!(
        env.contents,
        "API_TOKEN=tok-123456\nPOSTGRES_PASSWORD=s3cr3t-pw\n"
    );
    let moved = out
        .ledger
        .entries
        .iter()
        .find(|e| e.key_path == "services.db.environment.API_TOKEN")
        .unwrap();
    assert_eq!(moved.outcome, Outcome::Translated);
    assert!(moved.detail.as_deref().unwrap().contains("demo-db.env"));

    let inline = QuadletTranslator {
        inline_env: true,
        ..QuadletTranslator::default()
    }
    .translate(&p)
    .unwrap();
    let unit = file(&inline, "demo-db.container");
    assert!(
        unit.contains("Environment=POSTGRES_PASSWORD=s3cr3t-pw"),
        "{unit}"
    );
    assert!(
        !inline
            .artifacts
            .iter()
            .any(|a| a.path.to_str() == Some("demo-db.env"))
    );
}
