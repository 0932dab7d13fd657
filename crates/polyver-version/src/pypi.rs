//! PyPI versions (PEP 440) and version specifier sets, matching pip's `packaging` exactly.
//!
//! The reference is `packaging` 26.3 (`version.py`, `specifiers.py`, `_ranges.py`), the library
//! pip vendors; `tests/vectors/gen/pypi.py` records what it answers and the differential test
//! holds this module to it. The rules that matter:
//!
//! * Parsing follows packaging's `VERSION_PATTERN` (case-insensitive, leading `v`, Unicode
//!   whitespace around, `.`/`-`/`_` separators, implicit pre/post/dev numbers, `1.0-1` as a
//!   post-release). A hand-written scanner replaces the regex; its groups are possessive in
//!   packaging, which the scanner mirrors by committing to each group's first match.
//! * Ordering is `_cmpkey`: epoch, release with trailing zeros ignored (`1.0 == 1.0.0`), then
//!   `(pre_rank, pre_n, post_rank, post_n, dev_rank, dev_n)` where a dev-only release sorts
//!   before every pre-release, then the local segment (none < any; per segment strings before
//!   numbers). Eq and Hash use the same key.
//! * Since packaging 26.0, `SpecifierSet.contains(v)` with default arguments no longer rejects
//!   pre-releases (a lone version has no alternative, so PEP 440's "unless nothing else
//!   matches" admits it). Membership is therefore pure bounds membership, which packaging
//!   computes from intervals (`_ranges.py`); `to_set` builds the same intervals and is exact.
//!   The one superset is `===`: it compares normalized strings, so `===1.0` accepts `1.0` but
//!   not `1.0.0`, while the set holds both (they are one point of the order).
//! * `>V` (V final) excludes V's post-releases and locals; no real version is the least above
//!   them (`1.0.0.0.1` < `1.0.0.1` < ...), so that bound is a *boundary* version that sorts
//!   above every `V.postN`, displayed `V.post*`. Every other packaging boundary has a least
//!   successor and is written as that real version (`<=1.0` is `< 1.0.post0.dev0`).
//!
//! Divergences (documented in `tests/vectors/gen/README-pypi.md`): numbers are `u64`, and a
//! larger one is rejected where packaging accepts it; a `~=` whose version only matches under
//! Unicode case folding (`~=1.0poſt1`) is rejected at parse time, where packaging raises when
//! `contains` first needs it.

use crate::algebra::{Bound, Constraint, Interval, Term, VersionSet};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Python's `str.isspace()` / regex `\s` on `str` (Rust's `char::is_whitespace` lacks
/// U+001C..U+001F).
fn is_py_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}'
        | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// The pre-release kind, normalized (`alpha` → `a`, `c`/`pre`/`preview` → `rc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PreKind {
    Alpha,
    Beta,
    Rc,
}

impl PreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PreKind::Alpha => "a",
            PreKind::Beta => "b",
            PreKind::Rc => "rc",
        }
    }
}

/// One segment of a local version label: numbers compare numerically and sort after strings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LocalSegment {
    Str(Box<str>),
    Num(u64),
}

impl fmt::Display for LocalSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocalSegment::Str(s) => f.write_str(s),
            LocalSegment::Num(n) => write!(f, "{n}"),
        }
    }
}

/// Release numbers, inline up to four components (nearly every real version).
#[derive(Clone)]
enum Release {
    Inline { len: u8, parts: [u64; 4] },
    Heap(Box<[u64]>),
}

impl Release {
    fn from_slice(s: &[u64]) -> Release {
        if s.len() <= 4 {
            let mut parts = [0; 4];
            parts[..s.len()].copy_from_slice(s);
            Release::Inline {
                len: s.len() as u8,
                parts,
            }
        } else {
            Release::Heap(s.into())
        }
    }

    fn as_slice(&self) -> &[u64] {
        match self {
            Release::Inline { len, parts } => &parts[..usize::from(*len)],
            Release::Heap(b) => b,
        }
    }
}

/// A real version, or one of packaging's boundary points (never produced by parsing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Marker {
    Real,
    /// Above `V` and every `V+local`, below `V.post0` (packaging's `AFTER_LOCALS`).
    AfterLocals,
    /// Above every `V.postN` and `V.postN+local` (packaging's `AFTER_POSTS`).
    AfterPosts,
}

/// A PEP 440 version, ordered as packaging's `Version`.
#[derive(Clone)]
pub struct Version {
    epoch: u64,
    release: Release,
    /// Length of `release` without trailing zeros.
    trimmed: u32,
    pre: Option<(PreKind, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
    local: Option<Box<[LocalSegment]>>,
    marker: Marker,
}

/// `(pre_rank, pre_n, post_rank, post_n, dev_rank, dev_n)` of `_cmpkey`; post_n is widened so a
/// boundary can sit above every real post number.
type Suffix = (i8, u64, u8, u128, u8, u64);

#[derive(PartialEq, Eq, PartialOrd, Ord, Hash)]
enum LocalKey<'a> {
    None,
    Some(&'a [LocalSegment]),
    Inf,
}

impl Version {
    /// Parses like `packaging.version.Version(s)`.
    pub fn parse(s: &str) -> Result<Version, String> {
        let t = s.trim_matches(is_py_space);
        if t.is_empty() {
            return Err("empty version".into());
        }
        parse_inner(t)
    }

    fn build(
        epoch: u64,
        release: &[u64],
        pre: Option<(PreKind, u64)>,
        post: Option<u64>,
        dev: Option<u64>,
        local: Option<Box<[LocalSegment]>>,
    ) -> Version {
        let trimmed = release.iter().rposition(|&n| n != 0).map_or(0, |i| i + 1) as u32;
        Version {
            epoch,
            release: Release::from_slice(release),
            trimmed,
            pre,
            post,
            dev,
            local,
            marker: Marker::Real,
        }
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }
    /// The release numbers as written (trailing zeros kept).
    pub fn release(&self) -> &[u64] {
        self.release.as_slice()
    }
    pub fn major(&self) -> u64 {
        self.release().first().copied().unwrap_or(0)
    }
    pub fn minor(&self) -> u64 {
        self.release().get(1).copied().unwrap_or(0)
    }
    pub fn micro(&self) -> u64 {
        self.release().get(2).copied().unwrap_or(0)
    }
    pub fn pre(&self) -> Option<(PreKind, u64)> {
        self.pre
    }
    pub fn post(&self) -> Option<u64> {
        self.post
    }
    pub fn dev(&self) -> Option<u64> {
        self.dev
    }
    pub fn local(&self) -> Option<&[LocalSegment]> {
        self.local.as_deref()
    }
    /// packaging's `is_prerelease`: a pre-release or a dev release.
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }
    pub fn is_postrelease(&self) -> bool {
        self.post.is_some()
    }
    pub fn is_devrelease(&self) -> bool {
        self.dev.is_some()
    }
    /// True for the boundary points `to_set` may use as bounds (`1.0.post*`); never for a
    /// parsed version.
    pub fn is_boundary(&self) -> bool {
        self.marker != Marker::Real
    }
    /// Epoch and release only (`1!2.0rc1+x` → `1!2.0`), as packaging's `base_version`.
    pub fn base_version(&self) -> Version {
        Version::build(self.epoch, self.release(), None, None, None, None)
    }
    /// Without the local label, as packaging's `public`.
    pub fn public(&self) -> Version {
        Version::build(
            self.epoch,
            self.release(),
            self.pre,
            self.post,
            self.dev,
            None,
        )
    }

    fn with(&self, pre: Option<(PreKind, u64)>, post: Option<u64>, dev: Option<u64>) -> Version {
        Version::build(self.epoch, self.release(), pre, post, dev, None)
    }

    fn boundary(&self, marker: Marker) -> Version {
        let mut v = self.public();
        v.marker = marker;
        v
    }

    fn trimmed_release(&self) -> &[u64] {
        &self.release()[..self.trimmed as usize]
    }

    fn suffix(&self) -> Suffix {
        let pre = match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => (-1, 0),
            (None, _, _) => (3, 0),
            (Some((k, n)), _, _) => (k as i8, n),
        };
        if self.marker == Marker::AfterPosts {
            return (pre.0, pre.1, 1, u128::MAX, 1, 0);
        }
        let (post_rank, post_n) = self.post.map_or((0, 0), |n| (1, u128::from(n)));
        let (dev_rank, dev_n) = self.dev.map_or((1, 0), |n| (0, n));
        (pre.0, pre.1, post_rank, post_n, dev_rank, dev_n)
    }

    fn local_key(&self) -> LocalKey<'_> {
        match (self.marker, &self.local) {
            (Marker::Real, None) => LocalKey::None,
            (Marker::Real, Some(l)) => LocalKey::Some(l),
            _ => LocalKey::Inf,
        }
    }

    /// Whether `str(self) == str(other)` in packaging (what `===` compares).
    fn same_text(&self, other: &Version) -> bool {
        self.marker == Marker::Real
            && other.marker == Marker::Real
            && self.epoch == other.epoch
            && self.release() == other.release()
            && self.pre == other.pre
            && self.post == other.post
            && self.dev == other.dev
            && self.local == other.local
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.trimmed_release().cmp(other.trimmed_release()))
            .then_with(|| self.suffix().cmp(&other.suffix()))
            .then_with(|| self.local_key().cmp(&other.local_key()))
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
        self.epoch.hash(state);
        self.trimmed_release().hash(state);
        self.suffix().hash(state);
        self.local_key().hash(state);
    }
}

impl fmt::Display for Version {
    /// packaging's `str(Version)`; boundaries print as `1.0.post*` / `1.0+*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}!", self.epoch)?;
        }
        for (i, n) in self.release().iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{n}")?;
        }
        if let Some((k, n)) = self.pre {
            write!(f, "{}{n}", k.as_str())?;
        }
        if let Some(n) = self.post {
            write!(f, ".post{n}")?;
        }
        if let Some(n) = self.dev {
            write!(f, ".dev{n}")?;
        }
        if let Some(local) = &self.local {
            for (i, seg) in local.iter().enumerate() {
                f.write_str(if i == 0 { "+" } else { "." })?;
                write!(f, "{seg}")?;
            }
        }
        match self.marker {
            Marker::Real => Ok(()),
            Marker::AfterLocals => f.write_str("+*"),
            Marker::AfterPosts => f.write_str(".post*"),
        }
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({:?})", self.to_string())
    }
}

/// A cursor over the ASCII bytes of a version (any other byte simply fails to match).
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }
    fn eat_sep(&mut self) {
        if matches!(self.peek(), Some(b'.' | b'-' | b'_')) {
            self.i += 1;
        }
    }
    fn eat_word(&mut self, w: &str) -> bool {
        let end = self.i + w.len();
        match self.b.get(self.i..end) {
            Some(s) if s.eq_ignore_ascii_case(w.as_bytes()) => {
                self.i = end;
                true
            }
            _ => false,
        }
    }
    fn digits(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.b[start..self.i])
    }
    /// Optional trailing number of a pre/post/dev segment (implicit 0).
    fn opt_num(&mut self) -> Result<u64, String> {
        self.digits().map_or(Ok(0), num)
    }
}

fn num(d: &[u8]) -> Result<u64, String> {
    d.iter().try_fold(0u64, |acc, &c| {
        acc.checked_mul(10)
            .and_then(|a| a.checked_add(u64::from(c - b'0')))
            .ok_or_else(|| "number too large (polyver supports up to 2^64-1)".to_string())
    })
}

/// Parses a version with no surrounding whitespace (packaging's pattern without `\s*`).
fn parse_inner(s: &str) -> Result<Version, String> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    if matches!(c.peek(), Some(b'v' | b'V')) {
        c.i += 1;
    }
    let first = c.digits().ok_or("expected a release number")?;
    let (epoch, first) = if c.peek() == Some(b'!') {
        c.i += 1;
        (
            num(first)?,
            c.digits().ok_or("expected a release number after `!`")?,
        )
    } else {
        (0, first)
    };
    // Up to four numbers stay on the stack; longer releases spill to a Vec.
    let (mut buf, mut len, mut spill) = ([0u64; 4], 0usize, Vec::new());
    let mut push = |n: u64| {
        if spill.is_empty() && len < 4 {
            buf[len] = n;
            len += 1;
        } else {
            if spill.is_empty() {
                spill.extend_from_slice(&buf[..len]);
            }
            spill.push(n);
        }
    };
    push(num(first)?);
    while c.peek() == Some(b'.') && matches!(c.peek_at(1), Some(b'0'..=b'9')) {
        c.i += 1;
        if let Some(d) = c.digits() {
            push(num(d)?);
        }
    }
    let release: &[u64] = if spill.is_empty() {
        &buf[..len]
    } else {
        &spill
    };

    // Pre-release: [._-]? (alpha|a|beta|b|preview|pre|c|rc) [._-]? N?
    let save = c.i;
    c.eat_sep();
    let kind = [
        ("alpha", PreKind::Alpha),
        ("a", PreKind::Alpha),
        ("beta", PreKind::Beta),
        ("b", PreKind::Beta),
        ("preview", PreKind::Rc),
        ("pre", PreKind::Rc),
        ("c", PreKind::Rc),
        ("rc", PreKind::Rc),
    ]
    .into_iter()
    .find(|(w, _)| c.eat_word(w))
    .map(|(_, k)| k);
    let pre = match kind {
        Some(k) => {
            c.eat_sep();
            Some((k, c.opt_num()?))
        }
        None => {
            c.i = save;
            None
        }
    };

    // Post-release: -N | [._-]? (post|rev|r) [._-]? N?
    let save = c.i;
    let post = if c.peek() == Some(b'-') && matches!(c.peek_at(1), Some(b'0'..=b'9')) {
        c.i += 1;
        Some(c.opt_num()?)
    } else {
        c.eat_sep();
        if ["post", "rev", "r"].into_iter().any(|w| c.eat_word(w)) {
            c.eat_sep();
            Some(c.opt_num()?)
        } else {
            c.i = save;
            None
        }
    };

    // Dev release: [._-]? dev [._-]? N?
    let save = c.i;
    c.eat_sep();
    let dev = if c.eat_word("dev") {
        c.eat_sep();
        Some(c.opt_num()?)
    } else {
        c.i = save;
        None
    };

    // Local: + [a-z0-9]+ ([._-][a-z0-9]+)*
    let mut local = None;
    if c.peek() == Some(b'+') && c.peek_at(1).is_some_and(|b| b.is_ascii_alphanumeric()) {
        c.i += 1;
        let mut segs = Vec::new();
        loop {
            let start = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                c.i += 1;
            }
            let seg = &c.b[start..c.i];
            segs.push(if seg.iter().all(u8::is_ascii_digit) {
                LocalSegment::Num(num(seg)?)
            } else {
                // ASCII by construction, so this never fails.
                let text = std::str::from_utf8(seg).unwrap_or_default();
                LocalSegment::Str(text.to_ascii_lowercase().into())
            });
            if matches!(c.peek(), Some(b'.' | b'-' | b'_'))
                && c.peek_at(1).is_some_and(|b| b.is_ascii_alphanumeric())
            {
                c.i += 1;
            } else {
                break;
            }
        }
        local = Some(segs.into_boxed_slice());
    }

    if c.i != c.b.len() {
        let rest = s.get(c.i..).unwrap_or("");
        return Err(format!("unexpected `{rest}`"));
    }
    Ok(Version::build(epoch, release, pre, post, dev, local))
}

/// The smallest PEP 440 version: nothing sorts below `0.dev0`.
fn min_version() -> Version {
    Version::build(0, &[0], None, None, Some(0), None)
}

/// The least version above every version with release prefix `prefix` in `epoch`
/// (`1.2` → `1.3.dev0`), carrying past `u64::MAX`; `None` when nothing is above.
fn next_prefix_dev0(epoch: u64, prefix: &[u64]) -> Option<Version> {
    let mut rel = prefix.to_vec();
    while let Some(last) = rel.pop() {
        if let Some(n) = last.checked_add(1) {
            rel.push(n);
            return Some(Version::build(epoch, &rel, None, None, Some(0), None));
        }
    }
    let epoch = epoch.checked_add(1)?;
    Some(Version::build(epoch, &[0], None, None, Some(0), None))
}

/// Upper bound `<= AFTER_LOCALS(V)`: `V` and its local versions.
fn upper_after_locals(v: &Version) -> Bound<Version> {
    match after_locals_successor(v) {
        Some(s) => Bound::Excluded(s),
        None => Bound::Included(v.boundary(Marker::AfterLocals)),
    }
}

/// Lower bound `> AFTER_LOCALS(V)`.
fn lower_after_locals(v: &Version) -> Bound<Version> {
    match after_locals_successor(v) {
        Some(s) => Bound::Included(s),
        None => Bound::Excluded(v.boundary(Marker::AfterLocals)),
    }
}

/// packaging's `least_version_above(AFTER_LOCALS(V))`.
fn after_locals_successor(v: &Version) -> Option<Version> {
    match (v.post, v.dev) {
        (_, Some(d)) => Some(v.with(v.pre, v.post, Some(d.checked_add(1)?))),
        (Some(p), None) => Some(v.with(v.pre, Some(p.checked_add(1)?), Some(0))),
        (None, None) => Some(v.with(v.pre, Some(0), Some(0))),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Compatible,
    Equal,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Less,
    Greater,
    Arbitrary,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Compatible => "~=",
            Op::Equal => "==",
            Op::NotEqual => "!=",
            Op::LessEqual => "<=",
            Op::GreaterEqual => ">=",
            Op::Less => "<",
            Op::Greater => ">",
            Op::Arbitrary => "===",
        }
    }
}

/// One specifier: its text and the exact set of versions it admits.
#[derive(Clone, Debug)]
struct Spec {
    op: Op,
    version: String,
    set: VersionSet<Version>,
    /// For `===`: the version whose normalized string equals the spec's (lowercased) text.
    arbitrary: Option<Version>,
}

impl Spec {
    /// `p` is already stripped of surrounding whitespace.
    fn parse(p: &str) -> Result<Spec, String> {
        if let Some(rest) = p.strip_prefix("===") {
            let rest = rest.trim_start_matches(is_py_space);
            let end = rest
                .find(|c: char| is_py_space(c) || c == ';' || c == ')')
                .unwrap_or(rest.len());
            if end != rest.len() {
                return Err(format!("unexpected `{}` in `{p}`", &rest[end..]));
            }
            // `===` compares `str(version).lower()`; only a normalized version string can match.
            let lower = rest.to_lowercase();
            let target = parse_inner(&lower).ok().filter(|v| v.to_string() == lower);
            let set = target
                .clone()
                .map_or_else(VersionSet::empty, VersionSet::exact);
            return Ok(Spec {
                op: Op::Arbitrary,
                version: rest.to_string(),
                set,
                arbitrary: target,
            });
        }
        let (op, rest) = [
            ("~=", Op::Compatible),
            ("==", Op::Equal),
            ("!=", Op::NotEqual),
            ("<=", Op::LessEqual),
            (">=", Op::GreaterEqual),
            ("<", Op::Less),
            (">", Op::Greater),
        ]
        .into_iter()
        .find_map(|(s, op)| p.strip_prefix(s).map(|rest| (op, rest)))
        .ok_or_else(|| format!("`{p}` does not start with an operator (==, >=, ~=, ...)"))?;
        let text = rest.trim_start_matches(is_py_space);
        if text.is_empty() {
            return Err(format!("`{p}` has no version"));
        }
        let set = if let Some(base) = text.strip_suffix(".*") {
            if !matches!(op, Op::Equal | Op::NotEqual) {
                return Err(format!("`.*` is only allowed with == and != in `{p}`"));
            }
            let v = parse_inner(base).map_err(|e| format!("`{p}`: {e}"))?;
            if v.pre.is_some() || v.post.is_some() || v.dev.is_some() || v.local.is_some() {
                return Err(format!("`.*` needs a plain release in `{p}`"));
            }
            let inside = VersionSet::interval(
                Bound::Included(v.with(None, None, Some(0))),
                next_prefix_dev0(v.epoch, v.release()).map_or(Bound::Unbounded, Bound::Excluded),
            );
            if op == Op::Equal {
                inside
            } else {
                inside.complement()
            }
        } else {
            let v = parse_inner(text).map_err(|e| format!("`{p}`: {e}"))?;
            if v.local.is_some() && !matches!(op, Op::Equal | Op::NotEqual) {
                return Err(format!(
                    "a local version is only allowed with == and != in `{p}`"
                ));
            }
            if op == Op::Compatible && v.release().len() < 2 {
                return Err(format!("~= needs at least two release numbers in `{p}`"));
            }
            standard_set(op, &v)
        };
        Ok(Spec {
            op,
            version: text.to_string(),
            set: prune(set),
            arbitrary: None,
        })
    }

    fn contains(&self, v: &Version) -> bool {
        match &self.arbitrary {
            _ if self.op != Op::Arbitrary => self.set.contains(v),
            Some(t) => t.same_text(v),
            None => false,
        }
    }
}

/// packaging's `standard_ranges` as an interval union.
fn standard_set(op: Op, v: &Version) -> VersionSet<Version> {
    let has_local = v.local.is_some();
    match op {
        Op::GreaterEqual => VersionSet::at_least(v.clone()),
        Op::LessEqual => VersionSet::interval(Bound::Unbounded, upper_after_locals(v)),
        Op::Less => {
            let bound = if v.is_prerelease() {
                v.clone()
            } else {
                v.with(v.pre, v.post, Some(0))
            };
            if bound <= min_version() {
                VersionSet::empty()
            } else {
                VersionSet::less_than(bound)
            }
        }
        Op::Greater => {
            let next = match (v.pre, v.post, v.dev) {
                (_, _, Some(d)) => d.checked_add(1).map(|d| v.with(v.pre, v.post, Some(d))),
                (_, Some(p), None) => p.checked_add(1).map(|p| v.with(v.pre, Some(p), Some(0))),
                (Some((k, n)), None, None) => n
                    .checked_add(1)
                    .map(|n| v.with(Some((k, n)), None, Some(0))),
                (None, None, None) => None,
            };
            match next {
                Some(n) => VersionSet::at_least(n),
                None if v.post.is_some() || v.dev.is_some() => {
                    VersionSet::interval(lower_after_locals(v), Bound::Unbounded)
                }
                None => VersionSet::greater_than(v.boundary(Marker::AfterPosts)),
            }
        }
        Op::Equal if has_local => VersionSet::exact(v.clone()),
        Op::Equal => VersionSet::interval(Bound::Included(v.clone()), upper_after_locals(v)),
        Op::NotEqual if has_local => VersionSet::not_equal(v.clone()),
        Op::NotEqual => {
            VersionSet::interval(Bound::Included(v.clone()), upper_after_locals(v)).complement()
        }
        Op::Compatible => {
            let rel = v.release();
            let prefix = &rel[..rel.len().saturating_sub(1)];
            VersionSet::interval(
                Bound::Included(v.clone()),
                next_prefix_dev0(v.epoch, prefix).map_or(Bound::Unbounded, Bound::Excluded),
            )
        }
        Op::Arbitrary => VersionSet::full(),
    }
}

/// Drops an interval that holds no real version: `(-inf, x)` with `x <= 0.dev0`.
fn prune(set: VersionSet<Version>) -> VersionSet<Version> {
    let min = min_version();
    let empty_floor = |iv: &Interval<Version>| matches!((&iv.lower, &iv.upper), (Bound::Unbounded, Bound::Excluded(x)) if *x <= min);
    if !set.intervals().iter().any(empty_floor) {
        return set;
    }
    VersionSet::from_intervals(
        set.intervals()
            .iter()
            .filter(|iv| !empty_floor(iv))
            .cloned(),
    )
}

/// A PEP 440 specifier set (`>=1.0,!=1.3.*,<2`); empty means any version.
#[derive(Clone, Debug)]
pub struct Range {
    specs: Vec<Spec>,
}

impl Range {
    /// Parses like `packaging.specifiers.SpecifierSet(s)`.
    pub fn parse(s: &str) -> Result<Range, String> {
        let specs = s
            .split(',')
            .map(|p| p.trim_matches(is_py_space))
            .filter(|p| !p.is_empty())
            .map(Spec::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Range { specs })
    }

    /// `SpecifierSet(s).contains(v)` with default arguments (pre-releases included).
    pub fn contains(&self, v: &Version) -> bool {
        self.specs.iter().all(|s| s.contains(v))
    }
}

impl fmt::Display for Range {
    /// The specifiers as written, each normalized to `op` + version (packaging's `str`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.specs.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}{}", s.op.as_str(), s.version)?;
        }
        Ok(())
    }
}

impl Constraint for Range {
    type Version = Version;

    fn to_set(&self) -> VersionSet<Version> {
        let mut acc = VersionSet::full();
        for s in &self.specs {
            acc = acc.intersect(&s.set);
        }
        prune(acc)
    }

    fn terms(&self) -> Vec<Term<Version>> {
        self.specs
            .iter()
            .map(|s| Term {
                text: format!("{}{}", s.op.as_str(), s.version),
                set: s.set.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }
    fn r(s: &str) -> Range {
        Range::parse(s).unwrap()
    }

    #[test]
    fn normalizes_spellings() {
        for (input, norm) in [
            ("1.0ALPHA", "1.0a0"),
            ("1.0-c-3", "1.0rc3"),
            ("1.0.preview", "1.0rc0"),
            ("v1.0-1", "1.0.post1"),
            ("1.0-r", "1.0.post0"),
            ("1.0_rev2", "1.0.post2"),
            ("1.0DEV", "1.0.dev0"),
            ("01!02.03+Ubuntu-001.X", "1!2.3+ubuntu.1.x"),
            ("\u{3000} 1.0a- \u{1c}", "1.0a0"),
        ] {
            assert_eq!(v(input).to_string(), norm, "{input}");
        }
        for bad in [
            "",
            "1.0+",
            "1..0",
            "1.0 a1",
            "1.0a1a1",
            "1.0-",
            "ｖ1",
            "1.0.poſt1",
            "1!",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
        assert!(Version::parse("18446744073709551616").is_err());
    }

    #[test]
    fn orders_like_cmpkey() {
        let sorted = [
            "1.0.dev0",
            "1.0a1.dev1",
            "1.0a1",
            "1.0a1.post1.dev1",
            "1.0a1.post1",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+a",
            "1.0+a.1",
            "1.0+1",
            "1.0+2.a",
            "1.0+10",
            "1.0.post0.dev0",
            "1.0.post0",
            "1.0.0.1",
            "1.1.dev0",
            "1!0.dev0",
        ];
        for w in sorted.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.0"), v("1.0.0.0"));
        assert_eq!(v("1.0+ABC"), v("1.0.0+abc"));
        assert_ne!(v("1.0+1"), v("1.0+1.0"));
    }

    #[test]
    fn accessors() {
        let x = v("1!2.3.4rc5.post6.dev7+loc.8");
        assert_eq!(
            (x.epoch(), x.release(), x.major(), x.micro()),
            (1, &[2, 3, 4][..], 2, 4)
        );
        assert_eq!(x.pre(), Some((PreKind::Rc, 5)));
        assert!(x.is_prerelease() && x.is_postrelease() && x.is_devrelease());
        assert_eq!(x.base_version().to_string(), "1!2.3.4");
        assert_eq!(x.public().to_string(), "1!2.3.4rc5.post6.dev7");
        assert!(!v("1.0.post1").is_prerelease());
    }

    #[test]
    fn specifier_rules() {
        let yes = |range: &str, ver: &str| assert!(r(range).contains(&v(ver)), "{ver} in {range}");
        let no = |range: &str, ver: &str| assert!(!r(range).contains(&v(ver)), "{ver} !in {range}");
        yes(">=1.0", "2.0a1"); // packaging >= 26: no pre-release exclusion in contains
        yes("", "1.0a1");
        no("<2.0", "2.0a1");
        yes("<2.0a2", "2.0a1");
        no(">1.0", "1.0.post1");
        no(">1.0", "1.0+local");
        yes(">1.0", "1.0.0.0.1");
        yes(">1.0.post1", "1.0.post2.dev0");
        yes("<=1.0", "1.0+local");
        no("<=1.0", "1.0.post0.dev0");
        yes("==1.0", "1.0.0+local");
        no("==1.0+a", "1.0");
        no("!=1.0", "1.0+x");
        yes("~=1.4.5", "1.4.99");
        no("~=1.4.5", "1.5.dev0");
        yes("==1.2.*", "1.2.dev0");
        no("==1.2.*", "1.3.dev0");
        yes("!=1.2.*", "1.1.9");
        yes("===1.0", "1.0");
        no("===1.0", "1.0.0");
        no("<0.dev0", "0.dev0");
        for bad in [
            "1.0",
            "=1.0",
            ">=1.0+x",
            "~=1",
            "<1.*",
            "==1.0a1.*",
            "===1.0 x",
            ">=1.0;",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sets_are_exact() {
        assert_eq!(r(">=1.0,<2.0").to_set().to_string(), ">=1.0, <2.0.dev0");
        assert_eq!(r("<=1.0").to_set().to_string(), "<1.0.post0.dev0");
        assert_eq!(r(">1.0").to_set().to_string(), ">1.0.post*");
        assert_eq!(r(">1.0a1").to_set().to_string(), ">=1.0a2.dev0");
        assert_eq!(r("==1.2.*").to_set().to_string(), ">=1.2.dev0, <1.3.dev0");
        assert_eq!(r("!=1.0").to_set().to_string(), "<1.0 || >=1.0.post0.dev0");
        assert_eq!(
            r("~=1.18446744073709551615").to_set().to_string(),
            ">=1.18446744073709551615, <2.dev0"
        );
        assert!(r("<0").to_set().is_empty());
        assert!(r(">1.0a1,<1.0a2.dev0").to_set().is_empty());
        let i = crate::algebra::intersect(&r("<2.20"), &r(">=2.31"));
        assert!(i.empty);
        assert_eq!(
            i.explanation.unwrap(),
            "`<2.20` and `>=2.31` have no version in common"
        );
    }

    fn version_strategy() -> impl Strategy<Value = Version> {
        (
            0u64..2,
            prop::collection::vec(0u64..3, 1..4),
            prop::option::of((0u8..3, 0u64..3)),
            prop::option::of(0u64..3),
            prop::option::of(0u64..3),
            prop::option::of(prop::collection::vec(
                prop::sample::select(vec!["a", "b", "0", "1", "10"]),
                1..3,
            )),
        )
            .prop_map(|(e, rel, pre, post, dev, local)| {
                let mut s = format!("{e}!");
                s += &rel.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
                if let Some((k, n)) = pre {
                    s += &format!("{}{n}", ["a", "b", "rc"][usize::from(k)]);
                }
                if let Some(n) = post {
                    s += &format!(".post{n}");
                }
                if let Some(n) = dev {
                    s += &format!(".dev{n}");
                }
                if let Some(l) = local {
                    s += &format!("+{}", l.join("."));
                }
                Version::parse(&s).unwrap()
            })
    }

    fn range_strategy() -> impl Strategy<Value = Range> {
        let op = prop::sample::select(vec![
            "==", "!=", "<=", ">=", "<", ">", "~=", "===", "==*", "!=*",
        ]);
        prop::collection::vec((op, version_strategy()), 0..3).prop_map(|specs| {
            let text: Vec<String> = specs
                .into_iter()
                .map(|(op, v)| match op {
                    "==*" | "!=*" => format!("{}{}.*", &op[..2], v.base_version()),
                    "~=" | "<=" | ">=" | "<" | ">" => {
                        let p = if op == "~=" && v.release().len() < 2 {
                            Version::build(v.epoch, &[v.major(), 0], v.pre, v.post, v.dev, None)
                        } else {
                            v.public()
                        };
                        format!("{op}{p}")
                    }
                    _ => format!("{op}{v}"),
                })
                .collect();
            Range::parse(&text.join(",")).unwrap()
        })
    }

    proptest! {
        #[test]
        fn ord_is_a_total_order(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
            if a <= b && b <= c {
                prop_assert!(a <= c);
            }
            if a == b {
                use std::collections::hash_map::DefaultHasher;
                let h = |x: &Version| { let mut s = DefaultHasher::new(); x.hash(&mut s); s.finish() };
                prop_assert_eq!(h(&a), h(&b));
            }
            prop_assert_eq!(Version::parse(&a.to_string()).unwrap(), a.clone());
        }

        #[test]
        fn to_set_agrees_with_contains(range in range_strategy(), v in version_strategy()) {
            let set = range.to_set();
            if range.contains(&v) {
                prop_assert!(set.contains(&v), "{} in {} but not in {}", v, range, set);
            }
            let arbitrary = range.specs.iter().any(|s| s.op == Op::Arbitrary);
            if !arbitrary {
                prop_assert_eq!(range.contains(&v), set.contains(&v), "{} vs {} ({})", v, range, set);
            }
        }
    }
}
