//! Re-matching through the binary: a repository scanned into the registry while the OSV
//! database had no advisory for its requests 2.25.0, then `db import --rematch`, `db sync
//! --rematch` (an export served by a local TestServer) or `serve --rematch-every` picks up
//! PYSEC-2023-74 and posts it to a Slack-style and a signed JSON webhook on the TestServer,
//! once. SQLite and PostgreSQL registries (a schema of its own in
//! POLYVER_TEST_DATABASE_URL; skipped with a message when no server answers, failed under
//! CI=true).

#[path = "common/pg.rs"]
mod pg;
#[path = "common/temp.rs"]
mod temp;

use pg::PgSchema;

use assert_cmd::Command;
use polyver_net::testing::{RecordedRequest, Response, TestServer};
use polyver_rematch::webhook::{verify, SIGNATURE_HEADER};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rematch");
const SECRET: &str = "correct horse battery staple";

/// A repository using requests 2.25.0, its polyver.toml naming two webhooks on `server`, an
/// OSV database of `fixtures/rematch/before`, and one stored scan in `registry`.
struct World {
    dir: PathBuf,
    repo: PathBuf,
    osv: PathBuf,
    registry: String,
    server: TestServer,
}

fn polyver(world: &World) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.current_dir(&world.repo)
        .env("NO_COLOR", "1")
        .env("POLYVER_OSV_DB", &world.osv)
        .env("POLYVER_CACHE_DIR", world.dir.join("cache"))
        .env("POLYVER_WEBHOOK_SECRET", SECRET)
        .env_remove("POLYVER_DATABASE_URL")
        .env_remove("POLYVER_DATA_DIR")
        .env_remove("POLYVER_NO_STORE");
    cmd
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn world(name: &str, registry: Option<String>) -> World {
    let dir = temp::fresh_dir("rematch", name);
    let repo = dir.join("app");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join("requirements.txt"),
        "requests==2.25.0\nflask==2.3.2\n",
    )
    .unwrap();
    let server = TestServer::start();
    server.route("/slack", Response::ok("ok"));
    server.route("/hook", Response::ok(""));
    std::fs::write(
        repo.join("polyver.toml"),
        format!(
            "[[server.webhook]]\nurl = \"{}\"\nkind = \"slack\"\n\n[[server.webhook]]\nurl = \
             \"{}\"\nkind = \"json\"\nsecret-env = \"POLYVER_WEBHOOK_SECRET\"\n",
            server.url("/slack"),
            server.url("/hook")
        ),
    )
    .unwrap();
    let registry =
        registry.unwrap_or_else(|| format!("sqlite://{}", dir.join("registry.db").display()));
    let w = World {
        osv: dir.join("osv"),
        dir,
        repo,
        registry,
        server,
    };
    run(polyver(&w).args(["db", "import", &fixture("before")]));
    run(polyver(&w).args(["scan", "--db", &w.registry, "--repo", "github.com/org/app"]));
    w
}

fn fixture(which: &str) -> String {
    Path::new(FIXTURES).join(which).display().to_string()
}

fn posts(server: &TestServer, path: &str) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

/// The checks every path to a new finding ends with: one post to each webhook, the json one
/// signed, naming the finding.
fn assert_posted_once(server: &TestServer) {
    let (slack, hook) = (posts(server, "/slack"), posts(server, "/hook"));
    assert_eq!((slack.len(), hook.len()), (1, 1), "{:?}", server.requests());
    let signature = hook[0].header(SIGNATURE_HEADER).unwrap();
    assert!(verify(SECRET.as_bytes(), &hook[0].body, signature));
    let body: Value = serde_json::from_slice(&hook[0].body).unwrap();
    assert_eq!(body["repository"], "github.com/org/app");
    assert_eq!(body["finding"]["id"], "PYSEC-2023-74");
    assert_eq!(body["finding"]["version"], "2.25.0");
    let text: Value = serde_json::from_slice(&slack[0].body).unwrap();
    assert!(text["text"].as_str().unwrap().contains("`requests 2.25.0`"));
}

fn import_rematch_body(registry: Option<String>) {
    let w = world("import", registry);
    let out = run(polyver(&w).args([
        "db",
        "import",
        &fixture("after"),
        "--rematch",
        "--db",
        &w.registry,
        "--format",
        "json",
    ]));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "polyver.db-import/v1");
    let rematch = &doc["rematch"];
    assert_eq!(rematch["repositories"], 1);
    assert_eq!(rematch["advisories"], 2);
    assert_eq!(rematch["new_findings"][0]["id"], "PYSEC-2023-74");
    assert_eq!(
        rematch["new_findings"][0]["component"],
        "pypi:requests@2.25.0"
    );
    let deliveries = rematch["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 2);
    assert!(deliveries.iter().all(|d| d["status"] == "delivered"));
    assert!(!rematch["registry"].as_str().unwrap().contains("secret"));
    assert_posted_once(&w.server);

    // Again, as text: nothing new, nothing posted.
    let out = run(polyver(&w).args([
        "db",
        "import",
        &fixture("after"),
        "--rematch",
        "--db",
        &w.registry,
    ]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("re-matched 1 repository against 2 advisories (")
            && text.contains("): 0 new findings\n"),
        "{text}"
    );
    assert_eq!(w.server.requests().len(), 2);
}

#[test]
fn db_import_rematch_posts_a_new_finding_once_sqlite() {
    import_rematch_body(None);
}

#[test]
fn db_import_rematch_posts_a_new_finding_once_postgres() {
    if let Some(pg) = PgSchema::create("import") {
        import_rematch_body(Some(pg.url.clone()));
    }
}

/// `db sync --rematch` with the registry named by `[server] database-url`.
#[test]
fn db_sync_rematch_uses_the_server_registry_of_polyver_toml() {
    let w = world("sync", None);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in std::fs::read_dir(fixture("after")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    w.server.route(
        "/osv/PyPI/all.zip",
        Response::ok(zip.finish().unwrap().into_inner()),
    );
    let toml = w.repo.join("polyver.toml");
    let config = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("[server]\ndatabase-url = \"{}\"\n\n{config}", w.registry),
    )
    .unwrap();
    let out = run(polyver(&w).args([
        "db",
        "sync",
        "--base-url",
        &w.server.url("/osv"),
        "--rematch",
    ]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("PyPI "), "{text}");
    assert!(
        text.contains(": 1 new finding, 2 of 2 webhook posts delivered\n"),
        "{text}"
    );
    assert!(
        text.contains("github.com/org/app  pypi:requests@2.25.0  PYSEC-2023-74"),
        "{text}"
    );
    assert_posted_once(&w.server);
}

#[test]
fn a_webhook_post_given_up_is_exit_3_and_not_retried() {
    let w = world("fails", None);
    w.server.route("/hook", Response::status(410).body("gone"));
    let out = polyver(&w)
        .args([
            "db",
            "import",
            &fixture("after"),
            "--rematch",
            "--db",
            &w.registry,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 webhook post failed and will not be retried"),
        "{err}"
    );
    assert!(err.contains("410 Gone: gone"), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  failed     json"), "{text}");
    // At most once: the next run posts nothing, and succeeds.
    w.server.route("/hook", Response::ok(""));
    run(polyver(&w).args([
        "db",
        "import",
        &fixture("after"),
        "--rematch",
        "--db",
        &w.registry,
    ]));
    assert_eq!((w.server.hits("/hook"), w.server.hits("/slack")), (1, 1));
}

#[test]
fn a_missing_webhook_key_stops_before_the_import() {
    let w = world("secret", None);
    let out = polyver(&w)
        .env_remove("POLYVER_WEBHOOK_SECRET")
        .args([
            "db",
            "import",
            &fixture("after"),
            "--rematch",
            "--db",
            &w.registry,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`POLYVER_WEBHOOK_SECRET`, which is not set"),
        "{err}"
    );
    let status = run(polyver(&w).args(["db", "status", "--format", "json"]));
    let doc: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(doc["advisories"], 1, "{doc}");
    assert!(w.server.requests().is_empty());
    // --db alone names nothing to do.
    let out = polyver(&w)
        .args(["db", "import", &fixture("after"), "--db", &w.registry])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn serve_rematches_when_the_osv_database_changes() {
    let w = world("serve", None);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("polyver"))
        .current_dir(&w.repo)
        // Only the schedule's own report lines, not the request and event logs.
        .env("RUST_LOG", "warn")
        .env("POLYVER_OSV_DB", &w.osv)
        .env("POLYVER_WEBHOOK_SECRET", SECRET)
        .env_remove("POLYVER_DATABASE_URL")
        .args([
            "--offline",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rematch-every",
            "1s",
        ])
        .args(["--db", &w.registry])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = std::sync::Arc::clone(&lines);
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let wait = |what: &str, done: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}: {:?}",
                lines.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait("the first re-match", &|| lines.lock().unwrap().len() >= 2);
    {
        let lines = lines.lock().unwrap();
        assert!(
            lines[0].starts_with("listening on http://127.0.0.1:"),
            "{lines:?}"
        );
        assert_eq!(
            lines[1],
            "re-matched 1 repository against 1 advisory: 0 new findings, 0 of 0 webhook posts delivered"
        );
    }
    run(polyver(&w).args(["db", "import", &fixture("after")]));
    wait("the posts", &|| w.server.requests().len() >= 2);
    wait("the report", &|| lines.lock().unwrap().len() >= 3);
    assert_eq!(
        lines.lock().unwrap()[2],
        "re-matched 1 repository against 2 advisories: 1 new finding, 2 of 2 webhook posts delivered"
    );
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    assert_posted_once(&w.server);
}
