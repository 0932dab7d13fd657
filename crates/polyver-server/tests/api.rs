//! The API over HTTP on a seeded SQLite registry: the router serves exactly the operations
//! `/openapi.json` declares, every documented endpoint answers with a documented status and a
//! body its schema accepts, pages joined by `next` give the whole list, filters, ranges and
//! the search select what they say, bad requests get a 400 that names the parameter, and
//! pushes (`POST /api/v1/scans`) answer 201/200/400/401/403/413/415/422 as documented and
//! bring their `polyver outdated` rows to the outdated endpoint and `/metrics`, and their
//! compatibility matrix to the compatibility endpoint.

#[path = "support/registry.rs"]
mod registry;

use registry::{Seeded, BILLING, INFRA, SHOP};
use serde_json::{json, Value};
use std::sync::OnceLock;

struct Server {
    base: String,
    seeded: Seeded,
    _dir: tempfile::TempDir,
}

/// `polyver serve` on `url` with `options` (on a port of its own), in a thread of its own
/// until the test process ends; its base URL.
fn spawn(url: String, options: polyver_server::ServerOptions) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let store = polyver_store::AsyncStore::open(&url).await.unwrap();
            // As `polyver serve` runs it: the state is the server's own business.
            let options = polyver_server::ServerOptions {
                listen: "127.0.0.1:0".parse().unwrap(),
                ..options
            };
            polyver_server::serve(store, options, move |addr| tx.send(addr).unwrap())
                .await
                .unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// One server for the whole file (its registry is only read).
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let url = polyver_store::sqlite_url(&dir.path().join("registry.db"));
        let store = polyver_store::Store::open(&url).unwrap();
        let seeded = registry::seed(&store);
        registry::seed_outdated(&store, &seeded);
        drop(store);
        Server {
            base: spawn(url, Default::default()),
            seeded,
            _dir: dir,
        }
    })
}

/// GET `path`: the status and the body (JSON, or a JSON string for text).
fn get(path: &str) -> (u16, Value) {
    let response = reqwest::blocking::get(format!("{}{path}", server().base)).unwrap();
    let status = response.status().as_u16();
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("application/json"));
    let text = response.text().unwrap();
    let body = if json {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    } else {
        Value::String(text)
    };
    (status, body)
}

fn ok(path: &str) -> Value {
    let (status, body) = get(path);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn bad(path: &str) -> String {
    let (status, body) = get(path);
    assert_eq!(status, 400, "{path}: {body}");
    body["error"].as_str().unwrap().to_string()
}

fn document() -> Value {
    serde_json::from_str(polyver_server::openapi::DOCUMENT).unwrap()
}

fn encoded(name: &str) -> String {
    name.replace('/', "%2F")
}

/// Whether `body` is what the document says `method template` answers with `status`.
fn conforms(
    doc: &Value,
    (method, template): (&str, &str),
    status: u16,
    body: &Value,
) -> Result<(), String> {
    let response = &doc["paths"][template][method]["responses"][status.to_string()];
    if response.is_null() {
        return Err(format!(
            "{method} {template}: status {status} is not documented"
        ));
    }
    let Some(schema) = response["content"]["application/json"]["schema"].as_object() else {
        return match (response["content"].as_object(), body) {
            (Some(content), Value::String(_))
                if content.keys().all(|k| k.starts_with("text/plain")) =>
            {
                Ok(())
            }
            _ => Err(format!(
                "{method} {template} {status}: answered {body}, documented {}",
                response["content"]
            )),
        };
    };
    let wrapper = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "allOf": [schema],
    });
    let validator = jsonschema::validator_for(&wrapper).map_err(|e| e.to_string())?;
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{template} {status}: {}", errors.join("; ")))
    }
}

#[test]
fn every_documented_endpoint_answers_as_documented() {
    let s = server();
    let doc = document();
    let (shop, old) = (s.seeded.shop, s.seeded.shop_old);
    let requests: Vec<(&str, String)> = vec![
        ("/healthz", "/healthz".into()),
        ("/readyz", "/readyz".into()),
        ("/openapi.json", "/openapi.json".into()),
        ("/metrics", "/metrics".into()),
        ("/api/v1/repositories", "/api/v1/repositories?limit=2".into()),
        ("/api/v1/repositories", "/api/v1/repositories?limit=0".into()),
        ("/api/v1/repositories/{repository}", format!("/api/v1/repositories/{}", encoded(SHOP))),
        ("/api/v1/repositories/{repository}", "/api/v1/repositories/nobody".into()),
        ("/api/v1/repositories/{repository}/scans", format!("/api/v1/repositories/{}/scans?limit=1", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/scans", "/api/v1/repositories/nobody/scans".into()),
        ("/api/v1/repositories/{repository}/diff", format!("/api/v1/repositories/{}/diff", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/diff", format!("/api/v1/repositories/{}/diff?from=-5", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/diff", format!("/api/v1/repositories/{}/diff?from=x", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/outdated", format!("/api/v1/repositories/{}/outdated?limit=2", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/outdated", format!("/api/v1/repositories/{}/outdated?behind=true", encoded(INFRA))),
        ("/api/v1/repositories/{repository}/outdated", "/api/v1/repositories/nobody/outdated".into()),
        ("/api/v1/repositories/{repository}/outdated", format!("/api/v1/repositories/{}/outdated?behind=1", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/compatibility", format!("/api/v1/repositories/{}/compatibility", encoded(BILLING))),
        ("/api/v1/repositories/{repository}/compatibility", format!("/api/v1/repositories/{}/compatibility?result=not-applicable", encoded(BILLING))),
        ("/api/v1/repositories/{repository}/compatibility", format!("/api/v1/repositories/{}/compatibility", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/compatibility", format!("/api/v1/repositories/{}/compatibility?result=ok", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/compatibility", "/api/v1/repositories/nobody/compatibility".into()),
        ("/api/v1/scans/{scan_id}", format!("/api/v1/scans/{shop}")),
        ("/api/v1/scans/{scan_id}", "/api/v1/scans/999999".into()),
        ("/api/v1/scans/{scan_id}", "/api/v1/scans/abc".into()),
        ("/api/v1/scans/{scan_id}/components", format!("/api/v1/scans/{shop}/components")),
        ("/api/v1/scans/{scan_id}/components", format!("/api/v1/scans/{old}/components?ecosystem=pypi&range=%3C2.31")),
        ("/api/v1/scans/{scan_id}/components", format!("/api/v1/scans/{shop}/components?kind=bogus")),
        ("/api/v1/scans/{scan_id}/findings", format!("/api/v1/scans/{shop}/findings?severity=critical,high")),
        ("/api/v1/scans/{scan_id}/findings", "/api/v1/scans/999999/findings".into()),
        ("/api/v1/search/components", "/api/v1/search/components?ecosystem=pypi&name=requests&range=%3C2.31&include_unknown=true".into()),
        ("/api/v1/search/components", "/api/v1/search/components?ecosystem=docker&name=postgres".into()),
        ("/api/v1/search/components", "/api/v1/search/components?ecosystem=pypi".into()),
    ];
    let mut failures = vec![];
    for (template, path) in &requests {
        let (status, body) = get(path);
        if let Err(e) = conforms(&doc, ("get", template), status, &body) {
            failures.push(format!("GET {path}: {e}\n{body}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for (template, _) in doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, ops)| !ops["get"].is_null())
    {
        assert!(
            requests.iter().any(|(t, _)| t == template),
            "{template} is documented but not requested here"
        );
    }
}

/// Every page of a list, following `next` from `first`.
fn pages(first: &str) -> Vec<Value> {
    let mut pages = vec![ok(first)];
    while let Some(next) = pages.last().unwrap()["next"].as_str() {
        assert!(pages.len() < 20, "endless pages from {first}");
        pages.push(ok(next));
    }
    pages
}

fn item_field(pages: &[Value], field: &str) -> Vec<Vec<String>> {
    pages
        .iter()
        .map(|p| {
            p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| match &i.pointer(field).unwrap() {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn pages_joined_by_next_give_the_whole_list_once() {
    let s = server();
    let repos = pages("/api/v1/repositories?limit=2");
    assert_eq!(
        item_field(&repos, "/name"),
        [vec![BILLING, SHOP], vec![INFRA]]
    );
    assert_eq!(repos[0]["next_cursor"], json!(hex(SHOP)));
    assert_eq!(
        repos[0]["next"],
        json!(format!("/api/v1/repositories?limit=2&cursor={}", hex(SHOP)))
    );
    assert_eq!(repos[1]["next"], Value::Null);
    let shop = &repos[0]["items"][1];
    assert_eq!(shop["scans"], 2);
    assert_eq!(shop["latest_scan"]["id"], s.seeded.shop);

    let scans = pages(&format!(
        "/api/v1/repositories/{}/scans?limit=1",
        encoded(SHOP)
    ));
    assert_eq!(
        item_field(&scans, "/id"),
        [
            vec![s.seeded.shop.to_string()],
            vec![s.seeded.shop_old.to_string()]
        ]
    );
    let components = pages(&format!(
        "/api/v1/scans/{}/components?limit=3",
        s.seeded.shop
    ));
    assert_eq!(
        item_field(&components, "/name"),
        [vec!["requests", "httpx", "postgres"], vec!["react"]]
    );
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn component_filters_and_version_ranges() {
    let shop = server().seeded.shop;
    let names = |query: &str| -> Vec<String> {
        let body = ok(&format!("/api/v1/scans/{shop}/components?{query}"));
        item_field(&[body], "/name").remove(0)
    };
    assert_eq!(names("ecosystem=pypi"), ["requests", "httpx"]);
    assert_eq!(names("kind=image"), ["postgres"]);
    assert_eq!(names("scope=dev&direct=false"), ["react"]);
    assert_eq!(names("direct=true&scope=dev"), Vec::<String>::new());
    assert_eq!(names("ecosystem=pypi&name=Requests"), ["requests"]);
    // The version engine's order: httpx 0.27.0 is below 2.31, requests 2.31.0 is not.
    assert_eq!(names("ecosystem=pypi&range=%3C2.31"), ["httpx"]);
    assert_eq!(names("range=%3E%3D16"), ["postgres", "react"]);
    assert_eq!(
        names("ecosystem=docker&name=docker.io%2Flibrary%2Fpostgres&range=%3E15"),
        ["postgres"]
    );
}

#[test]
fn findings_filter_by_severity_and_kind() {
    let shop = server().seeded.shop;
    let rules = |query: &str| -> Vec<String> {
        let body = ok(&format!("/api/v1/scans/{shop}/findings?{query}"));
        item_field(&[body], "/rule").remove(0)
    };
    assert_eq!(rules("").len(), 3);
    assert_eq!(
        rules("severity=critical,high"),
        ["GHSA-9wx4-h78v-vm56", "conflict/unsatisfiable"]
    );
    assert_eq!(
        rules("kind=diagnostic,conflict&severity=low"),
        ["diagnostic/parse-error"]
    );
    assert_eq!(
        item_field(
            &pages(&format!("/api/v1/scans/{shop}/findings?limit=2")),
            "/severity"
        ),
        [vec!["critical", "high"], vec!["low"]]
    );
}

#[test]
fn search_answers_who_uses_what_in_their_latest_scan() {
    let search = |query: &str| -> Vec<(String, String, Value)> {
        let body = ok(&format!("/api/v1/search/components?{query}"));
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["repository"].as_str().unwrap().to_string(),
                    u["component"]["version"].as_str().unwrap_or("").to_string(),
                    u["in_range"].clone(),
                )
            })
            .collect()
    };
    let row = |r: &str, v: &str, i: Value| (r.to_string(), v.to_string(), i);
    // shop's old scan had 2.25.0; only latest scans count.
    assert_eq!(
        search("ecosystem=pypi&name=requests&range=%3C2.31"),
        [row(BILLING, "2.28.1", json!(true))]
    );
    assert_eq!(
        search("ecosystem=pypi&name=Requests&range=%3C2.31&include_unknown=true"),
        [
            row(BILLING, "2.28.1", json!(true)),
            row(BILLING, "", Value::Null)
        ]
    );
    assert_eq!(search("ecosystem=pypi&name=requests").len(), 3);
    // Who runs postgres below 15: a tag's variant is its own line.
    assert_eq!(
        search("ecosystem=docker&name=postgres&range=%3C15"),
        [row(INFRA, "14.11", json!(true))]
    );
    assert_eq!(
        search(
            "ecosystem=docker&name=docker.io%2Flibrary%2Fpostgres&range=%3C15-alpine&kind=image"
        ),
        [row(BILLING, "14-alpine", json!(true))]
    );
    assert_eq!(
        search("ecosystem=generic&name=python&range=%3C3.12"),
        [row(BILLING, "3.11.7", json!(true))]
    );
    let body = ok("/api/v1/search/components?ecosystem=pypi&name=Requests&limit=1");
    assert_eq!(body["query"]["name"], "requests");
    let all = pages("/api/v1/search/components?ecosystem=pypi&name=requests&limit=1");
    assert_eq!(
        item_field(&all, "/repository"),
        [vec![BILLING], vec![BILLING], vec![SHOP]]
    );
}

#[test]
fn diff_compares_two_scans_and_its_pages_keep_them() {
    let s = server();
    let body = ok(&format!("/api/v1/repositories/{}/diff", encoded(SHOP)));
    assert_eq!(body["from"]["id"], s.seeded.shop_old);
    assert_eq!(body["to"]["id"], s.seeded.shop);
    assert_eq!(
        body["summary"],
        json!({"added": 2, "removed": 1, "upgraded": 2, "downgraded": 0, "constraint": 0})
    );
    let changes: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["change"].as_str().unwrap(),
                c["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        changes,
        // By ecosystem (pypi, npm, docker), then name.
        [
            "removed flask",
            "added httpx",
            "upgraded requests",
            "added react",
            "upgraded postgres"
        ]
    );
    let paged = pages(&format!(
        "/api/v1/repositories/{}/diff?from=commit:1111&to=latest&limit=2",
        encoded(SHOP)
    ));
    assert_eq!(paged.len(), 3);
    assert!(paged[0]["next"]
        .as_str()
        .unwrap()
        .contains(&format!("from={}&to={}", s.seeded.shop_old, s.seeded.shop)));
    let joined: Vec<Value> = paged
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap().clone())
        .collect();
    assert_eq!(Value::Array(joined), body["items"]);

    let (status, body) = get(&format!(
        "/api/v1/repositories/{}/diff?from={}",
        encoded(SHOP),
        s.seeded.billing
    ));
    assert_eq!(status, 404);
    assert_eq!(
        body["error"],
        format!(
            "scan {} is a scan of `{BILLING}`, not of `{SHOP}`",
            s.seeded.billing
        )
    );
}

#[test]
fn bad_requests_say_which_parameter_and_what_it_accepts() {
    let shop = server().seeded.shop;
    assert_eq!(
        bad("/api/v1/repositories?limit=0"),
        "query parameter `limit` is `0`: expected a positive integer"
    );
    assert_eq!(
        bad("/api/v1/repositories?cursor=XYZ"),
        "query parameter `cursor` is `XYZ`: expected the `next_cursor` of a previous page of this list"
    );
    assert!(
        bad(&format!("/api/v1/scans/{shop}/components?ecosystem=pip"))
            .starts_with("query parameter `ecosystem` is `pip`: expected one of pypi, npm,")
    );
    assert_eq!(
        bad(&format!("/api/v1/scans/{shop}/components?direct=yes")),
        "query parameter `direct` is `yes`: expected `true` or `false`"
    );
    assert!(bad(&format!(
        "/api/v1/scans/{shop}/components?ecosystem=pypi&range=%3C%3C2"
    ))
    .starts_with("`range` is not a pypi version range"));
    assert_eq!(
        bad("/api/v1/search/components?ecosystem=helm&name=ingress-nginx&range=%3C5"),
        "helm versions have no ordering rules in polyver, so a `range` cannot be tested"
    );
    assert_eq!(
        bad("/api/v1/search/components?name=requests"),
        "query parameter `ecosystem` is required"
    );
    assert_eq!(
        bad(&format!("/api/v1/scans/{shop}/findings?severity=critical,urgent")),
        "query parameter `severity` is `critical,urgent`: expected a comma-separated list of info, low, medium, high, critical"
    );
    assert_eq!(
        bad("/api/v1/scans/abc"),
        "`abc` is not a scan id: expected a positive integer"
    );
    // A limit past the cap is served as the cap, not refused.
    assert_eq!(
        ok("/api/v1/repositories?limit=99999999999999999999999")["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let (status, body) = get("/api/v1/scans/99999999999999999999999");
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (404, "no scan with id 99999999999999999999999")
    );
    let (status, body) = get("/api/v1/repositories/acme%2Fnothing");
    assert_eq!(status, 404);
    assert_eq!(body["error"], "no repository named `acme/nothing`");
}

/// Every `(method, path)` the router serves, read from the `.route("PATH", get(..).post(..))`
/// calls in the crate's sources: what a new route adds, whichever module it is in.
fn served_routes() -> std::collections::BTreeSet<(String, String)> {
    fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    // The HTML dashboard's pages are not API operations (polyver-cli's cli_serve_dashboard
    // tests them); everything else the router serves is.
    let dashboard = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/dashboard");
    files.retain(|f| !f.starts_with(&dashboard));
    let mut routes = std::collections::BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for other in [
            ".nest(",
            ".nest_service(",
            ".route_service(",
            ".fallback_service(",
        ] {
            assert!(
                !text.contains(other),
                "{}: `{other}` serves paths this test cannot see; list them here",
                file.display()
            );
        }
        for (at, _) in text.match_indices(".route(") {
            // The call's text, up to its closing parenthesis.
            let rest = &text[at + ".route(".len()..];
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let call = &rest[..end];
            let path = call.split('"').nth(1).unwrap_or_else(|| {
                panic!("{}: a route without a literal path: {call}", file.display())
            });
            let mut methods = 0;
            for method in [
                "get", "post", "put", "patch", "delete", "head", "options", "any",
            ] {
                let called = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0
                        || !call.as_bytes()[i - 1].is_ascii_alphanumeric()
                            && call.as_bytes()[i - 1] != b'_'
                });
                if called {
                    methods += 1;
                    routes.insert((method.to_string(), path.to_string()));
                }
            }
            assert!(methods > 0, "{}: no method in {call}", file.display());
        }
    }
    routes
}

/// A request path for `template`, with each `{parameter}` filled in.
fn filled(template: &str, shop: i64) -> String {
    template
        .replace("{repository}", &encoded(SHOP))
        .replace("{scan_id}", &shop.to_string())
}

#[test]
fn the_router_serves_exactly_the_documented_operations() {
    let s = server();
    let doc = document();
    let declared: std::collections::BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|k| !matches!(k.as_str(), "parameters" | "summary" | "description"))
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let served = served_routes();
    let undeclared: Vec<_> = served.difference(&declared).collect();
    let unserved: Vec<_> = declared.difference(&served).collect();
    assert!(
        undeclared.is_empty() && unserved.is_empty(),
        "served but not in openapi.json: {undeclared:?}\ndeclared but not served: {unserved:?}"
    );
    // And the router really answers each declared operation: never the fallback's "no such
    // endpoint" nor 405.
    let client = reqwest::blocking::Client::new();
    for (method, template) in &declared {
        let url = format!("{}{}", s.base, filled(template, s.seeded.shop));
        let request = match method.as_str() {
            "get" => client.get(&url),
            "post" => client.post(&url).body("{}"),
            other => panic!("no probe for {other}"),
        };
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let text = response.text().unwrap();
        let fallback = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| {
                v["error"]
                    .as_str()
                    .map(|e| e.starts_with("no such endpoint"))
            })
            .unwrap_or(false);
        assert!(
            status != 405 && !fallback,
            "{method} {template}: {status} {text}"
        );
    }
}

#[test]
fn the_outdated_rows_of_the_latest_scan_page_and_filter() {
    let shop = encoded(SHOP);
    let all = ok(&format!("/api/v1/repositories/{shop}/outdated"));
    assert_eq!(all["scan_id"], server().seeded.shop);
    assert_eq!(all["repository"], SHOP);
    assert_eq!(all["total"], 4);
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&all), ["requests", "httpx", "postgres", "react"]);
    assert_eq!(all["items"][0]["days_behind"], 400);
    assert_eq!(all["items"][0]["bump"], "minor");
    assert_eq!(all["items"][3]["deprecated"], true);
    assert_eq!(all["next"], Value::Null);

    // Only the rows behind, two per page: `next` continues after the last one shown.
    let first = ok(&format!(
        "/api/v1/repositories/{shop}/outdated?behind=true&limit=2"
    ));
    assert_eq!(names(&first), ["requests", "postgres"]);
    assert_eq!(first["next_cursor"], "3");
    let second = ok(first["next"].as_str().unwrap());
    assert_eq!(names(&second), ["react"]);
    assert_eq!(second["next"], Value::Null);

    // A repository whose latest scan has no rows: an empty list, not a 404.
    let infra = ok(&format!("/api/v1/repositories/{}/outdated", encoded(INFRA)));
    assert_eq!((infra["total"].clone(), names(&infra).len()), (json!(0), 0));
    assert_eq!(
        bad(&format!("/api/v1/repositories/{shop}/outdated?behind=yes")),
        "query parameter `behind` is `yes`: expected `true` or `false`"
    );
    let (status, _) = get("/api/v1/repositories/nobody/outdated");
    assert_eq!(status, 404);
}

#[test]
fn the_compatibility_matrix_of_the_latest_scan_is_whole_and_filters_by_result() {
    let billing = encoded(BILLING);
    let all = ok(&format!("/api/v1/repositories/{billing}/compatibility"));
    assert_eq!(all["scan_id"], server().seeded.billing);
    assert_eq!(all["repository"], BILLING);
    assert_eq!(
        (&all["pass"], &all["fail"], &all["not_applicable"]),
        (&json!(1), &json!(1), &json!(1))
    );
    // Every row, in the recorded order, with every field.
    assert_eq!(
        all["items"],
        serde_json::to_value(registry::billing_matrix()).unwrap()
    );
    let failing = ok(&format!(
        "/api/v1/repositories/{billing}/compatibility?result=fail"
    ));
    assert_eq!(failing["items"].as_array().unwrap().len(), 1);
    assert_eq!(failing["items"][0]["checked"], "requests 2.28.1");
    assert_eq!(
        failing["items"][0]["evidence"][1]["path"],
        ".python-version"
    );
    assert_eq!(failing["pass"], 1, "the counts are before the filter");

    // A scan stored without a matrix: an empty one, not a 404.
    let shop = ok(&format!(
        "/api/v1/repositories/{}/compatibility",
        encoded(SHOP)
    ));
    assert_eq!(shop["items"], json!([]));
    assert_eq!(
        bad(&format!(
            "/api/v1/repositories/{billing}/compatibility?result=ok"
        )),
        "query parameter `result` is `ok`: expected one of pass, fail, not-applicable"
    );
}

/// A `polyver.push/v1` document of one requirement, with these outdated rows.
fn push_document(scan_id: &str, repository: &str, outdated: Value) -> Value {
    json!({
        "schema": "polyver.push/v1",
        "scan_id": scan_id,
        "repository": repository,
        "commit": "5555555555555555555555555555555555555555",
        "started_at": 1_767_398_400_000_i64,
        "finished_at": 1_767_398_401_000_i64,
        "tool_version": "0.1.0",
        "inventory": {
            "schema": "polyver.scan/v1",
            "root": "/src",
            "components": [serde_json::to_value(registry::requirement("requests", "2.25.0", 1)).unwrap()],
            "diagnostics": [],
            "stats": {"files_walked": 1, "files_extracted": 1, "files_too_large": 0,
                      "components": 1, "components_by_source": {"requirements": 1}}
        },
        "findings": [],
        "outdated": outdated
    })
}

#[test]
fn pushes_answer_as_documented_and_bring_their_outdated_rows_and_matrix() {
    use polyver_store::tokens::{NewToken, RepoPattern, TokenScope};
    let dir = tempfile::tempdir().unwrap();
    let url = polyver_store::sqlite_url(&dir.path().join("registry.db"));
    let token = |scope: TokenScope, pattern: Option<&str>| {
        let store = polyver_store::Store::open(&url).unwrap();
        let new = NewToken {
            name: format!("{scope}"),
            scope,
            repo_pattern: pattern.map(|p| RepoPattern::new(p).unwrap()),
            expires_at: None,
        };
        store.create_token(&new, 1_767_225_600_000).unwrap().1
    };
    let (push, read, other) = (
        token(TokenScope::Push, None),
        token(TokenScope::Read, None),
        token(TokenScope::Push, Some("acme/*")),
    );
    // A small body limit, to see the 413.
    let base = spawn(
        url.clone(),
        polyver_server::ServerOptions {
            body_limit: 64 << 10,
            ..Default::default()
        },
    );
    let doc = document();
    let client = reqwest::blocking::Client::new();
    let send = |token: Option<&str>, body: Vec<u8>, headers: &[(&str, &str)]| -> (u16, Value) {
        let mut request = client
            .post(format!("{base}/api/v1/scans"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let body: Value = serde_json::from_str(&response.text().unwrap()).unwrap();
        if let Err(e) = conforms(&doc, ("post", "/api/v1/scans"), status, &body) {
            panic!("{e}\n{body}");
        }
        (status, body)
    };
    let lag = json!([{
        "ecosystem": "pypi", "name": "requests", "path": "requirements.txt", "line": 1,
        "current": "2.25.0", "latest": "2.32.3", "bump": "minor", "majors_behind": 0,
        "minors_behind": 7, "patches_behind": 0, "days_behind": 1500, "yanked": false,
        "deprecated": false, "checked_at": 1_767_398_400
    }]);
    let id = "6f1c2a9e-8d3b-4c5e-9f7a-1b2c3d4e5f60";
    let mut document = push_document(id, "git.example/ops/api", lag.clone());
    document["compatibility"] = serde_json::to_value(registry::billing_matrix()).unwrap();
    let bytes = |v: &Value| serde_json::to_vec(v).unwrap();

    assert_eq!(send(None, bytes(&document), &[]).0, 401);
    let (status, body) = send(Some(&read), bytes(&document), &[]);
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("needs push"),
        "{body}"
    );
    let (status, body) = send(Some(&other), bytes(&document), &[]);
    assert_eq!(status, 403, "{body}");
    assert!(body["error"].as_str().unwrap().contains("acme/*"), "{body}");

    // Stored once, gzipped or not; the retry is a 200 with the same scan.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &bytes(&document)).unwrap();
    let (status, created) = send(
        Some(&push),
        gz.finish().unwrap(),
        &[("content-encoding", "gzip")],
    );
    assert_eq!(
        (status, created["created"].clone()),
        (201, json!(true)),
        "{created}"
    );
    let (status, again) = send(Some(&push), bytes(&document), &[("idempotency-key", id)]);
    assert_eq!((status, again["id"].clone()), (200, created["id"].clone()));

    // The rows came with the scan: the outdated endpoint and /metrics have them.
    let outdated: Value = client
        .get(format!(
            "{base}/api/v1/repositories/git.example%2Fops%2Fapi/outdated"
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(outdated["scan_id"], created["id"]);
    // Pushed without a status (an older client): stored with the one the row implies.
    let mut with_status = lag.clone();
    with_status[0]["status"] = json!("outdated");
    assert_eq!(outdated["items"], with_status);
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.contains(
            "polyver_update_lag_days{repo=\"git.example/ops/api\",component=\"pypi:requests\"} 1500"
        ),
        "{metrics}"
    );

    // And its compatibility matrix.
    let matrix: Value = client
        .get(format!(
            "{base}/api/v1/repositories/git.example%2Fops%2Fapi/compatibility"
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(matrix["scan_id"], created["id"]);
    assert_eq!(matrix["items"], document["compatibility"]);

    // The same scan id for another repository: 422. A bad document: 400. Not JSON: 415.
    let reused = push_document(id, "git.example/ops/web", json!([]));
    assert_eq!(send(Some(&push), bytes(&reused), &[]).0, 422);
    let mut bad_bump = push_document("6f1c2a9e-8d3b-4c5e-9f7a-1b2c3d4e5f61", "x", lag);
    bad_bump["outdated"][0]["bump"] = json!("sideways");
    let (status, body) = send(Some(&push), bytes(&bad_bump), &[]);
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("`sideways`"),
        "{body}"
    );
    let mut bad_result = push_document("6f1c2a9e-8d3b-4c5e-9f7a-1b2c3d4e5f63", "x", json!([]));
    bad_result["compatibility"] = serde_json::to_value(registry::billing_matrix()).unwrap();
    bad_result["compatibility"][0]["result"] = json!("maybe");
    let (status, body) = send(Some(&push), bytes(&bad_result), &[]);
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("`maybe`"),
        "{body}"
    );
    let response = client
        .post(format!("{base}/api/v1/scans"))
        .bearer_auth(&push)
        .header("content-type", "text/plain")
        .body(bytes(&document))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    // Past the body limit: 413.
    let big = push_document(
        "6f1c2a9e-8d3b-4c5e-9f7a-1b2c3d4e5f62",
        &"x".repeat(100 << 10),
        json!([]),
    );
    assert_eq!(send(Some(&push), bytes(&big), &[]).0, 413);
}
