//! `setup.cfg` (setuptools declarative config): `[options]` `install_requires`,
//! `setup_requires`, `tests_require`, `python_requires`, and `[options.extras_require]`.
//!
//! Read with setuptools' own rules rather than a generic INI crate, because the meaning
//! of a value depends on its layout: `configparser` joins indented continuation lines,
//! drops whole-line `#`/`;` comments (also between continuation lines) and lowercases keys;
//! setuptools then splits a multi-line value at line breaks but a one-line value at `;`.
//! So `install_requires = a; b` is two requirements, and a marker on a one-line value
//! (`install_requires = pywin32; sys_platform == "win32"`) is split off — setuptools
//! rejects it, and so do we, with a diagnostic at the line. Inline ` #` comments are also
//! stripped (pip's rule), which setuptools would reject; a requirement with a comment is
//! still a requirement. `file: requirements.txt` values are read inside the scanned root.
//!
//! Scopes: `install_requires` runtime, `setup_requires` build, `tests_require` test,
//! extras by their name's words (`test` → test, `dev`/`docs`/`lint` → dev, otherwise
//! optional). `python_requires` is the `python` runtime with a constraint.

use crate::extractors::python_locks::{python_constraint, requirement};
use crate::extractors::scope_from_words;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format, Scope};
use std::path::Path;

pub struct SetupCfgExtractor;

const ID: Format = Format::SetupCfg;

impl Extractor for SetupCfgExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["setup.cfg"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "setup.cfg"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        for option in parse_ini(file, &mut out) {
            let key = option.key.replace('-', "_");
            match (option.section.as_str(), key.as_str()) {
                ("options", "install_requires") => {
                    requirements(file, &option, Scope::Runtime, &mut out)
                }
                ("options", "setup_requires") => {
                    requirements(file, &option, Scope::Build, &mut out)
                }
                ("options", "tests_require") => requirements(file, &option, Scope::Test, &mut out),
                ("options", "python_requires") => {
                    let constraint = option.joined();
                    if constraint.is_empty() {
                        out.diagnose(Diagnostic::warning(
                            DiagnosticCode::InvalidValue,
                            file.path(),
                            option.line,
                            "`python_requires` is empty",
                        ));
                    } else {
                        out.push(python_constraint(file, ID, option.line, &constraint));
                    }
                }
                ("options.extras_require", extra) => {
                    let scope = scope_from_words(extra, Scope::Optional);
                    requirements(file, &option, scope, &mut out);
                }
                _ => {}
            }
        }
        out
    }
}

/// One `key = value` of a section: the value's lines with their line numbers, comment
/// lines removed. The first element is the text after `=` (possibly empty).
struct IniOption {
    section: String,
    key: String,
    line: u32,
    lines: Vec<(u32, String)>,
}

impl IniOption {
    fn joined(&self) -> String {
        self.lines
            .iter()
            .map(|(_, t)| t.as_str())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `configparser`'s reading: `[section]`, `key = value` / `key: value`, indented lines
/// continue the previous value, whole-line `#`/`;` comments are dropped.
fn parse_ini(file: &SourceFile, out: &mut Extracted) -> Vec<IniOption> {
    let mut options: Vec<IniOption> = Vec::new();
    let mut section: Option<String> = None;
    let mut in_value = false;
    for (idx, raw) in file.text().lines().enumerate() {
        let line = idx as u32 + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with(char::is_whitespace);
        if indented && in_value {
            if let Some(last) = options.last_mut() {
                last.lines.push((line, trimmed.to_string()));
            }
            continue;
        }
        in_value = false;
        if let Some(header) = trimmed.strip_prefix('[') {
            match header.find(']') {
                Some(end) => section = Some(header[..end].trim().to_string()),
                None => {
                    section = None;
                    out.diagnose(Diagnostic::error(
                        DiagnosticCode::ParseError,
                        file.path(),
                        line,
                        "unclosed `[` in section header",
                    ));
                }
            }
            continue;
        }
        let Some(split) = trimmed.find(['=', ':']) else {
            out.diagnose(Diagnostic::error(
                DiagnosticCode::ParseError,
                file.path(),
                line,
                format!("expected `key = value`, found {trimmed:?}"),
            ));
            continue;
        };
        let Some(current) = &section else {
            out.diagnose(Diagnostic::error(
                DiagnosticCode::ParseError,
                file.path(),
                line,
                "option before any `[section]` header",
            ));
            continue;
        };
        let key = trimmed[..split].trim().to_ascii_lowercase();
        let value = trimmed[split + 1..].trim().to_string();
        in_value = true;
        options.push(IniOption {
            section: current.clone(),
            key,
            line,
            lines: vec![(line, value)],
        });
    }
    options
}

/// setuptools' `_parse_requirements_list`: a `file:` directive, else one requirement per
/// line for a multi-line value, or `;`-separated ones for a one-line value.
fn requirements(file: &SourceFile, option: &IniOption, scope: Scope, out: &mut Extracted) {
    let first = option.lines.first().map_or("", |(_, t)| t.as_str());
    if let Some(paths) = first.strip_prefix("file:") {
        for path in paths.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            included_file(file, option.line, path, scope, out);
        }
        return;
    }
    let items: Vec<(u32, &str)> = if option.lines.len() == 1 {
        first.split(';').map(|part| (option.line, part)).collect()
    } else {
        option.lines.iter().map(|(l, t)| (*l, t.as_str())).collect()
    };
    for (line, text) in items {
        let text = strip_comment(text).trim();
        if text.is_empty() {
            continue;
        }
        if option.lines.len() == 1 && looks_like_marker(text) {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                file.path(),
                line,
                format!(
                    "{text:?} looks like an environment marker, but setuptools splits a \
                     one-line `{}` at `;`; put each requirement on its own line",
                    option.key
                ),
            ));
            continue;
        }
        push_requirement(file, text, line, scope, out);
    }
}

fn push_requirement(file: &SourceFile, text: &str, line: u32, scope: Scope, out: &mut Extracted) {
    match requirement(file, ID, text, line, scope) {
        Ok(c) => out.push(c),
        Err(reason) => out.diagnose(Diagnostic::warning(
            DiagnosticCode::ParseError,
            file.path(),
            line,
            format!("cannot parse requirement {text:?}: {reason}"),
        )),
    }
}

/// `install_requires = file: requirements.in`: one requirement per line of that file,
/// located in that file.
fn included_file(file: &SourceFile, line: u32, rel: &str, scope: Scope, out: &mut Extracted) {
    match file.open_relative(rel) {
        Ok(included) => {
            for (idx, raw) in included.text().lines().enumerate() {
                let text = strip_comment(raw).trim();
                if !text.is_empty() && !text.starts_with('-') {
                    push_requirement(&included, text, idx as u32 + 1, scope, out);
                }
            }
        }
        Err(e) => out.diagnose(Diagnostic::warning(
            DiagnosticCode::IncludeNotFound,
            file.path(),
            line,
            format!("cannot read `file: {rel}`: {e}"),
        )),
    }
}

/// `#` at the start or after whitespace starts a comment (URL fragments survive).
fn strip_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &text[..i];
        }
    }
    text
}

/// Whether a `;`-split piece is a PEP 508 marker rather than a requirement.
fn looks_like_marker(text: &str) -> bool {
    const VARIABLES: [&str; 12] = [
        "python_version",
        "python_full_version",
        "sys_platform",
        "platform_system",
        "platform_machine",
        "platform_release",
        "platform_version",
        "platform_python_implementation",
        "implementation_name",
        "implementation_version",
        "os_name",
        "extra",
    ];
    let word = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    VARIABLES.contains(&word) && text.contains(['=', '<', '>'])
}
