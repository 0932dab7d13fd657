//! `polyver scan [PATH]`: the inventory of every versioned component, with diagnostics for
//! what could not be read. Nothing but the result goes to stdout; diagnostics also go to
//! stderr so a CI log shows them whatever the format.

use crate::args::{Format, GlobalArgs, ScanArgs};
use crate::output::{escaped, Output};
use crate::progress::{self, Shown};
use crate::CliError;
use polyver_engine::registry;
use polyver_model::{Inventory, Severity};
use polyver_report::render::scan as render;
use std::path::PathBuf;
use std::process::ExitCode;

/// What a stored scan records besides its diagnostics (`polyver_engine::findings_to_record`);
/// the database is where `POLYVER_OSV_DB` (else the default data directory) says.
fn stored_findings(
    global: &GlobalArgs,
    config: &polyver_config::Config,
    policy: &polyver_analyze::Policy,
    inventory: &Inventory,
) -> anyhow::Result<Vec<polyver_model::Finding>> {
    let osv_db = std::env::var_os("POLYVER_OSV_DB")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let (findings, warnings) = polyver_engine::findings_to_record(
        config,
        policy,
        inventory,
        &polyver_engine::osv_db_dir(osv_db.as_deref()),
    );
    super::warn(global, &warnings);
    Ok(findings)
}

pub fn run(args: &ScanArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let started_at = polyver_engine::registry::now_ms();
    let settings = super::settings(global, &root, Some(args))?;
    let extractors = polyver_extract::registry::extractors();
    let what = "a directory, and globs like `legacy/**` or `*.lock`";
    let mut inventory = progress::scan(
        global,
        &root,
        &settings.scan,
        &extractors,
        what,
        Shown::Nothing,
    )?;
    // A storing scan records the policy analyses; an unreadable `.versions.yaml` or
    // `.compatibility-matrix.yaml` is then one more diagnostic, not the end of the scan.
    let policy = if args.no_store {
        polyver_analyze::Policy::default()
    } else {
        polyver_engine::conflicts::policy_or_diagnostic(&settings.config, &root, &mut inventory)
    };

    if !global.quiet {
        for d in &inventory.diagnostics {
            eprintln!("{d}");
        }
    }
    if !args.no_store {
        let findings = stored_findings(global, &settings.config, &policy, &inventory)?;
        let recording = registry::Recording {
            db: global.db.as_deref(),
            root: &root,
            repository: args.repo.as_deref(),
            inventory: &inventory,
            analysis: &findings,
            started_at,
        };
        match registry::record(&recording)? {
            registry::Recorded::Stored {
                id,
                repository,
                url,
            } if global.verbose > 0 => {
                eprintln!(
                    "stored scan {id} of {} in {}",
                    escaped(repository),
                    escaped(url)
                );
            }
            registry::Recorded::Skipped { warning, hint } if !global.quiet => {
                eprintln!("warning: {}\nhint: {}", escaped(warning), escaped(hint));
            }
            _ => {}
        }
    }
    match global.format {
        Format::Json => {
            out.json(&inventory)?;
        }
        Format::Markdown => out.write(&render::markdown(&inventory))?,
        Format::Cyclonedx | Format::Spdx => {
            let report = super::licenses::licence_report(
                &settings,
                &inventory,
                global,
                args.licenses,
                args.licenses,
                &[],
            )?;
            if !global.quiet {
                for note in &report.notes {
                    eprintln!("warning: {}", escaped(note));
                }
            }
            let kind = match global.format {
                Format::Spdx => render::Sbom::Spdx,
                _ => render::Sbom::CycloneDx,
            };
            let root_name = root
                .canonicalize()
                .ok()
                .map(|abs| abs.to_string_lossy().replace('\\', "/"));
            let licenses = render::declared_licenses(&report);
            let sbom = render::sbom(&inventory, root_name, kind, sbom_timestamp()?, licenses);
            out.json(&sbom)?;
        }
        _ => out.write(&render::table(&inventory, &out.term))?,
    }
    let failed = args.strict
        && inventory
            .diagnostics
            .iter()
            .any(|d| d.severity != Severity::Info);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// When an SBOM is dated: now, or `SOURCE_DATE_EPOCH` when set (reproducible builds).
fn sbom_timestamp() -> anyhow::Result<String> {
    let when = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(secs) => {
            let secs: u64 = secs.trim().parse().map_err(|_| {
                CliError::input(
                    format!("SOURCE_DATE_EPOCH `{secs}` is not a number of seconds"),
                    Some("unset it, or set it to a Unix time such as 1700000000".to_string()),
                )
            })?;
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs)
        }
        Err(_) => std::time::SystemTime::now(),
    };
    Ok(humantime::format_rfc3339_seconds(when).to_string())
}
