//! Re-matching end to end, on SQLite and PostgreSQL: a stored scan of requests 2.25.0, an
//! OSV database without and then with PYSEC-2023-74, webhooks on a local TestServer that
//! records every request (body included).

mod common;

use common::*;
use polyver_model::{Ecosystem, Finding, FindingKind, FindingSeverity, Location};
use polyver_net::testing::{RecordedRequest, Response, TestServer};
use polyver_rematch::webhook::{verify, DELIVERY_HEADER, SIGNATURE_HEADER};
use polyver_rematch::{rematch, Stop};
use polyver_store::{AsyncStore, DeliveryStatus, NewFinding, WebhookRef};
use serde_json::Value;
use std::time::Duration;

const APP: &str = "github.com/org/app";

fn server() -> TestServer {
    let server = TestServer::start();
    server.route("/slack", Response::ok("ok"));
    server.route("/json", Response::ok(""));
    server
}

fn posts(server: &TestServer, path: &str) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

fn json(request: &RecordedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

async fn new_advisory_is_posted_once_to_each_webhook(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    let scan = store_scan(&store, APP, app(), &[]).await;
    let server = server();
    let options = options(webhooks(&server));
    let dir = tempfile::tempdir().unwrap();

    // Without an advisory for requests: nothing new, nothing posted.
    let report = rematch(&store, osv(dir.path(), "before"), &options, &Stop::never())
        .await
        .unwrap();
    assert_eq!((report.repositories, report.findings), (1, 0));
    assert!(report.new_findings.is_empty() && report.deliveries.is_empty());
    assert!(server.requests().is_empty());

    // PYSEC-2023-74 published: one new finding, one post to each webhook.
    let report = rematch(&store, osv(dir.path(), "after"), &options, &Stop::never())
        .await
        .unwrap();
    assert_eq!(report.advisories, 2);
    assert_eq!(report.new_findings.len(), 1, "{report:?}");
    let new = &report.new_findings[0];
    assert_eq!(new.id, "PYSEC-2023-74");
    assert_eq!(new.component, "pypi:requests@2.25.0");
    assert_eq!(new.scan_id, scan);
    assert_eq!(new.smallest_fix.as_deref(), Some("2.31.0"));
    assert_eq!(report.deliveries.len(), 2);
    assert!(report
        .deliveries
        .iter()
        .all(|d| d.status == DeliveryStatus::Delivered && d.attempts == 1));
    let (slack, signed) = (posts(&server, "/slack"), posts(&server, "/json"));
    assert_eq!((slack.len(), signed.len()), (1, 1));

    // The json webhook: polyver.webhook/v1, signed over the exact bytes received.
    let request = &signed[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let signature = request
        .header(SIGNATURE_HEADER)
        .expect("a signature header");
    assert!(signature.starts_with("sha256=") && signature.len() == 7 + 64);
    assert!(verify(SECRET, &request.body, signature));
    assert!(!verify(b"another key", &request.body, signature));
    let body = json(request);
    assert_eq!(body["schema"], "polyver.webhook/v1");
    assert_eq!(body["event"], "finding.new");
    assert_eq!(request.header("x-polyver-event"), Some("finding.new"));
    assert_eq!(
        Some(body["delivery"].as_str().unwrap()),
        request.header(DELIVERY_HEADER)
    );
    assert_eq!(body["repository"], APP);
    assert_eq!(body["scan"]["id"], scan);
    assert_eq!(body["scan"]["branch"], "main");
    assert_eq!(body["finding"]["id"], "PYSEC-2023-74");
    assert_eq!(
        body["finding"]["aliases"],
        serde_json::json!(["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"])
    );
    assert_eq!(body["finding"]["name"], "requests");
    assert_eq!(body["finding"]["version"], "2.25.0");
    assert_eq!(
        body["finding"]["fixed_versions"],
        serde_json::json!(["2.31.0"])
    );
    assert_eq!(body["finding"]["locations"][0]["path"], "requirements.txt");

    // The Slack webhook: {"text": ...}, no signature.
    let text = json(&slack[0])["text"].as_str().unwrap().to_string();
    assert!(text.contains("*github.com/org/app*"), "{text}");
    assert!(text.contains("`requests 2.25.0`"), "{text}");
    let advisory =
        "<https://github.com/psf/requests/security/advisories/GHSA-j8r2-6x86-q33q|PYSEC-2023-74>";
    assert!(text.contains(advisory), "{text}");
    assert!(
        text.contains("(unknown severity). Fix: upgrade to 2.31.0.\n> Requests is a HTTP library."),
        "{text}"
    );
    assert!(slack[0].header(SIGNATURE_HEADER).is_none());
    assert!(slack[0].header(DELIVERY_HEADER).is_some());

    // Recorded: the finding once, each delivery delivered.
    let known = store.known_findings(APP).await.unwrap();
    assert_eq!(known.len(), 1);
    let deliveries = store.deliveries(&[]).await.unwrap();
    assert_eq!(deliveries.len(), 2);
    for d in &deliveries {
        assert_eq!(
            (d.status, d.attempts, d.http_status),
            (DeliveryStatus::Delivered, 1, Some(200))
        );
        assert!(
            !d.webhook.contains("/slack") && !d.webhook.contains("/json"),
            "{}",
            d.webhook
        );
    }

    // Again: nothing new, nothing posted.
    let db = osv(dir.path(), "after");
    let report = rematch(&store, db.clone(), &options, &Stop::never())
        .await
        .unwrap();
    assert_eq!(report.findings, 1);
    assert!(report.new_findings.is_empty() && report.deliveries.is_empty());
    // A newer scan without the finding recorded (no database at scan time): known already.
    store_scan(&store, APP, app(), &[]).await;
    let report = rematch(&store, db, &options, &Stop::never()).await.unwrap();
    assert!(report.new_findings.is_empty() && report.deliveries.is_empty());
    assert_eq!(server.requests().len(), 2);
    store.close().await;
}

/// A scan stored with the audit's findings already has the flaw, under its GHSA id.
async fn a_finding_the_scan_recorded_is_not_new(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    let recorded = Finding {
        kind: FindingKind::Vulnerability,
        rule: "GHSA-j8r2-6x86-q33q".into(),
        severity: FindingSeverity::Medium,
        severity_unknown: true,
        title: "requests 2.25.0: GHSA-j8r2-6x86-q33q".into(),
        ecosystem: Some(Ecosystem::Pypi),
        name: Some("requests".into()),
        version: Some("2.25.0".into()),
        aliases: vec!["CVE-2023-32681".into()],
        locations: vec![Location::new("requirements.txt", 1)],
    };
    store_scan(&store, APP, app(), std::slice::from_ref(&recorded)).await;
    // Another repository with the same package at another version has it for the first time.
    let other_version = Finding {
        version: Some("2.24.0".into()),
        ..recorded
    };
    store_scan(&store, "github.com/org/api", app(), &[other_version]).await;
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let report = rematch(
        &store,
        osv(dir.path(), "after"),
        &options(webhooks(&server)),
        &Stop::never(),
    )
    .await
    .unwrap();
    assert_eq!(report.findings, 2);
    let new: Vec<&str> = report
        .new_findings
        .iter()
        .map(|f| f.repository.as_str())
        .collect();
    assert_eq!(new, ["github.com/org/api"]);
    assert_eq!(server.hits("/json"), 1);
    store.close().await;
}

async fn a_webhook_failing_twice_then_answering_is_delivered_once(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    store_scan(&store, APP, app(), &[]).await;
    let server = server();
    server.queue(
        "/json",
        [
            Response::status(503),
            Response::status(502).body("bad gateway"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let report = rematch(
        &store,
        osv(dir.path(), "after"),
        &options(webhooks(&server)),
        &Stop::never(),
    )
    .await
    .unwrap();
    let attempts = posts(&server, "/json");
    assert_eq!(attempts.len(), 3);
    // Every attempt is the same delivery: same id, same bytes, same signature.
    for a in &attempts[1..] {
        assert_eq!(
            a.header(DELIVERY_HEADER),
            attempts[0].header(DELIVERY_HEADER)
        );
        assert_eq!(a.body, attempts[0].body);
        assert_eq!(
            a.header(SIGNATURE_HEADER),
            attempts[0].header(SIGNATURE_HEADER)
        );
    }
    assert!(verify(
        SECRET,
        &attempts[2].body,
        attempts[2].header(SIGNATURE_HEADER).unwrap()
    ));
    assert_eq!(server.hits("/slack"), 1);
    let json_outcome = report.deliveries.iter().find(|d| d.kind == "json").unwrap();
    assert_eq!(json_outcome.status, DeliveryStatus::Delivered);
    assert_eq!(json_outcome.attempts, 3);
    let stored = store
        .deliveries(&[DeliveryStatus::Delivered])
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    let json_row = stored.iter().find(|d| d.kind == "json").unwrap();
    assert_eq!((json_row.attempts, json_row.http_status), (3, Some(200)));
    assert_eq!(json_row.error, None);
    store.close().await;
}

async fn a_webhook_that_keeps_failing_is_given_up_and_not_retried_later(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    store_scan(&store, APP, app(), &[]).await;
    let server = TestServer::start();
    server.route("/json", Response::status(500).body("oops"));
    // Slack's answer to a revoked webhook: permanent, not retried.
    server.route("/slack", Response::status(404).body("no_service"));
    let options = options(webhooks(&server));
    let dir = tempfile::tempdir().unwrap();
    let db = osv(dir.path(), "after");
    let report = rematch(&store, db.clone(), &options, &Stop::never())
        .await
        .unwrap();
    assert_eq!(server.hits("/json"), 3);
    assert_eq!(server.hits("/slack"), 1);
    assert_eq!(report.failed().count(), 2);
    let rows = store.deliveries(&[]).await.unwrap();
    let json_row = rows.iter().find(|d| d.kind == "json").unwrap();
    assert_eq!(
        (json_row.status, json_row.attempts),
        (DeliveryStatus::Failed, 3)
    );
    let error = json_row.error.as_deref().unwrap();
    assert!(
        error.contains("500") && error.contains("attempt 3 of 3"),
        "{error}"
    );
    let slack_row = rows.iter().find(|d| d.kind == "slack").unwrap();
    assert_eq!(
        (slack_row.status, slack_row.attempts),
        (DeliveryStatus::Failed, 1)
    );
    assert!(slack_row.error.as_deref().unwrap().contains("no_service"));

    // Bounded: a later run does not try again.
    server.route("/json", Response::ok(""));
    let report = rematch(&store, db, &options, &Stop::never()).await.unwrap();
    assert!(report.deliveries.is_empty());
    assert_eq!(server.requests().len(), 4);
    store.close().await;
}

async fn a_timeout_is_retried(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    store_scan(&store, APP, app(), &[]).await;
    let server = server();
    server.queue("/json", [Response::ok("").delay(Duration::from_secs(3))]);
    let mut options = options(webhooks(&server));
    options.policy.timeout = Duration::from_millis(500);
    let dir = tempfile::tempdir().unwrap();
    let report = rematch(&store, osv(dir.path(), "after"), &options, &Stop::never())
        .await
        .unwrap();
    assert_eq!(server.hits("/json"), 2);
    let d = report.deliveries.iter().find(|d| d.kind == "json").unwrap();
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Delivered, 2));
    store.close().await;
}

/// Records PYSEC-2023-74 for the app with one pending delivery per webhook, as a re-match
/// does before sending anything; returns the delivery ids.
async fn recorded_but_not_sent(store: &AsyncStore, server: &TestServer) -> Vec<i64> {
    let scan = store_scan(store, APP, app(), &[]).await;
    let targets = webhooks(server);
    let refs: Vec<WebhookRef<'_>> = targets
        .iter()
        .map(|t| WebhookRef {
            key: &t.key,
            display: &t.display,
            kind: t.kind_id(),
        })
        .collect();
    let notice = serde_json::json!({
        "repository": APP,
        "scan": {"id": scan},
        "finding": {"id": "PYSEC-2023-74", "name": "requests", "version": "2.25.0",
                    "ecosystem": "pypi", "status": "affected", "summary": "leak"}
    });
    let finding = NewFinding {
        advisory_id: "PYSEC-2023-74".into(),
        component: "pypi:requests@2.25.0".into(),
        aliases: vec!["GHSA-j8r2-6x86-q33q".into()],
        severity: "medium".into(),
        data: notice.to_string(),
    };
    let mut ids = polyver_rematch::webhook::delivery_id;
    let recorded = store
        .record_new_findings(
            APP,
            scan,
            &[finding],
            &refs,
            polyver_rematch::now_ms(),
            &mut ids,
        )
        .await
        .unwrap();
    assert_eq!(recorded.len(), 1);
    store
        .deliveries(&[])
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect()
}

/// A process that died before sending leaves `pending`: the next run sends it. One that
/// died during a request leaves `sending`: marked interrupted, never sent again.
async fn a_crash_never_leads_to_a_second_post(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    let server = server();
    let ids = recorded_but_not_sent(&store, &server).await;
    assert_eq!(ids.len(), 2);
    // The json delivery's attempt began (claimed), then the process died.
    let json_id = store
        .deliveries(&[])
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.kind == "json")
        .unwrap()
        .id;
    assert_eq!(store.claim_delivery(json_id, 1).await.unwrap(), Some(1));
    // Claimed once: nobody else can claim it.
    assert_eq!(store.claim_delivery(json_id, 2).await.unwrap(), None);

    let mut options = options(webhooks(&server));
    options.policy.stale_after = Duration::ZERO;
    let dir = tempfile::tempdir().unwrap();
    let report = rematch(&store, osv(dir.path(), "after"), &options, &Stop::never())
        .await
        .unwrap();
    // The finding was recorded before: nothing new; the pending slack delivery is sent.
    assert!(report.new_findings.is_empty());
    assert_eq!(report.interrupted, 1);
    assert_eq!((server.hits("/slack"), server.hits("/json")), (1, 0));
    let rows = store.deliveries(&[]).await.unwrap();
    let status = |kind: &str| rows.iter().find(|d| d.kind == kind).unwrap().status;
    assert_eq!(status("slack"), DeliveryStatus::Delivered);
    assert_eq!(status("json"), DeliveryStatus::Interrupted);
    let report = rematch(&store, osv(dir.path(), "after"), &options, &Stop::never())
        .await
        .unwrap();
    assert!(report.deliveries.is_empty());
    assert_eq!(server.requests().len(), 1);
    store.close().await;
}

/// A delivery waiting out its backoff is claimed by no process before its time, not even by
/// another replica's run.
async fn a_backoff_holds_for_every_process(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    let server = server();
    recorded_but_not_sent(&store, &server).await;
    let slack = store
        .deliveries(&[])
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.kind == "slack")
        .unwrap();
    let now = polyver_rematch::now_ms();
    assert_eq!(store.claim_delivery(slack.id, now).await.unwrap(), Some(1));
    store
        .finish_attempt(
            slack.id,
            DeliveryStatus::Retrying,
            Some(503),
            Some("the webhook answered 503 Service Unavailable"),
            now,
            Some(now + 60_000),
        )
        .await
        .unwrap();
    assert_eq!(store.claim_delivery(slack.id, now + 1).await.unwrap(), None);
    let dir = tempfile::tempdir().unwrap();
    let report = rematch(
        &store,
        osv(dir.path(), "after"),
        &options(webhooks(&server)),
        &Stop::never(),
    )
    .await
    .unwrap();
    // The json delivery goes; the slack one waits for the next run.
    assert_eq!((server.hits("/json"), server.hits("/slack")), (1, 0));
    assert_eq!(report.deliveries.len(), 1);
    let row = store.deliveries(&[DeliveryStatus::Retrying]).await.unwrap();
    assert_eq!((row.len(), row[0].attempts), (1, 1));
    assert_eq!(
        store.claim_delivery(slack.id, now + 60_000).await.unwrap(),
        Some(2)
    );
    store.close().await;
}

/// Two server replicas on one database re-matching at the same moment: each finding is
/// recorded by one of them, and each webhook hears it once.
async fn two_replicas_at_once_post_each_finding_once(url: String) {
    let a = AsyncStore::open(&url).await.unwrap();
    let b = AsyncStore::open(&url).await.unwrap();
    for repo in ["org/one", "org/two", "org/three"] {
        store_scan(&a, repo, app(), &[]).await;
    }
    let server = server();
    let options = options(webhooks(&server));
    let dir = tempfile::tempdir().unwrap();
    let db = osv(dir.path(), "after");
    let never = Stop::never();
    let (ra, rb) = tokio::join!(
        rematch(&a, db.clone(), &options, &never),
        rematch(&b, db.clone(), &options, &never),
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.new_findings.len() + rb.new_findings.len(), 3);
    assert_eq!((server.hits("/slack"), server.hits("/json")), (3, 3));
    let mut repositories: Vec<String> = posts(&server, "/json")
        .iter()
        .map(|r| json(r)["repository"].as_str().unwrap().to_string())
        .collect();
    repositories.sort();
    assert_eq!(repositories, ["org/one", "org/three", "org/two"]);
    a.close().await;
    b.close().await;
}

/// One repository whose stored components cannot be read does not stop the others.
async fn an_unreadable_repository_is_a_warning(url: String) {
    let store = AsyncStore::open(&url).await.unwrap();
    let broken = store_scan(&store, "org/broken", app(), &[]).await;
    store_scan(&store, APP, app(), &[]).await;
    sqlx::query("UPDATE components SET data = $1 WHERE scan_id = $2")
        .bind("{not json")
        .bind(broken)
        .execute(store.pool())
        .await
        .unwrap();
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let report = rematch(
        &store,
        osv(dir.path(), "after"),
        &options(webhooks(&server)),
        &Stop::never(),
    )
    .await
    .unwrap();
    assert_eq!(report.repositories, 1);
    assert_eq!(report.warnings.len(), 1);
    assert!(
        report.warnings[0].starts_with("org/broken was not re-matched"),
        "{:?}",
        report.warnings
    );
    assert_eq!(report.new_findings[0].repository, APP);
    assert_eq!(server.hits("/json"), 1);
    store.close().await;
}

backends!(
    new_advisory_is_posted_once_to_each_webhook,
    a_finding_the_scan_recorded_is_not_new,
    a_webhook_failing_twice_then_answering_is_delivered_once,
    a_webhook_that_keeps_failing_is_given_up_and_not_retried_later,
    a_timeout_is_retried,
    a_crash_never_leads_to_a_second_post,
    a_backoff_holds_for_every_process,
    two_replicas_at_once_post_each_finding_once,
    an_unreadable_repository_is_a_warning,
);
