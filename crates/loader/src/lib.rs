//! Compose files -> IR, with Docker Compose's exact loading semantics.
//!
//! One module per stage of the loading order; see docs/ARCHITECTURE.md.

pub mod canonical;
pub mod dotenv;
pub mod error;
pub mod interpolate;
pub mod render;
pub mod tree;
pub mod validate;
pub mod yaml;

pub use error::LoadError;
