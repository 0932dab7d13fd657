//! Loading YAML into a small positioned tree, safely, for every YAML-based extractor
//! (Compose, GitHub Actions, GitLab CI, `pnpm-lock.yaml`, yarn berry's `yarn.lock`).
//!
//! Why not a serde deserializer: extractors need the line and column of every value they
//! report, must survive hostile input, and care about a handful of keys in files that are
//! otherwise free-form. So this module drives libyaml's *event* parser ([`events`]: what
//! PyYAML, Compose users' and Kubernetes users' tools accept, which `yaml-rust2` did not)
//! with an explicit stack — no recursion anywhere, neither in the parser nor here — and
//! builds [`Node`]s that carry their 1-based line and column.
//!
//! Limits, so that a file cannot make the scanner spend unbounded time or memory:
//! - nesting deeper than [`MAX_DEPTH`] stops loading (real files nest < 20 levels; pnpm
//!   locks about 6);
//! - aliases are expanded by copying, and the nodes those copies add are capped at
//!   [`MAX_ALIAS_NODES`] — a "billion laughs" file stops after that many, not 10⁹. Nodes
//!   written out in the text are not counted: their number is bounded by the file size
//!   (which the walker caps), and a large monorepo's lock file has hundreds of thousands;
//! - at most [`MAX_ALIASES`] alias uses are expanded per file.
//!
//! Multi-document streams (`---`) give one [`Node`] per document. Merge keys (`<<: *base`,
//! `<<: [*a, *b]`) are applied the YAML 1.1 way, which Compose, GitLab and GitHub all follow:
//! keys written in the mapping win over merged ones, earlier merge sources over later ones.
//! Tags are ignored (GitLab's `!reference [...]` loads as the plain sequence it tags).
//! On a syntax error or an exceeded limit, everything read up to that point is still
//! returned — open collections are closed where the error happened — together with the
//! error's position; [`Loaded::complete_documents`] leaves the partial document out.
//!
//! Two ways of reading a tree. The CI and Compose formats have fixed field names and give
//! YAML's null a meaning (`image: ~`), so [`Node::get`], [`Node::entries`] and
//! [`Node::as_str`] skip nulls and let the last of duplicated keys win, as YAML loaders do.
//! Lock files are written by a tool and use keys as data (package names, descriptors), so
//! their extractors take every key and scalar as the text written: [`Node::all_entries`],
//! [`Node::get_first`], [`Node::text_field`], [`Node::scalar_text`].

use crate::SourceFile;
use events::{Event, EventParser, Mark};
use polyver_model::{Component, Diagnostic, DiagnosticCode};
use std::collections::HashMap;

mod documents;
mod events;

pub(crate) use documents::top_level_scalar;

/// Deepest nesting of collections accepted.
pub(crate) const MAX_DEPTH: usize = 256;
/// Most nodes (scalars and collections) that expanding aliases may add to one file.
pub(crate) const MAX_ALIAS_NODES: usize = 200_000;
/// Most alias uses (`*name`) one file may contain.
pub(crate) const MAX_ALIASES: usize = 10_000;

/// A YAML value with the position where it is written (for an alias copy: where the
/// anchored original is written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    pub value: Value,
    /// 1-based line.
    pub line: u32,
    /// 1-based character column.
    pub column: u32,
    /// Nodes in this subtree, itself included (what copying it for an alias costs).
    size: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// A scalar's text as written (after YAML unquoting); `plain` when it had no quotes and
    /// was no block scalar, i.e. when YAML would resolve it to null/bool/number.
    Scalar {
        text: String,
        plain: bool,
    },
    Sequence(Vec<Node>),
    /// Entries in file order (merge keys already applied and removed).
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar's text, unless it is a YAML null (`~`, `null`, empty).
    /// A warning that this node of `file` has the wrong shape or value (`InvalidValue`, at
    /// the node's line and column): how every YAML extractor reports what it cannot use.
    pub fn invalid(&self, file: &SourceFile, message: &str) -> Diagnostic {
        Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            self.line,
            message,
        )
        .with_column(self.column)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, plain } => {
                if *plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
                    None
                } else {
                    Some(text)
                }
            }
            _ => None,
        }
    }

    /// Whether this is a plain (unquoted) scalar.
    pub fn is_plain_scalar(&self) -> bool {
        matches!(self.value, Value::Scalar { plain: true, .. })
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { plain: true, text }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value of the entry whose key is the scalar `key` (the last one when a key is
    /// written twice, as most YAML loaders do).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_mapping()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// Mapping entries whose keys are scalars, as `(key text, key node, value)`.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node, &Node)> {
        self.as_mapping()
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?, k, v)))
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self.value, Value::Mapping(_))
    }

    /// A short description of the value's type, for diagnostics.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "null",
            Value::Scalar { .. } => "scalar",
            Value::Sequence(_) => "sequence",
            Value::Mapping(_) => "mapping",
        }
    }

    // Lock-file reading: keys are data and every scalar is text (see the module docs).

    /// Any scalar's text as written, YAML nulls (`~`, `null`, empty) included.
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Every mapping entry, in file order, as `(key text, key node, value)`: null keys keep
    /// their text and a non-scalar key reads as `""`.
    pub fn all_entries(&self) -> impl Iterator<Item = (&str, &Node, &Node)> {
        self.as_mapping()
            .unwrap_or(&[])
            .iter()
            .map(|(k, v)| (k.scalar_text().unwrap_or(""), k, v))
    }

    /// The value of the first entry whose key is written `key`.
    pub fn get_first(&self, key: &str) -> Option<&Node> {
        self.all_entries()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| v)
    }

    /// The text of the scalar value of the first entry whose key is written `key`.
    pub fn text_field(&self, key: &str) -> Option<&str> {
        self.get_first(key).and_then(Node::scalar_text)
    }

    /// The value's type with its article ("a scalar", nulls included), for diagnostics.
    pub fn type_with_article(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } => "a scalar",
            Value::Sequence(_) => "a sequence",
            Value::Mapping(_) => "a mapping",
        }
    }
}

/// `component` located at `node` (line and column), for components built with a line only.
pub(crate) fn locate(mut component: Component, file: &SourceFile, node: &Node) -> Component {
    component.locations = vec![file.location(node.line).with_column(node.column)];
    component
}

/// Why loading stopped early, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoadError {
    pub line: u32,
    pub column: u32,
    pub kind: LoadErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LoadErrorKind {
    /// The text is not YAML; the parser's explanation.
    Syntax(String),
    /// YAML this module refuses to read further (a limit, an unknown alias); why.
    Refused(String),
}

impl LoadError {
    /// The explanation alone: the parser's for a syntax error, this module's otherwise.
    pub fn detail(&self) -> &str {
        match &self.kind {
            LoadErrorKind::Syntax(detail) | LoadErrorKind::Refused(detail) => detail,
        }
    }

    /// A message that says what kind of problem this is.
    pub fn message(&self) -> String {
        match &self.kind {
            LoadErrorKind::Syntax(info) => format!("YAML syntax error: {info}"),
            LoadErrorKind::Refused(why) => why.clone(),
        }
    }

    /// The error as an error diagnostic on `file`.
    pub fn diagnostic(&self, file: &SourceFile) -> Diagnostic {
        let code = match self.kind {
            LoadErrorKind::Syntax(_) => DiagnosticCode::ParseError,
            LoadErrorKind::Refused(_) => DiagnosticCode::Unsupported,
        };
        Diagnostic::error(code, file.path(), self.line, self.message()).with_column(self.column)
    }
}

/// A loaded stream: its documents (the last one possibly partial) and the error, if any.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub documents: Vec<Node>,
    pub error: Option<LoadError>,
    /// How many of `documents` were read to their end (all of them without an error).
    complete: usize,
}

impl Loaded {
    /// The documents that are mappings (what every format here expects at the top).
    pub fn mappings(&self) -> impl Iterator<Item = &Node> {
        self.documents.iter().filter(|d| d.as_mapping().is_some())
    }

    /// The documents read to their end: without the one an error cut short, if any.
    pub fn complete_documents(&self) -> &[Node] {
        &self.documents[..self.complete]
    }
}

/// Loads `file` and turns a load error into a diagnostic pushed to `diagnostics`.
pub(crate) fn load_file(file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Loaded {
    let loaded = load(file.text());
    if let Some(e) = &loaded.error {
        diagnostics.push(e.diagnostic(file));
    }
    loaded
}

/// An open collection while its children are being read.
enum Frame {
    Sequence {
        start: Mark,
        anchor: Option<String>,
        items: Vec<Node>,
        size: usize,
    },
    Mapping {
        start: Mark,
        anchor: Option<String>,
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        size: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<String, Node>,
    documents: Vec<Node>,
    /// Nodes added by alias copies so far.
    alias_nodes: usize,
    aliases: usize,
}

/// Loads every document of `text` (see the module docs for limits and error handling).
pub(crate) fn load(text: &str) -> Loaded {
    let mut b = Builder::default();
    let error = b.read(EventParser::new(text, 1));
    b.into_loaded(error)
}

/// Like [`load`], but reads only the documents whose text `keep` accepts (see
/// [`documents::split`]); the others are never parsed, so an error in them goes unseen.
pub(crate) fn load_where(text: &str, keep: impl Fn(&str) -> bool) -> Loaded {
    let mut b = Builder::default();
    let mut error = None;
    for (first_line, document) in documents::split(text) {
        if keep(document) {
            error = b.read(EventParser::new(document, first_line));
            if error.is_some() {
                break;
            }
        }
    }
    b.into_loaded(error)
}

/// [`load_where`] with the error as a diagnostic, as [`load_file`].
pub(crate) fn load_file_where(
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
    keep: impl Fn(&str) -> bool,
) -> Loaded {
    let loaded = load_where(file.text(), keep);
    if let Some(e) = &loaded.error {
        diagnostics.push(e.diagnostic(file));
    }
    loaded
}

fn error_at(m: Mark, kind: LoadErrorKind) -> LoadError {
    LoadError {
        line: m.line,
        column: m.column,
        kind,
    }
}

fn refused(m: Mark, why: String) -> LoadError {
    error_at(m, LoadErrorKind::Refused(why))
}

impl Builder {
    /// Reads the events of one parser to its end or its first error.
    fn read(&mut self, mut parser: EventParser) -> Option<LoadError> {
        loop {
            let (event, mark) = match parser.next_event() {
                Ok(x) => x,
                Err(e) => return Some(error_at(e.mark, LoadErrorKind::Syntax(e.message))),
            };
            match self.on_event(event, mark) {
                Ok(true) => return None,
                Ok(false) => {}
                Err(e) => return Some(e),
            }
        }
    }

    /// The documents read, the open ones closed after an error.
    fn into_loaded(mut self, error: Option<LoadError>) -> Loaded {
        let complete = self.documents.len();
        if error.is_some() {
            self.close_all();
        }
        Loaded {
            documents: self.documents,
            error,
            complete,
        }
    }

    /// Handles one event; `Ok(true)` at the end of the stream.
    fn on_event(&mut self, event: Event, mark: Mark) -> Result<bool, LoadError> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::Boundary => {}
            Event::Scalar {
                text,
                plain,
                anchor,
            } => {
                let node = Node {
                    value: Value::Scalar { text, plain },
                    line: mark.line,
                    column: mark.column,
                    size: 1,
                };
                self.finish(node, anchor);
            }
            Event::Alias(name) => {
                self.aliases += 1;
                if self.aliases > MAX_ALIASES {
                    return Err(refused(
                        mark,
                        format!("more than {MAX_ALIASES} YAML aliases; rest of file not read"),
                    ));
                }
                let Some(node) = self.anchors.get(&name) else {
                    return Err(refused(mark, "YAML alias to an unknown anchor".into()));
                };
                let node = node.clone();
                self.count_alias_copy(node.size, mark)?;
                self.finish(node, None);
            }
            Event::SequenceStart(anchor) => self.open(true, anchor, mark)?,
            Event::MappingStart(anchor) => self.open(false, anchor, mark)?,
            Event::SequenceEnd | Event::MappingEnd => self.close_top(),
        }
        Ok(false)
    }

    /// Opens a collection, refusing past [`MAX_DEPTH`].
    fn open(
        &mut self,
        sequence: bool,
        anchor: Option<String>,
        start: Mark,
    ) -> Result<(), LoadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(refused(
                start,
                format!("YAML nested deeper than {MAX_DEPTH} levels; not read further"),
            ));
        }
        self.stack.push(if sequence {
            Frame::Sequence {
                start,
                anchor,
                items: Vec::new(),
                size: 1,
            }
        } else {
            Frame::Mapping {
                start,
                anchor,
                entries: Vec::new(),
                pending_key: None,
                size: 1,
            }
        });
        Ok(())
    }

    /// Counts the `n` nodes an alias copy adds, refusing past [`MAX_ALIAS_NODES`].
    fn count_alias_copy(&mut self, n: usize, mark: Mark) -> Result<(), LoadError> {
        self.alias_nodes = self.alias_nodes.saturating_add(n);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(refused(
                mark,
                format!(
                    "YAML expands to more than {MAX_ALIAS_NODES} nodes (alias bomb?); rest of \
                     file not read"
                ),
            ));
        }
        Ok(())
    }

    /// Pops the innermost collection and hands it to its parent.
    fn close_top(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (node, anchor) = match frame {
            Frame::Sequence {
                start,
                anchor,
                items,
                size,
            } => (
                Node {
                    value: Value::Sequence(items),
                    line: start.line,
                    column: start.column,
                    size,
                },
                anchor,
            ),
            Frame::Mapping {
                start,
                anchor,
                entries,
                size,
                ..
            } => (
                Node {
                    value: Value::Mapping(apply_merge_keys(entries)),
                    line: start.line,
                    column: start.column,
                    size,
                },
                anchor,
            ),
        };
        self.finish(node, anchor);
    }

    /// After a syntax error: close every open collection so the partial tree is kept.
    fn close_all(&mut self) {
        while !self.stack.is_empty() {
            self.close_top();
        }
    }

    /// Records an anchor and attaches a complete node to its parent (or as a document).
    fn finish(&mut self, node: Node, anchor: Option<String>) {
        if let Some(anchor) = anchor {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Sequence { items, size, .. }) => {
                *size = size.saturating_add(node.size);
                items.push(node);
            }
            Some(Frame::Mapping {
                entries,
                pending_key,
                size,
                ..
            }) => {
                *size = size.saturating_add(node.size);
                match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(key) => entries.push((key, node)),
                }
            }
        }
    }
}

/// Replaces `<<` entries by the entries of the mapping(s) they name, keeping explicit keys.
fn apply_merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge = |k: &Node| k.is_plain_scalar() && k.as_str() == Some("<<");
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return entries;
    }
    let mut own = Vec::new();
    let mut sources = Vec::new();
    for (k, v) in entries {
        if is_merge(&k) {
            match v.value {
                Value::Mapping(m) => sources.push(m),
                Value::Sequence(items) => {
                    sources.extend(items.into_iter().filter_map(|i| match i.value {
                        Value::Mapping(m) => Some(m),
                        _ => None,
                    }))
                }
                Value::Scalar { .. } => {}
            }
        } else {
            own.push((k, v));
        }
    }
    for source in sources {
        for (k, v) in source {
            let key = k.as_str().map(str::to_string);
            if own
                .iter()
                .all(|(o, _)| o.as_str().map(str::to_string) != key)
            {
                own.push((k, v));
            }
        }
    }
    own
}

#[cfg(test)]
mod tests;
