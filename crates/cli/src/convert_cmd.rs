//! The default form: `migrate [FILE]... --to TARGET`.

use std::process::ExitCode;

use crate::ConvertArgs;

pub(crate) fn run(args: ConvertArgs) -> ExitCode {
    crate::not_implemented(&format!("migrate --to {:?}", args.to))
}
