//! `graph` and `why` as questions to the engine: which lock files' graphs (by path and
//! ecosystem), what `name@version` asks for, the paths that pull a package in, and what to
//! suggest when it is in none.

use crate::EngineError;
use polyver_graph::{Graph, WhyAnswer};
use polyver_model::{Ecosystem, Inventory};
use std::path::Path;

/// Only the lock-file extractors (and those that write a lock format for some files, as the
/// requirements extractor does for compiled requirements): the graphs need nothing else, and
/// each reads the manifest beside its lock to tell direct from transitive entries.
pub fn lock_extractors() -> Vec<&'static dyn polyver_extract::Extractor> {
    polyver_extract::registry::extractors()
        .into_iter()
        .filter(|x| x.format().is_lock() || x.also_writes().iter().any(|f| f.is_lock()))
        .collect()
}

/// The graphs of `inventory`'s lock files, only `lock` (a path under `root`, or its trailing
/// part) and only `ecosystem` when given. Naming a lock file that is not there is an error
/// listing those that are.
pub fn select(
    inventory: &Inventory,
    root: &Path,
    lock: Option<&Path>,
    ecosystem: Option<Ecosystem>,
) -> Result<Vec<Graph>, EngineError> {
    let all = polyver_graph::build(inventory);
    let wanted_lock = lock
        .map(|l| l.to_string_lossy().replace('\\', "/"))
        .map(|l| l.trim_start_matches("./").to_string());
    let graphs: Vec<Graph> = all
        .iter()
        .filter(|g| ecosystem.is_none_or(|e| g.ecosystem == e))
        .filter(|g| {
            wanted_lock
                .as_deref()
                .is_none_or(|l| g.lock == l || g.lock.ends_with(&format!("/{l}")))
        })
        .cloned()
        .collect();
    if let Some(lock) = &wanted_lock {
        if graphs.is_empty() {
            let found: Vec<String> = all
                .iter()
                .map(|g| polyver_model::shell_quote(&g.lock).into_owned())
                .collect();
            return Err(EngineError::input(
                format!("no lock file `{lock}` under {}", root.display()),
                Some(if found.is_empty() {
                    "there is no lock file there at all".to_string()
                } else {
                    format!("lock files found: {}", found.join(", "))
                }),
            ));
        }
    }
    Ok(graphs)
}

/// What `why` looks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub name: String,
    pub version: Option<String>,
}

impl Query {
    /// `name@version` (as `graph` prints nodes) is read as the version; a leading `@` is an
    /// npm scope, not a version. A version given both ways must agree.
    pub fn parse(name: &str, version: Option<&str>) -> Result<Query, EngineError> {
        match name.rsplit_once('@') {
            Some((bare, v)) if !bare.is_empty() && !v.is_empty() => {
                if version.is_some_and(|given| given != v) {
                    return Err(EngineError::input(
                        format!(
                            "`{name}` and --version {} disagree",
                            version.unwrap_or_default()
                        ),
                        Some("give the version once".to_string()),
                    ));
                }
                Ok(Query {
                    name: bare.to_string(),
                    version: Some(v.to_string()),
                })
            }
            _ => Ok(Query {
                name: name.to_string(),
                version: version.map(str::to_string),
            }),
        }
    }

    /// `name@version`, or the name.
    pub fn label(&self) -> String {
        match &self.version {
            Some(v) => format!("{}@{v}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Every node matching `query` in `graphs`, each with up to `max_paths` paths to it.
pub fn why<'g>(
    graphs: &'g [Graph],
    query: &Query,
    max_paths: usize,
) -> Vec<(&'g Graph, WhyAnswer)> {
    let mut matches = Vec::new();
    for g in graphs {
        for target in g.find(&query.name, query.version.as_deref()) {
            matches.push((g, polyver_graph::why(g, target, max_paths)));
        }
    }
    matches
}

/// Where `query` is pinned (an exact version) outside every graph: in a file that records no
/// dependency edges, such as a hand-written `requirements.txt`. Sorted by location.
pub fn pinned_outside_graphs<'i>(inventory: &'i Inventory, query: &Query) -> Vec<Pin<'i>> {
    let mut pins = Vec::new();
    for c in &inventory.components {
        let Some(version) = c.version.as_deref() else {
            continue;
        };
        if c.kind != polyver_model::Kind::Package || c.source.is_lock() {
            continue;
        }
        let key = polyver_model::project::match_key(c.ecosystem, &query.name);
        if polyver_model::project::match_key(c.ecosystem, &c.name) != key
            || query.version.as_deref().is_some_and(|v| v != version)
        {
            continue;
        }
        pins.extend(c.locations.iter().map(|location| Pin {
            component: c,
            location,
        }));
    }
    pins.sort_by(|a, b| a.location.cmp(b.location));
    pins.dedup_by(|a, b| a.location == b.location && a.component.version == b.component.version);
    pins
}

/// One place a package is pinned outside the graphs.
#[derive(Clone, Copy, Debug)]
pub struct Pin<'i> {
    pub component: &'i polyver_model::Component,
    pub location: &'i polyver_model::Location,
}

/// What to suggest when `query` is in none of `graphs`.
pub fn not_found_hint(graphs: &[Graph], query: &Query) -> String {
    let near = polyver_graph::near_matches(graphs, &query.name, 5);
    if graphs.is_empty() {
        "no lock file was found: `polyver graph` lists what polyver reads".to_string()
    } else if !near.is_empty() {
        let near: Vec<String> = near
            .iter()
            .map(|n| polyver_model::shell_quote(n).into_owned())
            .collect();
        format!("did you mean: {}?", near.join(", "))
    } else if query.version.is_some() {
        format!("drop --version to see every version of `{}`", query.name)
    } else {
        "`polyver graph --format json` lists every package of every lock file".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Query;

    #[test]
    fn name_at_version_is_the_version_and_a_scope_is_not() {
        let q = Query::parse("ms@2.1.3", None).unwrap();
        assert_eq!(
            (q.name.as_str(), q.version.as_deref()),
            ("ms", Some("2.1.3"))
        );
        let q = Query::parse("@babel/core", None).unwrap();
        assert_eq!((q.name.as_str(), q.version), ("@babel/core", None));
        let q = Query::parse("@babel/core@7.0.0", Some("7.0.0")).unwrap();
        assert_eq!(q.label(), "@babel/core@7.0.0");
        let e = Query::parse("ms@2.1.3", Some("2.0.0")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.contains("disagree"), "{}", e.message);
    }
}
