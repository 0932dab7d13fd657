//! `[licenses]`: the licence policy of `polyver licenses` (and `polyver check`).
//!
//! ```toml
//! [licenses]
//! allow = ["permissive", "weak-copyleft", "MPL-2.0"]   # ids or categories; empty = all
//! deny = ["network-copyleft", "GPL-3.0-only"]
//! unknown = "warn"                                      # allow | warn | deny
//! registry = true                                       # look up what the tree does not say
//! registry-urls = { pypi = "https://pypi.org/pypi", npm = "https://registry.npmjs.org", crates-io = "https://crates.io/api/v1/crates" }
//!
//! [[licenses.exceptions]]
//! name = "pypi:chardet"           # ecosystem:name, or a bare name for any ecosystem
//! version = "5.2.0"               # optional: only this version
//! allow = ["LGPL-2.0-or-later"]
//! reason = "used unmodified as a separate module"
//! ```
//!
//! Every licence id is checked against the SPDX licence list (deprecated ids accepted) and
//! every category against the fixed list, at the line that names it.

use crate::{ConfigError, Reader};
use std::collections::BTreeMap;
use toml_edit::{Item, Table, Value};

/// Keys of `[licenses]`.
const KEYS: &[&str] = &[
    "allow",
    "deny",
    "exceptions",
    "unknown",
    "registry",
    "registry-urls",
];
const EXCEPTION_KEYS: &[&str] = &["name", "version", "allow", "reason"];
const REGISTRY_KEYS: &[&str] = &["pypi", "npm", "crates-io"];
/// Licence categories (kept equal to `polyver_license::category::CATEGORY_NAMES`, which a
/// test there checks).
pub const CATEGORIES: &[&str] = &[
    "permissive",
    "weak-copyleft",
    "copyleft",
    "network-copyleft",
    "proprietary",
    "unknown",
];

/// The `[licenses]` section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LicensesSection {
    pub allow: Vec<String>,
    pub deny: Vec<String>,
    pub exceptions: Vec<LicenseException>,
    /// `allow`, `warn` or `deny`; `None` = warn.
    pub unknown: Option<String>,
    /// `false` = never ask registries; `None` = ask unless offline.
    pub registry: Option<bool>,
    /// Base URLs by registry (`pypi`, `npm`, `crates-io`).
    pub registry_urls: BTreeMap<String, String>,
}

/// One `[[licenses.exceptions]]` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LicenseException {
    pub name: String,
    pub version: Option<String>,
    pub allow: Vec<String>,
    pub reason: String,
    /// Where it is written.
    pub line: u32,
}

type Span = Option<std::ops::Range<usize>>;

impl Reader<'_> {
    pub(crate) fn licenses(&self, table: &Table) -> Result<LicensesSection, ConfigError> {
        let mut out = LicensesSection::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = item.span().or(key_span.clone());
            match key {
                "allow" => out.allow = self.license_terms(item, span, key)?,
                "deny" => out.deny = self.license_terms(item, span, key)?,
                "unknown" => {
                    let v = item
                        .as_str()
                        .filter(|v| ["allow", "warn", "deny"].contains(v));
                    let v = v.ok_or_else(|| {
                        self.at(span, "`unknown` must be \"allow\", \"warn\" or \"deny\"")
                    })?;
                    out.unknown = Some(v.to_string());
                }
                "registry" => out.registry = Some(self.boolean(item, span, key)?),
                "registry-urls" => out.registry_urls = self.registry_urls(item, span)?,
                "exceptions" => out.exceptions = self.exceptions(item, span)?,
                _ => return Err(self.unknown(key_span, key, "a key of [licenses]", KEYS)),
            }
        }
        Ok(out)
    }

    /// An array of SPDX ids (`GPL-3.0-only`, `Apache-2.0 WITH LLVM-exception`, `MIT+`) or
    /// categories.
    fn license_terms(
        &self,
        item: &Item,
        span: Span,
        key: &str,
    ) -> Result<Vec<String>, ConfigError> {
        let array = item.as_array().ok_or_else(|| {
            self.at(
                span.clone(),
                &format!("`{key}` must be an array of SPDX licence ids or categories"),
            )
        })?;
        let mut out = Vec::new();
        for v in array.iter() {
            let Value::String(s) = v else {
                return Err(self.at(v.span(), &format!("`{key}` must contain only strings")));
            };
            let term = s.value().trim();
            if let Err(message) = check_term(term) {
                let offset = v.span().map_or(0, |s| s.start);
                let list = format!(
                    "categories: {}; licence ids as in https://spdx.org/licenses/",
                    CATEGORIES.join(", ")
                );
                let hint = match nearest_term(term) {
                    Some(near) => format!("did you mean `{near}`? ({list})"),
                    None => list,
                };
                return Err(self.error(offset, message, Some(hint)));
            }
            out.push(term.to_string());
        }
        Ok(out)
    }

    fn registry_urls(
        &self,
        item: &Item,
        span: Span,
    ) -> Result<BTreeMap<String, String>, ConfigError> {
        let table = item
            .as_table_like()
            .ok_or_else(|| self.at(span, "`registry-urls` must be a table of URLs"))?;
        let mut out = BTreeMap::new();
        for (key, value) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            if !REGISTRY_KEYS.contains(&key) {
                return Err(self.unknown(
                    key_span,
                    key,
                    "a key of [licenses.registry-urls]",
                    REGISTRY_KEYS,
                ));
            }
            let url = value
                .as_str()
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                .ok_or_else(|| {
                    self.at(
                        value.span().or(key_span),
                        &format!("`registry-urls.{key}` must be an http(s) URL"),
                    )
                })?;
            out.insert(key.to_string(), url.to_string());
        }
        Ok(out)
    }

    fn exceptions(&self, item: &Item, span: Span) -> Result<Vec<LicenseException>, ConfigError> {
        let mut tables: Vec<(Span, Table)> = Vec::new();
        if let Some(aot) = item.as_array_of_tables() {
            for t in aot.iter() {
                tables.push((t.span(), t.clone()));
            }
        } else if let Some(array) = item.as_array() {
            for v in array.iter() {
                let t = v.as_inline_table().ok_or_else(|| {
                    self.at(v.span(), "each exception must be a table: { name = ..., allow = [...], reason = ... }")
                })?;
                tables.push((v.span(), t.clone().into_table()));
            }
        } else {
            return Err(self.at(span, "`exceptions` must be written [[licenses.exceptions]]"));
        }
        let mut out = Vec::new();
        for (span, table) in tables {
            // A table's own span is its header; fall back to its first key.
            let span = span.or_else(|| {
                table
                    .iter()
                    .next()
                    .and_then(|(k, _)| table.key(k))
                    .and_then(|k| k.span())
            });
            let line = self
                .error(span.as_ref().map_or(0, |s| s.start), String::new(), None)
                .line;
            let mut e = LicenseException {
                line,
                ..LicenseException::default()
            };
            let mut has_allow = false;
            for (key, value) in table.iter() {
                let key_span = table.key(key).and_then(|k| k.span());
                let vspan = value.span().or(key_span.clone());
                let text = |what: &str| {
                    value
                        .as_str()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .ok_or_else(|| self.at(vspan.clone(), &format!("`{key}` must be {what}")))
                };
                match key {
                    "name" => e.name = text("a package name such as \"pypi:chardet\"")?,
                    "version" => e.version = Some(text("a version string")?),
                    "reason" => e.reason = text("a non-empty string")?,
                    "allow" => {
                        e.allow = self.license_terms(value, vspan.clone(), key)?;
                        has_allow = true;
                    }
                    _ => {
                        return Err(self.unknown(
                            key_span,
                            key,
                            "a key of [[licenses.exceptions]]",
                            EXCEPTION_KEYS,
                        ))
                    }
                }
            }
            let missing = [
                ("name", e.name.is_empty()),
                ("allow", !has_allow),
                ("reason", e.reason.is_empty()),
            ]
            .into_iter()
            .find(|(_, m)| *m);
            if let Some((key, _)) = missing {
                return Err(self.error(
                    span.as_ref().map_or(0, |s| s.start),
                    format!("this [[licenses.exceptions]] entry has no `{key}`"),
                    Some("an exception needs name, allow and reason".to_string()),
                ));
            }
            out.push(e);
        }
        Ok(out)
    }
}

/// The category or SPDX id closest to a mistyped term (`GPL-3.0-onyl` → `GPL-3.0-only`).
fn nearest_term(term: &str) -> Option<&'static str> {
    let lower = term.to_ascii_lowercase();
    CATEGORIES
        .iter()
        .copied()
        .chain(spdx::identifiers::LICENSES.iter().map(|l| l.name))
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// Whether `term` is a category or an SPDX licence (with optional `+` and `WITH exception`).
pub fn check_term(term: &str) -> Result<(), String> {
    if CATEGORIES.contains(&term) {
        return Ok(());
    }
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        allow_postfix_plus_on_gpl: true,
        ..spdx::ParseMode::STRICT
    };
    spdx::Licensee::parse_mode(term, mode)
        .map(|_| ())
        .map_err(|e| {
            format!(
                "`{term}` is neither a licence category nor an SPDX licence id ({})",
                e.reason
            )
        })
}

#[cfg(test)]
mod tests {
    use crate::parse;
    use std::path::Path;

    fn parse_str(text: &str) -> Result<crate::Config, crate::ConfigError> {
        parse(Path::new("polyver.toml"), text)
    }

    #[test]
    fn reads_the_section() {
        let c = parse_str(
            "[licenses]\nallow = [\"permissive\", \"MPL-2.0\", \"Apache-2.0 WITH LLVM-exception\"]\ndeny = [\"network-copyleft\", \"GPL-3.0-only\"]\nunknown = \"deny\"\nregistry = false\nregistry-urls = { pypi = \"http://127.0.0.1:9/pypi\" }\n\n[[licenses.exceptions]]\nname = \"pypi:chardet\"\nversion = \"5.2.0\"\nallow = [\"LGPL-2.0-or-later\"]\nreason = \"separate module\"\n",
        )
        .unwrap();
        let l = c.licenses;
        assert_eq!(
            l.allow,
            ["permissive", "MPL-2.0", "Apache-2.0 WITH LLVM-exception"]
        );
        assert_eq!(l.deny, ["network-copyleft", "GPL-3.0-only"]);
        assert_eq!(l.unknown.as_deref(), Some("deny"));
        assert_eq!(l.registry, Some(false));
        assert_eq!(l.registry_urls["pypi"], "http://127.0.0.1:9/pypi");
        assert_eq!(l.exceptions.len(), 1);
        assert_eq!(l.exceptions[0].name, "pypi:chardet");
        assert_eq!(l.exceptions[0].version.as_deref(), Some("5.2.0"));
        assert_eq!(l.exceptions[0].line, 8);
    }

    #[test]
    fn located_errors() {
        let e =
            parse_str("[licenses]\nallow = [\"MIT\"]\ndenny = [\"GPL-3.0-only\"]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "polyver.toml:3:1: unknown key `denny`: not a key of [licenses] of polyver.toml"
        );
        assert!(e.hint.unwrap().starts_with("did you mean `deny`?"));
        let e = parse_str("[licenses]\nallow = [\n  \"MIT\",\n  \"Apache-2.1\",\n]\n").unwrap_err();
        assert_eq!((e.line, e.column), (4, 3));
        assert!(
            e.message.contains("`Apache-2.1` is neither"),
            "{}",
            e.message
        );
        let e = parse_str("[licenses]\ndeny = [\"copyleftish\"]\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_str("[licenses]\nunknown = \"maybe\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_str("[licenses]\n[[licenses.exceptions]]\nname = \"x\"\nallow = [\"MIT\"]\nreasn = \"typo\"\n").unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.hint.unwrap().starts_with("did you mean `reason`?"));
        let e =
            parse_str("[[licenses.exceptions]]\nname = \"x\"\nallow = [\"MIT\"]\n").unwrap_err();
        assert!(e.message.contains("no `reason`"), "{}", e.message);
        let e = parse_str("[licenses]\nregistry-urls = { pipy = \"https://x\" }\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `pypi`?"));
        assert!(parse_str("[licenses]\nregistry-urls = { npm = \"ftp://x\" }\n").is_err());
    }
}
