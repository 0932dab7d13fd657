//! Maven repositories (Maven Central, Nexus, Artifactory, any Maven 2 layout): the
//! artifact-level `maven-metadata.xml` at `{base}/{group as path}/{artifact}/`, whose
//! `<versioning>` lists `<versions>` and names the `<latest>` and `<release>` versions
//! (kept as the tags `latest` and `release`).
//!
//! The metadata has no per-version date: `<lastUpdated>` is when the file was last
//! rewritten, not when any one version was published. Getting real dates would take one
//! request per version (the POM's `Last-Modified`), so releases carry no date here.
//! Components are named `group:artifact` as the pom and Gradle extractors write them.

use crate::{Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::BTreeMap;

pub struct Client {
    endpoint: Endpoint,
}

impl Client {
    pub fn new(endpoint: Endpoint) -> Client {
        Client { endpoint }
    }
}

/// The repository path of `group:artifact`'s metadata.
pub fn metadata_path(name: &str) -> Result<String, UpstreamError> {
    let bad = |reason: &str| UpstreamError::BadName {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    let Some((group, artifact)) = name.split_once(':') else {
        return Err(bad("a Maven name is `group:artifact`"));
    };
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            && !p.split('.').any(str::is_empty)
    };
    if !part_ok(group) || !part_ok(artifact) {
        return Err(bad(
            "group and artifact are letters, digits, `.`, `-` and `_` (no `${...}` property left unresolved)",
        ));
    }
    Ok(format!(
        "{}/{artifact}/maven-metadata.xml",
        group.replace('.', "/")
    ))
}

/// What `maven-metadata.xml` says of an artifact.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub versions: Vec<String>,
    pub latest: Option<String>,
    pub release: Option<String>,
    /// `yyyyMMddHHmmss` (UTC), as written.
    pub last_updated: Option<String>,
}

/// Reads a `maven-metadata.xml` document.
pub fn parse_metadata(text: &str) -> Result<Metadata, String> {
    const MAX_DEPTH: usize = 32;
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut text_buf = String::new();
    let mut out = Metadata::default();
    let mut saw_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => {
                if path.len() >= MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.is_empty() {
                    if name != "metadata" {
                        return Err(format!("the root element is <{name}>, not <metadata>"));
                    }
                    saw_root = true;
                }
                path.push(name);
                text_buf.clear();
            }
            Event::Text(t) => {
                let unescaped = t.unescape().map_err(|e| format!("bad text: {e}"))?;
                text_buf.push_str(&unescaped);
            }
            Event::CData(c) => text_buf.push_str(&String::from_utf8_lossy(&c.into_inner())),
            Event::End(_) => {
                let value = text_buf.trim().to_string();
                text_buf.clear();
                let joined = path.join("/");
                let value = (!value.is_empty()).then_some(value);
                match joined.as_str() {
                    "metadata/versioning/versions/version" => out.versions.extend(value),
                    "metadata/versioning/latest" => out.latest = value,
                    "metadata/versioning/release" => out.release = value,
                    "metadata/versioning/lastUpdated" => out.last_updated = value,
                    _ => {}
                }
                path.pop();
            }
            Event::Eof => {
                if let Some(open) = path.last() {
                    return Err(format!("the document ends inside <{open}>"));
                }
                break;
            }
            _ => {}
        }
    }
    if !saw_root {
        return Err("no <metadata> element".into());
    }
    Ok(out)
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        let url = self.endpoint.url(&metadata_path(name)?);
        let Some(fetched) = self.endpoint.get(&url, Some("application/xml, text/xml"))? else {
            return Ok(None);
        };
        let text = std::str::from_utf8(&fetched.body)
            .map_err(|_| UpstreamError::malformed(&url, "maven-metadata.xml is not UTF-8"))?;
        let metadata = parse_metadata(text).map_err(|e| UpstreamError::malformed(&url, e))?;
        let mut tags = BTreeMap::new();
        tags.extend(metadata.latest.map(|v| ("latest".to_string(), v)));
        tags.extend(metadata.release.map(|v| ("release".to_string(), v)));
        let mut releases: Vec<Release> = Vec::with_capacity(metadata.versions.len());
        for version in metadata.versions {
            if !releases.iter().any(|r| r.version == version) {
                releases.push(Release {
                    version,
                    ..Release::default()
                });
            }
        }
        Ok(Some(Package {
            name: name.to_string(),
            releases,
            tags,
            url,
            ..Package::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            metadata_path("org.apache.logging.log4j:log4j-core").unwrap(),
            "org/apache/logging/log4j/log4j-core/maven-metadata.xml"
        );
        assert!(metadata_path("log4j-core").is_err());
        assert!(metadata_path("${group}:core").is_err());
        assert!(metadata_path("org..x:y").is_err());
        assert!(metadata_path("org/x:y").is_err());
    }

    #[test]
    fn rejects_what_is_not_metadata() {
        assert!(parse_metadata("<html><body>proxy error</body></html>")
            .unwrap_err()
            .contains("<html>"));
        assert!(parse_metadata("<metadata><versioning>")
            .unwrap_err()
            .contains("ends inside"));
        assert!(parse_metadata("").unwrap_err().contains("no <metadata>"));
    }
}
