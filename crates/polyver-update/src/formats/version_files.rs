//! Runtime and tool version files: `.nvmrc`, `.node-version`, `.python-version`,
//! `.ruby-version`, `rust-toolchain`, `.tool-versions` (asdf, one tool per line),
//! `rust-toolchain.toml` and `mise.toml` / `.mise.toml`.
//!
//! The version moves on its line with its prefix kept (`v18.18.2`, `ruby-3.2.2`). A
//! partial version (`20`, `3.12`) means "the newest of that series" to nvm, pyenv and
//! mise: it is left alone when the series already holds the target (unless
//! `bump_ranges`) and otherwise moves at the same precision (`20` → `22`). In asdf's
//! `.tool-versions` only the tool's first version (the one used) moves, not its fallbacks.
//! TOML files are read with `toml_edit` to find the value's span, and only the text inside
//! its quotes changes. A channel name (`stable`, `lts/iron`) is not a version: refused.

use std::ops::Range;

use polyver_model::Format;
use toml_edit::{Document, Item};

use crate::formats::written::{keep_precision, not_found, splice, unsupported};
use crate::rewrite::{line_span, Outcome, Request, RewriteError, Rewriter};

pub struct VersionFileRewriter;

impl Rewriter for VersionFileRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::VersionFile]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let c = request.component;
        let Some(old) = c.version.as_deref() else {
            let raw = c.constraint.as_ref().map_or("", |k| k.raw.as_str());
            return Err(unsupported(
                request,
                format!(
                    "{} is pinned to `{raw}`, a channel or alias, not a version",
                    c.name
                ),
            ));
        };
        let file = request.path.rsplit('/').next().unwrap_or(request.path);
        let value = match file {
            "rust-toolchain.toml" | "mise.toml" | ".mise.toml" => toml_value(text, request)?,
            ".tool-versions" => tool_versions_value(text, request)?,
            _ => {
                let span = line_span(text, request.line)
                    .ok_or_else(|| not_found(request, format!("`{old}`")))?;
                let body = &text[span.clone()];
                let body = body.split('#').next().unwrap_or("");
                let end = span.start + body.trim_end().len();
                let start = span.start + (body.len() - body.trim_start().len());
                start.min(end)..end
            }
        };
        let written = &text[value.clone()];
        let at =
            find_version(written, old).ok_or_else(|| not_found(request, format!("`{old}`")))?;
        let version_range = value.start + at.start..value.start + at.end;
        let version_text = &text[version_range.clone()];
        match keep_precision(version_text, &request.target.version, request.bump_ranges) {
            None => Ok(Outcome::AlreadySatisfied),
            Some(new) => Ok(Outcome::Rewritten(splice(text, version_range, &new))),
        }
    }
}

/// Where `old` (optionally after `v`) is written in `value`, as a whole version: not
/// inside a longer one (`3.1` in `3.12`), a `-` before it allowed (`ruby-3.2.2`).
fn find_version(value: &str, old: &str) -> Option<Range<usize>> {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '.';
    value.match_indices(old).find_map(|(i, m)| {
        let end = i + m.len();
        let after_ok = !value[end..].starts_with(|c: char| {
            part(c) || c == '-' && old.chars().all(|d| d.is_ascii_digit() || d == '.')
        });
        let before = &value[..i];
        let start = if before.ends_with('v') && !before[..before.len() - 1].ends_with(part) {
            i - 1
        } else if before.ends_with(part) {
            return None;
        } else {
            i
        };
        after_ok.then_some(start..end)
    })
}

/// `.tool-versions`: the first version after the tool name on the request's line.
fn tool_versions_value(text: &str, request: &Request<'_>) -> Result<Range<usize>, RewriteError> {
    let span = line_span(text, request.line)
        .ok_or_else(|| not_found(request, format!("tool `{}`", request.component.name)))?;
    let body = &text[span.clone()];
    let body = body.split('#').next().unwrap_or("");
    let mut words = body
        .char_indices()
        .filter(|&(i, c)| {
            !c.is_whitespace() && (i == 0 || body[..i].ends_with(char::is_whitespace))
        })
        .map(|(i, _)| {
            let len = body[i..]
                .find(char::is_whitespace)
                .unwrap_or(body.len() - i);
            i..i + len
        });
    let _tool = words.next();
    let version = words.next().ok_or_else(|| {
        not_found(
            request,
            format!("a version for `{}`", request.component.name),
        )
    })?;
    Ok(span.start + version.start..span.start + version.end)
}

/// The inside of the quoted TOML string holding the version, found by key on the request's
/// line: `[toolchain] channel`, or a `[tools]` entry (a string, the first of an array, or an
/// inline table's `version`).
fn toml_value(text: &str, request: &Request<'_>) -> Result<Range<usize>, RewriteError> {
    let doc = Document::parse(text)
        .map_err(|e| unsupported(request, format!("not valid TOML: {}", e.message())))?;
    let line_of =
        |span: Option<Range<usize>>| span.map(|s| text[..s.start].matches('\n').count() as u32 + 1);
    let missing = || not_found(request, format!("`{}`", request.component.name));
    let mut value_span = None;
    if let Some(toolchain) = doc.get("toolchain").and_then(Item::as_table_like) {
        if let Some((key, item)) = toolchain.get_key_value("channel") {
            if line_of(key.span()) == Some(request.line) {
                value_span = item.as_value().and_then(|v| v.span());
            }
        }
    }
    if value_span.is_none() {
        if let Some(tools) = doc.get("tools").and_then(Item::as_table_like) {
            for (name, item) in tools.iter() {
                let key_line = tools
                    .get_key_value(name)
                    .and_then(|(k, _)| line_of(k.span()));
                if key_line != Some(request.line) {
                    continue;
                }
                value_span = if let Some(v) = item.as_value().filter(|v| v.is_str()) {
                    v.span()
                } else if let Some(a) = item.as_array() {
                    a.iter().next().and_then(|v| v.span())
                } else {
                    item.as_table_like()
                        .and_then(|t| t.get("version"))
                        .and_then(|v| v.as_value())
                        .and_then(|v| v.span())
                };
            }
        }
    }
    let span = value_span.ok_or_else(missing)?;
    let raw = &text[span.clone()];
    let quote = raw.chars().next().filter(|q| matches!(q, '"' | '\''));
    match quote {
        Some(q) if raw.len() >= 2 && raw.ends_with(q) && !raw.starts_with("\"\"\"") => {
            Ok(span.start + 1..span.end - 1)
        }
        _ => Err(unsupported(
            request,
            "the version is not a one-line TOML string",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::Target;
    use polyver_model::{Component, Ecosystem, Kind, Location};

    fn run(
        text: &str,
        path: &str,
        name: &str,
        version: &str,
        line: u32,
        to: &str,
        bump: bool,
    ) -> Result<Outcome, RewriteError> {
        let c = Component::new(
            Kind::Runtime,
            Ecosystem::Generic,
            name,
            Format::VersionFile,
            Location::new(path, line),
        )
        .with_version(version);
        let target = Target {
            version: to.into(),
            digest: None,
        };
        VersionFileRewriter.rewrite(
            text,
            &Request {
                component: &c,
                path,
                line,
                target: &target,
                bump_ranges: bump,
            },
        )
    }

    fn rewritten(r: Result<Outcome, RewriteError>) -> String {
        match r {
            Ok(Outcome::Rewritten(s)) => s,
            other => panic!("expected a rewrite, got {other:?}"),
        }
    }

    #[test]
    fn single_value_files_keep_prefix_and_line_ending() {
        assert_eq!(
            rewritten(run(
                "v18.18.2\r\n",
                ".nvmrc",
                "node",
                "18.18.2",
                1,
                "20.11.1",
                false
            )),
            "v20.11.1\r\n"
        );
        assert_eq!(
            rewritten(run(
                "ruby-3.2.2\n",
                ".ruby-version",
                "ruby",
                "3.2.2",
                1,
                "3.3.0",
                false
            )),
            "ruby-3.3.0\n"
        );
        assert_eq!(
            run("20\n", ".nvmrc", "node", "20", 1, "20.12.0", false),
            Ok(Outcome::AlreadySatisfied)
        );
        assert_eq!(
            rewritten(run("20\n", ".nvmrc", "node", "20", 1, "22.1.0", false)),
            "22\n"
        );
        let two = "# pyenv\n3.12.1\n3.11.7\n";
        assert_eq!(
            rewritten(run(
                two,
                ".python-version",
                "python",
                "3.11.7",
                3,
                "3.11.9",
                false
            )),
            "# pyenv\n3.12.1\n3.11.9\n"
        );
        assert!(matches!(
            run(
                "3.12\n",
                ".python-version",
                "python",
                "3.1",
                1,
                "3.2",
                false
            ),
            Err(RewriteError::NotFound { .. })
        ));
    }

    #[test]
    fn tool_versions_moves_the_first_version_only() {
        let text = "nodejs 20.11.0 18.19.0 # main\nelixir 1.20.0-rc.6\n";
        assert_eq!(
            rewritten(run(
                text,
                ".tool-versions",
                "node",
                "20.11.0",
                1,
                "20.12.2",
                false
            )),
            "nodejs 20.12.2 18.19.0 # main\nelixir 1.20.0-rc.6\n"
        );
        assert_eq!(
            rewritten(run(
                text,
                ".tool-versions",
                "elixir",
                "1.20.0-rc.6",
                2,
                "1.20.1",
                false
            )),
            "nodejs 20.11.0 18.19.0 # main\nelixir 1.20.1\n"
        );
    }

    #[test]
    fn toml_files_through_toml_edit() {
        let rust = "[toolchain]\nchannel = \"1.94.0\"  # msrv\ncomponents = [\"clippy\"]\n";
        assert_eq!(
            rewritten(run(
                rust,
                "rust-toolchain.toml",
                "rust",
                "1.94.0",
                2,
                "1.95.1",
                false
            )),
            rust.replace("1.94.0", "1.95.1")
        );
        let mise =
            "[tools]\nnode = '24'\npython = [\"3.12\", \"3.11\"]\nruby = { version = \"3.3.0\" }\n";
        assert_eq!(
            rewritten(run(mise, "mise.toml", "node", "24", 2, "26.0.1", false)),
            mise.replace("'24'", "'26'")
        );
        assert_eq!(
            rewritten(run(mise, "mise.toml", "python", "3.12", 3, "3.13.0", false)),
            mise.replace("\"3.12\"", "\"3.13\"")
        );
        assert_eq!(
            rewritten(run(mise, "mise.toml", "ruby", "3.3.0", 4, "3.4.1", false)),
            mise.replace("3.3.0", "3.4.1")
        );
        assert!(matches!(
            run(mise, "mise.toml", "node", "24", 9, "26", false),
            Err(RewriteError::NotFound { .. })
        ));
    }

    #[test]
    fn channels_are_refused() {
        let c = Component::new(
            Kind::Runtime,
            Ecosystem::Generic,
            "node",
            Format::VersionFile,
            Location::new(".nvmrc", 1),
        )
        .with_constraint("lts/iron");
        let target = Target {
            version: "22.1.0".into(),
            digest: None,
        };
        let err = VersionFileRewriter
            .rewrite(
                "lts/iron\n",
                &Request {
                    component: &c,
                    path: ".nvmrc",
                    line: 1,
                    target: &target,
                    bump_ranges: false,
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("not a version"), "{err}");
    }
}
