//! Typed values shared by the `[policy]`, `[server]` and `[registries]` readers: one of a
//! fixed set of words (with the nearest one as a hint), non-negative counts, durations,
//! http(s) URLs, environment variable names and name patterns. Each error points at the
//! value that is wrong.

use crate::{ConfigError, Reader};
use toml_edit::{Item, TableLike, Value};

pub(crate) type Span = Option<std::ops::Range<usize>>;

/// The span of `key`'s value in `table`, else of the key itself.
pub(crate) fn span_of(table: &dyn TableLike, key: &str, item: &Item) -> Span {
    item.span()
        .or_else(|| table.key(key).and_then(|k| k.span()))
}

/// The nearest of `valid` to `word`, if it is near enough to be a likely typo.
pub(crate) fn nearest<'v>(word: &str, valid: &[&'v str]) -> Option<&'v str> {
    valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(word, v), *v))
        .filter(|(d, v)| *d <= 2.max(v.len() / 3))
        .min()
        .map(|(_, v)| v)
}

impl Reader<'_> {
    /// An error at `span` with a hint.
    pub(crate) fn hinted(&self, span: Span, message: String, hint: String) -> ConfigError {
        self.error(span.map_or(0, |s| s.start), message, Some(hint))
    }

    /// A string that must be one of `valid` (case-insensitive); returns the canonical word.
    pub(crate) fn choice<'v>(
        &self,
        item: &Item,
        span: Span,
        key: &str,
        valid: &[&'v str],
    ) -> Result<&'v str, ConfigError> {
        let word = item.as_str().map(|s| s.trim().to_ascii_lowercase());
        if let Some(found) = word
            .as_deref()
            .and_then(|w| valid.iter().find(|v| **v == w))
        {
            return Ok(found);
        }
        let list = valid.join(", ");
        let hint = match word.as_deref().and_then(|w| nearest(w, valid)) {
            Some(near) => format!("did you mean \"{near}\"? (one of: {list})"),
            None => format!("one of: {list}"),
        };
        Err(self.hinted(span, format!("`{key}` must be one of {list}"), hint))
    }

    /// An integer ≥ 0 that fits `u32` (days, counts).
    pub(crate) fn count(&self, item: &Item, span: Span, key: &str) -> Result<u32, ConfigError> {
        item.as_integer()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| self.at(span, &format!("`{key}` must be a whole number ≥ 0")))
    }

    /// A duration written `"90m"`, `"36h"`, `"7d"` or `"2w"`, in seconds.
    pub(crate) fn duration(&self, item: &Item, span: Span, key: &str) -> Result<u64, ConfigError> {
        let bad = || {
            self.hinted(
                span.clone(),
                format!("`{key}` must be a duration such as \"36h\" or \"7d\""),
                "a whole number ≥ 0 followed by m (minutes), h (hours), d (days) or w (weeks)"
                    .into(),
            )
        };
        let text = item.as_str().ok_or_else(bad)?.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: u64 = number.parse().map_err(|_| bad())?;
        let factor: u64 = match unit.trim() {
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => return Err(bad()),
        };
        number.checked_mul(factor).ok_or_else(bad)
    }

    /// An absolute http(s) URL with a host, without a trailing slash.
    pub(crate) fn http_url(
        &self,
        item: &Item,
        span: Span,
        key: &str,
    ) -> Result<String, ConfigError> {
        let bad = |why: String| {
            self.hinted(
                span.clone(),
                format!("`{key}` must be an http(s) URL: {why}"),
                "write it as \"https://host/path\"".into(),
            )
        };
        let text = item
            .as_str()
            .map(str::trim)
            .ok_or_else(|| bad("not a string".into()))?;
        let url = url::Url::parse(text).map_err(|e| bad(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad(format!("the scheme is `{}`", url.scheme())));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("no host".into()));
        }
        Ok(text.trim_end_matches('/').to_string())
    }

    /// The name of an environment variable (`GITHUB_TOKEN`): letters, digits and `_`, not
    /// starting with a digit. The value itself never goes in polyver.toml.
    pub(crate) fn env_name(
        &self,
        item: &Item,
        span: Span,
        key: &str,
    ) -> Result<String, ConfigError> {
        let name = item.as_str().map(str::trim).unwrap_or_default();
        let valid = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(self.hinted(
                span,
                format!("`{key}` must name an environment variable"),
                format!("write {key} = \"MY_SECRET\"; the secret itself stays in the environment"),
            ));
        }
        Ok(name.to_string())
    }

    /// An array of name patterns (`"requests"`, `"@babel/*"`, `"pypi:django*"`): non-empty
    /// strings, `*` matching any run of characters.
    pub(crate) fn patterns(
        &self,
        item: &Item,
        span: Span,
        key: &str,
    ) -> Result<Vec<String>, ConfigError> {
        let array = item
            .as_array()
            .ok_or_else(|| self.at(span, &format!("`{key}` must be an array of name patterns")))?;
        array
            .iter()
            .map(|v| match v {
                Value::String(s) if !s.value().trim().is_empty() => {
                    Ok(s.value().trim().to_string())
                }
                other => Err(self.hinted(
                    other.span(),
                    format!("`{key}` must contain only non-empty strings"),
                    "a package name, `*` for any characters: \"@babel/*\", \"pypi:django*\"".into(),
                )),
            })
            .collect()
    }

    /// The line of `span` (1-based).
    pub(crate) fn line_of(&self, span: &Span) -> u32 {
        self.error(span.as_ref().map_or(0, |s| s.start), String::new(), None)
            .line
    }
}
