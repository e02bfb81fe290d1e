//! `healthcheck`: `test` string → CMD-SHELL, `["NONE"]`, `disable`, durations.

use std::collections::BTreeMap;

use transship_ir::{HealthTest, Healthcheck, Spanned};

use super::read::*;
use crate::tree::{Node, NodeValue};

pub(crate) fn healthcheck(
    cx: &mut CanonicalizeState<'_>,
    v: &Node,
    p: &str,
) -> LoadResult<Option<Spanned<Healthcheck>>> {
    if matches!(v.value, NodeValue::Null) {
        return Ok(None);
    }
    let mut h = Healthcheck::default();
    let mut ext = BTreeMap::new();
    for (k, n, kp) in object(cx, v, p, &mut ext)? {
        match k.name.as_str() {
            "test" => h.test = test(cx, n, &kp)?,
            "interval" => h.interval = opt_duration(cx, n, &kp)?,
            "timeout" => h.timeout = opt_duration(cx, n, &kp)?,
            "retries" => h.retries = opt_int(cx, n, &kp)?,
            "start_period" => h.start_period = opt_duration(cx, n, &kp)?,
            "start_interval" => h.start_interval = opt_duration(cx, n, &kp)?,
            "disable" => h.disable = opt_bool(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, p)),
        }
    }
    if let Some(t) = &h.test {
        if t.value == HealthTest::None && h.disable.is_none() {
            h.disable = Some(Spanned::new(true, t.span));
        }
    }
    h.extensions = ext;
    Ok(Some(Spanned::new(h, v.span)))
}

fn test(cx: &CanonicalizeState<'_>, n: &Node, p: &str) -> LoadResult<Option<Spanned<HealthTest>>> {
    let t = match &n.value {
        NodeValue::Null => return Ok(None),
        NodeValue::String(s) => HealthTest::CmdShell(s.clone()),
        // An empty list is no test (docker-compose prints `healthcheck: {}`).
        NodeValue::Seq(items) if items.is_empty() => return Ok(None),
        NodeValue::Seq(items) => {
            let mut words = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                words.push(string(cx, item, &item_key_path(p, i))?.value);
            }
            match words.first().map(String::as_str) {
                Some("NONE") => HealthTest::None,
                Some("CMD") => HealthTest::Cmd(words[1..].to_vec()),
                Some("CMD-SHELL") => {
                    if words.len() != 2 {
                        return Err(cx.err(
                            n.span,
                            p,
                            format!("{p}: CMD-SHELL takes exactly one command string"),
                        ));
                    }
                    HealthTest::CmdShell(words[1].clone())
                }
                _ => {
                    return Err(cx.err(
                        n.span,
                        p,
                        "healthcheck.test must start either by \"CMD\", \"CMD-SHELL\" or \"NONE\"",
                    ));
                }
            }
        }
        _ => return Err(cx.err(n.span, p, format!("{p} must be a string or a list"))),
    };
    Ok(Some(Spanned::new(t, n.span)))
}
