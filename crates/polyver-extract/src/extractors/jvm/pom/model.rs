//! The raw model of one POM as written: coordinates, parent reference, properties,
//! dependencies, management sections and plugins, before any inheritance.

use super::xml::Node;
use crate::SourceFile;

/// A `<dependency>` or `<plugin>` as written.
#[derive(Debug, Clone, Default)]
pub(super) struct Dep {
    pub(super) group: Option<String>,
    pub(super) artifact: Option<String>,
    pub(super) version: Option<String>,
    /// Offset of the `<version>` element, for warnings about it.
    pub(super) version_at: usize,
    pub(super) scope: Option<String>,
    pub(super) optional: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) classifier: Option<String>,
    pub(super) system_path: Option<String>,
    /// Offset of the `<dependency>` / `<plugin>` element.
    pub(super) at: usize,
    /// Where it is declared: 0 for the project, `n` for the n-th `<profile>`. Declarations
    /// are duplicates of each other only within one section.
    pub(super) section: usize,
}

impl Dep {
    pub(super) fn read(node: &Node) -> Dep {
        let text = |n: &str| node.text_of(n).map(str::to_string);
        Dep {
            group: text("groupId"),
            artifact: text("artifactId"),
            version: text("version"),
            version_at: node.child("version").map_or(node.start, |v| v.start),
            scope: text("scope"),
            optional: text("optional"),
            kind: text("type"),
            classifier: text("classifier"),
            system_path: text("systemPath"),
            at: node.start,
            section: 0,
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct ParentRef {
    pub(super) group: Option<String>,
    pub(super) artifact: Option<String>,
    pub(super) version: Option<String>,
    pub(super) relative_path: Option<String>,
    pub(super) at: usize,
}

pub(super) struct Pom {
    pub(super) file: SourceFile,
    pub(super) group: Option<String>,
    pub(super) artifact: Option<String>,
    pub(super) version: Option<String>,
    pub(super) parent: Option<ParentRef>,
    pub(super) properties: Vec<(String, String)>,
    pub(super) deps: Vec<Dep>,
    pub(super) managed: Vec<Dep>,
    pub(super) plugins: Vec<Dep>,
    pub(super) managed_plugins: Vec<Dep>,
    pub(super) modules: Vec<String>,
}

impl Pom {
    pub(super) fn read(file: SourceFile, project: &Node) -> Pom {
        let text = |n: &str| project.text_of(n).map(str::to_string);
        let parent = project.child("parent").map(|p| ParentRef {
            group: p.text_of("groupId").map(str::to_string),
            artifact: p.text_of("artifactId").map(str::to_string),
            version: p.text_of("version").map(str::to_string),
            relative_path: p.text_of("relativePath").map(str::to_string),
            at: p.start,
        });
        let mut pom = Pom {
            file,
            group: text("groupId"),
            artifact: text("artifactId"),
            version: text("version"),
            parent,
            properties: project
                .child("properties")
                .map(|p| {
                    p.children
                        .iter()
                        .map(|c| (c.name.clone(), c.text.trim().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            deps: Vec::new(),
            managed: Vec::new(),
            plugins: Vec::new(),
            managed_plugins: Vec::new(),
            modules: project
                .child("modules")
                .map(|m| {
                    m.children("module")
                        .map(|c| c.text.trim().to_string())
                        .collect()
                })
                .unwrap_or_default(),
        };
        pom.read_section(project, 0);
        for (i, profile) in project
            .child("profiles")
            .into_iter()
            .flat_map(|p| p.children("profile"))
            .enumerate()
        {
            pom.read_section(profile, i + 1);
        }
        pom
    }

    /// The parts a `<project>` and a `<profile>` share.
    pub(super) fn read_section(&mut self, node: &Node, section: usize) {
        let deps_at = |path: &str, tag: &str| -> Vec<Dep> {
            node.at(path)
                .into_iter()
                .flat_map(|d| d.children.iter().filter(|c| c.name == tag))
                .map(|n| Dep {
                    section,
                    ..Dep::read(n)
                })
                .collect()
        };
        self.deps.extend(deps_at("dependencies", "dependency"));
        self.managed
            .extend(deps_at("dependencyManagement/dependencies", "dependency"));
        self.plugins.extend(deps_at("build/plugins", "plugin"));
        self.managed_plugins
            .extend(deps_at("build/pluginManagement/plugins", "plugin"));
    }

    pub(super) fn group(&self) -> Option<&str> {
        self.group
            .as_deref()
            .or_else(|| self.parent.as_ref().and_then(|p| p.group.as_deref()))
    }

    pub(super) fn version(&self) -> Option<&str> {
        self.version
            .as_deref()
            .or_else(|| self.parent.as_ref().and_then(|p| p.version.as_deref()))
    }
}
