//! `polyver scan [PATH]`: the inventory of every versioned component, with diagnostics for
//! what could not be read. Nothing but the result goes to stdout; diagnostics also go to
//! stderr so a CI log shows them whatever the format.

use crate::args::{Format, GlobalArgs, ScanArgs};
use crate::output::{escaped, Output, Style};
use crate::CliError;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use polyver_extract::{registry, scan_observed, ScanProgress};
use polyver_model::{Component, Inventory, Severity};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
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
    let started_at = super::store::now_ms();
    let settings = super::settings(global, &root, Some(args))?;
    let progress = TerminalProgress::new(!global.quiet && std::io::stderr().is_terminal());
    let scanned = scan_observed(&root, &settings.scan, &registry::extractors(), &progress);
    progress.bar.finish_and_clear();
    let mut inventory = scanned.map_err(|e| {
        CliError::input(
            format!("cannot scan {}: {e}", root.display()),
            Some("give a directory, and globs like `legacy/**` or `*.lock`".to_string()),
        )
    })?;
    // A storing scan records the policy analyses; an unreadable `.versions.yaml` or
    // `.compatibility-matrix.yaml` is then one more diagnostic, not the end of the scan.
    let policy = if args.no_store {
        polyver_analyze::Policy::default()
    } else {
        polyver_engine::conflicts::policy_for(&settings.config, &root).unwrap_or_else(|e| {
            let base = root.canonicalize().unwrap_or_else(|_| root.clone());
            let full = e.path.canonicalize().unwrap_or_else(|_| e.path.clone());
            let path = full.strip_prefix(&base).unwrap_or(&full);
            let mut d = polyver_model::Diagnostic::error(
                polyver_model::DiagnosticCode::InvalidValue,
                path.to_string_lossy().replace('\\', "/"),
                e.line,
                format!("{}; the policy analyses are recorded without it", e.message),
            );
            if e.column > 0 {
                d = d.with_column(e.column);
            }
            d.source_line = e.source_line;
            inventory.diagnostics.push(d);
            inventory.diagnostics.sort();
            polyver_analyze::Policy::default()
        })
    };

    if !global.quiet {
        let color = polyver_report::diagnostic::stderr_color(global.no_color);
        for d in &inventory.diagnostics {
            eprint!("{}", polyver_report::diagnostic::render(d, color));
        }
    }
    if !matches!(
        global.format,
        Format::Json | Format::Table | Format::Markdown | Format::Cyclonedx | Format::Spdx
    ) {
        return Err(super::unsupported_format(
            "scan",
            global.format,
            "table, json, markdown, cyclonedx, spdx",
        ));
    }
    if !args.no_store {
        let findings = stored_findings(global, &settings.config, &policy, &inventory)?;
        super::store::record_scan(
            global,
            &root,
            args.repo.as_deref(),
            &inventory,
            &findings,
            started_at,
        )?;
    }
    match global.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out.writer, &inventory)?;
            writeln!(out.writer)?;
        }
        Format::Table => write_table(&inventory, out)?,
        Format::Markdown => write_markdown(&inventory, &mut out.writer)?,
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
            let mut licenses = polyver_report::DeclaredLicenses {
                root: report.project.expression.clone(),
                ..Default::default()
            };
            // Guesses are shown by `polyver licenses`, never written as a declaration.
            for p in report.packages {
                if p.license.rule == polyver_license::Rule::Guess {
                    continue;
                }
                if let Some(e) = p.license.expression {
                    licenses.components.insert(p.purl, e);
                }
            }
            let sbom = sbom(&inventory, &root, global.format, licenses)?;
            serde_json::to_writer_pretty(&mut out.writer, &sbom)?;
            writeln!(out.writer)?;
        }
        other => {
            return Err(super::unsupported_format(
                "scan",
                other,
                "table, json, markdown, cyclonedx, spdx",
            ))
        }
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

/// A spinner while walking, then a bar over the claimed files, drawn on stderr. Hidden (no
/// drawing at all) when stderr is not a terminal, so logs and pipes stay clean.
pub(crate) struct TerminalProgress {
    pub(crate) bar: ProgressBar,
}

impl TerminalProgress {
    pub(crate) fn new(visible: bool) -> Self {
        let target = if visible {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} walking: {pos} files  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        TerminalProgress { bar }
    }
}

impl ScanProgress for TerminalProgress {
    fn walked(&self) {
        self.bar.inc(1);
    }
    fn walk_done(&self, claimed: u64) {
        self.bar.set_style(
            ProgressStyle::with_template("{bar:30} parsing {pos}/{len} manifests  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.bar.set_length(claimed);
        self.bar.set_position(0);
    }
    fn extracted(&self) {
        self.bar.inc(1);
    }
}

/// The CycloneDX or SPDX document of a scan. The document is named after the scanned
/// directory's real name (not `.`), and dated now, or at `SOURCE_DATE_EPOCH` when set
/// (reproducible builds). Licences come from lock files and installed metadata, and from
/// registries only with `--licenses`.
fn sbom(
    inventory: &Inventory,
    root: &std::path::Path,
    format: Format,
    licenses: polyver_report::DeclaredLicenses,
) -> anyhow::Result<serde_json::Value> {
    let mut named = inventory.clone();
    if let Ok(abs) = root.canonicalize() {
        named.root = abs.to_string_lossy().replace('\\', "/");
    }
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
    let timestamp = humantime::format_rfc3339_seconds(when).to_string();
    let version = env!("CARGO_PKG_VERSION");
    Ok(match format {
        Format::Spdx => {
            let mut meta = polyver_report::SpdxMeta::new(timestamp, version);
            meta.licenses = licenses;
            polyver_report::spdx(&named, &meta)
        }
        _ => {
            let mut meta = polyver_report::BomMeta::new(timestamp, version);
            meta.licenses = licenses;
            polyver_report::cyclonedx(&named, &meta)
        }
    })
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// What a component is pinned to, as one cell: `2.31.0`, `>=2.0,<3`, or `2.31.0 (==2.31.0)`.
fn version_cell(c: &Component) -> String {
    match (&c.version, &c.constraint) {
        (Some(v), Some(k)) if k.raw.trim_start_matches(['=', 'v']) != v => {
            format!("{v} ({})", k.raw)
        }
        (Some(v), _) => v.clone(),
        (None, Some(k)) => k.raw.clone(),
        (None, None) => c.url.clone().unwrap_or_else(|| "-".into()),
    }
}

/// Components grouped by the file that declares them (their first location).
fn by_file(inventory: &Inventory) -> BTreeMap<&str, Vec<&Component>> {
    let mut groups: BTreeMap<&str, Vec<&Component>> = BTreeMap::new();
    for c in &inventory.components {
        let path = c.locations.first().map_or("", |l| l.path.as_str());
        groups.entry(path).or_default().push(c);
    }
    for list in groups.values_mut() {
        list.sort_by_key(|c| c.locations.first().map_or(0, |l| l.line));
    }
    groups
}

fn summary(inventory: &Inventory) -> String {
    let direct = inventory.components.iter().filter(|c| c.direct).count();
    let mut ecosystems: BTreeMap<String, usize> = BTreeMap::new();
    for c in &inventory.components {
        *ecosystems.entry(c.ecosystem.to_string()).or_default() += 1;
    }
    let per_eco: Vec<String> = ecosystems.iter().map(|(e, n)| format!("{e} {n}")).collect();
    let errors = inventory
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    format!(
        "{} components ({direct} direct, {} transitive) in {} files; {}; {} diagnostics ({errors} errors)",
        inventory.components.len(),
        inventory.components.len() - direct,
        inventory.stats.files_extracted,
        if per_eco.is_empty() { "no ecosystems".to_string() } else { per_eco.join(", ") },
        inventory.diagnostics.len(),
    )
}

fn write_table(inventory: &Inventory, out: &mut Output) -> std::io::Result<()> {
    let groups = by_file(inventory);
    for (path, components) in &groups {
        writeln!(out.writer, "{}", out.paint(&escaped(path), Style::Bold))?;
        let rows: Vec<[String; 6]> = components
            .iter()
            .map(|c| {
                [
                    c.locations
                        .first()
                        .map_or(String::new(), |l| format!(":{}", l.line)),
                    c.kind.to_string(),
                    c.ecosystem.to_string(),
                    escaped(&c.name),
                    escaped(version_cell(c)),
                    format!("{}{}", c.scope, if c.direct { "" } else { ", transitive" }),
                ]
            })
            .collect();
        let mut widths = [0usize; 6];
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for row in rows {
            let mut line = String::from("  ");
            for (i, cell) in row.iter().enumerate() {
                let pad = widths[i] - cell.chars().count();
                let painted = match i {
                    3 => out.paint(cell, Style::Bold),
                    4 if cell == "latest" || cell == "-" => out.paint(cell, Style::Bad),
                    _ => cell.clone(),
                };
                line.push_str(&painted);
                if i + 1 < row.len() {
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            writeln!(out.writer, "{}", line.trim_end())?;
        }
    }
    if !groups.is_empty() {
        writeln!(out.writer)?;
    }
    writeln!(out.writer, "{}", summary(inventory))
}

fn write_markdown(inventory: &Inventory, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        w,
        "# Inventory of `{}`\n",
        polyver_report::markdown::cell(&inventory.root)
    )?;
    writeln!(w, "{}\n", summary(inventory))?;
    writeln!(
        w,
        "| file | line | kind | ecosystem | name | version | scope | direct |"
    )?;
    writeln!(w, "|---|---:|---|---|---|---|---|---|")?;
    for (path, components) in by_file(inventory) {
        for c in components {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                polyver_report::markdown::cell(path),
                c.locations.first().map_or(0, |l| l.line),
                c.kind,
                c.ecosystem,
                polyver_report::markdown::cell(&c.name),
                polyver_report::markdown::cell(&version_cell(c)),
                c.scope,
                if c.direct { "yes" } else { "no" },
            )?;
        }
    }
    if !inventory.diagnostics.is_empty() {
        writeln!(w, "\n## Diagnostics\n")?;
        for d in &inventory.diagnostics {
            writeln!(
                w,
                "- **{}** `{}:{}` {}: {}",
                severity_word(d.severity),
                polyver_report::markdown::cell(&d.path),
                d.line,
                d.code.id(),
                polyver_report::markdown::cell(&d.message)
            )?;
        }
    }
    Ok(())
}
