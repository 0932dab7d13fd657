//! From a git remote URL to a forge client: which host and project the URL names (https,
//! ssh and scp-like `git@host:path` forms), which forge runs there, where its API lives,
//! and which token to send.
//!
//! github.com and gitlab.com (and hosts named `gitlab.*`) are recognised by name; anything
//! else (GitHub Enterprise, a self-hosted GitLab) needs [`ForgeSettings::kind`], and
//! [`ForgeSettings::api_base`] when the API is not at the usual place (`/api/v3` for GitHub
//! Enterprise, `/api/v4` for GitLab, on the remote's host).

use crate::{Forge, ForgeError, GitHub, GitLab};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ForgeKind {
    Github,
    Gitlab,
}

impl ForgeKind {
    pub fn name(self) -> &'static str {
        match self {
            ForgeKind::Github => "GitHub",
            ForgeKind::Gitlab => "GitLab",
        }
    }

    /// The variables a token is read from, in order.
    pub fn token_variables(self) -> &'static [&'static str] {
        match self {
            ForgeKind::Github => &["POLYVER_FORGE_TOKEN", "GITHUB_TOKEN"],
            ForgeKind::Gitlab => &["POLYVER_FORGE_TOKEN", "GITLAB_TOKEN"],
        }
    }
}

impl std::str::FromStr for ForgeKind {
    type Err = String;
    fn from_str(s: &str) -> Result<ForgeKind, String> {
        match s.to_ascii_lowercase().as_str() {
            "github" => Ok(ForgeKind::Github),
            "gitlab" => Ok(ForgeKind::Gitlab),
            other => Err(format!("unknown forge `{other}` (github or gitlab)")),
        }
    }
}

/// How to reach the forge behind a remote. Its `Debug` shows token variables, never values.
#[derive(Clone, Default)]
pub struct ForgeSettings {
    /// The forge kind, for hosts not recognised by name.
    pub kind: Option<ForgeKind>,
    /// The API's base URL (`https://ghe.example.com/api/v3`, `https://git.example.com/api/v4`).
    pub api_base: Option<String>,
    /// Tokens by variable name (a snapshot of the environment, see [`ForgeSettings::from_env`]).
    pub tokens: Vec<(String, String)>,
    /// HTTP client settings (timeouts, retries, CA certificates).
    pub net: polyver_net::Options,
}

impl std::fmt::Debug for ForgeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tokens: Vec<String> = self
            .tokens
            .iter()
            .map(|(name, _)| format!("{name}=<redacted>"))
            .collect();
        f.debug_struct("ForgeSettings")
            .field("kind", &self.kind)
            .field("api_base", &self.api_base)
            .field("tokens", &tokens)
            .field("net", &self.net)
            .finish()
    }
}

impl ForgeSettings {
    /// Settings with the tokens of `POLYVER_FORGE_TOKEN`, `GITHUB_TOKEN` and `GITLAB_TOKEN`
    /// (empty values ignored).
    pub fn from_env(net: polyver_net::Options) -> ForgeSettings {
        let tokens = ["POLYVER_FORGE_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN"]
            .into_iter()
            .filter_map(|name| {
                let value = std::env::var(name).ok()?;
                let value = value.trim();
                (!value.is_empty()).then(|| (name.to_string(), value.to_string()))
            })
            .collect();
        ForgeSettings {
            kind: None,
            api_base: None,
            tokens,
            net,
        }
    }

    /// The token for `kind` and the variable it came from.
    pub fn token_for(&self, kind: ForgeKind) -> Option<(&str, &str)> {
        kind.token_variables().iter().find_map(|variable| {
            self.tokens
                .iter()
                .find(|(name, _)| name == variable)
                .map(|(name, value)| (name.as_str(), value.as_str()))
        })
    }
}

/// Where a remote URL points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RemoteLocation {
    /// `https` for https and ssh remotes (forge APIs are https), `http` for an http remote.
    pub scheme: String,
    pub host: String,
    /// The port of an http(s) remote, when not the default (an ssh port is not the API's).
    pub port: Option<u16>,
    /// The project path without `.git`: `owner/repo`, `group/sub/project`.
    pub path: String,
}

/// Parses `https://host/owner/repo(.git)`, `ssh://git@host(:port)/owner/repo.git`,
/// `git@host:owner/repo.git` and `http://…`.
pub fn parse_remote(url: &str) -> Result<RemoteLocation, ForgeError> {
    let bad = |reason: &str| ForgeError::BadRemoteUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let trimmed = url.trim();
    let (scheme, host, port, path) = if trimmed.contains("://") {
        let parsed = url::Url::parse(trimmed).map_err(|e| bad(&e.to_string()))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| bad("it names no host"))?
            .to_ascii_lowercase();
        match parsed.scheme() {
            "https" | "http" => (
                parsed.scheme().to_string(),
                host,
                parsed.port(),
                parsed.path().to_string(),
            ),
            "ssh" | "git" | "git+ssh" | "ssh+git" => {
                ("https".to_string(), host, None, parsed.path().to_string())
            }
            other => return Err(bad(&format!("`{other}` remotes have no forge API"))),
        }
    } else {
        // scp-like: [user@]host:path
        let (authority, path) = trimmed
            .split_once(':')
            .ok_or_else(|| bad("not a URL and not `host:path`"))?;
        if authority.contains('/') {
            return Err(bad("a local path has no forge API"));
        }
        let host = authority.rsplit('@').next().unwrap_or(authority);
        (
            "https".to_string(),
            host.to_ascii_lowercase(),
            None,
            path.to_string(),
        )
    };
    let path = path.trim_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| bad("the path is not UTF-8"))?
        .to_string();
    if host.is_empty() {
        return Err(bad("it names no host"));
    }
    if path.split('/').filter(|p| !p.is_empty()).count() < 2 {
        return Err(bad("the path must name a project (`owner/repo`)"));
    }
    Ok(RemoteLocation {
        scheme,
        host,
        port,
        path,
    })
}

impl RemoteLocation {
    /// The forge kind its host name says, if it says one.
    pub fn known_kind(&self) -> Option<ForgeKind> {
        match self.host.as_str() {
            "github.com" | "www.github.com" | "ssh.github.com" => Some(ForgeKind::Github),
            "gitlab.com" | "www.gitlab.com" | "altssh.gitlab.com" => Some(ForgeKind::Gitlab),
            host if host.starts_with("gitlab.") => Some(ForgeKind::Gitlab),
            _ => None,
        }
    }

    fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// The usual API base of `kind` on this host.
    pub fn default_api_base(&self, kind: ForgeKind) -> String {
        match kind {
            ForgeKind::Github
                if self.host == "github.com" || self.host.ends_with(".github.com") =>
            {
                "https://api.github.com".to_string()
            }
            ForgeKind::Github => format!("{}/api/v3", self.origin()),
            ForgeKind::Gitlab => format!("{}/api/v4", self.origin()),
        }
    }
}

/// The forge behind `url` with its token: see the module docs for how the kind and API base
/// are found. Fails without a token (naming the variables to set), for a URL that names no
/// project, and for a host whose forge is unknown.
pub fn forge_for_remote(url: &str, settings: &ForgeSettings) -> Result<Box<dyn Forge>, ForgeError> {
    let location = parse_remote(url)?;
    let kind = settings
        .kind
        .or_else(|| location.known_kind())
        .ok_or_else(|| ForgeError::UnknownForge {
            url: url.to_string(),
            host: location.host.clone(),
        })?;
    let api_base = settings
        .api_base
        .clone()
        .unwrap_or_else(|| location.default_api_base(kind));
    let (variable, token) = settings.token_for(kind).ok_or(ForgeError::MissingToken {
        forge: kind.name(),
        variables: match kind {
            ForgeKind::Github => "GITHUB_TOKEN or POLYVER_FORGE_TOKEN",
            ForgeKind::Gitlab => "GITLAB_TOKEN or POLYVER_FORGE_TOKEN",
        },
    })?;
    let api = crate::api::Api::new(kind, &api_base, token, variable, settings.net.clone())?;
    Ok(match kind {
        ForgeKind::Github => {
            let (owner, repo) = location.path.split_once('/').unwrap_or_default();
            if repo.contains('/') {
                return Err(ForgeError::BadRemoteUrl {
                    url: url.to_string(),
                    reason: "a GitHub remote names `owner/repo`".into(),
                });
            }
            Box::new(GitHub::new(api, owner, repo))
        }
        ForgeKind::Gitlab => Box::new(GitLab::new(api, &location.path)),
    })
}
