//! Tier 3: containers from the local busybox image really run under every runtime we
//! target: rootful podman (with a published port answering on 127.0.0.1), rootless podman,
//! containerd (a daemon of our own), dockerd (a daemon of our own), and buildah building a
//! two-stage Dockerfile. Everything started is removed by its own id, even on failure.
#![allow(clippy::print_stderr)]

mod support;

use std::process::Command;

use support::{BUSYBOX_IMAGE, ContainerGuard, ImageGuard};

const TIER: &str = "tier 3";

/// The shell command that serves `token` over HTTP on `port` inside the busybox image.
fn httpd_cmd(token: &str, port: u16) -> String {
    format!("mkdir -p /srv && echo {token} > /srv/index.html && exec httpd -f -p {port} -h /srv")
}

fn assert_serves(port: u16, token: &str, logs: impl Fn() -> String) {
    match support::http_get(port, "/index.html", 30) {
        Ok(resp) => {
            assert!(
                resp.starts_with("HTTP/1.") && resp.contains(" 200 "),
                "not a 200: {resp}"
            );
            assert!(resp.contains(token), "body lacks {token}: {resp}");
        }
        Err(e) => panic!("{e}\n--- container logs\n{}", logs()),
    }
}

#[test]
fn rootful_podman_publishes_a_port_on_loopback() {
    if !support::require_live(TIER) {
        return;
    }
    let Some(podman) = support::require_tool(TIER, "podman") else {
        return;
    };
    if !support::require_busybox_image(TIER) {
        return;
    }
    let name = support::unique_name("ts-t3-rootful");
    let token = support::unique_name("rootful-token");
    let port = support::free_port();
    let id = support::run_ok(
        Command::new(&podman)
            .args(["run", "-d", "--name", &name, "-p"])
            .arg(format!("127.0.0.1:{port}:80"))
            .args([BUSYBOX_IMAGE, "sh", "-c", &httpd_cmd(&token, 80)]),
        120,
    )
    .expect("podman run -d");
    let c = ContainerGuard::new(&["podman"], id.trim());
    assert_serves(port, &token, || {
        support::run_ok(Command::new(&podman).args(["logs", c.id()]), 30).unwrap_or_else(|e| e)
    });
    let ps = support::run_ok(
        Command::new(&podman).args(["ps", "--filter", &format!("id={}", c.id()), "-q"]),
        30,
    )
    .expect("podman ps");
    assert!(!ps.trim().is_empty(), "podman ps does not list {}", c.id());
}

#[test]
fn rootless_podman_runs_as_the_test_user() {
    if !support::require_live(TIER) {
        return;
    }
    if support::require_tool(TIER, "podman").is_none()
        || support::require_tool(TIER, "runuser").is_none()
    {
        return;
    }
    let Some(archive) = support::require_archive(TIER, "busybox.tar") else {
        return;
    };
    let rl = support::RootlessPodman::new().expect("prepare rootless podman");
    support::run_ok(
        rl.podman().arg("load").arg("-q").arg("-i").arg(&archive),
        180,
    )
    .expect("podman load into the rootless user's storage");

    // The container's root is the rootless user, mapped: `id -u` inside is 0, and the
    // process on the host runs as the user's uid.
    let inside = support::run_ok(
        rl.podman().args(["run", "--rm", BUSYBOX_IMAGE, "id", "-u"]),
        120,
    )
    .expect("rootless podman run");
    assert_eq!(inside.trim(), "0");
    let map = support::run_ok(
        rl.podman()
            .args(["run", "--rm", BUSYBOX_IMAGE, "cat", "/proc/self/uid_map"]),
        120,
    )
    .expect("rootless uid_map");
    let first: Vec<&str> = map.split_whitespace().take(3).collect();
    assert_eq!(
        first,
        vec!["0", &rl.uid().to_string(), "1"],
        "container root should map to the rootless user's uid: {map}"
    );

    // A published (unprivileged) port, through slirp4netns / rootlessport.
    let token = support::unique_name("rootless-token");
    let port = support::free_port();
    let id = support::run_ok(
        rl.podman()
            .args(["run", "-d", "-p"])
            .arg(format!("127.0.0.1:{port}:8080"))
            .args([BUSYBOX_IMAGE, "sh", "-c", &httpd_cmd(&token, 8080)]),
        120,
    )
    .expect("rootless podman run -d");
    let id = id.trim().to_owned();
    assert_serves(port, &token, || {
        support::run_ok(rl.podman().args(["logs", &id]), 30).unwrap_or_else(|e| e)
    });
    support::run_ok(rl.podman().args(["rm", "-f", "-t", "0", &id]), 60)
        .expect("rootless podman rm");
    // `rl` drops here: any leftover container, the pause process and the storage go.
}

#[test]
fn containerd_runs_a_task_from_the_oci_archive() {
    if !support::require_live(TIER) {
        return;
    }
    if support::require_tool(TIER, "containerd").is_none()
        || support::require_tool(TIER, "ctr").is_none()
        || support::require_tool(TIER, "runc").is_none()
    {
        return;
    }
    let Some(archive) = support::require_archive(TIER, "busybox-oci.tar") else {
        return;
    };
    let ctrd = support::Containerd::start().expect("start our own containerd");
    let imported = support::run_ok(ctrd.ctr().args(["images", "import"]).arg(&archive), 120)
        .expect("ctr images import");
    let images =
        support::run_ok(ctrd.ctr().args(["images", "list", "-q"]), 30).expect("ctr images list");
    assert!(
        images.lines().any(|l| l.trim() == BUSYBOX_IMAGE),
        "{BUSYBOX_IMAGE} not among the imported images: {images} (import said: {imported})"
    );
    let task = support::unique_name("ts-t3-task");
    let token = support::unique_name("containerd-token");
    let out = support::run_ok(
        ctrd.ctr().args([
            "run",
            "--rm",
            BUSYBOX_IMAGE,
            &task,
            "sh",
            "-c",
            &format!("echo {token}; id -u"),
        ]),
        120,
    )
    .unwrap_or_else(|e| panic!("ctr run: {e}\n--- containerd log\n{}", ctrd.log()));
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    assert_eq!(lines, vec![token.as_str(), "0"], "task output: {out}");
    let left = support::run_ok(ctrd.ctr().args(["containers", "list", "-q"]), 30)
        .expect("ctr containers list");
    assert!(
        left.trim().is_empty(),
        "ctr run --rm left containers: {left}"
    );
    // `ctrd` drops here: daemon stopped by its pid, files removed.
}

#[test]
fn dockerd_runs_a_container_from_the_docker_archive() {
    if !support::require_live(TIER) {
        return;
    }
    if support::require_tool(TIER, "dockerd").is_none()
        || support::require_tool(TIER, "docker").is_none()
    {
        return;
    }
    let Some(archive) = support::require_archive(TIER, "busybox.tar") else {
        return;
    };
    let dockerd = support::Dockerd::start().expect("start our own dockerd");
    let loaded = support::run_ok(dockerd.docker().arg("load").arg("-i").arg(&archive), 120)
        .unwrap_or_else(|e| panic!("docker load: {e}\n--- dockerd log\n{}", dockerd.log()));
    assert!(loaded.contains(BUSYBOX_IMAGE), "docker load said: {loaded}");
    let name = support::unique_name("ts-t3-docker");
    let token = support::unique_name("docker-token");
    // run detached, then wait and read logs, so the container is ours to remove by id
    let id = support::run_ok(
        dockerd.docker().args([
            "run",
            "-d",
            "--network",
            "none",
            "--name",
            &name,
            BUSYBOX_IMAGE,
            "sh",
            "-c",
            &format!("echo {token}; cat /etc/passwd | head -n 1"),
        ]),
        120,
    )
    .unwrap_or_else(|e| panic!("docker run: {e}\n--- dockerd log\n{}", dockerd.log()));
    let host = dockerd.host_arg();
    let cli = support::Dockerd::cli_path();
    let cli = cli.to_string_lossy().into_owned();
    let c = ContainerGuard::new(&[cli.as_str(), "-H", host.as_str()], id.trim());
    let code = support::run_ok(dockerd.docker().args(["wait", c.id()]), 60).expect("docker wait");
    assert_eq!(code.trim(), "0", "container exit code");
    let logs = support::run_ok(dockerd.docker().args(["logs", c.id()]), 30).expect("docker logs");
    let lines: Vec<&str> = logs.lines().map(str::trim).collect();
    assert_eq!(
        lines,
        vec![token.as_str(), "root:x:0:0:root:/root:/bin/sh"],
        "container output: {logs}"
    );
    drop(c);
    // `dockerd` drops here: daemon stopped by its pid (it stops its own containerd).
}

#[test]
fn buildah_builds_a_two_stage_dockerfile_that_runs() {
    if !support::require_live(TIER) {
        return;
    }
    let Some(buildah) = support::require_tool(TIER, "buildah") else {
        return;
    };
    let Some(podman) = support::require_tool(TIER, "podman") else {
        return;
    };
    if !support::require_busybox_image(TIER) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let token = support::unique_name("buildah-token");
    std::fs::write(dir.path().join("greeting.txt"), format!("{token}\n")).expect("context file");
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {BUSYBOX_IMAGE} AS build\n\
             COPY greeting.txt /src/greeting.txt\n\
             RUN mkdir -p /out && tr a-z A-Z < /src/greeting.txt > /out/msg\n\
             \n\
             FROM {BUSYBOX_IMAGE}\n\
             COPY --from=build /out/msg /msg\n\
             CMD [\"cat\", \"/msg\"]\n"
        ),
    )
    .expect("Dockerfile");
    let tag = format!("localhost/{}:1", support::unique_name("ts-t3-build"));
    let iidfile = dir.path().join("iid");
    let built = support::run_with_timeout(
        Command::new(&buildah)
            .args([
                "bud",
                "--pull=never",
                "--layers=false",
                "-t",
                &tag,
                "--iidfile",
            ])
            .arg(&iidfile)
            .arg(dir.path()),
        300,
    );
    let iid = std::fs::read_to_string(&iidfile).unwrap_or_default();
    let _image = ImageGuard::new(&["podman"], if iid.is_empty() { tag.clone() } else { iid });
    assert!(
        built.status.success(),
        "{}",
        support::describe_failure("buildah bud", &built)
    );
    let name = support::unique_name("ts-t3-built");
    let id = support::run_ok(
        Command::new(&podman).args(["create", "--name", &name, &tag]),
        60,
    )
    .expect("podman create from the built image");
    let c = ContainerGuard::new(&["podman"], id.trim());
    let out = support::run_ok(Command::new(&podman).args(["start", "-a", c.id()]), 60)
        .expect("run the built image");
    assert_eq!(
        out.trim(),
        token.to_uppercase(),
        "the second stage's output"
    );
    // the build stage's tools are not in the final image's history of files
    let has_src = support::run_with_timeout(
        Command::new(&podman).args(["run", "--rm", &tag, "test", "-e", "/src/greeting.txt"]),
        60,
    );
    assert!(
        !has_src.status.success(),
        "/src/greeting.txt of the build stage leaked into the final image"
    );
}
