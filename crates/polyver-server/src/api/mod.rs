//! The read API under `/api/v1/`: repositories, their scans (history), one scan with its
//! components and findings, the diff of two scans, the outdated rows and the compatibility
//! matrix of a repository's latest scan, and the search across repositories.
//! `/openapi.json` describes every endpoint, parameter, answer and error body (see
//! [`crate::openapi`]).
//!
//! Lists are paged by cursor: `limit` (default [`DEFAULT_LIMIT`], larger values served as
//! [`MAX_LIMIT`]) and `cursor`, the `next_cursor` of the previous page; each page also gives
//! `next`, the same request's path and query with that cursor, or `null` on the last page.
//! A cursor is a position in its list (after this repository, this scan, this ordinal), not
//! a snapshot: a client treats it as opaque, and a position that no longer exists is still a
//! valid place to continue from. Every value a parameter's pattern accepts is a valid
//! cursor, so a well-formed request is never refused for its cursor.
//!
//! Parameters are read strictly (exact enum values, `true`/`false`, digits): what the
//! document does not allow is a 400 with a JSON error that says which parameter and what is
//! expected, never a silent default.

mod compatibility;
pub(crate) mod filters;
mod outdated;
pub(crate) mod params;
pub(crate) mod repositories;
mod scans;
mod search;

use crate::AppState;
use axum::routing::get;
use axum::Router;

pub use params::{DEFAULT_LIMIT, MAX_LIMIT};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/repositories", get(repositories::list))
        .route("/api/v1/repositories/{repository}", get(repositories::one))
        .route(
            "/api/v1/repositories/{repository}/scans",
            get(repositories::scans),
        )
        .route("/api/v1/repositories/{repository}/diff", get(scans::diff))
        .route(
            "/api/v1/repositories/{repository}/outdated",
            get(outdated::list),
        )
        .route(
            "/api/v1/repositories/{repository}/compatibility",
            get(compatibility::matrix),
        )
        .route("/api/v1/scans/{scan_id}", get(scans::one))
        .route("/api/v1/scans/{scan_id}/components", get(scans::components))
        .route("/api/v1/scans/{scan_id}/findings", get(scans::findings))
        .route("/api/v1/search/components", get(search::components))
        .merge(crate::openapi::routes())
}
