//! `/api/v1/repositories/{repository}/compatibility`: the compatibility matrix stored with
//! the repository's latest scan — every `[[compat]]` and derived rule, each place it was
//! checked with its verdict (pass, fail, or not applicable) and the declarations it rests
//! on, in the order `polyver report` shows them. The dashboard's repository page shows the
//! same rows. Not paged: a matrix is as large as its rules times the places they apply to.

use super::params::{Params, PathText};
use super::repositories::repository;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use polyver_store::{CompatResult, StoredCompat};
use serde::Serialize;

/// The verdicts a `result` filter takes.
const RESULTS: [CompatResult; 3] = [
    CompatResult::Pass,
    CompatResult::Fail,
    CompatResult::NotApplicable,
];

/// A repository's compatibility matrix.
#[derive(Serialize)]
pub(crate) struct CompatibilityMatrix {
    pub repository: String,
    /// The latest scan, whose matrix this is.
    pub scan_id: i64,
    /// Rows per verdict, before the `result` filter.
    pub pass: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub items: Vec<StoredCompat>,
}

pub(crate) async fn matrix(
    State(state): State<AppState>,
    PathText(path): PathText,
    params: Params,
) -> Result<Json<CompatibilityMatrix>, ApiError> {
    let only = params.one_of("result", &RESULTS, CompatResult::id)?;
    let name = &path[0];
    let detail = repository(&state, name).await?;
    let Some(latest) = detail.latest_scan else {
        return Err(super::repositories::no_repository(name));
    };
    let rows = state
        .store
        .compatibility(latest.id)
        .await
        .map_err(ApiError::store)?;
    let count = |r: CompatResult| rows.iter().filter(|c| c.result == r).count();
    Ok(Json(CompatibilityMatrix {
        repository: detail.name,
        scan_id: latest.id,
        pass: count(CompatResult::Pass),
        fail: count(CompatResult::Fail),
        not_applicable: count(CompatResult::NotApplicable),
        items: rows
            .into_iter()
            .filter(|c| only.is_none_or(|r| c.result == r))
            .collect(),
    }))
}
