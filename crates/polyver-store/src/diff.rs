//! What changed between two scans: components added, removed, upgraded or downgraded, and
//! constraints rewritten, per ecosystem. Pure and backend-independent, so the CLI, the server
//! and tests share it.
//!
//! A component is matched by its identity: ecosystem, name, kind and the file that declares
//! it. So a range in `requirements.in` is never compared with the pin the compiled
//! `requirements.txt` holds, and a real downgrade in one file is not lost as an "added"
//! beside another file's entry. Within one identity, resolved versions (a pin, a lock entry,
//! or the URL a source comes from) are compared with the ecosystem's own version engine; the
//! versions only on one side are paired in version order, and what is left unpaired is an
//! added or removed version (a lock may hold several). A changed constraint (`>=2.0` →
//! `>=2.1,<3`) is its own change, `constraint`, apart from resolved-version changes. When the
//! ecosystem has no engine or a version does not parse, the two are compared as text and the
//! change says so (`compared_as: "text"`).

use polyver_model::{Component, Ecosystem, Kind};
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
    /// The constraint as written changed (the resolved version may not have).
    Constraint,
}

impl ChangeKind {
    pub fn id(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Upgraded => "upgraded",
            ChangeKind::Downgraded => "downgraded",
            ChangeKind::Constraint => "constraint",
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

/// What one declaration resolves to: the exact version, else where it comes from (a URL or
/// VCS reference); `None` for a constraint alone.
fn resolved(c: &Component) -> Option<String> {
    c.version.clone().or_else(|| c.url.clone())
}

/// A component's identity across scans: ecosystem, name, kind, declaring file.
type Identity<'a> = (Ecosystem, &'a str, Kind, &'a str);

#[derive(Default)]
struct Declared<'a> {
    /// Resolved versions, each with (the first) component.
    versions: BTreeMap<String, &'a Component>,
    /// Constraints as written.
    constraints: BTreeSet<&'a str>,
    first: Option<&'a Component>,
}

/// Whether `constraint` says nothing but `c`'s exact version (`==1.2`, `=1.2`, `v1.2`, `1.2`).
fn pins_version(constraint: &str, c: &Component) -> bool {
    let Some(version) = c.version.as_deref() else {
        return false;
    };
    let bare = constraint.trim().trim_start_matches(['=', 'v', ' ']);
    bare == version.trim_start_matches('v')
}

fn index(components: &[Component]) -> BTreeMap<Identity<'_>, Declared<'_>> {
    let mut side: BTreeMap<Identity, Declared> = BTreeMap::new();
    for c in components {
        let mut paths: Vec<&str> = c.locations.iter().map(|l| l.path.as_str()).collect();
        paths.dedup();
        if paths.is_empty() {
            paths.push("");
        }
        for path in paths {
            let d = side
                .entry((c.ecosystem, c.name.as_str(), c.kind, path))
                .or_default();
            d.first.get_or_insert(c);
            if let Some(v) = resolved(c) {
                d.versions.entry(v).or_insert(c);
            }
            // A constraint that only pins the version (`==4.2.10` with 4.2.10) changes with
            // it: counted once, as the version change.
            if let Some(k) = c.constraint.as_ref().filter(|k| !pins_version(&k.raw, c)) {
                d.constraints.insert(k.raw.as_str());
            }
        }
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

/// Where `c` is declared in `path` (its first location there).
fn location(c: &Component, path: &str) -> Option<String> {
    c.locations
        .iter()
        .find(|l| l.path == path)
        .or(c.locations.first())
        .map(|l| l.to_string())
}

/// What a declaration is pinned to when it is added or removed: its version(s), else its
/// constraint(s), else nothing.
fn written(d: &Declared) -> Option<String> {
    let text = if d.versions.is_empty() {
        d.constraints.iter().copied().collect::<Vec<_>>().join(", ")
    } else {
        d.versions.keys().cloned().collect::<Vec<_>>().join(", ")
    };
    Some(text).filter(|t| !t.is_empty())
}

/// The changes from `old` to `new`. Linear in the number of (component, file) pairs (plus a
/// sort of the versions of each identity that changed).
pub fn diff(old: &[Component], new: &[Component]) -> Diff {
    let (a, b) = (index(old), index(new));
    let keys: BTreeSet<Identity> = a.keys().chain(b.keys()).copied().collect();
    let mut changes = Vec::new();
    for key @ (eco, name, _, path) in keys {
        let change = |change, from, to, compared_as, at: &Component| Change {
            change,
            ecosystem: eco,
            name: name.to_string(),
            from,
            to,
            compared_as,
            location: location(at, path),
        };
        let (da, db) = match (a.get(&key), b.get(&key)) {
            (Some(da), None) => {
                let at = da.first.expect("an indexed declaration has a component");
                changes.push(change(ChangeKind::Removed, written(da), None, None, at));
                continue;
            }
            (None, Some(db)) => {
                let at = db.first.expect("an indexed declaration has a component");
                changes.push(change(ChangeKind::Added, None, written(db), None, at));
                continue;
            }
            (Some(da), Some(db)) => (da, db),
            (None, None) => continue,
        };
        let mut only_a: Vec<(&String, &&Component)> = da
            .versions
            .iter()
            .filter(|(v, _)| !db.versions.contains_key(*v))
            .collect();
        let mut only_b: Vec<(&String, &&Component)> = db
            .versions
            .iter()
            .filter(|(v, _)| !da.versions.contains_key(*v))
            .collect();
        // Highest first, so the newest old version pairs with the newest new one.
        let by_version =
            |x: &(&String, &&Component), y: &(&String, &&Component)| compare(eco, name, y.0, x.0).0;
        only_a.sort_by(by_version);
        only_b.sort_by(by_version);
        let paired = only_a.len().min(only_b.len());
        for i in 0..paired {
            let (from, to) = (only_a[i].0, only_b[i].0);
            let (order, how) = compare(eco, name, from, to);
            let kind = match order {
                Ordering::Greater => ChangeKind::Downgraded,
                // Equal but written differently (`1.0` vs `1.0.0`) is not a change worth a
                // line, yet the text differs; call it an upgrade only when it is one.
                Ordering::Equal => continue,
                Ordering::Less => ChangeKind::Upgraded,
            };
            changes.push(change(
                kind,
                Some(from.clone()),
                Some(to.clone()),
                Some(how),
                only_b[i].1,
            ));
        }
        for (v, c) in &only_a[paired..] {
            changes.push(change(
                ChangeKind::Removed,
                Some((*v).clone()),
                None,
                None,
                c,
            ));
        }
        for (v, c) in &only_b[paired..] {
            changes.push(change(ChangeKind::Added, None, Some((*v).clone()), None, c));
        }
        if da.constraints != db.constraints {
            let join = |d: &Declared| {
                Some(d.constraints.iter().copied().collect::<Vec<_>>().join(", "))
                    .filter(|t| !t.is_empty())
            };
            let at = db.first.expect("an indexed declaration has a component");
            changes.push(change(ChangeKind::Constraint, join(da), join(db), None, at));
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

    fn at(eco: Ecosystem, name: &str, path: &str) -> Component {
        Component::new(
            Kind::Package,
            eco,
            name,
            polyver_model::Format::Requirements,
            Location::new(path, 1),
        )
    }

    /// Issue 13 item 4: a `.in` range and the compiled `.txt` pin are two identities, never
    /// compared with each other; a real downgrade in the `.txt` is a downgrade, and a
    /// rewritten range is a constraint change, apart from version changes.
    #[test]
    fn identity_is_ecosystem_name_kind_and_file() {
        let range = |k: &str| at(Ecosystem::Pypi, "django", "requirements.in").with_constraint(k);
        let pin = |v: &str| at(Ecosystem::Pypi, "django", "requirements.txt").with_version(v);
        let old = [range(">=4.2"), pin("4.2.10")];
        let new = [range(">=4.2,<5"), pin("4.2.9")];
        assert_eq!(
            summary(&diff(&old, &new)),
            [
                "constraint pypi django >=4.2->>=4.2,<5 None",
                "downgraded pypi django 4.2.10->4.2.9 Some(Version)",
            ]
        );
        // The same package moving to another file: removed there, added here.
        let moved = [at(Ecosystem::Pypi, "django", "svc/requirements.txt").with_version("4.2.10")];
        let d = diff(&[pin("4.2.10")], &moved);
        assert_eq!(d.count(ChangeKind::Removed), 1);
        assert_eq!(d.count(ChangeKind::Added), 1);
        assert_eq!(d.changes[0].location.as_deref(), Some("requirements.txt:1"));
        // A pinned package becoming a range keeps its identity: the pin is removed and the
        // constraint is new, not a fake downgrade.
        let d = diff(
            &[pin("4.2.10")],
            &[at(Ecosystem::Pypi, "django", "requirements.txt").with_constraint(">=4.2")],
        );
        assert_eq!(
            summary(&d),
            [
                "removed pypi django 4.2.10->- None",
                "constraint pypi django -->>=4.2 None"
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
