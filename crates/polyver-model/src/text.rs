//! Text from the scanned repository made safe for a terminal or a CI log.
//!
//! File names, package names, versions and messages come from repositories polyver does not
//! trust. A newline in a file name would forge a line of the log (a fake `error:` or a fake
//! "all clear"), an ANSI escape would recolour, hide or rewrite what is on screen. Every
//! human-readable output (tables, markdown, stderr) passes such text through
//! [`escape_control`]; JSON, SARIF and the SBOMs are escaped by their serializer instead.

use std::borrow::Cow;

/// `s` with every control character escaped, the way Rust's `escape_debug` writes them
/// (`\n`, `\r`, `\t`, `\0`, `\x1b` for the rest of C0 and DEL, `\u{9b}` for C1), and
/// everything else unchanged; borrowed when there is nothing to escape.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` as one POSIX shell word, for hints meant to be copied into a shell: unchanged when
/// it is made only of characters no shell treats specially (`GitHub` stays `GitHub`), else
/// in single quotes, a quote written `'\''` (`GitHub Actions` gives `'GitHub Actions'`).
pub fn shell_quote(s: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(format!("'{}'", s.replace('\'', "'\\''")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert!(matches!(shell_quote("crates.io"), Cow::Borrowed(_)));
        assert_eq!(
            shell_quote("sqlite:///tmp/a-b_c@1"),
            "sqlite:///tmp/a-b_c@1"
        );
        assert_eq!(shell_quote("GitHub Actions"), "'GitHub Actions'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$HOME;rm -rf"), "'$HOME;rm -rf'");
        assert_eq!(shell_quote("a*b"), "'a*b'");
        assert_eq!(shell_quote("~/x"), "'~/x'");
    }

    #[test]
    fn control_characters_are_escaped_and_nothing_else() {
        assert!(matches!(escape_control("req-é.txt"), Cow::Borrowed(_)));
        assert_eq!(
            escape_control("a\nb\r\t\0\x1b[31mred\x7f\u{9b}2J"),
            "a\\nb\\r\\t\\0\\x1b[31mred\\x7f\\u{9b}2J"
        );
        // A backslash is not a control character: `\xff` written by the walker for a
        // non-UTF-8 byte stays as it is.
        assert_eq!(escape_control("dir\\xff/x"), "dir\\xff/x");
    }
}
