//! POST against a local server: the body and headers arrive as sent, transient answers are
//! retried with the same body, a final answer of any status is returned with its body, a
//! dead server is a connection error after the retries, and offline sends nothing.

use polyver_net::testing::{Response, TestServer};
use polyver_net::{Client, NetError, Options, Post};
use std::time::Duration;

fn client(retries: u32, offline: bool) -> Client {
    Client::new(Options {
        offline,
        timeout: Duration::from_secs(2),
        retries,
        backoff: Duration::from_millis(10),
        ..Options::default()
    })
    .unwrap()
}

fn post(server: &TestServer) -> Post {
    let mut p = Post::json(server.url("/api/v1/scans"), b"\x1f\x8bgzipped".to_vec());
    p.content_encoding = Some("gzip".into());
    p.authorization = Some("Bearer pvt_x".into());
    p.headers = vec![("Idempotency-Key".into(), "\"abc\"".into())];
    p
}

#[test]
fn transient_answers_are_retried_with_the_same_request() {
    let server = TestServer::start();
    server.queue(
        "/api/v1/scans",
        [
            Response::status(503).body("{\"error\":\"down\"}"),
            Response::status(502),
        ],
    );
    server.route(
        "/api/v1/scans",
        Response::status(201)
            .body("{\"id\":7}")
            .header("content-type", "application/json"),
    );
    let answer = client(2, false).post(&post(&server)).unwrap();
    assert_eq!(
        (answer.status, answer.body.as_slice()),
        (201, &b"{\"id\":7}"[..])
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r.method, "POST");
        assert_eq!(r.body, b"\x1f\x8bgzipped");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert_eq!(r.header("authorization"), Some("Bearer pvt_x"));
        assert_eq!(r.header("idempotency-key"), Some("\"abc\""));
    }
}

#[test]
fn refusals_are_answers_and_exhausted_retries_return_the_last_one() {
    let server = TestServer::start();
    server.route(
        "/api/v1/scans",
        Response::status(401).body("{\"error\":\"no token\"}"),
    );
    let answer = client(3, false).post(&post(&server)).unwrap();
    assert_eq!(answer.status, 401);
    assert_eq!(answer.body, b"{\"error\":\"no token\"}");
    assert_eq!(server.hits("/api/v1/scans"), 1, "a refusal is not retried");

    let server = TestServer::start();
    server.route(
        "/api/v1/scans",
        Response::status(503).body("{\"error\":\"the registry database failed\"}"),
    );
    let answer = client(1, false).post(&post(&server)).unwrap();
    assert_eq!(answer.status, 503);
    assert!(String::from_utf8_lossy(&answer.body).contains("database failed"));
    assert_eq!(server.hits("/api/v1/scans"), 2);
}

#[test]
fn a_dead_server_is_a_connection_error_and_offline_sends_nothing() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/api/v1/scans");
    let e = client(1, false)
        .post(&Post::json(&url, b"{}".to_vec()))
        .unwrap_err();
    assert!(
        matches!(&e, NetError::Connect { message, .. } if message.contains("after 2 attempts")),
        "{e}"
    );
    let server = TestServer::start();
    let e = client(1, true).post(&post(&server)).unwrap_err();
    assert!(matches!(e, NetError::Offline { .. }), "{e}");
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn patch_and_put_go_out_with_their_method_and_keep_the_retries() {
    let server = TestServer::start();
    server.queue("/repos/o/r/pulls/1", [Response::status(503)]);
    server.route(
        "/repos/o/r/pulls/1",
        Response::ok("{}").header("x-next-page", "2"),
    );
    let mut patch = Post::json(
        server.url("/repos/o/r/pulls/1"),
        b"{\"body\":\"b\"}".to_vec(),
    );
    patch.method = "PATCH".into();
    let answer = client(1, false).post(&patch).unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-next-page"), Some("2"));
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["PATCH", "PATCH"]);

    patch.method = "NOT A METHOD".into();
    let error = client(0, false).post(&patch).unwrap_err();
    assert!(error.to_string().contains("not an HTTP method"), "{error}");
}
