//! `/healthz` (the process answers) and `/readyz` (and its database does): what a load
//! balancer and Kubernetes probes ask.

use crate::{ApiError, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.store.ping().await.map_err(ApiError::store)?;
    Ok("ready\n")
}
