//! PEP 440 versions as `packaging.version.Version` parses, prints and orders them.

use super::num::{Num, Repr};
use super::parse::EqIgnoreCase;
use super::ParseError;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The pre-release kind, normalized (`alpha` → `a`, `c`/`pre`/`preview` → `rc`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreKind {
    Alpha,
    Beta,
    Rc,
}

impl PreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PreKind::Alpha => "a",
            PreKind::Beta => "b",
            PreKind::Rc => "rc",
        }
    }
}

/// A PEP 440 version.
///
/// Equality, order and hash follow `packaging`'s `_cmpkey`: trailing zeros of the release do
/// not count (`1.0 == 1.0.0`), a dev-only release sorts before the pre-releases of its release,
/// a local version sorts after its public version. Display is `str(Version)`, the normalized
/// form.
#[derive(Clone, Debug)]
pub struct Version {
    pub(super) epoch: Num,
    pub(super) release: Vec<Num>,
    pub(super) pre: Option<(PreKind, Num)>,
    pub(super) post: Option<Num>,
    pub(super) dev: Option<Num>,
    /// Normalized: lowercase, `.`-separated, numeric segments without leading zeros.
    pub(super) local: Option<Box<str>>,
    /// The input, lowercased, when it is not just the normalized form in another case: `===`
    /// compares the string as given.
    pub(super) literal: Option<Box<str>>,
}

impl Version {
    /// The version from its parts (no local, no literal): the points range bounds need.
    fn from_parts(
        epoch: Num,
        release: Vec<Num>,
        pre: Option<(PreKind, Num)>,
        post: Option<Num>,
        dev: Option<Num>,
    ) -> Version {
        Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local: None,
            literal: None,
        }
    }

    /// `0.dev0`, the least version.
    pub fn minimum() -> Version {
        Version::from_parts(Num::ZERO, vec![Num::ZERO], None, None, Some(Num::ZERO))
    }

    pub fn epoch(&self) -> &Num {
        &self.epoch
    }

    /// The release segment as written (trailing zeros kept).
    pub fn release(&self) -> &[Num] {
        &self.release
    }

    pub fn pre(&self) -> Option<(PreKind, &Num)> {
        self.pre.as_ref().map(|(k, n)| (*k, n))
    }

    pub fn post(&self) -> Option<&Num> {
        self.post.as_ref()
    }

    pub fn dev(&self) -> Option<&Num> {
        self.dev.as_ref()
    }

    /// The normalized local label (`ubuntu.1` of `1.0+Ubuntu-01`).
    pub fn local(&self) -> Option<&str> {
        self.local.as_deref()
    }

    /// `packaging`'s `is_prerelease`: a pre-release or a dev release.
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    pub fn is_postrelease(&self) -> bool {
        self.post.is_some()
    }

    pub fn is_devrelease(&self) -> bool {
        self.dev.is_some()
    }

    /// Epoch and release only (`base_version`): `1!2.0` of `1!2.0rc1.post2+local`.
    pub fn base_version(&self) -> Version {
        Version::from_parts(self.epoch.clone(), self.release.clone(), None, None, None)
    }

    /// Without the local label (`public`).
    pub fn public(&self) -> Version {
        Version::from_parts(
            self.epoch.clone(),
            self.release.clone(),
            self.pre.clone(),
            self.post.clone(),
            self.dev.clone(),
        )
    }

    /// The release component at `i` (`0` past the end, like `major`/`minor`/`micro`).
    pub fn release_part(&self, i: usize) -> Option<u64> {
        self.release.get(i).map_or(Some(0), Num::as_u64)
    }

    /// The string `===` compares, lowercased: the input as given.
    pub(crate) fn literal_eq(&self, lower: &str) -> bool {
        match &self.literal {
            Some(l) => **l == *lower,
            None => {
                let mut w = EqIgnoreCase {
                    rest: lower.as_bytes(),
                    ok: true,
                };
                let _ = self.write_to(&mut w);
                w.ok && w.rest.is_empty()
            }
        }
    }

    /// Whether this is a range-bound point rather than a version (see [`Version::after_posts`]).
    pub fn is_bound_point(&self) -> bool {
        matches!(self.post, Some(Num(Repr::Inf)))
    }

    // Range bounds. Each is the least real version past a point `packaging` places between
    // versions, so that every specifier is an exact union of intervals.

    /// `V.devN` → `V.dev(N+1)`; else `V.post(N+1).dev0` (`V.post0.dev0` with no post): the
    /// least version above `V` and all of `V+local`.
    pub(crate) fn after_locals(&self) -> Version {
        match &self.dev {
            Some(d) => Version::from_parts(
                self.epoch.clone(),
                self.release.clone(),
                self.pre.clone(),
                self.post.clone(),
                Some(d.succ()),
            ),
            None => Version::from_parts(
                self.epoch.clone(),
                self.release.clone(),
                self.pre.clone(),
                Some(self.post.as_ref().map_or(Num::ZERO, Num::succ)),
                Some(Num::ZERO),
            ),
        }
    }

    /// For `V` without dev or post: the least version above `V`, `V+local` and every
    /// `V.postN`, which `>V` starts at. With a pre-release that is `V(pre+1).dev0`; a final
    /// release has none (`1.0.0.0.1` > `1.0.0.0.0.1` > ... are all above the posts), so the
    /// answer is a bound point `V.post∞` that sorts above every `V.postN` and below everything
    /// else: exclusive as a lower bound, it is exact.
    pub(crate) fn after_posts(&self) -> (Version, bool) {
        match &self.pre {
            Some((k, n)) => (
                Version::from_parts(
                    self.epoch.clone(),
                    self.release.clone(),
                    Some((*k, n.succ())),
                    None,
                    Some(Num::ZERO),
                ),
                true,
            ),
            None => (
                Version::from_parts(
                    self.epoch.clone(),
                    self.release.clone(),
                    None,
                    Some(Num(Repr::Inf)),
                    None,
                ),
                false,
            ),
        }
    }

    /// `self` with another dev number and no local.
    pub(crate) fn with_dev(&self, dev: Num) -> Version {
        Version::from_parts(
            self.epoch.clone(),
            self.release.clone(),
            self.pre.clone(),
            self.post.clone(),
            Some(dev),
        )
    }

    /// `V.post(N+1).dev0` for `V.postN`.
    pub(crate) fn next_post_dev0(&self) -> Version {
        Version::from_parts(
            self.epoch.clone(),
            self.release.clone(),
            self.pre.clone(),
            Some(self.post.as_ref().map_or(Num::ZERO, Num::succ)),
            Some(Num::ZERO),
        )
    }

    /// `E!R.dev0` for the first `len` release components `R` of `self`, the last one plus
    /// `bump`: `1.2.dev0` (`len` 2, no bump) or `1.3.dev0` (`len` 2, bump) of `1.2.3`.
    pub(crate) fn release_dev0(&self, len: usize, bump: bool) -> Version {
        let mut release: Vec<Num> = self.release.iter().take(len).cloned().collect();
        if bump {
            if let Some(last) = release.last_mut() {
                *last = last.succ();
            }
        }
        Version::from_parts(self.epoch.clone(), release, None, None, Some(Num::ZERO))
    }

    /// `packaging.utils.canonicalize_version`: the normalized form, trailing zeros of the
    /// release stripped (one component kept) when `strip`.
    pub(crate) fn canonical(&self, strip: bool) -> String {
        if !strip {
            return self.to_string();
        }
        let keep = trimmed_len(&self.release).max(1);
        let v = Version {
            release: self.release[..keep].to_vec(),
            literal: None,
            ..self.clone()
        };
        v.to_string()
    }

    pub(super) fn write_to<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        if !self.epoch.is_zero() {
            write!(w, "{}!", self.epoch)?;
        }
        for (i, n) in self.release.iter().enumerate() {
            if i > 0 {
                w.write_char('.')?;
            }
            write!(w, "{n}")?;
        }
        if let Some((k, n)) = &self.pre {
            write!(w, "{}{n}", k.as_str())?;
        }
        if let Some(n) = &self.post {
            write!(w, ".post{n}")?;
        }
        if let Some(n) = &self.dev {
            write!(w, ".dev{n}")?;
        }
        if let Some(l) = &self.local {
            write!(w, "+{l}")?;
        }
        Ok(())
    }

    /// `(pre_rank, pre_n)` of `_cmpkey`: dev-only −1, a 0, b 1, rc 2, none 3.
    fn pre_key(&self) -> (i8, Option<&Num>) {
        match &self.pre {
            Some((k, n)) => (*k as i8, Some(n)),
            None if self.post.is_none() && self.dev.is_some() => (-1, None),
            None => (3, None),
        }
    }
}

/// The release length without trailing zeros (`_cmpkey` strips them all).
fn trimmed_len(r: &[Num]) -> usize {
    r.iter().rposition(|n| !n.is_zero()).map_or(0, |i| i + 1)
}

/// Release order with trailing zeros ignored: compare as if both were padded with zeros.
fn cmp_release(a: &[Num], b: &[Num]) -> Ordering {
    let zero = Num::ZERO;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).unwrap_or(&zero);
        let y = b.get(i).unwrap_or(&zero);
        match x.cmp(y) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// Local labels: segment by segment, integers above strings, integers by value, strings
/// lexicographically, a prefix first; no label below any label.
fn cmp_local(a: Option<&str>, b: Option<&str>) -> Ordering {
    let (a, b) = match (a, b) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Less,
        (Some(_), None) => return Ordering::Greater,
        (Some(a), Some(b)) => (a, b),
    };
    let mut xs = a.split('.');
    let mut ys = b.split('.');
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let xn = x.bytes().all(|c| c.is_ascii_digit());
                let yn = y.bytes().all(|c| c.is_ascii_digit());
                let o = match (xn, yn) {
                    // Normalized integers: no leading zeros, so longer is larger.
                    (true, true) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_release(&self.release, &other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            // No post sorts first: Option's order is post_rank then post_n.
            .then_with(|| self.post.cmp(&other.post))
            // No dev sorts last.
            .then_with(|| match (&self.dev, &other.dev) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
            .then_with(|| cmp_local(self.local.as_deref(), other.local.as_deref()))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    /// Hashes the comparison key, so that `1.0` and `1.0.0` hash alike.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.epoch.hash(state);
        let r = &self.release[..trimmed_len(&self.release)];
        r.len().hash(state);
        for n in r {
            n.hash(state);
        }
        self.pre_key().hash(state);
        self.post.hash(state);
        self.dev.hash(state);
        self.local.hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl std::str::FromStr for Version {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn norm(s: &str) -> String {
        v(s).to_string()
    }

    #[test]
    fn normalizes_like_packaging() {
        for (input, out) in [
            ("1.0", "1.0"),
            (" v1.0 ", "1.0"),
            ("V1.0\u{3000}", "1.0"),
            ("0!1.0", "1.0"),
            ("01!02.003", "1!2.3"),
            ("1.0alpha", "1.0a0"),
            ("1.0-ALPHA-2", "1.0a2"),
            ("1.0.beta.3", "1.0b3"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre", "1.0rc0"),
            ("1.0preview_4", "1.0rc4"),
            ("1.0-1", "1.0.post1"),
            ("1.0post", "1.0.post0"),
            ("1.0.rev.2", "1.0.post2"),
            ("1.0-r", "1.0.post0"),
            ("1.0dev", "1.0.dev0"),
            ("1.0-dev-7", "1.0.dev7"),
            ("1.0a.", "1.0a0"),
            ("1.0.post.", "1.0.post0"),
            ("1.0.post-", "1.0.post0"),
            ("1.0a_-1", "1.0a0.post1"),
            ("1.0a1-2.dev3", "1.0a1.post2.dev3"),
            ("1.0+Ubuntu-01_b", "1.0+ubuntu.1.b"),
            ("1.0+00", "1.0+0"),
        ] {
            assert_eq!(norm(input), out, "{input}");
        }
    }

    #[test]
    fn rejects_what_packaging_rejects() {
        for bad in [
            "",
            " ",
            "1.",
            ".1",
            "1..2",
            "v",
            "vv1",
            "1.0+",
            "1.0+abc.",
            "1.0-",
            "1.0.post-1-",
            "1!",
            "1!2!3",
            "1.0a1a2",
            "1.0.dev1.post1",
            "1.0 a1",
            "1.*",
            "1,0",
            "١.0",
            "1.0+a+b",
            "1.0+ä",
            "1.0.",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?} should be invalid");
        }
        let huge = "1".repeat(4301);
        assert!(Version::parse(&huge).is_err());
        assert!(Version::parse(&"1".repeat(4300)).is_ok());
    }

    #[test]
    fn orders_by_cmpkey() {
        let sorted = [
            "1.0.dev0",
            "1.0.dev1",
            "1.0a1.dev1",
            "1.0a1",
            "1.0a1+local",
            "1.0a1.post1.dev1",
            "1.0a1.post1",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+abc",
            "1.0+abc.5",
            "1.0+5",
            "1.0+5.abc",
            "1.0+6",
            "1.0.post0.dev0",
            "1.0.post0",
            "1.0.post1",
            "1.0.0.1",
            "1.1",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "1!0",
        ];
        for w in sorted.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.0"), v("1.0.0.0"));
        assert_eq!(v("1.0+1"), v("1.0.0+01"));
        assert_ne!(v("1.0+a"), v("1.0"));
    }

    #[test]
    fn big_numbers() {
        let big = v("18446744073709551616");
        assert_eq!(big.to_string(), "18446744073709551616");
        assert_eq!(big.release()[0].as_u64(), None);
        assert_eq!(
            v("00018446744073709551615").release()[0].as_u64(),
            Some(u64::MAX)
        );
        assert_eq!(
            Num::new(u64::MAX).succ().to_string(),
            "18446744073709551616"
        );
        assert_eq!(
            Num::from_digits(b"99999999999999999999")
                .unwrap()
                .succ()
                .to_string(),
            "100000000000000000000"
        );
    }

    #[test]
    fn literal_kept_only_when_needed() {
        assert!(v("1.0").literal.is_none());
        assert!(v("1.0RC1").literal.is_none());
        assert_eq!(v(" 1.0a").literal.as_deref(), Some(" 1.0a"));
        assert!(v("1.0A").literal_eq("1.0a"));
        assert!(v("1.0rc1").literal_eq("1.0rc1"));
        assert!(!v("1.0c1").literal_eq("1.0rc1"));
    }

    #[test]
    fn helpers() {
        let x = v("1!2.0rc1.post2.dev3+local");
        assert!(x.is_prerelease() && x.is_postrelease() && x.is_devrelease());
        assert_eq!(x.base_version().to_string(), "1!2.0");
        assert_eq!(x.public().to_string(), "1!2.0rc1.post2.dev3");
        assert_eq!(x.release_part(2), Some(0));
        assert_eq!(
            x.pre().map(|(k, n)| (k, n.as_u64())),
            Some((PreKind::Rc, Some(1)))
        );
        assert!(!v("1.0.post1").is_prerelease());
    }
}
