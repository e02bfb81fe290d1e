//! The one classifier of secret-bearing environment variables, shared by the checker (rule
//! PR007) and the translators (which keep such values out of world-readable unit text).

const MARKERS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "TOKEN",
    "SECRET",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
];

/// True when the variable's name says it holds a secret (`DB_PASSWORD`, `API_TOKEN`,
/// `AWS_SECRET_ACCESS_KEY`); names ending in `_FILE` or `_PATH` (the conventions for a path
/// to a secret file) do not.
pub fn looks_secret(name: &str) -> bool {
    let up = name.to_ascii_uppercase();
    if up.ends_with("_FILE") || up.ends_with("_PATH") {
        return false;
    }
    up.split(['_', '-', '.']).any(|part| {
        MARKERS.contains(&part)
            || part.ends_with("PASSWORD")
            || part.ends_with("TOKEN")
            || part.ends_with("SECRET")
    })
}

/// `*** 1a2b3c4d`: a secret value hidden, with a short salted hash of it, so a changed value
/// still shows as a changed hash (`migrate diff`, `migrate verify`).
pub fn mask(value: &str, salt: u64) -> String {
    use std::hash::{BuildHasher, Hasher};
    // SipHash with fixed keys, seeded by the salt: deterministic for given inputs.
    let mut h = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().build_hasher();
    h.write_u64(salt);
    h.write(value.as_bytes());
    format!("*** {:08x}", h.finish() as u32)
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn classifies_names() {
        for yes in [
            "POSTGRES_PASSWORD",
            "API_TOKEN",
            "aws_secret_access_key",
            "DBPASSWORD",
            "ssh-key",
        ] {
            assert!(looks_secret(yes), "{yes}");
        }
        for no in [
            "POSTGRES_PASSWORD_FILE",
            "KEY_PATH",
            "PATH",
            "HOME",
            "MONKEY",
            "APP_MODE",
        ] {
            assert!(!looks_secret(no), "{no}");
        }
    }
}
