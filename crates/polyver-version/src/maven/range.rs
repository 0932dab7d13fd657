//! `VersionRange`: restrictions `[1.0,2.0)`, `(,1.0],[1.2,)`, a soft recommendation `1.0`, and
//! their interval form.

use super::version::*;
use crate::algebra::{Bound, Constraint, Interval, VersionSet};
use crate::error::offset_in;
use std::cmp::Ordering;
use std::fmt;

/// One `Restriction` of a range; `None` is an open end.
#[derive(Clone, Debug)]
pub(super) struct Restriction {
    pub(super) lower: Option<Version>,
    pub(super) lower_inclusive: bool,
    pub(super) upper: Option<Version>,
    pub(super) upper_inclusive: bool,
}

impl Restriction {
    const EVERYTHING: Restriction = Restriction {
        lower: None,
        lower_inclusive: false,
        upper: None,
        upper_inclusive: false,
    };

    /// `Restriction.containsVersion`.
    fn contains(&self, v: &Version) -> bool {
        if let Some(l) = &self.lower {
            match l.cmp(v) {
                Ordering::Greater => return false,
                Ordering::Equal if !self.lower_inclusive => return false,
                _ => {}
            }
        }
        if let Some(u) = &self.upper {
            match u.cmp(v) {
                Ordering::Less => return false,
                Ordering::Equal if !self.upper_inclusive => return false,
                _ => {}
            }
        }
        true
    }

    fn interval(&self) -> Option<Interval<Version>> {
        let bound = |v: &Option<Version>, inclusive: bool| match v {
            None => Bound::Unbounded,
            Some(v) if inclusive => Bound::Included(v.clone()),
            Some(v) => Bound::Excluded(v.clone()),
        };
        Interval::new(
            bound(&self.lower, self.lower_inclusive),
            bound(&self.upper, self.upper_inclusive),
        )
    }
}

/// A Maven version range (`VersionRange`): `[1.0,2.0)`, `(,1.0],[1.2,)`, `[1.2]`, or a bare
/// `1.0` — a soft requirement that `containsVersion` treats as matching every version.
#[derive(Clone, Debug)]
pub struct Range {
    spec: Box<str>,
    /// The soft requirement of a bare version.
    recommended: Option<Version>,
    pub(super) restrictions: Vec<Restriction>,
}

/// Java's `String.trim()`: strips every char ≤ U+0020 from both ends.
pub(super) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// A bound `s` of the restriction `spec`, a slice of the range text `whole`.
pub(super) fn bound_version(whole: &str, s: &str, spec: &str) -> Result<Version, ParseError> {
    Version::parse(s).map_err(|e| ParseError::Bound {
        version: s.to_string(),
        spec: spec.to_string(),
        at: offset_in(whole, s),
        reason: Box::new(e),
    })
}

/// `VersionRange.parseRestriction` on `[...]` / `(...)`.
pub(super) fn parse_restriction(whole: &str, spec: &str) -> Result<Restriction, ParseError> {
    let lower_inclusive = spec.starts_with('[');
    let upper_inclusive = spec.ends_with(']');
    // spec starts with `[`/`(` and ends with `]`/`)`, both ASCII.
    let process = java_trim(&spec[1..spec.len() - 1]);
    match process.find(',') {
        None => {
            if !lower_inclusive || !upper_inclusive {
                return Err(ParseError::SingleNotInclusive { spec: spec.into() });
            }
            let v = bound_version(whole, process, spec)?;
            Ok(Restriction {
                lower: Some(v.clone()),
                lower_inclusive,
                upper: Some(v),
                upper_inclusive,
            })
        }
        Some(i) => {
            let (lo, hi) = (java_trim(&process[..i]), java_trim(&process[i + 1..]));
            let lower = (!lo.is_empty())
                .then(|| bound_version(whole, lo, spec))
                .transpose()?;
            let upper = (!hi.is_empty())
                .then(|| bound_version(whole, hi, spec))
                .transpose()?;
            if let (Some(l), Some(u)) = (&lower, &upper) {
                // 3.8.7: `[1.0,1.0]` is allowed, `(1.0,1.0.0)` and `[2.0,1.0]` are not.
                match u.cmp(l) {
                    Ordering::Less => return Err(ParseError::DefiesOrdering { spec: spec.into() }),
                    Ordering::Equal if !(lower_inclusive && upper_inclusive) => {
                        return Err(ParseError::DefiesOrdering { spec: spec.into() })
                    }
                    _ => {}
                }
            }
            Ok(Restriction {
                lower,
                lower_inclusive,
                upper,
                upper_inclusive,
            })
        }
    }
}

impl Range {
    /// `VersionRange.createFromVersionSpec`, plus polyver's version rule for every version in it.
    pub fn parse(spec: &str) -> Result<Range, ParseError> {
        if spec.is_empty() {
            return Err(ParseError::EmptyRange);
        }
        let mut restrictions: Vec<Restriction> = Vec::new();
        let mut process = spec;
        let mut upper_bound: Option<Version> = None;
        while process.starts_with('[') || process.starts_with('(') {
            let index = match (process.find(')'), process.find(']')) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => return Err(ParseError::Unbounded { spec: spec.into() }),
            };
            let r = parse_restriction(spec, &process[..=index])?;
            if let Some(ub) = &upper_bound {
                if r.lower.as_ref().is_none_or(|l| l < ub) {
                    return Err(ParseError::Overlap { spec: spec.into() });
                }
            }
            upper_bound = r.upper.clone();
            restrictions.push(r);
            process = java_trim(&process[index + 1..]);
            if let Some(rest) = process.strip_prefix(',') {
                process = java_trim(rest);
            }
        }
        let mut recommended = None;
        if !process.is_empty() {
            if !restrictions.is_empty() {
                return Err(ParseError::NotFullyQualified { spec: spec.into() });
            }
            recommended = Some(Version::parse(process).map_err(|e| match e {
                ParseError::BadChar { c, at } => ParseError::BadChar {
                    c,
                    at: at + offset_in(spec, process),
                },
                e => e,
            })?);
            restrictions.push(Restriction::EVERYTHING);
        }
        Ok(Range {
            spec: spec.into(),
            recommended,
            restrictions,
        })
    }

    /// `VersionRange.containsVersion`: a bare version (soft requirement) matches everything.
    pub fn contains(&self, v: &Version) -> bool {
        self.restrictions.iter().any(|r| r.contains(v))
    }

    /// The version of a soft requirement (`1.0`), `None` for bracketed ranges.
    pub fn recommended(&self) -> Option<&Version> {
        self.recommended.as_ref()
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spec)
    }
}

impl Constraint for Range {
    type Version = Version;

    /// Exact: a Maven range is a union of intervals. The union of the restrictions is one term
    /// (the default `terms`): splitting it would make the algebra intersect the alternatives.
    fn to_set(&self) -> VersionSet<Version> {
        VersionSet::from_intervals(self.restrictions.iter().filter_map(Restriction::interval))
    }
}
