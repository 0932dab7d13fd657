//! What every registry test needs: a client on a fresh cache that answers quickly, an
//! endpoint on the local test server, and the recorded responses beside the tests.

#![allow(dead_code)]

use polyver_net::testing::TestServer;
use polyver_net::{Client, Options};
use polyver_upstream::{Auth, Endpoint};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Client options for tests: a private cache, short timeouts and backoff.
pub fn options(cache: &Path) -> Options {
    Options {
        cache_dir: Some(cache.to_path_buf()),
        retries: 1,
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(5),
        ..Options::default()
    }
}

pub fn client(cache: &Path) -> Arc<Client> {
    Arc::new(Client::new(options(cache)).expect("client"))
}

/// An endpoint at `server`'s base URL + `path`.
pub fn endpoint(server: &TestServer, path: &str, cache: &Path) -> Endpoint {
    Endpoint::new(client(cache), &server.url(path), None)
}

pub fn endpoint_with_auth(server: &TestServer, path: &str, cache: &Path, auth: Auth) -> Endpoint {
    Endpoint::new(client(cache), &server.url(path), Some(auth))
}

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A recorded response body.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The paths the server was asked for, in order.
pub fn paths(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.path).collect()
}
