//! The tokenizer of [`super::terms`]: Elixir source as tokens, the way Elixir's own
//! tokenizer splits it for the subset `mix.exs` and `mix.lock` use. Comments are dropped;
//! strings, heredocs, charlists and sigils are read whole (with escapes and `#{...}`
//! interpolation), so nothing inside them is ever taken for code.

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
