//! The healthcheck, and readiness for dependents waiting on `service_healthy`.

use transship_ir::{Healthcheck, Spanned};
use transship_translate::Outcome;

use super::{DepNeeds, Steps, health_cmd_text};
use crate::duration_text;
use crate::names;
use crate::opt::{HealthSetting, Opt};

pub(super) fn healthcheck(
    st: &mut Steps<'_, '_>,
    h: Option<&Spanned<Healthcheck>>,
    needs: DepNeeds,
) {
    if let Some(h) = h {
        checks(st, h);
    }
    if needs.healthy {
        let container = st.cname.clone();
        st.set(Opt::NotifyHealthy { container });
    }
}

fn checks(st: &mut Steps<'_, '_>, h: &Spanned<Healthcheck>) {
    let Healthcheck {
        test,
        interval,
        timeout,
        retries,
        start_period,
        start_interval,
        disable,
        extensions,
    } = &h.value;
    let hp = st.path(".healthcheck");
    st.group(&hp.clone(), h.span, |st| {
        if let Some(t) = test {
            let text = health_cmd_text(&t.value);
            st.spelled(names::cat([&hp, ".test"]), t.span, Opt::HealthCmd(text));
        }
        for (key, val, which) in [
            ("interval", interval, HealthSetting::Interval),
            ("timeout", timeout, HealthSetting::Timeout),
            ("start_period", start_period, HealthSetting::StartPeriod),
        ] {
            if let Some(x) = val {
                let opt = Opt::Health(which, duration_text(x.value));
                st.spelled(names::cat([&hp, ".", key]), x.span, opt);
            }
        }
        if let Some(x) = retries {
            let opt = Opt::HealthRetries(x.value.to_string());
            st.spelled(names::cat([&hp, ".retries"]), x.span, opt);
        }
        if let Some(x) = start_interval {
            st.unsup(names::cat([&hp, ".start_interval"]), x.span, "podman has no separate check interval for the start period (HealthStartup* keys configure a different mechanism)");
        }
        if let Some(x) = disable {
            let path = names::cat([&hp, ".disable"]);
            if x.value {
                st.spelled(path, x.span, Opt::HealthDisable);
            } else {
                let detail = Some("(enabled: the default)".to_owned());
                st.fixed(path, x.span, Outcome::Translated, detail);
            }
        }
        st.extensions(&hp, extensions, h.span);
    });
}
