//! PEP 440 specifier sets as `packaging.specifiers.SpecifierSet` parses and matches them.

use super::num::Num;
use super::parse::{is_py_space, py_strip};
use super::version::Version;
use super::ParseError;
use crate::algebra::{Constraint, Term, VersionSet};
use crate::error::offset_in;
use std::collections::HashSet;
use std::fmt;

/// A specifier's operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `~=`
    Compatible,
    /// `==`, also `==V.*`
    Equal,
    /// `!=`, also `!=V.*`
    NotEqual,
    LessEqual,
    GreaterEqual,
    Less,
    Greater,
    /// `===`: string equality, case-insensitive.
    Arbitrary,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Compatible => "~=",
            Operator::Equal => "==",
            Operator::NotEqual => "!=",
            Operator::LessEqual => "<=",
            Operator::GreaterEqual => ">=",
            Operator::Less => "<",
            Operator::Greater => ">",
            Operator::Arbitrary => "===",
        }
    }
}

/// One specifier of a set (`>=1.0`), with the versions it admits as intervals.
#[derive(Clone, Debug)]
pub struct Specifier {
    op: Operator,
    /// The version as written, stripped (`str(Specifier)` is `op + text`).
    text: String,
    /// Parsed version (the base of a wildcard); for `===`, the text if it parses.
    version: Option<Version>,
    wildcard: bool,
    /// `===`: the text lowercased.
    arbitrary: Option<String>,
    set: VersionSet<Version>,
}

impl Specifier {
    pub fn operator(&self) -> Operator {
        self.op
    }

    /// The version as written (`1.2.*`, `1.0+local`, any string after `===`).
    pub fn version_text(&self) -> &str {
        &self.text
    }

    /// The version it compares against: the base of `==1.2.*` is `1.2`. `None` for a `===`
    /// string that is no PEP 440 version.
    pub fn version(&self) -> Option<&Version> {
        self.version.as_ref()
    }

    pub fn is_wildcard(&self) -> bool {
        self.wildcard
    }

    /// `Specifier.prereleases`: whether the specifier asks for pre-releases (its version is
    /// one), `None` for a `===` string that is no version. `!=` and `==V.*` never do.
    pub fn prereleases(&self) -> Option<bool> {
        match self.op {
            Operator::NotEqual => Some(false),
            Operator::Equal if self.wildcard => Some(false),
            _ => self.version.as_ref().map(Version::is_prerelease),
        }
    }

    /// `packaging`'s `Specifier.contains(v)` as `SpecifierSet.contains` applies it.
    pub fn contains(&self, v: &Version) -> bool {
        match &self.arbitrary {
            Some(lower) => v.literal_eq(lower),
            None => self.set.contains(v),
        }
    }

    /// The versions admitted: exact, except for `===`, which is the one version its string
    /// parses to (of the versions equal to it, only those spelled like the string match).
    pub fn set(&self) -> &VersionSet<Version> {
        &self.set
    }

    /// `_canonical_spec`: the key `SpecifierSet.__str__` deduplicates by.
    fn canonical(&self) -> (Operator, String) {
        match (&self.version, self.op) {
            (Some(v), op) if op != Operator::Arbitrary && !self.wildcard => {
                (op, v.canonical(op != Operator::Compatible))
            }
            _ => (self.op, self.text.clone()),
        }
    }

    /// Parses one stripped, non-empty item of a set: `Specifier._regex`, then the version
    /// that `packaging` parses when it first evaluates the specifier.
    fn parse(item: &str) -> Result<Specifier, ParseError> {
        if let Some(rest) = item.strip_prefix("===") {
            // ===\s*[^\s;)]*
            let text = py_strip(rest);
            if let Some(c) = text
                .chars()
                .find(|&c| is_py_space(c) || c == ';' || c == ')')
            {
                return Err(ParseError::ArbitraryChar { c });
            }
            let lower = text.to_lowercase();
            let version = Version::parse(text).ok();
            let set = match Version::parse(&lower) {
                Ok(v) => VersionSet::exact(v),
                Err(_) => VersionSet::empty(),
            };
            return Ok(Specifier {
                op: Operator::Arbitrary,
                text: text.to_string(),
                version,
                wildcard: false,
                arbitrary: Some(lower),
                set,
            });
        }
        let ops = [
            ("~=", Operator::Compatible),
            ("==", Operator::Equal),
            ("!=", Operator::NotEqual),
            ("<=", Operator::LessEqual),
            (">=", Operator::GreaterEqual),
            ("<", Operator::Less),
            (">", Operator::Greater),
        ];
        let Some((op, rest)) = ops
            .iter()
            .find_map(|(s, op)| item.strip_prefix(s).map(|rest| (*op, rest)))
        else {
            return Err(ParseError::NoOperator);
        };
        let text = py_strip(rest);
        if text.is_empty() {
            return Err(ParseError::NoVersion { op: op.as_str() });
        }
        let prefix = match op {
            Operator::Equal | Operator::NotEqual => text.strip_suffix(".*"),
            _ => None,
        };
        let version = match prefix {
            Some(base) => {
                if !is_plain_release(base) {
                    return Err(ParseError::WildcardNotRelease { op: op.as_str() });
                }
                Version::parse(base).map_err(|e| e.shifted(offset_in(item, base)))?
            }
            None => Version::parse(text).map_err(|e| e.shifted(offset_in(item, text)))?,
        };
        if version.local().is_some() && !matches!(op, Operator::Equal | Operator::NotEqual) {
            return Err(ParseError::LocalNotAllowed { op: op.as_str() });
        }
        if op == Operator::Compatible && version.release().len() < 2 {
            return Err(ParseError::CompatibleTooShort);
        }
        let wildcard = prefix.is_some();
        let set = spec_set(op, &version, wildcard, text.contains('+'));
        Ok(Specifier {
            op,
            text: text.to_string(),
            version: Some(version),
            wildcard,
            arbitrary: None,
            set,
        })
    }
}

/// `v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`, ASCII case-insensitive `v`.
fn is_plain_release(s: &str) -> bool {
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let s = match s.split_once('!') {
        Some((e, r)) if !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit()) => r,
        Some(_) => return false,
        None => s,
    };
    s.split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

/// The versions one specifier admits, as `packaging._ranges` bounds them; every bound that
/// `packaging` places between two versions becomes the least version past it.
fn spec_set(op: Operator, v: &Version, wildcard: bool, has_local: bool) -> VersionSet<Version> {
    use crate::algebra::Bound::{Excluded, Included};
    if wildcard {
        // ==1.2.* is [1.2.dev0, 1.3.dev0) in V's epoch, release as written.
        let n = v.release().len();
        let eq = VersionSet::interval(
            Included(v.release_dev0(n, false)),
            Excluded(v.release_dev0(n, true)),
        );
        return if op == Operator::Equal {
            eq
        } else {
            eq.complement()
        };
    }
    match op {
        Operator::GreaterEqual => VersionSet::at_least(v.public()),
        // Up to V and every V+local.
        Operator::LessEqual => VersionSet::less_than(v.after_locals()),
        Operator::Greater => {
            if let Some(d) = v.dev() {
                // Dev releases have no post-releases: the next version is V.dev(N+1).
                VersionSet::at_least(v.with_dev(d.succ()))
            } else if v.post().is_some() {
                VersionSet::at_least(v.next_post_dev0())
            } else {
                // PEP 440: >V excludes V+local and V's post-releases.
                match v.after_posts() {
                    (b, true) => VersionSet::at_least(b),
                    (b, false) => VersionSet::greater_than(b),
                }
            }
        }
        Operator::Less => {
            // PEP 440: <V excludes V's pre-releases unless V is one: below V.dev0.
            let bound = if v.is_prerelease() {
                v.public()
            } else {
                v.with_dev(Num::ZERO)
            };
            if bound <= Version::minimum() {
                VersionSet::empty()
            } else {
                VersionSet::less_than(bound)
            }
        }
        Operator::Equal | Operator::NotEqual => {
            // Without a local label, ==V also matches every V+local.
            let eq = if has_local {
                VersionSet::exact(v.clone())
            } else {
                VersionSet::interval(Included(v.public()), Excluded(v.after_locals()))
            };
            if op == Operator::Equal {
                eq
            } else {
                eq.complement()
            }
        }
        Operator::Compatible => {
            // ~=1.4.5 is >=1.4.5, ==1.4.*: [1.4.5, 1.5.dev0).
            let n = v.release().len();
            VersionSet::interval(Included(v.public()), Excluded(v.release_dev0(n - 1, true)))
        }
        Operator::Arbitrary => VersionSet::full(),
    }
}

/// A PEP 440 specifier set: comma-separated specifiers, all of which must match.
///
/// `contains` is `SpecifierSet(s).contains(version)` with default arguments (see the module
/// documentation for what that means since `packaging` 26).
#[derive(Clone, Debug)]
pub struct Range {
    specs: Vec<Specifier>,
    /// `str(SpecifierSet)`: sorted, deduplicated, comma-joined.
    display: String,
}

impl Range {
    pub fn parse(s: &str) -> Result<Range, ParseError> {
        let mut specs = Vec::new();
        for item in s.split(',') {
            let item = py_strip(item);
            if item.is_empty() {
                continue;
            }
            let spec = Specifier::parse(item).map_err(|why| ParseError::Specifier {
                item: item.to_string(),
                at: offset_in(s, item),
                reason: Box::new(why),
            })?;
            specs.push(spec);
        }
        let mut order: Vec<&Specifier> = specs.iter().collect();
        order.sort_by_cached_key(|s| format!("{}{}", s.op.as_str(), s.text));
        let mut seen = HashSet::new();
        let mut display = String::new();
        for spec in order {
            if !seen.insert(spec.canonical()) {
                continue;
            }
            if !display.is_empty() {
                display.push(',');
            }
            display.push_str(spec.op.as_str());
            display.push_str(&spec.text);
        }
        Ok(Range { specs, display })
    }

    pub fn contains(&self, v: &Version) -> bool {
        self.specs.iter().all(|s| s.contains(v))
    }

    /// The specifiers in the order written.
    pub fn specifiers(&self) -> &[Specifier] {
        &self.specs
    }

    /// No specifier: every version matches.
    pub fn is_any(&self) -> bool {
        self.specs.is_empty()
    }

    /// `SpecifierSet.prereleases`: true when a specifier names a pre-release (`>=2.0b1`).
    pub fn prereleases(&self) -> bool {
        self.specs.iter().any(|s| s.prereleases() == Some(true))
    }

    /// `SpecifierSet.filter(versions)` with default arguments, the choice pip makes among
    /// candidates: the matching versions, without pre-releases when a final release matches,
    /// unless [`Range::prereleases`]. Order is kept.
    pub fn filter<'a, I>(&self, versions: I) -> Vec<&'a Version>
    where
        I: IntoIterator<Item = &'a Version>,
    {
        let matching: Vec<&Version> = versions.into_iter().filter(|v| self.contains(v)).collect();
        if self.prereleases() || matching.iter().all(|v| v.is_prerelease()) {
            return matching;
        }
        matching
            .into_iter()
            .filter(|v| !v.is_prerelease())
            .collect()
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl std::str::FromStr for Range {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Range::parse(s)
    }
}

impl Constraint for Range {
    type Version = Version;

    fn to_set(&self) -> VersionSet<Version> {
        // Pairwise, so that many `!=` cost n log n rather than n².
        let mut sets: Vec<VersionSet<Version>> = self.specs.iter().map(|s| s.set.clone()).collect();
        while sets.len() > 1 {
            let mut next = Vec::with_capacity(sets.len() / 2 + 1);
            let mut it = sets.into_iter();
            while let Some(a) = it.next() {
                next.push(match it.next() {
                    Some(b) => a.intersect(&b),
                    None => a,
                });
            }
            sets = next;
        }
        sets.pop().unwrap_or_else(VersionSet::full)
    }

    fn terms(&self) -> Vec<Term<Version>> {
        self.specs
            .iter()
            .map(|s| Term {
                text: format!("{}{}", s.op.as_str(), s.text),
                set: s.set.clone(),
            })
            .collect()
    }
}
