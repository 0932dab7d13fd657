//! Licences from installed packages inside the scanned tree: Python's
//! `site-packages/<name>-<version>.dist-info/METADATA` in the usual virtualenv folders, and
//! npm's `node_modules/<name>/package.json` beside each JavaScript manifest.
//!
//! For Go, the licence files of the module cache (`$GOMODCACHE/<path>@<version>/LICENSE`)
//! and of `vendor/<path>/`, recognized by text. For Rust, the crate sources cargo unpacked (`$CARGO_HOME/registry/src/<index>/<name>-<version>/Cargo.toml`,
//! and `vendor/<name>/Cargo.toml` from `cargo vendor`) carry the published `license`.
//!
//! The scan skips `node_modules` and virtualenvs (they hold thousands of files); the npm and
//! Python metadata in them is found after the walk by `polyver_extract::installed`, by package
//! name and with the scan's rules (exclude globs, symlink policy, size cap, safe read); this
//! module reads the licence out of what it found. Cargo's and Go's sources (module caches
//! outside the tree, `vendor/` folders) are looked up here directly; files over 1 MiB are not
//! read.

use crate::expression::{from_classifier, normalize, Normalized, Rule};
use polyver_extract::installed::{folder_allowed, Installed};
use polyver_extract::ScanConfig;
use std::path::{Path, PathBuf};

const MAX_FILE: u64 = 1 << 20;

/// A licence found in installed metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub license: Normalized,
    /// Repo-relative path of the file read.
    pub path: String,
    /// The installed version.
    pub version: Option<String>,
}

/// The licence of Python package `name` (at `version` when given and installed) from the
/// METADATA the installed-metadata walk found.
pub fn python(installed: &Installed, name: &str, version: Option<&str>) -> Option<Found> {
    let candidates = installed.python(name);
    let file = match version {
        Some(v) => candidates
            .iter()
            .find(|f| f.version.as_deref() == Some(v))?,
        None => candidates.first()?,
    };
    Some(Found {
        license: from_metadata(&file.text),
        path: file.path.clone(),
        version: file.version.clone(),
    })
}

/// The licence a core-metadata file declares. `License-Expression` (PEP 639) wins; then a
/// `License` field that is SPDX or an unambiguous name; then the licence classifiers (several
/// mean a choice); then whatever `License` guessed; otherwise unknown.
pub fn from_metadata(text: &str) -> Normalized {
    let mut expression = None;
    let mut license: Option<String> = None;
    let mut classifiers = Vec::new();
    let mut in_license = false;
    for line in text.lines() {
        if line.is_empty() {
            break; // the body (long description) follows
        }
        if in_license && (line.starts_with(' ') || line.starts_with('\t')) {
            if let Some(l) = license.as_mut() {
                l.push('\n');
                l.push_str(line.trim());
            }
            continue;
        }
        in_license = false;
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.to_ascii_lowercase().as_str() {
            "license-expression" => expression = Some(value.to_string()),
            "license" => {
                license = Some(value.to_string());
                in_license = true;
            }
            "classifier" if value.starts_with("License ::") => classifiers.push(value.to_string()),
            _ => {}
        }
    }
    from_fields(expression.as_deref(), license.as_deref(), &classifiers)
}

/// The decision of [`from_metadata`] over already extracted fields (also used for the PyPI
/// JSON API, which carries the same three).
pub fn from_fields(
    expression: Option<&str>,
    license: Option<&str>,
    classifiers: &[String],
) -> Normalized {
    if let Some(e) = expression.filter(|e| !e.trim().is_empty()) {
        return normalize(e);
    }
    let declared = license.filter(|l| !l.trim().is_empty()).map(normalize);
    if let Some(d) = &declared {
        if matches!(
            d.rule,
            Rule::Spdx | Rule::Normalized | Rule::Alias | Rule::Text
        ) {
            return d.clone();
        }
    }
    let mapped: Vec<Normalized> = classifiers
        .iter()
        .filter_map(|c| from_classifier(c))
        .filter(|n| n.expression.is_some())
        .collect();
    match mapped.as_slice() {
        [] => {}
        [one] => return one.clone(),
        several => {
            let mut ids: Vec<&str> = several
                .iter()
                .filter_map(|n| n.expression.as_deref())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let rule = several
                .iter()
                .map(|n| n.rule)
                .max()
                .unwrap_or(Rule::Classifier);
            return Normalized {
                declared: classifiers.join("; "),
                expression: Some(ids.join(" OR ")),
                rule,
                note: Some("several licence classifiers: read as a choice".to_string()),
            };
        }
    }
    declared.unwrap_or_else(|| Normalized::unknown("", "no licence in the package metadata"))
}

/// The licence of npm package `name` installed in `node_modules` of one of `dirs`
/// (repo-relative), from the package.json the installed-metadata walk found.
pub fn node_module(
    installed: &Installed,
    dirs: &[&str],
    name: &str,
    version: Option<&str>,
) -> Option<Found> {
    for dir in dirs {
        let Some(file) = installed.npm(dir, name) else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&file.text) else {
            continue;
        };
        let installed = doc.get("version").and_then(|v| v.as_str());
        if version.is_some() && installed != version {
            continue; // another version: its licence may differ
        }
        let license = match crate::project::json_license(&doc) {
            Some(d) => normalize(&d),
            None => Normalized::unknown("", "no licence in the installed package.json"),
        };
        return Some(Found {
            license,
            path: file.path.clone(),
            version: installed.map(str::to_string),
        });
    }
    None
}

/// Unpacked crate sources: cargo's registry cache and `vendor/` folders.
#[derive(Default)]
pub struct CargoSources {
    /// `registry/src/<index>` folders of CARGO_HOME.
    registry: Vec<PathBuf>,
    /// `vendor` folders in the tree.
    vendor: Vec<PathBuf>,
    /// The scan's rules, which a vendored crate folder must pass.
    scan: ScanConfig,
}

impl CargoSources {
    /// `cargo_home` (the caller's `$CARGO_HOME` or `~/.cargo`, `None` to skip it) and
    /// `vendor/` under each of `dirs`.
    pub fn discover(
        cargo_home: Option<&Path>,
        dirs: &[PathBuf],
        scan: &ScanConfig,
    ) -> CargoSources {
        let mut registry = Vec::new();
        if let Some(home) = cargo_home {
            if let Ok(entries) = std::fs::read_dir(home.join("registry").join("src")) {
                registry.extend(entries.filter_map(|e| e.ok()).take(16).map(|e| e.path()));
            }
        }
        registry.sort();
        let vendor = dirs
            .iter()
            .map(|d| d.join("vendor"))
            .filter(|v| v.is_dir())
            .collect();
        CargoSources {
            registry,
            vendor,
            scan: scan.clone(),
        }
    }

    /// The `license` (or `license-file`, read and recognized) of crate `name` `version`.
    pub fn lookup(&self, root: &Path, name: &str, version: Option<&str>) -> Option<Found> {
        let version = version?;
        let dir_name = format!("{name}-{version}");
        let candidates = self
            .registry
            .iter()
            .map(|r| (r.join(&dir_name), true))
            .chain(
                self.vendor
                    .iter()
                    .flat_map(|v| [(v.join(&dir_name), false), (v.join(name), false)]),
            );
        for (dir, in_cargo_home) in candidates {
            if !in_cargo_home && !folder_allowed(root, &dir, &self.scan) {
                continue;
            }
            let manifest = dir.join("Cargo.toml");
            let Some(text) = read_small(&dir, &manifest) else {
                continue;
            };
            let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
                continue;
            };
            let package = doc.get("package");
            if package
                .and_then(|p| p.get("version"))
                .and_then(|v| v.as_str())
                != Some(version)
            {
                continue;
            }
            let license = match package
                .and_then(|p| p.get("license"))
                .and_then(|l| l.as_str())
            {
                Some(l) => normalize(l),
                None => match package
                    .and_then(|p| p.get("license-file"))
                    .and_then(|f| f.as_str())
                    .and_then(|f| read_small(&dir, &dir.join(f)))
                {
                    Some(text) => crate::project::from_text(&text),
                    None => Normalized::unknown("", "no licence in the crate's Cargo.toml"),
                },
            };
            let path = if in_cargo_home {
                let index = dir
                    .parent()
                    .and_then(|p| p.file_name())
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                format!("$CARGO_HOME/registry/src/{index}/{dir_name}/Cargo.toml")
            } else {
                relative(root, &manifest)
            };
            return Some(Found {
                license,
                path,
                version: Some(version.to_string()),
            });
        }
        None
    }
}

/// Go module sources: the module cache (`$GOMODCACHE/<escaped path>@<version>/`) and
/// `vendor/<path>/` from `go mod vendor`, whose licence files are recognized by text.
#[derive(Default)]
pub struct GoSources {
    mod_cache: Option<PathBuf>,
    vendor: Vec<PathBuf>,
    /// The scan's rules, which a vendored module folder must pass.
    scan: ScanConfig,
}

impl GoSources {
    pub fn discover(mod_cache: Option<&Path>, dirs: &[PathBuf], scan: &ScanConfig) -> GoSources {
        GoSources {
            mod_cache: mod_cache.filter(|d| d.is_dir()).map(Path::to_path_buf),
            vendor: dirs
                .iter()
                .map(|d| d.join("vendor"))
                .filter(|v| v.is_dir())
                .collect(),
            scan: scan.clone(),
        }
    }

    /// The licence files of module `path` at `version`. Several recognized licences are
    /// all taken to apply (`AND`), as pkg.go.dev does.
    pub fn lookup(&self, root: &Path, path: &str, version: Option<&str>) -> Option<Found> {
        if path.split('/').any(|seg| seg == ".." || seg.is_empty()) {
            return None;
        }
        let mut candidates = Vec::new();
        if let (Some(cache), Some(v)) = (&self.mod_cache, version) {
            let dir = format!("{}@{v}", escape_module_path(path));
            candidates.push((cache.join(&dir), Some(format!("$GOMODCACHE/{dir}"))));
        }
        for v in &self.vendor {
            let dir = v.join(path);
            if folder_allowed(root, &dir, &self.scan) {
                candidates.push((dir, None));
            }
        }
        for (dir, shown) in candidates {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| polyver_model::project::is_license_file(n))
                .take(8)
                .collect();
            names.sort();
            let mut ids: Vec<String> = Vec::new();
            let mut first = None;
            for name in &names {
                let Some(text) = read_small(&dir, &dir.join(name)) else {
                    continue;
                };
                let n = crate::project::from_text(&text);
                first.get_or_insert((name.clone(), n.clone()));
                if let Some(id) = n.expression {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            let Some((file, unrecognized)) = first else {
                continue;
            };
            let where_ = |f: &str| match &shown {
                Some(s) => format!("{s}/{f}"),
                None => relative(root, &dir.join(f)),
            };
            let license = match ids.len() {
                0 => unrecognized,
                1 => Normalized {
                    declared: "(licence text)".to_string(),
                    expression: ids.pop(),
                    rule: Rule::Text,
                    note: Some(format!("recognized in {file}")),
                },
                _ => Normalized {
                    declared: "(licence texts)".to_string(),
                    expression: Some(ids.join(" AND ")),
                    rule: Rule::Text,
                    note: Some(format!(
                        "several licence files ({}): all taken to apply",
                        names.join(", ")
                    )),
                },
            };
            return Some(Found {
                license,
                path: where_(&file),
                version: version.map(str::to_string),
            });
        }
        None
    }
}

/// The module cache's case encoding: every uppercase letter becomes `!` + lowercase.
pub fn escape_module_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for ch in path.chars() {
        if ch.is_ascii_uppercase() {
            out.push('!');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Installed metadata may be the scanned repository's: read only if it lands inside `base`,
/// the directory the lookup searched (a package's own directory; `node_modules` for npm,
/// whose pnpm layout links into `node_modules/.pnpm`), regular files only, capped.
fn read_small(base: &Path, path: &Path) -> Option<String> {
    let bytes = polyver_model::read::read_contained(base, path, MAX_FILE).ok()?;
    String::from_utf8(bytes).ok()
}

pub(crate) fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
