//! `polyver report` end to end on `fixtures/report/repo`, a repository with something for every
//! section: vulnerable direct and transitive npm packages and a vulnerable PyPI pin (two past
//! their [policy.sla] deadline), a package duplicated in the lock, [[compat]] rules that pass,
//! fail and match nothing, derived rules (requires-python, engines.node, a Docker image against
//! .python-version) that fail, an unsatisfiable pair, drift from [approved], a floating image,
//! a denied GPL licence, and an npm package named `<script>alert(1)</script>`. Advisories come
//! from `fixtures/report/osv`, imported into a fresh database per test; registries are not
//! asked (`--offline`: lag unknown, said so). Time is fixed with POLYVER_NOW.
//!
//! The Markdown and the JSON are snapshotted; the HTML is checked by a parser (python3's
//! `html.parser`: well-formed, no external URL, every chart titled, the hostile name as text)
//! and rendered by a real browser (headless Chromium: the DOM has every section and chart,
//! and no request leaves loopback). Under `CI=true` a missing python3 or chromium fails;
//! elsewhere those tests say they skipped.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/report");
const NOW: &str = "2026-12-01T00:00:00Z";
const HOSTILE: &str = "<script>alert(1)</script>";

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temporary directory holding `repo/` (the fixture) and `osv-db/` (its advisories).
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&Path::new(FIXTURE).join("repo"), &dir.path().join("repo"));
        let f = Fixture { dir };
        let out = f
            .polyver()
            .args(["db", "import"])
            .arg(Path::new(FIXTURE).join("osv"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        f
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn polyver(&self) -> Command {
        let mut cmd = Command::cargo_bin("polyver").unwrap();
        cmd.current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("POLYVER_NOW", NOW)
            .env("POLYVER_OSV_DB", self.path("osv-db"))
            .env("POLYVER_CACHE_DIR", self.path("cache"))
            .env_remove("POLYVER_DATA_DIR");
        cmd
    }

    /// `polyver report --offline repo --format FORMAT ARGS`, which must succeed; its stdout.
    fn report(&self, format: &str, args: &[&str]) -> String {
        let out = self
            .polyver()
            .args(["report", "--offline", "repo", "--format", format])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains("--offline: upstream releases come from the cache"),
            "the report says how lag was (not) looked up: {stderr}"
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

#[test]
fn markdown_report_snapshot() {
    let f = Fixture::new();
    let md = f.report("markdown", &[]);
    // The hostile name is text for a forge: every `<` and `>` escaped, no raw tag.
    assert!(!md.contains(HOSTILE), "{md}");
    assert!(md.contains(r"\<script\>alert(1)\</script\>"), "{md}");
    insta::assert_snapshot!("report_markdown", md);
}

#[test]
fn json_report_snapshot_and_every_section_has_findings() {
    let f = Fixture::new();
    let text = f.report("json", &[]);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema"], "polyver.report/v1");
    assert_eq!(doc["generated"], NOW);
    assert_eq!(doc["offline"], true);
    let len = |v: &Value| v.as_array().map_or(0, Vec::len);
    assert!(doc["inventory"]["components"].as_u64().unwrap() > 10);
    let graph = &doc["graph"]["graphs"][0];
    assert_eq!(graph["lock"], "web/package-lock.json");
    assert_eq!(graph["duplicates"][0]["name"], "ms");
    assert!(len(&graph["pulled_in"]) > 0, "{graph}");
    let security = &doc["security"];
    assert_eq!(security["checked"], true);
    assert!(len(&security["findings"]) >= 4);
    assert!(security["sla_breaches"].as_u64().unwrap() >= 2);
    let minimist = security["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "minimist")
        .unwrap();
    assert_eq!(minimist["smallest_fix"], "1.2.6");
    assert_eq!(minimist["sla"]["status"], "breached");
    let cells: Vec<&Value> = doc["compatibility"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .collect();
    assert!(cells.iter().any(|c| c["pass"] == true));
    assert!(cells.iter().any(|c| c["pass"] == false));
    assert!(cells.iter().all(|c| len(&c["evidence"]) > 0));
    assert!(doc["compatibility"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["declared"] == false && r["rule"] == "compat/requires-python"));
    let kinds: Vec<&str> = doc["risks"]["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "unsatisfiable",
        "compat",
        "drift",
        "floating",
        "duplicate-in-lock",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert!(doc["licences"]["summary"]["violations"].as_u64().unwrap() >= 1);
    assert!(len(&doc["plan"]["recommendations"]) >= 3);
    assert_eq!(doc["plan"]["schema"], "polyver.plan/v1");
    insta::assert_snapshot!("report_json", text);
}

/// python3, or why the test cannot run: under CI=true a missing tool fails.
fn tool(name: &str, candidates: &[&str]) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|dir| candidates.iter().map(move |c| dir.join(c)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is required under CI=true (.ci/run installs it)"
        );
        eprintln!("skipped: no {name} on PATH");
    }
    found
}

fn html_report(f: &Fixture) -> PathBuf {
    let path = f.path("report.html");
    let stdout = f.report("html", &["--output", path.to_str().unwrap()]);
    assert!(
        stdout.is_empty(),
        "--output writes nothing to stdout: {stdout}"
    );
    path
}

#[test]
fn html_report_is_well_formed_self_contained_and_escaped() {
    let f = Fixture::new();
    let path = html_report(&f);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(!html.contains(HOSTILE), "the hostile name is markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let Some(python) = tool("python3", &["python3"]) else {
        return;
    };
    let out = std::process::Command::new(python)
        .arg(Path::new(FIXTURE).join("check_html.py"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["errors"], serde_json::json!([]), "not well-formed");
    assert_eq!(
        check["external"],
        serde_json::json!([]),
        "loads from elsewhere"
    );
    assert_eq!(check["counts"]["script"], 0);
    assert_eq!(check["counts"]["link"], 0);
    assert_eq!(check["counts"]["img"], 0);
    let svgs = check["svgs"].as_u64().unwrap();
    assert!(svgs >= 6, "{svgs} charts");
    assert_eq!(check["svgs_titled"], svgs, "an <svg> without a <title>");
    let ids: Vec<&str> = check["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for section in SECTIONS {
        assert!(ids.contains(section), "no #{section}");
    }
    // What a reader sees: the name, as it is.
    assert!(check["text"].as_str().unwrap().contains(HOSTILE));
}

const SECTIONS: &[&str] = &[
    "summary",
    "inventory",
    "graph",
    "security",
    "compatibility",
    "risks",
    "licences",
    "recommendations",
];

/// Hosts Chromium itself talks to in the background (its component updater, clock and
/// account checks), whatever page it shows: not requests of the page.
const BROWSER_OWN_HOSTS: &[&str] = &[
    ".google.com",
    ".googleapis.com",
    ".gvt1.com",
    ".gstatic.com",
];

/// A proxy on loopback that records the target of every request sent through it and
/// answers none: with `--proxy-server` pointing at it, every request that would leave
/// loopback shows up here.
struct RecordingProxy {
    addr: std::net::SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl RecordingProxy {
    fn start() -> RecordingProxy {
        use std::io::Read as _;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let mut buf = [0u8; 1024];
                let n = conn.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                let target = head.split_whitespace().nth(1).unwrap_or("?").to_string();
                log.lock().unwrap().push(target);
            }
        });
        RecordingProxy { addr, seen }
    }

    /// Targets other than the browser's own services.
    fn page_requests(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|t| {
                let host = t
                    .trim_start_matches("http://")
                    .trim_start_matches("https://")
                    .split(['/', ':'])
                    .next()
                    .unwrap_or_default();
                !BROWSER_OWN_HOSTS.iter().any(|own| host.ends_with(own))
            })
            .cloned()
            .collect()
    }
}

/// Runs headless Chromium on `url` with `extra` flags, through `proxy`; its output.
fn chromium(
    binary: &Path,
    profile: &Path,
    proxy: &RecordingProxy,
    url: &str,
    extra: &[String],
) -> std::process::Output {
    let out = std::process::Command::new(binary)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--proxy-server=http://{}", proxy.addr))
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Headless Chromium renders the report: the DOM it built has every section, every chart
/// and the hostile name as text (no element made of it), nothing is written to the console,
/// and the page asks nothing of the network (a page that does either is caught the same way:
/// the control below).
#[test]
fn html_report_in_a_real_browser() {
    let Some(binary) = tool("chromium", &["chromium", "chromium-browser"]) else {
        return;
    };
    let f = Fixture::new();
    let path = html_report(&f);
    let html = std::fs::read_to_string(&path).unwrap();
    let proxy = RecordingProxy::start();
    let profile = f.path("chromium");
    let url = format!("file://{}", path.display());
    let logged = [
        "--dump-dom".to_string(),
        "--enable-logging=stderr".to_string(),
    ];
    let out = chromium(&binary, &profile, &proxy, &url, &logged);
    let console = String::from_utf8_lossy(&out.stderr);
    assert!(
        !console.contains(":CONSOLE"),
        "the page wrote to the console:\n{console}"
    );
    let dom = String::from_utf8(out.stdout).unwrap();
    for section in SECTIONS {
        assert!(
            dom.contains(&format!("<section id=\"{section}\"")),
            "no section {section} in the DOM:\n{dom}"
        );
    }
    assert_eq!(
        dom.matches("<svg").count(),
        html.matches("<svg").count(),
        "every chart is in the DOM"
    );
    assert!(dom.contains("<title id=\"security-severity-title\">"));
    assert_eq!(dom.matches("<script").count(), 0, "an element from a name");
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // A phone-sized screenshot renders too (POLYVER_SCREENSHOT_DIR keeps it for a look).
    let shot = f.path("report-phone.png");
    chromium(
        &binary,
        &profile,
        &proxy,
        &url,
        &[
            "--window-size=390,1600".to_string(),
            format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a screenshot");
    if let Ok(dir) = std::env::var("POLYVER_SCREENSHOT_DIR") {
        std::fs::copy(&shot, Path::new(&dir).join("report-phone.png")).unwrap();
    }
    assert_eq!(
        proxy.page_requests(),
        Vec::<String>::new(),
        "the report asked the network"
    );

    // The control: a page loading one image from elsewhere and writing to the console is
    // caught by both checks.
    let leaky = f.path("leaky.html");
    std::fs::write(
        &leaky,
        "<!DOCTYPE html><title>t</title><img src=\"http://report-test.invalid/x.png\">\
         <script>console.error(\"control\")</script>",
    )
    .unwrap();
    let control = RecordingProxy::start();
    let out = chromium(
        &binary,
        &profile,
        &control,
        &format!("file://{}", leaky.display()),
        &logged,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(":CONSOLE"));
    let seen = control.page_requests();
    assert!(
        seen.iter().any(|t| t.contains("report-test.invalid")),
        "the proxy did not see the control page's request: {seen:?}"
    );
}

#[test]
fn exit_codes_for_unusable_input_and_environment() {
    let f = Fixture::new();
    let code = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Not a directory: 2.
    let (c, err) = code(f.polyver().args(["report", "--offline", "no-such-dir"]));
    assert_eq!(c, Some(2), "{err}");
    // An invalid polyver.toml: 2, with its path:line.
    std::fs::write(
        f.path("repo/polyver.toml"),
        "[approved]\npython = 3\nbogus = true\n",
    )
    .unwrap();
    let (c, err) = code(f.polyver().args(["report", "--offline", "repo"]));
    assert_eq!(c, Some(2), "{err}");
    assert!(err.contains("polyver.toml:"), "{err}");
    std::fs::copy(
        Path::new(FIXTURE).join("repo/polyver.toml"),
        f.path("repo/polyver.toml"),
    )
    .unwrap();
    // An output file that cannot be created: 3.
    let (c, err) = code(f.polyver().args([
        "report",
        "--offline",
        "repo",
        "--output",
        "missing-dir/report.html",
    ]));
    assert_eq!(c, Some(3), "{err}");
    // A database that exists but cannot be read: 3.
    let broken = f.path("broken-db");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("advisories.pvdb"), "not a database").unwrap();
    let (c, err) =
        code(
            f.polyver()
                .env("POLYVER_OSV_DB", &broken)
                .args(["report", "--offline", "repo"]),
        );
    assert_eq!(c, Some(3), "{err}");
    // No database at all: a report that says vulnerabilities were not checked, exit 0.
    let out = f
        .polyver()
        .env("POLYVER_OSV_DB", f.path("none"))
        .args(["report", "--offline", "repo", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["security"]["checked"], false);
    assert!(doc["security"]["not_checked"]
        .as_str()
        .unwrap()
        .contains("no OSV database"));
    // A format report does not render: a usage error.
    let (c, _) = code(f.polyver().args(["report", "repo", "--format", "table"]));
    assert_eq!(c, Some(2));
}

/// Upstream answers, when there are some, reach the report: a local server answering in
/// npm's format (`[registries]`) says left-pad 1.1.0 is deprecated and express behind; the
/// report lists the deprecation under risks and the plan weighs the lag. A second run with
/// `--offline` answers the same from the cache of the first, without a request.
#[test]
fn upstream_answers_and_the_offline_cache_reach_the_report() {
    use polyver_net::testing::{Response, TestServer};
    let outdated = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/outdated");
    let server = TestServer::start();
    for name in ["express", "left-pad"] {
        server.route(
            &format!("/npm/{name}"),
            Response::ok(std::fs::read(outdated.join(format!("{name}.json"))).unwrap())
                .header("Content-Type", "application/json"),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("web")).unwrap();
    std::fs::write(
        repo.join("web/package.json"),
        r#"{"name":"web","dependencies":{"express":"^4.17.0","left-pad":"1.1.0"}}"#,
    )
    .unwrap();
    std::fs::write(
        repo.join("web/package-lock.json"),
        r#"{"name":"web","lockfileVersion":3,"requires":true,"packages":{
          "":{"name":"web","dependencies":{"express":"^4.17.0","left-pad":"1.1.0"}},
          "node_modules/express":{"version":"4.17.1"},
          "node_modules/left-pad":{"version":"1.1.0"}}}"#,
    )
    .unwrap();
    std::fs::write(
        repo.join("polyver.toml"),
        format!("[registries]\nnpm = \"{}/npm\"\n", server.base_url()),
    )
    .unwrap();
    let run = |offline: bool| -> Value {
        let mut cmd = Command::cargo_bin("polyver").unwrap();
        cmd.current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("POLYVER_NOW", NOW)
            .env("POLYVER_OSV_DB", dir.path().join("no-osv"))
            .env("POLYVER_CACHE_DIR", dir.path().join("cache"))
            .env_remove("POLYVER_DATA_DIR")
            .args(["report", "repo", "--format", "json"]);
        if offline {
            cmd.arg("--offline");
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let check = |doc: &Value| {
        let withdrawn = doc["risks"]["withdrawn"].as_array().unwrap();
        assert_eq!(withdrawn.len(), 1, "{withdrawn:?}");
        assert_eq!(withdrawn[0]["name"], "left-pad");
        assert_eq!(
            withdrawn[0]["deprecated"],
            "use String.prototype.padStart()"
        );
        assert!(doc["risks"]["outdated"].as_u64().unwrap() >= 1);
        let express = doc["plan"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "express")
            .unwrap();
        assert_eq!(express["latest"], "5.1.0");
        assert_eq!(doc["security"]["checked"], false);
    };
    let online = run(false);
    check(&online);
    assert_eq!(online["offline"], false);
    let requests = server.requests().len();
    assert!(requests >= 2, "{requests} requests");
    let offline = run(true);
    check(&offline);
    assert_eq!(offline["offline"], true);
    assert_eq!(
        server.requests().len(),
        requests,
        "--offline asked the registry"
    );
}
