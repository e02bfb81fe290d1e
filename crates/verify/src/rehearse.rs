//! `migrate verify --rehearse`: the translated stack installed on the host under a throwaway
//! project name, started, verified, and removed again, so an operator learns whether the
//! cutover would work before anything of the real stack is touched.
//!
//! The rehearsal keeps a journal of what it created (each file as it is written) and removes
//! exactly that, then everything of the runtime's whose name carries the throwaway project
//! name (containers, pods, networks, volumes, secrets), then looks again and names whatever
//! is still there. It also runs when a step fails or when `cancel` is set (Ctrl-C): the
//! commands of the install and start steps are stopped, the teardown's are not. A rehearsal
//! killed outright (`kill -9`) is found by the next one, by its files in the unit directory
//! and their generated-by header, and removed first.
//!
//! The throwaway project never shares a name with the real one: networks and volumes Compose
//! names itself carry the new project name; explicit `name:`s and `container_name:`s are
//! renamed (and said so). What cannot be renamed is said too: external networks and volumes,
//! bind-mounted host paths and published host ports are the host's own.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use transship_ir::{Project, Spanned, VolumeType};

use crate::checks::ServiceReport;
use crate::transport::Host;

/// What `--rehearse` installs.
#[derive(Debug, Clone, Default)]
pub struct Install {
    /// The throwaway project name (`shop-rehearse-1a2b3c`).
    pub project: String,
    /// The real project's name: leftovers of earlier rehearsals are `<original>-rehearse-*`.
    pub original: String,
    /// Where the units go (`/etc/containers/systemd`, `~/.config/containers/systemd`).
    pub unit_dir: String,
    /// The files, by path relative to `unit_dir`.
    pub files: Vec<InstallFile>,
    /// What the report says about the rehearsal's isolation (renamed and shared things).
    pub notes: Vec<String>,
    /// How long starting the units may take (image pulls and builds included).
    pub start_timeout: Duration,
    /// The published ports were moved to random host ports (see [`isolate`]).
    pub random_ports: bool,
}

#[derive(Debug, Clone)]
pub struct InstallFile {
    pub path: String,
    pub contents: String,
    pub mode: u32,
}

/// One step of a rehearsal, as the report shows it.
#[derive(Debug, Clone)]
pub struct Step {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

/// What a rehearsal did.
#[derive(Debug, Clone, Default)]
pub struct RehearsalLog {
    pub project: String,
    pub steps: Vec<Step>,
    pub notes: Vec<String>,
    /// Whatever the teardown could not remove (files and runtime objects): empty when the
    /// host is as it was.
    pub left_behind: Vec<String>,
    /// The rehearsal was cut short by `cancel`.
    pub interrupted: bool,
    /// Installing or starting failed (the checks then say what runs and what does not).
    pub failed: bool,
}

/// Gives `project` a throwaway name `rp` that nothing of the real project's shares: networks
/// and volumes that Compose names after the project follow it, explicit names and
/// `container_name`s are replaced, and (unless `keep_ports`) published ports go to random
/// host ports, so that the rehearsal can run beside the stack it replaces. Returns what the
/// report should say.
pub fn isolate(project: &mut Project, rp: &str, keep_ports: bool) -> Vec<String> {
    let original = project.name.value.clone();
    let mut notes = Vec::new();
    let mut shared = Vec::new();
    for (key, n) in &mut project.networks {
        if n.external.as_ref().is_some_and(|e| e.value) {
            shared.push(format!("network {}", n.name.value));
            continue;
        }
        let derived = format!("{original}_{key}");
        if n.name.value != derived {
            notes.push(format!(
                "network {key}: named {:?} in the Compose file, {rp}_{key} in the rehearsal",
                n.name.value
            ));
        }
        n.name.value = format!("{rp}_{key}");
    }
    for (key, v) in &mut project.volumes {
        if v.external.as_ref().is_some_and(|e| e.value) {
            shared.push(format!("volume {}", v.name.value));
            continue;
        }
        let derived = format!("{original}_{key}");
        if v.name.value != derived {
            notes.push(format!(
                "volume {key}: named {:?} in the Compose file, {rp}_{key} in the rehearsal (a fresh, empty volume)",
                v.name.value
            ));
        }
        v.name.value = format!("{rp}_{key}");
    }
    let mut binds = BTreeSet::new();
    let mut ports = BTreeSet::new();
    for (name, s) in &mut project.services {
        if let Some(c) = s.container_name.take() {
            notes.push(format!(
                "service {name}: container_name {:?} is left to the rehearsal's own naming",
                c.value
            ));
        }
        for m in &s.volumes {
            if m.value.kind == VolumeType::Bind {
                if let Some(src) = &m.value.source {
                    binds.insert(src.clone());
                }
            }
        }
        for p in &mut s.ports {
            let published = if keep_ports {
                p.value.published.clone()
            } else {
                p.value.published.take()
            };
            if let Some(h) = published {
                ports.insert(h);
            }
        }
    }
    project.name = Spanned {
        value: rp.to_owned(),
        ..project.name.clone()
    };
    if !shared.is_empty() {
        notes.push(format!(
            "shared with the host as they are (external): {}; the rehearsal's containers use them",
            shared.join(", ")
        ));
    }
    if !binds.is_empty() {
        notes.push(format!(
            "bind mounts are the host's own paths: {} (the rehearsal reads and writes them)",
            binds.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !ports.is_empty() {
        let list = ports.into_iter().collect::<Vec<_>>().join(", ");
        notes.push(if keep_ports {
            format!(
                "publishes the host ports the stack itself uses: {list} (free them, or rehearse on a host that does not serve yet)"
            )
        } else {
            format!(
                "host ports {list} are published on random free ports in the rehearsal (--keep-ports: the stack's own)"
            )
        });
    }
    notes
}

/// The systemd units quadlet makes of the files: (the container and pod units to start,
/// every unit to stop).
pub fn units_of(files: &[InstallFile]) -> (Vec<String>, Vec<String>) {
    let mut start = Vec::new();
    let mut all = Vec::new();
    for f in files.iter().filter(|f| !f.path.contains('/')) {
        let Some((stem, ext)) = f.path.rsplit_once('.') else {
            continue;
        };
        let unit = match ext {
            "container" | "kube" => format!("{stem}.service"),
            "pod" => format!("{stem}-pod.service"),
            "network" => format!("{stem}-network.service"),
            "volume" => format!("{stem}-volume.service"),
            "build" => format!("{stem}-build.service"),
            "image" => format!("{stem}-image.service"),
            _ => continue,
        };
        if matches!(ext, "container" | "kube" | "pod") {
            start.push(unit.clone());
        }
        all.push(unit);
    }
    (start, all)
}

const STEP_TIMEOUT: Duration = Duration::from_secs(60);
const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(180);

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim().to_owned()
}

/// A rehearsal on one host.
struct Run<'a> {
    host: &'a Host,
    user: bool,
    cancel: Option<&'a AtomicBool>,
    log: RehearsalLog,
    /// Files written so far (absolute), and directories made.
    written: Vec<String>,
    made_dirs: Vec<String>,
}

impl Run<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::SeqCst))
    }

    fn step(&mut self, what: impl Into<String>, r: Result<String, String>) -> bool {
        let ok = r.is_ok();
        let detail = match r {
            Ok(d) | Err(d) => d,
        };
        self.log.steps.push(Step {
            what: what.into(),
            ok,
            detail,
        });
        ok
    }

    /// Runs `argv`; its failure as the error text. `cancellable`: stopped by `cancel`.
    fn sh(
        &self,
        argv: &[&str],
        input: Option<&[u8]>,
        timeout: Duration,
        cancellable: bool,
    ) -> Result<String, String> {
        let cancel = if cancellable { self.cancel } else { None };
        let out = self.host.run_with(argv, input, timeout, cancel)?;
        if out.status.success() {
            Ok(text(&out.stdout))
        } else {
            let err = text(&out.stderr);
            Err(if err.is_empty() {
                format!("{} failed ({})", argv.join(" "), out.status)
            } else {
                err
            })
        }
    }

    fn systemctl(
        &self,
        args: &[&str],
        timeout: Duration,
        cancellable: bool,
    ) -> Result<String, String> {
        let mut argv = vec!["systemctl"];
        if self.user {
            argv.push("--user");
        }
        argv.extend_from_slice(args);
        self.sh(&argv, None, timeout, cancellable)
    }

    fn resolve_dir(&self, dir: &str) -> Result<String, String> {
        let Some(rest) = dir.strip_prefix("~/") else {
            return Ok(dir.trim_end_matches('/').to_owned());
        };
        let home = self.sh(
            &["sh", "-c", "printf %s \"$HOME\""],
            None,
            STEP_TIMEOUT,
            false,
        )?;
        if home.is_empty() {
            return Err("the host's $HOME is empty".into());
        }
        Ok(format!("{home}/{}", rest.trim_end_matches('/')))
    }

    /// The last lines of a unit's journal, for a failed start.
    fn journal(&self, unit: &str) -> String {
        let mut argv = vec!["journalctl", "--no-pager", "-n", "15", "-o", "cat"];
        if self.user {
            argv.push("--user");
        }
        argv.extend(["-u", unit]);
        self.sh(&argv, None, STEP_TIMEOUT, false)
            .unwrap_or_else(|e| format!("(no journal: {e})"))
    }

    fn install(&mut self, dir: &str, inst: &Install) -> bool {
        let made = self.sh(
            &[
                "sh",
                "-c",
                "test -d \"$1\" && exit 0; mkdir -p -- \"$1\" && echo made",
                "sh",
                dir,
            ],
            None,
            STEP_TIMEOUT,
            true,
        );
        match made {
            Ok(m) => {
                if m == "made" {
                    self.made_dirs.push(dir.to_owned());
                }
            }
            Err(e) => return self.step(format!("make {dir}"), Err(e)),
        }
        let mut subdirs: BTreeSet<String> = BTreeSet::new();
        for f in &inst.files {
            if let Some((d, _)) = f.path.rsplit_once('/') {
                subdirs.insert(d.to_owned());
            }
        }
        for d in subdirs {
            let path = format!("{dir}/{d}");
            match self.sh(
                &[
                    "sh",
                    "-c",
                    "test -e \"$1\" && exit 3; mkdir -p -m 700 -- \"$1\"",
                    "sh",
                    &path,
                ],
                None,
                STEP_TIMEOUT,
                true,
            ) {
                Ok(_) => self.made_dirs.push(path),
                Err(e) => {
                    return self.step(
                        format!("make {path}"),
                        Err(if e.contains("exit status: 3") {
                            format!("{path} exists already: nothing there is overwritten")
                        } else {
                            e
                        }),
                    );
                }
            }
        }
        for f in &inst.files {
            if self.cancelled() {
                return false;
            }
            let path = format!("{dir}/{}", f.path);
            let mode = format!("{:o}", f.mode);
            // noclobber: a file that is there already is never overwritten.
            let r = self.sh(
                &[
                    "sh",
                    "-c",
                    "set -C; umask 077; cat > \"$1\" && chmod \"$2\" \"$1\"",
                    "sh",
                    &path,
                    &mode,
                ],
                Some(f.contents.as_bytes()),
                STEP_TIMEOUT,
                true,
            );
            match r {
                Ok(_) => self.written.push(path),
                Err(e) => return self.step(format!("write {path}"), Err(e)),
            }
        }
        self.step(
            format!("install {} file(s) in {dir}", inst.files.len()),
            Ok(String::new()),
        )
    }

    fn start(&mut self, units: &[String], timeout: Duration) -> bool {
        let r = self.systemctl(&["daemon-reload"], STEP_TIMEOUT, true);
        if !self.step("systemctl daemon-reload", r.map(|_| String::new())) {
            return false;
        }
        let mut args = vec!["start"];
        args.extend(units.iter().map(String::as_str));
        let r = self.systemctl(&args, timeout, true);
        let r = match r {
            Ok(_) => Ok(String::new()),
            Err(e) if self.cancelled() => Err(e),
            Err(e) => {
                let mut detail = e;
                for u in units {
                    let state = self
                        .systemctl(&["is-active", u], STEP_TIMEOUT, false)
                        .unwrap_or_else(|x| x);
                    if state != "active" {
                        detail.push_str(&format!("\n--- {u} ({state})\n{}", self.journal(u)));
                    }
                }
                Err(detail)
            }
        };
        self.step(format!("systemctl start {}", units.join(" ")), r)
    }

    /// Stops `units`, removes `files` and `dirs`, then every runtime object named for `rp`,
    /// and names what is still there.
    fn teardown(&mut self, rp: &str, units: &[String], files: &[String], dirs: &[String]) {
        if !units.is_empty() {
            let mut args = vec!["stop"];
            args.extend(units.iter().map(String::as_str));
            let r = self.systemctl(&args, TEARDOWN_TIMEOUT, false);
            self.step(format!("stop the units of {rp}"), r.map(|_| String::new()));
        }
        let mut failed_files = Vec::new();
        for f in files {
            if let Err(e) = self.sh(&["rm", "-f", "--", f], None, STEP_TIMEOUT, false) {
                failed_files.push(format!("{f} ({e})"));
            }
        }
        for d in dirs.iter().rev() {
            let _ = self.sh(&["rmdir", "--", d], None, STEP_TIMEOUT, false);
        }
        let _ = self.systemctl(&["daemon-reload"], STEP_TIMEOUT, false);
        if !units.is_empty() {
            let mut args = vec!["reset-failed"];
            args.extend(units.iter().map(String::as_str));
            let _ = self.systemctl(&args, STEP_TIMEOUT, false);
        }
        let mut removed = 0usize;
        let mut errors = Vec::new();
        for kind in Kind::ALL {
            for name in self.list(*kind, rp).unwrap_or_default() {
                match self.sh(&kind.remove(&name), None, TEARDOWN_TIMEOUT, false) {
                    Ok(_) => removed += 1,
                    Err(e) => errors.push(format!("{} {name}: {e}", kind.noun())),
                }
            }
        }
        let mut left: Vec<String> = failed_files;
        for f in files {
            if self
                .sh(&["test", "-e", f], None, STEP_TIMEOUT, false)
                .is_ok()
            {
                left.push(f.clone());
            }
        }
        for kind in Kind::ALL {
            match self.list(*kind, rp) {
                Ok(names) => left.extend(names.into_iter().map(|n| format!("{} {n}", kind.noun()))),
                Err(e) => left.push(format!("{}s of {rp}: cannot list ({e})", kind.noun())),
            }
        }
        let detail = if errors.is_empty() {
            format!(
                "{} file(s) and {removed} runtime object(s) removed",
                files.len()
            )
        } else {
            errors.join("; ")
        };
        let ok = left.is_empty();
        self.step(
            format!("remove {rp}"),
            if ok { Ok(detail) } else { Err(detail) },
        );
        self.log.left_behind.extend(left);
    }

    fn list(&self, kind: Kind, rp: &str) -> Result<Vec<String>, String> {
        let out = self.sh(&kind.list(), None, STEP_TIMEOUT, false)?;
        Ok(out
            .lines()
            .map(str::trim)
            .filter(|n| {
                n.strip_prefix(rp)
                    .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('_'))
            })
            .map(str::to_owned)
            .collect())
    }

    /// Earlier rehearsals of `original` that were killed before their teardown: their files
    /// in `dir` (by name and generated-by header), as (throwaway name, files, units).
    fn stale(&self, dir: &str, original: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
        let prefix = format!("{original}-rehearse-");
        let Ok(names) = self.sh(
            &["sh", "-c", "cd -- \"$1\" 2>/dev/null && ls -1A", "sh", dir],
            None,
            STEP_TIMEOUT,
            false,
        ) else {
            return Vec::new();
        };
        let mut by_rp: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for n in names.lines() {
            let Some(rest) = n.strip_prefix(&prefix) else {
                continue;
            };
            let id: String = rest.chars().take(6).collect();
            if id.len() != 6 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            by_rp
                .entry(format!("{prefix}{id}"))
                .or_default()
                .push(n.to_owned());
        }
        let mut out = Vec::new();
        for (rp, names) in by_rp {
            let header = format!("generated by transship (migrate) from Compose project \"{rp}\"");
            let mut files = Vec::new();
            let mut dirs = Vec::new();
            let mut ours = false;
            for n in &names {
                let path = format!("{dir}/{n}");
                if self
                    .sh(&["test", "-d", &path], None, STEP_TIMEOUT, false)
                    .is_ok()
                {
                    if let Ok(inner) = self.sh(
                        &["sh", "-c", "cd -- \"$1\" && ls -1A", "sh", &path],
                        None,
                        STEP_TIMEOUT,
                        false,
                    ) {
                        files.extend(inner.lines().map(|i| format!("{path}/{i}")));
                    }
                    dirs.push(path);
                } else {
                    if self
                        .sh(
                            &["grep", "-qF", &header, "--", &path],
                            None,
                            STEP_TIMEOUT,
                            false,
                        )
                        .is_ok()
                    {
                        ours = true;
                    }
                    files.push(path);
                }
            }
            if ours {
                let infiles: Vec<InstallFile> = names
                    .iter()
                    .map(|n| InstallFile {
                        path: n.clone(),
                        contents: String::new(),
                        mode: 0,
                    })
                    .collect();
                let (_, units) = units_of(&infiles);
                // Subdirectory files first, then the directories, as written.
                files.sort_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
                out.push((rp, files, units.into_iter().chain(dirs).collect()));
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Container,
    Pod,
    Network,
    Volume,
    Secret,
}

impl Kind {
    const ALL: &'static [Kind] = &[
        Kind::Container,
        Kind::Pod,
        Kind::Network,
        Kind::Volume,
        Kind::Secret,
    ];

    fn noun(self) -> &'static str {
        match self {
            Kind::Container => "container",
            Kind::Pod => "pod",
            Kind::Network => "network",
            Kind::Volume => "volume",
            Kind::Secret => "secret",
        }
    }

    fn list(self) -> Vec<&'static str> {
        match self {
            Kind::Container => vec!["podman", "ps", "-a", "--format", "{{.Names}}"],
            Kind::Pod => vec!["podman", "pod", "ps", "--format", "{{.Name}}"],
            Kind::Network => vec!["podman", "network", "ls", "--format", "{{.Name}}"],
            Kind::Volume => vec!["podman", "volume", "ls", "--format", "{{.Name}}"],
            Kind::Secret => vec!["podman", "secret", "ls", "--format", "{{.Name}}"],
        }
    }

    fn remove(self, name: &str) -> Vec<&str> {
        let mut v = match self {
            Kind::Container => vec!["podman", "rm", "-f", "-t", "0"],
            Kind::Pod => vec!["podman", "pod", "rm", "-f"],
            Kind::Network => vec!["podman", "network", "rm", "-f"],
            Kind::Volume => vec!["podman", "volume", "rm", "-f"],
            Kind::Secret => vec!["podman", "secret", "rm"],
        };
        v.push(name);
        v
    }
}

/// Rehearses `inst` on `host`: earlier rehearsals' leftovers removed, the files installed,
/// the units started, `check` run, everything removed again (also after a failed step or
/// `cancel`). Returns the log and what `check` found (nothing when it did not run).
pub fn rehearse(
    host: &Host,
    inst: &Install,
    user: bool,
    cancel: Option<&AtomicBool>,
    check: impl FnOnce() -> Vec<ServiceReport>,
) -> (RehearsalLog, Vec<ServiceReport>) {
    let mut run = Run {
        host,
        user,
        cancel,
        log: RehearsalLog {
            project: inst.project.clone(),
            notes: inst.notes.clone(),
            ..RehearsalLog::default()
        },
        written: Vec::new(),
        made_dirs: Vec::new(),
    };
    let dir = match run.resolve_dir(&inst.unit_dir) {
        Ok(d) => d,
        Err(e) => {
            run.step(format!("find {}", inst.unit_dir), Err(e));
            run.log.failed = true;
            return (run.log, Vec::new());
        }
    };
    for (rp, files, units_and_dirs) in run.stale(&dir, &inst.original) {
        let (dirs, units): (Vec<String>, Vec<String>) = units_and_dirs
            .into_iter()
            .partition(|x| x.starts_with(&dir));
        run.log.notes.push(format!(
            "an earlier rehearsal ({rp}) was stopped before its teardown: removed first"
        ));
        run.teardown(&rp, &units, &files, &dirs);
    }
    let (start, units) = units_of(&inst.files);
    let mut services = Vec::new();
    let installed = !run.cancelled() && run.install(&dir, inst);
    if installed && !run.cancelled() {
        let started = run.start(&start, inst.start_timeout);
        if !run.cancelled() {
            if !started {
                run.log.failed = true;
            }
            services = check();
        }
    } else if !run.cancelled() {
        run.log.failed = true;
    }
    run.log.interrupted = run.cancelled();
    let written = std::mem::take(&mut run.written);
    let dirs = std::mem::take(&mut run.made_dirs);
    run.teardown(&inst.project, &units, &written, &dirs);
    (run.log, services)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn file(p: &str) -> InstallFile {
        InstallFile {
            path: p.to_owned(),
            contents: String::new(),
            mode: 0o644,
        }
    }

    fn project(yaml: &str) -> Project {
        transship_loader::load(&transship_loader::LoadOptions {
            files: vec![std::path::PathBuf::from("-")],
            stdin: Some(yaml.to_owned()),
            project_name: Some("shop".to_owned()),
            project_directory: Some(std::path::PathBuf::from("/srv/shop")),
            cwd: std::path::PathBuf::from("/srv/shop"),
            ..Default::default()
        })
        .unwrap()
    }

    const SHOP: &str = "services:\n  web:\n    image: nginx\n    container_name: shop-web\n    ports: [\"8080:80\", \"9000\"]\n    volumes: [data:/data, ./html:/html, cache:/cache]\n    networks: [back, edge]\nnetworks:\n  back: {}\n  edge: {external: true, name: proxy}\nvolumes:\n  data: {name: shop-data}\n  cache: {}\n";

    #[test]
    fn isolate_renames_what_compose_names_and_says_what_it_shares() {
        let mut p = project(SHOP);
        let notes = isolate(&mut p, "shop-rehearse-abc123", false);
        assert_eq!(p.name.value, "shop-rehearse-abc123");
        assert_eq!(p.networks["back"].name.value, "shop-rehearse-abc123_back");
        assert_eq!(p.networks["edge"].name.value, "proxy", "external stays");
        assert_eq!(p.volumes["data"].name.value, "shop-rehearse-abc123_data");
        assert_eq!(p.volumes["cache"].name.value, "shop-rehearse-abc123_cache");
        let web = &p.services["web"];
        assert!(web.container_name.is_none());
        assert!(web.ports.iter().all(|x| x.value.published.is_none()));
        assert_eq!(web.ports.len(), 2);
        let all = notes.join("\n");
        for needle in [
            "volume data: named \"shop-data\"",
            "container_name \"shop-web\"",
            "external): network proxy",
            "/srv/shop/html",
            "host ports 8080 are published on random free ports",
        ] {
            assert!(all.contains(needle), "{needle:?} in\n{all}");
        }
        assert!(
            !all.contains("network back"),
            "derived names need no note:\n{all}"
        );
    }

    #[test]
    fn isolate_keeps_the_ports_when_asked() {
        let mut p = project(SHOP);
        let notes = isolate(&mut p, "shop-rehearse-abc123", true);
        let published: Vec<_> = p.services["web"]
            .ports
            .iter()
            .map(|x| x.value.published.clone())
            .collect();
        assert_eq!(published, [Some("8080".to_owned()), None]);
        assert!(
            notes
                .join("\n")
                .contains("publishes the host ports the stack itself uses: 8080")
        );
    }

    #[test]
    fn units_of_each_quadlet_file() {
        let (start, all) = units_of(&[
            file("p-web.container"),
            file("p-back.network"),
            file("p-data.volume"),
            file("p.pod"),
            file("p-app.build"),
            file("p-web.env"),
            file("p-secrets/tok"),
        ]);
        assert_eq!(start, ["p-web.service", "p-pod.service"]);
        assert_eq!(
            all,
            [
                "p-web.service",
                "p-back-network.service",
                "p-data-volume.service",
                "p-pod.service",
                "p-app-build.service"
            ]
        );
    }
}
