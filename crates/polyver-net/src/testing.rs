//! A small HTTP/1.1 server for tests: fixed routes, conditional answers, scripted failures,
//! and a record of every request — so tests of network features never need the network and
//! can prove what was (not) requested.
//!
//! Compiled only with the `testing` feature, which only dev-dependencies enable: the release
//! binary does not contain it.
//!
//! Routes answer `304 Not Modified` by themselves when the request's `If-None-Match` /
//! `If-Modified-Since` equals the route's `ETag` / `Last-Modified`, like a real server.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A canned response.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (to test timeouts).
    pub delay: Duration,
}

impl Response {
    pub fn ok(body: impl Into<Vec<u8>>) -> Response {
        Response::status(200).body(body)
    }

    pub fn status(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Response {
        self.delay = delay;
        self
    }

    fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request the server received.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body, as sent (`Content-Length` bodies only).
    pub body: Vec<u8>,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    /// Scripted one-shot answers, used before the route's standing answer.
    queued: HashMap<String, VecDeque<Response>>,
    routes: HashMap<String, Response>,
    requests: Vec<RecordedRequest>,
}

/// A server on 127.0.0.1 with a random port; it stops when dropped (the listener thread is
/// detached and ends with the test process).
pub struct TestServer {
    base: String,
    state: Arc<Mutex<State>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                thread::spawn(move || {
                    let _ = serve(stream, &state);
                });
            }
        });
        TestServer { base, state }
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The standing answer for `path` (exact match, query string included).
    pub fn route(&self, path: &str, response: Response) {
        self.lock().routes.insert(path.to_string(), response);
    }

    /// One-shot answers for `path`, used in order before the standing route (e.g. two 503s
    /// and then the real file, to test retries).
    pub fn queue(&self, path: &str, responses: impl IntoIterator<Item = Response>) {
        self.lock()
            .queued
            .entry(path.to_string())
            .or_default()
            .extend(responses);
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// How many requests asked for `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    std::io::Read::read_exact(&mut reader, &mut body)?;
    let request = RecordedRequest {
        method: method.clone(),
        path: path.clone(),
        headers,
        body,
    };
    let response = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        state.requests.push(request.clone());
        let queued = state.queued.get_mut(&path).and_then(VecDeque::pop_front);
        queued
            .or_else(|| state.routes.get(&path).cloned())
            .unwrap_or_else(|| Response::status(404).body("no such route"))
    };
    thread::sleep(response.delay);
    let not_modified = response.status == 200
        && (matches!((request.header("if-none-match"), response.header_value("etag")), (Some(a), Some(b)) if a == b)
            || matches!((request.header("if-modified-since"), response.header_value("last-modified")), (Some(a), Some(b)) if a == b));
    let (status, body): (u16, &[u8]) = if not_modified {
        (304, b"")
    } else {
        (response.status, &response.body)
    };
    let mut out = stream;
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in &response.headers {
        if !name.eq_ignore_ascii_case("content-length") {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if method != "HEAD" {
        out.write_all(body)?;
    }
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
