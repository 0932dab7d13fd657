//! `mix.exs`, the Mix project file of Elixir (and Erlang projects built with Mix): its
//! dependencies and the Elixir version it requires. Never evaluated: the file is tokenized
//! ([`super::terms`]) and only literal data is read.
//!
//! Where the dependencies are: the list a `def deps`/`defp deps` function returns (`do ...
//! end` or `, do: [...]`), or a literal `deps: [...]` in `project`. Each entry is
//! `{:app, "~> 1.7"}`, `{:app, "~> 1.7", opts}` or `{:app, opts}`:
//! - `hex: :package` names the Hex package when it differs from the app (`{:chatterbox,
//!   hex: :ts_chatterbox}`); the component is named by the package, as hex.pm and purls are;
//! - `git:`/`github:`/`path:` (with `tag:`/`branch:`/`ref:`) become `url`
//!   (`https://github.com/o/r.git@v2.2.0`), as in the Gemfile; `in_umbrella: true` is a
//!   sibling app of the same repository, not a dependency, and is left out;
//! - scope: `only: :test` → test, `only: :dev` (or `[:dev, :test]`, `:docs`) → dev, an
//!   `only` that names `:prod` → runtime; without `only`, `runtime: false` → build (a tool
//!   not started with the application) and `optional: true` → optional.
//!
//! `elixir: "~> 1.15"` is the `elixir` runtime with that constraint. An entry that is not a
//! literal tuple, or a deps function that is not a literal list (`deps() ++ extra()`), gets
//! an `unsupported` warning at its line: what is not read is said.

use super::lexer::{tokenize, Tok, Token};
use super::terms::{parse_term, Term, Value};
use crate::extractors::scope_from_words;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use std::path::Path;

pub struct MixExsExtractor;

const ID: Format = Format::MixExs;

impl Extractor for MixExsExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["mix.exs"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "mix.exs"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let project = read(file);
        out.diagnostics.extend(project.diagnostics);
        if let Some((line, req)) = project.elixir {
            out.push(
                Component::new(
                    Kind::Runtime,
                    Ecosystem::Generic,
                    "elixir",
                    ID,
                    file.location(line),
                )
                .with_constraint(req),
            );
        }
        for dep in project.deps {
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Hex,
                &dep.package,
                ID,
                file.location(dep.line),
            )
            .with_scope(dep.scope);
            if let Some(req) = &dep.requirement {
                c = c.with_constraint(req);
            }
            c.url = dep.url;
            out.push(c);
        }
        out
    }
}

/// One dependency of a `mix.exs`.
pub(crate) struct MixDep {
    /// The app name (the lock's key).
    pub app: String,
    /// The Hex package name (`hex:`), else the app name.
    pub package: String,
    pub requirement: Option<String>,
    pub scope: Scope,
    pub url: Option<String>,
    pub line: u32,
}

/// What a `mix.exs` declares.
#[derive(Default)]
pub(crate) struct MixProject {
    pub deps: Vec<MixDep>,
    /// `elixir: "~> 1.15"`: its line and requirement.
    pub elixir: Option<(u32, String)>,
    /// An umbrella root (`apps_path:`): its apps' dependencies are in `apps/*/mix.exs`.
    pub umbrella: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a `mix.exs` (also for `mix.lock`, which needs its direct dependencies and scopes).
pub(crate) fn read(file: &SourceFile) -> MixProject {
    let mut project = MixProject::default();
    let tokens = match tokenize(file.text()) {
        Ok(t) => t,
        Err(e) => {
            project.diagnostics.push(Diagnostic::error(
                DiagnosticCode::ParseError,
                file.path(),
                e.line,
                format!("cannot read mix.exs: {}", e.message),
            ));
            return project;
        }
    };
    let kind = |i: usize| tokens.get(i).map(|t| &t.kind);
    for (i, t) in tokens.iter().enumerate() {
        match &t.kind {
            Tok::Key(k) if k == "elixir" && project.elixir.is_none() => {
                if let Some(Tok::Str(Some(req))) = kind(i + 1) {
                    project.elixir = Some((t.line, req.trim().to_string()));
                }
            }
            Tok::Key(k) if k == "apps_path" => project.umbrella = true,
            Tok::Key(k)
                if k == "deps" && matches!(kind(i + 1), Some(Tok::Punct(p)) if p == "[") =>
            {
                deps_list(file, &tokens, i + 1, &mut project);
            }
            Tok::Ident(d)
                if (d == "def" || d == "defp")
                    && matches!(kind(i + 1), Some(Tok::Ident(n)) if n == "deps") =>
            {
                let mut body = i + 2;
                if matches!(kind(body), Some(Tok::Punct(p)) if p == "(") {
                    if !matches!(kind(body + 1), Some(Tok::Punct(p)) if p == ")") {
                        // `defp deps(:test)`: a clause with arguments, not the project's list.
                        continue;
                    }
                    body += 2;
                }
                match (kind(body), kind(body + 1)) {
                    (Some(Tok::Ident(d)), _) if d == "do" => body += 1,
                    (Some(Tok::Punct(p)), Some(Tok::Key(k))) if p == "," && k == "do" => body += 2,
                    _ => continue,
                }
                if matches!(kind(body), Some(Tok::Punct(p)) if p == "[") {
                    deps_list(file, &tokens, body, &mut project);
                } else {
                    project.diagnostics.push(Diagnostic::warning(
                        DiagnosticCode::Unsupported,
                        file.path(),
                        tokens.get(body).map_or(t.line, |b| b.line),
                        "`deps` does not return a literal list; its dependencies are not read",
                    ));
                }
            }
            _ => {}
        }
    }
    project
}

fn deps_list(file: &SourceFile, tokens: &[Token], at: usize, project: &mut MixProject) {
    let list = match parse_term(tokens, at) {
        Ok((t, _)) => t,
        Err(e) => {
            project.diagnostics.push(Diagnostic::error(
                DiagnosticCode::ParseError,
                file.path(),
                e.line,
                format!("cannot read the dependency list: {}", e.message),
            ));
            return;
        }
    };
    for entry in list.as_list().unwrap_or_default() {
        match dep(entry) {
            Ok(Some(d)) => project.deps.push(d),
            Ok(None) => {}
            Err(reason) => project.diagnostics.push(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                entry.line,
                format!("dependency not read: {reason}"),
            )),
        }
    }
}

/// One `{:app, ...}` entry; `Ok(None)` for an umbrella sibling.
fn dep(entry: &Term) -> Result<Option<MixDep>, String> {
    let items = entry
        .as_tuple()
        .ok_or("not a literal `{:app, ...}` tuple (an expression is not evaluated)")?;
    let app = items
        .first()
        .and_then(Term::as_atom)
        .ok_or("the first element is not an atom")?;
    let (requirement, opts) = match items.get(1..).unwrap_or_default() {
        [] => (None, None),
        [opts] if opts.as_list().is_some() => (None, Some(opts)),
        [req] => (Some(req), None),
        [req, opts] => (Some(req), Some(opts)),
        _ => return Err(format!("`{{:{app}, ...}}` has more than three elements")),
    };
    let requirement = match requirement {
        None => None,
        Some(r) => Some(
            r.as_str()
                .ok_or_else(|| format!("the requirement of `:{app}` is not a literal string"))?
                .trim()
                .to_string(),
        ),
    };
    let opts = opts.map(Term::keywords).unwrap_or_default();
    let opt = |key: &str| opts.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    if opt("in_umbrella").and_then(Term::as_atom) == Some("true") {
        return Ok(None);
    }
    let package = opt("hex").and_then(Term::as_atom).unwrap_or(app);
    Ok(Some(MixDep {
        app: app.to_string(),
        package: package.to_string(),
        requirement,
        scope: scope(opt("only"), opt("runtime"), opt("optional")),
        url: source_url(&opt),
        line: entry.line,
    }))
}

fn scope(only: Option<&Term>, runtime: Option<&Term>, optional: Option<&Term>) -> Scope {
    let envs: Vec<&str> = match only {
        Some(t) => match &t.value {
            Value::Atom(a) => vec![a.as_str()],
            Value::List(l) => l.iter().filter_map(Term::as_atom).collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    if !envs.is_empty() && !envs.contains(&"prod") {
        // `[:dev, :test]` is a development tool; `:test` alone a test dependency.
        let worst = envs
            .iter()
            .map(|e| scope_from_words(e, Scope::Dev))
            .min_by_key(|s| match s {
                Scope::Dev => 0,
                Scope::Test => 1,
                _ => 2,
            });
        return worst.unwrap_or(Scope::Dev);
    }
    if runtime.and_then(Term::as_atom) == Some("false") {
        return Scope::Build;
    }
    if optional.and_then(Term::as_atom) == Some("true") {
        return Scope::Optional;
    }
    Scope::Runtime
}

/// `git:`/`github:`/`path:` with the ref options as one url, the Gemfile's way.
fn source_url<'a>(opt: &impl Fn(&str) -> Option<&'a Term>) -> Option<String> {
    let text = |k: &str| opt(k).and_then(Term::as_str);
    let base = if let Some(g) = text("github") {
        format!("https://github.com/{g}.git")
    } else {
        text("git").or_else(|| text("path"))?.to_string()
    };
    Some(
        match text("tag")
            .or_else(|| text("branch"))
            .or_else(|| text("ref"))
        {
            Some(r) => format!("{base}@{r}"),
            None => base,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(text: &str) -> MixProject {
        read(&SourceFile::from_text("mix.exs", text))
    }

    #[test]
    fn scopes_from_only_and_runtime() {
        let p = deps(
            "defp deps do\n[{:a, \"~> 1.0\", only: :test}, {:b, \"~> 1.0\", only: [:dev, :test], runtime: false},\n {:c, \"1.0\", runtime: false}, {:d, \">= 0.0.0\", only: [:dev, :prod]}, {:e, \"1.0\", optional: true}]\nend",
        );
        let scopes: Vec<Scope> = p.deps.iter().map(|d| d.scope).collect();
        assert_eq!(
            scopes,
            vec![
                Scope::Test,
                Scope::Dev,
                Scope::Build,
                Scope::Runtime,
                Scope::Optional
            ]
        );
        assert_eq!(p.deps[2].line, 3);
    }

    #[test]
    fn inline_deps_and_hex_names() {
        let p = deps("def project, do: [elixir: \"~> 1.15\", deps: [{:chatterbox, \"~> 0.15\", hex: :ts_chatterbox}, {:sib, in_umbrella: true}]]");
        assert_eq!(p.elixir, Some((1, "~> 1.15".into())));
        assert_eq!(p.deps.len(), 1);
        assert_eq!(p.deps[0].package, "ts_chatterbox");
        assert_eq!(p.deps[0].app, "chatterbox");
    }

    #[test]
    fn what_is_not_read_is_said() {
        let p = deps("defp deps, do: base_deps() ++ [{:x, \"1.0\"}]\ndefp deps(:test), do: []");
        assert_eq!(p.deps.len(), 0);
        assert_eq!(p.diagnostics.len(), 1);
        let p = deps("defp deps do\n  [\n    dep_for(:x)\n  ]\nend");
        assert_eq!(p.diagnostics[0].line, 3);
    }
}
