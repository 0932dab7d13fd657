//! Dockerfiles and Containerfiles, under every name in use: `Dockerfile`, `Containerfile`,
//! `Dockerfile.prod`, `api.Dockerfile`, `api.dockerfile` (not `*.dockerignore`).
//!
//! Follows BuildKit's reading: parser directives (`# escape=`) at the top, comment lines,
//! continuation lines (reported at the instruction's first line), heredocs skipped. `FROM`
//! images are components (with their `--platform`, when given), tag and `@sha256:` digest
//! split, and the Docker Hub prefixes (`docker.io/`, `library/`) removed from names. A
//! `FROM` naming an earlier stage is not an image, nor is `scratch`. `COPY --from=image` of
//! an image that is not a stage is a build image too. The image the final stage is built on
//! (following stage aliases) is the runtime image; every other image is build scope. The
//! `# syntax=` directive names the BuildKit frontend image the build pulls (build scope).
//! Packages `RUN` installs with a package manager are components too (`dockerfile/packages.rs`):
//! runtime when installed in the final stage or a stage it is built on, else build.
//!
//! Variables are expanded the way BuildKit's shell lexer does for a build without
//! `--build-arg` (see [`expand`]): `FROM` sees the global ARGs (those before the first
//! `FROM`, each default seeing the earlier ones, plus BuildKit's platform ARGs), `COPY
//! --from` its stage's ARGs (a global one only once re-declared with `ARG NAME`) and ENV.
//! Why all or nothing: a half-substituted `${PY}-slim` or `3.12}` looks like a version and
//! is not one. A reference that cannot be known statically (no default, an unsupported
//! form, a syntax error) is never split as text: with a literal name it is that image
//! without a version, else no component; an "unresolved" warning says why.

use crate::image_ref::{image_component, unresolved_image_component};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Format, Scope};
use std::collections::BTreeMap;
use std::path::Path;

mod expand;
mod package_specs;
mod packages;
use expand::{expand, known, Var, Vars};

pub struct DockerfileExtractor;

const ID: Format = Format::Dockerfile;

impl Extractor for DockerfileExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            names: &["dockerfile", "containerfile"],
            prefixes: &["dockerfile.", "containerfile."],
            suffixes: &[
                ".dockerfile",
                "-dockerfile",
                ".containerfile",
                "-containerfile",
            ],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        // Called for every walked file: case-insensitive tests without allocating.
        let name = file_name(path).as_bytes();
        let ends = |suffix: &[u8]| {
            name.len() >= suffix.len()
                && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        };
        if ends(b".dockerignore") {
            return false;
        }
        [&b"dockerfile"[..], &b"containerfile"[..]]
            .iter()
            .any(|base| {
                let n = base.len();
                name.eq_ignore_ascii_case(base)
                    || (name.len() > n && name[..n].eq_ignore_ascii_case(base) && name[n] == b'.')
                    || (name.len() > n
                        && ends(base)
                        && matches!(name[name.len() - n - 1], b'.' | b'-'))
            })
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let (escape, syntax, instructions) = instructions(file.text());
        if let Some((line, reference)) = syntax {
            // `# syntax=docker/dockerfile:1.7`: the frontend image BuildKit pulls to build.
            if let Some(c) = image_component(&reference, ID, file, line, &mut out) {
                out.push(c.with_scope(Scope::Build));
            }
        }
        // Packages RUN installs, with the stage they are installed in.
        let mut installed: Vec<(usize, Component)> = Vec::new();
        // ARGs before the first FROM, plus BuildKit's automatic platform ARGs.
        let mut global = Vars::global();
        // Stage alias -> index into `stages`.
        let mut aliases: BTreeMap<String, usize> = BTreeMap::new();
        let mut stages: Vec<Stage> = Vec::new();
        let mut images: Vec<Component> = Vec::new();
        for ins in &instructions {
            let (keyword, rest) = split_word(&ins.text);
            match keyword.to_ascii_uppercase().as_str() {
                "ARG" => {
                    for decl in shell_words(rest, escape) {
                        let (name, default) = match decl.split_once('=') {
                            Some((name, default)) => (name, Some(default)),
                            None => (decl.as_str(), None),
                        };
                        match stages.last_mut() {
                            None => {
                                let value = default
                                    .map_or(Var::Unset, |d| known(expand(d, escape, &global)));
                                global.args.insert(name.to_string(), value);
                            }
                            Some(stage) => {
                                let value = match default {
                                    Some(d) => known(expand(d, escape, &stage.vars)),
                                    // `ARG NAME` in a stage brings a global ARG's value in.
                                    None => global.args.get(name).cloned().unwrap_or(Var::Unset),
                                };
                                stage.vars.args.insert(name.to_string(), value);
                            }
                        }
                    }
                }
                "ENV" => {
                    let Some(stage) = stages.last_mut() else {
                        continue;
                    };
                    let words = shell_words(rest, escape);
                    let pairs: Vec<(String, String)> = match words.first() {
                        // Legacy `ENV KEY the rest of the line`.
                        Some(first) if !first.contains('=') => {
                            let (_, value) = split_word(rest);
                            vec![(first.clone(), value.to_string())]
                        }
                        _ => words
                            .iter()
                            .filter_map(|w| w.split_once('='))
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    };
                    for (name, raw) in pairs {
                        let value = known(expand(&raw, escape, &stage.vars));
                        stage.vars.env.insert(name, value);
                    }
                }
                "FROM" => {
                    let words: Vec<&str> = rest.split_whitespace().collect();
                    let mut it = words.iter().skip_while(|w| w.starts_with("--"));
                    let Some(image) = it.next() else {
                        out.diagnose(Diagnostic::warning(
                            DiagnosticCode::ParseError,
                            file.path(),
                            ins.line,
                            "FROM without an image",
                        ));
                        continue;
                    };
                    let alias = match (it.next(), it.next()) {
                        (Some(as_kw), Some(alias)) if as_kw.eq_ignore_ascii_case("as") => {
                            Some(alias.to_ascii_lowercase())
                        }
                        _ => None,
                    };
                    let resolved = expand(image, escape, &global);
                    let reference = resolved.as_deref().unwrap_or(image);
                    let parent = aliases.get(&reference.to_ascii_lowercase()).copied();
                    let mut stage = Stage::default();
                    if let Some(parent) = parent {
                        // A stage built on a stage starts from its image, so from its ENV.
                        stage.base = stages[parent].base;
                        stage.parent = Some(parent);
                        stage.vars.env = stages[parent].vars.env.clone();
                    } else if reference != "scratch" {
                        let platform = words
                            .iter()
                            .take_while(|w| w.starts_with("--"))
                            .find_map(|w| w.strip_prefix("--platform="))
                            .map(str::to_string);
                        let c = match &resolved {
                            Ok(reference) => {
                                image_component(reference, ID, file, ins.line, &mut out)
                            }
                            Err(reason) => unresolved(image, reason, file, ins.line, &mut out),
                        };
                        stage.base = c.map(|mut c| {
                            if platform.is_some() {
                                c.platform = platform;
                                c.refresh_purl();
                            }
                            images.push(c);
                            images.len() - 1
                        });
                    }
                    if let Some(a) = alias {
                        aliases.insert(a, stages.len());
                    }
                    stages.push(stage);
                }
                "RUN" => {
                    if let Some(stage) = stages.last() {
                        let found =
                            packages::run_packages(rest, &stage.vars, file, ins.line, &mut out);
                        installed.extend(found.into_iter().map(|c| (stages.len() - 1, c)));
                    }
                }
                "COPY" | "ADD" => {
                    let from = rest
                        .split_whitespace()
                        .take_while(|w| w.starts_with("--"))
                        .find_map(|w| w.strip_prefix("--from="));
                    if let Some(from) = from {
                        let vars = stages.last().map_or(&global, |s| &s.vars);
                        let resolved = expand(from, escape, vars);
                        let word = resolved.as_deref().unwrap_or(from);
                        let is_stage = aliases.contains_key(&word.to_ascii_lowercase())
                            || word.chars().all(|c| c.is_ascii_digit());
                        if !is_stage {
                            let c = match &resolved {
                                Ok(from) => image_component(from, ID, file, ins.line, &mut out),
                                Err(reason) => unresolved(from, reason, file, ins.line, &mut out),
                            };
                            images.extend(c);
                        }
                    }
                }
                _ => {}
            }
        }
        // Runtime only for the image the final stage is built on.
        let final_base = stages.last().and_then(|s| s.base);
        for (i, c) in images.into_iter().enumerate() {
            let scope = if Some(i) == final_base {
                Scope::Runtime
            } else {
                Scope::Build
            };
            out.push(c.with_scope(scope));
        }
        // Packages installed in the final stage or a stage it is built on are runtime.
        let mut runtime_stages = Vec::new();
        let mut at = stages.len().checked_sub(1);
        while let Some(i) = at.filter(|i| !runtime_stages.contains(i)) {
            runtime_stages.push(i);
            at = stages.get(i).and_then(|s| s.parent);
        }
        for (stage, c) in installed {
            let scope = if runtime_stages.contains(&stage) {
                Scope::Runtime
            } else {
                Scope::Build
            };
            out.push(c.with_scope(scope));
        }
        out
    }
}

/// One `FROM` and what follows it.
#[derive(Default)]
struct Stage {
    /// Index into the images of the image this stage ultimately starts from.
    base: Option<usize>,
    /// The stage this one is built on (`FROM builder AS test`).
    parent: Option<usize>,
    vars: Vars,
}

struct Instruction {
    line: u32,
    text: String,
}

/// Joins continuation lines, drops comments and directives, skips heredoc bodies. Returns
/// the escape character (`\\`, or `` ` `` from an `# escape=` directive) and the `# syntax=`
/// directive's line and image with the instructions.
fn instructions(text: &str) -> (char, Option<(u32, String)>, Vec<Instruction>) {
    let mut escape = '\\';
    let mut syntax = None;
    let mut directives_done = false;
    let mut out = Vec::new();
    let mut current: Option<Instruction> = None;
    let mut heredoc: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if !directives_done {
            if let Some(d) = trimmed.strip_prefix('#') {
                if let Some((k, v)) = d.split_once('=') {
                    if k.trim().eq_ignore_ascii_case("escape") && v.trim() == "`" {
                        escape = '`';
                    }
                    if k.trim().eq_ignore_ascii_case("syntax") && !v.trim().is_empty() {
                        syntax = Some((i as u32 + 1, v.trim().to_string()));
                    }
                    if k.trim().chars().all(|c| c.is_ascii_alphabetic()) {
                        continue;
                    }
                }
            }
            directives_done = true;
        }
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_none()) {
            continue;
        }
        let entry = current.get_or_insert_with(|| Instruction {
            line: i as u32 + 1,
            text: String::new(),
        });
        let body = line.trim_end();
        if let Some(stripped) = body.strip_suffix(escape) {
            entry.text.push_str(stripped);
            entry.text.push(' ');
            continue;
        }
        entry.text.push_str(body);
        if let Some(pos) = entry.text.find("<<") {
            let word = entry.text[pos + 2..]
                .trim_start_matches('-')
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(['"', '\'']);
            if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                heredoc = Some(word.to_string());
            }
        }
        out.extend(current.take());
    }
    out.extend(current);
    (escape, syntax, out)
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    }
}

/// Splits an `ARG`/`ENV` argument list at unquoted whitespace, quotes and escapes kept (they
/// are for [`expand`] to read), like BuildKit's `parseWords`.
fn shell_words(s: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            None if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                continue;
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ => {}
        }
        word.push(c);
        if c == escape && quote != Some('\'') {
            word.extend(chars.next());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The component of a reference that cannot be known statically (see the module doc), with
/// the warning saying why and what was recorded.
fn unresolved(
    word: &str,
    reason: &str,
    file: &SourceFile,
    line: u32,
    out: &mut Extracted,
) -> Option<Component> {
    let c = unresolved_image_component(word, ID, file, line, out);
    let recorded = if c.is_some() {
        "recorded without a version"
    } else {
        "no component"
    };
    out.diagnose(Diagnostic::warning(
        DiagnosticCode::Unsupported,
        file.path(),
        line,
        format!("unresolved image reference `{word}`: {reason}; {recorded}"),
    ));
    c
}

#[cfg(test)]
mod name_tests;

#[cfg(test)]
mod expand_tests;
