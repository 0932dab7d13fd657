//! `paket.lock` (Paket, the alternative NuGet client of the F# world), every layout Paket has
//! written: the old one with a `specs:` line under each `remote:`, and the current one with
//! groups and settings headers.
//!
//! The file is indentation-structured, and Paket's own reader goes by indentation too:
//!
//! - at column 0: `GROUP Name` (a new group; before the first one, the group `Main`), a source
//!   kind (`NUGET`, `GITHUB`, `GIST`, `GIT`, `HTTP`), or a group setting (`STORAGE: NONE`,
//!   `RESTRICTION: >= net461`, `FRAMEWORK: net45` in old files, `REDIRECTS: ON`, ...);
//! - `remote: <feed, owner/repo or URL>` opens a source, `specs:` (old files) is noise;
//! - 4 spaces: one resolved entry, `Name (1.2.3)` for NuGet, optionally followed by
//!   ` - restriction: <expr>` (or ` - framework: ...`) and other settings;
//! - 6 spaces and more: a dependency of the entry above, `Name (>= 1.0) - restriction: ...`,
//!   or just `Name` (any version); `build:`, `path:`, `os:` belong to a git entry.
//!
//! NuGet entries are `nuget` components in their group's scope (group words: `Build` → build,
//! `Test` → test, `Docs` → dev; `Main` and the rest → runtime), with the entry's own framework
//! restriction (else the group's) as `marker`, and edges to the version resolved for each
//! dependency in the same group. Which entries are direct comes from the `paket.dependencies`
//! beside the lock (its `nuget Name` lines, per `group`); without one, entries nothing else in
//! the group depends on are taken as direct.
//!
//! `GITHUB`, `GIST`, `GIT` and `HTTP` entries are source files and repositories, not NuGet
//! packages: each is a `generic` component named by its remote (`fsharp/FAKE`, a gist id, a
//! git URL; for HTTP the remote joined with the file's path on the server, `(/raw/1M)`),
//! versioned by the commit the lock pins (none for HTTP), with the
//! repository or URL as `url`. Several files from one repository at one commit are one
//! component found on several lines. They are always direct: paket.dependencies names them.

use crate::extractors::scope_from_words;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct PaketLockExtractor;

const ID: Format = Format::PaketLock;

/// The group entries belong to before any `GROUP` line.
const MAIN_GROUP: &str = "Main";

impl Extractor for PaketLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["paket.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "paket.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let entries = parse(file, &mut out);
        let declared = sibling_dependencies(file);
        emit(file, entries, declared.as_ref(), &mut out);
        out
    }
}

/// Where a `remote:` gets its entries from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SourceKind {
    Nuget,
    Github,
    Gist,
    Git,
    Http,
}

impl SourceKind {
    fn from_header(line: &str) -> Option<SourceKind> {
        Some(match line {
            "NUGET" => SourceKind::Nuget,
            "GITHUB" => SourceKind::Github,
            "GIST" => SourceKind::Gist,
            "GIT" => SourceKind::Git,
            "HTTP" => SourceKind::Http,
            _ => return None,
        })
    }
}

/// One resolved entry (4-space line) with its dependency lines.
struct Entry {
    group: String,
    kind: SourceKind,
    remote: String,
    name: String,
    version: Option<String>,
    restriction: Option<String>,
    line: u32,
    dependencies: Vec<String>,
}

fn parse(file: &SourceFile, out: &mut Extracted) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut group = MAIN_GROUP.to_string();
    let mut group_restriction: Option<String> = None;
    let mut kind: Option<SourceKind> = None;
    let mut remote: Option<String> = None;
    let warn = |line: u32, message: String| {
        Diagnostic::warning(DiagnosticCode::ParseError, file.path(), line, message)
    };
    for (index, raw) in file.text().lines().enumerate() {
        let line = index as u32 + 1;
        let text = raw.trim_end();
        let trimmed = text.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let indent = text.len() - trimmed.len();
        if indent == 0 {
            if let Some(name) = trimmed.strip_prefix("GROUP ") {
                group = name.trim().to_string();
                group_restriction = None;
                kind = None;
                remote = None;
            } else if let Some(k) = SourceKind::from_header(trimmed) {
                kind = Some(k);
                remote = None;
            } else if let Some((key, value)) = setting(trimmed) {
                if matches!(key, "RESTRICTION" | "FRAMEWORK") {
                    group_restriction = Some(value.to_string());
                }
            } else {
                out.diagnose(warn(
                    line,
                    format!("not a paket.lock line: {}", clip(trimmed)),
                ));
            }
            continue;
        }
        if let Some(r) = trimmed.strip_prefix("remote:") {
            remote = Some(r.trim().to_string());
            continue;
        }
        if trimmed == "specs:"
            || ["build:", "path:", "os:"]
                .iter()
                .any(|k| trimmed.starts_with(k))
        {
            continue;
        }
        let (Some(kind), Some(remote)) = (kind, remote.as_ref()) else {
            out.diagnose(warn(
                line,
                format!(
                    "entry outside a source (`remote:` line missing): {}",
                    clip(trimmed)
                ),
            ));
            continue;
        };
        // A git entry is `(commit)` alone, however deep it is indented.
        if indent >= 6 && !(kind == SourceKind::Git && trimmed.starts_with('(')) {
            let Some(entry) = entries.last_mut().filter(|e| e.line < line) else {
                out.diagnose(warn(line, "dependency line before any entry".to_string()));
                continue;
            };
            let (head, _) = split_settings(trimmed);
            let name = head.split(" (").next().unwrap_or(head).trim();
            if name.is_empty() {
                out.diagnose(warn(
                    line,
                    format!("dependency without a name: {}", clip(trimmed)),
                ));
            } else {
                entry.dependencies.push(name.to_string());
            }
            continue;
        }
        let (head, settings) = split_settings(trimmed);
        let (name, version) = match head.split_once('(') {
            Some((name, rest)) => match rest.split_once(')') {
                Some((v, _)) => (name.trim(), Some(v.trim().to_string())),
                None => {
                    out.diagnose(warn(line, format!("`(` without `)`: {}", clip(trimmed))));
                    continue;
                }
            },
            None => (head.trim(), None),
        };
        if kind == SourceKind::Nuget && (name.is_empty() || version.is_none()) {
            out.diagnose(warn(
                line,
                format!(
                    "a NuGet entry is `Name (version)`, found: {}",
                    clip(trimmed)
                ),
            ));
            continue;
        }
        let restriction = settings
            .and_then(restriction_of)
            .or_else(|| group_restriction.clone());
        // An HTTP entry is `local-name (/path/on/server)`: the file is the remote plus that path.
        let remote = match (kind, &version) {
            (SourceKind::Http, Some(path)) => format!("{remote}{path}"),
            _ => remote.clone(),
        };
        entries.push(Entry {
            group: group.clone(),
            kind,
            remote,
            name: name.to_string(),
            // HTTP entries give the path on the server in parentheses, not a version.
            version: version.filter(|v| !v.is_empty() && kind != SourceKind::Http),
            restriction,
            line,
            dependencies: Vec::new(),
        });
    }
    entries
}

/// `KEY: value` at column 0 (`STORAGE: NONE`, `RESTRICTION: >= net461`).
fn setting(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    key.bytes()
        .all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'_')
        .then_some((key, value.trim()))
}

/// `Name (1.0) - restriction: ...` → (`Name (1.0)`, `restriction: ...`).
fn split_settings(line: &str) -> (&str, Option<&str>) {
    match line.split_once(" - ") {
        Some((head, settings)) => (head, Some(settings.trim())),
        None => (line, None),
    }
}

/// The framework condition of an entry's settings (`copy_local: true, restriction: >= net45`):
/// `restriction:` (Paket 5+) or `framework:` (older files), up to the next `, key:` setting.
fn restriction_of(settings: &str) -> Option<String> {
    let start = ["restriction:", "framework:"]
        .iter()
        .find_map(|k| settings.find(k).map(|i| i + k.len()))?;
    let rest = &settings[start..];
    let mut end = rest.len();
    for (i, _) in rest.match_indices(", ") {
        let next = &rest[i + 2..];
        let key_len = next.find(':').filter(|&n| {
            next[..n]
                .bytes()
                .all(|b| b.is_ascii_alphabetic() || b == b'_')
        });
        if key_len.is_some() {
            end = i;
            break;
        }
    }
    let value = rest[..end].trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// A line shortened for a message.
fn clip(line: &str) -> String {
    const MAX: usize = 80;
    match line.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &line[..i]),
        None => line.to_string(),
    }
}

/// The NuGet packages `paket.dependencies` beside the lock declares, per lowercase group name
/// (`None` when there is no such file).
fn sibling_dependencies(file: &SourceFile) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let manifest = file.open_relative("paket.dependencies").ok()?;
    let mut declared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut group = MAIN_GROUP.to_ascii_lowercase();
    for line in manifest.text().lines() {
        let line = line.trim();
        let mut words = line.split_whitespace();
        match words.next() {
            Some("group") => {
                group = words.next().unwrap_or(MAIN_GROUP).to_ascii_lowercase();
            }
            Some("nuget" | "clitool") => {
                if let Some(name) = words.next() {
                    declared
                        .entry(group.clone())
                        .or_default()
                        .insert(name.to_ascii_lowercase());
                }
            }
            _ => {}
        }
    }
    Some(declared)
}

fn emit(
    file: &SourceFile,
    entries: Vec<Entry>,
    declared: Option<&BTreeMap<String, BTreeSet<String>>>,
    out: &mut Extracted,
) {
    // (lowercase group, lowercase name) → version, for edges and for "depended on".
    let mut resolved: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    let mut depended_on: BTreeSet<(String, String)> = BTreeSet::new();
    for e in &entries {
        let group = e.group.to_ascii_lowercase();
        if e.kind == SourceKind::Nuget {
            resolved
                .entry((group.clone(), e.name.to_ascii_lowercase()))
                .or_insert_with(|| e.version.clone());
        }
        for d in &e.dependencies {
            if !d.eq_ignore_ascii_case(&e.name) {
                depended_on.insert((group.clone(), d.to_ascii_lowercase()));
            }
        }
    }
    for e in entries {
        let group = e.group.to_ascii_lowercase();
        let scope = if group == "main" {
            Scope::Runtime
        } else {
            scope_from_words(&e.group, Scope::Runtime)
        };
        let dependencies: Vec<DependencyEdge> = e
            .dependencies
            .iter()
            .map(|d| DependencyEdge {
                name: d.clone(),
                version: resolved
                    .get(&(group.clone(), d.to_ascii_lowercase()))
                    .cloned()
                    .flatten(),
            })
            .collect();
        let key = (group.clone(), e.name.to_ascii_lowercase());
        let mut c = match e.kind {
            SourceKind::Nuget => {
                let direct = match declared {
                    Some(d) => d.get(&group).is_some_and(|names| names.contains(&key.1)),
                    None => !depended_on.contains(&key),
                };
                let mut c = Component::new(
                    Kind::Package,
                    Ecosystem::Nuget,
                    &e.name,
                    ID,
                    file.location(e.line),
                )
                .with_direct(direct);
                c.marker = e.restriction;
                c
            }
            kind => {
                let url = match kind {
                    SourceKind::Github => format!("https://github.com/{}", e.remote),
                    SourceKind::Gist => format!("https://gist.github.com/{}", e.remote),
                    _ => e.remote.clone(),
                };
                let mut c = Component::new(
                    Kind::Package,
                    Ecosystem::Generic,
                    &e.remote,
                    ID,
                    file.location(e.line),
                );
                c.url = Some(url);
                c
            }
        };
        c = c.with_scope(scope);
        if let Some(v) = &e.version {
            c = c.with_version(v);
        }
        c.dependencies = dependencies;
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restriction_stops_at_the_next_setting() {
        assert_eq!(
            restriction_of("restriction: || (>= net45) (>= netstandard2.0)").as_deref(),
            Some("|| (>= net45) (>= netstandard2.0)")
        );
        assert_eq!(
            restriction_of("copy_local: true, restriction: >= net45, import_targets: false")
                .as_deref(),
            Some(">= net45")
        );
        assert_eq!(
            restriction_of("framework: >= net40, net45").as_deref(),
            Some(">= net40, net45")
        );
        assert_eq!(restriction_of("copy_local: true"), None);
    }
}
