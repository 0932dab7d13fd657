//! POST (or PATCH/PUT), for requests the server handles idempotently (`polyver push`: the
//! same body under the same idempotency key is stored once; a forge refuses a second pull
//! request for one branch), so a retry after a timeout or a dropped connection is safe even
//! when the first attempt reached the server. Same client, timeouts, CA certificates and
//! backoff as GET; never cached.

use super::error::request_error;
use super::{bump, kept_headers, read_limited, Client, Fetched, NetError};
use reqwest::header;
use std::time::Duration;

/// A POST for [`Client::post`].
#[derive(Clone, Debug)]
pub struct Post {
    /// `POST` unless changed: `PATCH` and `PUT` update forge objects (pull requests).
    pub method: String,
    pub url: String,
    pub body: Vec<u8>,
    pub content_type: String,
    /// `Content-Encoding` of `body` (e.g. `gzip`).
    pub content_encoding: Option<String>,
    /// `Authorization` (e.g. `Bearer …`).
    pub authorization: Option<String>,
    /// More request headers (e.g. `Idempotency-Key`).
    pub headers: Vec<(String, String)>,
    /// Whole-request timeout; `None` = the client's.
    pub timeout: Option<Duration>,
}

impl Post {
    pub fn json(url: impl Into<String>, body: Vec<u8>) -> Post {
        Post {
            method: "POST".to_string(),
            url: url.into(),
            body,
            content_type: "application/json".to_string(),
            content_encoding: None,
            authorization: None,
            headers: Vec::new(),
            timeout: None,
        }
    }
}

impl Client {
    /// Sends `request`, retrying what may succeed later (connection errors, timeouts, 429,
    /// 5xx; `Retry-After` honoured) up to the client's `retries`. Any HTTP answer is returned,
    /// the last one when retries ran out, so the caller can show the server's own message;
    /// only a transport failure is an error. Only for requests that are safe to repeat.
    pub fn post(&self, request: &Post) -> Result<Fetched, NetError> {
        let url = request.url.as_str();
        if self.options.offline {
            return Err(NetError::Offline {
                url: url.to_string(),
            });
        }
        let _slot = self.hosts.acquire(url);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
                NetError::Other {
                    url: url.to_string(),
                    message: format!("`{}` is not an HTTP method", request.method),
                }
            })?;
            let mut builder = self
                .http
                .request(method, url)
                .timeout(request.timeout.unwrap_or(self.options.timeout))
                .header(header::CONTENT_TYPE, &request.content_type)
                .body(request.body.clone());
            if let Some(encoding) = &request.content_encoding {
                builder = builder.header(header::CONTENT_ENCODING, encoding);
            }
            if let Some(authorization) = &request.authorization {
                builder = builder.header(header::AUTHORIZATION, authorization);
            }
            for (name, value) in &request.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            bump(&self.counters.requests);
            let (error, retry_after) = match builder.send() {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let transient = status == 429 || status >= 500;
                    if !transient || attempt > self.options.retries {
                        let headers = kept_headers(response.headers());
                        let body = read_limited(response, url, self.options.max_body)?;
                        return Ok(Fetched {
                            status,
                            body,
                            headers,
                            from_cache: false,
                            revalidated: false,
                        });
                    }
                    let retry_after = response
                        .headers()
                        .get(header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    (None, retry_after)
                }
                Err(e) => (Some(request_error(url, e, attempt)), None),
            };
            if let Some(error) = error {
                if !error.is_transient() || attempt > self.options.retries {
                    return Err(match error {
                        NetError::Timeout { url, .. } => NetError::Timeout {
                            url,
                            attempts: attempt,
                        },
                        NetError::Connect { url, message } if attempt > 1 => NetError::Connect {
                            url,
                            message: format!("{message} (after {attempt} attempts)"),
                        },
                        other => other,
                    });
                }
            }
            std::thread::sleep(self.backoff(attempt, retry_after));
        }
    }
}
