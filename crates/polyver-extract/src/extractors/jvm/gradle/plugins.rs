//! `plugins { }` blocks of build and settings scripts: plugin ids with their versions,
//! including catalog aliases, reported as build tools. Core plugins have no version and
//! are skipped.

use super::lexer::{ident, punct, string, Tok};
use super::{Scan, ID};
use crate::extractors::gradle_catalog::plain_version;
use polyver_model::{Component, DiagnosticCode, Ecosystem, Kind, Scope};

impl Scan<'_> {
    /// A statement in `plugins { }` starting with identifier `word` at `i`.
    pub(super) fn plugin(&mut self, i: usize, word: &str) {
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
}
