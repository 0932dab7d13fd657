//! `Gemfile.lock` / `gems.locked` (Bundler), read line by line: Bundler writes it with fixed indentation, so
//! a line scanner is exact and never needs to evaluate anything.
//!
//! Sections: `GEM`, `GIT` and `PATH` source sections (`remote:`, `revision:`, `specs:` with
//! 4-space `name (version[-platform])` lines and 6-space `dep (requirement)` lines → edges),
//! `PLATFORMS`, `DEPENDENCIES` (the Gemfile's direct gems; a `!` suffix marks a git/path
//! source), `CHECKSUMS` (Bundler 2.5+: `name (version) sha256=…` → `integrity`),
//! `RUBY VERSION` (→ the `ruby` runtime) and `BUNDLED WITH` (→ the `bundler` tool).
//! Unknown sections (`PLUGIN SOURCE`, future ones) are skipped.
//!
//! A platform-specific spec (`nokogiri (1.16.0-x86_64-linux)`) has version `1.16.0` and
//! `platform` `x86_64-linux`; RubyGems versions never contain `-`, so the split is exact.
//! A `GIT` spec's `url` is its `remote` and its `integrity` the locked `revision` (the
//! commit is what pins the content); a `PATH` spec's `url` is its path. `PATH` specs with
//! remote `.` are the repository's own gem (`gemspec` in the Gemfile): not reported, but
//! their dependencies are direct, since Bundler lists a gemspec's runtime dependencies only
//! there.
//!
//! Scopes: the lock does not record groups, so the `Gemfile` beside it is read (see
//! [`crate::extractors::gemfile::declared_scopes`]): a direct gem takes its group's scope, and a
//! transitive one the strongest scope of the direct gems that reach it (runtime wins over
//! dev, dev over test). Without a readable Gemfile everything is runtime.

use crate::extractors::gemfile::declared_scopes;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct GemfileLockExtractor;

const ID: Format = Format::GemfileLock;

impl Extractor for GemfileLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["gemfile.lock", "gems.locked"]))
    }

    fn matches(&self, path: &Path) -> bool {
        matches!(file_name(path), "Gemfile.lock" | "gems.locked")
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let lock = parse(file, &mut out);
        let declared = file
            .open_relative(if file.file_name() == "gems.locked" {
                "gems.rb"
            } else {
                "Gemfile"
            })
            .ok()
            .map(|g| declared_scopes(&g));
        components(file, &lock, declared.as_ref(), &mut out);
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Gem,
    Git,
    Path,
    Platforms,
    Dependencies,
    Checksums,
    Ruby,
    Bundled,
    Other,
}

#[derive(Default)]
struct Spec {
    name: String,
    version: String,
    platform: Option<String>,
    line: u32,
    url: Option<String>,
    integrity: Option<String>,
    /// Whether it is the repository's own gem (`PATH` with remote `.`).
    own: bool,
    deps: Vec<String>,
}

#[derive(Default)]
struct Lock {
    specs: Vec<Spec>,
    /// Names under `DEPENDENCIES`.
    direct: BTreeSet<String>,
    /// `name (version)` → checksum, from `CHECKSUMS`.
    checksums: BTreeMap<String, String>,
    ruby: Option<(u32, String)>,
    bundler: Option<(u32, String)>,
}

/// `name (inside)` → (name, inside); `name` alone → (name, "").
fn name_and_paren(s: &str) -> Option<(&str, &str)> {
    match s.split_once(" (") {
        Some((name, rest)) => Some((name.trim(), rest.strip_suffix(')')?.trim())),
        None if !s.contains(['(', ')', ' ']) => Some((s, "")),
        None => None,
    }
}

fn parse(file: &SourceFile, out: &mut Extracted) -> Lock {
    let mut lock = Lock::default();
    let mut section = Section::Other;
    // Attributes of the current source section.
    let mut remote: Option<String> = None;
    let mut revision: Option<String> = None;
    let mut in_specs = false;
    let bad = |out: &mut Extracted, line: u32, msg: String| {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::ParseError,
            file.path(),
            line,
            msg,
        ))
    };
    for (idx, raw) in file.text().lines().enumerate() {
        let line_no = idx as u32 + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let text = raw.trim();
        if indent == 0 {
            section = match text {
                "GEM" => Section::Gem,
                "GIT" => Section::Git,
                "PATH" => Section::Path,
                "PLATFORMS" => Section::Platforms,
                "DEPENDENCIES" => Section::Dependencies,
                "CHECKSUMS" => Section::Checksums,
                "RUBY VERSION" => Section::Ruby,
                "BUNDLED WITH" => Section::Bundled,
                _ if text.starts_with("<<<<<<<")
                    || text.starts_with("=======")
                    || text.starts_with(">>>>>>>") =>
                {
                    bad(out, line_no, "unresolved merge conflict marker".into());
                    Section::Other
                }
                _ if text.chars().all(|c| c.is_ascii_uppercase() || c == ' ') => Section::Other,
                _ => {
                    bad(
                        out,
                        line_no,
                        format!("unexpected line `{text}` outside a section"),
                    );
                    Section::Other
                }
            };
            remote = None;
            revision = None;
            in_specs = false;
            continue;
        }
        match section {
            Section::Gem | Section::Git | Section::Path => {
                if indent == 2 {
                    in_specs = text == "specs:";
                    if let Some((key, value)) = text.split_once(':') {
                        let value = value.trim().to_string();
                        match key {
                            "remote" => remote = Some(value),
                            "revision" => revision = Some(value),
                            _ => {}
                        }
                    }
                } else if indent == 4 && in_specs {
                    let Some((name, inside)) =
                        name_and_paren(text).filter(|(n, v)| !n.is_empty() && !v.is_empty())
                    else {
                        bad(
                            out,
                            line_no,
                            format!("expected `name (version)`, found `{text}`"),
                        );
                        continue;
                    };
                    let (version, platform) = match inside.split_once('-') {
                        Some((v, p)) => (v, Some(p.to_string())),
                        None => (inside, None),
                    };
                    let mut spec = Spec {
                        name: name.to_string(),
                        version: version.to_string(),
                        platform,
                        line: line_no,
                        ..Spec::default()
                    };
                    match section {
                        Section::Git => {
                            spec.url = remote.clone();
                            spec.integrity = revision.clone();
                        }
                        Section::Path => {
                            spec.own = remote
                                .as_deref()
                                .is_some_and(|r| matches!(r.trim_end_matches('/'), "." | ""));
                            spec.url = remote.clone();
                        }
                        _ => {}
                    }
                    lock.specs.push(spec);
                } else if indent == 6 && in_specs {
                    match (name_and_paren(text), lock.specs.last_mut()) {
                        (Some((dep, _)), Some(spec)) if !dep.is_empty() => {
                            spec.deps.push(dep.to_string())
                        }
                        _ => bad(out, line_no, format!("unexpected dependency line `{text}`")),
                    }
                } else {
                    bad(out, line_no, format!("unexpected indentation of `{text}`"));
                }
            }
            Section::Dependencies => match name_and_paren(text) {
                Some((name, _)) if !name.is_empty() => {
                    lock.direct.insert(name.trim_end_matches('!').to_string());
                }
                _ => bad(out, line_no, format!("unexpected dependency `{text}`")),
            },
            Section::Checksums => {
                let (key, sum) = match text.rsplit_once(") ") {
                    Some((k, s)) => (format!("{k})"), s.trim()),
                    None => (text.to_string(), ""),
                };
                match name_and_paren(&key) {
                    Some((name, version)) if !name.is_empty() && !version.is_empty() => {
                        if !sum.is_empty() {
                            lock.checksums
                                .insert(format!("{name} ({version})"), sum.to_string());
                        }
                    }
                    _ => bad(out, line_no, format!("unexpected checksum line `{text}`")),
                }
            }
            Section::Ruby => {
                let v = text.strip_prefix("ruby ").unwrap_or(text).trim();
                let v = v.split_whitespace().next().unwrap_or(v);
                lock.ruby = Some((line_no, without_patchlevel(v).to_string()));
            }
            Section::Bundled => lock.bundler = Some((line_no, text.to_string())),
            Section::Platforms | Section::Other => {}
        }
    }
    lock
}

/// `3.2.2p53` → `3.2.2`: the patchlevel is not part of the version (`3.3.0.preview1` kept).
fn without_patchlevel(v: &str) -> &str {
    match v.rsplit_once('p') {
        Some((base, level))
            if !base.is_empty()
                && base.chars().all(|c| c.is_ascii_digit() || c == '.')
                && !level.is_empty()
                && level.chars().all(|c| c.is_ascii_digit()) =>
        {
            base
        }
        _ => v,
    }
}

/// Lower is stronger.
fn rank(scope: Scope) -> u8 {
    match scope {
        Scope::Runtime => 0,
        Scope::Dev => 1,
        Scope::Test => 2,
        _ => 3,
    }
}

fn components(
    file: &SourceFile,
    lock: &Lock,
    declared: Option<&BTreeMap<String, Scope>>,
    out: &mut Extracted,
) {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in lock.specs.iter().enumerate() {
        by_name.entry(s.name.as_str()).or_default().push(i);
    }
    let mut direct: BTreeSet<&str> = lock.direct.iter().map(String::as_str).collect();
    for s in lock.specs.iter().filter(|s| s.own) {
        direct.extend(s.deps.iter().map(String::as_str));
    }
    // Scope propagation from the direct gems (each gem's scope only improves: terminates).
    let mut scope: BTreeMap<&str, Scope> = BTreeMap::new();
    let mut work: Vec<(&str, Scope)> = direct
        .iter()
        .map(|n| {
            let s = declared
                .and_then(|d| d.get(*n).copied())
                .unwrap_or(Scope::Runtime);
            (*n, s)
        })
        .collect();
    while let Some((name, s)) = work.pop() {
        if scope.get(name).is_some_and(|have| rank(*have) <= rank(s)) {
            continue;
        }
        scope.insert(name, s);
        for &i in by_name.get(name).map_or(&[][..], |v| v.as_slice()) {
            if let Some(spec) = lock.specs.get(i) {
                work.extend(spec.deps.iter().map(|d| (d.as_str(), s)));
            }
        }
    }
    for spec in lock.specs.iter().filter(|s| !s.own) {
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Rubygems,
            &spec.name,
            ID,
            file.location(spec.line),
        )
        .with_version(&spec.version)
        .with_direct(direct.contains(spec.name.as_str()))
        .with_scope(
            scope
                .get(spec.name.as_str())
                .copied()
                .unwrap_or(Scope::Runtime),
        );
        c.platform = spec.platform.clone();
        c.url = spec.url.clone();
        let full = match &spec.platform {
            Some(p) => format!("{} ({}-{p})", spec.name, spec.version),
            None => format!("{} ({})", spec.name, spec.version),
        };
        c.integrity = lock
            .checksums
            .get(&full)
            .cloned()
            .or_else(|| spec.integrity.clone());
        c.dependencies = spec
            .deps
            .iter()
            .map(|d| DependencyEdge {
                name: d.clone(),
                version: by_name
                    .get(d.as_str())
                    .and_then(|v| v.first())
                    .and_then(|i| lock.specs.get(*i))
                    .map(|s| s.version.clone())
                    .or_else(|| {
                        // Bundler itself is never a spec; `BUNDLED WITH` says which one.
                        (d == "bundler")
                            .then(|| lock.bundler.as_ref().map(|(_, v)| v.clone()))
                            .flatten()
                    }),
            })
            .collect();
        out.push(c);
    }
    if let Some((line, v)) = &lock.ruby {
        out.push(
            Component::new(
                Kind::Runtime,
                Ecosystem::Generic,
                "ruby",
                ID,
                file.location(*line),
            )
            .with_version(v),
        );
    }
    if let Some((line, v)) = &lock.bundler {
        out.push(
            Component::new(
                Kind::Tool,
                Ecosystem::Rubygems,
                "bundler",
                ID,
                file.location(*line),
            )
            .with_version(v),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patchlevels() {
        assert_eq!(without_patchlevel("3.2.2p53"), "3.2.2");
        assert_eq!(without_patchlevel("3.3.0.preview1"), "3.3.0.preview1");
        assert_eq!(without_patchlevel("3.3.0"), "3.3.0");
    }

    #[test]
    fn spec_lines() {
        assert_eq!(name_and_paren("rack (3.0.9.1)"), Some(("rack", "3.0.9.1")));
        assert_eq!(
            name_and_paren("rack (>= 2.2.4, < 4)"),
            Some(("rack", ">= 2.2.4, < 4"))
        );
        assert_eq!(name_and_paren("acme!"), Some(("acme!", "")));
        assert_eq!(name_and_paren("rack (3.0"), None);
        assert_eq!(name_and_paren("rack 3.0"), None);
    }
}
