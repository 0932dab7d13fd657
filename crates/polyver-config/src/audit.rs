//! The `[audit]` section: `[[audit.ignore]]` entries (an advisory id, why, until when), the
//! default `fail-on` threshold and the OSV export URL used by `db sync`.
//!
//! An ignore must say why (`reason`), so that a silenced vulnerability is a decision someone
//! can review; `until` makes it expire, after which the audit reports the finding again.

use crate::Reader;
use toml_edit::{Item, Table};

/// Keys of `[audit]`.
pub(crate) const AUDIT_KEYS: &[&str] = &["ignore", "fail-on", "osv-url", "max-age-days"];
/// Keys of one `[[audit.ignore]]`.
const IGNORE_KEYS: &[&str] = &["id", "reason", "until"];
const SEVERITIES: &[&str] = &["info", "low", "medium", "high", "critical"];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditSection {
    pub ignore: Vec<AuditIgnore>,
    /// `low`, `medium`, `high` or `critical`.
    pub fail_on: Option<String>,
    /// Base URL of the per-ecosystem OSV exports.
    pub osv_url: Option<String>,
    /// How many days old the OSV database may be before `audit` and `check` refuse it.
    pub max_age_days: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditIgnore {
    pub id: String,
    pub reason: String,
    /// `YYYY-MM-DD`, inclusive.
    pub until: Option<String>,
    /// Line of the entry in polyver.toml.
    pub line: u32,
}

impl Reader<'_> {
    pub(crate) fn audit(&self, item: &Item) -> Result<AuditSection, crate::ConfigError> {
        let table = item
            .as_table()
            .ok_or_else(|| self.at(item.span(), "`audit` must be a table: [audit]"))?;
        let mut audit = AuditSection::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = item.span().or(key_span.clone());
            match key {
                "ignore" => {
                    let entries = item.as_array_of_tables().ok_or_else(|| {
                        self.at(span, "`ignore` must be a list of tables: [[audit.ignore]]")
                    })?;
                    for entry in entries.iter() {
                        audit.ignore.push(self.ignore(entry)?);
                    }
                }
                "fail-on" => {
                    let value = item.as_str().map(str::to_ascii_lowercase);
                    match value {
                        Some(v) if SEVERITIES.contains(&v.as_str()) => audit.fail_on = Some(v),
                        _ => {
                            return Err(self.error(
                                span.map_or(0, |s| s.start),
                                "`fail-on` must be a severity".into(),
                                Some(format!("one of: {}", SEVERITIES.join(", "))),
                            ))
                        }
                    }
                }
                "osv-url" => {
                    let url = item
                        .as_str()
                        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                        .ok_or_else(|| self.at(span, "`osv-url` must be an http(s) URL string"))?;
                    audit.osv_url = Some(url.trim_end_matches('/').to_string());
                }
                "max-age-days" => {
                    let days = item
                        .as_integer()
                        .filter(|d| (1..=3650).contains(d))
                        .ok_or_else(|| {
                            self.at(
                                span,
                                "`max-age-days` must be a whole number of days, 1 to 3650",
                            )
                        })?;
                    audit.max_age_days = Some(days as u64);
                }
                _ => return Err(self.unknown(key_span, key, "a key of [audit]", AUDIT_KEYS)),
            }
        }
        Ok(audit)
    }

    fn ignore(&self, table: &Table) -> Result<AuditIgnore, crate::ConfigError> {
        let start = table.span().map_or(0, |s| s.start);
        let line = self.error(start, String::new(), None).line;
        let (mut id, mut reason, mut until) = (None, None, None);
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = item.span().or(key_span.clone());
            let text = || {
                item.as_str()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        self.at(span.clone(), &format!("`{key}` must be a non-empty string"))
                    })
            };
            match key {
                "id" => id = Some(text()?),
                "reason" => reason = Some(text()?),
                "until" => {
                    let date = match item.as_datetime() {
                        Some(dt) => dt
                            .date
                            .filter(|_| dt.time.is_none())
                            .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
                        None => item
                            .as_str()
                            .map(str::trim)
                            .filter(|s| is_date(s))
                            .map(str::to_string),
                    };
                    until = Some(date.ok_or_else(|| {
                        self.error(
                            span.as_ref().map_or(0, |s| s.start),
                            "`until` must be a date".into(),
                            Some("write it as until = 2025-06-30".into()),
                        )
                    })?);
                }
                _ => {
                    return Err(self.unknown(
                        key_span,
                        key,
                        "a key of [[audit.ignore]]",
                        IGNORE_KEYS,
                    ))
                }
            }
        }
        let missing = |what: &str| {
            self.error(
                start,
                format!("[[audit.ignore]] needs `{what}`"),
                Some("each ignore gives id = \"GHSA-…\", reason = \"why\" and optionally until = 2025-06-30".into()),
            )
        };
        Ok(AuditIgnore {
            id: id.ok_or_else(|| missing("id"))?,
            reason: reason.ok_or_else(|| missing("reason"))?,
            until,
            line,
        })
    }
}

/// `YYYY-MM-DD` with a real month and day.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else { return false };
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (num(y, 4), num(m, 2), num(d, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

#[cfg(test)]
mod tests {
    use crate::parse;
    use std::path::Path;

    fn parse_str(text: &str) -> Result<crate::Config, crate::ConfigError> {
        parse(Path::new("polyver.toml"), text)
    }

    #[test]
    fn reads_ignores_with_dates() {
        let c = parse_str(
            "[audit]\nfail-on = \"High\"\n\n[[audit.ignore]]\nid = \"GHSA-xxxx\"\nreason = \"not reachable\"\nuntil = 2025-06-30\n\n[[audit.ignore]]\nid = \"CVE-1\"\nreason = \"vendored fix\"\nuntil = \"2026-01-02\"\n",
        )
        .unwrap();
        assert_eq!(c.audit.fail_on.as_deref(), Some("high"));
        assert_eq!(c.audit.ignore.len(), 2);
        assert_eq!(c.audit.ignore[0].until.as_deref(), Some("2025-06-30"));
        assert_eq!(c.audit.ignore[0].line, 4);
        assert_eq!(c.audit.ignore[1].until.as_deref(), Some("2026-01-02"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located() {
        let e = parse_str("[[audit.ignore]]\nid = \"X\"\nreasn = \"y\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.hint.unwrap().starts_with("did you mean `reason`?"));
        let e = parse_str("[audit]\nfail_on = \"high\"\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `fail-on`?"));
        let e = parse_str("[[audit.ignore]]\nid = \"X\"\n").unwrap_err();
        assert!(e.message.contains("needs `reason`"), "{e}");
        let e = parse_str("[[audit.ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"soon\"\n")
            .unwrap_err();
        assert_eq!(e.line, 4);
        let e = parse_str("[audit]\nfail-on = \"severe\"\n").unwrap_err();
        assert!(e.hint.unwrap().contains("critical"));
        assert!(parse_str("[audit]\nosv-url = \"ftp://x\"\n").is_err());
    }
}
