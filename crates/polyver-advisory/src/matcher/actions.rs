//! GitHub Actions refs as OSV's `GitHub Actions` ecosystem reads them.
//!
//! Workflows pin actions by tag (`tj-actions/changed-files@v45.0.7`), by floating major or
//! minor tag (`@v4`, `@v4.1`), by commit SHA (with the tag in a `# v4.1.1` comment when a
//! pinning tool wrote one) or by branch. GitHub's advisory database writes versions without
//! the `v` (`fixed: 46.0.1`). So: a full tag is that version, `v` dropped; a floating tag is
//! the range of releases it moves over (`v4` = `>=4.0.0 <5.0.0`), reported *not pinned* with
//! the advisories that range admits; a SHA without a version comment, or a branch, names no
//! version and is counted as *version unknown*, never matched and never counted as checked.

use polyver_model::Component;

/// What one action reference tells about its version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ActionRef {
    /// A release tag: the version, without `v`.
    Exact(String),
    /// A floating tag: the npm-syntax range of releases it moves over.
    Floating(String),
    /// A SHA without a version comment, or a branch.
    Unknown,
}

/// The ref of an action component (its version, else the branch kept as its constraint).
pub(super) fn action_ref(c: &Component) -> ActionRef {
    let written = c
        .version
        .as_deref()
        .or(c.constraint.as_ref().map(|k| k.raw.as_str()));
    match written {
        Some(raw) => parse_ref(raw),
        None => ActionRef::Unknown,
    }
}

pub(super) fn parse_ref(raw: &str) -> ActionRef {
    let raw = raw.trim();
    let bare = raw.strip_prefix('v').unwrap_or(raw);
    let release = bare.split(['-', '+']).next().unwrap_or(bare);
    let numbers: Vec<&str> = release.split('.').collect();
    if numbers
        .iter()
        .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.len() > 9)
    {
        return ActionRef::Unknown; // a branch, or a SHA (40 hex is not all digits)
    }
    let n = |i: usize| numbers[i].parse::<u64>().unwrap_or(0);
    match numbers.len() {
        1 if release == bare => ActionRef::Floating(format!(">={0}.0.0 <{1}.0.0", n(0), n(0) + 1)),
        2 if release == bare => {
            ActionRef::Floating(format!(">={0}.{1}.0 <{0}.{2}.0", n(0), n(1), n(1) + 1))
        }
        3 => ActionRef::Exact(bare.to_string()),
        _ => ActionRef::Unknown,
    }
}

/// `c` as the matcher should see it: an exact tag without its `v`, a floating tag with no
/// version (its tag kept as the constraint, as written); `None` when no version is known.
pub(super) fn matchable(c: &Component) -> Option<Component> {
    match action_ref(c) {
        ActionRef::Exact(v) => {
            let mut m = c.clone();
            m.version = Some(v);
            Some(m)
        }
        ActionRef::Floating(_) => {
            let mut m = c.clone();
            let tag = c.version.clone().unwrap_or_default();
            m.version = None;
            if m.constraint.is_none() {
                m.constraint = Some(polyver_model::Constraint::new(tag));
            }
            Some(m)
        }
        ActionRef::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs() {
        assert_eq!(parse_ref("v45.0.7"), ActionRef::Exact("45.0.7".into()));
        assert_eq!(parse_ref("46.0.1"), ActionRef::Exact("46.0.1".into()));
        assert_eq!(
            parse_ref("v1.2.3-beta.1"),
            ActionRef::Exact("1.2.3-beta.1".into())
        );
        assert_eq!(
            parse_ref("v4"),
            ActionRef::Floating(">=4.0.0 <5.0.0".into())
        );
        assert_eq!(
            parse_ref("v4.1"),
            ActionRef::Floating(">=4.1.0 <4.2.0".into())
        );
        for unknown in [
            "main",
            "release/v2",
            "b4ffde65f46336ab88eb53be808477a3936bae11",
            "v",
            "v1..2",
            "v4-beta",
            "v99999999999",
        ] {
            assert_eq!(parse_ref(unknown), ActionRef::Unknown, "{unknown}");
        }
    }
}
