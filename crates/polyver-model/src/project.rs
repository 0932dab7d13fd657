//! How the files of a repository belong together, learned once during the walk: which file
//! includes which (`-r`/`-c` in requirements files), so analyses do not re-read the tree.
//! Carried in-process with the [`Inventory`](crate::Inventory) (not part of the
//! `polyver.scan/v1` JSON: the same facts are in the components' locations).

use serde::{Deserialize, Serialize};

/// How one file refers to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// pip `-r FILE`: the other file's requirements are part of this installation.
    Requirements,
    /// pip `-c FILE`: the other file constrains this installation.
    Constraints,
}

/// One file referring to another, both repository-relative with `/` separators.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    pub from: String,
    /// 1-based line of the reference in `from`.
    pub line: u32,
    pub to: String,
    pub kind: LinkKind,
}

impl Link {
    pub fn new(from: impl Into<String>, line: u32, to: impl Into<String>, kind: LinkKind) -> Link {
        Link {
            from: from.into(),
            line,
            to: to.into(),
            kind,
        }
    }
}
