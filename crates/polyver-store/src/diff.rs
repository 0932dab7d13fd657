//! What changed between two scans: components added, removed, upgraded or downgraded, per
//! ecosystem. Pure and backend-independent, so the CLI, the server and tests share it.
//!
//! Components are matched by (ecosystem, name). One package may appear with several versions
//! in one scan (two lock files, two images); the versions only on one side are paired in
//! version order, and what is left unpaired is an added or removed version. Ordering uses the
//! ecosystem's own version engine; when it has none or a version does not parse, the two are
//! compared as text and the change says so (`compared_as: "text"`).

use polyver_model::{Component, Ecosystem};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Upgraded,
    Downgraded,
}

impl ChangeKind {
    pub fn id(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Upgraded => "upgraded",
            ChangeKind::Downgraded => "downgraded",
        }
    }
}

/// How two versions were ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparison {
    /// By the ecosystem's version engine.
    Version,
    /// As plain text: no engine for the ecosystem, or a version it could not parse.
    Text,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub change: ChangeKind,
    pub ecosystem: Ecosystem,
    pub name: String,
    /// The version (or, unpinned, the constraint as written) in the older scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_as: Option<Comparison>,
    /// Where the newer (or, when removed, the older) scan declares it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// All changes, sorted by ecosystem, name, then kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.change == kind).count()
    }

    /// Changes grouped by ecosystem, in ecosystem order.
    pub fn by_ecosystem(&self) -> BTreeMap<Ecosystem, Vec<&Change>> {
        let mut out: BTreeMap<Ecosystem, Vec<&Change>> = BTreeMap::new();
        for c in &self.changes {
            out.entry(c.ecosystem).or_default().push(c);
        }
        out
    }
}

/// What a component is pinned to, for comparison: the exact version, else the constraint,
/// else where it comes from (a URL or VCS reference).
fn pin(c: &Component) -> String {
    c.version
        .clone()
        .or_else(|| c.constraint.as_ref().map(|k| k.raw.clone()))
        .or_else(|| c.url.clone())
        .unwrap_or_default()
}

type Side<'a> = BTreeMap<(Ecosystem, &'a str), BTreeMap<String, &'a Component>>;

fn index(components: &[Component]) -> Side<'_> {
    let mut side: Side = BTreeMap::new();
    for c in components {
        side.entry((c.ecosystem, c.name.as_str()))
            .or_default()
            .entry(pin(c))
            .or_insert(c);
    }
    side
}

fn compare(eco: Ecosystem, name: &str, a: &str, b: &str) -> (Ordering, Comparison) {
    if let Some(scheme) = eco.version_scheme(name) {
        let strip = |v: &str| v.trim().trim_start_matches(['=', 'v']).to_string();
        if let Ok(o) = polyver_version::compare(scheme, &strip(a), &strip(b)) {
            return (o, Comparison::Version);
        }
    }
    (a.cmp(b), Comparison::Text)
}

fn location(c: &Component) -> Option<String> {
    c.locations.first().map(|l| l.to_string())
}

/// The changes from `old` to `new`. Linear in the number of components (plus a sort of the
/// versions of each package that changed).
pub fn diff(old: &[Component], new: &[Component]) -> Diff {
    let (a, b) = (index(old), index(new));
    let keys: BTreeSet<_> = a.keys().chain(b.keys()).copied().collect();
    let empty = BTreeMap::new();
    let mut changes = Vec::new();
    for key @ (eco, name) in keys {
        let va = a.get(&key).unwrap_or(&empty);
        let vb = b.get(&key).unwrap_or(&empty);
        let mut only_a: Vec<(&String, &&Component)> =
            va.iter().filter(|(v, _)| !vb.contains_key(*v)).collect();
        let mut only_b: Vec<(&String, &&Component)> =
            vb.iter().filter(|(v, _)| !va.contains_key(*v)).collect();
        // Highest first, so the newest old version pairs with the newest new one.
        let by_version =
            |x: &(&String, &&Component), y: &(&String, &&Component)| compare(eco, name, y.0, x.0).0;
        only_a.sort_by(by_version);
        only_b.sort_by(by_version);
        let paired = only_a.len().min(only_b.len());
        for i in 0..paired {
            let (from, to) = (only_a[i].0, only_b[i].0);
            let (order, how) = compare(eco, name, from, to);
            let change = match order {
                Ordering::Greater => ChangeKind::Downgraded,
                // Equal but written differently (`1.0` vs `1.0.0`) is not a change worth a
                // line, yet the text differs; call it an upgrade only when it is one.
                Ordering::Equal => continue,
                Ordering::Less => ChangeKind::Upgraded,
            };
            changes.push(Change {
                change,
                ecosystem: eco,
                name: name.to_string(),
                from: Some(from.clone()),
                to: Some(to.clone()),
                compared_as: Some(how),
                location: location(only_b[i].1),
            });
        }
        for (v, c) in &only_a[paired..] {
            changes.push(Change {
                change: ChangeKind::Removed,
                ecosystem: eco,
                name: name.to_string(),
                from: Some((*v).clone()).filter(|v| !v.is_empty()),
                to: None,
                compared_as: None,
                location: location(c),
            });
        }
        for (v, c) in &only_b[paired..] {
            changes.push(Change {
                change: ChangeKind::Added,
                ecosystem: eco,
                name: name.to_string(),
                from: None,
                to: Some((*v).clone()).filter(|v| !v.is_empty()),
                compared_as: None,
                location: location(c),
            });
        }
    }
    Diff { changes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyver_model::{Kind, Location};

    fn c(eco: Ecosystem, name: &str, version: &str) -> Component {
        let mut c = Component::new(
            Kind::Package,
            eco,
            name,
            polyver_model::Format::Requirements,
            Location::new("requirements.txt", 3),
        );
        c.version = Some(version.to_string());
        c
    }

    fn summary(d: &Diff) -> Vec<String> {
        d.changes
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} {}->{} {:?}",
                    c.change.id(),
                    c.ecosystem,
                    c.name,
                    c.from.as_deref().unwrap_or("-"),
                    c.to.as_deref().unwrap_or("-"),
                    c.compared_as
                )
            })
            .collect()
    }

    #[test]
    fn added_removed_upgraded_downgraded_with_the_ecosystems_order() {
        use Ecosystem::*;
        let old = [
            c(Pypi, "django", "4.2.9"),
            c(Pypi, "requests", "2.31.0"),
            c(Npm, "react", "18.2.0"),
            c(Pypi, "flask", "3.0.0"),
            c(Pypi, "numpy", "1.9.0"),
        ];
        let new = [
            c(Pypi, "django", "4.2.10"),   // text order would call this a downgrade
            c(Pypi, "requests", "2.31.0"), // unchanged
            c(Npm, "react", "17.0.2"),
            c(Pypi, "httpx", "0.27.0"),
            c(Pypi, "numpy", "1.10.0rc1"),
        ];
        assert_eq!(
            summary(&diff(&old, &new)),
            [
                "upgraded pypi django 4.2.9->4.2.10 Some(Version)",
                "removed pypi flask 3.0.0->- None",
                "added pypi httpx -->0.27.0 None",
                "upgraded pypi numpy 1.9.0->1.10.0rc1 Some(Version)",
                "downgraded npm react 18.2.0->17.0.2 Some(Version)",
            ]
        );
    }

    #[test]
    fn several_versions_of_one_package_pair_in_order_and_leftovers_are_added() {
        let old = [
            c(Ecosystem::Npm, "lodash", "4.17.20"),
            c(Ecosystem::Npm, "lodash", "3.10.1"),
        ];
        let new = [
            c(Ecosystem::Npm, "lodash", "4.17.21"),
            c(Ecosystem::Npm, "lodash", "3.10.1"),
            c(Ecosystem::Npm, "lodash", "2.4.2"),
        ];
        // 3.10.1 is on both sides; 4.17.20 pairs with the highest new-only version.
        assert_eq!(
            summary(&diff(&old, &new)),
            [
                "upgraded npm lodash 4.17.20->4.17.21 Some(Version)",
                "added npm lodash -->2.4.2 None",
            ]
        );
    }

    #[test]
    fn unparseable_versions_fall_back_to_text_and_say_so() {
        let old = [
            c(Ecosystem::Helm, "redis", "abc"),
            c(Ecosystem::Pypi, "x", "not a version"),
        ];
        let new = [
            c(Ecosystem::Helm, "redis", "abd"),
            c(Ecosystem::Pypi, "x", "zzz"),
        ];
        assert_eq!(
            summary(&diff(&old, &new)),
            [
                "upgraded pypi x not a version->zzz Some(Text)",
                "upgraded helm redis abc->abd Some(Text)",
            ]
        );
    }

    #[test]
    fn same_scan_is_no_change_and_equal_spellings_are_not_a_change() {
        let old = [c(Ecosystem::Pypi, "a", "1.0")];
        assert!(diff(&old, &old).changes.is_empty());
        assert!(diff(&old, &[c(Ecosystem::Pypi, "a", "1.0.0")])
            .changes
            .is_empty());
    }
}
