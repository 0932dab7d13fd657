//! The token stream of a Groovy or Kotlin DSL script: comments dropped, strings with
//! their interpolation flag, identifiers and punctuation, each at its byte offset so a
//! declaration's diagnostic points at its line. A lexer rather than regexes because strings
//! and comments may contain any of the punctuation the scanner looks for.

use crate::{Extracted, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    /// A string literal's content; `interp` when it may contain `$` references.
    Str {
        value: String,
        interp: bool,
    },
    Punct(char),
    Newline,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) at: usize,
}

pub(super) fn parse_error(file: &SourceFile, at: usize, message: impl Into<String>) -> Diagnostic {
    let (line, col) = file.line_col(at);
    Diagnostic::error(DiagnosticCode::ParseError, file.path(), line, message).with_column(col)
}

/// Tokens of a Groovy or Kotlin script: comments dropped, strings unescaped.
pub(super) fn lex(file: &SourceFile, out: &mut Extracted) -> Vec<Token> {
    let text = file.text();
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let is_ident_start = |c: u8| c.is_ascii_alphabetic() || c == b'_';
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match c {
            b'\n' => {
                toks.push(Token {
                    tok: Tok::Newline,
                    at: i,
                });
                i += 1;
            }
            b'/' if next == Some(b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if next == Some(b'*') => {
                let start = i;
                match text.get(i + 2..).and_then(|t| t.find("*/")) {
                    Some(end) => {
                        if text.get(i..i + 2 + end).is_some_and(|t| t.contains('\n')) {
                            toks.push(Token {
                                tok: Tok::Newline,
                                at: i,
                            });
                        }
                        i += end + 4;
                    }
                    None => {
                        out.diagnose(parse_error(file, start, "unterminated block comment"));
                        i = b.len();
                    }
                }
            }
            b'"' | b'\'' => {
                let quote = c;
                let triple = next == Some(quote) && b.get(i + 2) == Some(&quote);
                let start = i;
                i += if triple { 3 } else { 1 };
                let mut value = String::new();
                let mut closed = false;
                let mut seg = i;
                while i < b.len() {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        value.push_str(text.get(seg..i).unwrap_or(""));
                        // The escaped character, whole (it may be multi-byte).
                        let ch = text.get(i + 1..).and_then(|t| t.chars().next());
                        let len = ch.map_or(1, char::len_utf8);
                        match ch {
                            Some('n') => value.push('\n'),
                            Some('t') => value.push('\t'),
                            Some('$') => value.push_str("\\$"),
                            Some(ch) => value.push(ch),
                            None => {}
                        }
                        i += 1 + len;
                        seg = i;
                        continue;
                    }
                    if quote == b'"' && b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
                        // `${expr}` may hold quotes of its own (Kotlin `${property("x")}`).
                        let mut depth = 0usize;
                        while i < b.len() && b[i] != b'\n' {
                            match b[i] {
                                b'{' => depth += 1,
                                b'}' => {
                                    depth = depth.saturating_sub(1);
                                    if depth == 0 {
                                        i += 1;
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            i += 1;
                        }
                        continue;
                    }
                    if b[i] == quote
                        && (!triple
                            || (b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote)))
                    {
                        value.push_str(text.get(seg..i).unwrap_or(""));
                        i += if triple { 3 } else { 1 };
                        closed = true;
                        break;
                    }
                    if b[i] == b'\n' && !triple {
                        break;
                    }
                    i += 1;
                }
                if !closed {
                    value.push_str(text.get(seg..i.min(b.len())).unwrap_or(""));
                    out.diagnose(parse_error(file, start, "unterminated string"));
                }
                toks.push(Token {
                    tok: Tok::Str {
                        value,
                        interp: quote == b'"',
                    },
                    at: start,
                });
            }
            b'`' => {
                let start = i;
                let end = text
                    .get(i + 1..)
                    .and_then(|t| t.find(['`', '\n']))
                    .map_or(b.len(), |e| i + 1 + e);
                toks.push(Token {
                    tok: Tok::Ident(text.get(i + 1..end).unwrap_or("").to_string()),
                    at: start,
                });
                i = if b.get(end) == Some(&b'`') {
                    end + 1
                } else {
                    end
                };
            }
            c if is_ident_start(c) || c == b'$' => {
                let start = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                toks.push(Token {
                    tok: Tok::Ident(text.get(start..i).unwrap_or("").to_string()),
                    at: start,
                });
            }
            c if c.is_ascii_whitespace() => i += 1,
            c if c.is_ascii_punctuation() => {
                toks.push(Token {
                    tok: Tok::Punct(c as char),
                    at: i,
                });
                i += 1;
            }
            _ => i += 1,
        }
    }
    toks
}

pub(super) fn ident(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Ident(s)) => Some(s),
        _ => None,
    }
}

pub(super) fn string(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Str { value, .. }) => Some(value),
        _ => None,
    }
}

pub(super) fn punct(t: Option<&Token>, c: char) -> bool {
    matches!(t.map(|t| &t.tok), Some(Tok::Punct(p)) if *p == c)
}
