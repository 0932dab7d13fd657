//! Rules that read the repository's policy, and the compatibility rules derived from the
//! files themselves.
//!
//! A component answers to `[approved]`/`[[compat]]` keys by its subject: packages by
//! `ecosystem:name`; runtimes and tools (version files, `requires-python`, `engines`) by their
//! bare name; images by the runtime or service they provide (`python:3.11-slim` is `python`,
//! `postgres:14.10` is `postgresql`, see [`crate::engine::image_runtime`]) and by
//! `docker:name`.
//!
//! An exact version (a pin, a lock entry, a version file, an image tag) must lie *within* an
//! approved or required range; a constraint (a manifest range) is only at fault when it
//! admits *no* approved version, since the lock or the installer picks inside it.

use crate::engine::{image_runtime, relation, tag_release, value_range, Relation};
use crate::rules::{ancestors, dir_of, written, Collector, Index};
use crate::{CompatCell, CompatRow, Conflict, ConflictKind, Entry};
use polyver_config::approved::{normalize_range, runtime_name};
use polyver_config::{Approved, CompatRule, Subject};
use polyver_model::{Component, Ecosystem, FindingSeverity, Format, Kind, Location, Role};
use polyver_version::Ecosystem as Scheme;
use std::collections::HashMap;

/// The subjects a component answers to, most specific first.
fn subjects(c: &Component) -> Vec<Subject> {
    match c.kind {
        Kind::Image => {
            let mut s = vec![Subject::Package {
                ecosystem: Ecosystem::Docker,
                name: c.name.to_ascii_lowercase(),
            }];
            if let Some(r) = image_runtime(&c.name) {
                s.push(Subject::Runtime(r));
            }
            s
        }
        Kind::Runtime | Kind::Tool if c.ecosystem == Ecosystem::Generic => {
            vec![Subject::Runtime(runtime_name(&c.name))]
        }
        _ => vec![Subject::Package {
            ecosystem: c.ecosystem,
            name: c.name.clone(),
        }],
    }
}

/// The component's version as a range of `scheme`, and whether it is exact (as opposed to a
/// constraint). Images are read by their full tag under the Docker scheme, else by the
/// release number at the tag's start.
fn value(c: &Component, scheme: Scheme) -> Option<(Result<String, String>, bool)> {
    let exact = c.version.is_some();
    if c.kind == Kind::Image {
        let tag = c.version.as_deref()?;
        let v = if scheme == Scheme::Docker {
            tag
        } else {
            tag_release(tag)?
        };
        return Some((normalize_range(scheme, v), true));
    }
    Some((value_range(c, scheme)?, exact))
}

/// Whether `(value, exact)` meets `range`: an exact version lies within it, a constraint
/// admits at least one of its versions.
fn meets(
    scheme: Scheme,
    value: &str,
    exact: bool,
    range: &str,
) -> Result<Option<Relation>, String> {
    let r = relation(scheme, value, range)?;
    let ok = match r {
        Relation::Within => true,
        Relation::Overlap => !exact,
        Relation::Disjoint => false,
    };
    Ok((!ok).then_some(r))
}

fn entries_of(c: &Component) -> Vec<Entry> {
    c.locations
        .iter()
        .map(|l| Entry {
            requirement: written(c),
            location: l.clone(),
        })
        .collect()
}

pub(crate) fn drift(index: &Index, approved: &[Approved], out: &mut Collector) {
    if approved.is_empty() {
        return;
    }
    let by_subject: HashMap<&Subject, &Approved> =
        approved.iter().map(|a| (&a.subject, a)).collect();
    for c in index.components {
        let Some(a) = subjects(c).iter().find_map(|s| by_subject.get(s).copied()) else {
            continue;
        };
        let scheme = a.subject.scheme();
        let Some((v, exact)) = value(c, scheme) else {
            continue;
        };
        let v = match v {
            Ok(v) => v,
            Err(e) => {
                note_all(
                    c,
                    out,
                    format!("{} not compared with [approved] {}: {e}", c.name, a.subject),
                );
                continue;
            }
        };
        match meets(scheme, &v, exact, &a.range) {
            Ok(None) => {}
            Ok(Some(_)) => out.conflicts.push(Conflict {
                kind: ConflictKind::Drift,
                rule: "drift/not-approved".into(),
                severity: FindingSeverity::Medium,
                ecosystem: Some(c.ecosystem),
                name: c.name.clone(),
                title: format!(
                    "{} {} {} the approved {} `{}`",
                    c.name,
                    written(c),
                    if exact {
                        "is outside"
                    } else {
                        "admits no version of"
                    },
                    a.subject,
                    a.raw
                ),
                entries: entries_of(c),
                explanation: Some(format!("approved at {}", a.origin)),
            }),
            Err(e) => note_all(
                c,
                out,
                format!("{} not compared with [approved] {}: {e}", c.name, a.subject),
            ),
        }
    }
}

fn note_all(c: &Component, out: &mut Collector, message: String) {
    for l in &c.locations {
        out.note(l, message.clone());
    }
}

/// Components answering to `subject`, by directory.
fn by_dir<'a>(index: &Index<'a>, subject: &Subject) -> HashMap<&'a str, Vec<&'a Component>> {
    let mut map: HashMap<&str, Vec<&Component>> = HashMap::new();
    for c in index.components {
        if subjects(c).contains(subject) {
            for l in &c.locations {
                map.entry(dir_of(&l.path)).or_default().push(c);
            }
        }
    }
    map
}

/// The components of `map` that govern a declaration in `dir`: those of the nearest
/// directory at or above it that has any.
fn governing<'m, 'a>(
    map: &'m HashMap<&'a str, Vec<&'a Component>>,
    dir: &str,
) -> &'m [&'a Component] {
    ancestors(dir)
        .find_map(|d| map.get(d))
        .map_or(&[], |v| v.as_slice())
}

pub(crate) fn compat_rules(index: &Index, rules: &[CompatRule], out: &mut Collector) {
    for rule in rules {
        let whens: Vec<_> = rule
            .when
            .iter()
            .map(|w| (w, by_dir(index, &w.subject)))
            .collect();
        let when_text: Vec<String> = rule
            .when
            .iter()
            .map(|w| format!("{} {}", w.subject, w.raw))
            .collect();
        for req in &rule.require {
            let scheme = req.subject.scheme();
            let mut row = CompatRow {
                rule: "compat/rule".into(),
                declared: true,
                title: if when_text.is_empty() {
                    format!("{} {}", req.subject, req.raw)
                } else {
                    format!(
                        "{} requires {} {}",
                        when_text.join(", "),
                        req.subject,
                        req.raw
                    )
                },
                origin: rule.origin.to_string(),
                reason: rule.reason.clone(),
                cells: Vec::new(),
            };
            for c in index.components {
                if !subjects(c).contains(&req.subject) {
                    continue;
                }
                let Some((Ok(v), exact)) = value(c, scheme) else {
                    continue;
                };
                for loc in &c.locations {
                    let dir = dir_of(&loc.path);
                    // Every `when` must hold for some governing component.
                    let mut because: Vec<Entry> = Vec::new();
                    let applies = whens.iter().all(|(w, map)| {
                        let ws = w.subject.scheme();
                        let holding: Vec<&Component> = governing(map, dir)
                            .iter()
                            .copied()
                            .filter(|g| {
                                value(g, ws)
                                    .and_then(|(gv, _)| gv.ok())
                                    .and_then(|gv| relation(ws, &gv, &w.range).ok())
                                    .is_some_and(|r| r != Relation::Disjoint)
                            })
                            .collect();
                        because.extend(holding.iter().flat_map(|g| {
                            g.locations.first().map(|l| Entry {
                                requirement: format!(
                                    "{} {} (when {} {})",
                                    g.name,
                                    written(g),
                                    w.subject,
                                    w.raw
                                ),
                                location: l.clone(),
                            })
                        }));
                        !holding.is_empty()
                    });
                    if !applies {
                        continue;
                    }
                    let Ok(failed) = meets(scheme, &v, exact, &req.range) else {
                        continue;
                    };
                    let mut entries = vec![Entry {
                        requirement: written(c),
                        location: loc.clone(),
                    }];
                    entries.extend(because);
                    row.cells.push(CompatCell {
                        checked: format!("{} {}", c.name, written(c)),
                        location: loc.clone(),
                        pass: failed.is_none(),
                        relation: relation(scheme, &v, &req.range).map_or("unknown", relation_word),
                        evidence: entries.clone(),
                    });
                    let Some(r) = failed else {
                        continue;
                    };
                    let when: Vec<String> = rule
                        .when
                        .iter()
                        .map(|w| format!("{} {}", w.subject, w.raw))
                        .collect();
                    out.conflicts.push(Conflict {
                        kind: ConflictKind::Compat,
                        rule: "compat/rule".into(),
                        severity: FindingSeverity::High,
                        ecosystem: Some(c.ecosystem),
                        name: c.name.clone(),
                        title: format!(
                            "{} {} {} `{}`, required with {}",
                            c.name,
                            written(c),
                            if r == Relation::Disjoint {
                                "is outside"
                            } else {
                                "is not within"
                            },
                            req.raw,
                            when.join(", ")
                        ),
                        entries,
                        explanation: Some(match &rule.reason {
                            Some(why) => format!("[[compat]] at {}: {why}", rule.origin),
                            None => format!("[[compat]] at {}", rule.origin),
                        }),
                    });
                }
            }
            out.compat.push(row);
        }
    }
}

/// The word for how a version relates to a range, as the matrix shows it.
fn relation_word(r: Relation) -> &'static str {
    match r {
        Relation::Within => "within",
        Relation::Overlap => "overlap",
        Relation::Disjoint => "outside",
    }
}

/// The matrix row of a derived rule, created on first use.
fn derived_row<'o>(
    out: &'o mut Collector,
    rule: &str,
    title: String,
    origin: &Location,
) -> &'o mut CompatRow {
    let origin = origin.to_string();
    let at = out
        .compat
        .iter()
        .position(|r| r.rule == rule && r.origin == origin && r.title == title);
    let at = at.unwrap_or_else(|| {
        out.compat.push(CompatRow {
            rule: rule.to_string(),
            declared: false,
            title,
            origin,
            reason: None,
            cells: Vec::new(),
        });
        out.compat.len() - 1
    });
    &mut out.compat[at]
}

/// One derived rule: the runtime a project requires vs the one it declares.
struct Declared<'a> {
    c: &'a Component,
    range: String,
}

pub(crate) fn derived_compat(index: &Index, out: &mut Collector) {
    for runtime in ["python", "node"] {
        let scheme = polyver_config::approved::runtime_scheme(runtime);
        let mut requires: Vec<Declared> = Vec::new();
        let mut files: HashMap<&str, Vec<Declared>> = HashMap::new();
        let mut images: HashMap<&str, Vec<Declared>> = HashMap::new();
        for c in index.components {
            let is_runtime = matches!(c.kind, Kind::Runtime)
                && c.ecosystem == Ecosystem::Generic
                && runtime_name(&c.name) == runtime;
            let is_image = c.kind == Kind::Image
                && c.source == Format::Dockerfile
                && image_runtime(&c.name).as_deref() == Some(runtime);
            if !is_runtime && !is_image {
                continue;
            }
            let Some((v, exact)) = value(c, scheme) else {
                continue;
            };
            let range = match v {
                Ok(r) => r,
                Err(e) => {
                    note_all(c, out, format!("{runtime} version not evaluated: {e}"));
                    continue;
                }
            };
            let d = Declared { c, range };
            if is_image {
                for l in &c.locations {
                    images.entry(dir_of(&l.path)).or_default().push(Declared {
                        c,
                        range: d.range.clone(),
                    });
                }
            } else if !exact
                && matches!(
                    c.source,
                    Format::Pyproject | Format::SetupCfg | Format::Pipfile | Format::PackageJson
                )
            {
                requires.push(d);
            } else if exact && c.source.role() == Role::RuntimePin {
                for l in &c.locations {
                    files.entry(dir_of(&l.path)).or_default().push(Declared {
                        c,
                        range: d.range.clone(),
                    });
                }
            }
        }
        let (rule, what) = match runtime {
            "python" => ("compat/requires-python", "requires-python"),
            _ => ("compat/engines-node", "engines.node"),
        };
        // A project's required range vs its version file and its Dockerfile's image.
        for req in &requires {
            for loc in &req.c.locations {
                derived_row(
                    out,
                    rule,
                    format!("{runtime} within {what} `{}`", written(req.c)),
                    loc,
                );
                let dir = dir_of(&loc.path);
                let declared = ancestors(dir)
                    .find_map(|d| files.get(d))
                    .into_iter()
                    .flatten()
                    .chain(images.get(dir).into_iter().flatten());
                for decl in declared {
                    let Ok(r) = relation(scheme, &decl.range, &req.range) else {
                        continue;
                    };
                    let mut evidence = vec![Entry {
                        requirement: written(decl.c),
                        location: decl.c.locations[0].clone(),
                    }];
                    evidence.push(Entry {
                        requirement: written(req.c),
                        location: loc.clone(),
                    });
                    derived_row(
                        out,
                        rule,
                        format!("{runtime} within {what} `{}`", written(req.c)),
                        loc,
                    )
                    .cells
                    .push(CompatCell {
                        checked: format!("{runtime} {}", written(decl.c)),
                        location: decl.c.locations[0].clone(),
                        pass: r == Relation::Within,
                        relation: relation_word(r),
                        evidence,
                    });
                    if r == Relation::Within {
                        continue;
                    }
                    out.conflicts.push(pair_conflict(
                        rule,
                        r,
                        runtime,
                        format!(
                            "{runtime} {} ({}) is {} {what} `{}`",
                            written(decl.c),
                            decl.c.locations[0].path,
                            if r == Relation::Disjoint {
                                "outside"
                            } else {
                                "not within"
                            },
                            written(req.c)
                        ),
                        (req.c, loc),
                        decl.c,
                    ));
                }
            }
        }
        // A Docker image's runtime vs the version file of its directory (or above).
        for (dir, imgs) in &images {
            let Some(declared) = ancestors(dir).find_map(|d| files.get(d)) else {
                continue;
            };
            for img in imgs {
                for decl in declared {
                    let Ok(r) = relation(scheme, &img.range, &decl.range) else {
                        continue;
                    };
                    let loc = img
                        .c
                        .locations
                        .iter()
                        .find(|l| dir_of(&l.path) == *dir)
                        .unwrap_or(&img.c.locations[0]);
                    derived_row(
                        out,
                        "compat/image-runtime",
                        format!(
                            "Docker images run the {runtime} {} of the version file",
                            written(decl.c)
                        ),
                        &decl.c.locations[0],
                    )
                    .cells
                    .push(CompatCell {
                        checked: format!("image {}:{}", img.c.name, written(img.c)),
                        location: loc.clone(),
                        pass: r != Relation::Disjoint,
                        relation: relation_word(r),
                        evidence: vec![
                            Entry {
                                requirement: written(img.c),
                                location: loc.clone(),
                            },
                            Entry {
                                requirement: written(decl.c),
                                location: decl.c.locations[0].clone(),
                            },
                        ],
                    });
                    if r != Relation::Disjoint {
                        continue;
                    }
                    out.conflicts.push(pair_conflict(
                        "compat/image-runtime",
                        r,
                        runtime,
                        format!(
                            "image {}:{} runs {runtime} {} but {} declares {}",
                            img.c.name,
                            written(img.c),
                            tag_release(&written(img.c)).unwrap_or("?"),
                            decl.c.locations[0].path,
                            written(decl.c)
                        ),
                        (img.c, loc),
                        decl.c,
                    ));
                }
            }
        }
    }
}

fn pair_conflict(
    rule: &str,
    r: Relation,
    runtime: &str,
    title: String,
    (a, at): (&Component, &Location),
    b: &Component,
) -> Conflict {
    let mut entries = vec![Entry {
        requirement: written(a),
        location: at.clone(),
    }];
    entries.extend(entries_of(b));
    Conflict {
        kind: ConflictKind::Compat,
        rule: rule.into(),
        severity: if r == Relation::Disjoint {
            FindingSeverity::High
        } else {
            FindingSeverity::Medium
        },
        ecosystem: Some(Ecosystem::Generic),
        name: runtime.into(),
        title,
        entries,
        explanation: None,
    }
}
