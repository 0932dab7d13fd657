//! `semver`'s version regexes (`internal/re.js`) as hand-written matchers, with JS's
//! character classes and `safeRe`'s length caps.

pub(super) const MAX_LENGTH: usize = 256;
pub(super) const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;
/// `safeRe` caps `[a-zA-Z0-9-]*`/`+` at this many characters.
pub(super) const MAX_SAFE_BUILD_LENGTH: usize = MAX_LENGTH - 6;
/// `safeRe` caps `\d*`/`\d+` at this many digits.
pub(super) const MAX_DIGITS: usize = MAX_LENGTH;

/// JS `\s` and the characters `String.prototype.trim` removes.
pub(super) fn is_js_ws(c: char) -> bool {
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

pub(super) fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_ws)
}

/// Whitespace once the range has been collapsed (only ASCII remains).
pub(super) fn ws(b: Option<&u8>) -> bool {
    matches!(b, Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
}
pub(super) fn digit(b: Option<&u8>) -> bool {
    matches!(b, Some(c) if c.is_ascii_digit())
}
pub(super) fn letter(b: Option<&u8>) -> bool {
    matches!(b, Some(c) if c.is_ascii_alphabetic())
}
pub(super) fn ident(b: Option<&u8>) -> bool {
    matches!(b, Some(c) if c.is_ascii_alphanumeric() || *c == b'-')
}
pub(super) fn run(b: &[u8], mut i: usize, class: fn(Option<&u8>) -> bool) -> usize {
    while class(b.get(i)) {
        i += 1;
    }
    i
}

/// `s.length > MAX_LENGTH` in UTF-16 code units.
pub(super) fn too_long(s: &str) -> bool {
    s.len() > MAX_LENGTH && s.chars().map(char::len_utf16).sum::<usize>() > MAX_LENGTH
}

// ---------------------------------------------------------------------------------------------
// Version grammar (internal/re.js)
// ---------------------------------------------------------------------------------------------

/// One pre-release identifier, `token` being a whole run of `[a-zA-Z0-9-]`:
/// `\d{0,256}[a-zA-Z-][a-zA-Z0-9-]{0,250}` or (`0|[1-9]\d{0,256}` | loose `\d{1,256}`).
pub(super) fn pre_id_ok(token: &[u8], loose: bool) -> bool {
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
pub(super) fn pre_ids(b: &[u8], i: usize, loose: bool) -> Option<usize> {
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
pub(super) fn build_ids(b: &[u8], i: usize) -> Option<usize> {
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

pub(super) type Span = (usize, usize);

/// Optional pre-release (strict `-ID...`, loose `-?ID...`) then optional build, from `i`.
pub(super) fn pre_build(b: &[u8], i: usize, loose: bool) -> (usize, Option<Span>) {
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
pub(super) fn skip_prefix(s: &str, i: usize) -> usize {
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
pub(super) struct Parts {
    pub(super) nums: [Span; 3],
    pub(super) pre: Option<Span>,
    pub(super) build: Option<Span>,
}

/// A numeric component followed by `.`: strict `0|[1-9]\d{0,256}`, loose `\d{1,256}`.
pub(super) fn main_num(b: &[u8], i: usize, loose: bool) -> Option<usize> {
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
pub(super) fn match_plain(s: &str, loose: bool) -> Option<Parts> {
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

pub(super) fn build_span(b: &[u8], from: usize, end: usize) -> Option<Span> {
    (from < end && b[from] == b'+').then_some((from + 1, end))
}
