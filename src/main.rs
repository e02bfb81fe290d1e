//! The `migrate` binary: a thin shim; everything lives in `transship-cli`.
fn main() -> std::process::ExitCode {
    transship_cli::main()
}
