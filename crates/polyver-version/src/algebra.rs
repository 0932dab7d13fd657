//! Range algebra: a constraint as a union of disjoint intervals over an ordered version type.
//!
//! Every ecosystem turns its constraint syntax into a [`VersionSet`] so that conflicts can be
//! *proved*: two constraints conflict exactly when the intersection of their sets is empty.
//! Where an ecosystem's membership test is not an interval union (pre-release exclusion rules,
//! PEP 440 local-version quirks), `to_set` returns the smallest interval union that contains
//! every matching version. That keeps the algebra sound: "empty" is only ever said when no
//! version can satisfy both sides.

use std::cmp::Ordering;
use std::fmt;

/// One end of an interval.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Bound<V> {
    Unbounded,
    Included(V),
    Excluded(V),
}

impl<V> Bound<V> {
    pub fn value(&self) -> Option<&V> {
        match self {
            Bound::Unbounded => None,
            Bound::Included(v) | Bound::Excluded(v) => Some(v),
        }
    }
}

/// A contiguous, non-empty run of versions between two bounds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Interval<V> {
    pub lower: Bound<V>,
    pub upper: Bound<V>,
}

/// Orders two lower bounds: the one admitting smaller versions first.
fn cmp_lower<V: Ord>(a: &Bound<V>, b: &Bound<V>) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Less,
        (_, Bound::Unbounded) => Ordering::Greater,
        (Bound::Included(x), Bound::Included(y)) | (Bound::Excluded(x), Bound::Excluded(y)) => {
            x.cmp(y)
        }
        (Bound::Included(x), Bound::Excluded(y)) => x.cmp(y).then(Ordering::Less),
        (Bound::Excluded(x), Bound::Included(y)) => x.cmp(y).then(Ordering::Greater),
    }
}

/// Orders two upper bounds: the one admitting smaller versions first.
fn cmp_upper<V: Ord>(a: &Bound<V>, b: &Bound<V>) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Greater,
        (_, Bound::Unbounded) => Ordering::Less,
        (Bound::Included(x), Bound::Included(y)) | (Bound::Excluded(x), Bound::Excluded(y)) => {
            x.cmp(y)
        }
        (Bound::Included(x), Bound::Excluded(y)) => x.cmp(y).then(Ordering::Greater),
        (Bound::Excluded(x), Bound::Included(y)) => x.cmp(y).then(Ordering::Less),
    }
}

/// Whether an interval ending at `upper` and one starting at `lower` share or touch a point,
/// so that their union is contiguous.
fn touches<V: Ord>(upper: &Bound<V>, lower: &Bound<V>) -> bool {
    match (upper, lower) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => true,
        (Bound::Excluded(x), Bound::Excluded(y)) => x > y,
        (Bound::Included(x), Bound::Included(y))
        | (Bound::Included(x), Bound::Excluded(y))
        | (Bound::Excluded(x), Bound::Included(y)) => x >= y,
    }
}

impl<V: Ord> Interval<V> {
    /// `None` when the bounds admit no version.
    pub fn new(lower: Bound<V>, upper: Bound<V>) -> Option<Self> {
        let non_empty = match (&lower, &upper) {
            (Bound::Unbounded, _) | (_, Bound::Unbounded) => true,
            (Bound::Included(a), Bound::Included(b)) => a <= b,
            (Bound::Included(a), Bound::Excluded(b))
            | (Bound::Excluded(a), Bound::Included(b))
            | (Bound::Excluded(a), Bound::Excluded(b)) => a < b,
        };
        non_empty.then_some(Interval { lower, upper })
    }

    pub fn contains(&self, v: &V) -> bool {
        let above = match &self.lower {
            Bound::Unbounded => true,
            Bound::Included(l) => v >= l,
            Bound::Excluded(l) => v > l,
        };
        above
            && match &self.upper {
                Bound::Unbounded => true,
                Bound::Included(u) => v <= u,
                Bound::Excluded(u) => v < u,
            }
    }
}

/// A union of disjoint, non-touching intervals, sorted ascending.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VersionSet<V> {
    intervals: Vec<Interval<V>>,
}

impl<V: Ord + Clone> VersionSet<V> {
    pub fn empty() -> Self {
        VersionSet {
            intervals: Vec::new(),
        }
    }

    pub fn full() -> Self {
        VersionSet {
            intervals: vec![Interval {
                lower: Bound::Unbounded,
                upper: Bound::Unbounded,
            }],
        }
    }

    pub fn interval(lower: Bound<V>, upper: Bound<V>) -> Self {
        VersionSet {
            intervals: Interval::new(lower, upper).into_iter().collect(),
        }
    }

    pub fn exact(v: V) -> Self {
        Self::interval(Bound::Included(v.clone()), Bound::Included(v))
    }
    pub fn at_least(v: V) -> Self {
        Self::interval(Bound::Included(v), Bound::Unbounded)
    }
    pub fn greater_than(v: V) -> Self {
        Self::interval(Bound::Excluded(v), Bound::Unbounded)
    }
    pub fn at_most(v: V) -> Self {
        Self::interval(Bound::Unbounded, Bound::Included(v))
    }
    pub fn less_than(v: V) -> Self {
        Self::interval(Bound::Unbounded, Bound::Excluded(v))
    }
    /// Everything but `v`.
    pub fn not_equal(v: V) -> Self {
        Self::exact(v).complement()
    }

    /// Builds a set from arbitrary (possibly overlapping, unsorted, empty) intervals.
    pub fn from_intervals(intervals: impl IntoIterator<Item = Interval<V>>) -> Self {
        let mut list: Vec<Interval<V>> = intervals.into_iter().collect();
        list.sort_by(|a, b| cmp_lower(&a.lower, &b.lower));
        let mut out: Vec<Interval<V>> = Vec::with_capacity(list.len());
        for next in list {
            match out.last_mut() {
                Some(last) if touches(&last.upper, &next.lower) => {
                    if cmp_upper(&next.upper, &last.upper) == Ordering::Greater {
                        last.upper = next.upper;
                    }
                }
                _ => out.push(next),
            }
        }
        VersionSet { intervals: out }
    }

    pub fn intervals(&self) -> &[Interval<V>] {
        &self.intervals
    }

    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    pub fn is_full(&self) -> bool {
        matches!(
            self.intervals.as_slice(),
            [Interval {
                lower: Bound::Unbounded,
                upper: Bound::Unbounded
            }]
        )
    }

    pub fn contains(&self, v: &V) -> bool {
        // Intervals are sorted and disjoint: find the last one starting at or before v.
        let idx = self.intervals.partition_point(|i| match &i.lower {
            Bound::Unbounded => true,
            Bound::Included(l) => l <= v,
            Bound::Excluded(l) => l < v,
        });
        idx > 0 && self.intervals[idx - 1].contains(v)
    }

    /// Linear merge of two sorted interval lists.
    pub fn intersect(&self, other: &Self) -> Self {
        let (a, b) = (&self.intervals, &other.intervals);
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < a.len() && j < b.len() {
            let lower = if cmp_lower(&a[i].lower, &b[j].lower) == Ordering::Greater {
                a[i].lower.clone()
            } else {
                b[j].lower.clone()
            };
            let a_ends_first = cmp_upper(&a[i].upper, &b[j].upper) != Ordering::Greater;
            let upper = if a_ends_first {
                a[i].upper.clone()
            } else {
                b[j].upper.clone()
            };
            if let Some(iv) = Interval::new(lower, upper) {
                out.push(iv);
            }
            if a_ends_first {
                i += 1;
            } else {
                j += 1;
            }
        }
        VersionSet { intervals: out }
    }

    pub fn union(&self, other: &Self) -> Self {
        Self::from_intervals(self.intervals.iter().chain(&other.intervals).cloned())
    }

    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.intervals.len() + 1);
        let mut lower = Bound::Unbounded;
        for iv in &self.intervals {
            let upper = match &iv.lower {
                Bound::Unbounded => None,
                Bound::Included(v) => Some(Bound::Excluded(v.clone())),
                Bound::Excluded(v) => Some(Bound::Included(v.clone())),
            };
            if let Some(upper) = upper {
                if let Some(gap) = Interval::new(lower, upper) {
                    out.push(gap);
                }
            }
            lower = match &iv.upper {
                Bound::Unbounded => return VersionSet { intervals: out },
                Bound::Included(v) => Bound::Excluded(v.clone()),
                Bound::Excluded(v) => Bound::Included(v.clone()),
            };
        }
        out.extend(Interval::new(lower, Bound::Unbounded));
        VersionSet { intervals: out }
    }

    pub fn is_disjoint(&self, other: &Self) -> bool {
        self.intersect(other).is_empty()
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.intersect(other) == *self
    }
}

impl<V: fmt::Display> fmt::Display for VersionSet<V> {
    /// `>=1.0, <2.0 || >=3.0`; `∅` for the empty set and `*` for everything.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.intervals.is_empty() {
            return f.write_str("∅");
        }
        for (n, iv) in self.intervals.iter().enumerate() {
            if n > 0 {
                f.write_str(" || ")?;
            }
            match (&iv.lower, &iv.upper) {
                (Bound::Unbounded, Bound::Unbounded) => f.write_str("*")?,
                (Bound::Included(a), Bound::Included(b)) if a.to_string() == b.to_string() => {
                    write!(f, "=={a}")?
                }
                (lower, upper) => {
                    match lower {
                        Bound::Unbounded => {}
                        Bound::Included(v) => write!(f, ">={v}")?,
                        Bound::Excluded(v) => write!(f, ">{v}")?,
                    }
                    if !matches!(lower, Bound::Unbounded) && !matches!(upper, Bound::Unbounded) {
                        f.write_str(", ")?;
                    }
                    match upper {
                        Bound::Unbounded => {}
                        Bound::Included(v) => write!(f, "<={v}")?,
                        Bound::Excluded(v) => write!(f, "<{v}")?,
                    }
                }
            }
        }
        Ok(())
    }
}

/// One conjunct of a constraint as the user wrote it, with its set.
#[derive(Clone, Debug)]
pub struct Term<V> {
    pub text: String,
    pub set: VersionSet<V>,
}

/// A parsed constraint that can be turned into a [`VersionSet`].
pub trait Constraint: fmt::Display {
    type Version: Ord + Clone + fmt::Display;

    /// The smallest interval union containing every version the constraint admits.
    fn to_set(&self) -> VersionSet<Self::Version>;

    /// The conjuncts of the constraint (`>=1.0`, `<2.0` of `>=1.0,<2.0`), each with its set,
    /// used to name the two clauses that make an intersection empty. A disjunction is one term.
    fn terms(&self) -> Vec<Term<Self::Version>> {
        vec![Term {
            text: self.to_string(),
            set: self.to_set(),
        }]
    }
}

/// The result of intersecting two constraints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intersection {
    /// True when no version satisfies both constraints (proved on the interval form).
    pub empty: bool,
    /// The intersection in interval notation.
    pub set: String,
    /// Why it is empty: the two clauses with no version in common.
    pub explanation: Option<String>,
}

/// Intersects two constraints of one ecosystem and, when empty, names the clauses that clash.
pub fn intersect<C: Constraint>(a: &C, b: &C) -> Intersection {
    let set = a.to_set().intersect(&b.to_set());
    if !set.is_empty() {
        return Intersection {
            empty: false,
            set: set.to_string(),
            explanation: None,
        };
    }
    let explanation = explain_empty(a, b);
    Intersection {
        empty: true,
        set: set.to_string(),
        explanation: Some(explanation),
    }
}

fn explain_empty<C: Constraint>(a: &C, b: &C) -> String {
    let (ta, tb) = (a.terms(), b.terms());
    for (side, terms) in [(a.to_string(), &ta), (b.to_string(), &tb)] {
        if terms.iter().any(|t| t.set.is_empty()) || unsatisfiable(terms) {
            return match clashing_pair(terms, terms) {
                Some((x, y)) if x.text != y.text => {
                    format!(
                        "`{side}` admits no version: `{x}` and `{y}` have no version in common",
                        x = x.text,
                        y = y.text
                    )
                }
                _ => format!("`{side}` admits no version"),
            };
        }
    }
    match clashing_pair(&ta, &tb) {
        Some((x, y)) => format!("`{}` and `{}` have no version in common", x.text, y.text),
        None => format!("`{a}` and `{b}` have no version in common"),
    }
}

fn unsatisfiable<V: Ord + Clone>(terms: &[Term<V>]) -> bool {
    let mut acc = VersionSet::full();
    for t in terms {
        acc = acc.intersect(&t.set);
    }
    acc.is_empty()
}

fn clashing_pair<'a, V: Ord + Clone>(
    a: &'a [Term<V>],
    b: &'a [Term<V>],
) -> Option<(&'a Term<V>, &'a Term<V>)> {
    a.iter()
        .flat_map(|x| b.iter().map(move |y| (x, y)))
        .find(|(x, y)| x.set.is_disjoint(&y.set))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(l: Bound<u32>, u: Bound<u32>) -> VersionSet<u32> {
        VersionSet::interval(l, u)
    }

    #[test]
    fn intersect_and_union() {
        let a = iv(Bound::Included(1), Bound::Excluded(5));
        let b = iv(Bound::Included(3), Bound::Unbounded);
        assert_eq!(a.intersect(&b), iv(Bound::Included(3), Bound::Excluded(5)));
        assert_eq!(a.union(&b), iv(Bound::Included(1), Bound::Unbounded));
        let c = iv(Bound::Included(5), Bound::Included(7));
        assert!(a.is_disjoint(&c));
        assert_eq!(a.union(&c), iv(Bound::Included(1), Bound::Included(7)));
    }

    #[test]
    fn excluded_point_leaves_a_gap() {
        let ne = VersionSet::not_equal(3u32);
        assert_eq!(ne.intervals().len(), 2);
        assert!(!ne.contains(&3));
        assert!(ne.contains(&2) && ne.contains(&4));
        assert_eq!(ne.complement(), VersionSet::exact(3));
        assert!(ne.union(&VersionSet::exact(3)).is_full());
    }

    #[test]
    fn complement_round_trips() {
        let s = VersionSet::from_intervals([
            Interval::new(Bound::Excluded(1u32), Bound::Included(2)).unwrap(),
            Interval::new(Bound::Included(5), Bound::Excluded(9)).unwrap(),
        ]);
        assert_eq!(s.complement().complement(), s);
        assert!(s.intersect(&s.complement()).is_empty());
    }

    #[test]
    fn display() {
        let s = VersionSet::interval(Bound::Included(1u32), Bound::Excluded(2))
            .union(&VersionSet::at_least(4));
        assert_eq!(s.to_string(), ">=1, <2 || >=4");
        assert_eq!(VersionSet::<u32>::empty().to_string(), "∅");
        assert_eq!(VersionSet::<u32>::full().to_string(), "*");
        assert_eq!(VersionSet::exact(3u32).to_string(), "==3");
    }
}
