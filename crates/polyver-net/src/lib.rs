//! Every network request polyver makes goes through this crate, so that all of them behave the
//! same way: a timeout, a bounded number of retries with backoff on transient failures
//! (connection errors, timeouts, 429 and 5xx, honouring `Retry-After`), an on-disk cache that
//! is revalidated with `ETag`/`Last-Modified` instead of re-downloaded, and an offline switch
//! that turns every request into a cache lookup.
//!
//! The client is blocking (reqwest's blocking client): the CLI is synchronous, and lookups
//! that want parallelism run several requests on a thread pool. Do not call it from inside a
//! tokio runtime (reqwest's blocking client refuses that).
//!
//! Two entry points: [`Client::get_cached`] for small documents (registry metadata), kept in
//! the cache with their validators; [`Client::download`] for large files (advisory exports),
//! streamed to a destination through a temporary file and renamed into place only when
//! complete, with validators the caller stores (so an unchanged export is not fetched again).
//! [`Client::post`] sends a body, with the same retries, for requests the server handles
//! idempotently (a pushed scan).

mod error;
mod post;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::NetError;
use error::{error_chain, read_error, request_error};
pub use post::Post;

use reqwest::blocking::Response;
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Client settings; [`Options::default`] is what the CLI uses unless told otherwise.
#[derive(Clone, Debug)]
pub struct Options {
    /// Never touch the network: answer from the cache or fail with [`NetError::Offline`].
    pub offline: bool,
    /// Whole-request timeout (connect + transfer) for [`Client::get_cached`]; a download may
    /// take 40 times as long.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Extra attempts after a transient failure.
    pub retries: u32,
    /// First backoff delay; doubled on each retry.
    pub backoff: Duration,
    /// Where cached responses live; `None` = [`default_cache_dir`].
    pub cache_dir: Option<PathBuf>,
    /// Largest body [`Client::get_cached`] accepts.
    pub max_body: u64,
    /// Largest file [`Client::download`] accepts.
    pub max_download: u64,
    pub user_agent: String,
    /// PEM files of extra certificate authorities to trust (`--ca-cert`), on top of the
    /// platform's store (which honours `SSL_CERT_FILE`/`SSL_CERT_DIR`) and the Mozilla roots.
    pub ca_certs: Vec<PathBuf>,
    /// At most this many requests in flight to one host (registries throttle parallel
    /// clients); 0 = no limit.
    pub max_per_host: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            offline: false,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_millis(250),
            cache_dir: None,
            max_body: 64 << 20,
            max_download: 4 << 30,
            user_agent: concat!("polyver/", env!("CARGO_PKG_VERSION")).to_string(),
            ca_certs: Vec::new(),
            max_per_host: 6,
        }
    }
}

/// `POLYVER_CACHE_DIR`, else `$XDG_CACHE_HOME/polyver`, else `~/.cache/polyver`, else a
/// directory under the system temp dir.
pub fn default_cache_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("POLYVER_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("polyver")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("polyver")))
        .unwrap_or_else(|| std::env::temp_dir().join("polyver-cache"))
}

/// A GET for [`Client::fetch`]: the URL, what to accept, how to authenticate and how old a
/// cached answer may be.
#[derive(Clone, Debug)]
pub struct Request {
    pub url: String,
    /// `Accept`; part of the cache key, since one URL can serve several representations
    /// (PEP 691 JSON or HTML, OCI manifest types).
    pub accept: Option<String>,
    /// `Authorization` (e.g. `Bearer …`); never written to the cache.
    pub authorization: Option<String>,
    /// A cached answer younger than this is returned without a request.
    pub max_age: Duration,
    /// Neither read nor write the cache: for answers that are secrets or single-use (an
    /// authentication token), which must not be kept on disk.
    pub no_store: bool,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            url: url.into(),
            accept: None,
            authorization: None,
            max_age: Duration::ZERO,
            no_store: false,
        }
    }

    pub fn accept(mut self, accept: impl Into<String>) -> Request {
        self.accept = Some(accept.into());
        self
    }

    pub fn authorization(mut self, value: Option<String>) -> Request {
        self.authorization = value;
        self
    }

    pub fn max_age(mut self, max_age: Duration) -> Request {
        self.max_age = max_age;
        self
    }

    /// Keep the answer out of the cache (the `no_store` field).
    pub fn no_store(mut self) -> Request {
        self.no_store = true;
        self
    }

    fn cache_key(&self) -> String {
        match &self.accept {
            Some(accept) => format!("{}\naccept: {accept}", self.url),
            None => self.url.clone(),
        }
    }
}

/// Response headers [`Fetched::headers`] keeps (and the cache stores): what registry clients
/// read besides the body.
const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "link",
    "docker-content-digest",
    "retry-after",
    "x-next-page",
    "www-authenticate",
    "x-pypi-last-serial",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
];

/// A response from [`Client::fetch`] / [`Client::get_cached`].
#[derive(Clone, Debug)]
pub struct Fetched {
    /// 2xx, or 404/410 (a missing package is an answer worth caching, too), or 401/403 (never
    /// cached: the caller may answer an authentication challenge, see `www-authenticate`, or
    /// tell a refusal from an exhausted rate limit, see `x-ratelimit-remaining`).
    pub status: u16,
    pub body: Vec<u8>,
    /// The headers of [`KEPT_HEADERS`] that the response had, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Served from the cache without any request.
    pub from_cache: bool,
    /// A request was made and the server said the cached copy is still current (304).
    pub revalidated: bool,
}

impl Fetched {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A kept response header (`name` lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn kept_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some((name.to_string(), value.to_string()))
        })
        .collect()
}

/// The validators of a downloaded resource, to send back on the next request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    fn from_headers(headers: &HeaderMap) -> Validators {
        let get = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        Validators {
            etag: get(header::ETAG),
            last_modified: get(header::LAST_MODIFIED),
        }
    }

    fn apply(
        &self,
        mut request: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        if let Some(etag) = &self.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(date) = &self.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, date);
        }
        request
    }
}

/// The outcome of [`Client::download`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Download {
    /// The server confirmed the caller's copy is current (304); nothing was written.
    NotModified,
    /// The file was written to the destination.
    Fetched { validators: Validators, bytes: u64 },
}

/// What the cache keeps beside a response body.
#[derive(Debug, Serialize, Deserialize)]
struct CacheMeta {
    url: String,
    status: u16,
    validators: Validators,
    /// Seconds since the epoch when the body was last confirmed current.
    checked_at: u64,
    #[serde(default)]
    headers: Vec<(String, String)>,
}

pub struct Client {
    http: reqwest::blocking::Client,
    options: Options,
    cache_dir: PathBuf,
    hosts: HostSlots,
    counters: Counters,
}

/// What a client did so far (for `-v` summaries and benchmarks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Answers served from the cache without a request.
    pub cache_hits: u64,
    /// Requests the server answered with 304 Not Modified.
    pub revalidated: u64,
}

#[derive(Default)]
struct Counters {
    requests: std::sync::atomic::AtomicU64,
    cache_hits: std::sync::atomic::AtomicU64,
    revalidated: std::sync::atomic::AtomicU64,
}

fn bump(counter: &std::sync::atomic::AtomicU64) {
    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

impl Client {
    pub fn new(options: Options) -> Result<Client, NetError> {
        let mut builder = reqwest::blocking::Client::builder()
            .user_agent(options.user_agent.clone())
            .connect_timeout(options.connect_timeout);
        for path in &options.ca_certs {
            for certificate in read_ca_certs(path)? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build().map_err(|e| NetError::Other {
            url: String::new(),
            message: format!("cannot build the HTTP client: {e}"),
        })?;
        let cache_dir = options.cache_dir.clone().unwrap_or_else(default_cache_dir);
        Ok(Client {
            http,
            hosts: HostSlots::new(options.max_per_host),
            counters: Counters::default(),
            options,
            cache_dir,
        })
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The requests made and the cache's answers so far.
    pub fn stats(&self) -> Stats {
        let get = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
        Stats {
            requests: get(&self.counters.requests),
            cache_hits: get(&self.counters.cache_hits),
            revalidated: get(&self.counters.revalidated),
        }
    }

    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// GET `url` through the cache: a cached answer younger than `max_age` is returned without
    /// a request; an older one is revalidated (`If-None-Match`/`If-Modified-Since`); offline,
    /// any cached answer is returned whatever its age.
    pub fn get_cached(&self, url: &str, max_age: Duration) -> Result<Fetched, NetError> {
        self.fetch(&Request::get(url).max_age(max_age))
    }

    /// [`Client::get_cached`] with request headers (see [`Request`]).
    pub fn fetch(&self, request: &Request) -> Result<Fetched, NetError> {
        let url = request.url.as_str();
        let key = request.cache_key();
        let (meta_path, body_path) = self.cache_paths(&key);
        let cached = if request.no_store {
            None
        } else {
            read_cached(&meta_path, &body_path, &key)
        };
        if let Some((meta, body)) = &cached {
            let age = now_secs().saturating_sub(meta.checked_at);
            if self.options.offline || age < request.max_age.as_secs() {
                bump(&self.counters.cache_hits);
                return Ok(Fetched {
                    status: meta.status,
                    body: body.clone(),
                    headers: meta.headers.clone(),
                    from_cache: true,
                    revalidated: false,
                });
            }
        }
        if self.options.offline {
            return Err(NetError::Offline {
                url: url.to_string(),
            });
        }
        let validators = cached
            .as_ref()
            .map(|(m, _)| m.validators.clone())
            .unwrap_or_default();
        let response = self.send(
            request,
            &validators,
            self.options.timeout,
            self.options.retries,
        )?;
        let status = response.status().as_u16();
        if status == 304 {
            bump(&self.counters.revalidated);
            if let Some((mut meta, body)) = cached {
                meta.checked_at = now_secs();
                self.write_meta(&meta_path, &meta)?;
                return Ok(Fetched {
                    status: meta.status,
                    body,
                    headers: meta.headers,
                    from_cache: false,
                    revalidated: true,
                });
            }
            return Err(NetError::Status {
                url: url.to_string(),
                status,
            });
        }
        let validators = Validators::from_headers(response.headers());
        let headers = kept_headers(response.headers());
        let body = read_limited(response, url, self.options.max_body)?;
        if matches!(status, 401 | 403) || request.no_store {
            return Ok(Fetched {
                status,
                body,
                headers,
                from_cache: false,
                revalidated: false,
            });
        }
        let meta = CacheMeta {
            url: key,
            status,
            validators,
            checked_at: now_secs(),
            headers: headers.clone(),
        };
        fs::create_dir_all(meta_path.parent().expect("cache paths have a parent")).map_err(
            |source| NetError::Io {
                path: self.cache_dir.clone(),
                source,
            },
        )?;
        write_atomically(&body_path, &body)?;
        self.write_meta(&meta_path, &meta)?;
        Ok(Fetched {
            status,
            body,
            headers,
            from_cache: false,
            revalidated: false,
        })
    }

    /// GET `url` into `dest` unless the server says `validators` are current. The body goes
    /// to a temporary file beside `dest` and replaces it only when complete, so an interrupted
    /// download never leaves a truncated file. `progress(done, total)` is called as bytes
    /// arrive.
    pub fn download(
        &self,
        url: &str,
        validators: &Validators,
        dest: &Path,
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<Download, NetError> {
        if self.options.offline {
            return Err(NetError::Offline {
                url: url.to_string(),
            });
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.download_once(url, validators, dest, progress) {
                Err(e) if e.is_transient() && attempt <= self.options.retries => {
                    std::thread::sleep(self.backoff(attempt, None));
                }
                other => return other,
            }
        }
    }

    fn download_once(
        &self,
        url: &str,
        validators: &Validators,
        dest: &Path,
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<Download, NetError> {
        // Exports are large: the whole transfer gets 40 times the request timeout (20 minutes
        // by default) instead of the short one used for metadata. Retries happen around the
        // whole transfer (in `download`), not inside `send`.
        let mut response =
            self.send(&Request::get(url), validators, self.options.timeout * 40, 0)?;
        match response.status().as_u16() {
            304 => return Ok(Download::NotModified),
            status @ (401 | 403 | 404 | 410) => {
                return Err(NetError::Status {
                    url: url.to_string(),
                    status,
                })
            }
            _ => {}
        }
        let fetched = Validators::from_headers(response.headers());
        let total = response.content_length();
        if total.is_some_and(|t| t > self.options.max_download) {
            return Err(NetError::TooLarge {
                url: url.to_string(),
                limit: self.options.max_download,
            });
        }
        let io_err = |source| NetError::Io {
            path: dest.to_path_buf(),
            source,
        };
        let dir = dest.parent().filter(|p| !p.as_os_str().is_empty());
        let dir = dir.unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(io_err)?;
        let tmp = temp_path(dest);
        let result = (|| {
            let mut file = fs::File::create(&tmp).map_err(io_err)?;
            let mut buf = vec![0u8; 64 * 1024];
            let mut done = 0u64;
            loop {
                let n = response.read(&mut buf).map_err(|e| read_error(url, e, 1))?;
                if n == 0 {
                    break;
                }
                done += n as u64;
                if done > self.options.max_download {
                    return Err(NetError::TooLarge {
                        url: url.to_string(),
                        limit: self.options.max_download,
                    });
                }
                file.write_all(&buf[..n]).map_err(io_err)?;
                progress(done, total);
            }
            if total.is_some_and(|t| t != done) {
                return Err(NetError::Other {
                    url: url.to_string(),
                    message: format!("the transfer ended after {done} of {total:?} bytes"),
                });
            }
            file.sync_all().map_err(io_err)?;
            fs::rename(&tmp, dest).map_err(io_err)?;
            Ok(done)
        })();
        match result {
            Ok(bytes) => Ok(Download::Fetched {
                validators: fetched,
                bytes,
            }),
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Sends a GET with up to `retries` retries; returns the response for 2xx, 304, 401, 403,
    /// 404 and 410.
    fn send(
        &self,
        request: &Request,
        validators: &Validators,
        timeout: Duration,
        retries: u32,
    ) -> Result<Response, NetError> {
        let url = request.url.as_str();
        let _slot = self.hosts.acquire(url);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut builder = validators.apply(self.http.get(url)).timeout(timeout);
            if let Some(accept) = &request.accept {
                builder = builder.header(header::ACCEPT, accept);
            }
            if let Some(authorization) = &request.authorization {
                builder = builder.header(header::AUTHORIZATION, authorization);
            }
            bump(&self.counters.requests);
            let outcome = match builder.send() {
                Ok(response) => {
                    let status = response.status().as_u16();
                    if (200..300).contains(&status) || matches!(status, 304 | 401 | 403 | 404 | 410)
                    {
                        return Ok(response);
                    }
                    let retry_after = response
                        .headers()
                        .get(header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    (
                        NetError::Status {
                            url: url.to_string(),
                            status,
                        },
                        retry_after,
                    )
                }
                Err(e) => (request_error(url, e, attempt), None),
            };
            let (error, retry_after) = outcome;
            if !error.is_transient() || attempt > retries {
                return Err(match error {
                    NetError::Timeout { url, .. } => NetError::Timeout {
                        url,
                        attempts: attempt,
                    },
                    other => other,
                });
            }
            std::thread::sleep(self.backoff(attempt, retry_after));
        }
    }

    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        // Exponential with up to 50% random jitter, so that parallel clients that failed
        // together do not retry together.
        let exponential = self.options.backoff * 2u32.saturating_pow(attempt - 1);
        let jittered = exponential.mul_f64(1.0 + fastrand::f64() / 2.0);
        // A server's Retry-After is honoured, but never beyond a minute.
        retry_after.unwrap_or(jittered).min(Duration::from_secs(60))
    }

    fn cache_paths(&self, url: &str) -> (PathBuf, PathBuf) {
        let digest = Sha256::digest(url.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let dir = self.cache_dir.join("http").join(&hex[..2]);
        (
            dir.join(format!("{hex}.json")),
            dir.join(format!("{hex}.body")),
        )
    }

    fn write_meta(&self, path: &Path, meta: &CacheMeta) -> Result<(), NetError> {
        let json = serde_json::to_vec(meta).expect("cache metadata serializes");
        write_atomically(path, &json)
    }
}

/// Counts requests in flight per host and makes a request wait while its host has
/// `Options::max_per_host` of them.
struct HostSlots {
    limit: usize,
    busy: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    freed: std::sync::Condvar,
}

struct HostSlot<'a> {
    slots: &'a HostSlots,
    host: String,
}

impl HostSlots {
    fn new(limit: usize) -> HostSlots {
        HostSlots {
            limit,
            busy: Default::default(),
            freed: Default::default(),
        }
    }

    fn acquire(&self, url: &str) -> Option<HostSlot<'_>> {
        if self.limit == 0 {
            return None;
        }
        let host = reqwest::Url::parse(url)
            .ok()
            .map(|u| {
                format!(
                    "{}:{}",
                    u.host_str().unwrap_or(""),
                    u.port_or_known_default().unwrap_or(0)
                )
            })
            .unwrap_or_default();
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while busy.get(&host).copied().unwrap_or(0) >= self.limit {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy.entry(host.clone()).or_default() += 1;
        Some(HostSlot { slots: self, host })
    }
}

impl Drop for HostSlot<'_> {
    fn drop(&mut self) {
        let mut busy = self.slots.busy.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = busy.get_mut(&self.host) {
            *n -= 1;
            if *n == 0 {
                busy.remove(&self.host);
            }
        }
        self.slots.freed.notify_all();
    }
}

/// The certificates of a PEM bundle (`--ca-cert`); at most 1 MiB, at least one certificate.
fn read_ca_certs(path: &Path) -> Result<Vec<reqwest::Certificate>, NetError> {
    let error = |message: String| NetError::CaCert {
        path: path.to_path_buf(),
        message,
    };
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(1 << 20).read_to_end(&mut bytes))
        .map_err(|e| error(e.to_string()))?;
    let certificates =
        reqwest::Certificate::from_pem_bundle(&bytes).map_err(|e| error(error_chain(&e)))?;
    if certificates.is_empty() {
        return Err(error(
            "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    Ok(certificates)
}

fn read_limited(response: Response, url: &str, limit: u64) -> Result<Vec<u8>, NetError> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(NetError::TooLarge {
            url: url.to_string(),
            limit,
        });
    }
    let mut body = Vec::new();
    response
        .take(limit + 1)
        .read_to_end(&mut body)
        .map_err(|e| read_error(url, e, 1))?;
    if body.len() as u64 > limit {
        return Err(NetError::TooLarge {
            url: url.to_string(),
            limit,
        });
    }
    Ok(body)
}

fn read_cached(meta_path: &Path, body_path: &Path, url: &str) -> Option<(CacheMeta, Vec<u8>)> {
    let meta: CacheMeta = serde_json::from_slice(&fs::read(meta_path).ok()?).ok()?;
    // A hash collision or a foreign file is treated as a miss.
    if meta.url != url {
        return None;
    }
    Some((meta, fs::read(body_path).ok()?))
}

fn temp_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.partial", std::process::id()));
    dest.with_file_name(name)
}

/// Writes through a temporary file and a rename: readers see the old file or the new one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), NetError> {
    let tmp = temp_path(path);
    let io_err = |source| NetError::Io {
        path: path.to_path_buf(),
        source,
    };
    fs::write(&tmp, bytes).map_err(io_err)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(e)
    })
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
