//! `SSL_CERT_FILE` names the trust store, as it does for curl and OpenSSL (issue 13 item 9).
//! Its own test binary: it sets a process-wide variable.

use polyver_net::{Client, Options};
use polyver_testkit::tls::HttpsServer;
use std::time::Duration;

#[test]
fn ssl_cert_file_is_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(server) = HttpsServer::start(tmp.path()) else {
        polyver_testkit::skip(
            "no openssl CLI",
            "install openssl (apt-get install openssl)",
        );
        return;
    };
    std::fs::write(server.root().join("doc.json"), "[]").unwrap();
    std::env::set_var("SSL_CERT_FILE", server.ca_pem());
    let client = Client::new(Options {
        cache_dir: Some(tmp.path().join("cache")),
        retries: 0,
        ..Default::default()
    })
    .unwrap();
    let fetched = client
        .get_cached(&format!("{}/doc.json", server.base_url()), Duration::ZERO)
        .unwrap();
    assert_eq!(fetched.body, b"[]");
}
