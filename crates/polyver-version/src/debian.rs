//! Debian package versions and relations, as dpkg orders and checks them.
//!
//! Reference: dpkg 1.21 (`lib/dpkg/parsehelp.c` `parseversion`, `lib/dpkg/version.c`
//! `verrevcmp`), checked by differential vectors from `dpkg --validate-version` and
//! `dpkg --compare-versions` (`tests/vectors/gen/debian.py`).
//!
//! Version `[epoch:]upstream[-revision]`:
//! - blanks (space, tab) around the string are ignored, inside it they are an error;
//! - a `:` anywhere means an epoch: the text before the first `:` is read like C `strtol`
//!   (leading `\n\v\f\r`, a sign, digits) and must end at that `:`, lie in `0..=i32::MAX`
//!   (`-0` is accepted; an epoch that overflows is "too big", never wrapped);
//! - the revision is after the *last* `-`; upstream starts with a digit and holds
//!   `[A-Za-z0-9.+~:-]`, the revision `[A-Za-z0-9.+~]`. dpkg only warns about bad characters,
//!   but `--validate-version` fails on them, so they are invalid here.
//!
//! Ordering (`verrevcmp`): epochs numerically, then upstream, then revision. Each part is
//! alternating non-digit and digit runs: non-digit runs compare byte-wise with `~` before the
//! end of the run, the end before letters, letters before other characters; digit runs compare
//! by value, of any length (no integer parsing). So an absent digit run is 0: `1.0-0 == 1.0`,
//! `1. == 1.0`, `0:1 == 1`, `1.00 == 1.0`. Eq and Hash follow that order, not the spelling.
//!
//! Range grammar (Debian relation syntax for one package, package name left out):
//! ```text
//! range    := group ("," group)*            all groups must hold (AND)
//! group    := relation ("|" relation)*      any alternative may hold (OR)
//! relation := "(" rel ")" | rel             parentheses optional, whitespace anywhere between tokens
//! rel      := [op] version                  no operator = "=" (dpkg's implicit exact match)
//! op       := "<<" | "<=" | "=" | ">=" | ">>" | "<" | ">"
//! ```
//! `<` and `>` are dpkg's deprecated spellings of `<=` and `>=`. The version is one token (no
//! blanks or parentheses) and must be valid. An empty range or an empty group is an error.
//! Relations are a pure order test, so `to_set` is exact.

use crate::algebra::{Constraint, Term, VersionSet};
use crate::error::offset_in;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A dpkg version. Display is dpkg's non-ambiguous form: the epoch only when non-zero (or
/// when upstream holds a `:`), then `upstream[-revision]` as written.
#[derive(Clone, Debug)]
pub struct Version {
    epoch: u32,
    /// `upstream[-revision]`, ASCII.
    body: Box<str>,
    /// Byte length of upstream within `body`.
    upstream_len: usize,
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// C `isspace` in the C locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Why dpkg rejects a version or polyver a relation list: dpkg's own messages for versions
/// (`parseversion`). `at` is the byte offset in the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("version string contains NUL")]
    Nul { at: usize },
    #[error("version string is empty")]
    Empty,
    #[error("version string has embedded spaces")]
    EmbeddedSpace { at: usize },
    #[error("epoch in version is empty")]
    EpochEmpty,
    #[error("epoch in version is not number")]
    EpochNotNumber,
    #[error("epoch in version is negative")]
    EpochNegative,
    #[error("epoch in version is too big")]
    EpochTooBig,
    #[error("nothing after colon in version number")]
    NothingAfterColon,
    #[error("revision number is empty")]
    RevisionEmpty,
    #[error("version number is empty")]
    UpstreamEmpty,
    #[error("version number does not start with digit")]
    UpstreamNoDigit { at: usize },
    #[error("invalid character in version number")]
    UpstreamChar { at: usize },
    #[error("invalid character in revision number")]
    RevisionChar { at: usize },
    #[error("empty range")]
    EmptyRange,
    #[error("missing closing parenthesis")]
    NoClosingParenthesis { at: usize },
    #[error("bad version relationship")]
    BadRelationship { at: usize },
    #[error("empty relation")]
    EmptyRelation { at: usize },
    #[error("relation has no version")]
    NoVersion { at: usize },
    #[error("version `{version}` contains a space or parenthesis")]
    SpaceInVersion { version: String, at: usize },
}

impl ParseError {
    pub fn offset(&self) -> Option<usize> {
        use ParseError as E;
        match self {
            E::Nul { at }
            | E::EmbeddedSpace { at }
            | E::UpstreamNoDigit { at }
            | E::UpstreamChar { at }
            | E::RevisionChar { at }
            | E::NoClosingParenthesis { at }
            | E::BadRelationship { at }
            | E::EmptyRelation { at }
            | E::NoVersion { at }
            | E::SpaceInVersion { at, .. } => Some(*at),
            E::Empty
            | E::EpochEmpty
            | E::EpochNotNumber
            | E::EpochNegative
            | E::EpochTooBig
            | E::NothingAfterColon
            | E::RevisionEmpty
            | E::UpstreamEmpty
            | E::EmptyRange => None,
        }
    }

    /// The same error with its offset moved by `by` (a version inside a range).
    fn shifted(mut self, by: usize) -> Self {
        use ParseError as E;
        if let E::Nul { at }
        | E::EmbeddedSpace { at }
        | E::UpstreamNoDigit { at }
        | E::UpstreamChar { at }
        | E::RevisionChar { at } = &mut self
        {
            *at += by;
        }
        self
    }
}

/// The epoch text before the first `:`, read the way dpkg does with `strtol`.
fn parse_epoch(e: &[u8]) -> Result<u32, ParseError> {
    let mut i = 0;
    while i < e.len() && is_c_space(e[i]) {
        i += 1;
    }
    let negative = match e.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = &e[i..];
    let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return Err(ParseError::EpochEmpty);
    }
    if n != digits.len() {
        return Err(ParseError::EpochNotNumber);
    }
    let mut value: u64 = 0;
    for &d in digits.iter().skip_while(|&&d| d == b'0') {
        value = value * 10 + u64::from(d - b'0');
        if value > i32::MAX as u64 {
            // strtol saturates (LONG_MIN / LONG_MAX); dpkg then reports sign first.
            return Err(if negative {
                ParseError::EpochNegative
            } else {
                ParseError::EpochTooBig
            });
        }
    }
    if negative && value != 0 {
        return Err(ParseError::EpochNegative);
    }
    // value <= i32::MAX, so it fits.
    Ok(value as u32)
}

impl Version {
    pub fn parse(s: &str) -> Result<Version, ParseError> {
        let b = s.as_bytes();
        if let Some(at) = b.iter().position(|&c| c == 0) {
            return Err(ParseError::Nul { at });
        }
        let start = b
            .iter()
            .position(|&c| !is_blank(c))
            .ok_or(ParseError::Empty)?;
        let rest = &b[start..];
        let len = rest.iter().position(|&c| is_blank(c)).unwrap_or(rest.len());
        if let Some(i) = rest[len..].iter().position(|&c| !is_blank(c)) {
            return Err(ParseError::EmbeddedSpace {
                at: start + len + i,
            });
        }
        let tok = &rest[..len];
        let (epoch, body) = match tok.iter().position(|&c| c == b':') {
            Some(colon) => {
                let epoch = parse_epoch(&tok[..colon])?;
                let body = &tok[colon + 1..];
                if body.is_empty() {
                    return Err(ParseError::NothingAfterColon);
                }
                (epoch, body)
            }
            None => (0, tok),
        };
        let upstream_len = match body.iter().rposition(|&c| c == b'-') {
            Some(h) if h + 1 == body.len() => return Err(ParseError::RevisionEmpty),
            Some(h) => h,
            None => body.len(),
        };
        let (upstream, revision) = (&body[..upstream_len], body.get(upstream_len + 1..));
        match upstream.first() {
            None => return Err(ParseError::UpstreamEmpty),
            Some(c) if !c.is_ascii_digit() => {
                return Err(ParseError::UpstreamNoDigit {
                    at: offset_in(b, upstream),
                })
            }
            Some(_) => {}
        }
        if let Some(i) = upstream
            .iter()
            .position(|&c| !c.is_ascii_alphanumeric() && !b".-+~:".contains(&c))
        {
            return Err(ParseError::UpstreamChar {
                at: offset_in(b, upstream) + i,
            });
        }
        if let Some(revision) = revision {
            if let Some(i) = revision
                .iter()
                .position(|&c| !c.is_ascii_alphanumeric() && !b".+~".contains(&c))
            {
                return Err(ParseError::RevisionChar {
                    at: offset_in(b, revision) + i,
                });
            }
        }
        // Every byte was checked to be ASCII.
        let body: String = body.iter().map(|&c| char::from(c)).collect();
        Ok(Version {
            epoch,
            body: body.into_boxed_str(),
            upstream_len,
        })
    }

    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    pub fn upstream(&self) -> &str {
        &self.body[..self.upstream_len]
    }

    /// The Debian revision, `""` when absent.
    pub fn revision(&self) -> &str {
        self.body.get(self.upstream_len + 1..).unwrap_or("")
    }
}

/// dpkg's `order()`: `~` < end/digit < letters < everything else.
fn order(c: u8) -> i32 {
    match c {
        b'~' => -1,
        0 | b'0'..=b'9' => 0,
        c if c.is_ascii_alphabetic() => i32::from(c),
        c => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`, on bytes; past the end reads as NUL.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let at = |s: &[u8], k: usize| s.get(k).copied().unwrap_or(0);
    let non_digit = |c: u8| c != 0 && !c.is_ascii_digit();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        loop {
            let (ca, cb) = (at(a, i), at(b, j));
            if !non_digit(ca) && !non_digit(cb) {
                break;
            }
            let (oa, ob) = (order(ca), order(cb));
            if oa != ob {
                return oa.cmp(&ob);
            }
            i += 1;
            j += 1;
        }
        while at(a, i) == b'0' {
            i += 1;
        }
        while at(b, j) == b'0' {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while at(a, i).is_ascii_digit() && at(b, j).is_ascii_digit() {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if at(a, i).is_ascii_digit() {
            return Ordering::Greater;
        }
        if at(b, j).is_ascii_digit() {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

/// Hashes the (non-digit run, digit run without leading zeros) pairs `verrevcmp` compares;
/// the empty pair (an all-zero part) is skipped, so equal parts hash equally.
fn hash_verrev<H: Hasher>(s: &[u8], h: &mut H) {
    let mut i = 0;
    while i < s.len() {
        let text_start = i;
        while i < s.len() && !s[i].is_ascii_digit() {
            i += 1;
        }
        let text = &s[text_start..i];
        while i < s.len() && s[i] == b'0' {
            i += 1;
        }
        let num_start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        let num = &s[num_start..i];
        if !text.is_empty() || !num.is_empty() {
            h.write(text);
            h.write_u8(0xff);
            h.write(num);
            h.write_u8(0xfe);
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream().as_bytes(), other.upstream().as_bytes()))
            .then_with(|| verrevcmp(self.revision().as_bytes(), other.revision().as_bytes()))
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
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u32(self.epoch);
        hash_verrev(self.upstream().as_bytes(), h);
        h.write_u8(b'-');
        hash_verrev(self.revision().as_bytes(), h);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 || self.upstream().contains(':') {
            write!(f, "{}:", self.epoch)?;
        }
        f.write_str(&self.body)
    }
}

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
fn is_space_char(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_c_space)
}

/// One `,`-separated group: alternatives joined by `|`.
#[derive(Clone, Debug)]
struct Group {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::hash_map::DefaultHasher;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn h(x: &Version) -> u64 {
        let mut s = DefaultHasher::new();
        x.hash(&mut s);
        s.finish()
    }

    #[test]
    fn ordering_rules() {
        let sorted = [
            "1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+", "1.0.1", "1.1", "1.10", "2", "1:0.1",
        ];
        for w in sorted.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert!(v("1.0-1") < v("1.0-1.1"));
        assert!(v("1.0-1~bpo1") < v("1.0-1"));
        let huge = "1.123456789012345678901234567890";
        assert!(v(huge) > v("1.123456789012345678901234567889"));
    }

    #[test]
    fn equal_spellings_are_equal_and_hash_alike() {
        for (a, b) in [
            ("1.0-0", "1.0"),
            ("0:1.0", "1.0"),
            ("1.00", "1.0"),
            ("1.", "1.0"),
            ("1a", "1a0"),
            ("01:1", "1:1"),
            (" 1.0\t", "1.0"),
            ("1.0-00", "1.0"),
        ] {
            assert_eq!(v(a), v(b), "{a} == {b}");
            assert_eq!(h(&v(a)), h(&v(b)), "hash {a} {b}");
        }
        assert_ne!(v("1.0"), v("1.0."));
        assert_ne!(v("1.0-a"), v("1.0"));
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "",
            " ",
            "a1",
            "1.0-",
            "-1",
            "1:",
            ":1",
            "-1:1",
            "2147483648:1",
            "99999999999999999999999999:1",
            "1.0:2",
            "1 0",
            "1_0",
            "1.0-a:b",
            "1.0\n",
            "1.0-r\u{e9}",
            "1\0",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
        for good in [
            "2147483647:1",
            "-0:1",
            "+1:1",
            "\n1:1",
            "1:2:3",
            "1-2-3",
            "0",
        ] {
            assert!(Version::parse(good).is_ok(), "{good:?}");
        }
        assert_eq!(v("1-2-3").upstream(), "1-2");
        assert_eq!(v("1-2-3").revision(), "3");
        assert_eq!(v("+01:2-3").to_string(), "1:2-3");
        assert_eq!(v("0:2:3").to_string(), "0:2:3");
    }

    #[test]
    fn relations() {
        let r = Range::parse("(>= 1.0) | << 0.5, (<< 2.0)").unwrap();
        assert!(r.contains(&v("1.5")));
        assert!(r.contains(&v("0.4")));
        assert!(!r.contains(&v("0.7")));
        assert!(!r.contains(&v("2.0")));
        assert_eq!(r.to_string(), ">= 1.0 | << 0.5, << 2.0");
        assert_eq!(r.terms().len(), 2);
        // Deprecated `<` is `<=`, a bare version is `=`.
        assert!(Range::parse("< 1.0").unwrap().contains(&v("1.0")));
        assert!(Range::parse(">1.0").unwrap().contains(&v("1.0")));
        assert!(Range::parse("(1.0-0)").unwrap().contains(&v("1.0")));
        for bad in [
            "", ">= 1.0,", "|>= 1", "<> 1", "(>= 1", ">= 1 2", ">=", "== 1", ">= a",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn conflicting_groups_are_explained() {
        let a = Range::parse(">= 2.31").unwrap();
        let b = Range::parse("<< 2.20").unwrap();
        let i = crate::algebra::intersect(&a, &b);
        assert!(i.empty);
    }

    fn version_strategy() -> impl Strategy<Value = String> {
        let up = "[0-9][0-9a-c.+~:]{0,6}";
        (0u32..3, up, proptest::option::of("[0-9a-c.+~]{1,4}")).prop_map(|(e, u, r)| {
            let mut s = if e > 0 || u.contains(':') {
                format!("{e}:{u}")
            } else {
                u
            };
            if let Some(r) = r {
                s.push('-');
                s.push_str(&r);
            }
            s
        })
    }

    proptest! {
        #[test]
        fn ord_is_consistent(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            if a <= b && b <= c { prop_assert!(a <= c); }
            if a == b { prop_assert_eq!(h(&a), h(&b)); }
            prop_assert_eq!(v(&a.to_string()), a.clone());
        }

        #[test]
        fn to_set_is_exact(x in version_strategy(), a in version_strategy(), b in version_strategy(),
                           ops in proptest::collection::vec(0usize..7, 3)) {
            const OPS: [&str; 7] = ["<<", "<=", "=", ">=", ">>", "<", ">"];
            let range = format!("({} {a}) | {} {b}, {}{a}", OPS[ops[0]], OPS[ops[1]], OPS[ops[2]]);
            let r = Range::parse(&range).unwrap();
            let x = v(&x);
            prop_assert_eq!(r.contains(&x), r.to_set().contains(&x), "{}", range);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = Version::parse(&s);
            let _ = Range::parse(&s);
        }
    }
}
