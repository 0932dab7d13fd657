//! `/api/v1/repositories/{repository}/outdated`: the `polyver outdated` rows stored with the
//! repository's latest scan (by `polyver outdated` where the scan was taken, or sent along by
//! `polyver push`), paged in the order they were recorded, optionally only those behind.
//! What `/metrics` exports as `polyver_update_lag_days` is read from the same rows.

use super::params::{cursor, Params, PathText};
use super::repositories::repository;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use polyver_store::StoredOutdated;
use serde::Serialize;

/// One page of a repository's outdated rows.
#[derive(Serialize)]
pub(crate) struct OutdatedPage {
    pub repository: String,
    /// The latest scan, whose rows these are.
    pub scan_id: i64,
    /// Rows stored with that scan (before `behind` and paging); 0 when `polyver outdated`
    /// never ran on it.
    pub total: usize,
    pub items: Vec<StoredOutdated>,
    pub next_cursor: Option<String>,
    pub next: Option<String>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    PathText(path): PathText,
    params: Params,
) -> Result<Json<OutdatedPage>, ApiError> {
    let limit = params.limit()?;
    let from = params.cursor(cursor::read_number)?.unwrap_or(0);
    let behind_only = params.boolean("behind")?.unwrap_or(false);
    let name = &path[0];
    let detail = repository(&state, name).await?;
    let Some(latest) = detail.latest_scan else {
        return Err(super::repositories::no_repository(name));
    };
    let rows = state
        .store
        .outdated(latest.id)
        .await
        .map_err(ApiError::store)?;
    let total = rows.len();
    // The cursor is the position (the recorded order) where the next page starts.
    let start = usize::try_from(from).unwrap_or(usize::MAX);
    let mut selected = rows
        .into_iter()
        .enumerate()
        .skip(start)
        .filter(|(_, r)| !behind_only || r.is_behind());
    let items: Vec<(usize, StoredOutdated)> = selected.by_ref().take(limit).collect();
    let next_cursor = match (selected.next(), items.last()) {
        (Some(_), Some((last, _))) => Some(cursor::number(*last as i64 + 1)),
        _ => None,
    };
    let next = next_cursor
        .as_ref()
        .map(|c| params.link_with(&[("cursor", c.clone())]));
    Ok(Json(OutdatedPage {
        repository: detail.name,
        scan_id: latest.id,
        total,
        items: items.into_iter().map(|(_, r)| r).collect(),
        next_cursor,
        next,
    }))
}
