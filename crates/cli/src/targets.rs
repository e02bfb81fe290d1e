//! The target registry: every `--to` value, what it emits, and how its translator is built.
//!
//! [`REGISTRY`] has one row per [`Target`], in `--help` order. The clap value names and help
//! texts of `--to`, convert, `check --to` and the docs generator all read it, so adding a
//! target is one new row (plus its translator crate). A row without a `build` function is a
//! target that is not built yet: convert and check say so and exit 2.

use serde::Serialize;
use transship_quadlet::{PodmanVersion, QuadletTranslator};
use transship_translate::Translator;

use crate::Target;

/// The target options of the command line, whatever the target (each target reads the ones
/// it has; [`TargetInfo::options`] lists them).
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetOptions<'a> {
    /// `--podman-version X.Y`, as given.
    pub version: Option<&'a str>,
    /// `--user` (convert) / `--rootless` (check): a rootless install.
    pub user: bool,
    /// `--pod`: every container in one pod.
    pub pod: bool,
    /// `--inline-env`: secret-bearing environment values stay in the unit text.
    pub inline_env: bool,
}

/// How a target is described in reports: `{name, version, options: {...}}`.
#[derive(Debug, Clone, Serialize)]
pub struct TargetDescription {
    pub name: &'static str,
    /// The resolved version of the target runtime (`5.4`), if the target has versions.
    pub version: Option<String>,
    /// The target's options as they were used (`{"rootless": false, "pod": false}`).
    pub options: serde_json::Map<String, serde_json::Value>,
}

/// A translator configured for one run, with its description.
pub struct Configured {
    pub translator: Box<dyn Translator>,
    pub description: TargetDescription,
    /// The one-line title of the text report (`podman 5.4 (system)`).
    pub title: String,
}

/// Why a target could not be configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigureError {
    /// The target has a row but no translator yet.
    NotImplemented,
    /// A bad option value; the message names the flag (`--podman-version: ...`).
    Option(String),
}

/// Configures a target's translator from the command line's options.
pub type BuildFn = fn(&TargetOptions<'_>) -> Result<Configured, String>;

/// One row of the registry.
pub struct TargetInfo {
    pub target: Target,
    /// The `--to` value.
    pub name: &'static str,
    /// What it emits (the `--to` help text).
    pub emits: &'static str,
    /// The supported versions of the target runtime, oldest first (empty: no versions).
    pub versions: fn() -> Vec<String>,
    /// The command-line flags the target reads, each with what it does.
    pub options: &'static [(&'static str, &'static str)],
    /// Builds the translator; `None` while the target is not implemented.
    pub build: Option<BuildFn>,
}

impl TargetInfo {
    pub const fn implemented(&self) -> bool {
        self.build.is_some()
    }

    /// The translator for these options.
    pub fn configure(&self, opts: &TargetOptions<'_>) -> Result<Configured, ConfigureError> {
        let build = self.build.ok_or(ConfigureError::NotImplemented)?;
        build(opts).map_err(ConfigureError::Option)
    }
}

fn no_versions() -> Vec<String> {
    Vec::new()
}

fn podman_versions() -> Vec<String> {
    PodmanVersion::all()
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn podman(opts: &TargetOptions<'_>) -> Result<Configured, String> {
    let version = match opts.version {
        None => PodmanVersion::DEFAULT,
        Some(v) => v
            .parse::<PodmanVersion>()
            .map_err(|e| format!("--podman-version: {e}"))?,
    };
    let mut options = serde_json::Map::new();
    options.insert("rootless".to_owned(), opts.user.into());
    options.insert("pod".to_owned(), opts.pod.into());
    options.insert("inline_env".to_owned(), opts.inline_env.into());
    Ok(Configured {
        translator: Box::new(QuadletTranslator {
            version,
            user: opts.user,
            pod: opts.pod,
            inline_env: opts.inline_env,
        }),
        description: TargetDescription {
            name: "podman",
            version: Some(version.to_string()),
            options,
        },
        title: format!(
            "podman {version} ({})",
            if opts.user { "rootless" } else { "system" }
        ),
    })
}

/// Every target, in `--help` order.
pub const REGISTRY: [TargetInfo; 6] = [
    TargetInfo {
        target: Target::Podman,
        name: "podman",
        emits: "Podman quadlet files (.container, .network, .volume, .pod, .build, .image)",
        versions: podman_versions,
        options: &[
            (
                "--podman-version X.Y",
                "podman release of the target host (4.4 .. 5.8, default 5.4)",
            ),
            ("--user", "rootless install (check: --rootless)"),
            ("--pod", "every container in one pod (5.0+)"),
            (
                "--inline-env",
                "keep secret-bearing environment values in the units (default: a 0600 env file)",
            ),
        ],
        build: Some(podman),
    },
    TargetInfo {
        target: Target::Systemd,
        name: "systemd",
        emits: "Plain systemd units running `podman run` (hosts without quadlet)",
        versions: no_versions,
        options: &[],
        build: None,
    },
    TargetInfo {
        target: Target::Kube,
        name: "kube",
        emits: "Kubernetes YAML for `podman kube play`, plus a `.kube` unit",
        versions: no_versions,
        options: &[],
        build: None,
    },
    TargetInfo {
        target: Target::Buildah,
        name: "buildah",
        emits: "Shell scripts that build each `build:` section with native buildah commands",
        versions: no_versions,
        options: &[],
        build: None,
    },
    TargetInfo {
        target: Target::Nerdctl,
        name: "nerdctl",
        emits: "nerdctl compatibility report and `nerdctl run` scripts",
        versions: no_versions,
        options: &[],
        build: None,
    },
    TargetInfo {
        target: Target::Containerd,
        name: "containerd",
        emits: "OCI runtime specs that containerd can run",
        versions: no_versions,
        options: &[],
        build: None,
    },
];

/// `--to` values and their help come from the registry (one place for both).
impl clap::ValueEnum for Target {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [Target; 6] = [
            Target::Podman,
            Target::Systemd,
            Target::Kube,
            Target::Buildah,
            Target::Nerdctl,
            Target::Containerd,
        ];
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let row = info(*self);
        let help = if row.implemented() {
            row.emits.to_owned()
        } else {
            format!("{} (not built yet)", row.emits)
        };
        Some(clap::builder::PossibleValue::new(row.name).help(help))
    }
}

/// The row of a target.
pub fn info(target: Target) -> &'static TargetInfo {
    REGISTRY
        .iter()
        .find(|t| t.target == target)
        .unwrap_or(&REGISTRY[0])
}

/// The translator of `target` for `opts`, or the message saying why not (for `migrate: ...`).
pub fn configure(target: Target, opts: &TargetOptions<'_>) -> Result<Configured, String> {
    let row = info(target);
    row.configure(opts).map_err(|e| match e {
        ConfigureError::NotImplemented => format!(
            "--to {} is not implemented yet (available: {})",
            row.name,
            available()
        ),
        ConfigureError::Option(m) => m,
    })
}

/// The implemented targets as `--to a, --to b` (for "not implemented" messages).
pub fn available() -> String {
    REGISTRY
        .iter()
        .filter(|t| t.implemented())
        .map(|t| format!("--to {}", t.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The implemented targets' names, `a, b`.
pub fn implemented_names() -> String {
    REGISTRY
        .iter()
        .filter(|t| t.implemented())
        .map(|t| t.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_target_has_exactly_one_row_under_its_clap_name() {
        for t in Target::value_variants() {
            let rows: Vec<&TargetInfo> = REGISTRY.iter().filter(|r| r.target == *t).collect();
            assert_eq!(rows.len(), 1, "{t:?}");
            assert_eq!(
                t.to_possible_value().unwrap().get_name(),
                rows[0].name,
                "{t:?}"
            );
            assert_eq!(info(*t).name, rows[0].name);
        }
        assert_eq!(REGISTRY.len(), Target::value_variants().len());
    }

    #[test]
    fn podman_row_builds_the_quadlet_translator_and_describes_it() {
        let row = info(Target::Podman);
        let c = row
            .configure(&TargetOptions {
                version: Some("4.6"),
                user: true,
                ..TargetOptions::default()
            })
            .unwrap();
        assert_eq!(c.translator.name(), "podman");
        assert_eq!(c.title, "podman 4.6 (rootless)");
        let d = serde_json::to_value(&c.description).unwrap();
        assert_eq!(
            d,
            serde_json::json!({"name": "podman", "version": "4.6",
                "options": {"rootless": true, "pod": false, "inline_env": false}})
        );
        let default = row.configure(&TargetOptions::default()).unwrap();
        assert_eq!(default.description.version.as_deref(), Some("5.4"));
        assert!((row.versions)().contains(&"5.4".to_owned()));
        match row.configure(&TargetOptions {
            version: Some("3.0"),
            ..TargetOptions::default()
        }) {
            Err(ConfigureError::Option(m)) => assert!(m.starts_with("--podman-version: "), "{m}"),
            _ => panic!("3.0 must be refused"),
        }
    }

    #[test]
    fn targets_not_built_yet_say_so() {
        for t in [
            Target::Systemd,
            Target::Kube,
            Target::Buildah,
            Target::Nerdctl,
            Target::Containerd,
        ] {
            assert!(matches!(
                info(t).configure(&TargetOptions::default()),
                Err(ConfigureError::NotImplemented)
            ));
        }
        assert_eq!(available(), "--to podman");
    }
}
