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
