//! Profiling harness (feature `bench`): loads the synthetic project once, for
//! `valgrind --tool=callgrind` (repeatable instruction counts on a noisy machine).
//! `cargo build --profile bench -p transship-loader --features bench --example load_once`,
//! then `valgrind --tool=callgrind <target>/release/examples/load_once [SERVICES] [tree|full|parse|saphyr|gen|dump]`
//! (`dump` prints the synthetic file, e.g. to profile `migrate` on it).
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::collections::BTreeMap;

use transship_loader::discovery::LoadOptions;

fn main() {
    let mut args = std::env::args().skip(1);
    let services: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let stage = args.next().unwrap_or_else(|| "full".to_owned());
    let text = transship_loader::synthetic::compose_file(services);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, &text).unwrap();
    let opts = LoadOptions {
        files: vec![path.clone()],
        cwd: dir.path().to_path_buf(),
        environment: BTreeMap::from([("TAG".to_owned(), "2.0".to_owned())]),
        ..LoadOptions::default()
    };
    match stage.as_str() {
        "dump" => print!("{text}"),
        // Generation and the file write alone: subtract it from the other stages' counts.
        "gen" => {}
        "parse" => {
            let bytes = std::fs::read_to_string(&path).unwrap();
            let mut events = 0usize;
            for ev in saphyr_parser::Parser::new_from_str(&bytes) {
                ev.unwrap();
                events += 1;
            }
            println!("{events} events");
        }
        "saphyr" => {
            let bytes = std::fs::read_to_string(&path).unwrap();
            std::hint::black_box(transship_loader::synthetic::document_tree(&bytes));
        }
        "tree" => {
            let loaded = transship_loader::pipeline::load_tree(&opts).unwrap();
            std::hint::black_box(loaded);
        }
        _ => {
            let p = transship_loader::load(&opts).unwrap();
            println!("{} services", p.services.len());
        }
    }
}
