//! Environment, labels and annotations.

use std::collections::BTreeMap;
use std::path::PathBuf;

use transship_ir::{EnvFile, Spanned, StringMap};

use transship_translate::secrets::looks_secret;

use super::{Rule, SideFile, Step, Steps};
use crate::names;
use crate::opt::Opt;

pub(super) fn environment(
    st: &mut Steps<'_, '_>,
    env_file: &[Spanned<EnvFile>],
    environment: &BTreeMap<String, Spanned<Option<String>>>,
) {
    for (i, f) in env_file.iter().enumerate() {
        let path = st.item(".env_file", i);
        st.ok(
            path,
            f.span,
            format!(
                "values read at conversion time into Environment= ({})",
                f.value.path.display()
            ),
        );
    }
    // Built on the first secret value only (most services have none).
    let mut file: Option<String> = None;
    let mut moved = String::new();
    for (k, val) in environment {
        let path = names::cat([&st.p, ".environment.", k]);
        if let Some(v) = &val.value {
            if !st.m.options.inline_env && is_secret_bearing(st, k, v, val.span) {
                // Out of the unit text: the unit is world-readable, and quadlet would copy
                // the value into ExecStart= (shown by `systemctl show` to any user).
                if fits_env_file(v) {
                    moved.push_str(&names::cat([k, "=", v, "\n"]));
                    let file = file.get_or_insert_with(|| {
                        names::cat([&names::service_base(st.m.project, &st.s.name), ".env"])
                    });
                    let detail = format!(
                        "moved to {file} (mode 0600; passed with --env-file, read when the container starts): the value is in no unit"
                    );
                    st.ok(path, val.span, detail);
                } else {
                    as_env_secret(st, path, k, v, val.span);
                }
                continue;
            }
        }
        let opt = Opt::Env {
            assignment: match &val.value {
                Some(v) => names::cat([k, "=", v]),
                None => k.clone(),
            },
            passthrough: val.value.is_none(),
        };
        let rule = if val.value.is_some() {
            Rule::Spelled
        } else {
            Rule::ApproxAlways("no value in Compose: podman takes it from the environment of the systemd unit when the container starts (Compose takes it from the shell running `compose up`)".into())
        };
        st.decide(path, val.span, opt, rule);
    }
    if let Some(file) = file {
        st.out.push(Step::File(SideFile {
            path: file.clone(),
            contents: moved,
            mode: 0o600,
            secret: true,
        }));
        st.set(Opt::EnvFile(file));
    }
}

/// A value that must stay out of unit text: its variable's name is one the classifier
/// flags, or it took its value from such a variable (`${DB_PASSWORD}` inside a URL).
pub(super) fn is_secret_bearing(
    st: &Steps<'_, '_>,
    name: &str,
    value: &str,
    span: transship_ir::Span,
) -> bool {
    !value.is_empty() && (looks_secret(name) || st.project().secret_interpolations.contains(&span))
}

/// Whether an environment file can hold the value: podman's `--env-file` reads one
/// `NAME=VALUE` line verbatim, so a value with a line break cannot go there.
pub(super) fn fits_env_file(value: &str) -> bool {
    !value.contains(['\n', '\r'])
}

/// A multi-line secret value: a 0600 file loaded as a podman secret before each start and
/// given to the container as the environment variable (`--secret NAME,type=env,target=K`).
fn as_env_secret(
    st: &mut Steps<'_, '_>,
    path: String,
    key: &str,
    value: &str,
    span: transship_ir::Span,
) {
    let safe = names::unit_safe(key);
    let file = format!(
        "{}-secrets/env-{}-{safe}",
        names::pod_base(st.project()),
        st.s.name
    );
    let name = format!("{}-env-{safe}", st.unit_base);
    let options = format!("type=env,target={key}");
    super::secrets::load_as_secret(
        st,
        path,
        span,
        (file, value.to_owned(), true),
        name,
        options,
    );
}

pub(super) fn labels(
    st: &mut Steps<'_, '_>,
    labels: &StringMap,
    label_file: &[Spanned<PathBuf>],
    annotations: &StringMap,
) {
    for (k, val) in labels {
        let path = names::cat([&st.p, ".labels.", k]);
        st.spelled(path, val.span, Opt::Label(format!("{k}={}", val.value)));
    }
    for (i, f) in label_file.iter().enumerate() {
        let path = st.item(".label_file", i);
        st.ok(path, f.span, "labels read at conversion time into Label=");
    }
    for (k, val) in annotations {
        let path = names::cat([&st.p, ".annotations.", k]);
        st.spelled(
            path,
            val.span,
            Opt::Annotation(format!("{k}={}", val.value)),
        );
    }
}
