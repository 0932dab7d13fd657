//! `mix.lock`: the Elixir map Mix writes, `%{"app": {:hex, :package, "1.2.3", ...}, ...}`,
//! read as data by [`super::terms`] (never evaluated).
//!
//! Every entry shape Mix has written:
//! - `{:hex, :pkg, "1.2.3"}` (Mix before 1.4),
//! - `{:hex, :pkg, "1.2.3", "inner hash", [:mix], [deps], "hexpm"}` (until Elixir 1.10),
//! - the same with the outer checksum appended (Hex 0.20+, today's form; the `=>` and
//!   `"app":` key styles both occur);
//! - `{:git, "url", "sha", [tag: ..., branch: ..., sparse: ...]}`.
//!
//! A Hex entry is named by its package (`"chatterbox": {:hex, :ts_chatterbox, ...}` is
//! `ts_chatterbox`, as hex.pm and purls name it), with the outer checksum (else the inner
//! one) as `integrity` (`sha256:` hex). Its dependency list (`{:app, "~> 1.0", [hex: :pkg,
//! repo: "hexpm", optional: false]}`) gives the edges, resolved to the locked versions. A git
//! entry has the remote (with its ref option, `@v2.2.0`) as `url` and the commit as
//! `integrity`, no version: a commit is not a Hex version.
//!
//! Direct entries and scopes come from the `mix.exs` beside it (each direct entry takes its
//! declared scope; a transitive one the strongest scope that reaches it). Without one, or for
//! an umbrella root (whose apps declare the dependencies), the entries no other entry depends
//! on are direct and everything is runtime. An entry of another SCM (`:path`, unknown) gets
//! an `unsupported` warning.

use super::lexer::tokenize;
use super::mix_exs;
use super::terms::{parse_term, Term, Value};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct MixLockExtractor;

const ID: Format = Format::MixLock;

impl Extractor for MixLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["mix.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "mix.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let entries = parse(file, &mut out);
        let project = file
            .open_relative("mix.exs")
            .ok()
            .map(|m| mix_exs::read(&m));
        components(file, &entries, project.as_ref(), &mut out);
        out
    }
}

struct Entry {
    /// The map key: the app name other entries depend on.
    app: String,
    package: String,
    version: Option<String>,
    integrity: Option<String>,
    url: Option<String>,
    /// Apps this one depends on, and whether optionally (`optional: true`).
    deps: Vec<(String, bool)>,
    line: u32,
}

fn parse(file: &SourceFile, out: &mut Extracted) -> Vec<Entry> {
    let bad = |out: &mut Extracted, line: u32, message: String| {
        out.diagnose(Diagnostic::error(
            DiagnosticCode::ParseError,
            file.path(),
            line,
            message,
        ))
    };
    let tokens = match tokenize(file.text()) {
        Ok(t) => t,
        Err(e) => {
            bad(out, e.line, format!("invalid mix.lock: {}", e.message));
            return Vec::new();
        }
    };
    if tokens.is_empty() {
        return Vec::new();
    }
    let map = match parse_term(&tokens, 0) {
        Ok((t, next)) => {
            if let Some(extra) = tokens.get(next) {
                bad(
                    out,
                    extra.line,
                    "invalid mix.lock: text after the map".into(),
                );
            }
            t
        }
        Err(e) => {
            bad(out, e.line, format!("invalid mix.lock: {}", e.message));
            return Vec::new();
        }
    };
    let Value::Map(pairs) = map.value else {
        bad(
            out,
            map.line,
            "invalid mix.lock: expected a map `%{...}`".into(),
        );
        return Vec::new();
    };
    let mut entries = Vec::new();
    for (key, value) in &pairs {
        let Some(app) = key.as_str() else {
            bad(
                out,
                key.line,
                "invalid mix.lock: an entry's key is not a string".into(),
            );
            continue;
        };
        match entry(app, value) {
            Ok(e) => entries.push(e),
            Err(reason) => out.diagnose(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                value.line,
                format!("entry `{app}` not read: {reason}"),
            )),
        }
    }
    entries
}

fn entry(app: &str, value: &Term) -> Result<Entry, String> {
    let items = value.as_tuple().ok_or("not a tuple")?;
    let text = |i: usize| items.get(i).and_then(Term::as_str);
    let mut e = Entry {
        app: app.to_string(),
        package: app.to_string(),
        version: None,
        integrity: None,
        url: None,
        deps: Vec::new(),
        line: value.line,
    };
    match items.first().and_then(Term::as_atom) {
        Some("hex") => {
            e.package = items
                .get(1)
                .and_then(Term::as_atom)
                .ok_or("the package name is not an atom")?
                .to_string();
            e.version = Some(text(2).ok_or("the version is not a string")?.to_string());
            e.integrity = text(7)
                .or_else(|| text(3))
                .filter(|h| !h.is_empty())
                .map(|h| format!("sha256:{}", h.to_ascii_lowercase()));
            for dep in items.get(5).and_then(Term::as_list).unwrap_or_default() {
                let parts = dep.as_tuple().unwrap_or_default();
                let name = parts
                    .first()
                    .and_then(Term::as_atom)
                    .ok_or("a dependency is not `{:app, requirement, options}`")?;
                let optional = parts.last().is_some_and(|o| {
                    o.keywords()
                        .iter()
                        .any(|(k, v)| *k == "optional" && v.as_atom() == Some("true"))
                });
                e.deps.push((name.to_string(), optional));
            }
        }
        Some("git") => {
            let remote = text(1).ok_or("the git remote is not a string")?;
            let opts = items.get(3).map(Term::keywords).unwrap_or_default();
            let reference = ["tag", "branch", "ref"].iter().find_map(|k| {
                opts.iter()
                    .find(|(o, _)| o == k)
                    .and_then(|(_, v)| v.as_str())
            });
            e.url = Some(match reference {
                Some(r) => format!("{remote}@{r}"),
                None => remote.to_string(),
            });
            e.integrity = text(2).map(str::to_string);
        }
        Some(other) => return Err(format!("`:{other}` entries are not supported")),
        None => return Err("the first element is not an atom".into()),
    }
    Ok(e)
}

/// Lower is stronger.
fn rank(scope: Scope) -> u8 {
    match scope {
        Scope::Runtime => 0,
        Scope::Optional => 1,
        Scope::Build => 2,
        Scope::Dev => 3,
        _ => 4,
    }
}

fn components(
    file: &SourceFile,
    entries: &[Entry],
    project: Option<&mix_exs::MixProject>,
    out: &mut Extracted,
) {
    let by_app: BTreeMap<&str, &Entry> = entries.iter().map(|e| (e.app.as_str(), e)).collect();
    let declared: BTreeMap<&str, Scope> = project
        .filter(|p| !p.umbrella)
        .map(|p| p.deps.iter().map(|d| (d.app.as_str(), d.scope)).collect())
        .unwrap_or_default();
    let direct: BTreeSet<&str> = if declared.is_empty() {
        let depended: BTreeSet<&str> = entries
            .iter()
            .flat_map(|e| e.deps.iter().map(|(d, _)| d.as_str()))
            .collect();
        entries
            .iter()
            .map(|e| e.app.as_str())
            .filter(|a| !depended.contains(a))
            .collect()
    } else {
        declared
            .keys()
            .copied()
            .filter(|a| by_app.contains_key(a))
            .collect()
    };
    // Each entry's scope only improves along the edges (terminates). An optional edge does
    // not carry the scope: `phoenix_live_view` does not make the test-only `lazy_html`
    // runtime by naming it optionally.
    let mut scope: BTreeMap<&str, Scope> = BTreeMap::new();
    let mut work: Vec<(&str, Scope)> = direct
        .iter()
        .map(|a| (*a, declared.get(a).copied().unwrap_or(Scope::Runtime)))
        .collect();
    while let Some((app, s)) = work.pop() {
        if scope.get(app).is_some_and(|have| rank(*have) <= rank(s)) {
            continue;
        }
        scope.insert(app, s);
        if let Some(e) = by_app.get(app) {
            work.extend(
                e.deps
                    .iter()
                    .filter(|(_, optional)| !optional)
                    .map(|(d, _)| (d.as_str(), s)),
            );
        }
    }
    for e in entries {
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Hex,
            &e.package,
            ID,
            file.location(e.line),
        )
        .with_direct(direct.contains(e.app.as_str()))
        .with_scope(scope.get(e.app.as_str()).copied().unwrap_or(Scope::Runtime));
        if let Some(v) = &e.version {
            c = c.with_version(v);
        }
        c.url = e.url.clone();
        c.integrity = e.integrity.clone();
        // An optional dependency that was not installed has no entry: no edge.
        c.dependencies = e
            .deps
            .iter()
            .filter_map(|(d, _)| by_app.get(d.as_str()))
            .map(|target| DependencyEdge {
                name: target.package.clone(),
                version: target.version.clone(),
            })
            .collect();
        c.dependencies.sort();
        out.push(c);
    }
}
