//! PR008 database-published (see [`DOC`]).
use super::prelude::*;

pub const RULE: Rule = Rule {
    code: "PR008",
    name: "database-published",
    severity: Severity::Warning,
    category: Category::Hygiene,
    doc: DOC,
    uses_host: false,
    check,
};

const DATABASES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "valkey",
    "memcached",
    "elasticsearch",
    "opensearch",
    "cassandra",
    "couchdb",
    "influxdb",
    "clickhouse-server",
    "neo4j",
    "rabbitmq",
    "etcd",
    "keydb",
    "timescaledb",
    "cockroach",
];

pub const DOC: &str = r#"## What it checks
A database or broker (by image: postgres, mysql, mariadb, mongo, redis, memcached, elasticsearch, rabbitmq, ...) with a port published on all interfaces (no `host_ip`, or `0.0.0.0` / `::`).

## Why it breaks
The database becomes reachable from the network, usually with weak or default credentials, and Docker/Podman port publishing bypasses host firewalls such as ufw. Other services of the project reach it over the project network without any published port.

## Example
```yaml
services:
  db:
    image: postgres:16
    ports:
      - "5432:5432"
```

## Fix
Remove the published port if only the project's services use it, or bind it to loopback: `"127.0.0.1:5432:5432"`. A mechanical patch adds `127.0.0.1:` to short-syntax ports.

## References
- Compose Specification, `ports` (`host_ip`).
"#;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.services.values() {
        let Some(image) = &svc.image else { continue };
        let base = util::image_basename(&image.value);
        if !DATABASES.contains(&base) {
            continue;
        }
        for (i, port) in svc.ports.iter().enumerate() {
            let p = &port.value;
            if p.published.is_none() {
                continue;
            }
            if p.host_ip
                .as_deref()
                .is_some_and(|ip| !matches!(ip, "0.0.0.0" | "::" | ""))
            {
                continue;
            }
            let edits: Vec<Edit> = ctx
                .sources
                .scalar_at(port.span)
                .and_then(|e| ctx.sources.slice(port.span.file, e.start, e.end))
                .filter(|t| {
                    let t = t.trim_matches(['"', '\'']);
                    t.split(':').count() == 2
                        && t.chars().all(|c| {
                            c.is_ascii_digit()
                                || matches!(c, ':' | '-' | '/' | 't' | 'c' | 'p' | 'u' | 'd')
                        })
                })
                .and_then(|_| util::prefix_scalar_edit(ctx.sources, port.span, "127.0.0.1:"))
                .into_iter()
                .collect();
            out.push(
                Finding::new(
                    &RULE,
                    port.span,
                    format!("{}[{i}]", key(svc, "ports")),
                    format!(
                        "{base} publishes port {} on all interfaces",
                        p.published.as_deref().unwrap_or("")
                    ),
                )
                .fix(Fix::with_edits(
                    "bind it to loopback (\"127.0.0.1:HOST:CONTAINER\") or drop the published port",
                    edits,
                )),
            );
        }
    }
    out
}
