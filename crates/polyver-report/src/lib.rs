//! Software bills of materials from a polyver inventory: CycloneDX 1.6 and SPDX 2.3 JSON.
//!
//! Every other output is here too: [`render`] holds each command's tables and Markdown,
//! written with the one [`table`] writer for a [`term::Term`] (colour and width decided
//! once), Markdown cells through [`markdown::cell`], findings as SARIF in [`sarif`].
//!
//! A scan's own JSON (`polyver.scan/v1`) is the richest form of an inventory, but supply
//! chain tooling (Dependency-Track, GUAC, vulnerability scanners, procurement checks)
//! speaks the two standard SBOM formats. This crate renders an
//! [`Inventory`](polyver_model::Inventory) into both without adding facts the scan does
//! not have: no licences but those handed in through [`DeclaredLicenses`], no hashes that are not well-formed, no dependency edges
//! polyver did not see.
//!
//! ```
//! use polyver_model::{Inventory, ScanStats};
//! use polyver_report::{cyclonedx, spdx, BomMeta, SpdxMeta};
//!
//! let inventory = Inventory::finish("/src/acme", vec![], vec![], ScanStats::default());
//! let bom = cyclonedx(&inventory, &BomMeta::new("2024-05-01T12:00:00Z", "0.1.0"));
//! assert_eq!(bom["specVersion"], "1.6");
//! let doc = spdx(&inventory, &SpdxMeta::new("2024-05-01T12:00:00Z", "0.1.0"));
//! assert_eq!(doc["spdxVersion"], "SPDX-2.3");
//! ```
//!
//! # Determinism
//!
//! The same inventory and metadata always give the same bytes. Nothing here reads the
//! clock or a random source: the creation time comes in through [`BomMeta`] /
//! [`SpdxMeta`], and the CycloneDX serial number and SPDX document namespace are
//! name-based (version 5) UUIDs of the inventory's root and components. Components keep
//! the inventory's (already deterministic) order; dependency lists are sorted.
//!
//! # Adding a format
//!
//! One module with one `pub fn(&Inventory, &Meta) -> serde_json::Value`, re-exported
//! here. The pieces both formats share live in private modules beside them: integrity
//! (hash) parsing and unique identifier assignment. Dependency edges are not resolved here:
//! both formats take them from the project model (`polyver_model::project::Project`), the
//! same resolution `polyver graph` draws, so an SBOM and the graph cannot disagree.

pub mod chart;
pub mod cyclonedx;
pub mod diagnostic;
mod identity;
mod integrity;
pub mod markdown;
pub mod render;
pub mod sarif;
mod sbom_view;
pub mod spdx;
pub mod table;
pub mod term;

pub use cyclonedx::cyclonedx;
pub use spdx::spdx;

/// Licences to write into an SBOM: SPDX expressions as resolved by `polyver-license`
/// (declared licences, not conclusions). Components absent from the map keep the formats'
/// "unknown" (`NOASSERTION` in SPDX, no `licenses` in CycloneDX).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeclaredLicenses {
    /// The scanned repository's own licence.
    pub root: Option<String>,
    /// By component purl.
    pub components: std::collections::BTreeMap<String, String>,
}

impl DeclaredLicenses {
    fn of(&self, c: &polyver_model::Component) -> Option<&str> {
        self.components.get(&c.purl).map(String::as_str)
    }
}

/// The tool name written into both formats' creator/tool fields.
const TOOL_NAME: &str = "polyver";

/// What a CycloneDX document needs besides the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BomMeta {
    /// `metadata.timestamp`: when the BOM was made, RFC 3339 / ISO 8601 date-time
    /// (`2024-05-01T12:00:00Z`). Supplied by the caller so that the library never reads
    /// the clock.
    pub timestamp: String,
    /// polyver's version, recorded in `metadata.tools.components`.
    pub tool_version: String,
    /// Licences of the root and components (`licenses` with `acknowledgement: declared`).
    pub licenses: DeclaredLicenses,
    /// List schema migration revisions too (as `data` components); off by default, an
    /// SBOM lists software.
    pub include_migrations: bool,
}

impl BomMeta {
    pub fn new(timestamp: impl Into<String>, tool_version: impl Into<String>) -> Self {
        BomMeta {
            timestamp: timestamp.into(),
            tool_version: tool_version.into(),
            licenses: DeclaredLicenses::default(),
            include_migrations: false,
        }
    }
}

/// What an SPDX document needs besides the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpdxMeta {
    /// `creationInfo.created`: UTC date-time, `YYYY-MM-DDThh:mm:ssZ`. Supplied by the
    /// caller so that the library never reads the clock.
    pub created: String,
    /// polyver's version, recorded as the creator `Tool: polyver-<version>`.
    pub tool_version: String,
    /// The URI prefix of `documentNamespace`; the document name and a content UUID are
    /// appended (`<base>/<name>-<uuid>`). Defaults to [`SpdxMeta::DEFAULT_NAMESPACE_BASE`].
    pub namespace_base: String,
    /// Licences of the root and packages (`licenseDeclared`).
    pub licenses: DeclaredLicenses,
    /// List schema migration revisions too (purpose `OTHER`); off by default.
    pub include_migrations: bool,
}

impl SpdxMeta {
    /// The namespace prefix used unless the caller owns a better one. SPDX only asks for a
    /// unique URI; it is never dereferenced.
    pub const DEFAULT_NAMESPACE_BASE: &'static str = "https://spdx.org/spdxdocs/polyver";

    pub fn new(created: impl Into<String>, tool_version: impl Into<String>) -> Self {
        SpdxMeta {
            created: created.into(),
            tool_version: tool_version.into(),
            namespace_base: Self::DEFAULT_NAMESPACE_BASE.to_string(),
            licenses: DeclaredLicenses::default(),
            include_migrations: false,
        }
    }
}
