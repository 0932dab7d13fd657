//! MSBuild project files: `*.csproj`, `*.fsproj`, `*.vbproj`, plus `Directory.Packages.props`
//! (central package management), `Directory.Build.props` (shared properties and items) and
//! the legacy `packages.config`.
//!
//! XML is read with `quick-xml` as a flat event stream (no recursion, no DTD, no entity
//! expansion beyond the five predefined ones). A DTD entity reference (`Version="&v;"`) is
//! kept as written, never taken as a version, with an "unresolved" warning at its line.
//! Lines come from the byte offset of each element.
//!
//! * `<PackageReference Include="X" Version="1.2.3" />` and the child-element form
//!   (`<Version>1.2.3</Version>`) are NuGet packages; `VersionOverride` wins over the
//!   central version. A reference without a version takes the `<PackageVersion>` of the
//!   nearest `Directory.Packages.props` found walking up from the project inside the
//!   scanned root (what MSBuild imports). `Update=` items only modify references declared
//!   elsewhere and are not reported.
//! * `$(Property)` is substituted from the `<PropertyGroup>`s of the nearest
//!   `Directory.Build.props`, the central file and the project itself, in that order (later
//!   definitions win, names case-insensitive, as MSBuild evaluates properties before
//!   items). An undefined property leaves the value as written, with an info diagnostic.
//!   `Condition`s are not evaluated: every group counts.
//! * The version as written (after substitution) is the constraint; a plain `1.2.3`
//!   (NuGet's "this version or higher", which restore resolves to exactly it when it
//!   exists) is also the version. Ranges (`[1.0,2.0)`) and floats (`1.*`) stay constraints.
//! * `<TargetFramework>` / `<TargetFrameworks>` (`;`-separated) give the `dotnet` runtime,
//!   one component per framework moniker, version as written (`net8.0`, `netstandard2.0`).
//! * Packages of a test project (`<IsTestProject>true</IsTestProject>`, or one referencing
//!   `Microsoft.NET.Test.Sdk`) are test-scoped; everything else is runtime.
//! * Legacy projects: `<TargetFrameworkVersion>v4.7.2</TargetFrameworkVersion>` is the
//!   moniker `net472`, and `packages.config` (`<package id="X" version="1.2.3" />`, exact
//!   pins; `developmentDependency="true"` → dev) is read the same way.
//! * Scanned on its own, `Directory.Packages.props` reports each `<PackageVersion>` as a
//!   non-direct pin (like a constraints file: it allows a version, it does not add a
//!   dependency) and each `<GlobalPackageReference>` as a direct package.

use crate::xml::{decode_text, entity_reference};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope, Severity,
};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::BTreeMap;
use std::path::Path;

pub struct MsbuildExtractor;

const ID: Format = Format::Msbuild;

const CENTRAL: &str = "Directory.Packages.props";
const BUILD_PROPS: &str = "Directory.Build.props";

impl Extractor for MsbuildExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            names: &[
                "directory.packages.props",
                "directory.build.props",
                "packages.config",
            ],
            extensions: &["csproj", "fsproj", "vbproj"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path);
        name == CENTRAL
            || name == BUILD_PROPS
            || name == "packages.config"
            || [".csproj", ".fsproj", ".vbproj"]
                .iter()
                .any(|ext| name.len() > ext.len() && crate::ends_with_ignore_case(name, ext))
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let doc = parse(file, &mut out);
        let name = file.file_name();
        let build = (name != BUILD_PROPS)
            .then(|| nearest(file, BUILD_PROPS))
            .flatten()
            .map(|f| parse(&f, &mut Extracted::default()));
        let central = (name != CENTRAL)
            .then(|| nearest(file, CENTRAL))
            .flatten()
            .map(|f| parse(&f, &mut Extracted::default()));
        let mut props = Properties::default();
        for d in [&build, &central].into_iter().flatten() {
            for (k, v, _) in &d.properties {
                props.define(k, v);
            }
        }
        // The file's own properties, recorded with their lines for the runtime components.
        for (k, v, line) in &doc.properties {
            props.define(k, v);
            let legacy = k.eq_ignore_ascii_case("TargetFrameworkVersion");
            if k.eq_ignore_ascii_case("TargetFramework")
                || k.eq_ignore_ascii_case("TargetFrameworks")
                || legacy
            {
                let (mut value, _) = props.expand(v);
                if legacy {
                    // `v4.7.2` → the moniker `net472`.
                    value = format!(
                        "net{}",
                        value.trim().trim_start_matches('v').replace('.', "")
                    );
                }
                if let Some(entity) = entity_reference(&value) {
                    // Written here, it was reported while parsing.
                    if entity_reference(v).is_none() {
                        out.diagnose(Diagnostic::warning(
                            DiagnosticCode::Unsupported,
                            file.path(),
                            *line,
                            format!("`{k}` {v:?} unresolved: its value has the entity reference {entity}, which is not expanded"),
                        ));
                    }
                    continue;
                }
                for tfm in value.split(';').map(str::trim).filter(|t| !t.is_empty()) {
                    out.push(
                        Component::new(
                            Kind::Runtime,
                            Ecosystem::Generic,
                            "dotnet",
                            ID,
                            file.location(*line),
                        )
                        .with_version(tfm),
                    );
                }
            }
        }
        // A test project (`<IsTestProject>true` or the test SDK referenced): its packages are
        // test-scoped.
        let is_test = props
            .values
            .get("istestproject")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || doc.items.iter().any(|i| {
                i.element == "PackageReference"
                    && i.include
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case("Microsoft.NET.Test.Sdk"))
            });
        let scope = if is_test { Scope::Test } else { Scope::Runtime };
        let mut central_versions: BTreeMap<String, String> = BTreeMap::new();
        if let Some(c) = &central {
            for item in c.items.iter().filter(|i| i.element == "PackageVersion") {
                if let (Some(inc), Some(v)) = (&item.include, &item.version) {
                    central_versions.insert(inc.to_ascii_lowercase(), v.clone());
                }
            }
        }
        for item in &doc.items {
            let Some(include) = item
                .include
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            else {
                if item.update.is_none() {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        item.line,
                        format!("<{}> without `Include` (or `id`)", item.element),
                    ));
                }
                continue;
            };
            let direct = item.element != "PackageVersion";
            let written = item
                .version_override
                .clone()
                .or_else(|| item.version.clone())
                .filter(|v| !v.trim().is_empty())
                .or_else(|| {
                    (item.element == "PackageReference")
                        .then(|| central_versions.get(&include.to_ascii_lowercase()).cloned())
                        .flatten()
                });
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Nuget,
                include,
                ID,
                file.location(item.line),
            )
            .with_direct(direct)
            .with_scope(if item.dev { Scope::Dev } else { scope });
            match written {
                Some(raw) => {
                    let (value, missing) = props.expand(&raw);
                    if let Some(m) = missing {
                        out.diagnose(Diagnostic::new(
                            Severity::Info,
                            DiagnosticCode::Unsupported,
                            file.path(),
                            item.line,
                            format!(
                                "property `$({m})` is not defined here; version kept as written"
                            ),
                        ));
                    } else if let Some(entity) = entity_reference(&value) {
                        // Written in the item, it was reported while parsing.
                        let own = [&item.version_override, &item.version];
                        if !own
                            .iter()
                            .any(|w| w.as_deref().is_some_and(|w| w.contains(entity)))
                        {
                            out.diagnose(Diagnostic::warning(
                                DiagnosticCode::Unsupported,
                                file.path(),
                                item.line,
                                format!("version of `{include}` unresolved: {raw:?} has the entity reference {entity}, which is not expanded"),
                            ));
                        }
                    } else if let Some(v) = exact_version(&value) {
                        c = c.with_version(v);
                    }
                    c = c.with_constraint(value.trim());
                }
                None => {
                    let empty_here = [&item.version_override, &item.version]
                        .iter()
                        .any(|v| v.as_deref().is_some_and(|v| v.trim().is_empty()));
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        item.line,
                        if empty_here {
                            format!("`{include}` has an empty version")
                        } else {
                            format!("`{include}` has no version (none here nor in a {CENTRAL})")
                        },
                    ));
                }
            }
            out.push(c);
        }
        out
    }
}

/// The nearest `name` in this file's directory or above, inside the root.
fn nearest(file: &SourceFile, name: &str) -> Option<SourceFile> {
    let mut rel = name.to_string();
    for _ in 0..64 {
        file.resolve_relative(&rel)?;
        if let Ok(f) = file.open_relative(&rel) {
            if f.path() != file.path() {
                return Some(f);
            }
        }
        rel.insert_str(0, "../");
    }
    None
}

/// `1.2.3`, `1.2.3.4`, `1.2.3-beta.1` or the exact range `[1.2.3]`: not a range or float.
fn exact_version(v: &str) -> Option<&str> {
    let v = v.trim();
    let v = v
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .map_or(v, str::trim);
    (v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
    .then_some(v)
}

#[derive(Default)]
struct Properties {
    /// Lowercase name → value.
    values: BTreeMap<String, String>,
}

impl Properties {
    fn define(&mut self, name: &str, value: &str) {
        let (v, _) = self.expand(value);
        self.values.insert(name.to_ascii_lowercase(), v);
    }

    /// Substitutes `$(Name)`; returns the first undefined name, if any.
    fn expand(&self, value: &str) -> (String, Option<String>) {
        let mut out = String::new();
        let mut missing = None;
        let mut rest = value;
        while let Some(i) = rest.find("$(") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let name = after[..end].trim();
            match self.values.get(&name.to_ascii_lowercase()) {
                Some(v) => out.push_str(v),
                None => {
                    missing.get_or_insert_with(|| name.to_string());
                    out.push_str(&rest[i..i + 3 + end]);
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        (out, missing)
    }
}

/// A package item: `PackageReference`, `PackageVersion` or `GlobalPackageReference`.
#[derive(Debug, Default)]
struct Item {
    element: String,
    line: u32,
    include: Option<String>,
    update: Option<String>,
    version: Option<String>,
    version_override: Option<String>,
    /// `developmentDependency="true"` (packages.config).
    dev: bool,
}

#[derive(Default)]
struct Doc {
    /// (name, raw value, line), in document order.
    properties: Vec<(String, String, u32)>,
    items: Vec<Item>,
}

const ITEM_ELEMENTS: [&str; 3] = [
    "PackageReference",
    "PackageVersion",
    "GlobalPackageReference",
];

/// The local name of an element (`x:Foo` → `Foo`).
fn local(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn attrs(
    e: &BytesStart,
    file: &SourceFile,
    line: u32,
    out: &mut Extracted,
) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for a in e.attributes() {
        match a {
            Ok(a) => {
                let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                let raw = String::from_utf8_lossy(&a.value);
                match decoded(&raw, file, line, out) {
                    Ok(val) => v.push((key, val)),
                    Err(err) => out.diagnose(Diagnostic::warning(
                        DiagnosticCode::ParseError,
                        file.path(),
                        line,
                        format!("attribute `{key}`: {err}"),
                    )),
                }
            }
            Err(err) => {
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::ParseError,
                    file.path(),
                    line,
                    format!("malformed attribute: {err}"),
                ));
                break;
            }
        }
    }
    v
}

/// Attribute or text content decoded; a DTD entity reference stays as written (so it can
/// never pass for a version) with an "unresolved" warning.
fn decoded(raw: &str, file: &SourceFile, line: u32, out: &mut Extracted) -> Result<String, String> {
    let (text, unexpanded) = decode_text(raw)?;
    for name in unexpanded {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::Unsupported,
            file.path(),
            line,
            format!(
                "unresolved entity reference `&{name};`: entities declared in a DTD are never \
                 expanded; the value is kept as written and is no version"
            ),
        ));
    }
    Ok(text.into_owned())
}

fn item_from(element: String, line: u32, attrs: Vec<(String, String)>) -> Item {
    let mut item = Item {
        element,
        line,
        ..Item::default()
    };
    for (k, v) in attrs {
        match k.as_str() {
            "Include" => item.include = Some(v),
            "Update" => item.update = Some(v),
            "Version" => item.version = Some(v),
            "VersionOverride" => item.version_override = Some(v),
            // packages.config
            "id" => item.include = Some(v),
            "version" => item.version = Some(v),
            "developmentDependency" => item.dev = v.trim().eq_ignore_ascii_case("true"),
            _ => {}
        }
    }
    item
}

/// The byte offset of the next non-whitespace character at or after `pos`.
fn skip_ws(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    pos + (rest.len() - rest.trim_start().len())
}

fn parse(file: &SourceFile, out: &mut Extracted) -> Doc {
    let text = file.text();
    let mut reader = Reader::from_str(text);
    let mut doc = Doc::default();
    // Element names from the root down.
    let mut stack: Vec<String> = Vec::new();
    // An open item (child-element form) and its depth.
    let mut open_item: Option<(Item, usize)> = None;
    // Text collected for the current leaf element.
    let mut text_buf = String::new();
    let mut leaf_line = 0u32;
    let mut saw_root = false;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let line = file.line_col(skip_ws(text, before)).0;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(err) => {
                let pos = usize::try_from(reader.error_position()).unwrap_or(before);
                let (l, col) = file.line_col(pos);
                out.diagnose(
                    Diagnostic::error(
                        DiagnosticCode::ParseError,
                        file.path(),
                        l,
                        format!("invalid XML: {err}"),
                    )
                    .with_column(col),
                );
                break;
            }
        };
        match event {
            Event::Start(e) => {
                saw_root = true;
                let name = local(&e);
                let parent_is_items = stack.last().is_some_and(|p| p == "ItemGroup");
                if parent_is_items && ITEM_ELEMENTS.contains(&name.as_str()) {
                    let a = attrs(&e, file, line, out);
                    open_item = Some((item_from(name.clone(), line, a), stack.len() + 1));
                }
                stack.push(name);
                text_buf.clear();
                leaf_line = line;
            }
            Event::Empty(e) => {
                saw_root = true;
                let name = local(&e);
                let parent = stack.last().map(String::as_str);
                if (parent == Some("ItemGroup") && ITEM_ELEMENTS.contains(&name.as_str()))
                    || (parent == Some("packages") && name == "package")
                {
                    let a = attrs(&e, file, line, out);
                    doc.items.push(item_from(name, line, a));
                }
            }
            Event::Text(t) if stack.is_empty() && !t.iter().all(u8::is_ascii_whitespace) => {
                out.diagnose(Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    line,
                    "invalid XML: text outside the root element (is this an MSBuild file?)",
                ));
                break;
            }
            Event::Text(t) => match decoded(&String::from_utf8_lossy(&t), file, line, out) {
                Ok(s) => text_buf.push_str(&s),
                Err(err) => out.diagnose(Diagnostic::warning(
                    DiagnosticCode::ParseError,
                    file.path(),
                    line,
                    format!("invalid text: {err}"),
                )),
            },
            Event::CData(c) => text_buf.push_str(&String::from_utf8_lossy(&c)),
            Event::End(_) => {
                let depth = stack.len();
                let name = stack.pop().unwrap_or_default();
                let parent = stack.last().map(String::as_str);
                if parent == Some("PropertyGroup") {
                    doc.properties
                        .push((name.clone(), text_buf.trim().to_string(), leaf_line));
                }
                if let Some((item, item_depth)) = &mut open_item {
                    if depth == *item_depth + 1 {
                        let v = text_buf.trim().to_string();
                        match name.as_str() {
                            "Version" => item.version = Some(v),
                            "VersionOverride" => item.version_override = Some(v),
                            "Include" => item.include = Some(v),
                            _ => {}
                        }
                    } else if depth == *item_depth {
                        if let Some((item, _)) = open_item.take() {
                            doc.items.push(item);
                        }
                    }
                }
                text_buf.clear();
            }
            Event::Eof => {
                if !saw_root {
                    out.diagnose(Diagnostic::error(
                        DiagnosticCode::ParseError,
                        file.path(),
                        1,
                        "invalid XML: no root element",
                    ));
                }
                if let Some(open) = stack.last() {
                    out.diagnose(Diagnostic::error(
                        DiagnosticCode::ParseError,
                        file.path(),
                        file.line_col(text.trim_end().len()).0,
                        format!("invalid XML: <{open}> is never closed"),
                    ));
                }
                break;
            }
            Event::DocType(_) => out.diagnose(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                line,
                "DOCTYPE ignored: entities are not expanded",
            )),
            _ => {}
        }
    }
    doc
}

#[cfg(test)]
mod tests;
