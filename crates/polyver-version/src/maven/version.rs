//! `ComparableVersion`: items and lists parsed from any string, ordered by `compareTo`, plus
//! polyver's validity rule.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// First code point of each run of ten BMP decimal digits (`Character.isDigit(char)`, Java 17).
pub(super) const DIGIT_ZEROS: [u32; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// The value of a Java decimal digit, `None` for anything else.
pub(super) fn digit_value(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x80 {
        return c.is_ascii_digit().then(|| (cp - 0x30) as u8);
    }
    let idx = DIGIT_ZEROS.partition_point(|&z| z <= cp);
    let zero = DIGIT_ZEROS[idx.checked_sub(1)?];
    (cp - zero < 10).then(|| (cp - zero) as u8)
}

/// Index of `""` (release) in the qualifier order.
pub(super) const RELEASE: u8 = 5;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Qualifier {
    /// alpha, beta, milestone, rc, snapshot, "" (release), sp.
    Known(u8),
    /// Any other string, lower-cased.
    Other(Box<str>),
}

/// A non-list item of `ComparableVersion`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Atom {
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
pub(super) enum Elem<'a> {
    Atom(&'a Atom),
    List,
    Null,
}

pub(super) fn elem(levels: &[Box<[Atom]>], k: usize) -> Elem<'_> {
    let items = &levels[0];
    match items.get(k) {
        Some(a) => Elem::Atom(a),
        None if k == items.len() && levels.len() > 1 => Elem::List,
        None => Elem::Null,
    }
}

/// `list.compareTo(null)`: the first item that differs from null decides.
pub(super) fn cmp_list_null(levels: &[Box<[Atom]>]) -> Ordering {
    levels
        .iter()
        .flat_map(|l| l.iter())
        .map(Atom::cmp_null)
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// `ListItem.compareTo(ListItem)`, iteratively: a sub-list is always the last element, so
/// recursing into it is a tail call.
pub(super) fn cmp_lists(mut a: &[Box<[Atom]>], mut b: &[Box<[Atom]>]) -> Ordering {
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
pub(super) fn check_version(s: &str) -> Result<(), ParseError> {
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
