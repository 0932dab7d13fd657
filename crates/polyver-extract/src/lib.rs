//! polyver's scanner: walk a repository, hand each file to the extractors that claim it, and
//! collect one deterministic [`Inventory`](polyver_model::Inventory).
//!
//! The layout follows osv-scalibr: every file format is one module under [`extractors`]
//! implementing the small [`Extractor`] trait, and [`registry`] lists them. The walker never
//! knows formats; it asks each extractor "is this path yours?" on the path alone, reads a
//! claimed file once ([`SourceFile`]) and runs the extractors in parallel. Extractors never
//! panic on bad input: a malformed file yields [`Diagnostic`]s pointing at path:line and
//! whatever could still be parsed.
//!
//! Static analysis only: nothing from the scanned repository is executed, and includes
//! (`-r other.txt`) are read only inside the scanned root.

pub mod extractors;
mod image_ref;
pub mod installed;
mod json;
mod license;
mod pep508;
pub mod registry;
mod snippet;
mod source;
mod walk;
mod xml;
mod yaml;

pub use source::{IncludeError, ScanContext, SourceFile};
pub use walk::{
    scan, scan_observed, scan_with, NoProgress, ScanConfig, ScanConfigError, ScanProgress,
    DEFAULT_MAX_FILE_SIZE, DEFAULT_SKIP_DIRS, MAX_DIAGNOSTICS_PER_FILE, MAX_MESSAGE_CHARS,
};

use polyver_model::project::LicenseDeclaration;
use polyver_model::{Component, Diagnostic, Format, Link};
use std::path::Path;

/// One file format's parser.
pub trait Extractor: Send + Sync {
    /// The format this extractor reads; its [`Format::info`] says what the format is for, and
    /// it is written into each component's `source`.
    fn format(&self) -> Format;
    /// Other formats this extractor writes into `source`, chosen by a file's content rather
    /// than its name (the requirements extractor writes `requirements-lock` for a compiled
    /// file). The registry maps them to this extractor; it runs once per file all the same.
    fn also_writes(&self) -> &'static [Format] {
        &[]
    }
    /// The format's stable id (`requirements`, `package-lock`, ...).
    fn id(&self) -> &'static str {
        self.format().id()
    }
    /// Whether this extractor handles `path` (repo-relative). Must look at the path only.
    fn matches(&self, path: &Path) -> bool;
    /// Parses one file. Never panics; problems become diagnostics in the result.
    fn extract(&self, file: &SourceFile) -> Extracted;
}

/// What an extractor found in one file (and the files it included).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub components: Vec<Component>,
    pub diagnostics: Vec<Diagnostic>,
    /// How this file refers to others (`-r`/`-c` includes), for the project model.
    pub links: Vec<Link>,
    /// The licence this manifest declares for its own project (`license` in package.json,
    /// Cargo.toml, pyproject.toml, composer.json).
    pub declared_licenses: Vec<LicenseDeclaration>,
}

impl Extracted {
    pub fn push(&mut self, component: Component) {
        self.components.push(component);
    }

    pub fn diagnose(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn extend(&mut self, other: Extracted) {
        self.components.extend(other.components);
        self.diagnostics.extend(other.diagnostics);
        self.links.extend(other.links);
        self.declared_licenses.extend(other.declared_licenses);
    }
}

/// The file name of a repo-relative path, as a `&str` (empty when not UTF-8).
///
/// Every extractor's `matches` calls this for every walked file, so it is a string split on
/// the walker's `/`-separated relative path, not `Path::file_name`'s component parsing (which
/// was the largest cost of a scan).
pub(crate) fn file_name(path: &Path) -> &str {
    let bytes = path.as_os_str().as_encoded_bytes();
    let name = match bytes.iter().rposition(|&b| b == b'/') {
        Some(i) => &bytes[i + 1..],
        None => bytes,
    };
    if name.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8. This runs for every extractor on every file of
        // the tree; the ASCII check is much cheaper than full validation of short names.
        unsafe { std::str::from_utf8_unchecked(name) }
    } else {
        std::str::from_utf8(name).unwrap_or("")
    }
}
