//! Schema migrations: every migration file of Alembic, Flyway, Liquibase, golang-migrate,
//! sqlx, Django, Prisma and Rails becomes one component of kind `migration`.
//!
//! Shape of a migration component (the contract `polyver-migrations` builds on):
//! - `ecosystem` is the framework (`alembic`, `flyway`, `liquibase`, `golang-migrate`,
//!   `sqlx`, `django`, `prisma`, `rails`);
//! - `name` is the chain: the repo-relative directory holding the migrations
//!   (`svc/alembic/versions`, `db/migration`, `app/migrations`); for Liquibase the master
//!   changelog file, for Rails' `db/schema.rb` the file itself;
//! - `version` is the revision as the framework records it in its own table: Alembic's
//!   `revision`, Flyway's version with `_` read as `.` (`V1_2__x.sql` → `1.2`; repeatable
//!   `R__` scripts have none), golang-migrate's and sqlx's number without leading zeros,
//!   Django's migration name (`0002_add_field`), Prisma's directory name, Rails' timestamp,
//!   Liquibase's changeSet `id`;
//! - `dependencies` are the parents: Alembic `down_revision` (one, or several for a merge)
//!   as `{name: <chain>, version: <revision>}`; Django `dependencies` as
//!   `{name: <app label>, version: <migration name>}`; Liquibase the changeSet run before
//!   it (includes followed in place), as `{name: <chain>, version: <id>}`. Other linear
//!   frameworks have none (their order is the version order);
//! - the location is the file, at the line of the `revision =` assignment (Alembic), of
//!   `class Migration` (Django), of the changeSet (Liquibase), line 1 otherwise. An up and a
//!   down script of one version (`1_x.up.sql` / `1_x.down.sql`, Flyway `V1__x` / `U1__x`)
//!   are one component with both locations.
//!
//! Python files are read as text, never imported: only literal assignments at the top level
//! (Alembic) or in the `Migration` class (Django) are understood; anything else (a computed
//! revision) is a diagnostic. sqlx and golang-migrate share `NNN_name.up.sql`; it is sqlx
//! when the directory holding it sits beside a `Cargo.toml`, golang-migrate otherwise.

use crate::{Extracted, Extractor, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Location,
    Severity,
};
use std::path::Path;

pub struct MigrationsExtractor;

const ID: Format = Format::Migrations;

/// How deep Liquibase includes are followed.
const MAX_INCLUDE_DEPTH: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A `.py` file: Alembic or Django, decided by its text.
    Python,
    /// `V1__x.sql`, `U1__x.sql`, `R__x.sql`.
    Flyway,
    /// `NNN_name.up.sql` / `.down.sql`: golang-migrate, or sqlx beside a Cargo.toml.
    UpDown,
    /// `migrations/<ts>_name.sql`.
    Sqlx,
    /// `migrations/<ts>_name/migration.sql`.
    Prisma,
    /// `db/migrate/<ts>_name.rb`.
    RailsMigration,
    /// `db/schema.rb`.
    RailsSchema,
    /// `db.changelog*.xml|yaml|yml|json`.
    Liquibase,
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// `<digits>_<rest>`: the digits and the rest.
fn numbered(stem: &str) -> Option<(&str, &str)> {
    let end = stem.find(|c: char| !c.is_ascii_digit())?;
    let (digits, rest) = stem.split_at(end);
    let rest = rest.strip_prefix('_')?;
    (!digits.is_empty() && !rest.is_empty()).then_some((digits, rest))
}

/// A Flyway script name: (prefix, version, description).
fn flyway_name(file: &str) -> Option<(char, Option<String>, &str)> {
    let stem = file.strip_suffix(".sql")?;
    let (head, desc) = stem.split_once("__")?;
    let mut chars = head.chars();
    let prefix = chars.next()?;
    let version = chars.as_str();
    match prefix {
        'R' if version.is_empty() && !desc.is_empty() => Some(('R', None, desc)),
        'V' | 'U' => {
            let ok = !version.is_empty()
                && version.starts_with(|c: char| c.is_ascii_digit())
                && version
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '_' || c == '.');
            ok.then(|| (prefix, Some(version.replace('_', ".")), desc))
        }
        _ => None,
    }
}

fn classify(path: &str) -> Option<Shape> {
    let segs = segments(path);
    let (&file, dirs) = segs.split_last()?;
    let parent = dirs.last().copied().unwrap_or("");
    let grandparent = dirs.len().checked_sub(2).map_or("", |i| dirs[i]);
    if let Some(stem) = file.strip_suffix(".py") {
        if stem == "__init__" || stem == "env" {
            return None;
        }
        let in_tree = dirs
            .iter()
            .any(|d| matches!(*d, "versions" | "alembic" | "migrations" | "migration"));
        return in_tree.then_some(Shape::Python);
    }
    if file == "schema.rb" && parent == "db" {
        return Some(Shape::RailsSchema);
    }
    if let Some(stem) = file.strip_suffix(".rb") {
        return (parent == "migrate" && grandparent == "db" && numbered(stem).is_some())
            .then_some(Shape::RailsMigration);
    }
    if file.starts_with("db.changelog")
        && [".xml", ".yaml", ".yml", ".json"]
            .iter()
            .any(|e| file.ends_with(e))
    {
        return Some(Shape::Liquibase);
    }
    if file == "migration.sql" && grandparent == "migrations" && numbered(parent).is_some() {
        return Some(Shape::Prisma);
    }
    if !file.ends_with(".sql") {
        return None;
    }
    if flyway_name(file).is_some() {
        return Some(Shape::Flyway);
    }
    if let Some(stem) = file
        .strip_suffix(".up.sql")
        .or_else(|| file.strip_suffix(".down.sql"))
    {
        return numbered(stem).map(|_| Shape::UpDown);
    }
    let stem = file.strip_suffix(".sql")?;
    (parent == "migrations" && numbered(stem).is_some()).then_some(Shape::Sqlx)
}

impl Extractor for MigrationsExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn matches(&self, path: &Path) -> bool {
        // Called for every file of the tree: reject by file name before building segments.
        let name = crate::file_name(path);
        let candidate = name.ends_with(".py")
            || name.ends_with(".rb")
            || name.ends_with(".sql")
            || name.starts_with("db.changelog");
        candidate
            && path.to_str().is_some_and(|p| {
                if p.contains('\\') {
                    classify(&p.replace('\\', "/")).is_some()
                } else {
                    classify(p).is_some()
                }
            })
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let path = file.path().to_string();
        let Some(shape) = classify(&path) else {
            return out;
        };
        let chain = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        match shape {
            Shape::Python => python(file, &chain, &mut out),
            Shape::Flyway => {
                if let Some((_, version, _)) = flyway_name(file.file_name()) {
                    let mut c = migration(Ecosystem::Flyway, &chain, file.location(1));
                    if let Some(v) = version {
                        c = c.with_version(v);
                    }
                    out.push(c);
                }
            }
            Shape::UpDown | Shape::Sqlx => {
                let name = file.file_name();
                let digits = name.split('_').next().unwrap_or("");
                let eco = if shape == Shape::Sqlx || beside_cargo(file) {
                    Ecosystem::Sqlx
                } else {
                    Ecosystem::GolangMigrate
                };
                match digits.parse::<u64>() {
                    Ok(n) => out
                        .push(migration(eco, &chain, file.location(1)).with_version(n.to_string())),
                    Err(_) => out.diagnose(Diagnostic::error(
                        DiagnosticCode::InvalidValue,
                        &path,
                        0,
                        format!("migration version {digits:?} is not a 64-bit number"),
                    )),
                }
            }
            Shape::Prisma => {
                // prisma/migrations/<ts>_name/migration.sql: the chain is `prisma/migrations`.
                let (chain, dir) = chain.rsplit_once('/').unwrap_or(("", &chain));
                out.push(migration(Ecosystem::Prisma, chain, file.location(1)).with_version(dir));
            }
            Shape::RailsMigration => {
                let digits = file.file_name().split('_').next().unwrap_or("");
                out.push(
                    migration(Ecosystem::Rails, &chain, file.location(1)).with_version(digits),
                );
            }
            Shape::RailsSchema => rails_schema(file, &mut out),
            Shape::Liquibase => {
                let mut visited = vec![path.clone()];
                liquibase(file, &path, &mut visited, &mut None, 0, &mut out);
            }
        }
        out
    }
}

fn migration(eco: Ecosystem, chain: &str, location: Location) -> Component {
    Component::new(Kind::Migration, eco, chain, ID, location)
}

/// Whether the directory holding this file has a `Cargo.toml` beside it (a Rust crate's
/// `migrations/`: sqlx).
fn beside_cargo(file: &SourceFile) -> bool {
    file.open_relative("../Cargo.toml").is_ok()
}

// ---------------------------------------------------------------------------------------
// Python literals, read as text.

#[derive(Clone, Debug, PartialEq)]
enum Py {
    None,
    Str(String),
    Seq(Vec<Py>),
    Other(String),
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, i: usize) -> Self {
        Parser {
            s: text.as_bytes(),
            text,
            i,
        }
    }

    /// Skips spaces; inside brackets also newlines and comments.
    fn skip_ws(&mut self, nested: bool) {
        while let Some(&b) = self.s.get(self.i) {
            match b {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\\' if self.s.get(self.i + 1) == Some(&b'\n') => self.i += 2,
                b'\n' if nested => self.i += 1,
                b'#' if nested => {
                    while self.s.get(self.i).is_some_and(|b| *b != b'\n') {
                        self.i += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        // Optional prefix letters (r, u, b, f).
        let mut raw = false;
        while let Some(&b) = self.s.get(self.i) {
            if b.is_ascii_alphabetic() {
                raw |= b == b'r' || b == b'R';
                self.i += 1;
            } else {
                break;
            }
        }
        let q = self.s[self.i];
        let triple = self.s.get(self.i..self.i + 3) == Some(&[q, q, q][..]);
        self.i += if triple { 3 } else { 1 };
        let mut out = String::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err("unterminated string".into());
            };
            if b == q && (!triple || self.s.get(self.i..self.i + 3) == Some(&[q, q, q][..])) {
                self.i += if triple { 3 } else { 1 };
                return Ok(out);
            }
            if b == b'\n' && !triple {
                return Err("unterminated string".into());
            }
            if b == b'\\' && !raw {
                // The escaped character may be multi-byte: copy it whole.
                if let Some(n) = self.text.get(self.i + 1..).and_then(|t| t.chars().next()) {
                    out.push(n);
                    self.i += 1 + n.len_utf8();
                    continue;
                }
            }
            // Copy one UTF-8 character.
            let ch = self
                .text
                .get(self.i..)
                .and_then(|t| t.chars().next())
                .unwrap_or('\u{fffd}');
            out.push(ch);
            self.i += ch.len_utf8().max(1);
        }
    }

    fn is_string_start(&self) -> bool {
        let mut j = self.i;
        while j < self.s.len() && j - self.i < 2 && b"rRuUbBfF".contains(&self.s[j]) {
            j += 1;
        }
        matches!(self.s.get(j), Some(b'\'') | Some(b'"'))
    }

    fn value(&mut self, nested: bool, depth: usize) -> Result<Py, String> {
        if depth > 32 {
            return Err("value nested too deeply".into());
        }
        self.skip_ws(nested);
        let Some(&b) = self.s.get(self.i) else {
            return Err("missing value".into());
        };
        if self.is_string_start() {
            let mut s = self.string()?;
            // Implicit concatenation: 'a' 'b'.
            loop {
                let save = self.i;
                self.skip_ws(nested);
                if self.is_string_start() {
                    s.push_str(&self.string()?);
                } else {
                    self.i = save;
                    break;
                }
            }
            return Ok(Py::Str(s));
        }
        if b == b'(' || b == b'[' {
            let close = if b == b'(' { b')' } else { b']' };
            self.i += 1;
            let mut items = Vec::new();
            let mut comma = false;
            loop {
                self.skip_ws(true);
                match self.s.get(self.i) {
                    None => return Err(format!("unclosed `{}`", b as char)),
                    Some(&c) if c == close => {
                        self.i += 1;
                        break;
                    }
                    _ => {}
                }
                items.push(self.value(true, depth + 1)?);
                self.skip_ws(true);
                match self.s.get(self.i) {
                    Some(b',') => {
                        comma = true;
                        self.i += 1;
                    }
                    Some(&c) if c == close => {}
                    None => return Err(format!("unclosed `{}`", b as char)),
                    Some(&c) => {
                        return Err(format!("unexpected `{}` in a sequence", c as char));
                    }
                }
            }
            if b == b'(' && !comma && items.len() == 1 {
                return Ok(items.pop().unwrap_or(Py::None));
            }
            return Ok(Py::Seq(items));
        }
        // Anything else: up to a comma or closing bracket at this level (or the line end).
        let start = self.i;
        let mut level = 0usize;
        while let Some(&c) = self.s.get(self.i) {
            match c {
                b'(' | b'[' | b'{' => level += 1,
                b')' | b']' | b'}' if level == 0 => break,
                b')' | b']' | b'}' => level -= 1,
                b',' if level == 0 => break,
                b'\n' if level == 0 && !nested => break,
                b'#' if level == 0 => break,
                b'\'' | b'"' => {
                    self.string()?;
                    continue;
                }
                _ => {}
            }
            self.i += 1;
        }
        let word = self.text[start..self.i].trim();
        if word == "None" {
            Ok(Py::None)
        } else if word.is_empty() {
            Err("missing value".into())
        } else {
            Ok(Py::Other(word.to_string()))
        }
    }
}

/// An assignment `name = value` or `name: Annotation = value` on one line: the byte offset
/// of the value, when `line` (starting at byte `start`) assigns `name`.
fn assignment(line: &str, start: usize, name: &str) -> Option<usize> {
    let rest = line.strip_prefix(name)?;
    let after = rest.trim_start();
    let value_at = if let Some(v) = after.strip_prefix('=') {
        if v.starts_with('=') {
            return None;
        }
        v
    } else if let Some(annot) = after.strip_prefix(':') {
        let eq = annot.find('=')?;
        let v = &annot[eq + 1..];
        if v.starts_with('=') {
            return None;
        }
        v
    } else {
        return None;
    };
    if !rest.starts_with([' ', '\t', '=', ':']) {
        return None;
    }
    Some(start + line.len() - value_at.len())
}

/// Finds the first assignment to `name` (top level only when `top`), with its line start.
fn find_assignment(text: &str, name: &str, top: bool) -> Option<(usize, usize)> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if !(top && indent > 0) {
            if let Some(at) = assignment(trimmed, start + indent, name) {
                return Some((start, at));
            }
        }
        start += line.len();
    }
    None
}

fn strings(v: &Py) -> Option<Vec<String>> {
    match v {
        Py::None => Some(Vec::new()),
        Py::Str(s) => Some(vec![s.clone()]),
        Py::Seq(items) => items
            .iter()
            .map(|i| match i {
                Py::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        Py::Other(_) => None,
    }
}

fn python(file: &SourceFile, chain: &str, out: &mut Extracted) {
    let text = file.text();
    let path = file.path();
    let parent = chain.rsplit('/').next().unwrap_or("");
    let stem = file.file_name().trim_end_matches(".py");
    let is_django_name =
        parent == "migrations" && numbered(stem).is_some() && text.contains("class Migration");
    if let Some((line_start, at)) = find_assignment(text, "revision", true) {
        alembic(file, chain, line_start, at, out);
    } else if is_django_name {
        django(file, chain, stem, out);
    } else if parent == "versions" && text.contains("down_revision") {
        out.diagnose(Diagnostic::error(
            DiagnosticCode::ParseError,
            path,
            file.line_col(text.find("down_revision").unwrap_or(0)).0,
            "Alembic migration without a top-level `revision = '...'` assignment",
        ));
    }
}

fn value_at(file: &SourceFile, at: usize, what: &str, out: &mut Extracted) -> Option<Py> {
    match Parser::new(file.text(), at).value(false, 0) {
        Ok(v) => Some(v),
        Err(e) => {
            out.diagnose(Diagnostic::error(
                DiagnosticCode::ParseError,
                file.path(),
                file.line_col(at).0,
                format!("`{what}`: {e}"),
            ));
            None
        }
    }
}

fn alembic(file: &SourceFile, chain: &str, line_start: usize, at: usize, out: &mut Extracted) {
    let path = file.path();
    let line = file.line_col(line_start).0;
    let revision = match value_at(file, at, "revision", out) {
        Some(Py::Str(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(other) => {
            out.diagnose(Diagnostic::error(
                DiagnosticCode::InvalidValue,
                path,
                line,
                format!("`revision` must be a non-empty string literal, found {other:?}"),
            ));
            return;
        }
        None => return,
    };
    let mut c = migration(Ecosystem::Alembic, chain, file.location(line)).with_version(&revision);
    match find_assignment(file.text(), "down_revision", true) {
        None => out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            path,
            line,
            format!("Alembic revision {revision} has no `down_revision` (read as a root)"),
        )),
        Some((ls, at)) => match value_at(file, at, "down_revision", out).map(|v| strings(&v)) {
            Some(Some(parents)) => {
                c.dependencies = parents
                    .into_iter()
                    .map(|p| DependencyEdge {
                        name: chain.to_string(),
                        version: Some(p),
                    })
                    .collect();
            }
            Some(None) => out.diagnose(Diagnostic::error(
                DiagnosticCode::InvalidValue,
                path,
                file.line_col(ls).0,
                "`down_revision` must be a string, None or a tuple of strings",
            )),
            None => {}
        },
    }
    for key in ["branch_labels", "depends_on"] {
        if let Some((ls, at)) = find_assignment(file.text(), key, true) {
            if let Some(v) = value_at(file, at, key, out) {
                if strings(&v).is_none() {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::Unsupported,
                        path,
                        file.line_col(ls).0,
                        format!("`{key}` is not a literal string, None or tuple; ignored"),
                    ));
                }
            }
        }
    }
    out.push(c);
}

fn django(file: &SourceFile, chain: &str, name: &str, out: &mut Extracted) {
    let text = file.text();
    let line = file.line_col(text.find("class Migration").unwrap_or(0)).0;
    let mut c = migration(Ecosystem::Django, chain, file.location(line)).with_version(name);
    if let Some((ls, at)) = find_assignment(text, "dependencies", false) {
        match value_at(file, at, "dependencies", out) {
            Some(Py::Seq(items)) => {
                for item in items {
                    match item {
                        // ("app", "__first__") / "__latest__" name no migration: skipped.
                        Py::Seq(pair) => {
                            if let [Py::Str(app), Py::Str(m)] = pair.as_slice() {
                                if !m.starts_with("__") {
                                    c.dependencies.push(DependencyEdge {
                                        name: app.clone(),
                                        version: Some(m.clone()),
                                    });
                                }
                            }
                        }
                        // swappable_dependency(settings.AUTH_USER_MODEL) and the like.
                        Py::Other(_) => {}
                        _ => out.diagnose(Diagnostic::warning(
                            DiagnosticCode::InvalidValue,
                            file.path(),
                            file.line_col(ls).0,
                            "a Django dependency must be an (app_label, migration_name) tuple",
                        )),
                    }
                }
            }
            Some(_) => out.diagnose(Diagnostic::error(
                DiagnosticCode::InvalidValue,
                file.path(),
                file.line_col(ls).0,
                "`dependencies` must be a list of (app_label, migration_name) tuples",
            )),
            None => {}
        }
    }
    out.push(c);
}

// ---------------------------------------------------------------------------------------
// Rails and Liquibase.

fn rails_schema(file: &SourceFile, out: &mut Extracted) {
    let text = file.text();
    let Some(define) = text.find("ActiveRecord::Schema") else {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::ParseError,
            file.path(),
            0,
            "db/schema.rb without `ActiveRecord::Schema.define(version: ...)`",
        ));
        return;
    };
    let line = file.line_col(define).0;
    let rest = &text[define..];
    let Some(v) = rest.find("version:") else {
        out.diagnose(Diagnostic::error(
            DiagnosticCode::ParseError,
            file.path(),
            line,
            "`ActiveRecord::Schema.define` without `version:`",
        ));
        return;
    };
    let digits: String = rest[v + 8..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '_')
        .filter(|c| *c != '_')
        .collect();
    if digits.is_empty() {
        out.diagnose(Diagnostic::error(
            DiagnosticCode::InvalidValue,
            file.path(),
            line,
            "schema `version:` is not a number",
        ));
        return;
    }
    out.push(
        migration(Ecosystem::Rails, file.path(), file.location(line))
            .with_version(digits.trim_start_matches('0')),
    );
}

/// The value of `key="..."` (or `'...'`) in an XML tag's text.
fn xml_attr<'t>(tag: &'t str, key: &str) -> Option<&'t str> {
    let mut from = 0;
    while let Some(pos) = tag[from..].find(key) {
        let at = from + pos;
        from = at + key.len();
        let before_ok = at == 0 || tag.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = tag[from..].trim_start();
        if !before_ok {
            continue;
        }
        if let Some(rest) = rest.strip_prefix('=') {
            let rest = rest.trim_start();
            let q = rest.chars().next()?;
            if q == '"' || q == '\'' {
                let body = &rest[1..];
                return body.find(q).map(|e| &body[..e]);
            }
        }
    }
    None
}

/// A `key: value` (YAML) or `"key": "value"` (JSON) on one line.
fn kv<'t>(line: &'t str, key: &str) -> Option<&'t str> {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let rest = t
        .strip_prefix(key)
        .map(|r| r.strip_prefix('"').unwrap_or(r))
        .or_else(|| t.strip_prefix(&format!("\"{key}\"")))?;
    let rest = rest.trim_start().strip_prefix(':')?.trim();
    let rest = rest.trim_end_matches(',').trim();
    let v = rest
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(rest);
    Some(v)
}

/// What a changelog holds, in order.
enum LiquibaseItem {
    /// A changeSet: its line and id (`None` when `id` or `author` is missing).
    ChangeSet(u32, Option<String>),
    /// An include: file and line.
    Include(String, u32),
}

fn liquibase_items(file: &SourceFile, out: &mut Extracted) -> Vec<LiquibaseItem> {
    let text = file.text();
    let mut items = Vec::new();
    if file.path().ends_with(".xml") {
        let mut from = 0;
        while let Some(pos) = text[from..].find('<') {
            let at = from + pos;
            let end = text[at..].find('>').map_or(text.len(), |e| at + e);
            let tag = &text[at..end];
            from = end.max(at + 1);
            let line = file.line_col(at).0;
            if let Some(t) = tag.strip_prefix("<changeSet") {
                let id = match (xml_attr(t, "id"), xml_attr(t, "author")) {
                    (Some(id), Some(_)) if !id.is_empty() => Some(id.to_string()),
                    _ => None,
                };
                items.push(LiquibaseItem::ChangeSet(line, id));
            } else if tag.starts_with("<includeAll") {
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::Unsupported,
                    file.path(),
                    line,
                    "<includeAll> is not followed; its changelogs are not part of this chain",
                ));
            } else if let Some(t) = tag.strip_prefix("<include") {
                if let Some(f) = xml_attr(t, "file") {
                    items.push(LiquibaseItem::Include(f.to_string(), line));
                }
            }
        }
        if items.is_empty() && !text.contains("databaseChangeLog") {
            out.diagnose(Diagnostic::error(
                DiagnosticCode::ParseError,
                file.path(),
                1,
                "not a Liquibase changelog (no <databaseChangeLog>)",
            ));
        }
        return items;
    }
    // YAML or JSON, line by line: `changeSet:` opens one; its `id` and `author` follow.
    let mut open: Option<(u32, Option<String>, Option<String>)> = None;
    let close = |open: &mut Option<(u32, Option<String>, Option<String>)>,
                 items: &mut Vec<LiquibaseItem>| {
        if let Some((line, id, author)) = open.take() {
            let id = id.filter(|i| !i.is_empty() && author.is_some());
            items.push(LiquibaseItem::ChangeSet(line, id));
        }
    };
    for (idx, l) in text.lines().enumerate() {
        let line = idx as u32 + 1;
        if kv(l, "changeSet").is_some() {
            close(&mut open, &mut items);
            open = Some((line, None, None));
        } else if kv(l, "include").is_some() {
            close(&mut open, &mut items);
        } else if let Some(f) = kv(l, "file").filter(|_| open.is_none()) {
            items.push(LiquibaseItem::Include(f.to_string(), line));
        } else if let Some((_, id, author)) = open.as_mut() {
            if id.is_none() {
                if let Some(v) = kv(l, "id") {
                    *id = Some(v.to_string());
                    continue;
                }
            }
            if author.is_none() {
                if let Some(v) = kv(l, "author") {
                    *author = Some(v.to_string());
                }
            }
        }
    }
    close(&mut open, &mut items);
    items
}

/// Reads a changelog and, in place, the changelogs it includes. Each changeSet's parent
/// is the changeSet before it in execution order (`prev`), so the chain's head is the last
/// one Liquibase runs.
fn liquibase(
    file: &SourceFile,
    chain: &str,
    visited: &mut Vec<String>,
    prev: &mut Option<String>,
    depth: usize,
    out: &mut Extracted,
) {
    for item in liquibase_items(file, out) {
        let (inc, line) = match item {
            LiquibaseItem::ChangeSet(line, None) => {
                out.diagnose(Diagnostic::error(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    line,
                    "a Liquibase changeSet needs `id` and `author`",
                ));
                continue;
            }
            LiquibaseItem::ChangeSet(line, Some(id)) => {
                let mut c =
                    migration(Ecosystem::Liquibase, chain, file.location(line)).with_version(&id);
                if let Some(p) = prev.replace(id) {
                    c.dependencies.push(DependencyEdge {
                        name: chain.to_string(),
                        version: Some(p),
                    });
                }
                out.push(c);
                continue;
            }
            LiquibaseItem::Include(inc, line) => (inc, line),
        };
        let Some(target) = file.resolve_relative(&inc) else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::IncludeRejected,
                file.path(),
                line,
                format!("include {inc} leaves the scanned directory"),
            ));
            continue;
        };
        if visited.contains(&target) || depth >= MAX_INCLUDE_DEPTH {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::IncludeRejected,
                file.path(),
                line,
                format!("include {inc} is already being read (cycle) or nested too deeply"),
            ));
            continue;
        }
        // Included changelogs named db.changelog* are scanned on their own.
        if classify(&target) == Some(Shape::Liquibase) {
            continue;
        }
        match file.open_relative(&inc) {
            Ok(included) => {
                visited.push(target);
                liquibase(&included, chain, visited, prev, depth + 1, out);
            }
            Err(e) => out.diagnose(Diagnostic::new(
                Severity::Warning,
                DiagnosticCode::IncludeNotFound,
                file.path(),
                line,
                format!("include {inc}: {e}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let cases = [
            ("svc/alembic/versions/ab12_init.py", Some(Shape::Python)),
            ("app/migrations/0001_initial.py", Some(Shape::Python)),
            ("app/migrations/__init__.py", None),
            (
                "src/main/resources/db/migration/V1_2__init.sql",
                Some(Shape::Flyway),
            ),
            ("sql/R__views.sql", Some(Shape::Flyway)),
            ("db/migrations/000001_users.up.sql", Some(Shape::UpDown)),
            ("migrations/20240101120000_users.sql", Some(Shape::Sqlx)),
            (
                "prisma/migrations/20240101_init/migration.sql",
                Some(Shape::Prisma),
            ),
            (
                "db/migrate/20240101120000_create_users.rb",
                Some(Shape::RailsMigration),
            ),
            ("db/schema.rb", Some(Shape::RailsSchema)),
            ("src/db.changelog-master.yaml", Some(Shape::Liquibase)),
            ("scripts/setup.sql", None),
            ("lib/tool.py", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(path), want, "{path}");
        }
    }

    #[test]
    fn parses_python_literals() {
        let v = |s: &str| Parser::new(s, 0).value(false, 0);
        assert_eq!(v(" 'abc'  # x"), Ok(Py::Str("abc".into())));
        assert_eq!(v("None"), Ok(Py::None));
        assert_eq!(
            v("('a',\n 'b')"),
            Ok(Py::Seq(vec![Py::Str("a".into()), Py::Str("b".into())]))
        );
        assert!(v("('a',").is_err());
        assert_eq!(
            assignment("down_revision: Union[str, None] = 'x'", 0, "down_revision"),
            Some(33)
        );
        assert_eq!(assignment("revision_x = 1", 0, "revision"), None);
    }
}
