//! Dockerfiles and Containerfiles, under every name in use: `Dockerfile`, `Containerfile`,
//! `Dockerfile.prod`, `api.Dockerfile`, `api.dockerfile` (not `*.dockerignore`).
//!
//! Follows BuildKit's reading: parser directives (`# escape=`) at the top, comment lines,
//! continuation lines (reported at the instruction's first line), heredocs skipped. `FROM`
//! images are components (with their `--platform`, when given), global `ARG` defaults substituted
//! (`$V`, `${V}`, `${V:-default}`, `${V:+alt}`), tag and `@sha256:` digest split, and the
//! Docker Hub prefixes (`docker.io/`, `library/`) removed from names. A `FROM` naming an
//! earlier stage is not an image, nor is `scratch`. `COPY --from=image` of an image that is
//! not a stage is a build image too. The image the final stage is built on (following stage
//! aliases) is the runtime image; every other image is build scope. A reference that still has an unresolved `$VAR` is reported as
//! written, with a warning.

use crate::image_ref::image_component;
use crate::{file_name, Extracted, Extractor, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Format, Scope};
use std::collections::BTreeMap;
use std::path::Path;

pub struct DockerfileExtractor;

const ID: Format = Format::Dockerfile;

impl Extractor for DockerfileExtractor {
    fn format(&self) -> Format {
        ID
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
        let instructions = instructions(file.text());
        let mut args: BTreeMap<String, Option<String>> = BTreeMap::new();
        // Stage alias -> index of the image the stage ultimately starts from.
        let mut stages: BTreeMap<String, Option<usize>> = BTreeMap::new();
        let mut images: Vec<Component> = Vec::new();
        let mut final_base: Option<usize> = None;
        let mut seen_from = false;
        for ins in &instructions {
            let (keyword, rest) = split_word(&ins.text);
            match keyword.to_ascii_uppercase().as_str() {
                "ARG" if !seen_from => {
                    for decl in rest.split_whitespace() {
                        match decl.split_once('=') {
                            Some((k, v)) => {
                                args.insert(k.to_string(), Some(unquote(v).to_string()))
                            }
                            None => args.insert(decl.to_string(), None),
                        };
                    }
                }
                "FROM" => {
                    seen_from = true;
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
                    let reference = substitute(image, &args, file, ins.line, &mut out);
                    let lower = reference.to_ascii_lowercase();
                    let base = if let Some(stage_base) = stages.get(&lower) {
                        *stage_base
                    } else if reference == "scratch" {
                        None
                    } else {
                        let platform = words
                            .iter()
                            .take_while(|w| w.starts_with("--"))
                            .find_map(|w| w.strip_prefix("--platform="))
                            .map(str::to_string);
                        image_component(&reference, ID, file, ins.line, &mut out).map(|mut c| {
                            if platform.is_some() {
                                c.platform = platform;
                                c.refresh_purl();
                            }
                            images.push(c);
                            images.len() - 1
                        })
                    };
                    final_base = base;
                    if let Some(a) = alias {
                        stages.insert(a, base);
                    }
                }
                "COPY" | "ADD" => {
                    let from = rest
                        .split_whitespace()
                        .take_while(|w| w.starts_with("--"))
                        .find_map(|w| w.strip_prefix("--from="));
                    if let Some(from) = from {
                        let from = substitute(from, &args, file, ins.line, &mut out);
                        let is_stage = stages.contains_key(&from.to_ascii_lowercase())
                            || from.chars().all(|c| c.is_ascii_digit());
                        if !is_stage {
                            if let Some(c) = image_component(&from, ID, file, ins.line, &mut out) {
                                images.push(c);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for (i, c) in images.into_iter().enumerate() {
            // Runtime only for the image the final stage is built on.
            let scope = if Some(i) == final_base {
                Scope::Runtime
            } else {
                Scope::Build
            };
            out.push(c.with_scope(scope));
        }
        out
    }
}

struct Instruction {
    line: u32,
    text: String,
}

/// Joins continuation lines, drops comments and directives, skips heredoc bodies.
fn instructions(text: &str) -> Vec<Instruction> {
    let mut escape = '\\';
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
    out
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    }
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(v)
}

/// Substitutes global ARGs; unresolvable references stay as written, with a warning.
fn substitute(
    input: &str,
    args: &BTreeMap<String, Option<String>>,
    file: &SourceFile,
    line: u32,
    out: &mut Extracted,
) -> String {
    let mut result = String::new();
    let mut rest = input;
    while let Some(pos) = rest.find('$') {
        result.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let (name, modifier, consumed) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => {
                    let body = &inner[..end];
                    let name_end = body
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(body.len());
                    (&body[..name_end], Some(&body[name_end..]), end + 2)
                }
                None => ("", None, 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], None, end)
        };
        if name.is_empty() {
            result.push('$');
            rest = after;
            continue;
        }
        let value = args.get(name).cloned().flatten();
        let raw = &rest[pos..pos + 1 + consumed];
        let replaced = match modifier.unwrap_or("") {
            "" => value,
            m if m.starts_with(":-") => {
                value.filter(|v| !v.is_empty()).or(Some(m[2..].to_string()))
            }
            m if m.starts_with('-') => value.or(Some(m[1..].to_string())),
            m if m.starts_with(":+") => Some(if value.is_some_and(|v| !v.is_empty()) {
                m[2..].to_string()
            } else {
                String::new()
            }),
            m if m.starts_with('+') => Some(if value.is_some() {
                m[1..].to_string()
            } else {
                String::new()
            }),
            _ => None,
        };
        match replaced {
            Some(v) => result.push_str(&v),
            None => {
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::Unsupported,
                    file.path(),
                    line,
                    format!("build argument `{name}` has no default; `{raw}` kept as written"),
                ));
                result.push_str(raw);
            }
        }
        rest = &rest[pos + 1 + consumed..];
    }
    result.push_str(rest);
    result
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn every_naming_variant_and_nothing_else() {
        let x = DockerfileExtractor;
        for yes in [
            "Dockerfile",
            "dockerfile",
            "DOCKERFILE",
            "Containerfile",
            "Dockerfile.prod",
            "dockerfile.",
            "api.Dockerfile",
            "build-dockerfile",
            "svc/web/Dockerfile.dev",
            "app.containerfile",
        ] {
            assert!(x.matches(Path::new(yes)), "{yes}");
        }
        for no in [
            ".dockerignore",
            "Dockerfile.dockerignore",
            "README.md",
            "dockerfiles",
            "xdockerfile",
            "Dockerfile-dev",
            "docker-compose.yml",
            "Dockerfile/readme",
        ] {
            assert!(!x.matches(Path::new(no)), "{no}");
        }
    }
}
