//! NuGet versions and version ranges.
//!
//! Reference: NuGet.Client's `NuGet.Versioning` (`NuGetVersion.TryParse`, `VersionComparer.Default`,
//! `VersionRange.TryParse` with floating allowed, `VersionRange.Satisfies`) and the NuGet docs
//! ("Package versioning"). No .NET runs here, so `tests/vectors/nuget.jsonl` is written by hand
//! from those documented rules (`tests/vectors/gen/nuget-cases.txt`), not differential.
//!
//! Rules implemented:
//! - A version is 1 to 4 dot-separated numbers (each ≤ `int.MaxValue`, ASCII digits, leading
//!   zeros allowed, whitespace allowed around each number), then optional `-label.label` and
//!   `+metadata`. Missing parts are 0: `1` == `1.0` == `1.0.0` == `1.0.0.0`. The input is
//!   trimmed first.
//! - Labels: `[0-9A-Za-z-]+`, no leading zero in an all-digit label; metadata parts may have one.
//! - Order: major, minor, patch, revision; a pre-release sorts before its release; labels
//!   compare pairwise — both `int.TryParse`-numeric by value, numeric before alphanumeric,
//!   otherwise case-insensitively — and a shorter label list first. Metadata is ignored, and
//!   `Eq`/`Hash` follow the order (`1.0.0-BETA` == `1.0.0-beta`).
//! - Ranges: `1.0` (≥ 1.0), `[1.0]`, `(1.0,)`, `[1.0,2.0)`, `(,1.0]`, floating `*`, `1.*`,
//!   `1.0.*`, `1.0.0-*`, `1.0.0-beta*`, `*-*`, `1.*-*` (the float's lowest version is the lower
//!   bound). `Satisfies` is a plain bounds check: pre-releases are not excluded, and a float
//!   does not cap the upper end (`1.*` is satisfied by `2.0.0`).

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

    #[test]
    fn parse_and_normalize() {
        assert_eq!(v("1").to_string(), "1.0.0");
        assert_eq!(v("01.002.0003.4").to_string(), "1.2.3.4");
        assert_eq!(v("1.0.0.0").to_string(), "1.0.0");
        assert_eq!(v(" 1.0.0-Beta.1+Meta ").to_string(), "1.0.0-Beta.1+Meta");
        assert_eq!(v("1 . 2").to_string(), "1.2.0");
        for bad in [
            "",
            " ",
            "1.",
            "1..2",
            "1.2.3.4.5",
            "a",
            "1.0-",
            "1.0+",
            "1.0-beta+",
            "1.0-01",
            "1.0-a..b",
            "1.0-a_b",
            "2147483648",
            "-1",
            "1.0.0-beta+a..b",
            "1.*",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Version::parse("1.0+01.a").is_ok());
        assert!(Version::parse("2147483647.0").is_ok());
    }

    #[test]
    fn ordering() {
        let list = [
            "1.0.0-0",
            "1.0.0-1",
            "1.0.0-2",
            "1.0.0-10",
            "1.0.0-a",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
            "1.1",
            "2",
        ];
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                assert!(v(a) < v(b), "{a} < {b}");
            }
        }
        assert_eq!(v("1.0"), v("1.0.0.0"));
        assert_eq!(v("1.0.0-BETA"), v("1.0.0-beta"));
        assert_eq!(v("1.0.0+a"), v("1.0.0+b"));
        assert!(v("1.0.0--1") < v("1.0.0-0"), "`-1` is int.TryParse-numeric");
    }

    #[test]
    fn ranges() {
        let r = |s: &str| Range::parse(s).unwrap();
        assert!(r("1.0").contains(&v("5.0")));
        assert!(!r("1.0").contains(&v("1.0.0-beta")));
        assert!(
            r("[1.0,2.0)").contains(&v("2.0.0-beta")),
            "no pre-release exclusion"
        );
        assert!(r("1.*").contains(&v("2.0")), "floats do not cap");
        assert!(r("1.0.0-*").contains(&v("1.0.0-0")));
        assert!(r("*").contains(&v("0.0.0")));
        assert!(!r("*").contains(&v("0.0.0-a")));
        assert!(r(" [ 1.0 , 2.0 ] ").contains(&v("2.0")));
        for bad in [
            "",
            "(1.0)",
            "[1.0)",
            "(,)",
            "[,]",
            "[1,2,3]",
            "[2.0,1.0]",
            "[1.0,1.0)",
            "[1.0,2.*]",
            "1.*.0",
            "[1.0",
            "x",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
        assert!(r("(1.0,1.0)").to_set().is_empty());
    }

    fn version_strategy() -> impl Strategy<Value = String> {
        let label = prop::sample::select(vec!["alpha", "Beta", "rc", "0", "1", "11", "-2", "a-b"]);
        (
            prop::collection::vec(0u32..4, 1..5),
            prop::collection::vec(label, 0..3),
            any::<bool>(),
        )
            .prop_map(|(nums, labels, meta)| {
                let mut s = nums
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                if !labels.is_empty() {
                    s = format!("{s}-{}", labels.join("."));
                }
                if meta {
                    s.push_str("+build.1");
                }
                s
            })
    }

    proptest! {
        #[test]
        fn ord_is_a_total_order(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
            if a <= b && b <= c { prop_assert!(a <= c); }
        }

        #[test]
        fn contains_matches_to_set(lo in version_strategy(), hi in version_strategy(), shape in 0u8..6, x in version_strategy()) {
            let spec = match shape {
                0 => lo.clone(),
                1 => format!("[{lo},{hi})"),
                2 => format!("({lo},{hi}]"),
                3 => format!("(,{hi}]"),
                4 => format!("[{lo}]"),
                _ => format!("{}.*", lo.split(['-', '+']).next().unwrap_or("1")),
            };
            let x = v(&x);
            if let Ok(r) = Range::parse(&spec) {
                prop_assert_eq!(r.contains(&x), r.to_set().contains(&x));
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Version::parse(&s);
            let _ = Range::parse(&s);
        }
    }
}
