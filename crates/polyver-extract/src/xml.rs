//! XML character data as the POM and MSBuild extractors read it. `quick-xml` decodes the five
//! predefined entities and character references and fails on any other `&name;`. Such a
//! reference is declared in a DTD, which polyver never reads (no expansion means no
//! "billion laughs" and no external entity fetched), so its value is unknown: it is kept
//! as written, for the extractor to report the value as unresolved, rather than failing the
//! whole text or passing `&v;` off as a version.

use quick_xml::escape::resolve_xml_entity;
use std::borrow::Cow;

/// Text with its references decoded, and the names of the entity references left as
/// written; `Err` for a malformed reference (`&` without `;`, a bad character reference).
pub(crate) fn decode_text(raw: &str) -> Result<(Cow<'_, str>, Vec<String>), String> {
    if !raw.contains('&') {
        return Ok((Cow::Borrowed(raw), Vec::new()));
    }
    let mut text = String::with_capacity(raw.len());
    let mut unexpanded = Vec::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        text.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';') else {
            return Err("`&` without a closing `;`".into());
        };
        let name = &after[..semi];
        if let Some(number) = name.strip_prefix('#') {
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => number.parse(),
            };
            match code.ok().and_then(char::from_u32) {
                Some(c) => text.push(c),
                None => return Err(format!("invalid character reference `&{name};`")),
            }
        } else if let Some(value) = resolve_xml_entity(name) {
            text.push_str(value);
        } else if is_name(name) {
            text.push_str(&rest[amp..amp + semi + 2]);
            unexpanded.push(name.to_string());
        } else {
            return Err(format!("invalid entity reference `&{name};`"));
        }
        rest = &after[semi + 1..];
    }
    text.push_str(rest);
    Ok((Cow::Owned(text), unexpanded))
}

/// The first entity reference (`&name;`) in decoded text, as written. Decoded text has no
/// other `&...;` unless the file wrote one as `&amp;...;`, which no version does.
pub(crate) fn entity_reference(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(amp) = text[from..].find('&').map(|i| from + i) {
        let after = &text[amp + 1..];
        if let Some(semi) = after.find(';') {
            if is_name(&after[..semi]) {
                return Some(&text[amp..amp + semi + 2]);
            }
        }
        from = amp + 1;
    }
    None
}

/// An XML name, loosely (letters per Unicode rather than the spec's ranges): an element's or
/// what a DTD could declare as an entity.
pub(crate) fn is_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_and_character_references_decode_others_stay() {
        let (text, names) = decode_text("a&amp;b &lt;&#65;&#x42; &v; &my.ver-2;").unwrap();
        assert_eq!(text, "a&b <AB &v; &my.ver-2;");
        assert_eq!(names, ["v", "my.ver-2"]);
        assert_eq!(entity_reference(&text), Some("&v;"));
        assert_eq!(entity_reference("a&b <AB"), None);
        for bad in ["a & b", "&#xZZ;", "&#1114112;", "&;", "&a b;"] {
            assert!(decode_text(bad).is_err(), "{bad}");
        }
        assert!(matches!(decode_text("plain").unwrap().0, Cow::Borrowed(_)));
    }
}
