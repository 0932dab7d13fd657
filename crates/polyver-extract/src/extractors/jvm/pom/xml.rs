//! A minimal XML tree with byte offsets, enough for POMs: elements and their text, each
//! node at the offset its diagnostics point to. Bounded depth; the first syntax error is
//! returned with what was read before it. quick-xml does not check element names; a tag
//! that is not an XML name (`<${Id}.version>`) is such an error here, as it is to Maven.

use super::MAX_XML_DEPTH;
use crate::xml::{decode_text, is_name};
use quick_xml::events::Event;
use quick_xml::Reader;

#[derive(Debug, Default)]
pub(super) struct Node {
    pub(super) name: String,
    pub(super) text: String,
    /// Byte offset of the `<` of the start tag.
    pub(super) start: usize,
    pub(super) children: Vec<Node>,
}

impl Node {
    pub(super) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(super) fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The node at a `/`-separated path of child names.
    pub(super) fn at(&self, path: &str) -> Option<&Node> {
        path.split('/').try_fold(self, |n, name| n.child(name))
    }

    /// The trimmed text of a child, when present.
    pub(super) fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

/// Parses XML into a tree under a nameless root; on error returns what was read so far and
/// the byte offset and reason of the error.
pub(super) fn parse_xml(text: &str) -> (Node, Option<(usize, String)>) {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut error = None;
    let tag_start = |end: u64| -> usize {
        let end = usize::try_from(end).unwrap_or(text.len()).min(text.len());
        text.get(..end).and_then(|t| t.rfind('<')).unwrap_or(0)
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if !is_name(&String::from_utf8_lossy(e.name().as_ref())) =>
            {
                error = Some((
                    tag_start(reader.buffer_position()),
                    format!(
                        "`<{}>` is not an XML element name",
                        String::from_utf8_lossy(e.name().as_ref())
                    ),
                ));
                break;
            }
            Ok(Event::Start(e)) => {
                if stack.len() > MAX_XML_DEPTH {
                    error = Some((
                        tag_start(reader.buffer_position()),
                        format!("elements nested deeper than {MAX_XML_DEPTH} levels"),
                    ));
                    break;
                }
                stack.push(Node {
                    name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                    start: tag_start(reader.buffer_position()),
                    ..Node::default()
                });
            }
            Ok(Event::Empty(e)) => {
                let node = Node {
                    name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                    start: tag_start(reader.buffer_position()),
                    ..Node::default()
                };
                if let Some(top) = stack.last_mut() {
                    top.children.push(node);
                }
            }
            Ok(Event::End(_)) => {
                if stack.len() > 1 {
                    if let Some(node) = stack.pop() {
                        if let Some(top) = stack.last_mut() {
                            top.children.push(node);
                        }
                    }
                }
            }
            Ok(Event::Text(t)) => {
                // A DTD entity (`&v;`) stays as written, for `Report::expand` to reject.
                let raw = String::from_utf8_lossy(t.as_ref());
                let s = match decode_text(&raw) {
                    Ok((s, _)) => s.into_owned(),
                    Err(_) => raw.into_owned(),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Ok(Event::CData(c)) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(c.as_ref()));
                }
            }
            Ok(Event::Eof) => {
                if stack.len() > 1 {
                    if let Some(open) = stack.last() {
                        error = Some((
                            open.start,
                            format!("unexpected end of file: <{}> is not closed", open.name),
                        ));
                    }
                }
                break;
            }
            Ok(_) => {}
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                error = Some((at.min(text.len()), e.to_string()));
                break;
            }
        }
    }
    // Close whatever is still open so the partial document can be used.
    while stack.len() > 1 {
        if let Some(node) = stack.pop() {
            if let Some(top) = stack.last_mut() {
                top.children.push(node);
            }
        }
    }
    (stack.pop().unwrap_or_default(), error)
}
