//! `polyver serve --rematch-every`'s loop: a sync at start, a re-match at start, and another
//! as soon as someone else writes the database directory; a stop ends it.

mod common;

use common::*;
use polyver_net::testing::{Response, TestServer};
use polyver_rematch::schedule::{self, Event, Schedule};
use polyver_rematch::Stop;
use polyver_store::AsyncStore;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn rematches_when_the_database_changes(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    store_scan(&store, "github.com/org/app", app(), &[]).await;
    let server = TestServer::start();
    server.route("/slack", Response::ok("ok"));
    server.route("/json", Response::ok(""));
    let dir = tempfile::tempdir().unwrap();
    import(dir.path(), "before");

    let syncs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&syncs);
    let sync = Arc::new(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        Err("offline".to_string())
    });
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    let heard = Arc::clone(&events);
    let on_event = Arc::new(move |e: Event<'_>| {
        let line = match e {
            Event::SyncFailed(why) => format!("sync failed: {why}"),
            Event::Rematched(r) => format!("rematched: {} new", r.new_findings.len()),
            Event::RematchFailed(e) => format!("failed: {e}"),
        };
        heard.lock().unwrap().push(line);
    });
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(schedule::run(
        store.clone(),
        Arc::new(options(webhooks(&server))),
        Schedule {
            every: Duration::from_secs(3600),
            poll: Duration::from_millis(50),
            osv_dir: dir.path().to_path_buf(),
        },
        sync,
        on_event,
        Stop::new(stop_rx),
    ));
    let lines = || events.lock().unwrap().clone();
    wait_until("the first re-match", Duration::from_secs(20), || {
        lines().iter().any(|l| l.starts_with("rematched"))
    })
    .await;
    assert_eq!(lines(), ["sync failed: offline", "rematched: 0 new"]);
    // Nothing changed: polls do not re-match.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(lines().len(), 2);

    // `polyver db import` elsewhere adds PYSEC-2023-74.
    import(dir.path(), "after");
    wait_until("the post", Duration::from_secs(20), || {
        server.hits("/json") == 1 && server.hits("/slack") == 1
    })
    .await;
    wait_until("the report", Duration::from_secs(20), || lines().len() == 3).await;
    assert_eq!(lines()[2], "rematched: 1 new");
    assert_eq!(syncs.load(Ordering::SeqCst), 1);

    stop_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the loop ends when stopped")
        .unwrap();
    assert_eq!(server.requests().len(), 2);
    store.close().await;
}

backends!(rematches_when_the_database_changes);
