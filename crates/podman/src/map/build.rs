//! `build:` as `podman build` options (written by a target as a `.build` unit, an
//! `ExecStartPre=podman build`, or a build script).

use transship_ir::{Build, Spanned};

use super::{Rule, Step, Steps};
use crate::names;
use crate::opt::{BuildOpt, Opt};

pub(super) fn build(st: &mut Steps<'_, '_>, b: &Spanned<Box<Build>>) {
    let Build {
        context,
        dockerfile,
        dockerfile_inline,
        args,
        ssh,
        labels,
        cache_from,
        cache_to,
        no_cache,
        additional_contexts,
        network,
        provenance,
        sbom,
        pull,
        target,
        shm_size,
        extra_hosts,
        isolation,
        privileged,
        secrets,
        tags,
        ulimits,
        platforms,
        entitlements,
        extensions,
    } = &*b.value;
    let bp = st.path(".build");
    let image = names::built_image(st.project(), st.s);
    let ctx_dir = context.value.clone();
    st.out.push(Step::BeginBuild {
        image,
        context: ctx_dir.clone(),
    });
    let is_url = ctx_dir.contains("://") || ctx_dir.starts_with("git@");
    st.ok(
        names::cat([&bp, ".context"]),
        context.span,
        format!("build context {ctx_dir}"),
    );
    let opt = |st: &mut Steps<'_, '_>, path: String, span, o: BuildOpt| {
        st.spelled(path, span, Opt::Build(o));
    };
    if let Some(df) = dockerfile.as_ref().filter(|d| d.value.is_empty()) {
        // `dockerfile: ""` is Compose's default: the context's Dockerfile, as podman builds.
        st.ok(
            names::cat([&bp, ".dockerfile"]),
            df.span,
            "empty: the context's own Dockerfile is built",
        );
    } else if let Some(df) = dockerfile {
        let file = if df.value.starts_with('/') || is_url {
            df.value.clone()
        } else {
            format!("{}/{}", ctx_dir.trim_end_matches('/'), df.value)
        };
        opt(
            st,
            names::cat([&bp, ".dockerfile"]),
            df.span,
            BuildOpt::File(file),
        );
    }
    if let Some(x) = dockerfile_inline {
        st.unsup(
            names::cat([&bp, ".dockerfile_inline"]),
            x.span,
            "an inline Dockerfile is not written out; put it in a file and use `dockerfile`",
        );
    }
    let mut moved = String::new();
    let env_file = names::cat([&names::service_base(st.m.project, &st.s.name), "-build.env"]);
    for (k, val) in args {
        let path = names::cat([&bp, ".args.", k]);
        match &val.value {
            Some(x)
                if !st.m.options.inline_env
                    && super::env::is_secret_bearing(st, k, x, val.span)
                    && super::env::fits_env_file(x) =>
            {
                // Name only: podman reads the value from the environment of the unit that
                // runs the build, which reads it from a 0600 file.
                moved.push_str(&names::cat([k, "=", x, "\n"]));
                st.out.push(Step::Decide(super::Decision {
                    path,
                    span: val.span,
                    opt: Some(Opt::Build(BuildOpt::Arg(k.clone()))),
                    rule: Rule::Spelled,
                    suffix: format!(
                        " (the value is in {env_file}, mode 0600, read by systemd when the build starts: in no unit)"
                    ),
                }));
            }
            Some(x) => opt(st, path, val.span, BuildOpt::Arg(format!("{k}={x}"))),
            None => opt(st, path, val.span, BuildOpt::Arg(k.clone())),
        }
    }
    if !moved.is_empty() {
        st.out.push(Step::File(super::SideFile {
            path: env_file.clone(),
            contents: moved,
            mode: 0o600,
            secret: true,
        }));
        st.out.push(Step::BuildEnvironmentFile(env_file));
    }
    for (i, x) in ssh.iter().enumerate() {
        opt(
            st,
            names::key_at([&bp, ".ssh"], i),
            x.span,
            BuildOpt::Ssh(x.value.clone()),
        );
    }
    for (k, x) in labels {
        let label = BuildOpt::Label(format!("{k}={}", x.value));
        opt(st, names::cat([&bp, ".labels.", k]), x.span, label);
    }
    for (i, x) in cache_from.iter().enumerate() {
        let o = BuildOpt::CacheFrom(x.value.clone());
        opt(st, names::key_at([&bp, ".cache_from"], i), x.span, o);
    }
    for (i, x) in cache_to.iter().enumerate() {
        st.unsup(names::key_at([&bp, ".cache_to"], i), x.span, format!("BuildKit cache export {:?} has no podman equivalent (podman's --cache-to takes a repository)", x.value));
    }
    if let Some(x) = no_cache {
        opt(
            st,
            names::cat([&bp, ".no_cache"]),
            x.span,
            BuildOpt::NoCache(x.value),
        );
    }
    for (k, x) in additional_contexts {
        let o = BuildOpt::Context(format!("{k}={}", x.value));
        opt(st, names::cat([&bp, ".additional_contexts.", k]), x.span, o);
    }
    if let Some(x) = network {
        opt(
            st,
            names::cat([&bp, ".network"]),
            x.span,
            BuildOpt::Network(x.value.clone()),
        );
    }
    for (key, x) in [("provenance", provenance), ("sbom", sbom)] {
        if let Some(x) = x {
            st.unsup(
                names::cat([&bp, ".", key]),
                x.span,
                "BuildKit attestations are not produced by podman build",
            );
        }
    }
    if let Some(x) = pull {
        opt(
            st,
            names::cat([&bp, ".pull"]),
            x.span,
            BuildOpt::Pull(x.value),
        );
    }
    if let Some(x) = target {
        opt(
            st,
            names::cat([&bp, ".target"]),
            x.span,
            BuildOpt::Target(x.value.clone()),
        );
    }
    if let Some(x) = shm_size {
        let o = BuildOpt::ShmSize(x.value.0.to_string());
        opt(st, names::cat([&bp, ".shm_size"]), x.span, o);
    }
    for (i, x) in extra_hosts.iter().enumerate() {
        let o = BuildOpt::AddHost(format!("{}:{}", x.value.host, x.value.ip));
        opt(st, names::key_at([&bp, ".extra_hosts"], i), x.span, o);
    }
    if let Some(x) = isolation {
        opt(
            st,
            names::cat([&bp, ".isolation"]),
            x.span,
            BuildOpt::Isolation(x.value.clone()),
        );
    }
    if let Some(x) = privileged {
        st.unsup(
            names::cat([&bp, ".privileged"]),
            x.span,
            "podman build has no privileged build mode",
        );
    }
    build_secrets(st, &bp, secrets);
    for (i, x) in tags.iter().enumerate() {
        opt(
            st,
            names::key_at([&bp, ".tags"], i),
            x.span,
            BuildOpt::Tag(x.value.clone()),
        );
    }
    for (k, u) in ulimits {
        let text = if u.value.soft == u.value.hard {
            format!("{k}={}", u.value.soft)
        } else {
            format!("{k}={}:{}", u.value.soft, u.value.hard)
        };
        opt(
            st,
            names::cat([&bp, ".ulimits.", k]),
            u.span,
            BuildOpt::Ulimit(text),
        );
    }
    build_platforms(st, &bp, platforms);
    for (i, x) in entitlements.iter().enumerate() {
        st.unsup(
            names::key_at([&bp, ".entitlements"], i),
            x.span,
            "BuildKit entitlements have no podman build equivalent",
        );
    }
    st.extensions_at_own_spans(&bp, extensions);
    st.out.push(Step::EndBuild);
}

fn build_secrets(st: &mut Steps<'_, '_>, bp: &str, secrets: &[Spanned<transship_ir::FileRef>]) {
    for (i, r) in secrets.iter().enumerate() {
        let path = names::key_at([bp, ".secrets"], i);
        let file = st
            .project()
            .secrets
            .get(&r.value.source)
            .and_then(|x| x.file.as_ref())
            .map(|f| f.value.display().to_string());
        match file {
            Some(f) => {
                let o = BuildOpt::Secret(format!("id={},src={f}", r.value.source));
                st.spelled(path.clone(), r.span, Opt::Build(o));
            }
            None => st.unsup(
                path.clone(),
                r.span,
                "only file-backed build secrets are carried over",
            ),
        }
        st.extensions_at_own_spans(&path, &r.value.extensions);
    }
}

/// All platforms are one `--platform` option; each entry shares its outcome.
fn build_platforms(st: &mut Steps<'_, '_>, bp: &str, platforms: &[Spanned<String>]) {
    let Some(first) = platforms.first() else {
        return;
    };
    let all = platforms
        .iter()
        .map(|x| x.value.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let rule = if platforms.len() > 1 {
        Rule::ApproxIfSpelled(
            "several platforms build a manifest list; the container runs the host's".into(),
        )
    } else {
        Rule::Spelled
    };
    let opt = Opt::Build(BuildOpt::Platform(all));
    st.decide(
        names::key_at([bp, ".platforms"], 0),
        first.span,
        opt,
        rule.clone(),
    );
    for (i, x) in platforms.iter().enumerate().skip(1) {
        st.fixed_like_last(names::key_at([bp, ".platforms"], i), x.span);
    }
}
