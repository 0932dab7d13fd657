//! Parsing: `VERSION_PATTERN` by hand, with `packaging`'s normalization (spellings,
//! separators, implicit numbers, local labels) and Python's whitespace rules.

use super::num::Num;
use super::version::{PreKind, Version};
use super::ParseError;
use crate::error::offset_in;
use std::fmt::{self, Write as _};

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

pub(super) const PRE_WORDS: [(&[u8], PreKind); 8] = [
    (b"alpha", PreKind::Alpha),
    (b"a", PreKind::Alpha),
    (b"beta", PreKind::Beta),
    (b"b", PreKind::Beta),
    (b"preview", PreKind::Rc),
    (b"pre", PreKind::Rc),
    (b"c", PreKind::Rc),
    (b"rc", PreKind::Rc),
];
pub(super) const POST_WORDS: [&[u8]; 3] = [b"post", b"rev", b"r"];

/// A cursor over the bytes of a version; each method mirrors one piece of `VERSION_PATTERN`.
pub(super) struct Scanner<'a> {
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
}

/// `expected` was not found at `at` in `s`, which starts `base` bytes into the input.
pub(super) fn unexpected(s: &str, at: usize, base: usize, expected: &'static str) -> ParseError {
    ParseError::Expected {
        expected,
        found: s.get(at..).unwrap_or("").chars().take(20).collect(),
        at: base + at,
    }
}

/// `[a-z0-9]+(?:[._-][a-z0-9]+)*+` after the `+`, normalized as `_parse_local_version` and
/// `str()` do: segments joined by `.`, lowercase, digit-only segments as integers.
pub(super) fn parse_local(sc: &mut Scanner<'_>) -> Result<Box<str>, ParseError> {
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
pub(super) struct EqIgnoreCase<'a> {
    pub(super) rest: &'a [u8],
    pub(super) ok: bool,
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
