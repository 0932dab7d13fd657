//! `polyver report`: the engine's [`Report`] as one document, in HTML (self-contained: inline
//! CSS and SVG charts, no script, nothing fetched), Markdown (GitHub-flavoured tables, long
//! lists folded in `<details>`) and JSON (`polyver.report/v1`).
//!
//! The HTML and the Markdown are written from one outline ([`Document`]: sections of
//! paragraphs, tables and charts) built here, so both say the same things in the same order;
//! each writer only escapes and lays out. Text in the outline is plain: every value a scanned
//! repository names (a package called `<script>`, a path with `|`) is escaped by the writer
//! for its syntax.

mod html;
mod markdown;

pub use html::html;
pub use markdown::markdown;

use super::plural;
use crate::chart::{Bar, BarChart, StackedBar};
use polyver_engine::report::Report;
use polyver_model::FindingSeverity;

/// `polyver report --format json`: the report itself, pretty, with a final newline.
pub fn json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serializing plain data into a string cannot fail; say so if it ever does.
        format!("{{\"error\": \"{e}\"}}")
    });
    text.push('\n');
    text
}

/// The outline both writers lay out.
pub(crate) struct Document {
    pub title: String,
    /// One line under the title: what, when.
    pub subtitle: String,
    pub sections: Vec<Section>,
}

pub(crate) struct Section {
    /// The anchor (`security`), also the table of contents' link.
    pub id: &'static str,
    pub title: &'static str,
    pub blocks: Vec<Block>,
}

pub(crate) enum Block {
    Paragraph(String),
    /// A warning or note the reader must not miss.
    Note(String),
    /// Items of a plain list.
    List(Vec<String>),
    Table(Table),
    /// A chart, drawn in HTML only (the Markdown has the same numbers in a table).
    Chart(Chart),
    /// A small heading inside a section.
    Heading(String),
}

pub(crate) enum Chart {
    Bars(BarChart),
    Stacked(StackedBar),
}

impl Chart {
    /// The title and the numbers, for the figure's caption (the chart's legend).
    pub fn caption(&self) -> String {
        let (title, bars) = match self {
            Chart::Bars(c) => (&c.title, &c.bars),
            Chart::Stacked(c) => (&c.title, &c.parts),
        };
        let values: Vec<String> = bars
            .iter()
            .map(|b| format!("{} {}", b.label, b.value))
            .collect();
        format!("{title}: {}", values.join(", "))
    }

    pub fn to_svg(&self) -> String {
        match self {
            Chart::Bars(c) => c.to_svg(),
            Chart::Stacked(c) => c.to_svg(),
        }
    }
}

pub(crate) struct Table {
    /// Said before the table (and the `<summary>` of a folded one).
    pub caption: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// What the table says when it has no rows.
    pub empty: &'static str,
}

/// One cell: its text and, for HTML, a class (`pass`, `fail`, `sev-high`, ...).
pub(crate) struct Cell {
    pub text: String,
    pub class: Option<String>,
}

impl Cell {
    fn classed(text: impl Into<String>, class: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            class: Some(class.into()),
        }
    }
}

impl<T: Into<String>> From<T> for Cell {
    fn from(text: T) -> Cell {
        Cell {
            text: text.into(),
            class: None,
        }
    }
}

/// Tables longer than this are folded (`<details>`) in both formats.
pub(crate) const FOLD_AFTER: usize = 10;

fn severity_cell(s: FindingSeverity) -> Cell {
    Cell::classed(s.id(), format!("sev-{}", s.id()))
}

fn verdict_cell(pass: bool) -> Cell {
    if pass {
        Cell::classed("pass", "pass")
    } else {
        Cell::classed("fail", "fail")
    }
}

fn or_dash(text: Option<&str>) -> String {
    text.filter(|t| !t.is_empty()).unwrap_or("-").to_string()
}

fn joined(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_string()
    } else {
        items.join(", ")
    }
}

fn locations(locations: &[polyver_model::Location]) -> String {
    joined(&locations.iter().map(|l| l.to_string()).collect::<Vec<_>>())
}

fn severity_bars(id: &str, title: &str, counts: &[(FindingSeverity, usize)]) -> StackedBar {
    StackedBar {
        id: id.to_string(),
        title: title.to_string(),
        parts: counts
            .iter()
            .map(|(s, n)| Bar {
                label: s.id().to_string(),
                value: *n as f64,
                class: s.id().to_string(),
            })
            .collect(),
        width: 480,
        height: 18,
    }
}

fn bars(id: &str, title: &str, values: &[(String, usize)], class: &str) -> BarChart {
    BarChart {
        id: id.to_string(),
        title: title.to_string(),
        bars: values
            .iter()
            .map(|(label, n)| Bar {
                label: label.clone(),
                value: *n as f64,
                class: class.to_string(),
            })
            .collect(),
        width: 480,
    }
}

/// The outline of `report`.
pub(crate) fn outline(report: &Report) -> Document {
    Document {
        title: format!("polyver report: {}", report.root),
        subtitle: format!(
            "Generated {}{}. Schema {}.",
            report.generated,
            if report.offline {
                " offline (registries not asked)"
            } else {
                ""
            },
            report.schema
        ),
        sections: vec![
            summary(report),
            inventory(report),
            graph(report),
            security(report),
            compatibility(report),
            risks(report),
            licences(report),
            recommendations(report),
        ],
    }
}

fn severity_counts(report: &Report) -> Vec<(FindingSeverity, usize)> {
    FindingSeverity::ALL
        .iter()
        .rev()
        .map(|s| {
            (
                *s,
                report
                    .security
                    .by_severity
                    .get(s.id())
                    .copied()
                    .unwrap_or(0),
            )
        })
        .collect()
}

fn summary(report: &Report) -> Section {
    let compat_failing: usize = report.compatibility.iter().map(|r| r.failing()).sum();
    let compat_cells: usize = report.compatibility.iter().map(|r| r.cells.len()).sum();
    let vulns = if report.security.checked {
        let counts: Vec<String> = severity_counts(report)
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        format!(
            "{} ({})",
            report.security.findings.len(),
            if counts.is_empty() {
                "none".to_string()
            } else {
                counts.join(", ")
            }
        )
    } else {
        "not checked".to_string()
    };
    let health = &report.plan.health;
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![
            "Health score".into(),
            Cell::classed(format!("{} / 100", health.score), "score"),
        ],
        vec![
            "Components".into(),
            format!(
                "{} ({} direct) in {} files",
                report.inventory.components, report.inventory.direct, report.inventory.files
            )
            .into(),
        ],
        vec!["Vulnerabilities".into(), vulns.into()],
        vec![
            "SLA breaches".into(),
            report.security.sla_breaches.to_string().into(),
        ],
        vec![
            "Conflicts and drift".into(),
            report.risks.conflicts.len().to_string().into(),
        ],
        vec![
            "Compatibility".into(),
            format!("{compat_failing} failing of {compat_cells} checks").into(),
        ],
        vec![
            "Licence violations".into(),
            format!(
                "{} ({} unknown)",
                report.licences.summary.violations, report.licences.summary.unknown
            )
            .into(),
        ],
        vec![
            "Recommendations".into(),
            report.plan.recommendations.len().to_string().into(),
        ],
    ];
    if report.inventory.parse_errors > 0 {
        rows.push(vec![
            "Unreadable files or lines".into(),
            Cell::classed(report.inventory.parse_errors.to_string(), "fail"),
        ]);
    }
    let mut blocks = vec![Block::Table(Table {
        caption: "At a glance".to_string(),
        headers: vec!["", "Value"],
        rows,
        empty: "",
    })];
    if report.security.checked {
        blocks.push(Block::Chart(Chart::Stacked(severity_bars(
            "summary-severity",
            "Vulnerabilities by severity",
            &severity_counts(report),
        ))));
    }
    for w in &report.warnings {
        blocks.push(Block::Note(w.clone()));
    }
    Section {
        id: "summary",
        title: "Summary",
        blocks,
    }
}

fn inventory(report: &Report) -> Section {
    let inv = &report.inventory;
    let mut by_ecosystem: Vec<(String, usize)> = inv
        .by_ecosystem
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    by_ecosystem.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut by_kind: Vec<(String, usize)> =
        inv.by_kind.iter().map(|(k, v)| (k.clone(), *v)).collect();
    by_kind.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Section {
        id: "inventory",
        title: "Inventory",
        blocks: vec![
            Block::Paragraph(format!(
                "{} components ({} declared directly by the repository) read from {} files.",
                inv.components, inv.direct, inv.files
            )),
            Block::Chart(Chart::Bars(bars(
                "inventory-ecosystems",
                "Components by ecosystem",
                &by_ecosystem,
                "series-0",
            ))),
            Block::Chart(Chart::Bars(bars(
                "inventory-kinds",
                "Components by kind",
                &by_kind,
                "series-1",
            ))),
            Block::Table(Table {
                caption: "Components by ecosystem and kind".to_string(),
                headers: vec!["Ecosystem", "Kind", "Components"],
                rows: inv
                    .by_ecosystem_and_kind
                    .iter()
                    .map(|e| {
                        vec![
                            e.ecosystem.clone().into(),
                            e.kind.clone().into(),
                            Cell::classed(e.components.to_string(), "num"),
                        ]
                    })
                    .collect(),
                empty: "No component was found.",
            }),
        ],
    }
}

fn graph(report: &Report) -> Section {
    let g = &report.graph;
    let mut blocks = vec![Block::Paragraph(format!(
        "{}: {}, {}, deepest chain {}, {}.",
        plural(g.graphs.len(), "lock file", "lock files"),
        plural(g.nodes, "package", "packages"),
        plural(g.edges, "dependency edge", "dependency edges"),
        plural(g.max_depth as usize, "level", "levels"),
        plural(g.cycles, "cycle", "cycles")
    ))];
    blocks.push(Block::Table(Table {
        caption: "Lock files".to_string(),
        headers: vec![
            "Lock file",
            "Ecosystem",
            "Packages",
            "Edges",
            "Direct",
            "Depth",
            "Cycles",
            "Deepest chain",
        ],
        rows: g
            .graphs
            .iter()
            .map(|l| {
                vec![
                    l.lock.clone().into(),
                    l.ecosystem.clone().into(),
                    Cell::classed(l.nodes.to_string(), "num"),
                    Cell::classed(l.edges.to_string(), "num"),
                    Cell::classed(l.roots.to_string(), "num"),
                    Cell::classed(l.max_depth.to_string(), "num"),
                    Cell::classed(l.cycles.to_string(), "num"),
                    l.deepest_path.join(" → ").into(),
                ]
            })
            .collect(),
        empty: "No lock file was found: the graph needs one.",
    }));
    blocks.push(Block::Table(Table {
        caption: "Most depended-on packages (fan-in)".to_string(),
        headers: vec!["Lock file", "Package", "Dependents"],
        rows: g
            .graphs
            .iter()
            .flat_map(|l| {
                l.top_fan_in.iter().filter(|f| f.dependents > 0).map(|f| {
                    vec![
                        l.lock.clone().into(),
                        f.package.clone().into(),
                        Cell::classed(f.dependents.to_string(), "num"),
                    ]
                })
            })
            .collect(),
        empty: "No package is depended on by another.",
    }));
    blocks.push(Block::Table(Table {
        caption: "Duplicated versions".to_string(),
        headers: vec!["Lock file", "Package", "Versions"],
        rows: g
            .graphs
            .iter()
            .flat_map(|l| {
                l.duplicates.iter().map(|d| {
                    vec![
                        l.lock.clone().into(),
                        d.name.clone().into(),
                        d.versions.join(", ").into(),
                    ]
                })
            })
            .collect(),
        empty: "No lock file resolves a package at several versions.",
    }));
    blocks.push(Block::Table(Table {
        caption: "What pulls what (vulnerable and duplicated transitive packages)".to_string(),
        headers: vec!["Lock file", "Package", "Why listed", "Pulled in by"],
        rows: g
            .graphs
            .iter()
            .flat_map(|l| {
                l.pulled_in.iter().map(|p| {
                    let mut paths: Vec<String> = p.paths.iter().map(|x| x.join(" → ")).collect();
                    if p.more > 0 {
                        paths.push(format!("and {} more", p.more));
                    }
                    vec![
                        l.lock.clone().into(),
                        p.package.clone().into(),
                        p.because.join(", ").into(),
                        paths.join("; ").into(),
                    ]
                })
            })
            .collect(),
        empty: "No vulnerable or duplicated transitive package.",
    }));
    for l in g.graphs.iter().filter(|l| l.pulled_in_omitted > 0) {
        blocks.push(Block::Paragraph(format!(
            "{}: {} more vulnerable or duplicated packages not explained here (`polyver why \
             NAME` explains each).",
            l.lock, l.pulled_in_omitted
        )));
    }
    Section {
        id: "graph",
        title: "Dependency graph",
        blocks,
    }
}

fn security(report: &Report) -> Section {
    let s = &report.security;
    let mut blocks = Vec::new();
    if !s.checked {
        blocks.push(Block::Note(format!(
            "Vulnerabilities were not checked: {}.",
            s.not_checked.as_deref().unwrap_or("no OSV database")
        )));
        return Section {
            id: "security",
            title: "Security",
            blocks,
        };
    }
    blocks.push(Block::Paragraph(format!(
        "{} known vulnerabilities from {} advisories in the local OSV database; {} past their \
         [policy.sla] deadline; {} ignored by [[audit.ignore]].",
        s.findings.len(),
        s.advisories,
        s.sla_breaches,
        s.ignored.len()
    )));
    blocks.push(Block::Chart(Chart::Stacked(severity_bars(
        "security-severity",
        "Vulnerabilities by severity",
        &severity_counts(report),
    ))));
    blocks.push(Block::Table(Table {
        caption: "Vulnerabilities and their fixes".to_string(),
        headers: vec![
            "Severity", "Advisory", "Package", "Version", "Summary", "Fix", "SLA", "Where",
        ],
        rows: s
            .findings
            .iter()
            .map(|f| {
                let v = &f.finding;
                let mut ids = vec![v.id.clone()];
                ids.extend(v.aliases.iter().cloned());
                let sla = match &f.sla {
                    Some(d) if d.status == "breached" => Cell::classed(
                        format!(
                            "breached: due {} ({} days late)",
                            d.due,
                            d.overdue_days.unwrap_or(0)
                        ),
                        "fail",
                    ),
                    Some(d) => Cell::classed(format!("due {}", d.due), "pass"),
                    None => "-".into(),
                };
                vec![
                    severity_cell(v.effective_severity),
                    ids.join(", ").into(),
                    format!("{} {}", v.ecosystem, v.name).into(),
                    or_dash(v.version.as_deref()).into(),
                    v.summary.clone().into(),
                    v.fix_text().into(),
                    sla,
                    locations(&v.locations).into(),
                ]
            })
            .collect(),
        empty: "No known vulnerability.",
    }));
    if !s.ignored.is_empty() {
        blocks.push(Block::Table(Table {
            caption: "Ignored by [[audit.ignore]]".to_string(),
            headers: vec!["Advisory", "Package", "Version", "Reason", "Until"],
            rows: s
                .ignored
                .iter()
                .map(|v| {
                    let ignore = v.ignore.as_ref();
                    vec![
                        v.id.clone().into(),
                        format!("{} {}", v.ecosystem, v.name).into(),
                        or_dash(v.version.as_deref()).into(),
                        or_dash(ignore.map(|i| i.reason.as_str())).into(),
                        or_dash(ignore.and_then(|i| i.until.as_deref())).into(),
                    ]
                })
                .collect(),
            empty: "",
        }));
    }
    Section {
        id: "security",
        title: "Security",
        blocks,
    }
}

fn compatibility(report: &Report) -> Section {
    let rows = &report.compatibility;
    let mut blocks = Vec::new();
    let declared = rows.iter().filter(|r| r.declared).count();
    blocks.push(Block::Paragraph(format!(
        "{} rules: {} declared in [[compat]], {} derived from the files (requires-python, \
         engines.node, Docker images against runtime version files). Each check is one place a \
         rule applies to; a failure is also listed under Risks.",
        rows.len(),
        declared,
        rows.len() - declared
    )));
    let passing: usize = rows.iter().map(|r| r.cells.len() - r.failing()).sum();
    let failing: usize = rows.iter().map(|r| r.failing()).sum();
    if passing + failing > 0 {
        blocks.push(Block::Chart(Chart::Stacked(StackedBar {
            id: "compat-results".to_string(),
            title: "Compatibility checks".to_string(),
            parts: vec![
                Bar {
                    label: "pass".to_string(),
                    value: passing as f64,
                    class: "pass".to_string(),
                },
                Bar {
                    label: "fail".to_string(),
                    value: failing as f64,
                    class: "fail".to_string(),
                },
            ],
            width: 480,
            height: 18,
        })));
    }
    let mut table_rows = Vec::new();
    for row in rows {
        let rule = format!(
            "{}{}",
            row.title,
            row.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
        let source = if row.declared {
            format!("[[compat]] {}", row.origin)
        } else {
            format!("derived ({}) {}", row.rule, row.origin)
        };
        if row.cells.is_empty() {
            table_rows.push(vec![
                rule.clone().into(),
                source.clone().into(),
                "-".into(),
                Cell::classed("not applicable", "na"),
                "nothing in the repository matches the rule".into(),
            ]);
        }
        for cell in &row.cells {
            let evidence: Vec<String> = cell
                .evidence
                .iter()
                .map(|e| format!("{} at {}", e.requirement, e.location))
                .collect();
            table_rows.push(vec![
                rule.clone().into(),
                source.clone().into(),
                format!("{} ({})", cell.checked, cell.location).into(),
                verdict_cell(cell.pass),
                format!("{}; {}", cell.relation, evidence.join("; ")).into(),
            ]);
        }
    }
    blocks.push(Block::Table(Table {
        caption: "Compatibility matrix".to_string(),
        headers: vec!["Rule", "Source", "Checked", "Result", "Evidence"],
        rows: table_rows,
        empty: "No compatibility rule applies: declare some with [[compat]] in polyver.toml.",
    }));
    Section {
        id: "compatibility",
        title: "Compatibility matrix",
        blocks,
    }
}

fn risks(report: &Report) -> Section {
    let r = &report.risks;
    let mut blocks = vec![Block::Paragraph(format!(
        "{} conflicts, drift and floating versions; {} of {} components looked up upstream are \
         behind, {} could not be decided.",
        r.conflicts.len(),
        r.outdated,
        r.looked_up,
        r.lag_unknown
    ))];
    let kinds: Vec<(String, usize)> = r.by_kind.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    if !kinds.is_empty() {
        blocks.push(Block::Chart(Chart::Bars(bars(
            "risks-kinds",
            "Conflicts by kind",
            &kinds,
            "series-3",
        ))));
    }
    blocks.push(Block::Table(Table {
        caption: "Conflicts, drift and floating versions".to_string(),
        headers: vec!["Severity", "Kind", "Name", "What", "Where"],
        rows: r
            .conflicts
            .iter()
            .map(|c| {
                let title = match &c.explanation {
                    Some(x) => format!("{}: {x}", c.title),
                    None => c.title.clone(),
                };
                let places: Vec<String> = c
                    .entries
                    .iter()
                    .map(|e| format!("{} ({})", e.location, e.requirement))
                    .collect();
                vec![
                    severity_cell(c.severity),
                    c.kind.id().into(),
                    c.name.clone().into(),
                    title.into(),
                    places.join("; ").into(),
                ]
            })
            .collect(),
        empty: "No conflict, drift or floating version.",
    }));
    blocks.push(Block::Table(Table {
        caption: "Yanked, deprecated or retracted releases".to_string(),
        headers: vec!["Package", "Version", "Status", "Where"],
        rows: r
            .withdrawn
            .iter()
            .map(|w| {
                let mut status = Vec::new();
                for (word, why) in [
                    ("yanked", &w.yanked),
                    ("deprecated", &w.deprecated),
                    ("retracted", &w.retracted),
                ] {
                    if let Some(why) = why {
                        status.push(if why.is_empty() {
                            word.to_string()
                        } else {
                            format!("{word}: {why}")
                        });
                    }
                }
                vec![
                    format!("{} {}", w.ecosystem, w.name).into(),
                    or_dash(w.current.as_deref()).into(),
                    Cell::classed(status.join("; "), "fail"),
                    format!("{}:{}", w.path, w.line).into(),
                ]
            })
            .collect(),
        empty: if report.offline {
            "None known (offline: only releases in the cache were checked)."
        } else {
            "None known."
        },
    }));
    if !r.notes.is_empty() {
        blocks.push(Block::Table(Table {
            caption: "Constraints not evaluated".to_string(),
            headers: vec!["Where", "Why"],
            rows: r
                .notes
                .iter()
                .map(|n| vec![n.location.to_string().into(), n.message.clone().into()])
                .collect(),
            empty: "",
        }));
    }
    Section {
        id: "risks",
        title: "Risks",
        blocks,
    }
}

fn licences(report: &Report) -> Section {
    use polyver_license::policy::Outcome;
    let l = &report.licences;
    let project = match &l.project.expression {
        Some(e) => format!("The project is licensed {e} ({}).", l.project.category.id()),
        None => "The project's own licence was not found.".to_string(),
    };
    let categories: Vec<(String, usize)> = l
        .summary
        .by_category
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    let licence_row = |p: &polyver_license::resolve::PackageLicense| -> Vec<Cell> {
        let verdict = p.verdict.outcome;
        vec![
            format!("{} {}", p.ecosystem, p.name).into(),
            or_dash(p.version.as_deref()).into(),
            p.license
                .expression
                .clone()
                .unwrap_or_else(|| format!("unknown ({})", or_dash(Some(&p.license.declared))))
                .into(),
            p.category.id().into(),
            Cell::classed(
                verdict.id(),
                match verdict {
                    Outcome::Pass => "pass",
                    Outcome::Warn => "warn",
                    Outcome::Violation => "fail",
                },
            ),
            p.verdict.reason.clone().into(),
        ]
    };
    let headers = vec![
        "Package", "Version", "Licence", "Category", "Verdict", "Why",
    ];
    let attention: Vec<Vec<Cell>> = l
        .packages
        .iter()
        .filter(|p| p.verdict.outcome != Outcome::Pass)
        .map(licence_row)
        .collect();
    Section {
        id: "licences",
        title: "Licences",
        blocks: vec![
            Block::Paragraph(format!(
                "{project} {} packages: {} violations of the [licenses] policy, {} warnings, {} \
                 unknown, {} incompatible with the project's licence. Read from the repository \
                 only.",
                l.summary.packages,
                l.summary.violations,
                l.summary.warnings,
                l.summary.unknown,
                l.summary.incompatible
            )),
            Block::Chart(Chart::Bars(bars(
                "licences-categories",
                "Packages by licence category",
                &categories,
                "series-2",
            ))),
            Block::Table(Table {
                caption: "Against the policy".to_string(),
                headers: headers.clone(),
                rows: attention,
                empty: "Every licence passes the policy.",
            }),
            Block::Table(Table {
                caption: "Every package".to_string(),
                headers,
                rows: l.packages.iter().map(licence_row).collect(),
                empty: "No package.",
            }),
        ],
    }
}

fn recommendations(report: &Report) -> Section {
    let plan = &report.plan;
    let mut blocks = vec![Block::Paragraph(format!(
        "Health {} / 100. {} recommendations, most urgent first; each component's priority \
         (0–100) is explained term by term by `polyver plan`.",
        plan.health.score,
        plan.recommendations.len()
    ))];
    blocks.push(Block::Table(Table {
        caption: "Health".to_string(),
        headers: vec!["Part", "Measured", "Score", "Weight", "Points"],
        rows: plan
            .health
            .parts
            .iter()
            .map(|p| {
                vec![
                    p.name.into(),
                    p.value.clone().into(),
                    p.score
                        .map_or("-".to_string(), |s| format!("{s:.2}"))
                        .into(),
                    Cell::classed(p.weight.to_string(), "num"),
                    Cell::classed(
                        p.score
                            .map_or("-".to_string(), |_| format!("{:.1}", p.points)),
                        "num",
                    ),
                ]
            })
            .collect(),
        empty: "",
    }));
    blocks.push(Block::Table(Table {
        caption: "Recommendations".to_string(),
        headers: vec![
            "Priority",
            "Action",
            "Package",
            "From",
            "To",
            "Bump",
            "Fixes",
            "Constraint",
        ],
        rows: plan
            .recommendations
            .iter()
            .map(|r| {
                vec![
                    Cell::classed(r.priority.to_string(), "num"),
                    r.action.id().into(),
                    format!("{} {}", r.ecosystem, r.name).into(),
                    joined(&r.from).into(),
                    or_dash(r.to.as_deref()).into(),
                    or_dash(r.bump.map(|b| b.as_str())).into(),
                    joined(&r.fixes).into(),
                    match r.within_constraint {
                        Some(true) => "within range",
                        Some(false) => "change needed",
                        None => "-",
                    }
                    .into(),
                ]
            })
            .collect(),
        empty: "Nothing to update.",
    }));
    if !plan.notes.is_empty() {
        blocks.push(Block::Heading("How the plan was made".to_string()));
        blocks.push(Block::List(plan.notes.clone()));
    }
    Section {
        id: "recommendations",
        title: "Recommendations",
        blocks,
    }
}
