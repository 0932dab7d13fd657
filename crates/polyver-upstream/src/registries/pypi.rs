//! PyPI and every index that serves the Simple Repository API (devpi, pypiserver,
//! Artifactory, Nexus, GitLab, CodeArtifact): the configured base is the Simple index URL
//! (`https://pypi.org/simple`), and a project is `{base}/{normalized-name}/`.
//!
//! The Simple API is the one format every index has, so releases come from it: PEP 700's
//! `versions` where the page lists them, else the versions in the file names. A release is
//! yanked when all its files are (PEP 592) and was published when its first file was uploaded
//! (PEP 700 `upload-time`). Indexes that give no upload times in the Simple API (pypiserver,
//! HTML-only mirrors) may still serve the legacy JSON API beside it
//! (`{root}/pypi/{name}/json`, `root` = the base without its `/simple`), which has them per
//! file; it is asked then, and a 404 there only means there are no dates.
//!
//! PEP 792's project status (`archived`, `deprecated`, `quarantined`) becomes the package's
//! deprecation. The files themselves, with their sha256, are kept in [`Project`] for callers
//! that write `--hash` lines.

mod filename;
mod html;
mod simple;

use crate::{Endpoint, Package, Registry, Release, Timestamp, UpstreamError};
use polyver_model::{normalize_pypi_name, Ecosystem};
use polyver_version::pypi::Version;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// JSON first (it has upload times and `versions`), HTML for indexes without it (PEP 691).
const SIMPLE_ACCEPT: &str =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/// A Simple API index.
pub struct Client {
    endpoint: Endpoint,
}

/// What the index has of one project: its releases, and the files behind them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Project {
    pub package: Package,
    /// Every file the page lists, in page order (also those no release could claim).
    pub files: Vec<DistFile>,
}

/// One distribution file of a project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DistFile {
    pub filename: String,
    /// The release it belongs to (the release's version text), `None` when its name says no
    /// version of this project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Lower-case hex, when the index gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// PEP 592: yanked, with the reason or an empty string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yanked: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_time: Option<Timestamp>,
}

impl Client {
    pub fn new(endpoint: Endpoint) -> Client {
        Client { endpoint }
    }

    /// The project page of `name` (any spelling; it is normalized), or `None` when the index
    /// has no such project.
    pub fn project(&self, name: &str) -> Result<Option<Project>, UpstreamError> {
        let normalized = project_name(name)?;
        let url = self.endpoint.url(&format!("{normalized}/"));
        let Some(fetched) = self.endpoint.get(&url, Some(SIMPLE_ACCEPT))? else {
            return Ok(None);
        };
        let page = simple::parse(&fetched.body, fetched.header("content-type"), &url)?;
        let mut files: Vec<DistFile> = page
            .files
            .into_iter()
            .map(|f| DistFile {
                version: filename::version_of(&f.filename, &normalized).map(str::to_string),
                filename: f.filename,
                sha256: f.sha256,
                yanked: f.yanked,
                upload_time: f.upload_time,
            })
            .collect();
        if !files.is_empty() && files.iter().all(|f| f.upload_time.is_none()) {
            if let Some(json_url) = self.json_api_url(&normalized) {
                self.add_upload_times(&json_url, &mut files)?;
            }
        }
        let releases = releases(page.versions, &mut files);
        let deprecated = page.status.map(|(status, reason)| match reason {
            Some(reason) => format!("{status}: {reason}"),
            None => status,
        });
        Ok(Some(Project {
            package: Package {
                name: name.to_string(),
                releases,
                tags: BTreeMap::new(),
                deprecated,
                url,
            },
            files,
        }))
    }

    /// `{root}/pypi/{name}/json` when the base is `{root}/simple`, as on pypi.org and the
    /// indexes that copy its layout.
    fn json_api_url(&self, normalized: &str) -> Option<String> {
        let root = self.endpoint.base.strip_suffix("/simple")?;
        Some(format!("{root}/pypi/{normalized}/json"))
    }

    /// Fills `upload_time` from the JSON API, matching files by name. An index without the
    /// JSON API (404, or a page that is not JSON) leaves the times empty.
    fn add_upload_times(&self, url: &str, files: &mut [DistFile]) -> Result<(), UpstreamError> {
        let Some(fetched) = self.endpoint.get(url, Some("application/json"))? else {
            return Ok(());
        };
        if fetched
            .header("content-type")
            .is_some_and(|t| !t.to_ascii_lowercase().contains("json"))
        {
            return Ok(());
        }
        let project: JsonApiProject = serde_json::from_slice(&fetched.body).map_err(|e| {
            UpstreamError::malformed(url, format!("not a PyPI JSON API project: {e}"))
        })?;
        let times: HashMap<&str, Timestamp> = project
            .releases
            .values()
            .flatten()
            .chain(&project.urls)
            .filter_map(|f| Some((f.filename.as_str(), f.upload_time()?)))
            .collect();
        for file in files {
            file.upload_time = times.get(file.filename.as_str()).copied();
        }
        Ok(())
    }
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Pypi
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        Ok(self.project(name)?.map(|p| p.package))
    }
}

/// The normalized name, or an error for a name no index can have (PEP 508: ASCII letters,
/// digits, `-_.`, starting and ending with a letter or digit).
fn project_name(name: &str) -> Result<String, UpstreamError> {
    let name = name.trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !valid {
        return Err(UpstreamError::BadName {
            name: name.to_string(),
            reason: "not a Python project name (ASCII letters, digits, `-`, `_`, `.`)".into(),
        });
    }
    Ok(normalize_pypi_name(name))
}

/// The key releases are grouped by: PEP 440 equality (`1.0` is `1.0.0`), or the text itself
/// for a legacy version.
#[derive(PartialEq, Eq, Hash)]
enum VersionKey {
    Pep440(Version),
    Legacy(String),
}

impl VersionKey {
    fn of(text: &str) -> VersionKey {
        Version::parse(text).map_or_else(
            |_| VersionKey::Legacy(text.to_ascii_lowercase()),
            VersionKey::Pep440,
        )
    }
}

/// One release per version: those of `versions` (in its order) when given, then any other a
/// file names. Each file's `version` is set to its release's text.
fn releases(versions: Option<Vec<String>>, files: &mut [DistFile]) -> Vec<Release> {
    let mut releases: Vec<(Release, Vec<usize>)> = Vec::new();
    let mut index: HashMap<VersionKey, usize> = HashMap::new();
    let mut add = |version: &str, releases: &mut Vec<(Release, Vec<usize>)>| {
        *index.entry(VersionKey::of(version)).or_insert_with(|| {
            releases.push((
                Release {
                    version: version.to_string(),
                    ..Release::default()
                },
                Vec::new(),
            ));
            releases.len() - 1
        })
    };
    for version in versions.iter().flatten() {
        add(version, &mut releases);
    }
    for (at, file) in files.iter().enumerate() {
        if let Some(version) = &file.version {
            let release = add(version, &mut releases);
            releases[release].1.push(at);
        }
    }
    releases
        .into_iter()
        .map(|(mut release, members)| {
            for &at in &members {
                files[at].version = Some(release.version.clone());
            }
            let members: Vec<&DistFile> = members.iter().map(|&at| &files[at]).collect();
            release.published = members.iter().filter_map(|f| f.upload_time).min();
            if !members.is_empty() && members.iter().all(|f| f.yanked.is_some()) {
                let reason = members
                    .iter()
                    .filter_map(|f| f.yanked.as_deref())
                    .find(|r| !r.is_empty());
                release.yanked = Some(reason.unwrap_or_default().to_string());
            }
            release
        })
        .collect()
}

/// The part of `{root}/pypi/{name}/json` read here.
#[derive(Deserialize)]
struct JsonApiProject {
    #[serde(default)]
    releases: BTreeMap<String, Vec<JsonApiFile>>,
    /// The latest release's files (still there when `releases` is not).
    #[serde(default)]
    urls: Vec<JsonApiFile>,
}

#[derive(Deserialize)]
struct JsonApiFile {
    filename: String,
    #[serde(default)]
    upload_time_iso_8601: Option<String>,
    /// UTC without a zone (`2019-01-01T12:00:00`).
    #[serde(default)]
    upload_time: Option<String>,
}

impl JsonApiFile {
    fn upload_time(&self) -> Option<Timestamp> {
        if let Some(t) = self
            .upload_time_iso_8601
            .as_deref()
            .and_then(|t| t.parse().ok())
        {
            return Some(t);
        }
        let naive = self.upload_time.as_deref()?;
        format!("{naive}Z").parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, version: &str, yanked: Option<&str>, time: Option<&str>) -> DistFile {
        DistFile {
            filename: name.into(),
            version: Some(version.into()),
            yanked: yanked.map(str::to_string),
            upload_time: time.map(|t| t.parse().unwrap()),
            ..DistFile::default()
        }
    }

    #[test]
    fn names_are_normalized_or_refused() {
        assert_eq!(project_name("Zope.Interface").unwrap(), "zope-interface");
        for bad in ["", "./local", "-x", "x-", "my pkg", "${NAME}", "名前"] {
            assert!(project_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_release_is_yanked_only_when_every_file_is() {
        let mut files = vec![
            file(
                "a-1.0.tar.gz",
                "1.0",
                Some(""),
                Some("2024-01-02T00:00:00Z"),
            ),
            file("a-1.0-py3-none-any.whl", "1.0", Some("broken"), None),
            file(
                "a-1.0.0-py2-none-any.whl",
                "1.0.0",
                None,
                Some("2024-01-01T00:00:00Z"),
            ),
            file("a-2.0.tar.gz", "2.0", Some(""), None),
            file("a-3.0.tar.gz", "3.0", Some("bad build"), None),
            file("a-3.0.zip", "3.0", Some(""), None),
        ];
        let releases = releases(Some(vec!["0.9".into(), "1.0".into()]), &mut files);
        let summary: Vec<_> = releases
            .iter()
            .map(|r| (r.version.as_str(), r.yanked.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("0.9", None),
                ("1.0", None),
                ("2.0", Some("")),
                ("3.0", Some("bad build"))
            ]
        );
        // `1.0.0` is `1.0`: its earliest upload dates the release, and the file is its.
        assert_eq!(
            releases[1].published,
            Some("2024-01-01T00:00:00Z".parse().unwrap())
        );
        assert_eq!(files[2].version.as_deref(), Some("1.0"));
        assert_eq!(releases[0].published, None);
    }

    #[test]
    fn the_json_api_lives_beside_a_simple_base_only() {
        let client = |base: &str| {
            let http = polyver_net::Client::new(polyver_net::Options::default()).unwrap();
            Client::new(Endpoint::new(std::sync::Arc::new(http), base, None))
        };
        assert_eq!(
            client("https://pypi.org/simple/")
                .json_api_url("demo")
                .as_deref(),
            Some("https://pypi.org/pypi/demo/json")
        );
        assert_eq!(
            client("http://devpi/root/dev/+simple").json_api_url("demo"),
            None
        );
    }
}
