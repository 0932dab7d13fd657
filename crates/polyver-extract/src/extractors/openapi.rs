//! API descriptions: OpenAPI 3.x (`openapi: 3.1.0`) and Swagger 2.0 (`swagger: "2.0"`)
//! documents, in YAML or JSON.
//!
//! Path test: `openapi*.{json,yaml,yml}`, `swagger*.{json,yaml,yml}`,
//! `*.openapi.{json,yaml,yml}`, and any `.json`/`.yaml`/`.yml` file under a directory called
//! `api` (`api/v1/users.yaml`, `services/billing/api/spec.json`; not `package.json`, lock
//! files and other formats' files there). The content decides: only
//! a document with a top-level `openapi` or `swagger` key is an API description; any other
//! YAML or JSON yields nothing and no diagnostic (a file that never says `openapi` or
//! `swagger` is not even parsed). Syntax errors are reported for files named like API
//! descriptions, or whose text has a top-level `openapi:`/`swagger:` line (`"openapi":` in
//! JSON). Kubernetes manifests under `api/` are claimed by both this extractor and
//! `kubernetes`, but a document cannot be both (the latter needs `apiVersion` and `kind`).
//!
//! Each document is one `api` component (ecosystem `openapi`): name `info.title` (the file's
//! path when there is none), version `info.version`, no constraint, located at the
//! `info.version` line; its purl is `pkg:generic/openapi/<title>@<version>`. `Component::api`
//! records the description format's version (`3.1.0`, `2.0`), the version segments of the
//! API's paths (`v1`, `v2beta1` in `paths` keys, `servers[].url` and `basePath`), and how
//! many operations there are and how many are `deprecated: true`.

use crate::json;
use crate::yaml::{self, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{ApiInfo, Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind};
use std::path::{Component as PathComponent, Path};

pub struct OpenapiExtractor;

const ID: Format = Format::Openapi;

/// HTTP methods of an OpenAPI path item (every other key is not an operation).
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Data files under `api/` that are other formats' (often large lock files): never read here.
const OTHER_FORMATS: &[&str] = &[
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "composer.json",
    "packages.lock.json",
    "pnpm-lock.yaml",
    "tsconfig.json",
];

/// Deepest level of a document read (`paths./x.get.deprecated` is level 4).
const MAX_TREE_DEPTH: usize = 6;

/// Whether a file name is an API description's by itself (`openapi.yaml`,
/// `swagger-v2.json`, `billing.openapi.yml`). Lowercase `name` expected.
pub(crate) fn is_openapi_name(name: &str) -> bool {
    let Some(stem) = [".json", ".yaml", ".yml"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
    else {
        return false;
    };
    stem.starts_with("openapi") || stem.starts_with("swagger") || stem.ends_with(".openapi")
}

impl Extractor for OpenapiExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::extensions(&["json", "yaml", "yml"]))
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        if is_openapi_name(&name) {
            return true;
        }
        let data_file = [".json", ".yaml", ".yml"]
            .iter()
            .any(|ext| name.ends_with(ext))
            && !OTHER_FORMATS.contains(&name.as_str());
        let mut dirs = path.components().rev().skip(1);
        data_file && dirs.any(|c| matches!(c, PathComponent::Normal(s) if s == "api"))
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let text = file.text();
        if !text.contains("openapi") && !text.contains("swagger") {
            return out;
        }
        let named = is_openapi_name(&file.file_name().to_ascii_lowercase());
        let is_json = file.file_name().to_ascii_lowercase().ends_with(".json");
        let mut diagnostics = Vec::new();
        let documents = if is_json {
            match json::parse(text) {
                Ok(v) => vec![from_json(&v, file, 0)],
                Err(e) => {
                    let (line, column) = file.line_col(e.offset);
                    diagnostics.push(
                        Diagnostic::error(
                            DiagnosticCode::ParseError,
                            file.path(),
                            line,
                            format!("JSON syntax error: {}", e.message),
                        )
                        .with_column(column),
                    );
                    Vec::new()
                }
            }
        } else {
            let loaded = yaml::load_file(file, &mut diagnostics);
            loaded.documents.iter().map(|d| from_yaml(d, 0)).collect()
        };
        let looks_like_api = named
            || documents.iter().any(|d| spec_key(d).is_some())
            || text.lines().any(|l| {
                if is_json {
                    let l = l.trim_start().trim_start_matches('{').trim_start();
                    ["\"openapi\"", "\"swagger\""].iter().any(|k| {
                        l.strip_prefix(k)
                            .is_some_and(|rest| rest.trim_start().starts_with(':'))
                    })
                } else {
                    l.starts_with("openapi:") || l.starts_with("swagger:")
                }
            });
        if !looks_like_api {
            return out;
        }
        out.diagnostics.extend(diagnostics);
        for doc in &documents {
            document(doc, file, &mut out);
        }
        out
    }
}

/// The part of a YAML or JSON document this extractor reads, with positions.
#[derive(Debug)]
struct Tree {
    line: u32,
    column: u32,
    value: Value,
}

#[derive(Debug)]
enum Value {
    /// A string or a number, as written.
    Text(String),
    Bool(bool),
    /// Null, or anything deeper than [`MAX_TREE_DEPTH`].
    Other,
    Seq(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

impl Tree {
    fn get(&self, key: &str) -> Option<&Tree> {
        match &self.value {
            // The last one wins, as YAML loaders do (JSON parsers mostly agree).
            Value::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|e| &e.1),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    fn entries(&self) -> &[(String, Tree)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    fn type_name(&self) -> &'static str {
        match self.value {
            Value::Text(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::Other => "null",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }
}

fn from_yaml(node: &Node, depth: usize) -> Tree {
    let value = if depth > MAX_TREE_DEPTH {
        Value::Other
    } else if let Some(items) = node.as_sequence() {
        Value::Seq(items.iter().map(|n| from_yaml(n, depth + 1)).collect())
    } else if node.as_mapping().is_some() {
        Value::Map(
            node.entries()
                .map(|(k, _, v)| (k.to_string(), from_yaml(v, depth + 1)))
                .collect(),
        )
    } else {
        match node.as_str() {
            Some(t) if node.is_plain_scalar() && matches!(t, "true" | "True" | "TRUE") => {
                Value::Bool(true)
            }
            Some(t) if node.is_plain_scalar() && matches!(t, "false" | "False" | "FALSE") => {
                Value::Bool(false)
            }
            Some(t) => Value::Text(t.to_string()),
            None => Value::Other,
        }
    };
    Tree {
        line: node.line,
        column: node.column,
        value,
    }
}

fn from_json(v: &json::Spanned, file: &SourceFile, depth: usize) -> Tree {
    let (line, column) = file.line_col(v.offset);
    let value = match &v.value {
        _ if depth > MAX_TREE_DEPTH => Value::Other,
        json::Value::String(s) | json::Value::Number(s) => Value::Text(s.clone()),
        json::Value::Bool(b) => Value::Bool(*b),
        json::Value::Null => Value::Other,
        json::Value::Array(items) => Value::Seq(
            items
                .iter()
                .map(|i| from_json(i, file, depth + 1))
                .collect(),
        ),
        json::Value::Object(members) => Value::Map(
            members
                .iter()
                .map(|m| (m.key.clone(), from_json(&m.value, file, depth + 1)))
                .collect(),
        ),
    };
    Tree {
        line,
        column,
        value,
    }
}

/// The `openapi` or `swagger` entry of a document, if it is an API description.
fn spec_key(doc: &Tree) -> Option<(&'static str, &Tree)> {
    ["openapi", "swagger"]
        .into_iter()
        .find_map(|k| Some((k, doc.get(k)?)))
}

/// One API description document.
fn document(doc: &Tree, file: &SourceFile, out: &mut Extracted) {
    let Some((key, spec)) = spec_key(doc) else {
        return;
    };
    let mut invalid = |node: &Tree, message: String| {
        out.diagnose(
            Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                node.line,
                message,
            )
            .with_column(node.column),
        );
    };
    let spec_version = match spec.as_str() {
        Some(v) => v.trim().to_string(),
        None => {
            invalid(
                spec,
                format!("`{key}` is {}, expected a version", spec.type_name()),
            );
            String::new()
        }
    };
    let info = doc.get("info");
    if let Some(i) = info.filter(|i| !matches!(i.value, Value::Map(_))) {
        invalid(
            i,
            format!("`info` is {}, expected a mapping", i.type_name()),
        );
    }
    let info = info.filter(|i| matches!(i.value, Value::Map(_)));
    let text_of = |field: &str, invalid: &mut dyn FnMut(&Tree, String)| {
        let node = info?.get(field)?;
        match node.as_str().map(str::trim) {
            Some(t) if !t.is_empty() => Some((t.to_string(), node)),
            Some(_) => None,
            None => {
                invalid(
                    node,
                    format!("`info.{field}` is {}, expected a string", node.type_name()),
                );
                None
            }
        }
    };
    let title = text_of("title", &mut invalid);
    let version = text_of("version", &mut invalid);
    let at = version.as_ref().map(|(_, n)| *n).or(info).unwrap_or(spec);
    if version.is_none() {
        invalid(at, "the API description has no `info.version`".to_string());
    }

    let mut api = ApiInfo {
        spec_version,
        ..ApiInfo::default()
    };
    let mut prefixes = Vec::new();
    if let Some(paths) = doc.get("paths") {
        if !matches!(paths.value, Value::Map(_) | Value::Other) {
            invalid(
                paths,
                format!("`paths` is {}, expected a mapping", paths.type_name()),
            );
        }
        for (path, item) in paths.entries() {
            prefixes.push(path.as_str());
            for (method, op) in item.entries() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                api.operations = api.operations.saturating_add(1);
                if matches!(
                    op.get("deprecated").map(|d| &d.value),
                    Some(Value::Bool(true))
                ) {
                    api.deprecated_operations = api.deprecated_operations.saturating_add(1);
                }
            }
        }
    }
    if let Some(base) = doc.get("basePath") {
        match base.as_str() {
            Some(b) => prefixes.push(b),
            None => invalid(
                base,
                format!("`basePath` is {}, expected a string", base.type_name()),
            ),
        }
    }
    if let Some(servers) = doc.get("servers") {
        match &servers.value {
            Value::Seq(items) => {
                prefixes.extend(items.iter().filter_map(|s| s.get("url")?.as_str()));
            }
            Value::Other => {}
            _ => invalid(
                servers,
                format!("`servers` is {}, expected a sequence", servers.type_name()),
            ),
        }
    }
    api.path_versions = path_versions(prefixes);

    let name = title.map_or_else(|| file.path().to_string(), |(t, _)| t);
    let mut c = Component::new(
        Kind::Api,
        Ecosystem::Openapi,
        name,
        ID,
        file.location(at.line).with_column(at.column),
    );
    if let Some((v, _)) = version {
        c = c.with_version(v);
    }
    c.api = Some(api);
    out.push(c);
}

/// The version segments (`v1`, `v2`, `v1beta1`) of URL paths, sorted by number, deduplicated.
fn path_versions<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut found: Vec<(u64, String)> = paths
        .into_iter()
        .flat_map(|p| p.split(['/', '?', '#']))
        .filter_map(|seg| Some((version_segment(seg)?, seg.to_string())))
        .collect();
    found.sort();
    found.dedup();
    found.into_iter().map(|(_, s)| s).collect()
}

/// The major number of a path segment that is a version: `v1`, `v12`, `v1beta2`, `v2alpha`.
fn version_segment(seg: &str) -> Option<u64> {
    let rest = seg.strip_prefix('v')?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 6 {
        return None;
    }
    let suffix = &rest[digits..];
    let ok_suffix = suffix.is_empty()
        || ["alpha", "beta", "rc"].iter().any(|s| {
            suffix
                .strip_prefix(s)
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        });
    ok_suffix.then(|| rest[..digits].parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        let x = OpenapiExtractor;
        for yes in [
            "openapi.yaml",
            "docs/openapi-v2.json",
            "swagger.yml",
            "Swagger.json",
            "billing.openapi.yaml",
            "api/users.yaml",
            "services/shop/api/v1/spec.json",
        ] {
            assert!(x.matches(Path::new(yes)), "{yes}");
        }
        for no in [
            "openapi.txt",
            "config/app.yaml",
            "api.yaml",
            "package.json",
            "api/README.md",
            "services/api/package-lock.json",
            "openapi",
        ] {
            assert!(!x.matches(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn versions_of_paths() {
        assert_eq!(
            path_versions([
                "/v2/users",
                "/v10/x",
                "https://h.example/api/v1",
                "/v1beta1/y"
            ]),
            ["v1", "v1beta1", "v2", "v10"]
        );
        assert!(path_versions(["/vendors/{v}", "/v", "/version/1", "/v1x"]).is_empty());
    }

    #[test]
    fn non_openapi_is_silent() {
        let x = OpenapiExtractor;
        for (path, text) in [
            ("api/app.yaml", "foo: [unterminated openapi\n"),
            ("api/app.json", "{\"swagger-ui\": \"^5\",\n"),
            ("api/app.yaml", "name: x\ndocs:\n  openapi: 3.0.0\n"),
            ("api/deploy.yaml", "apiVersion: v1\nkind: Pod\n"),
        ] {
            let found = x.extract(&SourceFile::from_text(path, text));
            assert!(found.components.is_empty(), "{text}");
            assert!(
                found.diagnostics.is_empty(),
                "{text}: {:?}",
                found.diagnostics
            );
        }
    }
}
