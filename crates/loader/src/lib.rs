//! Compose files -> IR, with Docker Compose's exact loading semantics.
//!
//! One module per stage of the loading order; see docs/ARCHITECTURE.md.

pub mod canonical;
pub mod discovery;
pub mod dotenv;
pub mod error;
pub mod extends;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod include;
pub mod interpolate;
mod load_state;
pub mod merge;
pub mod pipeline;
pub mod render;
#[cfg(feature = "bench")]
pub mod synthetic;
pub mod tree;
pub mod validate;
pub mod yaml;

pub use error::LoadError;

pub use discovery::LoadOptions;

/// Loads a Compose project exactly as Docker Compose does: the front stages
/// ([`pipeline::load_tree`]: discovery, YAML, interpolation, `extends`, `include`, `-f` merge),
/// then canonicalization to the IR ([`canonical`]: profiles, long syntax, typed values,
/// paths, names, the implicit `default` network), validation ([`validate`]), and finally the
/// removal of top-level resources no active service uses, as `docker compose config` does.
pub fn load(opts: &LoadOptions) -> Result<transship_ir::Project, LoadError> {
    let pipeline::Loaded {
        tree,
        files,
        environment,
        project_name,
        project_dir,
        warnings,
        secret_spans,
    } = pipeline::load_tree(opts)?;
    let mut project = canonical::canonicalize(canonical::Input {
        tree,
        files,
        environment,
        project_name,
        project_dir,
        warnings,
        profiles: opts.profiles.clone(),
        services: opts.services.clone(),
    })?;
    project.secret_interpolations = secret_spans.into_iter().collect();
    validate::validate(&project)?;
    canonical::prune_unused(&mut project);
    Ok(project)
}
