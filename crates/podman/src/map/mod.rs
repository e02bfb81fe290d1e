//! The podman mapping of one service: every Compose key path of the service, in the order a
//! target writes them, as a [`Step`] — a ledger [`Decision`] (a typed [`Opt`] or an explicit
//! gap, with its outcome rule and span), an option set because of other keys, or a systemd
//! setting of the unit. Targets only spell: the quadlet target writes a key where its version
//! has one and `PodmanArgs=` otherwise; a plain-systemd target writes `podman run` words.
//!
//! Split by area like the loader's `canonical/`; [`map_service`] destructures `Service` without
//! `..` once, so a new IR field fails to compile here until it is classified.
//!
//! Areas not yet moved here are [`Step::Area`] markers at their place in the order: the target
//! handles them from the IR (the image and its pull policy and platform
//! and deploy).

mod build;
mod command;
mod depends;
mod env;
mod health;
mod lifecycle;
mod namespaces;
mod networks;
mod ports;
mod resources;
mod restart;
mod secrets;
mod security;
mod storage;

use std::borrow::Cow;
use std::collections::BTreeMap;

use transship_ir::{DependsCondition, Extensions, HealthTest, Project, Service, Span};
use transship_translate::{Outcome, keys};

use crate::names;
use crate::opt::Opt;
use crate::version::PodmanVersion;

pub use depends::dep_has_check;
pub use lifecycle::{MAX_REPLICAS, replica_count, replicas_decision, replicas_possible};
pub use secrets::SideFile;

/// The ledger message of every extension field (`x-*`) below a service (the kit's
/// [`transship_translate::extension_reason`] for podman, as a constant).
pub const EXTENSION_FIELD: &str = "extension field: ignored by Compose and by podman";

/// What the podman mapping is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapOptions {
    /// The podman release of the target host.
    pub version: PodmanVersion,
    /// Every service in one pod (`--pod`).
    pub pod: bool,
    /// Keep secret-bearing environment values in the unit text (`--inline-env`) instead of
    /// a 0600 environment file next to the units.
    pub inline_env: bool,
}

/// What a dependency asks of the unit it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DepNeeds {
    /// Some dependent waits for `service_healthy`.
    pub healthy: bool,
    /// Some dependent waits for `service_completed_successfully`.
    pub completed: bool,
}

/// The mapping of a whole project: options, and what each service's dependents need from it.
#[derive(Debug, Clone)]
pub struct Mapper<'a> {
    pub project: &'a Project,
    pub options: MapOptions,
    dep_needs: BTreeMap<String, DepNeeds>,
}

/// One service replica's mapping.
#[derive(Debug, Clone)]
pub struct ServiceMap {
    /// `services.<name>`.
    pub path: String,
    /// `<project>-<service>[-<replica>]`: base of the unit file names.
    pub unit_base: String,
    /// The container's name.
    pub container_name: String,
    /// 1 for the first (or only) container.
    pub replica: i64,
    /// What the service's dependents need from it.
    pub needs: DepNeeds,
    pub steps: Vec<Step>,
}

/// One thing the target writes, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A key path's ledger entry and the option it asks for, if any.
    Decide(Decision),
    /// An option no ledger entry is about (the container name, the pod, readiness).
    Set(Opt),
    /// An option a target writes only where it has a native way for it (never a fallback).
    Soft(Opt),
    /// A raw setting of the systemd unit (`[Unit] Requires=x.service`).
    Systemd(SystemdSection, &'static str, Cow<'static, str>),
    /// A command line of the systemd unit (`[Service] ExecStartPost=`), one word each.
    SystemdExec(SystemdSection, &'static str, Vec<ExecArg>),
    /// The start of the service's image build (`podman build --tag IMAGE CONTEXT`): the
    /// decisions up to [`Step::EndBuild`] carry [`Opt::Build`] options.
    BeginBuild { image: String, context: String },
    /// Inside a build: the variables of its name-only `--build-arg NAME`s are in this side
    /// file (0600), which the systemd unit running the build reads (`EnvironmentFile=`), so
    /// their values are in no unit (podman takes a value-less build arg from its environment).
    BuildEnvironmentFile(String),
    /// The end of the image build.
    EndBuild,
    /// A file written next to the units (a secret's or config's inline value).
    File(SideFile),
    /// An area the target still maps itself, from the IR, at this place.
    Area(Area),
}

/// One word of a [`Step::SystemdExec`] command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecArg {
    /// A literal word.
    Word(String),
    /// `flag` joined to the path where a side file (relative to the output directory, see
    /// [`Step::File`]) is installed on the target host: `--env-file=/etc/.../x.env`. Only
    /// the target knows that directory.
    InstalledFile { flag: &'static str, file: String },
}

impl ExecArg {
    /// The word as a reader of the mapping sees it (`--env-file=<dir>/x.env`).
    pub fn display(&self) -> String {
        match self {
            Self::Word(w) => w.clone(),
            Self::InstalledFile { flag, file } => format!("{flag}<dir>/{file}"),
        }
    }
}

/// A section of a systemd unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemdSection {
    Unit,
    Service,
}

/// The areas not yet in the mapping (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Image,
    Platform,
    PullPolicy,
}

/// A key path's ledger entry: where, what option (if any) and how its outcome follows from
/// whether the target could spell the option.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub path: String,
    pub span: Span,
    pub opt: Option<Opt>,
    pub rule: Rule,
    /// Appended to the target's detail (`" (the short name resolved as Docker does)"`).
    pub suffix: String,
}

/// How a decision's ledger outcome follows from the spelling of its option.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Translated with the spelling as detail; unsupported (the target's reason) when the
    /// target cannot spell it.
    Spelled,
    /// Like [`Rule::Spelled`], but approximated for this reason when spelled.
    ApproxIfSpelled(String),
    /// Approximated for this reason whatever the spelling (its detail may be empty).
    ApproxAlways(String),
    /// The option was set by an earlier [`Step::Set`]: describe its spelling, write nothing.
    Described,
    /// No option of its own: the same outcome and detail as the previous decision (several
    /// keys carried by one option, such as `build.platforms`). Only ever right after that
    /// decision, so a target can copy its ledger entry.
    LikeLast,
    /// No option: this outcome and detail.
    Fixed(Outcome, Option<String>),
}

impl<'a> Mapper<'a> {
    pub fn new(project: &'a Project, options: MapOptions) -> Self {
        let mut dep_needs: BTreeMap<String, DepNeeds> = BTreeMap::new();
        for s in project.services.values() {
            for (dep, d) in &s.depends_on {
                let e = dep_needs.entry(dep.clone()).or_default();
                match d.value.condition.value {
                    DependsCondition::ServiceHealthy => e.healthy = true,
                    DependsCondition::ServiceCompletedSuccessfully => e.completed = true,
                    DependsCondition::ServiceStarted => {}
                }
            }
        }
        Self {
            project,
            options,
            dep_needs,
        }
    }

    /// What the dependents of service `name` need from it.
    pub fn needs(&self, name: &str) -> DepNeeds {
        self.dep_needs.get(name).copied().unwrap_or_default()
    }
}

/// The steps of one service being built, with the ledger helpers the areas share.
pub(crate) struct Steps<'m, 'a> {
    pub m: &'m Mapper<'a>,
    pub s: &'a Service,
    /// `services.<name>`.
    pub p: String,
    pub cname: String,
    /// `<project>-<service>[-<replica>]`.
    pub unit_base: String,
    pub out: Vec<Step>,
}

impl<'a> Steps<'_, 'a> {
    pub fn version(&self) -> PodmanVersion {
        self.m.options.version
    }

    pub fn project(&self) -> &'a Project {
        self.m.project
    }

    /// `services.<name><rest>`.
    pub fn path(&self, rest: &str) -> String {
        names::cat([&self.p, rest])
    }

    /// `services.<name><rest>[i]`.
    pub fn item(&self, rest: &str, i: usize) -> String {
        keys::item_path(&self.path(rest), i)
    }

    pub fn decide(&mut self, path: String, span: Span, opt: Opt, rule: Rule) {
        self.out.push(Step::Decide(Decision {
            path,
            span,
            opt: Some(opt),
            rule,
            suffix: String::new(),
        }));
    }

    /// A decision translated as the option's spelling.
    pub fn spelled(&mut self, path: String, span: Span, opt: Opt) {
        self.decide(path, span, opt, Rule::Spelled);
    }

    /// `--flag=value` with no dedicated key anywhere.
    pub fn flag(&mut self, path: String, span: Span, flag: &'static str, value: String) {
        self.spelled(path, span, Opt::Flag { flag, value });
    }

    pub fn fixed(&mut self, path: String, span: Span, outcome: Outcome, detail: Option<String>) {
        self.out.push(Step::Decide(Decision {
            path,
            span,
            opt: None,
            rule: Rule::Fixed(outcome, detail),
            suffix: String::new(),
        }));
    }

    /// A key carried by the previous decision's option (see [`Rule::LikeLast`]).
    pub fn fixed_like_last(&mut self, path: String, span: Span) {
        self.out.push(Step::Decide(Decision {
            path,
            span,
            opt: None,
            rule: Rule::LikeLast,
            suffix: String::new(),
        }));
    }

    pub fn ok(&mut self, path: String, span: Span, detail: impl Into<String>) {
        self.fixed(path, span, Outcome::Translated, Some(detail.into()));
    }

    /// Approximated, with a detail (possibly empty, as written).
    pub fn approx(&mut self, path: String, span: Span, reason: impl Into<String>, detail: &str) {
        self.fixed(
            path,
            span,
            Outcome::Approximated(reason.into()),
            Some(detail.to_owned()),
        );
    }

    pub fn unsup(&mut self, path: String, span: Span, reason: impl Into<String>) {
        self.fixed(path, span, Outcome::Unsupported(reason.into()), None);
    }

    /// The extension fields (`x-*`) of the node at `parent`: ignored, one entry each.
    pub fn extensions(&mut self, parent: &str, e: &Extensions, span: Span) {
        for (k, v) in e {
            let sp = if v.span.is_synthetic() { span } else { v.span };
            self.unsup(keys::child_path(parent, k), sp, EXTENSION_FIELD);
        }
    }

    /// The extension fields of a node, each at its own span (nodes whose extensions always
    /// carry one).
    pub fn extensions_at_own_spans(&mut self, parent: &str, e: &Extensions) {
        for (k, v) in e {
            self.unsup(keys::child_path(parent, k), v.span, EXTENSION_FIELD);
        }
    }

    /// Runs `f`; when it decided nothing, the node at `path` itself is recorded as empty.
    pub fn group(&mut self, path: &str, span: Span, f: impl FnOnce(&mut Self)) {
        let fallback = || {
            (
                Outcome::Translated,
                Some("empty: nothing to carry over".to_owned()),
            )
        };
        self.group_or(path, span, fallback, f);
    }

    /// Runs `f`; when it decided nothing, the node at `path` gets the `fallback` entry.
    pub fn group_or(
        &mut self,
        path: &str,
        span: Span,
        fallback: impl FnOnce() -> (Outcome, Option<String>),
        f: impl FnOnce(&mut Self),
    ) {
        let before = self.out.len();
        f(self);
        // Only the steps `f` added are looked at (steps are never removed).
        if !self.out[before..]
            .iter()
            .any(|s| matches!(s, Step::Decide(_)))
        {
            let (outcome, detail) = fallback();
            self.fixed(path.to_owned(), span, outcome, detail);
        }
    }

    pub fn set(&mut self, opt: Opt) {
        self.out.push(Step::Set(opt));
    }

    pub fn systemd(
        &mut self,
        section: SystemdSection,
        key: &'static str,
        value: impl Into<Cow<'static, str>>,
    ) {
        self.out.push(Step::Systemd(section, key, value.into()));
    }

    pub fn area(&mut self, area: Area) {
        self.out.push(Step::Area(area));
    }
}

/// `service:x` → `container:<x's container name>`; other namespace modes as written.
pub(crate) fn namespace_mode(ns: &str, p: &Project) -> String {
    if let Some(svc) = ns.strip_prefix("service:") {
        if let Some(s) = p.services.get(svc) {
            return format!("container:{}", names::container_name(p, s));
        }
    }
    ns.to_owned()
}

/// The health test as `--health-cmd` takes it.
pub(crate) fn health_cmd_text(t: &HealthTest) -> String {
    match t {
        HealthTest::None => "none".to_owned(),
        HealthTest::Cmd(args) => crate::opt::json_array(args),
        HealthTest::CmdShell(s) => s.clone(),
    }
}

/// One service → its steps; `replica` > 1 maps the extra replicas of a scaled service
/// (`<project>-<service>-<n>`, container `<project>-<service>-<n>`).
pub fn map_service(m: &Mapper<'_>, s: &Service, replica: i64) -> ServiceMap {
    map_service_into(m, s, replica, Vec::new())
}

/// [`map_service`] into `buffer` (cleared first), so that a target mapping many services
/// reuses one allocation: give back [`ServiceMap::steps`] after spelling them.
#[allow(clippy::too_many_lines)] // one line per field of `Service`, nothing else
pub fn map_service_into(
    m: &Mapper<'_>,
    s: &Service,
    replica: i64,
    mut buffer: Vec<Step>,
) -> ServiceMap {
    buffer.clear();
    let Service {
        name,
        span: _,
        annotations,
        attach,
        blkio_config,
        build,
        cap_add,
        cap_drop,
        cgroup,
        cgroup_parent,
        command,
        configs,
        container_name,
        cpu_count,
        cpu_percent,
        cpu_period,
        cpu_quota,
        cpu_rt_period,
        cpu_rt_runtime,
        cpu_shares,
        cpus,
        cpuset,
        credential_spec,
        depends_on: _,
        deploy,
        develop,
        device_cgroup_rules,
        devices,
        dns,
        dns_opt,
        dns_search,
        domainname,
        entrypoint,
        env_file,
        environment,
        expose,
        extends,
        external_links,
        extra_hosts,
        gpus,
        group_add,
        healthcheck,
        hostname,
        image: _,
        init,
        ipc,
        isolation,
        label_file,
        labels,
        links,
        logging,
        mac_address,
        mem_limit,
        mem_reservation,
        mem_swappiness,
        memswap_limit,
        models,
        network_mode,
        networks,
        oom_kill_disable,
        oom_score_adj,
        pid,
        pids_limit,
        platform,
        ports,
        post_start,
        pre_stop,
        privileged,
        profiles,
        provider,
        pull_policy,
        pull_refresh_after,
        read_only,
        restart,
        runtime,
        scale,
        secrets,
        security_opt,
        shm_size,
        stdin_open,
        stop_grace_period,
        stop_signal,
        storage_opt,
        sysctls,
        tmpfs,
        tty,
        ulimits,
        use_api_socket,
        user,
        userns_mode,
        uts,
        volumes,
        volumes_from,
        working_dir,
        extensions,
    } = s;
    // `_` fields above are mapped from `s` by the area that owns them (or by the target, for
    // the areas not yet here).
    let p = names::cat(["services.", name]);
    let base = names::service_base(m.project, name);
    let (unit_base, cname) = if replica > 1 {
        (
            format!("{base}-{replica}"),
            format!("{}-{name}-{replica}", m.project.name.value),
        )
    } else {
        (base, names::container_name(m.project, s))
    };
    let needs = m.needs(name);
    let mut st = Steps {
        m,
        s,
        p,
        cname,
        unit_base,
        out: buffer,
    };
    if let Some(b) = build {
        build::build(&mut st, b);
    }
    st.area(Area::Image);
    command::names(&mut st, container_name.as_ref());
    command::command(&mut st, command.as_ref(), entrypoint.as_ref());
    env::environment(&mut st, env_file, environment);
    env::labels(&mut st, labels, label_file, annotations);
    ports::ports(&mut st, ports, expose);
    networks::networks(&mut st, network_mode.as_ref(), networks);
    storage::volumes(&mut st, volumes, tmpfs, volumes_from);
    secrets::file_refs(&mut st, secrets, true);
    secrets::file_refs(&mut st, configs, false);
    security::user(&mut st, user.as_ref(), group_add, working_dir.as_ref());
    namespaces::host(
        &mut st,
        hostname.as_ref(),
        [dns, dns_opt, dns_search],
        domainname,
    );
    security::process(
        &mut st,
        init.as_ref(),
        read_only.as_ref(),
        privileged.as_ref(),
    );
    security::capabilities(&mut st, cap_add, cap_drop, security_opt, sysctls, ulimits);
    resources::devices(&mut st, devices, device_cgroup_rules, gpus);
    namespaces::namespaces(
        &mut st,
        [ipc, pid, uts, cgroup, runtime, mac_address],
        platform.as_ref(),
        cpuset.as_ref(),
    );
    namespaces::cgroups(
        &mut st,
        cgroup_parent.as_ref(),
        userns_mode.as_ref(),
        isolation.as_ref(),
    );
    resources::cpu(
        &mut st,
        [
            ("cpu_period", "--cpu-period", resources::shown(cpu_period)),
            ("cpu_quota", "--cpu-quota", resources::shown(cpu_quota)),
            (
                "cpu_rt_period",
                "--cpu-rt-period",
                resources::shown(cpu_rt_period),
            ),
            (
                "cpu_rt_runtime",
                "--cpu-rt-runtime",
                resources::shown(cpu_rt_runtime),
            ),
            ("cpu_shares", "--cpu-shares", resources::shown(cpu_shares)),
            (
                "mem_swappiness",
                "--memory-swappiness",
                resources::shown(mem_swappiness),
            ),
            (
                "oom_score_adj",
                "--oom-score-adj",
                resources::shown(oom_score_adj),
            ),
        ],
        cpus.as_ref(),
        [
            ("cpu_count", cpu_count.as_ref().map(|x| x.span)),
            ("cpu_percent", cpu_percent.as_ref().map(|x| x.span)),
        ],
        credential_spec.as_ref(),
    );
    resources::memory(
        &mut st,
        [
            mem_limit.as_ref(),
            mem_reservation.as_ref(),
            memswap_limit.as_ref(),
        ],
        oom_kill_disable.as_ref(),
        pids_limit.as_ref(),
    );
    resources::limits(&mut st, shm_size.as_ref(), storage_opt);
    resources::blkio(&mut st, blkio_config.as_ref());
    health::healthcheck(&mut st, healthcheck.as_ref(), needs);
    lifecycle::logging(&mut st, logging.as_ref());
    lifecycle::stop(&mut st, stop_signal.as_ref(), stop_grace_period.as_ref());
    lifecycle::terminal(&mut st, tty.as_ref(), stdin_open.as_ref(), attach.as_ref());
    lifecycle::legacy_and_hosts(&mut st, links, external_links, extra_hosts);
    if pull_policy.is_some() {
        st.area(Area::PullPolicy);
    }
    lifecycle::compose_only(
        &mut st,
        pull_refresh_after.as_ref(),
        scale.as_ref(),
        use_api_socket.as_ref(),
        profiles,
        extends.as_ref().map(|x| x.span),
        [
            develop.as_ref().map(|x| x.span),
            models.as_ref().map(|x| x.span),
            provider.as_ref().map(|x| x.span),
        ],
    );
    lifecycle::hooks(&mut st, post_start, pre_stop);
    restart::restart_and_deploy(&mut st, restart.as_ref(), deploy.as_ref(), needs);
    depends::depends_on(&mut st);
    if m.options.pod {
        st.set(Opt::Pod(names::cat([&names::pod_base(m.project), ".pod"])));
    }
    let p = st.p.clone();
    st.extensions(&p, extensions, s.span);
    ServiceMap {
        path: st.p,
        unit_base: st.unit_base,
        container_name: st.cname,
        replica,
        needs,
        steps: st.out,
    }
}
