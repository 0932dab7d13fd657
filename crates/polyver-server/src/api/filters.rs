//! The values the filters accept (the same ids as the scan JSON and the OpenAPI enums), and
//! the check of a version range before any row is read.

use crate::ApiError;
use polyver_model::{Ecosystem, FindingKind, Kind, Scope};

pub(crate) const KINDS: [Kind; 9] = [
    Kind::Package,
    Kind::Image,
    Kind::Runtime,
    Kind::Tool,
    Kind::Action,
    Kind::Provider,
    Kind::Module,
    Kind::Migration,
    Kind::Api,
];

pub(crate) const SCOPES: [Scope; 6] = [
    Scope::Runtime,
    Scope::Dev,
    Scope::Test,
    Scope::Build,
    Scope::Optional,
    Scope::Peer,
];

pub(crate) const FINDING_KINDS: [FindingKind; 9] = [
    FindingKind::Vulnerability,
    FindingKind::Conflict,
    FindingKind::Floating,
    FindingKind::Drift,
    FindingKind::Compat,
    FindingKind::License,
    FindingKind::Migration,
    FindingKind::Policy,
    FindingKind::Diagnostic,
];

/// Refuses a `range` that cannot select anything: one the ecosystem's version engine cannot
/// read, one given for an ecosystem whose versions polyver cannot order, or (without an
/// ecosystem) one that no version engine reads. Each component is then tested in its own
/// ecosystem's scheme.
pub(crate) fn check_range(
    ecosystem: Option<Ecosystem>,
    name: Option<&str>,
    range: &str,
) -> Result<(), ApiError> {
    let scheme = ecosystem.and_then(|e| e.version_scheme(name.unwrap_or("")));
    if let (Some(e), Some(scheme)) = (ecosystem, scheme) {
        return polyver_version::validate_range(scheme, range).map_err(|err| {
            ApiError::bad_request(format!("`range` is not a {e} version range: {err}")).hint(
                format!("write the range in {e}'s own syntax, e.g. `<2.31` or `>=1.0,<2`"),
            )
        });
    }
    match ecosystem {
        // Generic runtimes without a name are tested each by its name (python as PyPI, node
        // as npm), like components of any ecosystem when none is given.
        Some(e) if !(e == Ecosystem::Generic && name.is_none()) => {
            Err(ApiError::bad_request(format!(
                "{e} versions{} have no ordering rules in polyver, so a `range` cannot be tested",
                name.map(|n| format!(" of `{}`", super::params::shown(n)))
                    .filter(|_| e == Ecosystem::Generic)
                    .unwrap_or_default()
            ))
            .hint("leave `range` out to list every version"))
        }
        _ if polyver_version::Ecosystem::ALL
            .iter()
            .any(|s| polyver_version::validate_range(*s, range).is_ok()) =>
        {
            Ok(())
        }
        _ => Err(ApiError::bad_request(format!(
            "`range` `{}` is a version range in no ecosystem polyver knows",
            super::params::shown(range)
        ))
        .hint("give `ecosystem` too, for an error that says what is wrong")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails to compile when a variant is added and not listed.
    #[test]
    fn every_variant_is_listed() {
        let kind = |k: Kind| match k {
            Kind::Package
            | Kind::Image
            | Kind::Runtime
            | Kind::Tool
            | Kind::Action
            | Kind::Provider
            | Kind::Module
            | Kind::Migration
            | Kind::Api => KINDS.contains(&k),
        };
        let scope = |s: Scope| match s {
            Scope::Runtime
            | Scope::Dev
            | Scope::Test
            | Scope::Build
            | Scope::Optional
            | Scope::Peer => SCOPES.contains(&s),
        };
        let finding = |f: FindingKind| match f {
            FindingKind::Vulnerability
            | FindingKind::Conflict
            | FindingKind::Floating
            | FindingKind::Drift
            | FindingKind::Compat
            | FindingKind::License
            | FindingKind::Migration
            | FindingKind::Policy
            | FindingKind::Diagnostic => FINDING_KINDS.contains(&f),
        };
        assert!(KINDS.into_iter().all(kind));
        assert!(SCOPES.into_iter().all(scope));
        assert!(FINDING_KINDS.into_iter().all(finding));
    }

    #[test]
    fn ranges_are_checked_in_the_ecosystems_syntax() {
        assert!(check_range(Some(Ecosystem::Pypi), Some("requests"), "<2.31").is_ok());
        let e = check_range(Some(Ecosystem::Pypi), None, "<<2").unwrap_err();
        assert!(
            e.message.starts_with("`range` is not a pypi version range"),
            "{}",
            e.message
        );
        let e = check_range(Some(Ecosystem::Helm), None, "<2").unwrap_err();
        assert_eq!(
            e.message,
            "helm versions have no ordering rules in polyver, so a `range` cannot be tested"
        );
        assert!(check_range(Some(Ecosystem::Generic), Some("python"), "<3.12").is_ok());
        assert!(check_range(Some(Ecosystem::Generic), None, "<3.12").is_ok());
        assert!(check_range(None, None, "[1.0,2.0)").is_ok());
        // Maven reads almost any text as a soft requirement; an unclosed interval it refuses.
        assert!(check_range(None, None, "[1.0").is_err());
    }
}
