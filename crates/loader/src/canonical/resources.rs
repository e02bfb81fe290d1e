//! Top-level `secrets` and `configs`.

use std::collections::BTreeMap;

use transship_ir::{Config, Secret};

use super::read::*;
use super::volumes::{external, resource_name};
use crate::tree::{Key, Node};

pub(crate) fn secret(cx: &mut CanonicalizeState<'_>, key: &Key, node: &Node) -> LoadResult<Secret> {
    let path = format!("secrets.{}", key.name);
    let mut s = Secret {
        span: key.span,
        ..Secret::default()
    };
    let mut ext = BTreeMap::new();
    let mut name = None;
    for (k, n, kp) in object(cx, node, &path, &mut ext)? {
        match k.name.as_str() {
            "name" => name = opt_string(cx, n, &kp)?,
            "file" => {
                if let Some(f) = opt_string(cx, n, &kp)? {
                    let span = f.span;
                    s.file = Some(transship_ir::Spanned::new(
                        cx.abs_path(span, &f.value),
                        span,
                    ));
                }
            }
            "environment" => {
                s.environment = opt_string(cx, n, &kp)?;
                s.environment_value = s
                    .environment
                    .as_ref()
                    .and_then(|e| cx.env.get(&e.value).cloned());
            }
            "external" => s.external = external(cx, n, &kp, &mut name)?,
            "labels" => s.labels = string_map(cx, n, &kp)?,
            "driver" => s.driver = omitempty_string(cx, n, &kp)?,
            "driver_opts" => s.driver_opts = string_map(cx, n, &kp)?,
            "template_driver" => s.template_driver = omitempty_string(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, &path)),
        }
    }
    s.name = resource_name(cx, key, name, s.external.as_ref());
    s.extensions = ext;
    Ok(s)
}

pub(crate) fn config(cx: &mut CanonicalizeState<'_>, key: &Key, node: &Node) -> LoadResult<Config> {
    let path = format!("configs.{}", key.name);
    let mut c = Config {
        span: key.span,
        ..Config::default()
    };
    let mut ext = BTreeMap::new();
    let mut name = None;
    for (k, n, kp) in object(cx, node, &path, &mut ext)? {
        match k.name.as_str() {
            "name" => name = opt_string(cx, n, &kp)?,
            "file" => {
                if let Some(f) = opt_string(cx, n, &kp)? {
                    let span = f.span;
                    c.file = Some(transship_ir::Spanned::new(
                        cx.abs_path(span, &f.value),
                        span,
                    ));
                }
            }
            "environment" => {
                c.environment = opt_string(cx, n, &kp)?;
                c.environment_value = c
                    .environment
                    .as_ref()
                    .and_then(|e| cx.env.get(&e.value).cloned());
            }
            "content" => c.content = opt_string(cx, n, &kp)?,
            "external" => c.external = external(cx, n, &kp, &mut name)?,
            "labels" => c.labels = string_map(cx, n, &kp)?,
            "template_driver" => c.template_driver = omitempty_string(cx, n, &kp)?,
            _ => return Err(unknown(cx, k, &path)),
        }
    }
    c.name = resource_name(cx, key, name, c.external.as_ref());
    c.extensions = ext;
    Ok(c)
}
