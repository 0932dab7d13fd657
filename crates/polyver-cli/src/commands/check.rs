//! `polyver check [PATH]`: the CI gate. One scan, then every check on that same inventory:
//!
//! - `parse`: files or lines the scan could not read or parse, as findings; they fail the
//!   gate unless `--allow-parse-errors`.
//! - `audit`: the local OSV database (`polyver db`), with polyver.toml `[[audit.ignore]]`. No
//!   database, a stale one (`[audit] max-age-days`) or an unreadable one is exit 3 before the
//!   scan; `--skip audit` runs the rest without one.
//! - `licenses`: the `[licenses]` policy and the fit with the project's own licence. By default
//!   only the scanned tree is read (lock-file metadata, node_modules, virtualenvs, vendor), so
//!   one commit gives one verdict on every runner; `--licenses-online` adds cargo's and Go's
//!   module caches and registry lookups (cached, none with `--offline`).
//! - `conflicts`: `polyver-analyze` with `[approved]` and `[[compat]]` (conflicts, floating
//!   versions, drift, compatibility).
//! - `lock`: polyver.lock against the scan, one `lock/drift` finding (high) per entry that
//!   differs; skipped when there is no polyver.lock.
//! - `migrations`: the static analysis of schema migration chains (no database).
//! - `policy`: `[policy.sla]` on the audit's findings: a vulnerability open longer than its
//!   severity allows (from the advisory's publication) is a `policy/sla-breach` finding
//!   (high); skipped when the audit is.
//!
//! One threshold, `--fail-on` (default high), for every check; polyver.toml `[audit] fail-on`
//! is `polyver audit`'s alone. The gate never writes: no registry store, no polyver.lock.
//!
//! Exit codes: 0 every check that ran passed; 1 a finding at or above `--fail-on`; 2 input or
//! configuration errors (bad path, invalid polyver.toml, malformed polyver.lock); 3 the
//! environment (no OSV database, a stale or an unreadable one).

use crate::args::{CheckArgs, CheckName, Format, GlobalArgs};
use crate::output::Output;
use crate::progress::Shown;
use polyver_engine::{Check, Engine, GateOptions, Overrides};
use polyver_report::render::check as render;
use std::path::PathBuf;
use std::process::ExitCode;

fn check_of(name: CheckName) -> Check {
    match name {
        CheckName::Parse => Check::Parse,
        CheckName::Audit => Check::Audit,
        CheckName::Licenses => Check::Licenses,
        CheckName::Conflicts => Check::Conflicts,
        CheckName::Lock => Check::Lock,
        CheckName::Migrations => Check::Migrations,
        CheckName::Policy => Check::Policy,
    }
}

pub fn run(args: &CheckArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let overrides = Overrides {
        osv_db: args.db.osv_db.clone(),
        ..super::overrides(global)
    };
    // Settings, policy and database before the scan: a bad polyver.toml is exit 2 and an
    // unusable database exit 3 before anything runs.
    let engine = Engine::new(&root, &overrides)?;
    let gate = engine.gate(GateOptions {
        fail_on: args.fail_on,
        skip: args.skip.iter().copied().map(check_of).collect(),
        allow_parse_errors: args.allow_parse_errors,
        licenses_online: args.licenses_online,
    })?;
    super::warn(global, &gate.warnings);
    let inventory = crate::progress::scan(
        global,
        &root,
        &engine.settings.scan,
        &polyver_extract::registry::extractors(),
        "the repository's root directory",
        Shown::Problems,
    )?;
    let verdict = gate.run(&inventory)?;
    super::warn(global, &verdict.warnings);

    let (fail_on, failed, results) = (verdict.fail_on, verdict.failed, &verdict.results);
    match global.format {
        Format::Json => {
            let doc = render::json(&inventory.root, results, fail_on, failed);
            out.json(&doc)?;
        }
        Format::Markdown => out.write(&render::markdown(results, fail_on, failed))?,
        Format::Sarif => {
            let rules = render::sarif_rules(&verdict);
            super::write_sarif(out, &render::findings(results), &rules)?;
        }
        _ => out.write(&render::table(results, fail_on, failed, &out.term))?,
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
