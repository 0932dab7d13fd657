//! A tokenizer and literal-term reader for the subset of Elixir that `mix.exs` and `mix.lock`
//! use: tuples, lists, keyword lists, maps, atoms, strings, numbers, with comments, sigils,
//! heredocs and interpolation skipped over correctly.
//!
//! Why not regular expressions: a `mix.exs` is code. A dependency tuple spans lines, holds
//! comments, keyword options in any order and expressions (`runtime: Mix.env() == :dev`); a
//! `"` inside a sigil or a `#` inside a string would fool a pattern. Reading tokens the way
//! Elixir's own tokenizer does, and terms only where data is written, never evaluates
//! anything and never mistakes a comment for a dependency. Anything that is not a literal is
//! kept as [`Term::Expr`] (its first line), so the caller can say it was not evaluated.

/// One token, with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Tok,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    /// `:name` or `:"quoted"`.
    Atom(String),
    /// A string without interpolation; `None` when it holds `#{...}` (not a literal).
    Str(Option<String>),
    /// `key:` or `"key":` in a keyword list or map.
    Key(String),
    /// An identifier or alias (`deps`, `Mix`, `do`, `end`).
    Ident(String),
    /// A number or `?c` character literal.
    Number(String),
    /// A sigil or charlist: never a dependency literal.
    Opaque,
    /// `{ } [ ] ( ) , %{ => <<` and operators, as written.
    Punct(String),
}

/// A tokenizer error: the line and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct TokenError {
    pub line: u32,
    pub message: String,
}

/// Splits `text` into tokens, comments dropped.
pub(super) fn tokenize(text: &str) -> Result<Vec<Token>, TokenError> {
    let mut lexer = Lexer {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        out: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.out)
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    out: Vec<Token>,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, kind: Tok, line: u32) {
        self.out.push(Token { kind, line });
    }

    fn error(&self, line: u32, message: impl Into<String>) -> TokenError {
        TokenError {
            line,
            message: message.into(),
        }
    }

    fn run(&mut self) -> Result<(), TokenError> {
        while let Some(c) = self.peek(0) {
            let line = self.line;
            match c {
                c if c.is_whitespace() => {
                    self.bump();
                }
                '\\' if self.peek(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                '#' => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                '"' => {
                    let s = self.string('"')?;
                    self.after_string(s, line);
                }
                '\'' => {
                    self.string('\'')?;
                    self.push(Tok::Opaque, line);
                }
                '~' if self.peek(1).is_some_and(|c| c.is_ascii_alphabetic()) => {
                    self.sigil(line)?;
                }
                ':' if self.peek(1) == Some('"') => {
                    self.bump();
                    match self.string('"')? {
                        Some(s) => self.push(Tok::Atom(s), line),
                        None => self.push(Tok::Opaque, line),
                    }
                }
                ':' if self.peek(1).is_some_and(is_ident_start) => {
                    self.bump();
                    let name = self.ident();
                    self.push(Tok::Atom(name), line);
                }
                '?' if self.peek(1).is_some() => {
                    self.bump();
                    if self.bump() == Some('\\') {
                        self.bump();
                    }
                    self.push(Tok::Number(String::new()), line);
                }
                c if c.is_ascii_digit() => {
                    let mut n = String::new();
                    while let Some(c) = self
                        .peek(0)
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    {
                        n.push(c);
                        self.bump();
                        if self.peek(0) == Some('.')
                            && self.peek(1).is_some_and(|c| c.is_ascii_digit())
                        {
                            n.push('.');
                            self.bump();
                        }
                    }
                    self.push(Tok::Number(n), line);
                }
                c if is_ident_start(c) => {
                    let name = self.ident();
                    if self.peek(0) == Some(':')
                        && self.peek(1) != Some(':')
                        && self.peek(1).is_none_or(|c| c.is_whitespace())
                    {
                        self.bump();
                        self.push(Tok::Key(name), line);
                    } else {
                        self.push(Tok::Ident(name), line);
                    }
                }
                '%' if self.peek(1) == Some('{') => {
                    self.bump();
                    self.bump();
                    self.push(Tok::Punct("%{".into()), line);
                }
                '{' | '}' | '[' | ']' | '(' | ')' | ',' => {
                    self.bump();
                    self.push(Tok::Punct(c.to_string()), line);
                }
                _ => {
                    // Operators: a run of operator characters is one token (`=>`, `==`, `|>`).
                    let mut op = String::new();
                    while let Some(c) = self.peek(0).filter(|c| "=<>|&+-*/\\^!.:%@;".contains(*c)) {
                        op.push(c);
                        self.bump();
                    }
                    if op.is_empty() {
                        self.bump();
                        op.push(c);
                    }
                    self.push(Tok::Punct(op), line);
                }
            }
        }
        Ok(())
    }

    fn ident(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek(0).filter(|c| is_ident_char(*c)) {
            name.push(c);
            self.bump();
        }
        if let Some(c) = self.peek(0).filter(|c| matches!(c, '?' | '!')) {
            name.push(c);
            self.bump();
        }
        name
    }

    /// A string keyed like `"assets.setup": [...]` is a keyword key.
    fn after_string(&mut self, s: Option<String>, line: u32) {
        if self.peek(0) == Some(':')
            && self.peek(1) != Some(':')
            && self.peek(1).is_none_or(|c| c.is_whitespace())
        {
            self.bump();
            self.push(Tok::Key(s.unwrap_or_default()), line);
        } else {
            self.push(Tok::Str(s), line);
        }
    }

    /// A quoted string (or heredoc) starting at the opening quote; `None` when interpolated.
    fn string(&mut self, quote: char) -> Result<Option<String>, TokenError> {
        let start = self.line;
        if self.peek(1) == Some(quote) && self.peek(2) == Some(quote) {
            return self.heredoc(quote, true);
        }
        self.bump();
        let mut s = String::new();
        let mut literal = true;
        loop {
            match self.bump() {
                None => {
                    return Err(
                        self.error(start, format!("unterminated string (opened with {quote})"))
                    )
                }
                Some(c) if c == quote => break,
                Some('\\') => match self.bump() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some(c) => s.push(c),
                    None => return Err(self.error(start, "unterminated string")),
                },
                Some('#') if self.peek(0) == Some('{') => {
                    literal = false;
                    self.interpolation(start)?;
                }
                Some(c) => s.push(c),
            }
        }
        Ok(literal.then_some(s))
    }

    /// Skips `{ ... }` of an interpolation, nested braces and strings included.
    fn interpolation(&mut self, start: u32) -> Result<(), TokenError> {
        let mut depth = 0usize;
        loop {
            match self.bump() {
                None => return Err(self.error(start, "unterminated interpolation `#{`")),
                Some('{') => depth += 1,
                Some('}') => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Some('"') => {
                    self.pos -= 1;
                    self.string('"')?;
                }
                Some(_) => {}
            }
        }
    }

    /// A `"""`/`'''` heredoc: the body runs to a line holding only the closing quotes.
    fn heredoc(&mut self, quote: char, interpolates: bool) -> Result<Option<String>, TokenError> {
        let start = self.line;
        for _ in 0..3 {
            self.bump();
        }
        let mut s = String::new();
        let mut literal = true;
        loop {
            if self.peek(0) == Some(quote)
                && self.peek(1) == Some(quote)
                && self.peek(2) == Some(quote)
            {
                for _ in 0..3 {
                    self.bump();
                }
                return Ok(literal.then_some(s));
            }
            match self.bump() {
                None => return Err(self.error(start, "unterminated heredoc")),
                Some('\\') => {
                    s.extend(self.bump());
                }
                Some('#') if interpolates && self.peek(0) == Some('{') => {
                    literal = false;
                    self.interpolation(start)?;
                }
                Some(c) => s.push(c),
            }
        }
    }

    /// `~w(a b)a`, `~r/x/i`, `~S"""..."""`, `~HEEX"""..."""`: skipped whole.
    fn sigil(&mut self, line: u32) -> Result<(), TokenError> {
        self.bump();
        let mut letters = String::new();
        while let Some(c) = self.peek(0).filter(|c| c.is_ascii_alphanumeric()) {
            letters.push(c);
            self.bump();
        }
        let raw = letters.starts_with(|c: char| c.is_ascii_uppercase());
        let open = self
            .peek(0)
            .ok_or_else(|| self.error(line, "sigil without a delimiter"))?;
        if matches!(open, '"' | '\'') && self.peek(1) == Some(open) && self.peek(2) == Some(open) {
            self.heredoc(open, !raw)?;
        } else {
            let close = match open {
                '(' => ')',
                '[' => ']',
                '{' => '}',
                '<' => '>',
                '/' | '|' | '"' | '\'' => open,
                other => return Err(self.error(line, format!("unknown sigil delimiter {other:?}"))),
            };
            self.bump();
            loop {
                match self.bump() {
                    None => return Err(self.error(line, "unterminated sigil")),
                    Some(c) if c == close => break,
                    Some('\\') => {
                        self.bump();
                    }
                    Some('#') if !raw && self.peek(0) == Some('{') => self.interpolation(line)?,
                    Some(_) => {}
                }
            }
        }
        while self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) {
            self.bump();
        }
        self.push(Tok::Opaque, line);
        Ok(())
    }
}

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

/// Reads one term starting at token `pos`; returns it and the index after it. A term that
/// is not a literal is read up to the next `,` or closing bracket at its own depth.
pub(super) fn parse_term(tokens: &[Token], pos: usize) -> Result<(Term, usize), TokenError> {
    let Some(first) = tokens.get(pos) else {
        let line = tokens.last().map_or(1, |t| t.line);
        return Err(TokenError {
            line,
            message: "expected a term, found the end of the file".into(),
        });
    };
    let line = first.line;
    let term = |value| Term {
        value,
        line,
        is_pair: false,
    };
    let (value, next) = match &first.kind {
        Tok::Punct(p) if p == "[" => {
            let (items, next) = sequence(tokens, pos + 1, "]", line)?;
            (Value::List(items), next)
        }
        Tok::Punct(p) if p == "{" => {
            let (mut items, next) = sequence(tokens, pos + 1, "}", line)?;
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
        Tok::Punct(p) if p == "%{" => return map(tokens, pos + 1, line),
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
            Tok::Ident(i) if i == "end" => {
                if depth.pop() != Some("end") {
                    return Err(TokenError {
                        line: t.line,
                        message: "unbalanced `end`".into(),
                    });
                }
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
                let (value, next) = parse_term(tokens, pos + 1)?;
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
                let (t, next) = parse_term(tokens, pos)?;
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
fn map(tokens: &[Token], mut pos: usize, line: u32) -> Result<(Term, usize), TokenError> {
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
                let (value, next) = parse_term(tokens, pos + 1)?;
                entries.push((key, value));
                pos = next;
            }
            Some(_) => {
                let (key, next) = parse_term(tokens, pos)?;
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
                let (value, after) = parse_term(tokens, next + 1)?;
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
mod tests {
    use super::*;

    fn term(text: &str) -> Term {
        let tokens = tokenize(text).unwrap();
        parse_term(&tokens, 0).unwrap().0
    }

    #[test]
    fn dependency_tuples_with_options() {
        let t = term(
            "[{:a, \"~> 1.0\", only: [:dev, :test], runtime: false}, # c\n {:b, github: \"o/b\"}]",
        );
        let items = t.as_list().unwrap();
        assert_eq!(items.len(), 2);
        let a = items[0].as_tuple().unwrap();
        assert_eq!(a[0].as_atom(), Some("a"));
        assert_eq!(a[1].as_str(), Some("~> 1.0"));
        assert_eq!(a.len(), 3);
        assert_eq!(a[2].keywords()[0].0, "only");
        let b = items[1].as_tuple().unwrap();
        assert_eq!(b[1].keywords()[0].0, "github");
        assert_eq!(items[1].line, 2);
    }

    #[test]
    fn expressions_are_not_literals() {
        let t = term("[runtime: Mix.env() == :dev, x: \"a#{b}\", y: ~w(a b)a, z: :ok]");
        let kw = t.keywords();
        assert_eq!(kw.len(), 4);
        assert_eq!(kw[0].1.value, Value::Expr);
        assert_eq!(kw[1].1.value, Value::Expr);
        assert_eq!(kw[2].1.value, Value::Expr);
        assert_eq!(kw[3].1.as_atom(), Some("ok"));
    }

    #[test]
    fn maps_in_both_key_styles() {
        let t = term("%{\"a\": {:hex, :a, \"1.0\"}, \"b\" => {:hex, :b, \"2.0\"}}");
        let Value::Map(entries) = t.value else {
            panic!()
        };
        assert_eq!(entries[0].0.as_str(), Some("a"));
        assert_eq!(entries[1].0.as_str(), Some("b"));
    }

    #[test]
    fn comments_and_strings_do_not_confuse() {
        let tokens =
            tokenize("# {:fake, \"1\"}\n\"# not a comment\" ~S\"\"\"\n{:x\n\"\"\" :ok").unwrap();
        let kinds: Vec<_> = tokens.into_iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Str(Some("# not a comment".into())),
                Tok::Opaque,
                Tok::Atom("ok".into())
            ]
        );
    }

    #[test]
    fn errors_have_lines() {
        assert_eq!(tokenize("a\n\"open").unwrap_err().line, 2);
        let tokens = tokenize("[\n{:a, \"1\"\n").unwrap();
        assert!(parse_term(&tokens, 0).is_err());
    }
}
