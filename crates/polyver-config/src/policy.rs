//! `[policy]`: how updates are applied and how fast vulnerabilities must be fixed — read by
//! `polyver update` (what to do per bump kind, which packages, in which groups), `polyver
//! plan` (SLA overdue, lag) and the policy gate of `polyver check`.
//!
//! ```toml
//! [policy]
//! patch = "auto"              # auto | pr | review | ignore
//! minor = "pr"
//! major = "review"
//! ignore = ["pypi:django*"]   # never proposed
//! allow = []                  # when non-empty, only these are proposed
//! max-lag = { majors = 1, days = 365 }
//!
//! [policy.sla]                # days to fix a vulnerability, per severity
//! critical = 0
//! high = 7
//!
//! group-by = "component"      # component | ecosystem | all: groups of what no
//!                             # [[policy.group]] selects
//!
//! [[policy.group]]            # one branch / pull request per group
//! name = "babel"
//! patterns = ["@babel/*"]
//! ```

use crate::values::{span_of, Span};
use crate::{ConfigError, Reader};
use polyver_model::Ecosystem;
use toml_edit::{Item, TableLike};

const KEYS: &[&str] = &[
    "patch", "minor", "major", "sla", "max-lag", "ignore", "allow", "group", "group-by",
];
const GROUP_BY: &[&str] = &["component", "ecosystem", "all"];
const SLA_KEYS: &[&str] = &["critical", "high", "medium", "low"];
const LAG_KEYS: &[&str] = &["majors", "minors", "days"];
const GROUP_KEYS: &[&str] = &["name", "patterns", "ecosystem", "bumps"];
const ACTIONS: &[&str] = &["auto", "pr", "review", "ignore"];
const BUMPS: &[&str] = &["patch", "minor", "major"];

/// What `polyver update` does with an update of one bump kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateAction {
    /// Apply and commit it.
    Auto,
    /// Open a pull request.
    Pr,
    /// Report it for a person to decide.
    Review,
    /// Never propose it.
    Ignore,
}

impl UpdateAction {
    fn from_word(word: &str) -> UpdateAction {
        match word {
            "auto" => UpdateAction::Auto,
            "pr" => UpdateAction::Pr,
            "ignore" => UpdateAction::Ignore,
            _ => UpdateAction::Review,
        }
    }
}

/// A kind of version bump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

/// Days allowed to fix a vulnerability, per severity (PRODUCT.md §2: 0, 7, 30, 30).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaDays {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl Default for SlaDays {
    fn default() -> Self {
        SlaDays {
            critical: 0,
            high: 7,
            medium: 30,
            low: 30,
        }
    }
}

/// How far behind a component may be before `plan` and `check` call it out; `None` = no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MaxLag {
    pub majors: Option<u32>,
    pub minors: Option<u32>,
    /// Days since the newest release the current version lags.
    pub days: Option<u32>,
}

/// One `[[policy.group]]`: updates of the components it selects travel together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateGroup {
    pub name: String,
    /// Name patterns (`@babel/*`); empty = any name.
    pub patterns: Vec<String>,
    pub ecosystem: Option<Ecosystem>,
    /// Only these bump kinds (`["patch"]` = "all patches"); empty = any.
    pub bumps: Vec<Bump>,
    pub line: u32,
}

/// How `polyver update` groups the changes no `[[policy.group]]` selects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// One group per package (all the files that declare it move together).
    #[default]
    Component,
    /// One group per ecosystem.
    Ecosystem,
    /// One group for everything.
    All,
}

/// The `[policy]` section; an unset bump kind is `None` (the command's default applies).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicySection {
    pub patch: Option<UpdateAction>,
    pub minor: Option<UpdateAction>,
    pub major: Option<UpdateAction>,
    pub sla: SlaDays,
    pub max_lag: MaxLag,
    /// Name patterns never proposed for update.
    pub ignore: Vec<String>,
    /// When non-empty, only names matching one of these are proposed.
    pub allow: Vec<String>,
    pub groups: Vec<UpdateGroup>,
    pub group_by: GroupBy,
}

impl Reader<'_> {
    pub(crate) fn policy(&self, item: &Item) -> Result<PolicySection, ConfigError> {
        let table = item
            .as_table_like()
            .ok_or_else(|| self.at(item.span(), "`policy` must be a table: [policy]"))?;
        let mut policy = PolicySection::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = span_of(table, key, item);
            match key {
                "patch" | "minor" | "major" => {
                    let action = UpdateAction::from_word(self.choice(item, span, key, ACTIONS)?);
                    match key {
                        "patch" => policy.patch = Some(action),
                        "minor" => policy.minor = Some(action),
                        _ => policy.major = Some(action),
                    }
                }
                "sla" => policy.sla = self.sla(item, span)?,
                "max-lag" => policy.max_lag = self.max_lag(item, span)?,
                "ignore" => policy.ignore = self.patterns(item, span, key)?,
                "allow" => policy.allow = self.patterns(item, span, key)?,
                "group" => policy.groups = self.groups(item, span)?,
                "group-by" => {
                    policy.group_by = match self.choice(item, span, key, GROUP_BY)? {
                        "ecosystem" => GroupBy::Ecosystem,
                        "all" => GroupBy::All,
                        _ => GroupBy::Component,
                    }
                }
                _ => return Err(self.unknown(key_span, key, "a key of [policy]", KEYS)),
            }
        }
        Ok(policy)
    }

    fn sub_table<'t>(
        &self,
        item: &'t Item,
        span: Span,
        what: &str,
    ) -> Result<&'t dyn TableLike, ConfigError> {
        item.as_table_like()
            .ok_or_else(|| self.at(span, &format!("`{what}` must be a table: [{what}]")))
    }

    fn sla(&self, item: &Item, span: Span) -> Result<SlaDays, ConfigError> {
        let table = self.sub_table(item, span, "policy.sla")?;
        let mut sla = SlaDays::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = span_of(table, key, item);
            let days = match key {
                "critical" => &mut sla.critical,
                "high" => &mut sla.high,
                "medium" => &mut sla.medium,
                "low" => &mut sla.low,
                _ => return Err(self.unknown(key_span, key, "a key of [policy.sla]", SLA_KEYS)),
            };
            *days = self.count(item, span, key)?;
        }
        Ok(sla)
    }

    fn max_lag(&self, item: &Item, span: Span) -> Result<MaxLag, ConfigError> {
        let table = self.sub_table(item, span, "policy.max-lag")?;
        let mut lag = MaxLag::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = span_of(table, key, item);
            let slot = match key {
                "majors" => &mut lag.majors,
                "minors" => &mut lag.minors,
                "days" => &mut lag.days,
                _ => {
                    return Err(self.unknown(key_span, key, "a key of [policy.max-lag]", LAG_KEYS))
                }
            };
            *slot = Some(self.count(item, span, key)?);
        }
        Ok(lag)
    }

    fn groups(&self, item: &Item, span: Span) -> Result<Vec<UpdateGroup>, ConfigError> {
        let entries = item
            .as_array_of_tables()
            .ok_or_else(|| self.at(span, "`group` must be a list of tables: [[policy.group]]"))?;
        let mut groups: Vec<UpdateGroup> = Vec::new();
        for entry in entries.iter() {
            let start: Span = entry.span();
            let mut group = UpdateGroup {
                name: String::new(),
                patterns: Vec::new(),
                ecosystem: None,
                bumps: Vec::new(),
                line: self.line_of(&start),
            };
            for (key, item) in entry.iter() {
                let key_span = entry.key(key).and_then(|k| k.span());
                let span = span_of(entry, key, item);
                match key {
                    "name" => {
                        group.name = item
                            .as_str()
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .ok_or_else(|| self.at(span, "`name` must be a non-empty string"))?
                            .to_string();
                    }
                    "patterns" => group.patterns = self.patterns(item, span, key)?,
                    "ecosystem" => {
                        let ids: Vec<&str> = Ecosystem::ALL.iter().map(|e| e.id()).collect();
                        let id = self.choice(item, span, key, &ids)?;
                        group.ecosystem = Ecosystem::from_id(id);
                    }
                    "bumps" => {
                        let array = item.as_array().ok_or_else(|| {
                            self.at(span, "`bumps` must be an array: [\"patch\", \"minor\"]")
                        })?;
                        for v in array.iter() {
                            let one = Item::Value(v.clone());
                            group
                                .bumps
                                .push(match self.choice(&one, v.span(), key, BUMPS)? {
                                    "patch" => Bump::Patch,
                                    "minor" => Bump::Minor,
                                    _ => Bump::Major,
                                });
                        }
                    }
                    _ => {
                        return Err(self.unknown(
                            key_span,
                            key,
                            "a key of [[policy.group]]",
                            GROUP_KEYS,
                        ))
                    }
                }
            }
            let at = start.as_ref().map_or(0, |s| s.start);
            if group.name.is_empty() {
                return Err(self.error(
                    at,
                    "[[policy.group]] needs `name`".into(),
                    Some("the name becomes the branch polyver/<name>".into()),
                ));
            }
            if group.patterns.is_empty() && group.ecosystem.is_none() && group.bumps.is_empty() {
                return Err(self.error(
                    at,
                    format!("[[policy.group]] `{}` selects nothing", group.name),
                    Some("give patterns, ecosystem or bumps (or several)".into()),
                ));
            }
            if let Some(first) = groups.iter().find(|g| g.name == group.name) {
                return Err(self.error(
                    at,
                    format!(
                        "[[policy.group]] `{}` is defined twice (first on line {})",
                        group.name, first.line
                    ),
                    Some("group names must be unique: each is a branch".into()),
                ));
            }
            groups.push(group);
        }
        Ok(groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;
    use std::path::Path;

    fn parse_str(text: &str) -> Result<crate::Config, ConfigError> {
        parse(Path::new("polyver.toml"), text)
    }

    #[test]
    fn reads_every_key_with_sla_defaults() {
        let c = parse_str(
            "[policy]\npatch = \"auto\"\nminor = \"PR\"\nmajor = \"review\"\nignore = [\"pypi:django*\"]\nallow = [\"@babel/*\"]\nmax-lag = { majors = 1, days = 365 }\n\n[policy.sla]\nhigh = 3\n\n[[policy.group]]\nname = \"babel\"\npatterns = [\"@babel/*\"]\n\n[[policy.group]]\nname = \"patches\"\necosystem = \"npm\"\nbumps = [\"patch\"]\n",
        )
        .unwrap();
        let p = c.policy;
        assert_eq!(p.patch, Some(UpdateAction::Auto));
        assert_eq!(p.minor, Some(UpdateAction::Pr));
        assert_eq!(p.major, Some(UpdateAction::Review));
        assert_eq!(
            p.sla,
            SlaDays {
                critical: 0,
                high: 3,
                medium: 30,
                low: 30
            }
        );
        assert_eq!(
            p.max_lag,
            MaxLag {
                majors: Some(1),
                minors: None,
                days: Some(365)
            }
        );
        assert_eq!(p.ignore, ["pypi:django*"]);
        assert_eq!(p.allow, ["@babel/*"]);
        assert_eq!(p.groups.len(), 2);
        assert_eq!(p.groups[0].line, 12);
        assert_eq!(p.groups[1].ecosystem, Some(Ecosystem::Npm));
        assert_eq!(p.groups[1].bumps, [Bump::Patch]);
        assert_eq!(
            parse_str("").unwrap().policy.sla,
            SlaDays::default(),
            "no [policy] = the PRODUCT.md defaults"
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located_with_the_nearest() {
        let e = parse_str("[policy]\npatch = \"auto\"\nmajr = \"pr\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.hint.unwrap().starts_with("did you mean `major`?"));
        let e = parse_str("[policy]\nminor = \"reveiw\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 9));
        assert!(
            e.hint
                .clone()
                .unwrap()
                .starts_with("did you mean \"review\"?"),
            "{e}"
        );
        let e = parse_str("[policy.sla]\ncritcal = 1\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `critical`?"));
        let e = parse_str("[policy.sla]\nhigh = -1\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("≥ 0"), "{e}");
        let e = parse_str("[policy]\nmax-lag = { day = 3 }\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `days`?"));
        let e = parse_str("[[policy.group]]\nname = \"a\"\necosystem = \"pipy\"\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean \"pypi\"?"));
        let e = parse_str("[[policy.group]]\nname = \"a\"\nbumps = [\"pach\"]\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean \"patch\"?"));
        let e = parse_str("[[policy.group]]\nname = \"a\"\n").unwrap_err();
        assert!(e.message.contains("selects nothing"), "{e}");
        let e = parse_str("[[policy.group]]\npatterns = [\"x\"]\n").unwrap_err();
        assert!(e.message.contains("needs `name`"), "{e}");
        let e = parse_str(
            "[[policy.group]]\nname = \"a\"\npatterns = [\"x\"]\n[[policy.group]]\nname = \"a\"\npatterns = [\"y\"]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("first on line 1"), "{e}");
        let e = parse_str("[policy]\ngroup-by = \"ecosytem\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.hint.unwrap().starts_with("did you mean \"ecosystem\"?"));
        assert_eq!(
            parse_str("[policy]\ngroup-by = \"all\"\n")
                .unwrap()
                .policy
                .group_by,
            GroupBy::All
        );
        let e = parse_str("[policy]\nignore = [\"\"]\n").unwrap_err();
        assert!(e.message.contains("non-empty"), "{e}");
        assert!(parse_str("[policy]\nsla = 3\n").is_err());
    }
}
