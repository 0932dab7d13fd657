//! What a request can fail with, and how reqwest's errors map onto it (an untrusted
//! certificate is its own error: retrying cannot help, and the user needs the hint).

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error(
        "{url}: needs the network and --offline is set (nothing cached for it; run once without --offline)"
    )]
    Offline { url: String },
    #[error("{url}: timed out after {attempts} attempt(s) (check the network or proxy settings)")]
    Timeout { url: String, attempts: u32 },
    #[error("{url}: cannot connect: {message}")]
    Connect { url: String, message: String },
    #[error(
        "{url}: the server's TLS certificate is not trusted: {message} (behind a TLS-inspecting \
         proxy, trust its CA with --ca-cert FILE, POLYVER_CA_CERT or SSL_CERT_FILE)"
    )]
    Certificate { url: String, message: String },
    #[error("{}: not a usable CA certificate file: {message}", path.display())]
    CaCert { path: PathBuf, message: String },
    #[error("{url}: the server answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: the response is larger than the {limit}-byte limit")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: {message}")]
    Other { url: String, message: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl NetError {
    /// Worth another attempt: the same request may succeed later.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            NetError::Timeout { .. } | NetError::Connect { .. } => true,
            NetError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

pub(crate) fn request_error(url: &str, e: reqwest::Error, attempts: u32) -> NetError {
    if e.is_timeout() {
        NetError::Timeout {
            url: url.to_string(),
            attempts,
        }
    } else if is_certificate_error(&e) {
        NetError::Certificate {
            url: url.to_string(),
            message: error_chain(&e),
        }
    } else if e.is_connect() || e.is_request() {
        NetError::Connect {
            url: url.to_string(),
            message: error_chain(&e),
        }
    } else {
        NetError::Other {
            url: url.to_string(),
            message: error_chain(&e),
        }
    }
}

/// rustls' "invalid peer certificate" (unknown issuer, expired, wrong name) anywhere in the
/// chain of causes: retrying cannot help, and the user needs the --ca-cert hint.
fn is_certificate_error(e: &reqwest::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        if s.to_string().contains("invalid peer certificate") {
            return true;
        }
        source = s.source();
    }
    false
}

pub(crate) fn read_error(url: &str, e: io::Error, attempts: u32) -> NetError {
    if e.kind() == io::ErrorKind::TimedOut {
        NetError::Timeout {
            url: url.to_string(),
            attempts,
        }
    } else {
        NetError::Connect {
            url: url.to_string(),
            message: format!("reading the response: {e}"),
        }
    }
}

/// reqwest's Display stops at the outermost error; the cause is what users need.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
