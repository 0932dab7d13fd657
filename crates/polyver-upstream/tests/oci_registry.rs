//! The OCI client against a real registry: Debian's `docker-registry` (CNCF Distribution)
//! started on a free local port. The test pushes a tiny image itself, without a Docker
//! daemon — the Registry API's blob upload (`POST /v2/<name>/blobs/uploads/`, then `PUT` with
//! `?digest=`) for a config and a gzipped tar layer, then `PUT` of an OCI manifest per tag —
//! and checks that the client lists exactly the tags pushed and reports, for each, the
//! sha256 of the manifest bytes pushed under it, also after a tag moves.
//!
//! Without the `docker-registry` binary (`apt-get install docker-registry`; another path in
//! `POLYVER_DOCKER_REGISTRY`) the tests skip, except under `CI=true`.

use flate2::write::GzEncoder;
use polyver_upstream::registries::oci;
use polyver_upstream::{Auth, Endpoint, Registry, UpstreamError};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const REPOSITORY: &str = "polyver/tiny";
const USER: &str = "polyver";
/// The password whose bcrypt hash is in `fixtures/oci/htpasswd`.
const PASSWORD: &str = "polyver-test-password";

/// A running `docker-registry serve`, killed on drop.
struct LocalRegistry {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl LocalRegistry {
    /// Starts a registry storing under `dir`, behind HTTP basic authentication when
    /// `htpasswd` is given. `None` (after [`polyver_testkit::skip`]) when the binary is missing.
    fn start(dir: &Path, htpasswd: Option<&Path>) -> Option<LocalRegistry> {
        let Some(binary) = registry_binary() else {
            polyver_testkit::skip(
                "no docker-registry binary",
                "apt-get install docker-registry, or set POLYVER_DOCKER_REGISTRY to the binary",
            );
            return None;
        };
        // A free port: bound, read and released; the registry takes it a moment later.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let auth = match htpasswd {
            Some(path) => format!(
                "auth:\n  htpasswd:\n    realm: polyver-test\n    path: {}\n",
                path.display()
            ),
            None => String::new(),
        };
        let config = dir.join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n\
                 storage:\n  filesystem:\n    rootdirectory: {}\n\
                 http:\n  addr: 127.0.0.1:{port}\n  secret: polyver-test-secret\n{auth}",
                dir.join("storage").display()
            ),
        )
        .unwrap();
        let log = dir.join("registry.log");
        let output = std::fs::File::create(&log).unwrap();
        let child = Command::new(&binary)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
        let mut registry = LocalRegistry { child, port, log };
        registry.wait_until_ready();
        Some(registry)
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let http = reqwest::blocking::Client::new();
        loop {
            let answer = http.get(format!("{}/v2/", self.base_url())).send();
            if answer.is_ok_and(|r| matches!(r.status().as_u16(), 200 | 401)) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("docker-registry exited ({status}): {}", self.log_text());
            }
            assert!(
                Instant::now() < deadline,
                "docker-registry did not answer on port {}: {}",
                self.port,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `127.0.0.1:PORT`, the registry host as an image name writes it.
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.host())
    }
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn registry_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("POLYVER_DOCKER_REGISTRY") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("docker-registry"))
        .find(|candidate| candidate.is_file())
}

fn sha256(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// Pushes blobs and manifests the way `docker push` does, with plain HTTP requests.
struct Pusher {
    http: reqwest::blocking::Client,
    base: String,
    basic: Option<(&'static str, &'static str)>,
}

impl Pusher {
    fn send(&self, request: reqwest::blocking::RequestBuilder) -> reqwest::blocking::Response {
        let request = match self.basic {
            Some((user, password)) => request.basic_auth(user, Some(password)),
            None => request,
        };
        let response = request.send().expect("the registry answers");
        let status = response.status();
        assert!(
            status.is_success(),
            "{}: HTTP {status}: {}",
            response.url().clone(),
            response.text().unwrap_or_default()
        );
        response
    }

    /// Uploads `bytes` as a blob (monolithic upload: POST for a session, PUT with the digest);
    /// returns its descriptor fields.
    fn blob(&self, bytes: &[u8]) -> (String, usize) {
        let digest = sha256(bytes);
        let session = self.send(
            self.http
                .post(format!("{}/v2/{REPOSITORY}/blobs/uploads/", self.base)),
        );
        let location = session.headers()["location"].to_str().unwrap().to_string();
        let location = if location.starts_with('/') {
            format!("{}{location}", self.base)
        } else {
            location
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let stored = self.send(
            self.http
                .put(format!("{location}{separator}digest={digest}"))
                .header("Content-Type", "application/octet-stream")
                .body(bytes.to_vec()),
        );
        assert_eq!(stored.status().as_u16(), 201);
        (digest, bytes.len())
    }

    /// Pushes `manifest` under `tag`; returns the digest the registry reports.
    fn manifest(&self, tag: &str, manifest: &[u8]) -> String {
        let response = self.send(
            self.http
                .put(format!("{}/v2/{REPOSITORY}/manifests/{tag}", self.base))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .body(manifest.to_vec()),
        );
        response.headers()["docker-content-digest"]
            .to_str()
            .unwrap()
            .to_string()
    }

    /// A one-layer image whose only file says `version`; returns its manifest bytes (the
    /// blobs are pushed).
    fn image(&self, version: &str) -> Vec<u8> {
        let tar = tar_with_one_file("etc/polyver-release", format!("{version}\n").as_bytes());
        let mut gzip = GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(&tar).unwrap();
        let layer = gzip.finish().unwrap();
        let config = serde_json::to_vec(&json!({
            "architecture": "amd64",
            "os": "linux",
            "created": "2024-06-01T00:00:00Z",
            "config": { "Labels": { "org.opencontainers.image.version": version } },
            "rootfs": { "type": "layers", "diff_ids": [sha256(&tar)] },
        }))
        .unwrap();
        let (config_digest, config_size) = self.blob(&config);
        let (layer_digest, layer_size) = self.blob(&layer);
        serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config_digest,
                "size": config_size,
            },
            "layers": [{
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": layer_digest,
                "size": layer_size,
            }],
        }))
        .unwrap()
    }
}

/// A ustar archive holding one regular file.
fn tar_with_one_file(path: &str, content: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    let mut field = |offset: usize, value: &[u8]| {
        header[offset..offset + value.len()].copy_from_slice(value);
    };
    field(0, path.as_bytes());
    field(100, b"0000644\0");
    field(108, b"0000000\0");
    field(116, b"0000000\0");
    field(124, format!("{:011o}\0", content.len()).as_bytes());
    field(136, format!("{:011o}\0", 1_717_200_000u64).as_bytes()); // 2024-06-01T00:00:00Z
    field(148, b"        "); // the checksum counts its own field as spaces
    field(156, b"0");
    field(257, b"ustar\0");
    field(263, b"00");
    let checksum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{checksum:06o}\0 ").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(content);
    tar.resize(tar.len().div_ceil(512) * 512, 0);
    tar.extend_from_slice(&[0u8; 1024]);
    tar
}

fn net(cache: &Path) -> Arc<polyver_net::Client> {
    Arc::new(
        polyver_net::Client::new(polyver_net::Options {
            cache_dir: Some(cache.to_path_buf()),
            timeout: Duration::from_secs(10),
            retries: 0,
            ..Default::default()
        })
        .unwrap(),
    )
}

fn sorted_tags(registry: &oci::Client, name: &str) -> Vec<String> {
    let package = registry
        .package(name)
        .unwrap()
        .unwrap_or_else(|| panic!("{name} not found"));
    let mut tags: Vec<String> = package.releases.into_iter().map(|r| r.version).collect();
    tags.sort();
    tags
}

#[test]
fn tags_and_their_digests_as_pushed_to_a_real_registry() {
    let dir = tempfile::tempdir().unwrap();
    let Some(registry) = LocalRegistry::start(dir.path(), None) else {
        return;
    };
    let pusher = Pusher {
        http: reqwest::blocking::Client::new(),
        base: registry.base_url(),
        basic: None,
    };
    let old = pusher.image("1.0.0");
    let new = pusher.image("1.1.0");
    assert_ne!(sha256(&old), sha256(&new));
    assert_eq!(pusher.manifest("1.0.0-alpine", &old), sha256(&old));
    assert_eq!(pusher.manifest("1.1.0-alpine", &new), sha256(&new));
    assert_eq!(pusher.manifest("latest", &new), sha256(&new));

    // The image names its registry: asked there over plain HTTP (a loopback host), whatever
    // `[registries] docker` says.
    let cache = tempfile::tempdir().unwrap();
    let client = oci::Client::new(Endpoint::new(net(cache.path()), oci::DOCKER_HUB, None));
    let name = format!("{}/{REPOSITORY}", registry.host());
    assert_eq!(
        sorted_tags(&client, &name),
        ["1.0.0-alpine", "1.1.0-alpine", "latest"]
    );
    let digest = |client: &oci::Client, tag: &str| client.tag_digest(&name, tag).unwrap();
    assert_eq!(digest(&client, "1.0.0-alpine"), Some(sha256(&old)));
    assert_eq!(digest(&client, "1.1.0-alpine"), Some(sha256(&new)));
    assert_eq!(digest(&client, "latest"), Some(sha256(&new)));
    assert_eq!(digest(&client, "9.9.9-alpine"), None);
    let missing = format!("{}/polyver/missing", registry.host());
    assert!(client.package(&missing).unwrap().is_none());
    assert!(client.tag_digest(&missing, "latest").unwrap().is_none());

    // The same registry as the configured mirror: Docker Hub-style names go there.
    let mirror = oci::Client::new(Endpoint::new(net(cache.path()), &registry.base_url(), None));
    assert_eq!(
        sorted_tags(&mirror, REPOSITORY),
        ["1.0.0-alpine", "1.1.0-alpine", "latest"]
    );

    // A tag moves: with answers revalidated every time, the new digest is reported.
    let fresh_cache = tempfile::tempdir().unwrap();
    let mut endpoint = Endpoint::new(net(fresh_cache.path()), oci::DOCKER_HUB, None);
    endpoint.max_age = Duration::ZERO;
    let revalidating = oci::Client::new(endpoint);
    assert_eq!(digest(&revalidating, "1.0.0-alpine"), Some(sha256(&old)));
    let rebuilt = pusher.image("1.0.0-r1");
    assert_eq!(pusher.manifest("1.0.0-alpine", &rebuilt), sha256(&rebuilt));
    assert_eq!(
        digest(&revalidating, "1.0.0-alpine"),
        Some(sha256(&rebuilt))
    );
    // The one-hour default keeps the answer it has (tags move rarely; `outdated` runs often).
    assert_eq!(digest(&client, "1.0.0-alpine"), Some(sha256(&old)));
}

#[test]
fn a_registry_behind_basic_authentication_needs_the_configured_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let htpasswd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oci/htpasswd");
    let Some(registry) = LocalRegistry::start(dir.path(), Some(&htpasswd)) else {
        return;
    };
    let pusher = Pusher {
        http: reqwest::blocking::Client::new(),
        base: registry.base_url(),
        basic: Some((USER, PASSWORD)),
    };
    let manifest = pusher.image("2.0.0");
    pusher.manifest("2.0.0-alpine", &manifest);
    let name = format!("{}/{REPOSITORY}", registry.host());
    let cache = tempfile::tempdir().unwrap();

    // Without credentials (none configured, or configured for another registry): refused.
    let anonymous = oci::Client::new(Endpoint::new(net(cache.path()), oci::DOCKER_HUB, None));
    assert!(matches!(
        anonymous.package(&name),
        Err(UpstreamError::Unauthorized { status: 401, .. })
    ));
    let password = |password: &str| {
        Some(Auth::Basic {
            username: USER.into(),
            password: password.into(),
        })
    };
    let elsewhere = oci::Client::new(Endpoint::new(
        net(cache.path()),
        oci::DOCKER_HUB,
        password(PASSWORD),
    ));
    assert!(matches!(
        elsewhere.tag_digest(&name, "2.0.0-alpine"),
        Err(UpstreamError::Unauthorized { status: 401, .. })
    ));

    // A wrong password: refused.
    let wrong = oci::Client::new(Endpoint::new(
        net(cache.path()),
        &registry.base_url(),
        password("not-the-password"),
    ));
    assert!(matches!(
        wrong.package(&name),
        Err(UpstreamError::Unauthorized { status: 401, .. })
    ));

    // Configured for this registry: the image name's host matches, the credentials go.
    let configured = oci::Client::new(Endpoint::new(
        net(cache.path()),
        &registry.base_url(),
        password(PASSWORD),
    ));
    assert_eq!(sorted_tags(&configured, &name), ["2.0.0-alpine"]);
    assert_eq!(
        configured.tag_digest(&name, "2.0.0-alpine").unwrap(),
        Some(sha256(&manifest))
    );
}
