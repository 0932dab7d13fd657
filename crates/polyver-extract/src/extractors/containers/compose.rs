//! Docker Compose files: `compose.yaml`, `compose.yml`, `docker-compose.yml`,
//! `docker-compose.yaml` and their overrides (`docker-compose.override.yml`,
//! `docker-compose.prod.yaml`, `compose.dev.yml`).
//!
//! Every `services.<name>.image` is an image component, named exactly as `FROM` images are
//! (shared [`crate::image_ref`]): Docker Hub prefixes dropped, registry with port kept
//! (`localhost:5000/app`), tag as version, `@sha256:` digest as integrity. A missing or
//! `latest` tag is recorded as written; judging floating tags is the policy layer's job.
//!
//! Compose interpolates `${VAR}` from the environment and the project's `.env` file before
//! anything else, so we do the same statically: values from a `.env` beside the file (when
//! read from disk), then the written defaults (`${VAR:-default}`, `${VAR-default}`, nested
//! defaults too); `$$` is a literal `$`. A variable with neither is known only at deploy
//! time: an image whose name depends on it is no component, one whose tag does has no
//! version, with a warning (never a name or version split out of `${VAR}` text).
//!
//! YAML anchors, merge keys (`<<: *defaults`) and `x-*` extension fields are resolved by the
//! loader ([`crate::yaml`]), so an image written once in an `x-` block and merged into three
//! services is one component located where it is written. A service that only has `build:`
//! is built from local sources: there is nothing versioned to report, which we say with an
//! info diagnostic. A service with both `build:` and `image:` tags its build result with
//! that name; it is still reported, since it is the image that runs. Services limited to
//! `profiles:` start only on request and get the `optional` scope; all others `runtime`.
//!
//! A service with neither `image` nor `build` is an error only in a file Compose runs on its
//! own. In an override file — `compose.override.yaml`, any `compose.<x>.yaml` /
//! `docker-compose.<x>.yml` given with `-f` after the base file, or a file none of whose
//! services names an image or build — it changes fields of a service another file defines:
//! an info diagnostic says so, not a warning.

use crate::image_ref::image_component;
use crate::yaml::{self, locate, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format, Scope, Severity};
use std::collections::BTreeMap;
use std::path::Path;

pub struct ComposeExtractor;

const ID: Format = Format::Compose;

impl Extractor for ComposeExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            prefixes: &["docker-compose.", "compose."],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        let Some(stem) = name
            .strip_suffix(".yml")
            .or_else(|| name.strip_suffix(".yaml"))
        else {
            return false;
        };
        ["docker-compose", "compose"]
            .iter()
            .any(|base| stem == *base || stem.starts_with(&format!("{base}.")))
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let loaded = yaml::load_file(file, &mut out.diagnostics);
        let env = dot_env(file);
        let lookup = |name: &str| env.get(name).cloned();
        for doc in loaded.mappings() {
            let Some(services) = doc.get("services") else {
                continue;
            };
            if services.as_mapping().is_none() {
                if !services.is_null() {
                    out.diagnose(invalid(file, services, "`services` should be a mapping"));
                }
                continue;
            }
            let overrides = is_override_name(file.file_name())
                || services.entries().all(|(_, _, service)| {
                    service.get("image").is_none() && service.get("build").is_none()
                });
            for (service_name, _, service) in services.entries() {
                if service.as_mapping().is_none() {
                    if !service.is_null() {
                        let msg = format!("service `{service_name}` should be a mapping");
                        out.diagnose(invalid(file, service, &msg));
                    }
                    continue;
                }
                let scope = if service.get("profiles").is_some() {
                    Scope::Optional
                } else {
                    Scope::Runtime
                };
                match service.get("image") {
                    Some(image) => match image.as_str() {
                        Some(reference) => {
                            let reference = substitute(reference, &lookup, file, image, &mut out);
                            if let Some(c) =
                                image_component(reference.trim(), ID, file, image.line, &mut out)
                            {
                                out.push(locate(c, file, image).with_scope(scope));
                            }
                        }
                        None => {
                            let msg = format!(
                                "`image` of service `{service_name}` is a {}, expected a string",
                                image.type_name()
                            );
                            out.diagnose(invalid(file, image, &msg));
                        }
                    },
                    None if service.get("build").is_some() => {
                        out.diagnose(Diagnostic::new(
                            Severity::Info,
                            DiagnosticCode::Unsupported,
                            file.path(),
                            service.line,
                            format!(
                                "service `{service_name}` is built from local sources and \
                                 names no image; no component"
                            ),
                        ));
                    }
                    // `extends:` takes the image from another service, reported there.
                    None if service.get("extends").is_some() => {}
                    None if overrides => out.diagnose(Diagnostic::new(
                        Severity::Info,
                        DiagnosticCode::Unsupported,
                        file.path(),
                        service.line,
                        format!(
                            "service `{service_name}` overrides fields of the service another \
                             compose file defines (an override file); no component"
                        ),
                    )),
                    None => out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        service.line,
                        format!("service `{service_name}` has neither `image` nor `build`"),
                    )),
                }
            }
        }
        out
    }
}

/// A file Compose merges onto a base file (`compose.override.yaml`, `compose.prod.yml`,
/// `docker-compose.dev.yaml`) rather than runs alone (`compose.yaml`, `docker-compose.yml`).
fn is_override_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or(&name);
    !matches!(stem, "compose" | "docker-compose")
}

fn invalid(file: &SourceFile, node: &Node, message: &str) -> Diagnostic {
    node.invalid(file, message)
}

/// Interpolates `text` (written at `node`), warning about each variable left unresolved.
fn substitute(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    file: &SourceFile,
    node: &Node,
    out: &mut Extracted,
) -> String {
    let mut unresolved = Vec::new();
    let result = interpolate(text, lookup, &mut unresolved);
    for name in unresolved {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::Unsupported,
            file.path(),
            node.line,
            format!("variable `{name}` has no value or default here"),
        ));
    }
    result
}

/// `KEY=VALUE` lines of the `.env` file beside `file`, the way Compose reads them
/// (`export ` prefixes, quotes and comments allowed). Empty when there is none.
fn dot_env(file: &SourceFile) -> BTreeMap<String, String> {
    let Ok(env_file) = file.open_relative(".env") else {
        return BTreeMap::new();
    };
    env_file
        .text()
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return None;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (key, value) = line.split_once('=')?;
            let value = value.trim();
            let value = match value.chars().next() {
                Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
                _ => value.split(" #").next().unwrap_or("").trim_end(),
            };
            Some((key.trim().to_string(), value.to_string()))
        })
        .collect()
}

/// Deepest nesting of defaults inside defaults (`${A:-${B:-${C}}}`) that is expanded.
const MAX_INTERPOLATION_DEPTH: usize = 8;

/// Compose/shell-style variable interpolation (also GitLab's `$VAR`/`${VAR}`), with values
/// from `lookup`: `$$` is a literal `$`; `${V:-d}` (unset or empty) and `${V-d}` (unset)
/// fall back to `d`; `${V:+a}`/`${V+a}` give `a` when set, else nothing; `${V:?msg}` needs a
/// value. Names without a value are pushed to `unresolved` and kept as written.
pub(crate) fn interpolate(
    input: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unresolved: &mut Vec<String>,
) -> String {
    interpolate_at(input, lookup, unresolved, 0)
}

fn interpolate_at(
    input: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unresolved: &mut Vec<String>,
    depth: usize,
) -> String {
    if depth > MAX_INTERPOLATION_DEPTH {
        return input.to_string();
    }
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = input;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        if let Some(inner) = after.strip_prefix('{') {
            let Some(end) = closing_brace(inner) else {
                // Unterminated `${`: nothing more to interpolate.
                out.push_str(&rest[pos..]);
                return out;
            };
            let body = &inner[..end];
            let raw = &rest[pos..pos + 3 + end];
            let name_end = body.find(|c| !is_name_char(c)).unwrap_or(body.len());
            let (name, modifier) = body.split_at(name_end);
            let value = lookup(name);
            let nested = |text: &str, unresolved: &mut Vec<String>| {
                interpolate_at(text, lookup, unresolved, depth + 1)
            };
            let resolved = if modifier.is_empty() || modifier.starts_with(":?") {
                value
            } else if let Some(default) = modifier.strip_prefix(":-") {
                match value.filter(|v| !v.is_empty()) {
                    Some(v) => Some(v),
                    None => Some(nested(default, unresolved)),
                }
            } else if let Some(default) = modifier.strip_prefix('-') {
                Some(value.unwrap_or_else(|| nested(default, unresolved)))
            } else if let Some(alt) = modifier.strip_prefix(":+") {
                Some(match value.filter(|v| !v.is_empty()) {
                    Some(_) => nested(alt, unresolved),
                    None => String::new(),
                })
            } else if let Some(alt) = modifier.strip_prefix('+') {
                Some(match value {
                    Some(_) => nested(alt, unresolved),
                    None => String::new(),
                })
            } else {
                value
            };
            match resolved {
                Some(v) => out.push_str(&v),
                None => {
                    unresolved.push(name.to_string());
                    out.push_str(raw);
                }
            }
            rest = &inner[end + 1..];
        } else {
            let end = after.find(|c| !is_name_char(c)).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() {
                out.push('$');
            } else if let Some(v) = lookup(name) {
                out.push_str(&v);
            } else {
                unresolved.push(name.to_string());
                out.push('$');
                out.push_str(name);
            }
            rest = &after[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Byte index of the `}` closing a `${` whose body starts `inner`, counting nested braces.
fn closing_brace(inner: &str) -> Option<usize> {
    let mut level = 1usize;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => level += 1,
            '}' => {
                level -= 1;
                if level == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (String, Vec<String>) {
        let mut unresolved = Vec::new();
        let lookup = |n: &str| (n == "SET").then(|| "v".to_string());
        (interpolate(text, &lookup, &mut unresolved), unresolved)
    }

    #[test]
    fn interpolation() {
        assert_eq!(run("a:${TAG:-1.2}").0, "a:1.2");
        assert_eq!(run("a:${TAG-1.2}").0, "a:1.2");
        assert_eq!(run("${SET}:${SET:-x}").0, "v:v");
        assert_eq!(run("a:${X:-${Y:-3}}").0, "a:3");
        assert_eq!(run("$$HOME").0, "$HOME");
        assert_eq!(run("${SET:+alt}${NO:+alt}").0, "alt");
        assert_eq!(
            run("${REG}/app:$TAG"),
            (
                "${REG}/app:$TAG".to_string(),
                vec!["REG".to_string(), "TAG".to_string()]
            )
        );
        assert_eq!(run("x:${UNTERMINATED").0, "x:${UNTERMINATED");
        assert_eq!(run("é$").0, "é$");
    }

    #[test]
    fn matching() {
        let x = ComposeExtractor;
        for yes in [
            "compose.yaml",
            "docker-compose.yml",
            "deploy/docker-compose.prod.yaml",
            "compose.override.yml",
        ] {
            assert!(x.matches(Path::new(yes)), "{yes}");
        }
        for no in [
            "compose.json",
            "docker-compose",
            "my-compose.yml",
            "composer.yml",
        ] {
            assert!(!x.matches(Path::new(no)), "{no}");
        }
    }
}
