//! `polyver report`: the whole audit of one repository gathered once, for one document.
//!
//! The report adds no analysis of its own: it is the plan's [`Analyses`] (audit, licences,
//! conflicts and drift, `outdated`), the plan weighed from them, the lock files' graphs, and
//! the compatibility matrix `polyver_analyze::analyze` evaluated, arranged by section. Each
//! section keeps the result types of the command that owns it (`VulnFinding`, `Conflict`,
//! `LicenseReport`, `Plan`, ...), so the report says exactly what `audit`, `conflicts`,
//! `licenses`, `graph` and `plan` say. What it could not look at (no OSV database, registry
//! answers not in the cache under `--offline`) is said in the section, not guessed.

use crate::plan::{self, Analyses, PlanOptions};
use crate::{EngineError, Settings};
use polyver_advisory::VulnFinding;
use polyver_analyze::{CompatRow, Conflict, Note};
use polyver_graph::Graph;
use polyver_model::{FindingSeverity, Inventory};
use polyver_upstream::outdated::{Progress, Row, Status as RowStatus};
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema id of `polyver report --format json`.
pub const SCHEMA: &str = "polyver.report/v1";

/// How many paths `what pulls what` lists per package.
const WHY_PATHS: usize = 3;
/// How many packages `what pulls what` explains per lock file.
const MAX_PULLED_IN: usize = 50;
/// How many of the most depended-on packages each graph lists.
const TOP_FAN_IN: usize = 5;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub root: String,
    /// When it was made (RFC 3339; `POLYVER_NOW` when set).
    pub generated: String,
    /// Registries were not asked: lag comes from the cache only.
    pub offline: bool,
    pub inventory: InventorySection,
    pub graph: GraphSection,
    pub security: SecuritySection,
    /// Every `[[compat]]` and derived rule with each place it was checked.
    pub compatibility: Vec<CompatRow>,
    pub risks: RisksSection,
    pub licences: polyver_license::LicenseReport,
    pub plan: polyver_analyze::plan::Plan,
    /// What a reader must know about how the report was made.
    pub warnings: Vec<String>,
}

/// Components by ecosystem and kind.
#[derive(Debug, Serialize)]
pub struct InventorySection {
    pub components: usize,
    pub direct: usize,
    pub files: u64,
    /// Files or lines that could not be read (what they declare is missing everywhere).
    pub parse_errors: usize,
    pub by_ecosystem: BTreeMap<String, usize>,
    pub by_kind: BTreeMap<String, usize>,
    /// Most components first.
    pub by_ecosystem_and_kind: Vec<EcosystemKind>,
}

#[derive(Debug, Serialize)]
pub struct EcosystemKind {
    pub ecosystem: String,
    pub kind: String,
    pub components: usize,
}

/// The lock files' dependency graphs.
#[derive(Debug, Serialize)]
pub struct GraphSection {
    pub graphs: Vec<LockGraph>,
    pub nodes: usize,
    pub edges: usize,
    pub max_depth: u32,
    pub cycles: usize,
}

/// One lock file's graph, as `polyver graph` and `polyver why` see it.
#[derive(Debug, Serialize)]
pub struct LockGraph {
    pub lock: String,
    pub ecosystem: String,
    pub nodes: usize,
    pub edges: usize,
    pub roots: usize,
    pub max_depth: u32,
    /// `name@version` from a root to one of the deepest packages.
    pub deepest_path: Vec<String>,
    pub cycles: usize,
    pub unreachable: usize,
    pub top_fan_in: Vec<FanIn>,
    /// Packages resolved at several versions in this lock.
    pub duplicates: Vec<Duplicate>,
    /// Why the vulnerable and the duplicated transitive packages are there (vulnerable
    /// first, at most 50).
    pub pulled_in: Vec<PulledIn>,
    /// Packages left out of `pulled_in` beyond the first 50.
    pub pulled_in_omitted: usize,
}

#[derive(Debug, Serialize)]
pub struct FanIn {
    pub package: String,
    pub dependents: usize,
}

#[derive(Debug, Serialize)]
pub struct Duplicate {
    pub name: String,
    pub versions: Vec<String>,
}

/// Paths from a direct dependency to a package (`polyver why`).
#[derive(Debug, Serialize)]
pub struct PulledIn {
    pub package: String,
    /// `vulnerable`, `duplicate`, or both.
    pub because: Vec<&'static str>,
    pub paths: Vec<Vec<String>>,
    /// Paths beyond those listed.
    pub more: usize,
}

/// The audit with its fixes and `[policy.sla]` deadlines.
#[derive(Debug, Serialize)]
pub struct SecuritySection {
    /// The audit ran (there is an OSV database).
    pub checked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_checked: Option<String>,
    pub advisories: u64,
    pub by_severity: BTreeMap<&'static str, usize>,
    pub sla_breaches: usize,
    /// Most severe first.
    pub findings: Vec<SecurityFinding>,
    /// Silenced by a current `[[audit.ignore]]`.
    pub ignored: Vec<VulnFinding>,
}

#[derive(Debug, Serialize)]
pub struct SecurityFinding {
    #[serde(flatten)]
    pub finding: VulnFinding,
    /// Its `[policy.sla]` deadline, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<Sla>,
}

/// A vulnerability's deadline under `[policy.sla]`.
#[derive(Debug, Serialize)]
pub struct Sla {
    pub days: u32,
    /// `YYYY-MM-DD` the clock started (the advisory's publication, else its last change).
    pub opened: String,
    pub due: String,
    /// `breached` or `open`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_days: Option<u64>,
}

/// Conflicts, drift, floating versions, and releases known to be yanked or deprecated.
#[derive(Debug, Serialize)]
pub struct RisksSection {
    /// `polyver conflicts`' findings, most severe first (compatibility failures included).
    pub conflicts: Vec<Conflict>,
    pub by_kind: BTreeMap<&'static str, usize>,
    /// Constraints the analysis could not evaluate.
    pub notes: Vec<Note>,
    /// Components whose running release is yanked, deprecated or retracted.
    pub withdrawn: Vec<Row>,
    /// Components looked up upstream, how many are behind, and how many could not be decided.
    pub looked_up: usize,
    pub outdated: usize,
    pub lag_unknown: usize,
}

/// Gathers the report of `inventory`: every analysis once (see the module docs).
pub fn report(
    settings: &Settings,
    inventory: &Inventory,
    progress: Progress<'_>,
) -> Result<Report, EngineError> {
    let options = PlanOptions { all: false };
    let analyses = plan::gather(settings, inventory, &options, progress)?;
    let plan = plan::weigh(settings, inventory, &analyses, &options)?;
    let now = crate::upstream::now()?;
    let graphs = polyver_graph::build(inventory);
    let security = security(settings, &analyses, now);
    let vulnerable: Vec<(polyver_model::Ecosystem, &str, Option<&str>)> = security
        .findings
        .iter()
        .map(|f| {
            (
                f.finding.ecosystem,
                f.finding.name.as_str(),
                f.finding.version.as_deref(),
            )
        })
        .collect();
    let Analyses {
        licences,
        conflicts,
        outdated,
        mut warnings,
        ..
    } = analyses;
    let mut withdrawn: Vec<Row> = outdated
        .rows
        .iter()
        .filter(|r| r.yanked.is_some() || r.deprecated.is_some() || r.retracted.is_some())
        .cloned()
        .collect();
    withdrawn.dedup();
    if settings.offline {
        warnings.push(
            "--offline: upstream releases come from the cache of earlier runs only; lag and \
             yanked/deprecated are unknown for what it does not hold"
                .to_string(),
        );
    }
    Ok(Report {
        schema: SCHEMA,
        root: inventory.root.clone(),
        generated: now.to_string(),
        offline: settings.offline,
        inventory: inventory_section(inventory),
        graph: graph_section(&graphs, &vulnerable),
        security,
        compatibility: conflicts.compat_matrix.clone(),
        risks: RisksSection {
            by_kind: conflicts.summary.by_kind.clone(),
            conflicts: conflicts.conflicts,
            notes: conflicts.notes,
            withdrawn,
            looked_up: outdated.rows.len(),
            outdated: outdated
                .rows
                .iter()
                .filter(|r| r.status == RowStatus::Outdated)
                .count(),
            lag_unknown: outdated
                .rows
                .iter()
                .filter(|r| r.status == RowStatus::Unknown)
                .count(),
        },
        licences,
        plan,
        warnings,
    })
}

fn inventory_section(inventory: &Inventory) -> InventorySection {
    let mut by_ecosystem: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in &inventory.components {
        *by_ecosystem
            .entry(c.ecosystem.id().to_string())
            .or_default() += 1;
        *by_kind.entry(c.kind.id().to_string()).or_default() += 1;
        *pairs
            .entry((c.ecosystem.id().to_string(), c.kind.id().to_string()))
            .or_default() += 1;
    }
    let mut by_ecosystem_and_kind: Vec<EcosystemKind> = pairs
        .into_iter()
        .map(|((ecosystem, kind), components)| EcosystemKind {
            ecosystem,
            kind,
            components,
        })
        .collect();
    by_ecosystem_and_kind.sort_by_key(|e| std::cmp::Reverse(e.components));
    InventorySection {
        components: inventory.components.len(),
        direct: inventory.components.iter().filter(|c| c.direct).count(),
        files: inventory.stats.files_extracted,
        parse_errors: crate::parse::findings(inventory).len(),
        by_ecosystem,
        by_kind,
        by_ecosystem_and_kind,
    }
}

fn graph_section(
    graphs: &[Graph],
    vulnerable: &[(polyver_model::Ecosystem, &str, Option<&str>)],
) -> GraphSection {
    let lock_graphs: Vec<LockGraph> = graphs.iter().map(|g| lock_graph(g, vulnerable)).collect();
    GraphSection {
        nodes: lock_graphs.iter().map(|g| g.nodes).sum(),
        edges: lock_graphs.iter().map(|g| g.edges).sum(),
        max_depth: lock_graphs.iter().map(|g| g.max_depth).max().unwrap_or(0),
        cycles: lock_graphs.iter().map(|g| g.cycles).sum(),
        graphs: lock_graphs,
    }
}

fn lock_graph(
    g: &Graph,
    vulnerable: &[(polyver_model::Ecosystem, &str, Option<&str>)],
) -> LockGraph {
    let stats = g.stats(TOP_FAN_IN);
    let label = |id: polyver_graph::NodeId| g.node(id).label();
    // Nodes are sorted by name, then version: duplicates are neighbours.
    let mut duplicates: Vec<Duplicate> = Vec::new();
    let mut duplicated_nodes = Vec::new();
    for (i, n) in g.nodes.iter().enumerate() {
        let same_as_previous = i > 0 && g.nodes[i - 1].name == n.name;
        if !same_as_previous {
            continue;
        }
        if duplicates.last().is_none_or(|d| d.name != n.name) {
            duplicates.push(Duplicate {
                name: n.name.clone(),
                versions: vec![g.nodes[i - 1].version.clone().unwrap_or_default()],
            });
            duplicated_nodes.push((i - 1) as polyver_graph::NodeId);
        }
        if let Some(d) = duplicates.last_mut() {
            d.versions.push(n.version.clone().unwrap_or_default());
        }
        duplicated_nodes.push(i as polyver_graph::NodeId);
    }
    // Looked up once per graph: a big lock times many findings stays linear.
    let vulnerable_nodes: std::collections::HashSet<polyver_graph::NodeId> = vulnerable
        .iter()
        .filter(|(e, _, _)| *e == g.ecosystem)
        .flat_map(|(_, name, version)| g.find(name, *version))
        .collect();
    let duplicated_nodes: std::collections::HashSet<polyver_graph::NodeId> =
        duplicated_nodes.into_iter().collect();
    // Vulnerable packages first, then duplicated ones, each in node order; at most
    // MAX_PULLED_IN of them (each answer walks paths), the rest counted.
    let mut candidates: Vec<polyver_graph::NodeId> = (0..g.nodes.len() as polyver_graph::NodeId)
        .filter(|id| !g.is_root(*id))
        .filter(|id| vulnerable_nodes.contains(id) || duplicated_nodes.contains(id))
        .collect();
    candidates.sort_by_key(|id| !vulnerable_nodes.contains(id));
    let pulled_in_omitted = candidates.len().saturating_sub(MAX_PULLED_IN);
    candidates.truncate(MAX_PULLED_IN);
    let mut pulled_in = Vec::new();
    for id in candidates {
        let n = g.node(id);
        let is_vulnerable = vulnerable_nodes.contains(&id);
        let is_duplicate = duplicated_nodes.contains(&id);
        let answer = polyver_graph::why(g, id, WHY_PATHS);
        let mut because = Vec::new();
        if is_vulnerable {
            because.push("vulnerable");
        }
        if is_duplicate {
            because.push("duplicate");
        }
        pulled_in.push(PulledIn {
            package: n.label(),
            because,
            paths: answer
                .paths
                .iter()
                .map(|p| p.iter().map(|&id| label(id)).collect())
                .collect(),
            more: answer.more,
        });
    }
    LockGraph {
        lock: g.lock.clone(),
        ecosystem: g.ecosystem.id().to_string(),
        nodes: stats.nodes,
        edges: stats.edges,
        roots: stats.roots,
        max_depth: stats.max_depth,
        deepest_path: stats.deepest_path.iter().map(|&id| label(id)).collect(),
        cycles: stats.cycles,
        unreachable: stats.unreachable,
        top_fan_in: stats
            .top_fan_in
            .iter()
            .map(|f| FanIn {
                package: label(f.node),
                dependents: f.dependents,
            })
            .collect(),
        duplicates,
        pulled_in,
        pulled_in_omitted,
    }
}

fn security(
    settings: &Settings,
    analyses: &Analyses,
    now: polyver_upstream::Timestamp,
) -> SecuritySection {
    let Some(outcome) = &analyses.audit else {
        return SecuritySection {
            checked: false,
            not_checked: analyses.db.as_ref().err().cloned(),
            advisories: 0,
            by_severity: FindingSeverity::ALL.iter().map(|s| (s.id(), 0)).collect(),
            sla_breaches: 0,
            findings: Vec::new(),
            ignored: Vec::new(),
        };
    };
    let sla_days = &settings.config.policy.sla;
    let findings: Vec<SecurityFinding> = outcome
        .report
        .findings
        .iter()
        .map(|f| SecurityFinding {
            finding: f.clone(),
            sla: polyver_analyze::sla::deadline(f, sla_days).map(|d| {
                let overdue = d.overdue_days(now);
                Sla {
                    days: d.days,
                    opened: polyver_analyze::sla::day(d.opened),
                    due: polyver_analyze::sla::day(d.due),
                    status: if overdue.is_some() {
                        "breached"
                    } else {
                        "open"
                    },
                    overdue_days: overdue,
                }
            }),
        })
        .collect();
    let mut by_severity: BTreeMap<&'static str, usize> =
        FindingSeverity::ALL.iter().map(|s| (s.id(), 0)).collect();
    for f in &findings {
        *by_severity
            .entry(f.finding.effective_severity.id())
            .or_default() += 1;
    }
    SecuritySection {
        checked: true,
        not_checked: None,
        advisories: outcome.advisories,
        by_severity,
        sla_breaches: polyver_analyze::sla::breaches(&outcome.report.findings, sla_days, now).len(),
        findings,
        ignored: outcome.report.ignored.clone(),
    }
}
