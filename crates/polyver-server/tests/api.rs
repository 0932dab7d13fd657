//! The read API over HTTP on a seeded SQLite registry: every documented endpoint answers
//! with a documented status and a body its schema accepts, pages joined by `next` give the
//! whole list, filters, ranges and the search select what they say, and bad requests get a
//! 400 that names the parameter.

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

/// One server for the whole file (its registry is only read).
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let url = polyver_store::sqlite_url(&dir.path().join("registry.db"));
        let seeded = registry::seed(&polyver_store::Store::open(&url).unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let store = polyver_store::AsyncStore::open(&url).await.unwrap();
                // As `polyver serve` runs it: the state is the server's own business.
                let options = polyver_server::ServerOptions {
                    listen: "127.0.0.1:0".parse().unwrap(),
                    ..Default::default()
                };
                polyver_server::serve(store, options, move |addr| tx.send(addr).unwrap())
                    .await
                    .unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        Server {
            base: format!("http://{addr}"),
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

/// Whether `body` is what the document says `template` answers with `status`.
fn conforms(doc: &Value, template: &str, status: u16, body: &Value) -> Result<(), String> {
    let response = &doc["paths"][template]["get"]["responses"][status.to_string()];
    if response.is_null() {
        return Err(format!("{template}: status {status} is not documented"));
    }
    let Some(schema) = response["content"]["application/json"]["schema"].as_object() else {
        return Ok(()); // text/plain
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
        ("/api/v1/repositories", "/api/v1/repositories?limit=2".into()),
        ("/api/v1/repositories", "/api/v1/repositories?limit=0".into()),
        ("/api/v1/repositories/{repository}", format!("/api/v1/repositories/{}", encoded(SHOP))),
        ("/api/v1/repositories/{repository}", "/api/v1/repositories/nobody".into()),
        ("/api/v1/repositories/{repository}/scans", format!("/api/v1/repositories/{}/scans?limit=1", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/scans", "/api/v1/repositories/nobody/scans".into()),
        ("/api/v1/repositories/{repository}/diff", format!("/api/v1/repositories/{}/diff", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/diff", format!("/api/v1/repositories/{}/diff?from=-5", encoded(SHOP))),
        ("/api/v1/repositories/{repository}/diff", format!("/api/v1/repositories/{}/diff?from=x", encoded(SHOP))),
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
        if let Err(e) = conforms(&doc, template, status, &body) {
            failures.push(format!("GET {path}: {e}\n{body}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for template in doc["paths"].as_object().unwrap().keys() {
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
