//! The dashboard in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
//! installs) loads the pages of a `polyver serve` on a seeded registry and the test reads
//! the DOM it rendered — the table rows, the chart `<svg>` with its title, a filter link
//! followed, the compatibility matrix against the API's — checks that the page logged nothing to the console (a CSP violation would be
//! logged there) and that no request the pages made left loopback (from Chromium's own
//! network log), and takes phone-width (390×844) and laptop screenshots into
//! `target/tmp/dashboard-screenshots/`.
//!
//! Without Chromium the test skips, saying so; under `CI=true` it fails instead.

#[path = "common/dashboard.rs"]
mod dashboard;
#[path = "common/server.rs"]
mod server;
#[path = "common/temp.rs"]
mod temp;

use dashboard::{registry, seed, HOSTILE, WEB};
use server::Server;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Chromium binary: `POLYVER_CHROMIUM`, else `chromium` or `chromium-browser` on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("POLYVER_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

struct Browser {
    binary: PathBuf,
    dir: PathBuf,
    runs: u32,
}

/// What one Chromium run left: its stdout and stderr, and the URLs its pages requested
/// (with the origin that asked, from the network log).
struct Run {
    stdout: String,
    console: Vec<String>,
    requests: Vec<(String, String)>,
}

impl Browser {
    /// Chromium on `url` with `args`, a fresh profile, every host but loopback unresolvable,
    /// its background services off, and a network log.
    fn run(&mut self, url: &str, args: &[&str]) -> Run {
        self.runs += 1;
        let profile = self.dir.join(format!("profile-{}", self.runs));
        let net_log = self.dir.join(format!("net-{}.json", self.runs));
        let mut child = Command::new(&self.binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-features=AutofillServerCommunication",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--log-net-log={}", net_log.display()))
            .args(args)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
        let read = |mut r: Box<dyn std::io::Read + Send>| {
            std::thread::spawn(move || {
                let mut s = String::new();
                let _ = r.read_to_string(&mut s);
                s
            })
        };
        let (out, err) = (read(Box::new(stdout)), read(Box::new(stderr)));
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(90) {
                let _ = child.kill();
                panic!("chromium on {url} took more than 90 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
        let console = stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_string)
            .collect();
        Run {
            stdout,
            console,
            requests: requests(&net_log),
        }
    }
}

/// (initiator, URL) of every request Chromium started, from its network log.
fn requests(net_log: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(net_log).expect("chromium wrote its network log");
    let log: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("network log: {e}"));
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("URL_REQUEST_START_JOB in the log's constants");
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start))
        .filter_map(|e| {
            let p = &e["params"];
            Some((
                p["initiator"].as_str().unwrap_or("").to_string(),
                p["url"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The rows of the first `table.CLASS` of a DOM dump, each as its cells' text.
fn rows(html: &str, class: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table class=\"{class}\">"))
        .unwrap_or_else(|| panic!("no table.{class} in {html}"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("<tr")
        .skip(1)
        // Rows with data only (`<tr>`, `<tr data-result=…>`), not `<tr class="empty">`.
        .filter_map(|row| {
            row.strip_prefix('>').or_else(|| {
                let attributes = row.strip_prefix(" data-")?;
                Some(&attributes[attributes.find('>')? + 1..])
            })
        })
        .map(|row| {
            row.split("</th>")
                .flat_map(|part| part.split("</td>"))
                .filter(|cell| cell.contains("<td") || cell.contains("<th"))
                .map(text)
                .collect()
        })
        .collect()
}

fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    // A line-break opportunity is no space.
    for c in html.replace("<wbr>", "").chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The href of the first link whose text is `label`.
fn link(html: &str, label: &str) -> String {
    let at = html
        .find(&format!(">{label}<"))
        .unwrap_or_else(|| panic!("no link `{label}`"));
    let open = html[..at].rfind("<a ").unwrap();
    let href = html[open..at].split("href=\"").nth(1).unwrap();
    href[..href.find('"').unwrap()].replace("&amp;", "&")
}

#[test]
fn the_dashboard_renders_in_chromium_without_remote_loads() {
    let Some(binary) = chromium() else {
        polyver_testkit::skip(
            "no chromium on PATH (nor POLYVER_CHROMIUM)",
            "apt-get install -y chromium",
        );
        return;
    };
    let dir = temp::fresh_dir("dashboard-browser", "pages");
    let db = format!("sqlite://{}", dir.join("server.db").display());
    seed(&db);
    let served = Server::start(&dir, &db, &[]);
    let base = served.url();
    let mut browser = Browser {
        binary,
        dir: dir.clone(),
        runs: 0,
    };
    let mut dom = |path: &str| {
        let run = browser.run(&format!("{base}{path}"), &["--dump-dom"]);
        assert!(
            run.console.is_empty(),
            "{path}: console: {:#?}",
            run.console
        );
        // What the page asked for (Chromium's own services have no page as initiator).
        let from_page: Vec<&(String, String)> = run
            .requests
            .iter()
            .filter(|(initiator, url)| initiator == &base || url.starts_with(&base))
            .collect();
        assert!(
            from_page
                .iter()
                .any(|(_, u)| u.ends_with("/assets/dashboard.css")),
            "{path}: the stylesheet was not loaded: {:#?}",
            run.requests
        );
        for (initiator, url) in &run.requests {
            if initiator == &base {
                assert!(url.starts_with(&format!("{base}/")), "{path} loaded {url}");
            }
        }
        assert!(run.stdout.contains("</html>"), "{path}: {}", run.stdout);
        run.stdout
    };

    // The overview: every repository a row, the markup in a name as text, no script.
    let overview = dom("/?sort=name");
    let names: Vec<String> = rows(&overview, "repositories")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        names,
        [HOSTILE, registry::BILLING, registry::SHOP, WEB, "ops/infra"]
    );
    assert!(!overview.contains("<script"), "{overview}");
    assert!(overview.contains("<title id=\"fleet-vulnerabilities-title\">"));
    // A filter link followed.
    let critical = dom(&link(&overview, "Critical vulnerabilities"));
    let names: Vec<String> = rows(&critical, "repositories")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(names, [registry::SHOP, WEB]);

    // One repository: the history charts with their titles, findings and components.
    let web = dom("/repos/github.com/acme/web");
    assert!(web.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\""));
    assert!(web.contains("<title id=\"components-history-title\">Components over time</title>"));
    assert!(web
        .contains("<title id=\"vulnerabilities-history-title\">Vulnerabilities over time</title>"));
    assert_eq!(rows(&web, "findings").len(), 5);
    assert_eq!(rows(&web, "components").len(), 3);
    // Its compatibility matrix is the API's, row for row: verdict, rule, what was checked
    // where, and every declaration of the evidence.
    let api = server::request(
        &served.addr,
        "GET",
        "/api/v1/repositories/github.com%2Facme%2Fweb/compatibility",
        None,
        &[],
        b"",
    )
    .json();
    let items = api["items"].as_array().unwrap();
    let matrix = rows(&web, "compatibility");
    assert_eq!(matrix.len(), items.len(), "{matrix:?}");
    assert_eq!(items.len(), 3);
    for (row, item) in matrix.iter().zip(items) {
        let field = |name: &str| item[name].as_str().unwrap_or_default().to_string();
        assert_eq!(row[3], field("result"), "{row:?}");
        assert!(row[0].starts_with(&field("title")), "{row:?}");
        assert!(row[1].ends_with(&field("origin")), "{row:?}");
        let checked = match item["checked"].as_str() {
            Some(checked) => format!("{checked} {}:{}", field("path"), item["line"]),
            None => "—".to_string(),
        };
        assert_eq!(row[2], checked);
        for e in item["evidence"].as_array().unwrap() {
            let at = format!(
                "{} at {}:{}",
                e["requirement"].as_str().unwrap(),
                e["path"].as_str().unwrap(),
                e["line"]
            );
            assert!(row[4].contains(&at), "{row:?} lacks {at}");
        }
    }
    let npm = dom(&link(&web, "npm (1)").replace("#components", ""));
    let components: Vec<String> = rows(&npm, "components")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(components, ["<script>"]);

    // One component across repositories.
    let postgres = dom("/components/docker/postgres");
    assert_eq!(rows(&postgres, "usages").len(), 4);
    assert!(postgres.contains(
        "<title id=\"versions-title\">Repositories per version of docker:postgres</title>"
    ));

    // Screenshots at phone width and on a laptop, to look at.
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, path, size) in [
        ("overview-phone", "/", "390,844"),
        ("repository-phone", "/repos/github.com/acme/web", "390,844"),
        ("component-phone", "/components/docker/postgres", "390,844"),
        ("overview-laptop", "/", "1280,800"),
        (
            "repository-laptop",
            "/repos/github.com/acme/web",
            "1280,2300",
        ),
    ] {
        let file = shots.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&file);
        let run = browser.run(
            &format!("{base}{path}"),
            &[
                &format!("--screenshot={}", file.display()),
                &format!("--window-size={size}"),
            ],
        );
        assert!(run.console.is_empty(), "{name}: {:#?}", run.console);
        let png = std::fs::read(&file).unwrap_or_else(|e| panic!("{name}: no screenshot: {e}"));
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{name}: {} bytes",
            png.len()
        );
    }
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}
