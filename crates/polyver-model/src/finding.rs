//! Findings: what the analyses (audit, conflicts, licences, compatibility) report about an
//! inventory. One shape for all of them, because the store records them per scan, `check`
//! gates on them, and SARIF/Markdown/JSON reports list them side by side.

use crate::{Ecosystem, Location};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which analysis produced a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A known vulnerability (OSV advisory) affects the component.
    Vulnerability,
    /// Unsatisfiable constraints, inconsistent pins, lock/manifest drift, duplicates.
    Conflict,
    /// A version that is not pinned (`latest`, no tag, unbounded range, branch-pinned action).
    Floating,
    /// Outside the approved versions of `polyver.toml [approved]`.
    Drift,
    /// A compatibility rule (`[[compat]]` or derived) is violated.
    Compat,
    /// A licence denied by policy, unknown, or incompatible with the project's own.
    License,
    /// A schema-migration chain problem (gap, duplicate, several heads, ...).
    Migration,
    /// A rule of polyver.toml `[policy]` is broken (a vulnerability open past its SLA).
    Policy,
    /// A file that could not be read or parsed during the scan.
    Diagnostic,
}

impl FindingKind {
    pub fn id(self) -> &'static str {
        match self {
            FindingKind::Vulnerability => "vulnerability",
            FindingKind::Conflict => "conflict",
            FindingKind::Floating => "floating",
            FindingKind::Drift => "drift",
            FindingKind::Compat => "compat",
            FindingKind::License => "license",
            FindingKind::Migration => "migration",
            FindingKind::Policy => "policy",
            FindingKind::Diagnostic => "diagnostic",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How serious a finding is; ordered, so `--fail-on high` means `>= High`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingSeverity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl FindingSeverity {
    pub const ALL: [FindingSeverity; 5] = [
        FindingSeverity::Info,
        FindingSeverity::Low,
        FindingSeverity::Medium,
        FindingSeverity::High,
        FindingSeverity::Critical,
    ];

    pub fn id(self) -> &'static str {
        match self {
            FindingSeverity::Info => "info",
            FindingSeverity::Low => "low",
            FindingSeverity::Medium => "medium",
            FindingSeverity::High => "high",
            FindingSeverity::Critical => "critical",
        }
    }

    /// The CVSS v3/v4 qualitative rating of a base score (0.0 is `None` in CVSS; `Info` here).
    pub fn from_cvss_score(score: f64) -> FindingSeverity {
        match score {
            s if s >= 9.0 => FindingSeverity::Critical,
            s if s >= 7.0 => FindingSeverity::High,
            s if s >= 4.0 => FindingSeverity::Medium,
            s if s > 0.0 => FindingSeverity::Low,
            _ => FindingSeverity::Info,
        }
    }
}

impl fmt::Display for FindingSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for FindingSeverity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|v| v.id() == lower || (lower == "moderate" && *v == FindingSeverity::Medium))
            .ok_or_else(|| format!("unknown severity `{s}` (info, low, medium, high, critical)"))
    }
}

/// One finding. `rule` is stable and filterable: an advisory id for vulnerabilities (the
/// primary one; the others are in `aliases`), a rule id such as `conflict/unsatisfiable` for
/// the rest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub rule: String,
    /// What `--fail-on` compares; `medium` for an advisory that gives no severity.
    pub severity: FindingSeverity,
    /// The source gave no severity (an advisory without a rating): `severity` is only what
    /// the finding counts as, and reports say `unknown (counted as medium)`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub severity_unknown: bool,
    /// One line, for tables and SARIF `message.text`.
    pub title: String,
    /// The component concerned, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<Ecosystem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Where it shows; the first is the primary location.
    pub locations: Vec<Location>,
}

/// A stable rule id and what it means. Each domain crate publishes the rules its findings
/// use (`polyver_lock::RULES`, `polyver_migrations::RULES`, ...); the engine's catalogue
/// gathers them, with a test that no id is used twice, for SARIF and the documentation.
/// (Vulnerability findings use advisory ids instead, which come from the database.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub kind: FindingKind,
    /// One line: what the rule finds.
    pub title: &'static str,
    /// What to do about a finding.
    pub help: &'static str,
    /// The severity its findings always have, when it is fixed by the rule.
    pub severity: Option<FindingSeverity>,
}
