//! Hostile and mutated input never makes the front loader panic: random YAML-ish text and
//! mutations of realistic Compose files go through `load_tree` (parse, interpolation,
//! extends, include, merge, dotenv) and must give `Ok` or a located `Err`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use transship_loader::discovery::LoadOptions;
use transship_loader::pipeline::load_tree;

const SEEDS: &[&str] = &[
    "x-base: &base\n  restart: always\n  labels: [a=1]\nservices:\n  web:\n    <<: *base\n    image: \"nginx:${TAG:-1}\"\n    ports: ['80:80', {target: 81}]\n    environment:\n      A: $$x\n      B: ${B:?need b}\n    depends_on: [db]\n  db:\n    image: pg\n    extends: {service: web}\n",
    "services:\n  a:\n    extends: b\n  b:\n    image: x\n    volumes: [./d:/d]\n---\nservices:\n  a:\n    ports: !override []\n    volumes: !reset null\n",
    "include:\n  - other.yaml\n  - path: [o2.yaml]\n    env_file: x.env\nname: ${N}\nservices: {}\n",
    "a: &a [*a]\nb: !!int x\nc: 2001-12-14\nd: [[[[[{}]]]]]\n",
];

fn run(text: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("compose.yaml"), text).unwrap();
    std::fs::write(d.join("other.yaml"), text).unwrap();
    std::fs::write(d.join(".env"), text).unwrap();
    let opts = LoadOptions {
        cwd: d.to_path_buf(),
        environment: BTreeMap::from([("B".to_owned(), "b".to_owned())]),
        ..LoadOptions::default()
    };
    if let Err(e) = load_tree(&opts) {
        assert!(!e.message.is_empty());
    }
}

fn mutate(seed: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for &(pos, op, c) in edits {
        if chars.is_empty() {
            chars.push(c);
            continue;
        }
        let i = pos % chars.len();
        match op % 3 {
            0 => chars.insert(i, c),
            1 => {
                chars.remove(i);
            }
            _ => chars[i] = c,
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_yamlish_text(s in "[a-z0-9 :\\-\\[\\]{},&*!<>|'\"#$\\n.~]{0,200}") {
        run(&s);
    }

    #[test]
    fn mutated_compose_files(
        seed in 0..SEEDS.len(),
        edits in proptest::collection::vec(
            (0usize..10_000, 0u8..3, proptest::sample::select(vec![
                ' ', '\n', ':', '-', '&', '*', '!', '<', '[', ']', '{', '}', '$', '\'', '"',
                '#', '|', '>', '\t', 'a', '0', '%', '@', '`', '?', '\\', 'é',
            ])),
            0..12,
        ),
    ) {
        run(&mutate(SEEDS[seed], &edits));
    }
}

#[test]
fn seeds_do_not_panic() {
    for s in SEEDS {
        run(s);
    }
}
