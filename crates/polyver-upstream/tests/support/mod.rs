//! Shared by the registry tests: a client on a throw-away cache, fixtures, and the real
//! registry servers (pypiserver, devpi, verdaccio) started on a free local port and killed
//! when the test ends.
//!
//! Servers are looked for in `$POLYVER_TEST_TOOLS` (default `~/.cache/polyver-test-tools`,
//! where `.ci/install-registries.sh` puts them) and then on `PATH`. A missing one skips the
//! test with a message, except under `CI=true`, where it fails: CI installs them.
#![allow(dead_code)] // each test binary uses its own part

use polyver_upstream::Endpoint;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An endpoint on `base` whose cache lives as long as the returned directory.
pub fn endpoint(base: &str) -> (Endpoint, tempfile::TempDir) {
    let cache = tempfile::tempdir().expect("temp dir");
    let client = polyver_net::Client::new(polyver_net::Options {
        cache_dir: Some(cache.path().to_path_buf()),
        timeout: Duration::from_secs(10),
        retries: 1,
        backoff: Duration::from_millis(10),
        ..polyver_net::Options::default()
    })
    .expect("HTTP client");
    (Endpoint::new(Arc::new(client), base, None), cache)
}

pub fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

pub fn support_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(name)
}

/// The tools directory the install script fills.
fn tools_dir() -> Option<PathBuf> {
    match std::env::var_os("POLYVER_TEST_TOOLS") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".cache/polyver-test-tools")),
    }
}

/// `name` in the tools directory, else on `PATH`.
pub fn tool(name: &str) -> Option<PathBuf> {
    let in_tools = tools_dir()
        .map(|dir| dir.join(name))
        .filter(|p| p.is_file());
    in_tools.or_else(|| {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Every one of `names`, or `None` after reporting the skip (a failure under `CI=true`).
pub fn tools_or_skip(test: &str, names: &[&str]) -> Option<Vec<PathBuf>> {
    let found: Vec<Option<PathBuf>> = names.iter().map(|n| tool(n)).collect();
    let missing: Vec<&str> = names
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(n, _)| *n)
        .collect();
    if missing.is_empty() {
        return Some(found.into_iter().flatten().collect());
    }
    let why = format!(
        "{test}: {} not found in $POLYVER_TEST_TOOLS or on PATH (run .ci/install-registries.sh)",
        missing.join(", ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
    None
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    listener.local_addr().expect("local address").port()
}

/// A server process, killed (and its log shown on failure) when dropped.
pub struct Service {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Service {
    /// Starts `command`, its output going to `log`.
    pub fn start(name: &str, mut command: Command, log: &Path) -> Service {
        let out = std::fs::File::create(log).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Service {
            name: name.to_string(),
            child,
            log: log.to_path_buf(),
        }
    }

    /// Waits until `url` answers (any status) or the process exits or `timeout` passes.
    pub fn wait_for(&mut self, url: &str, timeout: Duration) {
        let started = Instant::now();
        loop {
            if http("GET", url, &[], None).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before serving:\n{}",
                    self.name,
                    self.log()
                );
            }
            if started.elapsed() > timeout {
                panic!(
                    "{} did not serve {url} within {timeout:?}:\n{}",
                    self.name,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- {} log ---\n{}", self.name, self.log());
        }
    }
}

/// Runs `command` to completion; panics with its output when it fails.
pub fn run(mut command: Command) -> String {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// One plain HTTP/1.0 request (so that no server answers in chunks) to a local server
/// (`http://127.0.0.1:port/path`): the status and body. For setting servers up, not for what
/// the clients under test do.
pub fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> std::io::Result<(u16, String)> {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or_default();
    let mut request = format!(
        "{method} {} HTTP/1.0\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        if path.is_empty() { "/" } else { path },
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    stream.write_all(body)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no HTTP status in {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}
