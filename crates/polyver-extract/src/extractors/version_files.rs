//! Runtime and tool version files: `.python-version`, `.nvmrc`, `.node-version`,
//! `.ruby-version`, `.tool-versions` (asdf), `rust-toolchain`, `rust-toolchain.toml`,
//! `mise.toml` / `.mise.toml` (`[tools]`).
//!
//! All are generic-ecosystem components named by the runtime (`python`, `node`, `ruby`,
//! `rust`, `go`, ...; asdf's `nodejs`/`golang` are renamed). A value that is a version
//! (`3.11.4`, `v20.11.0`, `3.11`) is the component's version, with the leading `v` dropped;
//! a value that names a moving target (`lts/iron`, `stable`, `latest`, `nightly-2024-01-01`)
//! is kept as a constraint, so drift checks can flag it as floating. `system` means "not
//! managed here" and is skipped. Languages are `runtime`, everything else `tool`.

use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind};
use std::path::Path;
use toml_edit::{Document, Item};

pub struct VersionFileExtractor;

const ID: Format = Format::VersionFile;

/// The languages: `runtime` components; every other named tool is a `tool`.
pub(crate) const RUNTIMES: &[&str] = &[
    "python", "node", "ruby", "go", "rust", "java", "deno", "bun", "erlang", "elixir", "php",
    "dotnet", "kotlin", "scala", "perl", "lua", "zig", "swift",
];

impl Extractor for VersionFileExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&[
            ".python-version",
            ".nvmrc",
            ".node-version",
            ".ruby-version",
            ".tool-versions",
            "rust-toolchain",
            "rust-toolchain.toml",
            "mise.toml",
            ".mise.toml",
        ]))
    }

    fn matches(&self, path: &Path) -> bool {
        matches!(
            file_name(path),
            ".python-version"
                | ".nvmrc"
                | ".node-version"
                | ".ruby-version"
                | ".tool-versions"
                | "rust-toolchain"
                | "rust-toolchain.toml"
                | "mise.toml"
                | ".mise.toml"
        )
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        match file.file_name() {
            ".python-version" => single(file, "python", &mut out, true),
            ".nvmrc" | ".node-version" => single(file, "node", &mut out, false),
            ".ruby-version" => single(file, "ruby", &mut out, false),
            "rust-toolchain" => single(file, "rust", &mut out, false),
            ".tool-versions" => tool_versions(file, &mut out),
            "rust-toolchain.toml" => toml_file(file, &mut out, true),
            _ => toml_file(file, &mut out, false),
        }
        out
    }
}

/// Non-empty lines without `#` comments, with their 1-based numbers.
fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let l = l.split('#').next().unwrap_or("").trim();
        (!l.is_empty()).then_some((i as u32 + 1, l))
    })
}

/// A one-value file. pyenv allows several versions, one per line; the others read one.
fn single(file: &SourceFile, runtime: &str, out: &mut Extracted, many: bool) {
    let mut found = false;
    for (line, value) in lines(file.text()) {
        if found && !many {
            break;
        }
        found = true;
        let (name, value) = match (runtime, value.strip_prefix("ruby-")) {
            ("ruby", Some(v)) => ("ruby", v),
            _ => (runtime, value),
        };
        // pyenv: `pypy3.10-7.3.15`, `miniconda3-latest` name another interpreter.
        let (name, value) = match value.split_once('-') {
            Some((impl_name, v)) if many && !value.starts_with(|c: char| c.is_ascii_digit()) => {
                (impl_name, v)
            }
            _ => (name, value),
        };
        push(file, out, name, value, line);
    }
    if !found {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            1,
            format!("{} names no version", file.file_name()),
        ));
    }
}

fn canonical_name(tool: &str) -> &str {
    match tool {
        "nodejs" => "node",
        "golang" => "go",
        "rustc" => "rust",
        other => other,
    }
}

fn push(file: &SourceFile, out: &mut Extracted, name: &str, value: &str, line: u32) {
    let value = value.trim().trim_matches(['"', '\'']);
    if value.is_empty() || value == "system" {
        return;
    }
    let name = canonical_name(name);
    let kind = if RUNTIMES.contains(&name) {
        Kind::Runtime
    } else {
        Kind::Tool
    };
    let c = Component::new(kind, Ecosystem::Generic, name, ID, file.location(line));
    let bare = value.strip_prefix('v').unwrap_or(value);
    if bare.starts_with(|c: char| c.is_ascii_digit())
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
    {
        out.push(c.with_version(bare));
    } else {
        out.push(c.with_constraint(value));
    }
}

/// asdf: `tool version [fallback versions...]`; the first version is the one used.
fn tool_versions(file: &SourceFile, out: &mut Extracted) {
    for (line, entry) in lines(file.text()) {
        let mut words = entry.split_whitespace();
        let (Some(tool), Some(version)) = (words.next(), words.next()) else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                file.path(),
                line,
                "expected `tool version`",
            ));
            continue;
        };
        if version.starts_with("ref:") || version.starts_with("path:") {
            out.diagnose(Diagnostic::new(
                polyver_model::Severity::Info,
                DiagnosticCode::Unsupported,
                file.path(),
                line,
                format!("{tool} is pinned to `{version}`, not a version"),
            ));
            continue;
        }
        push(file, out, tool, version, line);
    }
}

/// `rust-toolchain.toml` (`[toolchain] channel`) or mise (`[tools] name = version`,
/// `name = [versions]`, `name = { version = ... }`).
fn toml_file(file: &SourceFile, out: &mut Extracted, rust: bool) {
    let doc = match Document::parse(file.text()) {
        Ok(d) => d,
        Err(e) => {
            let (line, col) = file.line_col(e.span().map_or(0, |s| s.start));
            out.diagnose(
                Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    line,
                    format!("invalid TOML: {}", e.message()),
                )
                .with_column(col),
            );
            return;
        }
    };
    let line_of =
        |span: Option<std::ops::Range<usize>>| span.map_or(0, |s| file.line_col(s.start).0);
    if rust {
        let channel = doc
            .get("toolchain")
            .and_then(Item::as_table_like)
            .and_then(|t| t.get_key_value("channel"));
        if let Some((key, item)) = channel {
            match item.as_str() {
                Some(v) => push(file, out, "rust", v, line_of(key.span())),
                None => out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    line_of(key.span()),
                    "`toolchain.channel` must be a string",
                )),
            }
        }
        return;
    }
    let Some(tools) = doc.get("tools").and_then(Item::as_table_like) else {
        return;
    };
    for (tool, item) in tools.iter() {
        let line = line_of(tools.get_key_value(tool).and_then(|(k, _)| k.span()));
        let version = if let Some(s) = item.as_str() {
            Some(s.to_string())
        } else if let Some(a) = item.as_array() {
            a.iter().next().and_then(|v| v.as_str()).map(str::to_string)
        } else {
            item.as_table_like()
                .and_then(|t| t.get("version"))
                .and_then(Item::as_str)
                .map(str::to_string)
        };
        // mise tool names may carry a backend (`npm:prettier`, `cargo:ripgrep`); keep the
        // tool's own name.
        let name = tool.rsplit(':').next().unwrap_or(tool);
        match version {
            Some(v) => push(file, out, name, &v, line),
            None => out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                line,
                format!("cannot read a version for tool `{tool}`"),
            )),
        }
    }
}
