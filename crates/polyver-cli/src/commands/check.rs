//! `polyver check [PATH]`: the CI gate. One scan, then every check on that same inventory:
//!
//! - `audit`: the local OSV database (`polyver db`), with polyver.toml `[[audit.ignore]]`. No
//!   database: skipped with a warning (exit 3 with `--require-audit`); a database that exists
//!   but cannot be read is always exit 3 (someone meant to audit).
//! - `licenses`: the `[licenses]` policy and the fit with the project's own licence. By default
//!   only the scanned tree is read (lock-file metadata, node_modules, virtualenvs, vendor), so
//!   one commit gives one verdict on every runner; `--licenses-online` adds cargo's and Go's
//!   module caches and registry lookups (cached, none with `--offline`).
//! - `conflicts`: `polyver-analyze` with `[approved]` and `[[compat]]` (conflicts, floating
//!   versions, drift, compatibility).
//! - `lock`: polyver.lock against the scan, one `lock/drift` finding (high) per entry that
//!   differs; skipped when there is no polyver.lock.
//! - `migrations`: the static analysis of schema migration chains (no database).
//!
//! One threshold, `--fail-on` (default high), for every check; polyver.toml `[audit] fail-on`
//! is `polyver audit`'s alone. The gate never writes: no registry store, no polyver.lock.
//!
//! Exit codes: 0 every check that ran passed; 1 a finding at or above `--fail-on`; 2 input or
//! configuration errors (bad path, invalid polyver.toml, malformed polyver.lock); 3 the
//! environment (an unreadable OSV database, or none with `--require-audit`).

use crate::args::{CheckArgs, CheckName, Format, GlobalArgs};
use crate::output::{escaped, Output, Style};
use crate::CliError;
use polyver_advisory::db::{Database, DbError};
use polyver_extract::registry;
use polyver_lock::{describe, diff, entries, LockEntry, FILE_NAME};
use polyver_migrations::ProblemKind;
use polyver_model::{Finding, FindingKind, FindingSeverity, Inventory, Kind, Location};
use polyver_report::sarif::SarifRule;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The JSON schema id of `polyver check --format json`.
pub const CHECK_SCHEMA: &str = "polyver.check/v1";

/// Findings of one check shown in the table (markdown shows more); JSON and SARIF have all.
const TABLE_TOP: usize = 10;
const MARKDOWN_TOP: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Pass,
    Fail,
    Skipped,
}

impl Status {
    fn id(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skipped => "skipped",
        }
    }
}

/// The outcome of one check.
struct CheckResult {
    name: CheckName,
    status: Status,
    /// Why it was skipped.
    reason: Option<String>,
    /// What it looked at (one line).
    note: Option<String>,
    /// Most severe first.
    findings: Vec<Finding>,
    /// How many are at or above the threshold.
    failing: usize,
}

impl CheckResult {
    fn ran(
        name: CheckName,
        note: String,
        mut findings: Vec<Finding>,
        fail_on: FindingSeverity,
    ) -> Self {
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let failing = findings.iter().filter(|f| f.severity >= fail_on).count();
        CheckResult {
            name,
            status: if failing > 0 {
                Status::Fail
            } else {
                Status::Pass
            },
            reason: None,
            note: Some(note),
            findings,
            failing,
        }
    }

    fn skipped(name: CheckName, reason: impl Into<String>) -> Self {
        CheckResult {
            name,
            status: Status::Skipped,
            reason: Some(reason.into()),
            note: None,
            findings: Vec::new(),
            failing: 0,
        }
    }

    /// Findings per severity, every severity present.
    fn counts(&self) -> BTreeMap<&'static str, usize> {
        count(&self.findings)
    }
}

fn count(findings: &[Finding]) -> BTreeMap<&'static str, usize> {
    let mut counts: BTreeMap<&'static str, usize> =
        FindingSeverity::ALL.iter().map(|s| (s.id(), 0)).collect();
    for f in findings {
        *counts.entry(f.severity.id()).or_default() += 1;
    }
    counts
}

pub fn run(args: &CheckArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    if !matches!(
        global.format,
        Format::Table | Format::Json | Format::Markdown | Format::Sarif
    ) {
        return Err(super::unsupported_format(
            "check",
            global.format,
            "table, json, markdown, sarif",
        ));
    }
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(CliError::input(
            format!("{} is not a directory", root.display()),
            Some("give the repository's root directory".to_string()),
        )
        .into());
    }
    let enabled = |c: CheckName| !args.skip.contains(&c);
    // Settings first: a bad polyver.toml is exit 2 before anything runs.
    let config = super::load_config(global, &root)?;
    let policy = if enabled(CheckName::Conflicts) {
        Some(super::conflicts::policy_from(&config, &root)?)
    } else {
        None
    };
    // The database before the scan: an unusable one fails fast.
    let mut db = if enabled(CheckName::Audit) {
        Some(open_db(args, global)?)
    } else {
        None
    };

    let scan_config = super::scan_config_from(&config.scan, None);
    let inventory = super::scan_and_report(
        global,
        &root,
        &scan_config,
        &registry::extractors(),
        "the repository's root directory",
    )?;

    let fail_on = args.fail_on;
    let mut results = Vec::new();
    let mut rules: Vec<SarifRule> = Vec::new();
    for name in CheckName::ALL {
        if !enabled(name) {
            results.push(CheckResult::skipped(name, "by --skip"));
            continue;
        }
        let result = match name {
            CheckName::Audit => match db.take().expect("opened when enabled") {
                Ok(db) => {
                    let (result, audit_rules) =
                        audit_check(&inventory, &db, &config, global, fail_on)?;
                    rules.extend(audit_rules);
                    result
                }
                Err(reason) => CheckResult::skipped(name, reason),
            },
            CheckName::Licenses => {
                let report = super::licenses::licence_report(
                    &root,
                    &inventory,
                    global,
                    &config,
                    args.licenses_online,
                    args.licenses_online,
                    &[],
                )?;
                if !global.quiet {
                    for note in &report.notes {
                        eprintln!("warning: {}", escaped(note));
                    }
                }
                rules.extend(super::licenses::sarif_rules());
                let s = &report.summary;
                let note = format!(
                    "{}, {}, {} unknown{}",
                    plural(s.packages, "package"),
                    plural(s.violations, "violation"),
                    s.unknown,
                    if args.licenses_online {
                        ""
                    } else {
                        "; read from the repository only"
                    }
                );
                CheckResult::ran(name, note, report.findings(), fail_on)
            }
            CheckName::Conflicts => {
                let policy = policy.as_ref().expect("loaded when enabled");
                let report = polyver_analyze::analyze(&inventory, Some(&root), policy);
                rules.extend(super::conflicts::sarif_rules());
                let mut note = plural(inventory.components.len(), "component");
                if !report.notes.is_empty() {
                    note.push_str(&format!(
                        "; {} constraints not evaluated (`polyver conflicts -v` lists them)",
                        report.notes.len()
                    ));
                }
                CheckResult::ran(name, note, report.findings(), fail_on)
            }
            CheckName::Lock => {
                rules.push(rule(
                    "lock/drift",
                    "The repository no longer matches polyver.lock",
                    "Run `polyver lock` to record the repository as it is now (and commit \
                     polyver.lock), or undo the change.",
                    "lock",
                ));
                lock_check(&root, &inventory, fail_on)?
            }
            CheckName::Migrations => {
                rules.extend(migration_rules());
                migrations_check(&inventory, fail_on)
            }
        };
        results.push(result);
    }

    let failed = results.iter().any(|r| r.status == Status::Fail);
    match global.format {
        Format::Json => write_json(&inventory, &results, fail_on, failed, out)?,
        Format::Markdown => write_markdown(&results, fail_on, failed, &mut out.writer)?,
        Format::Sarif => {
            let findings: Vec<Finding> = results
                .iter()
                .flat_map(|r| r.findings.iter().cloned())
                .collect();
            super::write_sarif(out, &findings, &rules)?;
        }
        _ => write_table(&results, fail_on, failed, out)?,
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The OSV database, or why the audit is skipped.
type DbOrReason = Result<Database, String>;

/// Opens the OSV database. Missing: the audit is skipped with a warning, or exit 3 with
/// `--require-audit`. Present but unreadable: exit 3.
fn open_db(args: &CheckArgs, global: &GlobalArgs) -> anyhow::Result<DbOrReason> {
    let dir = super::db::osv_db_dir(&args.db);
    match Database::open(&Database::file_in(&dir)) {
        Ok(db) => Ok(Ok(db)),
        Err(DbError::Missing(p)) => {
            if args.require_audit {
                return super::db::open(&args.db).map(Ok);
            }
            if !global.quiet {
                eprintln!(
                    "warning: no OSV database at {}: the audit is skipped (run `polyver db sync`; --require-audit fails instead)",
                    p.display()
                );
            }
            Ok(Err(format!(
                "no OSV database at {} (run `polyver db sync`)",
                p.display()
            )))
        }
        Err(e) => Err(super::db::db_error(e)),
    }
}

fn audit_check(
    inventory: &Inventory,
    db: &Database,
    config: &polyver_config::Config,
    global: &GlobalArgs,
    fail_on: FindingSeverity,
) -> anyhow::Result<(CheckResult, Vec<SarifRule>)> {
    let options = super::audit::audit_options(config);
    let missing: std::collections::BTreeSet<&str> = inventory
        .components
        .iter()
        .filter_map(|c| polyver_advisory::osv_ecosystem(c.ecosystem))
        .filter(|e| !db.ecosystems().contains_key(*e))
        .collect();
    if !global.quiet {
        for e in &missing {
            eprintln!(
                "warning: the OSV database has no {e} advisories; those components were not checked (run `polyver db sync --ecosystem {e}`)"
            );
        }
    }
    let report = polyver_advisory::audit(inventory, db, &options).map_err(|e| CliError {
        code: 3,
        message: e.to_string(),
        hint: Some("re-create the database with `polyver db sync` or `polyver db import`".into()),
    })?;
    let (findings, rules) = super::audit::to_sarif(&report);
    let mut note = format!(
        "{} checked against {}",
        plural(report.stats.checked, "component"),
        plural(db.advisory_count(), "advisory")
    );
    if !report.ignored.is_empty() {
        note.push_str(&format!(
            "; {} ignored by polyver.toml",
            report.ignored.len()
        ));
    }
    if !missing.is_empty() {
        let list: Vec<&str> = missing.into_iter().collect();
        note.push_str(&format!("; no advisories for {}", list.join(", ")));
    }
    Ok((
        CheckResult::ran(CheckName::Audit, note, findings, fail_on),
        rules,
    ))
}

fn lock_check(
    root: &Path,
    inventory: &Inventory,
    fail_on: FindingSeverity,
) -> anyhow::Result<CheckResult> {
    let path = root.join(FILE_NAME);
    if !path.exists() {
        return Ok(CheckResult::skipped(
            CheckName::Lock,
            "no polyver.lock (run `polyver lock` and commit it to check drift)",
        ));
    }
    let recorded = super::lock::read_lock(&path)?;
    let current = entries(inventory);
    let drift = diff(&recorded, &current);
    let finding = |title: String, e: &LockEntry, locations: Vec<Location>| Finding {
        kind: FindingKind::Drift,
        rule: "lock/drift".to_string(),
        severity: FindingSeverity::High,
        title,
        ecosystem: Some(e.ecosystem),
        name: Some(e.name.clone()),
        version: e.version.clone(),
        aliases: Vec::new(),
        locations,
    };
    let in_files = |e: &LockEntry| -> Vec<Location> {
        e.files
            .iter()
            .map(|f| Location::new(f.as_str(), 0))
            .collect()
    };
    let mut findings = Vec::new();
    for e in &drift.added {
        findings.push(finding(
            format!("not in polyver.lock: {}", describe(e)),
            e,
            in_files(e),
        ));
    }
    for e in &drift.removed {
        findings.push(finding(
            format!(
                "in polyver.lock, no longer in the repository: {}",
                describe(e)
            ),
            e,
            vec![Location::new(FILE_NAME, 0)],
        ));
    }
    for c in &drift.changed {
        findings.push(finding(
            format!(
                "changed since polyver.lock: {} {}: {}",
                c.after.ecosystem,
                c.after.name,
                c.fields.join("; ")
            ),
            &c.after,
            in_files(&c.after),
        ));
    }
    let note = if drift.is_empty() {
        format!(
            "polyver.lock is up to date ({} components)",
            drift.unchanged
        )
    } else {
        format!(
            "polyver.lock is out of date: {} added, {} removed, {} changed (`polyver lock --check` shows the diff)",
            drift.added.len(),
            drift.removed.len(),
            drift.changed.len()
        )
    };
    Ok(CheckResult::ran(CheckName::Lock, note, findings, fail_on))
}

/// How serious a chain problem is: what breaks a migration run is high, the rest medium.
fn migration_severity(kind: ProblemKind) -> FindingSeverity {
    match kind {
        ProblemKind::MultipleHeads
        | ProblemKind::Duplicate
        | ProblemKind::Cycle
        | ProblemKind::MissingParent
        | ProblemKind::Failed => FindingSeverity::High,
        ProblemKind::Gap
        | ProblemKind::SchemaBehind
        | ProblemKind::Pending
        | ProblemKind::Unknown => FindingSeverity::Medium,
    }
}

const MIGRATION_RULES: &[(ProblemKind, &str)] = &[
    (
        ProblemKind::MultipleHeads,
        "A migration chain has more than one head (the migration tool refuses to upgrade)",
    ),
    (
        ProblemKind::Gap,
        "A numbered migration chain skips a version",
    ),
    (
        ProblemKind::Duplicate,
        "Two migrations share one version or revision id",
    ),
    (ProblemKind::Cycle, "Migration parents form a cycle"),
    (
        ProblemKind::MissingParent,
        "A migration names a parent revision that does not exist",
    ),
    (
        ProblemKind::SchemaBehind,
        "db/schema.rb records an older version than the newest migration",
    ),
];

fn migration_rules() -> Vec<SarifRule> {
    MIGRATION_RULES
        .iter()
        .map(|(kind, text)| {
            let mut r = rule(
                &format!("migration/{}", kind.id()),
                text,
                "`polyver migrations` shows the chain; fix the migration files.",
                "migration",
            );
            r.severity = Some(migration_severity(*kind));
            r
        })
        .collect()
}

fn migrations_check(inventory: &Inventory, fail_on: FindingSeverity) -> CheckResult {
    let migrations: Vec<_> = inventory
        .components
        .iter()
        .filter(|c| c.kind == Kind::Migration)
        .cloned()
        .collect();
    let chains = polyver_migrations::analyse(&migrations);
    let mut findings = Vec::new();
    for chain in &chains {
        for p in &chain.problems {
            findings.push(Finding {
                kind: FindingKind::Migration,
                rule: format!("migration/{}", p.kind.id()),
                severity: migration_severity(p.kind),
                title: format!("{} {}: {}", chain.framework, chain.name, p.message),
                ecosystem: Some(chain.framework),
                name: Some(chain.name.clone()),
                version: None,
                aliases: Vec::new(),
                locations: p.location.iter().cloned().collect(),
            });
        }
    }
    let note = match chains.len() {
        0 => "no schema migrations found".to_string(),
        1 => "1 migration chain".to_string(),
        n => format!("{n} migration chains"),
    };
    CheckResult::ran(CheckName::Migrations, note, findings, fail_on)
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

fn rule(id: &str, text: &str, help: &str, tag: &str) -> SarifRule {
    SarifRule {
        id: id.to_string(),
        short_description: text.to_string(),
        help: format!("{text}. {help}"),
        tags: vec![tag.to_string()],
        ..SarifRule::default()
    }
}

fn write_json(
    inventory: &Inventory,
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    out: &mut Output,
) -> anyhow::Result<()> {
    let checks: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            json!({
                "name": r.name.id(),
                "status": r.status,
                "reason": r.reason,
                "note": r.note,
                "counts": ordered(&r.counts()),
                "total": r.findings.len(),
                "failing": r.failing,
                "findings": r.findings,
            })
        })
        .collect();
    let all: Vec<Finding> = results
        .iter()
        .flat_map(|r| r.findings.iter().cloned())
        .collect();
    let with = |s: Status| results.iter().filter(|r| r.status == s).count();
    let doc = json!({
        "schema": CHECK_SCHEMA,
        "root": inventory.root,
        "fail_on": fail_on,
        "verdict": if failed { "fail" } else { "pass" },
        "summary": {
            "passed": with(Status::Pass),
            "failed": with(Status::Fail),
            "skipped": with(Status::Skipped),
            "findings": all.len(),
            "failing": results.iter().map(|r| r.failing).sum::<usize>(),
            "counts": ordered(&count(&all)),
        },
        "checks": checks,
    });
    serde_json::to_writer_pretty(&mut out.writer, &doc)?;
    writeln!(out.writer)?;
    Ok(())
}

/// Counts most severe first, as JSON (a map in that order; every severity present).
fn ordered(counts: &BTreeMap<&'static str, usize>) -> serde_json::Value {
    FindingSeverity::ALL
        .iter()
        .rev()
        .map(|s| (s.id().to_string(), json!(counts[s.id()])))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// `1 high, 2 medium`, most severe first; `no findings` when empty.
fn severity_list(r: &CheckResult) -> String {
    let counts = r.counts();
    let parts: Vec<String> = FindingSeverity::ALL
        .iter()
        .rev()
        .filter(|s| counts[s.id()] > 0)
        .map(|s| format!("{} {s}", counts[s.id()]))
        .collect();
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    }
}

fn where_of(f: &Finding) -> String {
    let at: Vec<String> = f
        .locations
        .iter()
        .map(|l| {
            if l.line > 0 {
                l.to_string()
            } else {
                l.path.clone()
            }
        })
        .collect();
    at.join(", ")
}

fn verdict_line(results: &[CheckResult], fail_on: FindingSeverity, failed: bool) -> String {
    let ran = results
        .iter()
        .filter(|r| r.status != Status::Skipped)
        .count();
    let failing: Vec<&str> = results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .map(|r| r.name.id())
        .collect();
    if failed {
        format!(
            "FAIL: {} of {ran} checks found problems at or above {fail_on} ({})",
            failing.len(),
            failing.join(", ")
        )
    } else {
        format!("PASS: {ran} checks ran, nothing at or above {fail_on}")
    }
}

fn write_table(
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    out: &mut Output,
) -> anyhow::Result<()> {
    for r in results {
        let status = match r.status {
            Status::Fail => out.paint("FAIL", Style::Bad),
            Status::Pass => out.paint("pass", Style::Good),
            Status::Skipped => "skipped".to_string(),
        };
        let detail = match r.status {
            Status::Skipped => r.reason.clone().unwrap_or_default(),
            _ => {
                let mut d = severity_list(r);
                if r.failing > 0 {
                    d.push_str(&format!("; {} at or above {fail_on}", r.failing));
                }
                d
            }
        };
        writeln!(
            out.writer,
            "{} {status}: {detail}",
            out.paint(r.name.id(), Style::Bold)
        )?;
        if let Some(note) = &r.note {
            writeln!(out.writer, "  {note}")?;
        }
        for f in r.findings.iter().take(TABLE_TOP) {
            let sev = format!("{:<8}", f.severity.id());
            let sev = if f.severity >= fail_on {
                out.paint(&sev, Style::Bad)
            } else {
                sev
            };
            writeln!(out.writer, "  {sev} {}  {}", f.rule, f.title)?;
            let at = where_of(f);
            if !at.is_empty() {
                writeln!(out.writer, "           at {at}")?;
            }
        }
        if r.findings.len() > TABLE_TOP {
            writeln!(
                out.writer,
                "  ... and {} more (`polyver {}` or --format json lists every one)",
                r.findings.len() - TABLE_TOP,
                r.name.id()
            )?;
        }
        writeln!(out.writer)?;
    }
    let width = results.iter().map(|r| r.name.id().len()).max().unwrap_or(0);
    for r in results {
        let detail = match r.status {
            Status::Skipped => r.reason.clone().unwrap_or_default(),
            _ => severity_list(r),
        };
        writeln!(
            out.writer,
            "{:<width$}  {:<7}  {detail}",
            r.name.id(),
            r.status.id()
        )?;
    }
    let verdict = verdict_line(results, fail_on, failed);
    let style = if failed { Style::Bad } else { Style::Good };
    writeln!(out.writer, "{}", out.paint(&verdict, style))?;
    Ok(())
}

fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn write_markdown(
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    w: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(
        w,
        "## polyver check: {}\n",
        if failed { "failed" } else { "passed" }
    )?;
    writeln!(w, "{}\n", verdict_line(results, fail_on, failed))?;
    writeln!(
        w,
        "| check | status | critical | high | medium | low | info | details |"
    )?;
    writeln!(w, "|---|---|---:|---:|---:|---:|---:|---|")?;
    for r in results {
        let counts = r.counts();
        let status = match r.status {
            Status::Fail => "**fail**",
            Status::Pass => "pass",
            Status::Skipped => "skipped",
        };
        let details = match r.status {
            Status::Skipped => r.reason.clone().unwrap_or_default(),
            _ => r.note.clone().unwrap_or_default(),
        };
        let cells: Vec<String> = ["critical", "high", "medium", "low", "info"]
            .iter()
            .map(|s| match r.status {
                Status::Skipped => "-".to_string(),
                _ => counts[s].to_string(),
            })
            .collect();
        writeln!(
            w,
            "| {} | {status} | {} | {} |",
            r.name.id(),
            cells.join(" | "),
            md(&details)
        )?;
    }
    for r in results.iter().filter(|r| !r.findings.is_empty()) {
        writeln!(w, "\n### {}\n", r.name.id())?;
        writeln!(w, "| severity | rule | finding | where |")?;
        writeln!(w, "|---|---|---|---|")?;
        for f in r.findings.iter().take(MARKDOWN_TOP) {
            let sev = if f.severity >= fail_on {
                format!("**{}**", f.severity)
            } else {
                f.severity.to_string()
            };
            let at: Vec<String> = f
                .locations
                .iter()
                .map(|l| {
                    format!(
                        "`{}`",
                        md(&if l.line > 0 {
                            l.to_string()
                        } else {
                            l.path.clone()
                        })
                    )
                })
                .collect();
            writeln!(
                w,
                "| {sev} | `{}` | {} | {} |",
                md(&f.rule),
                md(&f.title),
                at.join(", ")
            )?;
        }
        if r.findings.len() > MARKDOWN_TOP {
            writeln!(
                w,
                "\n... and {} more (`polyver check --format json` lists every one).",
                r.findings.len() - MARKDOWN_TOP
            )?;
        }
    }
    Ok(())
}
