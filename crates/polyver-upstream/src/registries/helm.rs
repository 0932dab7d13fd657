//! Helm chart repositories: `{repository}/index.yaml`, whose `entries.{chart}` list every
//! published version with `version`, `created`, `deprecated` and `digest` (the SHA-256 of
//! the chart archive, reported as `sha256:<hex>`). A chart whose newest version is marked
//! `deprecated` is a deprecated package, as `helm search` treats it.
//!
//! Helm has no central registry: which repository a chart comes from is written beside it
//! (a Chart.yaml dependency's `repository`, which the Helm extractor keeps as the
//! component's `url`), so lookups go through [`Registry::package_from`] with that URL. A
//! bare [`Registry::package`] uses `[registries] helm` as a default repository, and fails
//! with a clear error when none is configured. `oci://` repositories are OCI registries (the
//! image client's business) and `@alias` / `alias:` names refer to a local `helm repo add`
//! list polyver cannot see: both are refused with an explanation.
//!
//! Indexes of large repositories run to tens of megabytes, so the YAML is read as a stream
//! of events and only the asked chart's entries are kept (aliases are not expanded, nesting
//! is bounded), never loaded as a whole tree. `[registries] helm` credentials are sent only
//! to that repository's origin.

use super::scoped;
use crate::{Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use yaml_rust2::parser::{Event, Parser};

/// Deepest nesting skipped over in an index.
const MAX_DEPTH: usize = 64;

pub struct Client {
    endpoint: Endpoint,
}

impl Client {
    /// `endpoint.base` is the default repository; empty for none.
    pub fn new(endpoint: Endpoint) -> Client {
        Client { endpoint }
    }

    fn lookup(&self, chart: &str, repository: &str) -> Result<Option<Package>, UpstreamError> {
        if chart.is_empty() || chart.contains(['/', '?', '#']) {
            return Err(UpstreamError::BadName {
                name: chart.to_string(),
                reason: "not a chart name".into(),
            });
        }
        let url = format!("{}/index.yaml", repository.trim_end_matches('/'));
        let Some(fetched) = scoped::get(&self.endpoint, &url, None)? else {
            return Ok(None);
        };
        let text = std::str::from_utf8(&fetched.body)
            .map_err(|_| UpstreamError::malformed(&url, "index.yaml is not UTF-8"))?;
        let Some(versions) =
            chart_versions(text, chart).map_err(|e| UpstreamError::malformed(&url, e))?
        else {
            return Ok(None);
        };
        // Helm writes each chart's versions newest first.
        let deprecated = versions
            .first()
            .filter(|v| v.deprecated.is_some())
            .map(|v| format!("its newest version, {}, is marked deprecated", v.version));
        Ok(Some(Package {
            name: chart.to_string(),
            releases: versions,
            deprecated,
            url,
            ..Package::default()
        }))
    }
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Helm
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        self.package_from(name, None)
    }

    fn package_from(
        &self,
        name: &str,
        source: Option<&str>,
    ) -> Result<Option<Package>, UpstreamError> {
        let bad = |reason: String| UpstreamError::BadName {
            name: name.to_string(),
            reason,
        };
        let repository = match source.map(str::trim).filter(|s| !s.is_empty()) {
            Some(r) if r.starts_with("oci://") => {
                return Err(bad(format!(
                    "`{r}` is an OCI registry; charts there are looked up as OCI artifacts, not by a chart repository index"
                )))
            }
            Some(r) if r.starts_with('@') || r.starts_with("alias:") => {
                return Err(bad(format!(
                    "`{r}` names a repository added with `helm repo add`, which polyver cannot see; write the repository URL in Chart.yaml"
                )))
            }
            Some(r) if r.starts_with("http://") || r.starts_with("https://") => r,
            Some(r) => return Err(bad(format!("`{r}` is not a chart repository URL"))),
            None if self.endpoint.base.is_empty() => {
                return Err(bad(
                    "no chart repository is known for it: Chart.yaml names none and [registries] helm is not set".into(),
                ))
            }
            None => self.endpoint.base.as_str(),
        };
        self.lookup(name, repository)
    }
}

/// The versions of `chart` in the index `text`; `None` when the index has no such chart.
pub fn chart_versions(text: &str, chart: &str) -> Result<Option<Vec<Release>>, String> {
    let mut events = Events::new(text);
    loop {
        match events.next()? {
            Event::StreamStart | Event::DocumentStart => {}
            Event::MappingStart(..) => break,
            Event::StreamEnd => return Err("the index is empty".into()),
            _ => return Err("the index is not a mapping with `entries`".into()),
        }
    }
    while let Some(key) = events.key()? {
        if key != "entries" {
            events.skip_value()?;
            continue;
        }
        match events.next()? {
            Event::MappingStart(..) => {}
            Event::Scalar(..) => return Ok(None), // `entries:` with nothing (an empty repository)
            _ => return Err("`entries` is not a mapping".into()),
        }
        let mut found = None;
        while let Some(name) = events.key()? {
            if name == chart && found.is_none() {
                found = Some(events.versions()?);
            } else {
                events.skip_value()?;
            }
        }
        return Ok(found);
    }
    Err("the index has no `entries`".into())
}

/// A YAML event stream with the few reads an index needs.
struct Events<'a> {
    parser: Parser<std::str::Chars<'a>>,
}

impl<'a> Events<'a> {
    fn new(text: &'a str) -> Events<'a> {
        Events {
            parser: Parser::new_from_str(text),
        }
    }

    fn next(&mut self) -> Result<Event, String> {
        self.parser
            .next_token()
            .map(|(event, _)| event)
            .map_err(|e| format!("not YAML: {e}"))
    }

    /// The next key of the current mapping (`None` at its end); a non-scalar key is skipped
    /// with its value.
    fn key(&mut self) -> Result<Option<String>, String> {
        loop {
            match self.next()? {
                Event::MappingEnd => return Ok(None),
                Event::Scalar(text, ..) => return Ok(Some(text)),
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    self.skip_open(1)?;
                    self.skip_value()?;
                }
                Event::Alias(_) => self.skip_value()?,
                other => return Err(format!("unexpected {other:?} in a mapping")),
            }
        }
    }

    /// Skips one value.
    fn skip_value(&mut self) -> Result<(), String> {
        match self.next()? {
            Event::SequenceStart(..) | Event::MappingStart(..) => self.skip_open(1),
            Event::Scalar(..) | Event::Alias(_) => Ok(()),
            other => Err(format!("unexpected {other:?} where a value was expected")),
        }
    }

    /// Skips to the end of `depth` open collections.
    fn skip_open(&mut self, mut depth: usize) -> Result<(), String> {
        while depth > 0 {
            match self.next()? {
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
                    }
                }
                Event::SequenceEnd | Event::MappingEnd => depth -= 1,
                Event::StreamEnd => return Err("the index ends inside a collection".into()),
                _ => {}
            }
        }
        Ok(())
    }

    /// One chart's list of versions.
    fn versions(&mut self) -> Result<Vec<Release>, String> {
        match self.next()? {
            Event::SequenceStart(..) => {}
            Event::Scalar(..) => return Ok(Vec::new()),
            _ => return Err("a chart's entry is not a list of versions".into()),
        }
        let mut out = Vec::new();
        loop {
            match self.next()? {
                Event::SequenceEnd => return Ok(out),
                Event::MappingStart(..) => {}
                Event::Scalar(..) | Event::Alias(_) => continue,
                Event::SequenceStart(..) => {
                    self.skip_open(1)?;
                    continue;
                }
                other => return Err(format!("unexpected {other:?} in a chart's versions")),
            }
            let mut release = Release::default();
            while let Some(key) = self.key()? {
                let value = match self.next()? {
                    Event::Scalar(text, ..) => text,
                    Event::SequenceStart(..) | Event::MappingStart(..) => {
                        self.skip_open(1)?;
                        continue;
                    }
                    _ => continue,
                };
                match key.as_str() {
                    "version" => release.version = value,
                    "created" => release.published = scoped::timestamp(&value),
                    "deprecated" if value == "true" => release.deprecated = Some(String::new()),
                    "digest" if !value.is_empty() => {
                        release.digest = Some(if value.contains(':') {
                            value
                        } else {
                            format!("sha256:{value}")
                        })
                    }
                    _ => {}
                }
            }
            if release.version.is_empty() {
                return Err("a chart version has no `version`".into());
            }
            out.push(release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "apiVersion: v1\nentries:\n  other:\n  - version: 9.9.9\n    urls: [x]\n  redis:\n  - apiVersion: v2\n    created: \"2024-05-01T10:00:00.123456789-06:00\"\n    deprecated: true\n    digest: 0123abcd\n    maintainers:\n    - name: a\n      email: a@example.com\n    urls:\n    - https://charts.example.com/redis-19.0.0.tgz\n    version: 19.0.0\n  - version: 18.0.0\n    created: 2023-01-01T00:00:00Z\ngenerated: \"2024-05-02T00:00:00Z\"\n";

    #[test]
    fn reads_one_chart_and_skips_the_rest() {
        let versions = chart_versions(INDEX, "redis").unwrap().unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].version, "19.0.0");
        assert_eq!(versions[0].deprecated.as_deref(), Some(""));
        assert_eq!(versions[0].digest.as_deref(), Some("sha256:0123abcd"));
        assert_eq!(
            versions[0].published.unwrap().to_string(),
            "2024-05-01T16:00:00.123456789Z"
        );
        assert_eq!(versions[1].deprecated, None);
        assert!(chart_versions(INDEX, "nginx").unwrap().is_none());
    }

    #[test]
    fn what_is_not_an_index_is_an_error() {
        assert!(chart_versions("<html>", "x").is_err());
        assert!(chart_versions("apiVersion: v1\n", "x")
            .unwrap_err()
            .contains("no `entries`"));
        assert!(chart_versions("entries:\n  x:\n  - version: [1\n", "x").is_err());
        let deep = format!("entries:\n  y: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert!(chart_versions(&deep, "x")
            .unwrap_err()
            .contains("nested deeper"));
    }
}
