//! Gradle dependency locks: `gradle.lockfile` (Gradle 6.8+, one per project),
//! `buildscript-gradle.lockfile` / `settings-gradle.lockfile`, and the older one-file-per-
//! configuration `gradle/dependency-locks/<configuration>.lockfile`.
//!
//! Each line `group:artifact:version=configuration1,configuration2` is a locked package
//! (`direct: false`: the lock holds the whole resolved graph, without telling what the build
//! script declared). `empty=...` lists configurations with nothing locked; `#` lines are
//! comments. Scope comes from the configurations holding the entry: test when every one is a
//! test configuration (`testCompileClasspath`, `integrationTestRuntimeClasspath`, ...),
//! build when every one is a compile classpath or annotation processing (a `compileOnly`
//! dependency is on `compileClasspath` but not `runtimeClasspath`) (or the lock is the
//! buildscript's or the settings'), otherwise runtime. The old per-configuration files name
//! the configuration in the file name and hold bare `group:artifact:version` lines.

use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use std::path::Path;

pub struct GradleLockfileExtractor;

const ID: Format = Format::GradleLockfile;

impl Extractor for GradleLockfileExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::extensions(&["lockfile"]))
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path);
        if name == "gradle.lockfile" || name.ends_with("-gradle.lockfile") {
            return true;
        }
        if !name.ends_with(".lockfile") {
            return false;
        }
        let legacy_dir = path
            .parent()
            .and_then(|p| p.to_str())
            .is_some_and(|p| p.replace('\\', "/").ends_with("gradle/dependency-locks"));
        legacy_dir
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let name = file.file_name();
        let whole_file_build =
            name == "buildscript-gradle.lockfile" || name == "settings-gradle.lockfile";
        let legacy_conf = (!name.ends_with("gradle.lockfile"))
            .then(|| name.trim_end_matches(".lockfile").to_string());
        for (i, raw) in file.text().lines().enumerate() {
            let line = i as u32 + 1;
            let text = raw.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let (coords, confs) = match (text.split_once('='), &legacy_conf) {
                (Some((c, confs)), _) => (c.trim(), confs.split(',').map(str::trim).collect()),
                (None, Some(conf)) => (text, vec![conf.as_str()]),
                (None, None) => {
                    out.diagnose(parse_error(
                        file,
                        line,
                        format!("expected `group:artifact:version=configurations`, found {text:?}"),
                    ));
                    continue;
                }
            };
            if coords == "empty" {
                continue;
            }
            let parts: Vec<&str> = coords.split(':').map(str::trim).collect();
            let (group, artifact, version) = match parts.as_slice() {
                [g, a, v] | [g, a, v, _] if !g.is_empty() && !a.is_empty() && !v.is_empty() => {
                    (*g, *a, *v)
                }
                _ => {
                    out.diagnose(parse_error(
                        file,
                        line,
                        format!("expected `group:artifact:version`, found {coords:?}"),
                    ));
                    continue;
                }
            };
            let confs: Vec<&str> = confs.into_iter().filter(|c| !c.is_empty()).collect();
            let scope = if whole_file_build {
                Scope::Build
            } else {
                scope_of(&confs)
            };
            out.push(
                Component::new(
                    Kind::Package,
                    Ecosystem::Maven,
                    format!("{group}:{artifact}"),
                    ID,
                    file.location(line),
                )
                .with_version(version)
                .with_scope(scope)
                .with_direct(false),
            );
        }
        out
    }
}

fn parse_error(file: &SourceFile, line: u32, message: String) -> Diagnostic {
    Diagnostic::error(DiagnosticCode::ParseError, file.path(), line, message)
}

/// The scope implied by the configurations holding an entry.
fn scope_of(confs: &[&str]) -> Scope {
    let is_test = |c: &&str| c.starts_with("test") || c.contains("Test");
    let is_build = |c: &&str| {
        let lower = c.to_ascii_lowercase();
        lower.contains("annotationprocessor")
            || lower.starts_with("kapt")
            || lower.starts_with("ksp")
            || lower.ends_with("compileclasspath")
    };
    if confs.is_empty() {
        Scope::Runtime
    } else if confs.iter().all(is_test) {
        Scope::Test
    } else if confs.iter().all(is_build) {
        Scope::Build
    } else {
        Scope::Runtime
    }
}
