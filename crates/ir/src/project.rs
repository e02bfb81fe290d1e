use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::{ByteSize, Extensions, Service, SourceFile, Span, Spanned, Value};

/// A fully loaded Compose project: interpolated, `extends`/`include` resolved, `-f` files
/// merged, profiles applied, canonicalized to long syntax and validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    /// Normalized project name (`[a-z0-9_-]`).
    pub name: Spanned<String>,
    /// Absolute project directory; relative paths in the model are already resolved.
    pub working_dir: PathBuf,
    /// Every file that contributed a value; [`Span::file`] indexes this list.
    pub files: Vec<SourceFile>,
    /// Active services (after profiles), by service name. Boxed: a `Service` is several KB,
    /// and a map moves its values on every node split and leaves its nodes partly empty.
    pub services: BTreeMap<String, Box<Service>>,
    pub networks: BTreeMap<String, Network>,
    pub volumes: BTreeMap<String, Volume>,
    pub secrets: BTreeMap<String, Secret>,
    pub configs: BTreeMap<String, Config>,
    /// Top-level `models` (AI models), kept as written.
    pub models: BTreeMap<String, Spanned<Value>>,
    /// Profiles that were active while loading.
    pub active_profiles: Vec<String>,
    /// Warnings the loader gave (unset variables, obsolete `version`), in order.
    pub warnings: Vec<Spanned<String>>,
    /// Top-level `x-*` extensions.
    pub extensions: Extensions,
    /// Spans of the scalars that took a non-empty value from a variable whose name the
    /// secrets classifier flags (`postgres://app:${DB_PASSWORD}@db/app`): a value at such a
    /// span is secret-bearing whatever its own key is called.
    pub secret_interpolations: std::collections::BTreeSet<Span>,
}

/// Top-level `networks.<key>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Network {
    /// Span of the network's key (or of the first use, for the implicit `default`).
    pub span: Span,
    /// Runtime name: `name:` if given, else `<project>_<key>`; for external, the external name.
    pub name: Spanned<String>,
    pub driver: Option<Spanned<String>>,
    pub driver_opts: BTreeMap<String, Spanned<String>>,
    pub ipam: Option<Spanned<Ipam>>,
    pub external: Option<Spanned<bool>>,
    pub internal: Option<Spanned<bool>>,
    pub enable_ipv4: Option<Spanned<bool>>,
    pub enable_ipv6: Option<Spanned<bool>>,
    pub attachable: Option<Spanned<bool>>,
    pub labels: BTreeMap<String, Spanned<String>>,
    /// True for the `default` network that Compose adds when a service uses no network.
    pub implicit: bool,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ipam {
    pub driver: Option<Spanned<String>>,
    pub config: Vec<Spanned<IpamPool>>,
    pub options: BTreeMap<String, Spanned<String>>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct IpamPool {
    pub subnet: Option<Spanned<String>>,
    pub ip_range: Option<Spanned<String>>,
    pub gateway: Option<Spanned<String>>,
    pub aux_addresses: BTreeMap<String, Spanned<String>>,
    pub extensions: Extensions,
}

/// Top-level `volumes.<key>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Volume {
    pub span: Span,
    /// Runtime name: `name:` if given, else `<project>_<key>`.
    pub name: Spanned<String>,
    pub driver: Option<Spanned<String>>,
    pub driver_opts: BTreeMap<String, Spanned<String>>,
    pub external: Option<Spanned<bool>>,
    pub labels: BTreeMap<String, Spanned<String>>,
    pub extensions: Extensions,
}

/// Top-level `secrets.<key>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Secret {
    pub span: Span,
    pub name: Spanned<String>,
    /// Absolute path of a file-backed secret.
    pub file: Option<Spanned<PathBuf>>,
    /// Name of the environment variable of an environment-backed secret.
    pub environment: Option<Spanned<String>>,
    /// The value of that variable at load time, if it was set (never printed).
    pub environment_value: Option<String>,
    pub external: Option<Spanned<bool>>,
    pub labels: BTreeMap<String, Spanned<String>>,
    pub driver: Option<Spanned<String>>,
    pub driver_opts: BTreeMap<String, Spanned<String>>,
    pub template_driver: Option<Spanned<String>>,
    pub extensions: Extensions,
}

/// Top-level `configs.<key>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    pub span: Span,
    pub name: Spanned<String>,
    pub file: Option<Spanned<PathBuf>>,
    pub environment: Option<Spanned<String>>,
    pub environment_value: Option<String>,
    /// Inline `content:` (interpolated).
    pub content: Option<Spanned<String>>,
    pub external: Option<Spanned<bool>>,
    pub labels: BTreeMap<String, Spanned<String>>,
    pub template_driver: Option<Spanned<String>>,
    pub extensions: Extensions,
}

/// `tmpfs.size` and friends share this.
pub type Size = Spanned<ByteSize>;
