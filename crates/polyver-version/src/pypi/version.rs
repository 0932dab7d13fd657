//! PEP 440 versions as `packaging.version.Version` parses, prints and orders them.

use super::ParseError;
use crate::error::offset_in;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};

/// Python's `int()` refuses longer digit strings (`sys.int_info.default_max_str_digits`), so
/// `packaging` raises on them: such versions are invalid here too.
const MAX_DIGITS: usize = 4300;

/// A non-negative integer of any size, as Python's `int` holds version components.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Num(Repr);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Repr {
    Small(u64),
    /// Above `u64::MAX`: decimal digits, no leading zero. Boxed twice to keep `Num` small.
    Big(Box<Box<str>>),
    /// Only in range bounds: the post number of the point above every `V.postN` (see
    /// [`Version::after_posts`]).
    Inf,
}

impl Num {
    pub const ZERO: Num = Num(Repr::Small(0));

    pub fn new(n: u64) -> Num {
        Num(Repr::Small(n))
    }

    /// Parses a non-empty run of ASCII digits.
    fn from_digits(d: &[u8]) -> Result<Num, ParseError> {
        if d.len() > MAX_DIGITS {
            return Err(ParseError::TooManyDigits {
                digits: d.len(),
                limit: MAX_DIGITS,
            });
        }
        let start = d.iter().position(|&c| c != b'0').unwrap_or(d.len());
        let d = &d[start..];
        if d.len() < 20 || (d.len() == 20 && d <= b"18446744073709551615".as_slice()) {
            let n = d.iter().fold(0u64, |n, &c| {
                n.wrapping_mul(10).wrapping_add(u64::from(c - b'0'))
            });
            return Ok(Num(Repr::Small(n)));
        }
        // Digits are ASCII, so this is valid UTF-8.
        let s = String::from_utf8_lossy(d).into_owned();
        Ok(Num(Repr::Big(Box::new(s.into_boxed_str()))))
    }

    /// The value, when it fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Repr::Small(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self.0, Repr::Small(0))
    }

    /// `self + 1`.
    pub fn succ(&self) -> Num {
        match &self.0 {
            Repr::Small(n) => match n.checked_add(1) {
                Some(m) => Num(Repr::Small(m)),
                None => Num(Repr::Big(Box::new("18446744073709551616".into()))),
            },
            Repr::Big(s) => {
                let mut d = s.as_bytes().to_vec();
                let mut i = d.len();
                loop {
                    if i == 0 {
                        d.insert(0, b'1');
                        break;
                    }
                    i -= 1;
                    if d[i] == b'9' {
                        d[i] = b'0';
                    } else {
                        d[i] += 1;
                        break;
                    }
                }
                let s = String::from_utf8_lossy(&d).into_owned();
                Num(Repr::Big(Box::new(s.into_boxed_str())))
            }
            Repr::Inf => Num(Repr::Inf),
        }
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Small(a), Repr::Small(b)) => a.cmp(b),
            (Repr::Small(_), _) => Ordering::Less,
            (_, Repr::Small(_)) => Ordering::Greater,
            (Repr::Big(a), Repr::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Repr::Big(_), Repr::Inf) => Ordering::Less,
            (Repr::Inf, Repr::Big(_)) => Ordering::Greater,
            (Repr::Inf, Repr::Inf) => Ordering::Equal,
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(n) => write!(f, "{n}"),
            Repr::Big(s) => f.write_str(s),
            Repr::Inf => f.write_str("∞"),
        }
    }
}

/// The pre-release kind, normalized (`alpha` → `a`, `c`/`pre`/`preview` → `rc`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// A PEP 440 version.
///
/// Equality, order and hash follow `packaging`'s `_cmpkey`: trailing zeros of the release do
/// not count (`1.0 == 1.0.0`), a dev-only release sorts before the pre-releases of its release,
/// a local version sorts after its public version. Display is `str(Version)`, the normalized
/// form.
#[derive(Clone, Debug)]
pub struct Version {
    epoch: Num,
    release: Vec<Num>,
    pre: Option<(PreKind, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    /// Normalized: lowercase, `.`-separated, numeric segments without leading zeros.
    local: Option<Box<str>>,
    /// The input, lowercased, when it is not just the normalized form in another case: `===`
    /// compares the string as given.
    literal: Option<Box<str>>,
}

/// Python's `str.isspace()`, which is also what `\s` matches in `packaging`'s regexes.
pub(crate) fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..=' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Python's `str.strip()`.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

const PRE_WORDS: [(&[u8], PreKind); 8] = [
    (b"alpha", PreKind::Alpha),
    (b"a", PreKind::Alpha),
    (b"beta", PreKind::Beta),
    (b"b", PreKind::Beta),
    (b"preview", PreKind::Rc),
    (b"pre", PreKind::Rc),
    (b"c", PreKind::Rc),
    (b"rc", PreKind::Rc),
];
const POST_WORDS: [&[u8]; 3] = [b"post", b"rev", b"r"];

/// A cursor over the bytes of a version; each method mirrors one piece of `VERSION_PATTERN`.
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    /// `[._-]?`
    fn sep(&mut self) {
        if matches!(self.peek(), Some(b'.' | b'_' | b'-')) {
            self.i += 1;
        }
    }

    /// `[0-9]+`
    fn digits(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.b[start..self.i])
    }

    /// A keyword, ASCII case-insensitively.
    fn word(&mut self, w: &[u8]) -> bool {
        let ok = self
            .b
            .get(self.i..self.i + w.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(w));
        if ok {
            self.i += w.len();
        }
        ok
    }

    fn optional_num(&mut self) -> Result<Num, ParseError> {
        match self.digits() {
            Some(d) => Num::from_digits(d),
            None => Ok(Num::ZERO),
        }
    }
}

impl Version {
    /// Parses like `packaging.version.Version(s)`: surrounding whitespace, a leading `v`, any
    /// case, every alternative spelling and separator of PEP 440's normalization rules.
    pub fn parse(input: &str) -> Result<Version, ParseError> {
        if !input.is_empty() && input.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
            return Self::parse_release_only(input);
        }
        let s = py_strip(input);
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let stripped = offset_in(input, s);
        let mut sc = Scanner {
            b: s.as_bytes(),
            i: 0,
        };
        // v?+
        if matches!(sc.peek(), Some(b'v' | b'V')) {
            sc.i += 1;
        }
        // (?:(?P<epoch>[0-9]+)!)?+
        let start = sc.i;
        let mut epoch = Num::ZERO;
        if let Some(d) = sc.digits() {
            if sc.peek() == Some(b'!') {
                epoch = Num::from_digits(d)?;
                sc.i += 1;
            } else {
                sc.i = start;
            }
        }
        // [0-9]+(?:\.[0-9]+)*+
        let mut release = Vec::with_capacity(4);
        match sc.digits() {
            Some(d) => release.push(Num::from_digits(d)?),
            None => return Err(unexpected(s, sc.i, stripped, "a release number")),
        }
        while sc.peek() == Some(b'.') && sc.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            sc.i += 1;
            if let Some(d) = sc.digits() {
                release.push(Num::from_digits(d)?);
            }
        }
        // (?P<pre>[._-]?+(?P<pre_l>...)[._-]?+(?P<pre_n>[0-9]+)?)?+
        let start = sc.i;
        sc.sep();
        let mut pre = None;
        if let Some(kind) = PRE_WORDS.iter().find(|(w, _)| sc.word(w)).map(|&(_, k)| k) {
            sc.sep();
            pre = Some((kind, sc.optional_num()?));
        } else {
            sc.i = start;
        }
        // (?P<post>-(?P<post_n1>[0-9]+)|[._-]?(?P<post_l>post|rev|r)[._-]?(?P<post_n2>[0-9]+)?)?+
        let start = sc.i;
        let mut post = None;
        if sc.peek() == Some(b'-') && sc.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            sc.i += 1;
            post = Some(sc.optional_num()?);
        } else {
            sc.sep();
            if POST_WORDS.iter().any(|w| sc.word(w)) {
                sc.sep();
                post = Some(sc.optional_num()?);
            } else {
                sc.i = start;
            }
        }
        // (?P<dev>[._-]?+(?P<dev_l>dev)[._-]?+(?P<dev_n>[0-9]+)?)?+
        let start = sc.i;
        sc.sep();
        let mut dev = None;
        if sc.word(b"dev") {
            sc.sep();
            dev = Some(sc.optional_num()?);
        } else {
            sc.i = start;
        }
        // (?:\+(?P<local>[a-z0-9]+(?:[._-][a-z0-9]+)*+))?+
        let mut local = None;
        if sc.peek() == Some(b'+') && sc.peek_at(1).is_some_and(|c| c.is_ascii_alphanumeric()) {
            sc.i += 1;
            local = Some(parse_local(&mut sc)?);
        }
        if sc.i != s.len() {
            return Err(unexpected(s, sc.i, stripped, "the end of the version"));
        }
        let mut v = Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
            literal: None,
        };
        let mut w = EqIgnoreCase {
            rest: input.as_bytes(),
            ok: true,
        };
        let _ = v.write_to(&mut w);
        if !(w.ok && w.rest.is_empty()) {
            v.literal = Some(input.to_lowercase().into_boxed_str());
        }
        Ok(v)
    }

    /// Digits and dots only (most versions; `packaging` has the same fast path).
    fn parse_release_only(input: &str) -> Result<Version, ParseError> {
        let mut release = Vec::with_capacity(input.len() / 2 + 1);
        let mut canonical = true;
        for part in input.split('.') {
            if part.is_empty() {
                return Err(ParseError::EmptyReleaseComponent {
                    at: offset_in(input, part),
                });
            }
            canonical &= part.len() == 1 || !part.starts_with('0');
            release.push(Num::from_digits(part.as_bytes())?);
        }
        Ok(Version {
            epoch: Num::ZERO,
            release,
            pre: None,
            post: None,
            dev: None,
            local: None,
            literal: (!canonical).then(|| input.into()),
        })
    }

    /// The version from its parts (no local, no literal): the points range bounds need.
    fn from_parts(
        epoch: Num,
        release: Vec<Num>,
        pre: Option<(PreKind, Num)>,
        post: Option<Num>,
        dev: Option<Num>,
    ) -> Version {
        Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local: None,
            literal: None,
        }
    }

    /// `0.dev0`, the least version.
    pub fn minimum() -> Version {
        Version::from_parts(Num::ZERO, vec![Num::ZERO], None, None, Some(Num::ZERO))
    }

    pub fn epoch(&self) -> &Num {
        &self.epoch
    }

    /// The release segment as written (trailing zeros kept).
    pub fn release(&self) -> &[Num] {
        &self.release
    }

    pub fn pre(&self) -> Option<(PreKind, &Num)> {
        self.pre.as_ref().map(|(k, n)| (*k, n))
    }

    pub fn post(&self) -> Option<&Num> {
        self.post.as_ref()
    }

    pub fn dev(&self) -> Option<&Num> {
        self.dev.as_ref()
    }

    /// The normalized local label (`ubuntu.1` of `1.0+Ubuntu-01`).
    pub fn local(&self) -> Option<&str> {
        self.local.as_deref()
    }

    /// `packaging`'s `is_prerelease`: a pre-release or a dev release.
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    pub fn is_postrelease(&self) -> bool {
        self.post.is_some()
    }

    pub fn is_devrelease(&self) -> bool {
        self.dev.is_some()
    }

    /// Epoch and release only (`base_version`): `1!2.0` of `1!2.0rc1.post2+local`.
    pub fn base_version(&self) -> Version {
        Version::from_parts(self.epoch.clone(), self.release.clone(), None, None, None)
    }

    /// Without the local label (`public`).
    pub fn public(&self) -> Version {
        Version::from_parts(
            self.epoch.clone(),
            self.release.clone(),
            self.pre.clone(),
            self.post.clone(),
            self.dev.clone(),
        )
    }

    /// The release component at `i` (`0` past the end, like `major`/`minor`/`micro`).
    pub fn release_part(&self, i: usize) -> Option<u64> {
        self.release.get(i).map_or(Some(0), Num::as_u64)
    }

    /// The string `===` compares, lowercased: the input as given.
    pub(crate) fn literal_eq(&self, lower: &str) -> bool {
        match &self.literal {
            Some(l) => **l == *lower,
            None => {
                let mut w = EqIgnoreCase {
                    rest: lower.as_bytes(),
                    ok: true,
                };
                let _ = self.write_to(&mut w);
                w.ok && w.rest.is_empty()
            }
        }
    }

    /// Whether this is a range-bound point rather than a version (see [`Version::after_posts`]).
    pub fn is_bound_point(&self) -> bool {
        matches!(self.post, Some(Num(Repr::Inf)))
    }

    // Range bounds. Each is the least real version past a point `packaging` places between
    // versions, so that every specifier is an exact union of intervals.

    /// `V.devN` → `V.dev(N+1)`; else `V.post(N+1).dev0` (`V.post0.dev0` with no post): the
    /// least version above `V` and all of `V+local`.
    pub(crate) fn after_locals(&self) -> Version {
        match &self.dev {
            Some(d) => Version::from_parts(
                self.epoch.clone(),
                self.release.clone(),
                self.pre.clone(),
                self.post.clone(),
                Some(d.succ()),
            ),
            None => Version::from_parts(
                self.epoch.clone(),
                self.release.clone(),
                self.pre.clone(),
                Some(self.post.as_ref().map_or(Num::ZERO, Num::succ)),
                Some(Num::ZERO),
            ),
        }
    }

    /// For `V` without dev or post: the least version above `V`, `V+local` and every
    /// `V.postN`, which `>V` starts at. With a pre-release that is `V(pre+1).dev0`; a final
    /// release has none (`1.0.0.0.1` > `1.0.0.0.0.1` > ... are all above the posts), so the
    /// answer is a bound point `V.post∞` that sorts above every `V.postN` and below everything
    /// else: exclusive as a lower bound, it is exact.
    pub(crate) fn after_posts(&self) -> (Version, bool) {
        match &self.pre {
            Some((k, n)) => (
                Version::from_parts(
                    self.epoch.clone(),
                    self.release.clone(),
                    Some((*k, n.succ())),
                    None,
                    Some(Num::ZERO),
                ),
                true,
            ),
            None => (
                Version::from_parts(
                    self.epoch.clone(),
                    self.release.clone(),
                    None,
                    Some(Num(Repr::Inf)),
                    None,
                ),
                false,
            ),
        }
    }

    /// `self` with another dev number and no local.
    pub(crate) fn with_dev(&self, dev: Num) -> Version {
        Version::from_parts(
            self.epoch.clone(),
            self.release.clone(),
            self.pre.clone(),
            self.post.clone(),
            Some(dev),
        )
    }

    /// `V.post(N+1).dev0` for `V.postN`.
    pub(crate) fn next_post_dev0(&self) -> Version {
        Version::from_parts(
            self.epoch.clone(),
            self.release.clone(),
            self.pre.clone(),
            Some(self.post.as_ref().map_or(Num::ZERO, Num::succ)),
            Some(Num::ZERO),
        )
    }

    /// `E!R.dev0` for the first `len` release components `R` of `self`, the last one plus
    /// `bump`: `1.2.dev0` (`len` 2, no bump) or `1.3.dev0` (`len` 2, bump) of `1.2.3`.
    pub(crate) fn release_dev0(&self, len: usize, bump: bool) -> Version {
        let mut release: Vec<Num> = self.release.iter().take(len).cloned().collect();
        if bump {
            if let Some(last) = release.last_mut() {
                *last = last.succ();
            }
        }
        Version::from_parts(self.epoch.clone(), release, None, None, Some(Num::ZERO))
    }

    /// `packaging.utils.canonicalize_version`: the normalized form, trailing zeros of the
    /// release stripped (one component kept) when `strip`.
    pub(crate) fn canonical(&self, strip: bool) -> String {
        if !strip {
            return self.to_string();
        }
        let keep = trimmed_len(&self.release).max(1);
        let v = Version {
            release: self.release[..keep].to_vec(),
            literal: None,
            ..self.clone()
        };
        v.to_string()
    }

    fn write_to<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        if !self.epoch.is_zero() {
            write!(w, "{}!", self.epoch)?;
        }
        for (i, n) in self.release.iter().enumerate() {
            if i > 0 {
                w.write_char('.')?;
            }
            write!(w, "{n}")?;
        }
        if let Some((k, n)) = &self.pre {
            write!(w, "{}{n}", k.as_str())?;
        }
        if let Some(n) = &self.post {
            write!(w, ".post{n}")?;
        }
        if let Some(n) = &self.dev {
            write!(w, ".dev{n}")?;
        }
        if let Some(l) = &self.local {
            write!(w, "+{l}")?;
        }
        Ok(())
    }

    /// `(pre_rank, pre_n)` of `_cmpkey`: dev-only −1, a 0, b 1, rc 2, none 3.
    fn pre_key(&self) -> (i8, Option<&Num>) {
        match &self.pre {
            Some((k, n)) => (*k as i8, Some(n)),
            None if self.post.is_none() && self.dev.is_some() => (-1, None),
            None => (3, None),
        }
    }
}

/// `expected` was not found at `at` in `s`, which starts `base` bytes into the input.
fn unexpected(s: &str, at: usize, base: usize, expected: &'static str) -> ParseError {
    ParseError::Expected {
        expected,
        found: s.get(at..).unwrap_or("").chars().take(20).collect(),
        at: base + at,
    }
}

/// `[a-z0-9]+(?:[._-][a-z0-9]+)*+` after the `+`, normalized as `_parse_local_version` and
/// `str()` do: segments joined by `.`, lowercase, digit-only segments as integers.
fn parse_local(sc: &mut Scanner<'_>) -> Result<Box<str>, ParseError> {
    let mut out = String::new();
    loop {
        let start = sc.i;
        while sc.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            sc.i += 1;
        }
        let seg = &sc.b[start..sc.i];
        if !out.is_empty() {
            out.push('.');
        }
        if seg.iter().all(u8::is_ascii_digit) {
            // Writing to a String cannot fail.
            let _ = write!(out, "{}", Num::from_digits(seg)?);
        } else {
            out.extend(seg.iter().map(|c| char::from(c.to_ascii_lowercase())));
        }
        if matches!(sc.peek(), Some(b'.' | b'_' | b'-'))
            && sc.peek_at(1).is_some_and(|c| c.is_ascii_alphanumeric())
        {
            sc.i += 1;
        } else {
            return Ok(out.into_boxed_str());
        }
    }
}

/// A `fmt::Write` that checks the text written equals `rest`, ASCII case-insensitively.
struct EqIgnoreCase<'a> {
    rest: &'a [u8],
    ok: bool,
}

impl fmt::Write for EqIgnoreCase<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let s = s.as_bytes();
        match self.rest.get(..s.len()) {
            Some(head) if self.ok && head.eq_ignore_ascii_case(s) => {
                self.rest = &self.rest[s.len()..]
            }
            _ => self.ok = false,
        }
        Ok(())
    }
}

/// The release length without trailing zeros (`_cmpkey` strips them all).
fn trimmed_len(r: &[Num]) -> usize {
    r.iter().rposition(|n| !n.is_zero()).map_or(0, |i| i + 1)
}

/// Release order with trailing zeros ignored: compare as if both were padded with zeros.
fn cmp_release(a: &[Num], b: &[Num]) -> Ordering {
    let zero = Num::ZERO;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).unwrap_or(&zero);
        let y = b.get(i).unwrap_or(&zero);
        match x.cmp(y) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// Local labels: segment by segment, integers above strings, integers by value, strings
/// lexicographically, a prefix first; no label below any label.
fn cmp_local(a: Option<&str>, b: Option<&str>) -> Ordering {
    let (a, b) = match (a, b) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Less,
        (Some(_), None) => return Ordering::Greater,
        (Some(a), Some(b)) => (a, b),
    };
    let mut xs = a.split('.');
    let mut ys = b.split('.');
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let xn = x.bytes().all(|c| c.is_ascii_digit());
                let yn = y.bytes().all(|c| c.is_ascii_digit());
                let o = match (xn, yn) {
                    // Normalized integers: no leading zeros, so longer is larger.
                    (true, true) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_release(&self.release, &other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            // No post sorts first: Option's order is post_rank then post_n.
            .then_with(|| self.post.cmp(&other.post))
            // No dev sorts last.
            .then_with(|| match (&self.dev, &other.dev) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
            .then_with(|| cmp_local(self.local.as_deref(), other.local.as_deref()))
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
    /// Hashes the comparison key, so that `1.0` and `1.0.0` hash alike.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.epoch.hash(state);
        let r = &self.release[..trimmed_len(&self.release)];
        r.len().hash(state);
        for n in r {
            n.hash(state);
        }
        self.pre_key().hash(state);
        self.post.hash(state);
        self.dev.hash(state);
        self.local.hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl std::str::FromStr for Version {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn norm(s: &str) -> String {
        v(s).to_string()
    }

    #[test]
    fn normalizes_like_packaging() {
        for (input, out) in [
            ("1.0", "1.0"),
            (" v1.0 ", "1.0"),
            ("V1.0\u{3000}", "1.0"),
            ("0!1.0", "1.0"),
            ("01!02.003", "1!2.3"),
            ("1.0alpha", "1.0a0"),
            ("1.0-ALPHA-2", "1.0a2"),
            ("1.0.beta.3", "1.0b3"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre", "1.0rc0"),
            ("1.0preview_4", "1.0rc4"),
            ("1.0-1", "1.0.post1"),
            ("1.0post", "1.0.post0"),
            ("1.0.rev.2", "1.0.post2"),
            ("1.0-r", "1.0.post0"),
            ("1.0dev", "1.0.dev0"),
            ("1.0-dev-7", "1.0.dev7"),
            ("1.0a.", "1.0a0"),
            ("1.0.post.", "1.0.post0"),
            ("1.0.post-", "1.0.post0"),
            ("1.0a_-1", "1.0a0.post1"),
            ("1.0a1-2.dev3", "1.0a1.post2.dev3"),
            ("1.0+Ubuntu-01_b", "1.0+ubuntu.1.b"),
            ("1.0+00", "1.0+0"),
        ] {
            assert_eq!(norm(input), out, "{input}");
        }
    }

    #[test]
    fn rejects_what_packaging_rejects() {
        for bad in [
            "",
            " ",
            "1.",
            ".1",
            "1..2",
            "v",
            "vv1",
            "1.0+",
            "1.0+abc.",
            "1.0-",
            "1.0.post-1-",
            "1!",
            "1!2!3",
            "1.0a1a2",
            "1.0.dev1.post1",
            "1.0 a1",
            "1.*",
            "1,0",
            "١.0",
            "1.0+a+b",
            "1.0+ä",
            "1.0.",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?} should be invalid");
        }
        let huge = "1".repeat(4301);
        assert!(Version::parse(&huge).is_err());
        assert!(Version::parse(&"1".repeat(4300)).is_ok());
    }

    #[test]
    fn orders_by_cmpkey() {
        let sorted = [
            "1.0.dev0",
            "1.0.dev1",
            "1.0a1.dev1",
            "1.0a1",
            "1.0a1+local",
            "1.0a1.post1.dev1",
            "1.0a1.post1",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+abc",
            "1.0+abc.5",
            "1.0+5",
            "1.0+5.abc",
            "1.0+6",
            "1.0.post0.dev0",
            "1.0.post0",
            "1.0.post1",
            "1.0.0.1",
            "1.1",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "1!0",
        ];
        for w in sorted.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.0"), v("1.0.0.0"));
        assert_eq!(v("1.0+1"), v("1.0.0+01"));
        assert_ne!(v("1.0+a"), v("1.0"));
    }

    #[test]
    fn big_numbers() {
        let big = v("18446744073709551616");
        assert_eq!(big.to_string(), "18446744073709551616");
        assert_eq!(big.release()[0].as_u64(), None);
        assert_eq!(
            v("00018446744073709551615").release()[0].as_u64(),
            Some(u64::MAX)
        );
        assert_eq!(
            Num::new(u64::MAX).succ().to_string(),
            "18446744073709551616"
        );
        assert_eq!(
            Num::from_digits(b"99999999999999999999")
                .unwrap()
                .succ()
                .to_string(),
            "100000000000000000000"
        );
    }

    #[test]
    fn literal_kept_only_when_needed() {
        assert!(v("1.0").literal.is_none());
        assert!(v("1.0RC1").literal.is_none());
        assert_eq!(v(" 1.0a").literal.as_deref(), Some(" 1.0a"));
        assert!(v("1.0A").literal_eq("1.0a"));
        assert!(v("1.0rc1").literal_eq("1.0rc1"));
        assert!(!v("1.0c1").literal_eq("1.0rc1"));
    }

    #[test]
    fn helpers() {
        let x = v("1!2.0rc1.post2.dev3+local");
        assert!(x.is_prerelease() && x.is_postrelease() && x.is_devrelease());
        assert_eq!(x.base_version().to_string(), "1!2.0");
        assert_eq!(x.public().to_string(), "1!2.0rc1.post2.dev3");
        assert_eq!(x.release_part(2), Some(0));
        assert_eq!(
            x.pre().map(|(k, n)| (k, n.as_u64())),
            Some((PreKind::Rc, Some(1)))
        );
        assert!(!v("1.0.post1").is_prerelease());
    }
}
