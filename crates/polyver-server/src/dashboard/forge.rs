//! Links from a file:line of a stored scan to the file on its forge.
//!
//! A repository is named after its `origin` remote (`github.com/acme/shop`, see
//! `polyver_store::git::name_from_remote`), so for the public forges whose URL layout is
//! known the name says where the file is: the scanned commit (else the branch) of that
//! repository. A name on any other host (a self-hosted forge, a name given by hand) gets no
//! link: a guessed URL that 404s is worse than the plain `path:line`.

/// The forges whose file URLs are known, by host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Forge {
    GitHub,
    GitLab,
    Bitbucket,
    /// Gitea and Forgejo (Codeberg).
    Gitea,
}

fn forge(host: &str) -> Option<Forge> {
    match host {
        "github.com" => Some(Forge::GitHub),
        "gitlab.com" => Some(Forge::GitLab),
        "bitbucket.org" => Some(Forge::Bitbucket),
        "codeberg.org" => Some(Forge::Gitea),
        _ => None,
    }
}

/// Where a repository lives on its forge: the project's web URL and the scanned
/// subdirectory (when `polyver scan` ran below the top of the checkout).
struct Project {
    forge: Forge,
    url: String,
    subdirectory: Vec<String>,
}

fn project(repository: &str) -> Option<Project> {
    let mut segments = repository.split('/');
    let host = segments.next()?;
    let forge = forge(host)?;
    let rest: Vec<&str> = segments.collect();
    if rest.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return None;
    }
    // GitLab nests groups, so its whole path is the project; the others are owner/name.
    let split = match forge {
        Forge::GitLab => rest.len(),
        _ => 2,
    };
    if rest.len() < 2 {
        return None;
    }
    let encode = |s: &&str| crate::api::params::percent_encode(s);
    Some(Project {
        forge,
        url: format!(
            "https://{host}/{}",
            rest[..split]
                .iter()
                .map(encode)
                .collect::<Vec<_>>()
                .join("/")
        ),
        subdirectory: rest[split..].iter().map(encode).collect(),
    })
}

/// The URL of `path` at `line` in `repository` at `revision` (a commit, else a branch), when
/// the repository is on a known forge.
pub(crate) fn file_url(
    repository: &str,
    revision: Option<&str>,
    path: &str,
    line: u32,
) -> Option<String> {
    let project = project(repository)?;
    let revision = revision.filter(|r| !r.is_empty())?;
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if parts.is_empty() || parts.iter().any(|s| *s == "." || *s == "..") {
        return None;
    }
    let mut file = project.subdirectory.clone();
    file.extend(parts.iter().map(|s| crate::api::params::percent_encode(s)));
    let file = file.join("/");
    let revision = crate::api::params::percent_encode(revision);
    let url = project.url;
    Some(match project.forge {
        Forge::GitHub => format!("{url}/blob/{revision}/{file}#L{line}"),
        Forge::GitLab => format!("{url}/-/blob/{revision}/{file}#L{line}"),
        Forge::Bitbucket => format!("{url}/src/{revision}/{file}#lines-{line}"),
        Forge::Gitea => format!("{url}/src/commit/{revision}/{file}#L{line}"),
    })
}

/// The URL of `commit` of `repository`, when the repository is on a known forge.
pub(crate) fn commit_url(repository: &str, commit: &str) -> Option<String> {
    let project = project(repository)?;
    if commit.is_empty() || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let url = project.url;
    Some(match project.forge {
        Forge::GitHub | Forge::Gitea => format!("{url}/commit/{commit}"),
        Forge::GitLab => format!("{url}/-/commit/{commit}"),
        Forge::Bitbucket => format!("{url}/commits/{commit}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "2222222222222222222222222222222222222222";

    #[test]
    fn known_forges_link_to_the_line_at_the_scanned_commit() {
        assert_eq!(
            file_url("github.com/acme/shop", Some(SHA), "requirements.txt", 3).as_deref(),
            Some(
                "https://github.com/acme/shop/blob/2222222222222222222222222222222222222222/requirements.txt#L3"
            )
        );
        // A scanned subdirectory is part of the file's path in the repository.
        assert_eq!(
            file_url(
                "github.com/acme/mono/services/api",
                Some("main"),
                "a b/Dockerfile",
                1
            )
            .as_deref(),
            Some("https://github.com/acme/mono/blob/main/services/api/a%20b/Dockerfile#L1")
        );
        assert_eq!(
            file_url("gitlab.com/group/sub/app", Some(SHA), "x/y.toml", 7).unwrap(),
            format!("https://gitlab.com/group/sub/app/-/blob/{SHA}/x/y.toml#L7")
        );
        assert_eq!(
            file_url("bitbucket.org/t/r", Some(SHA), "p", 2).unwrap(),
            format!("https://bitbucket.org/t/r/src/{SHA}/p#lines-2")
        );
        assert_eq!(
            file_url("codeberg.org/t/r", Some(SHA), "p", 2).unwrap(),
            format!("https://codeberg.org/t/r/src/commit/{SHA}/p#L2")
        );
        assert_eq!(
            commit_url("github.com/acme/shop", SHA).unwrap(),
            format!("https://github.com/acme/shop/commit/{SHA}")
        );
    }

    #[test]
    fn anything_else_gets_no_link() {
        for (repository, revision, path) in [
            ("git.example/acme/shop", Some(SHA), "requirements.txt"),
            ("github.com/acme", Some(SHA), "a"),
            ("github.com/acme/shop", None, "a"),
            ("github.com/acme/shop", Some(SHA), "../etc/passwd"),
            ("github.com/acme/shop", Some(SHA), ""),
            ("github.com//shop", Some(SHA), "a"),
            ("ops/infra", Some(SHA), "a"),
        ] {
            assert_eq!(
                file_url(repository, revision, path, 1),
                None,
                "{repository}"
            );
        }
        assert_eq!(commit_url("github.com/acme/shop", "main\"><x"), None);
    }
}
