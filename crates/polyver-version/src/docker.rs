//! Docker image tags as versions, the way Renovate's `docker` versioning reads them: a numeric
//! release prefix (`3.10.12`), an optional pre-release glued to it (`3.13.0rc2`), and a variant
//! suffix after the first `-` (`slim-bookworm`, `alpine3.18`). Tags of different variants are
//! different lines of images: `3.11-alpine` is not "newer" than `3.10-slim`, so comparisons and
//! constraints only relate tags of one variant ([`Version::same_variant`]; the top-level
//! `compare` refuses to order two variants). Tags without a numeric prefix (`latest`,
//! `bookworm`) are valid tags but only equal to themselves.
//!
//! `Ord` is still total, as the algebra needs: by variant first, then release (numerically,
//! fewer components first on a tie: `3.10` < `3.10.0`), then pre-release (none sorts last).

use crate::algebra::VersionSet;
use crate::comparators::Scheme;
use std::cmp::Ordering;
use std::fmt;

/// Sentinels bracket each variant so a comparator's set can be confined to its variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Rank {
    Bottom,
    Tag,
    Top,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    variant: Box<str>,
    rank: Rank,
    release: Vec<u64>,
    pre: Box<str>,
    raw: Box<str>,
}

/// Why a tag or a comparator list of tags is rejected; `at` is the byte offset in the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty tag")]
    Empty,
    #[error("a tag has at most 128 characters")]
    TooLong,
    #[error("a tag cannot start with `{first}`")]
    BadStart { first: char },
    #[error("`{c}` is not allowed in a tag")]
    BadChar { c: char, at: usize },
    #[error("number `{digits}` too large")]
    NumberTooLarge { digits: String, at: usize },
    #[error(transparent)]
    Range(#[from] crate::comparators::RangeError),
}

impl ParseError {
    pub fn offset(&self) -> Option<usize> {
        match self {
            ParseError::Empty | ParseError::TooLong => None,
            ParseError::BadStart { .. } => Some(0),
            ParseError::BadChar { at, .. } | ParseError::NumberTooLarge { at, .. } => Some(*at),
            ParseError::Range(e) => e.offset(),
        }
    }
}

fn valid_tag(s: &str) -> Result<(), ParseError> {
    let first = s.chars().next().ok_or(ParseError::Empty)?;
    if s.len() > 128 {
        return Err(ParseError::TooLong);
    }
    if !(first.is_ascii_alphanumeric() || first == '_') {
        return Err(ParseError::BadStart { first });
    }
    if let Some((at, c)) = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(ParseError::BadChar { c, at });
    }
    Ok(())
}

impl Version {
    pub fn parse(s: &str) -> Result<Version, ParseError> {
        valid_tag(s)?;
        let numeric = s
            .strip_prefix('v')
            .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()));
        let body =
            numeric.or_else(|| Some(s).filter(|r| r.starts_with(|c: char| c.is_ascii_digit())));
        let Some(body) = body else {
            return Ok(Version {
                variant: s.into(),
                rank: Rank::Tag,
                release: Vec::new(),
                pre: "".into(),
                raw: s.into(),
            });
        };
        let (head, variant) = body.split_once('-').unwrap_or((body, ""));
        // `3.10.12rc1`: digits and dots, then a word pre-release.
        let num_end = head
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_digit()
                    || (c == '.' && head[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
            })
            .map_or(head.len(), |(i, _)| i);
        let (nums, pre) = head.split_at(num_end);
        if pre.contains('.') {
            // `1.2.x` or `2.0.beta.1`: not a release prefix; the whole tag is a name.
            return Ok(Version {
                variant: s.into(),
                rank: Rank::Tag,
                release: Vec::new(),
                pre: "".into(),
                raw: s.into(),
            });
        }
        let release = nums
            .split('.')
            .map(|p| {
                p.parse::<u64>().map_err(|_| ParseError::NumberTooLarge {
                    digits: p.to_string(),
                    at: crate::error::offset_in(s, p),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Version {
            variant: variant.into(),
            rank: Rank::Tag,
            release,
            pre: pre.into(),
            raw: s.into(),
        })
    }

    /// The variant suffix (`slim-bookworm`), or the whole tag when it has no numeric release.
    pub fn variant(&self) -> &str {
        &self.variant
    }
    /// The numeric release prefix; empty for `latest`-style tags.
    pub fn release(&self) -> &[u64] {
        &self.release
    }
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
    /// Whether the tag names a numbered release (not `latest`, `stable`, `bookworm`).
    pub fn is_numeric(&self) -> bool {
        !self.release.is_empty()
    }
    /// Whether two tags can be ordered meaningfully: numbered, and of one variant.
    pub fn same_variant(&self, other: &Version) -> bool {
        self.is_numeric() && other.is_numeric() && self.variant == other.variant
    }

    fn sentinel(&self, rank: Rank) -> Version {
        Version {
            variant: self.variant.clone(),
            rank,
            release: Vec::new(),
            pre: "".into(),
            raw: self.raw.clone(),
        }
    }
}

/// Natural order of pre-release words: `rc2` < `rc10`, letters by byte.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (da, db) = (digits(a), digits(b));
        let ord = if da > 0 && db > 0 {
            let (na, nb) = (
                a[..da].trim_start_matches('0'),
                b[..db].trim_start_matches('0'),
            );
            na.len().cmp(&nb.len()).then_with(|| na.cmp(nb))
        } else {
            a.as_bytes()[0].cmp(&b.as_bytes()[0])
        };
        if ord != Ordering::Equal {
            return ord;
        }
        // Equal runs: skip the digit run, or the one equal byte (ASCII: checked above).
        a = &a[da.max(1)..];
        b = &b[db.max(1)..];
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.variant
            .cmp(&other.variant)
            .then(self.rank.cmp(&other.rank))
            .then_with(|| self.release.cmp(&other.release))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => natural_cmp(&self.pre, &other.pre),
            })
            // `v3.10` and `3.10` are different tags: keep Ord consistent with Eq.
            .then_with(|| self.raw.cmp(&other.raw))
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

struct DockerScheme;
impl Scheme for DockerScheme {
    type Version = Version;
    type Error = ParseError;
    fn parse(s: &str) -> Result<Version, ParseError> {
        Version::parse(s)
    }
    fn comparable(bound: &Version, v: &Version) -> bool {
        bound.same_variant(v) || (!bound.is_numeric() && bound.variant == v.variant)
    }
    fn family(bound: &Version) -> VersionSet<Version> {
        VersionSet::interval(
            crate::Bound::Included(bound.sentinel(Rank::Bottom)),
            crate::Bound::Included(bound.sentinel(Rank::Top)),
        )
    }
}

crate::comparators::comparator_range!(
    /// Comparators over tags of one variant: `>=3.10, <3.12` admits `3.11` but not `3.11-slim`.
    DockerScheme
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algebra::Constraint;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn splits_release_pre_and_variant() {
        let t = v("3.10.12-slim-bookworm");
        assert_eq!(
            (t.release(), t.variant()),
            (&[3, 10, 12][..], "slim-bookworm")
        );
        let t = v("3.13.0rc2-slim");
        assert_eq!(
            (t.release(), t.variant(), t.is_prerelease()),
            (&[3, 13, 0][..], "slim", true)
        );
        let t = v("latest");
        assert!(!t.is_numeric());
        assert_eq!(v("v1.2.3").release(), &[1, 2, 3]);
        for bad in ["", "-x", ".1", "a b", "x:y", &"9".repeat(129)] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn order_within_a_variant() {
        let chain = [
            "3.9.18-slim",
            "3.10-slim",
            "3.10.0-slim",
            "3.10.12-slim",
            "3.13.0rc2-slim",
            "3.13.0rc10-slim",
            "3.13.0-slim",
        ];
        for w in chain.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert!(v("3.11-alpine").same_variant(&v("3.12-alpine")));
        assert!(!v("3.11-alpine").same_variant(&v("3.12-slim")));
    }

    #[test]
    fn ranges_stay_in_their_variant() {
        let r = Range::parse(">=3.10, <3.12").unwrap();
        assert!(r.contains(&v("3.11.4")));
        assert!(!r.contains(&v("3.11.4-slim")));
        assert!(!r.to_set().contains(&v("3.11.4-slim")));
        assert!(r.to_set().contains(&v("3.11.4")));
        let slim = Range::parse(">=3.10-slim").unwrap();
        assert!(slim.to_set().is_disjoint(&r.to_set()));
    }
}
