use std::collections::BTreeMap;

/// A free-form value (extensions `x-*`, and keys whose content Compose does not interpret,
/// such as `develop` or `provider`). Interpolation has already been applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Value>),
    /// Mapping in source order.
    Map(Vec<(String, Value)>),
}

/// `x-*` extensions of an object, by key.
pub type Extensions = BTreeMap<String, crate::Spanned<Value>>;

/// A size in bytes (`mem_limit: 1g` is `ByteSize(1073741824)`). Negative only where Compose
/// allows `-1` (unlimited swap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteSize(pub i64);

/// A Compose duration (`1m30s`, `90s`, `1500ms`), in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub i64);

impl Duration {
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs * 1_000_000_000)
    }

    pub const fn as_nanos(&self) -> i64 {
        self.0
    }

    /// Whole seconds, rounded up (what `--stop-timeout` style flags take).
    pub const fn as_secs_ceil(&self) -> i64 {
        (self.0 + 999_999_999) / 1_000_000_000
    }
}
