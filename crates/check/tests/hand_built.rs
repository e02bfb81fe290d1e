//! Rules over hand-built IR projects (no loader): cases the loader cannot produce today, such
//! as a short-syntax bind mount with podman's `:U` option (docker-compose accepts and ignores
//! it; our loader rejects it for now).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use transship_check::{CheckOptions, Context, HostFacts, Selection, Sources};
use transship_ir::{
    BindOptions, FileId, Project, Service, ServiceVolume, SourceFile, SourceKind, Span, Spanned,
    VolumeType,
};

fn project(volume_text: &str, userns: Option<&str>) -> (Project, Sources) {
    let text = format!(
        "services:\n  app:\n    image: localhost/app:1\n    user: \"1000\"\n    volumes:\n      - {volume_text}\n"
    );
    let f = FileId(0);
    let mut svc = Service {
        name: "app".into(),
        span: Span::new(f, 2, 3),
        user: Some(Spanned::new("1000".into(), Span::new(f, 4, 11))),
        userns_mode: userns.map(|u| Spanned::new(u.to_owned(), Span::new(f, 4, 11))),
        ..Service::default()
    };
    svc.volumes.push(Spanned::new(
        ServiceVolume {
            kind: VolumeType::Bind,
            source: Some("/srv/app/data".into()),
            target: "/data".into(),
            bind: Some(BindOptions::default()),
            ..ServiceVolume::default()
        },
        Span::new(f, 6, 9),
    ));
    let mut p = Project {
        files: vec![SourceFile {
            path: PathBuf::from("/srv/app/compose.yaml"),
            kind: SourceKind::Compose,
        }],
        ..Project::default()
    };
    p.services.insert("app".into(), Box::new(svc));
    (p, Sources::from_texts(vec![Some(text)]))
}

fn rl010(volume_text: &str, userns: Option<&str>, facts: Option<&HostFacts>) -> usize {
    let (p, sources) = project(volume_text, userns);
    let options = CheckOptions {
        rootless: true,
        ..CheckOptions::default()
    };
    let ctx = Context {
        project: &p,
        host: facts,
        options: &options,
        sources: &sources,
        ledger: None,
    };
    let sel = Selection {
        select: vec!["RL010".into()],
        ignore: vec![],
    };
    transship_check::run(&ctx, &sel).len()
}

#[test]
fn bind_mount_rule_honours_u_and_keep_id_mappings() {
    let facts =
        HostFacts::from_json(r#"{"user": {"name": "rl", "uid": 1001, "gid": 1001}}"#).unwrap();
    let f = Some(&facts);
    assert_eq!(rl010("./data:/data", None, f), 1);
    assert_eq!(rl010("./data:/data:U", None, f), 0);
    assert_eq!(rl010("\"./data:/data:z,U\"", None, f), 0);
    assert_eq!(rl010("./data:/data:z", None, f), 1);
    // keep-id helps only when it maps the host user to the service's UID.
    assert_eq!(
        rl010("./data:/data", Some("keep-id:uid=1000,gid=1000"), f),
        0
    );
    assert_eq!(rl010("./data:/data", Some("keep-id:uid=33,gid=33"), f), 1);
    assert_eq!(rl010("./data:/data", Some("keep-id"), f), 1); // host uid 1001 != 1000
}
