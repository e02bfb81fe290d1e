//! Synthetic Compose projects for benchmarks (feature `bench`): one generator shared by the
//! loader's benchmark (`crates/loader/benches/load.rs`) and the end-to-end conversion
//! benchmark (`crates/cli/benches/convert.rs`), so both measure the same file.

use std::fmt::Write as _;

/// A realistic project of `services` services: shared defaults through an anchor and a
/// merge key, images with interpolated tags (`${TAG:-…}`, `${FEATURE:-on}`), ports,
/// environment, named and bind volumes, a dependency chain, healthchecks, labels. About
/// 406 bytes per service (812 KB for 2,000).
pub fn compose_file(services: usize) -> String {
    let mut s = String::with_capacity(services * 420 + 1024);
    s.push_str(
        "name: bench\nx-defaults: &defaults\n  restart: unless-stopped\n  logging:\n    driver: json-file\n    options:\n      max-size: 10m\n      max-file: \"3\"\n  deploy:\n    resources:\n      limits: {cpus: \"0.50\", memory: 256M}\nservices:\n",
    );
    for i in 0..services {
        let deps = if i == 0 {
            String::from("[]")
        } else {
            format!("[svc-{}]", i - 1)
        };
        let _ = write!(
            s,
            "  svc-{i}:\n    <<: *defaults\n    image: \"example.com/app-{i}:${{TAG:-1.0.{i}}}\"\n    ports:\n      - \"{}:80\"\n    environment:\n      APP_ID: \"{i}\"\n      FEATURE: ${{FEATURE:-on}}\n    volumes:\n      - data-{i}:/var/lib/app\n      - ./conf/{i}:/etc/app:ro\n    depends_on: {deps}\n    healthcheck:\n      test: [\"CMD\", \"wget\", \"-q\", \"localhost\"]\n      interval: 30s\n    labels:\n      - team=t{}\n",
            10_000 + i % 50_000,
            i % 7
        );
    }
    s.push_str("volumes:\n");
    for i in 0..services {
        let _ = writeln!(s, "  data-{i}: {{}}");
    }
    s
}

/// The benchmarks' second bare parse: `text` into saphyr's spanned document tree (the same
/// parser as the loader's, by its fastest path: over a `&str`, nodes borrowing their text),
/// dropped before returning. There is no alias budget: saphyr's default (100,000 nodes)
/// stops the 20,000-service file, whose merge key expands `&defaults` once per service.
///
/// # Panics
/// When `text` is not YAML (the synthetic files always are).
#[allow(clippy::panic)]
pub fn document_tree(text: &str) -> usize {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut loader: saphyr::YamlLoader<'_, saphyr::MarkedYaml<'_>> = saphyr::YamlLoader::default();
    loader.alias_limit(usize::MAX);
    if let Err(e) = parser.load(&mut loader, true) {
        panic!("synthetic file: {e}");
    }
    if let Some(e) = loader.error() {
        panic!("synthetic file: {e}");
    }
    loader.into_documents().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synthetic_file_has_the_asked_number_of_services_and_loads() {
        let text = compose_file(3);
        assert_eq!(text.matches("\n  svc-").count(), 3);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, &text).expect("write");
        let project = crate::load(&crate::LoadOptions {
            files: vec![path],
            cwd: dir.path().to_path_buf(),
            ..crate::LoadOptions::default()
        })
        .expect("the synthetic file loads");
        assert_eq!(project.services.len(), 3);
        assert_eq!(project.volumes.len(), 3);
    }
}
