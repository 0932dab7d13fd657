//! A tokenizer and literal-term reader for the subset of Elixir that `mix.exs` and `mix.lock`
//! use: tuples, lists, keyword lists, maps, atoms, strings, numbers, with comments, sigils,
//! heredocs and interpolation skipped over correctly.
//!
//! Why not regular expressions: a `mix.exs` is code. A dependency tuple spans lines, holds
//! comments, keyword options in any order and expressions (`runtime: Mix.env() == :dev`); a
//! `"` inside a sigil or a `#` inside a string would fool a pattern. Reading tokens the way
//! Elixir's own tokenizer does, and terms only where data is written, never evaluates
//! anything and never mistakes a comment for a dependency. Anything that is not a literal is
//! kept as [`Value::Expr`] (with its first line), so the caller can say it was not evaluated.

use super::lexer::{Tok, Token, TokenError};

/// A literal term, with the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Term {
    pub value: Value,
    pub line: u32,
    /// Written as `key: value` (a `{:key, value}` pair of a keyword list).
    pub is_pair: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    Atom(String),
    Str(String),
    Number(String),
    List(Vec<Term>),
    Tuple(Vec<Term>),
    /// `%{k => v}` or `%{k: v}` (keys as terms: a `k:` key is an atom).
    Map(Vec<(Term, Term)>),
    /// Anything not a literal (a call, a variable, an operator expression, a sigil).
    Expr,
}

impl Term {
    pub fn as_atom(&self) -> Option<&str> {
        match &self.value {
            Value::Atom(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Term]> {
        match &self.value {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_tuple(&self) -> Option<&[Term]> {
        match &self.value {
            Value::Tuple(t) => Some(t),
            _ => None,
        }
    }

    /// A keyword list's `(key, value)` pairs (`[only: :test, hex: :x]` is a list of
    /// `{atom, value}` tuples in Elixir, as here); non-pairs are left out.
    pub fn keywords(&self) -> Vec<(&str, &Term)> {
        self.as_list()
            .unwrap_or_default()
            .iter()
            .filter_map(|t| match t.as_tuple()? {
                [k, v] => Some((k.as_atom()?, v)),
                _ => None,
            })
            .collect()
    }
}

/// Deepest nesting of lists, tuples and maps read (a hostile file cannot exhaust the stack).
const MAX_DEPTH: usize = 128;

/// Reads one term starting at token `pos`; returns it and the index after it. A term that
/// is not a literal is read up to the next `,` or closing bracket at its own depth.
pub(super) fn parse_term(tokens: &[Token], pos: usize) -> Result<(Term, usize), TokenError> {
    term_at(tokens, pos, 0)
}

fn term_at(tokens: &[Token], pos: usize, depth: usize) -> Result<(Term, usize), TokenError> {
    let Some(first) = tokens.get(pos) else {
        let line = tokens.last().map_or(1, |t| t.line);
        return Err(TokenError {
            line,
            message: "expected a term, found the end of the file".into(),
        });
    };
    let line = first.line;
    if depth > MAX_DEPTH {
        return Err(TokenError {
            line,
            message: format!("nested deeper than {MAX_DEPTH} levels"),
        });
    }
    let term = |value| Term {
        value,
        line,
        is_pair: false,
    };
    let (value, next) = match &first.kind {
        Tok::Punct(p) if p == "[" => {
            let (items, next) = sequence(tokens, pos + 1, "]", line, depth + 1)?;
            (Value::List(items), next)
        }
        Tok::Punct(p) if p == "{" => {
            let (mut items, next) = sequence(tokens, pos + 1, "}", line, depth + 1)?;
            // `{:a, "1.0", only: :test}` is `{:a, "1.0", [only: :test]}`: trailing keyword
            // pairs are one keyword list, as Elixir reads them.
            if let Some(first_pair) = items.iter().position(|t| t.is_pair) {
                let pairs = items.split_off(first_pair);
                let line = pairs[0].line;
                items.push(Term {
                    value: Value::List(pairs),
                    line,
                    is_pair: false,
                });
            }
            (Value::Tuple(items), next)
        }
        Tok::Punct(p) if p == "%{" => return map(tokens, pos + 1, line, depth + 1),
        Tok::Atom(a) if is_term_end(tokens.get(pos + 1)) => (Value::Atom(a.clone()), pos + 1),
        Tok::Str(Some(s)) if is_term_end(tokens.get(pos + 1)) => (Value::Str(s.clone()), pos + 1),
        Tok::Number(n) if is_term_end(tokens.get(pos + 1)) => (Value::Number(n.clone()), pos + 1),
        Tok::Ident(i)
            if matches!(i.as_str(), "true" | "false" | "nil")
                && is_term_end(tokens.get(pos + 1)) =>
        {
            (Value::Atom(i.clone()), pos + 1)
        }
        _ => (Value::Expr, skip_expression(tokens, pos)?),
    };
    Ok((term(value), next))
}

/// Whether the token after a scalar ends the term (so `:a == :b` is an expression).
fn is_term_end(next: Option<&Token>) -> bool {
    match next.map(|t| &t.kind) {
        None => true,
        Some(Tok::Punct(p)) => matches!(p.as_str(), "," | "]" | "}" | ")" | "=>"),
        Some(Tok::Ident(i)) => i == "end",
        _ => false,
    }
}

/// Skips an expression: to the next `,`, `=>` or unmatched closing bracket (or `end`) at depth 0.
fn skip_expression(tokens: &[Token], mut pos: usize) -> Result<usize, TokenError> {
    let start_line = tokens.get(pos).map_or(1, |t| t.line);
    let mut depth: Vec<&str> = Vec::new();
    while let Some(t) = tokens.get(pos) {
        match &t.kind {
            Tok::Punct(p) => match p.as_str() {
                "[" => depth.push("]"),
                "{" | "%{" => depth.push("}"),
                "(" => depth.push(")"),
                "]" | "}" | ")" => {
                    if depth.is_empty() {
                        return Ok(pos);
                    }
                    if depth.pop() != Some(p.as_str()) {
                        return Err(TokenError {
                            line: t.line,
                            message: format!("unbalanced `{p}`"),
                        });
                    }
                }
                "," | "=>" if depth.is_empty() => return Ok(pos),
                _ => {}
            },
            Tok::Ident(i) if depth.is_empty() && i == "end" => return Ok(pos),
            Tok::Ident(i) if i == "do" => depth.push("end"),
            Tok::Ident(i) if i == "end" && depth.pop() != Some("end") => {
                return Err(TokenError {
                    line: t.line,
                    message: "unbalanced `end`".into(),
                });
            }
            _ => {}
        }
        pos += 1;
    }
    if depth.is_empty() {
        Ok(pos)
    } else {
        Err(TokenError {
            line: start_line,
            message: "unclosed bracket in expression".into(),
        })
    }
}

/// Comma-separated terms up to `close`; `key: value` items become `{:key, value}` tuples.
fn sequence(
    tokens: &[Token],
    mut pos: usize,
    close: &str,
    open_line: u32,
    depth: usize,
) -> Result<(Vec<Term>, usize), TokenError> {
    let mut items = Vec::new();
    loop {
        match tokens.get(pos).map(|t| &t.kind) {
            None => {
                return Err(TokenError {
                    line: open_line,
                    message: format!("unclosed bracket: expected `{close}`"),
                })
            }
            Some(Tok::Punct(p)) if p == close => return Ok((items, pos + 1)),
            Some(Tok::Key(k)) => {
                let line = tokens[pos].line;
                let (value, next) = term_at(tokens, pos + 1, depth)?;
                let key = Term {
                    value: Value::Atom(k.clone()),
                    line,
                    is_pair: false,
                };
                items.push(Term {
                    value: Value::Tuple(vec![key, value]),
                    line,
                    is_pair: true,
                });
                pos = next;
            }
            Some(_) => {
                let (t, next) = term_at(tokens, pos, depth)?;
                items.push(t);
                pos = next;
            }
        }
        match tokens.get(pos).map(|t| &t.kind) {
            Some(Tok::Punct(p)) if p == "," => pos += 1,
            Some(Tok::Punct(p)) if p == close => {}
            Some(other) => {
                return Err(TokenError {
                    line: tokens[pos].line,
                    message: format!("expected `,` or `{close}`, found {}", describe(other)),
                })
            }
            None => {}
        }
    }
}

/// `%{...}` after its opening token: `k => v` and `k: v` entries.
fn map(
    tokens: &[Token],
    mut pos: usize,
    line: u32,
    depth: usize,
) -> Result<(Term, usize), TokenError> {
    let mut entries = Vec::new();
    loop {
        let entry_line = tokens.get(pos).map_or(line, |t| t.line);
        match tokens.get(pos).map(|t| &t.kind) {
            None => {
                return Err(TokenError {
                    line,
                    message: "unclosed map: expected `}`".into(),
                })
            }
            Some(Tok::Punct(p)) if p == "}" => {
                return Ok((
                    Term {
                        value: Value::Map(entries),
                        line,
                        is_pair: false,
                    },
                    pos + 1,
                ))
            }
            Some(Tok::Key(k)) => {
                let key = Term {
                    value: Value::Str(k.clone()),
                    line: entry_line,
                    is_pair: false,
                };
                let (value, next) = term_at(tokens, pos + 1, depth)?;
                entries.push((key, value));
                pos = next;
            }
            Some(_) => {
                let (key, next) = term_at(tokens, pos, depth)?;
                match tokens.get(next).map(|t| &t.kind) {
                    Some(Tok::Punct(p)) if p == "=>" => {}
                    other => {
                        return Err(TokenError {
                            line: tokens.get(next).map_or(entry_line, |t| t.line),
                            message: format!(
                                "expected `=>` in map, found {}",
                                other.map_or("the end of the file".to_string(), describe)
                            ),
                        })
                    }
                }
                let (value, after) = term_at(tokens, next + 1, depth)?;
                entries.push((key, value));
                pos = after;
            }
        }
        match tokens.get(pos).map(|t| &t.kind) {
            Some(Tok::Punct(p)) if p == "," => pos += 1,
            Some(Tok::Punct(p)) if p == "}" => {}
            Some(other) => {
                return Err(TokenError {
                    line: tokens[pos].line,
                    message: format!("expected `,` or `}}` in map, found {}", describe(other)),
                })
            }
            None => {}
        }
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Atom(a) => format!("atom `:{a}`"),
        Tok::Str(_) => "a string".into(),
        Tok::Key(k) => format!("key `{k}:`"),
        Tok::Ident(i) => format!("`{i}`"),
        Tok::Number(_) => "a number".into(),
        Tok::Opaque => "a sigil or charlist".into(),
        Tok::Punct(p) => format!("`{p}`"),
    }
}

#[cfg(test)]
#[path = "terms_tests.rs"]
mod tests;
