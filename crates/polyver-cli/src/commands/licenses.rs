//! `polyver licenses [PATH]`: the licence of every package, where it was read, the
//! `[licenses]` policy verdict and the fit with the repository's own licence (the work is in
//! `polyver-license`; this module loads settings and renders).
//!
//! Exit codes: 0 done (violations are reported but do not fail without
//! `--fail-on-violation`); 1 a violation with `--fail-on-violation`; 2 input errors (bad
//! path, bad polyver.toml, bad `--registry-url`); 3 the HTTP client cannot be set up.

use crate::args::{Format, GlobalArgs, LicensesArgs};
use crate::output::{escaped, Output, Style};
use crate::CliError;
use polyver_extract::{registry as extractors, scan_with};
use polyver_license::policy::{Outcome, Policy};
use polyver_license::registry::{Registry, RegistryUrls};
use polyver_license::resolve::{resolve, Sources};
use polyver_license::{LicenseReport, Rule};
use polyver_model::Inventory;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

pub fn run(args: &LicensesArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let config = super::load_config(global, &root)?;
    let scan_config = super::scan_config_from(&config.scan, None);
    let inventory = scan_with(&root, &scan_config, &extractors::extractors()).map_err(|e| {
        CliError::input(
            format!("cannot scan {}: {e}", root.display()),
            Some("give the directory of the repository".to_string()),
        )
    })?;
    let report = licence_report(
        &root,
        &inventory,
        global,
        &config,
        true,
        !args.no_registry,
        &args.registry_url,
    )?;
    if !global.quiet {
        for note in &report.notes {
            eprintln!("warning: {}", escaped(note));
        }
    }
    match global.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out.writer, &report)?;
            writeln!(out.writer)?;
        }
        Format::Table => write_table(&report, out)?,
        Format::Markdown => write_markdown(&report, &mut out.writer)?,
        Format::Sarif => {
            let rules = sarif_rules();
            super::write_sarif(out, &report.findings(), &rules)?;
        }
        other => return Err(super::unsupported_format(
            "licenses",
            other,
            "table, json, markdown, sarif (licences are in `polyver scan --format cyclonedx|spdx`)",
        )),
    }
    Ok(if args.fail_on_violation && report.has_violations() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The SARIF rules of the licence findings (also used by `polyver check`).
pub(crate) fn sarif_rules() -> Vec<polyver_report::sarif::SarifRule> {
    let rule = |id: &str, text: &str| polyver_report::sarif::SarifRule {
        id: id.to_string(),
        short_description: text.to_string(),
        help: format!(
            "{text}. Policy: polyver.toml [licenses] (allow, deny, exceptions, unknown)."
        ),
        tags: vec!["license".to_string()],
        ..Default::default()
    };
    vec![
        rule(
            "license/denied",
            "A package's licence is denied by the licence policy",
        ),
        rule(
            "license/unknown",
            "A package's licence could not be determined",
        ),
        rule(
            "license/incompatible",
            "A dependency's licence conflicts with the repository's own licence",
        ),
    ]
}

/// Resolves the licences of `inventory` with the settings of polyver.toml `[licenses]`.
/// With `beyond_tree` false only the scanned tree is read (lock files, its virtualenvs,
/// node_modules and vendor folders), so the same tree gives the same answer anywhere (what
/// reproducible SBOMs need); with it, cargo's crate cache is read too and registries are
/// asked when the settings allow (answers cached; `--offline` answers from the cache only).
pub fn licence_report(
    root: &Path,
    inventory: &Inventory,
    global: &GlobalArgs,
    config: &polyver_config::Config,
    beyond_tree: bool,
    registry: bool,
    cli_urls: &[String],
) -> anyhow::Result<LicenseReport> {
    let settings = &config.licenses;
    let policy = Policy::from_section(settings).map_err(|e| CliError::input(e, None))?;
    let use_registry = beyond_tree && registry && settings.registry != Some(false);
    let client = if use_registry {
        let urls = registry_urls(&settings.registry_urls, cli_urls)?;
        let client = polyver_net::Client::new(polyver_net::Options {
            offline: global.offline,
            timeout: Duration::from_secs(30),
            retries: 2,
            ..Default::default()
        })
        .map_err(|e| CliError {
            code: 3,
            message: e.to_string(),
            hint: None,
        })?;
        Some(Registry::new(client, urls))
    } else {
        None
    };
    // A bar on stderr while registries answer, only on a terminal.
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        if !global.quiet && std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr_with_hz(10)
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} registry lookups {pos}/{len}  {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let report = resolve(
        root,
        inventory,
        &Sources {
            registry: client.as_ref(),
            offline: global.offline,
            cargo_home: if beyond_tree { cargo_home() } else { None },
            go_mod_cache: if beyond_tree { go_mod_cache() } else { None },
            progress: Some(&progress),
        },
        &policy,
    );
    bar.finish_and_clear();
    Ok(report)
}

/// `$CARGO_HOME`, else `~/.cargo`: where cargo unpacks the crates it downloaded.
fn cargo_home() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("CARGO_HOME").or_else(|| env("HOME").map(|h| h.join(".cargo")))
}

/// `$GOMODCACHE`, else `$GOPATH/pkg/mod` (its first entry), else `~/go/pkg/mod`.
fn go_mod_cache() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(dir) = env("GOMODCACHE") {
        return Some(PathBuf::from(dir));
    }
    if let Some(gopath) = env("GOPATH") {
        return std::env::split_paths(&gopath)
            .next()
            .map(|p| p.join("pkg").join("mod"));
    }
    env("HOME").map(|h| PathBuf::from(h).join("go").join("pkg").join("mod"))
}

/// `--registry-url` over `POLYVER_{PYPI,NPM,CRATES_IO}_URL` over `[licenses] registry-urls`.
fn registry_urls(
    config: &std::collections::BTreeMap<String, String>,
    cli: &[String],
) -> anyhow::Result<RegistryUrls> {
    let mut urls = RegistryUrls::default();
    let mut set = |key: &str, value: &str| -> anyhow::Result<()> {
        let slot = match key {
            "pypi" => &mut urls.pypi,
            "npm" => &mut urls.npm,
            "crates-io" => &mut urls.crates_io,
            other => {
                return Err(CliError::input(
                    format!("unknown registry `{other}` in --registry-url"),
                    Some("use pypi=URL, npm=URL or crates-io=URL".to_string()),
                )
                .into())
            }
        };
        if !(value.starts_with("http://") || value.starts_with("https://")) {
            return Err(CliError::input(
                format!("registry URL `{value}` is not an http(s) URL"),
                Some("for example --registry-url pypi=https://pypi.org/pypi".to_string()),
            )
            .into());
        }
        *slot = value.to_string();
        Ok(())
    };
    for (k, v) in config {
        set(k, v)?;
    }
    for (key, var) in [
        ("pypi", "POLYVER_PYPI_URL"),
        ("npm", "POLYVER_NPM_URL"),
        ("crates-io", "POLYVER_CRATES_IO_URL"),
    ] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() {
                set(key, &v)?;
            }
        }
    }
    for arg in cli {
        let (k, v) = arg.split_once('=').ok_or_else(|| {
            CliError::input(
                format!("--registry-url `{arg}` is not REGISTRY=URL"),
                Some("for example --registry-url npm=https://registry.npmjs.org".to_string()),
            )
        })?;
        set(k.trim(), v.trim())?;
    }
    Ok(urls)
}

fn licence_cell(r: &polyver_license::PackageLicense) -> String {
    r.license
        .expression
        .clone()
        .unwrap_or_else(|| "unknown".to_string())
}

fn project_line(report: &LicenseReport) -> String {
    let p = &report.project;
    match (&p.expression, &p.source) {
        (Some(e), Some(s)) => format!("project licence: {e} ({}, from {s})", p.category),
        _ => "project licence: not found (no licence field in the root manifests, no recognized LICENSE file)".to_string(),
    }
}

fn summary_line(report: &LicenseReport) -> String {
    let s = &report.summary;
    let cats: Vec<String> = s
        .by_category
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let sources: Vec<String> = s
        .by_source
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let mut line =
        format!(
        "{} packages ({}); {} violations, {} warnings, {} unknown, {} incompatible; sources: {}",
        s.packages,
        if cats.is_empty() { "none".to_string() } else { cats.join(", ") },
        s.violations,
        s.warnings,
        s.unknown,
        s.incompatible,
        if sources.is_empty() { "none".to_string() } else { sources.join(", ") },
    );
    if s.registry_lookups > 0 {
        line.push_str(&format!(
            "; registry lookups {} ({} from cache)",
            s.registry_lookups, s.registry_cached
        ));
    }
    line
}

fn write_table(report: &LicenseReport, out: &mut Output) -> std::io::Result<()> {
    writeln!(
        out.writer,
        "{}",
        out.paint(&project_line(report), Style::Bold)
    )?;
    for e in &report.project.evidence {
        let what = e.license.expression.as_deref().unwrap_or("unrecognized");
        writeln!(out.writer, "  {}: {what} ({})", e.source, e.license.rule)?;
    }
    if !report.packages.is_empty() {
        writeln!(out.writer)?;
    }
    let header = [
        "ECOSYSTEM",
        "PACKAGE",
        "VERSION",
        "LICENCE",
        "RULE",
        "CATEGORY",
        "VERDICT",
        "SOURCE",
    ];
    let rows: Vec<[String; 8]> = report
        .packages
        .iter()
        .map(|r| {
            [
                r.ecosystem.to_string(),
                r.name.clone(),
                r.version.clone().unwrap_or_else(|| "-".into()),
                licence_cell(r),
                r.license.rule.to_string(),
                r.category.to_string(),
                r.verdict.outcome.id().to_string(),
                r.source.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |cells: &[String], out: &Output, bold: bool| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            let painted = match (i, cell.as_str()) {
                _ if bold => out.paint(cell, Style::Bold),
                (6, "violation") | (3, "unknown") => out.paint(cell, Style::Bad),
                (6, "pass") => out.paint(cell, Style::Good),
                _ => cell.clone(),
            };
            line.push_str(&painted);
            if i + 1 < cells.len() {
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        line.trim_end().to_string()
    };
    if !rows.is_empty() {
        let h: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        writeln!(out.writer, "{}", render(&h, out, true))?;
    }
    for (r, row) in report.packages.iter().zip(&rows) {
        writeln!(out.writer, "{}", render(row, out, false))?;
        for line in detail_lines(r) {
            writeln!(out.writer, "    {line}")?;
        }
    }
    writeln!(out.writer)?;
    writeln!(out.writer, "{}", summary_line(report))
}

/// What a reviewer needs under a row: why it is not a pass, why the licence is unknown or
/// guessed, and the fit with the project's licence.
fn detail_lines(r: &polyver_license::PackageLicense) -> Vec<String> {
    let mut lines = Vec::new();
    let note = r.license.note.as_deref().unwrap_or("");
    let declared = if r.license.declared.is_empty() {
        String::new()
    } else {
        format!("\"{}\": ", r.license.declared)
    };
    match (r.license.rule, r.verdict.outcome) {
        (Rule::Unknown, Outcome::Violation) => {
            lines.push(format!("violation: {}; {declared}{note}", r.verdict.reason))
        }
        (Rule::Unknown, outcome) => lines.push(format!("{}: {declared}{note}", outcome.id())),
        (_, Outcome::Pass) => {}
        (_, outcome) => lines.push(format!("{}: {}", outcome.id(), r.verdict.reason)),
    }
    if r.license.rule == Rule::Guess {
        lines.push(format!("guess: {declared}{note}"));
    }
    if let Some(c) = &r.compatibility {
        let level = match c.level {
            polyver_license::compat::Level::Warning => "incompatible",
            polyver_license::compat::Level::Info => "note",
        };
        lines.push(format!("{level}: {}", c.message));
    }
    lines
}

fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

fn write_markdown(report: &LicenseReport, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "# Licences of `{}`\n", md(&report.root))?;
    writeln!(w, "{}\n", md(&project_line(report)))?;
    writeln!(w, "{}\n", md(&summary_line(report)))?;
    writeln!(
        w,
        "| ecosystem | package | version | licence | rule | category | verdict | source | reason |"
    )?;
    writeln!(w, "|---|---|---|---|---|---|---|---|---|")?;
    for r in &report.packages {
        let mut reason = r.verdict.reason.clone();
        if let Some(note) = r
            .license
            .note
            .as_ref()
            .filter(|_| r.license.rule != Rule::Spdx)
        {
            reason = format!("{reason}; {note}");
        }
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | **{}** | {} | {} |",
            r.ecosystem,
            md(&r.name),
            md(r.version.as_deref().unwrap_or("-")),
            md(&licence_cell(r)),
            r.license.rule,
            r.category,
            r.verdict.outcome.id(),
            md(r.source.as_deref().unwrap_or("-")),
            md(&reason),
        )?;
    }
    let compat: Vec<_> = report
        .packages
        .iter()
        .filter_map(|r| r.compatibility.as_ref().map(|c| (r, c)))
        .collect();
    if !compat.is_empty() {
        writeln!(w, "\n## Compatibility with the project licence\n")?;
        for (r, c) in compat {
            let level = match c.level {
                polyver_license::compat::Level::Warning => "warning",
                polyver_license::compat::Level::Info => "info",
            };
            writeln!(
                w,
                "- **{level}** `{}` {}: {}",
                md(&r.name),
                md(r.version.as_deref().unwrap_or("")),
                md(&c.message)
            )?;
        }
    }
    Ok(())
}
