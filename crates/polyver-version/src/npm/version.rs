//! An npm version: parsing (`new SemVer`), order (`compareMain`, `comparePre`), display.

use super::grammar::*;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A pre-release identifier; offsets point into `Version::pre_text`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Ident {
    /// A digit-only identifier below `MAX_SAFE_INTEGER`.
    Num(u64),
    /// A digit-only identifier at or above it: kept as text, compared by its `f64` value
    /// (the bits of a positive double order like the double).
    Big {
        key: u64,
    },
    Alpha {
        start: u16,
        end: u16,
    },
}

/// An npm version: `major.minor.patch[-pre][+build]`.
#[derive(Clone, Debug)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Box<[Ident]>,
    pre_text: Box<str>,
    build: Box<str>,
}

/// `+digits` checked against `MAX_SAFE_INTEGER`.
pub(super) fn safe_int(digits: &str) -> Option<u64> {
    let t = digits.trim_start_matches('0');
    if t.len() > 16 {
        return None;
    }
    let v = if t.is_empty() {
        0
    } else {
        t.parse::<u64>().ok()?
    };
    (v <= MAX_SAFE_INTEGER).then_some(v)
}

/// Why npm's `semver` rejects a version or a range. Its regexes say no without saying where,
/// so there is no offset.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("longer than {MAX_LENGTH} characters")]
    TooLong,
    #[error("not a valid semver version")]
    InvalidVersion,
    #[error("{part} version exceeds MAX_SAFE_INTEGER")]
    NotSafeInteger { part: &'static str },
    #[error("invalid comparator `{comparator}`")]
    InvalidComparator { comparator: String },
    #[error("version longer than {MAX_LENGTH} characters in `{comparator}`")]
    ComparatorTooLong { comparator: String },
    #[error("not a valid semver range")]
    InvalidRange,
}

impl Version {
    /// `semver.valid(s) !== null` with default (strict) options.
    pub fn parse(s: &str) -> Result<Version, ParseError> {
        Self::parse_with(s, false)
    }

    /// `semver.valid(s, {loose: true})`: also `=v1.2.3`, `01.2.3`, `1.2.3beta`.
    pub fn parse_loose(s: &str) -> Result<Version, ParseError> {
        Self::parse_with(s, true)
    }

    pub(super) fn parse_with(input: &str, loose: bool) -> Result<Version, ParseError> {
        if too_long(input) {
            return Err(ParseError::TooLong);
        }
        let s = js_trim(input);
        let parts = match_plain(s, loose).ok_or(ParseError::InvalidVersion)?;
        Self::from_parts(s, &parts)
    }

    pub(super) fn from_parts(s: &str, p: &Parts) -> Result<Version, ParseError> {
        let num = |i: usize, part: &'static str| {
            let (a, b) = p.nums[i];
            safe_int(&s[a..b]).ok_or(ParseError::NotSafeInteger { part })
        };
        let (major, minor, patch) = (num(0, "major")?, num(1, "minor")?, num(2, "patch")?);
        let mut pre = Vec::new();
        let mut pre_text = String::new();
        if let Some((a, b)) = p.pre {
            for id in s[a..b].split('.') {
                if !pre_text.is_empty() {
                    pre_text.push('.');
                }
                let start = pre_text.len() as u16;
                let all_digits = !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit());
                match all_digits.then(|| safe_int(id)).flatten() {
                    Some(v) if v < MAX_SAFE_INTEGER => {
                        pre_text.push_str(&v.to_string());
                        pre.push(Ident::Num(v));
                    }
                    _ => {
                        pre_text.push_str(id);
                        let end = pre_text.len() as u16;
                        pre.push(if all_digits {
                            let key = id.parse::<f64>().unwrap_or(f64::MAX).to_bits();
                            Ident::Big { key }
                        } else {
                            Ident::Alpha { start, end }
                        });
                    }
                }
            }
        }
        let build = p.build.map_or("", |(a, b)| &s[a..b]);
        Ok(Version {
            major,
            minor,
            patch,
            pre: pre.into_boxed_slice(),
            pre_text: pre_text.into_boxed_str(),
            build: build.into(),
        })
    }

    pub fn major(&self) -> u64 {
        self.major
    }
    pub fn minor(&self) -> u64 {
        self.minor
    }
    pub fn patch(&self) -> u64 {
        self.patch
    }
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
    /// The pre-release identifiers as `semver` prints them (`beta.2`), empty for a release.
    pub fn prerelease(&self) -> &str {
        &self.pre_text
    }
    /// Build metadata (ignored by comparisons), empty when absent.
    pub fn build(&self) -> &str {
        &self.build
    }

    pub(super) fn same_triple(&self, o: &Version) -> bool {
        (self.major, self.minor, self.patch) == (o.major, o.minor, o.patch)
    }

    fn ident_text(&self, start: u16, end: u16) -> &[u8] {
        self.pre_text
            .as_bytes()
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    fn cmp_ident(&self, a: &Ident, other: &Version, b: &Ident) -> Ordering {
        use Ident::*;
        match (a, b) {
            (Num(x), Num(y)) => x.cmp(y),
            (Num(_), _) => Ordering::Less,
            (Big { .. }, Num(_)) => Ordering::Greater,
            (Big { key: x }, Big { key: y }) => x.cmp(y),
            (Big { .. }, Alpha { .. }) => Ordering::Less,
            (Alpha { start, end }, Alpha { start: s2, end: e2 }) => self
                .ident_text(*start, *end)
                .cmp(other.ident_text(*s2, *e2)),
            (Alpha { .. }, _) => Ordering::Greater,
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(other.pre.iter()) {
                        let o = self.cmp_ident(a, other, b);
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
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
        (self.major, self.minor, self.patch, self.pre.len()).hash(state);
        for id in self.pre.iter() {
            match id {
                Ident::Num(v) => (0u8, *v).hash(state),
                Ident::Big { key, .. } => (1u8, *key).hash(state),
                Ident::Alpha { start, end } => (2u8, self.ident_text(*start, *end)).hash(state),
            }
        }
    }
}

impl fmt::Display for Version {
    /// `semver.valid` output: no `v`, no build metadata.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre_text)?;
        }
        Ok(())
    }
}
