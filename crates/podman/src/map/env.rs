//! Environment, labels and annotations.

use std::collections::BTreeMap;
use std::path::PathBuf;

use transship_ir::{EnvFile, Spanned, StringMap};

use super::{Rule, Steps};
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
    for (k, val) in environment {
        let path = names::cat([&st.p, ".environment.", k]);
        let opt = Opt::Env {
            name: k.clone(),
            value: val.value.clone(),
        };
        let rule = if val.value.is_some() {
            Rule::Spelled
        } else {
            Rule::ApproxAlways("no value in Compose: podman takes it from the environment of the systemd unit when the container starts (Compose takes it from the shell running `compose up`)".into())
        };
        st.decide(path, val.span, opt, rule);
    }
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
