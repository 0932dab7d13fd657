//! CycloneDX (1.2–1.6) and SPDX (2.2/2.3) JSON documents, read as an inventory, so that
//! `polyver audit bom.json` checks a bill of materials someone else produced (a vendor's,
//! a container image's from Syft or Trivy) the way OSV-Scanner and Trivy's `sbom` mode do.
//!
//! An SBOM is read only when it is named on the command line (`polyver scan FILE`): a tree
//! walk never claims one, since an SBOM committed to a repository usually describes something
//! else (a built image, a vendored product), and counting its packages as the repository's
//! would be wrong. So [`matches`](Extractor::matches) is false for every path and the walker
//! calls this extractor for a single named `.json` file no other format claims.
//!
//! What is read: every component's package URL (CycloneDX `components[].purl`, nested
//! `components` too; SPDX `packages[].externalRefs[]` of type `purl`) gives the ecosystem,
//! name and version; hashes become the integrity; declared licences are kept; the dependency
//! graph (CycloneDX `dependencies`, SPDX `DEPENDS_ON` and `*_DEPENDENCY_OF` relationships)
//! gives the edges and which components the described root depends on directly. CycloneDX
//! `scope: excluded` is a dev component. Package types polyver has no ecosystem for (`deb`,
//! `rpm`, `apk`, ...) are counted in one info diagnostic, not invented as components.

use crate::json::{Spanned, Value};
use crate::{Extracted, Extractor, NameHint, SourceFile};
use polyver_model::purl::PackageUrl;
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub struct SbomExtractor;

const ID: Format = Format::Sbom;

impl Extractor for SbomExtractor {
    fn format(&self) -> Format {
        ID
    }

    /// Never claimed in a walk (see the module docs).
    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::NONE)
    }

    fn matches(&self, _path: &Path) -> bool {
        false
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let doc = match crate::json::parse(file.text()) {
            Ok(doc) => doc,
            Err(e) => {
                out.diagnose(Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    file.line_col(e.offset).0,
                    format!("not valid JSON: {}", e.message),
                ));
                return out;
            }
        };
        let mut reader = Reader {
            file,
            out: &mut out,
            components: Vec::new(),
            refs: HashMap::new(),
            unknown_types: BTreeMap::new(),
        };
        if doc.get("bomFormat").and_then(|m| m.value.as_str()) == Some("CycloneDX") {
            reader.cyclonedx(&doc);
        } else if doc.get("spdxVersion").is_some() {
            reader.spdx(&doc);
        } else {
            reader.out.diagnose(Diagnostic::error(
                DiagnosticCode::Unsupported,
                file.path(),
                1,
                "not a CycloneDX or SPDX JSON document (no `bomFormat: CycloneDX` or \
                 `spdxVersion`); name a lock file, manifest or SBOM",
            ));
            return out;
        }
        reader.finish();
        out
    }
}

struct Reader<'a> {
    file: &'a SourceFile,
    out: &'a mut Extracted,
    components: Vec<Component>,
    /// bom-ref / SPDXID → index into `components`.
    refs: HashMap<String, usize>,
    unknown_types: BTreeMap<String, usize>,
}

fn str_of<'s>(node: &'s Spanned, key: &str) -> Option<&'s str> {
    node.get(key).and_then(|m| m.value.as_str())
}

fn array<'s>(node: &'s Spanned, key: &str) -> &'s [Spanned] {
    match node.get(key).map(|m| &m.value.value) {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// PEP 503 normalization: lowercase, runs of `-_.` become one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The ecosystem, name and kind a package URL stands for in polyver's model; `None` for a
/// type polyver has no ecosystem for.
fn identity(purl: &PackageUrl) -> Option<(Ecosystem, String, Kind)> {
    let path = |sep: &str| {
        let mut parts: Vec<&str> = purl.namespace.iter().map(String::as_str).collect();
        parts.push(&purl.name);
        parts.join(sep)
    };
    Some(match purl.ty.as_str() {
        "pypi" => (Ecosystem::Pypi, pep503(&purl.name), Kind::Package),
        "npm" => (Ecosystem::Npm, path("/"), Kind::Package),
        "cargo" => (Ecosystem::Cargo, purl.name.clone(), Kind::Package),
        "golang" => (Ecosystem::Go, path("/"), Kind::Package),
        "gem" => (Ecosystem::Rubygems, purl.name.clone(), Kind::Package),
        "nuget" => (Ecosystem::Nuget, purl.name.clone(), Kind::Package),
        "composer" => (
            Ecosystem::Composer,
            path("/").to_ascii_lowercase(),
            Kind::Package,
        ),
        "maven" => (
            Ecosystem::Maven,
            format!("{}:{}", purl.namespace.join("."), purl.name),
            Kind::Package,
        ),
        "docker" | "oci" => {
            let repository = purl.qualifier("repository_url");
            let name = match (purl.ty.as_str(), repository) {
                // OCI purls name the image by its full repository in `repository_url`.
                ("oci", Some(r)) => r.trim_start_matches("https://").to_string(),
                (_, Some(r)) => format!("{}/{}", r.trim_end_matches('/'), path("/")),
                // Docker Hub's official images: `library/postgres` is written `postgres`.
                (_, None) => path("/")
                    .strip_prefix("library/")
                    .map_or_else(|| path("/"), str::to_string),
            };
            (Ecosystem::Docker, name, Kind::Image)
        }
        "githubactions" | "github" => {
            let mut name = path("/");
            if let Some(sub) = &purl.subpath {
                name = format!("{name}/{sub}");
            }
            (Ecosystem::GithubActions, name, Kind::Action)
        }
        "helm" => (Ecosystem::Helm, purl.name.clone(), Kind::Package),
        "terraform" => (Ecosystem::Terraform, path("/"), Kind::Provider),
        _ => return None,
    })
}

impl Reader<'_> {
    fn cyclonedx(&mut self, doc: &Spanned) {
        self.cyclonedx_components(array(doc, "components"), 0);
        let root_ref = doc
            .get("metadata")
            .and_then(|m| m.value.get("component"))
            .and_then(|c| str_of(&c.value, "bom-ref"))
            .map(str::to_string);
        let mut edges: Vec<(String, Vec<String>)> = Vec::new();
        for dep in array(doc, "dependencies") {
            let Some(from) = str_of(dep, "ref") else {
                continue;
            };
            let to: Vec<String> = array(dep, "dependsOn")
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect();
            edges.push((from.to_string(), to));
        }
        self.apply_edges(root_ref.as_deref(), &edges);
    }

    fn cyclonedx_components(&mut self, items: &[Spanned], depth: usize) {
        for item in items {
            // A component with no purl (a file, an application) has no package identity.
            let Some(purl_text) = str_of(item, "purl") else {
                if depth < 16 {
                    self.cyclonedx_components(array(item, "components"), depth + 1);
                }
                continue;
            };
            let offset = item.get("purl").map_or(item.offset, |m| m.value.offset);
            let scope = match str_of(item, "scope") {
                Some("excluded") => Scope::Dev,
                Some("optional") => Scope::Optional,
                _ => Scope::Runtime,
            };
            let hashes: Vec<String> = array(item, "hashes")
                .iter()
                .filter_map(|h| {
                    let alg = str_of(h, "alg")?.to_ascii_lowercase().replace('-', "");
                    Some(format!(
                        "{alg}:{}",
                        str_of(h, "content")?.to_ascii_lowercase()
                    ))
                })
                .collect();
            let license = array(item, "licenses").iter().find_map(|l| {
                str_of(l, "expression").map(str::to_string).or_else(|| {
                    let lic = &l.get("license")?.value;
                    str_of(lic, "id").map(str::to_string)
                })
            });
            let fallback_version = str_of(item, "version");
            if let Some(index) =
                self.add(purl_text, offset, fallback_version, scope, hashes, license)
            {
                if let Some(r) = str_of(item, "bom-ref") {
                    self.refs.insert(r.to_string(), index);
                }
            }
            if depth < 16 {
                self.cyclonedx_components(array(item, "components"), depth + 1);
            }
        }
    }

    fn spdx(&mut self, doc: &Spanned) {
        for package in array(doc, "packages") {
            let purl = array(package, "externalRefs").iter().find_map(|r| {
                (str_of(r, "referenceType") == Some("purl"))
                    .then(|| {
                        let loc = r.get("referenceLocator")?;
                        Some((loc.value.as_str()?, loc.value.offset))
                    })
                    .flatten()
            });
            let Some((purl_text, offset)) = purl else {
                continue;
            };
            let hashes: Vec<String> = array(package, "checksums")
                .iter()
                .filter_map(|c| {
                    let alg = str_of(c, "algorithm")?
                        .to_ascii_lowercase()
                        .replace('-', "");
                    Some(format!(
                        "{alg}:{}",
                        str_of(c, "checksumValue")?.to_ascii_lowercase()
                    ))
                })
                .collect();
            let license = ["licenseDeclared", "licenseConcluded"]
                .iter()
                .find_map(|k| {
                    str_of(package, k)
                        .filter(|l| !matches!(*l, "NOASSERTION" | "NONE" | ""))
                        .map(str::to_string)
                });
            let version = str_of(package, "versionInfo");
            if let Some(index) =
                self.add(purl_text, offset, version, Scope::Runtime, hashes, license)
            {
                if let Some(id) = str_of(package, "SPDXID") {
                    self.refs.insert(id.to_string(), index);
                }
            }
        }
        // The described root: what DESCRIBES points at (or documentDescribes).
        let mut root = array(doc, "documentDescribes")
            .first()
            .and_then(Spanned::as_str)
            .map(str::to_string);
        let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for rel in array(doc, "relationships") {
            let (Some(a), Some(kind), Some(b)) = (
                str_of(rel, "spdxElementId"),
                str_of(rel, "relationshipType"),
                str_of(rel, "relatedSpdxElement"),
            ) else {
                continue;
            };
            match kind {
                "DESCRIBES" if root.is_none() => root = Some(b.to_string()),
                "DEPENDS_ON" => edges.entry(a.to_string()).or_default().push(b.to_string()),
                k if k.ends_with("_DEPENDENCY_OF") || k == "DEPENDENCY_OF" => {
                    edges.entry(b.to_string()).or_default().push(a.to_string());
                    if k == "DEV_DEPENDENCY_OF" || k == "TEST_DEPENDENCY_OF" {
                        if let Some(&i) = self.refs.get(a) {
                            self.components[i].scope = if k == "DEV_DEPENDENCY_OF" {
                                Scope::Dev
                            } else {
                                Scope::Test
                            };
                        }
                    }
                }
                _ => {}
            }
        }
        let edges: Vec<(String, Vec<String>)> = edges.into_iter().collect();
        self.apply_edges(root.as_deref(), &edges);
    }

    /// One component from a purl; its index, or `None` when the purl is unusable.
    fn add(
        &mut self,
        purl_text: &str,
        offset: usize,
        fallback_version: Option<&str>,
        scope: Scope,
        hashes: Vec<String>,
        license: Option<String>,
    ) -> Option<usize> {
        let line = self.file.line_col(offset).0;
        let Some(purl) = polyver_model::purl::parse(purl_text) else {
            self.out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                self.file.path(),
                line,
                format!(
                    "not a package URL: {}",
                    polyver_model::read::excerpt(purl_text)
                ),
            ));
            return None;
        };
        let Some((ecosystem, name, kind)) = identity(&purl) else {
            *self.unknown_types.entry(purl.ty.clone()).or_default() += 1;
            return None;
        };
        let mut integrity = hashes;
        let mut version = purl
            .version
            .clone()
            .or_else(|| fallback_version.map(str::to_string));
        // An image purl's version is its digest when it has one: that is integrity.
        if let Some(v) = version.as_deref().filter(|v| v.starts_with("sha256:")) {
            integrity.push(v.to_string());
            version = purl.qualifier("tag").map(str::to_string);
        }
        let mut c =
            Component::new(kind, ecosystem, name, ID, self.file.location(line)).with_scope(scope);
        c.version = version.filter(|v| !v.is_empty());
        c.integrity = (!integrity.is_empty()).then(|| integrity.join(" "));
        c.license = license;
        self.components.push(c);
        Some(self.components.len() - 1)
    }

    /// Edges between components by reference, and `direct` from the root's own edges (every
    /// component is direct when the document has no graph for its root).
    fn apply_edges(&mut self, root: Option<&str>, edges: &[(String, Vec<String>)]) {
        let root_edges = root.and_then(|r| edges.iter().find(|(from, _)| from == r));
        if let Some((_, direct)) = root_edges {
            for c in &mut self.components {
                c.direct = false;
            }
            for to in direct {
                if let Some(&i) = self.refs.get(to) {
                    self.components[i].direct = true;
                }
            }
        }
        for (from, to) in edges {
            let Some(&from) = self.refs.get(from) else {
                continue;
            };
            let mut deps: Vec<DependencyEdge> = to
                .iter()
                .filter_map(|t| self.refs.get(t))
                .filter(|&&t| t != from)
                .map(|&t| DependencyEdge {
                    name: self.components[t].name.clone(),
                    version: self.components[t].version.clone(),
                })
                .collect();
            deps.sort();
            deps.dedup();
            self.components[from].dependencies.extend(deps);
        }
    }

    fn finish(self) {
        if !self.unknown_types.is_empty() {
            let list: Vec<String> = self
                .unknown_types
                .iter()
                .map(|(ty, n)| format!("{ty}: {n}"))
                .collect();
            self.out.diagnose(Diagnostic::new(
                polyver_model::Severity::Info,
                DiagnosticCode::Unsupported,
                self.file.path(),
                1,
                format!(
                    "{} packages of types polyver has no ecosystem for were left out ({})",
                    self.unknown_types.values().sum::<usize>(),
                    list.join(", ")
                ),
            ));
        }
        self.out.components.extend(self.components);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Extracted {
        SbomExtractor.extract(&SourceFile::from_text("bom.json", text))
    }

    #[test]
    fn cyclonedx_components_graph_and_scopes() {
        let out = extract(
            r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6",
  "metadata": { "component": { "bom-ref": "app", "name": "app", "type": "application" } },
  "components": [
    { "bom-ref": "r", "type": "library", "name": "requests", "version": "2.19.0",
      "purl": "pkg:pypi/Requests@2.19.0",
      "hashes": [ { "alg": "SHA-256", "content": "AB12" } ],
      "licenses": [ { "license": { "id": "Apache-2.0" } } ] },
    { "bom-ref": "u", "type": "library", "name": "urllib3", "purl": "pkg:pypi/urllib3@1.23",
      "scope": "excluded" },
    { "bom-ref": "img", "type": "container", "name": "postgres",
      "purl": "pkg:docker/library/postgres@sha256%3Aabc?tag=15.2" },
    { "bom-ref": "d", "type": "library", "name": "x", "purl": "pkg:deb/debian/libc6@2.36" }
  ],
  "dependencies": [
    { "ref": "app", "dependsOn": ["r", "img"] },
    { "ref": "r", "dependsOn": ["u"] }
  ]
}"#,
        );
        let c = &out.components;
        assert_eq!(c.len(), 3, "{:?}", out.diagnostics);
        assert_eq!(c[0].name, "requests");
        assert_eq!(c[0].version.as_deref(), Some("2.19.0"));
        assert_eq!(c[0].locations[0].line, 6);
        assert_eq!(c[0].integrity.as_deref(), Some("sha256:ab12"));
        assert_eq!(c[0].license.as_deref(), Some("Apache-2.0"));
        assert!(c[0].direct);
        assert_eq!(c[0].dependencies[0].name, "urllib3");
        assert!(!c[1].direct);
        assert_eq!(c[1].scope, Scope::Dev);
        assert_eq!(c[2].kind, Kind::Image);
        assert_eq!(c[2].name, "postgres");
        assert_eq!(c[2].version.as_deref(), Some("15.2"));
        assert_eq!(c[2].integrity.as_deref(), Some("sha256:abc"));
        assert!(out.diagnostics[0].message.contains("deb: 1"));
    }

    #[test]
    fn spdx_packages_and_relationships() {
        let out = extract(
            r#"{
  "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
  "packages": [
    { "SPDXID": "SPDXRef-root", "name": "app" },
    { "SPDXID": "SPDXRef-a", "name": "lodash", "versionInfo": "4.17.20",
      "licenseDeclared": "MIT",
      "externalRefs": [ { "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                          "referenceLocator": "pkg:npm/lodash@4.17.20" } ] },
    { "SPDXID": "SPDXRef-b", "name": "jest",
      "externalRefs": [ { "referenceType": "purl", "referenceLocator": "pkg:npm/jest@29.0.0" } ] }
  ],
  "relationships": [
    { "spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-root" },
    { "spdxElementId": "SPDXRef-root", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-a" },
    { "spdxElementId": "SPDXRef-b", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-root" }
  ]
}"#,
        );
        let c = &out.components;
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "lodash");
        assert_eq!(c[0].license.as_deref(), Some("MIT"));
        assert!(c[0].direct && c[1].direct);
        assert_eq!(c[1].scope, Scope::Dev);
        assert_eq!(c[0].locations[0].line, 8);
    }

    #[test]
    fn other_json_and_broken_input_are_diagnosed() {
        let out = extract(r#"{"name": "x"}"#);
        assert!(out.components.is_empty());
        assert_eq!(out.diagnostics[0].code, DiagnosticCode::Unsupported);
        let out = extract("{\n  \"bomFormat\": ");
        assert_eq!(out.diagnostics[0].code, DiagnosticCode::ParseError);
        let out =
            extract(r#"{"bomFormat":"CycloneDX","components":[{"purl":"pkg:%zz"},{"purl":7},3]}"#);
        assert!(out.components.is_empty());
        assert!(out.diagnostics[0].message.contains("not a package URL"));
    }
}
