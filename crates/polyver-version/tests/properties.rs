//! Properties every ecosystem's scheme must have, checked on real version histories
//! (`tests/vectors/gen/<eco>-versions.txt`) and ranges built from them:
//! - ordering is a total order consistent with `Eq` and `Hash`;
//! - `contains(v)` implies `to_set().contains(v)` (the interval form never loses a version);
//! - intersection is commutative, and sound: when it says "empty", no version is in both.

use polyver_version::algebra::{intersect, Constraint};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::hash_map::DefaultHasher;
use std::fmt::Debug;
use std::hash::{Hash, Hasher};
use std::path::Path;

fn history(id: &str, extra: &[&str]) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/gen")
        .join(format!("{id}-versions.txt"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        // Lists are `version` or `project<TAB>version` per line.
        .filter_map(|l| l.rsplit('\t').next())
        .map(str::to_owned)
        .collect();
    out.extend(extra.iter().map(|s| s.to_string()));
    // Keep the suite fast: a deterministic sample of at most 600 versions.
    let step = (out.len() / 600).max(1);
    out.into_iter().step_by(step).collect()
}

fn hash_of<T: Hash>(t: &T) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

/// Runs the properties for one scheme. `templates` turn two versions into range strings
/// (`{a}` and `{b}` are replaced); templates that give an invalid range are skipped.
fn check<V, R, E1, E2>(
    versions: &[String],
    templates: &[&str],
    parse_version: fn(&str) -> Result<V, E1>,
    parse_range: fn(&str) -> Result<R, E2>,
    contains: fn(&R, &V) -> bool,
    in_domain: fn(&V) -> bool,
) where
    V: Ord + Hash + Clone + Debug + std::fmt::Display,
    R: Constraint<Version = V>,
{
    let parsed: Vec<V> = versions
        .iter()
        .filter_map(|s| parse_version(s).ok())
        .filter(in_domain)
        .collect();
    assert!(
        parsed.len() >= 20,
        "too few valid versions ({})",
        parsed.len()
    );
    let n = parsed.len();
    // A fixed seed: CI sees the same cases every run (no flakes), and a failure reproduces.
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 600,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );

    runner
        .run(&(0..n, 0..n, 0..n), |(i, j, k)| {
            let (a, b, c) = (&parsed[i], &parsed[j], &parsed[k]);
            prop_assert_eq!(a.cmp(b), b.cmp(a).reverse(), "antisymmetry {} {}", a, b);
            prop_assert_eq!(a == b, a.cmp(b).is_eq(), "Eq vs Ord {} {}", a, b);
            if a == b {
                prop_assert_eq!(hash_of(a), hash_of(b), "Hash vs Eq {} {}", a, b);
            }
            if a <= b && b <= c {
                prop_assert!(a <= c, "transitivity {} {} {}", a, b, c);
            }
            Ok(())
        })
        .unwrap();

    let t = templates.len();
    let make = |ti: usize, i: usize, j: usize| -> Option<R> {
        let (lo, hi) = if parsed[i] <= parsed[j] {
            (i, j)
        } else {
            (j, i)
        };
        let text = templates[ti]
            .replace("{a}", &versions_display(&parsed[lo]))
            .replace("{b}", &versions_display(&parsed[hi]));
        parse_range(&text).ok()
    };
    runner
        .run(
            &(0..t, 0..n, 0..n, 0..t, 0..n, 0..n, 0..n),
            |(t1, i1, j1, t2, i2, j2, k)| {
                let (Some(r1), Some(r2)) = (make(t1, i1, j1), make(t2, i2, j2)) else {
                    return Ok(());
                };
                let v = &parsed[k];
                for r in [&r1, &r2] {
                    if contains(r, v) {
                        prop_assert!(
                            r.to_set().contains(v),
                            "`{}` admits {} but its set {} does not",
                            r,
                            v,
                            r.to_set()
                        );
                    }
                }
                let (x, y) = (intersect(&r1, &r2), intersect(&r2, &r1));
                prop_assert_eq!(x.empty, y.empty, "commutativity of `{}` and `{}`", r1, r2);
                prop_assert_eq!(
                    r1.to_set().intersect(&r2.to_set()),
                    r2.to_set().intersect(&r1.to_set())
                );
                if x.empty {
                    prop_assert!(
                        !(contains(&r1, v) && contains(&r2, v)),
                        "`{}` and `{}` said disjoint, but {} satisfies both",
                        r1,
                        r2,
                        v
                    );
                }
                Ok(())
            },
        )
        .unwrap();
}

fn versions_display<V: std::fmt::Display>(v: &V) -> String {
    v.to_string()
}

macro_rules! scheme {
    ($name:ident, $m:ident, $id:expr, $extra:expr, $templates:expr) => {
        scheme!($name, $m, $id, $extra, $templates, |_| true);
    };
    ($name:ident, $m:ident, $id:expr, $extra:expr, $templates:expr, $in_domain:expr) => {
        #[test]
        fn $name() {
            use polyver_version::$m::{Range, Version};
            check(
                &history($id, $extra),
                $templates,
                Version::parse,
                Range::parse,
                Range::contains,
                $in_domain,
            );
        }
    };
}

scheme!(
    pypi,
    pypi,
    "pypi",
    &[],
    &[
        ">={a}",
        "<{a}",
        "=={a}",
        "!={a}",
        "~={a}",
        ">={a},<{b}",
        "<={a}",
        ">{a}"
    ]
);
scheme!(
    npm,
    npm,
    "npm",
    &[],
    &[
        "^{a}",
        "~{a}",
        ">={a} <{b}",
        "{a} - {b}",
        "{a} || {b}",
        "<{a}",
        ">{a}"
    ]
);
scheme!(
    cargo,
    cargo,
    "cargo",
    &[],
    &["^{a}", "~{a}", ">={a}, <{b}", "={a}", "<={a}", ">{a}"]
);
scheme!(
    go,
    go,
    "go",
    &[],
    &[">={a}, <{b}", "{a}", "<={a}", ">{a} || <{a}"]
);
scheme!(
    maven,
    maven,
    "maven",
    &[],
    &["[{a},{b})", "(,{a}]", "[{a}]", "({a},)", "[{a},{b}],[{b},)"]
);
scheme!(
    debian,
    debian,
    "debian",
    &[],
    &[
        ">= {a}",
        "<< {a}",
        ">= {a}, << {b}",
        "= {a}",
        ">> {a} | << {a}"
    ]
);
scheme!(
    rubygems,
    rubygems,
    "rubygems",
    &[],
    &["~> {a}", ">= {a}, < {b}", "!= {a}", "= {a}", "> {a}"]
);
scheme!(
    nuget,
    nuget,
    "nuget",
    &[
        "1.0.0",
        "1.0.1",
        "1.0",
        "1.0.0.1",
        "1.1.0-beta",
        "1.1.0-beta.2",
        "1.1.0-RC.1",
        "1.1.0",
        "2.0.0",
        "2.0.0-preview.3",
        "2.1.3",
        "3.0.0-alpha",
        "3.0.0",
        "3.0.0.5",
        "4.5.1",
        "4.5.1-ci.20240101",
        "10.0.0",
        "10.0.1",
        "0.9.0",
        "0.0.1",
        "6.0.0-rc.2.21480.5",
        "6.0.0",
        "7.0.0-preview.1",
        "13.0.1",
        "13.0.3",
    ],
    &["[{a},{b})", "{a}", "(,{a}]", "[{a}]", "({a},{b}]"]
);
scheme!(
    docker,
    docker,
    "docker",
    &[
        "3.9",
        "3.9.18",
        "3.10",
        "3.10.0",
        "3.10.12",
        "3.11.4",
        "3.12.1",
        "3.13.0rc2",
        "3.13.0",
        "3.9-slim",
        "3.10-slim",
        "3.10.12-slim",
        "3.11.4-slim",
        "3.13.0rc2-slim",
        "3.13.0-slim",
        "3.10.12-slim-bookworm",
        "3.11.4-slim-bookworm",
        "3.12-alpine3.18",
        "3.12.1-alpine3.18",
        "latest",
        "bookworm",
        "20.04",
        "22.04",
        "1.25.3-alpine",
        "1.27-alpine",
        "v1.2.3",
    ],
    &[">={a}, <{b}", "{a}", "<={a}", ">{a}"]
);

/// No input makes any parser or matcher panic: arbitrary strings, and strings made of the
/// characters version syntaxes are built from (so they get past the first checks).
#[test]
fn no_panic_on_any_input() {
    use polyver_version::{compare, intersect, is_valid, satisfies, Ecosystem};
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 3000,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let versionish = "[0-9vV.~^*xX<>=!|, +:_a-zA-Z()\\[\\]-]{0,24}";
    let strategy = (
        prop_oneof![any::<String>(), versionish.prop_map(|s: String| s)],
        prop_oneof![any::<String>(), versionish.prop_map(|s: String| s)],
        0..Ecosystem::ALL.len(),
    );
    runner
        .run(&strategy, |(a, b, e)| {
            let eco = Ecosystem::ALL[e];
            let _ = is_valid(eco, &a);
            let _ = compare(eco, &a, &b);
            let _ = satisfies(eco, &a, &b);
            let _ = intersect(eco, &a, &b);
            Ok(())
        })
        .unwrap();
}
