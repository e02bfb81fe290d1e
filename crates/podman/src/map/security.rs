//! User, groups and working directory; init, read-only root and privilege; capabilities,
//! security options, sysctls and ulimits.

use std::collections::BTreeMap;

use transship_ir::{Spanned, StringMap, Ulimit};
use transship_translate::Outcome;

use super::Steps;
use crate::names;
use crate::opt::{Opt, SecurityOpt};

pub(super) fn user(
    st: &mut Steps<'_, '_>,
    user: Option<&Spanned<String>>,
    group_add: &[Spanned<String>],
    working_dir: Option<&Spanned<String>>,
) {
    if let Some(u) = user {
        let path = st.path(".user");
        st.spelled(path, u.span, Opt::User(u.value.clone()));
    }
    for (i, g) in group_add.iter().enumerate() {
        let path = st.item(".group_add", i);
        let opt = Opt::GroupAdd {
            group: g.value.clone(),
            only: group_add.len() == 1,
        };
        st.spelled(path, g.span, opt);
    }
    if let Some(w) = working_dir {
        let path = st.path(".working_dir");
        st.spelled(path, w.span, Opt::Workdir(w.value.clone()));
    }
}

pub(super) fn process(
    st: &mut Steps<'_, '_>,
    init: Option<&Spanned<bool>>,
    read_only: Option<&Spanned<bool>>,
    privileged: Option<&Spanned<bool>>,
) {
    if let Some(i) = init {
        let path = st.path(".init");
        st.spelled(path, i.span, Opt::Init(i.value));
    }
    if let Some(r) = read_only {
        let path = st.path(".read_only");
        st.spelled(path, r.span, Opt::ReadOnly(r.value));
        if r.value {
            // Docker mounts no tmpfs on a read-only root; podman does unless told not to.
            st.out.push(super::Step::Soft(Opt::ReadOnlyTmpfs(false)));
        }
    }
    if let Some(x) = privileged {
        let path = st.path(".privileged");
        if x.value {
            st.spelled(path, x.span, Opt::Privileged);
        } else {
            st.fixed(
                path,
                x.span,
                Outcome::Translated,
                Some("(not privileged: the default)".into()),
            );
        }
    }
}

pub(super) fn capabilities(
    st: &mut Steps<'_, '_>,
    cap_add: &[Spanned<String>],
    cap_drop: &[Spanned<String>],
    security_opt: &[Spanned<String>],
    sysctls: &StringMap,
    ulimits: &BTreeMap<String, Spanned<Ulimit>>,
) {
    for (i, cap) in cap_add.iter().enumerate() {
        let path = st.item(".cap_add", i);
        st.spelled(path, cap.span, Opt::CapAdd(cap.value.clone()));
    }
    for (i, cap) in cap_drop.iter().enumerate() {
        let path = st.item(".cap_drop", i);
        st.spelled(path, cap.span, Opt::CapDrop(cap.value.clone()));
    }
    for (i, so) in security_opt.iter().enumerate() {
        let path = st.item(".security_opt", i);
        st.spelled(
            path,
            so.span,
            Opt::SecurityOpt(SecurityOpt::parse(&so.value)),
        );
    }
    for (k, val) in sysctls {
        let path = names::cat([&st.p, ".sysctls.", k]);
        st.spelled(path, val.span, Opt::Sysctl(format!("{k}={}", val.value)));
    }
    for (k, u) in ulimits {
        let text = if u.value.soft == u.value.hard {
            format!("{k}={}", u.value.soft)
        } else {
            format!("{k}={}:{}", u.value.soft, u.value.hard)
        };
        let path = names::cat([&st.p, ".ulimits.", k]);
        let opt = Opt::Ulimit {
            text,
            only: ulimits.len() == 1,
        };
        st.spelled(path, u.span, opt);
    }
}
