//! transship-ir
