//! transship-loader
