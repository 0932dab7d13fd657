//! The catalogue of every rule id a finding can carry, gathered from the domain crates that
//! own them. Ids are stable (filters, SARIF, suppressions depend on them); a test keeps them
//! unique. Vulnerability findings are ruled by advisory ids from the database instead.

use polyver_model::Rule;

/// Every rule, by domain: conflicts/floating/drift/compat, licences, lock drift, migrations,
/// files that could not be parsed, `[policy]` breaches.
pub fn catalogue() -> Vec<&'static Rule> {
    polyver_analyze::RULES
        .iter()
        .chain(polyver_license::RULES)
        .chain(polyver_lock::RULES)
        .chain(polyver_migrations::RULES)
        .chain(crate::parse::RULES)
        .chain(polyver_analyze::sla::RULES)
        .collect()
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    catalogue().into_iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_ids_are_unique_and_prefixed_by_their_kind_family() {
        let mut seen = HashSet::new();
        for r in catalogue() {
            assert!(seen.insert(r.id), "rule id {} is used twice", r.id);
            let (family, name) = r.id.split_once('/').expect("family/name");
            assert!(!name.is_empty() && !name.contains(' '), "{}", r.id);
            let expected = match r.kind.id() {
                "conflict" | "floating" | "drift" | "compat" | "migration" | "policy" => {
                    r.kind.id()
                }
                "license" => "license",
                other => other,
            };
            // Lock drift is a drift finding under its own family.
            assert!(
                family == expected || (family == "lock" && expected == "drift"),
                "{} has kind {}",
                r.id,
                r.kind
            );
            assert!(!r.title.is_empty() && !r.help.is_empty(), "{}", r.id);
        }
    }
}
