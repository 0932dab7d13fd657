//! `polyver plan` as the engine runs it on one scanned inventory: the audit (when there is an
//! OSV database; without one the plan says vulnerabilities were not checked), licences from
//! the repository only (as `check` reads them: one commit, one answer), conflicts and drift,
//! `outdated` through the registries of the run (the on-disk cache, `--offline`), then
//! `polyver_analyze::plan`. Candidate fix versions are re-matched against the database, so a
//! target is the smallest version no advisory of the component affects.

use crate::audit::{self, NoDatabase};
use crate::{conflicts, licenses, upstream, EngineError, Settings};
use polyver_advisory::db::Database;
use polyver_advisory::AuditOptions;
use polyver_analyze::plan::{Plan, PlanInputs};
use polyver_model::{Ecosystem, Inventory};
use polyver_upstream::outdated::{Options, Progress};
use std::collections::BTreeSet;

/// How the plan runs.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// Weigh and look up transitive components too (else only the vulnerable ones).
    pub all: bool,
}

/// A plan and what the user should hear about how it was made.
#[derive(Debug)]
pub struct PlanOutcome {
    pub plan: Plan,
    pub warnings: Vec<String>,
}

/// What the plan is weighed from: every analysis of one inventory, each run once (the
/// report shows them too).
pub struct Analyses {
    /// The OSV database, or why there is none.
    pub db: Result<Database, String>,
    /// The audit, when there is a database.
    pub audit: Option<audit::AuditOutcome>,
    /// Licences read from the repository only.
    pub licences: polyver_license::LicenseReport,
    pub conflicts: polyver_analyze::Report,
    pub outdated: polyver_upstream::outdated::Report,
    /// What the user should hear about how they were made (a stale database, ...).
    pub warnings: Vec<String>,
}

/// The plan of `inventory`; `progress(done, total)` follows the registry lookups. A database
/// that exists but cannot be read is an error (someone meant to audit); a stale one is used,
/// with a warning.
pub fn plan(
    settings: &Settings,
    inventory: &Inventory,
    options: &PlanOptions,
    progress: Progress<'_>,
) -> Result<PlanOutcome, EngineError> {
    let analyses = gather(settings, inventory, options, progress)?;
    let plan = weigh(settings, inventory, &analyses, options)?;
    Ok(PlanOutcome {
        plan,
        warnings: analyses.warnings,
    })
}

/// Runs every analysis the plan needs on `inventory` (see [`plan`]).
pub fn gather(
    settings: &Settings,
    inventory: &Inventory,
    options: &PlanOptions,
    progress: Progress<'_>,
) -> Result<Analyses, EngineError> {
    let mut warnings = Vec::new();
    let db = match audit::open_database(&settings.osv_db) {
        Ok(db) => {
            if let Err(stale) = audit::check_age(&db, &settings.config, audit::now()) {
                warnings.push(format!(
                    "{}; the plan uses it as it is (`polyver db sync` updates it)",
                    stale.message
                ));
            }
            Ok(db)
        }
        Err(NoDatabase::Missing(path)) => Err(format!(
            "no OSV database at {} (`polyver db sync` downloads one)",
            path.display()
        )),
        Err(NoDatabase::Broken(e)) => return Err(e),
    };
    let outcome = match &db {
        Ok(db) => {
            let outcome = audit::audit(settings, inventory, db)?;
            warnings.extend(outcome.warnings());
            Some(outcome)
        }
        Err(_) => None,
    };
    let licences = licenses::licence_report(
        settings,
        inventory,
        &licenses::LicenseSources::default(),
        None,
    )?;
    let conflicts = polyver_analyze::analyze(inventory, &conflicts::policy(settings)?);
    let outdated = upstream::outdated(
        settings,
        inventory,
        &Options {
            all: options.all,
            ..Options::default()
        },
        progress,
    )?;
    Ok(Analyses {
        db,
        audit: outcome,
        licences,
        conflicts,
        outdated,
        warnings,
    })
}

/// Weighs `analyses` into the plan (see [`plan`]).
pub fn weigh(
    settings: &Settings,
    inventory: &Inventory,
    analyses: &Analyses,
    options: &PlanOptions,
) -> Result<Plan, EngineError> {
    let db = &analyses.db;
    let recheck = |ecosystem: Ecosystem, name: &str, version: &str| match db {
        Ok(db) => still_affecting(db, inventory, ecosystem, name, version),
        Err(_) => None,
    };
    Ok(polyver_analyze::plan::plan(
        &PlanInputs {
            inventory,
            audit: match (&analyses.audit, db) {
                (Some(o), _) => Ok(&o.report),
                (None, Err(why)) => Err(why.clone()),
                (None, Ok(_)) => Err("the audit did not run".to_string()),
            },
            outdated: &analyses.outdated,
            licences: &analyses.licences.findings(),
            conflicts: &analyses.conflicts,
            policy: &settings.config.policy,
            now: crate::upstream::now()?,
            all: options.all,
        },
        &recheck,
    ))
}

/// Every id (primary and aliases) of the advisories that affect `name` at `version`: the
/// audit run on a copy of the package's component at that version. `None` when the package
/// is not in the inventory or the database cannot be read.
fn still_affecting(
    db: &Database,
    inventory: &Inventory,
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
) -> Option<BTreeSet<String>> {
    let mut candidate = inventory
        .components
        .iter()
        .find(|c| c.ecosystem == ecosystem && c.name == name && !c.replaced)?
        .clone();
    candidate.version = Some(version.to_string());
    candidate.constraint = None;
    candidate.url = None;
    let report =
        polyver_advisory::matcher::audit_components(&[candidate], db, &AuditOptions::default())
            .ok()?;
    Some(
        report
            .findings
            .into_iter()
            .flat_map(|f| std::iter::once(f.id).chain(f.aliases))
            .collect(),
    )
}
