//! A line-keeping YAML tree for lock files (`pnpm-lock.yaml`, yarn berry's `yarn.lock`).
//!
//! Both formats are plain YAML written by a tool: mappings, sequences and scalars, with
//! every finding needing the line of its key. `yaml-rust2`'s event parser gives each event
//! a marker, so this module folds the events into a small tree that keeps the line of every
//! key and value. It is deliberately limited, because the input is untrusted:
//! - nesting is capped at [`MAX_DEPTH`] and the tree is built with an explicit stack, so
//!   no input can overflow ours;
//! - aliases (`*anchor`) are never expanded (they become [`YamlValue::Alias`]), so a
//!   "billion laughs" document stays as small as its text;
//! - complex (non-scalar) keys are kept as an empty-string key; lock files never use them.
//!
//! The file size is already capped by the walker.

use yaml_rust2::parser::{Event, Parser};

/// Deeper than any lock file (pnpm nests 5 levels).
pub(crate) const MAX_DEPTH: usize = 64;

/// A YAML node and the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct YamlNode {
    pub line: u32,
    pub value: YamlValue,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum YamlValue {
    /// Any scalar, as text (`~`/`null` included: lock files never need the distinction).
    Scalar(String),
    Map(Vec<YamlEntry>),
    Seq(Vec<YamlNode>),
    /// A `*alias`, not expanded.
    Alias,
}

/// One mapping entry; `key_line` is the line of the key.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct YamlEntry {
    pub key: String,
    pub key_line: u32,
    pub value: YamlNode,
}

/// A syntax error or an exceeded limit, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl YamlNode {
    /// The value of the first entry called `key`, when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        self.entries()
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// Entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[YamlEntry] {
        match &self.value {
            YamlValue::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YamlValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar field of a mapping.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(YamlNode::as_str)
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, YamlValue::Map(_))
    }

    /// A short name of the node's type, for diagnostics.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            YamlValue::Scalar(_) => "a scalar",
            YamlValue::Map(_) => "a mapping",
            YamlValue::Seq(_) => "a sequence",
            YamlValue::Alias => "an alias",
        }
    }
}

/// A collection being built: a mapping waiting for its next key or value, or a sequence.
enum Open {
    Map {
        line: u32,
        entries: Vec<YamlEntry>,
        /// The key read, waiting for its value.
        pending_key: Option<(String, u32)>,
    },
    Seq {
        line: u32,
        items: Vec<YamlNode>,
    },
}

/// Parses every document of a YAML stream. On a syntax error, returns the documents
/// completed before it together with the error (so callers can report what was read).
pub(crate) fn parse_documents(text: &str) -> (Vec<YamlNode>, Option<YamlError>) {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let (event, marker) = match parser.next_token() {
            Ok(pair) => pair,
            Err(e) => {
                let m = e.marker();
                let error = YamlError {
                    line: to_u32(m.line()).max(1),
                    column: to_u32(m.col()).max(1),
                    message: e.info().to_string(),
                };
                return (docs, Some(error));
            }
        };
        let line = to_u32(marker.line()).max(1);
        let finished = match event {
            Event::StreamEnd => return (docs, None),
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {
                continue
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    let error = YamlError {
                        line,
                        column: to_u32(marker.col()).max(1),
                        message: format!("nested deeper than {MAX_DEPTH} levels"),
                    };
                    return (docs, Some(error));
                }
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Open::Map {
                        line,
                        entries: Vec::new(),
                        pending_key: None,
                    }
                } else {
                    Open::Seq {
                        line,
                        items: Vec::new(),
                    }
                });
                continue;
            }
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map { line, entries, .. }) => YamlNode {
                    line,
                    value: YamlValue::Map(entries),
                },
                _ => continue, // the parser guarantees balance; never trust it blindly
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq { line, items }) => YamlNode {
                    line,
                    value: YamlValue::Seq(items),
                },
                _ => continue,
            },
            Event::Scalar(text, ..) => YamlNode {
                line,
                value: YamlValue::Scalar(text),
            },
            Event::Alias(_) => YamlNode {
                line,
                value: YamlValue::Alias,
            },
        };
        match stack.last_mut() {
            None => docs.push(finished),
            Some(Open::Seq { items, .. }) => items.push(finished),
            Some(Open::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                Some((key, key_line)) => entries.push(YamlEntry {
                    key,
                    key_line,
                    value: finished,
                }),
                None => {
                    let key = match finished.value {
                        YamlValue::Scalar(s) => s,
                        _ => String::new(),
                    };
                    *pending_key = Some((key, finished.line));
                }
            },
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_lines() {
        let (docs, err) = parse_documents("a: 1\nb:\n  c: {x: y}\n  d: [1, 2]\n");
        assert_eq!(err, None);
        let doc = &docs[0];
        assert_eq!(doc.entries()[1].key_line, 2);
        let b = doc.get("b").unwrap();
        assert_eq!(b.entries()[0].key_line, 3);
        assert_eq!(b.get("c").unwrap().str_field("x"), Some("y"));
    }

    #[test]
    fn limits_hold() {
        let deep = "[".repeat(10_000);
        let (_, err) = parse_documents(&deep);
        assert!(err.is_some());
        let laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        let (docs, err) = parse_documents(laughs);
        assert_eq!(err, None);
        assert!(matches!(
            docs[0].get("c").unwrap().value,
            YamlValue::Seq(ref items) if items.iter().all(|i| i.value == YamlValue::Alias)
        ));
    }
}
