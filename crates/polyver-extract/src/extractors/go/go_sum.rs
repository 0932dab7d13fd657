//! `go.sum`: one line per `module version[/go.mod] hash`.
//!
//! A module version appears with up to two lines: `v1.2.3 h1:…` is the hash of the module's
//! code (its zip), `v1.2.3/go.mod h1:…` the hash of its `go.mod` alone. Go records the
//! second for every module version it consulted while computing the module graph —
//! including many old versions whose code is never built — and the first only for modules
//! whose code it downloaded. So a locked component is a module version with a code hash:
//! version without `/go.mod`, `integrity` the `h1:` hash, located at that line; its
//! `/go.mod` line is folded into it, and a version known only by its `/go.mod` line is not
//! a component (reporting it would invent "several versions of one module" conflicts).
//!
//! `direct` is true when the `go.mod` beside the file requires the module without
//! `// indirect` (or replaces such a module by it); without a readable go.mod, every entry
//! is `direct: false`. go.sum records no edges. Kind `module`, ecosystem `go`, scope
//! `runtime`, as in `go.mod`.

use crate::extractors::go_mod::direct_modules;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind};
use std::collections::BTreeMap;
use std::path::Path;

pub struct GoSumExtractor;

const ID: Format = Format::GoSum;

impl Extractor for GoSumExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["go.sum"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "go.sum"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        // (module, version) → (line, code hash), for entries with a code hash.
        let mut code: BTreeMap<(&str, &str), (u32, &str)> = BTreeMap::new();
        for (idx, text) in file.text().lines().enumerate() {
            let line = idx as u32 + 1;
            let fields: Vec<&str> = text.split_whitespace().collect();
            let (module, version, hash) = match fields.as_slice() {
                [] => continue,
                [m, v, h] => (*m, *v, *h),
                _ => {
                    out.diagnose(parse_error(
                        file,
                        line,
                        format!(
                            "expected `module version hash`, found {} field(s)",
                            fields.len()
                        ),
                    ));
                    continue;
                }
            };
            let (version, gomod_only) = match version.strip_suffix("/go.mod") {
                Some(v) => (v, true),
                None => (version, false),
            };
            if !version
                .strip_prefix('v')
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
            {
                out.diagnose(parse_error(
                    file,
                    line,
                    format!("invalid module version {version:?}"),
                ));
                continue;
            }
            if !hash.contains(':') {
                out.diagnose(parse_error(
                    file,
                    line,
                    format!("hash {hash:?} has no algorithm prefix (`h1:`)"),
                ));
                continue;
            }
            if gomod_only {
                continue;
            }
            match code.get(&(module, version)) {
                Some((first, h)) if *h != hash => out.diagnose(parse_error(
                    file,
                    line,
                    format!(
                        "{module} {version} has a second, different hash (first at line {first})"
                    ),
                )),
                Some(_) => {}
                None => {
                    code.insert((module, version), (line, hash));
                }
            }
        }
        let direct = direct_modules(file).unwrap_or_default();
        for ((module, version), (line, hash)) in code {
            let mut c =
                Component::new(Kind::Module, Ecosystem::Go, module, ID, file.location(line))
                    .with_version(version)
                    .with_direct(direct.get(module).copied().unwrap_or(false));
            c.integrity = Some(hash.to_string());
            out.push(c);
        }
        out
    }
}

fn parse_error(file: &SourceFile, line: u32, message: String) -> Diagnostic {
    Diagnostic::warning(DiagnosticCode::ParseError, file.path(), line, message)
}
