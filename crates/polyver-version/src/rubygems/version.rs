//! `Gem::Version`: `VERSION_PATTERN`, canonical segments, `<=>`, `bump` and `release`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// One canonical segment: a byte range of the version text. Numbers are stored without
/// leading zeros (an empty range is 0).
#[derive(Clone, Copy, Debug)]
pub(super) struct Seg {
    start: usize,
    end: usize,
    num: bool,
}

/// A `Gem::Version`.
#[derive(Clone, Debug)]
pub struct Version {
    /// `@version`: stripped, `-` replaced by `.pre.`, `0` for a blank input. ASCII.
    text: Box<str>,
    /// `canonical_segments`.
    pub(super) segs: Box<[Seg]>,
}

/// Ruby's `\s`: ASCII only.
pub(super) fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Whether `s` matches `VERSION_PATTERN` exactly.
pub(super) fn matches_version_pattern(s: &[u8]) -> bool {
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let mut i = digits;
    // (?>\.[0-9a-zA-Z]+)*
    while s.get(i) == Some(&b'.') {
        let n = s[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if n == 0 {
            break;
        }
        i += 1 + n;
    }
    if i == s.len() {
        return true;
    }
    // (-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
    if s[i] != b'-' {
        return false;
    }
    s[i + 1..].split(|&c| c == b'.').all(|chunk| {
        !chunk.is_empty()
            && chunk
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'-')
    })
}

/// The `[0-9]+|[a-z]+`i runs of `text`: (start, end, is_number).
pub(super) fn raw_segments(text: &str) -> Vec<(usize, usize, bool)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let num = b[i].is_ascii_digit();
        if !num && !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len()
            && (if num {
                b[i].is_ascii_digit()
            } else {
                b[i].is_ascii_alphabetic()
            })
        {
            i += 1;
        }
        out.push((start, i, num));
    }
    out
}

pub(super) fn is_zero(b: &[u8]) -> bool {
    b.iter().all(|&c| c == b'0')
}

/// Why RubyGems rejects a version or a requirement, in its own words
/// (`Gem::Version.new`, `Gem::Requirement.parse`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("Malformed version number string {input}")]
    MalformedVersion { input: String },
    #[error("Illformed requirement [{input:?}]")]
    IllformedRequirement { input: String },
}

impl Version {
    pub fn parse(s: &str) -> Result<Version, ParseError> {
        let core = s.trim_matches(is_ruby_space);
        if core.is_empty() {
            return Ok(Self::from_text("0".into()));
        }
        if !matches_version_pattern(core.as_bytes()) {
            return Err(ParseError::MalformedVersion { input: s.into() });
        }
        Ok(Self::from_text(core.replace('-', ".pre.")))
    }

    /// Builds a version from a string already in `@version` form.
    fn from_text(text: String) -> Version {
        let b = text.as_bytes();
        let raw = raw_segments(&text);
        let split = raw.iter().position(|s| !s.2).unwrap_or(raw.len());
        let mut segs = Vec::with_capacity(raw.len());
        for part in [&raw[..split], &raw[split..]] {
            let keep = part
                .iter()
                .rposition(|&(s, e, num)| !num || !is_zero(&b[s..e]))
                .map_or(0, |k| k + 1);
            for &(s, e, num) in &part[..keep] {
                let s = if num {
                    s + b[s..e].iter().take_while(|&&c| c == b'0').count()
                } else {
                    s
                };
                segs.push(Seg {
                    start: s,
                    end: e,
                    num,
                });
            }
        }
        Version {
            segs: segs.into_boxed_slice(),
            text: text.into_boxed_str(),
        }
    }

    /// Whether the version has a letter (`Gem::Version#prerelease?`).
    pub fn is_prerelease(&self) -> bool {
        self.text.bytes().any(|c| c.is_ascii_alphabetic())
    }

    fn seg(&self, s: &Seg) -> &[u8] {
        &self.text.as_bytes()[s.start..s.end]
    }

    /// The canonical segments of `release`: those before the first string.
    pub(super) fn release_segs(&self) -> &[Seg] {
        let n = self
            .segs
            .iter()
            .position(|s| !s.num)
            .unwrap_or(self.segs.len());
        &self.segs[..n]
    }

    /// `Gem::Version#bump`: drop from the first string on, drop the last segment unless it is
    /// the only one, add one to the last.
    pub fn bump(&self) -> Version {
        let raw = raw_segments(&self.text);
        let mut nums: Vec<&str> = raw
            .iter()
            .take_while(|s| s.2)
            .map(|&(s, e, _)| self.text[s..e].trim_start_matches('0'))
            .collect();
        if nums.len() > 1 {
            nums.pop();
        }
        let last = succ(nums.pop().unwrap_or(""));
        let mut text: String = nums
            .iter()
            .map(|n| if n.is_empty() { "0" } else { n })
            .collect::<Vec<_>>()
            .join(".");
        if !text.is_empty() {
            text.push('.');
        }
        text.push_str(&last);
        Self::from_text(text)
    }
}

/// Decimal `n + 1` of a digit string without leading zeros (`""` is 0).
pub(super) fn succ(n: &str) -> String {
    let mut d: Vec<u8> = n.bytes().collect();
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
    d.into_iter().map(char::from).collect()
}

/// `<=>` over canonical segments; a missing segment is 0.
pub(super) fn cmp_segs(at: &Version, a: &[Seg], bt: &Version, b: &[Seg]) -> Ordering {
    const ZERO: Seg = Seg {
        start: 0,
        end: 0,
        num: true,
    };
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).unwrap_or(&ZERO), b.get(i).unwrap_or(&ZERO));
        let (xs, ys) = (at.seg(x), bt.seg(y));
        let o = match (x.num, y.num) {
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (true, true) => xs.len().cmp(&ys.len()).then_with(|| xs.cmp(ys)),
            (false, false) => xs.cmp(ys),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_segs(self, &self.segs, other, &other.segs)
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
        for s in self.segs.iter() {
            h.write_u8(u8::from(s.num));
            h.write(self.seg(s));
        }
        h.write_u8(2);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
