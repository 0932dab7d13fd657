//! Maven `pom.xml`: `dependencies`, `dependencyManagement`, `parent`, `build/plugins`, their
//! `profiles` twins, with `${...}` properties resolved the way Maven's effective model would.
//!
//! Why this much resolution: a Spring-style POM rarely writes a version next to a
//! dependency. Versions come from `<properties>` (`${jackson.version}`), from the
//! `dependencyManagement` of the same POM, of a parent POM or of an imported BOM, and the
//! project's own version from `${project.version}`. Reporting `${jackson.version}` would be
//! useless, so the extractor builds a small effective model, statically:
//!
//! - **Parent.** `<parent>` is looked up at `relativePath` (default `../pom.xml`, a directory
//!   means its `pom.xml`, an empty `<relativePath/>` disables the lookup) inside the scanned
//!   root, and used only when its coordinates match, as Maven does. Its properties,
//!   `dependencyManagement`, plugin versions and version are inherited, up a bounded,
//!   cycle-safe chain. A parent outside the repository (`spring-boot-starter-parent`) is not
//!   fetched: dependencies it manages are reported without a version.
//! - **Properties.** `<properties>` of the chain (child wins), `${project.version}`,
//!   `${project.groupId}`, `${project.artifactId}`, `${project.parent.*}` (and the old
//!   `pom.*` aliases), nested references, with bounded depth, output size and work, and
//!   cycles detected. An unresolvable reference (`${env.X}`, `${revision}` set on the
//!   command line) is kept as written in the constraint, with a warning.
//! - **Management.** A dependency without a version takes the managed version (and scope)
//!   for its `groupId:artifactId:type:classifier`: this POM's entries, then its parents',
//!   then BOMs imported with `<scope>import</scope>` when the BOM is a module of the
//!   repository (found through the `<modules>` of the top-most parent in the repository;
//!   only BOMs whose groupId shares its first two segments with the project's are looked
//!   for, so an external `jackson-bom` import does not cost a walk of every module).
//!
//! What is reported, each at the line of its own element in this file: dependencies
//! (`compile`/`runtime`/`system` → runtime, `test` → test, `provided` → build,
//! `<optional>true</optional>` → optional); `dependencyManagement` entries as constraints
//! (`direct: false`, like a pip constraints file), except BOM imports, which the project does
//! declare (`direct: true`, build); the parent POM (build); `build/plugins` and
//! `pluginManagement` plugins as tools (build; managed ones `direct: false`). A `<version>`
//! that is a plain version is the exact `version`; a range (`[1.0,2.0)`) is a constraint
//! only. A non-`jar` `<type>` and a `<classifier>` select another artifact of the same
//! coordinates, so they are kept in `extras` as `type:test-jar` / `classifier:linux-x86_64`.
//!
//! XML is read with `quick-xml`, which never expands DTD entities (only the five predefined
//! ones and character references), so "billion laughs" is not a risk; nesting is bounded.
//! A value with a DTD entity reference (`<version>&v;</version>`) is unresolved: kept as
//! written in the constraint, never the version, with a warning at its line.
//! Byte offsets the reader reports give every element its line. A malformed file yields a
//! `parse-error` at the reader's error position plus whatever was read before it.

use crate::xml::{decode_text, entity_reference};
use crate::{file_name, Extracted, Extractor, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

pub struct PomExtractor;

const ID: Format = Format::Pom;

/// Deepest XML nesting read (a POM needs about 8).
const MAX_XML_DEPTH: usize = 128;
/// Longest parent chain followed.
const MAX_PARENTS: usize = 32;
/// Most POMs read for one extraction (parents, BOMs, reactor modules).
const MAX_POMS: usize = 256;
/// Deepest nesting of BOM imports followed.
const MAX_IMPORT_DEPTH: usize = 8;
/// Property interpolation bounds: nesting depth, expansion steps, output length.
const MAX_PROPERTY_DEPTH: usize = 24;
const MAX_PROPERTY_STEPS: usize = 4_096;
const MAX_PROPERTY_LEN: usize = 4_096;

impl Extractor for PomExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "pom.xml"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let (root, error) = parse_xml(file.text());
        if let Some((offset, message)) = error {
            let (line, col) = file.line_col(offset);
            out.diagnose(
                Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    line,
                    format!("invalid XML: {message}"),
                )
                .with_column(col),
            );
        }
        let Some(project) = root.child("project") else {
            if out.diagnostics.is_empty() {
                out.diagnose(Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    1,
                    "not a Maven POM: no <project> root element",
                ));
            }
            return out;
        };
        let pom = Rc::new(Pom::read(file.clone(), project));
        let mut repo = Repo::default();
        repo.seen.insert(file.path().to_string(), Some(pom.clone()));
        let model = repo.effective(&pom, 0);
        Report {
            file,
            model: &model,
            out: &mut out,
        }
        .run(&pom);
        out
    }
}

// ---------------------------------------------------------------------------------------
// A minimal XML tree with byte offsets.

#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    /// Byte offset of the `<` of the start tag.
    start: usize,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The node at a `/`-separated path of child names.
    fn at(&self, path: &str) -> Option<&Node> {
        path.split('/').try_fold(self, |n, name| n.child(name))
    }

    /// The trimmed text of a child, when present.
    fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

/// Parses XML into a tree under a nameless root; on error returns what was read so far and
/// the byte offset and reason of the error.
fn parse_xml(text: &str) -> (Node, Option<(usize, String)>) {
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

// ---------------------------------------------------------------------------------------
// The raw model of one POM.

/// A `<dependency>` or `<plugin>` as written.
#[derive(Debug, Clone, Default)]
struct Dep {
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    /// Offset of the `<version>` element, for warnings about it.
    version_at: usize,
    scope: Option<String>,
    optional: Option<String>,
    kind: Option<String>,
    classifier: Option<String>,
    system_path: Option<String>,
    /// Offset of the `<dependency>` / `<plugin>` element.
    at: usize,
}

impl Dep {
    fn read(node: &Node) -> Dep {
        let text = |n: &str| node.text_of(n).map(str::to_string);
        Dep {
            group: text("groupId"),
            artifact: text("artifactId"),
            version: text("version"),
            version_at: node.child("version").map_or(node.start, |v| v.start),
            scope: text("scope"),
            optional: text("optional"),
            kind: text("type"),
            classifier: text("classifier"),
            system_path: text("systemPath"),
            at: node.start,
        }
    }
}

#[derive(Debug, Default)]
struct ParentRef {
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    relative_path: Option<String>,
    at: usize,
}

struct Pom {
    file: SourceFile,
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    parent: Option<ParentRef>,
    properties: Vec<(String, String)>,
    deps: Vec<Dep>,
    managed: Vec<Dep>,
    plugins: Vec<Dep>,
    managed_plugins: Vec<Dep>,
    modules: Vec<String>,
}

impl Pom {
    fn read(file: SourceFile, project: &Node) -> Pom {
        let text = |n: &str| project.text_of(n).map(str::to_string);
        let parent = project.child("parent").map(|p| ParentRef {
            group: p.text_of("groupId").map(str::to_string),
            artifact: p.text_of("artifactId").map(str::to_string),
            version: p.text_of("version").map(str::to_string),
            relative_path: p.text_of("relativePath").map(str::to_string),
            at: p.start,
        });
        let mut pom = Pom {
            file,
            group: text("groupId"),
            artifact: text("artifactId"),
            version: text("version"),
            parent,
            properties: project
                .child("properties")
                .map(|p| {
                    p.children
                        .iter()
                        .map(|c| (c.name.clone(), c.text.trim().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            deps: Vec::new(),
            managed: Vec::new(),
            plugins: Vec::new(),
            managed_plugins: Vec::new(),
            modules: project
                .child("modules")
                .map(|m| {
                    m.children("module")
                        .map(|c| c.text.trim().to_string())
                        .collect()
                })
                .unwrap_or_default(),
        };
        pom.read_section(project);
        for profile in project
            .child("profiles")
            .into_iter()
            .flat_map(|p| p.children("profile"))
        {
            pom.read_section(profile);
        }
        pom
    }

    /// The parts a `<project>` and a `<profile>` share.
    fn read_section(&mut self, node: &Node) {
        let deps_at = |path: &str, tag: &str| -> Vec<Dep> {
            node.at(path)
                .into_iter()
                .flat_map(|d| d.children.iter().filter(|c| c.name == tag))
                .map(Dep::read)
                .collect()
        };
        self.deps.extend(deps_at("dependencies", "dependency"));
        self.managed
            .extend(deps_at("dependencyManagement/dependencies", "dependency"));
        self.plugins.extend(deps_at("build/plugins", "plugin"));
        self.managed_plugins
            .extend(deps_at("build/pluginManagement/plugins", "plugin"));
    }

    fn group(&self) -> Option<&str> {
        self.group
            .as_deref()
            .or_else(|| self.parent.as_ref().and_then(|p| p.group.as_deref()))
    }

    fn version(&self) -> Option<&str> {
        self.version
            .as_deref()
            .or_else(|| self.parent.as_ref().and_then(|p| p.version.as_deref()))
    }
}

// ---------------------------------------------------------------------------------------
// Resolution: parents, properties, management, BOM imports.

/// POMs of the repository read during one extraction, by repo-relative path.
#[derive(Default)]
struct Repo {
    seen: HashMap<String, Option<Rc<Pom>>>,
    reactor: Option<Vec<Rc<Pom>>>,
}

/// A managed version (from `dependencyManagement` or `pluginManagement`).
#[derive(Clone, Debug)]
struct Managed {
    version: Option<String>,
    scope: Option<String>,
}

/// What a POM's own declarations are resolved against.
struct Model {
    props: Props,
    /// `groupId:artifactId:type:classifier` → managed version and scope, interpolated.
    managed: HashMap<String, Managed>,
    /// `groupId:artifactId` of plugins → version, interpolated.
    plugin_versions: HashMap<String, String>,
    /// Whether every parent and imported BOM was found, so a missing version is an error.
    complete: bool,
    /// The parent POM, when found in the repository.
    parent_found: bool,
}

impl Repo {
    /// Reads the POM at `rel`, relative to `from`'s directory (memoized, bounded).
    fn load(&mut self, from: &SourceFile, rel: &str) -> Option<Rc<Pom>> {
        let target = from.resolve_relative(rel)?;
        if let Some(pom) = self.seen.get(&target) {
            return pom.clone();
        }
        if self.seen.len() >= MAX_POMS {
            return None;
        }
        // Problems in another POM are reported when that file itself is extracted.
        let pom = from.open_relative(rel).ok().and_then(|file| {
            let (root, _) = parse_xml(file.text());
            root.child("project")
                .map(|project| Rc::new(Pom::read(file.clone(), project)))
        });
        self.seen.insert(target, pom.clone());
        pom
    }

    /// The parent of `pom`, when it is in the repository at its `relativePath` with the
    /// declared coordinates.
    fn parent_of(&mut self, pom: &Pom) -> Option<Rc<Pom>> {
        let parent = pom.parent.as_ref()?;
        let rel = match parent.relative_path.as_deref() {
            None => "../pom.xml".to_string(),
            Some("") => return None,
            Some(p) if p.ends_with(".xml") => p.to_string(),
            Some(p) => format!("{}/pom.xml", p.trim_end_matches('/')),
        };
        let found = self.load(&pom.file, &rel)?;
        let same = found.artifact.as_deref() == parent.artifact.as_deref()
            && found.group() == parent.group.as_deref();
        same.then_some(found)
    }

    /// `pom` followed by its parents found in the repository, child first.
    fn chain(&mut self, pom: &Rc<Pom>) -> (Vec<Rc<Pom>>, bool) {
        let mut chain = vec![pom.clone()];
        let mut paths = HashSet::from([pom.file.path().to_string()]);
        let mut complete = true;
        while chain.len() < MAX_PARENTS {
            let Some(last) = chain.last().cloned() else {
                break;
            };
            if last.parent.is_none() {
                break;
            }
            match self.parent_of(&last) {
                Some(p) if paths.insert(p.file.path().to_string()) => chain.push(p),
                _ => {
                    complete = false;
                    break;
                }
            }
        }
        (chain, complete)
    }

    /// Every POM of the reactor: the top-most parent in the repository and its `<modules>`,
    /// recursively (bounded).
    fn reactor(&mut self, top: &Rc<Pom>) -> Vec<Rc<Pom>> {
        if let Some(r) = &self.reactor {
            return r.clone();
        }
        let mut out = Vec::new();
        let mut queue = std::collections::VecDeque::from([top.clone()]);
        let mut paths = HashSet::new();
        while let Some(pom) = queue.pop_front() {
            if !paths.insert(pom.file.path().to_string()) || out.len() >= MAX_POMS {
                continue;
            }
            for module in &pom.modules {
                let rel = if module.ends_with(".xml") {
                    module.clone()
                } else {
                    format!("{}/pom.xml", module.trim_end_matches('/'))
                };
                if let Some(m) = self.load(&pom.file, &rel) {
                    queue.push_back(m);
                }
            }
            out.push(pom);
        }
        self.reactor = Some(out.clone());
        out
    }

    /// The effective model of `pom`: properties and management from its parents in the
    /// repository, and BOM imports.
    fn effective(&mut self, pom: &Rc<Pom>, depth: usize) -> Model {
        let (chain, mut complete) = self.chain(pom);
        let parent_found = chain.len() > 1;
        let props = Props::new(&chain);
        let mut managed: HashMap<String, Managed> = HashMap::new();
        let mut imports = Vec::new();
        for p in &chain {
            for dep in &p.managed {
                let key = managed_key(&props, dep);
                if managed.contains_key(&key) {
                    continue;
                }
                let scope = dep.scope.as_deref().map(|s| props.expand(s).text);
                if scope.as_deref() == Some("import") {
                    imports.push(dep.clone());
                }
                managed.insert(
                    key,
                    Managed {
                        version: dep.version.as_deref().map(|v| props.expand(v).text),
                        scope,
                    },
                );
            }
        }
        for bom in imports {
            let group = bom.group.as_deref().map(|g| props.expand(g).text);
            let artifact = bom.artifact.as_deref().map(|a| props.expand(a).text);
            let top = chain.last().cloned().unwrap_or_else(|| pom.clone());
            // Only BOMs of the project's own group family can be modules of the repository;
            // this spares a walk of the whole reactor for `jackson-bom` and friends.
            let ours = group.as_deref().is_some_and(|g| {
                chain
                    .iter()
                    .filter_map(|p| p.group().map(|pg| props.expand(pg).text))
                    .any(|pg| same_family(&pg, g))
            });
            let found = if ours && depth < MAX_IMPORT_DEPTH {
                self.reactor(&top).into_iter().find(|m| {
                    m.artifact.is_some()
                        && m.artifact == artifact
                        && m.group().map(str::to_string) == group
                        && m.file.path() != pom.file.path()
                })
            } else {
                None
            };
            let Some(found) = found else {
                complete = false;
                continue;
            };
            let imported = self.effective(&found, depth + 1);
            complete &= imported.complete;
            for (key, m) in imported.managed {
                managed.entry(key).or_insert(m);
            }
        }
        let mut plugin_versions = HashMap::new();
        let plugin_sources = chain
            .iter()
            .flat_map(|p| p.managed_plugins.iter())
            .chain(chain.iter().skip(1).flat_map(|p| p.plugins.iter()));
        for plugin in plugin_sources {
            if let Some(v) = &plugin.version {
                plugin_versions
                    .entry(plugin_name(&props, plugin))
                    .or_insert_with(|| props.expand(v).text);
            }
        }
        Model {
            props,
            managed,
            plugin_versions,
            complete,
            parent_found,
        }
    }
}

/// Whether two groupIds share their first two segments (`com.acme.shop`, `com.acme.bom`).
fn same_family(a: &str, b: &str) -> bool {
    let head = |g: &str| g.split('.').take(2).collect::<Vec<_>>().join(".");
    a == b || head(a) == head(b)
}

fn managed_key(props: &Props, dep: &Dep) -> String {
    let x = |v: &Option<String>, default: &str| {
        v.as_deref()
            .map_or_else(|| default.to_string(), |s| props.expand(s).text)
    };
    format!(
        "{}:{}:{}:{}",
        x(&dep.group, ""),
        x(&dep.artifact, ""),
        x(&dep.kind, "jar"),
        x(&dep.classifier, "")
    )
}

fn plugin_name(props: &Props, plugin: &Dep) -> String {
    let group = plugin.group.as_deref().map_or_else(
        || "org.apache.maven.plugins".to_string(),
        |g| props.expand(g).text,
    );
    let artifact = plugin
        .artifact
        .as_deref()
        .map(|a| props.expand(a).text)
        .unwrap_or_default();
    format!("{group}:{artifact}")
}

/// Properties of a POM in the context of its parent chain.
struct Props {
    values: HashMap<String, String>,
}

/// The result of interpolating one string.
struct Expanded {
    text: String,
    /// References left as written (undefined, circular or too deep).
    unresolved: Vec<String>,
}

impl Props {
    fn new(chain: &[Rc<Pom>]) -> Props {
        let mut values = HashMap::new();
        for pom in chain.iter().rev() {
            for (k, v) in &pom.properties {
                values.insert(k.clone(), v.clone());
            }
        }
        if let Some(pom) = chain.first() {
            let mut model = |k: &str, v: Option<&str>| {
                if let Some(v) = v {
                    for prefix in ["project.", "pom."] {
                        values.insert(format!("{prefix}{k}"), v.to_string());
                    }
                }
            };
            model("version", pom.version());
            model("groupId", pom.group());
            model("artifactId", pom.artifact.as_deref());
            let parent = pom.parent.as_ref();
            model("parent.version", parent.and_then(|p| p.version.as_deref()));
            model("parent.groupId", parent.and_then(|p| p.group.as_deref()));
            model(
                "parent.artifactId",
                parent.and_then(|p| p.artifact.as_deref()),
            );
        }
        Props { values }
    }

    /// Interpolates `${name}` references, recursively, within the bounds.
    fn expand(&self, s: &str) -> Expanded {
        let mut state = ExpandState {
            steps: 0,
            unresolved: Vec::new(),
            stack: Vec::new(),
        };
        let text = self.expand_in(s, 0, &mut state);
        if text.len() > MAX_PROPERTY_LEN || state.steps > MAX_PROPERTY_STEPS {
            return Expanded {
                text: s.to_string(),
                unresolved: vec![format!("{s} (expansion too large)")],
            };
        }
        Expanded {
            text,
            unresolved: state.unresolved,
        }
    }

    fn expand_in(&self, s: &str, depth: usize, st: &mut ExpandState) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let name = after[..j].trim();
            let whole = &rest[i..i + 3 + j];
            st.steps += 1;
            let value = self.values.get(name);
            match value {
                Some(v)
                    if depth < MAX_PROPERTY_DEPTH
                        && st.steps <= MAX_PROPERTY_STEPS
                        && out.len() <= MAX_PROPERTY_LEN
                        && !st.stack.iter().any(|n| n == name) =>
                {
                    st.stack.push(name.to_string());
                    let e = self.expand_in(v, depth + 1, st);
                    st.stack.pop();
                    out.push_str(&e);
                }
                _ => {
                    if !st.unresolved.iter().any(|n| n == name) {
                        st.unresolved.push(name.to_string());
                    }
                    out.push_str(whole);
                }
            }
            if out.len() > MAX_PROPERTY_LEN || st.steps > MAX_PROPERTY_STEPS {
                return out;
            }
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        out
    }
}

struct ExpandState {
    steps: usize,
    unresolved: Vec<String>,
    stack: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Reporting this file's declarations.

struct Report<'a> {
    file: &'a SourceFile,
    model: &'a Model,
    out: &'a mut Extracted,
}

/// What a component is, for [`Report::declare`].
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Dependency,
    Managed,
    Plugin,
    ManagedPlugin,
}

impl Report<'_> {
    fn run(&mut self, pom: &Pom) {
        if let Some(parent) = &pom.parent {
            self.parent(parent);
        }
        for dep in &pom.deps {
            self.declare(dep, Role::Dependency);
        }
        for dep in &pom.managed {
            self.declare(dep, Role::Managed);
        }
        for plugin in &pom.plugins {
            self.declare(plugin, Role::Plugin);
        }
        for plugin in &pom.managed_plugins {
            self.declare(plugin, Role::ManagedPlugin);
        }
    }

    fn warn(&mut self, code: DiagnosticCode, at: usize, message: String) {
        let (line, col) = self.file.line_col(at);
        self.out
            .diagnose(Diagnostic::warning(code, self.file.path(), line, message).with_column(col));
    }

    /// Interpolates, warning about references left as written.
    fn expand(&mut self, raw: &str, at: usize, what: &str) -> (String, bool) {
        let e = self.model.props.expand(raw);
        if let Some(entity) = entity_reference(&e.text) {
            self.warn(
                DiagnosticCode::Unsupported,
                at,
                format!(
                    "{what} {raw:?} unresolved: the entity reference {entity} is not expanded \
                     (entities declared in a DTD never are)"
                ),
            );
            return (raw.to_string(), false);
        }
        if e.unresolved.is_empty() {
            return (e.text, true);
        }
        self.warn(
            DiagnosticCode::Unsupported,
            at,
            format!(
                "{what} {raw:?} kept as written: property {} is not defined in this POM or a \
                 parent POM in the repository (or is circular)",
                e.unresolved.join(", ")
            ),
        );
        (raw.to_string(), false)
    }

    fn parent(&mut self, parent: &ParentRef) {
        let (Some(group), Some(artifact)) = (&parent.group, &parent.artifact) else {
            self.warn(
                DiagnosticCode::InvalidValue,
                parent.at,
                "<parent> needs a groupId and an artifactId".into(),
            );
            return;
        };
        let explicit = parent.relative_path.as_deref().filter(|p| !p.is_empty());
        if let (Some(rel), false) = (explicit, self.model.parent_found) {
            self.warn(
                DiagnosticCode::IncludeNotFound,
                parent.at,
                format!(
                    "parent {group}:{artifact} is not at relativePath {rel:?} in the repository; \
                     its properties and managed versions are unknown"
                ),
            );
        }
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Maven,
            format!("{group}:{artifact}"),
            ID,
            self.file.location_at(parent.at),
        )
        .with_scope(Scope::Build);
        if let Some(raw) = &parent.version {
            let (v, resolved) = self.expand(raw, parent.at, "parent version");
            c = with_version(c, &v, resolved);
        }
        self.out.push(c);
    }

    fn declare(&mut self, dep: &Dep, role: Role) {
        let plugin = matches!(role, Role::Plugin | Role::ManagedPlugin);
        let tag = if plugin { "<plugin>" } else { "<dependency>" };
        let group = match (&dep.group, plugin) {
            (Some(g), _) => Some(g.as_str()),
            (None, true) => Some("org.apache.maven.plugins"),
            (None, false) => None,
        };
        let (Some(group), Some(artifact)) = (group, dep.artifact.as_deref()) else {
            self.warn(
                DiagnosticCode::InvalidValue,
                dep.at,
                format!("{tag} needs a groupId and an artifactId"),
            );
            return;
        };
        let (group, ok_g) = self.expand(group, dep.at, "groupId");
        let (artifact, ok_a) = self.expand(artifact, dep.at, "artifactId");
        let name = format!("{group}:{artifact}");
        let key = managed_key(&self.model.props, dep);
        let managed = match role {
            Role::Dependency => self.model.managed.get(&key).cloned(),
            _ => None,
        };
        let scope_raw = dep
            .scope
            .as_deref()
            .map(|s| self.model.props.expand(s).text)
            .or_else(|| managed.as_ref().and_then(|m| m.scope.clone()));
        let scope = match role {
            Role::Plugin | Role::ManagedPlugin => Scope::Build,
            _ => match scope_raw.as_deref() {
                None | Some("compile" | "runtime" | "system") => Scope::Runtime,
                Some("test") => Scope::Test,
                Some("provided" | "import") => Scope::Build,
                Some(other) => {
                    self.warn(
                        DiagnosticCode::InvalidValue,
                        dep.at,
                        format!("unknown dependency scope {other:?} for {name}; taken as compile"),
                    );
                    Scope::Runtime
                }
            },
        };
        let optional = dep.optional.as_deref().map(str::trim) == Some("true");
        let scope = if optional && scope == Scope::Runtime {
            Scope::Optional
        } else {
            scope
        };
        let kind = if plugin { Kind::Tool } else { Kind::Package };
        let direct = match role {
            Role::Dependency | Role::Plugin => true,
            Role::Managed => scope_raw.as_deref() == Some("import"),
            Role::ManagedPlugin => false,
        };
        let mut c = Component::new(
            kind,
            Ecosystem::Maven,
            name.clone(),
            ID,
            self.file.location_at(dep.at),
        )
        .with_scope(scope)
        .with_direct(direct);
        if let Some(raw) = &dep.version {
            let (v, resolved) = self.expand(raw, dep.version_at, &format!("version of {name}"));
            c = with_version(c, &v, resolved && ok_g && ok_a);
        } else if let Some(v) = managed.and_then(|m| m.version) {
            if is_plain_version(&v) {
                c = c.with_version(v);
            } else {
                c = c.with_constraint(v);
            }
        } else if let Some(v) = plugin
            .then(|| self.model.plugin_versions.get(&name).cloned())
            .flatten()
        {
            if is_plain_version(&v) {
                c = c.with_version(v);
            } else {
                c = c.with_constraint(v);
            }
        } else if role == Role::Dependency && self.model.complete {
            let why = if self.model.parent_found {
                "nor in the dependencyManagement of its parents"
            } else {
                "and no dependencyManagement entry"
            };
            self.warn(
                DiagnosticCode::InvalidValue,
                dep.at,
                format!("{name} has no version {why}"),
            );
        }
        if !plugin {
            if let Some(t) = dep.kind.as_deref().filter(|t| *t != "jar") {
                c.extras.push(format!("type:{t}"));
            }
            if let Some(cl) = dep.classifier.as_deref().filter(|c| !c.is_empty()) {
                c.extras.push(format!("classifier:{cl}"));
            }
            if scope_raw.as_deref() == Some("system") {
                c.url = dep
                    .system_path
                    .as_deref()
                    .map(|p| self.model.props.expand(p).text);
            }
        }
        self.out.push(c);
    }
}

/// Sets the constraint as written and, for a plain version (a Maven soft requirement), the
/// exact version.
fn with_version(c: Component, v: &str, resolved: bool) -> Component {
    let c = c.with_constraint(v);
    if resolved && is_plain_version(v) {
        c.with_version(v)
    } else {
        c
    }
}

/// A soft requirement (`1.2.3`), as opposed to a range (`[1.0,2.0)`), a `${...}` left as
/// written or the deprecated `LATEST`/`RELEASE` meta-versions.
fn is_plain_version(v: &str) -> bool {
    !v.is_empty()
        && !v.starts_with(['[', '('])
        && !v.contains(['$', '&', ',', ' '])
        && v != "LATEST"
        && v != "RELEASE"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Extracted {
        PomExtractor.extract(&SourceFile::from_text("pom.xml", text))
    }

    #[test]
    fn dtd_entity_is_unresolved_never_the_version() {
        let x = extract(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE project [<!ENTITY v \"9.9\"> <!ENTITY ext SYSTEM \"file:///etc/passwd\">]>\n\
             <project><groupId>g</groupId><version>1.0</version>\n\
             <properties><lib.version>&v;</lib.version></properties>\n<dependencies>\n\
             <dependency><groupId>g</groupId><artifactId>a</artifactId>\n<version>&v;</version></dependency>\n\
             <dependency><groupId>g</groupId><artifactId>b</artifactId><version>${lib.version}</version></dependency>\n\
             <dependency><groupId>g</groupId><artifactId>c</artifactId><version>&ext;</version></dependency>\n\
             <dependency><groupId>R&amp;D</groupId><artifactId>d</artifactId><version>&#50;.0</version></dependency>\n\
             </dependencies></project>\n",
        );
        let by_name = |n: &str| x.components.iter().find(|c| c.name == n).unwrap();
        for (name, written) in [("g:a", "&v;"), ("g:b", "${lib.version}"), ("g:c", "&ext;")] {
            let c = by_name(name);
            assert_eq!(c.version, None, "{name}");
            assert_eq!(c.constraint.as_ref().unwrap().raw, written, "{name}");
        }
        // Predefined entities and character references decode as usual.
        assert_eq!(by_name("R&D:d").version.as_deref(), Some("2.0"));
        let lines: Vec<(u32, &str)> = x
            .diagnostics
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        // At the line of each `<version>`: written there, or through a property.
        assert_eq!(lines[0].0, 7);
        assert!(lines[0]
            .1
            .contains("unresolved: the entity reference &v; is not expanded"));
        assert_eq!(lines[1].0, 8);
        assert!(lines[1].1.contains("\"${lib.version}\" unresolved"));
        assert_eq!(lines[2].0, 9);
        assert!(lines[2].1.contains("&ext;"));
    }

    #[test]
    fn properties_and_lines() {
        let x = extract(
            "<project>\n<groupId>g</groupId><version>1.0</version>\n<properties>\n<a.version>${b}</a.version>\n<b>2.0</b>\n</properties>\n<dependencies>\n<dependency><groupId>${project.groupId}</groupId><artifactId>a</artifactId><version>${a.version}</version></dependency>\n</dependencies>\n</project>\n",
        );
        assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
        let c = &x.components[0];
        assert_eq!(c.name, "g:a");
        assert_eq!(c.version.as_deref(), Some("2.0"));
        assert_eq!(c.locations[0].line, 8);
    }

    #[test]
    fn cycles_and_blowups_are_bounded() {
        let mut props = String::from("<a>${a}</a><c>${d}</c><d>${c}</d>");
        for i in 0..40 {
            props.push_str(&format!(
                "<p{i}>${{p{n}}}${{p{n}}}${{p{n}}}</p{i}>",
                n = i + 1
            ));
        }
        let x = extract(&format!(
            "<project><properties>{props}</properties><dependencies>\
             <dependency><groupId>g</groupId><artifactId>a</artifactId><version>${{a}}</version></dependency>\
             <dependency><groupId>g</groupId><artifactId>b</artifactId><version>${{c}}</version></dependency>\
             <dependency><groupId>g</groupId><artifactId>c</artifactId><version>${{p0}}</version></dependency>\
             </dependencies></project>"
        ));
        assert_eq!(x.components.len(), 3);
        assert!(x.components.iter().all(|c| c.version.is_none()));
        assert_eq!(x.diagnostics.len(), 3);
    }

    #[test]
    fn entities_are_not_expanded() {
        let x = extract(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE project [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<project><dependencies><dependency><groupId>g</groupId><artifactId>&b;</artifactId><version>1</version></dependency></dependencies></project>",
        );
        assert_eq!(x.components[0].name, "g:&b;");
    }
}
