//! `Gemfile` / `gems.rb` (Bundler's manifest). A Gemfile is Ruby, and polyver never runs
//! the scanned repository's code, so this is a careful token scanner over the statements
//! Bundler's DSL actually uses; anything else is skipped.
//!
//! Recognized: `gem 'name', '~> 1.2', '>= 1.2.3', key: value, ...` (several requirement
//! strings become one constraint joined with `, `; a single `= 1.2.3`/`1.2.3` is also the
//! exact version), statements continued over several lines (a trailing `,`, `\` or an open
//! bracket), parentheses, both quote styles, `key: value` and `:key => value` options,
//! trailing `if`/`unless` modifiers (ignored: the gem is declared either way). Options:
//! `group:`/`groups:` (scope), `platforms:`/`platform:` (→ `platform`, comma-joined),
//! `git:`/`github:`/`path:` (→ `url`, with `branch:`/`tag:`/`ref:` appended as `@ref`),
//! `require:`/`source:` ignored. Blocks: `group :a, :b do … end` (scopes), `platforms … do`,
//! `git '…' do`/`github '…' do`/`path '…' do` (url for the gems inside); any other `do`
//! block or `if`/`unless`/`case`/`begin` is tracked only to match its `end`.
//! `ruby '3.2.2'` (or a requirement) is the `ruby` runtime; `ruby file: '.ruby-version'`
//! reads that file (inside the root) for the version. `source` and `gemspec` (the
//! repository's own gem) are not components.
//!
//! Scopes: groups named `development` (or dev-like words) → dev, `test` → test, anything
//! else (`default`, `production`, custom) → runtime. A gem in several groups takes the
//! broadest: runtime over dev over test (`group :development, :test` → dev, since the gem is
//! installed for development too).

use crate::extractors::scope_from_words;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use std::collections::BTreeMap;
use std::path::Path;

pub struct GemfileExtractor;

const ID: Format = Format::Gemfile;

impl Extractor for GemfileExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["gemfile", "gems.rb"]))
    }

    fn matches(&self, path: &Path) -> bool {
        matches!(file_name(path), "Gemfile" | "gems.rb")
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        scan(file, &mut out, true);
        out
    }
}

/// Gem name → scope of the gems a Gemfile declares (for `Gemfile.lock`).
pub(crate) fn declared_scopes(file: &SourceFile) -> BTreeMap<String, Scope> {
    let mut out = Extracted::default();
    scan(file, &mut out, false);
    let mut map: BTreeMap<String, Scope> = BTreeMap::new();
    for c in out
        .components
        .into_iter()
        .filter(|c| c.kind == Kind::Package)
    {
        let slot = map.entry(c.name).or_insert(c.scope);
        if rank(c.scope) < rank(*slot) {
            *slot = c.scope;
        }
    }
    map
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Str(String),
    Sym(String),
    /// `key:` or `:key =>` / `'key' =>`.
    Key(String),
    Word(String),
    Comma,
    Open(char),
    Close(char),
    Other(char),
}

/// Tokenizes one logical statement. Returns the tokens and whether a string was left open.
fn tokenize(s: &str) -> (Vec<Tok>, bool) {
    let chars: Vec<char> = s.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '#' => break,
            ' ' | '\t' | '\r' | '\n' | '\\' => i += 1,
            '\'' | '"' => {
                let mut j = i + 1;
                let mut val = String::new();
                let mut closed = false;
                while let Some(&d) = chars.get(j) {
                    if d == '\\' {
                        if let Some(&e) = chars.get(j + 1) {
                            val.push(e);
                        }
                        j += 2;
                        continue;
                    }
                    j += 1;
                    if d == c {
                        closed = true;
                        break;
                    }
                    val.push(d);
                }
                if !closed {
                    return (toks, true);
                }
                i = j;
                toks.push(Tok::Str(val));
            }
            ':' if chars
                .get(i + 1)
                .is_some_and(|d| d.is_alphanumeric() || *d == '_') =>
            {
                let start = i + 1;
                i = start;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '?' | '!'))
                {
                    i += 1;
                }
                toks.push(Tok::Sym(chars[start..i].iter().collect()));
            }
            '=' if chars.get(i + 1) == Some(&'>') => {
                i += 2;
                // `:key =>` / `'key' =>`: the previous token is a key.
                match toks.pop() {
                    Some(Tok::Sym(k) | Tok::Str(k)) => toks.push(Tok::Key(k)),
                    Some(t) => toks.push(t),
                    None => {}
                }
            }
            ',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            '(' | '[' | '{' => {
                toks.push(Tok::Open(c));
                i += 1;
            }
            ')' | ']' | '}' => {
                toks.push(Tok::Close(c));
                i += 1;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '?' | '!' | '.'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if chars.get(i) == Some(&':') && chars.get(i + 1) != Some(&':') {
                    i += 1;
                    toks.push(Tok::Key(word));
                } else {
                    toks.push(Tok::Word(word));
                }
            }
            // `%i[ mri windows ]` / `%w(a b)`: a word array.
            '%' if chars
                .get(i + 1)
                .is_some_and(|d| matches!(d, 'i' | 'w' | 'I' | 'W'))
                && chars
                    .get(i + 2)
                    .is_some_and(|d| matches!(d, '[' | '(' | '{')) =>
            {
                let close = match chars.get(i + 2) {
                    Some('(') => ')',
                    Some('{') => '}',
                    _ => ']',
                };
                let mut j = i + 3;
                let mut word = String::new();
                toks.push(Tok::Open('['));
                while let Some(&d) = chars.get(j) {
                    j += 1;
                    if d == close || d.is_whitespace() {
                        if !word.is_empty() {
                            toks.push(Tok::Word(std::mem::take(&mut word)));
                        }
                        if d == close {
                            break;
                        }
                    } else {
                        word.push(d);
                    }
                }
                toks.push(Tok::Close(']'));
                i = j;
            }
            other => {
                toks.push(Tok::Other(other));
                i += 1;
            }
        }
    }
    (toks, false)
}

/// How a physical line changes the bracket depth, and whether it ends with `,` or `\`
/// (counted outside strings and comments). A statement continues while the depth is
/// positive or the line ends with a continuation; tracked per line, so linear.
fn line_shape(line: &str) -> (i64, bool) {
    let (toks, _) = tokenize(line);
    let depth = toks
        .iter()
        .map(|t| match t {
            Tok::Open(_) => 1,
            Tok::Close(_) => -1,
            _ => 0,
        })
        .sum();
    let code = strip_comment(line).trim_end();
    (depth, code.ends_with(',') || code.ends_with('\\'))
}

fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') => return &line[..i],
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    line
}

/// What an open block contributes to the gems inside it.
#[derive(Clone, Debug, Default)]
struct Frame {
    line: u32,
    groups: Vec<String>,
    platforms: Vec<String>,
    url: Option<String>,
}

/// A value: string, symbol, word, or an array of those (flattened).
fn values(toks: &[Tok], i: &mut usize) -> Vec<String> {
    let mut vals = Vec::new();
    match toks.get(*i) {
        Some(Tok::Open('[')) => {
            *i += 1;
            while let Some(t) = toks.get(*i) {
                *i += 1;
                match t {
                    Tok::Str(s) | Tok::Sym(s) | Tok::Word(s) => vals.push(s.clone()),
                    Tok::Close(_) => break,
                    _ => {}
                }
            }
        }
        Some(Tok::Str(s) | Tok::Sym(s) | Tok::Word(s)) => {
            vals.push(s.clone());
            *i += 1;
        }
        Some(_) => *i += 1,
        None => {}
    }
    vals
}

/// Positional string/symbol arguments, then `key: value` options, up to `do`/`if`/`unless`.
struct Call {
    args: Vec<Tok>,
    options: Vec<(String, Vec<String>)>,
    block: bool,
}

fn call(toks: &[Tok]) -> Call {
    let mut c = Call {
        args: Vec::new(),
        options: Vec::new(),
        block: false,
    };
    let mut i = 1;
    while let Some(t) = toks.get(i) {
        match t {
            Tok::Word(w) if w == "do" => {
                c.block = true;
                break;
            }
            Tok::Word(w) if w == "if" || w == "unless" => break,
            Tok::Key(k) => {
                i += 1;
                let vals = values(toks, &mut i);
                c.options.push((k.clone(), vals));
                continue;
            }
            Tok::Str(_) | Tok::Sym(_) if c.options.is_empty() => c.args.push(t.clone()),
            _ => {}
        }
        i += 1;
    }
    c
}

fn rank(scope: Scope) -> u8 {
    match scope {
        Scope::Runtime => 0,
        Scope::Dev => 1,
        Scope::Test => 2,
        _ => 3,
    }
}

/// The broadest scope of a set of group names (none: runtime).
fn groups_scope(groups: &[String]) -> Scope {
    groups
        .iter()
        .map(|g| scope_from_words(g, Scope::Runtime))
        .min_by_key(|s| rank(*s))
        .unwrap_or(Scope::Runtime)
}

fn option<'a>(options: &'a [(String, Vec<String>)], keys: &[&str]) -> Option<&'a Vec<String>> {
    options
        .iter()
        .find(|(k, _)| keys.contains(&k.as_str()))
        .map(|(_, v)| v)
}

fn first_option<'a>(options: &'a [(String, Vec<String>)], keys: &[&str]) -> Option<&'a str> {
    option(options, keys)
        .and_then(|v| v.first())
        .map(String::as_str)
}

/// `git:`/`github:`/`path:` (and the ref options) as one url.
fn source_url(options: &[(String, Vec<String>)]) -> Option<String> {
    let base = if let Some(g) = first_option(options, &["github"]) {
        if g.contains("://") {
            g.to_string()
        } else if !g.contains('/') {
            // Bundler's shorthand: `github: "rails"` is `rails/rails`.
            format!("https://github.com/{g}/{g}.git")
        } else {
            format!("https://github.com/{g}.git")
        }
    } else {
        first_option(options, &["git", "path"])?.to_string()
    };
    Some(match first_option(options, &["branch", "tag", "ref"]) {
        Some(r) => format!("{base}@{r}"),
        None => base,
    })
}

/// `1.2.3` or `= 1.2.3`: an exact version.
fn exact(req: &str) -> Option<&str> {
    let v = req.trim().strip_prefix('=').unwrap_or(req).trim();
    (v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
    .then_some(v)
}

fn scan(file: &SourceFile, out: &mut Extracted, report: bool) {
    let mut stack: Vec<Frame> = Vec::new();
    let lines: Vec<&str> = file.text().lines().collect();
    let mut idx = 0;
    while idx < lines.len() {
        let start_line = idx as u32 + 1;
        let mut stmt = lines.get(idx).copied().unwrap_or("").to_string();
        idx += 1;
        if stmt.trim_start().starts_with("=begin") {
            while idx < lines.len() && !lines[idx].starts_with("=end") {
                idx += 1;
            }
            idx += 1;
            continue;
        }
        let (mut depth, mut trailing) = line_shape(&stmt);
        while (depth > 0 || trailing) && idx < lines.len() {
            let next = lines.get(idx).copied().unwrap_or("");
            let (d, t) = line_shape(next);
            depth += d;
            trailing = t;
            stmt.push('\n');
            stmt.push_str(next);
            idx += 1;
        }
        let (toks, open_string) = tokenize(&stmt);
        if open_string {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                file.path(),
                start_line,
                "unterminated string",
            ));
            continue;
        }
        let Some(Tok::Word(head)) = toks.first() else {
            continue;
        };
        let ends_with_do = toks.iter().any(|t| matches!(t, Tok::Word(w) if w == "do"));
        match head.as_str() {
            "end" => {
                let closed = stack.pop();
                if closed.is_none() {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::ParseError,
                        file.path(),
                        start_line,
                        "`end` without an open block",
                    ));
                }
            }
            "gem" => gem(file, &toks, start_line, &stack, out),
            "group" | "platforms" | "platform" | "git" | "github" | "path" => {
                let c = call(&toks);
                let names: Vec<String> = c
                    .args
                    .iter()
                    .filter_map(|t| match t {
                        Tok::Str(s) | Tok::Sym(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect();
                if c.block {
                    let mut frame = Frame {
                        line: start_line,
                        ..Frame::default()
                    };
                    match head.as_str() {
                        "group" => frame.groups = names,
                        "platforms" | "platform" => frame.platforms = names,
                        kind => {
                            let mut opts = c.options.clone();
                            opts.push((kind.to_string(), names));
                            frame.url = source_url(&opts);
                        }
                    }
                    stack.push(frame);
                }
            }
            "ruby" if report => ruby(file, &toks, start_line, out),
            "if" | "unless" | "case" | "begin" | "while" | "until" | "def" | "class" | "module" => {
                stack.push(Frame {
                    line: start_line,
                    ..Frame::default()
                })
            }
            _ if ends_with_do => stack.push(Frame {
                line: start_line,
                ..Frame::default()
            }),
            _ => {}
        }
    }
    if report {
        if let Some(open) = stack.first() {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                file.path(),
                open.line,
                "block is never closed with `end`",
            ));
        }
    }
}

fn gem(file: &SourceFile, toks: &[Tok], line: u32, stack: &[Frame], out: &mut Extracted) {
    let c = call(toks);
    let mut args = c.args.iter();
    let Some(Tok::Str(name)) = args.next() else {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            line,
            "`gem` needs a quoted gem name",
        ));
        return;
    };
    let name = name.trim();
    if name.is_empty() {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            line,
            "`gem` with an empty name",
        ));
        return;
    }
    let reqs: Vec<&str> = args
        .filter_map(|t| match t {
            Tok::Str(s) => Some(s.trim()),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .collect();
    let mut groups: Vec<String> = stack.iter().flat_map(|f| f.groups.clone()).collect();
    if let Some(g) = option(&c.options, &["group", "groups"]) {
        groups.extend(g.iter().cloned());
    }
    let mut platforms: Vec<String> = stack.iter().flat_map(|f| f.platforms.clone()).collect();
    if let Some(p) = option(&c.options, &["platforms", "platform"]) {
        platforms.extend(p.iter().cloned());
    }
    let mut comp = Component::new(
        Kind::Package,
        Ecosystem::Rubygems,
        name,
        ID,
        file.location(line),
    )
    .with_scope(groups_scope(&groups));
    if !reqs.is_empty() {
        if let [only] = reqs.as_slice() {
            if let Some(v) = exact(only) {
                comp = comp.with_version(v);
            }
        }
        comp = comp.with_constraint(reqs.join(", "));
    }
    comp.url = source_url(&c.options).or_else(|| stack.iter().rev().find_map(|f| f.url.clone()));
    if !platforms.is_empty() {
        comp.platform = Some(platforms.join(","));
    }
    out.push(comp);
}

fn ruby(file: &SourceFile, toks: &[Tok], line: u32, out: &mut Extracted) {
    let c = call(toks);
    let reqs: Vec<&str> = c
        .args
        .iter()
        .filter_map(|t| match t {
            Tok::Str(s) => Some(s.trim()),
            _ => None,
        })
        .collect();
    let mut comp = Component::new(
        Kind::Runtime,
        Ecosystem::Generic,
        "ruby",
        ID,
        file.location(line),
    );
    if let [only] = reqs.as_slice() {
        if let Some(v) = exact(only) {
            comp = comp.with_version(v);
        }
    }
    if !reqs.is_empty() {
        comp = comp.with_constraint(reqs.join(", "));
        out.push(comp);
        return;
    }
    let Some(path) = first_option(&c.options, &["file"]) else {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            line,
            "`ruby` needs a version or `file:`",
        ));
        return;
    };
    let version = file.open_relative(path).ok().and_then(|f| {
        f.text()
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .find(|l| !l.is_empty())
            .map(|l| l.strip_prefix("ruby-").unwrap_or(l).to_string())
    });
    match version {
        Some(v) => out.push(comp.with_version(v)),
        None => out.diagnose(Diagnostic::new(
            polyver_model::Severity::Info,
            DiagnosticCode::IncludeNotFound,
            file.path(),
            line,
            format!("cannot read the ruby version from `{path}`"),
        )),
    }
}

#[cfg(test)]
mod tests;
