//! `[registries]`: the base URL and credentials of each upstream registry, so that `outdated`,
//! `plan` and `update` work against mirrors and private registries. Keys are the registry
//! ecosystem ids of PRODUCT.md §2; an ecosystem not listed uses its public registry.
//!
//! ```toml
//! [registries]
//! pypi = "https://pypi.internal/simple"          # a URL alone
//! npm = { url = "https://npm.internal", token-env = "NPM_TOKEN" }
//! maven = { url = "https://repo.internal/maven2", username-env = "MAVEN_USER", password-env = "MAVEN_PASSWORD" }
//! github = { token-env = "GITHUB_TOKEN" }        # the public registry, authenticated
//! ```
//!
//! Credentials are never written in the file: each names the environment variable holding
//! them. A bearer token or a username/password pair, not both.

use crate::values::{span_of, Span};
use crate::{ConfigError, Reader};
use std::collections::BTreeMap;
use toml_edit::{Item, TableLike};

/// The registry ecosystems (PRODUCT.md §2).
pub const REGISTRY_IDS: &[&str] = &[
    "pypi",
    "npm",
    "cargo",
    "go",
    "maven",
    "rubygems",
    "composer",
    "nuget",
    "docker",
    "github",
    "terraform",
    "helm",
];
const ENTRY_KEYS: &[&str] = &["url", "token-env", "username-env", "password-env"];

/// How to authenticate to a registry: names of environment variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryAuth {
    /// `Authorization: Bearer $TOKEN`.
    Token { env: String },
    /// HTTP basic authentication.
    Basic {
        username_env: String,
        password_env: String,
    },
}

/// One registry's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registry {
    /// Base URL without a trailing slash; `None` = the public registry.
    pub url: Option<String>,
    pub auth: Option<RegistryAuth>,
    pub line: u32,
}

/// The `[registries]` section, by ecosystem id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistriesSection {
    pub by_ecosystem: BTreeMap<String, Registry>,
}

impl RegistriesSection {
    /// The settings for `ecosystem` (an id of [`REGISTRY_IDS`]), if any.
    pub fn get(&self, ecosystem: &str) -> Option<&Registry> {
        self.by_ecosystem.get(ecosystem)
    }
}

impl Reader<'_> {
    pub(crate) fn registries(&self, item: &Item) -> Result<RegistriesSection, ConfigError> {
        let table = item
            .as_table_like()
            .ok_or_else(|| self.at(item.span(), "`registries` must be a table: [registries]"))?;
        let mut out = RegistriesSection::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            if !REGISTRY_IDS.contains(&key) {
                return Err(self.unknown(
                    key_span,
                    key,
                    "a registry of [registries]",
                    REGISTRY_IDS,
                ));
            }
            let span = span_of(table, key, item);
            let line = self.line_of(&key_span.clone().or(span.clone()));
            let registry = if item.is_str() {
                Registry {
                    url: Some(self.http_url(item, span, key)?),
                    auth: None,
                    line,
                }
            } else if let Some(entry) = item.as_table_like() {
                self.registry_entry(key, entry, span, line)?
            } else {
                return Err(self.hinted(
                    span,
                    format!("`registries.{key}` must be a URL or a table"),
                    format!(
                        "{key} = \"https://...\" or {key} = {{ url = \"https://...\", token-env = \"TOKEN_VARIABLE\" }}"
                    ),
                ));
            };
            out.by_ecosystem.insert(key.to_string(), registry);
        }
        Ok(out)
    }

    fn registry_entry(
        &self,
        ecosystem: &str,
        entry: &dyn TableLike,
        span: Span,
        line: u32,
    ) -> Result<Registry, ConfigError> {
        let mut url = None;
        let (mut token, mut username, mut password) = (None, None, None);
        for (key, item) in entry.iter() {
            let key_span = entry.key(key).and_then(|k| k.span());
            let span = span_of(entry, key, item);
            match key {
                "url" => url = Some(self.http_url(item, span, key)?),
                "token-env" => token = Some(self.env_name(item, span, key)?),
                "username-env" => username = Some(self.env_name(item, span, key)?),
                "password-env" => password = Some(self.env_name(item, span, key)?),
                _ => {
                    return Err(self.unknown(
                        key_span,
                        key,
                        &format!("a key of [registries.{ecosystem}]"),
                        ENTRY_KEYS,
                    ))
                }
            }
        }
        let auth = match (token, username, password) {
            (None, None, None) => None,
            (Some(env), None, None) => Some(RegistryAuth::Token { env }),
            (None, Some(username_env), Some(password_env)) => Some(RegistryAuth::Basic {
                username_env,
                password_env,
            }),
            (Some(_), _, _) => {
                return Err(self.hinted(
                    span,
                    format!("`registries.{ecosystem}` gives both a token and a username/password"),
                    "use token-env alone, or username-env with password-env".into(),
                ))
            }
            _ => {
                return Err(self.hinted(
                    span,
                    format!("`registries.{ecosystem}` needs both username-env and password-env"),
                    "basic authentication takes a username and a password".into(),
                ))
            }
        };
        if url.is_none() && auth.is_none() {
            return Err(self.hinted(
                span,
                format!("`registries.{ecosystem}` sets nothing"),
                format!("give url and/or credentials ({})", ENTRY_KEYS.join(", ")),
            ));
        }
        Ok(Registry { url, auth, line })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;
    use std::path::Path;

    fn parse_str(text: &str) -> Result<crate::Config, ConfigError> {
        parse(Path::new("polyver.toml"), text)
    }

    #[test]
    fn urls_and_credentials() {
        let c = parse_str(
            "[registries]\npypi = \"http://127.0.0.1:8080/simple/\"\nnpm = { url = \"https://npm.internal\", token-env = \"NPM_TOKEN\" }\ngithub = { token-env = \"GITHUB_TOKEN\" }\n\n[registries.maven]\nurl = \"https://repo.internal/maven2\"\nusername-env = \"MVN_USER\"\npassword-env = \"MVN_PASS\"\n",
        )
        .unwrap();
        let r = &c.registries;
        assert_eq!(
            r.get("pypi").unwrap().url.as_deref(),
            Some("http://127.0.0.1:8080/simple")
        );
        assert_eq!(r.get("pypi").unwrap().line, 2);
        assert_eq!(
            r.get("npm").unwrap().auth,
            Some(RegistryAuth::Token {
                env: "NPM_TOKEN".into()
            })
        );
        assert_eq!(r.get("github").unwrap().url, None);
        assert_eq!(
            r.get("maven").unwrap().auth,
            Some(RegistryAuth::Basic {
                username_env: "MVN_USER".into(),
                password_env: "MVN_PASS".into()
            })
        );
        assert!(r.get("cargo").is_none());
    }

    #[test]
    fn only_known_ecosystems_and_valid_entries() {
        let e = parse_str("[registries]\npypi = \"https://x\"\nnmp = \"https://y\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.hint.unwrap().starts_with("did you mean `npm`?"));
        let e = parse_str("[registries]\ncrates-io = \"https://y\"\n").unwrap_err();
        assert!(e.hint.unwrap().contains("cargo"));
        let e = parse_str("[registries]\nnpm = { url = \"https://x\", tokn-env = \"T\" }\n")
            .unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `token-env`?"));
        let e = parse_str("[registries]\nnpm = \"registry.npmjs.org\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 7));
        let e = parse_str("[registries]\nnpm = { url = \"https://x\", token-env = \"T\", username-env = \"U\", password-env = \"P\" }\n").unwrap_err();
        assert!(e.message.contains("both a token"), "{e}");
        let e = parse_str("[registries]\nnpm = { username-env = \"U\" }\n").unwrap_err();
        assert!(
            e.message.contains("both username-env and password-env"),
            "{e}"
        );
        let e = parse_str("[registries]\nnpm = {}\n").unwrap_err();
        assert!(e.message.contains("sets nothing"), "{e}");
        let e = parse_str("[registries]\nnpm = { token-env = \"$NPM_TOKEN\" }\n").unwrap_err();
        assert!(e.message.contains("environment variable"), "{e}");
        assert!(parse_str("[registries]\nnpm = 3\n").is_err());
    }
}
