//! The OSV document (https://ossf.github.io/osv-schema/), as much of it as matching and
//! reporting need. Unknown fields are ignored so that new schema versions still import; the
//! stored form drops `details` and the per-package `ecosystem_specific` blobs, which the audit
//! never shows, to keep the database small and fast to read.

use polyver_model::Ecosystem as ModelEcosystem;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Kept only until import: the stored form replaces an empty summary with its first line.
    #[serde(default, skip_serializing)]
    pub details: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Only `severity` is kept (GHSA's `LOW`/`MODERATE`/`HIGH`/`CRITICAL`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "db_severity"
    )]
    pub database_specific: Option<DatabaseSpecific>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DatabaseSpecific {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
}

/// `database_specific` is free-form: keep `severity` when it is a string, ignore the rest.
fn db_severity<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<DatabaseSpecific>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(value.and_then(|v| {
        v.get("severity")
            .and_then(|s| s.as_str())
            .map(|s| DatabaseSpecific {
                severity: Some(s.to_string()),
            })
    }))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<Package>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Per-package severity (some databases put GHSA-style severity here).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "db_severity"
    )]
    pub database_specific: Option<DatabaseSpecific>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One event: exactly one of the four keys in OSV; anything else is kept as `other`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl Event {
    pub fn to_engine(&self) -> Option<polyver_version::osv::Event> {
        use polyver_version::osv::Event as E;
        if let Some(v) = &self.introduced {
            Some(E::Introduced(v.clone()))
        } else if let Some(v) = &self.fixed {
            Some(E::Fixed(v.clone()))
        } else if let Some(v) = &self.last_affected {
            Some(E::LastAffected(v.clone()))
        } else {
            self.limit.as_ref().map(|v| E::Limit(v.clone()))
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub url: String,
}

impl Advisory {
    /// Parses one OSV JSON document and checks the fields matching relies on.
    pub fn from_json(bytes: &[u8]) -> Result<Advisory, String> {
        let mut a: Advisory = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if a.id.trim().is_empty() {
            return Err("no `id`".to_string());
        }
        for (i, aff) in a.affected.iter().enumerate() {
            for r in &aff.ranges {
                for e in &r.events {
                    if e.to_engine().is_none() {
                        return Err(format!(
                            "affected[{i}]: a `{}` range event has none of introduced, fixed, last_affected, limit",
                            r.kind
                        ));
                    }
                }
            }
        }
        if a.summary.trim().is_empty() {
            a.summary = a
                .details
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(|l| truncate(l, 160))
                .unwrap_or_default();
        }
        a.details = String::new();
        // Only the advisory's own page is shown; the rest are reachable from it.
        a.references.retain(|r| r.kind == "ADVISORY");
        a.references.truncate(1);
        a.prune_listed_versions();
        Ok(a)
    }

    /// Drops the `versions` entries an `ECOSYSTEM` range of the same entry already covers.
    /// OSV's affected set is "listed or in a range", and a range compares in the ecosystem's
    /// own order, the same order listed versions are compared in: the set is unchanged. It
    /// matters because PyPA and GHSA list every affected release (often hundreds); the
    /// stored advisory, and every audit reading it, shrinks accordingly.
    pub fn prune_listed_versions(&mut self) {
        use polyver_version::osv::PreparedRange;
        for aff in &mut self.affected {
            if aff.versions.is_empty() {
                continue;
            }
            let Some(scheme) = aff
                .package
                .as_ref()
                .and_then(|p| version_scheme(base_ecosystem(&p.ecosystem)))
            else {
                continue;
            };
            let ranges: Vec<PreparedRange> = aff
                .ranges
                .iter()
                .filter(|r| r.kind == "ECOSYSTEM")
                .filter_map(|r| {
                    let events: Vec<_> = r.events.iter().filter_map(Event::to_engine).collect();
                    PreparedRange::new(scheme, polyver_version::osv::RangeType::Ecosystem, &events)
                        .ok()
                })
                .collect();
            if ranges.is_empty() {
                continue;
            }
            aff.versions
                .retain(|v| match polyver_version::AnyVersion::parse(scheme, v) {
                    Ok(parsed) => !ranges.iter().any(|r| r.contains(&parsed)),
                    Err(_) => true,
                });
        }
    }

    /// The web page of the advisory: its `ADVISORY` reference, else osv.dev.
    pub fn url(&self) -> String {
        self.references
            .iter()
            .find(|r| r.kind == "ADVISORY")
            .map(|r| r.url.clone())
            .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{}", self.id))
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The OSV ecosystem name of a polyver ecosystem (`pypi` → `PyPI`), for those OSV covers.
pub fn osv_ecosystem(eco: ModelEcosystem) -> Option<&'static str> {
    Some(match eco {
        ModelEcosystem::Pypi => "PyPI",
        ModelEcosystem::Npm => "npm",
        ModelEcosystem::Cargo => "crates.io",
        ModelEcosystem::Go => "Go",
        ModelEcosystem::Maven => "Maven",
        ModelEcosystem::Rubygems => "RubyGems",
        ModelEcosystem::Composer => "Packagist",
        ModelEcosystem::Nuget => "NuGet",
        ModelEcosystem::GithubActions => "GitHub Actions",
        ModelEcosystem::Pub => "Pub",
        ModelEcosystem::Swift => "SwiftURL",
        ModelEcosystem::Conan => "ConanCenter",
        ModelEcosystem::Cran => "CRAN",
        ModelEcosystem::Julia => "Julia",
        ModelEcosystem::Hackage => "Hackage",
        ModelEcosystem::Hex => "Hex",
        _ => return None,
    })
}

/// The base ecosystem of an OSV `package.ecosystem` (`Debian:11` → `Debian`).
pub fn base_ecosystem(osv: &str) -> &str {
    osv.split(':').next().unwrap_or(osv).trim()
}

/// The version scheme OSV's ECOSYSTEM ranges use for an OSV ecosystem.
pub fn version_scheme(osv: &str) -> Option<polyver_version::Ecosystem> {
    use polyver_version::Ecosystem as V;
    Some(match osv {
        "PyPI" => V::Pypi,
        "npm" => V::Npm,
        "crates.io" => V::Cargo,
        "Go" => V::Go,
        "Maven" => V::Maven,
        "RubyGems" => V::Rubygems,
        "NuGet" => V::Nuget,
        "Debian" | "Ubuntu" => V::Debian,
        "Packagist" | "GitHub Actions" | "Pub" | "SwiftURL" | "Hex" | "Julia" => V::Semver,
        _ => return None,
    })
}

/// A package name as the index stores it, so that the scanner's names and the database's meet:
/// PEP 503 for PyPI (as the scanner does), lowercase where the registry is case-insensitive
/// (npm, Packagist, NuGet, GitHub Actions), as published elsewhere (Go module paths, Maven
/// coordinates, crates and gems are case-sensitive or already canonical).
pub fn normalize_name(osv_ecosystem: &str, name: &str) -> String {
    match osv_ecosystem {
        "PyPI" => polyver_model::normalize_pypi_name(name),
        "npm" | "Packagist" | "NuGet" | "GitHub Actions" => name.trim().to_ascii_lowercase(),
        _ => name.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_unknown_fields_and_free_form_database_specific() {
        let a = Advisory::from_json(
            br#"{"id":"X-1","schema_version":"1.6.0","details":"\n First line.\nmore",
                "database_specific":{"severity":"HIGH","cwe_ids":["CWE-79"]},
                "affected":[{"package":{"ecosystem":"PyPI","name":"Foo_Bar"},
                  "ecosystem_specific":{"x":1},"database_specific":[1,2],
                  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0"}]}]}],
                "future_field":{"a":[]}}"#,
        )
        .unwrap();
        assert_eq!(a.summary, "First line.");
        assert_eq!(
            a.database_specific.unwrap().severity.as_deref(),
            Some("HIGH")
        );
        assert!(a.affected[0].database_specific.is_none());
    }

    #[test]
    fn listed_versions_inside_an_ecosystem_range_are_dropped() {
        let a = Advisory::from_json(
            br#"{"id":"X","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
                "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"fixed":"2.0"}]},
                          {"type":"GIT","repo":"r","events":[{"introduced":"0"}]}],
                "versions":["1.0","1.5","2.0.1","3.0","not a version"]},
              {"package":{"ecosystem":"Go","name":"m"},
                "ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}],"versions":["1.0.0"]}]}"#,
        )
        .unwrap();
        assert_eq!(a.affected[0].versions, ["2.0.1", "3.0", "not a version"]);
        // SEMVER ranges order differently from the ecosystem: nothing dropped.
        assert_eq!(a.affected[1].versions, ["1.0.0"]);
    }

    #[test]
    fn rejects_what_cannot_be_matched() {
        assert!(Advisory::from_json(b"{}").is_err());
        assert!(Advisory::from_json(b"[1]").is_err());
        assert!(Advisory::from_json(
            br#"{"id":"X","affected":[{"ranges":[{"type":"SEMVER","events":[{"bogus":"1"}]}]}]}"#
        )
        .is_err());
    }

    #[test]
    fn names_meet_the_scanner() {
        assert_eq!(
            normalize_name("PyPI", "Django_REST.framework"),
            "django-rest-framework"
        );
        assert_eq!(normalize_name("npm", "@Types/Node"), "@types/node");
        assert_eq!(
            normalize_name("Go", "github.com/BurntSushi/toml"),
            "github.com/BurntSushi/toml"
        );
        assert_eq!(base_ecosystem("Debian:11"), "Debian");
    }
}
