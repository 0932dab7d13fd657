//! `[policy.sla]`: how many days a vulnerability may stay open, per severity, and which ones
//! are past that — for the `policy` check of `polyver check` and the SLA term of `polyver
//! plan`.
//!
//! **When the clock starts.** polyver sees a repository at one moment and does not know when
//! a vulnerable version entered it, so the clock starts when the flaw became public: the
//! advisory's `published` date (the earliest of the merged aliases), else its `modified`
//! date when no advisory of the flaw gives `published` (later than the real publication, so
//! the deadline errs on the lenient side). An advisory with neither, or with dates that do
//! not parse, has no deadline and is never a breach.
//!
//! **What counts.** Findings of an exact version the audit proved affected. A constraint
//! without a lock ("not pinned") only admits vulnerable versions and has no deadline;
//! `[[audit.ignore]]`d findings are not open. An advisory without a severity counts as
//! medium, as everywhere else; `info` has no SLA.

use polyver_advisory::matcher::Status;
use polyver_advisory::VulnFinding;
use polyver_config::SlaDays;
use polyver_model::{Finding, FindingKind, FindingSeverity, Rule};
use polyver_upstream::Timestamp;

/// The rule id of a vulnerability open past its deadline.
pub const SLA_BREACH: &str = "policy/sla-breach";

/// The severity of an SLA breach finding: the gate fails on it at the default threshold.
pub const BREACH_SEVERITY: FindingSeverity = FindingSeverity::High;

const DAY: i64 = 86_400;

/// The rules of this module's findings.
pub const RULES: &[Rule] = &[Rule {
    id: SLA_BREACH,
    kind: FindingKind::Policy,
    title: "A vulnerability is open longer than polyver.toml [policy.sla] allows for its severity",
    help: "Update to the fixed version (`polyver plan` lists the smallest one), or record a \
           reasoned [[audit.ignore]]; [policy.sla] sets the days per severity.",
    severity: Some(BREACH_SEVERITY),
}];

/// Days allowed for `severity`; `None` for `info` (no deadline).
pub fn days_for(sla: &SlaDays, severity: FindingSeverity) -> Option<u32> {
    match severity {
        FindingSeverity::Critical => Some(sla.critical),
        FindingSeverity::High => Some(sla.high),
        FindingSeverity::Medium => Some(sla.medium),
        FindingSeverity::Low => Some(sla.low),
        FindingSeverity::Info => None,
    }
}

/// Which date the clock started from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockStart {
    Published,
    /// No advisory of the flaw gives `published`.
    Modified,
}

impl ClockStart {
    pub fn word(self) -> &'static str {
        match self {
            ClockStart::Published => "published",
            ClockStart::Modified => "last modified",
        }
    }
}

/// One vulnerability's deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub opened: Timestamp,
    pub from: ClockStart,
    /// The SLA's days for the finding's severity.
    pub days: u32,
    pub due: Timestamp,
}

impl Deadline {
    /// Whole days past `due` at `now`; `None` while it is not due.
    pub fn overdue_days(&self, now: Timestamp) -> Option<u64> {
        let late = now.as_second() - self.due.as_second();
        (late > 0).then_some((late / DAY) as u64)
    }
}

/// The deadline of `finding` under `sla`, when it has one (see the module docs).
pub fn deadline(finding: &VulnFinding, sla: &SlaDays) -> Option<Deadline> {
    if finding.status != Status::Affected {
        return None;
    }
    let days = days_for(sla, finding.effective_severity)?;
    let (opened, from) = clock_start(finding.published.as_deref(), finding.modified.as_deref())?;
    let due =
        Timestamp::from_second(opened.as_second().saturating_add(i64::from(days) * DAY)).ok()?;
    Some(Deadline {
        opened,
        from,
        days,
        due,
    })
}

/// `published`, else `modified`, as a time; dates that do not parse are skipped.
pub fn clock_start(
    published: Option<&str>,
    modified: Option<&str>,
) -> Option<(Timestamp, ClockStart)> {
    let parse = |s: &str| s.trim().parse::<Timestamp>().ok();
    published
        .and_then(parse)
        .map(|t| (t, ClockStart::Published))
        .or_else(|| modified.and_then(parse).map(|t| (t, ClockStart::Modified)))
}

/// `YYYY-MM-DD` of a time (UTC).
pub fn day(t: Timestamp) -> String {
    let text = t.to_string();
    text.get(..10).unwrap_or(&text).to_string()
}

/// Every finding of `findings` open past its deadline at `now`, as `policy/sla-breach`
/// findings (high) in the order given. The title names the deadline, not the days since, so
/// the same breach reads the same every day.
pub fn breaches(findings: &[VulnFinding], sla: &SlaDays, now: Timestamp) -> Vec<Finding> {
    findings
        .iter()
        .filter_map(|f| {
            let d = deadline(f, sla)?;
            d.overdue_days(now)?;
            Some(breach_finding(f, &d))
        })
        .collect()
}

fn breach_finding(f: &VulnFinding, d: &Deadline) -> Finding {
    let severity = if f.severity.is_none() {
        format!("unknown severity, counted as {}", f.effective_severity)
    } else {
        f.effective_severity.to_string()
    };
    let what = match &f.version {
        Some(v) => format!("{} {v}", f.name),
        None => f.name.clone(),
    };
    Finding {
        kind: FindingKind::Policy,
        rule: SLA_BREACH.to_string(),
        severity: BREACH_SEVERITY,
        severity_unknown: false,
        title: format!(
            "{what}: {} ({severity}) {} {}, was due {} under the {}-day [policy.sla] for {} — {}",
            f.id,
            d.from.word(),
            day(d.opened),
            day(d.due),
            d.days,
            f.effective_severity,
            f.fix_text()
        ),
        ecosystem: Some(f.ecosystem),
        name: Some(f.name.clone()),
        version: f.version.clone(),
        aliases: Vec::new(),
        locations: f.locations.clone(),
    }
}

/// The severity of the vulnerability a `policy/sla-breach` finding is about (the breach
/// itself is always [`BREACH_SEVERITY`]), read back from the title [`breaches`] wrote —
/// the stored finding has no other place for it. An advisory without a severity gives the
/// severity it counted as. `None` for any other finding.
pub fn breached_severity(breach: &Finding) -> Option<FindingSeverity> {
    if breach.rule != SLA_BREACH {
        return None;
    }
    let what = match (&breach.name, &breach.version) {
        (Some(name), Some(version)) => format!("{name} {version}: "),
        (Some(name), None) => format!("{name}: "),
        _ => return None,
    };
    let rest = breach.title.strip_prefix(&what)?;
    let (_id, rest) = rest.split_once(" (")?;
    let (severity, _) = rest.split_once(')')?;
    let severity = severity
        .strip_prefix("unknown severity, counted as ")
        .unwrap_or(severity);
    severity.parse().ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use polyver_model::{Ecosystem, Location};

    /// A finding of `name 1.0.0` by advisory `id`.
    pub(crate) fn vuln(id: &str, severity: Option<FindingSeverity>) -> VulnFinding {
        VulnFinding {
            id: id.into(),
            aliases: Vec::new(),
            status: Status::Affected,
            summary: "a flaw".into(),
            ecosystem: Ecosystem::Pypi,
            name: "pkg".into(),
            version: Some("1.0.0".into()),
            constraints: vec!["==1.0.0".into()],
            locations: vec![Location::new("requirements.txt", 1)],
            severity,
            effective_severity: severity.unwrap_or(FindingSeverity::Medium),
            score: None,
            vector: None,
            severity_source: "none",
            fixed_versions: vec!["1.0.1".into()],
            smallest_fix: Some("1.0.1".into()),
            fix_satisfies_constraint: Some(false),
            admitted: Vec::new(),
            url: format!("https://osv.dev/vulnerability/{id}"),
            published: None,
            modified: None,
            ignore: None,
        }
    }

    pub(crate) fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn deadlines_count_from_published_else_modified() {
        let sla = SlaDays::default();
        let mut high = vuln("GHSA-1", Some(FindingSeverity::High));
        assert_eq!(deadline(&high, &sla), None, "no dates, no deadline");
        high.modified = Some("2024-03-10T08:00:00Z".into());
        let d = deadline(&high, &sla).unwrap();
        assert_eq!((d.from, d.days), (ClockStart::Modified, 7));
        assert_eq!(day(d.due), "2024-03-17");
        high.published = Some("2024-03-01T08:00:00.123Z".into());
        let d = deadline(&high, &sla).unwrap();
        assert_eq!(d.from, ClockStart::Published);
        assert_eq!(day(d.due), "2024-03-08");
        assert_eq!(d.overdue_days(at("2024-03-08T07:00:00Z")), None);
        assert_eq!(d.overdue_days(at("2024-03-08T09:00:00Z")), Some(0));
        assert_eq!(d.overdue_days(at("2024-03-18T09:00:00Z")), Some(10));
        high.published = Some("yesterday".into());
        assert_eq!(deadline(&high, &sla).unwrap().from, ClockStart::Modified);
    }

    #[test]
    fn breaches_are_high_findings_of_affected_versions_past_their_sla() {
        let sla = SlaDays {
            critical: 0,
            high: 7,
            medium: 30,
            low: 90,
        };
        let now = at("2024-06-01T00:00:00Z");
        let dated = |id: &str, severity, published: &str| {
            let mut v = vuln(id, severity);
            v.published = Some(published.into());
            v
        };
        let mut not_pinned = dated(
            "NP-1",
            Some(FindingSeverity::Critical),
            "2020-01-01T00:00:00Z",
        );
        not_pinned.status = Status::NotPinned;
        let findings = [
            dated(
                "CRIT-NEW",
                Some(FindingSeverity::Critical),
                "2024-05-31T12:00:00Z",
            ),
            dated(
                "HIGH-IN",
                Some(FindingSeverity::High),
                "2024-05-28T00:00:00Z",
            ),
            dated("MED-OUT", None, "2024-04-01T00:00:00Z"),
            dated("LOW-IN", Some(FindingSeverity::Low), "2024-04-01T00:00:00Z"),
            dated("INFO", Some(FindingSeverity::Info), "2000-01-01T00:00:00Z"),
            not_pinned,
        ];
        let out = breaches(&findings, &sla, now);
        let ids: Vec<&str> = out
            .iter()
            .map(|f| {
                f.title
                    .split(": ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(ids, ["CRIT-NEW", "MED-OUT"]);
        for f in &out {
            assert_eq!(f.rule, SLA_BREACH);
            assert_eq!(f.kind, FindingKind::Policy);
            assert_eq!(f.severity, FindingSeverity::High);
            assert_eq!(f.locations, [Location::new("requirements.txt", 1)]);
        }
        let severities: Vec<_> = out.iter().map(breached_severity).collect();
        assert_eq!(
            severities,
            [
                Some(FindingSeverity::Critical),
                Some(FindingSeverity::Medium)
            ]
        );
        let mut unversioned = vuln("GHSA-2", Some(FindingSeverity::Low));
        unversioned.version = None;
        unversioned.status = Status::Affected;
        unversioned.published = Some("2020-01-01T00:00:00Z".into());
        let out_low = breaches(&[unversioned], &sla, now);
        assert_eq!(
            breached_severity(&out_low[0]),
            Some(FindingSeverity::Low),
            "{}",
            out_low[0].title
        );
        let mut other = out_low[0].clone();
        other.rule = "drift/not-approved".into();
        assert_eq!(breached_severity(&other), None);
        assert_eq!(
            out[1].title,
            "pkg 1.0.0: MED-OUT (unknown severity, counted as medium) published 2024-04-01, was \
             due 2024-05-01 under the 30-day [policy.sla] for medium — fix: 1.0.1 (needs a \
             constraint change: ==1.0.0)"
        );
    }
}
