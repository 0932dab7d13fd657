//! The HTML dashboard of a running `polyver serve`, over HTTP, on SQLite and PostgreSQL:
//! every page's status, headers (a CSP that allows no remote load) and content; the numbers
//! of the overview against `/metrics`; escaping (a repository and a component named
//! `<script>` stay text); filters, sorting and pagination; strict parameters; forge links;
//! who may read when `[server] read = "token"`. The same pages in a real browser are in
//! `cli_serve_dashboard_browser.rs`.

#[path = "common/dashboard.rs"]
mod dashboard;
#[path = "common/pg.rs"]
mod pg;
#[path = "common/server.rs"]
mod server;
#[path = "common/temp.rs"]
mod temp;

use dashboard::{registry, seed, HOSTILE, WEB, WEB_COMMIT};
use server::{request, token, Answer, Server};
use std::path::Path;

fn on_both(tag: &str, body: fn(&Path, &str)) {
    let dir = temp::fresh_dir("dashboard", tag);
    let sqlite = format!("sqlite://{}", dir.join("server.db").display());
    body(&dir, &sqlite);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(pg) = pg::PgSchema::create(tag) {
        let dir = temp::fresh_dir("dashboard", &format!("{tag}-pg"));
        body(&dir, &pg.url);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn get(addr: &str, path: &str) -> Answer {
    request(addr, "GET", path, None, &[], b"")
}

/// GET answered 200 with an HTML page and the dashboard's headers.
fn page(addr: &str, path: &str) -> String {
    let a = get(addr, path);
    assert_eq!(a.status, 200, "GET {path}: {}", a.body);
    assert_eq!(
        a.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{path}"
    );
    let csp = a.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("style-src 'self'"),
        "{path}: {csp}"
    );
    assert!(!a.body.contains("<script"), "{path}: a script in the page");
    a.body
}

/// The text of an HTML fragment: tags dropped, entities of the five escaped characters
/// decoded, whitespace collapsed.
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
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rows of the body of the first table whose class is `class`, each as its cells' text.
fn rows(html: &str, class: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table class=\"{class}\">"))
        .unwrap_or_else(|| panic!("no table.{class}"));
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

/// The href of the first link whose text is `label`.
fn link(html: &str, label: &str) -> String {
    let at = html
        .find(&format!(">{label}<"))
        .unwrap_or_else(|| panic!("no link `{label}`"));
    let open = html[..at].rfind("<a ").unwrap();
    let tag = &html[open..at];
    let href = tag.split("href=\"").nth(1).unwrap();
    href[..href.find('"').unwrap()].replace("&amp;", "&")
}

fn names(rows: &[Vec<String>]) -> Vec<&str> {
    rows.iter().map(|r| r[0].as_str()).collect()
}

/// The value of the sample `name{repo="REPO"...}` of the `/metrics` text.
fn metric(text: &str, name: &str, repo: &str, extra: &str) -> f64 {
    let prefix = format!("{name}{{repo=\"{}\"{extra}", repo.replace('"', "\\\""));
    let line = text
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {prefix}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn overview_lists_every_repository_with_the_metrics_numbers() {
    on_both("overview", |dir, db| {
        seed(db);
        let s = Server::start(dir, db, &[]);
        let html = page(&s.addr, "/");
        let rows = rows(&html, "repositories");
        // Worst health first, ties by name.
        assert_eq!(rows.len(), 5, "{rows:?}");
        let metrics = get(&s.addr, "/metrics").body;
        for row in &rows {
            let repo = &row[0];
            let health = metric(&metrics, "polyver_health_score", repo, "");
            assert_eq!(row[1], format!("{health}"), "{repo}");
            let sla: f64 = ["critical", "high", "medium", "low"]
                .iter()
                .map(|s| {
                    metric(
                        &metrics,
                        "polyver_sla_breaches",
                        repo,
                        &format!(",severity=\"{s}\""),
                    )
                })
                .sum();
            assert_eq!(row[3], format!("{sla}"), "{repo}");
            let vulnerabilities: Vec<String> = ["critical", "high", "medium", "low"]
                .iter()
                .filter_map(|s| {
                    let n = metric(
                        &metrics,
                        "polyver_vulnerabilities",
                        repo,
                        &format!(",severity=\"{s}\""),
                    );
                    (n > 0.0).then(|| format!("{n} {s}"))
                })
                .collect();
            let expected = if vulnerabilities.is_empty() {
                "none".to_string()
            } else {
                vulnerabilities.join(" ")
            };
            assert_eq!(row[2], expected, "{repo}");
        }
        let healths: Vec<u8> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
        assert!(healths.windows(2).all(|w| w[0] <= w[1]), "{healths:?}");
        let web = rows.iter().find(|r| r[0] == WEB).unwrap();
        assert_eq!(web[2], "1 critical 1 medium");
        assert_eq!(web[3], "1");
        assert_eq!(web[4], "1");
        assert_eq!(web[5], "2 of 3 (66%)");
        assert_eq!(web[6], "3");
        assert!(web[7].ends_with(" d ago"), "{web:?}");
        // No outdated answer stored: a dash, not 0%.
        let shop = rows.iter().find(|r| r[0] == registry::SHOP).unwrap();
        assert_eq!(shop[5], "—");
        // The markup in a name is text, in the table and in its link.
        assert!(names(&rows).contains(&HOSTILE));
        assert!(html.contains("evil/<wbr>&lt;script&gt;alert(1)&lt;/<wbr>script&gt;"));
        assert!(html.contains("href=\"/repos/evil/%3Cscript%3Ealert%281%29%3C/script%3E\""));
        // The stylesheet and icon are served from the binary, to anyone.
        let css = get(&s.addr, "/assets/dashboard.css");
        assert_eq!(css.status, 200);
        assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
        assert!(css.body.contains(".sev-critical"));
        assert_eq!(get(&s.addr, "/assets/favicon.svg").status, 200);
        // Nothing but this server's own paths.
        assert!(!html.contains("src=\""), "{html}");
        for href in html.split("href=\"").skip(1) {
            assert!(href.starts_with('/'), "{}", &href[..40.min(href.len())]);
        }
    });
}

#[test]
fn overview_filters_sorts_and_pages() {
    on_both("overview_query", |dir, db| {
        seed(db);
        let s = Server::start(dir, db, &[]);
        let list = |path: &str| {
            names(&rows(&page(&s.addr, path), "repositories"))
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            list("/?sort=name"),
            [HOSTILE, BILLING_NAME, SHOP_NAME, WEB, "ops/infra"]
        );
        assert_eq!(
            list("/?sort=name&order=desc"),
            ["ops/infra", WEB, SHOP_NAME, BILLING_NAME, HOSTILE]
        );
        // Ties (four components each) by name.
        assert_eq!(
            list("/?sort=components&order=desc")[..2],
            [BILLING_NAME, SHOP_NAME]
        );
        assert_eq!(list("/?sort=scanned&order=desc")[0], WEB);
        assert_eq!(list("/?sort=outdated")[0], WEB);
        assert_eq!(list("/?vulnerable=critical&sort=name"), [SHOP_NAME, WEB]);
        assert_eq!(list("/?breached=true"), [WEB]);
        assert_eq!(list("/?drifting=true"), [WEB]);
        assert_eq!(list("/?q=ACME&sort=name"), [BILLING_NAME, SHOP_NAME, WEB]);
        // A GET form's "any" is an empty value: no filter.
        assert_eq!(list("/?q=&vulnerable=&sort=name").len(), 5);
        // Pages of two, joined by their links.
        let mut seen = Vec::new();
        let mut path = "/?sort=name&limit=2".to_string();
        loop {
            let html = page(&s.addr, &path);
            seen.extend(
                names(&rows(&html, "repositories"))
                    .iter()
                    .map(|n| n.to_string()),
            );
            if !html.contains("rel=\"next\"") {
                assert!(html.contains("Showing 5–5 of 5"), "{html}");
                break;
            }
            path = link(&html, "Next →");
        }
        assert_eq!(seen, list("/?sort=name"));
        // The header link of the sorted column flips its order; the filter links keep the sort.
        let html = page(&s.addr, "/?sort=name");
        assert_eq!(link(&html, "Repository ▲"), "/?sort=name&order=desc");
        assert_eq!(
            link(&html, "Critical vulnerabilities"),
            "/?sort=name&vulnerable=critical"
        );
        assert!(page(&s.addr, "/?page=9").contains("Page 9 is past the last (1)"));
        // Strict parameters: a 400 page naming the parameter.
        for (path, says) in [
            (
                "/?sort=size",
                "query parameter `sort` is `size`: expected one of name, health",
            ),
            ("/?limit=0", "query parameter `limit` is `0`"),
            ("/?breached=yes", "`true` or `false`"),
            ("/?colour=red", "this page has no query parameter `colour`"),
        ] {
            let a = get(&s.addr, path);
            assert_eq!(a.status, 400, "{path}");
            assert!(a.header("content-type").unwrap().starts_with("text/html"));
            assert!(text(&a.body).contains(says), "{path}: {}", text(&a.body));
        }
        // The overview's rows are read at most once per 5 s: a repository stored meanwhile
        // shows within that, while its own page is live at once.
        polyver_store::Store::open(db)
            .unwrap()
            .record(
                &registry::meta("new/repo", "8888888888888888888888888888888888888888", 0),
                &registry::inventory(vec![registry::requirement("requests", "2.32.3", 1)]),
                &[],
            )
            .unwrap();
        assert!(page(&s.addr, "/repos/new/repo").contains("<h1 class=\"repository\">new/repo</h1>"));
        let start = std::time::Instant::now();
        while list("/?sort=name").len() == 5 {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(15),
                "the new repository never showed"
            );
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        assert_eq!(list("/?sort=name").last().unwrap(), "ops/infra");
        assert!(list("/?sort=name").contains(&"new/repo".to_string()));
    });
}

const SHOP_NAME: &str = registry::SHOP;
const BILLING_NAME: &str = registry::BILLING;

#[test]
fn a_repository_page_shows_health_history_findings_drift_compat_and_components() {
    on_both("repository", |dir, db| {
        seed(db);
        let s = Server::start(dir, db, &[]);
        let html = page(&s.addr, "/repos/github.com/acme/web");
        // The same page with the name as one segment, as the API spells it.
        assert_eq!(page(&s.addr, "/repos/github.com%2Facme%2Fweb"), html);
        let t = text(&html);
        assert!(t.contains("Latest scan"), "{t}");
        // History: both scans in the charts, with their accessible titles.
        assert!(
            html.contains("<title id=\"components-history-title\">Components over time</title>")
        );
        assert!(html.contains(
            "<title id=\"vulnerabilities-history-title\">Vulnerabilities over time</title>"
        ));
        assert!(
            t.contains("vulnerabilities: 0 on 2026-01-06 to 2 on 2026-01-07"),
            "{t}"
        );
        assert!(
            t.contains("components: 1 on 2026-01-06 to 3 on 2026-01-07"),
            "{t}"
        );
        // Findings, most severe first, each line linked on the forge at the scanned commit.
        let findings = rows(&html, "findings");
        assert_eq!(findings.len(), 5);
        assert_eq!(findings[0][0], "critical");
        let line = format!("https://github.com/acme/web/blob/{WEB_COMMIT}/requirements.txt#L4");
        assert!(html.contains(&format!("href=\"{line}\"")), "{html}");
        assert!(html.contains(&format!("https://github.com/acme/web/commit/{WEB_COMMIT}")));
        // Filter by kind.
        let vulnerabilities = page(
            &s.addr,
            "/repos/github.com/acme/web?finding_kind=vulnerability",
        );
        assert_eq!(rows(&vulnerabilities, "findings").len(), 2);
        // What is behind upstream, most majors first.
        let outdated = rows(&html, "outdated");
        assert_eq!(outdated.len(), 2, "{outdated:?}");
        assert_eq!(
            outdated[0][..7],
            [
                "docker:postgres",
                "13",
                "17.2",
                "major",
                "4 majors",
                "900",
                "deprecated"
            ]
        );
        assert_eq!(outdated[1][4], "12 minors, 3 patches");
        assert!(t.contains("2 of the 3 components looked up are behind, yanked or deprecated"));
        assert!(html.contains(&format!(
            "href=\"https://github.com/acme/web/blob/{WEB_COMMIT}/Dockerfile#L1\""
        )));
        // Drift and compatibility sections.
        let drift = &t[t.find("Drift from approved versions").unwrap()..];
        assert!(drift.contains("pypi:requests 2.20.0 is outside [approved] ==2.32.3"));
        // The whole matrix, in the stored order: rule, source, checked, result, evidence.
        let matrix = rows(&html, "compatibility");
        let results: Vec<&str> = matrix.iter().map(|r| r[3].as_str()).collect();
        assert_eq!(results, ["fail", "not-applicable", "pass"], "{matrix:?}");
        assert_eq!(
            matrix[0][..3],
            [
                "pypi:requests within `>=2.25` with python 3.8 urllib3 2 needs it",
                "[[compat]] polyver.toml:9",
                "requests 2.20.0 requirements.txt:4",
            ]
        );
        assert!(matrix[0][4].contains("python 3.8 (when python 3.8) at .python-version:1"));
        assert_eq!(
            matrix[2][1],
            "derived compat/requires-python pyproject.toml:5"
        );
        let compat = &t[t.find("Compatibility").unwrap()..];
        assert!(
            compat.contains("3 rules: 2 declared in polyver.toml [[compat]], 1 derived"),
            "{compat}"
        );
        assert!(compat.contains("1 check passes, 1 fails, 1 rule applies nowhere."));
        // Components and their filters.
        let all = rows(&html, "components");
        assert_eq!(names(&all), ["requests", "postgres", "<script>"]);
        let only = |q: &str| {
            let html = page(&s.addr, &format!("/repos/github.com/acme/web?{q}"));
            names(&rows(&html, "components"))
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(only("ecosystem=npm"), ["<script>"]);
        assert_eq!(only("kind=image"), ["postgres"]);
        assert_eq!(only("scope=dev"), ["<script>"]);
        assert_eq!(only("direct=true&ecosystem=pypi"), ["requests"]);
        assert_eq!(only("ecosystem=cargo"), Vec::<String>::new());
        assert_eq!(only("limit=1&page=2"), ["postgres"]);
        // A facet link is followed to its filtered page.
        let npm = link(&html, "npm (1)");
        assert_eq!(npm, "/repos/github.com/acme/web?ecosystem=npm#components");
        // The component named markup is text, and links to its page.
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("href=\"/components/npm/%3Cscript%3E\""));
        // A repository off a known forge: file:line as text, no link.
        let shop = page(&s.addr, "/repos/git.example/acme/shop");
        assert!(text(&shop).contains("requirements.txt:1"));
        assert!(text(&shop).contains("No polyver outdated answer is stored with this scan"));
        assert!(!shop.contains("https://"));
        // The hostile name, on its own page.
        let hostile = page(&s.addr, "/repos/evil/%3Cscript%3Ealert(1)%3C/script%3E");
        assert!(hostile
            .contains("<h1 class=\"repository\">evil/&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
        // Unknown repository: a 404 page; bad filter: a 400 page.
        let missing = get(&s.addr, "/repos/no/such");
        assert_eq!(missing.status, 404);
        assert!(text(&missing.body).contains("no repository named `no/such`"));
        let bad = get(&s.addr, "/repos/github.com/acme/web?kind=lib");
        assert_eq!(bad.status, 400);
        assert!(text(&bad.body).contains("`kind` is `lib`: expected one of package, image"));
    });
}

#[test]
fn a_component_page_says_which_versions_run_where() {
    on_both("component", |dir, db| {
        seed(db);
        let s = Server::start(dir, db, &[]);
        let html = page(&s.addr, "/components/docker/postgres");
        // Newest version first, by Docker tag order.
        let versions = rows(&html, "versions");
        let table: Vec<(String, String)> = versions
            .iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
        assert_eq!(table.len(), 4, "{table:?}");
        assert!(table.contains(&("16.2".into(), SHOP_NAME.into())));
        assert!(table.contains(&("14-alpine".into(), BILLING_NAME.into())));
        assert!(table.contains(&("14.11".into(), "ops/infra".into())));
        assert!(table.contains(&("13".into(), WEB.into())));
        assert_eq!(table[0].0, "16.2");
        assert!(html.contains(
            "<title id=\"versions-title\">Repositories per version of docker:postgres</title>"
        ));
        let usages = rows(&html, "usages");
        assert_eq!(usages.len(), 4);
        // Names are normalized the ecosystem's way.
        assert_eq!(
            page(&s.addr, "/components/docker/docker.io%2Flibrary%2Fpostgres"),
            html
        );
        let requests = page(&s.addr, "/components/pypi/Requests");
        let places = rows(&requests, "usages");
        // shop (1), billing (pinned and unpinned), web (1).
        assert_eq!(places.len(), 4, "{places:?}");
        assert!(text(&requests).contains(">=2.0 (constraint)"));
        assert_eq!(
            names(&rows(
                &page(&s.addr, "/components/pypi/requests?limit=1&page=4"),
                "usages"
            )),
            [WEB]
        );
        let web = rows(&requests, "usages")
            .into_iter()
            .find(|r| r[0] == WEB)
            .unwrap();
        assert_eq!(web[1], "2.20.0");
        assert!(requests.contains(&format!(
            "https://github.com/acme/web/blob/{WEB_COMMIT}/requirements.txt#L4"
        )));
        // Markup in a name.
        let script = page(&s.addr, "/components/npm/%3Cscript%3E");
        assert!(script.contains("<h1 class=\"component\">npm:&lt;script&gt;</h1>"));
        assert_eq!(get(&s.addr, "/components/npm/left-pad").status, 404);
        let unknown = get(&s.addr, "/components/cobol/x");
        assert_eq!(unknown.status, 404);
        assert!(text(&unknown.body).contains("no ecosystem `cobol`"));
    });
}

#[test]
fn closed_reads_need_a_token_and_a_pattern_limits_what_is_seen() {
    on_both("dashboard_auth", |dir, db| {
        seed(db);
        std::fs::write(dir.join("polyver.toml"), "[server]\nread = \"token\"\n").unwrap();
        let s = Server::start(dir, db, &[]);
        let read = token(dir, db, &["--scope", "read"]);
        let acme = token(
            dir,
            db,
            &["--scope", "read", "--repo", "git.example/acme/*"],
        );
        for path in [
            "/",
            "/repos/github.com/acme/web",
            "/components/docker/postgres",
        ] {
            let a = get(&s.addr, path);
            assert_eq!(a.status, 401, "{path}");
            assert_eq!(
                a.header("www-authenticate"),
                Some("Bearer realm=\"polyver\"")
            );
            let a = request(&s.addr, "GET", path, Some(&read), &[], b"");
            assert_eq!(a.status, 200, "{path}: {}", a.body);
        }
        // The stylesheet holds no data: public.
        assert_eq!(get(&s.addr, "/assets/dashboard.css").status, 200);
        let limited = |path: &str| request(&s.addr, "GET", path, Some(&acme), &[], b"");
        let overview = limited("/?sort=name");
        assert_eq!(
            names(&rows(&overview.body, "repositories")),
            [BILLING_NAME, SHOP_NAME]
        );
        assert_eq!(limited("/repos/github.com/acme/web").status, 403);
        assert_eq!(limited("/repos/git.example/acme/shop").status, 200);
        let postgres = limited("/components/docker/postgres");
        let repos: Vec<String> = rows(&postgres.body, "usages")
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        assert_eq!(repos, [BILLING_NAME, SHOP_NAME]);
        assert_eq!(limited("/components/npm/react").status, 200);
        assert_eq!(limited("/components/npm/%3Cscript%3E").status, 404);
    });
}
