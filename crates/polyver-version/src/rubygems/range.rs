//! `Gem::Requirement`: operators (`~>` included), comma lists, `satisfied_by?` and the interval
//! form.

use super::version::*;
use crate::algebra::{Constraint, Term, VersionSet};
use std::cmp::Ordering;
use std::fmt;

/// A requirement operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    /// `~>`, the pessimistic operator.
    Tilde,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::Tilde => "~>",
        }
    }
}

/// One `op version` requirement.
#[derive(Clone, Debug)]
pub struct Requirement {
    pub op: Op,
    pub version: Version,
    /// `version.bump()` for `~>`.
    bump: Option<Version>,
    text: String,
}

impl Requirement {
    /// `Gem::Requirement.parse`: `\A\s*(op)?\s*(VERSION_PATTERN)\s*\z`.
    pub fn parse(s: &str) -> Result<Requirement, ParseError> {
        let t = s.trim_matches(is_ruby_space);
        let (op, rest) = [
            ("!=", Op::Ne),
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("~>", Op::Tilde),
            ("=", Op::Eq),
            (">", Op::Gt),
            ("<", Op::Lt),
        ]
        .iter()
        .find_map(|&(p, op)| t.strip_prefix(p).map(|r| (op, r)))
        .unwrap_or((Op::Eq, t));
        let v = rest.trim_start_matches(is_ruby_space);
        if v.is_empty() || !matches_version_pattern(v.as_bytes()) {
            return Err(ParseError::IllformedRequirement { input: s.into() });
        }
        let version = Version::parse(v)?;
        let bump = (op == Op::Tilde).then(|| version.bump());
        Ok(Requirement {
            op,
            version,
            bump,
            text: t.to_string(),
        })
    }

    pub fn contains(&self, v: &Version) -> bool {
        let o = v.cmp(&self.version);
        match self.op {
            Op::Eq => o == Ordering::Equal,
            Op::Ne => o != Ordering::Equal,
            Op::Gt => o == Ordering::Greater,
            Op::Lt => o == Ordering::Less,
            Op::Ge => o != Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Tilde => {
                o != Ordering::Less
                    && self.bump.as_ref().is_some_and(|b| {
                        cmp_segs(v, v.release_segs(), b, &b.segs) == Ordering::Less
                    })
            }
        }
    }

    pub fn to_set(&self) -> VersionSet<Version> {
        let v = self.version.clone();
        match self.op {
            Op::Eq => VersionSet::exact(v),
            Op::Ne => VersionSet::not_equal(v),
            Op::Gt => VersionSet::greater_than(v),
            Op::Lt => VersionSet::less_than(v),
            Op::Ge => VersionSet::at_least(v),
            Op::Le => VersionSet::at_most(v),
            Op::Tilde => match &self.bump {
                Some(b) => VersionSet::interval(
                    crate::algebra::Bound::Included(v),
                    crate::algebra::Bound::Excluded(b.clone()),
                ),
                None => VersionSet::at_least(v),
            },
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.as_str(), self.version)
    }
}

/// A `Gem::Requirement`: comma-separated requirements, all of which must hold.
#[derive(Clone, Debug)]
pub struct Range {
    reqs: Vec<Requirement>,
}

impl Range {
    pub fn parse(s: &str) -> Result<Range, ParseError> {
        if s.trim_matches(is_ruby_space).is_empty() {
            return Ok(Range {
                reqs: vec![Requirement::parse(">= 0")?],
            });
        }
        let reqs = s
            .split(',')
            .map(Requirement::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Range { reqs })
    }

    /// `Gem::Requirement#satisfied_by?`.
    pub fn contains(&self, v: &Version) -> bool {
        self.reqs.iter().all(|r| r.contains(v))
    }

    pub fn requirements(&self) -> &[Requirement] {
        &self.reqs
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.reqs.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            r.fmt(f)?;
        }
        Ok(())
    }
}

impl Constraint for Range {
    type Version = Version;

    fn to_set(&self) -> VersionSet<Version> {
        self.reqs
            .iter()
            .fold(VersionSet::full(), |acc, r| acc.intersect(&r.to_set()))
    }

    fn terms(&self) -> Vec<Term<Version>> {
        self.reqs
            .iter()
            .map(|r| Term {
                text: r.text.clone(),
                set: r.to_set(),
            })
            .collect()
    }
}
