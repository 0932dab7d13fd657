//! pip requirements files: `requirements*.txt`, `*requirements.txt`, `constraints*.txt`,
//! pip-tools `*.in` named like requirements, and any `.txt`/`.in` in a `requirements/`
//! directory. (`MANIFEST.in`, `Makefile.in` and friends are not requirements files, so `.in`
//! alone is not enough.)
//!
//! Follows pip's own line rules: `\` continuations join lines (a finding points at the
//! first), ` #` starts a comment, `-r`/`-c` include files relative to the including file,
//! `-e` and bare URLs/paths are requirements, per-requirement options (`--hash`) are
//! collected, and global options (`-i`, `--extra-index-url`, ...) are skipped. `${VAR}`
//! references are kept as written: the scan must not depend on the scanner's environment.
//!
//! Includes are read inside the scanned root only and at most once per run (cycle-safe),
//! at most [`MAX_INCLUDE_DEPTH`] files deep (`include-depth` beyond), walked with an explicit
//! stack; each file is parsed once per scan (memoized in the scan context), so a chain of n
//! files that are each scanned costs n parses, not n²/2. Included components keep their own
//! file's location and scope. Entries of a constraints
//! file (named `constraints*` or included with `-c`) are not direct dependencies: they are
//! reported with `direct: false` and their constraint.
//!
//! **Compiled requirements are locks.** A file written by `pip-compile` or `uv pip compile`
//! (its header says so, or it carries `# via` annotations) records one resolution: exact
//! pins, hashes, and who pulls each package in. Its entries get the format
//! [`Format::RequirementsLock`] (role lock, resolving the `requirements` manifests beside
//! it, as Cargo.lock resolves Cargo.toml), and the `# via` origins become edges: `# via
//! flask` on `markupsafe` is the edge flask → markupsafe, recorded in `flask`'s
//! `dependencies`; `-r requirements.in` (or `name (pyproject.toml)`) marks the entry direct;
//! an entry whose only origins are `-c` constraint files is direct too (declared there).
//! Both annotation styles are read: `--annotation-style split` (the default: `# via x` or a
//! `# via` block of `#   x` lines under the entry) and `line` (`x==1  # via a, b`).

use crate::extractors::scope_from_words;
use crate::source::IncludeError;
use crate::{file_name, pep508, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::read::excerpt;
use polyver_model::{
    normalize_pypi_name, Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format,
    Kind, Link, LinkKind, Scope, Severity,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// How many files deep `-r`/`-c` includes are followed (pip has no limit, but a real chain
/// is a handful of files; a hostile one must not cost the scan).
pub const MAX_INCLUDE_DEPTH: usize = 64;

pub struct RequirementsExtractor;

const ID: Format = Format::Requirements;

impl Extractor for RequirementsExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn also_writes(&self) -> &'static [Format] {
        &[Format::RequirementsLock]
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::extensions(&["txt", "in"]))
    }

    fn matches(&self, path: &Path) -> bool {
        let raw = file_name(path).as_bytes();
        let has_ext = |ext: &[u8]| {
            raw.len() > ext.len() && raw[raw.len() - ext.len()..].eq_ignore_ascii_case(ext)
        };
        if !(has_ext(b".txt") || has_ext(b".in")) {
            return false;
        }
        let name = file_name(path).to_ascii_lowercase();
        let (stem, ext) = match name.rsplit_once('.') {
            Some((s, e)) if e == "txt" || e == "in" => (s, e),
            _ => return false,
        };
        let in_requirements_dir = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.eq_ignore_ascii_case("requirements"));
        stem.starts_with("requirements")
            || stem.ends_with("requirements")
            || (ext == "txt" && stem.starts_with("constraints"))
            || in_requirements_dir
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let constraints = file
            .file_name()
            .to_ascii_lowercase()
            .starts_with("constraints");
        let mut out = Extracted::default();
        let mut visited = HashSet::new();
        visited.insert(file.path().to_string());
        // Depth-first, in line order (the first visit of a file decides whether it is read
        // as constraints): a stack of files whose includes are still to be followed.
        let mut stack = vec![(parsed(file, constraints), 0usize)];
        while let Some((current, depth)) = stack.pop() {
            out.extend(current.own.clone());
            for inc in current.includes.iter().rev() {
                if !visited.insert(inc.target.clone()) {
                    // Already read in this run: a cycle or a diamond; its entries are
                    // reported once.
                    continue;
                }
                if depth + 1 > MAX_INCLUDE_DEPTH {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::IncludeDepth,
                        &current.path,
                        inc.line,
                        format!(
                            "includes nested deeper than {MAX_INCLUDE_DEPTH} files; {} not read",
                            inc.target
                        ),
                    ));
                    continue;
                }
                let key = memo_key(&inc.target, inc.constraints);
                if let Some(done) = file.memoized::<ParsedFile>(&key) {
                    stack.push((done, depth + 1));
                    continue;
                }
                match file.open_repo_path(&inc.target) {
                    Ok(included) => stack.push((parsed(&included, inc.constraints), depth + 1)),
                    Err(IncludeError::NoFilesystem) => {}
                    Err(e) => out.diagnose(include_error(&current.path, inc.line, e)),
                }
            }
        }
        out
    }
}

/// One file's own findings and the includes it names, resolved to repo paths.
struct ParsedFile {
    path: String,
    own: Extracted,
    includes: Vec<Include>,
}

struct Include {
    line: u32,
    target: String,
    constraints: bool,
}

fn memo_key(path: &str, constraints: bool) -> String {
    format!("requirements:{constraints}:{path}")
}

/// `file` parsed, once per scan.
fn parsed(file: &SourceFile, constraints: bool) -> Arc<ParsedFile> {
    let key = memo_key(file.path(), constraints);
    match file.memoized::<ParsedFile>(&key) {
        Some(done) => done,
        None => file.remember(&key, parse_file(file, constraints)),
    }
}

fn include_error(path: &str, line: u32, e: IncludeError) -> Diagnostic {
    match e {
        IncludeError::NotFound(p) => Diagnostic::warning(
            DiagnosticCode::IncludeNotFound,
            path,
            line,
            format!("included file {p} does not exist"),
        ),
        IncludeError::Unreadable(d) => d,
        other => Diagnostic::warning(
            DiagnosticCode::IncludeRejected,
            path,
            line,
            other.to_string(),
        ),
    }
}

/// One logical line: continuation-joined text without its comment, and its first line.
struct LogicalLine {
    line: u32,
    text: String,
}

fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let mut out = Vec::new();
    let mut current: Option<LogicalLine> = None;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let entry = current.get_or_insert_with(|| LogicalLine {
            line: i as u32 + 1,
            text: String::new(),
        });
        let trailing = raw.len() - raw.trim_end_matches('\\').len();
        if trailing % 2 == 1 {
            entry.text.push_str(&raw[..raw.len() - 1]);
            continue;
        }
        entry.text.push_str(raw);
        out.extend(current.take());
    }
    out.extend(current);
    for l in &mut out {
        l.text = strip_comment(&l.text).trim().to_string();
    }
    out.retain(|l| !l.text.is_empty());
    out
}

/// pip's rule: `#` at the start of a line or after whitespace starts a comment, so URL
/// fragments (`#egg=`) survive.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// Splits `value` off an option: `-r x`, `-rx`, `--requirement=x`, `--requirement x`.
fn option_value<'a>(line: &'a str, short: &str, long: &str) -> Option<&'a str> {
    if let Some(rest) = line.strip_prefix(long) {
        if let Some(v) = rest.strip_prefix('=') {
            return Some(v.trim());
        }
        if rest.starts_with(char::is_whitespace) {
            return Some(rest.trim());
        }
        return None;
    }
    if !short.is_empty() {
        if let Some(rest) = line.strip_prefix(short) {
            if !rest.starts_with('-') {
                return Some(rest.trim_start_matches('=').trim());
            }
        }
    }
    None
}

/// Global options pip accepts in requirements files; they do not name components.
const GLOBAL_OPTIONS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "-f",
    "--find-links",
    "--trusted-host",
    "--pre",
    "--prefer-binary",
    "--require-hashes",
    "--only-binary",
    "--no-binary",
    "--use-feature",
    "--progress-bar",
];

fn parse_file(file: &SourceFile, constraints: bool) -> ParsedFile {
    let mut parsed = ParsedFile {
        path: file.path().to_string(),
        own: Extracted::default(),
        includes: Vec::new(),
    };
    let out = &mut parsed.own;
    let scope = scope_from_words(
        file.path().rsplit('/').next().unwrap_or_default(),
        Scope::Runtime,
    );
    let notes = annotations(file.text());
    let format = if notes.compiled {
        Format::RequirementsLock
    } else {
        ID
    };
    let mut parents: Vec<(usize, Vec<String>)> = Vec::new();
    for line in logical_lines(file.text()) {
        let text = line.text.as_str();
        let target = match option_value(text, "-r", "--requirement") {
            Some(t) => Some((t, LinkKind::Requirements)),
            None => option_value(text, "-c", "--constraint").map(|t| (t, LinkKind::Constraints)),
        };
        if let Some((target, kind)) = target {
            include(
                file,
                line.line,
                target,
                constraints || kind == LinkKind::Constraints,
                kind,
                &mut parsed.includes,
                out,
            );
            continue;
        }
        let origins = notes.via.get(&line.line).map(Vec::as_slice).unwrap_or(&[]);
        if let Some(target) = option_value(text, "-e", "--editable") {
            let spec = Spec {
                format,
                scope,
                constraints,
                origins,
            };
            requirement(file, line.line, target, &spec, out);
            parents.push((out.components.len(), parent_names(origins)));
            continue;
        }
        if text.starts_with('-') {
            let opt = text
                .split(|c: char| c.is_whitespace() || c == '=')
                .next()
                .unwrap_or(text);
            let known = GLOBAL_OPTIONS.contains(&opt)
                || GLOBAL_OPTIONS
                    .iter()
                    .any(|o| o.len() == 2 && opt.starts_with(o));
            if !known {
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::Unsupported,
                    file.path(),
                    line.line,
                    format!("unknown pip option `{}`; line skipped", excerpt(opt)),
                ));
            }
            continue;
        }
        let spec = Spec {
            format,
            scope,
            constraints,
            origins,
        };
        requirement(file, line.line, text, &spec, out);
        parents.push((out.components.len(), parent_names(origins)));
    }
    if notes.compiled {
        add_via_edges(&mut out.components, &parents);
    }
    parsed
}

/// What pip-compile / uv wrote around the requirements of one file.
#[derive(Debug, Default, PartialEq, Eq)]
struct Annotations {
    /// The header names pip-compile or uv, or some entry has a `# via` annotation.
    compiled: bool,
    /// The `# via` origins of each requirement, by the first line of its logical line.
    via: HashMap<u32, Vec<String>>,
}

/// Reads the header and the `# via` annotations of both styles: the comments pip's own
/// parser drops, so a raw-line pass beside [`logical_lines`].
fn annotations(text: &str) -> Annotations {
    let mut notes = Annotations::default();
    // The requirement the annotation lines below belong to (its first line).
    let mut current: Option<u32> = None;
    let mut in_block = false;
    let mut continued = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim();
        let was_continued = continued;
        continued = false;
        if trimmed.is_empty() {
            (current, in_block) = (None, false);
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            if !raw.starts_with(char::is_whitespace) {
                // A header or section comment at column 0 ends the entry above.
                let lower = comment.trim().to_ascii_lowercase();
                if lower.contains("autogenerated by pip-compile")
                    || lower.contains("autogenerated by uv")
                    || lower.starts_with("pip-compile ")
                    || lower.starts_with("uv pip compile ")
                {
                    notes.compiled = true;
                }
                (current, in_block) = (None, false);
                continue;
            }
            let Some(entry) = current else { continue };
            let body = comment.trim();
            if body == "via" {
                in_block = true;
            } else if let Some(rest) = body.strip_prefix("via ") {
                notes
                    .via
                    .entry(entry)
                    .or_default()
                    .extend(split_origins(rest));
                in_block = false;
            } else if in_block {
                notes.via.entry(entry).or_default().push(body.to_string());
            }
            continue;
        }
        in_block = false;
        let code = strip_comment(raw);
        let trailing = code.trim_end().len() - code.trim_end().trim_end_matches('\\').len();
        continued = trailing % 2 == 1;
        if !was_continued {
            current = (!trimmed.starts_with('-')
                || option_value(trimmed, "-e", "--editable").is_some())
            .then_some(n);
        }
        let comment = raw[code.len()..].trim_start_matches('#').trim();
        if let (Some(entry), Some(rest)) = (current, comment.strip_prefix("via ")) {
            notes
                .via
                .entry(entry)
                .or_default()
                .extend(split_origins(rest));
        }
    }
    notes.compiled |= !notes.via.is_empty();
    notes
}

fn split_origins(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_string)
}

/// How one `# via` origin names who requires the entry.
#[derive(Debug, PartialEq, Eq)]
enum Origin<'a> {
    /// `-r requirements.in`, or `project (pyproject.toml)`: declared by the repository.
    Declared,
    /// `-c constraints.txt`: constrained there (pip-compile lists it beside the requirers).
    Constrained,
    /// Another package of the file (extras dropped).
    Package(&'a str),
}

fn origin(text: &str) -> Origin<'_> {
    if text.starts_with("-c ") || text.starts_with("--constraint") {
        return Origin::Constrained;
    }
    if text.starts_with('-') || text.ends_with(')') {
        // `-r file`, `--requirement file`, `-e file`, `name (pyproject.toml)`, `(setup.py)`
        return Origin::Declared;
    }
    Origin::Package(text.split('[').next().unwrap_or(text).trim())
}

/// Whether an entry with these origins was asked for by the repository: any declared origin,
/// or constraint origins alone. `None` without annotations (pip-compile `--no-annotate`).
fn direct_from_origins(origins: &[String]) -> Option<bool> {
    if origins.is_empty() {
        return None;
    }
    let kinds: Vec<Origin> = origins.iter().map(|o| origin(o)).collect();
    Some(kinds.contains(&Origin::Declared) || kinds.iter().all(|k| *k == Origin::Constrained))
}

fn parent_names(origins: &[String]) -> Vec<String> {
    origins
        .iter()
        .filter_map(|o| match origin(o) {
            Origin::Package(name) if !name.is_empty() => Some(normalize_pypi_name(name)),
            _ => None,
        })
        .collect()
}

/// Records each `# via parent` as the edge parent → entry, on the parent's entries of the
/// same file. `parents` pairs each requirement with the component count after it (so an
/// entry that did not parse, and pushed nothing, is skipped).
fn add_via_edges(components: &mut [Component], parents: &[(usize, Vec<String>)]) {
    let mut before = 0;
    let mut edges: Vec<(String, DependencyEdge)> = Vec::new();
    for (after, names) in parents {
        if *after > before {
            let child = &components[after - 1];
            for parent in names {
                edges.push((
                    parent.clone(),
                    DependencyEdge {
                        name: child.name.clone(),
                        version: child.version.clone(),
                    },
                ));
            }
        }
        before = *after;
    }
    for (parent, edge) in edges {
        for c in components.iter_mut().filter(|c| c.name == parent) {
            c.dependencies.push(edge.clone());
        }
    }
    for c in components.iter_mut() {
        c.dependencies.sort();
        c.dependencies.dedup();
    }
}

/// How one requirement line is recorded.
struct Spec<'a> {
    format: Format,
    scope: Scope,
    /// Read as constraints (a `constraints*` file, or included with `-c`): never direct.
    constraints: bool,
    /// Its `# via` origins, when compiled.
    origins: &'a [String],
}

/// Records an include to follow, or why it is not followed.
fn include(
    file: &SourceFile,
    line: u32,
    target: &str,
    constraints: bool,
    kind: LinkKind,
    includes: &mut Vec<Include>,
    out: &mut Extracted,
) {
    if target.contains("://") {
        out.diagnose(Diagnostic::new(
            Severity::Info,
            DiagnosticCode::Unsupported,
            file.path(),
            line,
            format!(
                "remote include {} is not fetched (static, offline scan)",
                excerpt(target)
            ),
        ));
        return;
    }
    match file.resolve_relative(target) {
        Some(target) => {
            out.links
                .push(Link::new(file.path(), line, target.as_str(), kind));
            includes.push(Include {
                line,
                target,
                constraints,
            })
        }
        None => out.diagnose(Diagnostic::warning(
            DiagnosticCode::IncludeRejected,
            file.path(),
            line,
            format!(
                "include {} is outside the scanned directory; not read",
                excerpt(target)
            ),
        )),
    }
}

/// Splits per-requirement options off a line: the long ones pip accepts (`--hash`,
/// `--config-settings`, `--global-option`, `--install-option`) and `-C` (short for
/// `--config-settings`).
fn split_options(text: &str) -> (&str, Vec<&str>) {
    let mut quote = None;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let short_c = || {
            bytes.get(i + 1) == Some(&b'C')
                && bytes
                    .get(i + 2)
                    .is_none_or(|c| c.is_ascii_whitespace() || *c == b'=')
        };
        match (quote, *b) {
            (None, b'"' | b'\'') => quote = Some(*b),
            (Some(q), c) if c == q => quote = None,
            (None, b'-')
                if i > 0
                    && bytes[i - 1].is_ascii_whitespace()
                    && (bytes.get(i + 1) == Some(&b'-') || short_c()) =>
            {
                return (text[..i].trim_end(), text[i..].split_whitespace().collect());
            }
            _ => {}
        }
    }
    (text, Vec::new())
}

fn requirement(file: &SourceFile, line: u32, text: &str, spec_of: &Spec, out: &mut Extracted) {
    let (spec, options) = split_options(text);
    let mut hashes = Vec::new();
    let mut opts = options.iter().peekable();
    while let Some(opt) = opts.next() {
        if let Some(h) = opt.strip_prefix("--hash=") {
            hashes.push(h.to_string());
        } else if *opt == "--hash" {
            if let Some(h) = opts.next() {
                hashes.push(h.to_string());
            }
        }
    }

    let looks_like_url = spec.contains("://")
        || spec.starts_with('.')
        || spec.starts_with('/')
        || spec.starts_with("file:")
        || (spec.contains('/') && !spec.contains('@'))
        || spec.ends_with(".whl")
        || spec.ends_with(".tar.gz")
        || spec.ends_with(".zip");
    let direct_ref = looks_like_url && !spec.contains(" @ ") && !spec.contains(" @");
    let parsed = if direct_ref {
        url_requirement(spec)
    } else {
        pep508::parse(spec)
    };
    let req = match parsed {
        Ok(r) => r,
        Err(reason) => {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                file.path(),
                line,
                format!("cannot parse requirement: {reason}"),
            ));
            return;
        }
    };
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        normalize_pypi_name(&req.name),
        spec_of.format,
        file.location(line),
    )
    .with_scope(spec_of.scope)
    .with_direct(match direct_from_origins(spec_of.origins) {
        // A compiled file's annotations say what it is, whoever includes it (`-c
        // requirements.txt` from a `.in` reads the same entries, which then merge).
        Some(direct) if spec_of.format == Format::RequirementsLock => direct,
        _ => !spec_of.constraints,
    });
    if let Some(v) = req
        .pinned_version()
        .or_else(|| req.url.as_deref().and_then(artifact_version))
    {
        c = c.with_version(v);
    }
    if let Some(s) = req.specifier {
        c = c.with_constraint(s);
    }
    c.extras = req.extras;
    c.marker = req.marker;
    c.url = req.url;
    if !hashes.is_empty() {
        c.integrity = Some(hashes.join(" "));
    }
    out.push(c);
}

/// The version a wheel or sdist file name carries (`qux-4.5.6-py3-none-any.whl`,
/// `corge-1.2.3.tar.gz`): the file is one exact version. `None` for a VCS URL, a directory
/// or a name with no valid PEP 440 version in it.
fn artifact_version(url: &str) -> Option<String> {
    if url.contains("+git") || url.contains("+hg") || url.starts_with("git+") {
        return None;
    }
    let file = url.split(['#', '?']).next()?.rsplit(['/', '\\']).next()?;
    let version = if let Some(stem) = file.strip_suffix(".whl") {
        // name-version(-build)?-python-abi-platform; `-` inside parts is escaped as `_`.
        stem.split('-').nth(1)?
    } else {
        let stem = [".tar.gz", ".zip", ".tar.bz2", ".tgz"]
            .iter()
            .find_map(|ext| file.strip_suffix(ext))?;
        stem.rsplit_once('-')?.1
    };
    polyver_version::pypi::Version::parse(version)
        .is_ok()
        .then(|| version.to_string())
}

/// A bare URL, VCS reference or local path: the name comes from `#egg=name` or from a
/// wheel/sdist file name.
fn url_requirement(spec: &str) -> Result<pep508::Requirement, String> {
    let (url, marker) = match spec.split_once(" ;").or_else(|| spec.split_once("; ")) {
        Some((u, m)) => (u.trim(), Some(m.trim().to_string())),
        None => (spec.trim(), None),
    };
    let egg = url.split_once("#").and_then(|(_, frag)| {
        frag.split('&')
            .find_map(|kv| kv.strip_prefix("egg="))
            .map(str::to_string)
    });
    let name = egg.or_else(|| {
        let file = url.split(['#', '?']).next()?.rsplit('/').next()?;
        if let Some(stem) = file.strip_suffix(".whl") {
            return stem.split('-').next().map(str::to_string);
        }
        let stem = file
            .strip_suffix(".tar.gz")
            .or_else(|| file.strip_suffix(".zip"))?;
        stem.rsplit_once('-').map(|(n, _)| n.to_string())
    });
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Err(format!(
            "cannot tell the package name of {:?} (add #egg=name or use `name @ url`)",
            excerpt(url)
        ));
    };
    let (name, extras) = match name.split_once('[') {
        Some((n, e)) => (
            n.to_string(),
            e.trim_end_matches(']')
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
        ),
        None => (name, Vec::new()),
    };
    Ok(pep508::Requirement {
        name,
        extras,
        specifier: None,
        url: Some(url.to_string()),
        marker,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18 item 3: every per-requirement option pip accepts, and versions carried by
    /// wheel and sdist file names.
    #[test]
    fn per_requirement_options_and_artifact_versions() {
        let text = "foo==1.0 --config-settings=editable_mode=compat --hash=sha256:aa\n\
            bar==2.0 -C key=val --hash sha256:bb\n\
            baz==3.0 --global-option=\"--no-user-cfg\" --install-option=\"--prefix=/x\"\n\
            ./wheels/qux-4.5.6-py3-none-any.whl\n\
            https://example.com/p/quux-7.8.9-cp311-cp311-manylinux_2_17_x86_64.whl#sha256=cc\n\
            corge @ https://example.com/corge-1.2.3.tar.gz\n\
            git+https://github.com/a/grault-9.9.git#egg=grault\n\
            ./local-dir\n";
        let out = RequirementsExtractor.extract(&SourceFile::from_text("requirements.txt", text));
        let got: Vec<(&str, Option<&str>, Option<&str>)> = out
            .components
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_deref(),
                    c.integrity.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("foo", Some("1.0"), Some("sha256:aa")),
                ("bar", Some("2.0"), Some("sha256:bb")),
                ("baz", Some("3.0"), None),
                ("qux", Some("4.5.6"), None),
                ("quux", Some("7.8.9"), None),
                ("corge", Some("1.2.3"), None),
                ("grault", None, None),
            ]
        );
        // `./local-dir` names no package: said, not guessed.
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
        assert_eq!(out.diagnostics[0].line, 8);
    }

    fn edges(c: &Component) -> Vec<String> {
        c.dependencies.iter().map(|d| d.name.clone()).collect()
    }

    /// Issue 13 item 5: the annotation forms pip-compile and uv write, and the cases around
    /// them (no annotations, a project origin, a line that does not parse).
    #[test]
    fn via_annotations_become_edges() {
        let text = "# This file is autogenerated by pip-compile with Python 3.12\n\
            #\n\
            a==1.0 \\\n    --hash=sha256:aa\n    # via\n    #   b\n    #   -r requirements.in\n\
            b==2.0    # via myproject (pyproject.toml)\n\
            c[x]==3.0 ; python_version >= '3.8'\n    # via b[extra]\n\
            not a requirement!!\n    # via b\n\
            d==4.0\n    # via -c constraints.txt\n\
            e==5.0\n";
        let out = RequirementsExtractor.extract(&SourceFile::from_text("requirements.txt", text));
        let by = |n: &str| out.components.iter().find(|c| c.name == n).unwrap();
        assert!(out
            .components
            .iter()
            .all(|c| c.source == Format::RequirementsLock));
        assert_eq!(edges(by("b")), ["a", "c"]);
        assert_eq!(by("b").dependencies[1].version.as_deref(), Some("3.0"));
        let direct: Vec<(&str, bool)> = out
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.direct))
            .collect();
        // e has no annotation (pip-compile --no-annotate): direct, as a manifest entry is.
        assert_eq!(
            direct,
            [
                ("a", true),
                ("b", true),
                ("c", false),
                ("d", true),
                ("e", true)
            ]
        );
        assert_eq!(by("a").integrity.as_deref(), Some("sha256:aa"));
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
    }

    #[test]
    fn hand_written_files_and_headers_alone() {
        let plain = "flask==2.0 # pinned for now\n# via nothing: a comment at column 0\n";
        let out = RequirementsExtractor.extract(&SourceFile::from_text("requirements.txt", plain));
        assert_eq!(out.components[0].source, Format::Requirements);
        let uv = "# This file was autogenerated by uv via the following command:\n\
            #    uv pip compile requirements.in --no-annotate -o requirements.txt\n\
            flask==3.1.3\n";
        let out = RequirementsExtractor.extract(&SourceFile::from_text("requirements.txt", uv));
        assert_eq!(out.components[0].source, Format::RequirementsLock);
        assert!(out.components[0].direct);
    }

    #[test]
    fn matching() {
        let x = RequirementsExtractor;
        for yes in [
            "requirements.txt",
            "a/requirements-dev.txt",
            "test-requirements.txt",
            "constraints.txt",
            "requirements.in",
            "requirements/base.txt",
            "requirements/prod.in",
        ] {
            assert!(x.matches(Path::new(yes)), "{yes}");
        }
        for no in [
            "MANIFEST.in",
            "Makefile.in",
            "notes.txt",
            "requirements.md",
            "LICENSE.txt",
        ] {
            assert!(!x.matches(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn continuation_and_comments() {
        let lines =
            logical_lines("a==1 \\\n  --hash=sha256:x # c\n# full\n\nb @ https://x/y#egg=b\n");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, 1);
        assert_eq!(lines[0].text, "a==1   --hash=sha256:x");
        assert_eq!(lines[1].line, 5);
        assert_eq!(lines[1].text, "b @ https://x/y#egg=b");
    }
}
