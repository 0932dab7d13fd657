//! dpkg versions: `parseversion` (with its error messages) and `verrevcmp` order.

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

pub(super) fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// C `isspace` in the C locale.
pub(super) fn is_c_space(c: u8) -> bool {
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
    pub(super) fn shifted(mut self, by: usize) -> Self {
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
pub(super) fn parse_epoch(e: &[u8]) -> Result<u32, ParseError> {
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
pub(super) fn order(c: u8) -> i32 {
    match c {
        b'~' => -1,
        0 | b'0'..=b'9' => 0,
        c if c.is_ascii_alphabetic() => i32::from(c),
        c => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`, on bytes; past the end reads as NUL.
pub(super) fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
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
pub(super) fn hash_verrev<H: Hasher>(s: &[u8], h: &mut H) {
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
