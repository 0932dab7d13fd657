//! What `polyver init` decides from a scan: the runtimes a repository pins, and which of
//! them are exact enough to be approved (the rest stay commented examples).

use polyver_model::{Inventory, Kind};
use std::collections::{BTreeMap, BTreeSet};

/// Versions (or constraints) seen per runtime name, with the files saying so.
pub fn runtimes(inventory: &Inventory) -> BTreeMap<&str, BTreeMap<String, BTreeSet<&str>>> {
    let mut out: BTreeMap<&str, BTreeMap<String, BTreeSet<&str>>> = BTreeMap::new();
    for c in &inventory.components {
        if c.kind != Kind::Runtime {
            continue;
        }
        let Some(v) = c
            .version
            .clone()
            .or_else(|| c.constraint.as_ref().map(|k| k.raw.clone()))
        else {
            continue;
        };
        out.entry(c.name.as_str())
            .or_default()
            .entry(v)
            .or_default()
            .extend(c.locations.iter().map(|l| l.path.as_str()));
    }
    out
}

/// Whether a runtime's version as found is a version, not a range: `3.11.6` or `20` (an
/// `.nvmrc` naming a release line), not `^3.9` or `>=3.10,<4`.
pub fn exact(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_digit()) && !v.contains([',', ' ', '*'])
}

/// The runtimes pinned to an exact version somewhere: their versions become `[approved]`.
pub fn approved<'a>(
    detected: &BTreeMap<&'a str, BTreeMap<String, BTreeSet<&str>>>,
) -> Vec<&'a str> {
    detected
        .iter()
        .filter(|(_, versions)| versions.keys().any(|v| exact(v)))
        .map(|(n, _)| *n)
        .collect()
}

/// The version of a runtime to approve among those found: an exact version over a range,
/// then the one most files agree on, then the first in order.
pub fn best_version<'a>(versions: &'a BTreeMap<String, BTreeSet<&str>>) -> Option<&'a String> {
    versions
        .iter()
        .max_by(|a, b| {
            (exact(a.0), a.1.len())
                .cmp(&(exact(b.0), b.1.len()))
                .then(b.0.cmp(a.0))
        })
        .map(|(v, _)| v)
}

const STATE_DIR: &str = ".polyver";
const STATE_GITIGNORE: &str =
    "# polyver's local state (registry database, caches): not for version control.\n*\n";

/// Where `init` writes in `root`: polyver.toml and the state directory (relative paths
/// when `root` is `.`, as the user sees them).
pub struct Target {
    pub config: std::path::PathBuf,
    pub state: std::path::PathBuf,
}

/// Checks that `root` is a directory and that polyver.toml is not there already (unless
/// `force`).
pub fn target(root: &std::path::Path, force: bool) -> Result<Target, crate::EngineError> {
    if !root.is_dir() {
        return Err(crate::EngineError::input(
            format!("{} is not a directory", root.display()),
            Some("give the repository root".to_string()),
        ));
    }
    let at = |name: &str| {
        if root == std::path::Path::new(".") {
            std::path::PathBuf::from(name)
        } else {
            root.join(name)
        }
    };
    let target = Target {
        config: at(polyver_config::FILE_NAME),
        state: at(STATE_DIR),
    };
    if target.config.exists() && !force {
        return Err(crate::EngineError::input(
            format!("{} exists already", target.config.display()),
            Some("edit it, or run `polyver init --force` to replace it".to_string()),
        ));
    }
    Ok(target)
}

/// Writes polyver.toml (`text`, which must load: a bug must not hand users a broken file)
/// atomically, and the state directory with its `.gitignore`; true when that directory is new.
pub fn write(target: &Target, text: &str) -> Result<bool, crate::EngineError> {
    if let Err(e) = polyver_config::parse(&target.config, text) {
        return Err(crate::EngineError::environment(
            format!("internal error: the generated polyver.toml does not load: {e}"),
            None,
        ));
    }
    let failed = |what: &std::path::Path, e: std::io::Error| {
        crate::EngineError::environment(
            format!(
                "cannot {} {}: {e}",
                if what == target.config {
                    "write"
                } else {
                    "create"
                },
                what.display()
            ),
            Some("check the directory's permissions".into()),
        )
    };
    crate::write_atomically(&target.config, text).map_err(|e| failed(&target.config, e))?;
    let created = !target.state.is_dir();
    let state = || -> std::io::Result<()> {
        std::fs::create_dir_all(&target.state)?;
        let ignore = target.state.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(ignore, STATE_GITIGNORE)?;
        }
        Ok(())
    };
    state().map_err(|e| failed(&target.state, e))?;
    Ok(created)
}
