//! Requests to URLs that a registry's own documents point at (NuGet pages, Terraform
//! service discovery, Helm repositories named in Chart.yaml): the configured credentials go
//! only to the configured registry's origin, never to a host the document or the manifest
//! names, so a hostile index cannot collect them.

use crate::{Endpoint, UpstreamError};
use polyver_net::Fetched;

/// `scheme://host[:port]` of `url`, lower-cased (empty when `url` has no scheme).
pub(crate) fn origin(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // Credentials written in the URL (`user:pass@host`) are not part of the origin.
    let host = authority.rsplit('@').next().unwrap_or(authority);
    format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    )
}

/// Whether `url` is on the endpoint's own origin.
pub(crate) fn same_origin(endpoint: &Endpoint, url: &str) -> bool {
    let own = origin(&endpoint.base);
    !own.is_empty() && own == origin(url)
}

/// GET `url`, authenticated only when it is on the endpoint's origin; `Ok(None)` for
/// 404/410, [`UpstreamError::Unauthorized`] for 401/403.
pub(crate) fn get(
    endpoint: &Endpoint,
    url: &str,
    accept: Option<&str>,
) -> Result<Option<Fetched>, UpstreamError> {
    let authorization = endpoint
        .auth
        .as_ref()
        .filter(|_| same_origin(endpoint, url))
        .map(crate::Auth::header);
    endpoint.get_with(url, accept, authorization)
}

/// [`get`] and decode the JSON body.
pub(crate) fn get_json<T: serde::de::DeserializeOwned>(
    endpoint: &Endpoint,
    url: &str,
) -> Result<Option<T>, UpstreamError> {
    match get(endpoint, url, Some("application/json"))? {
        Some(fetched) => decode_json(url, &fetched.body).map(Some),
        None => Ok(None),
    }
}

/// `body` as the JSON `T`, or a [`UpstreamError::Malformed`] naming `url`.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    url: &str,
    body: &[u8],
) -> Result<T, UpstreamError> {
    serde_json::from_slice(body)
        .map_err(|e| UpstreamError::malformed(url, format!("not the JSON expected: {e}")))
}

/// `text` percent-encoded for one URL path segment (RFC 3986 unreserved characters kept).
pub(crate) fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A release date as registries write it (RFC 3339, with `Z` or an offset); `None` when
/// it does not parse — a date is information, not a reason to fail the lookup.
pub(crate) fn timestamp(text: &str) -> Option<crate::Timestamp> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_ignore_path_case_and_userinfo() {
        assert_eq!(
            origin("HTTPS://Example.com:8443/a/b?c"),
            "https://example.com:8443"
        );
        assert_eq!(origin("https://u:p@example.com/x"), "https://example.com");
        assert_eq!(origin("example.com/x"), "");
        assert_ne!(origin("https://example.com"), origin("http://example.com"));
        assert_ne!(
            origin("https://example.com"),
            origin("https://example.com.evil.test")
        );
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("Newtonsoft.Json"), "Newtonsoft.Json");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn timestamps_with_offsets_and_fractions() {
        let t = timestamp("2016-10-06T16:23:20.499814565-06:00").unwrap();
        assert_eq!(t.to_string(), "2016-10-06T22:23:20.499814565Z");
        assert!(timestamp("yesterday").is_none());
    }
}
