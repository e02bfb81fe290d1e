//! transship-check
