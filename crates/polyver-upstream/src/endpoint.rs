//! One registry's base URL and credentials, and the GET every client makes through them:
//! cached, authenticated, with "not found" as an answer rather than an error.

use crate::UpstreamError;
use polyver_net::{Client, Fetched, Request};
use std::sync::Arc;
use std::time::Duration;

/// How to authenticate, with the secret already read from the environment.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    Bearer(String),
    Basic { username: String, password: String },
}

impl std::fmt::Debug for Auth {
    // Never print a secret, not even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(…)"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}:…)"),
        }
    }
}

impl Auth {
    /// The `Authorization` header value.
    pub fn header(&self) -> String {
        match self {
            Auth::Bearer(token) => format!("Bearer {token}"),
            Auth::Basic { username, password } => {
                format!(
                    "Basic {}",
                    base64(format!("{username}:{password}").as_bytes())
                )
            }
        }
    }

    /// The credentials `[registries]` names, read from the environment.
    pub fn from_config(auth: &polyver_config::RegistryAuth) -> Result<Auth, String> {
        let var = |name: &str| {
            std::env::var(name).map_err(|_| {
                format!("[registries] names the environment variable {name}, which is not set")
            })
        };
        Ok(match auth {
            polyver_config::RegistryAuth::Token { env } => Auth::Bearer(var(env)?),
            polyver_config::RegistryAuth::Basic {
                username_env,
                password_env,
            } => Auth::Basic {
                username: var(username_env)?,
                password: var(password_env)?,
            },
        })
    }
}

/// A registry's base URL (no trailing slash), its credentials and the shared HTTP client.
#[derive(Clone)]
pub struct Endpoint {
    pub base: String,
    pub auth: Option<Auth>,
    pub client: Arc<Client>,
    /// How old a cached answer may be before it is revalidated.
    pub max_age: Duration,
}

impl Endpoint {
    pub fn new(client: Arc<Client>, base: &str, auth: Option<Auth>) -> Endpoint {
        Endpoint {
            base: base.trim_end_matches('/').to_string(),
            auth,
            client,
            max_age: crate::DEFAULT_MAX_AGE,
        }
    }

    /// `base` + `/` + `path` (`path` without a leading slash).
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    /// GET `url` with this endpoint's credentials: `Ok(None)` for 404/410, an error for a
    /// refused authentication, the response otherwise.
    pub fn get(&self, url: &str, accept: Option<&str>) -> Result<Option<Fetched>, UpstreamError> {
        self.get_with(url, accept, self.auth.as_ref().map(Auth::header))
    }

    /// [`Endpoint::get`] with an explicit `Authorization` value (a token obtained from an
    /// authentication challenge).
    pub fn get_with(
        &self,
        url: &str,
        accept: Option<&str>,
        authorization: Option<String>,
    ) -> Result<Option<Fetched>, UpstreamError> {
        let mut request = Request::get(url)
            .authorization(authorization)
            .max_age(self.max_age);
        if let Some(accept) = accept {
            request = request.accept(accept);
        }
        let fetched = self.client.fetch(&request)?;
        match fetched.status {
            404 | 410 => Ok(None),
            401 | 403 => Err(UpstreamError::Unauthorized {
                url: url.to_string(),
                status: fetched.status,
            }),
            _ => Ok(Some(fetched)),
        }
    }

    /// GET `url` and decode its JSON body; `Ok(None)` for 404/410.
    pub fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
    ) -> Result<Option<T>, UpstreamError> {
        let Some(fetched) = self.get(url, Some("application/json"))? else {
            return Ok(None);
        };
        serde_json::from_slice(&fetched.body)
            .map(Some)
            .map_err(|e| UpstreamError::malformed(url, format!("not the JSON expected: {e}")))
    }
}

/// Standard base64 with padding (RFC 4648 §4), for HTTP basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_rfc_4648_base64() {
        let auth = Auth::Basic {
            username: "Aladdin".into(),
            password: "open sesame".into(),
        };
        // RFC 7617's example.
        assert_eq!(auth.header(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let auth = Auth::Bearer("s3cret".into());
        assert!(!format!("{auth:?}").contains("s3cret"));
    }
}
