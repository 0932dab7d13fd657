//! Turning this file's own declarations into components, with the versions the effective
//! model gives them, and the warnings for what stays unresolved.

use super::model::{Dep, ParentRef, Pom};
use super::resolve::{managed_key, Model};
use super::ID;
use crate::xml::entity_reference;
use crate::{Extracted, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Kind, Scope};
use std::collections::HashMap;

pub(super) struct Report<'a> {
    pub(super) file: &'a SourceFile,
    pub(super) model: &'a Model,
    pub(super) out: &'a mut Extracted,
}

/// What a component is, for [`Report::declare`].
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Role {
    Dependency,
    Managed,
    Plugin,
    ManagedPlugin,
}

impl Report<'_> {
    pub(super) fn run(&mut self, pom: &Pom) {
        if let Some(parent) = &pom.parent {
            self.parent(parent);
        }
        for dep in self.used(&pom.deps, "dependencies") {
            self.declare(dep, Role::Dependency);
        }
        // Management entries only manage versions of dependencies declared elsewhere (they
        // resolve `declare` above); a BOM import is the one the build itself fetches.
        for dep in self.used(&pom.managed, "dependencyManagement") {
            let scope = dep
                .scope
                .as_deref()
                .map(|s| self.model.props.expand(s).text);
            if scope.as_deref() == Some("import") {
                self.declare(dep, Role::Managed);
            }
        }
        for plugin in &pom.plugins {
            self.declare(plugin, Role::Plugin);
        }
        for plugin in &pom.managed_plugins {
            self.declare(plugin, Role::ManagedPlugin);
        }
    }

    /// The declarations Maven uses: of several with the same
    /// `groupId:artifactId:type:classifier` in one section, the last (Maven 3 keeps them in
    /// a map and warns; Maven 4 rejects the POM). Each repeat is warned about at its line.
    fn used<'d>(&mut self, deps: &'d [Dep], section: &str) -> Vec<&'d Dep> {
        let mut last: HashMap<(usize, String), &Dep> = HashMap::new();
        for dep in deps {
            let key = (dep.section, managed_key(&self.model.props, dep));
            if let Some(first) = last.insert(key.clone(), dep) {
                let (line, _) = self.file.line_col(first.at);
                self.warn(
                    DiagnosticCode::InvalidValue,
                    dep.at,
                    format!(
                        "{} is declared again in <{section}> (first at line {line}); Maven 3 \
                         uses this last declaration and Maven 4 rejects the POM",
                        key.1.trim_end_matches(':').trim_end_matches(":jar")
                    ),
                );
            }
        }
        deps.iter()
            .filter(|d| {
                let key = (d.section, managed_key(&self.model.props, d));
                last.get(&key).is_some_and(|l| l.at == d.at)
            })
            .collect()
    }

    pub(super) fn warn(&mut self, code: DiagnosticCode, at: usize, message: String) {
        let (line, col) = self.file.line_col(at);
        self.out
            .diagnose(Diagnostic::warning(code, self.file.path(), line, message).with_column(col));
    }

    /// Interpolates, warning about references left as written.
    pub(super) fn expand(&mut self, raw: &str, at: usize, what: &str) -> (String, bool) {
        let e = self.model.props.expand(raw);
        if let Some(entity) = entity_reference(&e.text) {
            self.warn(
                DiagnosticCode::Unsupported,
                at,
                format!(
                    "{what} {raw:?} unresolved: the entity reference {entity} is not expanded \
                     (entities declared in a DTD never are)"
                ),
            );
            return (raw.to_string(), false);
        }
        if e.unresolved.is_empty() {
            return (e.text, true);
        }
        self.warn(
            DiagnosticCode::Unsupported,
            at,
            format!(
                "{what} {raw:?} kept as written: property {} is not defined in this POM or a \
                 parent POM in the repository (or is circular)",
                e.unresolved.join(", ")
            ),
        );
        (raw.to_string(), false)
    }

    pub(super) fn parent(&mut self, parent: &ParentRef) {
        let (Some(group), Some(artifact)) = (&parent.group, &parent.artifact) else {
            self.warn(
                DiagnosticCode::InvalidValue,
                parent.at,
                "<parent> needs a groupId and an artifactId".into(),
            );
            return;
        };
        let explicit = parent.relative_path.as_deref().filter(|p| !p.is_empty());
        if let (Some(rel), false) = (explicit, self.model.parent_found) {
            self.warn(
                DiagnosticCode::IncludeNotFound,
                parent.at,
                format!(
                    "parent {group}:{artifact} is not at relativePath {rel:?} in the repository; \
                     its properties and managed versions are unknown"
                ),
            );
        }
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Maven,
            format!("{group}:{artifact}"),
            ID,
            self.file.location_at(parent.at),
        )
        .with_scope(Scope::Build);
        if let Some(raw) = &parent.version {
            let (v, resolved) = self.expand(raw, parent.at, "parent version");
            c = with_version(c, &v, resolved);
        }
        self.out.push(c);
    }

    pub(super) fn declare(&mut self, dep: &Dep, role: Role) {
        let plugin = matches!(role, Role::Plugin | Role::ManagedPlugin);
        let tag = if plugin { "<plugin>" } else { "<dependency>" };
        let group = match (&dep.group, plugin) {
            (Some(g), _) => Some(g.as_str()),
            (None, true) => Some("org.apache.maven.plugins"),
            (None, false) => None,
        };
        let (Some(group), Some(artifact)) = (group, dep.artifact.as_deref()) else {
            self.warn(
                DiagnosticCode::InvalidValue,
                dep.at,
                format!("{tag} needs a groupId and an artifactId"),
            );
            return;
        };
        let (group, ok_g) = self.expand(group, dep.at, "groupId");
        let (artifact, ok_a) = self.expand(artifact, dep.at, "artifactId");
        let name = format!("{group}:{artifact}");
        let key = managed_key(&self.model.props, dep);
        let managed = match role {
            Role::Dependency => self.model.managed.get(&key).cloned(),
            _ => None,
        };
        let scope_raw = dep
            .scope
            .as_deref()
            .map(|s| self.model.props.expand(s).text)
            .or_else(|| managed.as_ref().and_then(|m| m.scope.clone()));
        let scope = match role {
            Role::Plugin | Role::ManagedPlugin => Scope::Build,
            _ => match scope_raw.as_deref() {
                None | Some("compile" | "runtime" | "system") => Scope::Runtime,
                Some("test") => Scope::Test,
                Some("provided" | "import") => Scope::Build,
                Some(other) => {
                    self.warn(
                        DiagnosticCode::InvalidValue,
                        dep.at,
                        format!("unknown dependency scope {other:?} for {name}; taken as compile"),
                    );
                    Scope::Runtime
                }
            },
        };
        let optional = dep.optional.as_deref().map(str::trim) == Some("true");
        let scope = if optional && scope == Scope::Runtime {
            Scope::Optional
        } else {
            scope
        };
        let kind = if plugin { Kind::Tool } else { Kind::Package };
        let direct = match role {
            Role::Dependency | Role::Plugin => true,
            Role::Managed => scope_raw.as_deref() == Some("import"),
            Role::ManagedPlugin => false,
        };
        let mut c = Component::new(
            kind,
            Ecosystem::Maven,
            name.clone(),
            ID,
            self.file.location_at(dep.at),
        )
        .with_scope(scope)
        .with_direct(direct);
        if let Some(raw) = &dep.version {
            let (v, resolved) = self.expand(raw, dep.version_at, &format!("version of {name}"));
            c = with_version(c, &v, resolved && ok_g && ok_a);
        } else if let Some(v) = managed.and_then(|m| m.version) {
            if is_plain_version(&v) {
                c = c.with_version(v);
            } else {
                c = c.with_constraint(v);
            }
        } else if let Some(v) = plugin
            .then(|| self.model.plugin_versions.get(&name).cloned())
            .flatten()
        {
            if is_plain_version(&v) {
                c = c.with_version(v);
            } else {
                c = c.with_constraint(v);
            }
        } else if role == Role::Dependency && self.model.complete {
            let why = if self.model.parent_found {
                "nor in the dependencyManagement of its parents"
            } else {
                "and no dependencyManagement entry"
            };
            self.warn(
                DiagnosticCode::InvalidValue,
                dep.at,
                format!("{name} has no version {why}"),
            );
        }
        if !plugin {
            if let Some(t) = dep.kind.as_deref().filter(|t| *t != "jar") {
                c.extras.push(format!("type:{t}"));
            }
            if let Some(cl) = dep.classifier.as_deref().filter(|c| !c.is_empty()) {
                c.extras.push(format!("classifier:{cl}"));
            }
            if scope_raw.as_deref() == Some("system") {
                c.url = dep
                    .system_path
                    .as_deref()
                    .map(|p| self.model.props.expand(p).text);
            }
        }
        self.out.push(c);
    }
}

/// Sets the constraint as written and, for a plain version (a Maven soft requirement), the
/// exact version.
pub(super) fn with_version(c: Component, v: &str, resolved: bool) -> Component {
    let c = c.with_constraint(v);
    if resolved && is_plain_version(v) {
        c.with_version(v)
    } else {
        c
    }
}

/// A soft requirement (`1.2.3`), as opposed to a range (`[1.0,2.0)`), a `${...}` left as
/// written or the deprecated `LATEST`/`RELEASE` meta-versions.
pub(super) fn is_plain_version(v: &str) -> bool {
    !v.is_empty()
        && !v.starts_with(['[', '('])
        && !v.contains(['$', '&', ',', ' '])
        && v != "LATEST"
        && v != "RELEASE"
}
