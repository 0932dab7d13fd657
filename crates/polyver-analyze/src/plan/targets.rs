//! The version an item should move to, and why.
//!
//! - **Vulnerable**: the smallest version that fixes every advisory. The candidates are the
//!   advisories' fixed versions above the running one, in the ecosystem's order; each is
//!   asked of the caller's recheck (the engine matches the candidate against the OSV
//!   database, so a later range that re-introduces a flaw counts), and the first one nothing
//!   affects wins. Without an answer a candidate fixes an advisory when it is at or above
//!   that advisory's smallest fix. When no candidate fixes all, the smallest that fixes the
//!   most, and the rest are listed as still open.
//! - **Not pinned** (a range no lock resolves, admitting vulnerable versions): pin it.
//! - **Behind**: the latest release; when `[policy]` ignores that kind of bump (`major =
//!   "ignore"`), the newest the declared constraint admits (`wanted`) if that is newer and
//!   not ignored too. `[policy] ignore`/`allow` patterns keep a component out of these
//!   (security fixes are always proposed: the SLA is the policy that governs them).

use super::items::Item;
use polyver_advisory::matcher::Status;
use polyver_config::{PolicySection, UpdateAction};
use polyver_model::Ecosystem;
use polyver_upstream::outdated::Status as RowStatus;
use polyver_version::{Bump, Ecosystem as Scheme};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// Which advisories (by any of their ids) still affect a version of a package, or `None`
/// when that cannot be told: `(ecosystem, name, version)`.
pub type Recheck<'a> = &'a dyn Fn(Ecosystem, &str, &str) -> Option<BTreeSet<String>>;

/// What a recommendation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Move to a version that fixes vulnerabilities.
    Fix,
    /// No published version fixes them.
    NoFix,
    /// Pin the range (or add a lock file): it admits vulnerable versions.
    Pin,
    /// Move to a newer release.
    Update,
}

impl Action {
    pub fn id(self) -> &'static str {
        match self {
            Action::Fix => "fix",
            Action::NoFix => "no-fix",
            Action::Pin => "pin",
            Action::Update => "update",
        }
    }
}

/// The target of one item.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Target {
    pub action: Action,
    pub version: Option<String>,
    /// Advisory ids (primary) the target fixes, and those it leaves open.
    pub fixes: Vec<String>,
    pub still_open: Vec<String>,
    /// A tag whose digest moved: the digest to pin.
    pub digest: Option<String>,
    pub note: Option<String>,
}

/// Whether `[policy] ignore`/`allow` let `name` be proposed. A pattern is a name with `*` for
/// any characters, optionally prefixed by an ecosystem id (`pypi:django*`); names compare
/// case-insensitively.
pub fn proposed(policy: &PolicySection, ecosystem: Ecosystem, name: &str) -> bool {
    let matches = |pattern: &String| {
        let (eco, glob) = match pattern.split_once(':') {
            Some((id, rest)) if Ecosystem::from_id(id).is_some() => (Ecosystem::from_id(id), rest),
            _ => (None, pattern.as_str()),
        };
        eco.is_none_or(|e| e == ecosystem) && wildcard(&glob.to_lowercase(), &name.to_lowercase())
    };
    !policy.ignore.iter().any(matches)
        && (policy.allow.is_empty() || policy.allow.iter().any(matches))
}

/// `*` matches any run of characters; everything else itself.
fn wildcard(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn action_for(policy: &PolicySection, bump: Bump) -> Option<UpdateAction> {
    match bump {
        Bump::Major => policy.major,
        Bump::Minor => policy.minor,
        Bump::Patch | Bump::Other => policy.patch,
    }
}

/// `a` against `b` in the item's ordering; `None` when either does not parse.
fn order(scheme: Option<Scheme>, a: &str, b: &str) -> Option<Ordering> {
    polyver_version::compare(scheme?, a, b).ok()
}

/// One flaw of the item: every id it goes by, and its smallest fix.
struct Flaw<'v> {
    id: &'v str,
    ids: BTreeSet<&'v str>,
    smallest_fix: Option<&'v str>,
}

/// The target of `item` (see the module docs); `None` when there is nothing to do.
pub(crate) fn target(item: &Item, policy: &PolicySection, recheck: Recheck) -> Option<Target> {
    let scheme = item.ecosystem.version_scheme(&item.name);
    let affected: Vec<_> = item
        .vulnerabilities
        .iter()
        .filter(|v| v.status == Status::Affected)
        .collect();
    if !affected.is_empty() {
        let flaws: Vec<Flaw> = affected
            .iter()
            .map(|v| Flaw {
                id: &v.id,
                ids: std::iter::once(v.id.as_str())
                    .chain(v.aliases.iter().map(String::as_str))
                    .collect(),
                smallest_fix: v.smallest_fix.as_deref(),
            })
            .collect();
        return Some(fix_target(item, scheme, &flaws, &affected, recheck));
    }
    if let Some(v) = item.vulnerabilities.first() {
        return Some(Target {
            action: Action::Pin,
            version: None,
            fixes: Vec::new(),
            still_open: v.admitted.clone(),
            digest: None,
            note: Some(
                "pin a version (or add a lock file): the range admits vulnerable versions"
                    .to_string(),
            ),
        });
    }
    update_target(item, scheme, policy)
}

fn fix_target(
    item: &Item,
    scheme: Option<Scheme>,
    flaws: &[Flaw],
    affected: &[&polyver_advisory::VulnFinding],
    recheck: Recheck,
) -> Target {
    let current = item.current.as_deref();
    let mut candidates: Vec<&str> = affected
        .iter()
        .flat_map(|v| v.fixed_versions.iter().chain(v.smallest_fix.iter()))
        .map(String::as_str)
        .filter(|c| match current {
            Some(now) => order(scheme, c, now).is_none_or(|o| o == Ordering::Greater),
            None => true,
        })
        .collect();
    candidates.sort_by(|a, b| order(scheme, a, b).unwrap_or_else(|| a.cmp(b)));
    candidates.dedup_by(|a, b| order(scheme, a, b).map_or(a == b, |o| o == Ordering::Equal));
    let mut best: Option<(&str, Vec<&str>)> = None;
    for candidate in candidates {
        let open: Vec<&str> = match recheck(item.ecosystem, &item.name, candidate) {
            Some(still) => flaws
                .iter()
                .filter(|f| f.ids.iter().any(|id| still.contains(*id)))
                .map(|f| f.id)
                .collect(),
            None => flaws
                .iter()
                .filter(|f| {
                    !f.smallest_fix.is_some_and(|fix| {
                        order(scheme, candidate, fix)
                            .map_or(candidate == fix, |o| o != Ordering::Less)
                    })
                })
                .map(|f| f.id)
                .collect(),
        };
        if best.as_ref().is_none_or(|(_, o)| open.len() < o.len()) {
            let done = open.is_empty();
            best = Some((candidate, open));
            if done {
                break;
            }
        }
    }
    let all: Vec<String> = flaws.iter().map(|f| f.id.to_string()).collect();
    match best.filter(|(_, open)| open.len() < flaws.len()) {
        Some((version, open)) => Target {
            action: Action::Fix,
            version: Some(version.to_string()),
            fixes: all
                .iter()
                .filter(|id| !open.contains(&id.as_str()))
                .cloned()
                .collect(),
            still_open: open.iter().map(|s| s.to_string()).collect(),
            digest: None,
            note: (!open.is_empty()).then(|| format!("no version fixes {} too", open.join(", "))),
        },
        None => Target {
            action: Action::NoFix,
            version: None,
            fixes: Vec::new(),
            still_open: all,
            digest: None,
            note: Some("no fixed version is published above the running one".to_string()),
        },
    }
}

fn update_target(item: &Item, scheme: Option<Scheme>, policy: &PolicySection) -> Option<Target> {
    let row = item.row?;
    if row.status != RowStatus::Outdated || !proposed(policy, item.ecosystem, &item.name) {
        return None;
    }
    let current = row.current.as_deref()?;
    let update = |version: &str, note: Option<String>| Target {
        action: Action::Update,
        version: Some(version.to_string()),
        fixes: Vec::new(),
        still_open: Vec::new(),
        digest: None,
        note,
    };
    let Some(bump) = row.bump else {
        let digest = row.newer_digest.clone()?;
        return Some(Target {
            digest: Some(digest.clone()),
            ..update(current, Some(format!("the tag now points at {digest}")))
        });
    };
    if action_for(policy, bump) != Some(UpdateAction::Ignore) {
        return Some(update(row.latest.as_deref()?, None));
    }
    let wanted = row.wanted.as_deref()?;
    let newer = order(scheme, wanted, current) == Some(Ordering::Greater);
    let wanted_bump = polyver_version::bump(scheme?, current, wanted).ok()?;
    (newer && action_for(policy, wanted_bump) != Some(UpdateAction::Ignore)).then(|| {
        update(
            wanted,
            Some(format!(
                "latest {} is a {} update, which [policy] ignores",
                row.latest.as_deref().unwrap_or("?"),
                bump.as_str()
            )),
        )
    })
}

/// Whether `version` satisfies `constraint` in the item's ecosystem; `None` when that
/// cannot be told (no constraint, no version scheme, an unreadable range).
pub(crate) fn within(item: &Item, version: &str, constraint: Option<&str>) -> Option<bool> {
    let scheme = item.ecosystem.version_scheme(&item.name)?;
    polyver_version::satisfies(scheme, version, constraint?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_names_with_an_optional_ecosystem() {
        assert!(wildcard("django*", "django-rest"));
        assert!(wildcard("@babel/*", "@babel/core"));
        assert!(wildcard("*-plugin-*x", "eslint-plugin-x"));
        assert!(!wildcard("*-plugin-*x", "eslint-plugin-y"));
        assert!(wildcard("a*a", "aa"));
        assert!(!wildcard("a*a", "a"));
        assert!(!wildcard("django", "django-rest"));
        let policy = PolicySection {
            ignore: vec!["pypi:Django*".into(), "org.apache:commons-*".into()],
            ..PolicySection::default()
        };
        assert!(!proposed(&policy, Ecosystem::Pypi, "django-rest"));
        assert!(proposed(&policy, Ecosystem::Npm, "django-rest"));
        assert!(!proposed(
            &policy,
            Ecosystem::Maven,
            "org.apache:commons-io"
        ));
        let only = PolicySection {
            allow: vec!["@babel/*".into()],
            ..PolicySection::default()
        };
        assert!(proposed(&only, Ecosystem::Npm, "@babel/core"));
        assert!(!proposed(&only, Ecosystem::Npm, "lodash"));
    }
}
