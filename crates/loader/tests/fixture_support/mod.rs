//! The fixture loader of the loader's own tests: the one in `transship_loader::fixtures`
//! (feature `fixtures`, enabled for these tests by the crate's dev-dependency on itself).
#![allow(unused_imports)]

pub use transship_loader::fixtures::{fixture_dirs, fixtures_root, options, redact};
