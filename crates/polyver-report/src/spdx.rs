//! SPDX 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>).
//!
//! Mapping decisions:
//!
//! - One package per purl (declarations of one package in several files are merged, see
//!   `sbom_view`; schema migration revisions only with `SpdxMeta::include_migrations`), plus `SPDXRef-Repository` for the scanned root
//!   (`primaryPackagePurpose` `SOURCE`: polyver reads a source tree). `DOCUMENT DESCRIBES`
//!   the root (the 2.3 replacement for the deprecated `documentDescribes`).
//! - Package ids are `SPDXRef-Package-<ecosystem>-<name>-<version>` with every character
//!   outside the spec's idstring set `[A-Za-z0-9.-]` replaced by `-`; when two components
//!   map to the same id, the extractor and then a content fingerprint are appended.
//! - The root's relationship to a direct component follows its scope, using the 2.3
//!   relationship types: `runtime` → `root DEPENDS_ON x`; `dev` → `x DEV_DEPENDENCY_OF
//!   root`; `test` → `TEST_DEPENDENCY_OF`; `build` → `BUILD_DEPENDENCY_OF`; `optional` →
//!   `OPTIONAL_DEPENDENCY_OF`; `peer` → `PROVIDED_DEPENDENCY_OF` (the host provides it).
//!   Lock-file and migration chain edges are `parent DEPENDS_ON child`, resolved by the
//!   project model as `polyver graph` resolves them.
//! - `downloadLocation` is the component's `url` when it is a fetchable URL (http(s),
//!   `git+…`), else `NOASSERTION`; `filesAnalyzed` is false (polyver reads manifests, not
//!   package contents); `checksums` come from well-formed integrity values; the purl is a
//!   `PACKAGE-MANAGER` external reference; locations go to `sourceInfo`. A package with no
//!   known version has no `versionInfo` and `polyver:unversioned=true` in its comment.
//! - Licences (`licenseConcluded`, `licenseDeclared`, `copyrightText`) are `NOASSERTION`
//!   until polyver resolves them; the private `PackageLicence` struct is the one place to
//!   fill them in.

use crate::identity::{assign_unique, component_fingerprint, content_uuid, root_name};
use crate::integrity::digests;
use crate::sbom_view::sbom_view;
use crate::{SpdxMeta, TOOL_NAME};
use polyver_model::{purl::encode_segment, Component, Inventory, Kind, Scope};
use serde::Serialize;

const NOASSERTION: &str = "NOASSERTION";
const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";
/// The root package. Component ids all start with `SPDXRef-Package-`, so it cannot clash.
const ROOT_ID: &str = "SPDXRef-Repository";

#[derive(Serialize)]
struct Document {
    #[serde(rename = "spdxVersion")]
    spdx_version: &'static str,
    #[serde(rename = "dataLicense")]
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    #[serde(rename = "documentNamespace")]
    document_namespace: String,
    #[serde(rename = "creationInfo")]
    creation_info: CreationInfo,
    packages: Vec<Package>,
    relationships: Vec<Relationship>,
}

#[derive(Serialize)]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    name: String,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<String>,
    download_location: String,
    files_analyzed: bool,
    #[serde(flatten)]
    licence: PackageLicence,
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_package_purpose: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

/// A package's licence fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PackageLicence {
    license_concluded: String,
    license_declared: String,
    copyright_text: String,
}

impl PackageLicence {
    fn declared(expression: Option<&str>) -> Self {
        let mut licence = Self::unknown();
        if let Some(e) = expression.filter(|e| !e.contains("LicenseRef-")) {
            licence.license_declared = e.to_string();
        }
        licence
    }

    fn unknown() -> Self {
        PackageLicence {
            license_concluded: NOASSERTION.to_string(),
            license_declared: NOASSERTION.to_string(),
            copyright_text: NOASSERTION.to_string(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: &'static str,
    checksum_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

/// Renders `inventory` as an SPDX 2.3 JSON document. See the module docs for the
/// mapping; the output depends only on `inventory` and `meta`.
pub fn spdx(inventory: &Inventory, meta: &SpdxMeta) -> serde_json::Value {
    // Serializing plain data into a `Value` cannot fail.
    serde_json::to_value(document(inventory, meta)).unwrap_or_default()
}

/// [`spdx`] written to `out` as pretty JSON, without building a `serde_json::Value` tree
/// first (that tree was most of a large SBOM's peak memory).
pub fn write_spdx(
    inventory: &Inventory,
    meta: &SpdxMeta,
    out: &mut dyn std::io::Write,
) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(out, &document(inventory, meta))
}

fn document(inventory: &Inventory, meta: &SpdxMeta) -> Document {
    let view = sbom_view(inventory, meta.include_migrations);
    let components = &view.components;
    let ids = package_ids(components);
    let name = root_name(&inventory.root);

    let mut packages = vec![Package {
        name: name.clone(),
        spdx_id: ROOT_ID.to_string(),
        version_info: None,
        download_location: NOASSERTION.to_string(),
        files_analyzed: false,
        licence: PackageLicence::declared(meta.licenses.root.as_deref()),
        primary_package_purpose: Some("SOURCE"),
        checksums: Vec::new(),
        external_refs: Vec::new(),
        source_info: None,
        comment: Some(format!("scanned root: {}", inventory.root)),
    }];
    packages.extend(
        components
            .iter()
            .zip(&ids)
            .map(|(c, id)| package(c, id, meta.licenses.of(c))),
    );

    let mut relationships = vec![relationship(DOCUMENT_ID, "DESCRIBES", ROOT_ID)];
    for (c, id) in components.iter().zip(&ids) {
        if c.direct {
            relationships.push(root_relationship(c.scope, id));
        }
    }
    let mut edges: Vec<Relationship> = view
        .edges
        .iter()
        .enumerate()
        .flat_map(|(parent, targets)| {
            let ids = &ids;
            targets
                .iter()
                .map(move |&child| relationship(&ids[parent], "DEPENDS_ON", &ids[child]))
        })
        .collect();
    edges.sort();
    edges.dedup();
    relationships.extend(edges);

    Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: DOCUMENT_ID,
        name: name.clone(),
        document_namespace: format!(
            "{}/{}-{}",
            meta.namespace_base.trim_end_matches('/'),
            encode_segment(&name),
            content_uuid("spdx-2.3", inventory).hyphenated()
        ),
        creation_info: CreationInfo {
            created: meta.created.clone(),
            creators: vec![format!("Tool: {TOOL_NAME}-{}", meta.tool_version)],
        },
        packages,
        relationships,
    }
}

fn package(c: &Component, id: &str, licence: Option<&str>) -> Package {
    let locations: Vec<String> = c.locations.iter().map(|l| l.to_string()).collect();
    let mut comment = vec![
        format!("polyver:kind={}", c.kind.id()),
        format!("polyver:scope={}", c.scope.id()),
        format!("polyver:direct={}", c.direct),
        format!("polyver:source={}", c.source),
    ];
    if let Some(constraint) = &c.constraint {
        comment.push(format!("polyver:constraint={}", constraint.raw));
    }
    if c.version.is_none() {
        comment.push("polyver:unversioned=true".to_string());
    }
    Package {
        name: c.name.clone(),
        spdx_id: id.to_string(),
        version_info: c.version.clone(),
        download_location: c
            .url
            .clone()
            .filter(|u| is_download_url(u))
            .unwrap_or_else(|| NOASSERTION.to_string()),
        files_analyzed: false,
        licence: PackageLicence::declared(licence),
        primary_package_purpose: Some(purpose(c.kind)),
        checksums: digests(c.integrity.as_deref())
            .into_iter()
            .map(|d| Checksum {
                algorithm: d.algorithm.spdx_name(),
                checksum_value: d.hex,
            })
            .collect(),
        external_refs: Some(c.purl.clone())
            .filter(|p| !p.is_empty())
            .map(|purl| ExternalRef {
                reference_category: "PACKAGE-MANAGER",
                reference_type: "purl",
                reference_locator: purl,
            })
            .into_iter()
            .collect(),
        source_info: (!locations.is_empty())
            .then(|| format!("found by polyver at {}", locations.join(", "))),
        comment: Some(comment.join("; ")),
    }
}

fn purpose(kind: Kind) -> &'static str {
    match kind {
        Kind::Package | Kind::Provider | Kind::Module => "LIBRARY",
        Kind::Image => "CONTAINER",
        Kind::Runtime | Kind::Tool | Kind::Action => "APPLICATION",
        Kind::Migration | Kind::Api => "OTHER",
    }
}

fn root_relationship(scope: Scope, id: &str) -> Relationship {
    let dependency_of = match scope {
        Scope::Runtime => return relationship(ROOT_ID, "DEPENDS_ON", id),
        Scope::Dev => "DEV_DEPENDENCY_OF",
        Scope::Test => "TEST_DEPENDENCY_OF",
        Scope::Build => "BUILD_DEPENDENCY_OF",
        Scope::Optional => "OPTIONAL_DEPENDENCY_OF",
        Scope::Peer => "PROVIDED_DEPENDENCY_OF",
    };
    relationship(id, dependency_of, ROOT_ID)
}

fn relationship(from: &str, relationship_type: &'static str, to: &str) -> Relationship {
    Relationship {
        spdx_element_id: from.to_string(),
        relationship_type,
        related_spdx_element: to.to_string(),
    }
}

/// Whether `url` is something SPDX's `downloadLocation` can name: a web URL or a VCS
/// location in the spec's `<vcs>+<transport>://` form. Paths and `workspace:` specs are not.
fn is_download_url(url: &str) -> bool {
    ["https://", "http://", "git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|prefix| url.starts_with(prefix))
}

/// Maps every character outside SPDX's idstring set `[A-Za-z0-9.-]` to `-`.
fn idstring(s: &str) -> String {
    s.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '.' || ch == '-' {
                ch
            } else {
                '-'
            }
        })
        .collect()
}

fn package_ids(components: &[Component]) -> Vec<String> {
    let candidates: Vec<Vec<String>> = components
        .iter()
        .map(|c| {
            let base = format!(
                "SPDXRef-Package-{}-{}-{}",
                c.ecosystem.id(),
                idstring(&c.name),
                idstring(c.version.as_deref().unwrap_or("unversioned"))
            );
            let with_source = format!("{base}-{}", idstring(c.source.id()));
            let with_fingerprint = format!("{with_source}-{}", component_fingerprint(c));
            vec![base, with_source, with_fingerprint]
        })
        .collect();
    assign_unique(&candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idstrings_use_the_spec_charset() {
        assert_eq!(idstring("@types/node"), "-types-node");
        assert_eq!(idstring("zope.interface_1+x"), "zope.interface-1-x");
    }
}
