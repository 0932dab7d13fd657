//! GitHub Actions expressions (`${{ ... }}`) evaluated to the values they can take, without
//! knowing the run: `matrix.db && 'postgres:17.5' || ''` can be `postgres:17.5` or empty,
//! whatever `matrix.db` is. Context references the caller knows (`matrix.<key>`,
//! `env.<NAME>`) take their written values; anything else (`inputs.*`, `vars.*`, function
//! calls) is unknown, and an outcome that depends on it is reported as [`Outcome::Unknown`]
//! rather than guessed. Operators follow GitHub's rules: `a || b` is `a` when `a` is truthy,
//! else `b`; `a && b` is `a` when `a` is falsy, else `b`; `''`, `0`, `false` and `null` are
//! falsy.
//!
//! Input is bounded by the caller (one YAML scalar); nesting is limited to [`MAX_DEPTH`] and
//! the outcome set to [`MAX_OUTCOMES`], so no expression can recurse or multiply without end.

/// What one outcome of an expression is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The value, as GitHub would interpolate it into a string.
    Known(String),
    /// Depends on something only the run knows.
    Unknown,
}

const MAX_DEPTH: usize = 32;
const MAX_OUTCOMES: usize = 64;

/// The outcomes of `expr` (the text between `${{` and `}}`), or `None` when it is not a
/// well-formed expression. `lookup` gives the written values of a context reference such as
/// `matrix.os`, or `None` when it is not known statically.
pub(crate) fn outcomes(
    expr: &str,
    lookup: &dyn Fn(&str) -> Option<Vec<String>>,
) -> Option<Vec<Outcome>> {
    let tokens = tokenize(expr)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        lookup,
    };
    let values = parser.or(0)?;
    if parser.at != tokens.len() {
        return None;
    }
    let mut out: Vec<Outcome> = Vec::new();
    for v in values {
        let outcome = match v {
            Value::Str(s) => Outcome::Known(s),
            Value::Num(n) => Outcome::Known(n),
            Value::Bool(b) => Outcome::Known(b.to_string()),
            Value::Null | Value::SomeFalsy => Outcome::Known(String::new()),
            Value::Unknown => Outcome::Unknown,
        };
        if !out.contains(&outcome) {
            out.push(outcome);
        }
    }
    Some(out)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Str(String),
    Num(String),
    Ident(String),
    Or,
    And,
    Not,
    Compare,
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Comma,
    Dot,
    Star,
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let rest = &text[i..];
        let two = |s: &str| rest.starts_with(s);
        let (token, len) = if two("||") {
            (Token::Or, 2)
        } else if two("&&") {
            (Token::And, 2)
        } else if two("==") || two("!=") || two("<=") || two(">=") {
            (Token::Compare, 2)
        } else if c == '<' || c == '>' {
            (Token::Compare, 1)
        } else if c == '!' {
            (Token::Not, 1)
        } else if c == '(' {
            (Token::Open, 1)
        } else if c == ')' {
            (Token::Close, 1)
        } else if c == '[' {
            (Token::OpenBracket, 1)
        } else if c == ']' {
            (Token::CloseBracket, 1)
        } else if c == ',' {
            (Token::Comma, 1)
        } else if c == '.' && !rest[1..].starts_with(|d: char| d.is_ascii_digit()) {
            (Token::Dot, 1)
        } else if c == '*' {
            (Token::Star, 1)
        } else if c == '\'' {
            // '' inside a literal is a quote.
            let mut value = String::new();
            let mut end = None;
            let mut inner = rest[1..].char_indices().peekable();
            while let Some((j, ch)) = inner.next() {
                if ch == '\'' {
                    if inner.peek().is_some_and(|&(_, n)| n == '\'') {
                        inner.next();
                        value.push('\'');
                    } else {
                        end = Some(j + 2);
                        break;
                    }
                } else {
                    value.push(ch);
                }
            }
            (Token::Str(value), end?)
        } else if c.is_ascii_digit() || c == '-' || c == '.' {
            let len = rest
                .find(|d: char| !(d.is_ascii_alphanumeric() || matches!(d, '.' | '-' | '+')))
                .unwrap_or(rest.len());
            (Token::Num(rest[..len].to_string()), len)
        } else if c.is_alphabetic() || c == '_' {
            let len = rest
                .find(|d: char| !(d.is_alphanumeric() || matches!(d, '_' | '-')))
                .unwrap_or(rest.len());
            (Token::Ident(rest[..len].to_string()), len)
        } else {
            return None;
        };
        tokens.push(token);
        while chars.peek().is_some_and(|&(j, _)| j < i + len) {
            chars.next();
        }
    }
    Some(tokens)
}

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    /// A falsy value of an unknown operand (`''`, `0`, `false` or `null`).
    SomeFalsy,
    Unknown,
}

impl Value {
    /// `Some(truthy)`, or `None` when only the run knows.
    fn truthy(&self) -> Option<bool> {
        match self {
            Value::Str(s) => Some(!s.is_empty()),
            Value::Num(n) => Some(n.parse::<f64>().is_ok_and(|f| f != 0.0)),
            Value::Bool(b) => Some(*b),
            Value::Null | Value::SomeFalsy => Some(false),
            Value::Unknown => None,
        }
    }
}

struct Parser<'t, 'l> {
    tokens: &'t [Token],
    at: usize,
    lookup: &'l dyn Fn(&str) -> Option<Vec<String>>,
}

fn push(values: &mut Vec<Value>, v: Value) {
    if values.len() < MAX_OUTCOMES && !values.contains(&v) {
        values.push(v);
    }
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self, depth: usize) -> Option<Vec<Value>> {
        let mut left = self.and(depth)?;
        while self.eat(&Token::Or) {
            let right = self.and(depth)?;
            let mut next = Vec::new();
            for v in left {
                match v.truthy() {
                    Some(true) => push(&mut next, v),
                    Some(false) => right.iter().for_each(|r| push(&mut next, r.clone())),
                    None => {
                        push(&mut next, Value::Unknown);
                        right.iter().for_each(|r| push(&mut next, r.clone()));
                    }
                }
            }
            left = next;
        }
        Some(left)
    }

    fn and(&mut self, depth: usize) -> Option<Vec<Value>> {
        let mut left = self.compare(depth)?;
        while self.eat(&Token::And) {
            let right = self.compare(depth)?;
            let mut next = Vec::new();
            for v in left {
                match v.truthy() {
                    Some(false) => push(&mut next, v),
                    Some(true) => right.iter().for_each(|r| push(&mut next, r.clone())),
                    None => {
                        push(&mut next, Value::SomeFalsy);
                        right.iter().for_each(|r| push(&mut next, r.clone()));
                    }
                }
            }
            left = next;
        }
        Some(left)
    }

    fn compare(&mut self, depth: usize) -> Option<Vec<Value>> {
        let left = self.unary(depth)?;
        if self.eat(&Token::Compare) {
            self.unary(depth)?;
            // Which way a comparison goes is decided by the run; both are possible.
            return Some(vec![Value::Bool(true), Value::Bool(false)]);
        }
        Some(left)
    }

    fn unary(&mut self, depth: usize) -> Option<Vec<Value>> {
        if depth > MAX_DEPTH {
            return None;
        }
        if self.eat(&Token::Not) {
            let inner = self.unary(depth + 1)?;
            let mut out = Vec::new();
            for v in inner {
                match v.truthy() {
                    Some(t) => push(&mut out, Value::Bool(!t)),
                    None => {
                        push(&mut out, Value::Bool(true));
                        push(&mut out, Value::Bool(false));
                    }
                }
            }
            return Some(out);
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: usize) -> Option<Vec<Value>> {
        let token = self.peek()?.clone();
        self.at += 1;
        match token {
            Token::Str(s) => Some(vec![Value::Str(s)]),
            Token::Num(n) => Some(vec![Value::Num(n)]),
            Token::Open => {
                let inner = self.or(depth + 1)?;
                self.eat(&Token::Close).then_some(inner)
            }
            Token::Ident(name) => match name.as_str() {
                "true" => Some(vec![Value::Bool(true)]),
                "false" => Some(vec![Value::Bool(false)]),
                "null" => Some(vec![Value::Null]),
                _ if self.eat(&Token::Open) => {
                    // A function call (`contains(...)`, `format(...)`): its value is the run's.
                    if !self.eat(&Token::Close) {
                        loop {
                            self.or(depth + 1)?;
                            if self.eat(&Token::Close) {
                                break;
                            }
                            if !self.eat(&Token::Comma) {
                                return None;
                            }
                        }
                    }
                    self.property_access(depth)?;
                    Some(vec![Value::Unknown])
                }
                _ => {
                    let mut path = name;
                    let simple = self.property_access_into(&mut path, depth)?;
                    let known = if simple { (self.lookup)(&path) } else { None };
                    Some(match known {
                        Some(values) if !values.is_empty() => {
                            values.into_iter().map(Value::Str).collect()
                        }
                        _ => vec![Value::Unknown],
                    })
                }
            },
            _ => None,
        }
    }

    /// `.name`, `.*` and `[expr]` after a value.
    fn property_access(&mut self, depth: usize) -> Option<()> {
        let mut ignored = String::new();
        self.property_access_into(&mut ignored, depth).map(|_| ())
    }

    /// Like [`Self::property_access`], appending `.name` parts to `path`; `false` when the
    /// path is not a plain dotted one (an index or `*`).
    fn property_access_into(&mut self, path: &mut String, depth: usize) -> Option<bool> {
        let mut simple = true;
        loop {
            if self.eat(&Token::Dot) {
                match self.peek() {
                    Some(Token::Ident(part)) => {
                        path.push('.');
                        path.push_str(part);
                        self.at += 1;
                    }
                    Some(Token::Star) => {
                        self.at += 1;
                        simple = false;
                    }
                    _ => return None,
                }
            } else if self.eat(&Token::OpenBracket) {
                self.or(depth + 1)?;
                if !self.eat(&Token::CloseBracket) {
                    return None;
                }
                simple = false;
            } else {
                return Some(simple);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(values: &[&str]) -> Vec<Outcome> {
        values
            .iter()
            .map(|v| Outcome::Known(v.to_string()))
            .collect()
    }

    fn eval(expr: &str) -> Option<Vec<Outcome>> {
        outcomes(expr, &|path| match path {
            "matrix.os" => Some(vec!["ubuntu".into(), "macos".into()]),
            _ => None,
        })
    }

    #[test]
    fn literal_branches_of_and_or() {
        assert_eq!(
            eval("matrix.db && 'postgres:17.5' || ''").unwrap(),
            known(&["", "postgres:17.5"])
        );
        assert_eq!(
            eval("inputs.image || 'redis:7'").unwrap(),
            vec![Outcome::Unknown, Outcome::Known("redis:7".into())]
        );
        assert_eq!(
            eval("github.event_name == 'push' && 'a:1' || 'a:2'").unwrap(),
            known(&["a:1", "a:2"])
        );
        assert_eq!(eval("'it''s'").unwrap(), known(&["it's"]));
        assert_eq!(eval("(false || 'x:1')").unwrap(), known(&["x:1"]));
        assert_eq!(eval("!matrix.db").unwrap(), known(&["true", "false"]));
    }

    #[test]
    fn known_references_take_their_values() {
        assert_eq!(eval("matrix.os").unwrap(), known(&["ubuntu", "macos"]));
        assert_eq!(
            eval("matrix.os || 'x'").unwrap(),
            known(&["ubuntu", "macos"])
        );
    }

    #[test]
    fn the_run_decides_functions_and_unknown_contexts() {
        assert_eq!(eval("inputs.tag").unwrap(), vec![Outcome::Unknown]);
        assert_eq!(
            eval("format('{0}:{1}', 'a', inputs.v)").unwrap(),
            vec![Outcome::Unknown]
        );
        assert_eq!(
            eval("fromJSON(needs.x.outputs.m)[0]").unwrap(),
            vec![Outcome::Unknown]
        );
        assert_eq!(eval("github.event.*.x").unwrap(), vec![Outcome::Unknown]);
    }

    #[test]
    fn malformed_expressions_are_none() {
        for bad in [
            "'open", "a ||", "(a", "a b", "f(a,", "a.", "a[1", "#", "&& a",
        ] {
            assert_eq!(eval(bad), None, "{bad}");
        }
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(eval(&deep), None);
        let nots = format!("{}a", "!".repeat(100));
        assert_eq!(eval(&nots), None);
    }
}
