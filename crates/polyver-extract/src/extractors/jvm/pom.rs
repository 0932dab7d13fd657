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
//! `<optional>true</optional>` → optional); BOM imports (`<scope>import</scope>` in
//! `dependencyManagement`, `direct: true`, build), which the build does fetch; the parent POM
//! (build); `build/plugins` and
//! `pluginManagement` plugins as tools (build; managed ones `direct: false`). A `<version>`
//! that is a plain version is the exact `version`; a range (`[1.0,2.0)`) is a constraint
//! only. A non-`jar` `<type>` and a `<classifier>` select another artifact of the same
//! coordinates, so they are kept in `extras` as `type:test-jar` / `classifier:linux-x86_64`.
//!
//! Other `dependencyManagement` entries are not components: they only set the version of a
//! dependency declared elsewhere, so reporting them gave a phantom second version, or a
//! package the build never uses. They are kept in the model, for resolving versions.
//! The same `groupId:artifactId:type:classifier` declared twice in one section is the last
//! declaration, as Maven 3 takes it (it warns; Maven 4 rejects the POM), with a warning at
//! each repeat.
//!
//! XML is read with `quick-xml`, which never expands DTD entities (only the five predefined
//! ones and character references), so "billion laughs" is not a risk; nesting is bounded.
//! A value with a DTD entity reference (`<version>&v;</version>`) is unresolved: kept as
//! written in the constraint, never the version, with a warning at its line.
//! Byte offsets the reader reports give every element its line. A malformed file yields a
//! `parse-error` at the reader's error position plus whatever was read before it.

use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format};
use std::path::Path;
use std::rc::Rc;

mod model;
mod properties;
mod report;
mod resolve;
mod xml;

use model::Pom;
use report::Report;
use resolve::Repo;
use xml::parse_xml;

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

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["pom.xml"]))
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

#[cfg(test)]
mod tests;
