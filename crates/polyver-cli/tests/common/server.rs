//! A real `polyver serve` for a test (a free port, killed when dropped), a plain HTTP/1.1
//! client, and tokens made with `polyver token create`, on SQLite and PostgreSQL alike.
#![allow(dead_code)]

use assert_cmd::cargo::CommandCargoExt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `polyver` with an environment of its own: no developer database, cache or token.
pub fn polyver(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("polyver").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("POLYVER_CACHE_DIR", dir.join(".cache"))
        .env("POLYVER_OSV_DB", "/nonexistent/polyver-osv")
        .env_remove("POLYVER_DATABASE_URL")
        .env_remove("POLYVER_TOKEN")
        .env_remove("POLYVER_SERVER")
        .env_remove("POLYVER_NO_STORE")
        .env_remove("POLYVER_TEST_PAUSE_BEFORE_COMMIT");
    cmd
}

/// A running `polyver serve`.
pub struct Server {
    pub child: Child,
    /// `host:port`.
    pub addr: String,
}

impl Server {
    /// `polyver serve --listen 127.0.0.1:0 --db DB` in `dir` (whose polyver.toml it reads),
    /// with `env` set.
    pub fn start(dir: &Path, db: &str, env: &[(&str, &str)]) -> Server {
        let mut child = Command::cargo_bin("polyver")
            .unwrap()
            .current_dir(dir)
            .args(["serve", "--listen", "127.0.0.1:0", "--db", db])
            .env_remove("POLYVER_DATABASE_URL")
            .env_remove("POLYVER_TEST_PAUSE_BEFORE_COMMIT")
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().expect("a line on stderr").unwrap();
        let addr = first
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// kill -9, and wait for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The header block, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request (`Connection: close`), with a bearer token when given.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// `polyver token create --db DB ARGS`: the token (the last line of stdout).
pub fn token(dir: &Path, db: &str, args: &[&str]) -> String {
    let out = polyver(dir)
        .args(["token", "create", "--db", db])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout.lines().last().unwrap().to_string()
}

/// A checkout at `commit` on `main` with an `origin` remote, written the way git writes it,
/// holding `requirements`.
pub fn checkout(dir: &Path, remote: &str, commit: &str, requirements: &str) {
    let git = dir.join(".git");
    std::fs::create_dir_all(git.join("refs/heads")).unwrap();
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(git.join("refs/heads/main"), format!("{commit}\n")).unwrap();
    std::fs::write(
        git.join("config"),
        format!("[remote \"origin\"]\n\turl = {remote}\n"),
    )
    .unwrap();
    std::fs::write(dir.join("requirements.txt"), requirements).unwrap();
}

/// The commit of [`document`]'s scans.
pub const DOCUMENT_COMMIT: &str = "1111111111111111111111111111111111111111";

/// A minimal push document (`polyver.push/v1`, an empty inventory) for `repository`.
pub fn document(scan_id: &str, repository: &str) -> Vec<u8> {
    serde_json::json!({
        "schema": "polyver.push/v1",
        "scan_id": scan_id,
        "repository": repository,
        "commit": DOCUMENT_COMMIT,
        "branch": "main",
        "started_at": 1_700_000_000_000i64,
        "finished_at": 1_700_000_001_000i64,
        "tool_version": "0.1.0",
        "inventory": {
            "schema": "polyver.scan/v1",
            "root": ".",
            "components": [],
            "diagnostics": [],
            "stats": {"files_walked": 0, "files_extracted": 0, "files_too_large": 0,
                      "components": 0, "components_by_source": {}}
        },
        "findings": []
    })
    .to_string()
    .into_bytes()
}

pub const JSON: (&str, &str) = ("Content-Type", "application/json");

/// The stored scans of `repository` (`polyver history --format json`), newest first.
pub fn history(dir: &Path, db: &str, repository: &str) -> Vec<serde_json::Value> {
    let out = polyver(dir)
        .args([
            "history", "--db", db, "--repo", repository, "--format", "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["scans"].as_array().unwrap().clone()
}
