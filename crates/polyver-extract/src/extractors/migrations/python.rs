//! Alembic and Django migrations: the revision chain read from Python literals as text
//! (a small parser for strings, tuples, lists and calls), never by running the module.

use super::{migration, numbered};
use crate::{Extracted, SourceFile};
use polyver_model::{DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem};

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Py {
    None,
    Str(String),
    Seq(Vec<Py>),
    Other(String),
}

pub(super) struct Parser<'a> {
    pub(super) s: &'a [u8],
    pub(super) text: &'a str,
    pub(super) i: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str, i: usize) -> Self {
        Parser {
            s: text.as_bytes(),
            text,
            i,
        }
    }

    /// Skips spaces; inside brackets also newlines and comments.
    pub(super) fn skip_ws(&mut self, nested: bool) {
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

    pub(super) fn string(&mut self) -> Result<String, String> {
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

    pub(super) fn is_string_start(&self) -> bool {
        let mut j = self.i;
        while j < self.s.len() && j - self.i < 2 && b"rRuUbBfF".contains(&self.s[j]) {
            j += 1;
        }
        matches!(self.s.get(j), Some(b'\'') | Some(b'"'))
    }

    pub(super) fn value(&mut self, nested: bool, depth: usize) -> Result<Py, String> {
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
pub(super) fn assignment(line: &str, start: usize, name: &str) -> Option<usize> {
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
pub(super) fn find_assignment(text: &str, name: &str, top: bool) -> Option<(usize, usize)> {
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

pub(super) fn strings(v: &Py) -> Option<Vec<String>> {
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

pub(super) fn python(file: &SourceFile, chain: &str, out: &mut Extracted) {
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

pub(super) fn value_at(
    file: &SourceFile,
    at: usize,
    what: &str,
    out: &mut Extracted,
) -> Option<Py> {
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

pub(super) fn alembic(
    file: &SourceFile,
    chain: &str,
    line_start: usize,
    at: usize,
    out: &mut Extracted,
) {
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

pub(super) fn django(file: &SourceFile, chain: &str, name: &str, out: &mut Extracted) {
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
