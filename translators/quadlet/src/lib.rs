//! Podman quadlet translator: a Compose project (IR) → `.container`, `.network`, `.volume`,
//! `.pod`, `.build` and `.image` files for a chosen podman version, plus a ledger entry for
//! every key path of the IR (see [`transship_translate::ir_key_paths`] for the path rules).
//!
//! Naming: `<project>-<service>.container` (→ `<project>-<service>.service`),
//! `<project>-<network>.network`, `<project>-<volume>.volume`, `<project>.pod`,
//! `<project>-<service>.build`, `<project>-<repository>-<tag>[-<platform>][-<policy>].image`
//! (see the `image` module for when). Resource names match Compose: `ContainerName=` is
//! `container_name` or `<project>-<service>-1`, `NetworkName=`/`VolumeName=` the Compose runtime
//! names (from 4.7). Which quadlet keys are written is decided by [`version`]'s table; a key
//! newer than the target becomes `PodmanArgs=--flag=…` where `podman run` has the flag, else a
//! ledger entry.

mod image;
mod resources;
mod service;
mod spell;
pub mod version;

use std::collections::{BTreeMap, BTreeSet};

use transship_ir::{Project, Span};
use transship_podman::map::{MapOptions, Mapper, replica_count, replicas_possible};
use transship_podman::names;
use transship_translate::unit::{Expansion, Section, UnitFile};
use transship_translate::{Artifact, Ledger, Outcome, Output, TranslateError, Translator};

pub use version::{PodmanVersion, VersionError};

/// The podman quadlet target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuadletTranslator {
    /// The podman release of the target host.
    pub version: PodmanVersion,
    /// Rootless install (`~/.config/containers/systemd`, `WantedBy=default.target`) instead of
    /// a system one (`/etc/containers/systemd`, `WantedBy=multi-user.target`).
    pub user: bool,
    /// Put every service into one `.pod` (5.0+).
    pub pod: bool,
    /// Keep secret-bearing environment values in `Environment=` (`--inline-env`) instead of
    /// a 0600 `<project>-<service>.env` file referenced by `EnvironmentFile=`.
    pub inline_env: bool,
}

impl Default for QuadletTranslator {
    fn default() -> Self {
        Self {
            version: PodmanVersion::DEFAULT,
            user: false,
            pod: false,
            inline_env: false,
        }
    }
}

impl QuadletTranslator {
    /// The directory quadlet reads the generated files from on the target host.
    pub fn install_dir(&self) -> &'static str {
        if self.user {
            "~/.config/containers/systemd"
        } else {
            "/etc/containers/systemd"
        }
    }

    /// The same directory as systemd sees it in unit settings: a specifier prefix (`%h`, the
    /// user's home, for rootless) and the literal rest.
    pub(crate) fn install_dir_spec(&self) -> (&'static str, &'static str) {
        if self.user {
            ("%h", "/.config/containers/systemd")
        } else {
            ("", "/etc/containers/systemd")
        }
    }

    pub(crate) fn wanted_by(&self) -> &'static str {
        if self.user {
            "default.target"
        } else {
            "multi-user.target"
        }
    }
}

impl Translator for QuadletTranslator {
    fn name(&self) -> &'static str {
        "podman"
    }

    fn translate(&self, project: &Project) -> Result<Output, TranslateError> {
        if self.pod && !version::has_unit_type(self.version, "pod") {
            return Err(TranslateError {
                message: format!(
                    "--pod needs podman 5.0 or later (.pod units); the target is podman {}",
                    self.version
                ),
                span: None,
            });
        }
        let mut cx = QuadletState::new(self, project);
        cx.ledger.push_detail(
            "name",
            project.name.span,
            Outcome::Translated,
            format!("prefix of unit and resource names: {}", project.name.value),
        );
        resources::plan(&mut cx);
        let total = project.services.len();
        let before = cx.ledger.entries.len();
        for (done, svc) in project.services.values().enumerate() {
            reserve_ledger(&mut cx.ledger, before, done, total);
            service::translate_service(&mut cx, svc, 1);
            let n = replica_count(svc);
            if n > 1 && replicas_possible(self.pod, svc).is_ok() {
                // Extra replicas: same keys, so their ledger entries would repeat the first
                // one's; they go to a scratch ledger.
                let ledger = std::mem::replace(&mut cx.ledger, Ledger::new("podman"));
                for i in 2..=n {
                    service::translate_service(&mut cx, svc, i);
                }
                cx.ledger = ledger;
            }
        }
        // Top-level resources usually have one ledger entry each (`volumes.data: {}`); more
        // keys make the vector grow as usual.
        let resources = project.networks.len()
            + project.volumes.len()
            + project.secrets.len()
            + project.configs.len()
            + project.models.len()
            + project.extensions.len();
        let spare = cx.ledger.entries.capacity() - cx.ledger.entries.len();
        if spare < resources {
            cx.ledger.entries.reserve_exact(resources + 16);
        }
        resources::emit(&mut cx);
        image::emit(&mut cx);
        for (k, m) in &project.models {
            cx.ledger.push(
                format!("models.{k}"),
                m.span,
                Outcome::Unsupported(
                    "Compose models (AI model runners) have no podman quadlet equivalent".into(),
                ),
            );
        }
        for (k, e) in &project.extensions {
            cx.ledger.top_level_extension(k.clone(), e.span);
        }
        cx.finish()
    }
}

/// Sizes the ledger from the entries per service so far, extrapolated to the services still
/// to come, instead of letting the vector double: on a large project doubling leaves up to
/// half of the ledger's memory unused (36,002 entries of about 100 bytes took a 6 MiB buffer
/// at 2,000 services) and copies it at each step. Services that turn out to need more simply
/// reserve again.
fn reserve_ledger(ledger: &mut Ledger, before: usize, done: usize, total: usize) {
    if done == 0 {
        return;
    }
    let entries = &mut ledger.entries;
    let per_service = (entries.len() - before).div_ceil(done);
    if entries.capacity() - entries.len() < 2 * per_service {
        entries.reserve_exact(per_service * (total - done) + 2 * per_service);
    }
}

/// Translation state shared by the parts of the translator.
pub(crate) struct QuadletState<'a> {
    /// The constant part of every file's header comment.
    header_tail: [String; 2],
    pub t: &'a QuadletTranslator,
    pub p: &'a Project,
    pub ledger: Ledger,
    /// Generated files by relative path.
    pub files: BTreeMap<String, Artifact>,
    /// Network keys used by some service (units are only written for these).
    pub used_networks: BTreeSet<String>,
    pub used_volumes: BTreeSet<String>,
    /// The podman mapping of the services (what each key becomes at the podman level).
    pub mapper: Mapper<'a>,
    /// The buffer each service's mapping is built in (reused: one allocation).
    pub steps: Vec<transship_podman::Step>,
    /// The `.pod` unit (when `--pod`), filled by the services.
    pub pod: Option<UnitFile>,
    /// With `--pod`: `Network=` reference → the options (aliases of every service).
    pub pod_networks: BTreeMap<String, Vec<String>>,
    /// The `.image` units and the services they pull for.
    pub images: image::Plan,
}

impl<'a> QuadletState<'a> {
    fn new(t: &'a QuadletTranslator, p: &'a Project) -> Self {
        let header_tail = [
            format!(
                "generated by transship (migrate) from Compose project {:?}",
                p.name.value
            ),
            format!(
                "for podman {} quadlet ({} install: {})",
                t.version,
                if t.user { "rootless" } else { "system" },
                t.install_dir()
            ),
        ];
        Self {
            header_tail,
            t,
            p,
            ledger: Ledger::new("podman"),
            files: BTreeMap::new(),
            used_networks: BTreeSet::new(),
            used_volumes: BTreeSet::new(),
            steps: Vec::with_capacity(64),
            mapper: Mapper::new(
                p,
                MapOptions {
                    version: t.version,
                    pod: t.pod,
                    inline_env: t.inline_env,
                },
            ),
            pod: None,
            pod_networks: BTreeMap::new(),
            images: image::plan(t.version, p),
        }
    }

    pub fn ok(&mut self, path: impl Into<String>, span: Span, detail: impl Into<String>) {
        self.ledger.translated(path, span, detail);
    }

    pub fn approx(
        &mut self,
        path: impl Into<String>,
        span: Span,
        reason: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.ledger.approximated(path, span, reason, detail);
    }

    pub fn unsup(&mut self, path: impl Into<String>, span: Span, reason: impl Into<String>) {
        self.ledger.unsupported(path, span, reason);
    }

    pub fn push(&mut self, path: impl Into<String>, span: Span, outcome: Outcome, detail: String) {
        if detail.is_empty() {
            self.ledger.push(path, span, outcome);
        } else {
            self.ledger.push_detail(path, span, outcome, detail);
        }
    }

    pub fn add_file(&mut self, path: String, contents: String, mode: u32, secret: bool) {
        self.files.insert(
            path.clone(),
            Artifact {
                path: path.into(),
                contents,
                mode,
                secret,
            },
        );
    }

    /// A unit file made of `[Unit] Description=` and one quadlet section (`.network`,
    /// `.volume`, `.build`, `.image`), written as `path` with mode 0644.
    pub fn add_unit(&mut self, path: String, what: &str, description: &str, section: Section) {
        self.add_unit_sections(path, what, description, vec![section]);
    }

    /// [`Self::add_unit`] with several sections after `[Unit]`.
    pub fn add_unit_sections(
        &mut self,
        path: String,
        what: &str,
        description: &str,
        sections: Vec<Section>,
    ) {
        let mut uf = UnitFile {
            header: self.header(what),
            sections: vec![],
        };
        let _ = uf
            .section("Unit")
            .plain("Description", description, Expansion::Setting);
        uf.sections.extend(sections);
        self.add_file(path, uf.render(), 0o644, false);
    }

    pub fn header(&self, what: &str) -> Vec<String> {
        vec![
            format!("{what}: {}", self.header_tail[0]),
            self.header_tail[1].clone(),
        ]
    }

    fn finish(mut self) -> Result<Output, TranslateError> {
        if let Some(mut pod) = self.pod.take() {
            let nets = std::mem::take(&mut self.pod_networks);
            for (net, opts) in nets {
                let line = if opts.is_empty() {
                    net
                } else {
                    format!("{net}:{}", opts.join(","))
                };
                let _ = pod.section("Pod").plain(
                    "Network",
                    &line,
                    transship_translate::unit::Expansion::Exec,
                );
            }
            let path = format!("{}.pod", names::pod_base(self.p));
            self.add_file(path, pod.render(), 0o644, false);
        }
        Ok(Output {
            artifacts: self.files.into_values().collect(),
            ledger: self.ledger,
        })
    }
}

#[cfg(test)]
mod tests;
