//! What `polyver alerts` writes: Prometheus alerting rules over the metrics of `/metrics`
//! and a Grafana dashboard of them, with the thresholds of polyver.toml `[server.alerts]`.
//!
//! The rules, one group `polyver`:
//!
//! | alert | fires when | severity |
//! |---|---|---|
//! | `PolyverCriticalVulnerability` | a repository's latest scan has a critical vulnerability | critical |
//! | `PolyverSlaBreached` | a vulnerability is open past its `[policy.sla]` deadline | warning |
//! | `PolyverScanStale` | the latest scan is older than `scan-stale-after` (default 7 days) | warning |
//! | `PolyverHealthLow` | the health score is below `health-below` (default 60) | warning |
//!
//! Every expression first takes `max by (repo)` (or `by (repo, severity)`): several replicas
//! of the server on one database expose the same values under different `instance` labels,
//! and one repository must raise one alert, not one per replica.
//!
//! Both documents are built as JSON values; the rules are written as YAML by [`yaml`]
//! (Prometheus reads YAML), or as JSON for tools that generate configuration.

mod dashboard;
pub mod yaml;

pub use dashboard::dashboard;

use crate::metrics::names;
use serde_json::{json, Value};

/// The schema id of `polyver alerts --format json`.
pub const SCHEMA: &str = "polyver.alerts/v1";

/// The rule group's name.
pub const GROUP: &str = "polyver";

/// Default of `[server.alerts] health-below`.
pub const DEFAULT_HEALTH_BELOW: u32 = 60;
/// Default of `[server.alerts] scan-stale-after`: 7 days.
pub const DEFAULT_SCAN_STALE_AFTER: u64 = 7 * 86_400;

/// The thresholds the rules are written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Alert below this health score (0–100).
    pub health_below: u32,
    /// Alert when the latest scan is older than this many seconds.
    pub scan_stale_after: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            health_below: DEFAULT_HEALTH_BELOW,
            scan_stale_after: DEFAULT_SCAN_STALE_AFTER,
        }
    }
}

impl Thresholds {
    /// `[server.alerts]`, with the defaults for what it leaves out.
    pub fn from_config(config: &polyver_config::AlertThresholds) -> Thresholds {
        let d = Thresholds::default();
        Thresholds {
            health_below: config.health_below.unwrap_or(d.health_below),
            scan_stale_after: config.scan_stale_after.unwrap_or(d.scan_stale_after),
        }
    }
}

/// Seconds as a Prometheus duration (`7d`, `1d12h`, `90s`); `0s` for zero.
pub fn duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = seconds;
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// One alerting rule.
fn alert(name: &str, expr: String, severity: &str, summary: &str, description: String) -> Value {
    json!({
        "alert": name,
        "expr": expr,
        "labels": { "severity": severity },
        "annotations": { "summary": summary, "description": description },
    })
}

/// The alerting rules file (`groups:`), as a value.
pub fn rules(t: &Thresholds) -> Value {
    let stale = duration(t.scan_stale_after);
    let rules = vec![
        alert(
            "PolyverCriticalVulnerability",
            format!(
                "max by (repo) ({}{{severity=\"critical\"}}) > 0",
                names::VULNERABILITIES
            ),
            "critical",
            "{{ $labels.repo }} has {{ $value }} critical vulnerabilities",
            "The latest scan of {{ $labels.repo }} found {{ $value }} known critical \
             vulnerabilities. `polyver audit` in the repository lists them with the versions \
             that fix them; `polyver plan` says what to update first."
                .to_string(),
        ),
        alert(
            "PolyverSlaBreached",
            format!(
                "sum by (repo) (max by (repo, severity) ({})) > 0",
                names::SLA_BREACHES
            ),
            "warning",
            "{{ $labels.repo }} has {{ $value }} vulnerabilities past their SLA",
            "{{ $value }} vulnerabilities of {{ $labels.repo }} were open past the deadline of \
             its polyver.toml [policy.sla] at its latest scan. `polyver check` shows each one \
             with its deadline and fix."
                .to_string(),
        ),
        alert(
            "PolyverScanStale",
            format!(
                "time() - max by (repo) ({}) > {}",
                names::LAST_SCAN,
                t.scan_stale_after
            ),
            "warning",
            "{{ $labels.repo }} was last scanned {{ $value | humanizeDuration }} ago",
            format!(
                "No scan of {{{{ $labels.repo }}}} has been recorded for more than {stale} \
                 ([server.alerts] scan-stale-after): its metrics describe the repository as it \
                 was. Run `polyver scan` (or `polyver push`) from its CI."
            ),
        ),
        alert(
            "PolyverHealthLow",
            format!(
                "max by (repo) ({}) < {}",
                names::HEALTH_SCORE,
                t.health_below
            ),
            "warning",
            "{{ $labels.repo }} health is {{ $value }}",
            format!(
                "The health score of {{{{ $labels.repo }}}} is {{{{ $value }}}}, below {} \
                 ([server.alerts] health-below). `polyver plan` in the repository shows the \
                 score's parts and what to do first.",
                t.health_below
            ),
        ),
    ];
    json!({ "groups": [ { "name": GROUP, "rules": rules } ] })
}

/// The rules file as YAML, with a header saying where it came from and how to use it.
pub fn rules_yaml(t: &Thresholds) -> String {
    let header = format!(
        "# Prometheus alerting rules for polyver's /metrics, written by `polyver alerts`\n\
         # ([server.alerts] health-below = {}, scan-stale-after = \"{}\").\n\
         # Load it from prometheus.yml `rule_files:`; `promtool check rules FILE` checks it.\n",
        t.health_below,
        duration(t.scan_stale_after)
    );
    header + &yaml::to_yaml(&rules(t))
}

/// `polyver alerts --format json`: the thresholds, the rules and the dashboard in one document.
pub fn document(t: &Thresholds) -> Value {
    json!({
        "schema": SCHEMA,
        "thresholds": {
            "health_below": t.health_below,
            "scan_stale_after_seconds": t.scan_stale_after,
        },
        "rules": rules(t),
        "dashboard": dashboard(t),
    })
}

#[cfg(test)]
mod tests;
