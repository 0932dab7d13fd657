//! `polyver scan [PATH]`: the inventory of every versioned component, with diagnostics for
//! what could not be read. Nothing but the result goes to stdout; diagnostics also go to
//! stderr so a CI log shows them whatever the format.

use crate::args::{Format, GlobalArgs, ScanArgs};
use crate::output::{escaped, Output};
use crate::progress::{self, Shown};
use polyver_engine::registry;
use polyver_model::Severity;
use polyver_report::render::scan as render;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &ScanArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let started_at = polyver_engine::registry::now_ms();
    let settings = super::settings(global, &root, Some(args))?;
    let extractors = polyver_extract::registry::extractors();
    let what = "a directory or one file, and globs like `legacy/**` or `*.lock`";
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
        let color = polyver_report::diagnostic::stderr_color(global.no_color);
        for d in &inventory.diagnostics {
            eprint!("{}", polyver_report::diagnostic::render(d, color));
        }
    }
    if !args.no_store {
        // What a stored scan records besides its diagnostics.
        let analyses = polyver_engine::findings_to_record(
            &settings.config,
            &policy,
            &inventory,
            &settings.osv_db,
        );
        super::warn(global, &analyses.warnings);
        let recording = registry::Recording {
            db: global.db.as_deref(),
            root: &root,
            repository: args.repo.as_deref(),
            inventory: &inventory,
            analysis: &analyses.findings,
            compatibility: &analyses.compatibility,
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
            render::write_sbom(
                &mut inventory,
                root_name,
                kind,
                polyver_engine::sbom_timestamp()?,
                licenses,
                args.with_migrations,
                &mut out.writer,
            )?;
            writeln!(out.writer)?;
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
