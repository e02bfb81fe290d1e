//! `migrate check`: what will break on the target.

use std::process::ExitCode;

use crate::CheckArgs;

pub(crate) fn run(_args: CheckArgs) -> ExitCode {
    crate::not_implemented("migrate check")
}
