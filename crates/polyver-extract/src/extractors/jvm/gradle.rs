//! Gradle build scripts: `build.gradle` (Groovy DSL) and `build.gradle.kts` (Kotlin DSL),
//! plus `settings.gradle(.kts)` for its `plugins` / `pluginManagement` blocks.
//!
//! Build scripts are programs; polyver never runs them. Instead a small lexer (comments,
//! Groovy/Kotlin strings, identifiers, punctuation, each token with its byte offset) feeds a
//! scanner for the declaration forms real builds use, which covers the vast majority of
//! scripts without an interpreter:
//!
//! - in any `dependencies { }` block (also inside `buildscript`, `subprojects`,
//!   `allprojects`), a statement `CONFIGURATION ARGS` or `CONFIGURATION(ARGS)` (Kotlin also
//!   `"configuration"(ARGS)`) where an
//!   argument is a coordinate string `'g:a:v[:classifier][@ext]'`, a map
//!   `group: 'g', name: 'a', version: 'v'` (Kotlin: `group = "g", ...`),
//!   `platform(...)` / `enforcedPlatform(...)` / `testFixtures(...)` around one of those,
//!   `kotlin("stdlib")`, a version catalog accessor `libs.foo.bar` (resolved from
//!   `gradle/libs.versions.toml` found in this directory or above), or a variable holding a
//!   coordinate; `project(...)`, `files(...)` and friends are not packages. A classifier
//!   and a non-`jar` `@ext` select another artifact: kept in `extras` (`classifier:x`,
//!   `type:x`), as the `pom` extractor does. Entries of a
//!   `constraints { }` block are constraints (`direct: false`).
//! - in `plugins { }`, `id 'x' version 'v'`, `id("x") version "v"`, `kotlin("jvm") version
//!   "v"` and `alias(libs.plugins.x)` are build tools named by plugin id; core plugins
//!   (`java`, `` `java-library` ``) have no version and are skipped.
//!
//! Strings interpolate (`"g:a:$v"`, `"${versions.x}"`, Groovy double-quoted and Kotlin
//! strings) from variables assigned in the same file (`def`/`val`/`var`, `ext.x = `,
//! `ext { x = }`, `extra["x"] = `, `val x by extra("...")`, `set("x", ...)`, map literals
//! `versions = [x: '1']`) and from `gradle.properties` in this directory or above (where
//! Gradle itself reads project properties). A reference that cannot be resolved is kept
//! as written, with a warning. Groovy single-quoted strings do not interpolate.
//!
//! Scopes by configuration: names containing `test` (`testImplementation`,
//! `androidTestImplementation`, `testFixturesApi`) → test; `compileOnly`, `compileOnlyApi`,
//! `annotationProcessor`, `kapt*`, `ksp*`, `classpath` → build; `developmentOnly` → dev;
//! anything else (`implementation`, `api`, `runtimeOnly`, custom ones) → runtime. A plain
//! version is exact; ranges, `1.+`, `latest.release` are constraints only; `1.2!!` is
//! strictly `1.2`. Unbalanced braces and unterminated strings or comments are reported at
//! their line, and scanning continues.

use crate::extractors::gradle_catalog::{accessor, plain_version, Catalog};
use crate::{file_name, Extracted, Extractor, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use std::collections::HashMap;
use std::path::Path;

pub struct GradleExtractor;

const ID: Format = Format::Gradle;

/// How many directories up `gradle/libs.versions.toml` and `gradle.properties` are looked for.
const MAX_UP: usize = 8;
/// How far a call's closing parenthesis is looked for, in tokens.
const MAX_LOOKAHEAD: usize = 512;
/// Nesting bound for `platform(platform(...))` arguments.
const MAX_ARG_DEPTH: usize = 4;
/// Nesting bound for variable references inside variable values.
const MAX_VAR_DEPTH: usize = 8;

impl Extractor for GradleExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn matches(&self, path: &Path) -> bool {
        matches!(
            file_name(path),
            "build.gradle" | "build.gradle.kts" | "settings.gradle" | "settings.gradle.kts"
        )
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let toks = lex(file, &mut out);
        let mut scan = Scan {
            file,
            toks: &toks,
            vars: variables(&toks),
            props: gradle_properties(file),
            catalog: None,
            out: &mut out,
        };
        scan.run();
        out
    }
}

// ---------------------------------------------------------------------------------------
// Lexer.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
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
struct Token {
    tok: Tok,
    at: usize,
}

fn parse_error(file: &SourceFile, at: usize, message: impl Into<String>) -> Diagnostic {
    let (line, col) = file.line_col(at);
    Diagnostic::error(DiagnosticCode::ParseError, file.path(), line, message).with_column(col)
}

/// Tokens of a Groovy or Kotlin script: comments dropped, strings unescaped.
fn lex(file: &SourceFile, out: &mut Extracted) -> Vec<Token> {
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

// ---------------------------------------------------------------------------------------
// Variables.

fn ident(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Ident(s)) => Some(s),
        _ => None,
    }
}

fn string(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Str { value, .. }) => Some(value),
        _ => None,
    }
}

fn punct(t: Option<&Token>, c: char) -> bool {
    matches!(t.map(|t| &t.tok), Some(Tok::Punct(p)) if *p == c)
}

/// Variables assigned a string anywhere in the file (scopes are not modelled).
fn variables(toks: &[Token]) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    // Names of the map literals being read (`versions = [` ... `]`), `None` for others.
    let mut maps: Vec<Option<String>> = Vec::new();
    for i in 0..toks.len() {
        let t = |k: usize| toks.get(k);
        match &toks[i].tok {
            // extra["x"] = "1" / ext["x"] = '1'
            Tok::Ident(s)
                if (s == "extra" || s == "ext")
                    && punct(t(i + 1), '[')
                    && punct(t(i + 3), ']')
                    && punct(t(i + 4), '=') =>
            {
                if let (Some(k), Some(v)) = (string(t(i + 2)), string(t(i + 5))) {
                    vars.insert(k.to_string(), v.to_string());
                }
            }
            // set("x", "1")
            Tok::Ident(s) if s == "set" && punct(t(i + 1), '(') && punct(t(i + 3), ',') => {
                if let (Some(k), Some(v)) = (string(t(i + 2)), string(t(i + 4))) {
                    vars.insert(k.to_string(), v.to_string());
                }
            }
            // val x by extra("1")
            Tok::Ident(s)
                if s == "by" && ident(t(i + 1)) == Some("extra") && punct(t(i + 2), '(') =>
            {
                if let (Some(k), Some(v)) =
                    (i.checked_sub(1).and_then(|k| ident(t(k))), string(t(i + 3)))
                {
                    vars.insert(k.to_string(), v.to_string());
                }
            }
            Tok::Ident(name) => {
                let key = match maps.last() {
                    Some(Some(map)) => format!("{map}.{name}"),
                    _ => name.clone(),
                };
                let assigns = punct(t(i + 1), '=') && !punct(t(i + 2), '=');
                let in_map = matches!(maps.last(), Some(Some(_))) && punct(t(i + 1), ':');
                if assigns || in_map {
                    if let Some(v) = string(t(i + 2)) {
                        vars.insert(key, v.to_string());
                    } else if punct(t(i + 2), '[') {
                        maps.push(Some(key));
                        continue;
                    }
                }
            }
            Tok::Str { value, .. } if punct(t(i + 1), ':') => {
                if let Some(Some(map)) = maps.last() {
                    if let Some(v) = string(t(i + 2)) {
                        vars.insert(format!("{map}.{value}"), v.to_string());
                    } else if punct(t(i + 2), '[') {
                        maps.push(Some(format!("{map}.{value}")));
                    }
                }
            }
            Tok::Punct('[') => {
                // Opened by an assignment above (already pushed) or anonymous.
                let named = i
                    .checked_sub(1)
                    .is_some_and(|k| punct(t(k), '=') || punct(t(k), ':'))
                    && maps.last().is_some_and(|m| m.is_some())
                    && i.checked_sub(2).is_some_and(|k| {
                        matches!(t(k).map(|x| &x.tok), Some(Tok::Ident(_) | Tok::Str { .. }))
                    });
                if !named {
                    maps.push(None);
                }
            }
            Tok::Punct(']') => {
                maps.pop();
            }
            _ => {}
        }
    }
    vars
}

// ---------------------------------------------------------------------------------------
// Declarations.

/// What an argument of a dependency declaration denotes.
enum Arg {
    /// `g:a[:v]...` as written (before interpolation), at an offset.
    Coord(String, bool, usize),
    Map {
        group: Option<(String, bool)>,
        name: Option<(String, bool)>,
        version: Option<(String, bool)>,
        at: usize,
    },
    /// `libs.x.y`: the accessor path after `libs.`.
    Catalog(String, usize),
}

struct Scan<'a> {
    file: &'a SourceFile,
    toks: &'a [Token],
    vars: HashMap<String, String>,
    props: HashMap<String, String>,
    catalog: Option<Option<Catalog>>,
    out: &'a mut Extracted,
}

/// A block the scanner is inside: its name (`dependencies`, `plugins`, ...) when it has one.
struct Block {
    name: Option<String>,
    at: usize,
}

impl Scan<'_> {
    fn tok(&self, i: usize) -> Option<&Token> {
        self.toks.get(i)
    }

    fn run(&mut self) {
        let mut blocks: Vec<Block> = Vec::new();
        let mut statement_start = true;
        for i in 0..self.toks.len() {
            let at = self.toks[i].at;
            match &self.toks[i].tok {
                Tok::Punct('{') => {
                    blocks.push(Block {
                        name: self.block_name(i),
                        at,
                    });
                    statement_start = true;
                    continue;
                }
                Tok::Punct('}') => {
                    if blocks.pop().is_none() {
                        self.out
                            .diagnose(parse_error(self.file, at, "unbalanced `}`"));
                    }
                    statement_start = true;
                    continue;
                }
                Tok::Newline | Tok::Punct(';') => {
                    statement_start = true;
                    continue;
                }
                // Kotlin: `"integrationTestImplementation"("g:a:v")` names a configuration
                // that has no generated accessor.
                Tok::Str { value: name, .. } if statement_start && punct(self.tok(i + 1), '(') => {
                    let inner = blocks.last().and_then(|b| b.name.as_deref());
                    if inner == Some("dependencies") {
                        self.dependency(i, name, true);
                    }
                }
                Tok::Ident(name) if statement_start => {
                    let inner = blocks.last().and_then(|b| b.name.as_deref());
                    let outer = blocks
                        .len()
                        .checked_sub(2)
                        .and_then(|k| blocks.get(k))
                        .and_then(|b| b.name.as_deref());
                    match inner {
                        Some("dependencies") => self.dependency(i, name, true),
                        Some("constraints") if outer == Some("dependencies") => {
                            self.dependency(i, name, false)
                        }
                        Some("plugins") => self.plugin(i, name),
                        _ => {}
                    }
                }
                _ => {}
            }
            statement_start = false;
        }
        for block in blocks {
            self.out.diagnose(parse_error(
                self.file,
                block.at,
                "unbalanced `{`: block is not closed",
            ));
        }
    }

    /// The name of the block opened at `i`: `name {` or `name(...) {`.
    fn block_name(&self, i: usize) -> Option<String> {
        let mut k = i.checked_sub(1)?;
        if punct(self.tok(k), ')') {
            let mut depth = 0usize;
            let stop = i.saturating_sub(MAX_LOOKAHEAD);
            loop {
                if k < stop {
                    return None;
                }
                match self.tok(k).map(|t| &t.tok) {
                    Some(Tok::Punct(')')) => depth += 1,
                    Some(Tok::Punct('(')) => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    None => return None,
                    _ => {}
                }
                k = k.checked_sub(1)?;
            }
            k = k.checked_sub(1)?;
        }
        ident(self.tok(k)).map(str::to_string)
    }

    fn skip_newlines(&self, mut j: usize) -> usize {
        while matches!(self.tok(j).map(|t| &t.tok), Some(Tok::Newline)) {
            j += 1;
        }
        j
    }

    /// A dotted identifier path starting at `j` (`libs.spring.boot`), and the index after it
    /// (a trailing `.get()` is consumed).
    fn path(&self, mut j: usize) -> (String, usize) {
        let mut parts = Vec::new();
        while let Some(s) = ident(self.tok(j)) {
            parts.push(s.to_string());
            j += 1;
            if punct(self.tok(j), '.') && ident(self.tok(j + 1)).is_some() {
                j += 1;
            } else {
                break;
            }
        }
        if parts.last().is_some_and(|p| p == "get") && punct(self.tok(j), '(') {
            parts.pop();
            j += 2;
        }
        (parts.join("."), j)
    }

    /// One argument at `j`; returns it (when it is a package) and the index after it.
    fn arg(&self, j: usize, depth: usize) -> (Option<Arg>, usize) {
        let Some(t) = self.tok(j) else {
            return (None, j);
        };
        if depth > MAX_ARG_DEPTH {
            return (None, j + 1);
        }
        match &t.tok {
            Tok::Str { value, interp } => (Some(Arg::Coord(value.clone(), *interp, t.at)), j + 1),
            Tok::Ident(f)
                if matches!(f.as_str(), "platform" | "enforcedPlatform" | "testFixtures")
                    && punct(self.tok(j + 1), '(') =>
            {
                let (inner, k) = self.arg(j + 2, depth + 1);
                let k = if punct(self.tok(k), ')') { k + 1 } else { k };
                (inner, k)
            }
            Tok::Ident(f) if f == "kotlin" && punct(self.tok(j + 1), '(') => {
                let module = string(self.tok(j + 2));
                let version = punct(self.tok(j + 3), ',')
                    .then(|| self.tok(j + 4))
                    .flatten()
                    .and_then(|t| match &t.tok {
                        Tok::Str { value, interp } => Some((value.clone(), *interp)),
                        _ => None,
                    });
                let end = (j..self.toks.len().min(j + MAX_LOOKAHEAD))
                    .find(|k| {
                        punct(self.tok(*k), ')')
                            || matches!(self.tok(*k).map(|t| &t.tok), Some(Tok::Newline))
                    })
                    .map_or(self.toks.len(), |k| k + 1);
                let arg = module.map(|m| {
                    let (v, interp) =
                        version.map_or((String::new(), false), |(v, i)| (format!(":{v}"), i));
                    Arg::Coord(format!("org.jetbrains.kotlin:kotlin-{m}{v}"), interp, t.at)
                });
                (arg, end)
            }
            Tok::Ident(_)
                if punct(self.tok(j + 1), ':')
                    || (punct(self.tok(j + 1), '=') && !punct(self.tok(j + 2), '=')) =>
            {
                self.map_arg(j)
            }
            Tok::Ident(_) => {
                let (path, k) = self.path(j);
                if let Some(rest) = path.strip_prefix("libs.") {
                    return (Some(Arg::Catalog(rest.to_string(), t.at)), k);
                }
                // A call we do not model (`project(":x")`, `files(...)`): skip its arguments.
                if punct(self.tok(k), '(') {
                    let mut depth = 0usize;
                    let mut m = k;
                    while let Some(tok) = self.tok(m).filter(|_| m < k + MAX_LOOKAHEAD) {
                        match tok.tok {
                            Tok::Punct('(') => depth += 1,
                            Tok::Punct(')') => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    return (None, m + 1);
                                }
                            }
                            Tok::Newline if depth == 0 => break,
                            _ => {}
                        }
                        m += 1;
                    }
                    return (None, m);
                }
                match self.lookup(&path) {
                    Some(v) if v.contains(':') => (Some(Arg::Coord(v, true, t.at)), k),
                    _ => (None, k),
                }
            }
            _ => (None, j + 1),
        }
    }

    /// `group: 'g', name: 'a', version: 'v'` (Groovy) or `group = "g", ...` (Kotlin).
    fn map_arg(&self, mut j: usize) -> (Option<Arg>, usize) {
        let at = self.tok(j).map_or(0, |t| t.at);
        let (mut group, mut name, mut version) = (None, None, None);
        while let Some(key) = ident(self.tok(j)) {
            if !(punct(self.tok(j + 1), ':') || punct(self.tok(j + 1), '=')) {
                break;
            }
            let value = match self.tok(j + 2).map(|t| &t.tok) {
                Some(Tok::Str { value, interp }) => {
                    j += 3;
                    Some((value.clone(), *interp))
                }
                Some(Tok::Ident(_)) => {
                    let (p, k) = self.path(j + 2);
                    j = k;
                    self.lookup(&p).map(|v| (v, true))
                }
                _ => {
                    j += 2;
                    None
                }
            };
            match key {
                "group" => group = value,
                "name" => name = value,
                "version" => version = value,
                _ => {}
            }
            if punct(self.tok(j), ',') {
                j = self.skip_newlines(j + 1);
            } else {
                break;
            }
        }
        let arg = (group.is_some() || name.is_some()).then_some(Arg::Map {
            group,
            name,
            version,
            at,
        });
        (arg, j)
    }

    /// A statement in `dependencies { }` starting with identifier `conf` at `i`.
    fn dependency(&mut self, i: usize, conf: &str, direct: bool) {
        if matches!(
            conf,
            "if" | "for"
                | "def"
                | "val"
                | "var"
                | "else"
                | "constraints"
                | "components"
                | "modules"
                | "add"
                | "exclude"
        ) {
            return;
        }
        let mut j = i + 1;
        let paren = punct(self.tok(j), '(');
        if paren {
            j += 1;
        }
        // `implementation platform(...)` etc. need an argument right here.
        match self.tok(j).map(|t| &t.tok) {
            Some(Tok::Str { .. } | Tok::Ident(_)) => {}
            _ => return,
        }
        if !paren && ident(self.tok(j)).is_some() && punct(self.tok(j + 1), '=') {
            return; // an assignment, not a declaration
        }
        let scope = config_scope(conf);
        loop {
            let (arg, k) = self.arg(j, 0);
            if let Some(arg) = arg {
                self.emit_dependency(arg, scope, direct);
            }
            if punct(self.tok(k), ',') {
                j = self.skip_newlines(k + 1);
                if paren && ident(self.tok(j)).is_some() && punct(self.tok(j + 1), '=') {
                    // Kotlin named arguments after the coordinate (`configuration = "x"`).
                    break;
                }
            } else {
                break;
            }
        }
    }

    fn emit_dependency(&mut self, arg: Arg, scope: Scope, direct: bool) {
        let mut extras: Vec<String> = Vec::new();
        let (name, version, at) = match arg {
            Arg::Catalog(path, at) => {
                let Some(entry) = self.catalog_entry(&path, false, at) else {
                    return;
                };
                let (line, _) = self.file.line_col(at);
                let c = entry.component(self.file, ID, line, scope, direct);
                self.out.push(c);
                return;
            }
            Arg::Coord(raw, interp, at) => {
                let text = self.interpolate(&raw, interp, at);
                let coords = text.split('@').next().unwrap_or("");
                let parts: Vec<&str> = coords.split(':').collect();
                match parts.as_slice() {
                    [g, a, rest @ ..] if !g.trim().is_empty() && !a.trim().is_empty() => {
                        let version = rest.first().map(|v| v.trim().to_string());
                        extras = rest
                            .get(1)
                            .filter(|c| !c.trim().is_empty())
                            .map(|c| format!("classifier:{}", c.trim()))
                            .into_iter()
                            .chain(
                                text.split_once('@')
                                    .map(|(_, ext)| ext.trim())
                                    .filter(|ext| !ext.is_empty() && *ext != "jar")
                                    .map(|ext| format!("type:{ext}")),
                            )
                            .collect();
                        (format!("{}:{}", g.trim(), a.trim()), version, at)
                    }
                    _ => {
                        self.warn(
                            DiagnosticCode::InvalidValue,
                            at,
                            format!("dependency {raw:?} is not `group:name[:version]`"),
                        );
                        return;
                    }
                }
            }
            Arg::Map {
                group,
                name,
                version,
                at,
            } => {
                let mut get =
                    |v: Option<(String, bool)>| v.map(|(s, i)| self.interpolate(&s, i, at));
                let (g, n, v) = (get(group), get(name), get(version));
                match (g, n) {
                    (Some(g), Some(n)) if !g.is_empty() && !n.is_empty() => {
                        (format!("{g}:{n}"), v, at)
                    }
                    _ => {
                        self.warn(
                            DiagnosticCode::InvalidValue,
                            at,
                            "dependency map needs `group` and `name`".into(),
                        );
                        return;
                    }
                }
            }
        };
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Maven,
            name,
            ID,
            self.file.location_at(at),
        )
        .with_scope(scope)
        .with_direct(direct);
        c.extras = extras;
        if let Some(v) = version.filter(|v| !v.is_empty()) {
            if let Some(p) = plain_version(&v) {
                c = c.with_version(p);
            }
            c = c.with_constraint(v);
        }
        self.out.push(c);
    }

    /// A statement in `plugins { }` starting with identifier `word` at `i`.
    fn plugin(&mut self, i: usize, word: &str) {
        let at = self.toks[i].at;
        let toks = self.toks;
        let arg_at = |j: usize| -> usize {
            if punct(toks.get(j), '(') {
                j + 1
            } else {
                j
            }
        };
        let (id, mut j) = match word {
            "id" => {
                let j = arg_at(i + 1);
                match toks.get(j).map(|t| &t.tok) {
                    Some(Tok::Str { value, interp }) => {
                        (self.interpolate(value, *interp, at), j + 1)
                    }
                    _ => return,
                }
            }
            "kotlin" if punct(self.tok(i + 1), '(') => match string(self.tok(i + 2)) {
                Some(m) => (format!("org.jetbrains.kotlin.{m}"), i + 3),
                None => return,
            },
            "alias" if punct(self.tok(i + 1), '(') => {
                let (path, _) = self.path(i + 2);
                let Some(rest) = path.strip_prefix("libs.plugins.") else {
                    return;
                };
                if let Some(entry) = self.catalog_entry(rest, true, at) {
                    let (line, _) = self.file.line_col(at);
                    let c = entry.component(self.file, ID, line, Scope::Build, true);
                    self.out.push(c);
                }
                return;
            }
            _ => return,
        };
        if punct(self.tok(j), ')') {
            j += 1;
        }
        if !id.contains('.') && ident(self.tok(j)) != Some("version") {
            return; // a core plugin (`java`, `application`): part of Gradle itself
        }
        let mut c = Component::new(
            Kind::Tool,
            Ecosystem::Maven,
            id,
            ID,
            self.file.location_at(at),
        )
        .with_scope(Scope::Build);
        if ident(self.tok(j)) == Some("version") {
            let k = arg_at(j + 1);
            let version = match toks.get(k).map(|t| &t.tok) {
                Some(Tok::Str { value, interp }) => Some(self.interpolate(value, *interp, at)),
                Some(Tok::Ident(_)) => {
                    let (p, _) = self.path(k);
                    let v = self.lookup(&p);
                    if v.is_none() {
                        self.warn(
                            DiagnosticCode::Unsupported,
                            at,
                            format!("plugin version `{p}` is not a variable of this file; kept without a version"),
                        );
                    }
                    v
                }
                _ => None,
            };
            if let Some(v) = version {
                if let Some(p) = plain_version(&v) {
                    c = c.with_version(p);
                }
                c = c.with_constraint(v);
            }
        }
        // Without a version: versioned elsewhere (settings, buildSrc), still a declared tool.
        self.out.push(c);
    }

    fn warn(&mut self, code: DiagnosticCode, at: usize, message: String) {
        let (line, col) = self.file.line_col(at);
        self.out
            .diagnose(Diagnostic::warning(code, self.file.path(), line, message).with_column(col));
    }

    fn catalog_entry(
        &mut self,
        path: &str,
        plugin: bool,
        at: usize,
    ) -> Option<crate::extractors::gradle_catalog::CatalogEntry> {
        if path.starts_with("bundles.") || path.starts_with("versions.") {
            return None;
        }
        if self.catalog.is_none() {
            let mut rel = String::from("gradle/libs.versions.toml");
            let mut found = None;
            for _ in 0..MAX_UP {
                if self.file.resolve_relative(&rel).is_none() {
                    break;
                }
                if let Ok(f) = self.file.open_relative(&rel) {
                    found = Some(Catalog::read(&f, &mut Extracted::default()));
                    break;
                }
                rel.insert_str(0, "../");
            }
            self.catalog = Some(found);
        }
        let key = accessor(path);
        let entry = match self.catalog.as_ref().and_then(Option::as_ref) {
            Some(catalog) => {
                let map = if plugin {
                    &catalog.plugins
                } else {
                    &catalog.libraries
                };
                map.get(&key).cloned()
            }
            None => {
                self.warn(
                    DiagnosticCode::IncludeNotFound,
                    at,
                    format!("`libs.{path}`: no gradle/libs.versions.toml found in the repository"),
                );
                return None;
            }
        };
        if entry.is_none() {
            let section = if plugin { "plugins" } else { "libraries" };
            let shown = if plugin { "libs.plugins." } else { "libs." };
            self.warn(
                DiagnosticCode::InvalidValue,
                at,
                format!("`{shown}{path}` is not in the [{section}] of gradle/libs.versions.toml"),
            );
        }
        entry
    }

    /// A variable of this file, or a property from `gradle.properties`.
    fn lookup(&self, path: &str) -> Option<String> {
        let normalized = normalize_expr(path);
        let mut p = normalized.as_str();
        loop {
            let before = p;
            for prefix in ["rootProject.", "project.", "ext.", "extra.", "properties."] {
                p = p.strip_prefix(prefix).unwrap_or(p);
            }
            if p == before {
                break;
            }
        }
        if let Some(v) = self.vars.get(p) {
            return Some(v.clone());
        }
        self.props.get(p).cloned()
    }

    /// Resolves `$name`, `$a.b` and `${a.b}` in an interpolating string; unresolved
    /// references are kept as written, with a warning.
    fn interpolate(&mut self, s: &str, interp: bool, at: usize) -> String {
        if !interp || !s.contains('$') {
            return s.replace("\\$", "$");
        }
        let mut unresolved = Vec::new();
        let text = self.expand(s, 0, &mut unresolved);
        if !unresolved.is_empty() {
            self.warn(
                DiagnosticCode::Unsupported,
                at,
                format!(
                    "{s:?}: {} not defined in this file or gradle.properties; kept as written",
                    unresolved.join(", ")
                ),
            );
        }
        text
    }

    fn expand(&self, s: &str, depth: usize, unresolved: &mut Vec<String>) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            if out.ends_with('\\') {
                out.pop();
                out.push('$');
                rest = &rest[i + 1..];
                continue;
            }
            let after = &rest[i + 1..];
            let (expr, whole, next) = if let Some(inner) = after.strip_prefix('{') {
                match inner.find('}') {
                    Some(e) => (inner[..e].trim(), &rest[i..i + 3 + e], &inner[e + 1..]),
                    None => {
                        out.push_str(&rest[i..]);
                        return out;
                    }
                }
            } else {
                let len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                    .unwrap_or(after.len());
                let expr = after[..len].trim_end_matches('.');
                (expr, &rest[i..i + 1 + expr.len()], &after[expr.len()..])
            };
            if expr.is_empty() {
                out.push('$');
                rest = after;
                continue;
            }
            // `$a.b.c`: the longest prefix that names a variable; the rest is literal text.
            let mut resolved = None;
            let segments: Vec<&str> = expr.split('.').collect();
            for n in (1..=segments.len()).rev() {
                let candidate = segments[..n].join(".");
                if let Some(v) = self.lookup(&candidate) {
                    let tail: String = segments[n..].iter().map(|s| format!(".{s}")).collect();
                    resolved = Some((v, tail));
                    break;
                }
                if whole.starts_with("${") {
                    // `${...}` is one expression: only the whole path counts (after
                    // `rootProject.`/`ext.` prefixes, which lookup strips).
                    break;
                }
            }
            match resolved {
                Some((v, tail)) if depth < MAX_VAR_DEPTH => {
                    let e = self.expand(&v, depth + 1, unresolved);
                    out.push_str(&e);
                    out.push_str(&tail);
                }
                _ => {
                    unresolved.push(whole.to_string());
                    out.push_str(whole);
                }
            }
            rest = next;
        }
        out.push_str(rest);
        out
    }
}

/// An expression naming a property, in the dotted form variables are stored under:
/// `versions['x']` → `versions.x`, `property("x")` / `findProperty("x")` → `x`, `x as String`
/// / `x!!` → `x`.
fn normalize_expr(expr: &str) -> String {
    let mut e = expr.trim();
    e = e.strip_suffix("as String").unwrap_or(e).trim();
    e = e.strip_suffix("!!").unwrap_or(e).trim();
    for prefix in ["project.", "rootProject."] {
        e = e.strip_prefix(prefix).unwrap_or(e);
    }
    for call in ["property(", "findProperty("] {
        if let Some(inner) = e.strip_prefix(call).and_then(|r| r.strip_suffix(')')) {
            return inner.trim().trim_matches(['"', '\'']).to_string();
        }
    }
    let mut out = String::with_capacity(e.len());
    let mut rest = e;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(']') {
            Some(j) => {
                let key = after[..j].trim().trim_matches(['"', '\'']);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `gradle.properties` of this directory and the ones above (the nearest wins), where
/// Gradle reads project properties.
fn gradle_properties(file: &SourceFile) -> HashMap<String, String> {
    let mut props = HashMap::new();
    let mut rel = String::from("gradle.properties");
    for _ in 0..MAX_UP {
        if file.resolve_relative(&rel).is_none() {
            break;
        }
        if let Ok(f) = file.open_relative(&rel) {
            for line in f.text().lines() {
                let line = line.trim();
                if line.starts_with(['#', '!']) {
                    continue;
                }
                if let Some((k, v)) = line.split_once(['=', ':']) {
                    props
                        .entry(k.trim().to_string())
                        .or_insert_with(|| v.trim().to_string());
                }
            }
        }
        rel.insert_str(0, "../");
    }
    props
}

/// The scope a configuration name implies.
fn config_scope(conf: &str) -> Scope {
    let lower = conf.to_ascii_lowercase();
    if lower.contains("test") {
        Scope::Test
    } else if lower.contains("compileonly")
        || lower.contains("annotationprocessor")
        || lower.starts_with("kapt")
        || lower.starts_with("ksp")
        || lower == "classpath"
    {
        Scope::Build
    } else if lower == "developmentonly" {
        Scope::Dev
    } else {
        Scope::Runtime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(name: &str, text: &str) -> Extracted {
        GradleExtractor.extract(&SourceFile::from_text(name, text))
    }

    #[test]
    fn groovy_forms() {
        let x = extract(
            "build.gradle",
            "ext {\n  springVersion = '6.1.4'\n  versions = [jackson: '2.16.1']\n}\ndependencies {\n  implementation 'com.google.guava:guava:33.0.0-jre' // c\n  api \"org.springframework:spring-core:$springVersion\"\n  implementation \"com.fasterxml.jackson.core:jackson-databind:${versions.jackson}\"\n  testImplementation group: 'junit', name: 'junit', version: '4.13.2'\n  compileOnly(\"a:b:$missing\")\n}\n",
        );
        let got: Vec<_> = x
            .components
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_deref(),
                    c.scope,
                    c.locations[0].line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "com.google.guava:guava",
                    Some("33.0.0-jre"),
                    Scope::Runtime,
                    6
                ),
                (
                    "org.springframework:spring-core",
                    Some("6.1.4"),
                    Scope::Runtime,
                    7
                ),
                (
                    "com.fasterxml.jackson.core:jackson-databind",
                    Some("2.16.1"),
                    Scope::Runtime,
                    8
                ),
                ("junit:junit", Some("4.13.2"), Scope::Test, 9),
                ("a:b", None, Scope::Build, 10),
            ]
        );
        assert_eq!(x.diagnostics.len(), 1);
        assert_eq!(x.diagnostics[0].line, 10);
    }
}
