//! Relations on one package's version (`>= 1.0, << 2.0 | = 3.0-1`) and their interval form.

use super::version::*;
use crate::algebra::{Constraint, Term, VersionSet};
use crate::error::offset_in;
use std::cmp::Ordering;
use std::fmt;

/// A dpkg relation operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `<<`
    Lt,
    /// `<=` (also the deprecated `<`)
    Le,
    /// `=` (also a bare version)
    Eq,
    /// `>=` (also the deprecated `>`)
    Ge,
    /// `>>`
    Gt,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<<",
            Op::Le => "<=",
            Op::Eq => "=",
            Op::Ge => ">=",
            Op::Gt => ">>",
        }
    }

    fn matches(self, ord: Ordering) -> bool {
        match self {
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Eq => ord == Ordering::Equal,
            Op::Ge => ord != Ordering::Less,
            Op::Gt => ord == Ordering::Greater,
        }
    }
}

/// One `op version` relation.
#[derive(Clone, Debug)]
pub struct Relation {
    pub op: Op,
    pub version: Version,
}

impl Relation {
    pub fn contains(&self, v: &Version) -> bool {
        self.op.matches(v.cmp(&self.version))
    }

    fn to_set(&self) -> VersionSet<Version> {
        let v = self.version.clone();
        match self.op {
            Op::Lt => VersionSet::less_than(v),
            Op::Le => VersionSet::at_most(v),
            Op::Eq => VersionSet::exact(v),
            Op::Ge => VersionSet::at_least(v),
            Op::Gt => VersionSet::greater_than(v),
        }
    }

    /// One relation, a slice of the range text `whole` (for offsets).
    fn parse(whole: &str, s: &str) -> Result<Relation, ParseError> {
        let mut t = s.trim_matches(is_space_char);
        if let Some(inner) = t.strip_prefix('(') {
            t = inner
                .strip_suffix(')')
                .ok_or(ParseError::NoClosingParenthesis {
                    at: offset_in(whole, t),
                })?
                .trim_matches(is_space_char);
        }
        let b = t.as_bytes();
        let (op, len) = match (b.first(), b.get(1)) {
            (Some(&c1 @ (b'<' | b'>')), c2) => {
                let (strict, loose) = if c1 == b'<' {
                    (Op::Lt, Op::Le)
                } else {
                    (Op::Gt, Op::Ge)
                };
                match c2 {
                    Some(b'=') => (loose, 2),
                    Some(&c) if c == c1 => (strict, 2),
                    Some(b'<' | b'>') => {
                        return Err(ParseError::BadRelationship {
                            at: offset_in(whole, t),
                        })
                    }
                    // Deprecated `<` / `>`: dpkg reads them as `<=` / `>=`.
                    _ => (loose, 1),
                }
            }
            (Some(b'='), _) => (Op::Eq, 1),
            (None, _) => {
                return Err(ParseError::EmptyRelation {
                    at: offset_in(whole, s),
                })
            }
            _ => (Op::Eq, 0),
        };
        let v = t[len..].trim_start_matches(is_space_char);
        if v.is_empty() {
            return Err(ParseError::NoVersion {
                at: offset_in(whole, t),
            });
        }
        if v.contains(|c: char| is_space_char(c) || c == '(' || c == ')') {
            return Err(ParseError::SpaceInVersion {
                version: v.to_string(),
                at: offset_in(whole, v),
            });
        }
        let version = Version::parse(v).map_err(|e| e.shifted(offset_in(whole, v)))?;
        Ok(Relation { op, version })
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.as_str(), self.version)
    }
}

/// ASCII whitespace as C `isspace` sees it.
pub(super) fn is_space_char(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_c_space)
}

/// One `,`-separated group: alternatives joined by `|`.
#[derive(Clone, Debug)]
pub(super) struct Group {
    text: String,
    alts: Vec<Relation>,
}

impl Group {
    fn contains(&self, v: &Version) -> bool {
        self.alts.iter().any(|r| r.contains(v))
    }

    fn to_set(&self) -> VersionSet<Version> {
        self.alts
            .iter()
            .fold(VersionSet::empty(), |acc, r| acc.union(&r.to_set()))
    }
}

/// Debian relations on one package's version: `>= 1.0, << 2.0 | = 3.0-1` (see module docs).
#[derive(Clone, Debug)]
pub struct Range {
    groups: Vec<Group>,
}

impl Range {
    pub fn parse(s: &str) -> Result<Range, ParseError> {
        if s.trim_matches(is_space_char).is_empty() {
            return Err(ParseError::EmptyRange);
        }
        let groups = s
            .split(',')
            .map(|g| {
                let alts = g
                    .split('|')
                    .map(|r| Relation::parse(s, r))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Group {
                    text: g.trim_matches(is_space_char).to_string(),
                    alts,
                })
            })
            .collect::<Result<Vec<_>, ParseError>>()?;
        Ok(Range { groups })
    }

    pub fn contains(&self, v: &Version) -> bool {
        self.groups.iter().all(|g| g.contains(v))
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            for (k, r) in g.alts.iter().enumerate() {
                if k > 0 {
                    f.write_str(" | ")?;
                }
                r.fmt(f)?;
            }
        }
        Ok(())
    }
}

impl Constraint for Range {
    type Version = Version;

    fn to_set(&self) -> VersionSet<Version> {
        self.groups
            .iter()
            .fold(VersionSet::full(), |acc, g| acc.intersect(&g.to_set()))
    }

    fn terms(&self) -> Vec<Term<Version>> {
        self.groups
            .iter()
            .map(|g| Term {
                text: g.text.clone(),
                set: g.to_set(),
            })
            .collect()
    }
}
