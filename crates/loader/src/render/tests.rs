//! Rendering hand-built IR values. The end-to-end comparison with docker-compose itself is
//! in tests/tier2_loader.rs (and, pinned, in crates/loader/tests/config_expected.rs).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::json;
use transship_ir::*;

use super::{compose_json, compose_yaml};

fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::new(FileId(0), 1, 1))
}

fn project(services: Vec<Service>) -> Project {
    let mut p = Project {
        name: sp("demo".to_owned()),
        working_dir: PathBuf::from("/srv/demo"),
        ..Project::default()
    };
    p.networks.insert(
        "default".to_owned(),
        Network {
            name: sp("demo_default".to_owned()),
            implicit: true,
            ..Network::default()
        },
    );
    for mut s in services {
        if s.networks.is_empty() && s.network_mode.is_none() {
            s.networks
                .insert("default".to_owned(), sp(Box::<ServiceNetwork>::default()));
        }
        p.services.insert(s.name.clone(), Box::new(s));
    }
    p
}

fn service(name: &str) -> Service {
    Service {
        name: name.to_owned(),
        image: Some(sp("localhost/app:1".to_owned())),
        ..Service::default()
    }
}

#[test]
fn minimal_service_prints_like_docker_compose() {
    let p = project(vec![service("app")]);
    assert_eq!(
        compose_json(&p),
        json!({
            "name": "demo",
            "networks": {"default": {"name": "demo_default", "ipam": {}}},
            "services": {"app": {
                "command": null,
                "entrypoint": null,
                "image": "localhost/app:1",
                "networks": {"default": null}
            }}
        })
    );
    assert_eq!(
        compose_yaml(&p),
        "name: demo
services:
  app:
    image: localhost/app:1
    networks:
      default: null
networks:
  default:
    name: demo_default
"
    );
}

#[test]
fn units_ports_and_commands() {
    let mut s = service("web");
    s.command = Some(sp(vec!["sh".into(), "-c".into(), "echo $HOME".into()]));
    s.entrypoint = Some(sp(vec![]));
    s.mem_limit = Some(sp(ByteSize(1 << 30)));
    s.stop_grace_period = Some(sp(Duration(90_000_000_000)));
    s.healthcheck = Some(sp(Healthcheck {
        test: Some(sp(HealthTest::CmdShell("curl -f x".into()))),
        interval: Some(sp(Duration(3_600_000_000_000))),
        timeout: Some(sp(Duration(1_500_000_000))),
        retries: Some(sp(3)),
        ..Healthcheck::default()
    }));
    s.ports = vec![
        sp(Port {
            target: 80,
            published: Some("8080".into()),
            ..Port::default()
        }),
        sp(Port {
            target: 53,
            host_ip: Some("::1".into()),
            protocol: Protocol::Udp,
            ..Port::default()
        }),
    ];
    s.cpus = Some(sp(2.0));
    s.restart = Some(sp(RestartPolicy::OnFailure(Some(3))));
    let out = compose_json(&project(vec![s]));
    let web = &out["services"]["web"];
    assert_eq!(web["command"], json!(["sh", "-c", "echo $$HOME"]));
    assert_eq!(web["entrypoint"], json!([]));
    assert_eq!(web["mem_limit"], "1073741824");
    assert_eq!(web["stop_grace_period"], "1m30s");
    assert_eq!(
        web["healthcheck"],
        json!({"test": ["CMD-SHELL", "curl -f x"], "timeout": "1.5s", "interval": "1h0m0s", "retries": 3})
    );
    assert_eq!(
        web["ports"],
        json!([
            {"mode": "ingress", "target": 80, "published": "8080", "protocol": "tcp"},
            {"mode": "ingress", "host_ip": "::1", "target": 53, "protocol": "udp"}
        ])
    );
    // A whole float prints as an integer, like Go does.
    assert_eq!(web["cpus"], json!(2));
    assert_eq!(web["restart"], "on-failure:3");
}

#[test]
fn every_dollar_is_escaped_in_keys_and_values() {
    let mut s = service("app");
    s.labels.insert("k$ey".into(), sp("v$".into()));
    s.environment.insert("A".into(), sp(Some("${not}".into())));
    s.environment.insert("B".into(), sp(None));
    let mut p = project(vec![s]);
    p.extensions
        .insert("x-top$".into(), sp(Value::String("$x".into())));
    let out = compose_json(&p);
    assert_eq!(out["services"]["app"]["labels"], json!({"k$$ey": "v$$"}));
    assert_eq!(
        out["services"]["app"]["environment"],
        json!({"A": "$${not}", "B": null})
    );
    assert_eq!(out["x-top$$"], "$$x");
}

#[test]
fn resources_no_active_service_uses_are_dropped() {
    let mut s = service("app");
    s.volumes = vec![sp(ServiceVolume {
        kind: VolumeType::Volume,
        source: Some("data".into()),
        target: "/data".into(),
        volume: Some(VolumeOptions::default()),
        ..ServiceVolume::default()
    })];
    s.secrets = vec![sp(FileRef {
        source: "used".into(),
        target: Some("/run/secrets/used".into()),
        ..FileRef::default()
    })];
    let mut p = project(vec![s]);
    for key in ["data", "unused"] {
        p.volumes.insert(
            key.into(),
            Volume {
                name: sp(format!("demo_{key}")),
                ..Volume::default()
            },
        );
    }
    for key in ["used", "spare"] {
        p.secrets.insert(
            key.into(),
            Secret {
                name: sp(format!("demo_{key}")),
                file: Some(sp(PathBuf::from(format!("/srv/demo/{key}.txt")))),
                ..Secret::default()
            },
        );
    }
    p.networks.insert(
        "lonely".into(),
        Network {
            name: sp("demo_lonely".into()),
            ..Network::default()
        },
    );
    let out = compose_json(&p);
    assert_eq!(out["volumes"], json!({"data": {"name": "demo_data"}}));
    assert_eq!(
        out["secrets"],
        json!({"used": {"name": "demo_used", "file": "/srv/demo/used.txt"}})
    );
    assert!(out["networks"].get("lonely").is_none(), "{out:#}");
    assert_eq!(
        out["services"]["app"]["volumes"],
        json!([{"type": "volume", "source": "data", "target": "/data", "volume": {}}])
    );
}

#[test]
fn deploy_prints_empty_resources_and_placement_in_json_only() {
    let mut s = service("app");
    s.deploy = Some(sp(Box::new(Deploy {
        replicas: Some(sp(2)),
        ..Deploy::default()
    })));
    let p = project(vec![s]);
    assert_eq!(
        compose_json(&p)["services"]["app"]["deploy"],
        json!({"replicas": 2, "resources": {}, "placement": {}})
    );
    assert!(compose_yaml(&p).contains("    deploy:\n      replicas: 2\n    image:"));
}

#[test]
fn ulimits_blkio_and_extensions_differ_between_formats() {
    let mut s = service("app");
    let mut ulimits = BTreeMap::new();
    let limit = |soft, hard, single| sp(Ulimit { soft, hard, single });
    ulimits.insert("nproc".into(), limit(10, 10, true));
    ulimits.insert("nofile".into(), limit(1, 2, false));
    ulimits.insert("core".into(), limit(0, 0, true));
    // A pair of equal halves stays a pair, as written.
    ulimits.insert("memlock".into(), limit(-1, -1, false));
    s.ulimits = ulimits;
    s.blkio_config = Some(sp(BlkioConfig {
        weight_device: vec![sp(WeightDevice {
            path: "/dev/sda".into(),
            weight: 400,
        })],
        ..BlkioConfig::default()
    }));
    s.extensions.insert("x-meta".into(), sp(Value::Int(1)));
    let p = project(vec![s]);
    let json = compose_json(&p);
    let app = &json["services"]["app"];
    assert_eq!(
        app["ulimits"],
        json!({
            "core": {},
            "memlock": {"soft": -1, "hard": -1},
            "nofile": {"soft": 1, "hard": 2},
            "nproc": 10
        })
    );
    assert_eq!(
        app["blkio_config"],
        json!({"weight_device": [{"Path": "/dev/sda", "Weight": 400}]})
    );
    assert!(app.get("x-meta").is_none());
    let yaml = compose_yaml(&p);
    assert!(
        yaml.contains("      core:\n        soft: 0\n        hard: 0\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("        - path: /dev/sda\n          weight: 400\n"),
        "{yaml}"
    );
    assert!(yaml.contains("    x-meta: 1\n"), "{yaml}");
}

#[test]
fn service_network_options_and_named_networks() {
    let mut s = service("app");
    s.networks.insert(
        "front".into(),
        sp(Box::new(ServiceNetwork {
            aliases: vec![sp("api".into())],
            ipv4_address: Some(sp("10.0.0.2".into())),
            ..ServiceNetwork::default()
        })),
    );
    s.networks
        .insert("back".into(), sp(Box::<ServiceNetwork>::default()));
    let mut p = project(vec![s]);
    p.networks.remove("default");
    p.networks.insert(
        "front".into(),
        Network {
            name: sp("demo_front".into()),
            internal: Some(sp(true)),
            attachable: Some(sp(false)),
            ..Network::default()
        },
    );
    p.networks.insert(
        "back".into(),
        Network {
            name: sp("shared".into()),
            external: Some(sp(true)),
            ..Network::default()
        },
    );
    let out = compose_json(&p);
    assert_eq!(
        out["services"]["app"]["networks"],
        json!({"back": null, "front": {"aliases": ["api"], "ipv4_address": "10.0.0.2"}})
    );
    assert_eq!(
        out["networks"],
        json!({
            "back": {"name": "shared", "ipam": {}, "external": true},
            "front": {"name": "demo_front", "ipam": {}, "internal": true}
        })
    );
}

#[test]
fn configs_default_target_is_left_out_secrets_default_target_is_printed() {
    let mut s = service("app");
    s.configs = vec![
        sp(FileRef {
            source: "conf".into(),
            target: Some("/conf".into()),
            ..FileRef::default()
        }),
        sp(FileRef {
            source: "other".into(),
            target: Some("/etc/other".into()),
            mode: Some(0o440),
            ..FileRef::default()
        }),
    ];
    s.secrets = vec![sp(FileRef {
        source: "pw".into(),
        target: Some("/run/secrets/pw".into()),
        ..FileRef::default()
    })];
    let out = compose_json(&project(vec![s]));
    assert_eq!(
        out["services"]["app"]["configs"],
        json!([{"source": "conf"}, {"source": "other", "target": "/etc/other", "mode": 288}])
    );
    assert_eq!(
        out["services"]["app"]["secrets"],
        json!([{"source": "pw", "target": "/run/secrets/pw"}])
    );
}

#[test]
fn develop_watch_paths_become_absolute() {
    let mut s = service("app");
    s.develop = Some(sp(Value::Map(vec![(
        "watch".into(),
        Value::Seq(vec![Value::Map(vec![
            ("path".into(), Value::String("./src".into())),
            ("action".into(), Value::String("sync".into())),
            (
                "ignore".into(),
                Value::Seq(vec![Value::String("x/".into())]),
            ),
        ])]),
    )])));
    let out = compose_json(&project(vec![s]));
    assert_eq!(
        out["services"]["app"]["develop"],
        json!({"watch": [{"path": "/srv/demo/src", "action": "sync", "exec": {"command": null}, "ignore": ["x/"]}]})
    );
}

#[test]
fn json_text_uses_go_escapes_and_sorted_top_level_keys() {
    let mut s = service("app");
    s.command = Some(sp(vec!["a && b <c> \u{2028}".into()]));
    let text = super::compose_json_text(&project(vec![s]));
    assert!(
        text.contains(r#""a \u0026\u0026 b \u003cc\u003e \u2028""#),
        "{text}"
    );
    let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(back["services"]["app"]["command"][0], "a && b <c> \u{2028}");
    let keys: Vec<&String> = back.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["name", "networks", "services"]);
    assert!(text.ends_with("}\n"));
}

#[test]
fn float32_fields_print_with_float32_precision() {
    let mut s = service("app");
    s.cpus = Some(sp(1.234_567_89));
    s.cpu_percent = Some(sp(0.1));
    let out = compose_json(&project(vec![s]));
    assert_eq!(out["services"]["app"]["cpus"], json!(1.2345679));
    assert_eq!(out["services"]["app"]["cpu_percent"], json!(0.1));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// `text` read back with the loader's own YAML reader (yaml.v3 rules).
    fn read_back(text: &str) -> Result<serde_json::Value, TestCaseError> {
        let docs = crate::yaml::parse(
            text,
            FileId(0),
            std::path::Path::new("out.yaml"),
            &crate::yaml::Limits::default(),
        )
        .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        Ok(crate::yaml::to_json(&docs[0]))
    }

    fn escaped(s: &str) -> String {
        s.replace('$', "$$")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text in keys and values comes out with every `$` doubled and nothing else
        /// changed (JSON), and the YAML document reads back to the same strings.
        #[test]
        fn arbitrary_text_survives_both_formats(
            key in "[a-zA-Z0-9_.$-]{1,12}",
            value in any::<String>(),
            word in "\\PC{0,16}",
        ) {
            let mut s = service("app");
            s.labels.insert(key.clone(), sp(value.clone()));
            s.environment.insert(key.clone(), sp(Some(value.clone())));
            s.command = Some(sp(vec![word.clone(), value.clone()]));
            s.image = Some(sp(word.clone()));
            let p = project(vec![s]);

            let json = compose_json(&p);
            let app = &json["services"]["app"];
            prop_assert_eq!(&app["labels"][escaped(&key)], &json!(escaped(&value)));
            prop_assert_eq!(&app["environment"][escaped(&key)], &json!(escaped(&value)));
            prop_assert_eq!(&app["command"], &json!([escaped(&word), escaped(&value)]));

            let text = compose_yaml(&p);
            let back = read_back(&text)?;
            let app = &back["services"]["app"];
            prop_assert_eq!(&app["labels"][escaped(&key)], &json!(escaped(&value)));
            prop_assert_eq!(&app["command"], &json!([escaped(&word), escaped(&value)]));
            // An empty image is not printed (Go's omitempty).
            let image = if word.is_empty() { json!(null) } else { json!(escaped(&word)) };
            prop_assert_eq!(&app["image"], &image);
        }

        /// The YAML writer's scalars read back as the same strings under the rules docker
        /// compose reads with (yaml.v3: YAML 1.1 booleans, base-60 numbers), as keys and
        /// values, in mappings and sequences (its own tests read back with saphyr, YAML 1.2).
        #[test]
        fn written_strings_read_back_with_the_loaders_reader(
            entries in prop::collection::vec(
                (any::<String>(), prop_oneof![any::<String>(), "[a-zA-Z0-9 :#.~+_-]{0,8}"]),
                0..6,
            ),
        ) {
            let map: serde_json::Map<String, serde_json::Value> =
                entries.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            let values: Vec<serde_json::Value> = entries.iter().map(|(_, v)| json!(v)).collect();
            let doc = json!({"map": map, "list": values});
            let text = transship_translate::yaml::emit(&doc);
            prop_assert_eq!(read_back(&text)?, doc, "{}", text);
        }
    }
}
