//! A page's query parameters, read strictly (an unknown name or value is a 400 that says what
//! is accepted), and the links that change some of them while keeping the others.
//!
//! An empty value counts as absent: a GET form sends its "any" choices as `ecosystem=`.

use super::PageError;
use crate::api::params::{last_value, parse_value, percent_encode, shown};
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;

/// Items per page when `limit` is not given, and the most a page holds: as in the JSON API.
pub use crate::api::params::{DEFAULT_LIMIT, MAX_LIMIT};

pub(crate) struct PageQuery {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for PageQuery {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| PageError::bad_request(format!("unreadable query string: {e}")))?;
        Ok(PageQuery {
            pairs: pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
        })
    }
}

impl PageQuery {
    #[cfg(test)]
    pub fn of(pairs: &[(&str, &str)]) -> PageQuery {
        PageQuery {
            pairs: pairs
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// 400 for a parameter this page does not read.
    pub fn only(&self, known: &[&str]) -> Result<(), PageError> {
        match self
            .pairs
            .iter()
            .find(|(k, _)| !known.contains(&k.as_str()))
        {
            Some((k, _)) => Err(PageError::bad_request(format!(
                "this page has no query parameter `{}`",
                shown(k)
            ))
            .hint(format!("it reads {}", known.join(", ")))),
            None => Ok(()),
        }
    }

    /// The parameter's value (the last, when repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        last_value(&self.pairs, name)
    }

    fn parsed<T>(
        &self,
        name: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, PageError> {
        parse_value(self.get(name), name, expected, parse).map_err(PageError::bad_request)
    }

    /// One of `values`, by their ids.
    pub fn one_of<T: Copy>(
        &self,
        name: &str,
        values: &[T],
        id: impl Fn(T) -> &'static str,
    ) -> Result<Option<T>, PageError> {
        let ids: Vec<&str> = values.iter().map(|v| id(*v)).collect();
        self.parsed(name, &format!("one of {}", ids.join(", ")), |t| {
            values.iter().copied().find(|v| id(*v) == t)
        })
    }

    /// `true` or `false`.
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, PageError> {
        self.parsed(name, "`true` or `false`", |t| match t {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
    }

    /// An integer in `min..=max`.
    pub fn number(&self, name: &str, min: u64, max: u64) -> Result<Option<u64>, PageError> {
        self.parsed(name, &format!("an integer from {min} to {max}"), |t| {
            if t.is_empty() || t.len() > 19 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            t.parse::<u64>().ok().filter(|n| (min..=max).contains(n))
        })
    }

    /// `name` as a 1-based page number (default 1).
    pub fn page(&self, name: &str) -> Result<usize, PageError> {
        Ok(self.number(name, 1, 1_000_000)?.unwrap_or(1) as usize)
    }

    /// `limit`: items per page, [`DEFAULT_LIMIT`] unless given, at most [`MAX_LIMIT`].
    pub fn limit(&self) -> Result<usize, PageError> {
        Ok(self
            .number("limit", 1, MAX_LIMIT as u64)?
            .map_or(DEFAULT_LIMIT, |n| n as usize))
    }

    /// `path` with this query, where each `(name, value)` of `set` replaces that parameter
    /// (`None` removes it); parameters keep their order, new ones go last.
    pub fn link(&self, path: &str, set: &[(&str, Option<&str>)]) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (k, v) in &self.pairs {
            if set.iter().any(|(name, _)| name == k) {
                continue;
            }
            // Repeated parameters: the last one is the one read.
            pairs.retain(|(seen, _)| seen != k);
            pairs.push((k.clone(), v.clone()));
        }
        for (name, value) in set {
            if let Some(value) = value {
                pairs.push((name.to_string(), value.to_string()));
            }
        }
        if pairs.is_empty() {
            return path.to_string();
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        format!("{path}?{}", query.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_replace_and_keep_parameters() {
        let q = PageQuery::of(&[("sort", "name"), ("q", "a b&c"), ("page", "3"), ("x", "")]);
        assert_eq!(q.link("/", &[("page", None)]), "/?sort=name&q=a%20b%26c");
        assert_eq!(
            q.link("/", &[("sort", Some("health")), ("page", None)]),
            "/?q=a%20b%26c&sort=health"
        );
        assert_eq!(PageQuery::of(&[]).link("/r", &[("page", None)]), "/r");
    }

    #[test]
    fn values_are_read_strictly() {
        let q = PageQuery::of(&[
            ("limit", "0"),
            ("page", "2"),
            ("direct", "yes"),
            ("zzz", "1"),
        ]);
        assert!(q.limit().unwrap_err().message.contains("`limit` is `0`"));
        assert_eq!(q.page("page").unwrap(), 2);
        assert!(q.boolean("direct").is_err());
        let e = q.only(&["limit", "page", "direct"]).unwrap_err();
        assert_eq!(e.message, "this page has no query parameter `zzz`");
        assert_eq!(
            PageQuery::of(&[("limit", "")]).limit().unwrap(),
            DEFAULT_LIMIT
        );
    }
}
