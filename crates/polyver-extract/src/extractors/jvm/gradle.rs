//! Gradle build scripts: `build.gradle` (Groovy DSL) and `build.gradle.kts` (Kotlin DSL),
//! plus `settings.gradle(.kts)` for its `plugins` / `pluginManagement` blocks.
//!
//! Build scripts are programs; polyver never runs them. Instead a small lexer (comments,
//! Groovy/Kotlin strings, identifiers, punctuation, each token with its byte offset) feeds a
//! scanner for the declaration forms real builds use, which covers the vast majority of
//! scripts without an interpreter:
//!
//! - in any `dependencies { }` block (also inside `buildscript`, `subprojects`,
//!   `allprojects`), a statement `CONFIGURATION ARGS` or `CONFIGURATION(ARGS)` (Kotlin also
//!   `"configuration"(ARGS)`) where an
//!   argument is a coordinate string `'g:a:v[:classifier][@ext]'`, a map
//!   `group: 'g', name: 'a', version: 'v'` (Kotlin: `group = "g", ...`),
//!   `platform(...)` / `enforcedPlatform(...)` / `testFixtures(...)` around one of those,
//!   `kotlin("stdlib")`, a version catalog accessor `libs.foo.bar` (resolved from
//!   `gradle/libs.versions.toml` found in this directory or above), or a variable holding a
//!   coordinate; `project(...)`, `files(...)` and friends are not packages. A classifier
//!   and a non-`jar` `@ext` select another artifact: kept in `extras` (`classifier:x`,
//!   `type:x`), as the `pom` extractor does. Entries of a
//!   `constraints { }` block are constraints (`direct: false`).
//! - in `plugins { }`, `id 'x' version 'v'`, `id("x") version "v"`, `kotlin("jvm") version
//!   "v"` and `alias(libs.plugins.x)` are build tools named by plugin id; core plugins
//!   (`java`, `` `java-library` ``) have no version and are skipped.
//!
//! Strings interpolate (`"g:a:$v"`, `"${versions.x}"`, Groovy double-quoted and Kotlin
//! strings) from variables assigned in the same file (`def`/`val`/`var`, `ext.x = `,
//! `ext { x = }`, `extra["x"] = `, `val x by extra("...")`, `set("x", ...)`, map literals
//! `versions = [x: '1']`) and from `gradle.properties` in this directory or above (where
//! Gradle itself reads project properties). A reference that cannot be resolved is kept
//! as written, with a warning. Groovy single-quoted strings do not interpolate.
//!
//! Scopes by configuration: names containing `test` (`testImplementation`,
//! `androidTestImplementation`, `testFixturesApi`) → test; `compileOnly`, `compileOnlyApi`,
//! `annotationProcessor`, `kapt*`, `ksp*`, `classpath` → build; `developmentOnly` → dev;
//! anything else (`implementation`, `api`, `runtimeOnly`, custom ones) → runtime. A plain
//! version is exact; ranges, `1.+`, `latest.release` are constraints only; `1.2!!` is
//! strictly `1.2`. Unbalanced braces and unterminated strings or comments are reported at
//! their line, and scanning continues.

use crate::extractors::gradle_catalog::Catalog;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format};
use std::collections::HashMap;
use std::path::Path;

mod dependencies;
mod lexer;
mod plugins;
mod variables;

use lexer::{ident, lex, parse_error, punct, Tok, Token};
use variables::{gradle_properties, variables};

pub struct GradleExtractor;

const ID: Format = Format::Gradle;

/// How many directories up `gradle/libs.versions.toml` and `gradle.properties` are looked for.
const MAX_UP: usize = 8;
/// How far a call's closing parenthesis is looked for, in tokens.
const MAX_LOOKAHEAD: usize = 512;
/// Nesting bound for `platform(platform(...))` arguments.
const MAX_ARG_DEPTH: usize = 4;
/// Nesting bound for variable references inside variable values.
const MAX_VAR_DEPTH: usize = 8;

impl Extractor for GradleExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&[
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
        ]))
    }

    fn matches(&self, path: &Path) -> bool {
        matches!(
            file_name(path),
            "build.gradle" | "build.gradle.kts" | "settings.gradle" | "settings.gradle.kts"
        )
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let toks = lex(file, &mut out);
        let mut scan = Scan {
            file,
            toks: &toks,
            vars: variables(&toks),
            props: gradle_properties(file),
            catalog: None,
            out: &mut out,
        };
        scan.run();
        out
    }
}

/// The declaration scanner's state over one script's tokens; its methods are split by
/// declaration form across the child modules.
struct Scan<'a> {
    file: &'a SourceFile,
    toks: &'a [Token],
    vars: HashMap<String, String>,
    props: HashMap<String, String>,
    catalog: Option<Option<Catalog>>,
    out: &'a mut Extracted,
}

/// A block the scanner is inside: the name of the declaration block it belongs to
/// (`dependencies`, `plugins`, ...). A control-flow block (`if`, `else`, `for`, `try`, an
/// anonymous `{`) is transparent, so `dependencies { if (x) { ... } }` declares
/// dependencies as Gradle runs it.
struct Block {
    context: Option<String>,
    at: usize,
}

/// Blocks whose statements belong to the enclosing block.
fn is_transparent(name: Option<&str>) -> bool {
    matches!(
        name,
        None | Some("if" | "else" | "for" | "while" | "do" | "try" | "catch" | "finally")
    )
}

impl Scan<'_> {
    fn tok(&self, i: usize) -> Option<&Token> {
        self.toks.get(i)
    }

    fn run(&mut self) {
        let mut blocks: Vec<Block> = Vec::new();
        let mut statement_start = true;
        for i in 0..self.toks.len() {
            let at = self.toks[i].at;
            match &self.toks[i].tok {
                Tok::Punct('{') => {
                    let name = self.block_name(i);
                    let context = if is_transparent(name.as_deref()) {
                        blocks.last().and_then(|b| b.context.clone())
                    } else {
                        name
                    };
                    blocks.push(Block { context, at });
                    statement_start = true;
                    continue;
                }
                Tok::Punct('}') => {
                    if blocks.pop().is_none() {
                        self.out
                            .diagnose(parse_error(self.file, at, "unbalanced `}`"));
                    }
                    statement_start = true;
                    continue;
                }
                Tok::Newline | Tok::Punct(';') => {
                    statement_start = true;
                    continue;
                }
                // Kotlin: `"integrationTestImplementation"("g:a:v")` names a configuration
                // that has no generated accessor.
                Tok::Str { value: name, .. } if statement_start && punct(self.tok(i + 1), '(') => {
                    let inner = blocks.last().and_then(|b| b.context.as_deref());
                    if inner == Some("dependencies") {
                        self.dependency(i, name, true);
                    }
                }
                Tok::Ident(name) if statement_start => {
                    let inner = blocks.last().and_then(|b| b.context.as_deref());
                    // The declaration block around `inner` (`dependencies` for `constraints`).
                    let outer = blocks
                        .iter()
                        .rev()
                        .filter_map(|b| b.context.as_deref())
                        .find(|c| Some(*c) != inner);
                    if name == "artifact"
                        && blocks
                            .iter()
                            .any(|b| b.context.as_deref() == Some("protobuf"))
                    {
                        self.protobuf_artifact(i);
                    }
                    match inner {
                        Some("dependencies") => self.dependency(i, name, true),
                        Some("constraints") if outer == Some("dependencies") => {
                            self.dependency(i, name, false)
                        }
                        Some("plugins") => self.plugin(i, name),
                        _ => {}
                    }
                }
                _ => {}
            }
            statement_start = false;
        }
        for block in blocks {
            self.out.diagnose(parse_error(
                self.file,
                block.at,
                "unbalanced `{`: block is not closed",
            ));
        }
    }

    /// The name of the block opened at `i`: `name {` or `name(...) {`.
    fn block_name(&self, i: usize) -> Option<String> {
        let mut k = i.checked_sub(1)?;
        if punct(self.tok(k), ')') {
            let mut depth = 0usize;
            let stop = i.saturating_sub(MAX_LOOKAHEAD);
            loop {
                if k < stop {
                    return None;
                }
                match self.tok(k).map(|t| &t.tok) {
                    Some(Tok::Punct(')')) => depth += 1,
                    Some(Tok::Punct('(')) => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    None => return None,
                    _ => {}
                }
                k = k.checked_sub(1)?;
            }
            k = k.checked_sub(1)?;
        }
        ident(self.tok(k)).map(str::to_string)
    }

    fn skip_newlines(&self, mut j: usize) -> usize {
        while matches!(self.tok(j).map(|t| &t.tok), Some(Tok::Newline)) {
            j += 1;
        }
        j
    }

    /// A dotted identifier path starting at `j` (`libs.spring.boot`), and the index after it
    /// (a trailing `.get()` is consumed).
    fn path(&self, mut j: usize) -> (String, usize) {
        let mut parts = Vec::new();
        while let Some(s) = ident(self.tok(j)) {
            parts.push(s.to_string());
            j += 1;
            if punct(self.tok(j), '.') && ident(self.tok(j + 1)).is_some() {
                j += 1;
            } else {
                break;
            }
        }
        if parts.last().is_some_and(|p| p == "get") && punct(self.tok(j), '(') {
            parts.pop();
            j += 2;
        }
        (parts.join("."), j)
    }

    fn warn(&mut self, code: DiagnosticCode, at: usize, message: String) {
        let (line, col) = self.file.line_col(at);
        self.out
            .diagnose(Diagnostic::warning(code, self.file.path(), line, message).with_column(col));
    }
}

#[cfg(test)]
mod tests;
