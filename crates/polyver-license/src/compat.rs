//! Whether a dependency's licence fits the repository's own.
//!
//! Deliberately few rules, each a well-known conflict rather than legal advice:
//! - a copyleft or network-copyleft dependency (after choosing the most permissive `OR`
//!   branch) in a permissively or weak-copyleft licensed project: the combined work would
//!   have to be distributed under the dependency's terms;
//! - a proprietary (or npm `UNLICENSED`) dependency in an open-source project;
//! - Apache-2.0 code in a `GPL-2.0-only` project (the FSF's classic incompatibility).
//!
//! In runtime scope (runtime, optional, peer) a conflict is a warning; in dev, test and
//! build scope the dependency is not shipped, so it is only information.

use crate::category::Category;
use crate::expression::Normalized;
use crate::policy::effective_category;
use crate::project::ProjectLicense;
use polyver_model::Scope;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Compatibility {
    pub level: Level,
    pub message: String,
}

/// The incompatibility between the project's licence and one dependency, if any.
pub fn check(
    project: &ProjectLicense,
    dependency: &Normalized,
    scope: Scope,
) -> Option<Compatibility> {
    let project_expr = project.expression.as_deref()?;
    let dep_expr = dependency.expression.as_deref()?;
    let dep = effective_category(dependency);
    let level = match scope {
        Scope::Runtime | Scope::Optional | Scope::Peer => Level::Warning,
        Scope::Dev | Scope::Test | Scope::Build => Level::Info,
    };
    let shipped = if level == Level::Warning {
        "in runtime scope"
    } else {
        "only in dev/test/build scope (not shipped)"
    };
    let message = match project.category {
        Category::Permissive | Category::WeakCopyleft if dep.is_strong_copyleft() => format!(
            "{dep_expr} ({dep}) dependency of a {project_expr} ({}) project, {shipped}",
            project.category
        ),
        Category::Permissive
        | Category::WeakCopyleft
        | Category::Copyleft
        | Category::NetworkCopyleft
            if dep == Category::Proprietary =>
        {
            format!("proprietary dependency ({dep_expr}) of an open-source ({project_expr}) project, {shipped}")
        }
        Category::Copyleft if gpl2_only(project_expr) && needs_apache2(dependency) => format!(
            "Apache-2.0 is incompatible with GPL-2.0-only (patent and indemnity terms), {shipped}"
        ),
        _ => return None,
    };
    Some(Compatibility { level, message })
}

fn gpl2_only(expr: &str) -> bool {
    expr.split_whitespace()
        .any(|t| t.trim_matches(['(', ')']) == "GPL-2.0-only")
}

/// Whether no way of satisfying the expression avoids Apache-2.0.
fn needs_apache2(dependency: &Normalized) -> bool {
    dependency.parsed().is_some_and(|e| {
        !e.evaluate(|req| req.license.id().map(|id| id.name) != Some("Apache-2.0"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expression::normalize;

    fn project(expr: &str) -> ProjectLicense {
        let n = normalize(expr);
        ProjectLicense {
            category: effective_category(&n),
            expression: n.expression,
            source: Some("LICENSE".into()),
            note: None,
            evidence: vec![],
        }
    }

    #[test]
    fn rules() {
        let mit = project("MIT");
        let w = check(&mit, &normalize("GPL-3.0-only"), Scope::Runtime).unwrap();
        assert_eq!(w.level, Level::Warning);
        assert_eq!(
            w.message,
            "GPL-3.0-only (copyleft) dependency of a MIT (permissive) project, in runtime scope"
        );
        assert_eq!(
            check(&mit, &normalize("AGPL-3.0-or-later"), Scope::Dev)
                .unwrap()
                .level,
            Level::Info
        );
        assert!(check(&mit, &normalize("GPL-3.0-only OR MIT"), Scope::Runtime).is_none());
        assert!(check(&mit, &normalize("LGPL-2.1-only"), Scope::Runtime).is_none());
        assert!(check(&mit, &normalize("UNLICENSED"), Scope::Runtime).is_some());
        let gpl2 = project("GPL-2.0-only");
        assert!(check(&gpl2, &normalize("Apache-2.0"), Scope::Runtime).is_some());
        assert!(check(&gpl2, &normalize("Apache-2.0 OR MIT"), Scope::Runtime).is_none());
        assert!(check(&gpl2, &normalize("GPL-3.0-only"), Scope::Runtime).is_none());
        assert!(check(
            &project("GPL-3.0-or-later"),
            &normalize("Apache-2.0"),
            Scope::Runtime
        )
        .is_none());
        let unknown = ProjectLicense {
            expression: None,
            category: Category::Unknown,
            source: None,
            note: None,
            evidence: vec![],
        };
        assert!(check(&unknown, &normalize("GPL-3.0-only"), Scope::Runtime).is_none());
    }
}
