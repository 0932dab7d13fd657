//! Maven versions and version ranges.
//!
//! Reference: `maven-artifact` 3.8.7 (Debian's `/usr/share/maven/lib/maven-artifact-3.x.jar`):
//! `ComparableVersion` for ordering, `VersionRange.createFromVersionSpec` and
//! `VersionRange.containsVersion` for ranges (`DefaultArtifactVersion.compareTo` delegates to
//! `ComparableVersion`). The vectors in `tests/vectors/maven.jsonl` come from that jar.
//!
//! How `ComparableVersion` 3.8.7 works, and how this port mirrors it:
//! - The string is lower-cased (`Locale.ENGLISH`) and cut into items at `.`, at `-` and at every
//!   digit/non-digit transition. Digits are Unicode decimal digits of the BMP
//!   (`Character.isDigit(char)`), so `١` counts as `1`.
//! - `-`, and a transition, open a nested sub-list; so does a string after `.` when the current
//!   list is not empty ("treat `.X` as `-X`", MNG-5568). Nesting only ever goes deeper, so a
//!   version is a *chain* of lists: we store it flat, one `Vec` per depth, which keeps parsing,
//!   comparing and dropping iterative (no stack overflow on `1a1a1a…`).
//! - Numbers are `IntItem` (≤ 9 digits after stripping ASCII `0`s), `LongItem` (≤ 18) or
//!   `BigIntegerItem`; items of different kinds compare by kind, never by value (so
//!   `0000000000` is a `LongItem` and sorts after every `IntItem`).
//! - Strings: `alpha` < `beta` < `milestone` < `rc` < `snapshot` < `""` (release) < `sp` <
//!   anything else (lexically, UTF-16 order). Aliases: `ga`/`final`/`release` = `""`, `cr` =
//!   `rc`, and `a`/`b`/`m` directly followed by a digit = `alpha`/`beta`/`milestone`.
//! - Trailing "null" items (`0`, `""`, empty lists) of every list are removed, also from before
//!   a trailing sub-list (`1.0-a` == `1-a`).
//! - Missing items compare as "null": a number > null iff non-zero, a qualifier against
//!   release, a list by its items in order (MNG-6964, present in 3.8.7).
//!
//! Equality: `ComparableVersion.equals` compares canonical strings, which disagrees with its own
//! `compareTo` for `LongItem(0)` vs `IntItem(0)` (`1.0.1` vs `1.0000000000.1`: equal canonical,
//! compareTo ≠ 0). polyver's `Eq`/`Hash` follow `compareTo` (the normalized item structure), so
//! `Eq` and `Ord` agree.
//!
//! Known reference quirk: `compareTo` is not transitive. A missing item ("null") equals `0`
//! and release among items, yet `0` > `""`, strings < lists < numbers, and a sub-list compares
//! to null by its first item. Verified cycles in 3.8.7: `1-alpha` < `1` < `1.foo.1` <
//! `1-alpha`; `1.0.alpha.1` < `1` < `1.ga.1` < `1.0.alpha.1`; `1-0.beta` < `1` < `1.a` <
//! `1-0.beta`. We reproduce the reference pairwise (that is what the vectors check); the order
//! is total on versions without a null item inside a list, a string item that does not head
//! its list, or a list that starts with a list — every real release history we know.
//!
//! Validity (polyver's rule, the reference accepts any string): a version must be non-empty and
//! contain no whitespace (`White_Space`) or control (`Cc`) character; a repository version never
//! has them. The rule applies to every version inside a range too, and the empty range spec is
//! rejected (the reference turns it into a range matching nothing).
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

    fn cmp(a: &str, b: &str) -> Ordering {
        v(a).cmp(&v(b))
    }

    fn assert_ascending(list: &[&str]) {
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
                assert_eq!(cmp(b, a), Ordering::Greater, "{b} > {a}");
            }
        }
    }

    #[test]
    fn qualifier_order() {
        assert_ascending(&[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ]);
    }

    #[test]
    fn numbers_and_separators() {
        assert_ascending(&[
            "2.0.0.RC1",
            "2.0.0",
            "2.0.1",
            "2.0.1-xyz",
            "2.0.1-123",
            "2.0.1.1",
            "2.0.1.123",
        ]);
        assert_eq!(
            v("2.0.1.xyz"),
            v("2.0.1-xyz"),
            "`.X` is read as `-X` (MNG-5568)"
        );
        for (a, b) in [
            ("1", "1.0.0"),
            ("1-ga", "1"),
            ("1.0-final", "1.RELEASE"),
            ("1.0-alpha", "1-alpha"),
            ("1a1", "1-alpha-1"),
            ("1.0-b1", "1-beta-1"),
            ("1.0-cr1", "1-rc1"),
            ("1.0.0-SNAPSHOT", "1-snapshot"),
            ("١.٢", "1.2"),
        ] {
            assert_eq!(v(a), v(b), "{a} == {b}");
        }
        // Int / Long / BigInteger items compare by kind first.
        assert_ascending(&[
            "999999999",
            "1000000000",
            "999999999999999999",
            "1000000000000000000",
        ]);
        assert_eq!(cmp("1.0.1", "1.0000000000.1"), Ordering::Less);
        assert_eq!(
            cmp("12345678901234567890", "12345678901234567891"),
            Ordering::Less
        );
        assert_eq!(v("1.0-1.2").canonical(), "1-1.2");
        assert_eq!(v("1.0-b1").canonical(), "1-beta-1");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let s = "1a".repeat(200_000);
        // `…1a` ends with the unknown qualifier `a`; `…1a1` with `alpha-1`.
        let (a, b) = (v(&s), v(&format!("{s}1")));
        assert_eq!(a.cmp(&b), Ordering::Greater);
        assert_eq!(a.cmp(&a.clone()), Ordering::Equal);
        drop((a, b));
    }

    #[test]
    fn validity_rule() {
        for bad in ["", " 1.0", "1.0 ", "1\t0", "1\u{0}", "1\u{a0}0"] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
        for good in ["1", "x", "1.0-b1", "é", "1_0", "1..0", "-"] {
            assert!(Version::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn ranges() {
        let r = |s: &str| Range::parse(s).unwrap();
        assert!(
            r("1.0").contains(&v("0.1")),
            "soft requirement matches anything"
        );
        assert!(r("[1.0,2.0)").contains(&v("1.0")));
        assert!(!r("[1.0,2.0)").contains(&v("2.0")));
        assert!(r("[1.0,2.0)").contains(&v("2.0-SNAPSHOT")));
        assert!(r("(,1.0],[1.2,)").contains(&v("1.2")));
        assert!(!r("(,1.0],[1.2,)").contains(&v("1.1")));
        assert!(r("[1.2]").contains(&v("1.2.0")));
        assert!(r("[ 1.0 , 2.0 ]").contains(&v("2")));
        assert!(r("[1,2] [3,4]").contains(&v("3.5")));
        assert!(
            r("[1.0,),[0.5,0.7]").contains(&v("0.6")),
            "no overlap check after (x,)"
        );
        for bad in [
            "",
            "[1.0",
            "(1.0)",
            "[1.0)",
            "(1.0,1.0.0)",
            "[1.0,1.0)",
            "[2.0,1.0]",
            "[1.0,2.0]x",
            "[1,3],[2,4]",
            "(,1],(,2]",
            "[]",
            " 1.0",
            "[1.0 2.0]",
            "[1.0],2.0",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(r("(,1.0],[1.2,)").to_set().intervals().len(), 2);
        assert!(r("1.0").to_set().is_full());
        assert!(
            r("(,)").to_set().is_full(),
            "3.8.7 has no identical-boundaries check"
        );
        assert!(r("[1.0,1.0.0]").contains(&v("1")));
    }

    /// Versions from pieces that keep the reference's order transitive (no null item followed
    /// by a qualifier in the middle of a list — see the module docs).
    fn version_strategy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            (0u64..5).prop_map(|n| n.to_string()),
            (1u64..2_000_000_000_000u64).prop_map(|n| n.to_string()),
            Just("12345678901234567890123".to_string()),
            prop::sample::select(vec![
                "alpha", "a", "b", "beta", "m", "rc", "cr", "SNAPSHOT", "sp", "foo", "jre", "é",
            ])
            .prop_map(String::from),
        ];
        let sep = prop::sample::select(vec![".", "-", ""]);
        (1u64..4, prop::collection::vec((sep, piece), 0..5)).prop_map(|(first, rest)| {
            let mut s = first.to_string();
            for (sep, p) in rest {
                s.push_str(sep);
                s.push_str(&p);
            }
            s
        })
    }

    fn range_strategy() -> impl Strategy<Value = String> {
        let b = || prop::option::of(version_strategy());
        (any::<bool>(), b(), b(), any::<bool>(), b()).prop_map(|(li, lo, hi, ui, extra)| {
            let mut s = format!(
                "{}{},{}{}",
                if li { '[' } else { '(' },
                lo.unwrap_or_default(),
                hi.unwrap_or_default(),
                if ui { ']' } else { ')' }
            );
            if let Some(e) = extra {
                s = format!("{s},[{e}]");
            }
            s
        })
    }

    fn transitive_safe(v: &Version) -> bool {
        v.is_totally_ordered()
    }

    proptest! {
        #[test]
        fn ord_is_a_total_order(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assume!(transitive_safe(&a) && transitive_safe(&b) && transitive_safe(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
            if a <= b && b <= c {
                prop_assert!(a <= c, "{} <= {} <= {}", a, b, c);
            }
            if a >= b && b >= c {
                prop_assert!(a >= c, "{} >= {} >= {}", a, b, c);
            }
        }

        #[test]
        fn contains_matches_to_set(r in range_strategy(), x in version_strategy()) {
            let x = v(&x);
            if let Ok(r) = Range::parse(&r) {
                let bounded: Vec<&Version> = r.restrictions.iter()
                    .flat_map(|r| r.lower.iter().chain(r.upper.iter())).collect();
                prop_assume!(transitive_safe(&x) && bounded.iter().all(|b| transitive_safe(b)));
                prop_assert_eq!(r.contains(&x), r.to_set().contains(&x));
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Version::parse(&s);
            let _ = Range::parse(&s);
        }
    }
}
