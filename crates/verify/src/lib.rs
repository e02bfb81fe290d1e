//! transship-verify
