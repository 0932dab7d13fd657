//! `polyver scan`: the inventory grouped by the file that declares each component, as a table
//! or Markdown, and its SBOM documents.

use crate::markdown::cell;
use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use crate::DeclaredLicenses;
use polyver_model::{Component, Inventory, Severity};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

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

/// Components grouped by every file that declares them, each with the line it is declared at
/// there: a component written in two files (a Dockerfile image also pinned in a compose file)
/// is listed under both, so every file with components gets a heading. A component declared
/// twice in one file is listed at each line.
fn by_file(inventory: &Inventory) -> BTreeMap<&str, Vec<(u32, &Component)>> {
    let mut groups: BTreeMap<&str, Vec<(u32, &Component)>> = BTreeMap::new();
    for c in &inventory.components {
        if c.locations.is_empty() {
            groups.entry("").or_default().push((0, c));
        }
        for l in &c.locations {
            let list = groups.entry(l.path.as_str()).or_default();
            if !list
                .iter()
                .any(|(line, seen)| *line == l.line && std::ptr::eq(*seen, c))
            {
                list.push((l.line, c));
            }
        }
    }
    for list in groups.values_mut() {
        // Stable: components on one line keep the inventory's order.
        list.sort_by_key(|(line, _)| *line);
    }
    groups
}

/// The one-line summary under the table and at the top of the Markdown.
pub fn summary(inventory: &Inventory) -> String {
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
    let files = usize::try_from(inventory.stats.files_extracted).unwrap_or(usize::MAX);
    format!(
        "{} ({direct} direct, {} transitive) in {}; {}; {} ({})",
        super::plural(inventory.components.len(), "component", "components"),
        inventory.components.len() - direct,
        super::plural(files, "file", "files"),
        if per_eco.is_empty() {
            "no ecosystems".to_string()
        } else {
            per_eco.join(", ")
        },
        super::plural(inventory.diagnostics.len(), "diagnostic", "diagnostics"),
        super::plural(errors, "error", "errors"),
    )
}

/// Per file: line, kind, ecosystem, name, version, scope; then the summary.
pub fn table(inventory: &Inventory, term: &Term) -> String {
    let mut out = String::new();
    let groups = by_file(inventory);
    for (path, components) in &groups {
        out.push_str(&term.paint(&escaped(path), Style::Bold));
        out.push('\n');
        let columns = vec![
            Column::left(),
            Column::left(),
            Column::left(),
            Column::left(),
            Column::left().shrink(),
            Column::left(),
        ];
        let mut t = Table::new(columns).indent(2);
        for (line, c) in components {
            let version = version_cell(c);
            let floating = version == "latest" || version == "-";
            t.styled_row(vec![
                (
                    if c.locations.is_empty() {
                        String::new()
                    } else {
                        format!(":{line}")
                    },
                    None,
                ),
                (c.kind.to_string(), None),
                (c.ecosystem.to_string(), None),
                (c.name.clone(), Some(Style::Bold)),
                (version, floating.then_some(Style::Bad)),
                (
                    format!("{}{}", c.scope, if c.direct { "" } else { ", transitive" }),
                    None,
                ),
            ]);
        }
        out.push_str(&t.render(term));
    }
    if !groups.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary(inventory));
    out.push('\n');
    out
}

/// The inventory as one Markdown table, then the diagnostics.
pub fn markdown(inventory: &Inventory) -> String {
    let mut out = String::new();
    let _ = write_markdown(inventory, &mut out);
    out
}

fn write_markdown(inventory: &Inventory, w: &mut String) -> fmt::Result {
    writeln!(w, "# Inventory of `{}`\n", cell(&inventory.root))?;
    writeln!(w, "{}\n", summary(inventory))?;
    writeln!(
        w,
        "| file | line | kind | ecosystem | name | version | scope | direct |"
    )?;
    writeln!(w, "|---|---:|---|---|---|---|---|---|")?;
    for (path, components) in by_file(inventory) {
        for (line, c) in components {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(path),
                line,
                c.kind,
                c.ecosystem,
                cell(&c.name),
                cell(&version_cell(c)),
                c.scope,
                if c.direct { "yes" } else { "no" },
            )?;
        }
    }
    if !inventory.diagnostics.is_empty() {
        writeln!(w, "\n## Diagnostics\n")?;
        for d in &inventory.diagnostics {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            writeln!(
                w,
                "- **{severity}** `{}:{}` {}: {}",
                cell(&d.path),
                d.line,
                d.code.id(),
                cell(&d.message)
            )?;
        }
    }
    Ok(())
}

/// Which SBOM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sbom {
    CycloneDx,
    Spdx,
}

/// The licences an SBOM declares, from a licence report: the project's, and each package's
/// unless it was only guessed (guesses are shown by `polyver licenses`, never declared).
pub fn declared_licenses(report: &polyver_license::LicenseReport) -> DeclaredLicenses {
    let mut licenses = DeclaredLicenses {
        root: report.project.expression.clone(),
        ..Default::default()
    };
    for p in &report.packages {
        if p.license.rule == polyver_license::Rule::Guess {
            continue;
        }
        if let Some(e) = &p.license.expression {
            licenses.components.insert(p.purl.clone(), e.clone());
        }
    }
    licenses
}

/// Writes the CycloneDX or SPDX document of a scan to `out` (pretty JSON, no trailing
/// newline), named after `root_name` (the scanned directory's real path, not `.`) and dated
/// `timestamp` (RFC 3339). The document is serialized as it is built: no copy of the
/// inventory and no JSON tree in memory (peak RSS of large scans, issue 14); `inventory` is
/// left as it was.
#[allow(clippy::too_many_arguments)]
pub fn write_sbom(
    inventory: &mut Inventory,
    root_name: Option<String>,
    kind: Sbom,
    timestamp: String,
    licenses: DeclaredLicenses,
    include_migrations: bool,
    out: &mut dyn std::io::Write,
) -> serde_json::Result<()> {
    let scanned_root = root_name.map(|name| std::mem::replace(&mut inventory.root, name));
    let version = env!("CARGO_PKG_VERSION");
    let written = match kind {
        Sbom::Spdx => {
            let mut meta = crate::SpdxMeta::new(timestamp, version);
            meta.licenses = licenses;
            meta.include_migrations = include_migrations;
            crate::spdx::write_spdx(inventory, &meta, out)
        }
        Sbom::CycloneDx => {
            let mut meta = crate::BomMeta::new(timestamp, version);
            meta.licenses = licenses;
            meta.include_migrations = include_migrations;
            crate::cyclonedx::write_cyclonedx(inventory, &meta, out)
        }
    };
    if let Some(root) = scanned_root {
        inventory.root = root;
    }
    written
}
