//! Volumes (the `volumes:` list is still the target's), tmpfs and `volumes_from`.

use transship_ir::Spanned;

use super::{Area, Steps, SystemdSection};
use crate::names;
use crate::opt::Opt;

pub(super) fn volumes(
    st: &mut Steps<'_, '_>,
    tmpfs: &[Spanned<String>],
    volumes_from: &[Spanned<String>],
) {
    st.area(Area::Volumes);
    for (i, t) in tmpfs.iter().enumerate() {
        let path = st.item(".tmpfs", i);
        st.spelled(path, t.span, Opt::Tmpfs(t.value.clone()));
    }
    for (i, vf) in volumes_from.iter().enumerate() {
        let (src, ro) = match vf.value.rsplit_once(':') {
            Some((a, m)) if m == "ro" || m == "rw" => (a, Some(m)),
            _ => (vf.value.as_str(), None),
        };
        let target = if let Some(svc) = src.strip_prefix("container:") {
            svc.to_owned()
        } else if let Some(other) = st.project().services.get(src) {
            let unit = names::service_unit(st.project(), src);
            st.systemd(SystemdSection::Unit, "Requires", unit.clone());
            st.systemd(SystemdSection::Unit, "After", unit);
            names::container_name(st.project(), other)
        } else {
            src.to_owned()
        };
        let value = match ro {
            Some(m) => format!("{target}:{m}"),
            None => target,
        };
        let path = st.item(".volumes_from", i);
        st.spelled(path, vf.span, Opt::VolumesFrom(value));
    }
}
