//! Maven's effective model for one POM: the parent chain, the reactor, dependency and
//! plugin management, and BOM imports, each bounded so a hostile tree cannot loop.

use super::model::{Dep, Pom};
use super::properties::Props;
use super::xml::parse_xml;
use super::{MAX_IMPORT_DEPTH, MAX_PARENTS, MAX_POMS};
use crate::SourceFile;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// POMs of the repository read during one extraction, by repo-relative path.
#[derive(Default)]
pub(super) struct Repo {
    pub(super) seen: HashMap<String, Option<Rc<Pom>>>,
    pub(super) reactor: Option<Vec<Rc<Pom>>>,
}

/// A managed version (from `dependencyManagement` or `pluginManagement`).
#[derive(Clone, Debug)]
pub(super) struct Managed {
    pub(super) version: Option<String>,
    pub(super) scope: Option<String>,
}

/// What a POM's own declarations are resolved against.
pub(super) struct Model {
    pub(super) props: Props,
    /// `groupId:artifactId:type:classifier` → managed version and scope, interpolated.
    pub(super) managed: HashMap<String, Managed>,
    /// `groupId:artifactId` of plugins → version, interpolated.
    pub(super) plugin_versions: HashMap<String, String>,
    /// Whether every parent and imported BOM was found, so a missing version is an error.
    pub(super) complete: bool,
    /// The parent POM, when found in the repository.
    pub(super) parent_found: bool,
}

impl Repo {
    /// Reads the POM at `rel`, relative to `from`'s directory (memoized, bounded).
    pub(super) fn load(&mut self, from: &SourceFile, rel: &str) -> Option<Rc<Pom>> {
        let target = from.resolve_relative(rel)?;
        if let Some(pom) = self.seen.get(&target) {
            return pom.clone();
        }
        if self.seen.len() >= MAX_POMS {
            return None;
        }
        // Problems in another POM are reported when that file itself is extracted.
        let pom = from.open_relative(rel).ok().and_then(|file| {
            let (root, _) = parse_xml(file.text());
            root.child("project")
                .map(|project| Rc::new(Pom::read(file.clone(), project)))
        });
        self.seen.insert(target, pom.clone());
        pom
    }

    /// The parent of `pom`, when it is in the repository at its `relativePath` with the
    /// declared coordinates.
    pub(super) fn parent_of(&mut self, pom: &Pom) -> Option<Rc<Pom>> {
        let parent = pom.parent.as_ref()?;
        let rel = match parent.relative_path.as_deref() {
            None => "../pom.xml".to_string(),
            Some("") => return None,
            Some(p) if p.ends_with(".xml") => p.to_string(),
            Some(p) => format!("{}/pom.xml", p.trim_end_matches('/')),
        };
        let found = self.load(&pom.file, &rel)?;
        let same = found.artifact.as_deref() == parent.artifact.as_deref()
            && found.group() == parent.group.as_deref();
        same.then_some(found)
    }

    /// `pom` followed by its parents found in the repository, child first.
    pub(super) fn chain(&mut self, pom: &Rc<Pom>) -> (Vec<Rc<Pom>>, bool) {
        let mut chain = vec![pom.clone()];
        let mut paths = HashSet::from([pom.file.path().to_string()]);
        let mut complete = true;
        while chain.len() < MAX_PARENTS {
            let Some(last) = chain.last().cloned() else {
                break;
            };
            if last.parent.is_none() {
                break;
            }
            match self.parent_of(&last) {
                Some(p) if paths.insert(p.file.path().to_string()) => chain.push(p),
                _ => {
                    complete = false;
                    break;
                }
            }
        }
        (chain, complete)
    }

    /// Every POM of the reactor: the top-most parent in the repository and its `<modules>`,
    /// recursively (bounded).
    pub(super) fn reactor(&mut self, top: &Rc<Pom>) -> Vec<Rc<Pom>> {
        if let Some(r) = &self.reactor {
            return r.clone();
        }
        let mut out = Vec::new();
        let mut queue = std::collections::VecDeque::from([top.clone()]);
        let mut paths = HashSet::new();
        while let Some(pom) = queue.pop_front() {
            if !paths.insert(pom.file.path().to_string()) || out.len() >= MAX_POMS {
                continue;
            }
            for module in &pom.modules {
                let rel = if module.ends_with(".xml") {
                    module.clone()
                } else {
                    format!("{}/pom.xml", module.trim_end_matches('/'))
                };
                if let Some(m) = self.load(&pom.file, &rel) {
                    queue.push_back(m);
                }
            }
            out.push(pom);
        }
        self.reactor = Some(out.clone());
        out
    }

    /// The effective model of `pom`: properties and management from its parents in the
    /// repository, and BOM imports.
    pub(super) fn effective(&mut self, pom: &Rc<Pom>, depth: usize) -> Model {
        let (chain, mut complete) = self.chain(pom);
        let parent_found = chain.len() > 1;
        let props = Props::new(&chain);
        let mut managed: HashMap<String, Managed> = HashMap::new();
        let mut imports = Vec::new();
        for p in &chain {
            // Within one POM the last declaration of a key wins (Maven 3 keeps them in a
            // map); a child's entry wins over its parents'.
            let mut own: HashMap<String, &Dep> = HashMap::new();
            for dep in &p.managed {
                own.insert(managed_key(&props, dep), dep);
            }
            for dep in &p.managed {
                let key = managed_key(&props, dep);
                if managed.contains_key(&key) || own.get(&key).is_none_or(|d| d.at != dep.at) {
                    continue;
                }
                let scope = dep.scope.as_deref().map(|s| props.expand(s).text);
                if scope.as_deref() == Some("import") {
                    imports.push(dep.clone());
                }
                managed.insert(
                    key,
                    Managed {
                        version: dep.version.as_deref().map(|v| props.expand(v).text),
                        scope,
                    },
                );
            }
        }
        for bom in imports {
            let group = bom.group.as_deref().map(|g| props.expand(g).text);
            let artifact = bom.artifact.as_deref().map(|a| props.expand(a).text);
            let top = chain.last().cloned().unwrap_or_else(|| pom.clone());
            // Only BOMs of the project's own group family can be modules of the repository;
            // this spares a walk of the whole reactor for `jackson-bom` and friends.
            let ours = group.as_deref().is_some_and(|g| {
                chain
                    .iter()
                    .filter_map(|p| p.group().map(|pg| props.expand(pg).text))
                    .any(|pg| same_family(&pg, g))
            });
            let found = if ours && depth < MAX_IMPORT_DEPTH {
                self.reactor(&top).into_iter().find(|m| {
                    m.artifact.is_some()
                        && m.artifact == artifact
                        && m.group().map(str::to_string) == group
                        && m.file.path() != pom.file.path()
                })
            } else {
                None
            };
            let Some(found) = found else {
                complete = false;
                continue;
            };
            let imported = self.effective(&found, depth + 1);
            complete &= imported.complete;
            for (key, m) in imported.managed {
                managed.entry(key).or_insert(m);
            }
        }
        let mut plugin_versions = HashMap::new();
        let plugin_sources = chain
            .iter()
            .flat_map(|p| p.managed_plugins.iter())
            .chain(chain.iter().skip(1).flat_map(|p| p.plugins.iter()));
        for plugin in plugin_sources {
            if let Some(v) = &plugin.version {
                plugin_versions
                    .entry(plugin_name(&props, plugin))
                    .or_insert_with(|| props.expand(v).text);
            }
        }
        Model {
            props,
            managed,
            plugin_versions,
            complete,
            parent_found,
        }
    }
}

/// Whether two groupIds share their first two segments (`com.acme.shop`, `com.acme.bom`).
pub(super) fn same_family(a: &str, b: &str) -> bool {
    let head = |g: &str| g.split('.').take(2).collect::<Vec<_>>().join(".");
    a == b || head(a) == head(b)
}

pub(super) fn managed_key(props: &Props, dep: &Dep) -> String {
    let x = |v: &Option<String>, default: &str| {
        v.as_deref()
            .map_or_else(|| default.to_string(), |s| props.expand(s).text)
    };
    format!(
        "{}:{}:{}:{}",
        x(&dep.group, ""),
        x(&dep.artifact, ""),
        x(&dep.kind, "jar"),
        x(&dep.classifier, "")
    )
}

pub(super) fn plugin_name(props: &Props, plugin: &Dep) -> String {
    let group = plugin.group.as_deref().map_or_else(
        || "org.apache.maven.plugins".to_string(),
        |g| props.expand(g).text,
    );
    let artifact = plugin
        .artifact
        .as_deref()
        .map(|a| props.expand(a).text)
        .unwrap_or_default();
    format!("{group}:{artifact}")
}
