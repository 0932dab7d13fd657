//! CycloneDX 1.6 JSON (<https://cyclonedx.org/docs/1.6/json/>).
//!
//! Mapping decisions, so that consumers know what each field means:
//!
//! | polyver | CycloneDX |
//! |---|---|
//! | kind `package`, `provider`, `module` | component type `library` (code or plugins the project pulls in) |
//! | kind `image` | `container` |
//! | kind `runtime` | `platform` (the spec's "runtime environment which interprets or executes software") |
//! | kind `tool`, `action` | `application` (programs run by the build or CI, not linked into it) |
//! | kind `migration`, `api` | `data` (versioned descriptions, not executable software) |
//! | scope `runtime`, `peer` | `required` (a peer dependency is installed by the host, but needed) |
//! | scope `optional` | `optional` |
//! | scope `dev`, `test`, `build` | `excluded` (not reachable at runtime) |
//! | npm `@scope/name` | `group` `@scope`, `name` `name` |
//! | Maven `groupId:artifactId` | `group` `groupId`, `name` `artifactId` |
//! | `integrity` | `hashes`, only well-formed SHA-1/256/384/512 values |
//! | `locations` | `evidence.occurrences` (`location` = path, `line`) |
//! | licence (from [`crate::DeclaredLicenses`]) | `licenses: [{expression, acknowledgement: declared}]` |
//! | everything else | `properties` named `polyver:*` |
//!
//! | no version known | no `version`, and property `polyver:unversioned` = `true` |
//!
//! One component per purl: declarations of one package in several files are merged (see
//! `sbom_view`), and schema migration revisions are left out unless
//! [`BomMeta::include_migrations`](crate::BomMeta) is set.
//!
//! The scanned root is `metadata.component` (type `application`) and depends on every
//! direct component. Components appear in inventory order (already deterministic); their
//! `bom-ref` is the purl, made more specific only when two components share one.
//! `dependencies` lists the root and each component with at least one resolved edge (lock
//! edges resolved inside their own lock file and migration chain edges, as the project model
//! resolves them for `polyver graph` too); a component absent from it has dependencies
//! polyver does not know (manifest entries), which the spec allows.

use crate::identity::{assign_unique, component_fingerprint, content_uuid, root_name};
use crate::integrity::digests;
use crate::sbom_view::sbom_view;
use crate::{BomMeta, TOOL_NAME};
use polyver_model::{Component, Ecosystem, Inventory, Kind, Scope};
use serde::Serialize;

const SPEC_VERSION: &str = "1.6";
const SCHEMA_URL: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";
/// The root's `bom-ref`. Component references are purls (`pkg:...`), so it cannot clash.
const ROOT_REF: &str = "polyver-root";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata,
    components: Vec<BomComponent>,
    dependencies: Vec<Dependency>,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: String,
    lifecycles: Vec<Lifecycle>,
    tools: Tools,
    component: BomComponent,
}

#[derive(Serialize)]
struct Lifecycle {
    phase: &'static str,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<BomComponent>,
}

#[derive(Serialize)]
struct BomComponent {
    #[serde(rename = "type")]
    component_type: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Evidence>,
}

/// A declared licence as an SPDX expression (the `expression` form also takes single ids,
/// and does not depend on the schema's licence-id list being as new as polyver's).
#[derive(Serialize)]
struct LicenseChoice {
    expression: String,
    acknowledgement: &'static str,
}

fn licenses(expression: Option<&str>) -> Vec<LicenseChoice> {
    expression
        .map(|e| LicenseChoice {
            expression: e.to_string(),
            acknowledgement: "declared",
        })
        .into_iter()
        .collect()
}

#[derive(Serialize)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Evidence {
    occurrences: Vec<Occurrence>,
}

#[derive(Serialize)]
struct Occurrence {
    location: String,
    line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

/// Renders `inventory` as a CycloneDX 1.6 JSON document. See the module docs for the
/// mapping; the output depends only on `inventory` and `meta`.
pub fn cyclonedx(inventory: &Inventory, meta: &BomMeta) -> serde_json::Value {
    // Serializing plain data into a `Value` cannot fail.
    serde_json::to_value(document(inventory, meta)).unwrap_or_default()
}

/// [`cyclonedx`] written to `out` as pretty JSON, without building a `serde_json::Value`
/// tree first (that tree was most of a large SBOM's peak memory).
pub fn write_cyclonedx(
    inventory: &Inventory,
    meta: &BomMeta,
    out: &mut dyn std::io::Write,
) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(out, &document(inventory, meta))
}

fn document(inventory: &Inventory, meta: &BomMeta) -> Bom {
    let view = sbom_view(inventory, meta.include_migrations);
    let components = &view.components;
    let refs = bom_refs(components);
    let edges = &view.edges;

    let root_depends_on = sorted_refs(
        components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.direct)
            .map(|(i, _)| &refs[i]),
    );
    let mut dependencies = vec![Dependency {
        reference: ROOT_REF.to_string(),
        depends_on: root_depends_on,
    }];
    for (i, targets) in edges.iter().enumerate() {
        if !targets.is_empty() {
            dependencies.push(Dependency {
                reference: refs[i].clone(),
                depends_on: sorted_refs(targets.iter().map(|&t| &refs[t])),
            });
        }
    }
    dependencies.sort_by(|a, b| a.reference.cmp(&b.reference));

    Bom {
        schema: SCHEMA_URL,
        bom_format: "CycloneDX",
        spec_version: SPEC_VERSION,
        serial_number: format!(
            "urn:uuid:{}",
            content_uuid("cyclonedx-1.6", inventory).hyphenated()
        ),
        version: 1,
        metadata: Metadata {
            timestamp: meta.timestamp.clone(),
            // Found in the source tree before any build ran.
            lifecycles: vec![Lifecycle { phase: "pre-build" }],
            tools: Tools {
                components: vec![BomComponent {
                    component_type: "application",
                    name: TOOL_NAME.to_string(),
                    version: Some(meta.tool_version.clone()),
                    ..BomComponent::bare()
                }],
            },
            component: BomComponent {
                component_type: "application",
                bom_ref: Some(ROOT_REF.to_string()),
                name: root_name(&inventory.root),
                licenses: licenses(meta.licenses.root.as_deref()),
                properties: vec![Property {
                    name: "polyver:root",
                    value: inventory.root.clone(),
                }],
                ..BomComponent::bare()
            },
        },
        components: components
            .iter()
            .zip(refs)
            .map(|(c, bom_ref)| component(c, bom_ref, licenses(meta.licenses.of(c))))
            .collect(),
        dependencies,
    }
}

impl BomComponent {
    fn bare() -> Self {
        BomComponent {
            component_type: "library",
            bom_ref: None,
            group: None,
            name: String::new(),
            version: None,
            scope: None,
            hashes: Vec::new(),
            licenses: Vec::new(),
            purl: None,
            properties: Vec::new(),
            evidence: None,
        }
    }
}

fn component(c: &Component, bom_ref: String, licenses: Vec<LicenseChoice>) -> BomComponent {
    let (group, name) = group_and_name(c);
    BomComponent {
        component_type: component_type(c.kind),
        bom_ref: Some(bom_ref),
        group,
        name,
        version: c.version.clone(),
        scope: Some(scope(c.scope)),
        hashes: digests(c.integrity.as_deref())
            .into_iter()
            .map(|d| Hash {
                alg: d.algorithm.cyclonedx_name(),
                content: d.hex,
            })
            .collect(),
        licenses,
        purl: Some(c.purl.clone()).filter(|p| !p.is_empty()),
        properties: properties(c),
        evidence: Some(Evidence {
            occurrences: c
                .locations
                .iter()
                .map(|l| Occurrence {
                    location: l.path.clone(),
                    line: l.line,
                })
                .collect(),
        })
        .filter(|e| !e.occurrences.is_empty()),
    }
}

fn component_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Package | Kind::Provider | Kind::Module => "library",
        Kind::Image => "container",
        Kind::Runtime => "platform",
        Kind::Tool | Kind::Action => "application",
        Kind::Migration | Kind::Api => "data",
    }
}

fn scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Runtime | Scope::Peer => "required",
        Scope::Optional => "optional",
        Scope::Dev | Scope::Test | Scope::Build => "excluded",
    }
}

/// Splits the namespace CycloneDX calls `group` off the name where the ecosystem has one.
fn group_and_name(c: &Component) -> (Option<String>, String) {
    let split = match c.ecosystem {
        Ecosystem::Npm => c
            .name
            .split_once('/')
            .filter(|(scope, _)| scope.starts_with('@')),
        Ecosystem::Maven => c.name.rsplit_once(':'),
        _ => None,
    };
    match split {
        Some((group, name)) if !group.is_empty() && !name.is_empty() => {
            (Some(group.to_string()), name.to_string())
        }
        _ => (None, c.name.clone()),
    }
}

/// polyver's own fields, named `polyver:<field>`, in a fixed order.
fn properties(c: &Component) -> Vec<Property> {
    let mut props = vec![
        Property {
            name: "polyver:kind",
            value: c.kind.id().to_string(),
        },
        Property {
            name: "polyver:ecosystem",
            value: c.ecosystem.id().to_string(),
        },
        Property {
            name: "polyver:scope",
            value: c.scope.id().to_string(),
        },
        Property {
            name: "polyver:direct",
            value: c.direct.to_string(),
        },
        Property {
            name: "polyver:source",
            value: c.source.id().to_string(),
        },
    ];
    if let Some(constraint) = &c.constraint {
        props.push(Property {
            name: "polyver:constraint",
            value: constraint.raw.clone(),
        });
        if let Some(valid) = constraint.valid {
            props.push(Property {
                name: "polyver:constraint-valid",
                value: valid.to_string(),
            });
        }
    }
    if let Some(marker) = &c.marker {
        props.push(Property {
            name: "polyver:marker",
            value: marker.clone(),
        });
    }
    if !c.extras.is_empty() {
        props.push(Property {
            name: "polyver:extras",
            value: c.extras.join(","),
        });
    }
    if let Some(url) = &c.url {
        props.push(Property {
            name: "polyver:url",
            value: url.clone(),
        });
    }
    if c.version.is_none() {
        // No version is known (a range, a floating tag, nothing written): say so, rather
        // than let a consumer read the missing field as "any version".
        props.push(Property {
            name: "polyver:unversioned",
            value: "true".to_string(),
        });
    }
    props
}

/// One `bom-ref` per component: the purl; if shared, the purl plus `#<source>`; if still
/// shared, plus a content fingerprint.
fn bom_refs(components: &[Component]) -> Vec<String> {
    let candidates: Vec<Vec<String>> = components
        .iter()
        .map(|c| {
            let base = if c.purl.is_empty() {
                format!("polyver:{}/{}", c.ecosystem.id(), c.name)
            } else {
                c.purl.clone()
            };
            let with_source = format!("{base}#{}", c.source);
            let with_fingerprint = format!("{with_source}-{}", component_fingerprint(c));
            vec![base, with_source, with_fingerprint]
        })
        .collect();
    assign_unique(&candidates)
}

fn sorted_refs<'a>(refs: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = refs.cloned().collect();
    out.sort();
    out.dedup();
    out
}
