//! `renv.lock`, written by `renv::snapshot()`: JSON with `R` (the R version and the
//! repositories), `Bioconductor` (its release, when used) and `Packages` (name → record).
//!
//! - `R.Version` is the `r` runtime the library was snapshotted with.
//! - Each record gives `Package`, `Version`, `Source` and `Hash` (renv's MD5 of the
//!   package's DESCRIPTION, kept as `md5:` integrity). By `Source`: `Repository` (CRAN or a
//!   CRAN-like repository named in `Repository`; a repository other than CRAN and Posit's
//!   CRAN mirrors is kept as `url`, its address from `R.Repositories` when listed there),
//!   `Bioconductor` (kept in ecosystem `cran`, since the purl spec has no Bioconductor type
//!   and Bioconductor names never collide with CRAN's; `url` says
//!   `https://bioconductor.org/packages/<release>`), `GitHub`/`GitLab`/`Bitbucket` (`url` =
//!   `git+https://<host>/<user>/<repo>@<RemoteSha>`), `Local`/`URL` (`RemoteUrl`).
//!   scalibr keeps only CRAN records; polyver keeps every one, since all of them are
//!   installed.
//! - Edges: `Requirements` (renv 0.17+), else the names in `Depends`, `Imports` and
//!   `LinkingTo` (renv 1.1+ records DESCRIPTION fields), without `R` itself and the base
//!   packages R ships (`methods`, `utils`, ...), which are never locked.
//! - The lock does not say what the project asked for: entries no other entry requires are
//!   reported as direct.

use crate::extractors::package_json::{parse_json_object, type_error};
use crate::json::{Member, Spanned, Value};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind,
};
use std::collections::BTreeSet;
use std::path::Path;

pub struct RenvLockExtractor;

const ID: Format = Format::RenvLock;

/// Packages that come with R itself (`installed.packages(priority = "base")`).
const BASE_PACKAGES: [&str; 15] = [
    "R",
    "base",
    "compiler",
    "datasets",
    "graphics",
    "grDevices",
    "grid",
    "methods",
    "parallel",
    "splines",
    "stats",
    "stats4",
    "tcltk",
    "tools",
    "utils",
];

/// Repository names that are CRAN or a mirror of it.
const CRAN_NAMES: [&str; 5] = ["CRAN", "RSPM", "PPM", "P3M", "CRAN-mirror"];

impl Extractor for RenvLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["renv.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "renv.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json_object(file, &mut out, "renv.lock") else {
            return out;
        };
        let r = doc.get("R").map(|m| &m.value);
        if let Some(v) = r.and_then(|r| r.get("Version")) {
            match v.value.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                Some(version) => out.push(
                    Component::new(
                        Kind::Runtime,
                        Ecosystem::Generic,
                        "r",
                        ID,
                        file.location(file.line_col(v.key_offset).0),
                    )
                    .with_version(version),
                ),
                None => out.diagnose(type_error(file, v.key_offset, "R.Version", &v.value)),
            }
        }
        let repositories: Vec<(String, String)> = match r.and_then(|r| r.get("Repositories")) {
            Some(m) => match &m.value.value {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| {
                        Some((
                            str_field(i, "Name")?.to_string(),
                            str_field(i, "URL")?.to_string(),
                        ))
                    })
                    .collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        let bioconductor = doc
            .get("Bioconductor")
            .and_then(|b| str_field(&b.value, "Version"))
            .map(str::to_string);
        let Some(packages) = doc.get("Packages") else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                1,
                "renv.lock without `Packages`",
            ));
            return out;
        };
        if !packages.value.is_object() {
            out.diagnose(type_error(
                file,
                packages.key_offset,
                "Packages",
                &packages.value,
            ));
            return out;
        }
        let records: Vec<&Member> = packages
            .value
            .members()
            .iter()
            .filter(|m| {
                let ok = m.value.is_object();
                if !ok {
                    out.diagnose(type_error(file, m.key_offset, &m.key, &m.value));
                }
                ok
            })
            .collect();
        let required: BTreeSet<String> = records
            .iter()
            .flat_map(|m| requirements(&m.value))
            .collect();
        for m in records {
            let line = file.line_col(m.key_offset).0;
            let name = str_field(&m.value, "Package")
                .unwrap_or(m.key.as_str())
                .trim();
            if name.is_empty() {
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    line,
                    "package record without a name",
                ));
                continue;
            }
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Cran,
                name,
                ID,
                file.location(line),
            )
            .with_direct(!required.contains(name));
            match str_field(&m.value, "Version") {
                Some(v) => c = c.with_version(v),
                None => out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    line,
                    format!("`{name}` has no `Version`"),
                )),
            }
            c.integrity = str_field(&m.value, "Hash").map(|h| format!("md5:{h}"));
            c.url = source_url(&m.value, &repositories, bioconductor.as_deref());
            c.dependencies = requirements(&m.value)
                .into_iter()
                .map(|name| DependencyEdge {
                    name,
                    version: None,
                })
                .collect();
            out.push(c);
        }
        out
    }
}

fn str_field<'a>(node: &'a Spanned, key: &str) -> Option<&'a str> {
    node.get(key)
        .and_then(|m| m.value.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The packages a record needs, sorted: `Requirements`, else `Depends`, `Imports` and
/// `LinkingTo` (arrays or DESCRIPTION's comma lists, `pkg (>= 1.0)` reduced to `pkg`).
fn requirements(record: &Spanned) -> Vec<String> {
    let fields: &[&str] = if record.get("Requirements").is_some() {
        &["Requirements"]
    } else {
        &["Depends", "Imports", "LinkingTo"]
    };
    let mut names = BTreeSet::new();
    for f in fields {
        let entries: Vec<&str> = match record.get(f).map(|m| &m.value.value) {
            Some(Value::Array(items)) => items.iter().filter_map(Spanned::as_str).collect(),
            Some(Value::String(s)) => s.split(',').collect(),
            _ => continue,
        };
        for e in entries {
            let name = e
                .split(['(', ' ', '\n', '\t'])
                .find(|s| !s.is_empty())
                .unwrap_or("");
            if !name.is_empty() && !BASE_PACKAGES.contains(&name) {
                names.insert(name.to_string());
            }
        }
    }
    names.into_iter().collect()
}

fn source_url(
    record: &Spanned,
    repositories: &[(String, String)],
    bioc: Option<&str>,
) -> Option<String> {
    let field = |k: &str| str_field(record, k);
    match field("Source").unwrap_or("Repository") {
        "Repository" => {
            let repo = field("Repository")?;
            if CRAN_NAMES.contains(&repo) {
                return None;
            }
            Some(
                repositories
                    .iter()
                    .find(|(n, _)| n == repo)
                    .map_or(repo, |(_, url)| url.as_str())
                    .to_string(),
            )
        }
        "Bioconductor" => Some(match bioc {
            Some(v) => format!("https://bioconductor.org/packages/{v}"),
            None => "https://bioconductor.org".to_string(),
        }),
        "GitHub" | "GitLab" | "Bitbucket" => {
            let host = match field("RemoteHost") {
                Some("api.github.com") | None if field("Source") == Some("GitHub") => "github.com",
                Some(h) => h.trim_start_matches("api.").split('/').next().unwrap_or(h),
                None => match field("Source") {
                    Some("GitLab") => "gitlab.com",
                    _ => "bitbucket.org",
                },
            };
            let path = format!("{}/{}", field("RemoteUsername")?, field("RemoteRepo")?);
            let mut url = format!("git+https://{host}/{path}");
            if let Some(sha) = field("RemoteSha").or_else(|| field("RemoteRef")) {
                url = format!("{url}@{sha}");
            }
            if let Some(sub) = field("RemoteSubdir") {
                url = format!("{url}#subdirectory={sub}");
            }
            Some(url)
        }
        _ => field("RemoteUrl").map(str::to_string),
    }
}
