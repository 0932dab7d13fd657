//! conda environment files: `environment.yml`, `environment.yaml` and their named variants
//! (`environment-dev.yml`, `environment_cpu.yaml`; scope from the name's words).
//!
//! Many tools name unrelated YAML `environment.yml` (deployment settings, CI matrices), so a
//! file is read only when it looks like conda's: a top-level `dependencies:` sequence. Any
//! other file of that name is left alone without a diagnostic.
//!
//! Each `dependencies` entry is a conda match spec, `[channel::]name[ version[ build]]` or
//! `name=version=build`:
//! - `name==1.2`, `name 1.2`, `name=1.2=build` are exact: version `1.2` (the build string
//!   stays in the constraint as written);
//! - `name=1.2` means `1.2.*` in conda and `name>=1.2,<2`, `name 1.2.*` are ranges: a
//!   constraint and no version; a bare `name` has neither;
//! - `conda-forge::name` keeps the channel in `url`, and the purl in `channel`
//!   (`pkg:conda/numpy@1.26?channel=conda-forge`).
//!
//! `python` is the environment's interpreter: the `python` runtime, its conda spec turned into
//! PEP 440 (`=3.11` → `==3.11.*`). The nested `- pip: [...]` list holds pip requirements,
//! parsed as PEP 508 into PyPI packages (a bare `git+https://...#egg=name` URL is `name` with
//! that `url`; `-r`, `-e` and other pip options are not packages:
//! an `unsupported` note for those that name files, silence for index options). An entry
//! that is neither a string nor the `pip` list, or a spec that cannot be read, gets a warning
//! at its line.

use crate::extractors::scope_from_words;
use crate::yaml::{self, Node};
use crate::{file_name, pep508, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    normalize_pypi_name, Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope,
};
use std::path::Path;

pub struct CondaEnvironmentExtractor;

const ID: Format = Format::CondaEnvironment;

impl Extractor for CondaEnvironmentExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            prefixes: &["environment"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path);
        let Some(stem) = name
            .strip_suffix(".yml")
            .or_else(|| name.strip_suffix(".yaml"))
        else {
            return false;
        };
        match stem.strip_prefix("environment") {
            Some("") => true,
            Some(rest) => rest.starts_with(['-', '_', '.']),
            None => false,
        }
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        // Cheap content check before parsing: not a conda file, not ours.
        if !file.text().contains("dependencies:") {
            return out;
        }
        let loaded = yaml::load(file.text());
        let Some(deps) = loaded
            .documents
            .first()
            .and_then(|d| d.get("dependencies"))
            .filter(|d| d.as_sequence().is_some())
        else {
            return out;
        };
        if let Some(e) = &loaded.error {
            out.diagnose(e.diagnostic(file));
        }
        let stem = file.file_name().split('.').next().unwrap_or("");
        let scope = scope_from_words(stem, Scope::Runtime);
        for entry in deps.as_sequence().unwrap_or_default() {
            if let Some(pip) = entry.get("pip") {
                pip_list(file, pip, scope, &mut out);
            } else if let Some(spec) = entry.as_str().filter(|_| entry.as_mapping().is_none()) {
                match conda_component(spec, file, entry.line) {
                    Ok(c) => out.push(c.with_scope(scope)),
                    Err(reason) => out.diagnose(Diagnostic::warning(
                        DiagnosticCode::ParseError,
                        file.path(),
                        entry.line,
                        format!("cannot read conda spec `{spec}`: {reason}"),
                    )),
                }
            } else {
                out.diagnose(entry.invalid(
                    file,
                    &format!(
                        "a dependency must be a conda spec or the `pip:` list, found {}",
                        entry.type_with_article()
                    ),
                ));
            }
        }
        out
    }
}

/// A conda match spec split into its parts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct MatchSpec<'a> {
    pub channel: Option<&'a str>,
    pub name: &'a str,
    /// The version part as written (`=1.2`, `>=1.2,<2`, `1.2.*`), without the build.
    pub version: Option<&'a str>,
    pub build: Option<&'a str>,
}

pub(crate) fn parse_spec(spec: &str) -> Result<MatchSpec<'_>, String> {
    let spec = spec.trim();
    let (channel, rest) = match spec.split_once("::") {
        Some((c, r)) => (Some(c.trim()), r.trim()),
        None => (None, spec),
    };
    if rest.contains('[') {
        return Err("bracket options (`name[version=...]`) are not read".into());
    }
    let name_end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '=' | '<' | '>' | '!' | '~'))
        .unwrap_or(rest.len());
    let name = &rest[..name_end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("expected a package name".into());
    }
    let tail = rest[name_end..].trim();
    let (version, build) = if tail.is_empty() {
        (None, None)
    } else if !tail.starts_with(['=', '<', '>', '!', '~']) {
        // `name 1.2 build` (the space form).
        let mut words = tail.split_whitespace();
        (words.next(), words.next())
    } else if let Some(body) = tail.strip_prefix('=').filter(|b| !b.starts_with('=')) {
        // `name=1.2` or `name=1.2=build`.
        match body.split_once('=') {
            Some((v, b)) => (Some(&tail[..v.len() + 1]), Some(b.trim())),
            None => (Some(tail), None),
        }
    } else {
        // An operator list (`>= 2.0.1`, `>=1.2,<2`).
        (Some(tail), None)
    };
    if version.is_some_and(str::is_empty) || build.is_some_and(str::is_empty) {
        return Err("empty version or build".into());
    }
    Ok(MatchSpec {
        channel: channel.filter(|c| !c.is_empty()),
        name,
        version,
        build,
    })
}

/// The exact version a spec pins, if any (see the module docs).
pub(crate) fn exact_version(spec: &MatchSpec) -> Option<String> {
    let v = spec.version?;
    let plain = |v: &str| {
        !v.is_empty()
            && !v.contains(['*', ',', '|', '<', '>', '!', '~', '='])
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
    };
    if let Some(exact) = v.strip_prefix("==").filter(|e| plain(e)) {
        return Some(exact.to_string());
    }
    if plain(v) || (spec.build.is_some() && v.strip_prefix('=').is_some_and(plain)) {
        return Some(v.trim_start_matches('=').to_string());
    }
    None
}

/// A conda spec's version as a PEP 440 specifier, for the `python` runtime.
fn pep440(version: &str) -> String {
    match version.strip_prefix('=').filter(|v| !v.starts_with('=')) {
        Some(fuzzy) if fuzzy.ends_with(".*") || fuzzy.ends_with('*') => format!("=={fuzzy}"),
        Some(fuzzy) => format!("=={fuzzy}.*"),
        None if version.ends_with('*') && !version.contains([',', '<', '>', '=']) => {
            format!("=={version}")
        }
        None => version.to_string(),
    }
}

fn conda_component(spec: &str, file: &SourceFile, line: u32) -> Result<Component, String> {
    let parsed = parse_spec(spec)?;
    let exact = exact_version(&parsed);
    if parsed.name == "python" {
        let mut c = Component::new(
            Kind::Runtime,
            Ecosystem::Generic,
            "python",
            ID,
            file.location(line),
        );
        match (&exact, parsed.version) {
            (Some(v), _) => c = c.with_version(v),
            (None, Some(v)) => c = c.with_constraint(pep440(v)),
            (None, None) => {}
        }
        return Ok(c);
    }
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Conda,
        parsed.name.to_ascii_lowercase(),
        ID,
        file.location(line),
    );
    if let Some(v) = parsed.version {
        c = c.with_constraint(match parsed.build {
            Some(b) if v.starts_with('=') => format!("{v}={b}"),
            Some(b) => format!("{v} {b}"),
            None => v.to_string(),
        });
    }
    c.url = parsed.channel.map(str::to_string);
    if let Some(v) = exact {
        c = c.with_version(v);
    }
    c.refresh_purl();
    Ok(c)
}

fn pip_list(file: &SourceFile, pip: &Node, scope: Scope, out: &mut Extracted) {
    let Some(items) = pip.as_sequence() else {
        out.diagnose(pip.invalid(file, "`pip` must be a list of requirements"));
        return;
    };
    for item in items {
        let Some(text) = item.as_str().map(str::trim) else {
            out.diagnose(item.invalid(file, "a pip requirement must be a string"));
            continue;
        };
        if let Some(option) = text.strip_prefix('-') {
            // `-r file`, `-e path`, `-c file` name files this reader does not follow.
            let flag = option.split([' ', '=']).next().unwrap_or("");
            if matches!(
                flag,
                "r" | "-requirement" | "c" | "-constraint" | "e" | "-editable"
            ) {
                out.diagnose(Diagnostic::new(
                    polyver_model::Severity::Info,
                    DiagnosticCode::Unsupported,
                    file.path(),
                    item.line,
                    format!("pip option `{text}` is not followed"),
                ));
            }
            continue;
        }
        if text.contains("://") && !text.contains(" @ ") {
            // `git+https://host/repo.git@v1#egg=name`: a URL requirement pip resolves.
            url_requirement(file, text, item.line, scope, out);
            continue;
        }
        match pep508::parse(text) {
            Ok(req) => {
                let mut c = Component::new(
                    Kind::Package,
                    Ecosystem::Pypi,
                    normalize_pypi_name(&req.name),
                    ID,
                    file.location(item.line),
                )
                .with_scope(scope);
                if let Some(v) = req.pinned_version() {
                    c = c.with_version(v);
                }
                if let Some(s) = req.specifier {
                    c = c.with_constraint(s);
                }
                c.extras = req.extras;
                c.marker = req.marker;
                c.url = req.url;
                out.push(c);
            }
            Err(reason) => out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                file.path(),
                item.line,
                format!("cannot parse pip requirement: {reason}"),
            )),
        }
    }
}

/// A bare URL in the pip list: the package its `#egg=` names, with the URL; without a
/// name, an `unsupported` note.
fn url_requirement(file: &SourceFile, text: &str, line: u32, scope: Scope, out: &mut Extracted) {
    let egg = text
        .split_once("#egg=")
        .map(|(_, e)| e.split('&').next().unwrap_or(e).trim())
        .filter(|e| !e.is_empty());
    match egg {
        Some(name) => {
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Pypi,
                normalize_pypi_name(name),
                ID,
                file.location(line),
            )
            .with_scope(scope);
            c.url = Some(text.to_string());
            out.push(c);
        }
        None => out.diagnose(Diagnostic::new(
            polyver_model::Severity::Info,
            DiagnosticCode::Unsupported,
            file.path(),
            line,
            format!("pip URL requirement `{text}` names no package (`#egg=`); not a component"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_specs() {
        let s = parse_spec("conda-forge::numpy=1.26=py311h64a7726_0").unwrap();
        assert_eq!(s.channel, Some("conda-forge"));
        assert_eq!(s.version, Some("=1.26"));
        assert_eq!(s.build, Some("py311h64a7726_0"));
        assert_eq!(exact_version(&s).as_deref(), Some("1.26"));
        let s = parse_spec("nodejs >=20,<21").unwrap();
        assert_eq!(s.version, Some(">=20,<21"));
        assert_eq!(exact_version(&s), None);
        assert_eq!(exact_version(&parse_spec("numpy=1.26").unwrap()), None);
        assert_eq!(
            exact_version(&parse_spec("numpy==1.26.4").unwrap()).as_deref(),
            Some("1.26.4")
        );
        assert_eq!(
            exact_version(&parse_spec("numpy 1.26.4").unwrap()).as_deref(),
            Some("1.26.4")
        );
        assert_eq!(exact_version(&parse_spec("numpy 1.26.*").unwrap()), None);
        assert_eq!(
            parse_spec("jupyter-collaboration >= 2.0.1")
                .unwrap()
                .version,
            Some(">= 2.0.1")
        );
        assert!(parse_spec("=1.2").is_err());
        assert!(parse_spec("numpy[version='>=1']").is_err());
    }

    #[test]
    fn python_constraints_in_pep440() {
        assert_eq!(pep440("=3.11"), "==3.11.*");
        assert_eq!(pep440("3.11.*"), "==3.11.*");
        assert_eq!(pep440(">=3.9,<3.13"), ">=3.9,<3.13");
    }

    #[test]
    fn channels_builds_and_pip_urls() {
        let text = "dependencies:\n  - conda-forge::python=3.12.9=h9e4cc4f_0_cpython\n  - bioconda::samtools=1.19\n  - pip:\n    - git+https://github.com/o/r.git@v2.7.4#egg=grault\n    - https://example.com/x.whl\n    - --index-url https://example.com/simple\n";
        let found =
            CondaEnvironmentExtractor.extract(&SourceFile::from_text("environment.yml", text));
        let got: Vec<(&str, Option<&str>, &str)> = found
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_deref(), c.purl.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("python", Some("3.12.9"), "pkg:generic/python@3.12.9"),
                ("samtools", None, "pkg:conda/samtools?channel=bioconda"),
                ("grault", None, "pkg:pypi/grault"),
            ]
        );
        assert_eq!(found.diagnostics.len(), 1);
        assert_eq!(found.diagnostics[0].line, 6);
    }

    #[test]
    fn other_environment_files_are_left_alone() {
        let x = CondaEnvironmentExtractor;
        assert!(x.matches(Path::new("ci/environment-dev.yml")));
        assert!(!x.matches(Path::new("environments.yml")));
        let found = x.extract(&SourceFile::from_text(
            "environment.yml",
            "production:\n  url: https://example.com\n",
        ));
        assert_eq!(found, Extracted::default());
        let found = x.extract(&SourceFile::from_text(
            "environment.yml",
            "stages:\n  dependencies: [a]\n",
        ));
        assert_eq!(found, Extracted::default());
    }
}
