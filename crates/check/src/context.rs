//! What a rule sees: the project, the host facts, the options, the source texts and (for
//! target-gap rules) the chosen translator's ledger.

use transship_ir::Project;
use transship_translate::Ledger;

use crate::host::HostFacts;
use crate::source::Sources;

/// Options that change what the rules report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Run the rootless rules (`--rootless`).
    pub rootless: bool,
    /// Run the production-profile rules (`--production`).
    pub production: bool,
    /// An image without a digest is a finding (`--require-digests`).
    pub require_digests: bool,
    /// The `--to` target whose ledger the target-gap rules read.
    pub target: Option<String>,
}

/// The input of every rule.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub project: &'a Project,
    /// `None`: `--host-facts none`; host-dependent findings are then conditional.
    pub host: Option<&'a HostFacts>,
    pub options: &'a CheckOptions,
    /// The text of the project's files (for mechanical fixes); may be empty.
    pub sources: &'a Sources,
    /// The `--to` translator's ledger, when one ran.
    pub ledger: Option<&'a Ledger>,
}
