//! Liquibase changelogs (XML, YAML, JSON, SQL): changeSets with their ids, and includes
//! followed to the depth bound, read line by line without a full parser for each syntax.

use super::{classify, migration, Shape, MAX_INCLUDE_DEPTH};
use crate::{Extracted, SourceFile};
use polyver_model::{DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Severity};

/// The value of `key="..."` (or `'...'`) in an XML tag's text.
pub(super) fn xml_attr<'t>(tag: &'t str, key: &str) -> Option<&'t str> {
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
pub(super) fn kv<'t>(line: &'t str, key: &str) -> Option<&'t str> {
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
pub(super) enum LiquibaseItem {
    /// A changeSet: its line and id (`None` when `id` or `author` is missing).
    ChangeSet(u32, Option<String>),
    /// An include: file and line.
    Include(String, u32),
}

pub(super) fn liquibase_items(file: &SourceFile, out: &mut Extracted) -> Vec<LiquibaseItem> {
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
pub(super) fn liquibase(
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
