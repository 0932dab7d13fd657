//! npm versions and ranges, exactly as npm's `semver` package (v7) treats them.
//!
//! npm, yarn and pnpm resolve every dependency with `semver`, so polyver must give the same
//! answer to "is 1.2.3-beta in `^1.2.0`?" as `semver.satisfies` does, quirks included. The
//! reference is `semver`'s source (`classes/semver.js`, `classes/range.js`,
//! `classes/comparator.js`, `internal/re.js`, `internal/trim-comparator-whitespace.js`); this
//! module ports its regular expressions to hand-written matchers (keeping the `safeRe` length
//! caps and the regex backtracking that matters) and replays `Range`'s desugaring pipeline
//! string for string, because its rewrites (`1.2.3*` is `1.2.3`, `+build` is `*`, `v1 - 2`,
//! `* || 1.0.0-beta` collapsing to `*`) only come out right that way.
//!
//! Rules that matter most:
//! - Versions: strict by default (`semver.valid`): optional `v`, no leading zeros, surrounding
//!   JS whitespace trimmed, at most 256 UTF-16 units, numbers at most `MAX_SAFE_INTEGER`.
//!   `parse_loose` is `{loose: true}` (`=v1.2.3`, `1.2.3beta`, `01.2.3`).
//! - Order: build metadata ignored; a release sorts after its pre-releases; numeric
//!   identifiers (`u64`) sort before alphanumeric ones (ASCII order). Digit-only identifiers at
//!   or above `MAX_SAFE_INTEGER` stay strings in `semver` but compare as JS numbers (doubles):
//!   we key them by their `f64` value. `semver` stops comparing at the first such pair that
//!   differs as text but not as a number, which is not transitive; we compare the remaining
//!   identifiers instead, so that `Ord` stays a total order.
//! - Ranges: `||` of space-separated comparator sets; hyphen, x-, tilde and caret ranges
//!   desugar to primitive comparators; a pre-release version matches a set only if one of its
//!   comparators has a pre-release on the same `major.minor.patch` (`Range.test`).

use crate::algebra::{Constraint, Term, VersionSet};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

const MAX_LENGTH: usize = 256;
const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;
/// `safeRe` caps `[a-zA-Z0-9-]*`/`+` at this many characters.
const MAX_SAFE_BUILD_LENGTH: usize = MAX_LENGTH - 6;
/// `safeRe` caps `\d*`/`\d+` at this many digits.
const MAX_DIGITS: usize = MAX_LENGTH;

// ---------------------------------------------------------------------------------------------
// Character classes (JS semantics)
// ---------------------------------------------------------------------------------------------

/// JS `\s` and the characters `String.prototype.trim` removes.
fn is_js_ws(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_ws)
}

/// Whitespace once the range has been collapsed (only ASCII remains).
fn ws(b: Option<&u8>) -> bool {
    matches!(b, Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
}
fn digit(b: Option<&u8>) -> bool {
    matches!(b, Some(c) if c.is_ascii_digit())
}
fn letter(b: Option<&u8>) -> bool {
    matches!(b, Some(c) if c.is_ascii_alphabetic())
}
fn ident(b: Option<&u8>) -> bool {
    matches!(b, Some(c) if c.is_ascii_alphanumeric() || *c == b'-')
}
fn run(b: &[u8], mut i: usize, class: fn(Option<&u8>) -> bool) -> usize {
    while class(b.get(i)) {
        i += 1;
    }
    i
}

/// `s.length > MAX_LENGTH` in UTF-16 code units.
fn too_long(s: &str) -> bool {
    s.len() > MAX_LENGTH && s.chars().map(char::len_utf16).sum::<usize>() > MAX_LENGTH
}

// ---------------------------------------------------------------------------------------------
// Version grammar (internal/re.js)
// ---------------------------------------------------------------------------------------------

/// One pre-release identifier, `token` being a whole run of `[a-zA-Z0-9-]`:
/// `\d{0,256}[a-zA-Z-][a-zA-Z0-9-]{0,250}` or (`0|[1-9]\d{0,256}` | loose `\d{1,256}`).
fn pre_id_ok(token: &[u8], loose: bool) -> bool {
    match token.iter().position(|c| !c.is_ascii_digit()) {
        Some(d) => d <= MAX_DIGITS && token.len() - d - 1 <= MAX_SAFE_BUILD_LENGTH,
        None if loose => !token.is_empty() && token.len() <= MAX_DIGITS,
        None => {
            token == b"0"
                || (!token.is_empty() && token[0] != b'0' && token.len() <= MAX_DIGITS + 1)
        }
    }
}

/// `ID(\.ID)*` from `i`; the end, or `None` when the first identifier fails.
fn pre_ids(b: &[u8], i: usize, loose: bool) -> Option<usize> {
    let mut end = run(b, i, ident);
    if !pre_id_ok(&b[i..end], loose) {
        return None;
    }
    while b.get(end) == Some(&b'.') {
        let next = run(b, end + 1, ident);
        if !pre_id_ok(&b[end + 1..next], loose) {
            break;
        }
        end = next;
    }
    Some(end)
}

/// `\+([a-zA-Z0-9-]{1,250}(\.[a-zA-Z0-9-]{1,250})*)` at `i`.
fn build_ids(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'+') {
        return None;
    }
    let ok = |s: usize, e: usize| e > s && e - s <= MAX_SAFE_BUILD_LENGTH;
    let mut end = run(b, i + 1, ident);
    if !ok(i + 1, end) {
        return None;
    }
    while b.get(end) == Some(&b'.') {
        let next = run(b, end + 1, ident);
        if !ok(end + 1, next) {
            break;
        }
        end = next;
    }
    Some(end)
}

type Span = (usize, usize);

/// Optional pre-release (strict `-ID...`, loose `-?ID...`) then optional build, from `i`.
fn pre_build(b: &[u8], i: usize, loose: bool) -> (usize, Option<Span>) {
    let mut pos = i;
    let mut pre = None;
    let hyphen = b.get(i) == Some(&b'-');
    if hyphen {
        if let Some(e) = pre_ids(b, i + 1, loose) {
            pre = Some((i + 1, e));
        }
    }
    // Loose: the hyphen is optional, so it can start the first identifier itself (`1.2.3-`).
    if pre.is_none() && loose {
        if let Some(e) = pre_ids(b, i, true) {
            pre = Some((i, e));
        }
    }
    if let Some((_, e)) = pre {
        pos = e;
    }
    if let Some(e) = build_ids(b, pos) {
        pos = e;
    }
    (pos, pre)
}

/// Skips `[v=\s]*`.
fn skip_prefix(s: &str, i: usize) -> usize {
    let mut j = i;
    for c in s[i..].chars() {
        if c == 'v' || c == '=' || is_js_ws(c) {
            j += c.len_utf8();
        } else {
            break;
        }
    }
    j
}

/// The captured pieces of a full version match.
#[derive(Clone, Copy, Debug)]
struct Parts {
    nums: [Span; 3],
    pre: Option<Span>,
    build: Option<Span>,
}

/// A numeric component followed by `.`: strict `0|[1-9]\d{0,256}`, loose `\d{1,256}`.
fn main_num(b: &[u8], i: usize, loose: bool) -> Option<usize> {
    let end = run(b, i, digit);
    let len = end - i;
    let ok = if loose {
        (1..=MAX_DIGITS).contains(&len)
    } else {
        len == 1 || (len > 1 && b[i] != b'0' && len <= MAX_DIGITS + 1)
    };
    ok.then_some(end)
}

/// `FULLPLAIN` (strict, `v?`) or `LOOSEPLAIN` (`[v=\s]*`) anchored at both ends.
fn match_plain(s: &str, loose: bool) -> Option<Parts> {
    let b = s.as_bytes();
    let mut i = if loose {
        skip_prefix(s, 0)
    } else {
        usize::from(b.first() == Some(&b'v'))
    };
    let mut nums = [(0, 0); 3];
    for slot in nums.iter_mut().take(2) {
        let e = main_num(b, i, loose)?;
        if b.get(e) != Some(&b'.') {
            return None;
        }
        *slot = (i, e);
        i = e + 1;
    }
    let p_end = run(b, i, digit);
    if p_end == i {
        return None;
    }
    if !loose {
        let e = main_num(b, i, false)?;
        nums[2] = (i, e);
        let (end, pre) = pre_build(b, e, false);
        let build = build_span(b, pre.map_or(e, |p| p.1), end);
        return (end == b.len()).then_some(Parts { nums, pre, build });
    }
    // Loose `\d{1,256}` backtracks: `1.2.34.5` is patch 3, pre-release `4.5`.
    let longest = (p_end - i).min(MAX_DIGITS);
    for k in (1..=longest).rev() {
        let (end, pre) = pre_build(b, i + k, true);
        if end == b.len() {
            nums[2] = (i, i + k);
            let build = build_span(b, pre.map_or(i + k, |p| p.1), end);
            return Some(Parts { nums, pre, build });
        }
    }
    None
}

fn build_span(b: &[u8], from: usize, end: usize) -> Option<Span> {
    (from < end && b[from] == b'+').then_some((from + 1, end))
}

// ---------------------------------------------------------------------------------------------
// Version
// ---------------------------------------------------------------------------------------------

/// A pre-release identifier; offsets point into `Version::pre_text`.
#[derive(Clone, Copy, Debug)]
enum Ident {
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
fn safe_int(digits: &str) -> Option<u64> {
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

    fn parse_with(input: &str, loose: bool) -> Result<Version, ParseError> {
        if too_long(input) {
            return Err(ParseError::TooLong);
        }
        let s = js_trim(input);
        let parts = match_plain(s, loose).ok_or(ParseError::InvalidVersion)?;
        Self::from_parts(s, &parts)
    }

    fn from_parts(s: &str, p: &Parts) -> Result<Version, ParseError> {
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

    fn same_triple(&self, o: &Version) -> bool {
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

// ---------------------------------------------------------------------------------------------
// Range grammar helpers (XRANGEPLAIN and friends)
// ---------------------------------------------------------------------------------------------

/// Captures of `XRANGEPLAIN`: major, minor, patch, pre-release.
#[derive(Clone, Copy, Debug, Default)]
struct XCaps<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: Option<&'a str>,
}

/// One x-range identifier at `i`: `x|X|*`, strict `0|[1-9]\d{0,256}`, loose `\d{1,256}`
/// (longest); the end.
fn xid(b: &[u8], i: usize, loose: bool) -> Option<usize> {
    match b.get(i) {
        Some(b'x' | b'X' | b'*') => Some(i + 1),
        Some(c) if c.is_ascii_digit() => {
            let end = run(b, i, digit);
            Some(if loose {
                i + (end - i).min(MAX_DIGITS)
            } else if *c == b'0' {
                i + 1
            } else {
                i + (end - i).min(MAX_DIGITS + 1)
            })
        }
        _ => None,
    }
}

/// `XRANGEPLAIN(LOOSE)` from `i`, accepted only where `follow(end)` holds; tries the regex's
/// alternatives in its order and returns the first that fits.
fn xrange_plain<'a>(
    s: &'a str,
    i: usize,
    loose: bool,
    follow: &dyn Fn(usize) -> bool,
) -> Option<(usize, XCaps<'a>)> {
    let b = s.as_bytes();
    let i = skip_prefix(s, i);
    let e = xid(b, i, loose)?;
    let mut caps = XCaps {
        major: &s[i..e],
        ..XCaps::default()
    };
    if b.get(e) != Some(&b'.') {
        return follow(e).then_some((e, caps));
    }
    let m0 = e + 1;
    let e = xid(b, m0, loose)?;
    caps.minor = Some(&s[m0..e]);
    if b.get(e) != Some(&b'.') {
        return follow(e).then_some((e, caps));
    }
    let p0 = e + 1;
    let p_end = xid(b, p0, loose)?;
    // Loose digits backtrack into an unhyphenated pre-release; otherwise one try.
    let shortest = if loose && digit(b.get(p0)) {
        p0 + 1
    } else {
        p_end
    };
    let mut p = p_end;
    while p >= shortest {
        let (end, pre) = pre_build(b, p, loose);
        if follow(end) {
            caps.patch = Some(&s[p0..p]);
            caps.pre = pre.map(|(a, z)| &s[a..z]);
            return Some((end, caps));
        }
        p -= 1;
    }
    None
}

/// `isX`: missing, empty, `x`, `X` or `*`.
fn is_x(id: Option<&str>) -> bool {
    matches!(id, None | Some("" | "x" | "X" | "*"))
}

/// `+s + 1` in JS, printed back the JS way.
fn js_inc(digits: &str) -> String {
    let t = digits.trim_start_matches('0');
    if t.len() <= 15 {
        return (t.parse::<u64>().unwrap_or(0) + 1).to_string();
    }
    let f = digits.parse::<f64>().unwrap_or(f64::MAX) + 1.0;
    if f < 1e21 {
        format!("{f}")
    } else {
        format!("{f:e}").replacen('e', "e+", 1)
    }
}

/// `String.prototype.split(/\s+/)` on a collapsed range.
fn split_ws(s: &str) -> Vec<(usize, &str)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if ws(b.get(i)) {
            let end = run(b, i, ws);
            out.push((start, &s[start..i]));
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    out.push((start, &s[start..]));
    out
}

fn trim_sp(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}')
}

/// `BUILDSTRIPRE` (unbounded, global): removes every `+build.ids`.
fn strip_builds(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copy = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'+' && ident(b.get(i + 1)) {
            let mut end = run(b, i + 1, ident);
            while b.get(end) == Some(&b'.') && ident(b.get(end + 1)) {
                end = run(b, end + 1, ident);
            }
            out.push_str(&s[copy..i]);
            copy = end;
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[copy..]);
    out
}

/// `HYPHENRANGE` + `hyphenReplace`: `1.2 - 3.4` => `>=1.2.0 <3.5.0-0`.
fn replace_hyphen(s: &str, loose: bool) -> Option<String> {
    let b = s.as_bytes();
    let start = usize::from(ws(b.first()));
    let sep = |e: usize| b.get(e..e + 3) == Some(b" - ");
    let (e1, f) = xrange_plain(s, start, loose, &sep)?;
    let end_ok = |e: usize| e == b.len() || (ws(b.get(e)) && e + 1 == b.len());
    let (e2, t) = xrange_plain(s, e1 + 3, loose, &end_ok)?;
    let (from, to) = (&s[start..e1], &s[e1 + 3..e2]);
    let from = if is_x(Some(f.major)) {
        String::new()
    } else if is_x(f.minor) {
        format!(">={}.0.0", f.major)
    } else if is_x(f.patch) {
        format!(">={}.{}.0", f.major, f.minor.unwrap_or_default())
    } else {
        format!(">={from}")
    };
    let to = if is_x(Some(t.major)) {
        String::new()
    } else if is_x(t.minor) {
        format!("<{}.0.0-0", js_inc(t.major))
    } else if is_x(t.patch) {
        format!("<{}.{}.0-0", t.major, js_inc(t.minor.unwrap_or_default()))
    } else if let Some(pr) = t.pre {
        format!(
            "<={}.{}.{}-{pr}",
            t.major,
            t.minor.unwrap_or_default(),
            t.patch.unwrap_or_default()
        )
    } else {
        format!("<={to}")
    };
    Some(trim_sp(&format!("{from} {to}")).to_string())
}

/// Port of `internal/trim-comparator-whitespace.js`: `> 1.2.3 < 2` => `>1.2.3 <2`.
mod trim_ws {
    use super::{digit, ident, letter, ws, MAX_LENGTH, MAX_SAFE_BUILD_LENGTH};

    fn version_prefix(c: Option<&u8>) -> bool {
        matches!(c, Some(b'v' | b'=')) || ws(c)
    }
    fn version_start(c: Option<&u8>) -> bool {
        digit(c) || matches!(c, Some(b'x' | b'X' | b'*'))
    }
    /// The end of at most `limit` digits (bounded, so long digit runs stay linear).
    fn digits_end(b: &[u8], start: usize, limit: usize) -> usize {
        let mut end = start;
        while end - start < limit && digit(b.get(end)) {
            end += 1;
        }
        end
    }
    fn number_end(b: &[u8], start: usize, loose: bool) -> usize {
        if !loose && b.get(start) == Some(&b'0') {
            return start + 1;
        }
        digits_end(b, start, if loose { MAX_LENGTH } else { MAX_LENGTH + 1 })
    }
    fn pre_id_end(b: &[u8], start: usize, loose: bool) -> usize {
        let d = digits_end(b, start, MAX_LENGTH);
        if letter(b.get(d)) || b.get(d) == Some(&b'-') {
            let mut end = d + 1;
            let limit = end + MAX_SAFE_BUILD_LENGTH;
            while end < limit && ident(b.get(end)) {
                end += 1;
            }
            return end;
        }
        number_end(b, start, loose)
    }
    fn pre_end(b: &[u8], start: usize, loose: bool) -> usize {
        let hyphen = b.get(start) == Some(&b'-');
        if !loose && !hyphen {
            return start;
        }
        let id_start = start + usize::from(hyphen);
        let mut end = pre_id_end(b, id_start, loose);
        if end == id_start {
            if !loose || !hyphen {
                return start;
            }
            end = pre_id_end(b, start, loose);
        }
        while b.get(end) == Some(&b'.') {
            let next = pre_id_end(b, end + 1, loose);
            if next == end + 1 {
                break;
            }
            end = next;
        }
        end
    }
    fn build_id_end(b: &[u8], start: usize) -> usize {
        let mut end = start;
        while end - start < MAX_SAFE_BUILD_LENGTH && ident(b.get(end)) {
            end += 1;
        }
        end
    }
    fn build_end(b: &[u8], start: usize) -> usize {
        if b.get(start) != Some(&b'+') {
            return start;
        }
        let mut end = build_id_end(b, start + 1);
        if end == start + 1 {
            return start;
        }
        while b.get(end) == Some(&b'.') {
            let next = build_id_end(b, end + 1);
            if next == end + 1 {
                break;
            }
            end = next;
        }
        end
    }
    fn loose_full_end(b: &[u8], start: usize) -> usize {
        let mut end = start;
        for component in 0..3 {
            let next = number_end(b, end, true);
            if next == end {
                return start;
            }
            end = next;
            if component < 2 {
                if b.get(end) != Some(&b'.') {
                    return start;
                }
                end += 1;
            }
        }
        build_end(b, pre_end(b, end, true))
    }
    fn partial_component_end(b: &[u8], start: usize) -> usize {
        if digit(b.get(start)) {
            number_end(b, start, false)
        } else if version_start(b.get(start)) {
            start + 1
        } else {
            start
        }
    }
    fn partial_end(b: &[u8], start: usize) -> usize {
        let mut end = partial_component_end(b, start);
        for _ in 0..2 {
            if b.get(end) != Some(&b'.') {
                return end;
            }
            let next = partial_component_end(b, end + 1);
            if next == end + 1 {
                return end;
            }
            end = next;
        }
        build_end(b, pre_end(b, end, false))
    }
    fn version_end(b: &[u8], start: usize) -> usize {
        let full = loose_full_end(b, start);
        if full != start {
            full
        } else {
            partial_end(b, start)
        }
    }
    fn removable_ws(b: &[u8], match_start: usize) -> Option<usize> {
        let mut p = match_start;
        if ws(b.get(p)) {
            p += 1;
        }
        if matches!(b.get(p), Some(b'<' | b'>')) {
            p += 1;
        }
        if b.get(p) == Some(&b'=') {
            p += 1;
        }
        ws(b.get(p)).then_some(p)
    }

    pub(super) fn trim(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = String::with_capacity(s.len());
        let (mut copy_from, mut cursor) = (0, 0);
        while cursor < b.len() {
            let match_start = cursor;
            if matches!(b[cursor], b'<' | b'>') {
                cursor += 1;
            } else if !version_prefix(b.get(cursor)) && !version_start(b.get(cursor)) {
                cursor += 1;
                continue;
            }
            while cursor < b.len() && version_prefix(b.get(cursor)) {
                cursor += 1;
            }
            if !version_start(b.get(cursor)) {
                continue;
            }
            if let Some(p) = removable_ws(b, match_start) {
                out.push_str(&s[copy_from..p]);
                copy_from = p + 1;
            }
            cursor = version_end(b, cursor);
        }
        out.push_str(&s[copy_from..]);
        out
    }
}

/// `TILDETRIM`/`CARETTRIM`: `~ 1`, `~> 1` => `~1`; `^ 1` => `^1`.
fn trim_lone(s: &str, sigil: u8, allow_gt: bool) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let (mut copy, mut i) = (0, 0);
    while i < b.len() {
        if b[i] == sigil {
            let gt = allow_gt && b.get(i + 1) == Some(&b'>') && ws(b.get(i + 2));
            let skip = if gt {
                2
            } else if ws(b.get(i + 1)) {
                1
            } else {
                0
            };
            if skip > 0 {
                out.push_str(&s[copy..=i]);
                copy = i + 1 + skip;
                i = copy;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&s[copy..]);
    out
}

fn at_end(len: usize) -> impl Fn(usize) -> bool {
    move |e| e == len
}

/// `replaceTilde`.
fn replace_tilde(c: &str, loose: bool) -> String {
    let b = c.as_bytes();
    if b.first() != Some(&b'~') {
        return c.to_string();
    }
    let start = if b.get(1) == Some(&b'>') { 2 } else { 1 };
    let Some((_, x)) = xrange_plain(c, start, loose, &at_end(b.len())) else {
        return c.to_string();
    };
    let (mj, mn, pa) = (
        x.major,
        x.minor.unwrap_or_default(),
        x.patch.unwrap_or_default(),
    );
    if is_x(Some(mj)) {
        String::new()
    } else if is_x(x.minor) {
        format!(">={mj}.0.0 <{}.0.0-0", js_inc(mj))
    } else if is_x(x.patch) {
        format!(">={mj}.{mn}.0 <{mj}.{}.0-0", js_inc(mn))
    } else if let Some(pr) = x.pre.filter(|p| !p.is_empty()) {
        format!(">={mj}.{mn}.{pa}-{pr} <{mj}.{}.0-0", js_inc(mn))
    } else {
        format!(">={mj}.{mn}.{pa} <{mj}.{}.0-0", js_inc(mn))
    }
}

/// `replaceCaret`.
fn replace_caret(c: &str, loose: bool) -> String {
    let b = c.as_bytes();
    if b.first() != Some(&b'^') {
        return c.to_string();
    }
    let Some((_, x)) = xrange_plain(c, 1, loose, &at_end(b.len())) else {
        return c.to_string();
    };
    let (mj, mn, pa) = (
        x.major,
        x.minor.unwrap_or_default(),
        x.patch.unwrap_or_default(),
    );
    if is_x(Some(mj)) {
        return String::new();
    }
    if is_x(x.minor) {
        return format!(">={mj}.0.0 <{}.0.0-0", js_inc(mj));
    }
    if is_x(x.patch) {
        return if mj == "0" {
            format!(">={mj}.{mn}.0 <{mj}.{}.0-0", js_inc(mn))
        } else {
            format!(">={mj}.{mn}.0 <{}.0.0-0", js_inc(mj))
        };
    }
    let lower = match x.pre.filter(|p| !p.is_empty()) {
        Some(pr) => format!(">={mj}.{mn}.{pa}-{pr}"),
        None => format!(">={mj}.{mn}.{pa}"),
    };
    let upper = if mj == "0" {
        if mn == "0" {
            format!("<{mj}.{mn}.{}-0", js_inc(pa))
        } else {
            format!("<{mj}.{}.0-0", js_inc(mn))
        }
    } else {
        format!("<{}.0.0-0", js_inc(mj))
    };
    format!("{lower} {upper}")
}

/// `((?:<|>)?=?)`, greedy: the operator's end.
fn gtlt_end(b: &[u8]) -> usize {
    let mut i = usize::from(matches!(b.first(), Some(b'<' | b'>')));
    if b.get(i) == Some(&b'=') {
        i += 1;
    }
    i
}

/// `replaceXRange`.
fn replace_xrange(c: &str, loose: bool) -> String {
    let c = trim_sp(c);
    let b = c.as_bytes();
    let g = gtlt_end(b);
    let start = g + usize::from(ws(b.get(g)));
    let Some((_, x)) = xrange_plain(c, start, loose, &at_end(b.len())) else {
        return c.to_string();
    };
    let mut gtlt = &c[..g];
    let (mj, mn, pa) = (Some(x.major), x.minor, x.patch);
    if (is_x(mj) && !is_x(mn)) || (is_x(mn) && pa.is_some_and(|p| !p.is_empty()) && !is_x(pa)) {
        return c.to_string();
    }
    let xm_major = is_x(mj);
    let xm = xm_major || is_x(mn);
    let xp = xm || is_x(pa);
    if gtlt == "=" && xp {
        gtlt = "";
    }
    if xm_major {
        return if gtlt == ">" || gtlt == "<" {
            "<0.0.0-0"
        } else {
            "*"
        }
        .to_string();
    }
    let major = x.major;
    let minor = mn.unwrap_or_default();
    if !gtlt.is_empty() && xp {
        let (mut g, mut big, mut mid) = (
            gtlt,
            major.to_string(),
            if xm {
                "0".to_string()
            } else {
                minor.to_string()
            },
        );
        if g == ">" {
            g = ">=";
            if xm {
                big = js_inc(major);
                mid = "0".to_string();
            } else {
                mid = js_inc(minor);
            }
        } else if g == "<=" {
            g = "<";
            if xm {
                big = js_inc(major);
            } else {
                mid = js_inc(minor);
            }
        }
        let pr = if g == "<" { "-0" } else { "" };
        return format!("{g}{big}.{mid}.0{pr}");
    }
    if xm {
        return format!(">={major}.0.0 <{}.0.0-0", js_inc(major));
    }
    if xp {
        return format!(">={major}.{minor}.0 <{major}.{}.0-0", js_inc(minor));
    }
    c.to_string()
}

/// `replaceStars`: drops the first `(<|>)?=?\s?\*`.
fn replace_stars(c: &str) -> String {
    let c = trim_sp(c);
    let b = c.as_bytes();
    for i in 0..b.len() {
        let mut j = i;
        if matches!(b[j], b'<' | b'>') {
            j += 1;
        }
        if b.get(j) == Some(&b'=') {
            j += 1;
        }
        if ws(b.get(j)) {
            j += 1;
        }
        if b.get(j) == Some(&b'*') {
            return format!("{}{}", &c[..i], &c[j + 1..]);
        }
    }
    c.to_string()
}

/// `parseComparator`: carets, tildes, x-ranges, stars.
fn desugar(comp: &str, loose: bool) -> String {
    let map = |s: &str, f: &dyn Fn(&str) -> String| {
        split_ws(s)
            .into_iter()
            .map(|(_, p)| f(p))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let s = map(trim_sp(comp), &|p| replace_caret(p, loose));
    let s = map(trim_sp(&s), &|p| replace_tilde(p, loose));
    let s = map(&s, &|p| replace_xrange(p, loose));
    replace_stars(&s)
}

// ---------------------------------------------------------------------------------------------
// Comparator and Range
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
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
struct Comparator {
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
fn collapse_ws(s: &str) -> String {
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
fn parse_set(part: &str, loose: bool) -> Result<Vec<Comparator>, ParseError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }
    fn sat(version: &str, range: &str) -> bool {
        Range::parse(range).unwrap().contains(&v(version))
    }

    #[test]
    fn version_syntax() {
        assert_eq!(v(" v1.2.3 ").to_string(), "1.2.3");
        assert_eq!(v("1.2.3-beta.01a+build.01").to_string(), "1.2.3-beta.01a");
        for bad in [
            "=1.2.3",
            "01.2.3",
            "1.2",
            "1.2.3-01",
            "1.2.3.4",
            "1.2.3-",
            "9007199254740992.0.0",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
        assert!(Version::parse("9007199254740991.0.0").is_ok());
        assert!(Version::parse(&format!("1.0.0-{}", "a".repeat(251))).is_err());
        assert_eq!(
            Version::parse_loose("=v01.02.03beta").unwrap().to_string(),
            "1.2.3-beta"
        );
        assert_eq!(
            Version::parse_loose("1.2.34.5").unwrap().to_string(),
            "1.2.3-4.5"
        );
        assert_eq!(
            Version::parse_loose("1.2.3-").unwrap().to_string(),
            "1.2.3--"
        );
        assert_eq!(
            Version::parse_loose("1.2.3-007").unwrap().to_string(),
            "1.2.3-7"
        );
    }

    #[test]
    fn ordering() {
        let order = [
            "1.0.0-0",
            "1.0.0-1",
            "1.0.0-10",
            "1.0.0-9007199254740991",
            "1.0.0-A",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "2.0.0",
        ];
        for w in order.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.2.3+a"), v("1.2.3+b"));
        assert_eq!(v("1.0.0-9007199254740993"), v("1.0.0-9007199254740992"));
    }

    #[test]
    fn desugaring() {
        let cases = [
            ("^1.2.3", ">=1.2.3 <2.0.0-0"),
            ("^0.0.1", ">=0.0.1 <0.0.2-0"),
            ("^0.0.x", "<0.1.0-0"),
            ("~1.2", ">=1.2.0 <1.3.0-0"),
            ("~> 1.2.3-beta.2", ">=1.2.3-beta.2 <1.3.0-0"),
            ("1.2.3 - 2.3", ">=1.2.3 <2.4.0-0"),
            ("<=1.2.x", "<1.3.0-0"),
            (">1", ">=2.0.0"),
            ("1.2.3*", "1.2.3"),
            ("+build", ""),
            ("* || 1.0.0-beta", ""),
            ("> 1.2.3 < 2", ">1.2.3 <2.0.0-0"),
            (">=0.0.0", ""),
            ("||", ""),
        ];
        for (r, want) in cases {
            assert_eq!(Range::parse(r).unwrap().desugared(), want, "{r}");
        }
        for bad in [">=>1", "x.1", "1.x.2", "blerg", "=1.2.3 - 2"] {
            assert!(Range::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Range::parse_loose("=1.2.3 - 2").unwrap().desugared(),
            ">=1.2.3 <3.0.0-0"
        );
    }

    #[test]
    fn prerelease_rule() {
        assert!(sat("1.2.3-beta.3", "^1.2.3-beta.2"));
        assert!(!sat("1.2.4-beta", "^1.2.3-beta.2"));
        assert!(!sat("1.2.4-beta", ">=1.0.0"));
        assert!(sat("1.2.4-beta", ">=1.0.0 || >=1.2.4-alpha"));
        assert!(!sat("1.0.0-beta", "* || 1.0.0-beta"));
        assert!(sat("1.2.3", "1.2.3 || >=2 <3"));
        assert!(sat("2.5.0", "1.2.3 || >=2 <3"));
        assert!(!sat("3.0.0-0", ">=2 <3"));
    }

    #[test]
    fn loose_range_tests_strings_loose() {
        let r = Range::parse_loose("~1.2.3beta").unwrap();
        assert!(r.is_loose());
        assert!(r.test("1.2.3beta.2") && r.test("=1.2.5"));
        assert!(!Range::parse("^1.2.3").unwrap().test("=1.2.5"));
    }

    #[test]
    fn terms_and_sets() {
        let r = Range::parse("^1.2.3 <1.5").unwrap();
        let t = r.terms();
        assert_eq!(t.len(), 3);
        assert_eq!(t[2].text, "<1.5");
        assert!(t[0].text.contains("^1.2.3"));
        let clash = crate::algebra::intersect(
            &Range::parse("<2.20").unwrap(),
            &Range::parse(">=2.31").unwrap(),
        );
        assert!(clash.empty);
        assert_eq!(Range::parse("1.2.3 || >=2").unwrap().terms().len(), 1);
        assert!(Range::parse("*").unwrap().to_set().is_full());
    }

    fn arb_version() -> impl Strategy<Value = String> {
        let ident = prop_oneof![
            (0u64..4).prop_map(|n| n.to_string()),
            Just("9007199254740993".to_string()),
            "[a-c]{1,2}".prop_map(|s| s),
        ];
        (
            0u64..3,
            0u64..3,
            0u64..3,
            prop::collection::vec(ident, 0..3),
        )
            .prop_map(|(a, b, c, pre)| {
                if pre.is_empty() {
                    format!("{a}.{b}.{c}")
                } else {
                    format!("{a}.{b}.{c}-{}", pre.join("."))
                }
            })
    }

    fn arb_range() -> impl Strategy<Value = String> {
        let op = prop_oneof![
            Just(""),
            Just("^"),
            Just("~"),
            Just(">"),
            Just(">="),
            Just("<"),
            Just("<="),
            Just("=")
        ];
        let part = prop_oneof![
            arb_version(),
            (0u64..3).prop_map(|a| format!("{a}.x")),
            (0u64..3, 0u64..3).prop_map(|(a, b)| format!("{a}.{b}")),
            Just("*".to_string()),
        ];
        let comp = (op, part).prop_map(|(o, p)| format!("{o}{p}"));
        let set = prop::collection::vec(comp, 1..3).prop_map(|c| c.join(" "));
        prop::collection::vec(set, 1..3).prop_map(|s| s.join(" || "))
    }

    proptest! {
        #[test]
        fn ord_is_consistent(a in arb_version(), b in arb_version(), c in arb_version()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
            if a <= b && b <= c {
                prop_assert!(a <= c);
            }
        }

        #[test]
        fn to_set_covers_contains(r in arb_range(), x in arb_version()) {
            let range = Range::parse(&r).unwrap();
            let x = v(&x);
            let set = range.to_set();
            if range.contains(&x) {
                prop_assert!(set.contains(&x), "{} contains {} but set {} does not", r, x, set);
            }
            if !x.is_prerelease() {
                prop_assert_eq!(range.contains(&x), set.contains(&x), "{} on {}", r, x);
            }
        }
    }
}
