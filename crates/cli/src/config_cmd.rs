//! `migrate config`: print the project as Docker Compose would see it.

use std::process::ExitCode;

use crate::ConfigArgs;

pub(crate) fn run(_args: ConfigArgs) -> ExitCode {
    crate::not_implemented("migrate config")
}
