//! Reading requests strictly (query parameters, path segments, cursors) and writing pages.

use crate::ApiError;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::Uri;
use serde::Serialize;

/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 50;
/// The most items one page holds; a larger `limit` is served as this.
pub const MAX_LIMIT: usize = 500;

/// The query string as name/value pairs, and the request's path and raw query (for the
/// `next` link).
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
    uri: Uri,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("unreadable query string: {e}")))?;
        Ok(Params {
            pairs,
            uri: parts.uri.clone(),
        })
    }
}

impl Params {
    /// The parameter's value (the last, when repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        last_value(&self.pairs, name)
    }

    /// A parameter read by `parse`; `expected` says what it accepts, for the error.
    pub fn parsed<T>(
        &self,
        name: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ApiError> {
        parse_value(self.get(name), name, expected, parse).map_err(ApiError::bad_request)
    }

    /// A text parameter that, when given, is not empty.
    pub fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        self.parsed(name, "a non-empty text", |t| {
            (!t.is_empty()).then(|| t.to_string())
        })
    }

    /// `true` or `false`.
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.parsed(name, "`true` or `false`", |t| match t {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
    }

    /// One of `values` (by their ids).
    pub fn one_of<T: Copy>(
        &self,
        name: &str,
        values: &[T],
        id: impl Fn(T) -> &'static str,
    ) -> Result<Option<T>, ApiError> {
        let expected = one_of_text(values, &id);
        self.parsed(name, &expected, |t| {
            values.iter().copied().find(|v| id(*v) == t)
        })
    }

    /// A comma-separated list of at least one of `values`.
    pub fn list_of<T: Copy>(
        &self,
        name: &str,
        values: &[T],
        id: impl Fn(T) -> &'static str,
    ) -> Result<Vec<T>, ApiError> {
        let expected = format!(
            "a comma-separated list of {}",
            one_of_text(values, &id).trim_start_matches("one of ")
        );
        Ok(self
            .parsed(name, &expected, |t| {
                t.split(',')
                    .map(|item| values.iter().copied().find(|v| id(*v) == item))
                    .collect::<Option<Vec<T>>>()
            })?
            .unwrap_or_default())
    }

    /// `limit`: a positive integer, served as at most [`MAX_LIMIT`].
    pub fn limit(&self) -> Result<usize, ApiError> {
        let limit = self.parsed("limit", "a positive integer", |t| {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Any count of digits is a valid integer: a huge one is simply more than the cap.
            let n = t.parse::<u64>().unwrap_or(u64::MAX);
            (n > 0).then_some(n)
        })?;
        Ok(limit.map_or(DEFAULT_LIMIT, |n| n.min(MAX_LIMIT as u64) as usize))
    }

    /// `cursor`, read by `decode` (which refuses what the cursor's pattern does not allow).
    pub fn cursor<T>(&self, decode: impl Fn(&str) -> Option<T>) -> Result<Option<T>, ApiError> {
        self.parsed(
            "cursor",
            "the `next_cursor` of a previous page of this list",
            decode,
        )
    }

    /// The path and query of this request with `replace`d parameters (others kept as sent).
    pub fn link_with(&self, replace: &[(&str, String)]) -> String {
        let mut query: Vec<String> = self
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter(|pair| {
                let key = pair.split('=').next().unwrap_or("");
                !replace.iter().any(|(name, _)| *name == key)
            })
            .map(str::to_string)
            .collect();
        for (name, value) in replace {
            query.push(format!("{name}={}", percent_encode(value)));
        }
        format!("{}?{}", self.uri.path(), query.join("&"))
    }
}

fn one_of_text<T: Copy>(values: &[T], id: &impl Fn(T) -> &'static str) -> String {
    let ids: Vec<&str> = values.iter().map(|v| id(*v)).collect();
    format!("one of {}", ids.join(", "))
}

/// Text from a request, shortened and with control characters escaped, for an error message.
/// The value of `name` among query `pairs` (the last, when repeated). The JSON API and the
/// HTML pages read their query strings the same way and answer errors in their own type.
pub(crate) fn last_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `value` (of parameter `name`) read by `parse`; the error says what `expected` is.
pub(crate) fn parse_value<T>(
    value: Option<&str>,
    name: &str,
    expected: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, String> {
    match value {
        None => Ok(None),
        Some(text) => parse(text).map(Some).ok_or_else(|| {
            format!(
                "query parameter `{name}` is `{}`: expected {expected}",
                shown(text)
            )
        }),
    }
}

pub(crate) fn shown(text: &str) -> String {
    let mut out: String = text.chars().take(80).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    polyver_model::escape_control(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Path segments as text, with a JSON error when they cannot be read.
pub(crate) struct PathText(pub Vec<String>);

impl<S: Send + Sync> FromRequestParts<S> for PathText {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(values) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("unreadable path: {}", e.body_text())))?;
        Ok(PathText(values.into_iter().map(|(_, v)| v).collect()))
    }
}

/// A scan id from the path: digits; an id too large to exist is no scan (404).
pub(crate) fn scan_id(text: &str) -> Result<i64, ApiError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(format!(
            "`{}` is not a scan id: expected a positive integer",
            shown(text)
        )));
    }
    match text.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        Ok(_) => Err(ApiError::bad_request("scan ids start at 1".to_string())),
        Err(_) => Err(no_scan(text)),
    }
}

pub(crate) fn no_scan(id: &str) -> ApiError {
    ApiError::not_found(format!("no scan with id {}", shown(id)))
        .hint("GET /api/v1/repositories/{repository}/scans lists a repository's scans")
}

/// One page of a list.
#[derive(Serialize)]
pub(crate) struct PageBody<T> {
    pub items: Vec<T>,
    /// Where the next page starts (`cursor=`), `null` on the last page.
    pub next_cursor: Option<String>,
    /// This request for the next page, `null` on the last page.
    pub next: Option<String>,
}

impl<T> PageBody<T> {
    pub fn new(items: Vec<T>, next_cursor: Option<String>, params: &Params) -> Self {
        let next = next_cursor
            .as_ref()
            .map(|c| params.link_with(&[("cursor", c.clone())]));
        PageBody {
            items,
            next_cursor,
            next,
        }
    }
}

/// Cursors. Each kind has a pattern in the OpenAPI document that admits exactly what its
/// decoder reads; every such value is a position in its list.
pub(crate) mod cursor {
    /// A number: a scan id or an ordinal (`^[0-9]{1,18}$`).
    pub fn number(n: i64) -> String {
        n.to_string()
    }

    pub fn read_number(text: &str) -> Option<i64> {
        ((1..=18).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    }

    /// A text position: a repository name as lowercase hex of its UTF-8
    /// (`^([0-9a-f]{2})+$`), so any name travels in a URL unchanged.
    pub fn text(name: &str) -> String {
        name.bytes().map(|b| format!("{b:02x}")).collect()
    }

    pub fn read_text(text: &str) -> Option<String> {
        if text.is_empty() {
            return None;
        }
        let bytes = hex(text)?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A repository and an ordinal: `HEX.N` (`^([0-9a-f]{2})*\.[0-9]{1,18}$`).
    pub fn text_and_number(name: &str, n: i64) -> String {
        format!("{}.{n}", text(name))
    }

    pub fn read_text_and_number(cursor: &str) -> Option<(String, i64)> {
        let (name, n) = cursor.split_once('.')?;
        let bytes = hex(name)?;
        Some((
            String::from_utf8_lossy(&bytes).into_owned(),
            read_number(n)?,
        ))
    }

    /// Lowercase hex pairs only.
    fn hex(text: &str) -> Option<Vec<u8>> {
        if text.len() % 2 != 0 {
            return None;
        }
        text.as_bytes()
            .chunks(2)
            .map(|pair| {
                let digit = |c: u8| match c {
                    b'0'..=b'9' => Some(c - b'0'),
                    b'a'..=b'f' => Some(c - b'a' + 10),
                    _ => None,
                };
                Some(digit(pair[0])? << 4 | digit(pair[1])?)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::cursor;

    #[test]
    fn cursors_round_trip_and_refuse_what_their_pattern_refuses() {
        for name in ["", "acme/shop", "ünïcode/ρεπο", "a b%2F?&="] {
            let c = cursor::text_and_number(name, 42);
            assert_eq!(
                cursor::read_text_and_number(&c),
                Some((name.to_string(), 42))
            );
        }
        assert_eq!(
            cursor::read_text(&cursor::text("x/y")).as_deref(),
            Some("x/y")
        );
        assert_eq!(cursor::read_number("000123"), Some(123));
        for bad in ["", "-1", "1.5", "1234567890123456789", " 1", "+1"] {
            assert_eq!(cursor::read_number(bad), None, "{bad:?}");
        }
        for bad in ["", "A0", "0", "zz", "6162 "] {
            assert_eq!(cursor::read_text(bad), None, "{bad:?}");
        }
        for bad in ["61", "61.", ".x", "6.1", "61.-1"] {
            assert_eq!(cursor::read_text_and_number(bad), None, "{bad:?}");
        }
        // Bytes that are not UTF-8 are still a position.
        assert_eq!(cursor::read_text("ff").as_deref(), Some("\u{fffd}"));
    }
}
