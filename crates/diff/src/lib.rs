//! transship-diff
