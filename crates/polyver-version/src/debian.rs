//! Debian package versions and relations, as dpkg orders and checks them.
//!
//! Reference: dpkg 1.21 (`lib/dpkg/parsehelp.c` `parseversion`, `lib/dpkg/version.c`
//! `verrevcmp`), checked by differential vectors from `dpkg --validate-version` and
//! `dpkg --compare-versions` (`tests/vectors/gen/debian.py`).
//!
//! Version `[epoch:]upstream[-revision]`:
//! - blanks (space, tab) around the string are ignored, inside it they are an error;
//! - a `:` anywhere means an epoch: the text before the first `:` is read like C `strtol`
//!   (leading `\n\v\f\r`, a sign, digits) and must end at that `:`, lie in `0..=i32::MAX`
//!   (`-0` is accepted; an epoch that overflows is "too big", never wrapped);
//! - the revision is after the *last* `-`; upstream starts with a digit and holds
//!   `[A-Za-z0-9.+~:-]`, the revision `[A-Za-z0-9.+~]`. dpkg only warns about bad characters,
//!   but `--validate-version` fails on them, so they are invalid here.
//!
//! Ordering (`verrevcmp`): epochs numerically, then upstream, then revision. Each part is
//! alternating non-digit and digit runs: non-digit runs compare byte-wise with `~` before the
//! end of the run, the end before letters, letters before other characters; digit runs compare
//! by value, of any length (no integer parsing). So an absent digit run is 0: `1.0-0 == 1.0`,
//! `1. == 1.0`, `0:1 == 1`, `1.00 == 1.0`. Eq and Hash follow that order, not the spelling.
//!
//! Range grammar (Debian relation syntax for one package, package name left out):
//! ```text
//! range    := group ("," group)*            all groups must hold (AND)
//! group    := relation ("|" relation)*      any alternative may hold (OR)
//! relation := "(" rel ")" | rel             parentheses optional, whitespace anywhere between tokens
//! rel      := [op] version                  no operator = "=" (dpkg's implicit exact match)
//! op       := "<<" | "<=" | "=" | ">=" | ">>" | "<" | ">"
//! ```
//! `<` and `>` are dpkg's deprecated spellings of `<=` and `>=`. The version is one token (no
//! blanks or parentheses) and must be valid. An empty range or an empty group is an error.
//! Relations are a pure order test, so `to_set` is exact.

mod range;
mod version;

pub use range::{Op, Range, Relation};
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

    #[test]
    fn ordering_rules() {
        let sorted = [
            "1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+", "1.0.1", "1.1", "1.10", "2", "1:0.1",
        ];
        for w in sorted.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert!(v("1.0-1") < v("1.0-1.1"));
        assert!(v("1.0-1~bpo1") < v("1.0-1"));
        let huge = "1.123456789012345678901234567890";
        assert!(v(huge) > v("1.123456789012345678901234567889"));
    }

    #[test]
    fn equal_spellings_are_equal_and_hash_alike() {
        for (a, b) in [
            ("1.0-0", "1.0"),
            ("0:1.0", "1.0"),
            ("1.00", "1.0"),
            ("1.", "1.0"),
            ("1a", "1a0"),
            ("01:1", "1:1"),
            (" 1.0\t", "1.0"),
            ("1.0-00", "1.0"),
        ] {
            assert_eq!(v(a), v(b), "{a} == {b}");
            assert_eq!(h(&v(a)), h(&v(b)), "hash {a} {b}");
        }
        assert_ne!(v("1.0"), v("1.0."));
        assert_ne!(v("1.0-a"), v("1.0"));
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "",
            " ",
            "a1",
            "1.0-",
            "-1",
            "1:",
            ":1",
            "-1:1",
            "2147483648:1",
            "99999999999999999999999999:1",
            "1.0:2",
            "1 0",
            "1_0",
            "1.0-a:b",
            "1.0\n",
            "1.0-r\u{e9}",
            "1\0",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
        for good in [
            "2147483647:1",
            "-0:1",
            "+1:1",
            "\n1:1",
            "1:2:3",
            "1-2-3",
            "0",
        ] {
            assert!(Version::parse(good).is_ok(), "{good:?}");
        }
        assert_eq!(v("1-2-3").upstream(), "1-2");
        assert_eq!(v("1-2-3").revision(), "3");
        assert_eq!(v("+01:2-3").to_string(), "1:2-3");
        assert_eq!(v("0:2:3").to_string(), "0:2:3");
    }

    #[test]
    fn relations() {
        let r = Range::parse("(>= 1.0) | << 0.5, (<< 2.0)").unwrap();
        assert!(r.contains(&v("1.5")));
        assert!(r.contains(&v("0.4")));
        assert!(!r.contains(&v("0.7")));
        assert!(!r.contains(&v("2.0")));
        assert_eq!(r.to_string(), ">= 1.0 | << 0.5, << 2.0");
        assert_eq!(r.terms().len(), 2);
        // Deprecated `<` is `<=`, a bare version is `=`.
        assert!(Range::parse("< 1.0").unwrap().contains(&v("1.0")));
        assert!(Range::parse(">1.0").unwrap().contains(&v("1.0")));
        assert!(Range::parse("(1.0-0)").unwrap().contains(&v("1.0")));
        for bad in [
            "", ">= 1.0,", "|>= 1", "<> 1", "(>= 1", ">= 1 2", ">=", "== 1", ">= a",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn conflicting_groups_are_explained() {
        let a = Range::parse(">= 2.31").unwrap();
        let b = Range::parse("<< 2.20").unwrap();
        let i = crate::algebra::intersect(&a, &b);
        assert!(i.empty);
    }

    fn version_strategy() -> impl Strategy<Value = String> {
        let up = "[0-9][0-9a-c.+~:]{0,6}";
        (0u32..3, up, proptest::option::of("[0-9a-c.+~]{1,4}")).prop_map(|(e, u, r)| {
            let mut s = if e > 0 || u.contains(':') {
                format!("{e}:{u}")
            } else {
                u
            };
            if let Some(r) = r {
                s.push('-');
                s.push_str(&r);
            }
            s
        })
    }

    proptest! {
        #[test]
        fn ord_is_consistent(a in version_strategy(), b in version_strategy(), c in version_strategy()) {
            let (a, b, c) = (v(&a), v(&b), v(&c));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            if a <= b && b <= c { prop_assert!(a <= c); }
            if a == b { prop_assert_eq!(h(&a), h(&b)); }
            prop_assert_eq!(v(&a.to_string()), a.clone());
        }

        #[test]
        fn to_set_is_exact(x in version_strategy(), a in version_strategy(), b in version_strategy(),
                           ops in proptest::collection::vec(0usize..7, 3)) {
            const OPS: [&str; 7] = ["<<", "<=", "=", ">=", ">>", "<", ">"];
            let range = format!("({} {a}) | {} {b}, {}{a}", OPS[ops[0]], OPS[ops[1]], OPS[ops[2]]);
            let r = Range::parse(&range).unwrap();
            let x = v(&x);
            prop_assert_eq!(r.contains(&x), r.to_set().contains(&x), "{}", range);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = Version::parse(&s);
            let _ = Range::parse(&s);
        }
    }
}
