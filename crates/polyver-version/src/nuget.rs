//! NuGet versions and version ranges.
//!
//! Reference: NuGet.Client's `NuGet.Versioning` (`NuGetVersion.TryParse`, `VersionComparer.Default`,
//! `VersionRange.TryParse` with floating allowed, `VersionRange.Satisfies`) and the NuGet docs
//! ("Package versioning"). No .NET runs here, so `tests/vectors/nuget.jsonl` is written by hand
//! from those documented rules (`tests/vectors/gen/nuget-cases.txt`), not differential.
//!
//! Rules implemented:
//! - A version is 1 to 4 dot-separated numbers (each ≤ `int.MaxValue`, ASCII digits, leading
//!   zeros allowed, whitespace allowed around each number), then optional `-label.label` and
//!   `+metadata`. Missing parts are 0: `1` == `1.0` == `1.0.0` == `1.0.0.0`. The input is
//!   trimmed first.
//! - Labels: `[0-9A-Za-z-]+`, no leading zero in an all-digit label; metadata parts may have one.
//! - Order: major, minor, patch, revision; a pre-release sorts before its release; labels
//!   compare pairwise — both `int.TryParse`-numeric by value, numeric before alphanumeric,
//!   otherwise case-insensitively — and a shorter label list first. Metadata is ignored, and
//!   `Eq`/`Hash` follow the order (`1.0.0-BETA` == `1.0.0-beta`).
//! - Ranges: `1.0` (≥ 1.0), `[1.0]`, `(1.0,)`, `[1.0,2.0)`, `(,1.0]`, floating `*`, `1.*`,
//!   `1.0.*`, `1.0.0-*`, `1.0.0-beta*`, `*-*`, `1.*-*` (the float's lowest version is the lower
//!   bound). `Satisfies` is a plain bounds check: pre-releases are not excluded, and a float
//!   does not cap the upper end (`1.*` is satisfied by `2.0.0`).

use crate::algebra::{Bound, Constraint, Interval, VersionSet};
use crate::error::offset_in;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A pre-release label with its comparison class.
#[derive(Clone, Debug)]
struct Label {
    text: Box<str>,
    /// `int.TryParse(text)`: labels like `12` or `-3` compare numerically.
    num: Option<i32>,
}

impl Label {
    fn new(text: &str) -> Label {
        Label {
            text: text.into(),
            num: parse_i32(text),
        }
    }
}

/// `int.TryParse` on a label (only `[0-9A-Za-z-]` reach here): optional `-`, then digits.
fn parse_i32(s: &str) -> Option<i32> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: i64 = 0;
    for b in digits.bytes() {
        n = n * 10 + i64::from(b - b'0');
        if n > i64::from(i32::MAX) + 1 {
            return None;
        }
    }
    i32::try_from(if neg { -n } else { n }).ok()
}

fn cmp_label(a: &Label, b: &Label) -> Ordering {
    match (a.num, b.num) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        // OrdinalIgnoreCase; labels are ASCII.
        (None, None) => a
            .text
            .bytes()
            .map(|c| c.to_ascii_uppercase())
            .cmp(b.text.bytes().map(|c| c.to_ascii_uppercase())),
    }
}

/// A NuGet version (`NuGetVersion`).
#[derive(Clone, Debug)]
pub struct Version {
    parts: [u32; 4],
    labels: Vec<Label>,
    metadata: Option<Box<str>>,
}

/// `IsValidPart`: non-empty, `[0-9A-Za-z-]`, and (unless allowed) no leading zero in a number.
fn valid_part(s: &str, allow_leading_zeros: bool) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && (allow_leading_zeros
            || !(s.len() > 1 && s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())))
}

/// Why NuGet rejects a version or a version range (`NuGetVersion.TryParse`,
/// `VersionRange.TryParse`). `at` is the byte offset in the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty version")]
    EmptyVersion,
    #[error("missing version number")]
    NoNumber,
    #[error("expected a number at `{text}`")]
    ExpectedNumber { text: String, at: usize },
    #[error("version number larger than 2147483647")]
    NumberTooLarge { at: usize },
    #[error("version ends with `.`")]
    TrailingDot,
    #[error("unexpected `{text}`")]
    Unexpected { text: String, at: usize },
    #[error("more than 4 version numbers")]
    TooManyNumbers,
    #[error("invalid pre-release label `{label}`")]
    Label { label: String, at: usize },
    #[error("invalid build metadata `{metadata}`")]
    Metadata { metadata: String, at: usize },
    #[error("invalid floating version `{version}`")]
    Floating { version: String },
    #[error("empty range")]
    EmptyRange,
    #[error("a range must end with `]` or `)`")]
    NoClosingBracket,
    #[error("more than two versions in a range")]
    TooManyBounds,
    #[error("a range needs at least one bound")]
    NoBound,
    #[error("a single version must be written `[1.0]`")]
    SingleNotInclusive,
    #[error("minimum above maximum")]
    MinAboveMax,
    #[error("empty range: equal bounds, one excluded")]
    EqualBoundsExcluded,
}

impl ParseError {
    pub fn offset(&self) -> Option<usize> {
        match self {
            ParseError::ExpectedNumber { at, .. }
            | ParseError::NumberTooLarge { at }
            | ParseError::Unexpected { at, .. }
            | ParseError::Label { at, .. }
            | ParseError::Metadata { at, .. } => Some(*at),
            _ => None,
        }
    }

    /// The same error with its offset moved by `by` (a part parsed on its own).
    fn shifted(mut self, by: usize) -> Self {
        if let ParseError::ExpectedNumber { at, .. }
        | ParseError::NumberTooLarge { at }
        | ParseError::Unexpected { at, .. }
        | ParseError::Label { at, .. }
        | ParseError::Metadata { at, .. } = &mut self
        {
            *at += by;
        }
        self
    }
}

/// `TryGetNormalizedVersion`: 1-4 numbers separated by `.`, whitespace allowed around each.
fn parse_numbers(s: &str) -> Result<[u32; 4], ParseError> {
    if s.trim().is_empty() {
        return Err(ParseError::NoNumber);
    }
    let mut out = [0u32; 4];
    let mut rest = s;
    for slot in out.iter_mut() {
        if rest.is_empty() {
            break;
        }
        let t = rest.trim_start();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(ParseError::ExpectedNumber {
                text: t.to_string(),
                at: offset_in(s, t),
            });
        }
        let mut n: u64 = 0;
        for b in t[..digits].bytes() {
            n = n * 10 + u64::from(b - b'0');
            if n > i32::MAX as u64 {
                return Err(ParseError::NumberTooLarge {
                    at: offset_in(s, t),
                });
            }
        }
        *slot = n as u32;
        let after = t[digits..].trim_start();
        rest = match after.strip_prefix('.') {
            Some("") => return Err(ParseError::TrailingDot),
            Some(r) => r,
            None if after.is_empty() => "",
            None => {
                return Err(ParseError::Unexpected {
                    text: after.to_string(),
                    at: offset_in(s, after),
                })
            }
        };
    }
    if !rest.is_empty() {
        return Err(ParseError::TooManyNumbers);
    }
    Ok(out)
}

impl Version {
    /// `NuGetVersion.TryParse`.
    pub fn parse(input: &str) -> Result<Version, ParseError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ParseError::EmptyVersion);
        }
        // ParseSections: the first `-` or `+` ends the numbers (a trailing one stays in them
        // and makes them invalid), the first `+` after a `-` ends the labels.
        let (numbers, labels, metadata) = match s.find(['-', '+']) {
            None => (s, None, None),
            Some(i) if i + 1 == s.len() => (s, None, None),
            Some(i) if s.as_bytes()[i] == b'+' => (&s[..i], None, Some(&s[i + 1..])),
            Some(i) => {
                let rest = &s[i + 1..];
                match rest.find('+') {
                    // A `+` as the very last char stays in the labels (and is rejected there).
                    Some(j) if i + 1 + j + 1 < s.len() => {
                        (&s[..i], Some(&rest[..j]), Some(&rest[j + 1..]))
                    }
                    _ => (&s[..i], Some(rest), None),
                }
            }
        };
        let parts = parse_numbers(numbers).map_err(|e| e.shifted(offset_in(input, numbers)))?;
        let labels: Vec<Label> = match labels {
            None => Vec::new(),
            Some(l) => l
                .split('.')
                .map(|p| {
                    valid_part(p, false)
                        .then(|| Label::new(p))
                        .ok_or_else(|| ParseError::Label {
                            label: p.to_string(),
                            at: offset_in(input, p),
                        })
                })
                .collect::<Result<_, _>>()?,
        };
        if let Some(m) = metadata {
            if !m.split('.').all(|p| valid_part(p, true)) {
                return Err(ParseError::Metadata {
                    metadata: m.to_string(),
                    at: offset_in(input, m),
                });
            }
        }
        Ok(Version {
            parts,
            labels,
            metadata: metadata.map(Into::into),
        })
    }

    pub fn is_prerelease(&self) -> bool {
        !self.labels.is_empty()
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.labels.iter().zip(&other.labels) {
                        let o = cmp_label(a, b);
                        if o.is_ne() {
                            return o;
                        }
                    }
                    self.labels.len().cmp(&other.labels.len())
                }
            }
        })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts.hash(state);
        self.labels.len().hash(state);
        for l in &self.labels {
            match l.num {
                Some(n) => n.hash(state),
                None => {
                    0xffu8.hash(state);
                    for b in l.text.bytes() {
                        b.to_ascii_uppercase().hash(state);
                    }
                }
            }
        }
    }
}

impl fmt::Display for Version {
    /// `ToNormalizedString`: `1.0.0`, `1.0.0.4`, `1.0.0-beta.1+meta`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.parts;
        write!(f, "{a}.{b}.{c}")?;
        if d > 0 {
            write!(f, ".{d}")?;
        }
        for (i, l) in self.labels.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            f.write_str(&l.text)?;
        }
        if let Some(m) = &self.metadata {
            write!(f, "+{m}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Version {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

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
fn float_min(s: &str) -> Result<Version, ParseError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn parse_and_normalize() {
        assert_eq!(v("1").to_string(), "1.0.0");
        assert_eq!(v("01.002.0003.4").to_string(), "1.2.3.4");
        assert_eq!(v("1.0.0.0").to_string(), "1.0.0");
        assert_eq!(v(" 1.0.0-Beta.1+Meta ").to_string(), "1.0.0-Beta.1+Meta");
        assert_eq!(v("1 . 2").to_string(), "1.2.0");
        for bad in [
            "",
            " ",
            "1.",
            "1..2",
            "1.2.3.4.5",
            "a",
            "1.0-",
            "1.0+",
            "1.0-beta+",
            "1.0-01",
            "1.0-a..b",
            "1.0-a_b",
            "2147483648",
            "-1",
            "1.0.0-beta+a..b",
            "1.*",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Version::parse("1.0+01.a").is_ok());
        assert!(Version::parse("2147483647.0").is_ok());
    }

    #[test]
    fn ordering() {
        let list = [
            "1.0.0-0",
            "1.0.0-1",
            "1.0.0-2",
            "1.0.0-10",
            "1.0.0-a",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
            "1.1",
            "2",
        ];
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                assert!(v(a) < v(b), "{a} < {b}");
            }
        }
        assert_eq!(v("1.0"), v("1.0.0.0"));
        assert_eq!(v("1.0.0-BETA"), v("1.0.0-beta"));
        assert_eq!(v("1.0.0+a"), v("1.0.0+b"));
        assert!(v("1.0.0--1") < v("1.0.0-0"), "`-1` is int.TryParse-numeric");
    }

    #[test]
    fn ranges() {
        let r = |s: &str| Range::parse(s).unwrap();
        assert!(r("1.0").contains(&v("5.0")));
        assert!(!r("1.0").contains(&v("1.0.0-beta")));
        assert!(
            r("[1.0,2.0)").contains(&v("2.0.0-beta")),
            "no pre-release exclusion"
        );
        assert!(r("1.*").contains(&v("2.0")), "floats do not cap");
        assert!(r("1.0.0-*").contains(&v("1.0.0-0")));
        assert!(r("*").contains(&v("0.0.0")));
        assert!(!r("*").contains(&v("0.0.0-a")));
        assert!(r(" [ 1.0 , 2.0 ] ").contains(&v("2.0")));
        for bad in [
            "",
            "(1.0)",
            "[1.0)",
            "(,)",
            "[,]",
            "[1,2,3]",
            "[2.0,1.0]",
            "[1.0,1.0)",
            "[1.0,2.*]",
            "1.*.0",
            "[1.0",
            "x",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
        assert!(r("(1.0,1.0)").to_set().is_empty());
    }

    fn version_strategy() -> impl Strategy<Value = String> {
        let label = prop::sample::select(vec!["alpha", "Beta", "rc", "0", "1", "11", "-2", "a-b"]);
        (
            prop::collection::vec(0u32..4, 1..5),
            prop::collection::vec(label, 0..3),
            any::<bool>(),
        )
            .prop_map(|(nums, labels, meta)| {
                let mut s = nums
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                if !labels.is_empty() {
                    s = format!("{s}-{}", labels.join("."));
                }
                if meta {
                    s.push_str("+build.1");
                }
                s
            })
    }

    proptest! {
        #[test]
        fn ord_is_a_total_order(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
            if a <= b && b <= c { prop_assert!(a <= c); }
        }

        #[test]
        fn contains_matches_to_set(lo in version_strategy(), hi in version_strategy(), shape in 0u8..6, x in version_strategy()) {
            let spec = match shape {
                0 => lo.clone(),
                1 => format!("[{lo},{hi})"),
                2 => format!("({lo},{hi}]"),
                3 => format!("(,{hi}]"),
                4 => format!("[{lo}]"),
                _ => format!("{}.*", lo.split(['-', '+']).next().unwrap_or("1")),
            };
            let x = v(&x);
            if let Ok(r) = Range::parse(&spec) {
                prop_assert_eq!(r.contains(&x), r.to_set().contains(&x));
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Version::parse(&s);
            let _ = Range::parse(&s);
        }
    }
}
