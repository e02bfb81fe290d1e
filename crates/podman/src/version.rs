//! The target podman release: parsing, the supported range, and the behaviours that change
//! between releases of podman and of the quadlet generator it ships (which quadlet keys exist
//! where is the quadlet translator's table, not this module's).

use std::fmt;
use std::str::FromStr;
/// A podman release `major.minor`; the supported range is 4.4 ..= 5.8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodmanVersion {
    pub major: u32,
    pub minor: u32,
}

impl PodmanVersion {
    pub const MIN: Self = Self::new(4, 4);
    pub const MAX: Self = Self::new(5, 8);
    pub const DEFAULT: Self = Self::new(5, 4);

    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }

    /// Every supported version, oldest first.
    pub fn all() -> Vec<Self> {
        let mut v: Vec<Self> = (4..=9).map(|m| Self::new(4, m)).collect();
        v.retain(|x| *x >= Self::MIN);
        v.extend((0..=8).map(|m| Self::new(5, m)));
        v
    }
}

impl Default for PodmanVersion {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for PodmanVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Why a `--podman-version` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError(pub String);

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for VersionError {}

impl FromStr for PodmanVersion {
    type Err = VersionError;

    /// `"4.4"`, `"5.8"`, also `"5.4.2"` (the patch level is ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            VersionError(format!(
                "invalid podman version {s:?}: expected MAJOR.MINOR between {} and {}",
                Self::MIN,
                Self::MAX
            ))
        };
        let mut parts = s.trim().split('.');
        let major: u32 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let minor: u32 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if let Some(patch) = parts.next() {
            patch.parse::<u32>().map_err(|_| bad())?;
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        let v = Self::new(major, minor);
        if v < Self::MIN || v > Self::MAX {
            return Err(VersionError(format!(
                "podman {v} is not supported: quadlet targets {} to {} (podman before 4.4 has no quadlet)",
                Self::MIN,
                Self::MAX
            )));
        }
        Ok(v)
    }
}

const fn v(major: u32, minor: u32) -> PodmanVersion {
    PodmanVersion::new(major, minor)
}

/// Behaviours gated on version that are not plain keys.
impl PodmanVersion {
    /// `User=`/`Group=` accept names (not only numbers) from 4.8.
    pub fn user_names(self) -> bool {
        self >= v(4, 8)
    }
    /// Relative host paths in `Volume=` are resolved against the unit's directory from 4.5.
    pub fn relative_volume_paths(self) -> bool {
        self >= v(4, 5)
    }
    /// `Notify=healthy` from 5.0.
    pub fn notify_healthy(self) -> bool {
        self >= v(5, 0)
    }
    /// `Environment=KEY` without a value from 5.6.
    pub fn env_passthrough(self) -> bool {
        self >= v(5, 6)
    }
    /// `Network=x.container` from 5.3.
    pub fn network_container(self) -> bool {
        self >= v(5, 3)
    }
    /// `Ulimit=` may repeat from 5.0 (one value in 4.7 .. 4.9).
    pub fn multi_ulimit(self) -> bool {
        self >= v(5, 0)
    }
    /// `GroupAdd=` may repeat from 5.2 (one value in 5.1).
    pub fn multi_group_add(self) -> bool {
        self >= v(5, 2)
    }
    /// `podman run --gpus` from 5.0.
    pub fn gpus(self) -> bool {
        self >= v(5, 0)
    }
    /// `host-gateway` in `--add-host` is documented from 5.3.
    pub fn host_gateway(self) -> bool {
        self >= v(5, 3)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_the_supported_range_and_refuses_the_rest() {
        assert_eq!("4.4".parse::<PodmanVersion>().unwrap(), v(4, 4));
        assert_eq!("5.8".parse::<PodmanVersion>().unwrap(), v(5, 8));
        assert_eq!("5.4.2".parse::<PodmanVersion>().unwrap(), v(5, 4));
        for bad in ["4.3", "5.9", "6.0", "x", "5", "5.x", "", "5.4.2.1", "3.10"] {
            assert!(bad.parse::<PodmanVersion>().is_err(), "{bad}");
        }
        assert_eq!(PodmanVersion::default(), v(5, 4));
        assert_eq!(PodmanVersion::all().len(), 15);
    }
}
