//! jsonnet-bundler's `jsonnetfile.json` (what a project asks for) and `jsonnetfile.lock.json`
//! (the commits `jb install` vendored), format `version` 0 and 1.
//!
//! Each `dependencies[]` entry with a `source.git` (`remote`, `subdir`) is one Jsonnet library.
//! Jsonnet has no package registry, so the ecosystem is `generic` and the component is named
//! as `jb` names it and as it is imported: the remote's host and path without `.git`, then the
//! subdirectory (`github.com/grafana/grafonnet/gen/grafonnet-latest`), with the remote as
//! `url`. In `jsonnetfile.json` the `version` (a branch, tag or commit) is the constraint; in
//! the lock it is the vendored commit, the version, with the `sum` (SHA-256 of the vendored
//! tree, base64) as `integrity` (`sha256-...`). A lock entry named in the `jsonnetfile.json`
//! beside it is direct, the others were pulled in by those (the lock records no edges);
//! without that file every entry is direct. `source.local` entries are directories of the
//! repository itself (as is a format-0 `"remote": "."`): not components.

use crate::extractors::package_json::{parse_json, type_error};
use crate::json::{Spanned, Value};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind};
use std::collections::BTreeSet;
use std::path::Path;

pub struct JsonnetfileExtractor;
pub struct JsonnetfileLockExtractor;

impl Extractor for JsonnetfileExtractor {
    fn format(&self) -> Format {
        Format::Jsonnetfile
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["jsonnetfile.json"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "jsonnetfile.json"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        for dep in dependencies(file, &mut out) {
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Generic,
                &dep.name,
                Format::Jsonnetfile,
                file.location(dep.line),
            );
            if let Some(v) = &dep.version {
                c = c.with_constraint(v);
            }
            c.url = Some(dep.remote);
            out.push(c);
        }
        out
    }
}

impl Extractor for JsonnetfileLockExtractor {
    fn format(&self) -> Format {
        Format::JsonnetfileLock
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["jsonnetfile.lock.json"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "jsonnetfile.lock.json"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let deps = dependencies(file, &mut out);
        let direct: Option<BTreeSet<String>> =
            file.open_relative("jsonnetfile.json").ok().map(|m| {
                dependencies(&m, &mut Extracted::default())
                    .into_iter()
                    .map(|d| d.name)
                    .collect()
            });
        for dep in deps {
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Generic,
                &dep.name,
                Format::JsonnetfileLock,
                file.location(dep.line),
            )
            .with_direct(direct.as_ref().is_none_or(|d| d.contains(&dep.name)));
            match &dep.version {
                Some(v) => c = c.with_version(v),
                None => out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    dep.line,
                    format!("locked library `{}` has no version", dep.name),
                )),
            }
            c.url = Some(dep.remote);
            c.integrity = dep.sum.map(|s| format!("sha256-{s}"));
            out.push(c);
        }
        out
    }
}

struct Library {
    name: String,
    remote: String,
    version: Option<String>,
    sum: Option<String>,
    line: u32,
}

/// `https://github.com/grafana/grafonnet.git` + `gen/x` → `github.com/grafana/grafonnet/gen/x`
/// (`git@github.com:o/r.git` too), as `jb` names the vendored directory.
fn library_name(remote: &str, subdir: &str) -> String {
    let without_scheme = remote.split_once("://").map_or(remote, |(_, r)| r);
    let without_user = without_scheme
        .split_once('@')
        .filter(|(user, _)| !user.contains('/'))
        .map_or(without_scheme, |(_, r)| r);
    let path = without_user.replacen(':', "/", 1);
    let base = path.trim_end_matches('/').trim_end_matches(".git");
    let subdir = subdir.trim_matches('/');
    if subdir.is_empty() {
        base.to_string()
    } else {
        format!("{base}/{subdir}")
    }
}

fn dependencies(file: &SourceFile, out: &mut Extracted) -> Vec<Library> {
    let Some(doc) = parse_json(file, out) else {
        return Vec::new();
    };
    let Some(list) = doc.get("dependencies") else {
        return Vec::new();
    };
    let items = match &list.value.value {
        Value::Array(items) => items,
        Value::Null => return Vec::new(),
        _ => {
            out.diagnose(type_error(
                file,
                list.key_offset,
                "dependencies",
                &list.value,
            ));
            return Vec::new();
        }
    };
    let mut libraries = Vec::new();
    for item in items {
        let line = file.line_col(item.offset).0;
        let Some(source) = item.get("source").map(|m| &m.value) else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                line,
                "a dependency has no `source`",
            ));
            continue;
        };
        if source.get("local").is_some() {
            continue;
        }
        let Some(git) = source.get("git").map(|m| &m.value) else {
            let kind = source.members().first().map_or("none", |m| m.key.as_str());
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                line,
                format!("dependency source `{kind}` is not read (only git and local sources)"),
            ));
            continue;
        };
        let Some(remote) = text(git, "remote").filter(|r| !r.is_empty()) else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                file.line_col(git.offset).0,
                "a git source has no `remote`",
            ));
            continue;
        };
        if remote.starts_with('.') {
            // `"remote": "."` (format 0): a directory of this repository, like `local`.
            continue;
        }
        libraries.push(Library {
            name: library_name(remote, text(git, "subdir").unwrap_or("")),
            remote: remote.to_string(),
            version: text(item, "version")
                .filter(|v| !v.is_empty())
                .map(str::to_string),
            sum: text(item, "sum")
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            line,
        });
    }
    libraries
}

fn text<'a>(node: &'a Spanned, key: &str) -> Option<&'a str> {
    node.get(key).and_then(|m| m.value.as_str()).map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_jb_vendors_them() {
        assert_eq!(
            library_name(
                "https://github.com/grafana/grafonnet.git",
                "gen/grafonnet-latest"
            ),
            "github.com/grafana/grafonnet/gen/grafonnet-latest"
        );
        assert_eq!(
            library_name(
                "git@github.com:kubernetes-monitoring/kubernetes-mixin.git",
                ""
            ),
            "github.com/kubernetes-monitoring/kubernetes-mixin"
        );
    }
}
