//! `NuGetVersion`: up to four numbers, labels and metadata (`TryParse`), and its order.

use crate::error::offset_in;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A pre-release label with its comparison class.
#[derive(Clone, Debug)]
pub(super) struct Label {
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
pub(super) fn parse_i32(s: &str) -> Option<i32> {
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

pub(super) fn cmp_label(a: &Label, b: &Label) -> Ordering {
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
pub(super) fn valid_part(s: &str, allow_leading_zeros: bool) -> bool {
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
    pub(super) fn shifted(mut self, by: usize) -> Self {
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
pub(super) fn parse_numbers(s: &str) -> Result<[u32; 4], ParseError> {
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
