//! Host paths as targets write them.

use std::borrow::Cow;

/// `p` lexically normalized, as Go's `filepath.Clean` (and the Docker engine, for bind
/// sources) does: no empty, `.` or `..` segments, no trailing `/`; `..` above the root is
/// the root. Compose keeps an absolute path as written (`/srv/../data/`), but systemd
/// ignores a `RequiresMountsFor=` that is not normalized, and quadlet derives one from each
/// bind source. A relative path stays relative (`a/../..` is `..`); the empty path is `.`.
pub fn clean(p: &str) -> Cow<'_, str> {
    let absolute = p.starts_with('/');
    let body = p.trim_start_matches('/');
    let is_clean = !body.is_empty()
        && body
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..");
    if is_clean || p == "/" {
        return Cow::Borrowed(p);
    }
    let mut out: Vec<&str> = Vec::new();
    for c in body.split('/') {
        match c {
            "" | "." => {}
            ".." => match out.last() {
                Some(&last) if last != ".." => {
                    out.pop();
                }
                _ if absolute => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    Cow::Owned(match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    })
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn cleans_like_go_filepath_clean() {
        for (input, want) in [
            ("/srv/data", "/srv/data"),
            ("/srv/../srv/data/", "/srv/data"),
            ("/srv//static/.", "/srv/static"),
            ("/..", "/"),
            ("/../a", "/a"),
            ("/", "/"),
            ("//", "/"),
            ("a/../..", ".."),
            ("a/./b/", "a/b"),
            ("", "."),
            ("./", "."),
            ("../../x", "../../x"),
        ] {
            assert_eq!(clean(input), want, "{input:?}");
        }
    }

    #[test]
    fn a_clean_path_is_borrowed() {
        assert!(matches!(clean("/srv/data"), std::borrow::Cow::Borrowed(_)));
    }
}
