//! POSIX shell words: the one place where text bound for `sh` is quoted (the buildah,
//! nerdctl and containerd scripts, and the `sh -c` snippets of `ExecStartPre=` lines).
//!
//! A word made only of characters that no POSIX shell treats specially (ASCII letters and
//! digits and `_ @ % + = : , . / -`) is written bare; every other word is put in single
//! quotes, inside which a shell takes every byte literally, and each `'` in it becomes
//! `'\''` (close the quotes, an escaped quote, open them again). The empty word is `''`.
//! Nothing else is escaped: a newline or a tab inside single quotes is itself.
//!
//! In command position two more kinds of bare words change meaning: an assignment
//! (`NAME=value` sets a variable instead of running a command) and a reserved word (`if`,
//! `done`). [`quote_words`] quotes those when they come first; [`quote`] is for arguments.
//!
//! The tests run quoted words through `/bin/sh` (dash on Debian) and bash and require the
//! same bytes back; tier 2 (`tests/tier2_shell.rs`) also runs shellcheck on a generated script.

use std::borrow::Cow;

/// The shellcheck directive a generated script puts before quoted words it does not control:
/// shellcheck reads literal single-quoted text as probable mistakes (`'a\'` as an attempt to
/// escape a quote, SC1003; `'$x'` as a missed expansion, SC2016; `'~/x'` as a missed tilde
/// expansion, SC2088), and here literal is the point. Tier 2 checks a script with it is clean.
pub const SHELLCHECK_LITERAL_WORDS: &str = "# shellcheck disable=SC1003,SC2016,SC2088";

/// `word` as one shell word that reads back as exactly `word` (an argument, not a command
/// name: see [`quote_words`]).
pub fn quote(word: &str) -> Cow<'_, str> {
    if is_bare(word) {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(single_quoted(word))
    }
}

/// `words` as one command line, separated by single spaces: each word as [`quote`] writes
/// it, and the first one also quoted when a shell would read it bare as an assignment or a
/// reserved word. Safe both as a whole command and as the arguments that follow one.
pub fn quote_words<I, S>(words: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for (i, word) in words.into_iter().enumerate() {
        let word = word.as_ref();
        if i == 0 {
            if is_bare(word) && (looks_like_assignment(word) || is_reserved_word(word)) {
                out.push_str(&single_quoted(word));
            } else {
                out.push_str(&quote(word));
            }
        } else {
            out.push(' ');
            out.push_str(&quote(word));
        }
    }
    out
}

/// Characters that are literal in every POSIX shell wherever they stand in a word, except a
/// leading `=` (zsh reads `=cmd` as a path lookup; quoting it costs nothing).
fn is_bare(word: &str) -> bool {
    !word.is_empty()
        && !word.starts_with('=')
        && word.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'_' | b'@' | b'%' | b'+' | b'=' | b':' | b',' | b'.' | b'/' | b'-'
                )
        })
}

/// `NAME=...` with `NAME` a shell variable name.
fn looks_like_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// POSIX reserved words made of bare characters, and bash's.
fn is_reserved_word(word: &str) -> bool {
    matches!(
        word,
        "case"
            | "do"
            | "done"
            | "elif"
            | "else"
            | "esac"
            | "fi"
            | "for"
            | "if"
            | "in"
            | "then"
            | "until"
            | "while"
            | "function"
            | "select"
            | "time"
            | "coproc"
    )
}

/// `word` always in single quotes (`'a'\''b'`), even when it could stay bare: for text a
/// script shows as one literal (`until podman healthcheck run 'name'; ...`).
pub fn single_quoted(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('\'');
    for c in word.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn safe_words_stay_bare() {
        for w in [
            "abc",
            "ABC_09",
            "/usr/bin/env",
            "--flag=value",
            "-p",
            "8080:80",
            "a,b",
            "user@host",
            "1.2.3",
            "%s",
            "+x",
            "KEY=value",
            "./x-y_z",
        ] {
            assert!(matches!(quote(w), Cow::Borrowed(_)), "{w:?}");
            assert_eq!(quote(w), w);
        }
    }

    #[test]
    fn other_words_are_single_quoted() {
        for (w, quoted) in [
            ("", "''"),
            (" ", "' '"),
            ("a b", "'a b'"),
            ("it's", "'it'\\''s'"),
            ("'", "''\\'''"),
            ("''", "''\\'''\\'''"),
            ("$HOME", "'$HOME'"),
            ("`id`", "'`id`'"),
            ("$(id)", "'$(id)'"),
            ("a\\b", "'a\\b'"),
            ("\"q\"", "'\"q\"'"),
            ("*", "'*'"),
            ("?", "'?'"),
            ("[a]", "'[a]'"),
            ("~", "'~'"),
            ("~/x", "'~/x'"),
            ("#x", "'#x'"),
            ("a#b", "'a#b'"),
            ("!x", "'!x'"),
            ("{a,b}", "'{a,b}'"),
            ("a;b", "'a;b'"),
            ("a&b", "'a&b'"),
            ("a|b", "'a|b'"),
            ("<in", "'<in'"),
            (">out", "'>out'"),
            ("(x)", "'(x)'"),
            ("^x", "'^x'"),
            ("a\nb", "'a\nb'"),
            ("a\tb", "'a\tb'"),
            ("caf\u{e9}", "'caf\u{e9}'"),
            ("=x", "'=x'"),
        ] {
            assert_eq!(quote(w), quoted, "{w:?}");
        }
    }

    #[test]
    fn the_first_word_is_quoted_when_it_would_not_be_a_command_name() {
        assert_eq!(quote_words(["FOO=bar", "x"]), "'FOO=bar' x");
        assert_eq!(quote_words(["_a1=", "x"]), "'_a1=' x");
        assert_eq!(quote_words(["env", "FOO=bar"]), "env FOO=bar");
        assert_eq!(quote_words(["--opt=x"]), "--opt=x");
        assert_eq!(quote_words(["1A=x"]), "1A=x");
        assert_eq!(quote_words(["if", "then"]), "'if' then");
        assert_eq!(quote_words(["done"]), "'done'");
        assert_eq!(
            quote_words(["echo", "a b", "", "it's"]),
            "echo 'a b' '' 'it'\\''s'"
        );
        assert_eq!(quote_words(Vec::<String>::new()), "");
    }

    /// Runs `printf '%s\0' WORDS` through `shell -c` and splits what it prints at the NULs.
    fn printed_by(shell: &str, words: &str) -> Vec<String> {
        let out = Command::new(shell)
            .arg("-c")
            .arg(format!("printf '%s\\0' {words}"))
            .output()
            .unwrap_or_else(|e| panic!("{shell} could not be run: {e}"));
        assert!(
            out.status.success(),
            "{shell} -c failed on {words:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("the shell printed the UTF-8 it got");
        let mut parts: Vec<String> = text.split('\0').map(str::to_owned).collect();
        assert_eq!(parts.pop().as_deref(), Some(""), "output ends with a NUL");
        parts
    }

    /// A word without NUL (a process argument cannot hold one), mostly with the characters
    /// shells treat specially.
    fn arb_word() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>().prop_map(|s| s.replace('\0', "")),
            "[ a-z0-9$`'\"\\\\*?~#!;&|<>(){}\\[\\]=^%@+:,./\n\t-]{0,10}",
            // bare characters around one special one: a word `quote` must not leave bare
            "[a-z0-9_=:./-]{0,4}[ $`'\"\\\\*?~#!;&|<>(){}\\[\\]^\n\t][a-z0-9_=:./-]{0,4}",
        ]
    }

    #[test]
    fn special_words_read_back_through_sh_and_bash() {
        let words = [
            "", "'", "a'b'c", "$1", "${x:-y}", "\\", "\n", " \t ", "-n", "--", "%d",
        ];
        for shell in ["/bin/sh", "bash"] {
            for w in words {
                assert_eq!(printed_by(shell, &quote(w)), [w], "{shell}: {w:?}");
            }
            assert_eq!(printed_by(shell, &quote_words(words)[..]), words, "{shell}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn quoted_words_read_back_through_sh_and_bash(
            words in prop::collection::vec(arb_word(), 1..6),
        ) {
            let line: Vec<String> = words.iter().map(|w| quote(w).into_owned()).collect();
            let line = line.join(" ");
            for shell in ["/bin/sh", "bash"] {
                prop_assert_eq!(&printed_by(shell, &line), &words, "{} -c {}", shell, line);
            }
        }
    }
}
