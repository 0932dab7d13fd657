//! The version engine as the analyses need it: ranges as interval sets, compared with each
//! other, per scheme. Components' constraints are turned into engine ranges here (Poetry's
//! `^`/`~` syntax translated to PEP 440), so every rule reads versions the same way.

use polyver_config::approved::normalize_range;
use polyver_model::{Component, Ecosystem, Kind};
use polyver_version::algebra::{Bound, Constraint};
use polyver_version::Ecosystem as Scheme;

macro_rules! with_range {
    ($eco:expr, $m:ident => $body:expr) => {
        match $eco {
            Scheme::Pypi => {
                use polyver_version::pypi as $m;
                $body
            }
            Scheme::Npm => {
                use polyver_version::npm as $m;
                $body
            }
            Scheme::Cargo => {
                use polyver_version::cargo as $m;
                $body
            }
            Scheme::Go => {
                use polyver_version::go as $m;
                $body
            }
            Scheme::Maven => {
                use polyver_version::maven as $m;
                $body
            }
            Scheme::Debian => {
                use polyver_version::debian as $m;
                $body
            }
            Scheme::Rubygems => {
                use polyver_version::rubygems as $m;
                $body
            }
            Scheme::Nuget => {
                use polyver_version::nuget as $m;
                $body
            }
            Scheme::Docker => {
                use polyver_version::docker as $m;
                $body
            }
            Scheme::Semver => {
                use polyver_version::semver2 as $m;
                $body
            }
        }
    };
}

/// How the versions admitted by one range relate to another's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Every version of the first is in the second.
    Within,
    /// Some are, some are not.
    Overlap,
    /// None is.
    Disjoint,
}

/// Relates range `a` to range `b`, both valid ranges of `scheme`.
pub fn relation(scheme: Scheme, a: &str, b: &str) -> Result<Relation, String> {
    with_range!(scheme, m => {
        let ra = m::Range::parse(a).map_err(|e| format!("`{a}`: {e}"))?;
        let rb = m::Range::parse(b).map_err(|e| format!("`{b}`: {e}"))?;
        let (sa, sb) = (ra.to_set(), rb.to_set());
        Ok(if sa.is_subset(&sb) {
            Relation::Within
        } else if sa.is_disjoint(&sb) {
            Relation::Disjoint
        } else {
            Relation::Overlap
        })
    })
}

/// Whether any of `versions` satisfies `range` (the reference's membership test), parsing
/// the range once. Versions the engine cannot read count as satisfying: never a false alarm.
pub fn satisfies_any<'v>(
    scheme: Scheme,
    range: &str,
    versions: impl IntoIterator<Item = &'v str>,
) -> Result<bool, String> {
    with_range!(scheme, m => {
        let r = m::Range::parse(range).map_err(|e| e.to_string())?;
        Ok(versions
            .into_iter()
            .any(|v| m::Version::parse(v).map_or(true, |v| r.contains(&v))))
    })
}

/// Whether a range admits arbitrarily new versions (`>=1.0`, `*`).
pub fn upper_unbounded(scheme: Scheme, range: &str) -> Result<bool, String> {
    with_range!(scheme, m => {
        let r = m::Range::parse(range).map_err(|e| e.to_string())?;
        let set = r.to_set();
        Ok(set
            .intervals()
            .last()
            .is_some_and(|i| matches!(i.upper, Bound::Unbounded)))
    })
}

/// The version scheme of a component: the ecosystem's, a runtime's (`python` PEP 440, `node`
/// npm) for runtimes and for images of a known runtime.
pub fn scheme_of(c: &Component) -> Option<Scheme> {
    match c.kind {
        Kind::Image => image_runtime(&c.name).map(|r| polyver_config::approved::runtime_scheme(&r)),
        Kind::Runtime | Kind::Tool if c.ecosystem == Ecosystem::Generic => {
            Some(polyver_config::approved::runtime_scheme(
                &polyver_config::approved::runtime_name(&c.name),
            ))
        }
        _ => c.ecosystem.version_scheme(&c.name),
    }
}

/// The runtime or service an image provides, by its repository's last path segment:
/// `python`, `docker.io/library/node` → `node`, `postgres` → `postgresql`, `golang` → `go`,
/// `eclipse-temurin`/`openjdk`/`amazoncorretto` → `java`. Images with a registry host or
/// organisation other than Docker Hub's library are products of their own (`bitnami/redis`
/// still names redis: the last segment decides).
pub fn image_runtime(name: &str) -> Option<String> {
    let last = name.rsplit('/').next()?;
    if last.is_empty() || last.contains('$') {
        return None;
    }
    Some(match last {
        "eclipse-temurin" | "openjdk" | "amazoncorretto" => "java".to_string(),
        other => polyver_config::approved::runtime_name(other),
    })
}

/// The numeric release at the start of an image tag: `3.11-slim` → `3.11`,
/// `18.19.0-alpine3.18` → `18.19.0`; `None` for `latest`, `bookworm` and the like.
pub fn tag_release(tag: &str) -> Option<&str> {
    let tag = tag.strip_prefix('v').unwrap_or(tag);
    let end = tag
        .char_indices()
        .find(|&(i, ch)| !(ch.is_ascii_digit() || (ch == '.' && i > 0)))
        .map_or(tag.len(), |(i, _)| i);
    let release = tag[..end].trim_end_matches('.');
    (!release.is_empty()).then_some(release)
}

/// What a component says about its version, as a range of `scheme`: its exact version (an
/// image's release number; a partial `3.11` meaning that series), else its constraint.
pub fn value_range(c: &Component, scheme: Scheme) -> Option<Result<String, String>> {
    if let Some(v) = c.version.as_deref() {
        let v = if c.kind == Kind::Image {
            tag_release(v)?
        } else {
            v
        };
        let v = if scheme == Scheme::Npm {
            v
        } else {
            v.strip_prefix('v').unwrap_or(v)
        };
        return Some(normalize_range(scheme, v));
    }
    constraint_range(c, scheme)
}

/// A component's constraint as an engine range (Poetry syntax translated for PyPI).
pub fn constraint_range(c: &Component, scheme: Scheme) -> Option<Result<String, String>> {
    let raw = c.constraint.as_ref()?.raw.trim();
    if raw.is_empty() {
        return None;
    }
    if polyver_version::validate_range(scheme, raw).is_ok() {
        return Some(Ok(raw.to_string()));
    }
    if scheme == Scheme::Pypi {
        if let Some(t) = poetry_to_pep440(raw) {
            if polyver_version::validate_range(scheme, &t).is_ok() {
                return Some(Ok(t));
            }
        }
    }
    Some(
        polyver_version::validate_range(scheme, raw)
            .map(|()| raw.to_string())
            .map_err(|e| e.to_string()),
    )
}

/// Poetry's constraint syntax as a PEP 440 specifier set: `^1.2` → `>=1.2,<2.0`, `~1.2` →
/// `>=1.2,<1.3`, `1.2.*` → `==1.2.*`, `*` → no bound, a bare version → `==`; clauses joined
/// by commas or spaces. `None` for `||` unions (not one interval set in PEP 440).
pub fn poetry_to_pep440(raw: &str) -> Option<String> {
    if raw.contains("||") {
        return None;
    }
    let mut clauses = Vec::new();
    let mut pending_op: Option<&str> = None;
    for token in raw.split([',', ' ']).filter(|t| !t.is_empty()) {
        // `>= 1.2` written with a space: join the operator with its version.
        if matches!(token, ">=" | "<=" | ">" | "<" | "==" | "!=" | "~=") {
            pending_op = Some(token);
            continue;
        }
        if let Some(op) = pending_op.take() {
            clauses.push(format!("{op}{token}"));
            continue;
        }
        clauses.push(poetry_clause(token)?);
    }
    Some(
        clauses
            .into_iter()
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(","),
    )
}

fn poetry_clause(token: &str) -> Option<String> {
    if token == "*" {
        return Some(">=0".into());
    }
    if let Some(v) = token.strip_prefix('^') {
        let parts = numeric_parts(v)?;
        let first_nonzero = parts
            .iter()
            .position(|&p| p != 0)
            .unwrap_or(parts.len() - 1);
        let idx = first_nonzero.min(parts.len() - 1);
        let mut upper: Vec<u64> = parts[..=idx].to_vec();
        upper[idx] += 1;
        return Some(format!(">={v},<{}", join(&upper)));
    }
    if let Some(v) = token.strip_prefix('~').filter(|v| !v.starts_with('=')) {
        let parts = numeric_parts(v)?;
        let upper: Vec<u64> = if parts.len() == 1 {
            vec![parts[0] + 1]
        } else {
            vec![parts[0], parts[1] + 1]
        };
        return Some(format!(">={v},<{}", join(&upper)));
    }
    if token.ends_with(".*") && token.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(format!("=={token}"));
    }
    if token.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(format!("=={token}"));
    }
    Some(token.to_string())
}

fn numeric_parts(v: &str) -> Option<Vec<u64>> {
    let parts: Option<Vec<u64>> = v.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

fn join(parts: &[u64]) -> String {
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_constraints() {
        assert_eq!(poetry_to_pep440("^1.2").unwrap(), ">=1.2,<2");
        assert_eq!(poetry_to_pep440("^0.2.3").unwrap(), ">=0.2.3,<0.3");
        assert_eq!(poetry_to_pep440("^0.0.3").unwrap(), ">=0.0.3,<0.0.4");
        assert_eq!(poetry_to_pep440("~1.2").unwrap(), ">=1.2,<1.3");
        assert_eq!(poetry_to_pep440("~1").unwrap(), ">=1,<2");
        assert_eq!(poetry_to_pep440("1.2.*").unwrap(), "==1.2.*");
        assert_eq!(poetry_to_pep440("*").unwrap(), ">=0");
        assert_eq!(poetry_to_pep440("1.2.3").unwrap(), "==1.2.3");
        assert_eq!(poetry_to_pep440(">= 1.2, < 1.5").unwrap(), ">=1.2,<1.5");
        assert!(poetry_to_pep440("^1 || ^2").is_none());
    }

    #[test]
    fn relations_and_bounds() {
        assert_eq!(
            relation(Scheme::Pypi, "==3.11.*", ">=3.10").unwrap(),
            Relation::Within
        );
        assert_eq!(
            relation(Scheme::Pypi, "==3.9.*", ">=3.10").unwrap(),
            Relation::Disjoint
        );
        assert_eq!(
            relation(Scheme::Npm, ">=16", "^18").unwrap(),
            Relation::Overlap
        );
        assert!(upper_unbounded(Scheme::Pypi, ">=1.0").unwrap());
        assert!(!upper_unbounded(Scheme::Pypi, ">=1.0,<2").unwrap());
        assert!(!upper_unbounded(Scheme::Npm, "^1.2.3").unwrap());
        assert!(upper_unbounded(Scheme::Npm, "*").unwrap());
    }

    #[test]
    fn image_names_and_tags() {
        assert_eq!(
            image_runtime("docker.io/library/postgres").unwrap(),
            "postgresql"
        );
        assert_eq!(image_runtime("golang").unwrap(), "go");
        assert_eq!(tag_release("3.11-slim"), Some("3.11"));
        assert_eq!(tag_release("18.19.0-alpine3.18"), Some("18.19.0"));
        assert_eq!(tag_release("latest"), None);
        assert_eq!(tag_release("v1.2.3"), Some("1.2.3"));
    }
}
