//! The normalized model of a Compose project (the IR).
//!
//! Plain data: public fields, no IO, no YAML crate, never `#[non_exhaustive]`, so that
//! translators can destructure every struct without `..` and a new field breaks their build
//! until it is classified in their ledger.
//!
//! Everything is in Compose's *long* syntax with typed values (durations, byte sizes, ports,
//! restart policies). Every value carries the [`Span`] of the text that supplied its final
//! value, including values that came through an anchor, `extends`, `include`, an env file or an
//! override file.

mod project;
mod service;
mod span;
mod value;

pub use project::*;
pub use service::*;
pub use span::*;
pub use value::*;
