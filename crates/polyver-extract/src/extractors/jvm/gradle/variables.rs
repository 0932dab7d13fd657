//! String variables and properties a script's coordinates interpolate: assignments in the
//! file itself and `gradle.properties` up the tree, as Gradle resolves project properties.
//! Apart from the declaration scanner because every declaration form shares them.

use super::lexer::{ident, punct, string, Tok, Token};
use super::{Scan, MAX_UP, MAX_VAR_DEPTH};
use crate::SourceFile;
use polyver_model::DiagnosticCode;
use std::collections::HashMap;

/// Variables assigned a string anywhere in the file (scopes are not modelled).
pub(super) fn variables(toks: &[Token]) -> HashMap<String, String> {
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

impl Scan<'_> {
    /// A variable of this file, or a property from `gradle.properties`.
    pub(super) fn lookup(&self, path: &str) -> Option<String> {
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
    pub(super) fn interpolate(&mut self, s: &str, interp: bool, at: usize) -> String {
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

    pub(super) fn expand(&self, s: &str, depth: usize, unresolved: &mut Vec<String>) -> String {
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
pub(super) fn normalize_expr(expr: &str) -> String {
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
pub(super) fn gradle_properties(file: &SourceFile) -> HashMap<String, String> {
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
