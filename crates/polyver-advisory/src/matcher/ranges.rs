//! Whether an advisory's affected entry hits a version (the OSV schema's `IsAffected`),
//! and whether a constraint admits any affected version (interval algebra), for the
//! not-pinned case.

use super::{Prepared, Query};
use crate::osv::Affected;
use polyver_version::osv::RangeType;
use polyver_version::Ecosystem as Scheme;

/// The schema's `IsAffected` for one affected entry: in the `versions` list (equality in the
/// ecosystem's scheme, else as strings, as `polyver_version::osv::in_versions_list`), or in
/// one of the ranges.
pub(super) fn affects(p: &Prepared, q: &Query) -> bool {
    if q.ecosystem
        .as_ref()
        .is_some_and(|v| p.listed.binary_search(v).is_ok())
        || p.listed_raw.contains(&q.raw)
    {
        return true;
    }
    p.ranges.iter().any(|(kind, r)| {
        let v = match kind {
            RangeType::Semver => q.semver.as_ref(),
            _ => q.ecosystem.as_ref(),
        };
        v.is_some_and(|v| r.contains(v))
    })
}

/// Whether some version admitted by `constraint` (any version when `None` or unparseable)
/// is affected by `affected`, on the interval form of both.
pub(super) fn admits(scheme: Scheme, constraint: Option<&str>, affected: &Affected) -> bool {
    macro_rules! with {
        ($m:ident) => {{
            use polyver_version::$m as m;
            admits_in::<m::Version, m::Range, _, _>(
                constraint,
                affected,
                m::Version::parse,
                m::Range::parse,
            )
        }};
    }
    let known = match scheme {
        Scheme::Pypi => with!(pypi),
        Scheme::Npm => with!(npm),
        Scheme::Cargo => with!(cargo),
        Scheme::Maven => with!(maven),
        Scheme::Rubygems => with!(rubygems),
        Scheme::Nuget => with!(nuget),
        _ => None,
    };
    // When the sets cannot be built, say it may be affected rather than pass silently.
    known.unwrap_or(true)
}

pub(super) fn admits_in<V, R, E1, E2>(
    constraint: Option<&str>,
    affected: &Affected,
    parse_version: impl Fn(&str) -> Result<V, E1>,
    parse_range: impl Fn(&str) -> Result<R, E2>,
) -> Option<bool>
where
    V: Ord + Clone + std::fmt::Display,
    R: polyver_version::algebra::Constraint<Version = V>,
{
    use polyver_version::{Bound, Interval, VersionSet};
    let allowed = match constraint
        .map(str::trim)
        .filter(|c| !c.is_empty() && *c != "*")
    {
        Some(c) => parse_range(c).ok()?.to_set(),
        None => VersionSet::full(),
    };
    for listed in &affected.versions {
        if let Ok(v) = parse_version(listed) {
            if allowed.contains(&v) {
                return Some(true);
            }
        }
    }
    for range in &affected.ranges {
        if range.kind == "GIT" {
            continue;
        }
        let mut events: Vec<(Option<V>, u8)> = Vec::new();
        let mut limit: Option<Option<V>> = None;
        for e in &range.events {
            let (text, kind) = match e.to_engine()? {
                polyver_version::osv::Event::Introduced(t) => (t, 0),
                polyver_version::osv::Event::Fixed(t) => (t, 1),
                polyver_version::osv::Event::LastAffected(t) => (t, 2),
                polyver_version::osv::Event::Limit(t) => {
                    let v = if t.contains('*') {
                        None
                    } else {
                        Some(parse_version(&t).ok()?)
                    };
                    limit = Some(match (limit, v) {
                        (Some(Some(a)), Some(b)) => Some(a.max(b)),
                        (_, v) => v,
                    });
                    continue;
                }
            };
            let v = if kind == 0 && text == "0" {
                None
            } else {
                Some(parse_version(&text).ok()?)
            };
            events.push((v, kind));
        }
        events.sort_by(|a, b| a.0.cmp(&b.0));
        let mut intervals = Vec::new();
        let mut open: Option<Bound<V>> = None;
        for (v, kind) in events {
            let at = |v: Option<V>, inclusive: bool| match v {
                None => Bound::Unbounded,
                Some(v) if inclusive => Bound::Included(v),
                Some(v) => Bound::Excluded(v),
            };
            match (kind, open.take()) {
                (0, None) => open = Some(at(v, true)),
                (0, still) => open = still,
                (1, Some(lower)) => intervals.extend(Interval::new(lower, at(v, false))),
                (2, Some(lower)) => intervals.extend(Interval::new(lower, at(v, true))),
                (_, None) => {}
                (_, Some(lower)) => open = Some(lower),
            }
        }
        if let Some(lower) = open {
            intervals.extend(Interval::new(lower, Bound::Unbounded));
        }
        let mut set = VersionSet::from_intervals(intervals);
        if let Some(Some(l)) = limit {
            set = set.intersect(&VersionSet::less_than(l));
        }
        if !set.intersect(&allowed).is_empty() {
            return Some(true);
        }
    }
    Some(false)
}
