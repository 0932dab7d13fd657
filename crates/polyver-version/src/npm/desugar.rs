//! `Range`'s desugaring pipeline, string for string: builds stripped, hyphen ranges, comparator
//! whitespace trimmed, then tildes, carets, x-ranges and stars rewritten to primitive comparators.

use super::grammar::*;

/// Captures of `XRANGEPLAIN`: major, minor, patch, pre-release.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct XCaps<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: Option<&'a str>,
}

/// One x-range identifier at `i`: `x|X|*`, strict `0|[1-9]\d{0,256}`, loose `\d{1,256}`
/// (longest); the end.
pub(super) fn xid(b: &[u8], i: usize, loose: bool) -> Option<usize> {
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
pub(super) fn xrange_plain<'a>(
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
pub(super) fn is_x(id: Option<&str>) -> bool {
    matches!(id, None | Some("" | "x" | "X" | "*"))
}

/// `+s + 1` in JS, printed back the JS way.
pub(super) fn js_inc(digits: &str) -> String {
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
pub(super) fn split_ws(s: &str) -> Vec<(usize, &str)> {
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

pub(super) fn trim_sp(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}')
}

/// `BUILDSTRIPRE` (unbounded, global): removes every `+build.ids`.
pub(super) fn strip_builds(s: &str) -> String {
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
pub(super) fn replace_hyphen(s: &str, loose: bool) -> Option<String> {
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
pub(super) mod trim_ws {
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

    pub(in crate::npm) fn trim(s: &str) -> String {
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
pub(super) fn trim_lone(s: &str, sigil: u8, allow_gt: bool) -> String {
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

pub(super) fn at_end(len: usize) -> impl Fn(usize) -> bool {
    move |e| e == len
}

/// `replaceTilde`.
pub(super) fn replace_tilde(c: &str, loose: bool) -> String {
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
pub(super) fn replace_caret(c: &str, loose: bool) -> String {
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
pub(super) fn gtlt_end(b: &[u8]) -> usize {
    let mut i = usize::from(matches!(b.first(), Some(b'<' | b'>')));
    if b.get(i) == Some(&b'=') {
        i += 1;
    }
    i
}

/// `replaceXRange`.
pub(super) fn replace_xrange(c: &str, loose: bool) -> String {
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
pub(super) fn replace_stars(c: &str) -> String {
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
pub(super) fn desugar(comp: &str, loose: bool) -> String {
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
