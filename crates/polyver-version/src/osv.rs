//! OSV affected-range evaluation, exactly as the OSV schema's "Evaluation" pseudocode gives it:
//! a version is affected if it is in the `versions` list, or if, for some range, it is below
//! one of the `limit` events (an implicit `limit: "*"` when there is none) and walking the
//! events in version order leaves it vulnerable (`introduced`: `v >= e` → vulnerable;
//! `fixed`: `v >= e` → not; `last_affected`: `v > e` → not).
//!
//! `ECOSYSTEM` ranges order versions with the ecosystem's own scheme; `SEMVER` ranges with
//! SemVer 2.0 precedence (a leading `v` on the queried version, as Go module versions have,
//! is accepted). Unlike constraint matching, pre-releases are plain versions here. `GIT`
//! ranges need the repository's commit graph: [`PreparedRange::new`] refuses them and the
//! caller counts them as skipped. Event versions are parsed once, when the range is prepared.

use crate::{semver2, AnyVersion, Ecosystem, InputKind, VersionError};
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RangeType {
    Semver,
    Ecosystem,
    Git,
}

impl RangeType {
    pub fn parse(s: &str) -> Option<RangeType> {
        match s {
            "SEMVER" => Some(RangeType::Semver),
            "ECOSYSTEM" => Some(RangeType::Ecosystem),
            "GIT" => Some(RangeType::Git),
            _ => None,
        }
    }
}

/// One event of an OSV range, with its version string as published.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// A point on the version line: the special `introduced: "0"` bottom, a version, or the
/// `limit: "*"` top.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Point {
    Bottom,
    At(AnyVersion),
    Top,
}

/// Why an OSV range cannot be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("GIT ranges need the repository's commit graph and are not evaluated")]
    Git,
    #[error("range has no `introduced` event")]
    NoIntroduced,
    #[error(transparent)]
    Version(#[from] VersionError),
}

/// A range with its event versions parsed and sorted, ready to test many versions against.
#[derive(Clone, Debug)]
pub struct PreparedRange {
    eco: Ecosystem,
    kind: RangeType,
    /// Events sorted by version (stable: equal versions keep their published order).
    events: Vec<(Point, EventKind)>,
    limits: Vec<Point>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
}

fn parse_point(eco: Ecosystem, kind: RangeType, s: &str) -> Result<AnyVersion, VersionError> {
    match kind {
        RangeType::Semver => semver2::Version::parse_lenient(s)
            .map(AnyVersion::Semver)
            .map_err(|r| VersionError {
                eco: Ecosystem::Semver,
                kind: InputKind::Version,
                input: s.to_string(),
                reason: r.into(),
            }),
        _ => AnyVersion::parse(eco, s),
    }
}

impl PreparedRange {
    pub fn new(eco: Ecosystem, kind: RangeType, events: &[Event]) -> Result<Self, RangeError> {
        if kind == RangeType::Git {
            return Err(RangeError::Git);
        }
        if !events.iter().any(|e| matches!(e, Event::Introduced(_))) {
            return Err(RangeError::NoIntroduced);
        }
        let mut sorted = Vec::with_capacity(events.len());
        let mut limits = Vec::new();
        for e in events {
            let text = e.version();
            let point = match (e, text) {
                (Event::Introduced(_), "0") => Point::Bottom,
                (Event::Limit(_), t) if t.contains('*') => Point::Top,
                _ => Point::At(parse_point(eco, kind, text)?),
            };
            match e {
                Event::Introduced(_) => sorted.push((point, EventKind::Introduced)),
                Event::Fixed(_) => sorted.push((point, EventKind::Fixed)),
                Event::LastAffected(_) => sorted.push((point, EventKind::LastAffected)),
                Event::Limit(_) => limits.push(point),
            }
        }
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(PreparedRange {
            eco,
            kind,
            events: sorted,
            limits,
        })
    }

    /// Parses `version` in this range's ordering (SemVer for `SEMVER` ranges).
    pub fn parse_version(&self, version: &str) -> Result<AnyVersion, VersionError> {
        parse_point(self.eco, self.kind, version)
    }

    /// The schema's `IncludedInRanges` for this one range.
    pub fn contains(&self, v: &AnyVersion) -> bool {
        let v = Point::At(v.clone());
        let before_limits = self.limits.is_empty() || self.limits.iter().any(|l| v < *l);
        if !before_limits {
            return false;
        }
        let mut vulnerable = false;
        for (point, kind) in &self.events {
            match kind {
                EventKind::Introduced if v >= *point => vulnerable = true,
                EventKind::Fixed if v >= *point => vulnerable = false,
                EventKind::LastAffected if v > *point => vulnerable = false,
                _ => {}
            }
        }
        vulnerable
    }

    /// The `fixed` versions of this range, in order.
    pub fn fixed_versions(&self) -> impl Iterator<Item = &AnyVersion> {
        self.events.iter().filter_map(|(p, k)| match (p, k) {
            (Point::At(v), EventKind::Fixed) => Some(v),
            _ => None,
        })
    }
}

/// The schema's `IncludedInVersions`: equality in the ecosystem's scheme (so PyPI `1.0`
/// matches a listed `1.0.0`), falling back to string equality for unparseable entries.
pub fn in_versions_list<'a>(
    eco: Ecosystem,
    version: &str,
    list: impl IntoIterator<Item = &'a str>,
) -> bool {
    let parsed = AnyVersion::parse(eco, version).ok();
    list.into_iter().any(|listed| {
        listed == version
            || match (&parsed, AnyVersion::parse(eco, listed)) {
                (Some(a), Ok(b)) => a.cmp(&b) == Ordering::Equal,
                _ => false,
            }
    })
}

/// Convenience for one-off checks: is `version` inside the range given by `events`?
pub fn is_affected(
    eco: Ecosystem,
    kind: RangeType,
    events: &[Event],
    version: &str,
) -> Result<bool, RangeError> {
    let range = PreparedRange::new(eco, kind, events)?;
    let v = range.parse_version(version)?;
    Ok(range.contains(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Event::*;

    fn s(x: &str) -> String {
        x.to_string()
    }

    fn affected(eco: Ecosystem, kind: RangeType, events: &[Event], v: &str) -> bool {
        is_affected(eco, kind, events, v).unwrap()
    }

    #[test]
    fn unsorted_pairs_as_in_pysec_2023_192() {
        // introduced 2.0.0, fixed 2.0.6, introduced 0, fixed 1.26.17 (published in this order).
        let ev = [
            Introduced(s("2.0.0")),
            Fixed(s("2.0.6")),
            Introduced(s("0")),
            Fixed(s("1.26.17")),
        ];
        let eco = Ecosystem::Pypi;
        for (v, want) in [
            ("1.26.16", true),
            ("1.26.17", false),
            ("1.26.18", false),
            ("2.0.0", true),
            ("2.0.5", true),
            ("2.0.6", false),
            ("0.1", true),
        ] {
            assert_eq!(affected(eco, RangeType::Ecosystem, &ev, v), want, "{v}");
        }
    }

    #[test]
    fn last_affected_and_limit() {
        let ev = [Introduced(s("0")), LastAffected(s("2.1.214"))];
        assert!(affected(
            Ecosystem::Maven,
            RangeType::Ecosystem,
            &ev,
            "2.1.214"
        ));
        assert!(!affected(
            Ecosystem::Maven,
            RangeType::Ecosystem,
            &ev,
            "2.1.215"
        ));
        let ev = [Introduced(s("1.0.0")), Limit(s("1.5.0"))];
        assert!(affected(Ecosystem::Semver, RangeType::Semver, &ev, "1.4.9"));
        assert!(!affected(
            Ecosystem::Semver,
            RangeType::Semver,
            &ev,
            "1.5.0"
        ));
        assert!(!affected(
            Ecosystem::Semver,
            RangeType::Semver,
            &ev,
            "0.9.0"
        ));
        let ev = [Introduced(s("1.0.0")), Limit(s("*"))];
        assert!(affected(
            Ecosystem::Semver,
            RangeType::Semver,
            &ev,
            "99.0.0"
        ));
    }

    #[test]
    fn semver_ranges_take_go_versions_and_prereleases_are_plain() {
        let ev = [
            Introduced(s("0")),
            Fixed(s("0.0.0-20220314234659-1baeb1ce4c0b")),
        ];
        assert!(affected(
            Ecosystem::Go,
            RangeType::Semver,
            &ev,
            "v0.0.0-20200101000000-abcdefabcdef"
        ));
        assert!(!affected(Ecosystem::Go, RangeType::Semver, &ev, "v0.1.0"));
        let ev = [Introduced(s("1.0.0")), Fixed(s("1.2.0"))];
        assert!(affected(
            Ecosystem::Semver,
            RangeType::Semver,
            &ev,
            "1.2.0-rc.1"
        ));
    }

    #[test]
    fn errors() {
        assert_eq!(
            PreparedRange::new(Ecosystem::Go, RangeType::Git, &[Introduced(s("abc"))]).unwrap_err(),
            RangeError::Git
        );
        assert_eq!(
            PreparedRange::new(Ecosystem::Go, RangeType::Semver, &[Fixed(s("1.0.0"))]).unwrap_err(),
            RangeError::NoIntroduced
        );
        assert!(is_affected(
            Ecosystem::Semver,
            RangeType::Semver,
            &[Introduced(s("x"))],
            "1.0.0"
        )
        .is_err());
    }

    #[test]
    fn versions_list_uses_ecosystem_equality() {
        assert!(in_versions_list(
            Ecosystem::Semver,
            "1.0.0+build",
            ["1.0.0"]
        ));
        assert!(!in_versions_list(
            Ecosystem::Semver,
            "1.0.1",
            ["1.0.0", "junk"]
        ));
        assert!(in_versions_list(Ecosystem::Semver, "junk", ["junk"]));
    }
}
