//! `polyver serve`: the central registry. A stateless HTTP server over the registry store
//! (SQLite for one person, PostgreSQL for a team; several replicas may share one PostgreSQL,
//! since every request is answered from the database and nothing is kept in memory between
//! requests but this process's request counters and a few seconds' cache of `/metrics`).
//!
//! The router is built by [`router`] from independent route modules, each adding its own
//! paths to the shared [`AppState`]; [`serve`] binds, runs until SIGINT/SIGTERM and then
//! drains in-flight requests (graceful shutdown). Every request has a timeout and a body
//! limit; errors are JSON `{"error": ..., "hint": ...}` with the HTTP status that fits.
//!
//! The HTML dashboard (`/`, `/repos/…`, `/components/…`, see [`dashboard`]) reads the same
//! store.
//!
//! Every route is behind [`auth::authorize`], one middleware keyed by method and path prefix
//! (bearer tokens; see [`auth`] for what each request needs and how a new endpoint is
//! classified). Pushed scans come in through `POST /api/v1/scans` ([`ingest`]).

pub mod alerts;
mod api;
pub mod auth;
pub mod dashboard;
mod error;
mod health;
pub mod ingest;
pub mod metrics;
pub mod openapi;
mod trace;

pub use api::{DEFAULT_LIMIT, MAX_LIMIT};
pub use auth::Caller;
pub use error::ApiError;

use axum::Router;
use polyver_store::AsyncStore;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// How the server runs: `[server]` of polyver.toml with the command line on top.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    pub listen: SocketAddr,
    /// Who may read without a token.
    pub read: polyver_config::ReadAccess,
    /// Largest request body (a pushed scan, compressed).
    pub body_limit: usize,
    /// A request taking longer is answered 408 and dropped.
    pub request_timeout: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            read: polyver_config::ReadAccess::Open,
            body_limit: 64 << 20,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// What every handler can reach: the store and the options. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<AsyncStore>,
    pub options: Arc<ServerOptions>,
    /// Request metrics and the cached repository metrics of `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
}

/// Every route, with the timeout, body limit and request tracing around them.
pub fn router(state: AppState) -> Router {
    let options = Arc::clone(&state.options);
    let metrics = Arc::clone(&state.metrics);
    Router::new()
        .merge(health::routes())
        .merge(ingest::routes())
        .merge(metrics::routes())
        .merge(api::routes())
        .merge(dashboard::routes())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authorize,
        ))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(options.body_limit))
        .layer(axum::middleware::map_response_with_state(
            options.body_limit,
            ingest::json_too_large,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            options.request_timeout,
        ))
        .layer(trace::layer())
        // Outermost, so what the timeout and the body limit answer is counted too.
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
}

/// Serves `store` on `listener` until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds `options.listen` and serves until SIGINT or SIGTERM. `ready` is called with the
/// bound address (the port, when 0 was asked) before the first request is accepted.
pub async fn serve(
    store: AsyncStore,
    options: ServerOptions,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    ready(listener.local_addr()?);
    let state = AppState {
        store: Arc::new(store),
        options: Arc::new(options),
        metrics: Arc::new(metrics::Metrics::default()),
    };
    serve_on(listener, state, shutdown_signal()).await
}

/// SIGINT (Ctrl-C) or SIGTERM (what `docker stop` and Kubernetes send).
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
