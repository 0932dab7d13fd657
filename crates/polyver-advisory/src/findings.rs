//! Audit results as the shared [`Finding`] shape: one finding per advisory and package, ruled
//! by the advisory's primary id (aliases kept), titled with the fix a person can apply.

use crate::matcher::{AuditReport, AuditStats, Status, VulnFinding};
use polyver_model::{Finding, FindingKind};

impl VulnFinding {
    /// What to do: `fix: 1.26.17 (allowed by >=1.26)`, `fix: 2.0.6 (needs a constraint
    /// change: ==2.0.5)`, `no fixed version published`, or for an unpinned range the
    /// advisories it admits.
    pub fn fix_text(&self) -> String {
        if self.status == Status::NotPinned {
            return format!("admits: {}", self.admitted.join(", "));
        }
        match (&self.smallest_fix, self.fix_satisfies_constraint) {
            (Some(fix), Some(true)) => {
                format!("fix: {fix} (allowed by {})", self.constraints.join(", "))
            }
            (Some(fix), Some(false)) => format!(
                "fix: {fix} (needs a constraint change: {})",
                self.constraints.join(", ")
            ),
            (Some(fix), None) => format!("fix: {fix}"),
            (None, _) if self.fixed_versions.is_empty() => "no fixed version published".to_string(),
            (None, _) => format!(
                "no fix above this version (fixed in: {})",
                self.fixed_versions.join(", ")
            ),
        }
    }

    /// This finding in the shared shape.
    pub fn finding(&self) -> Finding {
        let title = match &self.version {
            Some(v) => format!(
                "{} {v}: {} ({}) — {}",
                self.name,
                self.id,
                self.summary,
                self.fix_text()
            ),
            None => format!("{}: {} — {}", self.name, self.summary, self.fix_text()),
        };
        Finding {
            kind: FindingKind::Vulnerability,
            rule: self.id.clone(),
            severity_unknown: self.severity.is_none(),
            severity: self.effective_severity,
            title,
            ecosystem: Some(self.ecosystem),
            name: Some(self.name.clone()),
            version: self.version.clone(),
            aliases: self.aliases.clone(),
            locations: self.locations.clone(),
        }
    }
}

impl AuditReport {
    /// Every reported (not ignored) finding in the shared shape, in report order.
    pub fn findings(&self) -> Vec<Finding> {
        self.findings.iter().map(VulnFinding::finding).collect()
    }
}

impl AuditStats {
    /// `12 checked against OSV: PyPI 9, npm 3`.
    pub fn checked_text(&self) -> String {
        let per: Vec<String> = self
            .checked_by_ecosystem
            .iter()
            .map(|(e, n)| format!("{e} {n}"))
            .collect();
        if per.is_empty() {
            format!("{} checked against OSV", self.checked)
        } else {
            format!("{} checked against OSV: {}", self.checked, per.join(", "))
        }
    }

    /// What the audit did not look at, one line each: components of ecosystems the database
    /// has no advisories for, and container images (OSV has no advisories for them at all).
    pub fn coverage_gaps(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.not_covered_by_ecosystem.is_empty() {
            let per: Vec<String> = self
                .not_covered_by_ecosystem
                .iter()
                .map(|(e, n)| format!("{e} {n}"))
                .collect();
            let n: usize = self.not_covered_by_ecosystem.values().sum();
            out.push(format!(
                "{n} component{} not checked: the OSV database has no advisories for {}",
                if n == 1 { "" } else { "s" },
                per.join(", ")
            ));
        }
        if self.images_not_audited > 0 {
            let n = self.images_not_audited;
            out.push(format!(
                "{n} image{} not audited: OSV has no container-image advisories",
                if n == 1 { "" } else { "s" }
            ));
        }
        out
    }
}
