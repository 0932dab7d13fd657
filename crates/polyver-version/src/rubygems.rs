//! RubyGems versions and requirements, as `Gem::Version` and `Gem::Requirement` define them.
//!
//! Reference: RubyGems 3.3 (`rubygems/version.rb`, `rubygems/requirement.rb`), checked by
//! differential vectors from Ruby itself (`tests/vectors/gen/rubygems.rb`).
//!
//! Version (`Gem::Version.correct?`): `\A\s*([0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*\z`
//! with Ruby's ASCII `\s`; a blank string is version `0`. The stored form strips the blanks and
//! turns every `-` into `.pre.` (`1.0-rc1` is `1.0.pre.rc1`), which is also the Display form.
//! Segments are the runs of digits (numbers, any length) and of letters (strings); other
//! characters only separate. A version with a letter is a prerelease.
//!
//! Order (`<=>` on `canonical_segments`): the segments up to the first string lose trailing
//! zeros, so do the segments from it on; then compare position by position, a missing segment
//! counting as 0, a string sorting before any number, strings byte-wise, numbers by value.
//! So `1.0 == 1`, `1.0.a == 1.a`, `1.a < 1`, `1.0.0.a.0 == 1.a`. Eq and Hash follow this order.
//!
//! Range (`Gem::Requirement`): the string split on `,`, each part `\s*(op)?\s*version\s*` with
//! op one of `= != > < >= <= ~>` (none = `=`); a blank string is `>= 0`, an empty part is an
//! error. `contains` is `satisfied_by?`: every part holds, a plain comparison with no
//! prerelease exclusion, except `~> r` = `v >= r && v.release < r.bump`, where `release` drops
//! everything from the first string segment and `bump` drops that too, then the last segment
//! unless it is the only one, then adds one to the last (`~> 1.2.3` = `>= 1.2.3, < 1.3`;
//! `~> 1` = `>= 1, < 2`, the same as `~> 1.0`).
//!
//! `to_set` is exact except for `~>`: its `release` test also rejects the prereleases of the
//! bump (`~> 1.2` rejects `2.a`, which is below `2`); those have no least element, so no
//! interval bound can cut them off and `~> r` becomes the superset `[r, bump)`.

mod range;
mod version;

pub use range::{Op, Range, Requirement};
pub use version::{ParseError, Version};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algebra::Constraint;
    use proptest::prelude::*;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn h(x: &Version) -> u64 {
        let mut s = DefaultHasher::new();
        x.hash(&mut s);
        s.finish()
    }

    fn sat(ver: &str, range: &str) -> bool {
        Range::parse(range).unwrap().contains(&v(ver))
    }

    #[test]
    fn parse_rules() {
        for good in [
            "",
            " ",
            "1",
            "01",
            "1.0a",
            "1.0.rc1",
            "1-1",
            "1--",
            "1.0-beta-1",
            " 1.0\n",
        ] {
            assert!(Version::parse(good).is_ok(), "{good:?}");
        }
        for bad in [
            "1a", "1.", "1..0", "1.0-", "1.-1", "a", "v1.0", "1 .0", "1\u{a0}", "1\0",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(v("").to_string(), "0");
        assert_eq!(v("1.0-rc1").to_string(), "1.0.pre.rc1");
    }

    #[test]
    fn ordering_rules() {
        let sorted = [
            "0.a", "1.a", "1.0.b", "1.0.rc1", "1", "1.0.1", "1.1.a", "1.1", "2",
        ];
        for w in sorted.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        for (a, b) in [
            ("1.0", "1"),
            ("1.0.a", "1.a"),
            ("1.0.0.a.0", "1.a"),
            ("01", "1"),
            ("", "0"),
        ] {
            assert_eq!(v(a), v(b), "{a} == {b}");
            assert_eq!(h(&v(a)), h(&v(b)));
        }
        assert!(v("1.99999999999999999999999") > v("1.99999999999999999999998"));
        assert!(v("1.0-1") < v("1.0"));
    }

    #[test]
    fn pessimistic_operator() {
        assert_eq!(v("1.2.3").bump().to_string(), "1.3");
        assert_eq!(v("1").bump().to_string(), "2");
        assert_eq!(v("1.2.a").bump().to_string(), "2");
        assert_eq!(v("1.99").bump().to_string(), "2");
        assert_eq!(v("9.9").bump().to_string(), "10");
        assert!(sat("1.2.9", "~> 1.2.3"));
        assert!(!sat("1.3", "~> 1.2.3"));
        assert!(sat("1.9", "~> 1"));
        assert!(!sat("2.0", "~> 1"));
        // release < bump: the bump's prereleases are out though they sort below it.
        assert!(!sat("2.0.a", "~> 1.2"));
        assert!(sat("1.3.a", "~> 1.2"));
        assert!(Range::parse("~> 1.2")
            .unwrap()
            .to_set()
            .contains(&v("2.0.a")));
    }

    #[test]
    fn requirements() {
        assert!(sat("1.0.a", ""));
        assert!(sat("1.0.a", ">= 0"));
        assert!(sat("1", "1.0"));
        assert!(sat("1.5", ">= 1, < 2"));
        assert!(!sat("1.5", "!= 1.5.0"));
        for bad in [
            ",",
            "1,",
            ">= 1,,< 2",
            "=> 1",
            "== 1",
            ">",
            "~ 1",
            "> = 1",
            "1a",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Range::parse(" ~>1.0 ,<1.0.5").unwrap().to_string(),
            "~> 1.0, < 1.0.5"
        );
        assert_eq!(Range::parse("").unwrap().to_string(), ">= 0");
    }

    fn version_strategy() -> impl Strategy<Value = String> {
        "[0-9]{1,2}(\\.[0-9a-cA]{1,2}){0,3}(-[0-9a-c-]{1,2})?"
    }

    proptest! {
        #[test]
        fn ord_is_consistent(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            if a <= b && b <= c { prop_assert!(a <= c); }
            if a == b { prop_assert_eq!(h(&a), h(&b)); }
            // `1--` displays as `1.pre..pre.`, which Ruby cannot parse back either.
            if let Ok(p) = Version::parse(&a.to_string()) { prop_assert_eq!(p, a.clone()); }
        }

        #[test]
        fn to_set_is_sound(x in version_strategy(), a in version_strategy(), b in version_strategy(),
                           ops in proptest::collection::vec(0usize..7, 2)) {
            const OPS: [&str; 7] = ["=", "!=", ">", "<", ">=", "<=", "~>"];
            let range = format!("{} {a}, {}{b}", OPS[ops[0]], OPS[ops[1]]);
            let r = Range::parse(&range).unwrap();
            let x = v(&x);
            let (inside, in_set) = (r.contains(&x), r.to_set().contains(&x));
            prop_assert!(!inside || in_set, "{}", range);
            if !range.contains('~') {
                prop_assert_eq!(inside, in_set, "{}", range);
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = Version::parse(&s);
            let _ = Range::parse(&s);
        }
    }
}
