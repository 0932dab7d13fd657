//! TOML through `toml_edit`: the spans of the string values a line holds, so an edit never
//! touches a key, a comment or another value that happens to contain the same text.

use std::ops::Range;

use toml_edit::{Document, Item, Value};

use crate::rewrite::{line_span, RewriteError};

/// Parses `text`, or says where it is not TOML.
pub fn parse<'t>(text: &'t str, path: &str) -> Result<Document<&'t str>, RewriteError> {
    Document::parse(text).map_err(|e| RewriteError::Unsupported {
        path: path.to_string(),
        line: e
            .span()
            .map_or(0, |s| crate::rewrite::line_of(text, s.start)),
        reason: format!("not valid TOML: {}", e.message()),
    })
}

/// Every string value (with its quotes) that starts on 1-based `line`.
pub fn strings_on_line(
    text: &str,
    path: &str,
    line: u32,
) -> Result<Vec<Range<usize>>, RewriteError> {
    let doc = parse(text, path)?;
    let Some(on) = line_span(text, line) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    walk_item(doc.as_item(), &mut |span| {
        if span.start >= on.start && span.start <= on.end {
            out.push(span);
        }
    });
    out.sort_by_key(|r| r.start);
    Ok(out)
}

/// The string values between the table header on `line` and the next header.
pub fn strings_of_table_at(
    text: &str,
    path: &str,
    line: u32,
) -> Result<Vec<Range<usize>>, RewriteError> {
    let Some(header) = line_span(text, line) else {
        return Ok(Vec::new());
    };
    if !text[header.clone()].trim_start().starts_with('[') {
        return Ok(Vec::new());
    }
    let start = header.end;
    let mut end = text.len();
    let mut at = start;
    for l in text[start..].split_inclusive('\n') {
        if l.trim_start().starts_with('[') {
            end = at;
            break;
        }
        at += l.len();
    }
    let doc = parse(text, path)?;
    let mut out = Vec::new();
    walk_item(doc.as_item(), &mut |span| {
        if span.start >= start && span.start < end {
            out.push(span);
        }
    });
    out.sort_by_key(|r| r.start);
    Ok(out)
}

/// The span of the string at `path` (table keys from the root), if it is a string.
pub fn string_at(
    text: &str,
    file: &str,
    keys: &[&str],
) -> Result<Option<Range<usize>>, RewriteError> {
    let doc = parse(text, file)?;
    let Some((first, rest)) = keys.split_first() else {
        return Ok(None);
    };
    let Some(mut item) = doc.as_table().get(first) else {
        return Ok(None);
    };
    let mut value: Option<&Value> = None;
    for key in rest {
        let next_value = match (value, item) {
            (Some(Value::InlineTable(t)), _) => t.get(key),
            (None, Item::Table(t)) => match t.get(key) {
                Some(Item::Value(v)) => Some(v),
                Some(other) => {
                    item = other;
                    continue;
                }
                None => None,
            },
            (None, Item::Value(Value::InlineTable(t))) => t.get(key),
            _ => None,
        };
        match next_value {
            Some(v) => value = Some(v),
            None => return Ok(None),
        }
    }
    let value = match (value, item) {
        (Some(v), _) => v,
        (None, Item::Value(v)) => v,
        _ => return Ok(None),
    };
    Ok(match value {
        Value::String(_) => value.span(),
        _ => None,
    })
}

fn walk_item(item: &Item, found: &mut dyn FnMut(Range<usize>)) {
    match item {
        Item::Value(v) => walk_value(v, found),
        Item::Table(t) => {
            for (_, item) in t.iter() {
                walk_item(item, found);
            }
        }
        Item::ArrayOfTables(a) => {
            for t in a.iter() {
                for (_, item) in t.iter() {
                    walk_item(item, found);
                }
            }
        }
        Item::None => {}
    }
}

fn walk_value(value: &Value, found: &mut dyn FnMut(Range<usize>)) {
    match value {
        Value::String(_) => {
            if let Some(span) = value.span() {
                found(span);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| walk_value(v, found)),
        Value::InlineTable(t) => t.iter().for_each(|(_, v)| walk_value(v, found)),
        _ => {}
    }
}

/// Applies the request's edits inside the one string value on its line that holds them.
pub fn rewrite_strings_on_line(
    text: &str,
    request: &crate::Request<'_>,
) -> Result<crate::Outcome, RewriteError> {
    let Some(planned) = crate::rewrite::plan_edits(request)? else {
        return Ok(crate::Outcome::AlreadySatisfied);
    };
    let mut spans = strings_on_line(text, request.path, request.line)?;
    if spans.is_empty() {
        // `[dependencies.name]` headers: the strings of the table below the header.
        spans = strings_of_table_at(text, request.path, request.line)?;
    }
    let mut last_error = None;
    // The string holding every edited clause is the one to edit.
    for span in spans {
        match crate::rewrite::apply_in_region(
            text,
            span,
            &planned.edits,
            request.path,
            request.line,
        ) {
            Ok(out) => return Ok(crate::Outcome::Rewritten(out)),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| RewriteError::NotFound {
        path: request.path.to_string(),
        line: request.line,
        what: "a TOML string value".to_string(),
    }))
}
