//! How far one version is behind another: the numeric release parts, whether a version is a
//! pre-release, and the kind of bump between two versions — what `outdated` and `plan` need
//! to say "2 majors behind" in each ecosystem's terms.
//!
//! The release parts are read from the version text the way each ecosystem numbers its
//! releases (`1.2.3`, `v1.2.3` for Go, `2!1.0` with a PEP 440 epoch, `1:2.3-1` with a dpkg
//! epoch, `3.10.12` of a Docker tag); an epoch change counts as a major bump.

use crate::{AnyVersion, Ecosystem, VersionError};

/// The kind of difference between two versions, largest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Same release numbers; only a pre-release, build or qualifier differs.
    Other,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Major => "major",
            Bump::Minor => "minor",
            Bump::Patch => "patch",
            Bump::Other => "other",
        }
    }

    /// The bump [`Bump::as_str`] names.
    pub fn from_id(id: &str) -> Option<Bump> {
        [Bump::Major, Bump::Minor, Bump::Patch, Bump::Other]
            .into_iter()
            .find(|b| b.as_str() == id)
    }
}

/// Maven qualifiers that mark a pre-release (`ComparableVersion`'s alpha, beta, milestone,
/// rc/cr, snapshot, and their one-letter forms), plus `preview`/`ea`/`dev` as used in the wild.
const MAVEN_PRE: &[&str] = &[
    "alpha",
    "a",
    "beta",
    "b",
    "milestone",
    "m",
    "rc",
    "cr",
    "snapshot",
    "preview",
    "ea",
    "dev",
];

/// Whether `version` is a pre-release in `eco`'s terms (PEP 440 pre/dev releases, SemVer
/// pre-release identifiers, Maven's alpha/beta/milestone/rc/snapshot qualifiers, ...).
pub fn is_prerelease(eco: Ecosystem, version: &str) -> Result<bool, VersionError> {
    Ok(match AnyVersion::parse(eco, version)? {
        AnyVersion::Pypi(v) => v.is_prerelease(),
        AnyVersion::Npm(v) => v.is_prerelease(),
        AnyVersion::Cargo(v) => !v.0.pre.is_empty(),
        AnyVersion::Go(v) => v.is_prerelease(),
        AnyVersion::Maven(_) => maven_tokens(version).any(|t| MAVEN_PRE.contains(&t.as_str())),
        AnyVersion::Debian(_) => false,
        AnyVersion::Rubygems(v) => v.is_prerelease(),
        AnyVersion::Nuget(v) => v.is_prerelease(),
        AnyVersion::Docker(v) => v.is_prerelease(),
        AnyVersion::Semver(v) => v.is_prerelease(),
    })
}

/// Maven version tokens: split at `.`/`-`/`_` and at digit↔letter transitions, lower-case.
fn maven_tokens(version: &str) -> impl Iterator<Item = String> + '_ {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut last_digit = None;
    for c in version.chars() {
        if matches!(c, '.' | '-' | '_') {
            tokens.push(std::mem::take(&mut current));
            last_digit = None;
            continue;
        }
        let digit = c.is_ascii_digit();
        if last_digit.is_some_and(|d| d != digit) {
            tokens.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
        last_digit = Some(digit);
    }
    tokens.push(current);
    tokens.into_iter().filter(|t| !t.is_empty())
}

/// The epoch and the numeric release parts of a valid `version` (`v1.2.3` → (0, [1, 2, 3])).
pub fn release_parts(eco: Ecosystem, version: &str) -> Result<(u64, Vec<u64>), VersionError> {
    let parsed = AnyVersion::parse(eco, version)?;
    if let AnyVersion::Docker(v) = &parsed {
        return Ok((0, v.release().to_vec()));
    }
    let text = version.trim();
    let (epoch, rest) = match eco {
        Ecosystem::Pypi => split_epoch(text, '!'),
        Ecosystem::Debian => split_epoch(text, ':'),
        _ => (0, text),
    };
    let rest = rest.trim_start_matches(['v', 'V', '=']);
    let mut parts = Vec::new();
    for piece in rest.split('.') {
        let digits: &str = &piece[..piece
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(piece.len())];
        match digits.parse::<u64>() {
            Ok(n) => parts.push(n),
            Err(_) => break,
        }
        if digits.len() != piece.len() {
            break;
        }
    }
    Ok((epoch, parts))
}

fn split_epoch(text: &str, separator: char) -> (u64, &str) {
    match text.split_once(separator) {
        Some((epoch, rest)) if epoch.chars().all(|c| c.is_ascii_digit()) => {
            (epoch.parse().unwrap_or(0), rest)
        }
        _ => (0, text),
    }
}

/// The kind of bump from `from` to `to` (in either direction): the first release part that
/// differs (missing parts count as 0), an epoch change being major. Both must be valid.
pub fn bump(eco: Ecosystem, from: &str, to: &str) -> Result<Bump, VersionError> {
    let (ea, a) = release_parts(eco, from)?;
    let (eb, b) = release_parts(eco, to)?;
    if ea != eb {
        return Ok(Bump::Major);
    }
    let at = |parts: &[u64], i: usize| parts.get(i).copied().unwrap_or(0);
    let len = a.len().max(b.len());
    let first = (0..len).find(|&i| at(&a, i) != at(&b, i));
    Ok(match first {
        None => Bump::Other,
        Some(0) => Bump::Major,
        Some(1) => Bump::Minor,
        Some(_) => Bump::Patch,
    })
}

/// How many releases of each kind separate `from` and `to`, as `outdated` reports it:
/// (majors, minors, patches) where only the largest kind is non-zero — `1.2.3` → `3.0.1` is
/// 2 majors behind, `1.2.3` → `1.4.0` is 2 minors behind. `None` when `to` is not newer.
pub fn distance(
    eco: Ecosystem,
    from: &str,
    to: &str,
) -> Result<Option<(u64, u64, u64)>, VersionError> {
    if crate::compare(eco, from, to)? != std::cmp::Ordering::Less {
        return Ok(None);
    }
    let (ea, a) = release_parts(eco, from)?;
    let (eb, b) = release_parts(eco, to)?;
    let at = |parts: &[u64], i: usize| parts.get(i).copied().unwrap_or(0);
    if ea != eb {
        return Ok(Some((eb.saturating_sub(ea).max(1), 0, 0)));
    }
    Ok(Some(match bump(eco, from, to)? {
        Bump::Major => (at(&b, 0).saturating_sub(at(&a, 0)).max(1), 0, 0),
        Bump::Minor => (0, at(&b, 1).saturating_sub(at(&a, 1)).max(1), 0),
        Bump::Patch => {
            let i = (2..a.len().max(b.len()))
                .find(|&i| at(&a, i) != at(&b, i))
                .unwrap_or(2);
            (0, 0, at(&b, i).saturating_sub(at(&a, i)).max(1))
        }
        Bump::Other => (0, 0, 0),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ecosystem::*;

    #[test]
    fn prereleases_per_ecosystem() {
        for (eco, v, pre) in [
            (Pypi, "1.0a1", true),
            (Pypi, "1.0.dev3", true),
            (Pypi, "1.0.post1", false),
            (Npm, "1.0.0-beta.1", true),
            (Npm, "1.0.0", false),
            (Cargo, "1.0.0-rc.1", true),
            (Go, "v1.2.0-pre", true),
            (Go, "v1.2.0", false),
            (Maven, "2.0.0-M3", true),
            (Maven, "5.3.0.RC1", true),
            (Maven, "1.0-SNAPSHOT", true),
            (Maven, "32.1.2-jre", false),
            (Maven, "1.0.Final", false),
            (Rubygems, "7.1.0.beta1", true),
            (Nuget, "6.0.0-preview.7", true),
            (Docker, "3.13.0rc2-slim", true),
            (Docker, "3.12.1-slim", false),
        ] {
            assert_eq!(is_prerelease(eco, v).unwrap(), pre, "{eco:?} {v}");
        }
    }

    #[test]
    fn bumps_and_distances() {
        assert_eq!(bump(Pypi, "1.2.3", "2.0").unwrap(), Bump::Major);
        assert_eq!(bump(Pypi, "1.2.3", "1.3").unwrap(), Bump::Minor);
        assert_eq!(bump(Pypi, "1.2.3", "1.2.4").unwrap(), Bump::Patch);
        assert_eq!(bump(Pypi, "1.2", "1.2.0.post1").unwrap(), Bump::Other);
        assert_eq!(bump(Pypi, "1.2", "1!1.2").unwrap(), Bump::Major);
        assert_eq!(bump(Go, "v1.2.3", "v1.2.4").unwrap(), Bump::Patch);
        assert_eq!(
            bump(Docker, "3.10.12-slim", "3.12.1-slim").unwrap(),
            Bump::Minor
        );
        assert_eq!(bump(Debian, "1:2.3-1", "2:2.3-1").unwrap(), Bump::Major);
        assert_eq!(distance(Npm, "1.2.3", "4.0.1").unwrap(), Some((3, 0, 0)));
        assert_eq!(distance(Npm, "1.2.3", "1.5.0").unwrap(), Some((0, 3, 0)));
        assert_eq!(distance(Npm, "1.2.3", "1.2.9").unwrap(), Some((0, 0, 6)));
        assert_eq!(distance(Npm, "1.2.3", "1.2.3").unwrap(), None);
        assert_eq!(distance(Npm, "2.0.0", "1.0.0").unwrap(), None);
        assert_eq!(
            distance(Maven, "1.2.3.4", "1.2.3.7").unwrap(),
            Some((0, 0, 3))
        );
        assert!(bump(Npm, "not a version", "1.0.0").is_err());
    }
}
