//! Cargo: the `semver` crate is Cargo's own implementation, so it is the reference and this
//! module uses it directly. `Version` orders exactly as `semver::Version` (build metadata is the
//! last tie-breaker there); `Range` is `semver::VersionReq` (default caret, comma lists, `*`,
//! wildcards, tilde, and its pre-release rule: a pre-release matches only if a comparator names
//! the same `major.minor.patch` with a pre-release).
//!
//! `to_set` mirrors `semver`'s comparator evaluation (`matches_exact/greater/less/tilde/caret`)
//! as intervals. Comparators ignore build metadata while the order does not, so an inclusive
//! upper bound `v` becomes "below the next version after every `v+build`", which is
//! [`successor`]. The pre-release rule is not an interval union, so sets include pre-releases
//! the rule would reject (a superset, as the algebra allows).

use crate::algebra::{Bound, Constraint, Term, VersionSet};
use semver::{Comparator, Op, Prerelease};
use std::fmt;

pub use semver::Version as SemverVersion;

/// Why Cargo rejects a version or a requirement: the `semver` crate's error.
pub type ParseError = crate::SemverError;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub semver::Version);

impl Version {
    pub fn parse(s: &str) -> Result<Version, ParseError> {
        semver::Version::parse(s)
            .map(Version)
            .map_err(ParseError::from)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range(pub semver::VersionReq);

impl Range {
    pub fn parse(s: &str) -> Result<Range, ParseError> {
        semver::VersionReq::parse(s)
            .map(Range)
            .map_err(ParseError::from)
    }

    pub fn contains(&self, v: &Version) -> bool {
        self.0.matches(&v.0)
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

fn version(major: u64, minor: u64, patch: u64, pre: Prerelease) -> Version {
    Version(semver::Version {
        major,
        minor,
        patch,
        pre,
        build: semver::BuildMetadata::EMPTY,
    })
}

/// The smallest pre-release identifier list, `0`: `x.y.z-0` is the first version of `x.y.z`.
fn pre_zero() -> Prerelease {
    Prerelease::new("0").expect("`0` is a valid pre-release")
}

/// The first version of the release `major.minor.patch` (its smallest pre-release).
fn first_of(major: u64, minor: u64, patch: u64) -> Version {
    version(major, minor, patch, pre_zero())
}

/// The smallest version greater than `v` and than every `v+build`: `1.2.3` → `1.2.4-0`,
/// `1.2.3-alpha` → `1.2.3-alpha.0`. Saturates at the top of the number space.
pub fn successor(v: &semver::Version) -> Bound<Version> {
    if v.pre.is_empty() {
        match v.patch.checked_add(1) {
            Some(p) => Bound::Excluded(first_of(v.major, v.minor, p)),
            None => Bound::Unbounded,
        }
    } else {
        let pre = Prerelease::new(&format!("{}.0", v.pre)).expect("extending a valid pre-release");
        Bound::Excluded(version(v.major, v.minor, v.patch, pre))
    }
}

/// The first version after every release whose leading components are `major[.minor]`.
fn after_prefix(major: u64, minor: Option<u64>) -> Bound<Version> {
    let next = match minor {
        Some(m) => m.checked_add(1).map(|m| first_of(major, m, 0)),
        None => major.checked_add(1).map(|m| first_of(m, 0, 0)),
    };
    next.map_or(Bound::Unbounded, Bound::Excluded)
}

fn as_included(b: Bound<Version>) -> Bound<Version> {
    match b {
        Bound::Excluded(v) => Bound::Included(v),
        other => other,
    }
}

/// The interval form of one comparator, following `semver`'s `matches_*` functions.
pub fn comparator_set(c: &Comparator) -> VersionSet<Version> {
    let (major, minor, patch) = (c.major, c.minor, c.patch);
    let full = |p: u64| version(major, minor.unwrap_or(0), p, c.pre.clone());
    // The lowest version that `c` itself (as an exact bound) names.
    let low = || match (minor, patch) {
        (Some(m), Some(p)) => version(major, m, p, c.pre.clone()),
        (Some(m), None) => first_of(major, m, 0),
        (None, _) => first_of(major, 0, 0),
    };
    // Just above every version `c` names exactly.
    let above = || match (minor, patch) {
        (Some(_), Some(p)) => successor(&full(p).0),
        (m, _) => after_prefix(major, m),
    };
    // A partial `=`, `>=` or `~` (`>=1.2`) admits no pre-release of the release it names
    // (`matches_exact` wants the comparator's empty pre-release), so it starts at `x.y.0`.
    // Only `^` and `<` reach down to `x.y.0-0`.
    let low_release = || match patch {
        Some(_) => low(),
        None => version(major, minor.unwrap_or(0), 0, Prerelease::EMPTY),
    };
    match c.op {
        Op::Exact | Op::Wildcard => VersionSet::interval(Bound::Included(low_release()), above()),
        Op::Greater => VersionSet::interval(as_included(above()), Bound::Unbounded),
        Op::GreaterEq => VersionSet::interval(Bound::Included(low_release()), Bound::Unbounded),
        Op::Less => VersionSet::interval(Bound::Unbounded, Bound::Excluded(low())),
        Op::LessEq => VersionSet::interval(Bound::Unbounded, above()),
        Op::Tilde => {
            VersionSet::interval(Bound::Included(low_release()), after_prefix(major, minor))
        }
        Op::Caret => {
            let upper = match (minor, patch) {
                (None, _) => after_prefix(major, None),
                _ if major > 0 => after_prefix(major, None),
                (Some(m), None) => after_prefix(0, Some(m)),
                (Some(m), Some(_)) if m > 0 => after_prefix(0, Some(m)),
                (Some(m), Some(p)) => successor(&version(0, m, p, Prerelease::EMPTY).0),
            };
            VersionSet::interval(Bound::Included(low()), upper)
        }
        // `Op` is non-exhaustive: an operator this code does not know constrains nothing
        // it can prove, so its set is everything (sound).
        _ => VersionSet::full(),
    }
}

impl Constraint for Range {
    type Version = Version;

    fn to_set(&self) -> VersionSet<Version> {
        self.0
            .comparators
            .iter()
            .fold(VersionSet::full(), |acc, c| {
                acc.intersect(&comparator_set(c))
            })
    }

    fn terms(&self) -> Vec<Term<Version>> {
        self.0
            .comparators
            .iter()
            .map(|c| Term {
                text: c.to_string(),
                set: comparator_set(c),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }
    fn r(s: &str) -> Range {
        Range::parse(s).unwrap()
    }

    #[test]
    fn default_caret_and_prerelease_rule() {
        assert!(r("1.2.3").contains(&v("1.9.0")));
        assert!(!r("1.2.3").contains(&v("2.0.0")));
        assert!(!r(">=1.0.0").contains(&v("1.5.0-beta")));
        assert!(r(">=1.5.0-alpha").contains(&v("1.5.0-beta")));
        assert!(!r(">=1.5.0-alpha").contains(&v("1.6.0-beta")));
        assert!(r("^0.2.3").contains(&v("0.2.9")) && !r("^0.2.3").contains(&v("0.3.0")));
        assert!(r("~1.2").contains(&v("1.2.7")) && !r("~1.2").contains(&v("1.3.0")));
        assert!(r("*").contains(&v("3.0.0")) && !r("*").contains(&v("3.0.0-rc.1")));
        assert!(r("=1.2.3").contains(&v("1.2.3+build.5")));
    }

    #[test]
    fn sets() {
        assert_eq!(r("^1.2.3").to_set().to_string(), ">=1.2.3, <2.0.0-0");
        assert_eq!(r("~1.2").to_set().to_string(), ">=1.2.0, <1.3.0-0");
        assert_eq!(r(">=1.4").to_set().to_string(), ">=1.4.0");
        assert_eq!(r("^1.4").to_set().to_string(), ">=1.4.0-0, <2.0.0-0");
        assert_eq!(r("^0.0.3").to_set().to_string(), ">=0.0.3, <0.0.4-0");
        assert_eq!(r(">1.2").to_set().to_string(), ">=1.3.0-0");
        assert_eq!(r("<=1.2.3").to_set().to_string(), "<1.2.4-0");
        assert!(r("<1.0").to_set().is_disjoint(&r(">=1.0").to_set()));
        assert!(!r("=1.2.3").to_set().is_disjoint(&r("<1.2.4").to_set()));
    }

    fn versions() -> impl Strategy<Value = Version> {
        let pre = prop_oneof![
            Just(String::new()),
            Just("0".to_string()),
            Just("alpha".to_string()),
            Just("alpha.1".to_string()),
            Just("beta".to_string()),
            Just("rc.1".to_string()),
        ];
        let build = prop_oneof![Just(String::new()), Just("b1".to_string())];
        (0u64..4, 0u64..4, 0u64..4, pre, build).prop_map(|(a, b, c, p, m)| {
            let mut s = format!("{a}.{b}.{c}");
            if !p.is_empty() {
                s = format!("{s}-{p}");
            }
            if !m.is_empty() {
                s = format!("{s}+{m}");
            }
            v(&s)
        })
    }

    fn requirements() -> impl Strategy<Value = Range> {
        let op = prop_oneof![
            Just(""),
            Just("="),
            Just(">"),
            Just(">="),
            Just("<"),
            Just("<="),
            Just("~"),
            Just("^")
        ];
        let partial = prop_oneof![
            (0u64..4).prop_map(|a| format!("{a}")),
            (0u64..4, 0u64..4).prop_map(|(a, b)| format!("{a}.{b}")),
            (0u64..4, 0u64..4, 0u64..4).prop_map(|(a, b, c)| format!("{a}.{b}.{c}")),
            (0u64..4, 0u64..4, 0u64..4).prop_map(|(a, b, c)| format!("{a}.{b}.{c}-alpha")),
            (0u64..4).prop_map(|a| format!("{a}.*")),
        ];
        proptest::collection::vec((op, partial), 1..3).prop_map(|cs| {
            let text: Vec<String> = cs
                .into_iter()
                .map(|(o, p)| {
                    if p.contains('*') {
                        p
                    } else {
                        format!("{o}{p}")
                    }
                })
                .collect();
            r(&text.join(", "))
        })
    }

    proptest! {
        #[test]
        fn satisfies_implies_set_membership(req in requirements(), ver in versions()) {
            if req.contains(&ver) {
                prop_assert!(req.to_set().contains(&ver), "{req} matches {ver} but set {} does not", req.to_set());
            }
        }

        #[test]
        fn set_is_exact_for_releases(req in requirements(), ver in versions()) {
            if ver.0.pre.is_empty() {
                prop_assert_eq!(req.contains(&ver), req.to_set().contains(&ver), "{} {}", req, ver);
            }
        }
    }
}
