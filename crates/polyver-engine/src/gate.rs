//! The CI gate (`polyver check`): one scan, then every check on that same inventory against
//! one threshold. Settings and the database are prepared before the scan, so a bad
//! polyver.toml (exit 2) or an unusable database (exit 3) fails fast.
//!
//! - `parse`: every file the scan could not read or parse is a finding (`diagnostic/unreadable`,
//!   path:line): what it declares is missing from every other check, so the gate fails on it
//!   whatever `--fail-on` says, unless `allow_parse_errors`.
//! - `audit`: the local OSV database with `[[audit.ignore]]`. No database, or one older than
//!   `[audit] max-age-days`, is an error (exit 3, with what to run): a gate that cannot audit
//!   must not pass. `--skip audit` runs the rest without one.
//! - `licenses`: the `[licenses]` policy and the fit with the project's own licence, from the
//!   repository only unless `licenses_online` (one commit, one verdict on every runner).
//! - `conflicts`: `polyver-analyze` with `[approved]` and `[[compat]]`.
//! - `lock`: polyver.lock against the scan; skipped when there is none.
//! - `migrations`: the static analysis of schema migration chains.
//! - `policy`: `[policy.sla]` on the audit's findings: a vulnerability of a known version
//!   open longer than the days its severity allows (counted from the advisory's `published`
//!   date, else `modified`; see `polyver_analyze::sla`) is a `policy/sla-breach` finding
//!   (high). It reads the audit's result, so it is skipped when the audit is.

use crate::{audit, conflicts, licenses, EngineError, Settings};
use polyver_advisory::db::Database;
use polyver_analyze::Policy;
use polyver_model::{Finding, FindingSeverity, Inventory};
use serde::Serialize;
use std::collections::BTreeMap;

/// One check of the gate, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    Parse,
    Audit,
    Licenses,
    Conflicts,
    Lock,
    Migrations,
    Policy,
}

impl Check {
    pub const ALL: [Check; 7] = [
        Check::Parse,
        Check::Audit,
        Check::Licenses,
        Check::Conflicts,
        Check::Lock,
        Check::Migrations,
        Check::Policy,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Check::Parse => "parse",
            Check::Audit => "audit",
            Check::Licenses => "licenses",
            Check::Conflicts => "conflicts",
            Check::Lock => "lock",
            Check::Migrations => "migrations",
            Check::Policy => "policy",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Fail,
    Skipped,
}

impl CheckStatus {
    pub fn id(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Skipped => "skipped",
        }
    }
}

/// The outcome of one check.
#[derive(Clone, Debug)]
pub struct CheckResult {
    pub check: Check,
    pub status: CheckStatus,
    /// Why it was skipped.
    pub reason: Option<String>,
    /// What it looked at (one line).
    pub note: Option<String>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// How many are at or above the threshold.
    pub failing: usize,
}

impl CheckResult {
    fn ran(
        check: Check,
        note: String,
        mut findings: Vec<Finding>,
        fail_on: FindingSeverity,
    ) -> Self {
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let failing = findings.iter().filter(|f| f.severity >= fail_on).count();
        CheckResult {
            check,
            status: if failing > 0 {
                CheckStatus::Fail
            } else {
                CheckStatus::Pass
            },
            reason: None,
            note: Some(note),
            findings,
            failing,
        }
    }

    fn skipped(check: Check, reason: impl Into<String>) -> Self {
        CheckResult {
            check,
            status: CheckStatus::Skipped,
            reason: Some(reason.into()),
            note: None,
            findings: Vec::new(),
            failing: 0,
        }
    }

    /// Findings per severity id, every severity present.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        count(&self.findings)
    }
}

/// Findings per severity id, every severity present.
pub fn count(findings: &[Finding]) -> BTreeMap<&'static str, usize> {
    let mut counts: BTreeMap<&'static str, usize> =
        FindingSeverity::ALL.iter().map(|s| (s.id(), 0)).collect();
    for f in findings {
        *counts.entry(f.severity.id()).or_default() += 1;
    }
    counts
}

/// How the gate runs.
#[derive(Clone, Debug)]
pub struct GateOptions {
    /// Fail on a finding at or above this severity.
    pub fail_on: FindingSeverity,
    pub skip: Vec<Check>,
    /// Files that could not be read or parsed do not fail the gate (they are still listed).
    pub allow_parse_errors: bool,
    /// Resolve licences beyond the tree (module caches, registries).
    pub licenses_online: bool,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            fail_on: FindingSeverity::High,
            skip: Vec::new(),
            allow_parse_errors: false,
            licenses_online: false,
        }
    }
}

/// What the gate prepared before the scan.
pub struct PreparedGate<'s> {
    settings: &'s Settings,
    options: GateOptions,
    policy: Option<Policy>,
    db: Option<Result<Database, String>>,
    /// Said before the scan (a missing database).
    pub warnings: Vec<String>,
}

/// The gate's verdict.
#[derive(Clone, Debug)]
pub struct Gate {
    pub fail_on: FindingSeverity,
    pub results: Vec<CheckResult>,
    /// Whether some check failed.
    pub failed: bool,
    /// What a person should know (ecosystems the database lacks, licence notes).
    pub warnings: Vec<String>,
    /// The audit's full report when it ran (advisory details for SARIF rules).
    pub audit: Option<polyver_advisory::AuditReport>,
}

impl Gate {
    /// Prepares the gate: the conflicts policy and the database, before any scan.
    pub fn prepare(
        settings: &Settings,
        options: GateOptions,
    ) -> Result<PreparedGate<'_>, EngineError> {
        if !settings.root.is_dir() {
            return Err(EngineError::input(
                format!("{} is not a directory", settings.root.display()),
                Some("give the repository's root directory".to_string()),
            ));
        }
        let enabled = |c: Check| !options.skip.contains(&c);
        let policy = if enabled(Check::Conflicts) {
            Some(conflicts::policy(settings)?)
        } else {
            None
        };
        let warnings = Vec::new();
        let db = if enabled(Check::Audit) {
            let db = audit::open(&settings.osv_db).map_err(|mut e| {
                if let Some(hint) = e.hint.as_mut() {
                    hint.push_str("; `--skip audit` runs the other checks without one");
                }
                e
            })?;
            audit::check_age(&db, &settings.config, audit::now())?;
            Some(Ok(db))
        } else {
            None
        };
        Ok(PreparedGate {
            settings,
            options,
            policy,
            db,
            warnings,
        })
    }
}

impl PreparedGate<'_> {
    /// Runs every enabled check on `inventory`.
    pub fn run(mut self, inventory: &Inventory) -> Result<Gate, EngineError> {
        let fail_on = self.options.fail_on;
        let mut results = Vec::new();
        let mut warnings = Vec::new();
        let mut audit_report = None;
        for check in Check::ALL {
            if self.options.skip.contains(&check) {
                results.push(CheckResult::skipped(check, "by --skip"));
                continue;
            }
            let result = match check {
                Check::Parse => parse_check(inventory, self.options.allow_parse_errors),
                Check::Audit => match self.db.take().expect("opened when enabled") {
                    Ok(db) => {
                        let (result, report) = self.audit(inventory, &db, &mut warnings)?;
                        audit_report = Some(report);
                        result
                    }
                    Err(reason) => CheckResult::skipped(check, reason),
                },
                Check::Licenses => self.licenses(inventory, &mut warnings)?,
                Check::Conflicts => {
                    let policy = self.policy.as_ref().expect("loaded when enabled");
                    let report = polyver_analyze::analyze(inventory, policy);
                    let mut note = plural(inventory.components.len(), "component");
                    if !report.notes.is_empty() {
                        note.push_str(&format!(
                            "; {} constraints not evaluated (`polyver conflicts -v` lists them)",
                            report.notes.len()
                        ));
                    }
                    CheckResult::ran(check, note, report.findings(), fail_on)
                }
                Check::Lock => self.lock(inventory)?,
                Check::Migrations => {
                    let migrations: Vec<_> = inventory
                        .components
                        .iter()
                        .filter(|c| c.kind == polyver_model::Kind::Migration)
                        .cloned()
                        .collect();
                    let chains = polyver_migrations::analyse(&migrations);
                    let note = match chains.len() {
                        0 => "no schema migrations found".to_string(),
                        1 => "1 migration chain".to_string(),
                        n => format!("{n} migration chains"),
                    };
                    CheckResult::ran(check, note, polyver_migrations::findings(&chains), fail_on)
                }
                Check::Policy => match &audit_report {
                    Some(report) => self.sla(report),
                    None => CheckResult::skipped(
                        check,
                        "needs the audit's findings, and the audit did not run",
                    ),
                },
            };
            results.push(result);
        }
        let failed = results.iter().any(|r| r.status == CheckStatus::Fail);
        Ok(Gate {
            fail_on,
            results,
            failed,
            warnings,
            audit: audit_report,
        })
    }

    fn audit(
        &self,
        inventory: &Inventory,
        db: &Database,
        warnings: &mut Vec<String>,
    ) -> Result<(CheckResult, polyver_advisory::AuditReport), EngineError> {
        let outcome = audit::audit(self.settings, inventory, db)?;
        for e in &outcome.missing_ecosystems {
            warnings.push(audit::not_covered_warning(e));
        }
        let report = &outcome.report;
        let per_ecosystem: Vec<String> = report
            .stats
            .checked_by_ecosystem
            .iter()
            .map(|(e, n)| format!("{e} {n}"))
            .collect();
        let mut note = format!(
            "{} checked against {}",
            plural(report.stats.checked, "component"),
            plural(outcome.advisories, "advisory")
        );
        if !per_ecosystem.is_empty() {
            note.push_str(&format!(" ({})", per_ecosystem.join(", ")));
        }
        if !report.ignored.is_empty() {
            note.push_str(&format!(
                "; {} ignored by polyver.toml",
                report.ignored.len()
            ));
        }
        for gap in report.stats.coverage_gaps() {
            note.push_str(&format!("; {gap}"));
        }
        let result = CheckResult::ran(Check::Audit, note, report.findings(), self.options.fail_on);
        Ok((result, outcome.report))
    }

    /// `[policy.sla]` on the audit's findings, now.
    fn sla(&self, report: &polyver_advisory::AuditReport) -> CheckResult {
        let sla = &self.settings.config.policy.sla;
        let breaches = polyver_analyze::sla::breaches(
            &report.findings,
            sla,
            // A bad POLYVER_NOW is reported by the commands that read it first.
            crate::upstream::now().unwrap_or_else(|_| polyver_upstream::Timestamp::now()),
        );
        let dated = report
            .findings
            .iter()
            .filter(|f| polyver_analyze::sla::deadline(f, sla).is_some())
            .count();
        let note = format!(
            "{} with a deadline under [policy.sla] (critical {}, high {}, medium {}, low {} \
             days from the advisory's publication)",
            plural(dated, "vulnerability"),
            sla.critical,
            sla.high,
            sla.medium,
            sla.low
        );
        CheckResult::ran(Check::Policy, note, breaches, self.options.fail_on)
    }

    fn licenses(
        &self,
        inventory: &Inventory,
        warnings: &mut Vec<String>,
    ) -> Result<CheckResult, EngineError> {
        let online = self.options.licenses_online;
        let report = licenses::licence_report(
            self.settings,
            inventory,
            &licenses::LicenseSources {
                beyond_tree: online,
                registry: online,
                registry_urls: Vec::new(),
            },
            None,
        )?;
        warnings.extend(report.notes.iter().cloned());
        let s = &report.summary;
        let note = format!(
            "{}, {}, {} unknown{}",
            plural(s.packages, "package"),
            plural(s.violations, "violation"),
            s.unknown,
            if online {
                ""
            } else {
                "; read from the repository only"
            }
        );
        Ok(CheckResult::ran(
            Check::Licenses,
            note,
            report.findings(),
            self.options.fail_on,
        ))
    }

    fn lock(&self, inventory: &Inventory) -> Result<CheckResult, EngineError> {
        let path = self.settings.root.join(polyver_lock::FILE_NAME);
        if !path.exists() {
            return Ok(CheckResult::skipped(
                Check::Lock,
                "no polyver.lock (run `polyver lock` and commit it to check drift)",
            ));
        }
        let recorded = crate::read_lock(&path)?;
        let drift = polyver_lock::diff(&recorded, &polyver_lock::entries(inventory));
        Ok(CheckResult::ran(
            Check::Lock,
            polyver_lock::drift_note(&drift),
            polyver_lock::drift_findings(&drift),
            self.options.fail_on,
        ))
    }
}

/// The parse check: one finding per diagnostic that lost data (an error, or a file or line
/// that could not be parsed, read or decoded). Fails on any unless `allowed`.
fn parse_check(inventory: &Inventory, allowed: bool) -> CheckResult {
    let findings = crate::parse::findings(inventory);
    let files: std::collections::BTreeSet<&str> = findings
        .iter()
        .filter_map(|f| f.locations.first().map(|l| l.path.as_str()))
        .collect();
    let mut note = format!(
        "{} read, {} with a parse error",
        plural(inventory.stats.files_extracted, "file"),
        files.len()
    );
    if allowed && !findings.is_empty() {
        note.push_str(" (allowed by --allow-parse-errors)");
    }
    let failing = if allowed { 0 } else { findings.len() };
    CheckResult {
        check: Check::Parse,
        status: if failing > 0 {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        },
        reason: None,
        note: Some(note),
        findings,
        failing,
    }
}

/// `1 package`, `2 packages`, `3 advisories`.
fn plural(n: impl TryInto<u64>, word: &str) -> String {
    let n: u64 = n.try_into().unwrap_or(u64::MAX);
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("1 {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {word}s"),
    }
}
