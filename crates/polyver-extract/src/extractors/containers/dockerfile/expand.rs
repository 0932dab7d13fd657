//! Variable expansion as BuildKit's shell lexer does it for a build without `--build-arg`.
//! Kept apart from the instruction reader because it is a small language of its own
//! (quotes, escapes, `${V:-word}` forms, nesting) with its own tests.

use std::collections::BTreeMap;

/// What a build of the Dockerfile with no `--build-arg` knows of a variable.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Var {
    Set(String),
    /// Declared without a default: BuildKit expands it to nothing, so the build only works
    /// with a `--build-arg` polyver cannot see.
    Unset,
    /// Has a value polyver cannot know: BuildKit's platform ARGs, or a default that did
    /// not resolve (the reason).
    Unknown(String),
}

/// The variables in scope: global ARGs before the first `FROM`; a stage's own ARGs and ENV
/// (ENV wins, as in BuildKit) after it.
#[derive(Clone, Debug, Default)]
pub(super) struct Vars {
    pub(super) args: BTreeMap<String, Var>,
    pub(super) env: BTreeMap<String, Var>,
}

/// Set by BuildKit from the build and target platforms, in the global scope.
const PLATFORM_ARGS: [&str; 8] = [
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

impl Vars {
    pub(super) fn global() -> Vars {
        let mut vars = Vars::default();
        for name in PLATFORM_ARGS {
            vars.args.insert(
                name.to_string(),
                Var::Unknown(format!(
                    "`{name}` is set by BuildKit for the platform built"
                )),
            );
        }
        vars
    }

    pub(super) fn get(&self, name: &str) -> Option<&Var> {
        self.env.get(name).or_else(|| self.args.get(name))
    }
}

/// The value of a declaration's expanded default.
pub(super) fn known(expanded: Result<String, String>) -> Var {
    match expanded {
        Ok(value) => Var::Set(value),
        Err(reason) => Var::Unknown(reason),
    }
}

/// Deepest `${...}` nesting expanded.
const MAX_NESTING: usize = 16;

/// BuildKit's word expansion (`frontend/dockerfile/shell/lex.go`) with the values a
/// default build gives: `$V`, `${V}`, `${V:-word}`, `${V-word}`, `${V:+word}`,
/// `${V+word}`, `${V:?msg}`, `${V?msg}`, `word` itself expanded; single quotes literal,
/// double quotes expanding, the escape character escaping. `Err` is the reason the value
/// cannot be known: a variable without a value, a form polyver does not evaluate
/// (`${V%x}`, `${V#x}`, `${V/x/y}`), or a syntax error.
pub(super) fn expand(word: &str, escape: char, vars: &Vars) -> Result<String, String> {
    let mut lexer = Lexer {
        chars: word.chars().collect(),
        pos: 0,
        escape,
        vars,
        depth: 0,
    };
    let text = lexer.word(None)?;
    match text.unresolved {
        None => Ok(text.value),
        Some(reason) => Err(reason),
    }
}

/// Expanded text, and the first reason it is not what a build would see.
#[derive(Default)]
struct Text {
    value: String,
    unresolved: Option<String>,
}

impl Text {
    fn plain(value: &str) -> Text {
        Text {
            value: value.to_string(),
            unresolved: None,
        }
    }

    fn unresolved(reason: String) -> Text {
        Text {
            value: String::new(),
            unresolved: Some(reason),
        }
    }

    fn push(&mut self, other: Text) {
        self.value.push_str(&other.value);
        if self.unresolved.is_none() {
            self.unresolved = other.unresolved;
        }
    }
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    escape: char,
    vars: &'a Vars,
    depth: usize,
}

/// `Err` of the lexer: a syntax error or an unsupported form, fatal for the whole word
/// (BuildKit fails the build on them even inside an unused default).
type Fatal = String;

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += usize::from(c.is_some());
        c
    }

    /// Text up to `stop` (consumed), or to the end.
    fn word(&mut self, stop: Option<char>) -> Result<Text, Fatal> {
        let mut text = Text::default();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok(text);
            }
            match c {
                '$' => text.push(self.dollar()?),
                '\'' => {
                    self.pos += 1;
                    loop {
                        match self.next() {
                            None => return Err("unterminated single quote".into()),
                            Some('\'') => break,
                            Some(c) => text.value.push(c),
                        }
                    }
                }
                '"' => text.push(self.double_quoted()?),
                _ => {
                    self.pos += 1;
                    if c == self.escape {
                        match self.next() {
                            Some(escaped) => text.value.push(escaped),
                            None => break,
                        }
                    } else {
                        text.value.push(c);
                    }
                }
            }
        }
        match stop {
            Some(stop) => Err(format!("missing `{stop}`")),
            None => Ok(text),
        }
    }

    fn double_quoted(&mut self) -> Result<Text, Fatal> {
        self.pos += 1;
        let mut text = Text::default();
        loop {
            match self.peek() {
                None => return Err("unterminated double quote".into()),
                Some('"') => {
                    self.pos += 1;
                    return Ok(text);
                }
                Some('$') => text.push(self.dollar()?),
                Some(c) => {
                    self.pos += 1;
                    // Only `"`, `$` and the escape character itself can be escaped here.
                    if c == self.escape {
                        if let Some(n) = self.peek().filter(|&n| n == '"' || n == '$' || n == c) {
                            self.pos += 1;
                            text.value.push(n);
                            continue;
                        }
                    }
                    text.value.push(c);
                }
            }
        }
    }

    /// A name after `$`: letters, digits and `_`; or only digits (`$1`); or one special
    /// parameter character (`$@`, `$#`, ...).
    fn name(&mut self) -> String {
        let mut name = String::new();
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.pos += 1;
                }
                return name;
            }
            Some(c @ ('@' | '*' | '#' | '?' | '-' | '$' | '!')) => {
                self.pos += 1;
                return c.to_string();
            }
            _ => {}
        }
        while let Some(c) = self.peek().filter(|&c| c.is_alphanumeric() || c == '_') {
            name.push(c);
            self.pos += 1;
        }
        name
    }

    fn value(&self, name: &str) -> Text {
        match self.vars.get(name) {
            Some(Var::Set(v)) => Text::plain(v),
            Some(Var::Unset) => Text::unresolved(format!(
                "build argument `{name}` has no default (set only by `--build-arg`)"
            )),
            Some(Var::Unknown(reason)) => Text::unresolved(reason.clone()),
            None => Text::unresolved(format!("`{name}` is not declared in this scope")),
        }
    }

    fn dollar(&mut self) -> Result<Text, Fatal> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok(Text::plain("$"));
            }
            return Ok(self.value(&name));
        }
        self.pos += 1;
        match self.peek() {
            None => return Err("missing `}`".into()),
            Some('{' | '}' | ':') => return Err("bad substitution".into()),
            _ => {}
        }
        if self.depth >= MAX_NESTING {
            return Err(format!(
                "`${{...}}` nested deeper than {MAX_NESTING} levels"
            ));
        }
        let name = self.name();
        match self.next() {
            None => Err("missing `}`".into()),
            Some('}') => Ok(self.value(&name)),
            Some(':') => match self.next() {
                Some(op @ ('-' | '+' | '?')) => self.modified(&name, op, true),
                Some(other) => Err(format!("unsupported substitution `${{{name}:{other}`")),
                None => Err("missing `}`".into()),
            },
            Some(op @ ('-' | '+' | '?')) => self.modified(&name, op, false),
            Some(other) => Err(format!("unsupported substitution `${{{name}{other}`")),
        }
    }

    /// `${name<op>word}` after the operator; `colon` makes an empty value count as unset.
    fn modified(&mut self, name: &str, op: char, colon: bool) -> Result<Text, Fatal> {
        self.depth += 1;
        let word = self.word(Some('}'));
        self.depth -= 1;
        let word = word?;
        let value = match self.vars.get(name) {
            Some(Var::Unknown(reason)) => return Ok(Text::unresolved(reason.clone())),
            Some(Var::Set(v)) if !(colon && v.is_empty()) => Some(v.as_str()),
            _ => None,
        };
        Ok(match (op, value) {
            ('-', Some(v)) => Text::plain(v),
            ('-', None) => word,
            ('+', Some(_)) => word,
            ('+', None) => Text::plain(""),
            (_, Some(v)) => Text::plain(v),
            (_, None) => Text::unresolved(format!(
                "`{name}` is required (`${{{name}{}?...}}`) and has no value",
                if colon { ":" } else { "" }
            )),
        })
    }
}
