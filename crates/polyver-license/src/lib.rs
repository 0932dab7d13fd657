//! Licence compliance: what licence every package of a repository is under, where that was
//! read, whether the repository's policy allows it, and whether it fits the repository's
//! own licence.
//!
//! The pieces, in the order `polyver licenses` uses them:
//! - [`expression`]: declared text → SPDX expression, with the [`expression::Rule`] that
//!   mapped it (exact, normalized, alias, classifier, guess, text, unknown);
//! - [`category`]: permissive / weak-copyleft / copyleft / network-copyleft / proprietary;
//! - [`detect`]: a licence recognized from its full text (LICENSE files);
//! - [`project`]: the repository's own licence (manifest fields, LICENSE files);
//! - [`installed`]: installed package metadata (`*.dist-info/METADATA`,
//!   `node_modules/*/package.json`);
//! - [`registry`]: PyPI, npm and crates.io metadata over the network (cached, skipped offline);
//! - [`resolve`]: the chain over those sources, with provenance, then [`policy`] and
//!   [`compat`].

pub mod category;
pub mod compat;
pub mod detect;
pub mod expression;
pub mod installed;
pub mod policy;
pub mod project;
pub mod registry;
pub mod resolve;

pub use category::Category;
pub use expression::{normalize, Normalized, Rule};
pub use policy::{Outcome, Policy, Verdict};
pub use resolve::{LicenseReport, PackageLicense, LICENSES_SCHEMA};

const POLICY_HELP: &str = "Policy: polyver.toml [licenses] (allow, deny, exceptions, unknown).";

/// The rules of this crate's findings (`LicenseReport::findings`).
pub const RULES: &[polyver_model::Rule] = &[
    polyver_model::Rule {
        id: "license/denied",
        kind: polyver_model::FindingKind::License,
        title: "A package's licence is denied by the licence policy",
        help: POLICY_HELP,
        severity: None,
    },
    polyver_model::Rule {
        id: "license/unknown",
        kind: polyver_model::FindingKind::License,
        title: "A package's licence could not be determined",
        help: POLICY_HELP,
        severity: None,
    },
    polyver_model::Rule {
        id: "license/incompatible",
        kind: polyver_model::FindingKind::License,
        title: "A dependency's licence conflicts with the repository's own licence",
        help: POLICY_HELP,
        severity: None,
    },
];
