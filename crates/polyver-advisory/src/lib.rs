//! The local OSV vulnerability database and the audit that matches an inventory against it.
//!
//! Why a crate of its own: the audit must work offline, in CI, in well under a second, on
//! databases of hundreds of thousands of advisories. So advisories are imported once (from a
//! folder of OSV JSON or OSV's per-ecosystem `all.zip` exports, see [`import`]) into one file
//! indexed by (OSV ecosystem, normalized package name) ([`db`]); an audit opens the index and
//! reads only the advisories of the packages the inventory has ([`matcher`]). Range
//! evaluation is `polyver_version::osv` (the schema's pseudocode, with each ecosystem's own
//! ordering); severity is CVSS v3.x/v4 scored with the `cvss` crate ([`severity`]).

pub mod db;
mod findings;
pub mod import;
pub mod matcher;
pub mod osv;
pub mod severity;
pub mod sync;

pub use db::{Database, DbError, EcosystemMeta};
pub use import::{ImportError, ImportLimits, Imported, Warning};
pub use matcher::{audit, AuditOptions, AuditReport, Ignore, VulnFinding};
pub use osv::{normalize_name, osv_ecosystem, Advisory};
