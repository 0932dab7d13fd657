//! Chain problems as [`Finding`]s: what breaks a migration run is high, the rest medium.

use crate::{Chain, ProblemKind};
use polyver_model::{Finding, FindingKind, FindingSeverity, Rule};

/// How serious a chain problem is.
pub fn severity(kind: ProblemKind) -> FindingSeverity {
    match kind {
        ProblemKind::MultipleHeads
        | ProblemKind::Duplicate
        | ProblemKind::Cycle
        | ProblemKind::MissingParent
        | ProblemKind::Failed => FindingSeverity::High,
        ProblemKind::Gap
        | ProblemKind::SchemaBehind
        | ProblemKind::Pending
        | ProblemKind::Unknown => FindingSeverity::Medium,
    }
}

const HELP: &str = "`polyver migrations` shows the chain; fix the migration files.";
const LIVE_HELP: &str =
    "`polyver migrations --database-url URL` shows the chain against the database.";

const fn rule(
    id: &'static str,
    title: &'static str,
    help: &'static str,
    kind: ProblemKind,
) -> Rule {
    Rule {
        id,
        kind: FindingKind::Migration,
        title,
        help,
        severity: Some(match kind {
            ProblemKind::MultipleHeads
            | ProblemKind::Duplicate
            | ProblemKind::Cycle
            | ProblemKind::MissingParent
            | ProblemKind::Failed => FindingSeverity::High,
            _ => FindingSeverity::Medium,
        }),
    }
}

/// The rules of this crate's findings, one per [`ProblemKind`] (`migration/<kind id>`).
pub const RULES: &[Rule] = &[
    rule(
        "migration/multiple-heads",
        "A migration chain has more than one head (the migration tool refuses to upgrade)",
        HELP,
        ProblemKind::MultipleHeads,
    ),
    rule(
        "migration/gap",
        "A numbered migration chain skips a version",
        HELP,
        ProblemKind::Gap,
    ),
    rule(
        "migration/duplicate",
        "Two migrations share one version or revision id",
        HELP,
        ProblemKind::Duplicate,
    ),
    rule(
        "migration/cycle",
        "Migration parents form a cycle",
        HELP,
        ProblemKind::Cycle,
    ),
    rule(
        "migration/missing-parent",
        "A migration names a parent revision that does not exist",
        HELP,
        ProblemKind::MissingParent,
    ),
    rule(
        "migration/schema-behind",
        "db/schema.rb records an older version than the newest migration",
        HELP,
        ProblemKind::SchemaBehind,
    ),
    rule(
        "migration/pending",
        "A migration in the repository is not applied to the database",
        LIVE_HELP,
        ProblemKind::Pending,
    ),
    rule(
        "migration/unknown",
        "The database records a migration the repository does not have",
        LIVE_HELP,
        ProblemKind::Unknown,
    ),
    rule(
        "migration/failed",
        "The database records a failed or half-applied migration",
        LIVE_HELP,
        ProblemKind::Failed,
    ),
];

/// The rule of a problem kind.
pub fn rule_of(kind: ProblemKind) -> &'static Rule {
    let id = kind.id();
    RULES
        .iter()
        .find(|r| r.id.strip_prefix("migration/") == Some(id))
        .expect("every problem kind has a rule (tested)")
}

/// One finding per problem of every chain.
pub fn findings(chains: &[Chain]) -> Vec<Finding> {
    let mut out = Vec::new();
    for chain in chains {
        for p in &chain.problems {
            out.push(Finding {
                kind: FindingKind::Migration,
                rule: rule_of(p.kind).id.to_string(),
                severity_unknown: false,
                severity: severity(p.kind),
                title: format!("{} {}: {}", chain.framework, chain.name, p.message),
                ecosystem: Some(chain.framework),
                name: Some(chain.name.clone()),
                version: None,
                aliases: Vec::new(),
                locations: p.location.iter().cloned().collect(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_kind_has_its_rule_with_its_severity() {
        for kind in [
            ProblemKind::MultipleHeads,
            ProblemKind::Gap,
            ProblemKind::Duplicate,
            ProblemKind::Cycle,
            ProblemKind::MissingParent,
            ProblemKind::SchemaBehind,
            ProblemKind::Pending,
            ProblemKind::Unknown,
            ProblemKind::Failed,
        ] {
            assert_eq!(rule_of(kind).severity, Some(severity(kind)), "{kind:?}");
        }
        assert_eq!(RULES.len(), 9);
    }
}
