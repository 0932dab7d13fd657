//! `/metrics` through a running server: repository metrics from the stored scans, request
//! metrics under the route template, and the cache that spares the database a scrape storm.

use polyver_model::{Component, Ecosystem, Inventory, Kind, Location};
use polyver_server::metrics::Metrics;
use polyver_server::{AppState, ServerOptions};
use polyver_store::{AsyncStore, ScanMeta};
use std::sync::Arc;
use std::time::Duration;

fn inventory(names: &[&str]) -> Inventory {
    let components = names
        .iter()
        .map(|n| {
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Pypi,
                *n,
                polyver_model::Format::Requirements,
                Location::new("requirements.txt", 1),
            );
            c.version = Some("1.0".into());
            c
        })
        .collect();
    Inventory {
        schema: "polyver.scan/v1".into(),
        root: "/src".into(),
        components,
        diagnostics: vec![],
        stats: Default::default(),
        links: Vec::new(),
        declared_licenses: Vec::new(),
        license_files: Vec::new(),
    }
}

fn meta(t: i64) -> ScanMeta {
    ScanMeta {
        repository: "github.com/org/api".into(),
        commit: None,
        branch: None,
        root: None,
        started_at: t,
        finished_at: t,
        tool_version: "test".into(),
    }
}

/// A server on its own runtime thread; returns its address and the store it serves.
fn start(
    dir: &std::path::Path,
    cache: Duration,
) -> (String, Arc<AsyncStore>, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = polyver_store::sqlite_url(&dir.join("registry.db"));
    let (addr, store) = rt.block_on(async {
        let store = Arc::new(AsyncStore::open(&url).await.unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let state = AppState {
            store: Arc::clone(&store),
            options: Arc::new(ServerOptions::default()),
            metrics: Arc::new(Metrics::new(cache)),
        };
        tokio::spawn(polyver_server::serve_on(
            listener,
            state,
            std::future::pending(),
        ));
        (addr, store)
    });
    (addr, store, rt)
}

fn get(addr: &str, path: &str) -> (u16, String) {
    let response = reqwest::blocking::get(format!("http://{addr}{path}")).unwrap();
    let status = response.status().as_u16();
    (status, response.text().unwrap())
}

fn line_value(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(|v| v.trim().parse().unwrap())
}

#[test]
fn requests_are_counted_by_route_template_and_the_fleet_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, store, rt) = start(dir.path(), Duration::from_millis(1500));
    rt.block_on(store.record(&meta(1_700_000_000_000), &inventory(&["a", "b"]), &[]))
        .unwrap();

    assert_eq!(get(&addr, "/healthz").0, 200);
    assert_eq!(get(&addr, "/no/such/thing/42").0, 404);
    let (status, first) = get(&addr, "/metrics");
    assert_eq!(status, 200);
    let components =
        "polyver_components{repo=\"github.com/org/api\",ecosystem=\"pypi\",kind=\"package\"}";
    assert_eq!(line_value(&first, components), Some(2.0), "{first}");
    assert_eq!(
        line_value(
            &first,
            "polyver_last_scan_timestamp_seconds{repo=\"github.com/org/api\"}"
        ),
        Some(1_700_000_000.0)
    );
    assert_eq!(
        line_value(
            &first,
            "polyver_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"
        ),
        Some(1.0),
        "{first}"
    );
    assert_eq!(
        line_value(
            &first,
            "polyver_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"
        ),
        Some(1.0),
        "the path asked for is never a label: {first}"
    );
    assert!(!first.contains("/no/such/thing"));

    // A new scan inside the cache period: the scrape answers from the cache, the database is
    // not read (closing it changes nothing).
    rt.block_on(store.record(&meta(1_700_000_100_000), &inventory(&["a", "b", "c"]), &[]))
        .unwrap();
    rt.block_on(store.close());
    let (status, second) = get(&addr, "/metrics");
    assert_eq!(status, 200, "{second}");
    assert_eq!(line_value(&second, components), Some(2.0));
    assert_eq!(
        line_value(
            &second,
            "polyver_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"}"
        ),
        Some(1.0),
        "request metrics are live"
    );
    // Past the period it reads again: the closed database is a 503 with a JSON error.
    std::thread::sleep(Duration::from_millis(1600));
    let (status, body) = get(&addr, "/metrics");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("the registry database failed"), "{body}");
}

#[test]
fn a_fresh_scan_shows_once_the_cache_expires() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, store, rt) = start(dir.path(), Duration::ZERO);
    let components =
        "polyver_components{repo=\"github.com/org/api\",ecosystem=\"pypi\",kind=\"package\"}";
    let (_, empty) = get(&addr, "/metrics");
    assert_eq!(line_value(&empty, components), None);
    rt.block_on(store.record(&meta(1_700_000_000_000), &inventory(&["a"]), &[]))
        .unwrap();
    assert_eq!(line_value(&get(&addr, "/metrics").1, components), Some(1.0));
    rt.block_on(store.record(&meta(1_700_000_001_000), &inventory(&["a", "b", "c"]), &[]))
        .unwrap();
    let (_, text) = get(&addr, "/metrics");
    assert_eq!(line_value(&text, components), Some(3.0));
    assert!(text.contains("# TYPE polyver_http_request_duration_seconds histogram"));
}
