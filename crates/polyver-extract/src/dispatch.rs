//! The dispatch table: which extractors may claim a walked file, found from its name alone.
//!
//! Asking each of ~40 extractors `matches()` about each of tens of thousands of files was a
//! large share of a scan (issue 13 item 12). Instead every extractor declares a
//! [`NameHint`](crate::NameHint) next to its `matches`, and the walker builds this table once:
//! a file's name is split (and lowercased, when it has capitals) once, looked up by whole
//! name and by extension, and checked against the few prefixes and suffixes; only those
//! candidates are asked `matches`, which still has the final word. Extractors without a hint
//! are asked about every file, as before. The result equals asking every extractor (tests
//! below: every file of this repository, and random paths).

use crate::Extractor;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// Candidate extractors by file name, built once per scan from the extractors' hints.
pub struct Dispatch {
    by_name: HashMap<&'static str, Vec<usize>>,
    by_extension: HashMap<&'static str, Vec<usize>>,
    prefixes: Vec<(&'static str, usize)>,
    suffixes: Vec<(&'static str, usize)>,
    /// Extractors without a hint: asked about every file.
    always: Vec<usize>,
}

impl Dispatch {
    /// The table for `extractors` (indices below are into this slice).
    pub fn new(extractors: &[&dyn Extractor]) -> Dispatch {
        let mut table = Dispatch {
            by_name: HashMap::new(),
            by_extension: HashMap::new(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            always: Vec::new(),
        };
        for (i, extractor) in extractors.iter().enumerate() {
            let Some(hint) = extractor.name_hint() else {
                table.always.push(i);
                continue;
            };
            for name in hint.names {
                table.by_name.entry(name).or_default().push(i);
            }
            for ext in hint.extensions {
                table.by_extension.entry(ext).or_default().push(i);
            }
            table.prefixes.extend(hint.prefixes.iter().map(|p| (*p, i)));
            table.suffixes.extend(hint.suffixes.iter().map(|s| (*s, i)));
        }
        table
    }

    /// The extractors (ascending indices) whose `matches` accepts the repo-relative,
    /// `/`-separated `path`: the same list as asking each extractor in turn.
    pub fn claimants(&self, extractors: &[&dyn Extractor], path: &Path) -> Vec<usize> {
        let name = crate::file_name(path);
        let lower: Cow<str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let lower = lower.as_ref();
        let mut candidates: Vec<usize> = self.always.clone();
        if let Some(found) = self.by_name.get(lower) {
            candidates.extend(found);
        }
        if let Some((_, ext)) = lower.rsplit_once('.') {
            if let Some(found) = self.by_extension.get(ext) {
                candidates.extend(found);
            }
        }
        for (prefix, i) in &self.prefixes {
            if lower.starts_with(prefix) {
                candidates.push(*i);
            }
        }
        for (suffix, i) in &self.suffixes {
            if lower.ends_with(suffix) {
                candidates.push(*i);
            }
        }
        if candidates.is_empty() {
            return candidates;
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|&i| extractors[i].matches(path));
        candidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;
    use proptest::prelude::*;
    use std::path::PathBuf;

    /// The walker's answer before the table: every extractor asked in turn.
    fn asked_each(extractors: &[&dyn Extractor], path: &Path) -> Vec<usize> {
        (0..extractors.len())
            .filter(|&i| extractors[i].matches(path))
            .collect()
    }

    fn repo_files(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name == ".git" {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => repo_files(&path, root, out),
                Ok(t) if t.is_file() => {
                    if let Ok(rel) = path.strip_prefix(root) {
                        out.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn table_equals_matches_on_every_file_of_the_repository() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let root = root.canonicalize().unwrap();
        let mut files = Vec::new();
        repo_files(&root, &root, &mut files);
        assert!(files.len() > 500, "walked only {} files", files.len());
        let extractors = registry::extractors();
        let table = Dispatch::new(&extractors);
        let mut claimed = 0;
        for rel in &files {
            // Each path as walked, and with its file name's case changed both ways.
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            for variant in [
                name.to_string(),
                name.to_ascii_uppercase(),
                name.to_ascii_lowercase(),
            ] {
                let path = if dir.is_empty() {
                    variant
                } else {
                    format!("{dir}/{variant}")
                };
                let path = Path::new(&path);
                let expected = asked_each(&extractors, path);
                claimed += usize::from(!expected.is_empty());
                assert_eq!(table.claimants(&extractors, path), expected, "{path:?}");
            }
        }
        // The fixtures hold every format: a table that claimed nothing would pass vacuously.
        assert!(claimed > 300, "only {claimed} claimed paths");
    }

    #[test]
    fn extractors_without_a_hint_are_asked_about_every_file() {
        struct Everything;
        impl Extractor for Everything {
            fn format(&self) -> polyver_model::Format {
                polyver_model::Format::VersionFile
            }
            fn matches(&self, path: &Path) -> bool {
                path.to_str().is_some_and(|p| p.ends_with(".anything"))
            }
            fn extract(&self, _: &crate::SourceFile) -> crate::Extracted {
                crate::Extracted::default()
            }
        }
        let extractors: Vec<&dyn Extractor> = vec![
            &Everything,
            registry::extractor(polyver_model::Format::GoMod),
        ];
        let table = Dispatch::new(&extractors);
        assert_eq!(
            table.claimants(&extractors, Path::new("a/b.anything")),
            vec![0]
        );
        assert_eq!(table.claimants(&extractors, Path::new("a/go.mod")), vec![1]);
        assert!(table
            .claimants(&extractors, Path::new("a/b.txt"))
            .is_empty());
    }

    /// Pieces that file names and directories of the registered formats are made of.
    const DIRS: &[&str] = &[
        ".github",
        "workflows",
        "actions",
        "api",
        "requirements",
        "gradle",
        "dependency-locks",
        "db",
        "migrate",
        "migrations",
        "alembic",
        "versions",
        ".terraform",
        "20240101_init",
        "src",
        "Requirements",
        "API",
    ];
    const NAME_PARTS: &[&str] = &[
        "requirements",
        "constraints",
        "Dockerfile",
        "dockerfile",
        "Containerfile",
        "docker-compose",
        "compose",
        "values",
        "Chart",
        "pulumi",
        "Pulumi",
        "openapi",
        "swagger",
        "package",
        "package-lock",
        "pnpm-lock",
        "yarn",
        "bun",
        "Cargo",
        "go",
        "pom",
        "build",
        "settings",
        "libs",
        "gradle",
        "Gemfile",
        "gems",
        "composer",
        "Pipfile",
        "poetry",
        "uv",
        "pdm",
        "pylock",
        "setup",
        "pyproject",
        "Directory.Packages",
        "Directory.Build",
        "packages",
        "app",
        ".gitlab-ci",
        "gitlab-ci",
        "action",
        "kustomization",
        "db.changelog",
        "schema",
        "V1__init",
        "001_init.up",
        "migration",
        ".nvmrc",
        ".python-version",
        ".tool-versions",
        "rust-toolchain",
        "mise",
        ".terraform",
        "main",
        "env",
        "__init__",
        "x",
    ];
    const SEPARATORS: &[&str] = &["", ".", "-", "_"];
    const EXTENSIONS: &[&str] = &[
        "",
        ".yaml",
        ".yml",
        ".YAML",
        ".Yml",
        ".json",
        ".toml",
        ".txt",
        ".TXT",
        ".in",
        ".lock",
        ".lockb",
        ".lockfile",
        ".mod",
        ".sum",
        ".xml",
        ".gradle",
        ".kts",
        ".gradle.kts",
        ".csproj",
        ".CsProj",
        ".fsproj",
        ".vbproj",
        ".props",
        ".config",
        ".tf",
        ".hcl",
        ".py",
        ".rb",
        ".sql",
        ".versions.toml",
        ".lock.json",
        ".dockerfile",
        ".dockerignore",
        ".lock.hcl",
        ".cfg",
        ".locked",
    ];

    fn random_path() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(prop::sample::select(DIRS), 0..4),
            prop::collection::vec(
                (
                    prop::sample::select(SEPARATORS),
                    prop::sample::select(NAME_PARTS),
                ),
                1..3,
            ),
            prop::sample::select(EXTENSIONS),
        )
            .prop_map(|(dirs, parts, ext)| {
                let mut name: String = parts.iter().map(|(s, p)| format!("{s}{p}")).collect();
                name = name.trim_start_matches(['-', '_']).to_string();
                name.push_str(ext);
                let mut path = dirs.join("/");
                if !path.is_empty() {
                    path.push('/');
                }
                path + &name
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn table_equals_matches_on_random_paths(path in random_path()) {
            let extractors = registry::extractors();
            let table = Dispatch::new(&extractors);
            let path = Path::new(&path);
            prop_assert_eq!(table.claimants(&extractors, path), asked_each(&extractors, path));
        }
    }
}
