//! A plain comparator-list constraint, for schemes whose ecosystem has no range syntax of its
//! own (Go modules, Docker tags, generic SemVer): `>=v1.2.0, <v2`, `>1.0 <2.0`, `1.4.2`,
//! `!=1.3.0`, alternatives joined by `||`.
//!
//! Membership is plain order comparison, with no pre-release exclusion: these schemes are
//! used for approved-version policies and OSV-style matching, where a pre-release is just a
//! version. Each scheme decides which versions a comparator can speak about (`comparable`):
//! a Docker tag comparator never matches a tag of another variant.

use crate::algebra::{Term, VersionSet};
use crate::error::offset_in;
use std::fmt;

/// Why a comparator list is rejected; `at` is the byte offset in the range text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("empty alternative around `||`")]
    EmptyAlternative { at: usize },
    #[error("operator `{op}` without a version")]
    MissingVersion { op: &'static str, at: usize },
    #[error("unexpected operator in `{text}`")]
    UnexpectedOperator { text: String, at: usize },
    /// A comparator's version that the scheme rejects.
    #[error("`{text}`: {reason}")]
    Version {
        text: String,
        at: usize,
        reason: Box<crate::Reason>,
    },
}

impl RangeError {
    pub fn offset(&self) -> Option<usize> {
        match self {
            RangeError::EmptyAlternative { at }
            | RangeError::MissingVersion { at, .. }
            | RangeError::UnexpectedOperator { at, .. } => Some(*at),
            RangeError::Version { at, reason, .. } => Some(at + reason.offset().unwrap_or(0)),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// What a scheme supplies to use the comparator grammar.
pub trait Scheme {
    type Version: Ord + Clone + fmt::Display;
    type Error: Into<crate::Reason>;
    fn parse(s: &str) -> Result<Self::Version, Self::Error>;
    /// Whether a comparator on `bound` can say anything about `v` (default: always).
    fn comparable(_bound: &Self::Version, _v: &Self::Version) -> bool {
        true
    }
    /// The interval of every version `comparable` with `bound` (default: everything).
    fn family(_bound: &Self::Version) -> VersionSet<Self::Version> {
        VersionSet::full()
    }
}

#[derive(Clone, Debug)]
pub struct Comparator<V> {
    pub op: Op,
    pub version: V,
}

impl<V: Ord + Clone + fmt::Display> Comparator<V> {
    fn matches(&self, v: &V) -> bool {
        match self.op {
            Op::Eq => v == &self.version,
            Op::Ne => v != &self.version,
            Op::Lt => v < &self.version,
            Op::Le => v <= &self.version,
            Op::Gt => v > &self.version,
            Op::Ge => v >= &self.version,
        }
    }

    fn to_set(&self) -> VersionSet<V> {
        let v = self.version.clone();
        match self.op {
            Op::Eq => VersionSet::exact(v),
            Op::Ne => VersionSet::not_equal(v),
            Op::Lt => VersionSet::less_than(v),
            Op::Le => VersionSet::at_most(v),
            Op::Gt => VersionSet::greater_than(v),
            Op::Ge => VersionSet::at_least(v),
        }
    }
}

impl<V: fmt::Display> fmt::Display for Comparator<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.op.as_str(), self.version)
    }
}

/// `||`-separated alternatives, each a conjunction of comparators.
#[derive(Clone, Debug)]
pub struct ComparatorRange<V> {
    pub alternatives: Vec<Vec<Comparator<V>>>,
}

impl<V: Ord + Clone + fmt::Display> ComparatorRange<V> {
    pub fn parse<S: Scheme<Version = V>>(input: &str) -> Result<Self, RangeError> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed == "*" {
            return Ok(ComparatorRange {
                alternatives: vec![Vec::new()],
            });
        }
        let mut alternatives = Vec::new();
        for alt in trimmed.split("||") {
            let mut comparators = Vec::new();
            let tokens = tokenize(input, alt)?;
            if tokens.is_empty() {
                return Err(RangeError::EmptyAlternative {
                    at: offset_in(input, alt),
                });
            }
            for (op, text) in tokens {
                if text == "*" && op.is_none() {
                    continue;
                }
                let version = S::parse(text).map_err(|e| RangeError::Version {
                    text: text.to_string(),
                    at: offset_in(input, text),
                    reason: Box::new(e.into()),
                })?;
                comparators.push(Comparator {
                    op: op.unwrap_or(Op::Eq),
                    version,
                });
            }
            alternatives.push(comparators);
        }
        Ok(ComparatorRange { alternatives })
    }

    pub fn contains<S: Scheme<Version = V>>(&self, v: &V) -> bool {
        self.alternatives.iter().any(|conj| {
            conj.iter()
                .all(|c| S::comparable(&c.version, v) && c.matches(v))
        })
    }

    pub fn to_set<S: Scheme<Version = V>>(&self) -> VersionSet<V> {
        let mut out = VersionSet::empty();
        for conj in &self.alternatives {
            let mut acc = VersionSet::full();
            for c in conj {
                acc = acc.intersect(&c.to_set().intersect(&S::family(&c.version)));
            }
            out = out.union(&acc);
        }
        out
    }

    pub fn terms<S: Scheme<Version = V>>(&self) -> Vec<Term<V>> {
        match self.alternatives.as_slice() {
            [conj] if !conj.is_empty() => conj
                .iter()
                .map(|c| Term {
                    text: c.to_string(),
                    set: c.to_set().intersect(&S::family(&c.version)),
                })
                .collect(),
            _ => vec![Term {
                text: self.to_string(),
                set: self.to_set::<S>(),
            }],
        }
    }
}

impl<V: fmt::Display> fmt::Display for ComparatorRange<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, conj) in self.alternatives.iter().enumerate() {
            if n > 0 {
                f.write_str(" || ")?;
            }
            if conj.is_empty() {
                f.write_str("*")?;
            }
            for (m, c) in conj.iter().enumerate() {
                if m > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Declares `pub struct Range`, a comparator list over the scheme `$scheme` (a [`Scheme`]
/// whose `Version` is the module's `Version`), with the interface every ecosystem module has:
/// `parse`, `contains`, `Display` and [`crate::algebra::Constraint`].
macro_rules! comparator_range {
    ($(#[$doc:meta])* $scheme:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct Range($crate::comparators::ComparatorRange<Version>);

        impl Range {
            pub fn parse(s: &str) -> Result<Range, ParseError> {
                $crate::comparators::ComparatorRange::parse::<$scheme>(s)
                    .map(Range)
                    .map_err(ParseError::from)
            }
            pub fn contains(&self, v: &Version) -> bool {
                self.0.contains::<$scheme>(v)
            }
        }

        impl std::fmt::Display for Range {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl $crate::algebra::Constraint for Range {
            type Version = Version;
            fn to_set(&self) -> $crate::algebra::VersionSet<Version> {
                self.0.to_set::<$scheme>()
            }
            fn terms(&self) -> Vec<$crate::algebra::Term<Version>> {
                self.0.terms::<$scheme>()
            }
        }
    };
}
pub(crate) use comparator_range;

/// Splits one alternative into (operator, version) pairs. Comparators are separated by commas
/// and/or whitespace; an operator may be followed by spaces (`>= 1.0`). `input` is the whole
/// range, for offsets.
fn tokenize<'a>(input: &str, alt: &'a str) -> Result<Vec<(Option<Op>, &'a str)>, RangeError> {
    let mut out = Vec::new();
    let mut rest = alt.trim_start_matches([' ', '\t', ',']);
    while !rest.is_empty() {
        let (op, after) = match rest.as_bytes() {
            [b'>', b'=', ..] => (Some(Op::Ge), &rest[2..]),
            [b'<', b'=', ..] => (Some(Op::Le), &rest[2..]),
            [b'!', b'=', ..] => (Some(Op::Ne), &rest[2..]),
            [b'=', b'=', ..] => (Some(Op::Eq), &rest[2..]),
            [b'>', ..] => (Some(Op::Gt), &rest[1..]),
            [b'<', ..] => (Some(Op::Lt), &rest[1..]),
            [b'=', ..] => (Some(Op::Eq), &rest[1..]),
            _ => (None, rest),
        };
        let after = after.trim_start_matches([' ', '\t']);
        let end = after.find([' ', '\t', ',']).unwrap_or(after.len());
        let text = &after[..end];
        if text.is_empty() {
            return Err(RangeError::MissingVersion {
                op: op.map_or("", Op::as_str),
                at: offset_in(input, rest),
            });
        }
        if text.starts_with(['<', '>', '=', '!']) {
            return Err(RangeError::UnexpectedOperator {
                text: text.to_string(),
                at: offset_in(input, text),
            });
        }
        out.push((op, text));
        rest = after[end..].trim_start_matches([' ', '\t', ',']);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Num;
    impl Scheme for Num {
        type Version = u32;
        // Any scheme's error will do; RubyGems' says "malformed version".
        type Error = crate::rubygems::ParseError;
        fn parse(s: &str) -> Result<u32, Self::Error> {
            s.parse()
                .map_err(|_| crate::rubygems::ParseError::MalformedVersion { input: s.into() })
        }
    }

    fn range(s: &str) -> ComparatorRange<u32> {
        ComparatorRange::parse::<Num>(s).unwrap()
    }

    #[test]
    fn grammar() {
        let r = range(">= 2, <5 || 9");
        assert!(r.contains::<Num>(&2) && r.contains::<Num>(&4) && r.contains::<Num>(&9));
        assert!(!r.contains::<Num>(&5) && !r.contains::<Num>(&1));
        assert_eq!(r.to_string(), ">=2, <5 || =9");
        assert_eq!(r.to_set::<Num>().to_string(), ">=2, <5 || ==9");
        assert!(range("").contains::<Num>(&0));
        assert!(
            range(">1 <3 !=2").to_set::<Num>().contains(&2)
                == range(">1 <3 !=2").contains::<Num>(&2)
        );
        for bad in [">=", ">=>1", "1 ||", "x"] {
            assert!(ComparatorRange::parse::<Num>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_point_at_the_comparator() {
        let err = |s: &str| ComparatorRange::parse::<Num>(s).unwrap_err();
        assert_eq!(err(">=1, <x").offset(), Some(6));
        assert_eq!(
            err(">=1, <x").to_string(),
            "`x`: Malformed version number string x"
        );
        assert_eq!(err("1 || ").offset(), Some(4));
        assert_eq!(err(">=1 >=").offset(), Some(4));
        assert_eq!(err("1 >=>2").offset(), Some(4));
    }
}
