//! Just enough HTML for PEP 503 pages: the `<a>` and `<meta>` tags with their attributes and
//! the anchors' text, entity references decoded. Index pages are machine-written lists of
//! links, so a tag scanner that skips comments and `<script>`/`<style>` bodies reads every
//! real one (pypi.org, pypiserver, devpi, Artifactory, Nexus) without an HTML5 parser.

/// One `<a>` or `<meta>` tag.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Tag {
    /// Lower-case: `a` or `meta`.
    pub name: String,
    /// Attribute names lower-cased, values entity-decoded; an attribute without a value has
    /// an empty one.
    pub attributes: Vec<(String, String)>,
    /// An anchor's text with inner tags removed, entity-decoded and trimmed; empty for `meta`.
    pub text: String,
}

impl Tag {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every `<a>` and `<meta>` tag of `html`, in document order.
pub(crate) fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            // A `<` that opens no tag is text (`a < b`).
            rest = &rest[1..];
            continue;
        }
        let name_len = rest[1..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len() - 1);
        let name = rest[1..1 + name_len].to_ascii_lowercase();
        let (attributes, after_tag) = attributes(&rest[1 + name_len..]);
        rest = after_tag;
        match name.as_str() {
            "a" => {
                // The text ends at `</a>`, or at the next anchor when one is left open
                // (searched in that order, so that a page of unclosed anchors stays linear).
                let next = next_anchor(rest).unwrap_or(rest.len());
                let end = find_ignore_case(&rest[..next], "</a").unwrap_or(next);
                let text = decode(strip_tags(&rest[..end]).trim());
                out.push(Tag {
                    name,
                    attributes,
                    text,
                });
                rest = &rest[end..];
            }
            "meta" => out.push(Tag {
                name,
                attributes,
                text: String::new(),
            }),
            "script" | "style" => {
                let close = format!("</{name}");
                rest = find_ignore_case(rest, &close).map_or("", |end| &rest[end..]);
            }
            _ => {}
        }
    }
    out
}

/// The attributes from just after a tag's name up to its `>`, and the text after the tag.
fn attributes(mut s: &str) -> (Vec<(String, String)>, &str) {
    let mut out = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() {
            return (out, s);
        }
        if let Some(after) = s.strip_prefix('>') {
            return (out, after);
        }
        let name_len = s
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(s.len())
            .max(1);
        let name = s[..name_len].to_ascii_lowercase();
        s = s[name_len..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let value = if let Some(after_eq) = s.strip_prefix('=') {
            let after_eq = after_eq.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let (raw, after) = match after_eq.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let body = &after_eq[1..];
                    match body.find(quote) {
                        Some(end) => (&body[..end], &body[end + 1..]),
                        None => (body, ""),
                    }
                }
                _ => {
                    let end = after_eq
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(after_eq.len());
                    (&after_eq[..end], &after_eq[end..])
                }
            };
            s = after;
            decode(raw)
        } else {
            String::new()
        };
        // The first of two same-named attributes wins, as in HTML5.
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, value));
        }
    }
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Where the next `<a` tag starts (`<a>`, `<a href...`; not `<abbr>`).
fn next_anchor(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len().saturating_sub(2)).find(|&at| {
        bytes[at] == b'<'
            && bytes[at + 1].eq_ignore_ascii_case(&b'a')
            && (bytes[at + 2].is_ascii_whitespace() || bytes[at + 2] == b'>')
    })
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Replaces character references: the named ones index pages write (`&amp;` `&lt;` `&gt;`
/// `&quot;` `&apos;` `&nbsp;`) and every numeric one. Anything else stays as written.
pub(crate) fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let reference = rest[1..]
            .find(';')
            .filter(|&end| end <= 32)
            .map(|end| &rest[1..1 + end]);
        match reference.and_then(character) {
            Some(c) => {
                out.push(c);
                rest = &rest[reference.map_or(0, str::len) + 2..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn character(reference: &str) -> Option<char> {
    let code = if let Some(hex) = reference
        .strip_prefix("#x")
        .or_else(|| reference.strip_prefix("#X"))
    {
        u32::from_str_radix(hex, 16).ok()?
    } else if let Some(decimal) = reference.strip_prefix('#') {
        decimal.parse().ok()?
    } else {
        return match reference {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => None,
        };
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_and_metas_with_every_attribute_form() {
        let html = r#"<!DOCTYPE html><html><head>
            <META name="pypi:repository-version" content="1.0">
            <!-- <a href="commented-out">nope</a> -->
            <script>var s = "<a href='x'>no</a>";</script>
            </head><body>
            <a HREF="/p/a-1.0.tar.gz#sha256=ab" data-yanked data-requires-python='&gt;=3.8'>a-1.0.tar.gz</a><br/>
            root/dev <a href=../b-1.0.whl data-yanked="broken &amp; &#39;unsafe&#x27;">
              <span>b-1.0.whl</span></A>
            <a href="/c" href="/ignored">c &lt;d&gt;</a>
        </body></html>"#;
        let tags = tags(html);
        assert_eq!(tags.len(), 4, "{tags:#?}");
        assert_eq!(tags[0].name, "meta");
        assert_eq!(tags[0].attribute("content"), Some("1.0"));
        assert_eq!(tags[1].attribute("href"), Some("/p/a-1.0.tar.gz#sha256=ab"));
        assert_eq!(tags[1].attribute("data-yanked"), Some(""));
        assert_eq!(tags[1].attribute("data-requires-python"), Some(">=3.8"));
        assert_eq!(tags[1].text, "a-1.0.tar.gz");
        assert_eq!(tags[2].attribute("href"), Some("../b-1.0.whl"));
        assert_eq!(tags[2].attribute("data-yanked"), Some("broken & 'unsafe'"));
        assert_eq!(tags[2].text, "b-1.0.whl");
        assert_eq!(tags[3].attribute("href"), Some("/c"));
        assert_eq!(tags[3].text, "c <d>");
    }

    #[test]
    fn an_anchor_left_open_ends_at_the_next_one() {
        let tags = tags("<a href=x>x-1.0.tar.gz<br><a href=y>y-1.0.tar.gz</a>");
        let texts: Vec<&str> = tags.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["x-1.0.tar.gz", "y-1.0.tar.gz"]);
    }

    #[test]
    fn truncated_markup_ends_the_scan_without_panicking() {
        for html in [
            "<a href=\"x",
            "<a",
            "<",
            "<!-- open",
            "<a href=x>text",
            "<a b='",
        ] {
            let _ = tags(html);
        }
        assert_eq!(tags("<a href=x>text")[0].text, "text");
    }

    #[test]
    fn unknown_or_broken_references_stay_as_written() {
        assert_eq!(
            decode("a &copy; b & c &#xZZ; &#65;"),
            "a &copy; b & c &#xZZ; A"
        );
        assert_eq!(decode("&#x1F600;&amp"), "\u{1F600}&amp");
    }
}
