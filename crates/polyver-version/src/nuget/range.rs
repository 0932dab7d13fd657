//! `VersionRange` with floating versions (`1.*`, `*-*`), `Satisfies` and the interval form.

use super::version::*;
use crate::algebra::{Bound, Constraint, Interval, VersionSet};
use crate::error::offset_in;
use std::cmp::Ordering;
use std::fmt;

/// A NuGet version range (`VersionRange`).
#[derive(Clone, Debug)]
pub struct Range {
    text: Box<str>,
    min: Option<Version>,
    min_inclusive: bool,
    max: Option<Version>,
    max_inclusive: bool,
}

/// `FloatRange.TryParse(...).MinVersion`: the lowest version a floating spec admits.
pub(super) fn float_min(s: &str) -> Result<Version, ParseError> {
    let bad = || ParseError::Floating {
        version: s.to_string(),
    };
    if s == "*" {
        return Version::parse("0.0.0").map_err(|_| bad());
    }
    if s == "*-*" {
        return Version::parse("0.0.0-0").map_err(|_| bad());
    }
    let first = s.find('*').ok_or_else(bad)?;
    let last = s.rfind('*').ok_or_else(bad)?;
    if s.contains('+') {
        return Err(bad());
    }
    let actual = if first != last {
        // `1.*-*`: two stars only as `<stable>*-<prefix>*`.
        let dash = s.find('-').ok_or_else(bad)?;
        if last != s.len() - 1 || first + 1 != dash {
            return Err(bad());
        }
        let prefix = &s[dash + 1..s.len() - 1];
        let mut release = prefix.to_string();
        if prefix.is_empty() || prefix.ends_with('.') {
            release.push('0');
        }
        format!("{}0-{}", &s[..dash - 1], release)
    } else if last == s.len() - 1 {
        let mut actual = s[..s.len() - 1].to_string();
        match s.find('-') {
            None => actual.push('0'),
            Some(d) if Some(d) == s.rfind('-') => {
                if d + 1 == actual.len() || actual.ends_with('.') {
                    actual.push('0');
                }
            }
            Some(_) => {}
        }
        actual
    } else {
        return Err(bad());
    };
    Version::parse(&actual).map_err(|_| bad())
}

impl Range {
    /// `VersionRange.TryParse(value, allowFloating: true)`.
    pub fn parse(s: &str) -> Result<Range, ParseError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ParseError::EmptyRange);
        }
        let text: Box<str> = t.into();
        if t == "*" {
            return Ok(Range {
                text,
                min: Some(float_min("*")?),
                min_inclusive: true,
                max: None,
                max_inclusive: true,
            });
        }
        let (min_s, max_s, min_inclusive, max_inclusive) = if t.starts_with(['[', '(']) {
            let min_inclusive = t.starts_with('[');
            let max_inclusive = match t.as_bytes()[t.len() - 1] {
                b']' => true,
                b')' => false,
                _ => return Err(ParseError::NoClosingBracket),
            };
            let inner = if t.len() >= 2 { &t[1..t.len() - 1] } else { "" };
            let parts: Vec<&str> = inner.split(',').collect();
            if parts.len() > 2 {
                return Err(ParseError::TooManyBounds);
            }
            if parts.iter().all(|p| p.is_empty()) {
                return Err(ParseError::NoBound);
            }
            if parts.len() == 1 && !(min_inclusive && max_inclusive) {
                return Err(ParseError::SingleNotInclusive);
            }
            let max = if parts.len() == 2 { parts[1] } else { parts[0] };
            (parts[0], Some(max), min_inclusive, max_inclusive)
        } else {
            (t, None, true, false)
        };
        let min = if min_s.trim().is_empty() {
            None
        } else if min_s.contains('*') {
            Some(float_min(min_s)?)
        } else {
            Some(Version::parse(min_s).map_err(|e| e.shifted(offset_in(s, min_s)))?)
        };
        let max = match max_s {
            Some(m) if !m.trim().is_empty() => {
                Some(Version::parse(m).map_err(|e| e.shifted(offset_in(s, m)))?)
            }
            _ => None,
        };
        if let (Some(lo), Some(hi)) = (&min, &max) {
            match lo.cmp(hi) {
                Ordering::Greater => return Err(ParseError::MinAboveMax),
                Ordering::Equal if min_inclusive != max_inclusive => {
                    return Err(ParseError::EqualBoundsExcluded)
                }
                _ => {}
            }
        }
        Ok(Range {
            text,
            min,
            min_inclusive,
            max,
            max_inclusive,
        })
    }

    /// `VersionRange.Satisfies(version)`: a bounds check, pre-releases included.
    pub fn contains(&self, v: &Version) -> bool {
        let above = match &self.min {
            None => true,
            Some(m) if self.min_inclusive => m <= v,
            Some(m) => m < v,
        };
        let below = match &self.max {
            None => true,
            Some(m) if self.max_inclusive => v <= m,
            Some(m) => v < m,
        };
        above && below
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Constraint for Range {
    type Version = Version;

    /// Exact: one interval (`(1.0,1.0)` is empty).
    fn to_set(&self) -> VersionSet<Version> {
        let bound = |v: &Option<Version>, inclusive: bool| match v {
            None => Bound::Unbounded,
            Some(v) if inclusive => Bound::Included(v.clone()),
            Some(v) => Bound::Excluded(v.clone()),
        };
        VersionSet::from_intervals(Interval::new(
            bound(&self.min, self.min_inclusive),
            bound(&self.max, self.max_inclusive),
        ))
    }
}
