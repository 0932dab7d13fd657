//! Conflicts, drift and compatibility over an inventory: what `polyver conflicts` reports;
//! and the update priority of every component, the recommendations and the repository's
//! health that `polyver plan` reports ([`priority`], [`plan`], [`health`]), with the
//! `[policy.sla]` deadlines that `polyver check` gates on ([`sla`]).
//!
//! Input is a scanned [`Inventory`] plus the repository's `[approved]` and `[[compat]]`
//! settings; output is a [`Report`] of typed [`Conflict`]s, each with the declarations
//! involved and their locations, convertible to the shared [`Finding`] shape.
//!
//! The rules, and why they are cut where they are (a monorepo holds many installations, and
//! only constraints that end up in *one* installation can contradict each other):
//! - **unsatisfiable** (high): constraints on one package in one installation whose
//!   intersection is empty, proved with the version engine's range algebra. An installation
//!   is, for Python, a project directory: its requirement files (files in a `requirements/`
//!   directory belong to the directory above), everything they include with `-r`/`-c`, and its
//!   `pyproject.toml`/`setup.cfg`/`Pipfile`; for every other ecosystem, one manifest file.
//!   Declarations under different environment markers are not compared, nor are Cargo (one
//!   version per semver-compatible range, renames), Go (MVS) and Maven soft versions, which
//!   cannot contradict each other.
//! - **inconsistent-pin** (low): one package pinned to different exact versions in separate
//!   installations or images. Legitimate in a monorepo, worth knowing.
//! - **lock-mismatch** (high): a manifest constraint the lock file beside it (same directory
//!   or the nearest one above) does not satisfy — medium when that lock is in a directory
//!   above and the ecosystem is not Cargo (it may be an unrelated root project's);
//!   **missing-from-lock** (low) when the lock lacks the package.
//! - **duplicate-in-lock** (info): several versions of one package in one lock file.
//! - **floating**: an image on `latest` or without a tag and no digest (medium), an action
//!   on a branch (medium) or a tag (info: tags can move), a package range with no upper bound
//!   or no version at all that no lock file resolves (low), a version file naming an alias
//!   (`.nvmrc` `lts/iron`, `node`; low).
//! - **drift** (medium): a component outside its `[approved]` version or range.
//! - **compat**: a `[[compat]]` rule violated (high), and derived rules: `requires-python`
//!   vs the project's declared Python (`.python-version`, Docker `python` image), `engines.node`
//!   vs `.nvmrc`/`.node-version`/Docker `node` image, and a Docker image's runtime vs the
//!   version file of its directory (high when disjoint, medium when only partly inside).
//!
//! Constraints the engine cannot read are skipped with a [`Note`], never reported as
//! conflicts. Everything is grouped by hash maps in one pass; pairwise comparisons happen only
//! among the declarations of one package in one installation.

pub mod engine;
pub mod health;
pub mod plan;
mod policy;
pub mod priority;
mod rules;
pub mod sla;

use polyver_config::{Approved, CompatRule};
use polyver_model::{Ecosystem, Finding, FindingKind, FindingSeverity, Inventory, Location, Rule};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The schema id of `polyver conflicts --format json`.
pub const SCHEMA: &str = "polyver.conflicts/v1";

/// What sort of problem a conflict is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictKind {
    Unsatisfiable,
    InconsistentPin,
    LockMismatch,
    DuplicateInLock,
    Floating,
    Drift,
    Compat,
}

impl ConflictKind {
    pub const ALL: [ConflictKind; 7] = [
        ConflictKind::Unsatisfiable,
        ConflictKind::InconsistentPin,
        ConflictKind::LockMismatch,
        ConflictKind::DuplicateInLock,
        ConflictKind::Floating,
        ConflictKind::Drift,
        ConflictKind::Compat,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ConflictKind::Unsatisfiable => "unsatisfiable",
            ConflictKind::InconsistentPin => "inconsistent-pin",
            ConflictKind::LockMismatch => "lock-mismatch",
            ConflictKind::DuplicateInLock => "duplicate-in-lock",
            ConflictKind::Floating => "floating",
            ConflictKind::Drift => "drift",
            ConflictKind::Compat => "compat",
        }
    }

    /// The kind of [`Finding`] it becomes.
    pub fn finding_kind(self) -> FindingKind {
        match self {
            ConflictKind::Floating => FindingKind::Floating,
            ConflictKind::Drift => FindingKind::Drift,
            ConflictKind::Compat => FindingKind::Compat,
            _ => FindingKind::Conflict,
        }
    }

    /// A heading for tables.
    pub fn title(self) -> &'static str {
        match self {
            ConflictKind::Unsatisfiable => "Unsatisfiable constraints",
            ConflictKind::InconsistentPin => "Inconsistent pins",
            ConflictKind::LockMismatch => "Lock file vs manifest",
            ConflictKind::DuplicateInLock => "Several versions in one lock",
            ConflictKind::Floating => "Floating versions",
            ConflictKind::Drift => "Drift from [approved]",
            ConflictKind::Compat => "Compatibility",
        }
    }
}

impl fmt::Display for ConflictKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for ConflictKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.id() == s.trim())
            .ok_or_else(|| {
                let ids: Vec<_> = Self::ALL.iter().map(|k| k.id()).collect();
                format!("unknown kind `{s}` ({})", ids.join(", "))
            })
    }
}

/// One declaration taking part in a conflict: what it says and where.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Entry {
    /// The constraint, version or rule as written (`>=2.31`, `2.31.0`, `latest`).
    pub requirement: String,
    pub location: Location,
}

/// One problem.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// Stable rule id: `conflict/unsatisfiable`, `floating/image-latest`, `compat/requires-python`, ...
    pub rule: String,
    pub severity: FindingSeverity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<Ecosystem>,
    /// The package, image, runtime or action.
    pub name: String,
    /// One line.
    pub title: String,
    /// The declarations involved; the first is the primary location.
    pub entries: Vec<Entry>,
    /// Why: the clashing clauses for unsatisfiable constraints, the rule for compat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

impl Conflict {
    /// The shared finding shape (SARIF, the store, `check`).
    pub fn to_finding(&self) -> Finding {
        let versions: BTreeSet<&str> = self
            .entries
            .iter()
            .map(|e| e.requirement.as_str())
            .collect();
        Finding {
            kind: self.kind.finding_kind(),
            rule: self.rule.clone(),
            severity_unknown: false,
            severity: self.severity,
            title: match &self.explanation {
                Some(x) => format!("{}: {x}", self.title),
                None => self.title.clone(),
            },
            ecosystem: self.ecosystem,
            name: Some(self.name.clone()),
            version: (versions.len() == 1)
                .then(|| versions.into_iter().next().unwrap_or_default().to_string()),
            aliases: Vec::new(),
            locations: self.entries.iter().map(|e| e.location.clone()).collect(),
        }
    }
}

/// One row of the compatibility matrix: one rule — a `[[compat]]` requirement, or a
/// derived one (a project's `requires-python` / `engines.node`, a runtime version file
/// against the Docker images beside it) — with every place it was checked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompatRow {
    /// The rule id its violations carry: `compat/rule`, `compat/requires-python`, ...
    pub rule: String,
    /// Written in `[[compat]]` (else derived from the files).
    pub declared: bool,
    /// What the rule says, in one line.
    pub title: String,
    /// Where it is declared: the `[[compat]]` table, or the file it is derived from.
    pub origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// One per place the rule applied to; none when nothing in the repository matched.
    pub cells: Vec<CompatCell>,
}

/// One evaluation of a [`CompatRow`]'s rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompatCell {
    /// What was checked: `fastapi 0.110.0`, `python 3.10`.
    pub checked: String,
    pub location: Location,
    pub pass: bool,
    /// How the version relates to the required range: `within`, `overlap`, `outside`.
    pub relation: &'static str,
    /// The declarations the verdict rests on (the checked one first).
    pub evidence: Vec<Entry>,
}

impl CompatRow {
    /// Cells that fail.
    pub fn failing(&self) -> usize {
        self.cells.iter().filter(|c| !c.pass).count()
    }
}

/// Something the analysis could not evaluate (a constraint the engine does not read).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Note {
    pub location: Location,
    pub message: String,
}

/// Counts per kind and severity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub by_kind: BTreeMap<&'static str, usize>,
    pub by_severity: BTreeMap<&'static str, usize>,
}

/// The result of `polyver conflicts`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub root: String,
    pub conflicts: Vec<Conflict>,
    pub notes: Vec<Note>,
    pub summary: Summary,
    /// Every compatibility rule with each place it was checked, passing or not (what the
    /// report's matrix shows; the failures are also in `conflicts`). Not in
    /// `polyver.conflicts/v1`.
    #[serde(skip)]
    pub compat_matrix: Vec<CompatRow>,
}

impl Report {
    /// Every conflict as a [`Finding`].
    pub fn findings(&self) -> Vec<Finding> {
        self.conflicts.iter().map(Conflict::to_finding).collect()
    }

    /// Keeps only conflicts of the given kinds (all when empty) and recounts.
    pub fn retain_kinds(&mut self, kinds: &[ConflictKind]) {
        if !kinds.is_empty() {
            self.conflicts.retain(|c| kinds.contains(&c.kind));
        }
        self.summary = summarize(&self.conflicts);
    }

    /// The most severe conflict's severity.
    pub fn max_severity(&self) -> Option<FindingSeverity> {
        self.conflicts.iter().map(|c| c.severity).max()
    }
}

/// The repository's version policy: `[approved]` and `[[compat]]` (polyver.toml merged with
/// the YAML mirrors by the caller).
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub approved: Vec<Approved>,
    pub compat: Vec<CompatRule>,
}

/// Runs every rule on the inventory alone: requirement files are joined into installations
/// through the includes the walk recorded (`Inventory::links`); nothing is read from disk.
pub fn analyze(inventory: &Inventory, policy: &Policy) -> Report {
    let mut out = rules::Collector::default();
    let index = rules::Index::new(inventory);
    rules::unsatisfiable(&index, &mut out);
    rules::inconsistent_pins(&index, &mut out);
    rules::lock_mismatch(&index, &mut out);
    rules::duplicates_in_locks(&index, &mut out);
    rules::floating_rules(&index, &mut out);
    policy::drift(&index, &policy.approved, &mut out);
    policy::compat_rules(&index, &policy.compat, &mut out);
    policy::derived_compat(&index, &mut out);
    let (mut conflicts, mut notes, compat_matrix) = (out.conflicts, out.notes, out.compat);
    for c in &mut conflicts {
        c.entries.dedup();
    }
    conflicts.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.ecosystem.cmp(&b.ecosystem))
            .then(a.name.cmp(&b.name))
            .then(a.entries.cmp(&b.entries))
    });
    conflicts.dedup_by(|a, b| a.rule == b.rule && a.name == b.name && a.entries == b.entries);
    notes.sort();
    notes.dedup();
    let mut compat_matrix = compat_matrix;
    for row in &mut compat_matrix {
        row.cells
            .sort_by(|a, b| (&a.location, &a.checked).cmp(&(&b.location, &b.checked)));
        row.cells.dedup();
    }
    // Declared rules in polyver.toml order, then derived ones by origin.
    compat_matrix.sort_by(|a, b| {
        b.declared.cmp(&a.declared).then_with(|| {
            if a.declared {
                std::cmp::Ordering::Equal
            } else {
                (&a.rule, &a.origin, &a.title).cmp(&(&b.rule, &b.origin, &b.title))
            }
        })
    });
    Report {
        schema: SCHEMA,
        root: inventory.root.clone(),
        summary: summarize(&conflicts),
        conflicts,
        notes,
        compat_matrix,
    }
}

fn summarize(conflicts: &[Conflict]) -> Summary {
    let mut s = Summary {
        total: conflicts.len(),
        ..Summary::default()
    };
    for c in conflicts {
        *s.by_kind.entry(c.kind.id()).or_default() += 1;
        *s.by_severity.entry(c.severity.id()).or_default() += 1;
    }
    s
}

/// Every rule id this crate emits, with one line saying what it means — for SARIF rule
/// metadata and documentation. A test keeps it complete.
pub const RULES: &[Rule] = &[
    Rule {
        id: "conflict/unsatisfiable",
        kind: FindingKind::Conflict,
        title: "Constraints on one package in one installation admit no common version",
        help: "`polyver conflicts` shows every place involved; align the constraints or pins.",
        severity: None,
    },
    Rule {
        id: "conflict/inconsistent-pin",
        kind: FindingKind::Conflict,
        title: "One package is pinned to different versions across files or images",
        help: "`polyver conflicts` shows every place involved; align the constraints or pins.",
        severity: None,
    },
    Rule {
        id: "conflict/lock-mismatch",
        kind: FindingKind::Conflict,
        title: "The version resolved by the lock file does not satisfy the manifest's constraint",
        help: "`polyver conflicts` shows every place involved; align the constraints or pins.",
        severity: None,
    },
    Rule {
        id: "conflict/missing-from-lock",
        kind: FindingKind::Conflict,
        title: "A manifest dependency has no entry in the lock file beside it",
        help: "`polyver conflicts` shows every place involved; align the constraints or pins.",
        severity: None,
    },
    Rule {
        id: "conflict/duplicate-in-lock",
        kind: FindingKind::Conflict,
        title: "Several versions of one package are resolved in one lock file",
        help: "`polyver conflicts` shows every place involved; align the constraints or pins.",
        severity: None,
    },
    Rule {
        id: "floating/image-latest",
        kind: FindingKind::Floating,
        title: "A container image uses the `latest` tag and no digest",
        help: "Pin an exact version (or a digest / commit SHA) so every build uses the same one.",
        severity: None,
    },
    Rule {
        id: "floating/image-untagged",
        kind: FindingKind::Floating,
        title: "A container image has neither a tag nor a digest",
        help: "Pin an exact version (or a digest / commit SHA) so every build uses the same one.",
        severity: None,
    },
    Rule {
        id: "floating/runtime-alias",
        kind: FindingKind::Floating,
        title: "A runtime version file names an alias (lts/*, node) instead of a version",
        help: "Pin an exact version (or a digest / commit SHA) so every build uses the same one.",
        severity: None,
    },
    Rule {
        id: "floating/action-branch",
        kind: FindingKind::Floating,
        title: "A CI action is pinned to a branch",
        help: "Pin an exact version (or a digest / commit SHA) so every build uses the same one.",
        severity: None,
    },
    Rule {
        id: "floating/action-tag",
        kind: FindingKind::Floating,
        title: "A CI action is pinned to a tag, not to a commit SHA",
        help: "Pin an exact version (or a digest / commit SHA) so every build uses the same one.",
        severity: None,
    },
    Rule {
        id: "floating/unbounded-range",
        kind: FindingKind::Floating,
        title: "A range without an upper bound that no lock file resolves",
        help: "Pin an exact version (or a digest / commit SHA) so every build uses the same one.",
        severity: None,
    },
    Rule {
        id: "drift/not-approved",
        kind: FindingKind::Drift,
        title: "A component's version is outside the approved versions of polyver.toml [approved]",
        help: "Move to an approved version, or change [approved] in polyver.toml.",
        severity: None,
    },
    Rule {
        id: "compat/rule",
        kind: FindingKind::Compat,
        title: "A [[compat]] rule of polyver.toml is violated",
        help: "Change the runtime or the dependency so the rule holds, or fix the rule in polyver.toml.",
        severity: None,
    },
    Rule {
        id: "compat/requires-python",
        kind: FindingKind::Compat,
        title: "The declared Python runtime is outside the project's requires-python",
        help: "Change the runtime or the dependency so the rule holds, or fix the rule in polyver.toml.",
        severity: None,
    },
    Rule {
        id: "compat/engines-node",
        kind: FindingKind::Compat,
        title: "The declared Node.js runtime is outside package.json engines.node",
        help: "Change the runtime or the dependency so the rule holds, or fix the rule in polyver.toml.",
        severity: None,
    },
    Rule {
        id: "compat/image-runtime",
        kind: FindingKind::Compat,
        title: "A Docker base image's runtime differs from the project's declared runtime",
        help: "Change the runtime or the dependency so the rule holds, or fix the rule in polyver.toml.",
        severity: None,
    },
];

#[cfg(test)]
mod rule_catalogue {
    #[test]
    fn every_emitted_rule_is_described() {
        let sources = [include_str!("rules.rs"), include_str!("policy.rs")];
        let described: Vec<&str> = super::RULES.iter().map(|r| r.id).collect();
        for source in sources {
            for quoted in source.split('"').skip(1).step_by(2) {
                let is_rule = ["conflict/", "drift/", "compat/"]
                    .iter()
                    .any(|p| quoted.starts_with(p))
                    && !quoted.contains(' ');
                if is_rule {
                    assert!(described.contains(&quoted), "{quoted} is not in RULES");
                }
            }
        }
        for floating in source_floating_rules() {
            let id = format!("floating/{floating}");
            assert!(described.contains(&id.as_str()), "{id} is not in RULES");
        }
    }

    /// The names passed to `floating_conflict(c, "name", ...)`.
    fn source_floating_rules() -> Vec<String> {
        let source = include_str!("rules.rs");
        source
            .split("floating_conflict(")
            .skip(2) // the definition
            .filter_map(|call| call.split('"').nth(1).map(str::to_string))
            .collect()
    }
}
