//! Where YAML values are written, for rewriters that must find a sibling key of the value
//! the extractor located (Helm's `repository:` + `tag:`, Kustomize's `name:` + `newTag:`,
//! a chart dependency's `name:` + `version:`).
//!
//! `yaml-rust2`'s event parser gives each scalar its line and column; this keeps only
//! that, in a small tree built with an explicit stack (no recursion on hostile nesting).
//! Aliases are left as they are: an edit goes where a value is written, never to a copy.

use yaml_rust2::parser::{Event, Parser};

use crate::formats::written::{
    line_from, not_found, plain_is_not_a_string, splice, unsupported, yaml_scalar_span,
};
use crate::rewrite::{Request, RewriteError};

#[derive(Debug)]
pub(crate) enum Value {
    Scalar(String),
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
    Alias,
}

#[derive(Debug)]
pub(crate) struct Node {
    pub value: Value,
    /// 1-based line.
    pub line: u32,
    /// 1-based character column.
    pub column: u32,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Mapping(e) => e,
            _ => &[],
        }
    }

    /// The value of `key` in this mapping (the last one, as YAML loaders keep).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }
}

/// Every document of `text`; `Err` with the parser's message on a syntax error.
pub(crate) fn load(text: &str) -> Result<Vec<Node>, String> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    // Open collections: the node and, for mappings, a key waiting for its value.
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| e.to_string())?;
        let line = mark.line().max(1) as u32;
        let column = mark.col() as u32 + 1;
        let node = match event {
            Event::StreamEnd => break,
            Event::Scalar(text, ..) => Node {
                value: Value::Scalar(text),
                line,
                column,
            },
            Event::Alias(_) => Node {
                value: Value::Alias,
                line,
                column,
            },
            Event::SequenceStart(..) => {
                let n = Node {
                    value: Value::Sequence(Vec::new()),
                    line,
                    column,
                };
                stack.push((n, None));
                continue;
            }
            Event::MappingStart(..) => {
                let n = Node {
                    value: Value::Mapping(Vec::new()),
                    line,
                    column,
                };
                stack.push((n, None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some((n, _)) => n,
                None => return Err("unbalanced YAML events".to_string()),
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => docs.push(node),
            Some((parent, pending)) => match &mut parent.value {
                Value::Sequence(items) => items.push(node),
                Value::Mapping(entries) => match pending.take() {
                    Some(key) => entries.push((key, node)),
                    None => *pending = Some(node),
                },
                _ => unreachable!("only collections are pushed"),
            },
        }
    }
    Ok(docs)
}

/// The mappings, anywhere in `docs`, that hold `key` with its value written on `line`,
/// innermost first in document order.
pub(crate) fn mappings_with<'d>(docs: &'d [Node], key: &str, line: u32) -> Vec<&'d Node> {
    let mut found = Vec::new();
    let mut stack: Vec<&Node> = docs.iter().rev().collect();
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Mapping(entries) => {
                if entries
                    .iter()
                    .any(|(k, v)| k.as_str() == Some(key) && v.line == line)
                {
                    found.push(node);
                }
                stack.extend(entries.iter().rev().map(|(_, v)| v));
            }
            Value::Sequence(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    found
}

/// `text` with the scalar `node` replaced by `new` (quoted when it was, and quoted when a
/// plain `new` would load as a number or boolean); the scalar must read `old`.
pub(crate) fn replace_scalar(
    text: &str,
    request: &Request<'_>,
    node: &Node,
    old: &str,
    new: &str,
) -> Result<String, RewriteError> {
    let what = || format!("`{old}`");
    let start = line_from(text, node.line, Some(node.column))
        .ok_or_else(|| not_found(request, what()))?
        .start;
    let (range, quote) = yaml_scalar_span(text, start).ok_or_else(|| {
        unsupported(
            request,
            format!("`{old}` is not written as a simple scalar"),
        )
    })?;
    if &text[range.clone()] != old {
        return Err(not_found(request, what()));
    }
    let new = match quote {
        None if plain_is_not_a_string(new) => format!("\"{new}\""),
        _ => new.to_string(),
    };
    Ok(splice(text, range, &new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_block_and_flow_values() {
        let text = "image:\n  repository: a/b\n  tag: \"1.2\"\nx: {tag: 3, n: [1, 2]}\n";
        let docs = load(text).unwrap();
        let image = docs[0].get("image").unwrap();
        let tag = image.get("tag").unwrap();
        assert_eq!((tag.line, tag.column), (3, 8));
        let flow = docs[0].get("x").unwrap().get("tag").unwrap();
        assert_eq!((flow.line, flow.column, flow.as_str()), (4, 10, Some("3")));
        assert_eq!(mappings_with(&docs, "repository", 2).len(), 1);
        assert!(mappings_with(&docs, "repository", 3).is_empty());
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(load("a: [1, 2\n").is_err());
    }
}
