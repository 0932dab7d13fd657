//! Replaced modules (Go's `replace`) as what is built.
//!
//! A replaced component keeps the name and version the manifest requires, and says what is
//! built in `url`: `module@version` (a fork, or the same module at another version, often a
//! security fix) or a local directory. Advisories are about the code that ships, so the
//! replacement is what is matched; the required version, which is not built, is not. A local
//! directory names no version: it is counted as *version unknown*, never matched.

use polyver_model::Component;

/// The component as built, or `None` when the replacement is a local directory.
pub(super) fn as_built(c: &Component) -> Option<Component> {
    let (module, version) = c.url.as_deref()?.rsplit_once('@')?;
    let local = module.is_empty() || module.starts_with(['.', '/', '\\']);
    let versioned = version
        .strip_prefix('v')
        .is_some_and(|v| v.starts_with(|ch: char| ch.is_ascii_digit()));
    if local || !versioned {
        return None;
    }
    let mut built = c.clone();
    built.name = module.to_string();
    built.version = Some(version.to_string());
    built.constraint = None;
    built.replaced = false;
    built.refresh_purl();
    Some(built)
}

#[cfg(test)]
mod tests {
    use super::as_built;
    use polyver_model::{Component, Ecosystem, Format, Kind, Location};

    fn replaced(url: &str) -> Component {
        let mut c = Component::new(
            Kind::Module,
            Ecosystem::Go,
            "github.com/a/b",
            Format::GoMod,
            Location::new("go.mod", 3),
        )
        .with_version("v1.2.3");
        c.replaced = true;
        c.url = Some(url.to_string());
        c
    }

    #[test]
    fn the_replacement_is_what_is_matched() {
        let fork = as_built(&replaced("github.com/me/b@v1.2.4")).unwrap();
        assert_eq!(fork.name, "github.com/me/b");
        assert_eq!(fork.version.as_deref(), Some("v1.2.4"));
        assert!(!fork.replaced);
        assert_eq!(fork.purl, "pkg:golang/github.com/me/b@v1.2.4");
        let bump = as_built(&replaced("github.com/a/b@v1.2.4")).unwrap();
        assert_eq!(
            (bump.name.as_str(), bump.version.as_deref()),
            ("github.com/a/b", Some("v1.2.4"))
        );
        assert!(as_built(&replaced("../b")).is_none());
        assert!(as_built(&replaced("./vendor/b@v1.0.0")).is_none());
        assert!(as_built(&replaced("github.com/me/b@main")).is_none());
    }
}
