//! Remote URLs to forges: the URL forms git accepts, forge detection by host, API bases,
//! and which token variable wins.

use polyver_forge::{forge_for_remote, parse_remote, ForgeError, ForgeKind, ForgeSettings};

fn location(url: &str) -> (String, Option<u16>, String, Option<ForgeKind>) {
    let l = parse_remote(url).unwrap();
    (l.host.clone(), l.port, l.path.clone(), l.known_kind())
}

#[test]
fn https_ssh_and_scp_like_urls() {
    let github = (
        "github.com".to_string(),
        None,
        "octo/app".to_string(),
        Some(ForgeKind::Github),
    );
    assert_eq!(location("https://github.com/octo/app.git"), github);
    assert_eq!(location("https://github.com/octo/app"), github);
    assert_eq!(location("https://user:pw@github.com/octo/app/"), github);
    assert_eq!(location("git@github.com:octo/app.git"), github);
    assert_eq!(location("ssh://git@github.com/octo/app.git"), github);
    assert_eq!(
        location("ssh://git@ssh.github.com:443/octo/app.git").2,
        "octo/app"
    );
    assert_eq!(
        location("git@gitlab.com:platform/backend/app.git"),
        (
            "gitlab.com".into(),
            None,
            "platform/backend/app".into(),
            Some(ForgeKind::Gitlab)
        )
    );
    assert_eq!(
        location("http://127.0.0.1:8929/group/app.git"),
        ("127.0.0.1".into(), Some(8929), "group/app".into(), None)
    );
    assert_eq!(
        location("https://gitlab.example.org/g/p").3,
        Some(ForgeKind::Gitlab)
    );
}

#[test]
fn api_bases_follow_the_host() {
    let api = |url: &str, kind| parse_remote(url).unwrap().default_api_base(kind);
    assert_eq!(
        api("git@github.com:o/r.git", ForgeKind::Github),
        "https://api.github.com"
    );
    assert_eq!(
        api("git@ghe.corp.example:o/r.git", ForgeKind::Github),
        "https://ghe.corp.example/api/v3"
    );
    assert_eq!(
        api("git@gitlab.com:g/p.git", ForgeKind::Gitlab),
        "https://gitlab.com/api/v4"
    );
    assert_eq!(
        api("http://127.0.0.1:8929/g/p.git", ForgeKind::Gitlab),
        "http://127.0.0.1:8929/api/v4"
    );
    // An ssh port is not the API's port.
    assert_eq!(
        api("ssh://git@git.corp.example:2222/g/p.git", ForgeKind::Gitlab),
        "https://git.corp.example/api/v4"
    );
}

#[test]
fn urls_without_a_project_or_forge_are_input_errors() {
    for bad in [
        "/srv/git/app.git",
        "file:///srv/git/app.git",
        "https://github.com/onlyowner",
        "not a url",
    ] {
        let error = parse_remote(bad).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{bad}: {error}");
    }
    let settings = ForgeSettings {
        tokens: vec![("GITHUB_TOKEN".into(), "t".into())],
        ..ForgeSettings::default()
    };
    let error = forge_for_remote("git@git.corp.example:g/p.git", &settings)
        .err()
        .unwrap();
    assert!(
        matches!(error, ForgeError::UnknownForge { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("git.corp.example"), "{error}");
    // GitHub paths are exactly owner/repo.
    let error = forge_for_remote("https://github.com/a/b/c", &settings)
        .err()
        .unwrap();
    assert!(
        matches!(error, ForgeError::BadRemoteUrl { .. }),
        "{error:?}"
    );
}

#[test]
fn tokens_come_from_the_forges_variable_or_polyver_forge_token() {
    let none = ForgeSettings::default();
    let error = forge_for_remote("https://gitlab.com/g/p.git", &none)
        .err()
        .unwrap();
    assert!(matches!(error, ForgeError::MissingToken { .. }));
    assert!(
        error
            .to_string()
            .contains("GITLAB_TOKEN or POLYVER_FORGE_TOKEN"),
        "{error}"
    );
    assert_eq!(error.exit_code(), 2);

    let settings = ForgeSettings {
        tokens: vec![
            ("GITHUB_TOKEN".into(), "gh".into()),
            ("POLYVER_FORGE_TOKEN".into(), "pv".into()),
        ],
        ..ForgeSettings::default()
    };
    assert_eq!(
        settings.token_for(ForgeKind::Github),
        Some(("POLYVER_FORGE_TOKEN", "pv"))
    );
    let gh_only = ForgeSettings {
        tokens: vec![("GITHUB_TOKEN".into(), "gh".into())],
        ..ForgeSettings::default()
    };
    assert_eq!(
        gh_only.token_for(ForgeKind::Github),
        Some(("GITHUB_TOKEN", "gh"))
    );
    // A GitHub token is never sent to GitLab.
    assert_eq!(gh_only.token_for(ForgeKind::Gitlab), None);
    let debug = format!("{gh_only:?}");
    assert!(
        debug.contains("GITHUB_TOKEN=<redacted>") && !debug.contains("\"gh\""),
        "{debug}"
    );
    let forge = forge_for_remote("git@github.com:octo/app.git", &gh_only).unwrap();
    assert_eq!(forge.project(), "octo/app");
}
