//! What the walk learns about the scanned project's own licence: the `license` its manifests
//! declare (recorded by the extractors that already parse those files) and the licence files
//! at the root (recorded by the walker, which sees every file name). `polyver-license` reads
//! them from the inventory instead of re-parsing the tree.

/// The licence a manifest declares for its own project.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeclaredLicense {
    /// An expression or name as written (`MIT`, `MIT OR Apache-2.0`, `BSD`).
    Expression(String),
    /// A file that holds the licence text (PEP 621 `license = {file = "LICENSE"}`),
    /// relative to the manifest.
    File(String),
}

/// One declaration, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LicenseDeclaration {
    /// Repo-relative path of the manifest.
    pub path: String,
    /// 1-based line of the declaration.
    pub line: u32,
    /// Where in the manifest, among the places it may be declared (`0` = the first one the
    /// format defines: `package.license` before `workspace.package.license`).
    pub rank: u8,
    pub declared: DeclaredLicense,
}

/// npm and Composer allow a list of licences (`"licenses": ["MIT", "Apache-2.0"]`): a choice,
/// written as one expression (compound parts in parentheses). `None` for an empty list.
pub fn license_choice(parts: &[String]) -> Option<String> {
    let parts: Vec<String> = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.contains(' ') {
                format!("({p})")
            } else {
                p.to_string()
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

/// Whether a file name is a licence file (`LICENSE`, `LICENSE.md`, `COPYING`, `LICENSE-MIT`).
pub fn is_license_file(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let stem = upper.split('.').next().unwrap_or("");
    ["LICENSE", "LICENCE", "COPYING", "UNLICENSE"]
        .iter()
        .any(|p| {
            stem == *p || stem.starts_with(&format!("{p}-")) || stem.starts_with(&format!("{p}_"))
        })
}
