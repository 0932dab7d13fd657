//! Both report formats, validated against the official JSON schemas (vendored in
//! `tests/schemas/`, see its README), checked for the invariants the schemas cannot
//! express (unique ids, resolvable references), and snapshotted for review.

use jsonschema::{Draft, Resource, Validator};
use polyver_model::{
    Component, Constraint, DependencyEdge, Ecosystem, Inventory, Kind, Location, ScanStats, Scope,
};
use polyver_report::{cyclonedx, spdx, BomMeta, SpdxMeta};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const TIMESTAMP: &str = "2024-05-01T12:00:00Z";
const TOOL_VERSION: &str = "0.1.0";

fn bom_meta() -> BomMeta {
    BomMeta::new(TIMESTAMP, TOOL_VERSION)
}

fn spdx_meta() -> SpdxMeta {
    SpdxMeta::new(TIMESTAMP, TOOL_VERSION)
}

fn schema(text: &str) -> Value {
    serde_json::from_str(text).expect("vendored schema is JSON")
}

/// CycloneDX 1.6, with the two schemas it references registered under the URIs its
/// relative `$ref`s resolve to, so validation never touches the network.
fn cyclonedx_validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let resource = |text| Resource::from_contents(schema(text)).expect("resource");
        jsonschema::options()
            .with_draft(Draft::Draft7)
            .should_validate_formats(true)
            .with_resource(
                "http://cyclonedx.org/schema/spdx.schema.json",
                resource(include_str!("schemas/spdx.schema.json")),
            )
            .with_resource(
                "http://cyclonedx.org/schema/jsf-0.82.schema.json",
                resource(include_str!("schemas/jsf-0.82.schema.json")),
            )
            .build(&schema(include_str!("schemas/bom-1.6.schema.json")))
            .expect("CycloneDX 1.6 schema compiles offline")
    })
}

fn spdx_validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .with_draft(Draft::Draft7)
            .should_validate_formats(true)
            .build(&schema(include_str!("schemas/spdx-schema.json")))
            .expect("SPDX 2.3 schema compiles offline")
    })
}

fn assert_valid(validator: &Validator, document: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

fn empty_inventory() -> Inventory {
    Inventory::finish("/src/empty", vec![], vec![], ScanStats::default())
}

fn edge(name: &str, version: &str) -> DependencyEdge {
    DependencyEdge {
        name: name.to_string(),
        version: Some(version.to_string()),
    }
}

/// A repository with Python, npm (scoped, lock file with edges), Docker, GitHub Actions,
/// Maven, a runtime and a tool: every mapping branch the reports have.
fn realistic_inventory() -> Inventory {
    let at = Location::new;
    let requests_hashes =
        "sha256:5d3afea1ef9a9ce40e9a5ac897036cafb93b58cd14558e0183af57cfeedcd6fe \
         sha256:9F66F60B72FA17698C5F5F2511DB1C139EB9FBF3DC52BC60A1D6D79C0A56B038";
    let mut requests = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "requests",
        polyver_model::Format::Requirements,
        at("requirements.txt", 11),
    )
    .with_version("2.31.0")
    .with_constraint("==2.31.0");
    requests.constraint = Some(Constraint {
        raw: "==2.31.0".into(),
        valid: Some(true),
    });
    requests.integrity = Some(requests_hashes.into());
    let mut requests_again = requests.clone();
    requests_again.locations = vec![at("services/api/requirements.txt", 3)];
    // The same pin declared in pyproject: same purl, different extractor.
    let mut requests_pyproject = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "requests",
        polyver_model::Format::Pyproject,
        at("pyproject.toml", 8),
    )
    .with_version("2.31.0")
    .with_constraint("==2.31.0");
    requests_pyproject.extras = vec!["socks".into()];
    requests_pyproject.marker = Some("python_version >= \"3.8\"".into());

    let pytest = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "pytest",
        polyver_model::Format::Requirements,
        at("requirements-dev.txt", 1),
    )
    .with_constraint(">=8.0")
    .with_scope(Scope::Dev);

    let lock = "web/package-lock.json";
    let npm_lock = |name: &str, version: &str, line: u32| {
        Component::new(
            Kind::Package,
            Ecosystem::Npm,
            name,
            polyver_model::Format::PackageLock,
            at(lock, line),
        )
        .with_version(version)
    };
    let mut babel_core = npm_lock("@babel/core", "7.24.0", 20).with_scope(Scope::Dev);
    babel_core.integrity = Some(
        "sha512-tT/dgDPPl1tgBA9cPe9V21T2rBFilfq6gQehUD5S9+Dm/Tr1HeFZqMqBd9i518oaARiUJyU/Ua12qSEDIFeD9g=="
            .into(),
    );
    babel_core.dependencies = vec![edge("@babel/parser", "7.24.0"), edge("debug", "4.3.4")];
    let mut babel_parser = npm_lock("@babel/parser", "7.24.0", 40)
        .with_scope(Scope::Dev)
        .with_direct(false);
    babel_parser.integrity = Some(
        "sha512-b37YzOzBq7ezuQP3QalCayedr9He652L6Z3ZXz/3QTZy3FhdAmG0i3r6iG+4+hUC7G8r9TqoImyGNKwFqXnt/Q=="
            .into(),
    );
    let mut express = npm_lock("express", "4.18.2", 60);
    express.dependencies = vec![
        edge("debug", "4.3.4"),
        // Not in the inventory: the edge is dropped.
        edge("body-parser", "1.20.1"),
    ];
    let mut debug = npm_lock("debug", "4.3.4", 80).with_direct(false);
    debug.integrity = Some(
        "sha512-Il0FuRhRlFio/MHmSTpOhUwATadvYlC49SGX9HCU9x7phHJcMURqGWfw1V9Nx0eT3UTZMvK99Q131CiNZjvxqw=="
            .into(),
    );
    debug.dependencies = vec![edge("ms", "2.1.2")];
    let mut ms = npm_lock("ms", "2.1.2", 90).with_direct(false);
    // Truncated SRI value: not well-formed, so no hash is reported.
    ms.integrity = Some("sha512-Il0FuRhRlFio".into());
    let express_manifest = Component::new(
        Kind::Package,
        Ecosystem::Npm,
        "express",
        polyver_model::Format::PackageJson,
        at("web/package.json", 12).with_column(5),
    )
    .with_constraint("^4.18.0");
    let mut local_lib = Component::new(
        Kind::Package,
        Ecosystem::Npm,
        "@acme/ui",
        polyver_model::Format::PackageJson,
        at("web/package.json", 13),
    )
    .with_constraint("workspace:*")
    .with_scope(Scope::Peer);
    local_lib.url = Some("workspace:*".into());
    let mut git_dep = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "internal-sdk",
        polyver_model::Format::Requirements,
        at("requirements.txt", 12),
    )
    .with_scope(Scope::Optional);
    git_dep.url = Some("git+https://git.example.com/acme/internal-sdk.git@v1.2.0".into());

    let mut python_image = Component::new(
        Kind::Image,
        Ecosystem::Docker,
        "python",
        polyver_model::Format::Dockerfile,
        at("Dockerfile", 1),
    )
    .with_version("3.12-slim")
    .with_scope(Scope::Build);
    python_image.integrity =
        Some("sha256:44635675f9de78760b96f1ff2db3a14c33680cf792e5c86e5821b23531669e34".into());
    let uv_image = Component::new(
        Kind::Image,
        Ecosystem::Docker,
        "ghcr.io/astral-sh/uv",
        polyver_model::Format::Dockerfile,
        at("Dockerfile", 2),
    )
    .with_version("0.4.0")
    .with_scope(Scope::Build);
    let checkout = Component::new(
        Kind::Action,
        Ecosystem::GithubActions,
        "actions/checkout",
        polyver_model::Format::GithubActions,
        at(".github/workflows/ci.yml", 14),
    )
    .with_version("v4")
    .with_scope(Scope::Build);
    let guava = Component::new(
        Kind::Package,
        Ecosystem::Maven,
        "com.google.guava:guava",
        polyver_model::Format::Pom,
        at("pom.xml", 30),
    )
    .with_version("33.0.0-jre")
    .with_scope(Scope::Test);
    let python = Component::new(
        Kind::Runtime,
        Ecosystem::Generic,
        "python",
        polyver_model::Format::VersionFile,
        at(".python-version", 1),
    )
    .with_version("3.11.6");
    let mut pnpm = Component::new(
        Kind::Tool,
        Ecosystem::Generic,
        "pnpm",
        polyver_model::Format::PackageJson,
        at("web/package.json", 3),
    )
    .with_version("9.1.0")
    .with_scope(Scope::Dev);
    // corepack's `packageManager` hash: `alg.hex`, not a format the reports accept.
    pnpm.integrity = Some("sha512.abcdef".into());

    Inventory::finish(
        "/src/acme",
        vec![
            requests,
            requests_again,
            requests_pyproject,
            pytest,
            babel_core,
            babel_parser,
            express,
            debug,
            ms,
            express_manifest,
            local_lib,
            git_dep,
            python_image,
            uv_image,
            checkout,
            guava,
            python,
            pnpm,
        ],
        vec![],
        ScanStats::default(),
    )
}

fn strings<'a>(values: impl IntoIterator<Item = &'a Value>, key: &str) -> Vec<String> {
    values
        .into_iter()
        .map(|v| v[key].as_str().expect(key).to_string())
        .collect()
}

fn array<'a>(document: &'a Value, key: &str) -> &'a Vec<Value> {
    document[key].as_array().expect(key)
}

fn component_named<'a>(bom: &'a Value, name: &str, group: Option<&str>) -> Vec<&'a Value> {
    array(bom, "components")
        .iter()
        .filter(|c| c["name"] == name && c["group"].as_str() == group)
        .collect()
}

#[test]
fn cyclonedx_empty_inventory_is_valid() {
    let bom = cyclonedx(&empty_inventory(), &bom_meta());
    assert_valid(cyclonedx_validator(), &bom);
    assert_eq!(bom["components"], serde_json::json!([]));
    assert_eq!(bom["metadata"]["component"]["name"], "empty");
}

#[test]
fn cyclonedx_realistic_inventory_is_valid() {
    assert_valid(
        cyclonedx_validator(),
        &cyclonedx(&realistic_inventory(), &bom_meta()),
    );
}

#[test]
fn spdx_empty_inventory_is_valid() {
    let doc = spdx(&empty_inventory(), &spdx_meta());
    assert_valid(spdx_validator(), &doc);
    assert_eq!(array(&doc, "packages").len(), 1);
}

#[test]
fn spdx_realistic_inventory_is_valid() {
    assert_valid(
        spdx_validator(),
        &spdx(&realistic_inventory(), &spdx_meta()),
    );
}

/// Guards the guard: a validator that accepted anything (an unresolved `$ref`, a wrong
/// draft) would make the tests above pass vacuously.
#[test]
fn validators_reject_broken_documents() {
    let mut bom = cyclonedx(&realistic_inventory(), &bom_meta());
    bom["components"][0]["scope"] = "dev".into();
    assert!(!cyclonedx_validator().is_valid(&bom));
    let mut bom = cyclonedx(&empty_inventory(), &bom_meta());
    bom["metadata"]["timestamp"] = "yesterday".into();
    assert!(!cyclonedx_validator().is_valid(&bom));
    // The referenced SPDX licence-id schema is really in use.
    let mut bom = cyclonedx(&realistic_inventory(), &bom_meta());
    bom["components"][0]["licenses"] =
        serde_json::json!([{ "license": { "id": "Not-A-Licence" } }]);
    assert!(!cyclonedx_validator().is_valid(&bom));

    let mut doc = spdx(&realistic_inventory(), &spdx_meta());
    doc["relationships"][0]["relationshipType"] = "IS_FRIENDS_WITH".into();
    assert!(!spdx_validator().is_valid(&doc));
    let mut doc = spdx(&empty_inventory(), &spdx_meta());
    doc.as_object_mut().unwrap().remove("creationInfo");
    assert!(!spdx_validator().is_valid(&doc));
}

#[test]
fn cyclonedx_references_are_unique_and_resolve() {
    let bom = cyclonedx(&realistic_inventory(), &bom_meta());
    let refs = strings(array(&bom, "components"), "bom-ref");
    let unique: BTreeSet<&String> = refs.iter().collect();
    assert_eq!(unique.len(), refs.len(), "{refs:?}");
    let root = bom["metadata"]["component"]["bom-ref"].as_str().unwrap();
    for dependency in array(&bom, "dependencies") {
        let from = dependency["ref"].as_str().unwrap();
        assert!(from == root || unique.contains(&from.to_string()), "{from}");
        for to in dependency["dependsOn"].as_array().unwrap() {
            assert!(unique.contains(&to.as_str().unwrap().to_string()), "{to}");
        }
    }
    // The same purl from two extractors: one component, referenced by its purl.
    assert!(refs.contains(&"pkg:pypi/requests@2.31.0".to_string()));
    assert!(!refs
        .iter()
        .any(|r| r.starts_with("pkg:pypi/requests@2.31.0#")));
}

#[test]
fn cyclonedx_maps_fields() {
    let bom = cyclonedx(&realistic_inventory(), &bom_meta());
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["version"], 1);
    assert_eq!(bom["metadata"]["timestamp"], TIMESTAMP);
    assert_eq!(bom["metadata"]["tools"]["components"][0]["name"], "polyver");
    assert_eq!(
        bom["metadata"]["tools"]["components"][0]["version"],
        TOOL_VERSION
    );
    assert_eq!(bom["metadata"]["component"]["type"], "application");

    let core = component_named(&bom, "core", Some("@babel"))[0];
    assert_eq!(core["scope"], "excluded");
    assert_eq!(core["hashes"][0]["alg"], "SHA-512");
    assert_eq!(core["purl"], "pkg:npm/%40babel/core@7.24.0");
    assert_eq!(
        core["evidence"]["occurrences"][0]["location"],
        "web/package-lock.json"
    );
    assert_eq!(core["evidence"]["occurrences"][0]["line"], 20);

    let guava = component_named(&bom, "guava", Some("com.google.guava"))[0];
    assert_eq!(guava["scope"], "excluded");

    // requirements.txt (two files) and pyproject.toml declare one purl: one component with
    // every occurrence, the source and constraint of the first in inventory order (sorted by
    // path: pyproject.toml), the extras of all, `direct` and the most required scope of any.
    let requests = component_named(&bom, "requests", None);
    assert_eq!(requests.len(), 1, "{requests:?}");
    let from_requirements = requests[0];
    assert_eq!(from_requirements["bom-ref"], "pkg:pypi/requests@2.31.0");
    assert_eq!(from_requirements["scope"], "required");
    assert_eq!(from_requirements["hashes"].as_array().unwrap().len(), 2);
    let occurrences: Vec<&str> = from_requirements["evidence"]["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["location"].as_str().unwrap())
        .collect();
    assert_eq!(occurrences.len(), 3, "{occurrences:?}");
    assert!(occurrences.contains(&"pyproject.toml"));
    let props: Vec<(String, String)> = from_requirements["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                strings([p], "name")[0].clone(),
                strings([p], "value")[0].clone(),
            )
        })
        .collect();
    for expected in [
        ("polyver:constraint", "==2.31.0"),
        ("polyver:direct", "true"),
        ("polyver:source", "pyproject"),
        ("polyver:extras", "socks"),
    ] {
        assert!(
            props.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?}"
        );
    }

    let types = |name: &str| component_named(&bom, name, None)[0]["type"].clone();
    assert_eq!(types("ghcr.io/astral-sh/uv"), "container");
    assert_eq!(types("actions/checkout"), "application");
    assert_eq!(types("pnpm"), "application");
    let python_runtime = component_named(&bom, "python", None)
        .into_iter()
        .find(|c| c["purl"] == "pkg:generic/python@3.11.6")
        .unwrap();
    assert_eq!(python_runtime["type"], "platform");

    // Malformed integrity values give no hashes.
    assert!(component_named(&bom, "ms", None)[0].get("hashes").is_none());
    assert!(component_named(&bom, "pnpm", None)[0]
        .get("hashes")
        .is_none());
}

#[test]
fn cyclonedx_dependencies_follow_edges_and_direct_components() {
    let bom = cyclonedx(&realistic_inventory(), &bom_meta());
    let depends_on = |reference: &str| -> Vec<String> {
        let entry = array(&bom, "dependencies")
            .iter()
            .find(|d| d["ref"] == reference)
            .unwrap_or_else(|| panic!("no dependency entry for {reference}"));
        entry["dependsOn"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        depends_on("pkg:npm/%40babel/core@7.24.0"),
        ["pkg:npm/%40babel/parser@7.24.0", "pkg:npm/debug@4.3.4"]
    );
    assert_eq!(
        depends_on("pkg:npm/express@4.18.2"),
        ["pkg:npm/debug@4.3.4"]
    );
    assert_eq!(depends_on("pkg:npm/debug@4.3.4"), ["pkg:npm/ms@2.1.2"]);

    let root = depends_on("polyver-root");
    assert!(root.contains(&"pkg:npm/express@4.18.2".to_string()));
    assert!(
        !root.contains(&"pkg:npm/debug@4.3.4".to_string()),
        "transitive"
    );
    let direct = array(&bom, "components")
        .iter()
        .filter(|c| {
            c["properties"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "polyver:direct" && p["value"] == "true")
        })
        .count();
    assert_eq!(root.len(), direct);
}

#[test]
fn spdx_ids_are_valid_unique_and_resolve() {
    let doc = spdx(&realistic_inventory(), &spdx_meta());
    let ids = strings(array(&doc, "packages"), "SPDXID");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for id in &ids {
        let idstring = id.strip_prefix("SPDXRef-").expect(id);
        assert!(
            !idstring.is_empty()
                && idstring
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
            "{id}"
        );
    }
    for relationship in array(&doc, "relationships") {
        for key in ["spdxElementId", "relatedSpdxElement"] {
            let id = relationship[key].as_str().unwrap().to_string();
            assert!(id == "SPDXRef-DOCUMENT" || unique.contains(&id), "{id}");
        }
    }
}

#[test]
fn spdx_maps_fields_and_relationships() {
    let doc = spdx(&realistic_inventory(), &spdx_meta());
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["dataLicense"], "CC0-1.0");
    assert_eq!(doc["SPDXID"], "SPDXRef-DOCUMENT");
    assert_eq!(doc["creationInfo"]["created"], TIMESTAMP);
    assert_eq!(doc["creationInfo"]["creators"][0], "Tool: polyver-0.1.0");
    let namespace = doc["documentNamespace"].as_str().unwrap();
    assert!(namespace.starts_with("https://spdx.org/spdxdocs/polyver/acme-"));

    let package = |id: &str| {
        array(&doc, "packages")
            .iter()
            .find(|p| p["SPDXID"] == id)
            .unwrap_or_else(|| panic!("no package {id}"))
            .clone()
    };
    let core = package("SPDXRef-Package-npm--babel-core-7.24.0");
    assert_eq!(core["versionInfo"], "7.24.0");
    assert_eq!(core["filesAnalyzed"], false);
    assert_eq!(core["licenseConcluded"], "NOASSERTION");
    assert_eq!(core["licenseDeclared"], "NOASSERTION");
    assert_eq!(core["downloadLocation"], "NOASSERTION");
    assert_eq!(core["checksums"][0]["algorithm"], "SHA512");
    assert_eq!(
        core["externalRefs"][0]["referenceCategory"],
        "PACKAGE-MANAGER"
    );
    assert_eq!(core["externalRefs"][0]["referenceType"], "purl");
    assert_eq!(
        core["externalRefs"][0]["referenceLocator"],
        "pkg:npm/%40babel/core@7.24.0"
    );
    let git = package("SPDXRef-Package-pypi-internal-sdk-unversioned");
    assert_eq!(
        git["downloadLocation"],
        "git+https://git.example.com/acme/internal-sdk.git@v1.2.0"
    );
    assert_eq!(
        package("SPDXRef-Package-npm--acme-ui-unversioned")["downloadLocation"],
        "NOASSERTION"
    );

    let relationships: Vec<(String, String, String)> = array(&doc, "relationships")
        .iter()
        .map(|r| {
            (
                r["spdxElementId"].as_str().unwrap().to_string(),
                r["relationshipType"].as_str().unwrap().to_string(),
                r["relatedSpdxElement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |from: &str, ty: &str, to: &str| {
        relationships.contains(&(from.to_string(), ty.to_string(), to.to_string()))
    };
    assert!(has("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Repository"));
    assert!(has(
        "SPDXRef-Repository",
        "DEPENDS_ON",
        "SPDXRef-Package-npm-express-4.18.2"
    ));
    assert!(has(
        "SPDXRef-Package-npm--babel-core-7.24.0",
        "DEV_DEPENDENCY_OF",
        "SPDXRef-Repository"
    ));
    assert!(has(
        "SPDXRef-Package-npm--babel-core-7.24.0",
        "DEPENDS_ON",
        "SPDXRef-Package-npm--babel-parser-7.24.0"
    ));
    assert!(has(
        "SPDXRef-Package-maven-com.google.guava-guava-33.0.0-jre",
        "TEST_DEPENDENCY_OF",
        "SPDXRef-Repository"
    ));
    // Transitive components hang off their parents only.
    assert!(has(
        "SPDXRef-Package-npm-express-4.18.2",
        "DEPENDS_ON",
        "SPDXRef-Package-npm-debug-4.3.4"
    ));
    assert!(!relationships
        .iter()
        .any(|(from, _, to)| (from == "SPDXRef-Repository"
            && to == "SPDXRef-Package-npm-debug-4.3.4")
            || (to == "SPDXRef-Repository" && from == "SPDXRef-Package-npm-debug-4.3.4")));
}

#[test]
fn output_is_deterministic_and_identifies_the_content() {
    let a = realistic_inventory();
    assert_eq!(cyclonedx(&a, &bom_meta()), cyclonedx(&a, &bom_meta()));
    assert_eq!(spdx(&a, &spdx_meta()), spdx(&a, &spdx_meta()));

    let mut b = a.clone();
    b.components[0].version = Some("9.9.9".into());
    assert_ne!(
        cyclonedx(&a, &bom_meta())["serialNumber"],
        cyclonedx(&b, &bom_meta())["serialNumber"]
    );
    assert_ne!(
        spdx(&a, &spdx_meta())["documentNamespace"],
        spdx(&b, &spdx_meta())["documentNamespace"]
    );
    // Statistics and diagnostics do not change what the document describes.
    let mut c = a.clone();
    c.stats.files_walked += 1;
    assert_eq!(
        cyclonedx(&a, &bom_meta())["serialNumber"],
        cyclonedx(&c, &bom_meta())["serialNumber"]
    );
}

#[test]
fn cyclonedx_snapshot() {
    insta::assert_json_snapshot!(cyclonedx(&realistic_inventory(), &bom_meta()));
}

#[test]
fn spdx_snapshot() {
    insta::assert_json_snapshot!(spdx(&realistic_inventory(), &spdx_meta()));
}

/// Declared licences land in both formats and keep them schema-valid; a `LicenseRef-` stays
/// out of SPDX (it would need an extracted-licence entry) and in CycloneDX.
#[test]
fn declared_licences_are_written_and_valid() {
    let inventory = realistic_inventory();
    let mut licenses = polyver_report::DeclaredLicenses {
        root: Some("MIT".to_string()),
        ..Default::default()
    };
    let purls: Vec<String> = inventory
        .components
        .iter()
        .map(|c| c.purl.clone())
        .collect();
    licenses
        .components
        .insert(purls[0].clone(), "Apache-2.0 OR MIT".to_string());
    licenses
        .components
        .insert(purls[1].clone(), "LicenseRef-UNLICENSED".to_string());
    let mut meta = bom_meta();
    meta.licenses = licenses.clone();
    let bom = cyclonedx(&inventory, &meta);
    assert_valid(cyclonedx_validator(), &bom);
    assert_eq!(
        bom["metadata"]["component"]["licenses"],
        serde_json::json!([{ "expression": "MIT", "acknowledgement": "declared" }])
    );
    let first = array(&bom, "components")
        .iter()
        .find(|c| c["purl"] == purls[0].as_str())
        .unwrap();
    assert_eq!(first["licenses"][0]["expression"], "Apache-2.0 OR MIT");
    let unlicensed = array(&bom, "components")
        .iter()
        .filter(|c| c["licenses"].is_array())
        .count();
    assert!(unlicensed >= 2);

    let mut meta = spdx_meta();
    meta.licenses = licenses;
    let doc = spdx(&inventory, &meta);
    assert_valid(spdx_validator(), &doc);
    let packages = array(&doc, "packages");
    assert_eq!(packages[0]["licenseDeclared"], "MIT");
    let declared: Vec<&str> = packages
        .iter()
        .filter_map(|p| p["licenseDeclared"].as_str())
        .collect();
    assert!(declared.contains(&"Apache-2.0 OR MIT"));
    assert!(!declared.iter().any(|d| d.contains("LicenseRef")));
    assert!(packages
        .iter()
        .all(|p| p["licenseConcluded"] == "NOASSERTION"));
}

#[test]
fn sboms_leave_out_migrations_unless_asked_and_mark_unversioned_components() {
    let at = Location::new;
    let migration = Component::new(
        Kind::Migration,
        Ecosystem::Generic,
        "alembic:3f2a",
        polyver_model::Format::Migrations,
        at("alembic/versions/3f2a_add_users.py", 1),
    )
    .with_version("3f2a");
    let ranged = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "flask",
        polyver_model::Format::Requirements,
        at("requirements.in", 2),
    )
    .with_constraint(">=2.0");
    let inventory = Inventory::finish(
        "/src/app",
        vec![migration, ranged],
        vec![],
        ScanStats::default(),
    );

    let bom = cyclonedx(&inventory, &bom_meta());
    let names = strings(array(&bom, "components"), "name");
    assert_eq!(names, vec!["flask".to_string()]);
    let flask = component_named(&bom, "flask", None)[0];
    assert!(flask.get("version").is_none());
    assert!(flask["properties"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "polyver:unversioned" && p["value"] == "true"));
    assert_valid(cyclonedx_validator(), &bom);

    let mut meta = bom_meta();
    meta.include_migrations = true;
    let with = cyclonedx(&inventory, &meta);
    assert_eq!(array(&with, "components").len(), 2);
    assert_valid(cyclonedx_validator(), &with);

    let doc = spdx(&inventory, &spdx_meta());
    let packages = array(&doc, "packages");
    assert_eq!(packages.len(), 2, "root and flask only");
    assert!(packages[1]["comment"]
        .as_str()
        .unwrap()
        .contains("polyver:unversioned=true"));
    let mut meta = spdx_meta();
    meta.include_migrations = true;
    assert_eq!(array(&spdx(&inventory, &meta), "packages").len(), 3);
}
