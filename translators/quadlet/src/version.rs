//! The table of quadlet keys per podman version.
//!
//! The table is transcribed from `shared/reference/quadlet-keys-since.md` (the supported-key
//! maps of `pkg/systemd/quadlet/quadlet.go`, diffed at every `vX.Y.0` tag). It is the only
//! place that knows which key exists where: every key the translator writes into a quadlet
//! section is looked up here first. The version type itself and the behaviours that change
//! between releases are `transship_podman::version`'s.

pub use transship_podman::version::{PodmanVersion, VersionError};

const fn v(major: u32, minor: u32) -> PodmanVersion {
    PodmanVersion::new(major, minor)
}

/// `(section, key, first podman release that accepts it)`.
pub const KEYS: &[(&str, &str, PodmanVersion)] = &[
    // [Container] 4.4
    ("Container", "AddCapability", v(4, 4)),
    ("Container", "AddDevice", v(4, 4)),
    ("Container", "Annotation", v(4, 4)),
    ("Container", "ContainerName", v(4, 4)),
    ("Container", "DropCapability", v(4, 4)),
    ("Container", "Environment", v(4, 4)),
    ("Container", "EnvironmentFile", v(4, 4)),
    ("Container", "EnvironmentHost", v(4, 4)),
    ("Container", "Exec", v(4, 4)),
    ("Container", "ExposeHostPort", v(4, 4)),
    ("Container", "Group", v(4, 4)),
    ("Container", "Image", v(4, 4)),
    ("Container", "Label", v(4, 4)),
    ("Container", "Network", v(4, 4)),
    ("Container", "NoNewPrivileges", v(4, 4)),
    ("Container", "Notify", v(4, 4)),
    ("Container", "PodmanArgs", v(4, 4)),
    ("Container", "PublishPort", v(4, 4)),
    ("Container", "ReadOnly", v(4, 4)),
    ("Container", "RemapGid", v(4, 4)),
    ("Container", "RemapUid", v(4, 4)),
    ("Container", "RemapUidSize", v(4, 4)),
    ("Container", "RemapUsers", v(4, 4)),
    ("Container", "RunInit", v(4, 4)),
    ("Container", "SeccompProfile", v(4, 4)),
    ("Container", "Timezone", v(4, 4)),
    ("Container", "User", v(4, 4)),
    ("Container", "VolatileTmp", v(4, 4)),
    ("Container", "Volume", v(4, 4)),
    // [Container] 4.5
    ("Container", "HealthCmd", v(4, 5)),
    ("Container", "HealthInterval", v(4, 5)),
    ("Container", "HealthOnFailure", v(4, 5)),
    ("Container", "HealthRetries", v(4, 5)),
    ("Container", "HealthStartPeriod", v(4, 5)),
    ("Container", "HealthStartupCmd", v(4, 5)),
    ("Container", "HealthStartupInterval", v(4, 5)),
    ("Container", "HealthStartupRetries", v(4, 5)),
    ("Container", "HealthStartupSuccess", v(4, 5)),
    ("Container", "HealthStartupTimeout", v(4, 5)),
    ("Container", "HealthTimeout", v(4, 5)),
    ("Container", "IP", v(4, 5)),
    ("Container", "IP6", v(4, 5)),
    ("Container", "LogDriver", v(4, 5)),
    ("Container", "Mount", v(4, 5)),
    ("Container", "Rootfs", v(4, 5)),
    ("Container", "Secret", v(4, 5)),
    ("Container", "SecurityLabelDisable", v(4, 5)),
    ("Container", "SecurityLabelFileType", v(4, 5)),
    ("Container", "SecurityLabelLevel", v(4, 5)),
    ("Container", "SecurityLabelType", v(4, 5)),
    ("Container", "Tmpfs", v(4, 5)),
    ("Container", "UserNS", v(4, 5)),
    // [Container] 4.6
    ("Container", "AutoUpdate", v(4, 6)),
    ("Container", "HostName", v(4, 6)),
    ("Container", "Mask", v(4, 6)),
    ("Container", "Pull", v(4, 6)),
    ("Container", "SecurityLabelNested", v(4, 6)),
    ("Container", "Sysctl", v(4, 6)),
    ("Container", "Unmask", v(4, 6)),
    ("Container", "WorkingDir", v(4, 6)),
    // [Container] 4.7
    ("Container", "DNS", v(4, 7)),
    ("Container", "DNSOption", v(4, 7)),
    ("Container", "DNSSearch", v(4, 7)),
    ("Container", "PidsLimit", v(4, 7)),
    ("Container", "ShmSize", v(4, 7)),
    ("Container", "Ulimit", v(4, 7)),
    // [Container] 4.8
    ("Container", "ContainersConfModule", v(4, 8)),
    ("Container", "GIDMap", v(4, 8)),
    ("Container", "GlobalArgs", v(4, 8)),
    ("Container", "ReadOnlyTmpfs", v(4, 8)),
    ("Container", "SubGIDMap", v(4, 8)),
    ("Container", "SubUIDMap", v(4, 8)),
    ("Container", "UIDMap", v(4, 8)),
    // [Container] 5.0 .. 5.8
    ("Container", "Entrypoint", v(5, 0)),
    ("Container", "Pod", v(5, 0)),
    ("Container", "StopTimeout", v(5, 0)),
    ("Container", "GroupAdd", v(5, 1)),
    ("Container", "LogOpt", v(5, 2)),
    ("Container", "NetworkAlias", v(5, 2)),
    ("Container", "StopSignal", v(5, 2)),
    ("Container", "AddHost", v(5, 3)),
    ("Container", "CgroupsMode", v(5, 3)),
    ("Container", "HealthLogDestination", v(5, 3)),
    ("Container", "HealthMaxLogCount", v(5, 3)),
    ("Container", "HealthMaxLogSize", v(5, 3)),
    ("Container", "ServiceName", v(5, 3)),
    ("Container", "StartWithPod", v(5, 3)),
    ("Container", "Memory", v(5, 5)),
    ("Container", "ReloadCmd", v(5, 5)),
    ("Container", "ReloadSignal", v(5, 5)),
    ("Container", "Retry", v(5, 5)),
    ("Container", "RetryDelay", v(5, 5)),
    ("Container", "HttpProxy", v(5, 7)),
    ("Container", "AppArmor", v(5, 8)),
    // [Pod]
    ("Pod", "ContainersConfModule", v(5, 0)),
    ("Pod", "GlobalArgs", v(5, 0)),
    ("Pod", "Network", v(5, 0)),
    ("Pod", "PodName", v(5, 0)),
    ("Pod", "PodmanArgs", v(5, 0)),
    ("Pod", "PublishPort", v(5, 0)),
    ("Pod", "Volume", v(5, 0)),
    ("Pod", "NetworkAlias", v(5, 2)),
    ("Pod", "AddHost", v(5, 3)),
    ("Pod", "DNS", v(5, 3)),
    ("Pod", "DNSOption", v(5, 3)),
    ("Pod", "DNSSearch", v(5, 3)),
    ("Pod", "GIDMap", v(5, 3)),
    ("Pod", "IP", v(5, 3)),
    ("Pod", "IP6", v(5, 3)),
    ("Pod", "RemapGid", v(5, 3)),
    ("Pod", "RemapUid", v(5, 3)),
    ("Pod", "RemapUidSize", v(5, 3)),
    ("Pod", "RemapUsers", v(5, 3)),
    ("Pod", "ServiceName", v(5, 3)),
    ("Pod", "SubGIDMap", v(5, 3)),
    ("Pod", "SubUIDMap", v(5, 3)),
    ("Pod", "UIDMap", v(5, 3)),
    ("Pod", "UserNS", v(5, 3)),
    ("Pod", "ShmSize", v(5, 4)),
    ("Pod", "HostName", v(5, 5)),
    ("Pod", "ExitPolicy", v(5, 6)),
    ("Pod", "Label", v(5, 6)),
    ("Pod", "StopTimeout", v(5, 7)),
    // [Network]
    ("Network", "DisableDNS", v(4, 4)),
    ("Network", "Driver", v(4, 4)),
    ("Network", "Gateway", v(4, 4)),
    ("Network", "IPAMDriver", v(4, 4)),
    ("Network", "IPRange", v(4, 4)),
    ("Network", "IPv6", v(4, 4)),
    ("Network", "Internal", v(4, 4)),
    ("Network", "Label", v(4, 4)),
    ("Network", "Options", v(4, 4)),
    ("Network", "Subnet", v(4, 4)),
    ("Network", "PodmanArgs", v(4, 6)),
    ("Network", "DNS", v(4, 7)),
    ("Network", "NetworkName", v(4, 7)),
    ("Network", "ContainersConfModule", v(4, 8)),
    ("Network", "GlobalArgs", v(4, 8)),
    ("Network", "ServiceName", v(5, 3)),
    ("Network", "NetworkDeleteOnStop", v(5, 5)),
    ("Network", "InterfaceName", v(5, 6)),
    // [Volume]
    ("Volume", "Copy", v(4, 4)),
    ("Volume", "Device", v(4, 4)),
    ("Volume", "Group", v(4, 4)),
    ("Volume", "Label", v(4, 4)),
    ("Volume", "Options", v(4, 4)),
    ("Volume", "Type", v(4, 4)),
    ("Volume", "User", v(4, 4)),
    ("Volume", "PodmanArgs", v(4, 6)),
    ("Volume", "VolumeName", v(4, 7)),
    ("Volume", "ContainersConfModule", v(4, 8)),
    ("Volume", "Driver", v(4, 8)),
    ("Volume", "GlobalArgs", v(4, 8)),
    ("Volume", "Image", v(4, 8)),
    ("Volume", "ServiceName", v(5, 3)),
    // [Image]
    ("Image", "AllTags", v(4, 8)),
    ("Image", "Arch", v(4, 8)),
    ("Image", "AuthFile", v(4, 8)),
    ("Image", "CertDir", v(4, 8)),
    ("Image", "ContainersConfModule", v(4, 8)),
    ("Image", "Creds", v(4, 8)),
    ("Image", "DecryptionKey", v(4, 8)),
    ("Image", "GlobalArgs", v(4, 8)),
    ("Image", "Image", v(4, 8)),
    ("Image", "ImageTag", v(4, 8)),
    ("Image", "OS", v(4, 8)),
    ("Image", "PodmanArgs", v(4, 8)),
    ("Image", "TLSVerify", v(4, 8)),
    ("Image", "Variant", v(4, 8)),
    ("Image", "ServiceName", v(5, 3)),
    ("Image", "Retry", v(5, 5)),
    ("Image", "RetryDelay", v(5, 5)),
    ("Image", "Policy", v(5, 6)),
    // [Build]
    ("Build", "Annotation", v(5, 2)),
    ("Build", "Arch", v(5, 2)),
    ("Build", "AuthFile", v(5, 2)),
    ("Build", "ContainersConfModule", v(5, 2)),
    ("Build", "DNS", v(5, 2)),
    ("Build", "DNSOption", v(5, 2)),
    ("Build", "DNSSearch", v(5, 2)),
    ("Build", "Environment", v(5, 2)),
    ("Build", "File", v(5, 2)),
    ("Build", "ForceRM", v(5, 2)),
    ("Build", "GlobalArgs", v(5, 2)),
    ("Build", "GroupAdd", v(5, 2)),
    ("Build", "ImageTag", v(5, 2)),
    ("Build", "Label", v(5, 2)),
    ("Build", "Network", v(5, 2)),
    ("Build", "PodmanArgs", v(5, 2)),
    ("Build", "Pull", v(5, 2)),
    ("Build", "Secret", v(5, 2)),
    ("Build", "SetWorkingDirectory", v(5, 2)),
    ("Build", "TLSVerify", v(5, 2)),
    ("Build", "Target", v(5, 2)),
    ("Build", "Variant", v(5, 2)),
    ("Build", "Volume", v(5, 2)),
    ("Build", "ServiceName", v(5, 3)),
    ("Build", "Retry", v(5, 5)),
    ("Build", "RetryDelay", v(5, 5)),
    ("Build", "BuildArg", v(5, 7)),
    ("Build", "IgnoreFile", v(5, 7)),
    // [Quadlet]
    ("Quadlet", "DefaultDependencies", v(5, 3)),
];

/// Unit file types: `(extension, first release)`.
pub const UNIT_TYPES: &[(&str, PodmanVersion)] = &[
    ("container", v(4, 4)),
    ("volume", v(4, 4)),
    ("network", v(4, 4)),
    ("kube", v(4, 4)),
    ("image", v(4, 8)),
    ("pod", v(5, 0)),
    ("build", v(5, 2)),
    ("artifact", v(5, 7)),
];

/// FNV-1a: the index below is asked once or twice for every key the translator writes, and
/// its keys are short constant names, for which SipHash (the default) costs several times
/// more than the lookup itself.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type KeyIndex = std::collections::HashMap<
    (&'static str, &'static str),
    PodmanVersion,
    std::hash::BuildHasherDefault<Fnv>,
>;

/// The first release where `section`/`key` exists, if any.
pub fn key_since(section: &str, key: &str) -> Option<PodmanVersion> {
    static INDEX: std::sync::OnceLock<KeyIndex> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| KEYS.iter().map(|(s, k, v)| ((*s, *k), *v)).collect())
        .get(&(section, key))
        .copied()
}

/// True when the quadlet of `version` accepts `section`/`key`.
pub fn has_key(version: PodmanVersion, section: &str, key: &str) -> bool {
    key_since(section, key).is_some_and(|since| since <= version)
}

/// True when the quadlet of `version` knows the unit type `ext` (`"pod"`, `"build"`, ...).
pub fn has_unit_type(version: PodmanVersion, ext: &str) -> bool {
    UNIT_TYPES
        .iter()
        .any(|(e, since)| *e == ext && *since <= version)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn table_answers_known_gates() {
        assert!(!has_key(v(5, 4), "Container", "Memory"));
        assert!(has_key(v(5, 5), "Container", "Memory"));
        assert!(!has_key(v(4, 4), "Container", "HealthCmd"));
        assert!(has_key(v(4, 5), "Container", "HealthCmd"));
        assert!(!has_key(v(4, 6), "Network", "NetworkName"));
        assert!(has_key(v(4, 7), "Volume", "VolumeName"));
        assert!(!has_key(v(5, 8), "Container", "NoSuchKey"));
        assert!(has_unit_type(v(5, 2), "build"));
        assert!(!has_unit_type(v(5, 1), "build"));
        assert!(!has_unit_type(v(4, 9), "pod"));
    }

    #[test]
    fn table_has_no_duplicates() {
        let mut seen = std::collections::BTreeSet::new();
        for (s, k, _) in KEYS {
            assert!(seen.insert((*s, *k)), "duplicate {s}.{k}");
        }
        assert_eq!(PodmanVersion::all().len(), 15);
    }
}
