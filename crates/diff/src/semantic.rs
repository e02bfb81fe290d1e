//! What a change of the Compose project means, service by service: computed from the two
//! projects' normalized configurations (`migrate config --format json` of each side, which
//! the loader renders from the IR), never from generated text.

use serde::Serialize;
use serde_json::Value;

use crate::{Status, mask};

/// One key of a service that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyChange {
    /// `image`, `environment.API_TOKEN`, `ports`, `depends_on.db.condition`, ...
    pub key: String,
    /// The old value (compact JSON, or a mask), `None` when the key or item was added.
    pub from: Option<String>,
    /// The new value, `None` when the key or item was removed.
    pub to: Option<String>,
    /// The list holds the same items in another order: no change of meaning.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub order_only: bool,
}

/// A service that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceChange {
    pub service: String,
    pub status: Status,
    pub changes: Vec<KeyChange>,
}

/// How values are shown.
pub struct Masking<'a> {
    /// Whether the value at `service`/`key` is secret-bearing (`environment.DB_PASSWORD`).
    pub secret: &'a dyn Fn(&str, &str) -> bool,
    pub show_secrets: bool,
    pub salt: u64,
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The per-service meaning of going from `old` to `new` (both `compose config` JSON).
pub fn services(old: &Value, new: &Value, m: &Masking<'_>) -> Vec<ServiceChange> {
    let empty = serde_json::Map::new();
    let o = old["services"].as_object().unwrap_or(&empty);
    let n = new["services"].as_object().unwrap_or(&empty);
    let mut names: Vec<&String> = o.keys().chain(n.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        match (o.get(name), n.get(name)) {
            (Some(_), None) => out.push(ServiceChange {
                service: name.clone(),
                status: Status::Removed,
                changes: Vec::new(),
            }),
            (None, Some(_)) => out.push(ServiceChange {
                service: name.clone(),
                status: Status::Added,
                changes: Vec::new(),
            }),
            (Some(a), Some(b)) if a != b => {
                let mut changes = Vec::new();
                compare(name, "", a, b, 0, m, &mut changes);
                out.push(ServiceChange {
                    service: name.clone(),
                    status: Status::Changed,
                    changes,
                });
            }
            _ => {}
        }
    }
    out
}

fn shown(service: &str, key: &str, v: &Value, m: &Masking<'_>) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => compact(other),
    };
    if !m.show_secrets && (m.secret)(service, key) {
        mask(&text, m.salt)
    } else {
        compact(v)
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Maps are compared key by key down to two levels (`depends_on.db.condition`); lists as
/// sets of items (an order-only change is marked as such); anything else as a value.
fn compare(
    service: &str,
    prefix: &str,
    a: &Value,
    b: &Value,
    depth: usize,
    m: &Masking<'_>,
    out: &mut Vec<KeyChange>,
) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if depth < 3 => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let key = join(prefix, k);
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) if p != q => compare(service, &key, p, q, depth + 1, m, out),
                    (Some(p), None) => out.push(KeyChange {
                        from: Some(shown(service, &key, p, m)),
                        key,
                        to: None,
                        order_only: false,
                    }),
                    (None, Some(q)) => out.push(KeyChange {
                        to: Some(shown(service, &key, q, m)),
                        key,
                        from: None,
                        order_only: false,
                    }),
                    _ => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            let mut xs: Vec<String> = x.iter().map(compact).collect();
            let mut ys: Vec<String> = y.iter().map(compact).collect();
            xs.sort();
            ys.sort();
            if xs == ys {
                out.push(KeyChange {
                    key: prefix.to_owned(),
                    from: None,
                    to: None,
                    order_only: true,
                });
                return;
            }
            for (item, raw) in x.iter().map(|v| (compact(v), v)) {
                if !ys.contains(&item) {
                    out.push(KeyChange {
                        key: prefix.to_owned(),
                        from: Some(shown(service, prefix, raw, m)),
                        to: None,
                        order_only: false,
                    });
                }
            }
            for (item, raw) in y.iter().map(|v| (compact(v), v)) {
                if !xs.contains(&item) {
                    out.push(KeyChange {
                        key: prefix.to_owned(),
                        from: None,
                        to: Some(shown(service, prefix, raw, m)),
                        order_only: false,
                    });
                }
            }
        }
        _ => out.push(KeyChange {
            key: prefix.to_owned(),
            from: Some(shown(service, prefix, a, m)),
            to: Some(shown(service, prefix, b, m)),
            order_only: false,
        }),
    }
}

/// The semantic part as text: one block per service, one line per change.
pub fn text(changes: &[ServiceChange]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if changes.is_empty() {
        s.push_str("no service changes its meaning\n");
        return s;
    }
    for c in changes {
        let _ = writeln!(s, "service {}: {}", c.service, c.status.label());
        for k in &c.changes {
            let line = match (&k.from, &k.to, k.order_only) {
                (_, _, true) => {
                    format!("{}: same items, other order (no change of meaning)", k.key)
                }
                (Some(f), Some(t), _) => format!("{}: {f} -> {t}", k.key),
                (Some(f), None, _) => format!("{}: - {f}", k.key),
                (None, Some(t), _) => format!("{}: + {t}", k.key),
                (None, None, _) => k.key.clone(),
            };
            let _ = writeln!(s, "  {line}");
        }
    }
    s
}

/// Whether any change is one of meaning (not only order).
pub fn has_meaning(changes: &[ServiceChange]) -> bool {
    changes
        .iter()
        .any(|c| c.status != Status::Changed || c.changes.iter().any(|k| !k.order_only))
}
