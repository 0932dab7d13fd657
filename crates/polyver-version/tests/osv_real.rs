//! OSV range evaluation on the real advisories in `shared/osv` (PyPI, Go, crates.io).
//!
//! 1. Known cases, checked by hand against the advisories: several introduced/fixed pairs out
//!    of version order, `last_affected`, pre-releases, GIT ranges refused.
//! 2. A cross-check over every advisory: OSV.dev expands each advisory's ranges into its
//!    `versions` list, so every listed version that is valid in the ecosystem must be inside
//!    one of the advisory's ECOSYSTEM/SEMVER ranges (unless the entry has GIT ranges only), by
//!    our evaluator. Listed strings that are not valid versions (PyPI's pre-PEP 440 releases
//!    such as `0.1-bulbasaur`, which OSV.dev ordered with the retired LegacyVersion) cannot be
//!    placed in a range; they must still match through the `versions` list itself.

use polyver_version::osv::{in_versions_list, Event, PreparedRange, RangeError, RangeType};
use polyver_version::Ecosystem;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// shared/osv; `None` when missing (after [`polyver_testkit::skip`], which fails in CI).
fn osv_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("POLYVER_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("osv");
    if !dir.is_dir() {
        polyver_testkit::skip(
            "shared/osv not found",
            "put the OSV snapshot in shared/osv beside the repository, or set POLYVER_SHARED_DIR",
        );
        return None;
    }
    Some(dir)
}

fn events(range: &Value) -> Vec<Event> {
    range["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let (k, v) = e.as_object()?.iter().next()?;
            let v = v.as_str()?.to_string();
            Some(match k.as_str() {
                "introduced" => Event::Introduced(v),
                "fixed" => Event::Fixed(v),
                "last_affected" => Event::LastAffected(v),
                "limit" => Event::Limit(v),
                _ => return None,
            })
        })
        .collect()
}

fn ranges(eco: Ecosystem, affected: &Value) -> Vec<Result<PreparedRange, RangeError>> {
    affected["ranges"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    let kind = RangeType::parse(r["type"].as_str().unwrap()).unwrap();
                    PreparedRange::new(eco, kind, &events(r))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn advisory(dir: &Path, path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(path)).unwrap()).unwrap()
}

fn affected(eco: Ecosystem, adv: &Value, version: &str) -> bool {
    adv["affected"].as_array().unwrap().iter().any(|a| {
        ranges(eco, a)
            .iter()
            .flatten()
            .any(|r| r.contains(&r.parse_version(version).unwrap()))
    })
}

#[test]
fn known_cases() {
    let Some(dir) = osv_dir() else {
        return;
    };
    // urllib3: `introduced 2.0.0, fixed 2.0.6, introduced 0, fixed 1.26.17`, plus a GIT range.
    let adv = advisory(&dir, "PyPI/PYSEC-2023-192.json");
    for (v, want) in [
        ("1.26.16", true),
        ("1.26.17", false),
        ("1.26.18", false),
        ("2.0.0", true),
        ("2.0.5", true),
        ("2.0.6", false),
        ("2.1.0", false),
    ] {
        assert_eq!(affected(Ecosystem::Pypi, &adv, v), want, "urllib3 {v}");
    }
    let git = ranges(Ecosystem::Pypi, &adv["affected"][0]);
    assert!(git.iter().any(|r| matches!(r, Err(RangeError::Git))));
    // py: `last_affected 1.11.0`.
    let adv = advisory(&dir, "PyPI/PYSEC-2022-42969.json");
    assert!(affected(Ecosystem::Pypi, &adv, "1.11.0"));
    assert!(!affected(Ecosystem::Pypi, &adv, "1.11.1"));
    // zodb3: `introduced 3.9a0, fixed 3.9.0c2`: PEP 440 pre-releases (c = rc).
    let adv = advisory(&dir, "PyPI/PYSEC-2009-10.json");
    for (v, want) in [
        ("3.8.2", true),
        ("3.8.3", false),
        ("3.9.0b5", true),
        ("3.9.0rc1", true),
        ("3.9.0rc2", false),
        ("3.9.0", false),
    ] {
        assert_eq!(affected(Ecosystem::Pypi, &adv, v), want, "zodb3 {v}");
    }
}

/// Listed versions that the schema's evaluation of the *ranges* does not include, because the
/// advisory's list and ranges disagree. Each stays vulnerable through the `versions` list
/// (`IsVulnerable` = in the list OR in a range).
const DATA_INCONSISTENCIES: &[(&str, &str, &str)] = &[
    // Pairs overlap (`introduced 2.11, fixed 2.11.7` and `introduced 0, fixed 2.11.6`): in
    // version order the `fixed 2.11.6` event clears the flag for 2.11.6.
    ("PYSEC-2021-114.json", "2.11.6", "overlapping pairs"),
    // `fixed 23.9.0`, yet the list names 23.9.0 and its post-release.
    (
        "PYSEC-2023-177.json",
        "23.9.0",
        "list names the fixed version",
    ),
    (
        "PYSEC-2023-177.json",
        "23.9.0.post1",
        "list names the fixed version",
    ),
    // `introduced 3.2` / `4.2`: their pre-releases sort before the introduced version.
    (
        "PYSEC-2023-61.json",
        "3.2a1",
        "pre-release below introduced",
    ),
    (
        "PYSEC-2023-61.json",
        "3.2b1",
        "pre-release below introduced",
    ),
    (
        "PYSEC-2023-61.json",
        "3.2rc1",
        "pre-release below introduced",
    ),
    (
        "PYSEC-2023-61.json",
        "4.2a1",
        "pre-release below introduced",
    ),
    (
        "PYSEC-2023-61.json",
        "4.2b1",
        "pre-release below introduced",
    ),
    (
        "PYSEC-2023-61.json",
        "4.2rc1",
        "pre-release below introduced",
    ),
];

#[test]
fn every_listed_version_is_inside_the_ranges() {
    let Some(dir) = osv_dir() else {
        return;
    };
    let mut checked = 0usize;
    let mut legacy = 0usize;
    let mut misses = Vec::new();
    for (folder, eco) in [
        ("PyPI", Ecosystem::Pypi),
        ("Go", Ecosystem::Go),
        ("crates.io", Ecosystem::Cargo),
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(dir.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let adv: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for a in adv["affected"].as_array().into_iter().flatten() {
                let prepared: Vec<PreparedRange> = ranges(eco, a).into_iter().flatten().collect();
                if prepared.is_empty() {
                    continue; // GIT-only, or no ranges: the list is all there is
                }
                let list: Vec<&str> = a["versions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                for &listed in &list {
                    if !polyver_version::is_valid(eco, listed) {
                        legacy += 1;
                        assert!(in_versions_list(eco, listed, list.iter().copied()));
                        continue;
                    }
                    let inside = prepared.iter().any(|r| {
                        r.parse_version(listed)
                            .map(|v| r.contains(&v))
                            .unwrap_or(false)
                    });
                    checked += 1;
                    if !inside {
                        misses.push(format!(
                            "{}: {listed}",
                            path.file_name().unwrap().to_string_lossy()
                        ));
                        // Still vulnerable, through the list.
                        assert!(in_versions_list(eco, listed, list.iter().copied()));
                    }
                }
            }
        }
    }
    eprintln!("{checked} listed versions checked, {} outside the ranges; {legacy} legacy strings matched by the list", misses.len());
    assert!(checked > 10_000, "only {checked} versions checked");
    let known: Vec<String> = DATA_INCONSISTENCIES
        .iter()
        .map(|(f, v, _)| format!("{f}: {v}"))
        .collect();
    assert_eq!(
        misses, known,
        "listed versions outside their advisory's ranges changed"
    );
}
