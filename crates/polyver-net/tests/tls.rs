//! Certificates, against a real TLS server (`openssl s_server`) whose certificate is signed
//! by a private CA, as behind a TLS-inspecting proxy (issue 13 item 9).

use polyver_net::{Client, NetError, Options};
use polyver_testkit::tls::HttpsServer;
use std::time::Duration;

fn server(dir: &std::path::Path) -> Option<HttpsServer> {
    let server = HttpsServer::start(dir);
    if server.is_none() {
        polyver_testkit::skip(
            "no openssl CLI",
            "install openssl (apt-get install openssl)",
        );
    }
    server
}

fn client(dir: &std::path::Path, ca_certs: Vec<std::path::PathBuf>) -> Result<Client, NetError> {
    Client::new(Options {
        cache_dir: Some(dir.join("cache")),
        retries: 0,
        ca_certs,
        ..Default::default()
    })
}

#[test]
fn a_private_ca_is_refused_by_default_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(server) = server(tmp.path()) else {
        return;
    };
    std::fs::write(server.root().join("doc.json"), "{}").unwrap();
    let url = format!("{}/doc.json", server.base_url());
    let err = client(tmp.path(), vec![])
        .unwrap()
        .get_cached(&url, Duration::ZERO)
        .unwrap_err();
    assert!(matches!(err, NetError::Certificate { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("--ca-cert") && text.contains("SSL_CERT_FILE"),
        "{text}"
    );
}

#[test]
fn a_ca_given_with_ca_cert_is_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(server) = server(tmp.path()) else {
        return;
    };
    std::fs::write(server.root().join("doc.json"), "{\"ok\":true}").unwrap();
    let url = format!("{}/doc.json", server.base_url());
    let fetched = client(tmp.path(), vec![server.ca_pem().to_path_buf()])
        .unwrap()
        .get_cached(&url, Duration::ZERO)
        .unwrap();
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, b"{\"ok\":true}");
}

#[test]
fn a_ca_cert_file_that_is_not_pem_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("ca.txt");
    std::fs::write(&bad, "not a certificate").unwrap();
    let err = client(tmp.path(), vec![bad.clone()]).err().unwrap();
    assert!(matches!(err, NetError::CaCert { .. }), "{err:?}");
    assert!(err.to_string().contains("ca.txt"), "{err}");
    let missing = tmp.path().join("missing.pem");
    let err = client(tmp.path(), vec![missing]).err().unwrap();
    assert!(err.to_string().contains("missing.pem"), "{err}");
}
