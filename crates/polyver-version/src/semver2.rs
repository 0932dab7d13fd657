//! Plain SemVer 2.0.0 (semver.org): the generic scheme, and OSV's `SEMVER` range type.
//!
//! Precedence follows §11 of the spec: build metadata is ignored, so `1.0.0+a` and `1.0.0+b`
//! are equal (and `Eq`/`Hash` agree), while `Display` keeps what was written. Parsing is strict
//! (the `semver` crate's grammar, which is the spec's); [`Version::parse_lenient`] accepts the
//! looser forms found in advisory data (`v1.2`, `1.2`).

use crate::comparators::Scheme;
use std::cmp::Ordering;

/// Why a SemVer version or comparator list is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(transparent)]
    Semver(crate::SemverError),
    #[error(transparent)]
    Range(#[from] crate::comparators::RangeError),
}

impl ParseError {
    pub fn offset(&self) -> Option<usize> {
        match self {
            ParseError::Semver(_) => None,
            ParseError::Range(e) => e.offset(),
        }
    }
}

use std::fmt;
use std::hash::{Hash, Hasher};

#[derive(Clone, Debug)]
pub struct Version(pub semver::Version);

impl Version {
    pub fn parse(s: &str) -> Result<Version, ParseError> {
        semver::Version::parse(s)
            .map(Version)
            .map_err(|e| ParseError::Semver(e.into()))
    }

    /// Accepts a leading `v`, surrounding whitespace and missing minor/patch (`1.2` → `1.2.0`).
    pub fn parse_lenient(s: &str) -> Result<Version, ParseError> {
        let s = s.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        if let Ok(v) = Version::parse(s) {
            return Ok(v);
        }
        let core_end = s.find(['-', '+']).unwrap_or(s.len());
        let (core, tail) = s.split_at(core_end);
        let dots = core.matches('.').count();
        if dots >= 2 || core.is_empty() {
            return Version::parse(s);
        }
        let padded = format!("{core}{}{tail}", ".0".repeat(2 - dots));
        Version::parse(&padded)
    }

    pub fn is_prerelease(&self) -> bool {
        !self.0.pre.is_empty()
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
        let (a, b) = (&self.0, &other.0);
        (a.major, a.minor, a.patch)
            .cmp(&(b.major, b.minor, b.patch))
            .then_with(|| a.pre.cmp(&b.pre))
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (
            self.0.major,
            self.0.minor,
            self.0.patch,
            self.0.pre.as_str(),
        )
            .hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

struct SemverScheme;
impl Scheme for SemverScheme {
    type Version = Version;
    type Error = ParseError;
    fn parse(s: &str) -> Result<Version, ParseError> {
        Version::parse(s)
    }
}

crate::comparators::comparator_range!(
    /// Comparators over SemVer precedence (see [`crate::comparators`]); no pre-release exclusion.
    SemverScheme
);

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn precedence_of_the_spec() {
        // semver.org §11 example chain.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for w in chain.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.0.0+a"), v("1.0.0+b"));
        assert_eq!(v("1.0.0+a").to_string(), "1.0.0+a");
    }

    #[test]
    fn strict_and_lenient() {
        for bad in ["v1.0.0", "1.0", "01.0.0", "1.0.0-", " 1.0.0", ""] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Version::parse_lenient("v1.2").unwrap(), v("1.2.0"));
        assert_eq!(Version::parse_lenient("1-rc.1").unwrap(), v("1.0.0-rc.1"));
        assert_eq!(Version::parse_lenient(" v1.2.3+x ").unwrap(), v("1.2.3"));
    }

    #[test]
    fn ranges() {
        let r = Range::parse(">=1.0.0, <2.0.0").unwrap();
        assert!(r.contains(&v("1.5.0-rc.1")));
        assert!(!r.contains(&v("2.0.0")));
        assert!(Range::parse(">=1.0").is_err());
    }
}
