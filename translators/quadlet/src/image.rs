//! `.image` units (podman 4.8+): the pull of a service's image runs in its own oneshot unit
//! (`<name>-image.service`, `podman image pull`) that the container unit requires.
//!
//! Why: the pull no longer counts against the container unit's `TimeoutStartSec=` (a
//! `Type=oneshot` unit has no start timeout), a `Restart=` of the container does not pull
//! again (Compose pulls on `up`, never on a restart), services that use the same image share
//! one pull, and `platform` becomes `OS=`/`Arch=`/`Variant=` of the pull.
//!
//! When: only where the unit's pull does what the service asks, since the container itself
//! then no longer pulls:
//! - `pull_policy: always` (the unit's default policy is `always`);
//! - `pull_policy: newer`, and `missing`/`if_not_present` or no policy together with
//!   `platform`, from 5.6 (the unit's `Policy=`); before 5.6 such a unit would pull on every
//!   start, which an offline host turns into a failed start, so they keep `Pull=` and
//!   `--platform` on the container;
//! - `platform` alone on 4.8–5.5 therefore stays `--platform` too.
//!
//! Never for `pull_policy: never` or `build`, for a service with `build:` (its image comes
//! from the build), or for an image that another service of the project builds.
//!
//! One unit per distinct (image reference, platform, policy), shared by the services that
//! ask for it, named `<project>-<repository>-<tag>[-<os>-<arch>[-<variant>]][-<policy>]`.

use std::collections::{BTreeMap, BTreeSet};

use transship_ir::{Project, Service, Spanned};
use transship_translate::unit::{Ctx, escape_plain};

use crate::Cx;
use crate::spell::Quad;
use crate::version::{PodmanVersion, has_unit_type};
use transship_podman::names;

/// `os/arch[/variant]` of a Compose `platform`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Platform {
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
}

impl Platform {
    /// `linux/amd64`, `linux/arm64/v8`; anything else (one part, empty parts, more than
    /// three) is not split.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let parts: Vec<&str> = s.split('/').collect();
        if parts.iter().any(|p| p.trim().is_empty()) {
            return None;
        }
        match parts.as_slice() {
            [os, arch] => Some(Self {
                os: (*os).to_owned(),
                arch: (*arch).to_owned(),
                variant: None,
            }),
            [os, arch, variant] => Some(Self {
                os: (*os).to_owned(),
                arch: (*arch).to_owned(),
                variant: Some((*variant).to_owned()),
            }),
            _ => None,
        }
    }
}

/// What one `.image` unit pulls.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pull {
    /// The fully qualified reference (`docker.io/library/busybox:1`).
    pub reference: String,
    pub platform: Option<Platform>,
    /// `Policy=` (5.6+); `None` is the unit's default, `always`.
    pub policy: Option<&'static str>,
}

/// The planned `.image` units.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Service name → base name of its `.image` file.
    pub by_service: BTreeMap<String, String>,
    /// Base name → what it pulls and the services using it.
    pub units: BTreeMap<String, (Pull, Vec<String>)>,
    /// Service name → why it has no unit, for services that ask for a pull at every start
    /// (`always`, `newer`) or a platform.
    pub why_not: BTreeMap<String, String>,
}

impl Plan {
    /// The `.image` base name of a service, when its image is pulled by a unit.
    pub(crate) fn unit_of(&self, service: &str) -> Option<&str> {
        self.by_service.get(service).map(String::as_str)
    }

    /// What the unit `base` pulls and the services sharing it.
    pub(crate) fn unit(&self, base: &str) -> Option<&(Pull, Vec<String>)> {
        self.units.get(base)
    }
}

/// The images some service of the project builds (`build:`), fully qualified.
fn built_images(p: &Project) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in p.services.values().filter(|s| s.build.is_some()) {
        out.insert(names::built_image(p, s));
        if let Some(i) = &s.image {
            out.insert(names::qualify_image(&i.value));
        }
    }
    out
}

/// What a service's `.image` unit pulls, or why it gets none.
fn decide(v: PodmanVersion, s: &Service, built: &BTreeSet<String>) -> Result<Pull, String> {
    let Some(image) = &s.image else {
        return Err("no image".into());
    };
    if s.build.is_some() {
        return Err("the image comes from the service's build".into());
    }
    let reference = names::qualify_image(&image.value);
    if built.contains(&reference) {
        return Err(format!("{reference} is built by a service of the project"));
    }
    if !has_unit_type(v, "image") {
        return Err(".image units need podman 4.8+".into());
    }
    let policy = s.pull_policy.as_ref().map(|x| x.value.as_str());
    let platform_text = s.platform.as_ref().map(|x| x.value.as_str());
    // The unit's keys are plain values: what cannot be written verbatim stays on the
    // container, where the usual fallbacks apply.
    for text in std::iter::once(reference.as_str()).chain(platform_text) {
        if let Err(e) = escape_plain(text, Ctx::Exec) {
            return Err(format!("{text:?} cannot be a plain value: {}", e.reason));
        }
    }
    let platform = match platform_text {
        Some(t) => Some(
            Platform::parse(t).ok_or_else(|| format!("platform {t:?} is not os/arch[/variant]"))?,
        ),
        None => None,
    };
    let policies = v >= PodmanVersion::new(5, 6);
    let unit_policy = match policy {
        Some("always") => None,
        Some("never") => return Err("pull_policy never: nothing to pull".into()),
        Some("build") => return Err("pull_policy build: the image is built".into()),
        Some("newer") if policies => Some("newer"),
        Some("newer") => {
            return Err("an .image unit pulls `newer` only with its Policy= (podman 5.6+)".into());
        }
        // missing, if_not_present, none, or a periodic policy podman cannot express: the
        // image is pulled when missing.
        _ if platform.is_none() => {
            return Err("the image is pulled only when missing, as podman run does".into());
        }
        _ if policies => Some("missing"),
        _ => {
            return Err(
                "an .image unit would pull at every start; pulling only a missing image needs its Policy= (podman 5.6+)"
                    .into(),
            );
        }
    };
    Ok(Pull {
        reference,
        platform,
        policy: unit_policy,
    })
}

/// A name part: unit-safe and without `.`/`:` (which read as an extension or a port).
fn part(s: &str) -> String {
    names::unit_safe(s)
        .chars()
        .map(|c| if matches!(c, '.' | ':' | '_') { '-' } else { c })
        .collect::<String>()
        .trim_matches('-')
        .to_owned()
}

/// `<repository>-<tag>` of a qualified reference (`docker.io/library/redis:7` → `redis-7`,
/// a digest shortened to 12 characters).
fn short_name(reference: &str) -> String {
    let (name, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let (repo, tag) = match last.split_once(':') {
        Some((r, t)) => (r, Some(t)),
        None => (last, None),
    };
    let mut out = part(repo);
    if let Some(t) = tag {
        out.push('-');
        out.push_str(&part(t));
    }
    if let Some(d) = digest {
        let hex = d.split_once(':').map_or(d, |(_, h)| h);
        out.push('-');
        out.push_str(&part(&hex.chars().take(12).collect::<String>()));
    }
    out
}

fn suffix(pull: &Pull) -> String {
    let mut s = String::new();
    if let Some(pf) = &pull.platform {
        s.push('-');
        s.push_str(&part(&pf.os));
        s.push('-');
        s.push_str(&part(&pf.arch));
        if let Some(v) = &pf.variant {
            s.push('-');
            s.push_str(&part(v));
        }
    }
    if let Some(pol) = pull.policy {
        s.push('-');
        s.push_str(pol);
    }
    s
}

/// Before the services: which services get an `.image` unit, and the units' names.
pub(crate) fn plan(v: PodmanVersion, p: &Project) -> Plan {
    let built = built_images(p);
    let mut plan = Plan::default();
    let mut by_pull: BTreeMap<Pull, String> = BTreeMap::new();
    // `<base>-image.service` must not be a container unit's name (computed at the first unit).
    let mut taken_services: Option<BTreeSet<String>> = None;
    for s in p.services.values() {
        let pull = match decide(v, s, &built) {
            Ok(pull) => pull,
            Err(why) => {
                let policy = s.pull_policy.as_ref().map(|x| x.value.as_str());
                if s.platform.is_some() || matches!(policy, Some("always" | "newer")) {
                    plan.why_not.insert(s.name.clone(), why);
                }
                continue;
            }
        };
        let base = match by_pull.get(&pull) {
            Some(b) => b.clone(),
            None => {
                let taken_services = taken_services.get_or_insert_with(|| {
                    p.services
                        .keys()
                        .map(|s| names::service_base(p, s))
                        .collect()
                });
                let project = names::unit_safe(&p.name.value);
                let candidates = [
                    format!("{project}-{}{}", short_name(&pull.reference), suffix(&pull)),
                    format!("{project}-{}{}", part(&pull.reference), suffix(&pull)),
                ];
                let free = |b: &String| {
                    !plan.units.contains_key(b) && !taken_services.contains(&format!("{b}-image"))
                };
                let base = candidates
                    .iter()
                    .find(|b| free(b))
                    .cloned()
                    .unwrap_or_else(|| {
                        let stem = &candidates[1];
                        (2..)
                            .map(|i| format!("{stem}-{i}"))
                            .find(|b| free(b))
                            .unwrap_or_default()
                    });
                by_pull.insert(pull.clone(), base.clone());
                plan.units.insert(base.clone(), (pull, Vec::new()));
                base
            }
        };
        if let Some((_, users)) = plan.units.get_mut(&base) {
            users.push(s.name.clone());
        }
        plan.by_service.insert(s.name.clone(), base);
    }
    plan
}

/// `OS=`/`Arch=`/`Variant=` as the ledger shows them.
pub(crate) fn platform_keys(pf: &Platform) -> String {
    let mut s = format!("OS={} Arch={}", pf.os, pf.arch);
    if let Some(v) = &pf.variant {
        s.push_str(&format!(" Variant={v}"));
    }
    s
}

/// The ledger detail shared by `image`, `pull_policy` and `platform` of a service whose
/// image a unit pulls.
fn unit_detail(cx: &Cx<'_>, service: &str, base: &str) -> String {
    let Some((pull, users)) = cx.images.unit(base) else {
        return String::new();
    };
    let others: Vec<&str> = users
        .iter()
        .map(String::as_str)
        .filter(|u| *u != service)
        .collect();
    let shared = if others.is_empty() {
        String::new()
    } else {
        format!(", shared with {}", others.join(", "))
    };
    let policy = pull.policy.unwrap_or("always");
    format!(
        "{base}.image: {base}-image.service (oneshot, no start timeout{shared}) pulls {} (policy {policy}) before the container starts, once per boot (it stays active); like `docker compose restart`, restarting the container does not pull; `systemctl restart {base}-image.service` pulls again and restarts the services that use it",
        pull.reference
    )
}

/// `pull_policy` of a service: `Pull=` on the container, or the `.image` unit that pulls.
pub(crate) fn pull_policy(cx: &mut Cx<'_>, s: &Service, c: &mut Quad, x: &Spanned<String>) {
    let path = names::cat(["services.", &s.name, ".pull_policy"]);
    if let Some(base) = cx.images.unit_of(&s.name).map(str::to_owned) {
        let detail = unit_detail(cx, &s.name, &base);
        cx.ok(path, x.span, detail);
        return;
    }
    let pol = match x.value.as_str() {
        "always" => Some("always"),
        "missing" | "if_not_present" => Some("missing"),
        "never" => Some("never"),
        "newer" => Some("newer"),
        _ => None,
    };
    match (pol, x.value.as_str()) {
        (Some(pp), _) => {
            let (o, mut d) = c.plain("Pull", pp, Some("--pull")).outcome();
            if let Some(why) = cx.images.why_not.get(&s.name) {
                if matches!(pp, "always" | "newer") {
                    d.push_str(&format!(
                        " (podman run pulls at every start and restart of the container, within its TimeoutStartSec=; no .image unit: {why})"
                    ));
                }
            }
            cx.push(path, x.span, o, d);
        }
        (None, "build") => cx.ok(path, x.span, "the image is built (see build)"),
        (None, other) => cx.unsup(
            path,
            x.span,
            format!(
                "pull policy {other:?} (periodic refresh) has no podman equivalent; use podman auto-update"
            ),
        ),
    }
}

/// `platform` of a service: `--platform` on the container, plus `OS=`/`Arch=`/`Variant=` of
/// the `.image` unit that pulls.
pub(crate) fn platform(cx: &mut Cx<'_>, s: &Service, c: &mut Quad, x: &Spanned<String>) {
    let path = names::cat(["services.", &s.name, ".platform"]);
    let (o, d) = c.arg(&format!("--platform={}", x.value)).outcome();
    let unit = cx.images.unit_of(&s.name).and_then(|b| {
        let pf = cx.images.unit(b)?.0.platform.as_ref()?;
        Some(format!(
            "{} in {b}.image, which pulls the image",
            platform_keys(pf)
        ))
    });
    let d = match (unit, cx.images.why_not.get(&s.name)) {
        (Some(u), _) => format!("{u}; {d} so that podman run picks that image"),
        (None, Some(why)) => format!("{d} (no .image unit: {why})"),
        (None, None) => d,
    };
    cx.push(path, x.span, o, d);
}

/// `Image=<base>.image` on the container when a unit pulls the service's image, with the
/// ledger outcome and detail for `image`.
pub(crate) fn container_image(
    cx: &Cx<'_>,
    s: &Service,
    c: &mut Quad,
) -> Option<(transship_translate::Outcome, String)> {
    let base = cx.images.unit_of(&s.name)?;
    let (pull, _) = cx.images.unit(base)?;
    let (o, d) = c.plain("Image", &format!("{base}.image"), None).outcome();
    Some((
        o,
        format!("{d} ({} pulled by {base}-image.service)", pull.reference),
    ))
}

/// Writes the planned `.image` files.
pub(crate) fn emit(cx: &mut Cx<'_>) {
    let v = cx.t.version;
    let units: Vec<(String, Pull, Vec<String>)> = cx
        .images
        .units
        .iter()
        .map(|(b, (p, u))| (b.clone(), p.clone(), u.clone()))
        .collect();
    for (base, pull, users) in units {
        let mut q = Quad::new(v, "Image");
        let _ = q.plain("Image", &pull.reference, None);
        if let Some(pf) = &pull.platform {
            let _ = q.plain("OS", &pf.os, None);
            let _ = q.plain("Arch", &pf.arch, None);
            if let Some(var) = &pf.variant {
                let _ = q.plain("Variant", var, None);
            }
        }
        if let Some(pol) = pull.policy {
            let _ = q.plain("Policy", pol, None);
        }
        let list = users.join(", ");
        let description = format!(
            "Pull of {} for Compose project {} ({list})",
            pull.reference, cx.p.name.value
        );
        cx.add_unit(
            format!("{base}.image"),
            &format!("image pull for Compose service(s) {list}"),
            &description,
            q.finish(),
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn platforms_split_into_os_arch_variant() {
        assert_eq!(
            Platform::parse("linux/arm64/v8"),
            Some(Platform {
                os: "linux".into(),
                arch: "arm64".into(),
                variant: Some("v8".into())
            })
        );
        assert_eq!(
            Platform::parse("linux/amd64").map(|p| p.variant),
            Some(None)
        );
        for bad in ["linux", "", "linux//v8", "a/b/c/d", "/amd64"] {
            assert_eq!(Platform::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn values_that_cannot_be_plain_get_no_unit() {
        let mut s = Service {
            name: "web".into(),
            image: Some(Spanned::new(
                "localhost/app:1 ".into(),
                transship_ir::Span::default(),
            )),
            pull_policy: Some(Spanned::new("always".into(), transship_ir::Span::default())),
            ..Service::default()
        };
        let v = PodmanVersion::new(5, 4);
        let why = decide(v, &s, &BTreeSet::new()).unwrap_err();
        assert!(why.contains("plain value"), "{why}");
        s.image = Some(Spanned::new(
            "localhost/app:1".into(),
            transship_ir::Span::default(),
        ));
        assert!(decide(v, &s, &BTreeSet::new()).is_ok());
    }

    #[test]
    fn short_names_are_unit_safe_and_readable() {
        assert_eq!(
            short_name("docker.io/library/redis:7-alpine"),
            "redis-7-alpine"
        );
        assert_eq!(
            short_name("localhost:5000/transship-busybox:1"),
            "transship-busybox-1"
        );
        assert_eq!(short_name("quay.io/a/b"), "b");
        assert_eq!(
            short_name("docker.io/library/busybox@sha256:0123456789abcdef0123"),
            "busybox-0123456789ab"
        );
        assert_eq!(short_name("docker.io/x/app:1.2_3"), "app-1-2-3");
    }
}
