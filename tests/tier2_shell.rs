//! Tier 2: the shell quoting of `transship_translate::shell` in a generated script. The script
//! prints thousands of quoted words (every pair of characters shells treat specially, and
//! `sh -c` snippets quoted a second time, as `ExecStartPre=` lines carry them); shellcheck
//! finds nothing in it, and `/bin/sh` and bash print back exactly the words.
#![allow(clippy::print_stderr)]

mod support;

use std::process::Command;

use transship_translate::shell::{SHELLCHECK_LITERAL_WORDS, quote, quote_words};

const TIER: &str = "tier 2";

/// Characters with a meaning in some shell context, and a few plain ones.
const ALPHABET: &[&str] = &[
    " ",
    "\t",
    "\n",
    "'",
    "\"",
    "\\",
    "$",
    "`",
    "*",
    "?",
    "[",
    "]",
    "~",
    "#",
    "!",
    ";",
    "&",
    "|",
    "<",
    ">",
    "(",
    ")",
    "{",
    "}",
    "=",
    "^",
    "%",
    "@",
    "+",
    ":",
    ",",
    ".",
    "/",
    "-",
    "a",
    "Z",
    "0",
    "\u{e9}",
    "\u{1F600}",
];

/// Every word of one or two characters of [`ALPHABET`], and a few longer ones.
fn words() -> Vec<String> {
    let mut words = vec![
        String::new(),
        "it's a 'quoted' word".to_owned(),
        "$(id -u) `id -u` ${HOME:-/} $((1+1))".to_owned(),
        "line one\nline two\n".to_owned(),
        "--opt=\"a b\"".to_owned(),
    ];
    for a in ALPHABET {
        words.push((*a).to_owned());
        for b in ALPHABET {
            words.push(format!("{a}{b}"));
        }
    }
    words
}

/// A script that prints each word followed by a NUL: in groups of words on one `printf`
/// line, then each word again through a nested `sh -c` (the snippet quoted as one word).
fn script(words: &[String]) -> String {
    let mut s = format!("#!/bin/sh\n{SHELLCHECK_LITERAL_WORDS}\nset -eu\n");
    for group in words.chunks(16) {
        s.push_str("printf '%s\\0' ");
        s.push_str(&quote_words(group));
        s.push('\n');
    }
    for w in words {
        let snippet = format!("printf '%s\\0' {}", quote(w));
        s.push_str(&quote_words(["sh", "-c", &snippet]));
        s.push('\n');
    }
    s
}

#[test]
fn a_script_of_quoted_words_passes_shellcheck_and_prints_them_back() {
    let Some(shellcheck) = support::require_tool(TIER, "shellcheck") else {
        return;
    };
    let words = words();
    let text = script(&words);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("quoted.sh");
    std::fs::write(&path, &text).expect("write the script");

    let out = support::run_with_timeout(Command::new(&shellcheck).arg(&path), 120);
    assert!(
        out.status.success(),
        "shellcheck on the generated script:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let mut expected: Vec<u8> = Vec::new();
    for w in words.iter().chain(&words) {
        expected.extend_from_slice(w.as_bytes());
        expected.push(0);
    }
    for shell in ["/bin/sh", "bash"] {
        let out = support::run_with_timeout(Command::new(shell).arg(&path), 120);
        assert!(
            out.status.success(),
            "{shell} {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.stdout != expected {
            let got: Vec<String> = out
                .stdout
                .split(|b| *b == 0)
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect();
            let first_bad = got
                .iter()
                .zip(words.iter().chain(&words))
                .position(|(g, w)| g != w);
            panic!(
                "{shell} printed other words than were quoted; first difference at word \
                 {first_bad:?} of {}",
                2 * words.len()
            );
        }
    }
}
