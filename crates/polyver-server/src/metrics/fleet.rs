//! The repository metrics of PRODUCT.md §8, from each repository's latest stored scan
//! ([`polyver_store::Fleet`]):
//!
//! | metric | value |
//! |---|---|
//! | `polyver_components{repo,ecosystem,kind}` | components of the latest scan |
//! | `polyver_vulnerabilities{repo,severity}` | its vulnerability findings, every severity (0 included, so an alert can tell "none" from "unknown") |
//! | `polyver_version_drift_score{repo,component,kind}` | per component outside `[approved]` (rule `drift/not-approved`): the number of places (files, images) declaring it outside |
//! | `polyver_update_lag_days{repo,component}` | days behind the newest release, for the components the latest scan's stored `polyver outdated` rows say are behind (see below) |
//! | `polyver_health_score{repo}` | 0–100, `polyver_analyze::health` on what the stored scan holds (see below) |
//! | `polyver_sla_breaches{repo,severity}` | its `policy/sla-breach` findings, by the severity of the vulnerability past its deadline (critical, high, medium, low; 0 included) |
//! | `polyver_last_scan_timestamp_seconds{repo}` | when the latest scan finished (Unix seconds) |
//!
//! `component` is `ecosystem:name` as `[approved]` spells it (`pypi:requests`,
//! `docker:python`), and the bare name for runtimes and tools (`python`).
//!
//! **What a stored scan cannot say.** A scan records its inventory and its offline findings
//! (conflicts, drift, and with a local OSV database the vulnerabilities and their
//! `[policy.sla]` breaches at scan time), not upstream lookups. So:
//! - `polyver_update_lag_days` comes from the `polyver outdated` rows stored with the latest
//!   scan (by `polyver outdated` on the scanning machine, sent along by `polyver push`): one
//!   series per component behind a newer release whose registry dates its releases, valued
//!   with its days behind; none for a repository whose latest scan has no rows. Bounded: at
//!   most [`MAX_LAG_SERIES_PER_REPO`] per repository, the most lagging (ties by name).
//! - the health score's `currency` part (within 2 minors of latest) counts the same stored
//!   rows with `polyver plan`'s formula ([`polyver_analyze::health::currency`]), so plan and
//!   `/metrics` agree on the same lookups. A repository whose latest scan has no rows has it
//!   "not measured" and its score is scaled to the parts measured, as `polyver plan` does
//!   when no registry answers. Its vulnerability and SLA parts count what the scan stored: a
//!   scan taken without an OSV database stores no vulnerabilities and scores as if it had
//!   none.
//! - SLA breaches are those at the time of the scan; a vulnerability whose deadline passes
//!   later counts from the next scan (alert on stale scans too).

use polyver_analyze::health::{currency, health, Health, HealthInputs};
use polyver_model::{Ecosystem, FindingKind, FindingSeverity};
use polyver_store::{Fleet, LatestScan, OutdatedStatus};
use polyver_version::Bump;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::AtomicU64;

use super::names;

/// The most `polyver_update_lag_days` series one repository exports (its most lagging
/// components): the label set stays bounded whatever a repository declares.
pub const MAX_LAG_SERIES_PER_REPO: usize = 100;

/// The findings read whole (the rest are counted in SQL).
pub(crate) const DETAILED: &[FindingKind] = &[FindingKind::Drift, FindingKind::Policy];

const DRIFT_RULE: &str = "drift/not-approved";

/// Finding kinds the health's `conflicts` part counts (what `polyver conflicts` reports,
/// drift apart).
const CONFLICT_KINDS: [FindingKind; 3] = [
    FindingKind::Conflict,
    FindingKind::Floating,
    FindingKind::Compat,
];

/// Severities a vulnerability, and so an SLA, can have (`info` has no SLA).
const SLA_SEVERITIES: [FindingSeverity; 4] = [
    FindingSeverity::Critical,
    FindingSeverity::High,
    FindingSeverity::Medium,
    FindingSeverity::Low,
];

type FloatGauge = Gauge<f64, AtomicU64>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Repo {
    repo: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RepoEcosystemKind {
    repo: String,
    ecosystem: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RepoSeverity {
    repo: String,
    severity: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RepoComponentKind {
    repo: String,
    component: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RepoComponent {
    repo: String,
    component: String,
}

/// A component as `[approved]` names it.
fn component_label(ecosystem: Option<Ecosystem>, name: &str) -> String {
    match ecosystem {
        None | Some(Ecosystem::Generic) => name.to_string(),
        Some(e) => format!("{}:{name}", e.id()),
    }
}

/// Per component (label, kind): the places its drift findings point at.
fn drift_scores(scan: &LatestScan) -> BTreeMap<(String, String), u64> {
    let mut scores = BTreeMap::new();
    for f in scan
        .findings
        .iter()
        .filter(|f| f.finding.rule == DRIFT_RULE)
    {
        let Some(name) = f.finding.name.as_deref() else {
            continue;
        };
        let kind = f
            .component_kinds
            .first()
            .cloned()
            .unwrap_or_else(|| "unknown".to_string());
        let places = f.finding.locations.len().max(1) as u64;
        *scores
            .entry((component_label(f.finding.ecosystem, name), kind))
            .or_default() += places;
    }
    scores
}

/// The `polyver_update_lag_days` series of `scan`: (component label, days), most lagging
/// first, at most [`MAX_LAG_SERIES_PER_REPO`].
fn update_lag(scan: &LatestScan) -> Vec<(String, u64)> {
    let mut lag: Vec<(String, u64)> = scan
        .update_lag_days
        .iter()
        .map(|((ecosystem, name), days)| {
            let label = match Ecosystem::from_id(ecosystem) {
                Some(known) => component_label(Some(known), name),
                None => format!("{ecosystem}:{name}"),
            };
            (label, *days)
        })
        .collect();
    lag.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    lag.truncate(MAX_LAG_SERIES_PER_REPO);
    lag
}

/// `policy/sla-breach` findings per severity of the vulnerability (a breach whose title
/// cannot be read counts as medium, as an advisory without a severity does).
pub(crate) fn sla_breaches(scan: &LatestScan) -> BTreeMap<FindingSeverity, u64> {
    let mut counts = BTreeMap::new();
    for f in scan
        .findings
        .iter()
        .filter(|f| f.finding.rule == polyver_analyze::sla::SLA_BREACH)
    {
        let severity =
            polyver_analyze::sla::breached_severity(&f.finding).unwrap_or(FindingSeverity::Medium);
        *counts.entry(severity).or_default() += 1;
    }
    counts
}

/// `polyver_analyze::health` on what the stored scan holds (see the module docs).
pub fn health_of(scan: &LatestScan) -> u8 {
    health_detail(scan).score
}

/// The currency part's input from the stored `polyver outdated` rows of `scan`: (within 2
/// minors of latest, decided), or why it is not measured.
pub(crate) fn stored_currency(scan: &LatestScan) -> Result<(usize, usize), String> {
    if scan.outdated_standings.is_empty() {
        return Err("no polyver outdated rows are stored with the latest scan".to_string());
    }
    let standings = scan.outdated_standings.iter().flat_map(|(s, rows)| {
        let standing = (
            s.status != OutdatedStatus::Unknown,
            s.bump.as_deref().and_then(Bump::from_id),
            s.minors_behind,
        );
        std::iter::repeat_n(standing, usize::try_from(*rows).unwrap_or(usize::MAX))
    });
    Ok(currency(standings))
}

/// The components of `scan` outside `[approved]` (each counted once, whatever its places).
pub(crate) fn drifting(scan: &LatestScan) -> usize {
    scan.findings
        .iter()
        .filter(|f| f.finding.rule == DRIFT_RULE)
        .filter_map(|f| Some((f.finding.ecosystem, f.finding.name.as_deref()?)))
        .collect::<BTreeSet<(Option<Ecosystem>, &str)>>()
        .len()
}

/// The health of `scan` with its parts (what the dashboard shows, and `/metrics` exports).
pub(crate) fn health_detail(scan: &LatestScan) -> Health {
    let per_severity = |kinds: &[FindingKind]| -> BTreeMap<FindingSeverity, usize> {
        let mut out = BTreeMap::new();
        for kind in kinds {
            for (severity, n) in scan.findings_by_severity(*kind) {
                if let Ok(s) = severity.parse::<FindingSeverity>() {
                    *out.entry(s).or_default() += n as usize;
                }
            }
        }
        out
    };
    let breaches: u64 = sla_breaches(scan).values().sum();
    let inputs = HealthInputs {
        currency: stored_currency(scan),
        vulnerabilities: Ok(per_severity(&[FindingKind::Vulnerability])),
        sla_breaches: Some(breaches as usize),
        drift: (drifting(scan), scan.components as usize),
        conflicts: per_severity(&CONFLICT_KINDS),
    };
    health(&inputs)
}

/// The repository metrics of `fleet` in the Prometheus text format.
pub fn render_fleet(fleet: &Fleet) -> String {
    let mut registry = Registry::default();
    let components = Family::<RepoEcosystemKind, Gauge>::default();
    let vulnerabilities = Family::<RepoSeverity, Gauge>::default();
    let drift = Family::<RepoComponentKind, Gauge>::default();
    let lag = Family::<RepoComponent, Gauge>::default();
    let health_score = Family::<Repo, Gauge>::default();
    let breaches = Family::<RepoSeverity, Gauge>::default();
    let last_scan = Family::<Repo, FloatGauge>::default();
    registry.register(
        names::COMPONENTS,
        "Components in the latest scan of a repository, by ecosystem and kind",
        components.clone(),
    );
    registry.register(
        names::VULNERABILITIES,
        "Known vulnerabilities in the latest scan of a repository, by severity",
        vulnerabilities.clone(),
    );
    registry.register(
        names::DRIFT_SCORE,
        "Places declaring a component outside the approved versions of polyver.toml [approved]",
        drift.clone(),
    );
    registry.register(
        names::UPDATE_LAG_DAYS,
        format!(
            "Days a component has been behind its newest release, from the polyver outdated \
             rows stored with the latest scan (at most {MAX_LAG_SERIES_PER_REPO} components per \
             repository, the most lagging)"
        ),
        lag.clone(),
    );
    registry.register(
        names::HEALTH_SCORE,
        "Health of a repository from 0 to 100 (polyver plan), from its latest scan",
        health_score.clone(),
    );
    registry.register(
        names::SLA_BREACHES,
        "Vulnerabilities open past their polyver.toml [policy.sla] deadline at the latest scan, \
         by the vulnerability's severity",
        breaches.clone(),
    );
    registry.register(
        names::LAST_SCAN,
        "When the latest scan of a repository finished, in Unix seconds",
        last_scan.clone(),
    );
    for scan in &fleet.repositories {
        let repo = || scan.repository.clone();
        for ((ecosystem, kind), n) in &scan.component_counts {
            components
                .get_or_create(&RepoEcosystemKind {
                    repo: repo(),
                    ecosystem: ecosystem.clone(),
                    kind: kind.clone(),
                })
                .set(*n as i64);
        }
        let vulns = scan.findings_by_severity(FindingKind::Vulnerability);
        for severity in FindingSeverity::ALL.iter().rev() {
            let n = vulns.get(severity.id()).copied().unwrap_or(0);
            vulnerabilities
                .get_or_create(&RepoSeverity {
                    repo: repo(),
                    severity: severity.id(),
                })
                .set(n as i64);
        }
        for ((component, kind), places) in drift_scores(scan) {
            drift
                .get_or_create(&RepoComponentKind {
                    repo: repo(),
                    component,
                    kind,
                })
                .set(places as i64);
        }
        for (component, days) in update_lag(scan) {
            lag.get_or_create(&RepoComponent {
                repo: repo(),
                component,
            })
            .set(i64::try_from(days).unwrap_or(i64::MAX));
        }
        let per_severity = sla_breaches(scan);
        for severity in SLA_SEVERITIES {
            breaches
                .get_or_create(&RepoSeverity {
                    repo: repo(),
                    severity: severity.id(),
                })
                .set(per_severity.get(&severity).copied().unwrap_or(0) as i64);
        }
        health_score
            .get_or_create(&Repo { repo: repo() })
            .set(i64::from(health_of(scan)));
        last_scan
            .get_or_create(&Repo { repo: repo() })
            .set(scan.finished_at as f64 / 1000.0);
    }
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &registry);
    out
}

#[cfg(test)]
mod tests;
