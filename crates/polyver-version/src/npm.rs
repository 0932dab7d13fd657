//! npm versions and ranges, exactly as npm's `semver` package (v7) treats them.
//!
//! npm, yarn and pnpm resolve every dependency with `semver`, so polyver must give the same
//! answer to "is 1.2.3-beta in `^1.2.0`?" as `semver.satisfies` does, quirks included. The
//! reference is `semver`'s source (`classes/semver.js`, `classes/range.js`,
//! `classes/comparator.js`, `internal/re.js`, `internal/trim-comparator-whitespace.js`); this
//! module ports its regular expressions to hand-written matchers (keeping the `safeRe` length
//! caps and the regex backtracking that matters) and replays `Range`'s desugaring pipeline
//! string for string, because its rewrites (`1.2.3*` is `1.2.3`, `+build` is `*`, `v1 - 2`,
//! `* || 1.0.0-beta` collapsing to `*`) only come out right that way.
//!
//! Rules that matter most:
//! - Versions: strict by default (`semver.valid`): optional `v`, no leading zeros, surrounding
//!   JS whitespace trimmed, at most 256 UTF-16 units, numbers at most `MAX_SAFE_INTEGER`.
//!   `parse_loose` is `{loose: true}` (`=v1.2.3`, `1.2.3beta`, `01.2.3`).
//! - Order: build metadata ignored; a release sorts after its pre-releases; numeric
//!   identifiers (`u64`) sort before alphanumeric ones (ASCII order). Digit-only identifiers at
//!   or above `MAX_SAFE_INTEGER` stay strings in `semver` but compare as JS numbers (doubles):
//!   we key them by their `f64` value. `semver` stops comparing at the first such pair that
//!   differs as text but not as a number, which is not transitive; we compare the remaining
//!   identifiers instead, so that `Ord` stays a total order.
//! - Ranges: `||` of space-separated comparator sets; hyphen, x-, tilde and caret ranges
//!   desugar to primitive comparators; a pre-release version matches a set only if one of its
//!   comparators has a pre-release on the same `major.minor.patch` (`Range.test`).

mod desugar;
mod grammar;
mod range;
mod version;

pub use range::Range;
pub use version::{ParseError, Version};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algebra::Constraint;
    use proptest::prelude::*;
    use std::cmp::Ordering;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }
    fn sat(version: &str, range: &str) -> bool {
        Range::parse(range).unwrap().contains(&v(version))
    }

    #[test]
    fn version_syntax() {
        assert_eq!(v(" v1.2.3 ").to_string(), "1.2.3");
        assert_eq!(v("1.2.3-beta.01a+build.01").to_string(), "1.2.3-beta.01a");
        for bad in [
            "=1.2.3",
            "01.2.3",
            "1.2",
            "1.2.3-01",
            "1.2.3.4",
            "1.2.3-",
            "9007199254740992.0.0",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
        assert!(Version::parse("9007199254740991.0.0").is_ok());
        assert!(Version::parse(&format!("1.0.0-{}", "a".repeat(251))).is_err());
        assert_eq!(
            Version::parse_loose("=v01.02.03beta").unwrap().to_string(),
            "1.2.3-beta"
        );
        assert_eq!(
            Version::parse_loose("1.2.34.5").unwrap().to_string(),
            "1.2.3-4.5"
        );
        assert_eq!(
            Version::parse_loose("1.2.3-").unwrap().to_string(),
            "1.2.3--"
        );
        assert_eq!(
            Version::parse_loose("1.2.3-007").unwrap().to_string(),
            "1.2.3-7"
        );
    }

    #[test]
    fn ordering() {
        let order = [
            "1.0.0-0",
            "1.0.0-1",
            "1.0.0-10",
            "1.0.0-9007199254740991",
            "1.0.0-A",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "2.0.0",
        ];
        for w in order.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.2.3+a"), v("1.2.3+b"));
        assert_eq!(v("1.0.0-9007199254740993"), v("1.0.0-9007199254740992"));
    }

    #[test]
    fn desugaring() {
        let cases = [
            ("^1.2.3", ">=1.2.3 <2.0.0-0"),
            ("^0.0.1", ">=0.0.1 <0.0.2-0"),
            ("^0.0.x", "<0.1.0-0"),
            ("~1.2", ">=1.2.0 <1.3.0-0"),
            ("~> 1.2.3-beta.2", ">=1.2.3-beta.2 <1.3.0-0"),
            ("1.2.3 - 2.3", ">=1.2.3 <2.4.0-0"),
            ("<=1.2.x", "<1.3.0-0"),
            (">1", ">=2.0.0"),
            ("1.2.3*", "1.2.3"),
            ("+build", ""),
            ("* || 1.0.0-beta", ""),
            ("> 1.2.3 < 2", ">1.2.3 <2.0.0-0"),
            (">=0.0.0", ""),
            ("||", ""),
        ];
        for (r, want) in cases {
            assert_eq!(Range::parse(r).unwrap().desugared(), want, "{r}");
        }
        for bad in [">=>1", "x.1", "1.x.2", "blerg", "=1.2.3 - 2"] {
            assert!(Range::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Range::parse_loose("=1.2.3 - 2").unwrap().desugared(),
            ">=1.2.3 <3.0.0-0"
        );
    }

    #[test]
    fn prerelease_rule() {
        assert!(sat("1.2.3-beta.3", "^1.2.3-beta.2"));
        assert!(!sat("1.2.4-beta", "^1.2.3-beta.2"));
        assert!(!sat("1.2.4-beta", ">=1.0.0"));
        assert!(sat("1.2.4-beta", ">=1.0.0 || >=1.2.4-alpha"));
        assert!(!sat("1.0.0-beta", "* || 1.0.0-beta"));
        assert!(sat("1.2.3", "1.2.3 || >=2 <3"));
        assert!(sat("2.5.0", "1.2.3 || >=2 <3"));
        assert!(!sat("3.0.0-0", ">=2 <3"));
    }

    #[test]
    fn loose_range_tests_strings_loose() {
        let r = Range::parse_loose("~1.2.3beta").unwrap();
        assert!(r.is_loose());
        assert!(r.test("1.2.3beta.2") && r.test("=1.2.5"));
        assert!(!Range::parse("^1.2.3").unwrap().test("=1.2.5"));
    }

    #[test]
    fn terms_and_sets() {
        let r = Range::parse("^1.2.3 <1.5").unwrap();
        let t = r.terms();
        assert_eq!(t.len(), 3);
        assert_eq!(t[2].text, "<1.5");
        assert!(t[0].text.contains("^1.2.3"));
        let clash = crate::algebra::intersect(
            &Range::parse("<2.20").unwrap(),
            &Range::parse(">=2.31").unwrap(),
        );
        assert!(clash.empty);
        assert_eq!(Range::parse("1.2.3 || >=2").unwrap().terms().len(), 1);
        assert!(Range::parse("*").unwrap().to_set().is_full());
    }

    fn arb_version() -> impl Strategy<Value = String> {
        let ident = prop_oneof![
            (0u64..4).prop_map(|n| n.to_string()),
            Just("9007199254740993".to_string()),
            "[a-c]{1,2}".prop_map(|s| s),
        ];
        (
            0u64..3,
            0u64..3,
            0u64..3,
            prop::collection::vec(ident, 0..3),
        )
            .prop_map(|(a, b, c, pre)| {
                if pre.is_empty() {
                    format!("{a}.{b}.{c}")
                } else {
                    format!("{a}.{b}.{c}-{}", pre.join("."))
                }
            })
    }

    fn arb_range() -> impl Strategy<Value = String> {
        let op = prop_oneof![
            Just(""),
            Just("^"),
            Just("~"),
            Just(">"),
            Just(">="),
            Just("<"),
            Just("<="),
            Just("=")
        ];
        let part = prop_oneof![
            arb_version(),
            (0u64..3).prop_map(|a| format!("{a}.x")),
            (0u64..3, 0u64..3).prop_map(|(a, b)| format!("{a}.{b}")),
            Just("*".to_string()),
        ];
        let comp = (op, part).prop_map(|(o, p)| format!("{o}{p}"));
        let set = prop::collection::vec(comp, 1..3).prop_map(|c| c.join(" "));
        prop::collection::vec(set, 1..3).prop_map(|s| s.join(" || "))
    }

    proptest! {
        #[test]
        fn ord_is_consistent(a in arb_version(), b in arb_version(), c in arb_version()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
            if a <= b && b <= c {
                prop_assert!(a <= c);
            }
        }

        #[test]
        fn to_set_covers_contains(r in arb_range(), x in arb_version()) {
            let range = Range::parse(&r).unwrap();
            let x = v(&x);
            let set = range.to_set();
            if range.contains(&x) {
                prop_assert!(set.contains(&x), "{} contains {} but set {} does not", r, x, set);
            }
            if !x.is_prerelease() {
                prop_assert_eq!(range.contains(&x), set.contains(&x), "{} on {}", r, x);
            }
        }
    }
}
