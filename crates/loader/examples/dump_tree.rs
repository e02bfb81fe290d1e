//! Prints the merged, interpolated project tree (`load_tree`) of the current directory as
//! JSON, for comparing the front stages with `docker-compose config` by hand.
//! Usage: `cargo run -p transship-loader --example dump_tree -- [-f FILE]...`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use transship_loader::discovery::LoadOptions;
use transship_loader::pipeline::load_tree;
use transship_loader::yaml::to_json;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-f"
            && let Some(f) = it.next()
        {
            files.push(f.into());
        }
    }
    let opts = LoadOptions {
        files,
        environment: std::env::vars().collect(),
        cwd: std::env::current_dir().unwrap_or_default(),
        ..LoadOptions::default()
    };
    match load_tree(&opts) {
        Ok(l) => {
            for w in &l.warnings {
                eprintln!("warning: {}", w.value);
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&to_json(&l.tree)).unwrap_or_default()
            );
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
