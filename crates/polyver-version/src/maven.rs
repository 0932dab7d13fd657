//! Maven versions and version ranges.
//!
//! Reference: `maven-artifact` 3.8.7 (Debian's `/usr/share/maven/lib/maven-artifact-3.x.jar`):
//! `ComparableVersion` for ordering, `VersionRange.createFromVersionSpec` and
//! `VersionRange.containsVersion` for ranges (`DefaultArtifactVersion.compareTo` delegates to
//! `ComparableVersion`). The vectors in `tests/vectors/maven.jsonl` come from that jar.
//!
//! How `ComparableVersion` 3.8.7 works, and how this port mirrors it:
//! - The string is lower-cased (`Locale.ENGLISH`) and cut into items at `.`, at `-` and at every
//!   digit/non-digit transition. Digits are Unicode decimal digits of the BMP
//!   (`Character.isDigit(char)`), so `١` counts as `1`.
//! - `-`, and a transition, open a nested sub-list; so does a string after `.` when the current
//!   list is not empty ("treat `.X` as `-X`", MNG-5568). Nesting only ever goes deeper, so a
//!   version is a *chain* of lists: we store it flat, one `Vec` per depth, which keeps parsing,
//!   comparing and dropping iterative (no stack overflow on `1a1a1a…`).
//! - Numbers are `IntItem` (≤ 9 digits after stripping ASCII `0`s), `LongItem` (≤ 18) or
//!   `BigIntegerItem`; items of different kinds compare by kind, never by value (so
//!   `0000000000` is a `LongItem` and sorts after every `IntItem`).
//! - Strings: `alpha` < `beta` < `milestone` < `rc` < `snapshot` < `""` (release) < `sp` <
//!   anything else (lexically, UTF-16 order). Aliases: `ga`/`final`/`release` = `""`, `cr` =
//!   `rc`, and `a`/`b`/`m` directly followed by a digit = `alpha`/`beta`/`milestone`.
//! - Trailing "null" items (`0`, `""`, empty lists) of every list are removed, also from before
//!   a trailing sub-list (`1.0-a` == `1-a`).
//! - Missing items compare as "null": a number > null iff non-zero, a qualifier against
//!   release, a list by its items in order (MNG-6964, present in 3.8.7).
//!
//! Equality: `ComparableVersion.equals` compares canonical strings, which disagrees with its own
//! `compareTo` for `LongItem(0)` vs `IntItem(0)` (`1.0.1` vs `1.0000000000.1`: equal canonical,
//! compareTo ≠ 0). polyver's `Eq`/`Hash` follow `compareTo` (the normalized item structure), so
//! `Eq` and `Ord` agree.
//!
//! Known reference quirk: `compareTo` is not transitive. A missing item ("null") equals `0`
//! and release among items, yet `0` > `""`, strings < lists < numbers, and a sub-list compares
//! to null by its first item. Verified cycles in 3.8.7: `1-alpha` < `1` < `1.foo.1` <
//! `1-alpha`; `1.0.alpha.1` < `1` < `1.ga.1` < `1.0.alpha.1`; `1-0.beta` < `1` < `1.a` <
//! `1-0.beta`. We reproduce the reference pairwise (that is what the vectors check); the order
//! is total on versions without a null item inside a list, a string item that does not head
//! its list, or a list that starts with a list — every real release history we know.
//!
//! Validity (polyver's rule, the reference accepts any string): a version must be non-empty and
//! contain no whitespace (`White_Space`) or control (`Cc`) character; a repository version never
//! has them. The rule applies to every version inside a range too, and the empty range spec is
//! rejected (the reference turns it into a range matching nothing).

use crate::algebra::{Bound, Constraint, Interval, VersionSet};
use crate::error::offset_in;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// First code point of each run of ten BMP decimal digits (`Character.isDigit(char)`, Java 17).
const DIGIT_ZEROS: [u32; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// The value of a Java decimal digit, `None` for anything else.
fn digit_value(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x80 {
        return c.is_ascii_digit().then(|| (cp - 0x30) as u8);
    }
    let idx = DIGIT_ZEROS.partition_point(|&z| z <= cp);
    let zero = DIGIT_ZEROS[idx.checked_sub(1)?];
    (cp - zero < 10).then(|| (cp - zero) as u8)
}

/// Index of `""` (release) in the qualifier order.
const RELEASE: u8 = 5;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Qualifier {
    /// alpha, beta, milestone, rc, snapshot, "" (release), sp.
    Known(u8),
    /// Any other string, lower-cased.
    Other(Box<str>),
}

/// A non-list item of `ComparableVersion`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Atom {
    /// `IntItem`: at most 9 digits.
    Int(u32),
    /// `LongItem`: 10 to 18 digits.
    Long(u64),
    /// `BigIntegerItem`: digit values without leading zeros (empty = 0).
    Big(Box<[u8]>),
    Str(Qualifier),
}

impl Atom {
    fn number(digits: &str) -> Atom {
        // stripLeadingZeroes strips ASCII '0' only, and keeps an all-zero string whole.
        let stripped = digits.trim_start_matches('0');
        let buf = if stripped.is_empty() {
            digits
        } else {
            stripped
        };
        let len = buf.chars().count();
        let values = buf.chars().filter_map(digit_value);
        if len <= 9 {
            Atom::Int(values.fold(0u32, |n, d| n * 10 + u32::from(d)))
        } else if len <= 18 {
            Atom::Long(values.fold(0u64, |n, d| n * 10 + u64::from(d)))
        } else {
            Atom::Big(values.skip_while(|&d| d == 0).collect())
        }
    }

    fn string(s: &str, followed_by_digit: bool) -> Atom {
        let s = match s {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            s => s,
        };
        let known = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]
            .iter()
            .position(|q| *q == s);
        Atom::Str(match known {
            Some(i) => Qualifier::Known(i as u8),
            None => Qualifier::Other(s.into()),
        })
    }

    fn is_null(&self) -> bool {
        match self {
            Atom::Int(n) => *n == 0,
            Atom::Long(n) => *n == 0,
            Atom::Big(d) => d.is_empty(),
            Atom::Str(q) => *q == Qualifier::Known(RELEASE),
        }
    }

    /// `item.compareTo(null)`.
    fn cmp_null(&self) -> Ordering {
        match self {
            Atom::Str(Qualifier::Known(i)) => i.cmp(&RELEASE),
            Atom::Str(Qualifier::Other(_)) => Ordering::Greater,
            n if n.is_null() => Ordering::Equal,
            _ => Ordering::Greater,
        }
    }

    /// `item.compareTo(listItem)`: numbers are greater, strings smaller.
    fn cmp_list(&self) -> Ordering {
        match self {
            Atom::Str(_) => Ordering::Less,
            _ => Ordering::Greater,
        }
    }

    fn kind(&self) -> u8 {
        match self {
            Atom::Str(_) => 0,
            Atom::Int(_) => 1,
            Atom::Long(_) => 2,
            Atom::Big(_) => 3,
        }
    }
}

impl Ord for Atom {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Atom::Int(a), Atom::Int(b)) => a.cmp(b),
            (Atom::Long(a), Atom::Long(b)) => a.cmp(b),
            (Atom::Big(a), Atom::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Atom::Str(a), Atom::Str(b)) => match (a, b) {
                (Qualifier::Known(x), Qualifier::Known(y)) => x.cmp(y),
                (Qualifier::Known(_), Qualifier::Other(_)) => Ordering::Less,
                (Qualifier::Other(_), Qualifier::Known(_)) => Ordering::Greater,
                // Java String.compareTo: UTF-16 code units.
                (Qualifier::Other(x), Qualifier::Other(y)) => {
                    x.encode_utf16().cmp(y.encode_utf16())
                }
            },
            // Different kinds: string < int < long < bigint.
            _ => self.kind().cmp(&other.kind()),
        }
    }
}

impl PartialOrd for Atom {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Atom::Int(n) => write!(f, "{n}"),
            Atom::Long(n) => write!(f, "{n}"),
            Atom::Big(d) if d.is_empty() => f.write_str("0"),
            Atom::Big(d) => d.iter().try_for_each(|x| write!(f, "{x}")),
            Atom::Str(Qualifier::Known(i)) => f.write_str(
                ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"][usize::from(*i)],
            ),
            Atom::Str(Qualifier::Other(s)) => f.write_str(s),
        }
    }
}

/// A Maven version, ordered as `ComparableVersion` orders it.
#[derive(Clone, Debug)]
pub struct Version {
    original: Box<str>,
    /// The chain of lists: `levels[d]` holds the non-list items of the list at depth `d`; the
    /// list at depth `d` ends with the one at `d + 1` when that exists. Always non-empty.
    levels: Vec<Box<[Atom]>>,
}

/// An element of a list: one of its items, its trailing sub-list, or past its end.
enum Elem<'a> {
    Atom(&'a Atom),
    List,
    Null,
}

fn elem(levels: &[Box<[Atom]>], k: usize) -> Elem<'_> {
    let items = &levels[0];
    match items.get(k) {
        Some(a) => Elem::Atom(a),
        None if k == items.len() && levels.len() > 1 => Elem::List,
        None => Elem::Null,
    }
}

/// `list.compareTo(null)`: the first item that differs from null decides.
fn cmp_list_null(levels: &[Box<[Atom]>]) -> Ordering {
    levels
        .iter()
        .flat_map(|l| l.iter())
        .map(Atom::cmp_null)
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// `ListItem.compareTo(ListItem)`, iteratively: a sub-list is always the last element, so
/// recursing into it is a tail call.
fn cmp_lists(mut a: &[Box<[Atom]>], mut b: &[Box<[Atom]>]) -> Ordering {
    'list: loop {
        let mut k = 0;
        loop {
            let o = match (elem(a, k), elem(b, k)) {
                (Elem::Null, Elem::Null) => return Ordering::Equal,
                (Elem::List, Elem::List) => {
                    a = &a[1..];
                    b = &b[1..];
                    continue 'list;
                }
                (Elem::Atom(x), Elem::Atom(y)) => x.cmp(y),
                (Elem::Atom(x), Elem::Null) => x.cmp_null(),
                (Elem::Null, Elem::Atom(y)) => y.cmp_null().reverse(),
                (Elem::Atom(x), Elem::List) => x.cmp_list(),
                (Elem::List, Elem::Atom(y)) => y.cmp_list().reverse(),
                (Elem::List, Elem::Null) => cmp_list_null(&a[1..]),
                (Elem::Null, Elem::List) => cmp_list_null(&b[1..]).reverse(),
            };
            if o.is_ne() {
                return o;
            }
            k += 1;
        }
    }
}

/// Why a Maven version or version range is rejected: polyver's version rule (module docs) or
/// `VersionRange.createFromVersionSpec`'s messages. `at` is the byte offset in the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty version")]
    EmptyVersion,
    #[error("contains whitespace or a control character ({c:?})")]
    BadChar { c: char, at: usize },
    #[error("version `{version}` in `{spec}`: {reason}")]
    Bound {
        version: String,
        spec: String,
        at: usize,
        reason: Box<ParseError>,
    },
    #[error("single version must be surrounded by []: {spec}")]
    SingleNotInclusive { spec: String },
    #[error("range defies version ordering: {spec}")]
    DefiesOrdering { spec: String },
    #[error("empty range")]
    EmptyRange,
    #[error("unbounded range: {spec}")]
    Unbounded { spec: String },
    #[error("ranges overlap: {spec}")]
    Overlap { spec: String },
    #[error("only fully-qualified sets allowed in multiple set scenario: {spec}")]
    NotFullyQualified { spec: String },
}

impl ParseError {
    pub fn offset(&self) -> Option<usize> {
        match self {
            ParseError::BadChar { at, .. } => Some(*at),
            ParseError::Bound { at, reason, .. } => Some(at + reason.offset().unwrap_or(0)),
            _ => None,
        }
    }
}

/// polyver's validity rule (see the module docs).
fn check_version(s: &str) -> Result<(), ParseError> {
    if s.is_empty() {
        return Err(ParseError::EmptyVersion);
    }
    match s
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control())
    {
        Some((at, c)) => Err(ParseError::BadChar { c, at }),
        None => Ok(()),
    }
}

impl Version {
    /// Whether this version lies outside the reference's non-transitive corner (module docs):
    /// no null item, string items only at the head of a list, no list starting with a list.
    /// On such versions `Ord` is a total order; every real release history we know is inside.
    pub fn is_totally_ordered(&self) -> bool {
        self.levels.iter().enumerate().all(|(d, l)| {
            (!l.is_empty() || self.levels.len() == 1 || d + 1 == self.levels.len())
                && l.iter()
                    .enumerate()
                    .all(|(i, a)| !a.is_null() && (i == 0 || !matches!(a, Atom::Str(_))))
        })
    }

    pub fn parse(s: &str) -> Result<Version, ParseError> {
        check_version(s)?;
        Ok(Self::parse_any(s))
    }

    /// `new ComparableVersion(s)`: accepts any string.
    fn parse_any(original: &str) -> Version {
        let lower;
        let s: &str = if original.is_ascii() {
            lower = original.to_ascii_lowercase();
            &lower
        } else {
            lower = original.to_lowercase();
            &lower
        };
        let mut levels: Vec<Vec<Atom>> = vec![Vec::new()];
        let item = |digit: bool, buf: &str| {
            if digit {
                Atom::number(buf)
            } else {
                Atom::string(buf, false)
            }
        };
        let mut digit = false;
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if c == '.' || c == '-' {
                let cur = levels.last_mut().expect("levels is never empty");
                cur.push(if i == start {
                    Atom::Int(0)
                } else {
                    item(digit, &s[start..i])
                });
                start = i + 1;
                if c == '-' {
                    levels.push(Vec::new());
                }
            } else if digit_value(c).is_some() {
                if !digit && i > start {
                    if levels.last().is_some_and(|l| !l.is_empty()) {
                        levels.push(Vec::new());
                    }
                    let cur = levels.last_mut().expect("levels is never empty");
                    cur.push(Atom::string(&s[start..i], true));
                    start = i;
                    levels.push(Vec::new());
                }
                digit = true;
            } else {
                if digit && i > start {
                    let cur = levels.last_mut().expect("levels is never empty");
                    cur.push(Atom::number(&s[start..i]));
                    start = i;
                    levels.push(Vec::new());
                }
                digit = false;
            }
        }
        if s.len() > start {
            if !digit && levels.last().is_some_and(|l| !l.is_empty()) {
                levels.push(Vec::new());
            }
            let cur = levels.last_mut().expect("levels is never empty");
            cur.push(item(digit, &s[start..]));
        }
        // normalize(), innermost list first: drop trailing nulls, then the list if it is empty.
        for d in (0..levels.len()).rev() {
            let has_child = d + 1 < levels.len();
            let items = &mut levels[d];
            while items.last().is_some_and(Atom::is_null) {
                items.pop();
            }
            if d > 0 && !has_child && items.is_empty() {
                levels.truncate(d);
            }
        }
        Version {
            original: original.into(),
            levels: levels.into_iter().map(Vec::into_boxed_slice).collect(),
        }
    }

    /// The string as given.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// `ComparableVersion.getCanonical()`: `1.0-b1` → `1-beta-1`.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        for (d, items) in self.levels.iter().enumerate() {
            if d > 0 && !out.is_empty() {
                out.push('-');
            }
            for (n, a) in items.iter().enumerate() {
                if n > 0 {
                    out.push('.');
                }
                out.push_str(&a.to_string());
            }
        }
        out
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        // compareTo == 0 exactly when the normalized structures are identical.
        self.levels == other.levels
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.levels.hash(state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.levels, &other.levels)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

impl std::str::FromStr for Version {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

/// One `Restriction` of a range; `None` is an open end.
#[derive(Clone, Debug)]
struct Restriction {
    lower: Option<Version>,
    lower_inclusive: bool,
    upper: Option<Version>,
    upper_inclusive: bool,
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
    restrictions: Vec<Restriction>,
}

/// Java's `String.trim()`: strips every char ≤ U+0020 from both ends.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// A bound `s` of the restriction `spec`, a slice of the range text `whole`.
fn bound_version(whole: &str, s: &str, spec: &str) -> Result<Version, ParseError> {
    Version::parse(s).map_err(|e| ParseError::Bound {
        version: s.to_string(),
        spec: spec.to_string(),
        at: offset_in(whole, s),
        reason: Box::new(e),
    })
}

/// `VersionRange.parseRestriction` on `[...]` / `(...)`.
fn parse_restriction(whole: &str, spec: &str) -> Result<Restriction, ParseError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn cmp(a: &str, b: &str) -> Ordering {
        v(a).cmp(&v(b))
    }

    fn assert_ascending(list: &[&str]) {
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
                assert_eq!(cmp(b, a), Ordering::Greater, "{b} > {a}");
            }
        }
    }

    #[test]
    fn qualifier_order() {
        assert_ascending(&[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ]);
    }

    #[test]
    fn numbers_and_separators() {
        assert_ascending(&[
            "2.0.0.RC1",
            "2.0.0",
            "2.0.1",
            "2.0.1-xyz",
            "2.0.1-123",
            "2.0.1.1",
            "2.0.1.123",
        ]);
        assert_eq!(
            v("2.0.1.xyz"),
            v("2.0.1-xyz"),
            "`.X` is read as `-X` (MNG-5568)"
        );
        for (a, b) in [
            ("1", "1.0.0"),
            ("1-ga", "1"),
            ("1.0-final", "1.RELEASE"),
            ("1.0-alpha", "1-alpha"),
            ("1a1", "1-alpha-1"),
            ("1.0-b1", "1-beta-1"),
            ("1.0-cr1", "1-rc1"),
            ("1.0.0-SNAPSHOT", "1-snapshot"),
            ("١.٢", "1.2"),
        ] {
            assert_eq!(v(a), v(b), "{a} == {b}");
        }
        // Int / Long / BigInteger items compare by kind first.
        assert_ascending(&[
            "999999999",
            "1000000000",
            "999999999999999999",
            "1000000000000000000",
        ]);
        assert_eq!(cmp("1.0.1", "1.0000000000.1"), Ordering::Less);
        assert_eq!(
            cmp("12345678901234567890", "12345678901234567891"),
            Ordering::Less
        );
        assert_eq!(v("1.0-1.2").canonical(), "1-1.2");
        assert_eq!(v("1.0-b1").canonical(), "1-beta-1");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let s = "1a".repeat(200_000);
        // `…1a` ends with the unknown qualifier `a`; `…1a1` with `alpha-1`.
        let (a, b) = (v(&s), v(&format!("{s}1")));
        assert_eq!(a.cmp(&b), Ordering::Greater);
        assert_eq!(a.cmp(&a.clone()), Ordering::Equal);
        drop((a, b));
    }

    #[test]
    fn validity_rule() {
        for bad in ["", " 1.0", "1.0 ", "1\t0", "1\u{0}", "1\u{a0}0"] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
        for good in ["1", "x", "1.0-b1", "é", "1_0", "1..0", "-"] {
            assert!(Version::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn ranges() {
        let r = |s: &str| Range::parse(s).unwrap();
        assert!(
            r("1.0").contains(&v("0.1")),
            "soft requirement matches anything"
        );
        assert!(r("[1.0,2.0)").contains(&v("1.0")));
        assert!(!r("[1.0,2.0)").contains(&v("2.0")));
        assert!(r("[1.0,2.0)").contains(&v("2.0-SNAPSHOT")));
        assert!(r("(,1.0],[1.2,)").contains(&v("1.2")));
        assert!(!r("(,1.0],[1.2,)").contains(&v("1.1")));
        assert!(r("[1.2]").contains(&v("1.2.0")));
        assert!(r("[ 1.0 , 2.0 ]").contains(&v("2")));
        assert!(r("[1,2] [3,4]").contains(&v("3.5")));
        assert!(
            r("[1.0,),[0.5,0.7]").contains(&v("0.6")),
            "no overlap check after (x,)"
        );
        for bad in [
            "",
            "[1.0",
            "(1.0)",
            "[1.0)",
            "(1.0,1.0.0)",
            "[1.0,1.0)",
            "[2.0,1.0]",
            "[1.0,2.0]x",
            "[1,3],[2,4]",
            "(,1],(,2]",
            "[]",
            " 1.0",
            "[1.0 2.0]",
            "[1.0],2.0",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(r("(,1.0],[1.2,)").to_set().intervals().len(), 2);
        assert!(r("1.0").to_set().is_full());
        assert!(
            r("(,)").to_set().is_full(),
            "3.8.7 has no identical-boundaries check"
        );
        assert!(r("[1.0,1.0.0]").contains(&v("1")));
    }

    /// Versions from pieces that keep the reference's order transitive (no null item followed
    /// by a qualifier in the middle of a list — see the module docs).
    fn version_strategy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            (0u64..5).prop_map(|n| n.to_string()),
            (1u64..2_000_000_000_000u64).prop_map(|n| n.to_string()),
            Just("12345678901234567890123".to_string()),
            prop::sample::select(vec![
                "alpha", "a", "b", "beta", "m", "rc", "cr", "SNAPSHOT", "sp", "foo", "jre", "é",
            ])
            .prop_map(String::from),
        ];
        let sep = prop::sample::select(vec![".", "-", ""]);
        (1u64..4, prop::collection::vec((sep, piece), 0..5)).prop_map(|(first, rest)| {
            let mut s = first.to_string();
            for (sep, p) in rest {
                s.push_str(sep);
                s.push_str(&p);
            }
            s
        })
    }

    fn range_strategy() -> impl Strategy<Value = String> {
        let b = || prop::option::of(version_strategy());
        (any::<bool>(), b(), b(), any::<bool>(), b()).prop_map(|(li, lo, hi, ui, extra)| {
            let mut s = format!(
                "{}{},{}{}",
                if li { '[' } else { '(' },
                lo.unwrap_or_default(),
                hi.unwrap_or_default(),
                if ui { ']' } else { ')' }
            );
            if let Some(e) = extra {
                s = format!("{s},[{e}]");
            }
            s
        })
    }

    fn transitive_safe(v: &Version) -> bool {
        v.is_totally_ordered()
    }

    proptest! {
        #[test]
        fn ord_is_a_total_order(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assume!(transitive_safe(&a) && transitive_safe(&b) && transitive_safe(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
            if a <= b && b <= c {
                prop_assert!(a <= c, "{} <= {} <= {}", a, b, c);
            }
            if a >= b && b >= c {
                prop_assert!(a >= c, "{} >= {} >= {}", a, b, c);
            }
        }

        #[test]
        fn contains_matches_to_set(r in range_strategy(), x in version_strategy()) {
            let x = v(&x);
            if let Ok(r) = Range::parse(&r) {
                let bounded: Vec<&Version> = r.restrictions.iter()
                    .flat_map(|r| r.lower.iter().chain(r.upper.iter())).collect();
                prop_assume!(transitive_safe(&x) && bounded.iter().all(|b| transitive_safe(b)));
                prop_assert_eq!(r.contains(&x), r.to_set().contains(&x));
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Version::parse(&s);
            let _ = Range::parse(&s);
        }
    }
}
