//! Rule (1): constraints on one package that no version satisfies within one installation
//! (a project with its requirement includes, a lock's manifest family, an image).

use super::{
    dir_of, is_declared_package, range_or_note, written, Collector, Index,
    MAX_DISTINCT_CONSTRAINTS, PYTHON_PROJECT_FORMATS,
};
use crate::{Conflict, ConflictKind, Entry};
use polyver_model::{Component, Ecosystem, FindingSeverity, Format, Location};
use polyver_version::Ecosystem as Scheme;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The project directory of a requirement file: its directory, or the one above a
/// `requirements/` directory.
pub(super) fn requirements_project(path: &str) -> &str {
    let dir = dir_of(path);
    let last = dir.rsplit('/').next().unwrap_or(dir);
    if last.eq_ignore_ascii_case("requirements") {
        dir_of(dir)
    } else {
        dir
    }
}

/// For every requirement file: the Python projects (directories) whose installation it is
/// part of — its own, and every project with a file that includes it, transitively.
pub(super) fn requirement_units<'a>(index: &'a Index<'a>) -> HashMap<&'a str, BTreeSet<&'a str>> {
    let files: BTreeSet<&'a str> = index
        .components
        .iter()
        .filter(|c| c.source == Format::Requirements)
        .flat_map(|c| c.locations.iter().map(|l| l.path.as_str()))
        .collect();
    // `-r`/`-c` targets of each file, as the requirements extractor resolved them.
    let mut units: HashMap<&'a str, BTreeSet<&'a str>> = HashMap::new();
    for &file in &files {
        let project = requirements_project(file);
        for f in index.project.includes.reachable(file) {
            units.entry(f).or_default().insert(project);
        }
    }
    units
}

/// One installation: a Python project directory, or one manifest file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Unit<'a> {
    Python(&'a str),
    File(&'a str),
}

pub(super) fn units_of<'a>(
    c: &'a Component,
    loc: &'a Location,
    req_units: &HashMap<&'a str, BTreeSet<&'a str>>,
    out: &mut Vec<Unit<'a>>,
) {
    out.clear();
    if c.source == Format::Requirements {
        match req_units.get(loc.path.as_str()) {
            Some(u) => out.extend(u.iter().map(|d| Unit::Python(d))),
            None => out.push(Unit::Python(requirements_project(&loc.path))),
        }
    } else if PYTHON_PROJECT_FORMATS.contains(&c.source) {
        out.push(Unit::Python(dir_of(&loc.path)));
    } else {
        out.push(Unit::File(&loc.path));
    }
}

pub(super) fn describe_unit(unit: Unit) -> String {
    match unit {
        Unit::Python("") => "the Python project at the repository root".into(),
        Unit::Python(dir) => format!("the Python project {dir}/"),
        Unit::File(file) => file.to_string(),
    }
}

/// Whether two constraints on this package can contradict each other at all. Cargo keeps
/// one version per semver-compatible range and renames let a manifest use two; Go picks
/// the highest minimum (MVS); a Maven bare version is a soft "recommended" one that the
/// nearest declaration overrides. Only Maven's hard ranges (`[1.0,2.0)`) are compared.
pub(super) fn one_version_per_installation(c: &Component) -> bool {
    match c.ecosystem {
        Ecosystem::Cargo | Ecosystem::Go => false,
        Ecosystem::Maven => c
            .constraint
            .as_ref()
            .is_some_and(|k| k.raw.trim_start().starts_with(['[', '('])),
        _ => true,
    }
}

pub(super) struct Decl<'a> {
    pub(super) c: &'a Component,
    pub(super) loc: &'a Location,
    /// Index into the ranges, one per component.
    pub(super) range: usize,
    pub(super) scheme: Scheme,
}

pub(crate) fn unsatisfiable(index: &Index, out: &mut Collector) {
    let req_units = requirement_units(index);
    let mut decls: Vec<Decl> = Vec::new();
    let mut ranges: Vec<&str> = Vec::new();
    let mut groups: HashMap<(Unit, Ecosystem, &str), Vec<usize>> = HashMap::new();
    let mut units = Vec::new();
    for c in index.components {
        if !is_declared_package(c) || c.url.is_some() || !one_version_per_installation(c) {
            continue;
        }
        let Some(scheme) = c.ecosystem.version_scheme(&c.name) else {
            continue;
        };
        let Some(range) = range_or_note(index, c, scheme, out) else {
            continue;
        };
        ranges.push(range);
        let range = ranges.len() - 1;
        for loc in &c.locations {
            let id = decls.len();
            decls.push(Decl {
                c,
                loc,
                range,
                scheme,
            });
            units_of(c, loc, &req_units, &mut units);
            for &unit in &units {
                groups
                    .entry((unit, c.ecosystem, c.name.as_str()))
                    .or_default()
                    .push(id);
            }
        }
    }
    let mut keys: Vec<_> = groups.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let ids = &groups[&key];
        if ids.len() < 2 {
            continue;
        }
        // Compare distinct (range, marker) values once, whatever the number of files.
        let mut values: BTreeMap<(&str, Option<&str>), Vec<usize>> = BTreeMap::new();
        for &i in ids {
            values
                .entry((ranges[decls[i].range], decls[i].c.marker.as_deref()))
                .or_default()
                .push(i);
        }
        let values: Vec<_> = values.into_iter().collect();
        let mut clashing: BTreeSet<usize> = BTreeSet::new();
        let mut explanation = None;
        let (eco, name) = (key.1, key.2);
        let mut values = values;
        if values.len() > MAX_DISTINCT_CONSTRAINTS {
            let first = decls[values[MAX_DISTINCT_CONSTRAINTS].1[0]].loc;
            out.note(
                first,
                format!(
                    "{eco} {name}: {} distinct constraints in one installation; only the first {MAX_DISTINCT_CONSTRAINTS} compared",
                    values.len()
                ),
            );
            values.truncate(MAX_DISTINCT_CONSTRAINTS);
        }
        for a in 0..values.len() {
            let ((ra, ma), ia) = &values[a];
            for (b, ((rb, mb), ib)) in values.iter().enumerate().skip(a + 1) {
                // Different markers, or one line holding alternatives (Poetry's
                // `numpy = [{ version = "<1.25", python = "<3.9" }, ...]`): not together.
                let one_line = ia.iter().chain(ib.iter()).all(|&i| {
                    let (x, y) = (decls[i].loc, decls[ia[0]].loc);
                    x.path == y.path && x.line == y.line
                });
                if ma != mb || one_line {
                    continue;
                }
                let scheme = decls[ia[0]].scheme;
                let Ok(x) = polyver_version::intersect(scheme, ra, rb) else {
                    continue;
                };
                if !x.empty {
                    continue;
                }
                clashing.insert(a);
                clashing.insert(b);
                if explanation.is_none() {
                    let (da, db) = (&decls[ia[0]], &decls[ib[0]]);
                    explanation = Some(format!(
                        "{} `{}` and {} `{}`: {}",
                        da.loc,
                        written(da.c),
                        db.loc,
                        written(db.c),
                        x.explanation.unwrap_or_default()
                    ));
                }
            }
        }
        if clashing.is_empty() {
            continue;
        }
        let mut entries: Vec<Entry> = clashing
            .iter()
            .flat_map(|&v| values[v].1.iter())
            .map(|&i| Entry {
                requirement: written(decls[i].c),
                location: decls[i].loc.clone(),
            })
            .collect();
        entries.sort_by(|a, b| a.location.cmp(&b.location));
        let (unit, eco, name) = &key;
        out.conflicts.push(Conflict {
            kind: ConflictKind::Unsatisfiable,
            rule: "conflict/unsatisfiable".into(),
            severity: FindingSeverity::High,
            ecosystem: Some(*eco),
            name: name.to_string(),
            title: format!(
                "no version of {name} satisfies every constraint of {}",
                describe_unit(*unit)
            ),
            entries,
            explanation,
        });
    }
}
