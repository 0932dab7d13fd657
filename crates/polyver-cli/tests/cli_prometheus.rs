//! A real Prometheus scrapes `polyver serve`: a scan is stored, the server serves the
//! registry, Prometheus (Debian package `prometheus`) scrapes `/metrics` every second on
//! loopback with the rules of `polyver alerts` loaded, and the test reads the metrics back
//! through Prometheus's HTTP API (`/api/v1/query`), as a dashboard would — the update lag of
//! the scan's stored `polyver outdated` rows included. Without the
//! `prometheus` binary the test skips, except under CI=true.

use assert_cmd::cargo::CommandCargoExt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn polyver(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("POLYVER_OSV_DB", dir.join("no-osv"))
        .env("POLYVER_CACHE_DIR", dir.join("cache"));
    cmd
}

/// `polyver serve` on a free port; returns it and its `host:port`.
fn serve(dir: &Path, db: &str) -> (Running, String) {
    let mut child = polyver(dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--db", db])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().expect("a line on stderr").unwrap();
    let addr = first
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    std::thread::spawn(move || for _ in lines {});
    (Running(child), addr)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Percent-encodes a query parameter's value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// GET over HTTP/1.0 (no chunked bodies): the status and body, or `None` when nothing
/// answers yet.
fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.get(9..12)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

/// The result vector of an instant query, once it is not empty (within `limit`).
fn query_until_found(prometheus: &str, query: &str, limit: Duration) -> Vec<serde_json::Value> {
    let path = format!("/api/v1/query?query={}", encode(query));
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < limit {
        if let Some((200, body)) = get(prometheus, &path) {
            let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(doc["status"], "success", "{body}");
            if let Some(result) = doc["data"]["result"].as_array().filter(|r| !r.is_empty()) {
                return result.clone();
            }
            last = body;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("no result for {query} within {limit:?}; last answer: {last}");
}

#[test]
fn prometheus_scrapes_polyver_serve_and_answers_its_metrics() {
    let Some(prometheus_bin) = find_on_path("prometheus") else {
        polyver_testkit::skip(
            "prometheus is not installed",
            "install the Debian package `prometheus` (apt-get install prometheus)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let repo = dir.join("shop");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join("requirements.txt"),
        "requests==2.31.0\nflask==3.0.0\ngunicorn==21.2.0\n",
    )
    .unwrap();
    std::fs::write(repo.join("Dockerfile"), "FROM python:3.12-slim\n").unwrap();
    let db = format!("sqlite://{}", dir.join("registry.db").display());
    polyver(&repo)
        .args(["scan", "--repo", "github.com/acme/shop", "--db", &db, "-q"])
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success()
        .then_some(())
        .expect("polyver scan stores the scan");
    // What `polyver outdated` would store with that scan: requests behind for 321 days.
    polyver_store::Store::open(&db)
        .unwrap()
        .record_outdated(
            1,
            &[polyver_store::StoredOutdated {
                ecosystem: "pypi".into(),
                name: "requests".into(),
                path: "requirements.txt".into(),
                line: 1,
                current: Some("2.31.0".into()),
                latest: Some("2.32.3".into()),
                bump: Some("minor".into()),
                majors_behind: 0,
                minors_behind: 1,
                patches_behind: 0,
                days_behind: Some(321),
                yanked: false,
                deprecated: false,
                checked_at: 1_767_225_600,
                status: None,
            }],
        )
        .unwrap();
    let status = polyver(dir)
        .args(["alerts", "-o", "rules.yml"])
        .status()
        .unwrap();
    assert!(status.success());

    let (_server, addr) = serve(dir, &db);
    let port = free_port();
    let prometheus = format!("127.0.0.1:{port}");
    std::fs::write(
        dir.join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\n\
             scrape_configs:\n  - job_name: polyver\n    scrape_interval: 1s\n    \
             scrape_timeout: 1s\n    static_configs:\n      - targets: [\"{addr}\"]\n",
            dir.join("rules.yml").display()
        ),
    )
    .unwrap();
    let _prometheus = Running(
        Command::new(prometheus_bin)
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("tsdb").display()
            ))
            .arg(format!("--web.listen-address={prometheus}"))
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    let limit = Duration::from_secs(90);
    let components = query_until_found(&prometheus, "polyver_components", limit);
    let mut seen: Vec<(String, String, String, String)> = components
        .iter()
        .map(|s| {
            let m = &s["metric"];
            assert_eq!(m["job"], "polyver");
            assert_eq!(m["instance"], addr.as_str());
            (
                m["repo"].as_str().unwrap().to_string(),
                m["ecosystem"].as_str().unwrap().to_string(),
                m["kind"].as_str().unwrap().to_string(),
                s["value"][1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    let shop = "github.com/acme/shop".to_string();
    assert_eq!(
        seen,
        [
            (shop.clone(), "docker".into(), "image".into(), "1".into()),
            (shop.clone(), "pypi".into(), "package".into(), "3".into()),
        ]
    );

    // The update lag of the scan's stored outdated rows.
    let lag = query_until_found(&prometheus, "polyver_update_lag_days", limit);
    assert_eq!(lag.len(), 1, "{lag:?}");
    assert_eq!(lag[0]["metric"]["repo"], "github.com/acme/shop");
    assert_eq!(lag[0]["metric"]["component"], "pypi:requests");
    assert_eq!(lag[0]["value"][1], "321");

    // The server's own metrics came along, labelled by route template.
    let scrapes = query_until_found(
        &prometheus,
        "polyver_http_requests_total{route=\"/metrics\",status=\"200\"}",
        limit,
    );
    assert_eq!(scrapes[0]["metric"]["method"], "GET");
    // A query over the series: the scan's time, as Prometheus stored it.
    let age = query_until_found(
        &prometheus,
        "time() - polyver_last_scan_timestamp_seconds{repo=\"github.com/acme/shop\"}",
        limit,
    );
    let seconds: f64 = age[0]["value"][1].as_str().unwrap().parse().unwrap();
    assert!((0.0..600.0).contains(&seconds), "scan age {seconds}");

    // Prometheus loaded the rules of `polyver alerts` and evaluates them without error.
    let start = Instant::now();
    loop {
        let (_, body) = get(&prometheus, "/api/v1/rules").expect("rules answer");
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        let rules = doc["data"]["groups"][0]["rules"].as_array().cloned();
        let evaluated = rules
            .as_ref()
            .is_some_and(|r| r.len() == 4 && r.iter().all(|rule| rule["health"] == "ok"));
        if evaluated {
            break;
        }
        assert!(start.elapsed() < limit, "rules not evaluated: {body}");
        std::thread::sleep(Duration::from_millis(250));
    }
}
