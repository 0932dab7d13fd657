//! `polyver serve`'s API through the binary: request logs (JSON and compact, level from
//! RUST_LOG), and schemathesis fuzzing every operation of `/openapi.json` on a seeded SQLite
//! registry with every check it has, failing on any violation.

#[path = "common/serve.rs"]
mod serve;

#[path = "../../polyver-server/tests/support/registry.rs"]
mod registry;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A SQLite registry seeded by `registry::seed`, in `dir`.
fn seeded(dir: &Path) -> String {
    let url = polyver_store::sqlite_url(&dir.join("registry.db"));
    registry::seed(&polyver_store::Store::open(&url).unwrap());
    url
}

/// The log lines once `count` of them hold `needle` (or after 10 s).
fn log_lines(served: &serve::Served, needle: &str, count: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let lines = served.log.lock().unwrap().clone();
        if lines.iter().filter(|l| l.contains(needle)).count() >= count
            || start.elapsed() > Duration::from_secs(10)
        {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn request_logs_carry_method_path_status_and_latency() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());

    let served = serve::start(&db, &["--log-format", "json"], &[]);
    serve::get_json(&served.addr, "/api/v1/repositories?limit=1");
    assert_eq!(serve::get(&served.addr, "/api/v1/scans/abc").0, 400);
    let lines = log_lines(&served, "\"response\"", 2);
    let events: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .filter(|e: &Value| e["message"] == "response")
        .collect();
    assert_eq!(events.len(), 2, "{lines:#?}");
    assert_eq!(events[0]["span"]["method"], "GET");
    assert_eq!(events[0]["span"]["path"], "/api/v1/repositories");
    assert_eq!(events[0]["status"], 200);
    assert!(events[0]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(events[0]["level"], "INFO");
    assert_eq!(events[1]["span"]["path"], "/api/v1/scans/abc");
    assert_eq!(events[1]["status"], 400);
    drop(served);

    let served = serve::start(&db, &[], &[]);
    serve::get(&served.addr, "/healthz");
    let lines = log_lines(&served, "status=200", 1);
    let line = lines.iter().find(|l| l.contains("status=200")).unwrap();
    assert!(
        [
            "INFO request:",
            "response",
            "latency_ms=",
            "method=GET",
            "path=/healthz"
        ]
        .iter()
        .all(|part| line.contains(part)),
        "{line}"
    );
    drop(served);

    // RUST_LOG decides the level: at warn, answered requests are not logged.
    let served = serve::start(&db, &[], &[("RUST_LOG", "warn")]);
    serve::get(&served.addr, "/healthz");
    serve::get_json(&served.addr, "/api/v1/repositories");
    std::thread::sleep(Duration::from_millis(300));
    assert!(served.log.lock().unwrap().is_empty());
}

/// `name` in $POLYVER_TEST_TOOLS (default ~/.cache/polyver-test-tools), else on PATH.
fn tool(name: &str) -> Option<PathBuf> {
    let tools = match std::env::var_os("POLYVER_TEST_TOOLS") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/polyver-test-tools")),
    };
    tools
        .map(|d| d.join(name))
        .filter(|p| p.is_file())
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
}

#[test]
fn schemathesis_finds_no_violation_of_the_openapi_document() {
    let Some(schemathesis) = tool("schemathesis") else {
        polyver_testkit::skip(
            "schemathesis not found in $POLYVER_TEST_TOOLS or on PATH",
            "run .ci/install-server-tools.sh",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    // A push token for `POST /api/v1/scans` (reads are open: the header is ignored there).
    let push = polyver_store::tokens::NewToken {
        name: "schemathesis".into(),
        scope: polyver_store::tokens::TokenScope::Push,
        repo_pattern: None,
        expires_at: None,
    };
    let (_, token) = polyver_store::Store::open(&db)
        .unwrap()
        .create_token(&push, polyver_engine::registry::now_ms())
        .unwrap();
    let served = serve::start(&db, &[], &[("RUST_LOG", "warn")]);
    let hooks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis");
    let report = dir.path().join("report");
    // Its output goes to a file: a pipe nobody reads while it runs would fill and stop it.
    let output = dir.path().join("schemathesis.log");
    let log = std::fs::File::create(&output).unwrap();
    // Deterministic and bounded: a fixed seed, deterministic generation, 20 examples per
    // operation and phase (deterministic generation keeps no example database between runs),
    // one worker, no NUL
    // bytes (no client sends them in a URL), a 10 s limit per request.
    let mut child = Command::new(&schemathesis)
        .arg("run")
        .arg(format!("http://{}/openapi.json", served.addr))
        .args(["--checks", "all"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        // An undeclared write method (PUT on a read endpoint) is answered by the auth layer
        // before routing: 401/403 asking for an admin token, on purpose (writes nobody
        // classified fail closed, see polyver_server::auth), not the 405 this check wants.
        .args(["--exclude-checks", "unsupported_method"])
        .args(["--max-examples", "20"])
        .args(["--seed", "20261207"])
        .arg("--generation-deterministic")
        .args(["--workers", "1"])
        .args(["--generation-allow-x00", "false"])
        .args(["--request-timeout", "10"])
        .args(["--wait-for-schema", "10"])
        .arg("--no-color")
        .args(["--report", "junit", "--report-dir"])
        .arg(&report)
        .env("SCHEMATHESIS_HOOKS", "polyver_hooks")
        .env("PYTHONPATH", &hooks)
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > Duration::from_secs(600) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let text = std::fs::read_to_string(&output).unwrap();
    let status = status.unwrap_or_else(|| panic!("schemathesis ran past 10 minutes:\n{text}"));
    assert!(status.success(), "schemathesis found violations:\n{text}");
    // It tested every operation of the document (but `/openapi.json`, the document it
    // loaded, which schemathesis leaves out), the push included, not none.
    let document = serde_json::from_str::<Value>(polyver_server::openapi::DOCUMENT).unwrap();
    let paths = document["paths"].as_object().unwrap();
    assert!(!paths["/api/v1/scans"]["post"].is_null());
    let operations: usize = paths
        .values()
        .map(|ops| ops.as_object().unwrap().len())
        .sum();
    assert!(
        text.contains(&format!("Tested: {}\n", operations - 1)),
        "expected {} operations tested:\n{text}",
        operations - 1
    );
    eprintln!("{text}");
}
