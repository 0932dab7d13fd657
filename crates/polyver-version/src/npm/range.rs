//! Comparators and ranges: `Range.parseRange` over the desugared text, `Range.test` (with the
//! pre-release rule) and the interval form for range algebra.

use super::desugar::*;
use super::grammar::*;
use super::version::*;
use crate::algebra::{Constraint, Term, VersionSet};
use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A primitive comparator; `version: None` is `semver`'s ANY (the empty comparator).
#[derive(Clone, Debug)]
pub(super) struct Comparator {
    op: Op,
    version: Option<Version>,
    /// `semver`'s `comparator.value`, e.g. `>=1.2.3-0`.
    value: String,
    /// How the user wrote it, for [`Range::terms`].
    text: String,
}

impl Comparator {
    /// `COMPARATOR(LOOSE)` then `new SemVer`.
    fn parse(comp: &str, loose: bool) -> Result<Comparator, ParseError> {
        if comp.is_empty() {
            return Ok(Comparator {
                op: Op::Eq,
                version: None,
                value: String::new(),
                text: String::new(),
            });
        }
        let b = comp.as_bytes();
        let g = gtlt_end(b);
        let rest = &comp[g + usize::from(ws(b.get(g)))..];
        let parts = match_plain(rest, loose).ok_or_else(|| ParseError::InvalidComparator {
            comparator: comp.to_string(),
        })?;
        if too_long(rest) {
            return Err(ParseError::ComparatorTooLong {
                comparator: comp.to_string(),
            });
        }
        let version = Version::from_parts(rest, &parts)?;
        let op = match &comp[..g] {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => Op::Eq,
        };
        let value = format!("{}{version}", op.as_str());
        Ok(Comparator {
            op,
            version: Some(version),
            value,
            text: String::new(),
        })
    }

    /// `COMPARATORLOOSE` matches (the loose-mode filter).
    fn loose_syntax(comp: &str) -> bool {
        if comp.is_empty() {
            return true;
        }
        let b = comp.as_bytes();
        let g = gtlt_end(b);
        match_plain(&comp[g + usize::from(ws(b.get(g)))..], true).is_some()
    }

    fn is_null_set(&self) -> bool {
        self.value == "<0.0.0-0"
    }

    fn test(&self, v: &Version) -> bool {
        let Some(c) = &self.version else {
            return true;
        };
        let o = v.cmp(c);
        match self.op {
            Op::Eq => o == Ordering::Equal,
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            Op::Ge => o != Ordering::Less,
        }
    }

    fn to_set(&self) -> VersionSet<Version> {
        let Some(v) = self.version.clone() else {
            return VersionSet::full();
        };
        match self.op {
            Op::Eq => VersionSet::exact(v),
            Op::Lt => VersionSet::less_than(v),
            Op::Le => VersionSet::at_most(v),
            Op::Gt => VersionSet::greater_than(v),
            Op::Ge => VersionSet::at_least(v),
        }
    }
}

/// An npm range: `||`-separated sets of space-separated comparators.
#[derive(Clone, Debug)]
pub struct Range {
    raw: String,
    loose: bool,
    set: Vec<Vec<Comparator>>,
}

/// `range.trim().replace(/\s+/g, ' ')`.
pub(super) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_ws = false;
    for c in js_trim(s).chars() {
        if is_js_ws(c) {
            if !in_ws {
                out.push(' ');
            }
            in_ws = true;
        } else {
            out.push(c);
            in_ws = false;
        }
    }
    out
}

/// `Range.parseRange` for one `||` alternative.
pub(super) fn parse_set(part: &str, loose: bool) -> Result<Vec<Comparator>, ParseError> {
    let stripped = strip_builds(part);
    let hyphen = replace_hyphen(&stripped, loose);
    let hyphenated = hyphen.is_some();
    let s = trim_ws::trim(hyphen.as_deref().unwrap_or(&stripped));
    let s = trim_lone(&trim_lone(&s, b'~', true), b'^', false);

    // split(' ') -> parseComparator -> join(' ') -> split(/\s+/), remembering each piece's token.
    let mut joined = String::new();
    let mut owners: Vec<(usize, &str)> = Vec::new();
    for tok in s.split(' ') {
        if !joined.is_empty() || !owners.is_empty() {
            joined.push(' ');
        }
        owners.push((joined.len(), tok));
        joined.push_str(&desugar(tok, loose));
    }
    let pieces = split_ws(&joined);
    let mut per_token = vec![0usize; owners.len()];
    let mut comps: Vec<(String, usize)> = Vec::with_capacity(pieces.len());
    for (at, piece) in pieces {
        let owner = owners
            .partition_point(|(start, _)| *start <= at)
            .saturating_sub(1);
        let piece = if trim_sp(piece) == ">=0.0.0" {
            ""
        } else {
            piece
        };
        if loose && !Comparator::loose_syntax(piece) {
            continue;
        }
        if !piece.is_empty() {
            per_token[owner] += 1;
        }
        comps.push((piece.to_string(), owner));
    }
    let mut parsed = Vec::with_capacity(comps.len());
    for (piece, owner) in &comps {
        let mut c = Comparator::parse(piece, loose)?;
        let origin = if hyphenated { part } else { owners[*owner].1 };
        c.text = if !hyphenated && per_token[*owner] == 1 {
            origin.to_string()
        } else {
            format!("{} (from {origin})", c.value)
        };
        parsed.push(c);
    }
    if let Some(null) = parsed.iter().find(|c| c.is_null_set()) {
        return Ok(vec![null.clone()]);
    }
    let mut out: Vec<Comparator> = Vec::with_capacity(parsed.len());
    for c in parsed {
        if !out.iter().any(|o| o.value == c.value) {
            out.push(c);
        }
    }
    if out.len() > 1 {
        out.retain(|c| c.version.is_some());
    }
    Ok(out)
}

impl Range {
    /// `new semver.Range(s)` with default options.
    pub fn parse(s: &str) -> Result<Range, ParseError> {
        Self::parse_with(s, false)
    }

    /// `new semver.Range(s, {loose: true})`: invalid comparators are dropped, versions parse
    /// loose (`=1.2.3`, `v1.2`, `1.2.3beta`).
    pub fn parse_loose(s: &str) -> Result<Range, ParseError> {
        Self::parse_with(s, true)
    }

    fn parse_with(input: &str, loose: bool) -> Result<Range, ParseError> {
        let raw = collapse_ws(input);
        let mut set = Vec::new();
        for part in raw.split("||") {
            let comps = parse_set(trim_sp(part), loose)?;
            if !comps.is_empty() {
                set.push(comps);
            }
        }
        if set.is_empty() {
            return Err(ParseError::InvalidRange);
        }
        if set.len() > 1 {
            let first = set[0].clone();
            set.retain(|c| !c[0].is_null_set());
            if set.is_empty() {
                set.push(first);
            } else if set.len() > 1 {
                if let Some(any) = set.iter().find(|c| c.len() == 1 && c[0].version.is_none()) {
                    set = vec![any.clone()];
                }
            }
        }
        Ok(Range { raw, loose, set })
    }

    /// Whether it was parsed with `{loose: true}`.
    pub fn is_loose(&self) -> bool {
        self.loose
    }

    /// `Range.test(version)` on a string: the version is parsed the way the range was
    /// (loose or strict); an invalid version matches nothing.
    pub fn test(&self, version: &str) -> bool {
        Version::parse_with(version, self.loose).is_ok_and(|v| self.contains(&v))
    }

    /// `semver.satisfies`: some set matches all its comparators, and a pre-release version
    /// needs a comparator with a pre-release on its `major.minor.patch` in that set.
    pub fn contains(&self, v: &Version) -> bool {
        self.set.iter().any(|set| {
            set.iter().all(|c| c.test(v))
                && (!v.is_prerelease()
                    || set.iter().any(|c| {
                        c.version
                            .as_ref()
                            .is_some_and(|cv| cv.is_prerelease() && cv.same_triple(v))
                    }))
        })
    }

    /// The desugared form `semver` prints (`range.range`), e.g. `>=1.2.3 <2.0.0-0`.
    pub fn desugared(&self) -> String {
        self.set
            .iter()
            .map(|c| {
                c.iter()
                    .map(|c| trim_sp(&c.value).to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("||")
    }

    fn set_of(comps: &[Comparator]) -> VersionSet<Version> {
        comps
            .iter()
            .fold(VersionSet::full(), |acc, c| acc.intersect(&c.to_set()))
    }
}

impl fmt::Display for Range {
    /// The range as written (trimmed, whitespace collapsed).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Constraint for Range {
    type Version = Version;

    /// Exact for releases; a superset for pre-releases (their rule is not an interval union).
    fn to_set(&self) -> VersionSet<Version> {
        self.set
            .iter()
            .fold(VersionSet::empty(), |acc, c| acc.union(&Self::set_of(c)))
    }

    fn terms(&self) -> Vec<Term<Version>> {
        let whole = || {
            vec![Term {
                text: self.to_string(),
                set: self.to_set(),
            }]
        };
        if self.set.len() != 1 || self.raw.contains("||") {
            return whole();
        }
        let terms: Vec<_> = self.set[0]
            .iter()
            .filter(|c| c.version.is_some())
            .map(|c| Term {
                text: c.text.clone(),
                set: c.to_set(),
            })
            .collect();
        if terms.is_empty() {
            whole()
        } else {
            terms
        }
    }
}
