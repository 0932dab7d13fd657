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

mod dispatch;
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

pub use dispatch::Dispatch;
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
    /// The file names this extractor can claim, for the walker's dispatch table (see
    /// [`NameHint`]). `None` (the default) = `matches` is asked about every file.
    fn name_hint(&self) -> Option<NameHint> {
        None
    }
    /// Parses one file. Never panics; problems become diagnostics in the result.
    fn extract(&self, file: &SourceFile) -> Extracted;
}

/// Which file names an extractor may claim: a superset of what its `matches` accepts, so the
/// walker looks each walked file up once in a table built from every extractor's hint and asks
/// `matches` only of the few candidates (most files of a tree have none). Every string is
/// lowercase and compared with the file name ASCII-case-insensitively; `matches` still decides
/// case and directories.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NameHint {
    /// Whole file names (`package.json`).
    pub names: &'static [&'static str],
    /// What follows the name's last `.` (`yaml`, `csproj`).
    pub extensions: &'static [&'static str],
    /// Name prefixes (`dockerfile.`, `db.changelog`).
    pub prefixes: &'static [&'static str],
    /// Name suffixes that are not a whole extension (`-dockerfile`, `.gitlab-ci.yml`).
    pub suffixes: &'static [&'static str],
}

impl NameHint {
    /// Claims no file by name (formats only read when named, like SBOMs).
    pub const NONE: NameHint = NameHint {
        names: &[],
        extensions: &[],
        prefixes: &[],
        suffixes: &[],
    };

    /// Exactly these file names.
    pub const fn names(names: &'static [&'static str]) -> NameHint {
        NameHint {
            names,
            ..NameHint::NONE
        }
    }

    /// Any file name with one of these extensions.
    pub const fn extensions(extensions: &'static [&'static str]) -> NameHint {
        NameHint {
            extensions,
            ..NameHint::NONE
        }
    }
}

/// Whether `name` ends with `suffix`, ASCII-case-insensitively and without allocating.
pub(crate) fn ends_with_ignore_case(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
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
