//! One project page of the Simple Repository API, in either of its forms: PEP 691 JSON
//! (`files[]` with `hashes`, `yanked` and PEP 700's `upload-time`, plus `versions` since API
//! 1.1) or PEP 503 HTML (one anchor per file, the sha256 in the URL fragment, PEP 592's
//! `data-yanked`). Both carry PEP 792's project status. The response's content type decides
//! the form; a server that sends none gets its body sniffed.

use super::html;
use crate::{Timestamp, UpstreamError};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The API major version this client reads (PEP 629: refuse a newer major).
const MAJOR_VERSION: u32 = 1;

/// What one project page says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Page {
    /// PEP 700's list of every version, when the page has it (JSON API 1.1+).
    pub versions: Option<Vec<String>>,
    pub files: Vec<File>,
    /// PEP 792's status (`archived`, `deprecated`, `quarantined`) unless `active`, with the
    /// reason where given.
    pub status: Option<(String, Option<String>)>,
}

/// One file link.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct File {
    pub filename: String,
    /// Lower-case hex, when the page gives a sha256.
    pub sha256: Option<String>,
    /// PEP 592: yanked, with the reason or an empty string.
    pub yanked: Option<String>,
    pub upload_time: Option<Timestamp>,
}

/// Reads `body`, served from `url` with `content_type`.
pub(crate) fn parse(
    body: &[u8],
    content_type: Option<&str>,
    url: &str,
) -> Result<Page, UpstreamError> {
    let is_json = match content_type.map(str::to_ascii_lowercase) {
        Some(t) if t.contains("json") => true,
        Some(t) if t.contains("html") => false,
        _ => body.trim_ascii_start().starts_with(b"{"),
    };
    if is_json {
        parse_json(body, url)
    } else {
        parse_html(&String::from_utf8_lossy(body), url)
    }
}

#[derive(Deserialize)]
struct JsonPage {
    meta: JsonMeta,
    #[serde(default)]
    versions: Option<Vec<String>>,
    files: Vec<JsonFile>,
    #[serde(default, rename = "project-status")]
    project_status: Option<JsonStatus>,
}

#[derive(Deserialize)]
struct JsonMeta {
    #[serde(rename = "api-version")]
    api_version: String,
}

#[derive(Deserialize)]
struct JsonStatus {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct JsonFile {
    filename: String,
    #[serde(default)]
    hashes: BTreeMap<String, String>,
    #[serde(default)]
    yanked: Option<Yanked>,
    #[serde(default, rename = "upload-time")]
    upload_time: Option<String>,
}

/// PEP 691: `true`/`false`, or the reason (which means yanked).
#[derive(Deserialize)]
#[serde(untagged)]
enum Yanked {
    Flag(bool),
    Reason(String),
}

fn parse_json(body: &[u8], url: &str) -> Result<Page, UpstreamError> {
    let page: JsonPage = serde_json::from_slice(body)
        .map_err(|e| UpstreamError::malformed(url, format!("not a PEP 691 project page: {e}")))?;
    check_api_version(&page.meta.api_version, url)?;
    let files = page
        .files
        .into_iter()
        .map(|f| File {
            sha256: f.hashes.get("sha256").map(|h| h.to_ascii_lowercase()),
            yanked: match f.yanked {
                None | Some(Yanked::Flag(false)) => None,
                Some(Yanked::Flag(true)) => Some(String::new()),
                Some(Yanked::Reason(reason)) => Some(reason),
            },
            upload_time: f.upload_time.and_then(|t| t.parse().ok()),
            filename: f.filename,
        })
        .collect();
    let status = page
        .project_status
        .and_then(|s| status(s.status.as_deref(), s.reason));
    Ok(Page {
        versions: page.versions,
        files,
        status,
    })
}

fn parse_html(body: &str, url: &str) -> Result<Page, UpstreamError> {
    let mut page = Page::default();
    let (mut status_name, mut status_reason) = (None, None);
    for tag in html::tags(body) {
        if tag.name == "meta" {
            let content = tag.attribute("content").unwrap_or_default();
            match tag.attribute("name") {
                Some("pypi:repository-version") => check_api_version(content, url)?,
                Some("pypi:project-status") => status_name = Some(content.to_string()),
                Some("pypi:project-status-reason") => status_reason = Some(content.to_string()),
                _ => {}
            }
            continue;
        }
        let Some(href) = tag.attribute("href") else {
            continue;
        };
        let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
        // PEP 503: the text is the file name; fall back on the URL's last segment.
        let filename = if tag.text.is_empty() {
            let path = path.split('?').next().unwrap_or(path);
            path.rsplit('/').next().unwrap_or(path).to_string()
        } else {
            tag.text.clone()
        };
        if filename.is_empty() {
            continue;
        }
        let sha256 = fragment
            .strip_prefix("sha256=")
            .filter(|h| !h.is_empty())
            .map(str::to_ascii_lowercase);
        page.files.push(File {
            filename,
            sha256,
            yanked: tag.attribute("data-yanked").map(str::to_string),
            upload_time: None,
        });
    }
    page.status = status(status_name.as_deref(), status_reason);
    Ok(page)
}

/// PEP 629: `major.minor`; a major version above ours means a format this client cannot
/// read, a minor one only additions it may ignore.
fn check_api_version(version: &str, url: &str) -> Result<(), UpstreamError> {
    let major = version.trim().split('.').next().unwrap_or_default();
    match major.parse::<u32>() {
        Ok(major) if major <= MAJOR_VERSION => Ok(()),
        Ok(_) => Err(UpstreamError::malformed(
            url,
            format!("Simple API version {version} is newer than the 1.x this client reads"),
        )),
        Err(_) => Err(UpstreamError::malformed(
            url,
            format!("`{version}` is not a Simple API version"),
        )),
    }
}

fn status(name: Option<&str>, reason: Option<String>) -> Option<(String, Option<String>)> {
    let name = name?.trim().to_ascii_lowercase();
    let reason = reason.filter(|r| !r.trim().is_empty());
    (!name.is_empty() && name != "active").then_some((name, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://index/simple/demo/";

    #[test]
    fn content_type_decides_and_sniffing_covers_its_absence() {
        let json = br#"{"meta": {"api-version": "1.0"}, "name": "demo", "files": []}"#;
        let html = b"<html><body><a href=\"demo-1.0.tar.gz\">demo-1.0.tar.gz</a></body></html>";
        let content_type = Some("application/vnd.pypi.simple.v1+json");
        assert!(parse(json, content_type, URL).unwrap().files.is_empty());
        assert_eq!(parse(html, None, URL).unwrap().files.len(), 1);
        assert!(parse(json, None, URL).unwrap().files.is_empty());
        let err = parse(html, content_type, URL).unwrap_err().to_string();
        assert!(err.starts_with(URL) && err.contains("PEP 691"), "{err}");
    }

    #[test]
    fn a_newer_major_api_version_is_refused() {
        let json = br#"{"meta": {"api-version": "2.0"}, "name": "demo", "files": []}"#;
        let err = parse(json, Some("application/json"), URL).unwrap_err();
        assert!(err.to_string().contains("2.0 is newer"), "{err}");
        let html = b"<meta name=\"pypi:repository-version\" content=\"3.1\">";
        assert!(parse(html, Some("text/html"), URL).is_err());
        let html = b"<meta name=\"pypi:repository-version\" content=\"1.4\">";
        assert!(parse(html, Some("text/html"), URL).is_ok());
    }

    #[test]
    fn project_status_from_either_form() {
        let json = br#"{"meta": {"api-version": "1.4"}, "name": "demo", "files": [],
            "project-status": {"status": "archived", "reason": "moved to demo2"}}"#;
        let page = parse(json, Some("application/vnd.pypi.simple.v1+json"), URL).unwrap();
        assert_eq!(
            page.status,
            Some(("archived".into(), Some("moved to demo2".into())))
        );
        let html = b"<meta name=\"pypi:project-status\" content=\"active\">";
        assert_eq!(parse(html, Some("text/html"), URL).unwrap().status, None);
    }
}
