//! `go.mod`: the `go` and `toolchain` directives, `require`, `replace`, and the directives
//! that are noted but yield nothing (`module`, `exclude`, `retract`, `godebug`, `tool`,
//! `ignore`).
//!
//! The file is read with a small lexer following `golang.org/x/mod/modfile`: whitespace
//! separated tokens, `//` comments, `"..."` and `` `...` `` quoted module paths, and
//! factored blocks (`require (` … `)`). Unknown directives, missing versions, unterminated
//! blocks and strings become diagnostics at their line; the rest of the file is still read.
//!
//! - `require path vX` is a `module`-kind component of ecosystem `go` (the model's kind for
//!   a Go module dependency), version as written (`v1.9.1`, pseudo-versions, `+incompatible`
//!   kept). Since Go 1.17 `go.mod` lists the whole build list, so the version is the one
//!   selected; a `// indirect` comment means `direct: false`. Go has no dev/test
//!   dependencies in `go.mod`: every entry is `runtime`.
//! - `replace` decides what is actually built, but the build list still names the module
//!   as required, so a replaced module stays one component: its name and required version,
//!   `replaced: true`, located at both the `require` and the `replace` line, and `url` the
//!   replacement, `other/path@vY` (a fork, or `same/path@vY` for a version override, common
//!   for security fixes) or the local directory (`../local/dir`). One component, not the
//!   required module plus the fork, so the package is counted once and the required version
//!   is not lost. `polyver audit` checks what is built: the replacement's module and version
//!   from `url`; a local directory has no version to check and is counted as unknown.
//!
//!   A `replace` with a version on its left applies only to that version. A replacement of
//!   a module that is not required changes nothing and yields nothing.
//! - `go 1.21` is the `go` runtime (ecosystem generic, as version files name it) with
//!   constraint `>=1.21`: since Go 1.21 the directive is the minimum toolchain required.
//!   `toolchain go1.21.3` is the `go` tool at version `1.21.3`.

use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::read::excerpt;
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind};
use std::collections::BTreeMap;
use std::path::Path;

pub struct GoModExtractor;

const ID: Format = Format::GoMod;

/// Directives that may open a factored block.
const BLOCK_VERBS: [&str; 7] = [
    "require", "replace", "exclude", "retract", "godebug", "tool", "ignore",
];

impl Extractor for GoModExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["go.mod"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "go.mod"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let parsed = parse(file, &mut out);
        for c in parsed.components(file) {
            out.push(c);
        }
        out
    }
}

/// A `require` line.
#[derive(Clone, Debug)]
pub(crate) struct Require {
    pub path: String,
    pub version: String,
    pub indirect: bool,
    pub line: u32,
}

/// A `replace` line.
#[derive(Clone, Debug)]
pub(crate) struct Replace {
    pub old_path: String,
    pub old_version: Option<String>,
    pub new_path: String,
    /// `None`: the replacement is a local directory.
    pub new_version: Option<String>,
    pub line: u32,
}

/// What a `go.mod` declares.
#[derive(Debug, Default)]
pub(crate) struct GoMod {
    pub module: Option<String>,
    pub go: Option<(String, u32)>,
    pub toolchain: Option<(String, u32)>,
    pub requires: Vec<Require>,
    pub replaces: Vec<Replace>,
}

impl GoMod {
    /// The replacement that applies to a required module, if any (a versioned replace wins
    /// over a path-wide one, as in Go).
    pub(crate) fn replacement(&self, req: &Require) -> Option<&Replace> {
        let matching = |r: &&Replace| r.old_path == req.path;
        self.replaces
            .iter()
            .filter(matching)
            .find(|r| r.old_version.as_deref() == Some(req.version.as_str()))
            .or_else(|| {
                self.replaces
                    .iter()
                    .filter(matching)
                    .find(|r| r.old_version.is_none())
            })
    }

    fn components(&self, file: &SourceFile) -> Vec<Component> {
        let mut out = Vec::new();
        if let Some((v, line)) = &self.go {
            out.push(
                Component::new(
                    Kind::Runtime,
                    Ecosystem::Generic,
                    "go",
                    ID,
                    file.location(*line),
                )
                .with_constraint(format!(">={v}")),
            );
        }
        if let Some((v, line)) = &self.toolchain {
            out.push(
                Component::new(
                    Kind::Tool,
                    Ecosystem::Generic,
                    "go",
                    ID,
                    file.location(*line),
                )
                .with_version(v.as_str()),
            );
        }
        for req in &self.requires {
            let mut c = Component::new(
                Kind::Module,
                Ecosystem::Go,
                req.path.as_str(),
                ID,
                file.location(req.line),
            )
            .with_direct(!req.indirect)
            .with_version(req.version.as_str());
            if let Some(rep) = self.replacement(req) {
                c.locations.push(file.location(rep.line));
                c.replaced = true;
                c.url = Some(match &rep.new_version {
                    Some(v) => format!("{}@{v}", rep.new_path),
                    None => rep.new_path.clone(),
                });
            }
            out.push(c);
        }
        out
    }
}

/// One lexed token and its 1-based column.
#[derive(Clone, Debug)]
struct Token {
    text: String,
    col: u32,
}

/// One line's tokens and its trailing comment (without `//`).
struct LexedLine {
    tokens: Vec<Token>,
    comment: Option<String>,
}

/// Splits one line into tokens. Quoted strings are unquoted; an unterminated one is an
/// error with its column.
fn lex(line: &str) -> Result<LexedLine, (u32, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut comment = None;
    let mut i = 0;
    while let Some(&ch) = chars.get(i) {
        let col = i as u32 + 1;
        match ch {
            c if c.is_whitespace() => i += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                comment = Some(chars.get(i + 2..).unwrap_or(&[]).iter().collect());
                break;
            }
            '(' | ')' => {
                tokens.push(Token {
                    text: ch.to_string(),
                    col,
                });
                i += 1;
            }
            '"' | '`' => {
                let quote = ch;
                let mut text = String::new();
                i += 1;
                let mut closed = false;
                while let Some(&c) = chars.get(i) {
                    i += 1;
                    if c == quote {
                        closed = true;
                        break;
                    }
                    if c == '\\' && quote == '"' {
                        match chars.get(i) {
                            Some(&n) => {
                                text.push(n);
                                i += 1;
                            }
                            None => break,
                        }
                    } else {
                        text.push(c);
                    }
                }
                if !closed {
                    return Err((col, "unterminated quoted string".into()));
                }
                tokens.push(Token { text, col });
            }
            _ => {
                let start = i;
                while let Some(&c) = chars.get(i) {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"' | '`') {
                        break;
                    }
                    if c == '/' && chars.get(i + 1) == Some(&'/') {
                        break;
                    }
                    i += 1;
                }
                tokens.push(Token {
                    text: chars.get(start..i).unwrap_or(&[]).iter().collect(),
                    col,
                });
            }
        }
    }
    Ok(LexedLine { tokens, comment })
}

/// Go's rule: the comment is `indirect`, or starts with `indirect;`.
fn is_indirect(comment: Option<&str>) -> bool {
    comment.is_some_and(|c| {
        let c = c.trim();
        c == "indirect" || c.starts_with("indirect;")
    })
}

/// A module version: `v` then a digit (`v1.2.3`, `v0.0.0-2022…`, `v2.0.0+incompatible`).
fn is_version(v: &str) -> bool {
    v.strip_prefix('v')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// A Go release (`1.21`, `1.21.3`, `1.22rc1`).
fn is_go_version(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// A replacement target without a version must be a directory (`./x`, `../x`, `/abs`).
fn is_local_path(p: &str) -> bool {
    p.starts_with("./")
        || p.starts_with("../")
        || p.starts_with('/')
        || p == "."
        || p == ".."
        || p.starts_with(".\\")
        || p.starts_with("..\\")
        || p.get(1..3) == Some(":\\")
}

/// Parses `file`, reporting problems into `out`.
pub(crate) fn parse(file: &SourceFile, out: &mut Extracted) -> GoMod {
    let mut m = GoMod::default();
    let mut block: Option<(String, u32)> = None;
    let diag = |out: &mut Extracted, line: u32, col: Option<u32>, msg: String| {
        let mut d = Diagnostic::warning(DiagnosticCode::ParseError, file.path(), line, msg);
        if let Some(c) = col {
            d = d.with_column(c);
        }
        out.diagnose(d);
    };
    for (idx, text) in file.text().lines().enumerate() {
        let line = idx as u32 + 1;
        let lexed = match lex(text) {
            Ok(l) => l,
            Err((col, msg)) => {
                diag(out, line, Some(col), msg);
                continue;
            }
        };
        let tokens = lexed.tokens;
        let Some(first) = tokens.first() else {
            continue;
        };
        let comment = lexed.comment.as_deref();
        if let Some((verb, _)) = &block {
            if first.text == ")" {
                if tokens.len() > 1 {
                    diag(
                        out,
                        line,
                        tokens.get(1).map(|t| t.col),
                        "unexpected text after `)`".into(),
                    );
                }
                block = None;
                continue;
            }
            let verb = verb.clone();
            directive(&mut m, out, file, &verb, &tokens, comment, line);
            continue;
        }
        let verb = first.text.as_str();
        let rest = tokens.get(1..).unwrap_or(&[]);
        if rest.first().is_some_and(|t| t.text == "(") {
            if !BLOCK_VERBS.contains(&verb) {
                diag(
                    out,
                    line,
                    Some(first.col),
                    format!("`{}` cannot start a block", excerpt(verb)),
                );
            }
            if let Some(extra) = rest.get(1) {
                diag(
                    out,
                    line,
                    Some(extra.col),
                    "unexpected text after `(`".into(),
                );
            }
            block = Some((verb.to_string(), line));
            continue;
        }
        directive(&mut m, out, file, verb, rest, comment, line);
    }
    if let Some((verb, line)) = block {
        diag(
            out,
            line,
            None,
            format!("`{} (` block is never closed with `)`", excerpt(&verb)),
        );
    }
    m
}

/// One directive: `verb` and its arguments (inside a block, the whole line).
fn directive(
    m: &mut GoMod,
    out: &mut Extracted,
    file: &SourceFile,
    verb: &str,
    args: &[Token],
    comment: Option<&str>,
    line: u32,
) {
    let err = |out: &mut Extracted, col: Option<u32>, msg: String| {
        let mut d = Diagnostic::warning(DiagnosticCode::ParseError, file.path(), line, msg);
        if let Some(c) = col {
            d = d.with_column(c);
        }
        out.diagnose(d);
    };
    let texts: Vec<&str> = args.iter().map(|t| t.text.as_str()).collect();
    let col = |i: usize| args.get(i).map(|t| t.col);
    match verb {
        "module" => match texts.as_slice() {
            [path] => m.module = Some(path.to_string()),
            _ => err(out, col(0), "usage: module module/path".into()),
        },
        "go" => match texts.as_slice() {
            [v] if is_go_version(v) => m.go = Some((v.to_string(), line)),
            _ => err(
                out,
                col(0),
                format!("invalid go version {:?}", excerpt(&texts.join(" "))),
            ),
        },
        "toolchain" => match texts.as_slice() {
            ["default"] => {}
            [t] => match t
                .strip_prefix("go")
                .filter(|v| is_go_version(v.split(['-', '+']).next().unwrap_or("")))
            {
                Some(v) => m.toolchain = Some((v.to_string(), line)),
                None => err(
                    out,
                    col(0),
                    format!("invalid toolchain name {:?}", excerpt(t)),
                ),
            },
            _ => err(out, col(0), "usage: toolchain go1.21.3".into()),
        },
        "require" => match texts.as_slice() {
            [path, version] if is_version(version) => m.requires.push(Require {
                path: path.to_string(),
                version: version.to_string(),
                indirect: is_indirect(comment),
                line,
            }),
            [_, version] => err(
                out,
                col(1),
                format!("invalid module version {:?}", excerpt(version)),
            ),
            _ => err(out, col(0), "usage: require module/path v1.2.3".into()),
        },
        "exclude" => match texts.as_slice() {
            [_, version] if is_version(version) => {}
            _ => err(out, col(0), "usage: exclude module/path v1.2.3".into()),
        },
        "replace" => {
            let Some(arrow) = texts.iter().position(|t| *t == "=>") else {
                err(out, col(0), "replace without `=>`".into());
                return;
            };
            let (left, right) = texts.split_at(arrow);
            let right = right.get(1..).unwrap_or(&[]);
            let (old_path, old_version) = match left {
                [p] => (p, None),
                [p, v] if is_version(v) => (p, Some(v.to_string())),
                _ => {
                    err(
                        out,
                        col(0),
                        "usage: replace module/path [v1.2.3] => other/path v1.4.5 | ../local/dir"
                            .into(),
                    );
                    return;
                }
            };
            let (new_path, new_version) = match right {
                [p] if is_local_path(p) => (p, None),
                [p] => {
                    err(out, col(arrow + 1), format!("replacement module {} needs a version, or a directory path starting with ./ or ../", excerpt(p)));
                    return;
                }
                [p, v] if is_version(v) => (p, Some(v.to_string())),
                _ => {
                    err(
                        out,
                        col(arrow + 1),
                        "usage: replace module/path [v1.2.3] => other/path v1.4.5 | ../local/dir"
                            .into(),
                    );
                    return;
                }
            };
            m.replaces.push(Replace {
                old_path: old_path.to_string(),
                old_version,
                new_path: new_path.to_string(),
                new_version,
                line,
            });
        }
        // Retractions, debug settings, tool packages and ignored directories name no
        // versioned dependency.
        "retract" | "godebug" | "tool" | "ignore" => {
            if texts.is_empty() {
                err(out, None, format!("`{}` needs an argument", excerpt(verb)));
            }
        }
        _ => out.diagnose(
            Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                line,
                format!("unknown go.mod directive `{}`", excerpt(verb)),
            )
            .with_column(
                args.first()
                    .map_or(1, |t| t.col.saturating_sub(verb.len() as u32 + 1).max(1)),
            ),
        ),
    }
}

/// The modules a `go.mod` requires directly (not `// indirect`), with their replacement
/// targets, for `go.sum` beside it. `None` when there is no readable go.mod.
pub(crate) fn direct_modules(file: &SourceFile) -> Option<BTreeMap<String, bool>> {
    let gomod = file.open_relative("go.mod").ok()?;
    let mut sink = Extracted::default();
    let m = parse(&gomod, &mut sink);
    let mut out: BTreeMap<String, bool> = BTreeMap::new();
    for req in &m.requires {
        let direct = !req.indirect;
        *out.entry(req.path.clone()).or_default() |= direct;
        if let Some(rep) = m.replacement(req) {
            if rep.new_version.is_some() {
                *out.entry(rep.new_path.clone()).or_default() |= direct;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexer() {
        let l = lex("\t\"github.com/a/b\" v1.2.3 // indirect").unwrap();
        let t: Vec<&str> = l.tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(t, vec!["github.com/a/b", "v1.2.3"]);
        assert!(is_indirect(l.comment.as_deref()));
        assert!(is_indirect(Some(" indirect; for tests")));
        assert!(!is_indirect(Some(" not indirect")));
        assert!(lex("require \"abc").is_err());
        let l = lex("require (").unwrap();
        assert_eq!(l.tokens.len(), 2);
    }

    #[test]
    fn a_replaced_module_is_one_component_with_its_replacement_as_url() {
        let x = GoModExtractor.extract(&SourceFile::from_text(
            "go.mod",
            "module x\nrequire (\n\tgithub.com/a/fork v1.2.3\n\tgithub.com/a/bump v1.0.0\n\
             \tgithub.com/a/local v0.1.0 // indirect\n\tgithub.com/a/other v2.0.0\n)\n\
             replace github.com/a/fork => github.com/me/fork v1.2.4\n\
             replace github.com/a/bump v1.0.0 => github.com/a/bump v1.0.1\n\
             replace github.com/a/local => ../local\n\
             replace github.com/a/other v1.0.0 => github.com/me/other v1.0.1\n\
             replace github.com/not/required => github.com/me/x v1.0.0\n",
        ));
        assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
        type Seen<'a> = (&'a str, Option<&'a str>, bool, Option<&'a str>, Vec<u32>);
        let found: Vec<Seen> = x
            .components
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_deref(),
                    c.replaced,
                    c.url.as_deref(),
                    c.locations.iter().map(|l| l.line).collect(),
                )
            })
            .collect();
        // The required version is kept; a replace of another version changes nothing.
        assert_eq!(
            found,
            vec![
                (
                    "github.com/a/fork",
                    Some("v1.2.3"),
                    true,
                    Some("github.com/me/fork@v1.2.4"),
                    vec![3, 8]
                ),
                (
                    "github.com/a/bump",
                    Some("v1.0.0"),
                    true,
                    Some("github.com/a/bump@v1.0.1"),
                    vec![4, 9]
                ),
                (
                    "github.com/a/local",
                    Some("v0.1.0"),
                    true,
                    Some("../local"),
                    vec![5, 10]
                ),
                ("github.com/a/other", Some("v2.0.0"), false, None, vec![6]),
            ]
        );
        assert!(!x.components[2].direct);
    }
}
