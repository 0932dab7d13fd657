//! `db sync` from a mirror behind a private CA (a TLS-inspecting proxy), against a real TLS
//! server (`openssl s_server`): refused with a hint by default, accepted with `--ca-cert`
//! or `POLYVER_CA_CERT` (issue 13 item 9).

use assert_cmd::Command;
use polyver_testkit::tls::HttpsServer;
use std::path::Path;

const ADVISORY: &[u8] = br#"{"id":"RUSTSEC-1","summary":"s","affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.1"}]}]}]}"#;

fn zip_of(name: &str, body: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(body).unwrap();
    w.finish().unwrap().into_inner()
}

fn sync(tmp: &Path, server: &HttpsServer, db: &str) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env("POLYVER_OSV_DB", tmp.join(db))
        .env("POLYVER_CACHE_DIR", tmp.join("cache"))
        .env("NO_COLOR", "1")
        .env_remove("POLYVER_CA_CERT")
        .env_remove("SSL_CERT_FILE")
        .args(["db", "sync", "--ecosystem", "cargo", "--base-url"])
        .arg(server.base_url());
    cmd
}

#[test]
fn db_sync_behind_a_private_ca() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(server) = HttpsServer::start(tmp.path()) else {
        polyver_testkit::skip(
            "no openssl CLI",
            "install openssl (apt-get install openssl)",
        );
        return;
    };
    let mirror = server.root().join("crates.io");
    std::fs::create_dir_all(&mirror).unwrap();
    std::fs::write(mirror.join("all.zip"), zip_of("RUSTSEC-1.json", ADVISORY)).unwrap();

    let refused = sync(tmp.path(), &server, "refused").output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("not trusted") && stderr.contains("--ca-cert"),
        "{stderr}"
    );

    let flag = sync(tmp.path(), &server, "flag")
        .arg("--ca-cert")
        .arg(server.ca_pem())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        flag.status.success(),
        "{}",
        String::from_utf8_lossy(&flag.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&flag.stdout).unwrap();
    assert_eq!(v["schema"], "polyver.db-sync/v1");

    let env = sync(tmp.path(), &server, "env")
        .env("POLYVER_CA_CERT", server.ca_pem())
        .output()
        .unwrap();
    assert!(
        env.status.success(),
        "{}",
        String::from_utf8_lossy(&env.stderr)
    );

    let missing = sync(tmp.path(), &server, "missing")
        .args(["--ca-cert", "no-such-ca.pem"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("no-such-ca.pem"), "{stderr}");
}
