//! `*.deps.json`: the dependency manifest the .NET SDK writes next to a built app or test
//! assembly (`App.deps.json`), which the host reads at startup to find every assembly. When
//! one is in the tree (published output, a checked-in tool), it is the exact set of packages
//! that app runs with.
//!
//! - `runtimeTarget.name` (`.NETCoreApp,Version=v8.0`, `/linux-x64` appended for a
//!   self-contained app) names the target the app was built for. It becomes a `runtime`
//!   component, as a runtime pin would: `dotnet` with the framework version (`8.0`) for
//!   `.NETCoreApp`, the framework identifier itself otherwise, the runtime identifier as
//!   `platform`.
//! - `libraries` maps `Name/Version` to its `type`: `package` entries are NuGet packages
//!   (`sha512` is already SRI, kept as `integrity`); `runtimepack` entries are the runtime
//!   packs a self-contained app carries (`runtimepack.Microsoft.NETCore.App.Runtime.linux-x64`),
//!   reported as the NuGet package they are, without the `runtimepack.` prefix. `project`,
//!   `reference` and `msbuildproject` entries are the app's own code: not reported, like a
//!   workspace member elsewhere, but their dependencies are the direct ones;
//!   `referenceassembly` entries are parts of the shared framework, not reported either. Without any
//!   project entry, packages nothing else depends on are taken as direct.
//! - `targets.<target>.<Name/Version>.dependencies` (name → exact version) are the edges,
//!   read from the runtime target's section (every section when it names none). A package
//!   that is `compileOnly` in every section it appears in is `build`-scoped: it is not
//!   shipped.

use crate::extractors::package_json::{parse_json, type_error};
use crate::json::Spanned;
use crate::{ends_with_ignore_case, file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct DepsJsonExtractor;

const ID: Format = Format::DepsJson;

const SUFFIX: &str = ".deps.json";

/// Library types that are the app's own code.
const FIRST_PARTY: [&str; 3] = ["project", "reference", "msbuildproject"];

/// Library types that are parts of the shared framework the app runs on (reference
/// assemblies of `Microsoft.AspNetCore.App`): not packages of their own.
const FRAMEWORK: [&str; 1] = ["referenceassembly"];

const RUNTIME_PACK: &str = "runtimepack.";

impl Extractor for DepsJsonExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            suffixes: &[SUFFIX],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path);
        name.len() > SUFFIX.len() && ends_with_ignore_case(name, SUFFIX)
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json(file, &mut out) else {
            return out;
        };
        if !doc.is_object() {
            out.diagnose(warning(
                file,
                1,
                format!("a deps.json must be an object, found {}", doc.type_name()),
            ));
            return out;
        }
        let target = runtime_target(file, &doc, &mut out);
        let targets = sections(file, &doc, target.as_deref(), &mut out);
        let Some(libraries) = doc.get("libraries") else {
            return out;
        };
        if !libraries.value.is_object() {
            out.diagnose(type_error(
                file,
                libraries.key_offset,
                "libraries",
                &libraries.value,
            ));
            return out;
        }
        libraries_of(file, libraries.value.members(), &targets, &mut out);
        out
    }
}

fn warning(file: &SourceFile, line: u32, message: String) -> Diagnostic {
    Diagnostic::warning(DiagnosticCode::InvalidValue, file.path(), line, message)
}

/// The `runtimeTarget` name, with its `runtime` component pushed.
fn runtime_target(file: &SourceFile, doc: &Spanned, out: &mut Extracted) -> Option<String> {
    let member = doc.get("runtimeTarget")?;
    let line = file.line_col(member.key_offset).0;
    let Some(name) = member.value.get("name").and_then(|n| n.value.as_str()) else {
        out.diagnose(warning(file, line, "`runtimeTarget` has no `name`".into()));
        return None;
    };
    // `.NETCoreApp,Version=v8.0/linux-x64`
    let (framework, rid) = match name.split_once('/') {
        Some((f, rid)) => (f, Some(rid)),
        None => (name, None),
    };
    let (identifier, version) = match framework.split_once(",Version=") {
        Some((id, v)) => (id.trim(), Some(v.trim().trim_start_matches('v'))),
        None => (framework.trim(), None),
    };
    if !identifier.is_empty() {
        let runtime = if identifier.eq_ignore_ascii_case(".NETCoreApp") {
            "dotnet"
        } else {
            identifier
        };
        let mut c = Component::new(
            Kind::Runtime,
            Ecosystem::Generic,
            runtime,
            ID,
            file.location(line),
        );
        if let Some(v) = version.filter(|v| !v.is_empty()) {
            c = c.with_version(v);
        }
        c.platform = rid.filter(|r| !r.is_empty()).map(str::to_string);
        out.push(c);
    }
    Some(name.to_string())
}

/// What the target sections say about one library.
#[derive(Default)]
struct TargetFacts {
    dependencies: BTreeSet<(String, String)>,
    /// Sections listing it, and those marking it `compileOnly`.
    seen: u32,
    compile_only: u32,
}

/// Facts per lowercase `Name/Version` key, from the runtime target's section (all sections
/// when there is no runtime target or no section of that name).
fn sections(
    file: &SourceFile,
    doc: &Spanned,
    target: Option<&str>,
    out: &mut Extracted,
) -> BTreeMap<String, TargetFacts> {
    let mut facts: BTreeMap<String, TargetFacts> = BTreeMap::new();
    let Some(targets) = doc.get("targets") else {
        return facts;
    };
    if !targets.value.is_object() {
        out.diagnose(type_error(
            file,
            targets.key_offset,
            "targets",
            &targets.value,
        ));
        return facts;
    }
    let all = targets.value.members();
    let chosen: Vec<_> = match target.and_then(|t| all.iter().find(|m| m.key == t)) {
        Some(m) => vec![m],
        None => all.iter().collect(),
    };
    for section in chosen {
        for lib in section.value.members() {
            let f = facts.entry(lib.key.to_ascii_lowercase()).or_default();
            f.seen += 1;
            if lib.value.get("compileOnly").and_then(|c| c.value.as_bool()) == Some(true) {
                f.compile_only += 1;
            }
            let Some(deps) = lib.value.get("dependencies") else {
                continue;
            };
            for d in deps.value.members() {
                match d.value.as_str() {
                    Some(v) => {
                        let name = d.key.strip_prefix(RUNTIME_PACK).unwrap_or(&d.key);
                        f.dependencies.insert((name.to_string(), v.to_string()));
                    }
                    None => out.diagnose(type_error(file, d.key_offset, &d.key, &d.value)),
                }
            }
        }
    }
    facts
}

fn libraries_of(
    file: &SourceFile,
    libraries: &[crate::json::Member],
    targets: &BTreeMap<String, TargetFacts>,
    out: &mut Extracted,
) {
    let no_facts = TargetFacts::default();
    let facts_of = |key: &str| targets.get(&key.to_ascii_lowercase()).unwrap_or(&no_facts);
    let mut first_party_deps: BTreeSet<String> = BTreeSet::new();
    let mut has_first_party = false;
    let mut depended_on: BTreeSet<String> = BTreeSet::new();
    let mut packages = Vec::new();
    for lib in libraries {
        let line = file.line_col(lib.key_offset).0;
        let Some((name, version)) = lib
            .key
            .split_once('/')
            .filter(|(n, v)| !n.is_empty() && !v.is_empty())
        else {
            out.diagnose(warning(
                file,
                line,
                format!("library `{}` is not `Name/Version`", lib.key),
            ));
            continue;
        };
        let ty = lib
            .value
            .get("type")
            .and_then(|t| t.value.as_str())
            .unwrap_or("");
        let facts = facts_of(&lib.key);
        if FIRST_PARTY.iter().any(|t| ty.eq_ignore_ascii_case(t)) {
            has_first_party = true;
            first_party_deps.extend(
                facts
                    .dependencies
                    .iter()
                    .map(|(n, _)| n.to_ascii_lowercase()),
            );
            continue;
        }
        if FRAMEWORK.iter().any(|t| ty.eq_ignore_ascii_case(t)) {
            continue;
        }
        let name = match ty {
            "package" => name,
            "runtimepack" => name.strip_prefix(RUNTIME_PACK).unwrap_or(name),
            other => {
                out.diagnose(warning(
                    file,
                    line,
                    format!("library `{}` has unknown type {other:?}", lib.key),
                ));
                name
            }
        };
        depended_on.extend(
            facts
                .dependencies
                .iter()
                .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
                .map(|(n, _)| n.to_ascii_lowercase()),
        );
        packages.push((lib, name, version, line, facts));
    }
    for (lib, name, version, line, facts) in packages {
        let lower = name.to_ascii_lowercase();
        let direct = if has_first_party {
            first_party_deps.contains(&lower)
        } else {
            !depended_on.contains(&lower)
        };
        let scope = if facts.seen > 0 && facts.compile_only == facts.seen {
            Scope::Build
        } else {
            Scope::Runtime
        };
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Nuget,
            name,
            ID,
            file.location(line),
        )
        .with_version(version)
        .with_direct(direct)
        .with_scope(scope);
        c.integrity = lib
            .value
            .get("sha512")
            .and_then(|h| h.value.as_str())
            .filter(|h| !h.is_empty())
            .map(str::to_string);
        c.dependencies = facts
            .dependencies
            .iter()
            .map(|(n, v)| DependencyEdge {
                name: n.clone(),
                version: Some(v.clone()),
            })
            .collect();
        out.push(c);
    }
}
