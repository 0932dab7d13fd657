//! Which release a distribution file belongs to, read from its name as the packaging
//! specifications write it: wheels (`{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`,
//! the name escaped to `_`), eggs (`{name}-{version}(-{python}(-{platform})?)?.egg`), and
//! source distributions (`{name}-{version}.tar.gz` / `.zip`, and the older archive suffixes pip
//! still accepts), whose legacy names may keep `-` in the project name
//! (`python-dateutil-2.8.2.tar.gz`). Names compare normalized (PEP 503), so
//! `Polyver_Demo-1.0.tar.gz` belongs to `polyver-demo`.
//!
//! Installers, executables and anything else whose name says no version are not attributed:
//! the caller leaves them out rather than guess.

use polyver_model::normalize_pypi_name;
use polyver_version::pypi::Version;

/// Source archive suffixes, as pip's `SUPPORTED_EXTENSIONS` has them besides `.whl`.
const SDIST_SUFFIXES: &[&str] = &[
    ".tar.gz",
    ".zip",
    ".tar.bz2",
    ".tgz",
    ".tar.xz",
    ".tar",
    ".tbz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
];

/// The version in `filename` when it is a distribution of the project whose normalized name
/// is `project`; `None` when it is not one or its name says no version.
pub(crate) fn version_of<'f>(filename: &'f str, project: &str) -> Option<&'f str> {
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".whl") {
        let parts: Vec<&str> = filename[..filename.len() - 4].split('-').collect();
        return match parts.as_slice() {
            [name, version, _, _, _] | [name, version, _, _, _, _] => own(name, version, project),
            _ => None,
        };
    }
    if lower.ends_with(".egg") {
        let mut parts = filename[..filename.len() - 4].split('-');
        let (name, version) = (parts.next()?, parts.next()?);
        return own(name, version, project);
    }
    let suffix = SDIST_SUFFIXES.iter().find(|s| lower.ends_with(*s))?;
    sdist_version(&filename[..filename.len() - suffix.len()], project)
}

fn own<'f>(name: &str, version: &'f str, project: &str) -> Option<&'f str> {
    (!version.is_empty() && normalize_pypi_name(name) == project).then_some(version)
}

/// `{name}-{version}` where the name may itself contain `-`: every split whose left side is
/// the project is a candidate; the one whose right side is a PEP 440 version wins (so
/// `foo-bar-1.0` is not version `bar-1.0` of `foo`), else the first that starts with a digit.
fn sdist_version<'f>(stem: &'f str, project: &str) -> Option<&'f str> {
    let candidates: Vec<&str> = stem
        .match_indices('-')
        .filter(|(at, _)| normalize_pypi_name(&stem[..*at]) == project)
        .map(|(at, _)| &stem[at + 1..])
        .filter(|version| !version.is_empty())
        .collect();
    candidates
        .iter()
        .find(|v| Version::parse(v).is_ok())
        .or_else(|| {
            candidates
                .iter()
                .find(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::version_of;

    #[test]
    fn wheels_with_and_without_build_tags() {
        let wheel = "Polyver_Demo-1.0.0-py3-none-any.whl";
        assert_eq!(version_of(wheel, "polyver-demo"), Some("1.0.0"));
        let built = "numpy-2.1.0-1-cp312-cp312-manylinux_2_17_x86_64.whl";
        assert_eq!(version_of(built, "numpy"), Some("2.1.0"));
        assert_eq!(version_of("numpy-2.1.0-py3-none.whl", "numpy"), None);
        assert_eq!(version_of(wheel, "polyver"), None);
    }

    #[test]
    fn source_distributions_modern_and_legacy() {
        assert_eq!(
            version_of("requests-2.32.3.tar.gz", "requests"),
            Some("2.32.3")
        );
        assert_eq!(
            version_of("zope.interface-6.0.zip", "zope-interface"),
            Some("6.0")
        );
        assert_eq!(
            version_of("zope_interface-7.0.tar.gz", "zope-interface"),
            Some("7.0")
        );
        assert_eq!(
            version_of("python-dateutil-2.8.2.tar.gz", "python-dateutil"),
            Some("2.8.2")
        );
        assert_eq!(version_of("Django-1.2.TAR.BZ2", "django"), Some("1.2"));
        assert_eq!(version_of("foo-bar-1.0.tar.gz", "foo"), None);
        assert_eq!(version_of("foo-1.0-beta.tgz", "foo"), Some("1.0-beta"));
        assert_eq!(version_of("foo-.tar.gz", "foo"), None);
    }

    #[test]
    fn eggs_and_unattributable_files() {
        assert_eq!(version_of("six-1.4.0-py2.7.egg", "six"), Some("1.4.0"));
        assert_eq!(version_of("six-1.4.0.win32.exe", "six"), None);
        assert_eq!(version_of("six-1.4.0.tar.gz.asc", "six"), None);
        assert_eq!(version_of("README", "six"), None);
    }
}
