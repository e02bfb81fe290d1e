//! The target-neutral podman mapping shared by every podman-based target (quadlet, plain
//! systemd units with `podman run`, and the checker's target-gap rules): which `podman run`
//! option each Compose key of a service becomes, or why none, as plain data ([`map`]), with
//! the podman release it is gated on ([`version`]) and the names Compose gives units,
//! containers and images ([`names`]).
//!
//! Nothing here writes a file or knows a target's syntax: targets spell [`opt::Opt`]s.

pub mod map;
pub mod names;
pub mod opt;
pub mod version;

pub use map::{MapOptions, Mapper, ServiceMap, Step, map_service};
pub use opt::Opt;
pub use version::{PodmanVersion, VersionError};

use transship_ir::Duration;

/// Go/systemd duration text: `90s`, `1500ms`, `10us`, `5ns`.
pub fn duration_text(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns % 1_000_000_000 == 0 {
        format!("{}s", ns / 1_000_000_000)
    } else if ns % 1_000_000 == 0 {
        format!("{}ms", ns / 1_000_000)
    } else if ns % 1_000 == 0 {
        format!("{}us", ns / 1_000)
    } else {
        format!("{ns}ns")
    }
}
