//! transship-translate
