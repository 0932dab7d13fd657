//! `/metrics`: the registry's state for Prometheus (PRODUCT.md §8) and the server's own
//! request metrics, in the Prometheus text format (0.0.4), with the `prometheus-client` crate.
//!
//! **Two halves.** The repository metrics ([`fleet`]) are computed from each repository's
//! latest stored scan; computing them reads the whole fleet (0.3 s for 1,000 repositories ×
//! 300 components on PostgreSQL), so the rendered text is cached for [`FLEET_CACHE`]. Once it
//! is older, the next scrape refreshes it while the scrapes that arrive meanwhile get the
//! previous text at once (only the very first scrape waits): a scrape storm (several
//! Prometheus servers, a dashboard refreshing) costs one database read per period and no
//! scrape queues behind it. The cached text is shared, not copied, into each response. Every
//! replica of a stateless server on one database answers the same values; the rules of
//! `polyver alerts` aggregate over instances.
//! The request metrics ([`http`]) are this process's own counters, live.
//!
//! **Bounded labels.** Requests are labelled with the route TEMPLATE (`/api/v1/repositories/{name}`),
//! never the path asked for, `unmatched` for anything no route took, the method (the nine of
//! RFC 9110 and PATCH, else `OTHER`) and the status code; repository metrics with the
//! repository, ecosystem, kind and severity, whose sets grow with the registry's content,
//! not with traffic.

pub(crate) mod fleet;
mod http;

pub use fleet::{render_fleet, MAX_LAG_SERIES_PER_REPO};
pub use http::{track, HttpMetrics};

use crate::{ApiError, AppState};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use polyver_store::AsyncStore;
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
    /// The last rendering and when it was made.
    fleet: std::sync::Mutex<Option<(Instant, Bytes)>>,
    /// Held by the one request refreshing the rendering.
    refreshing: tokio::sync::Mutex<()>,
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
            fleet: std::sync::Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn cached(&self) -> Option<(Instant, Bytes)> {
        self.fleet
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The repository metrics as text: the cached rendering while it is fresh; once stale, a
    /// new one — or the stale one while another request is making the new one.
    pub async fn fleet_text(&self, store: &AsyncStore) -> Result<Bytes, ApiError> {
        let stale = match self.cached() {
            Some((at, text)) if at.elapsed() < self.fleet_ttl => return Ok(text),
            other => other.map(|(_, text)| text),
        };
        let _refreshing = match (self.refreshing.try_lock(), stale) {
            (Ok(guard), _) => guard,
            (Err(_), Some(text)) => return Ok(text),
            // Nothing rendered yet: wait for the refresh under way, then use what it made.
            (Err(_), None) => {
                let guard = self.refreshing.lock().await;
                if let Some((at, text)) = self.cached() {
                    if at.elapsed() < self.fleet_ttl {
                        return Ok(text);
                    }
                }
                guard
            }
        };
        let snapshot = store
            .fleet(fleet::DETAILED)
            .await
            .map_err(ApiError::store)?;
        let text = Bytes::from(render_fleet(&snapshot));
        *self
            .fleet
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((Instant::now(), text.clone()));
        Ok(text)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let fleet = state.metrics.fleet_text(&state.store).await?;
    let mut requests = String::with_capacity(8192);
    state.metrics.http.encode(&mut requests);
    // The request metrics, then the shared repository text (no copy of it).
    let parts = [Bytes::from(requests), fleet].map(Ok::<_, std::convert::Infallible>);
    Ok((
        [(
            header::CONTENT_TYPE,
            prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        )],
        Body::from_stream(futures_util::stream::iter(parts)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store(dir: &std::path::Path) -> AsyncStore {
        AsyncStore::open(&polyver_store::sqlite_url(&dir.join("r.db")))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_stale_rendering_is_served_while_another_request_refreshes() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let metrics = Metrics::new(Duration::ZERO);
        let first = metrics.fleet_text(&store).await.unwrap();
        // A refresh is under way elsewhere, and the database is gone: the stale text comes
        // back at once.
        let refreshing = metrics.refreshing.lock().await;
        store.close().await;
        assert_eq!(metrics.fleet_text(&store).await.unwrap(), first);
        drop(refreshing);
        // Nobody refreshing: this request refreshes, and says the database failed.
        let error = metrics.fleet_text(&store).await.unwrap_err();
        assert_eq!(error.status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
    }

    #[tokio::test]
    async fn the_first_scrapes_wait_for_the_first_rendering() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let metrics = Metrics::new(Duration::from_secs(60));
        let refreshing = metrics.refreshing.lock().await;
        let waiting = tokio::time::timeout(Duration::from_millis(200), metrics.fleet_text(&store));
        assert!(waiting.await.is_err(), "nothing to serve yet: it waits");
        drop(refreshing);
        let text = metrics.fleet_text(&store).await.unwrap();
        assert!(text.is_empty(), "an empty registry has no series");
        assert!(metrics.cached().is_some());
    }
}
