//! The `migrate` command line: argument parsing, printing and exit codes.
//!
//! This is the only crate of the workspace that prints or decides an exit code.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod check_cmd;
mod config_cmd;
pub mod convert_cmd;
mod diff_cmd;
pub mod docs;
mod load;
pub mod report;
pub mod targets;
mod verify_cmd;
pub mod write;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code when the tool ran but found problems (`--strict`, `check --fail-on`).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for bad input, bad usage, or a feature that is not built yet.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "migrate",
    version,
    about = "Move Docker Compose stacks to Podman quadlets, systemd units, kube, Buildah and containerd",
    long_about = "Move Docker Compose stacks to Podman quadlets, systemd units, `podman kube play`, \
Buildah and containerd, and prove the move worked.\n\n\
The default form converts a Compose project:\n\n    migrate compose.yaml --to podman -o ./quadlets\n\n\
Every Compose key ends in a ledger: translated, approximated (with why) or unsupported (with why), \
each with the file:line it came from.",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:\n  migrate compose.yaml --to podman -o ./quadlets\n  migrate config -f compose.yaml -f override.yaml\n  migrate check compose.yaml --rootless\n  migrate diff compose.yaml --to podman --against /etc/containers/systemd\n  migrate verify compose.yaml --to podman --host unix:///run/podman/podman.sock"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub convert: ConvertArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the Compose project as Docker Compose would see it (normalized).
    Config(ConfigArgs),
    /// Report what will break on the target (rootless traps, production hygiene, target gaps).
    Check(CheckArgs),
    /// Show what a cutover would change against a directory or a host.
    Diff(DiffArgs),
    /// Compare what runs on a live host with what the Compose project asks for.
    Verify(VerifyArgs),
    /// Print a generated document (`migrate docs podman > docs/targets/podman.md`,
    /// `migrate docs targets > docs/targets/README.md`).
    #[command(hide = true)]
    Docs(DocsArgs),
}

/// `migrate docs TARGET`: the key-coverage table of a target, generated from the code.
#[derive(Debug, Clone, Args)]
pub struct DocsArgs {
    /// Which document: `podman` (docs/targets/podman.md) or `targets`
    /// (docs/targets/README.md).
    #[arg(value_parser = ["podman", "targets"])]
    pub target: String,
}

/// Flags that select and load a Compose project (shared by every command).
#[derive(Debug, Clone, Args, Default)]
pub struct ProjectArgs {
    /// Compose file(s) to load, in order (like `docker compose -f`).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Project name (overrides COMPOSE_PROJECT_NAME and the top-level `name:`).
    #[arg(short = 'p', long = "project-name", value_name = "NAME")]
    pub project_name: Option<String>,
    /// Project directory (default: the directory of the first Compose file).
    #[arg(long = "project-directory", value_name = "DIR")]
    pub project_directory: Option<PathBuf>,
    /// Environment file(s) replacing the project's `.env` (repeatable).
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Profile(s) to enable (repeatable; also COMPOSE_PROFILES).
    #[arg(long = "profile", value_name = "PROFILE")]
    pub profiles: Vec<String>,
}

/// A `--to` value; names, help and translators are in [`targets::REGISTRY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Podman,
    Systemd,
    Kube,
    Buildah,
    Nerdctl,
    Containerd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ReportFormat {
    /// Counts, then only what was approximated or unsupported, grouped by reason.
    #[default]
    Text,
    /// Counts per service (and network, volume, ...) with its entries not translated.
    Full,
    /// One JSON document with every entry.
    Json,
}

/// The target's options, shared by convert and diff (which converts first).
#[derive(Debug, Clone, Args, Default)]
pub struct TargetArgs {
    /// Podman version of the target host (4.4 .. 5.8); decides which quadlet keys exist.
    #[arg(long = "podman-version", value_name = "X.Y")]
    pub podman_version: Option<String>,
    /// Put all containers of the project in one pod.
    #[arg(long)]
    pub pod: bool,
    /// Install for a user (rootless) instead of the system.
    #[arg(long)]
    pub user: bool,
    /// Keep secret-bearing environment values (names such as *_PASSWORD, *_TOKEN) in the
    /// world-readable unit files instead of a 0600 `<project>-<service>.env` next to them.
    #[arg(long)]
    pub inline_env: bool,
}

impl TargetArgs {
    pub fn options(&self) -> targets::TargetOptions<'_> {
        targets::TargetOptions {
            version: self.podman_version.as_deref(),
            user: self.user,
            pod: self.pod,
            inline_env: self.inline_env,
        }
    }
}

/// The default form: `migrate [FILE]... --to TARGET`.
#[derive(Debug, Clone, Args, Default)]
pub struct ConvertArgs {
    /// Compose file(s) to convert (same as -f).
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Target to convert to.
    #[arg(long = "to", value_enum, value_name = "TARGET")]
    pub to: Option<Target>,
    /// Output directory (default: print every file to stdout).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Fail (exit 1) when anything was approximated or unsupported.
    #[arg(long)]
    pub strict: bool,
    /// Ledger report format: `text` lists only what was not carried over exactly, by reason;
    /// `full` lists every service with its counts; `json` every entry.
    #[arg(
        long = "report",
        value_enum,
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub report: ReportFormat,
    /// Replace existing files that differ from the generated ones.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub project: ProjectArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format.
    #[arg(long, value_parser = ["json", "yaml"], default_value = "yaml")]
    pub format: String,
    /// Only check that the project loads (print nothing but warnings and errors).
    #[arg(short, long)]
    pub quiet: bool,
    /// Services to show (with their dependencies), like `docker compose config web`.
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Compose file(s) to check (same as -f).
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Check for a rootless Podman target.
    #[arg(long)]
    pub rootless: bool,
    /// Also report what this target cannot express.
    #[arg(long = "to", value_enum, value_name = "TARGET")]
    pub to: Option<Target>,
    /// Enable the production review profile (no healthcheck, no limits, runs as root, ...).
    #[arg(long)]
    pub production: bool,
    /// Report images without an `@sha256:` digest.
    #[arg(long = "require-digests")]
    pub require_digests: bool,
    /// Output format.
    #[arg(long, value_parser = ["text", "json", "sarif"], default_value = "text")]
    pub format: String,
    /// Only run rules whose code starts with one of these (repeatable, comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip rules whose code starts with one of these (repeatable, comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit 1 when a finding at or above this severity is reported (`never`: always exit 0).
    #[arg(long = "fail-on", value_parser = ["error", "warning", "info", "never"], default_value = "error")]
    pub fail_on: String,
    /// Print the documentation of one rule and exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// Print the live host's facts as JSON (for `--host-facts FILE` elsewhere) and exit.
    #[arg(long = "dump-host-facts")]
    pub dump_host_facts: bool,
    /// Host facts: `live` (default on Linux: read this host, for the current user), `none`
    /// (host-dependent findings become conditional) or a JSON file from --dump-host-facts.
    #[arg(long = "host-facts", value_name = "live|none|FILE")]
    pub host_facts: Option<String>,
    /// Show the mechanical fixes as a unified diff.
    #[arg(long)]
    pub diff: bool,
    /// Apply the mechanical fixes to the Compose files (a `.bak` copy keeps the original).
    #[arg(long)]
    pub fix: bool,
    /// Podman version of the target host for `--to podman` (4.4 .. 5.8).
    #[arg(long = "podman-version", value_name = "X.Y")]
    pub podman_version: Option<String>,
    #[command(flatten)]
    pub project: ProjectArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// Compose file(s) (same as -f).
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Target to convert to before diffing.
    #[arg(long = "to", value_enum, value_name = "TARGET")]
    pub to: Option<Target>,
    /// Directory holding what is installed now (e.g. /etc/containers/systemd, or an earlier
    /// `-o` output).
    #[arg(long, value_name = "DIR")]
    pub against: Option<PathBuf>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// One line per file and a total instead of the diffs.
    #[arg(long)]
    pub stat: bool,
    /// Colour: `auto` (a terminal, unless NO_COLOR is set), `always`, `never`.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Show secret values instead of masking them (says so on stderr).
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub project: ProjectArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiffFormat {
    #[default]
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Compose file(s) (same as -f).
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Target the project was converted to.
    #[arg(long = "to", value_enum, value_name = "TARGET")]
    pub to: Option<Target>,
    /// A host to verify (repeat for a fleet): unix:///run/podman/podman.sock or
    /// ssh://[user@]host[:port][/path/to/podman.sock]. Default: this machine's socket
    /// (the user's with --user). A socket below /run/user/ is a rootless host (its units
    /// are the user's) with or without --user, so one fleet can mix both.
    #[arg(long, value_name = "URL")]
    pub host: Vec<String>,
    /// A host from podman's connection list (`podman system connection add`); repeatable.
    #[arg(long, value_name = "NAME")]
    pub connection: Vec<String>,
    /// Compare with the running Docker stack too: docker:// or docker:///path/docker.sock.
    #[arg(long, value_name = "URL")]
    pub against: Option<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: VerifyFormat,
    /// Time allowed to reach a host and for each runtime call (`10s`, `1m`, `500ms`).
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub timeout: String,
    /// How long a healthcheck may take to pass (it is run at once, then again until this
    /// has passed). Default 0s, or 60s with --rehearse.
    #[arg(long, value_name = "DURATION")]
    pub wait_healthy: Option<String>,
    /// Rehearse the cutover: install the generated files under a throwaway project name
    /// (`<project>-rehearse-<6 hex>`), start them, verify, and remove everything again (also
    /// on failure or Ctrl-C). Leftovers of a rehearsal killed outright are removed by the next.
    #[arg(long)]
    pub rehearse: bool,
    /// With --rehearse: publish on the Compose file's own host ports (default: random free
    /// ones, so that a rehearsal runs beside the stack it replaces).
    #[arg(long, requires = "rehearse")]
    pub keep_ports: bool,
    /// With --rehearse: how long starting the units may take (image pulls and builds).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub start_timeout: String,
    /// Watch each container's restart count for at least this long (a restart loop shows as
    /// a count that moves).
    #[arg(long, value_name = "DURATION", default_value = "2s")]
    pub settle: String,
    /// The containers are not run by systemd units (started by hand or by another tool):
    /// skip the unit, restart-policy and installed-file checks.
    #[arg(long)]
    pub no_units: bool,
    /// Where the generated files are installed on the host (default
    /// /etc/containers/systemd, or ~/.config/containers/systemd with --user).
    #[arg(long, value_name = "DIR")]
    pub unit_dir: Option<String>,
    /// An ssh client configuration file for ssh:// hosts (`ssh -F`).
    #[arg(long, value_name = "FILE")]
    pub ssh_config: Option<PathBuf>,
    /// Developer aid: write every answer of the (one) host to FILE as JSON (the replay
    /// fixtures of crates/verify/tests).
    #[arg(long, value_name = "FILE", hide = true)]
    pub record_answers: Option<PathBuf>,
    #[command(flatten)]
    pub project: ProjectArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum VerifyFormat {
    #[default]
    Text,
    Json,
}

/// Entry point of the `migrate` binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_OK
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    run(cli)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Config(args)) => config_cmd::run(args),
        Some(Command::Check(args)) => check_cmd::run(args),
        Some(Command::Diff(args)) => diff_cmd::run(&args),
        Some(Command::Verify(args)) => verify_cmd::run(&args),
        Some(Command::Docs(args)) => {
            use std::io::Write as _;
            let doc = if args.target == "targets" {
                docs::targets_markdown()
            } else {
                docs::podman_markdown()
            };
            let mut out = std::io::stdout().lock();
            if out
                .write_all(doc.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return ExitCode::from(EXIT_ERROR);
            }
            ExitCode::from(EXIT_OK)
        }
        None => {
            let args = cli.convert;
            if args.inputs.is_empty() && args.project.files.is_empty() && args.to.is_none() {
                eprintln!("migrate: nothing to do; try `migrate --help`");
                return ExitCode::from(EXIT_ERROR);
            }
            match args.to {
                None => {
                    eprintln!(
                        "migrate: say which target to convert to with --to (podman, systemd, kube, buildah, nerdctl, containerd)"
                    );
                    ExitCode::from(EXIT_ERROR)
                }
                Some(_) => convert_cmd::run(args),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn convert_form_parses_files_and_target() {
        let cli = Cli::try_parse_from(["migrate", "compose.yaml", "--to", "podman", "-o", "out"])
            .expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.convert.inputs, vec![PathBuf::from("compose.yaml")]);
        assert_eq!(cli.convert.to, Some(Target::Podman));
        assert_eq!(cli.convert.output, Some(PathBuf::from("out")));
    }

    #[test]
    fn config_subcommand_takes_repeated_files() {
        let cli = Cli::try_parse_from(["migrate", "config", "-f", "a.yaml", "-f", "b.yaml"])
            .expect("parses");
        match cli.command {
            Some(Command::Config(c)) => assert_eq!(c.project.files.len(), 2),
            other => panic!("expected config, got {other:?}"),
        }
    }

    #[test]
    fn unknown_target_is_rejected() {
        assert!(Cli::try_parse_from(["migrate", "x.yaml", "--to", "rkt"]).is_err());
    }
}
