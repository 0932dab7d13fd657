//! The licence policy of `polyver.toml [licenses]` and its evaluation over an expression.
//!
//! A term of `allow`/`deny` is a category (`copyleft`) or an SPDX licence (`GPL-3.0-only`,
//! `Apache-2.0 WITH LLVM-exception`; an id matches what it would satisfy, so `GPL-2.0-only`
//! also matches a `GPL-2.0-or-later` requirement). For one licence requirement: a package
//! exception's `allow` admits it; otherwise `deny` rejects it; otherwise it passes when
//! `allow` is empty or matches it. Over an expression, `OR` passes when any branch passes
//! (the user may pick that licence) and `AND` when all do — the `spdx` crate's evaluation.
//! A package whose licence is unknown is judged by the `unknown` setting (warn by default),
//! unless `unknown` is listed in `deny` or `allow`.

use crate::category::{self, Category};
use crate::expression::Normalized;
use serde::Serialize;
use std::fmt;

/// A parsed `allow`/`deny` term.
#[derive(Clone, Debug)]
pub enum Term {
    Category(Category),
    License {
        licensee: spdx::Licensee,
        text: String,
    },
}

impl Term {
    /// Parses a term as written in polyver.toml; the error says what is accepted.
    pub fn parse(text: &str) -> Result<Term, String> {
        let text = text.trim();
        if let Ok(c) = text.parse::<Category>() {
            return Ok(Term::Category(c));
        }
        let mode = spdx::ParseMode {
            allow_deprecated: true,
            allow_postfix_plus_on_gpl: true,
            ..spdx::ParseMode::STRICT
        };
        match spdx::Licensee::parse_mode(text, mode) {
            Ok(licensee) => Ok(Term::License {
                licensee,
                text: text.to_string(),
            }),
            Err(e) => Err(format!(
                "`{text}` is neither an SPDX licence id ({}) nor a category ({})",
                e.reason,
                category::CATEGORY_NAMES.join(", ")
            )),
        }
    }

    fn matches(&self, req: &spdx::LicenseReq) -> bool {
        match self {
            Term::Category(c) => category::of_requirement(req) == *c,
            Term::License { licensee, .. } => {
                licensee.satisfies(req) || same_gnu_version(licensee, req)
            }
        }
    }
}

/// GNU ids carry `-only`/`-or-later` in the name: a term for one version of a GNU licence
/// matches both spellings of that version (`LGPL-3.0-only` matches `LGPL-3.0-or-later`).
fn same_gnu_version(licensee: &spdx::Licensee, req: &spdx::LicenseReq) -> bool {
    let base = |name: &str| {
        name.strip_suffix("-only")
            .or_else(|| name.strip_suffix("-or-later"))
            .unwrap_or(name)
            .to_string()
    };
    let term = licensee.clone().into_req();
    match (term.license.id(), req.license.id()) {
        (Some(a), Some(b)) => {
            a.is_gnu()
                && b.is_gnu()
                && base(a.name) == base(b.name)
                && term.addition == req.addition
        }
        _ => false,
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Category(c) => c.fmt(f),
            Term::License { text, .. } => f.write_str(text),
        }
    }
}

/// What to do with a package whose licence is unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownAction {
    Allow,
    #[default]
    Warn,
    Deny,
}

impl std::str::FromStr for UnknownAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "allow" => Ok(UnknownAction::Allow),
            "warn" => Ok(UnknownAction::Warn),
            "deny" => Ok(UnknownAction::Deny),
            other => Err(format!("`{other}` is not one of allow, warn, deny")),
        }
    }
}

/// A per-package exception: licences allowed for that package only.
#[derive(Clone, Debug)]
pub struct PackageException {
    /// `ecosystem:name` or a bare name (any ecosystem).
    pub package: String,
    /// Only this version, when set.
    pub version: Option<String>,
    pub allow: Vec<Term>,
    pub reason: String,
}

impl PackageException {
    fn applies(&self, ecosystem: &str, name: &str, version: Option<&str>) -> bool {
        let (eco, pkg) = match self.package.split_once(':') {
            Some((e, n)) if !e.contains('/') && !e.starts_with('@') => (Some(e), n),
            _ => (None, self.package.as_str()),
        };
        let name_matches = if ecosystem == "pypi" {
            polyver_model::normalize_pypi_name(pkg) == polyver_model::normalize_pypi_name(name)
        } else {
            pkg.eq_ignore_ascii_case(name)
        };
        eco.is_none_or(|e| e == ecosystem)
            && name_matches
            && self.version.as_deref().is_none_or(|v| Some(v) == version)
    }
}

/// The whole policy; [`Policy::default`] allows everything and warns on unknown licences.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub allow: Vec<Term>,
    pub deny: Vec<Term>,
    pub exceptions: Vec<PackageException>,
    pub unknown: UnknownAction,
}

/// The outcome for one package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Warn,
    Violation,
}

impl Outcome {
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Violation => "violation",
        }
    }
}

/// An outcome with the reason a reviewer needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    pub reason: String,
}

impl Verdict {
    fn new(outcome: Outcome, reason: impl Into<String>) -> Self {
        Verdict {
            outcome,
            reason: reason.into(),
        }
    }
}

impl Policy {
    /// The policy of a validated `[licenses]` section (polyver-config checked every term;
    /// a term that still fails to parse is an error here too, not skipped).
    pub fn from_section(section: &polyver_config::LicensesSection) -> Result<Policy, String> {
        let terms = |list: &[String]| {
            list.iter()
                .map(|t| Term::parse(t))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Policy {
            allow: terms(&section.allow)?,
            deny: terms(&section.deny)?,
            exceptions: section
                .exceptions
                .iter()
                .map(|e| {
                    Ok(PackageException {
                        package: e.name.clone(),
                        version: e.version.clone(),
                        allow: terms(&e.allow)?,
                        reason: e.reason.clone(),
                    })
                })
                .collect::<Result<Vec<_>, String>>()?,
            unknown: section
                .unknown
                .as_deref()
                .map_or(Ok(UnknownAction::Warn), str::parse)?,
        })
    }

    /// Whether any rule is set (without one, every known licence passes).
    pub fn is_empty(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty() && self.exceptions.is_empty()
    }

    /// Judges the licence of one package.
    pub fn evaluate(
        &self,
        ecosystem: &str,
        name: &str,
        version: Option<&str>,
        license: &Normalized,
    ) -> Verdict {
        let exceptions: Vec<&PackageException> = self
            .exceptions
            .iter()
            .filter(|e| e.applies(ecosystem, name, version))
            .collect();
        let Some(expr) = license.parsed() else {
            return self.unknown_verdict(&exceptions);
        };
        let mut used_exception: Option<&PackageException> = None;
        let result = expr.evaluate_with_failures(|req| {
            if let Some(e) = exceptions
                .iter()
                .find(|e| e.allow.iter().any(|t| t.matches(req)))
            {
                used_exception.get_or_insert(e);
                return true;
            }
            if self.deny.iter().any(|t| t.matches(req)) {
                return false;
            }
            self.allow.is_empty() || self.allow.iter().any(|t| t.matches(req))
        });
        match result {
            Ok(()) => match used_exception {
                Some(e) => Verdict::new(
                    Outcome::Pass,
                    format!("allowed by the exception for {}: {}", e.package, e.reason),
                ),
                None if self.allow.is_empty() && self.deny.is_empty() => {
                    Verdict::new(Outcome::Pass, "no licence policy")
                }
                None if self.allow.is_empty() => Verdict::new(Outcome::Pass, "not denied"),
                None => Verdict::new(Outcome::Pass, "allowed"),
            },
            Err(failed) => {
                let reasons: Vec<String> = failed
                    .iter()
                    .map(|r| {
                        let cat = category::of_requirement(&r.req);
                        match self.deny.iter().find(|t| t.matches(&r.req)) {
                            Some(t) => format!("{} ({cat}) is denied by `{t}`", r.req),
                            None => format!("{} ({cat}) is not in allow", r.req),
                        }
                    })
                    .collect();
                Verdict::new(Outcome::Violation, reasons.join("; "))
            }
        }
    }

    fn unknown_verdict(&self, exceptions: &[&PackageException]) -> Verdict {
        if let Some(e) = exceptions.first() {
            return Verdict::new(
                Outcome::Pass,
                format!("unknown licence, excepted for {}: {}", e.package, e.reason),
            );
        }
        let listed = |terms: &[Term]| {
            terms
                .iter()
                .any(|t| matches!(t, Term::Category(Category::Unknown)))
        };
        if listed(&self.deny) {
            return Verdict::new(Outcome::Violation, "unknown licence; `unknown` is denied");
        }
        if listed(&self.allow) {
            return Verdict::new(Outcome::Pass, "unknown licence; `unknown` is allowed");
        }
        match self.unknown {
            UnknownAction::Allow => {
                Verdict::new(Outcome::Pass, "unknown licence (unknown = \"allow\")")
            }
            UnknownAction::Warn => Verdict::new(
                Outcome::Warn,
                "unknown licence: review it, or add an exception",
            ),
            UnknownAction::Deny => {
                Verdict::new(Outcome::Violation, "unknown licence (unknown = \"deny\")")
            }
        }
    }
}

/// The category an expression amounts to for its user: `OR` takes the least restrictive
/// branch (the user may choose it), `AND` the most restrictive (all apply).
pub fn effective_category(license: &Normalized) -> Category {
    let Some(expr) = license.parsed() else {
        return Category::Unknown;
    };
    let mut stack: Vec<Category> = Vec::new();
    for node in expr.iter() {
        match node {
            spdx::expression::ExprNode::Req(r) => stack.push(category::of_requirement(&r.req)),
            spdx::expression::ExprNode::Op(op) => {
                let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else {
                    return Category::Unknown;
                };
                stack.push(match op {
                    spdx::expression::Operator::And => a.max(b),
                    spdx::expression::Operator::Or => a.min(b),
                });
            }
        }
    }
    stack.pop().unwrap_or(Category::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expression::normalize;

    fn policy(allow: &[&str], deny: &[&str]) -> Policy {
        Policy {
            allow: allow.iter().map(|t| Term::parse(t).unwrap()).collect(),
            deny: deny.iter().map(|t| Term::parse(t).unwrap()).collect(),
            ..Policy::default()
        }
    }

    #[test]
    fn evaluation_table() {
        let permissive_only = policy(&["permissive"], &[]);
        let no_gpl = policy(&[], &["copyleft", "network-copyleft"]);
        let ids = policy(&["MIT", "Apache-2.0", "weak-copyleft"], &["LGPL-3.0-only"]);
        let cases: &[(&Policy, &str, Outcome)] = &[
            (&permissive_only, "MIT", Outcome::Pass),
            (&permissive_only, "GPL-3.0-only", Outcome::Violation),
            (&permissive_only, "MIT OR GPL-3.0-only", Outcome::Pass),
            (&permissive_only, "MIT AND GPL-3.0-only", Outcome::Violation),
            (
                &permissive_only,
                "(MIT OR GPL-2.0-only) AND Apache-2.0",
                Outcome::Pass,
            ),
            (
                &permissive_only,
                "GPL-2.0-only WITH Classpath-exception-2.0",
                Outcome::Violation,
            ),
            (
                &permissive_only,
                "Apache-2.0 WITH LLVM-exception",
                Outcome::Pass,
            ),
            (&permissive_only, "Unknown stuff", Outcome::Warn),
            (&no_gpl, "AGPL-3.0-or-later", Outcome::Violation),
            (&no_gpl, "LGPL-2.1-or-later", Outcome::Pass),
            (
                &no_gpl,
                "GPL-2.0-only WITH Classpath-exception-2.0",
                Outcome::Pass,
            ),
            (&no_gpl, "GPL-3.0-or-later OR MIT", Outcome::Pass),
            (&no_gpl, "LicenseRef-acme", Outcome::Pass),
            (&ids, "MIT", Outcome::Pass),
            (&ids, "ISC", Outcome::Violation),
            (&ids, "MPL-2.0", Outcome::Pass),
            (&ids, "LGPL-3.0-only", Outcome::Violation),
            (&ids, "LGPL-3.0-or-later", Outcome::Violation),
            (&ids, "LGPL-2.1-only", Outcome::Pass),
            (&Policy::default(), "GPL-3.0-only", Outcome::Pass),
        ];
        for (p, license, want) in cases {
            let v = p.evaluate("npm", "x", Some("1.0.0"), &normalize(license));
            assert_eq!(v.outcome, *want, "{license}: {}", v.reason);
        }
        let v = permissive_only.evaluate("npm", "x", None, &normalize("GPL-3.0-only"));
        assert_eq!(v.reason, "GPL-3.0-only (copyleft) is not in allow");
        let v = no_gpl.evaluate("npm", "x", None, &normalize("AGPL-3.0-only"));
        assert_eq!(
            v.reason,
            "AGPL-3.0-only (network-copyleft) is denied by `network-copyleft`"
        );
    }

    #[test]
    fn exceptions_and_unknown() {
        let mut p = policy(&["permissive"], &["unknown"]);
        p.exceptions.push(PackageException {
            package: "pypi:Chardet".into(),
            version: None,
            allow: vec![Term::parse("LGPL-2.0-or-later").unwrap()],
            reason: "used unmodified, dynamically".into(),
        });
        let lgpl = normalize("LGPL-2.0-or-later");
        let v = p.evaluate("pypi", "chardet", Some("5.2.0"), &lgpl);
        assert_eq!(v.outcome, Outcome::Pass);
        assert!(v.reason.contains("used unmodified"), "{}", v.reason);
        assert_eq!(
            p.evaluate("npm", "chardet", None, &lgpl).outcome,
            Outcome::Violation
        );
        let unknown = normalize("");
        assert_eq!(
            p.evaluate("npm", "y", None, &unknown).outcome,
            Outcome::Violation
        );
        p.deny.clear();
        p.unknown = UnknownAction::Allow;
        assert_eq!(
            p.evaluate("npm", "y", None, &unknown).outcome,
            Outcome::Pass
        );
        assert!(Term::parse("GPL-9.9").is_err());
        assert!(Term::parse("copyleft").is_ok());
    }

    #[test]
    fn categories_agree_with_the_config_validator() {
        assert_eq!(
            crate::category::CATEGORY_NAMES,
            polyver_config::licenses_categories()
        );
        let section = polyver_config::parse(
            std::path::Path::new("polyver.toml"),
            "[licenses]\nallow = [\"permissive\"]\nunknown = \"deny\"\n[[licenses.exceptions]]\nname = \"npm:x\"\nallow = [\"GPL-3.0-only\"]\nreason = \"r\"\n",
        )
        .unwrap()
        .licenses;
        let p = Policy::from_section(&section).unwrap();
        assert_eq!(
            (p.allow.len(), p.exceptions.len(), p.unknown),
            (1, 1, UnknownAction::Deny)
        );
    }

    #[test]
    fn effective_categories() {
        for (e, c) in [
            ("MIT OR GPL-3.0-only", Category::Permissive),
            ("MIT AND GPL-3.0-only", Category::Copyleft),
            ("(MIT OR AGPL-3.0-only) AND MPL-2.0", Category::WeakCopyleft),
            ("LicenseRef-x OR MIT", Category::Permissive),
            ("nonsense words here", Category::Unknown),
        ] {
            assert_eq!(effective_category(&normalize(e)), c, "{e}");
        }
    }
}
