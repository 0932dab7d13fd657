//! Registry URLs: building a `sqlite://` URL from a path, telling the backend from the
//! scheme, and redacting passwords before a URL is printed.

use super::{Backend, Result, StoreError};
use std::path::Path;

/// A `sqlite://` URL for a file path, percent-encoding what URLs cannot carry.
pub fn sqlite_url(path: &Path) -> String {
    let mut url = String::from("sqlite://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'%' | b'?' | b'#' | b' ' | b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | 0..=0x1f => {
                url.push_str(&format!("%{b:02X}"))
            }
            _ => url.push(b as char),
        }
    }
    url
}

/// The inverse of [`sqlite_url`]'s encoding (sqlx decodes the same way).
pub(super) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A URL safe to print: the password replaced by `***`.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((auth, host)) = rest.split_once('@') {
            if let Some((user, _)) = auth.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

pub(super) fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::BadUrl(redact(url)))
    }
}
