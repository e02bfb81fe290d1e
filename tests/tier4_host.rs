//! Tier 4: a real target host — Debian 13 with systemd as PID 1 and podman 5.4.2 with
//! quadlet, in a privileged container — boots; a hand-written quadlet `.container` installed
//! into `/etc/containers/systemd/` starts under systemd, and the host is removed afterwards
//! (by its own id, even on failure).
#![allow(clippy::print_stderr)]

mod support;

use support::{BUSYBOX_IMAGE, TargetHost};

const TIER: &str = "tier 4";

fn must(host: &TargetHost, argv: &[&str]) -> String {
    host.exec_ok(argv).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_quadlet_container_starts_under_systemd_on_the_target_host() {
    if !support::require_live(TIER) {
        return;
    }
    if support::require_tool(TIER, "podman").is_none() {
        return;
    }
    let Some(busybox) = support::require_archive(TIER, "busybox.tar") else {
        return;
    };
    if support::require_archive(TIER, "target-host.tar").is_none() {
        return;
    }
    let host = TargetHost::start("tier4").expect("boot the target host");

    // the host is what we claim: systemd as PID 1, podman 5.4.x
    let comm = must(&host, &["cat", "/proc/1/comm"]);
    assert_eq!(comm.trim(), "systemd");
    let version = must(
        &host,
        &["podman", "version", "--format", "{{.Client.Version}}"],
    );
    assert!(
        version.trim().starts_with("5.4."),
        "podman in the host: {version}"
    );

    host.load_image_archive(&busybox)
        .expect("load the busybox archive into the host");
    must(&host, &["podman", "image", "exists", BUSYBOX_IMAGE]);

    let token = support::unique_name("tier4-token");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("t4web.container"),
        format!(
            "[Unit]\n\
             Description=transship tier 4 web\n\
             \n\
             [Container]\n\
             Image={BUSYBOX_IMAGE}\n\
             ContainerName=t4web\n\
             Network=t4.network\n\
             PublishPort=127.0.0.1:18080:8080\n\
             Exec=sh -c 'mkdir -p /srv && echo {token} > /srv/index.html && exec httpd -f -p 8080 -h /srv'\n\
             \n\
             [Install]\n\
             WantedBy=multi-user.target\n"
        ),
    )
    .expect("write t4web.container");
    std::fs::write(
        dir.path().join("t4.network"),
        "[Network]\nSubnet=10.89.44.0/24\n",
    )
    .expect("write t4.network");
    host.install_quadlets(dir.path())
        .expect("install the quadlet files and daemon-reload");
    // quadlet's generator ran: the unit exists
    let cat = must(&host, &["systemctl", "cat", "t4web.service"]);
    assert!(cat.contains("ExecStart=/usr/bin/podman run"), "{cat}");

    let started = host.systemctl(&["start", "t4web.service"]);
    assert!(
        started.status.success(),
        "{}\n--- journal\n{}",
        support::describe_failure("systemctl start t4web.service", &started),
        host.journal("t4web.service")
    );
    let active = host.exec(&["systemctl", "is-active", "t4web.service"]);
    assert_eq!(
        String::from_utf8_lossy(&active.stdout).trim(),
        "active",
        "journal:\n{}",
        host.journal("t4web.service")
    );
    let ps = must(
        &host,
        &["podman", "ps", "--format", "{{.Names}} {{.Networks}}"],
    );
    assert!(
        ps.lines()
            .any(|l| l.starts_with("t4web ") && l.contains("systemd-t4")),
        "podman ps in the host: {ps}"
    );

    // the published port answers inside the host (bash's /dev/tcp: no curl in minbase)
    let mut body = String::new();
    for _ in 0..40 {
        let out = host.exec(&[
            "bash",
            "-c",
            "exec 3<>/dev/tcp/127.0.0.1/18080 && printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3",
        ]);
        body = String::from_utf8_lossy(&out.stdout).into_owned();
        if body.contains(&token) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert!(
        body.contains(&token),
        "no {token} from 127.0.0.1:18080 in the host: {body:?}"
    );

    // stopping the unit removes the container
    must(&host, &["systemctl", "stop", "t4web.service"]);
    let ps = must(&host, &["podman", "ps", "-a", "--format", "{{.Names}}"]);
    assert!(
        !ps.lines().any(|l| l == "t4web"),
        "still there after stop: {ps}"
    );
    // `host` drops here: podman rm -f by its id
}
