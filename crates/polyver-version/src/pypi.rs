//! PyPI: PEP 440 versions and specifier sets, exactly as pip's `packaging` (26.3) has them.
//!
//! pip, uv's compatibility tests and every PyPI tool decide with `packaging`, so its source
//! (`version.py`, `specifiers.py`, `_ranges.py`) is the specification here, quirks included;
//! `tests/vectors/pypi.jsonl` is generated from it (`tests/vectors/gen/pypi.py`).
//!
//! Versions ([`Version`]): `VERSION_PATTERN` by hand — surrounding Unicode whitespace, `v`,
//! epoch, a release of any length, `a`/`b`/`rc` with every spelling (`alpha`, `c`, `pre`,
//! `preview`, ...) and separator, implicit numbers, `-1` posts, dev, `+local`, any case.
//! Numbers are unbounded like Python's `int`, up to its 4300-digit conversion limit. Order,
//! equality and hash follow `_cmpkey` (`1.0 == 1.0.0`, `1.0.dev0 < 1.0a1`, local after public).
//!
//! Ranges ([`Range`]): `SpecifierSet` syntax, items split on `,` and stripped; `""` matches
//! everything. `contains` is `SpecifierSet(s).contains(v)` with default arguments. Since
//! `packaging` 26 that admits a pre-release that lies in the range: for a single version the
//! PEP 440 rule "pre-releases only when nothing else matches" keeps it. What remains are the
//! bounds of `_ranges.py`, which this module turns into exact interval unions:
//! - `<V` stops at `V.dev0` unless `V` is a pre-release (no pre-release of `V` matches);
//! - `>V` excludes `V+local` and every `V.postN` unless `V` is a post or dev release;
//! - `<=V`, `==V` and `!=V` without a local label treat `V+anything` as `V`;
//! - `~=V` is `>=V, ==prefix.*`, and `==V.*` is `[V.dev0, next.dev0)` in `V`'s epoch.
//!
//! Where `packaging` bounds a range at a point between versions, the set uses the least
//! version past it (`<=1.0` is `< 1.0.post0.dev0`). One such point has no least version past
//! it: above every `1.0.postN` come `1.0.0.1`, `1.0.0.0.1`, ... So `>1.0` is bounded by
//! `1.0.post∞`, a bound point that sorts above every `1.0.postN` and that parsing never
//! yields ([`Version::is_bound_point`]). With it `to_set` is exact for every operator but
//! `===`, whose set is the one version its string parses to (only the versions spelled like
//! the string match). `contains(v) == to_set().contains(v)` holds for everything else.
//!
//! Two reference behaviours `packaging` only shows when a specifier is evaluated are errors at
//! parse time here: a specifier version that `Version` rejects although `Specifier._regex`
//! took it (`~=1.0.prevİew1`: that branch of the regex is not ASCII-only, so `İ`, `ı` and `ſ`
//! fold to `i`/`s`) and a number beyond Python's digit limit. `packaging` raises on them
//! (`AssertionError`, `ValueError`) unless an earlier specifier already said no.

mod error;
mod num;
mod parse;
mod range;
mod version;

pub use error::ParseError;

pub use num::Num;
pub use range::{Operator, Range, Specifier};
pub use version::{PreKind, Version};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algebra::Constraint;
    use proptest::prelude::*;
    use std::cmp::Ordering;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn r(s: &str) -> Range {
        Range::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn check(range: &str, yes: &[&str], no: &[&str]) {
        let rg = r(range);
        let set = rg.to_set();
        for s in yes {
            assert!(rg.contains(&v(s)), "{range} should contain {s}");
            assert!(set.contains(&v(s)), "set of {range} should contain {s}");
        }
        for s in no {
            assert!(!rg.contains(&v(s)), "{range} should not contain {s}");
            assert!(
                !set.contains(&v(s)),
                "set of {range} should not contain {s}"
            );
        }
    }

    #[test]
    fn prereleases_in_range_match() {
        // packaging >= 26: a single pre-release is admitted when it is in range.
        check(">=1.0", &["2.0a1", "1.0", "1.0.post1"], &["1.0rc1", "0.9"]);
        check("", &["1.0a1", "0.dev0", "1!0"], &[]);
    }

    #[test]
    fn less_than_excludes_pre_releases_of_v() {
        check(
            "<2.0",
            &["1.9", "1.9.post1+x"],
            &["2.0a1", "2.0.dev0", "2.0"],
        );
        check(
            "<2.0rc1",
            &["2.0a1", "2.0b3.post1", "2.0.dev5"],
            &["2.0rc1", "2.0"],
        );
        check(
            "<1.0.post2",
            &["1.0", "1.0.post1", "1.0+l"],
            &["1.0.post2.dev0"],
        );
        check("<0", &[], &["0.dev0", "0"]);
        check("<0.0.dev0", &[], &["0.dev0"]);
        check("<0.dev1", &["0.dev0"], &["0.dev1"]);
    }

    #[test]
    fn greater_than_excludes_posts_and_locals_of_v() {
        check(
            ">1.0",
            &["1.0.0.0.1", "1.1.dev0", "1!0"],
            &["1.0+l", "1.0.post3", "1.0.post99.dev1"],
        );
        check(
            ">1.0a1",
            &["1.0a2.dev0", "1.0b1", "1.0"],
            &["1.0a1.post1", "1.0a1+l"],
        );
        check(
            ">1.0.post1",
            &["1.0.post2.dev0", "1.0.post2"],
            &["1.0.post1+l"],
        );
        check(">1.0.dev1", &["1.0.dev2", "1.0a1"], &["1.0.dev1+l"]);
        let set = r(">1.0").to_set();
        let lower = set.intervals()[0].lower.value().cloned().unwrap();
        assert!(lower.is_bound_point());
        assert_eq!(lower.to_string(), "1.0.post∞");
    }

    #[test]
    fn equality_and_locals() {
        check(
            "==1.0",
            &["1.0", "1.0.0", "1.0+anything"],
            &["1.0.post0", "1.0a1"],
        );
        check(
            "==1.0+abc",
            &["1.0+ABC", "1.0.0+abc"],
            &["1.0", "1.0+abc.1"],
        );
        check("!=1.0", &["1.0.post0", "0.9"], &["1.0+x", "1.0"]);
        check("!=1.0+x", &["1.0", "1.0+y"], &["1.0+x"]);
        check("<=1.0", &["1.0+x", "1.0"], &["1.0.post0.dev0"]);
    }

    #[test]
    fn wildcards_and_compatible() {
        check(
            "==1.2.*",
            &["1.2.dev0", "1.2", "1.2.9.post1+l", "1.2.0"],
            &["1.3.dev0", "1.1.9"],
        );
        check("==1.*", &["1", "1.0a1", "1.99"], &["2.dev0", "1!1"]);
        check("!=1.2.*", &["1.3.dev0", "1.1"], &["1.2a1"]);
        check("==1!2.*", &["1!2.5"], &["2.5"]);
        check("~=1.4.5", &["1.4.5", "1.4.99"], &["1.5.dev0", "1.4.5rc1"]);
        check("~=2.2", &["2.9", "2.2.post1"], &["3.dev0", "2.1"]);
        check("~=1.0a1", &["1.0a1", "1.5"], &["2.dev0"]);
    }

    #[test]
    fn arbitrary_equality_compares_the_string() {
        let cases = [
            ("===1.0a", "1.0a", true),
            ("===1.0a", "1.0A", true),
            ("===1.0a", "1.0a0", false),
            ("===1.0a", " 1.0a", false),
            ("===1.0", "1.0", true),
            ("===1.0", "1.0.0", false),
            ("===1.0", "v1.0", false),
            ("===1.0+\u{212a}", "1.0+k", true),
            ("===", "1.0", false),
            ("===foo", "1.0", false),
        ];
        for (range, version, expect) in cases {
            assert_eq!(
                r(range).contains(&v(version)),
                expect,
                "{range} / {version:?}"
            );
            // The set is the version the string parses to: a superset of the matches.
            if expect {
                assert!(r(range).to_set().contains(&v(version)));
            }
        }
        assert!(r("===foo").to_set().is_empty());
        assert_eq!(
            r("===1.0a").to_set(),
            crate::algebra::VersionSet::exact(v("1.0a0"))
        );
    }

    #[test]
    fn parse_errors() {
        for bad in [
            ">=1.0+local",
            "~=1",
            "~=1.0+l",
            "=1.0",
            "1.0",
            ">=",
            "== 1.0 .*",
            "==1.0a1.*",
            ">=1.*",
            "===a b",
            "===a)",
            "===1.0;",
            "<>1",
            ">=1.0,foo",
            "~=1.0.prev\u{130}ew1",
            "=>1",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?} should be invalid");
        }
        for ok in [
            "",
            " , ,",
            "== 1.0",
            " >= v1.0 , < 2 ",
            "=====",
            "==1.0.*",
            "~=1.0",
        ] {
            assert!(Range::parse(ok).is_ok(), "{ok:?} should be valid");
        }
    }

    #[test]
    fn filter_is_pips_candidate_choice() {
        // Expectations from `list(SpecifierSet(r).filter(candidates))`, packaging 26.3.
        let candidates: Vec<Version> = [
            "0.9",
            "1.0a1",
            "1.0",
            "1.1b1",
            "1.1",
            "2.0rc1",
            "2.0.dev1",
            "1.0+l",
            "1.1.post1",
            "3.0a1",
        ]
        .iter()
        .map(|s| v(s))
        .collect();
        for (range, expect) in [
            (">=1.0", "1.0 1.1 1.0+l 1.1.post1"),
            (">=2.0a0", "2.0rc1 3.0a1"),
            (">2.0", "3.0a1"),
            ("", "0.9 1.0 1.1 1.0+l 1.1.post1"),
            ("!=1.0,>=0.9", "0.9 1.1 1.1.post1"),
            ("==1.*", "1.0 1.1 1.0+l 1.1.post1"),
            ("===1.0a1", "1.0a1"),
            ("~=1.0a1", "1.0a1 1.0 1.1b1 1.1 1.0+l 1.1.post1"),
            (">=1.0,===1.1b1", "1.1b1"),
        ] {
            let got: Vec<String> = r(range)
                .filter(&candidates)
                .iter()
                .map(|x| x.to_string())
                .collect();
            assert_eq!(got.join(" "), expect, "{range}");
        }
        assert!(r(">=2.0a0").prereleases() && !r("!=1.0a1").prereleases());
    }

    #[test]
    fn display_is_packaging_str() {
        assert_eq!(r(">=1.0.0, !=1.0.1").to_string(), "!=1.0.1,>=1.0.0");
        assert_eq!(r("==1.0,==1.0.0").to_string(), "==1.0");
        assert_eq!(r("~=1.0,~=1.0.0").to_string(), "~=1.0,~=1.0.0");
        assert_eq!(r(">= v1.0").to_string(), ">=v1.0");
        assert_eq!(r("").to_string(), "");
    }

    #[test]
    fn terms_explain_conflicts() {
        let x = crate::algebra::intersect(&r(">=1.0,<2.20"), &r(">=2.31"));
        assert!(x.empty);
        assert_eq!(
            x.explanation.as_deref(),
            Some("`<2.20` and `>=2.31` have no version in common")
        );
        assert!(crate::algebra::intersect(&r(">1.0"), &r("<=1.0")).empty);
        assert!(crate::algebra::intersect(&r(">1.0"), &r("==1.0.post1")).empty);
        assert!(!crate::algebra::intersect(&r(">1.0"), &r("<1.0.0.1")).empty);
    }

    // Property tests.

    fn version_string() -> impl Strategy<Value = String> {
        let local = prop::sample::select(vec!["", "+a", "+1", "+a.2", "+2.a", "+b", "+01"]);
        (
            0u8..3,
            prop::collection::vec(0u8..4, 1..5),
            prop::option::of((0usize..3, 0u8..3)),
            prop::option::of(0u8..3),
            prop::option::of(0u8..3),
            local,
        )
            .prop_map(|(e, rel, pre, post, dev, local)| {
                let mut s = if e > 0 {
                    format!("{e}!")
                } else {
                    String::new()
                };
                let rel: Vec<String> = rel.iter().map(u8::to_string).collect();
                s.push_str(&rel.join("."));
                if let Some((k, n)) = pre {
                    s.push_str(["a", "b", "rc"][k]);
                    s.push_str(&n.to_string());
                }
                if let Some(n) = post {
                    s.push_str(&format!(".post{n}"));
                }
                if let Some(n) = dev {
                    s.push_str(&format!(".dev{n}"));
                }
                s.push_str(local);
                s
            })
    }

    fn specifier_string() -> impl Strategy<Value = String> {
        let op = prop::sample::select(vec!["==", "!=", "<=", ">=", "<", ">", "~=", "==*", "!=*"]);
        (op, version_string()).prop_map(|(op, ver)| {
            let public = ver.split('+').next().unwrap_or("0").to_string();
            match op {
                "==" | "!=" => format!("{op}{ver}"),
                "==*" | "!=*" => {
                    let base: String = public
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '!')
                        .collect();
                    let base = base.trim_end_matches('.');
                    format!("{}{base}.*", &op[..2])
                }
                "~=" => {
                    // At least two release components.
                    let n = public
                        .find(|c: char| c.is_ascii_alphabetic())
                        .unwrap_or(public.len());
                    let (rel, rest) = public.split_at(n);
                    let rel = rel.trim_end_matches('.');
                    format!("~={rel}.0{rest}")
                }
                _ => format!("{op}{public}"),
            }
        })
    }

    fn hash_of(x: &Version) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    /// `packaging`'s own membership predicates (`_fast_match`, the boundary families of
    /// `_ranges.py`), written out independently of the interval construction.
    fn reference_contains(spec: &Specifier, x: &Version) -> bool {
        let w = spec.version().unwrap();
        let same_release = |a: &Version, b: &Version| {
            a.epoch() == b.epoch() && a.base_version() == b.base_version()
        };
        let local_family = |x: &Version| x.public() == *w;
        let post_family = |x: &Version| same_release(x, w) && x.pre() == w.pre();
        if spec.is_wildcard() {
            let n = w.release().len();
            let lo = w.release_dev0(n, false);
            let hi = w.release_dev0(n, true);
            let inside = lo <= *x && *x < hi;
            return inside == (spec.operator() == Operator::Equal);
        }
        let has_local = spec.version_text().contains('+');
        match spec.operator() {
            Operator::GreaterEqual => x >= w,
            Operator::LessEqual => x <= w || local_family(x),
            Operator::Equal if has_local => x == w,
            Operator::Equal => local_family(x),
            Operator::NotEqual if has_local => x != w,
            Operator::NotEqual => !local_family(x),
            Operator::Greater => {
                if let Some(d) = w.dev() {
                    *x >= w.with_dev(d.succ())
                } else if w.post().is_some() {
                    *x >= w.next_post_dev0()
                } else {
                    x > w && !post_family(x)
                }
            }
            Operator::Less => {
                let bound = if w.is_prerelease() {
                    w.clone()
                } else {
                    w.with_dev(Num::ZERO)
                };
                bound > v("0.dev0") && *x < bound
            }
            Operator::Compatible => x >= w && *x < w.release_dev0(w.release().len() - 1, true),
            Operator::Arbitrary => unreachable!(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn ord_is_a_total_order_consistent_with_eq_and_hash(
            a in version_string(), b in version_string(), c in version_string()
        ) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
            if a == b {
                prop_assert_eq!(hash_of(&a), hash_of(&b));
            }
            if a <= b && b <= c {
                prop_assert!(a <= c);
            }
            // Display round-trips to an equal version with the same display.
            let again = v(&a.to_string());
            prop_assert_eq!(&again, &a);
            prop_assert_eq!(again.to_string(), a.to_string());
        }

        #[test]
        fn contains_agrees_with_to_set(
            specs in prop::collection::vec(specifier_string(), 0..4),
            probes in prop::collection::vec(version_string(), 1..8),
        ) {
            let text = specs.join(",");
            let range = Range::parse(&text).unwrap();
            let set = range.to_set();
            let terms = range.terms();
            for p in &probes {
                let x = v(p);
                let yes = range.contains(&x);
                // Exact: no `===` here, so the set is the membership test.
                prop_assert_eq!(yes, set.contains(&x), "{} / {}", text, p);
                prop_assert_eq!(yes, terms.iter().all(|t| t.set.contains(&x)));
                for s in range.specifiers() {
                    prop_assert_eq!(
                        s.contains(&x), reference_contains(s, &x), "{} / {}", s.version_text(), p
                    );
                }
            }
        }
    }
}
