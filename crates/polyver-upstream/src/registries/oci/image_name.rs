//! Image names as polyver's extractors write them (`postgres`, `bitnami/redis`,
//! `ghcr.io/owner/img`, `registry:5000/x/y`), split into the registry that holds the image
//! and the repository path the Registry API names it by.
//!
//! Docker's rule decides: the first path part is a registry host when it has a `.` or a `:`
//! or is `localhost`; otherwise the image is on Docker Hub, where a one-part name is an
//! official image under `library/`. The extractors already drop `docker.io/` and
//! `library/`; names written by hand with them are accepted too.

use crate::UpstreamError;

/// Host names that are Docker Hub, as image references write them.
const DOCKER_HUB_HOSTS: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io"];

/// The OCI distribution spec's limit on a repository name.
const MAX_NAME_LENGTH: usize = 255;

/// Where an image lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageName {
    /// The registry host (and port) as written, lower-cased; `None` for Docker Hub.
    pub host: Option<String>,
    /// The repository within the registry (`library/postgres`, `owner/img`).
    pub repository: String,
}

impl ImageName {
    /// Splits and checks a component name; a name the Registry API cannot express is
    /// [`UpstreamError::BadName`].
    pub(crate) fn parse(name: &str) -> Result<ImageName, UpstreamError> {
        let bad = |reason: &str| UpstreamError::BadName {
            name: name.to_string(),
            reason: reason.to_string(),
        };
        if name.is_empty() {
            return Err(bad("the image name is empty"));
        }
        if name.contains(['@', ' ']) || name.ends_with('/') {
            return Err(bad(
                "not an image name (a name has no tag, digest or spaces)",
            ));
        }
        let (host, path) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':']) || first.eq_ignore_ascii_case("localhost") =>
            {
                (Some(first.to_ascii_lowercase()), rest)
            }
            _ => (None, name),
        };
        let host = host.filter(|h| !DOCKER_HUB_HOSTS.contains(&h.as_str()));
        if let Some(host) = &host {
            if !is_host(host) {
                return Err(bad(&format!("`{host}` is not a registry host[:port]")));
            }
        }
        let repository = if host.is_none() && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_string()
        };
        if repository.len() > MAX_NAME_LENGTH {
            return Err(bad("a repository name is at most 255 characters"));
        }
        if let Some(part) = repository.split('/').find(|p| !is_path_component(p)) {
            return Err(bad(&format!(
                "`{part}` is not a repository path component (lower-case letters and digits, \
                 separated by `.`, `_`, `__` or dashes)"
            )));
        }
        Ok(ImageName { host, repository })
    }
}

/// Checks a tag against the OCI distribution spec (`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`).
pub(crate) fn check_tag(name: &str, tag: &str) -> Result<(), UpstreamError> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let valid = tag.len() <= 128
        && tag.chars().next().is_some_and(word)
        && tag.chars().all(|c| word(c) || c == '.' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(UpstreamError::BadName {
            name: format!("{name}:{tag}"),
            reason: format!("`{tag}` is not an image tag"),
        })
    }
}

/// Whether `host` (with an optional port) is this machine, where registries serve plain
/// HTTP (Docker treats these as insecure registries too).
pub(crate) fn is_loopback(host: &str) -> bool {
    let name = if host.starts_with('[') {
        host.split_once(']')
            .map_or(host, |(h, _)| h)
            .trim_start_matches('[')
    } else {
        host.split_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `domain[:port]` of the reference grammar, or `[ipv6][:port]`.
fn is_host(host: &str) -> bool {
    let (name_ok, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((address, after)) = rest.split_once(']') else {
            return false;
        };
        let port = match after {
            "" => None,
            after => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return false,
            },
        };
        (address.parse::<std::net::Ipv6Addr>().is_ok(), port)
    } else {
        let (name, port) = match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        };
        let label_ok = |label: &str| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        (name.split('.').all(label_ok), port)
    };
    name_ok
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, a part of a repository path.
fn is_path_component(part: &str) -> bool {
    let alphanumeric = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = part.as_bytes();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && alphanumeric(bytes[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == bytes.len() {
            return true;
        }
        let start = i;
        while i < bytes.len() && !alphanumeric(bytes[i]) {
            i += 1;
        }
        match &part[start..i] {
            "." | "_" | "__" => {}
            dashes if dashes.bytes().all(|b| b == b'-') => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str) -> (Option<String>, String) {
        let n = ImageName::parse(name).unwrap();
        (n.host, n.repository)
    }

    #[test]
    fn docker_hub_names_get_library_for_official_images() {
        assert_eq!(parse("postgres"), (None, "library/postgres".into()));
        assert_eq!(parse("bitnami/redis"), (None, "bitnami/redis".into()));
        assert_eq!(
            parse("docker.io/library/python"),
            (None, "library/python".into())
        );
        assert_eq!(parse("docker.io/python"), (None, "library/python".into()));
        assert_eq!(
            parse("index.docker.io/grafana/grafana"),
            (None, "grafana/grafana".into())
        );
    }

    #[test]
    fn a_first_part_with_a_dot_a_port_or_localhost_is_a_registry() {
        let host = |h: &str| Some(h.to_string());
        assert_eq!(
            parse("ghcr.io/owner/img"),
            (host("ghcr.io"), "owner/img".into())
        );
        assert_eq!(
            parse("registry:5000/x/y"),
            (host("registry:5000"), "x/y".into())
        );
        assert_eq!(parse("localhost/app"), (host("localhost"), "app".into()));
        assert_eq!(
            parse("127.0.0.1:5000/app"),
            (host("127.0.0.1:5000"), "app".into())
        );
        assert_eq!(parse("[::1]:5000/app"), (host("[::1]:5000"), "app".into()));
        assert_eq!(
            parse("public.ecr.aws/docker/library/node"),
            (host("public.ecr.aws"), "docker/library/node".into())
        );
        // Without a dot, port or `localhost`, the first part is a Docker Hub namespace.
        assert_eq!(parse("registry/x"), (None, "registry/x".into()));
    }

    #[test]
    fn names_the_api_cannot_express_are_bad_names() {
        for name in [
            "",
            "Postgres",
            "postgres:16",
            "postgres@sha256:abc",
            "a//b",
            "ghcr.io/",
            "-x",
            "x-",
            "a...b",
            "a___b",
            "ghcr.io:port/x",
            "bad_host.io:/x",
        ] {
            let err = ImageName::parse(name).unwrap_err();
            assert!(
                matches!(err, UpstreamError::BadName { .. }),
                "{name}: {err}"
            );
        }
        let long = format!("team/{}", "a".repeat(251));
        assert!(ImageName::parse(&long).is_err());
        // Separators the grammar allows.
        for name in ["a.b", "a_b", "a__b", "a---b", "team/a-b.c_d"] {
            ImageName::parse(name).unwrap();
        }
    }

    #[test]
    fn tags_follow_the_distribution_grammar() {
        for tag in ["latest", "3.10.12-slim-bookworm", "_x", "1.0.0-alpine"] {
            check_tag("python", tag).unwrap();
        }
        for tag in ["", ".x", "-x", "a/b", "a:b", &"a".repeat(129)] {
            assert!(check_tag("python", tag).is_err(), "{tag}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:5000",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["ghcr.io", "10.0.0.1:5000", "localhost.example.com"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
