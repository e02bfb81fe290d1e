//! Names, command and entrypoint.

use transship_ir::Spanned;

use super::{Rule, Steps};
use crate::opt::Opt;

/// The container name (always set) and the `container_name` key.
pub(super) fn names(st: &mut Steps<'_, '_>, container_name: Option<&Spanned<String>>) {
    st.set(Opt::ContainerName(st.cname.clone()));
    if let Some(n) = container_name {
        let path = st.path(".container_name");
        st.decide(
            path,
            n.span,
            Opt::ContainerName(n.value.clone()),
            Rule::Described,
        );
    }
}

pub(super) fn command(
    st: &mut Steps<'_, '_>,
    command: Option<&Spanned<Vec<String>>>,
    entrypoint: Option<&Spanned<Vec<String>>>,
) {
    if let Some(cmd) = command {
        let path = st.path(".command");
        if cmd.value.is_empty() {
            st.approx(
                path,
                cmd.span,
                "an explicitly empty command keeps the image's CMD under podman (Compose clears it)",
                "",
            );
        } else {
            st.spelled(path, cmd.span, Opt::Command(cmd.value.clone()));
        }
    }
    if let Some(ep) = entrypoint {
        let path = st.path(".entrypoint");
        st.spelled(path, ep.span, Opt::Entrypoint(ep.value.clone()));
    }
}
