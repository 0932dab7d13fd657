//! Version and range semantics per ecosystem.
//!
//! Everything polyver concludes — a vulnerable version, a conflict, drift from an approved
//! version, the next update — rests on comparing versions and testing them against
//! constraints exactly as each ecosystem's own tooling does. Each module implements one
//! ecosystem against its reference implementation (pip's `packaging`, npm's `semver`, the
//! `semver` crate, Maven's `ComparableVersion`, dpkg, RubyGems, NuGet) and is checked against it
//! by differential tests (`tests/differential.rs`).
//!
//! Every module has the same shape: a `Version` (parsed, totally ordered), a `Range` (the
//! ecosystem's constraint syntax, with `contains` = the reference membership test),
//! [`algebra::Constraint`] for range algebra and a `ParseError` enum saying why an input is
//! rejected (with a byte offset where one place is to blame; see [`VersionError`]). This file
//! dispatches on [`Ecosystem`] for callers that only have strings, such as the CLI and the OSV
//! matcher.

pub mod algebra;
pub mod cargo;
pub mod comparators;
pub mod debian;
pub mod docker;
mod error;
pub mod go;
pub mod lag;
pub mod maven;
pub mod npm;
pub mod nuget;
pub mod osv;
pub mod pypi;
pub mod rubygems;
pub mod semver2;

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

pub use algebra::{Bound, Constraint, Intersection, Interval, Term, VersionSet};
pub use error::{InputKind, Reason, SemverError, VersionError};
pub use lag::{bump, distance, is_prerelease, release_parts, Bump};

/// A version scheme, named by polyver's ecosystem ids (PRODUCT.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    Pypi,
    Npm,
    Cargo,
    Go,
    Maven,
    Debian,
    Rubygems,
    Nuget,
    Docker,
    /// Plain SemVer 2.0.0 (also OSV's `SEMVER` range type).
    Semver,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 10] = [
        Ecosystem::Pypi,
        Ecosystem::Npm,
        Ecosystem::Cargo,
        Ecosystem::Go,
        Ecosystem::Maven,
        Ecosystem::Debian,
        Ecosystem::Rubygems,
        Ecosystem::Nuget,
        Ecosystem::Docker,
        Ecosystem::Semver,
    ];

    /// polyver's id: `pypi`, `npm`, `cargo`, ...
    pub fn id(self) -> &'static str {
        match self {
            Ecosystem::Pypi => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Go => "go",
            Ecosystem::Maven => "maven",
            Ecosystem::Debian => "debian",
            Ecosystem::Rubygems => "rubygems",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Docker => "docker",
            Ecosystem::Semver => "semver",
        }
    }

    /// The ecosystem's name in OSV records, where OSV has one.
    pub fn osv_name(self) -> Option<&'static str> {
        Some(match self {
            Ecosystem::Pypi => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::Cargo => "crates.io",
            Ecosystem::Go => "Go",
            Ecosystem::Maven => "Maven",
            Ecosystem::Debian => "Debian",
            Ecosystem::Rubygems => "RubyGems",
            Ecosystem::Nuget => "NuGet",
            Ecosystem::Docker | Ecosystem::Semver => return None,
        })
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An ecosystem name that polyver does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown ecosystem `{0}` (expected one of: pypi, npm, cargo, go, maven, debian, rubygems, nuget, docker, semver)")]
pub struct UnknownEcosystem(pub String);

impl FromStr for Ecosystem {
    type Err = UnknownEcosystem;

    /// Accepts polyver ids and OSV names, case-insensitively (`PyPI`, `crates.io`, `Go`, ...),
    /// plus the aliases that share a scheme (`gradle` → maven, `gem` → rubygems).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let eco = match s.to_ascii_lowercase().as_str() {
            "pypi" | "python" | "pip" => Ecosystem::Pypi,
            "npm" | "node" | "yarn" | "pnpm" => Ecosystem::Npm,
            "cargo" | "crates.io" | "rust" => Ecosystem::Cargo,
            "go" | "golang" => Ecosystem::Go,
            "maven" | "gradle" => Ecosystem::Maven,
            "debian" | "deb" | "dpkg" | "ubuntu" => Ecosystem::Debian,
            "rubygems" | "gem" | "ruby" | "bundler" => Ecosystem::Rubygems,
            "nuget" => Ecosystem::Nuget,
            "docker" | "oci" => Ecosystem::Docker,
            "semver" | "generic" => Ecosystem::Semver,
            _ => return Err(UnknownEcosystem(s.to_string())),
        };
        Ok(eco)
    }
}

/// Runs `$body` with `$m` bound to the module implementing `$eco`.
macro_rules! with_scheme {
    ($eco:expr, $m:ident => $body:expr) => {
        match $eco {
            Ecosystem::Pypi => {
                use crate::pypi as $m;
                $body
            }
            Ecosystem::Npm => {
                use crate::npm as $m;
                $body
            }
            Ecosystem::Cargo => {
                use crate::cargo as $m;
                $body
            }
            Ecosystem::Go => {
                use crate::go as $m;
                $body
            }
            Ecosystem::Maven => {
                use crate::maven as $m;
                $body
            }
            Ecosystem::Debian => {
                use crate::debian as $m;
                $body
            }
            Ecosystem::Rubygems => {
                use crate::rubygems as $m;
                $body
            }
            Ecosystem::Nuget => {
                use crate::nuget as $m;
                $body
            }
            Ecosystem::Docker => {
                use crate::docker as $m;
                $body
            }
            Ecosystem::Semver => {
                use crate::semver2 as $m;
                $body
            }
        }
    };
}

/// A parsed version of any ecosystem. Versions of one ecosystem are totally ordered; comparing
/// versions of two ecosystems orders by ecosystem first (it never panics).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AnyVersion {
    Pypi(pypi::Version),
    Npm(npm::Version),
    Cargo(cargo::Version),
    Go(go::Version),
    Maven(maven::Version),
    Debian(debian::Version),
    Rubygems(rubygems::Version),
    Nuget(nuget::Version),
    Docker(docker::Version),
    Semver(semver2::Version),
}

impl AnyVersion {
    pub fn parse(eco: Ecosystem, input: &str) -> Result<Self, VersionError> {
        macro_rules! parse {
            ($m:ident, $variant:ident) => {
                AnyVersion::$variant(
                    $m::Version::parse(input)
                        .map_err(|r| VersionError::new(eco, InputKind::Version, input, r))?,
                )
            };
        }
        Ok(match eco {
            Ecosystem::Pypi => parse!(pypi, Pypi),
            Ecosystem::Npm => parse!(npm, Npm),
            Ecosystem::Cargo => parse!(cargo, Cargo),
            Ecosystem::Go => parse!(go, Go),
            Ecosystem::Maven => parse!(maven, Maven),
            Ecosystem::Debian => parse!(debian, Debian),
            Ecosystem::Rubygems => parse!(rubygems, Rubygems),
            Ecosystem::Nuget => parse!(nuget, Nuget),
            Ecosystem::Docker => parse!(docker, Docker),
            Ecosystem::Semver => parse!(semver2, Semver),
        })
    }

    pub fn ecosystem(&self) -> Ecosystem {
        match self {
            AnyVersion::Pypi(_) => Ecosystem::Pypi,
            AnyVersion::Npm(_) => Ecosystem::Npm,
            AnyVersion::Cargo(_) => Ecosystem::Cargo,
            AnyVersion::Go(_) => Ecosystem::Go,
            AnyVersion::Maven(_) => Ecosystem::Maven,
            AnyVersion::Debian(_) => Ecosystem::Debian,
            AnyVersion::Rubygems(_) => Ecosystem::Rubygems,
            AnyVersion::Nuget(_) => Ecosystem::Nuget,
            AnyVersion::Docker(_) => Ecosystem::Docker,
            AnyVersion::Semver(_) => Ecosystem::Semver,
        }
    }
}

impl fmt::Display for AnyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyVersion::Pypi(v) => v.fmt(f),
            AnyVersion::Npm(v) => v.fmt(f),
            AnyVersion::Cargo(v) => v.fmt(f),
            AnyVersion::Go(v) => v.fmt(f),
            AnyVersion::Maven(v) => v.fmt(f),
            AnyVersion::Debian(v) => v.fmt(f),
            AnyVersion::Rubygems(v) => v.fmt(f),
            AnyVersion::Nuget(v) => v.fmt(f),
            AnyVersion::Docker(v) => v.fmt(f),
            AnyVersion::Semver(v) => v.fmt(f),
        }
    }
}

/// Whether `input` is a valid version of `eco`.
pub fn is_valid(eco: Ecosystem, input: &str) -> bool {
    with_scheme!(eco, m => m::Version::parse(input).is_ok())
}

/// Orders two versions the ecosystem's way. Docker tags of two variants (`3.11-alpine`,
/// `3.12-slim`) have no order and give an error.
pub fn compare(eco: Ecosystem, a: &str, b: &str) -> Result<Ordering, VersionError> {
    if eco == Ecosystem::Docker {
        let parse = |s: &str| {
            docker::Version::parse(s).map_err(|r| VersionError::new(eco, InputKind::Version, s, r))
        };
        let (va, vb) = (parse(a)?, parse(b)?);
        if va != vb && !va.same_variant(&vb) {
            return Err(VersionError::new(
                eco,
                InputKind::Comparison,
                &format!("`{a}` and `{b}`"),
                Reason::DifferentVariants {
                    a: va.variant().to_string(),
                    b: vb.variant().to_string(),
                },
            ));
        }
        return Ok(va.cmp(&vb));
    }
    with_scheme!(eco, m => {
        let parse = |s: &str| {
            m::Version::parse(s).map_err(|r| VersionError::new(eco, InputKind::Version, s, r))
        };
        Ok(parse(a)?.cmp(&parse(b)?))
    })
}

/// The reference implementation's default membership test (pre-release rules included).
pub fn satisfies(eco: Ecosystem, version: &str, range: &str) -> Result<bool, VersionError> {
    with_scheme!(eco, m => {
        let v = m::Version::parse(version)
            .map_err(|r| VersionError::new(eco, InputKind::Version, version, r))?;
        let r = m::Range::parse(range)
            .map_err(|r| VersionError::new(eco, InputKind::Range, range, r))?;
        Ok(r.contains(&v))
    })
}

/// Checks that `range` is a valid constraint of `eco`.
pub fn validate_range(eco: Ecosystem, range: &str) -> Result<(), VersionError> {
    with_scheme!(eco, m => m::Range::parse(range)
        .map(|_| ())
        .map_err(|r| VersionError::new(eco, InputKind::Range, range, r)))
}

/// Intersects two constraints; an empty result comes with the clauses that clash.
pub fn intersect(eco: Ecosystem, a: &str, b: &str) -> Result<Intersection, VersionError> {
    with_scheme!(eco, m => {
        let parse = |s: &str| {
            m::Range::parse(s).map_err(|r| VersionError::new(eco, InputKind::Range, s, r))
        };
        Ok(algebra::intersect(&parse(a)?, &parse(b)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystem_ids_round_trip() {
        for eco in Ecosystem::ALL {
            assert_eq!(eco.id().parse::<Ecosystem>().unwrap(), eco);
            if let Some(osv) = eco.osv_name() {
                assert_eq!(osv.parse::<Ecosystem>().unwrap(), eco);
            }
        }
        assert!("cobol".parse::<Ecosystem>().is_err());
    }

    #[test]
    fn errors_name_input_and_ecosystem() {
        let e = compare(Ecosystem::Pypi, "1.0", "not a version").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("invalid pypi version `not a version`: "),
            "{msg}"
        );
        let e = satisfies(Ecosystem::Npm, "1.0.0", ">=>1").unwrap_err();
        assert!(
            e.to_string().starts_with("invalid npm range `>=>1`: "),
            "{e}"
        );
    }

    #[test]
    fn errors_are_typed_and_point_at_the_culprit() {
        let e = satisfies(Ecosystem::Pypi, "1.0", ">=1.0, <2.0x").unwrap_err();
        assert_eq!(e.kind, InputKind::Range);
        assert!(
            matches!(&e.reason, Reason::Pypi(pypi::ParseError::Specifier { item, .. }) if item == "<2.0x"),
            "{e:?}"
        );
        assert_eq!(e.offset(), Some(11), "the `x`");
        assert_eq!(
            e.to_string(),
            "invalid pypi range `>=1.0, <2.0x`: invalid specifier `<2.0x`: expected the end of the version at `x`"
        );

        let e = compare(Ecosystem::Debian, "1.0", "1:2.0_1").unwrap_err();
        assert_eq!(
            e.reason,
            Reason::Debian(debian::ParseError::UpstreamChar { at: 5 })
        );
        assert_eq!(e.offset(), Some(5));
        assert_eq!(
            e.to_string(),
            "invalid debian version `1:2.0_1`: invalid character in version number"
        );

        let e = compare(Ecosystem::Pypi, "1.0", "1.0..0").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid pypi version `1.0..0`: empty release component"
        );
        assert_eq!(e.offset(), Some(4), "the empty component between the dots");

        let e = validate_range(Ecosystem::Maven, "[1.0, 2 0]").unwrap_err();
        assert_eq!(e.offset(), Some(7), "the space inside `2 0`");

        let e = validate_range(Ecosystem::Go, ">=v1.2.0, <v1.x").unwrap_err();
        assert_eq!(e.offset(), Some(14), "the `x`");

        let e = compare(Ecosystem::Docker, "3.11-alpine", "3.12-slim").unwrap_err();
        assert_eq!(e.kind, InputKind::Comparison);
        assert_eq!(
            e.reason,
            Reason::DifferentVariants {
                a: "alpine".into(),
                b: "slim".into()
            }
        );
        assert_eq!(e.offset(), None);
    }
}
