//! The loader's options for the project flags, built in one place for every command that
//! loads a Compose project (`config`, `check`, the default convert form).

use std::path::PathBuf;

use transship_loader::LoadOptions;

use crate::ProjectArgs;

/// The loader's options for the project flags (positional FILEs first, then `-f` files),
/// with the real process environment and working directory. A file named `-` (`-f -`) is
/// standard input, read here once, whole, as Compose does; the loader names it `-` in spans
/// and takes relative paths in it from the working directory (or `--project-directory`).
pub(crate) fn load_options(inputs: &[PathBuf], args: &ProjectArgs) -> Result<LoadOptions, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut files = inputs.to_vec();
    files.extend(args.files.iter().cloned());
    let stdin = read_stdin_if_asked(&files)?;
    Ok(LoadOptions {
        files,
        project_name: args.project_name.clone(),
        project_directory: args.project_directory.clone(),
        env_files: args.env_files.clone(),
        profiles: args.profiles.clone(),
        // Variables whose name or value is not UTF-8 cannot be used by a Compose file.
        environment: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
        cwd,
        limits: None,
        stdin,
        services: Vec::new(),
    })
}

/// True when one of the files is standard input (`-`).
pub(crate) fn reads_stdin(files: &[PathBuf]) -> bool {
    files
        .iter()
        .any(|f| f.as_os_str() == transship_loader::pipeline::STDIN_NAME)
}

/// Standard input, when a `-f -` asks for it (read once, whole, as Compose does).
fn read_stdin_if_asked(files: &[PathBuf]) -> Result<Option<String>, String> {
    if !reads_stdin(files) {
        return Ok(None);
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
        .map_err(|e| format!("cannot read the Compose file from standard input: {e}"))?;
    Ok(Some(text))
}

/// Loads the project the flags name (the loader's error as its message).
pub(crate) fn load_project(
    inputs: &[PathBuf],
    args: &ProjectArgs,
) -> Result<transship_ir::Project, String> {
    let opts = load_options(inputs, args)?;
    transship_loader::load(&opts).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn positional_files_come_before_dash_f_files() {
        let p = ProjectArgs {
            files: vec![PathBuf::from("override.yaml")],
            profiles: vec!["debug".into()],
            ..ProjectArgs::default()
        };
        let o = load_options(&[PathBuf::from("compose.yaml")], &p).unwrap();
        assert_eq!(
            o.files,
            vec![
                PathBuf::from("compose.yaml"),
                PathBuf::from("override.yaml")
            ]
        );
        assert_eq!(o.profiles, vec!["debug".to_owned()]);
        assert!(o.cwd.is_absolute());
    }
}
