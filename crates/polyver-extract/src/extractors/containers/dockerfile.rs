//! Dockerfiles and Containerfiles, under every name in use: `Dockerfile`, `Containerfile`,
//! `Dockerfile.prod`, `api.Dockerfile`, `api.dockerfile` (not `*.dockerignore`).
//!
//! Follows BuildKit's reading: parser directives (`# escape=`) at the top, comment lines,
//! continuation lines (reported at the instruction's first line), heredocs skipped. `FROM`
//! images are components (with their `--platform`, when given), tag and `@sha256:` digest
//! split, and the Docker Hub prefixes (`docker.io/`, `library/`) removed from names. A
//! `FROM` naming an earlier stage is not an image, nor is `scratch`. `COPY --from=image` of
//! an image that is not a stage is a build image too. The image the final stage is built on
//! (following stage aliases) is the runtime image; every other image is build scope.
//!
//! Variables are expanded the way BuildKit's shell lexer does for a build without
//! `--build-arg` (see [`expand`]): `FROM` sees the global ARGs (those before the first
//! `FROM`, each default seeing the earlier ones, plus BuildKit's platform ARGs), `COPY
//! --from` its stage's ARGs (a global one only once re-declared with `ARG NAME`) and ENV.
//! Why all or nothing: a half-substituted `${PY}-slim` or `3.12}` looks like a version and
//! is not one. A reference that cannot be known statically (no default, an unsupported
//! form, a syntax error) is never split as text: with a literal name it is that image
//! without a version, else no component; an "unresolved" warning says why.

use crate::image_ref::{image_component, unresolved_image_component};
use crate::{file_name, Extracted, Extractor, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Format, Scope};
use std::collections::BTreeMap;
use std::path::Path;

pub struct DockerfileExtractor;

const ID: Format = Format::Dockerfile;

impl Extractor for DockerfileExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn matches(&self, path: &Path) -> bool {
        // Called for every walked file: case-insensitive tests without allocating.
        let name = file_name(path).as_bytes();
        let ends = |suffix: &[u8]| {
            name.len() >= suffix.len()
                && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        };
        if ends(b".dockerignore") {
            return false;
        }
        [&b"dockerfile"[..], &b"containerfile"[..]]
            .iter()
            .any(|base| {
                let n = base.len();
                name.eq_ignore_ascii_case(base)
                    || (name.len() > n && name[..n].eq_ignore_ascii_case(base) && name[n] == b'.')
                    || (name.len() > n
                        && ends(base)
                        && matches!(name[name.len() - n - 1], b'.' | b'-'))
            })
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let (escape, instructions) = instructions(file.text());
        // ARGs before the first FROM, plus BuildKit's automatic platform ARGs.
        let mut global = Vars::global();
        // Stage alias -> index into `stages`.
        let mut aliases: BTreeMap<String, usize> = BTreeMap::new();
        let mut stages: Vec<Stage> = Vec::new();
        let mut images: Vec<Component> = Vec::new();
        for ins in &instructions {
            let (keyword, rest) = split_word(&ins.text);
            match keyword.to_ascii_uppercase().as_str() {
                "ARG" => {
                    for decl in shell_words(rest, escape) {
                        let (name, default) = match decl.split_once('=') {
                            Some((name, default)) => (name, Some(default)),
                            None => (decl.as_str(), None),
                        };
                        match stages.last_mut() {
                            None => {
                                let value = default
                                    .map_or(Var::Unset, |d| known(expand(d, escape, &global)));
                                global.args.insert(name.to_string(), value);
                            }
                            Some(stage) => {
                                let value = match default {
                                    Some(d) => known(expand(d, escape, &stage.vars)),
                                    // `ARG NAME` in a stage brings a global ARG's value in.
                                    None => global.args.get(name).cloned().unwrap_or(Var::Unset),
                                };
                                stage.vars.args.insert(name.to_string(), value);
                            }
                        }
                    }
                }
                "ENV" => {
                    let Some(stage) = stages.last_mut() else {
                        continue;
                    };
                    let words = shell_words(rest, escape);
                    let pairs: Vec<(String, String)> = match words.first() {
                        // Legacy `ENV KEY the rest of the line`.
                        Some(first) if !first.contains('=') => {
                            let (_, value) = split_word(rest);
                            vec![(first.clone(), value.to_string())]
                        }
                        _ => words
                            .iter()
                            .filter_map(|w| w.split_once('='))
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    };
                    for (name, raw) in pairs {
                        let value = known(expand(&raw, escape, &stage.vars));
                        stage.vars.env.insert(name, value);
                    }
                }
                "FROM" => {
                    let words: Vec<&str> = rest.split_whitespace().collect();
                    let mut it = words.iter().skip_while(|w| w.starts_with("--"));
                    let Some(image) = it.next() else {
                        out.diagnose(Diagnostic::warning(
                            DiagnosticCode::ParseError,
                            file.path(),
                            ins.line,
                            "FROM without an image",
                        ));
                        continue;
                    };
                    let alias = match (it.next(), it.next()) {
                        (Some(as_kw), Some(alias)) if as_kw.eq_ignore_ascii_case("as") => {
                            Some(alias.to_ascii_lowercase())
                        }
                        _ => None,
                    };
                    let resolved = expand(image, escape, &global);
                    let reference = resolved.as_deref().unwrap_or(image);
                    let parent = aliases.get(&reference.to_ascii_lowercase()).copied();
                    let mut stage = Stage::default();
                    if let Some(parent) = parent {
                        // A stage built on a stage starts from its image, so from its ENV.
                        stage.base = stages[parent].base;
                        stage.vars.env = stages[parent].vars.env.clone();
                    } else if reference != "scratch" {
                        let platform = words
                            .iter()
                            .take_while(|w| w.starts_with("--"))
                            .find_map(|w| w.strip_prefix("--platform="))
                            .map(str::to_string);
                        let c = match &resolved {
                            Ok(reference) => {
                                image_component(reference, ID, file, ins.line, &mut out)
                            }
                            Err(reason) => unresolved(image, reason, file, ins.line, &mut out),
                        };
                        stage.base = c.map(|mut c| {
                            if platform.is_some() {
                                c.platform = platform;
                                c.refresh_purl();
                            }
                            images.push(c);
                            images.len() - 1
                        });
                    }
                    if let Some(a) = alias {
                        aliases.insert(a, stages.len());
                    }
                    stages.push(stage);
                }
                "COPY" | "ADD" => {
                    let from = rest
                        .split_whitespace()
                        .take_while(|w| w.starts_with("--"))
                        .find_map(|w| w.strip_prefix("--from="));
                    if let Some(from) = from {
                        let vars = stages.last().map_or(&global, |s| &s.vars);
                        let resolved = expand(from, escape, vars);
                        let word = resolved.as_deref().unwrap_or(from);
                        let is_stage = aliases.contains_key(&word.to_ascii_lowercase())
                            || word.chars().all(|c| c.is_ascii_digit());
                        if !is_stage {
                            let c = match &resolved {
                                Ok(from) => image_component(from, ID, file, ins.line, &mut out),
                                Err(reason) => unresolved(from, reason, file, ins.line, &mut out),
                            };
                            images.extend(c);
                        }
                    }
                }
                _ => {}
            }
        }
        // Runtime only for the image the final stage is built on.
        let final_base = stages.last().and_then(|s| s.base);
        for (i, c) in images.into_iter().enumerate() {
            let scope = if Some(i) == final_base {
                Scope::Runtime
            } else {
                Scope::Build
            };
            out.push(c.with_scope(scope));
        }
        out
    }
}

/// One `FROM` and what follows it.
#[derive(Default)]
struct Stage {
    /// Index into the images of the image this stage ultimately starts from.
    base: Option<usize>,
    vars: Vars,
}

struct Instruction {
    line: u32,
    text: String,
}

/// Joins continuation lines, drops comments and directives, skips heredoc bodies. Returns
/// the escape character (`\\`, or `` ` `` from an `# escape=` directive) with the instructions.
fn instructions(text: &str) -> (char, Vec<Instruction>) {
    let mut escape = '\\';
    let mut directives_done = false;
    let mut out = Vec::new();
    let mut current: Option<Instruction> = None;
    let mut heredoc: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if !directives_done {
            if let Some(d) = trimmed.strip_prefix('#') {
                if let Some((k, v)) = d.split_once('=') {
                    if k.trim().eq_ignore_ascii_case("escape") && v.trim() == "`" {
                        escape = '`';
                    }
                    if k.trim().chars().all(|c| c.is_ascii_alphabetic()) {
                        continue;
                    }
                }
            }
            directives_done = true;
        }
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_none()) {
            continue;
        }
        let entry = current.get_or_insert_with(|| Instruction {
            line: i as u32 + 1,
            text: String::new(),
        });
        let body = line.trim_end();
        if let Some(stripped) = body.strip_suffix(escape) {
            entry.text.push_str(stripped);
            entry.text.push(' ');
            continue;
        }
        entry.text.push_str(body);
        if let Some(pos) = entry.text.find("<<") {
            let word = entry.text[pos + 2..]
                .trim_start_matches('-')
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(['"', '\'']);
            if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                heredoc = Some(word.to_string());
            }
        }
        out.extend(current.take());
    }
    out.extend(current);
    (escape, out)
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    }
}

/// Splits an `ARG`/`ENV` argument list at unquoted whitespace, quotes and escapes kept (they
/// are for [`expand`] to read), like BuildKit's `parseWords`.
fn shell_words(s: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            None if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                continue;
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ => {}
        }
        word.push(c);
        if c == escape && quote != Some('\'') {
            word.extend(chars.next());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// What a build of the Dockerfile with no `--build-arg` knows of a variable.
#[derive(Clone, Debug, PartialEq)]
enum Var {
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
struct Vars {
    args: BTreeMap<String, Var>,
    env: BTreeMap<String, Var>,
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
    fn global() -> Vars {
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

    fn get(&self, name: &str) -> Option<&Var> {
        self.env.get(name).or_else(|| self.args.get(name))
    }
}

/// The value of a declaration's expanded default.
fn known(expanded: Result<String, String>) -> Var {
    match expanded {
        Ok(value) => Var::Set(value),
        Err(reason) => Var::Unknown(reason),
    }
}

/// The component of a reference that cannot be known statically (see the module doc), with
/// the warning saying why and what was recorded.
fn unresolved(
    word: &str,
    reason: &str,
    file: &SourceFile,
    line: u32,
    out: &mut Extracted,
) -> Option<Component> {
    let c = unresolved_image_component(word, ID, file, line, out);
    let recorded = if c.is_some() {
        "recorded without a version"
    } else {
        "no component"
    };
    out.diagnose(Diagnostic::warning(
        DiagnosticCode::Unsupported,
        file.path(),
        line,
        format!("unresolved image reference `{word}`: {reason}; {recorded}"),
    ));
    c
}

/// Deepest `${...}` nesting expanded.
const MAX_NESTING: usize = 16;

/// BuildKit's word expansion (`frontend/dockerfile/shell/lex.go`) with the values a
/// default build gives: `$V`, `${V}`, `${V:-word}`, `${V-word}`, `${V:+word}`,
/// `${V+word}`, `${V:?msg}`, `${V?msg}`, `word` itself expanded; single quotes literal,
/// double quotes expanding, the escape character escaping. `Err` is the reason the value
/// cannot be known: a variable without a value, a form polyver does not evaluate
/// (`${V%x}`, `${V#x}`, `${V/x/y}`), or a syntax error.
fn expand(word: &str, escape: char, vars: &Vars) -> Result<String, String> {
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

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn every_naming_variant_and_nothing_else() {
        let x = DockerfileExtractor;
        for yes in [
            "Dockerfile",
            "dockerfile",
            "DOCKERFILE",
            "Containerfile",
            "Dockerfile.prod",
            "dockerfile.",
            "api.Dockerfile",
            "build-dockerfile",
            "svc/web/Dockerfile.dev",
            "app.containerfile",
        ] {
            assert!(x.matches(Path::new(yes)), "{yes}");
        }
        for no in [
            ".dockerignore",
            "Dockerfile.dockerignore",
            "README.md",
            "dockerfiles",
            "xdockerfile",
            "Dockerfile-dev",
            "docker-compose.yml",
            "Dockerfile/readme",
        ] {
            assert!(!x.matches(Path::new(no)), "{no}");
        }
    }
}

#[cfg(test)]
mod expand_tests {
    use super::*;

    fn vars() -> Vars {
        let mut vars = Vars::global();
        for (k, v) in [("PY", "3.12"), ("DEF", "3.11"), ("EMPTY", "")] {
            vars.args.insert(k.to_string(), Var::Set(v.to_string()));
        }
        vars.args.insert("NODEF".to_string(), Var::Unset);
        vars
    }

    #[test]
    fn every_form_resolves_as_buildkit_does() {
        let vars = vars();
        for (word, expected) in [
            ("plain", "plain"),
            ("$PY", "3.12"),
            ("${PY}", "3.12"),
            ("${PY}-slim", "3.12-slim"),
            ("$PY-slim", "3.12-slim"),
            ("py$PY.x", "py3.12.x"),
            // `:-` falls back when unset or empty, `-` only when unset.
            ("${NODEF:-3.10}", "3.10"),
            ("${EMPTY:-3.10}", "3.10"),
            ("${EMPTY-3.10}", ""),
            ("${NODEF-3.10}", "3.10"),
            ("${PY:-3.10}", "3.12"),
            ("${UNDECLARED:-x}", "x"),
            // `:+` gives the word when set and non-empty, `+` when set.
            ("${PY:+alt}", "alt"),
            ("${EMPTY:+alt}", ""),
            ("${EMPTY+alt}", "alt"),
            ("${NODEF+alt}", ""),
            ("${PY:?need it}", "3.12"),
            // The word is expanded too, in both forms, at any depth.
            ("${V:-${DEF}}", "3.11"),
            ("${V:-$DEF}", "3.11"),
            ("${V:-${W:-${DEF}-slim}}", "3.11-slim"),
            ("${PY:+py${PY}}", "py3.12"),
            // A value set and used leaves an unresolvable default alone.
            ("${PY:-$NODEF}", "3.12"),
            // Escapes and quotes.
            ("\\$PY", "$PY"),
            ("'$PY'", "$PY"),
            ("\"$PY\"", "3.12"),
            ("\"a\\\"b\"", "a\"b"),
            ("${V:-\"x y\"}", "x y"),
            ("a$", "a$"),
            ("$(cmd)", "$(cmd)"),
            ("price: $/", "price: $/"),
        ] {
            assert_eq!(expand(word, '\\', &vars).as_deref(), Ok(expected), "{word}");
        }
        // With `# escape=`` the backslash is an ordinary character.
        assert_eq!(expand("`$PY", '`', &vars).as_deref(), Ok("$PY"));
        assert_eq!(expand("a\\$PY", '`', &vars).as_deref(), Ok("a\\3.12"));
    }

    #[test]
    fn what_cannot_be_known_is_unresolved_never_half_substituted() {
        let vars = vars();
        for (word, reason) in [
            ("$NODEF", "has no default"),
            ("${NODEF}-slim", "has no default"),
            ("x-$UNDECLARED", "not declared"),
            ("${NODEF:?need it}", "is required"),
            ("${EMPTY:?need it}", "is required"),
            ("${V:-${NODEF}}", "has no default"),
            ("${TARGETARCH}", "platform"),
            ("${TARGETARCH:-amd64}", "platform"),
            ("${PY%%.*}", "unsupported substitution `${PY%`"),
            ("${PY#3.}", "unsupported substitution"),
            ("${PY/3/4}", "unsupported substitution"),
            ("${PY:1}", "unsupported substitution"),
            // Even in a default that is not used: BuildKit rejects it.
            ("${PY:-${X%y}}", "unsupported substitution"),
            ("${PY", "missing `}`"),
            ("${V:-${DEF}", "missing `}`"),
            ("${}", "bad substitution"),
            ("${:-x}", "bad substitution"),
            ("'open", "unterminated single quote"),
            ("\"open", "unterminated double quote"),
            ("$1", "not declared"),
        ] {
            let got = expand(word, '\\', &vars);
            assert!(
                got.as_ref().is_err_and(|e| e.contains(reason)),
                "{word}: {got:?}, expected {reason}"
            );
        }
        let deep = format!("{}x{}", "${V:-".repeat(100), "}".repeat(100));
        assert!(expand(&deep, '\\', &vars).is_err_and(|e| e.contains("nested deeper")));
    }

    fn extract(text: &str) -> Extracted {
        let file = SourceFile::decode("Dockerfile", text.as_bytes().to_vec()).unwrap();
        DockerfileExtractor.extract(&file)
    }

    fn images(out: &Extracted) -> Vec<(String, Option<String>, Option<String>)> {
        out.components
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.version.clone(),
                    c.constraint.as_ref().map(|k| k.raw.clone()),
                )
            })
            .collect()
    }

    fn image(name: &str, version: &str) -> (String, Option<String>, Option<String>) {
        (name.to_string(), Some(version.to_string()), None)
    }

    #[test]
    fn issue_19_args_seeing_earlier_args() {
        // The three cases of the report: `${PY}-slim`, `3.12}` and `$DEF` before.
        let out = extract(
            "ARG PY=3.12\nARG DEF=3.11\nARG TAG=${PY}-slim\n\
             FROM python:${TAG} AS a\nFROM python:${V:-${DEF}} AS b\nFROM python:${V:-$DEF}\n",
        );
        assert_eq!(
            images(&out),
            [
                image("python", "3.12-slim"),
                image("python", "3.11"),
                image("python", "3.11")
            ]
        );
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }

    #[test]
    fn unresolved_reference_is_never_split_as_text() {
        let out = extract("ARG PY\nARG TAG=${PY}-slim\nFROM python:${TAG}\n");
        assert_eq!(images(&out), [("python".to_string(), None, None)]);
        let d = &out.diagnostics[0];
        assert_eq!((d.line, d.code), (3, DiagnosticCode::Unsupported));
        assert!(d
            .message
            .starts_with("unresolved image reference `python:${TAG}`"));
        assert!(d.message.contains("`PY` has no default"), "{}", d.message);
        assert!(
            d.message.ends_with("recorded without a version"),
            "{}",
            d.message
        );
        assert_eq!(out.diagnostics.len(), 1);

        // An unknown name: no component at all.
        let out = extract("ARG REG\nFROM ${REG}/app:1.0\n");
        assert!(out.components.is_empty(), "{:?}", out.components);
        assert!(out.diagnostics[0].message.ends_with("no component"));

        let out = extract("ARG PY=3.12\nFROM python:${PY%%.*}-slim\n");
        assert_eq!(out.components[0].version, None);
        assert!(out.diagnostics[0]
            .message
            .contains("unsupported substitution"));
    }

    #[test]
    fn stage_args_and_env_for_copy_from() {
        let out = extract(
            "ARG UV=0.4.18\nARG TOOLS=ghcr.io/acme/tools\n\
             FROM python:3.12 AS build\n\
             ARG UV\nENV TOOLS_TAG=1.2\n\
             COPY --from=ghcr.io/astral-sh/uv:${UV} /uv /bin/uv\n\
             COPY --from=${TOOLS}:${TOOLS_TAG} /t /t\n\
             FROM build\nCOPY --from=busybox:${TOOLS_TAG} /bin/sh /sh\n",
        );
        let names = images(&out);
        assert_eq!(names[0], image("python", "3.12"));
        assert_eq!(names[1], image("ghcr.io/astral-sh/uv", "0.4.18"));
        // The global `TOOLS` was not re-declared in the stage: unresolved there, and its
        // name is not guessed.
        assert!(out.diagnostics[0]
            .message
            .contains("`TOOLS` is not declared"));
        // ENV is inherited by a stage built on the stage.
        assert_eq!(names[2], image("busybox", "1.2"));
        assert_eq!(names.len(), 3);
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
    }

    #[test]
    fn quoted_and_escaped_defaults() {
        let out =
            extract("ARG A=\"3.12\" B='x y' C=\\$PY\nFROM python:$A\nFROM \"python:${A}-slim\"\n");
        assert_eq!(
            images(&out),
            [image("python", "3.12"), image("python", "3.12-slim")]
        );
        assert_eq!(
            shell_words("A=\"1 2\" B='x y' C=\\ d", '\\'),
            ["A=\"1 2\"", "B='x y'", "C=\\ d"]
        );
    }
}
