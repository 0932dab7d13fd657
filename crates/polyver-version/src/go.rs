//! Go module versions, as `golang.org/x/mod/semver` parses and orders them (the reference the
//! `go` command uses): a mandatory `v`, the shorthands `v1` and `v1.2` (= `v1.0.0`, `v1.2.0`,
//! no pre-release allowed after a shorthand), SemVer pre-release and build parts, build
//! metadata ignored in ordering (so `v2.0.0+incompatible` == `v2.0.0`, and `Eq` agrees).
//! Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.2019…-abc`) are ordinary
//! pre-releases and sort correctly by construction; [`Version::pseudo`] takes them apart.
//!
//! Go has no range syntax of its own; `Range` is the plain comparator list of
//! [`crate::comparators`] (`>=v1.2.0, <v2`), with no pre-release exclusion. Numeric parts
//! of any length are accepted and compared by value, as x/mod does.

use crate::comparators::Scheme;
use crate::error::offset_in;
use semver::Prerelease;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

#[derive(Clone, Debug)]
pub struct Version {
    major: Num,
    minor: Num,
    patch: Num,
    pre: Prerelease,
    /// The string as written (Display), e.g. `v2.3.0+incompatible` or `v1.2`.
    raw: Box<str>,
}

/// The parts of a pseudo-version (`vX.Y.Z-[0.]yyyymmddhhmmss-abcdefabcdef`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PseudoVersion<'a> {
    /// `yyyymmddhhmmss`, UTC.
    pub timestamp: &'a str,
    /// The abbreviated commit hash.
    pub revision: &'a str,
}

/// A decimal number of any length without leading zeros: ordered by length, then digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Num(Box<str>);

impl Num {
    fn zero() -> Num {
        Num("0".into())
    }
    fn as_u64(&self) -> u64 {
        self.0.parse().unwrap_or(u64::MAX)
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}
impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Why a Go module version is rejected; `at` is the byte offset in the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("a Go module version starts with `v` (e.g. v1.2.3)")]
    NoV,
    #[error("expected a number")]
    ExpectedNumber { at: usize },
    #[error("leading zero in `{digits}`")]
    LeadingZero { digits: String, at: usize },
    #[error("expected `.` after the {part} version")]
    ExpectedDot { part: &'static str, at: usize },
    #[error("unexpected `{text}` after the patch version")]
    AfterPatch { text: String, at: usize },
    #[error("invalid pre-release `{text}`")]
    Prerelease { text: String, at: usize },
    #[error("invalid pre-release `{text}`: {reason}")]
    PrereleaseSemver {
        text: String,
        at: usize,
        reason: crate::SemverError,
    },
    #[error("invalid build metadata `{text}`")]
    Build { text: String, at: usize },
    #[error(transparent)]
    Range(#[from] crate::comparators::RangeError),
}

impl ParseError {
    pub fn offset(&self) -> Option<usize> {
        match self {
            ParseError::NoV => Some(0),
            ParseError::ExpectedNumber { at }
            | ParseError::LeadingZero { at, .. }
            | ParseError::ExpectedDot { at, .. }
            | ParseError::AfterPatch { at, .. }
            | ParseError::Prerelease { at, .. }
            | ParseError::PrereleaseSemver { at, .. }
            | ParseError::Build { at, .. } => Some(*at),
            ParseError::Range(e) => e.offset(),
        }
    }
}

/// A number at the start of `s`, a suffix of `input`.
fn parse_int<'a>(input: &str, s: &'a str) -> Result<(Num, &'a str), ParseError> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let digits = &s[..end];
    let at = offset_in(input, s);
    if digits.is_empty() {
        return Err(ParseError::ExpectedNumber { at });
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(ParseError::LeadingZero {
            digits: digits.to_string(),
            at,
        });
    }
    Ok((Num(digits.into()), &s[end..]))
}

fn valid_ident(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Version {
    pub fn parse(s: &str) -> Result<Version, ParseError> {
        let rest = s.strip_prefix('v').ok_or(ParseError::NoV)?;
        let (major, rest) = parse_int(s, rest)?;
        let mk = |minor, patch, pre| Version {
            major,
            minor,
            patch,
            pre,
            raw: s.into(),
        };
        if rest.is_empty() {
            return Ok(mk(Num::zero(), Num::zero(), Prerelease::EMPTY));
        }
        let rest = rest.strip_prefix('.').ok_or(ParseError::ExpectedDot {
            part: "major",
            at: offset_in(s, rest),
        })?;
        let (minor, rest) = parse_int(s, rest)?;
        if rest.is_empty() {
            return Ok(mk(minor, Num::zero(), Prerelease::EMPTY));
        }
        let rest = rest.strip_prefix('.').ok_or(ParseError::ExpectedDot {
            part: "minor",
            at: offset_in(s, rest),
        })?;
        let (patch, rest) = parse_int(s, rest)?;
        let (pre_text, build) = match rest.find('+') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let pre = match pre_text {
            "" => Prerelease::EMPTY,
            t => {
                let body = t.strip_prefix('-').ok_or_else(|| ParseError::AfterPatch {
                    text: t.to_string(),
                    at: offset_in(s, t),
                })?;
                if !body.split('.').all(valid_ident) {
                    return Err(ParseError::Prerelease {
                        text: body.to_string(),
                        at: offset_in(s, body),
                    });
                }
                Prerelease::new(body).map_err(|e| ParseError::PrereleaseSemver {
                    text: body.to_string(),
                    at: offset_in(s, body),
                    reason: e.into(),
                })?
            }
        };
        if let Some(b) = build {
            if !b.split('.').all(valid_ident) {
                return Err(ParseError::Build {
                    text: b.to_string(),
                    at: offset_in(s, b),
                });
            }
        }
        Ok(mk(minor, patch, pre))
    }

    /// The major version (saturating at u64::MAX for absurdly long numbers).
    pub fn major(&self) -> u64 {
        self.major.as_u64()
    }
    pub fn minor(&self) -> u64 {
        self.minor.as_u64()
    }
    pub fn patch(&self) -> u64 {
        self.patch.as_u64()
    }
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
    /// `+incompatible`: a v2+ module without a `/vN` path suffix.
    pub fn is_incompatible(&self) -> bool {
        self.raw.ends_with("+incompatible")
    }

    /// `vX.Y.Z` with shorthands expanded and build metadata dropped, as `semver.Canonical`
    /// (which keeps `+incompatible`, as the go command does).
    pub fn canonical(&self) -> String {
        let mut s = format!("v{}.{}.{}", self.major.0, self.minor.0, self.patch.0);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(self.pre.as_str());
        }
        if self.is_incompatible() {
            s.push_str("+incompatible");
        }
        s
    }

    /// The timestamp and revision of a pseudo-version, `None` for a tagged version.
    pub fn pseudo(&self) -> Option<PseudoVersion<'_>> {
        let pre = self.pre.as_str();
        // Forms: `yyyymmddhhmmss-rev`, `0.yyyymmddhhmmss-rev`, `pre.0.yyyymmddhhmmss-rev`.
        let (head, revision) = pre.rsplit_once('-')?;
        let timestamp = head.rsplit('.').next()?;
        let is_time = timestamp.len() == 14 && timestamp.bytes().all(|b| b.is_ascii_digit());
        let is_rev = revision.len() >= 12 && revision.bytes().all(|b| b.is_ascii_hexdigit());
        let prefix_ok = head == timestamp || head.ends_with(&format!("0.{timestamp}"));
        (is_time && is_rev && prefix_ok).then_some(PseudoVersion {
            timestamp,
            revision,
        })
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Version {}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (&self.major, &self.minor, &self.patch)
            .cmp(&(&other.major, &other.minor, &other.patch))
            .then_with(|| self.pre.cmp(&other.pre))
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.major, &self.minor, &self.patch, self.pre.as_str()).hash(state);
    }
}
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

struct GoScheme;
impl Scheme for GoScheme {
    type Version = Version;
    type Error = ParseError;
    fn parse(s: &str) -> Result<Version, ParseError> {
        Version::parse(s)
    }
}

crate::comparators::comparator_range!(
    /// A comparator list over Go versions: `>=v1.2.0, <v2.0.0`, `v1.4.2`, `!=v1.3.0 || >=v3`.
    GoScheme
);

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn shorthand_and_incompatible() {
        assert_eq!(v("v1"), v("v1.0.0"));
        assert_eq!(v("v1.2"), v("v1.2.0"));
        assert_eq!(v("v2.0.0+incompatible"), v("v2.0.0"));
        assert_eq!(v("v2.0.0+incompatible").canonical(), "v2.0.0+incompatible");
        assert_eq!(v("v1.2").canonical(), "v1.2.0");
        assert!(v("v2.0.0+incompatible").is_incompatible());
        for bad in [
            "1.2.3",
            "v1.2-pre",
            "v01.2.3",
            "v1.2.3-",
            "v1.2.3-01",
            "v1.2.3+",
            "v1.2.3.4",
            "v",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pseudo_versions_sort_between_tags() {
        let chain = [
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-000000000000",
            "v0.1.0",
            "v0.1.1-0.20200202000000-abcdefabcdef",
            "v0.1.1",
            "v1.0.0-rc.1",
            "v1.0.0-rc.1.0.20210101000000-abcdefabcdef",
            "v1.0.0",
        ];
        for w in chain.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        let p = v("v0.1.1-0.20200202000000-abcdefabcdef");
        assert_eq!(
            p.pseudo(),
            Some(PseudoVersion {
                timestamp: "20200202000000",
                revision: "abcdefabcdef"
            })
        );
        assert_eq!(v("v1.0.0-rc.1").pseudo(), None);
    }

    #[test]
    fn ranges() {
        let r = Range::parse(">=v1.2.0, <v2").unwrap();
        assert!(r.contains(&v("v1.9.9")) && !r.contains(&v("v2.0.0")));
        assert!(r.contains(&v("v1.3.0-0.20200101000000-abcdefabcdef")));
    }
}
