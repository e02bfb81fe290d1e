//! The default text report (`migrate FILE --to podman`) of real projects, loaded and
//! translated as the command does: a clean project, one with gaps (the same reason in several
//! services), and a clean project of 2,000 services, which must stay short.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::Path;

use transship_cli::Target;
use transship_cli::report::{self, ReportContext};
use transship_cli::targets::{self, TargetOptions};
use transship_loader::LoadOptions;

/// `compose` as `compose.yaml` in a fresh directory, loaded, translated for podman 5.4 and
/// reported with `render` (file names relative to the directory).
fn report_of(
    compose: &str,
    render: fn(&transship_translate::Ledger, &ReportContext, &str) -> String,
) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let opts = LoadOptions {
        files: vec!["compose.yaml".into()],
        cwd: dir.path().to_path_buf(),
        ..LoadOptions::default()
    };
    let project = transship_loader::load(&opts).unwrap_or_else(|e| panic!("load: {e}"));
    let configured = targets::configure(Target::Podman, &TargetOptions::default()).unwrap();
    let output = configured.translator.translate(&project).unwrap();
    let ctx = ReportContext::from_project(&project, Some(Path::new(dir.path())));
    render(&output.ledger, &ctx, &configured.title)
}

const CLEAN: &str = "\
name: shop
x-env: &env
  TZ: UTC
services:
  web:
    image: docker.io/library/nginx:1.27
    ports:
      - \"8080:80\"
    environment: *env
  db:
    image: docker.io/library/postgres:16
    environment:
      <<: *env
      POSTGRES_DB: shop
    volumes:
      - db-data:/var/lib/postgresql/data
volumes:
  db-data:
";

const GAPS: &str = "\
name: shop
x-common: &common
  restart: unless-stopped
  domainname: example.com
x-owner:
  team: web
services:
  web:
    <<: *common
    image: docker.io/library/nginx:1.27
  api:
    <<: *common
    image: localhost/api:1
  worker:
    image: localhost/worker:1
    domainname: example.com
    restart: on-failure:3
  db:
    image: docker.io/library/postgres:16
";

#[test]
fn clean_project_is_a_short_summary() {
    let text = report_of(CLEAN, report::render_text);
    assert!(text.contains("nothing lost"), "{text}");
    insta::assert_snapshot!("clean", text);
}

#[test]
fn gaps_are_grouped_by_reason_worst_first() {
    let text = report_of(GAPS, report::render_text);
    insta::assert_snapshot!("gaps", text);
}

#[test]
fn full_report_lists_every_service() {
    let text = report_of(GAPS, report::render_text_full);
    for service in ["web", "api", "worker", "db"] {
        assert!(text.contains(&format!("\nservice {service} (")), "{text}");
    }
    insta::assert_snapshot!("gaps-full", text);
}

#[test]
fn a_clean_project_of_2000_services_stays_under_40_lines() {
    let mut compose = String::from("name: big\nx-env: &env\n  TZ: UTC\nservices:\n");
    for i in 0..2000 {
        let _ = write!(
            compose,
            "  svc-{i}:\n    image: example.com/app-{i}:1.0\n    environment: *env\n    \
             ports:\n      - \"{}:80\"\n    volumes:\n      - data-{i}:/var/lib/app\n",
            10_000 + i
        );
    }
    compose.push_str("volumes:\n");
    for i in 0..2000 {
        let _ = writeln!(compose, "  data-{i}: {{}}");
    }
    let text = report_of(&compose, report::render_text);
    assert!(text.lines().count() < 40, "{text}");
    assert!(text.contains("nothing lost"), "{text}");
    insta::assert_snapshot!("clean-2000-services", text);
}
