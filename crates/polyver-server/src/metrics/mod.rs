//! `/metrics`: the registry's state for Prometheus (PRODUCT.md §8) and the server's own
//! request metrics, in the Prometheus text format (0.0.4), with the `prometheus-client` crate.
//!
//! **Two halves.** The repository metrics ([`fleet`]) are computed from each repository's
//! latest stored scan; computing them reads the whole fleet, so the rendered text is cached
//! for [`FLEET_CACHE`] and refreshed by one request at a time: a scrape storm (several
//! Prometheus servers, replicas of them, a dashboard refreshing) costs one database read per
//! period, whatever the number of scrapes. Every replica of a stateless server on one
//! database answers the same values; the rules of `polyver alerts` aggregate over instances.
//! The request metrics ([`http`]) are this process's own counters, live.
//!
//! **Bounded labels.** Requests are labelled with the route TEMPLATE (`/api/v1/repositories/{name}`),
//! never the path asked for, `unmatched` for anything no route took, the method (the nine of
//! RFC 9110 and PATCH, else `OTHER`) and the status code; repository metrics with the
//! repository, ecosystem, kind and severity, whose sets grow with the registry's content,
//! not with traffic.

mod fleet;
mod http;

pub use fleet::render_fleet;
pub use http::{track, HttpMetrics};

use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use polyver_store::AsyncStore;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Every metric name `/metrics` exposes (after the client library's suffixes), for the
/// alerting rules and dashboard of `polyver alerts` and for tests.
pub mod names {
    pub const COMPONENTS: &str = "polyver_components";
    pub const VULNERABILITIES: &str = "polyver_vulnerabilities";
    pub const DRIFT_SCORE: &str = "polyver_version_drift_score";
    pub const UPDATE_LAG_DAYS: &str = "polyver_update_lag_days";
    pub const HEALTH_SCORE: &str = "polyver_health_score";
    pub const SLA_BREACHES: &str = "polyver_sla_breaches";
    pub const LAST_SCAN: &str = "polyver_last_scan_timestamp_seconds";
    pub const HTTP_REQUESTS: &str = "polyver_http_requests_total";
    pub const HTTP_DURATION: &str = "polyver_http_request_duration_seconds";
}

/// How long the rendered repository metrics are served before the database is read again.
pub const FLEET_CACHE: Duration = Duration::from_secs(5);

/// The server's metrics: request counters and the cached repository metrics.
pub struct Metrics {
    pub http: HttpMetrics,
    fleet_ttl: Duration,
    /// The last rendering and when it was made; the lock makes one request refresh it while
    /// the others wait for its result.
    fleet: tokio::sync::Mutex<Option<(Instant, Arc<str>)>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new(FLEET_CACHE)
    }
}

impl Metrics {
    /// Repository metrics cached for `fleet_ttl` (zero: read on every scrape).
    pub fn new(fleet_ttl: Duration) -> Metrics {
        Metrics {
            http: HttpMetrics::default(),
            fleet_ttl,
            fleet: tokio::sync::Mutex::new(None),
        }
    }

    /// The repository metrics as text: the cached rendering while it is fresh, else a new one.
    pub async fn fleet_text(&self, store: &AsyncStore) -> Result<Arc<str>, ApiError> {
        let mut cached = self.fleet.lock().await;
        if let Some((at, text)) = cached.as_ref() {
            if at.elapsed() < self.fleet_ttl {
                return Ok(Arc::clone(text));
            }
        }
        let snapshot = store
            .fleet(fleet::DETAILED)
            .await
            .map_err(ApiError::store)?;
        let text: Arc<str> = render_fleet(&snapshot).into();
        *cached = Some((Instant::now(), Arc::clone(&text)));
        Ok(text)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let fleet = state.metrics.fleet_text(&state.store).await?;
    let mut body = String::with_capacity(fleet.len() + 8192);
    state.metrics.http.encode(&mut body);
    body.push_str(&fleet);
    Ok((
        [(
            header::CONTENT_TYPE,
            prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        )],
        body,
    ))
}
