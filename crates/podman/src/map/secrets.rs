//! A service's secrets and configs: a read-only bind mount of a file-backed one, an existing
//! podman secret for an external one, and for inline values (`content:`, `environment:`) a
//! file written next to the units and loaded as a podman secret before each start.

use transship_ir::{FileRef, Spanned};

use super::{Decision, Rule, Step, Steps};
use crate::names;
use crate::opt::Opt;

/// A file the target writes next to its units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideFile {
    /// Relative to the output directory.
    pub path: String,
    pub contents: String,
    pub mode: u32,
    /// Holds a secret value (never shown).
    pub secret: bool,
}

pub(super) fn file_refs(st: &mut Steps<'_, '_>, list: &[Spanned<FileRef>], secret: bool) {
    let key = if secret { ".secrets" } else { ".configs" };
    for (i, r) in list.iter().enumerate() {
        let path = st.item(key, i);
        file_ref(st, path.clone(), r, secret);
        st.extensions(&path, &r.value.extensions, r.span);
    }
}

/// What the project defines for a secret or config: (file on the host, inline text, external
/// name, environment variable named), or `None` when undefined.
type Source = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn source_of(st: &Steps<'_, '_>, source: &str, secret: bool) -> Option<Source> {
    let p = st.project();
    let external = crate::opt::is_true;
    if secret {
        p.secrets.get(source).map(|sec| {
            (
                sec.file.as_ref().map(|f| f.value.display().to_string()),
                sec.environment_value.clone(),
                external(&sec.external).then(|| sec.name.value.clone()),
                sec.environment.as_ref().map(|e| e.value.clone()),
            )
        })
    } else {
        p.configs.get(source).map(|cf| {
            (
                cf.file.as_ref().map(|f| f.value.display().to_string()),
                cf.content
                    .as_ref()
                    .map(|x| x.value.clone())
                    .or_else(|| cf.environment_value.clone()),
                external(&cf.external).then(|| cf.name.value.clone()),
                cf.environment.as_ref().map(|e| e.value.clone()),
            )
        })
    }
}

fn file_ref(st: &mut Steps<'_, '_>, path: String, r: &Spanned<FileRef>, secret: bool) {
    let FileRef {
        source,
        target,
        uid,
        gid,
        mode,
        extensions: _,
    } = &r.value;
    let span = r.span;
    let kind = if secret { "secret" } else { "config" };
    let target = target.clone().unwrap_or_else(|| {
        if secret {
            format!("/run/secrets/{source}")
        } else {
            format!("/{source}")
        }
    });
    let Some((file, inline, external, env_name)) = source_of(st, source, secret) else {
        st.unsup(path, span, format!("{kind} {source:?} is not defined"));
        return;
    };
    let mut options = format!("type=mount,target={target}");
    if let Some(u) = uid {
        options.push_str(&format!(",uid={u}"));
    }
    if let Some(g) = gid {
        options.push_str(&format!(",gid={g}"));
    }
    options.push_str(&format!(
        ",mode={}",
        mode.map_or("0444".into(), |m| format!("{m:04o}"))
    ));
    if let Some(f) = file {
        let opt = Opt::Bind(format!(
            "{}:{target}:ro",
            transship_translate::paths::clean(&f)
        ));
        let (rule, suffix) = if uid.is_some() || gid.is_some() || mode.is_some() {
            (
                Rule::ApproxIfSpelled(format!(
                    "read-only bind mount of the {kind} file: it keeps the host file's owner and mode (uid/gid/mode are not applied, as with docker compose for file-backed {kind}s)"
                )),
                String::new(),
            )
        } else {
            (Rule::Spelled, " (read-only bind mount)".to_owned())
        };
        let d = Decision {
            path,
            span,
            opt: Some(opt),
            rule,
            suffix,
        };
        st.out.push(Step::Decide(d));
        return;
    }
    if let Some(name) = external {
        let reason = format!(
            "external {kind}: expects an existing podman secret named {name:?} (podman secret create)"
        );
        let opt = Opt::Secret { name, options };
        st.decide(path, span, opt, Rule::ApproxIfSpelled(reason));
        return;
    }
    let Some(text) = inline else {
        let reason = match env_name {
            Some(e) => {
                format!("environment variable {e} was not set when converting; nothing to provide")
            }
            None => format!("{kind} {source:?} has no file, content or environment"),
        };
        st.unsup(path, span, reason);
        return;
    };
    // The value goes next to the units (0600) and is loaded as a podman secret before each
    // start, mounted with Compose's target, owner and mode.
    let dir = format!("{}-{}s", names::pod_base(st.project()), kind);
    let file = format!("{dir}/{}", names::unit_safe(source));
    let name = format!("{}-{kind}-{}", st.unit_base, names::unit_safe(source));
    load_as_secret(st, path, span, (file, text, secret), name, options);
}

/// A value written next to the units (mode 0600) and loaded as the podman secret `name`
/// before each start, given to the container with `--secret name,OPTIONS`.
pub(super) fn load_as_secret(
    st: &mut Steps<'_, '_>,
    path: String,
    span: transship_ir::Span,
    (file, contents, secret): (String, String, bool),
    name: String,
    options: String,
) {
    st.out.push(Step::File(SideFile {
        path: file.clone(),
        contents,
        mode: 0o600,
        secret,
    }));
    st.spelled(
        path,
        span,
        Opt::SecretFromFile {
            name,
            file,
            options,
        },
    );
}
