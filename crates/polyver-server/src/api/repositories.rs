//! `/api/v1/repositories` (by name), one repository, and its scans (history, newest first).
//! A repository name holds `/` (`git.example/acme/shop`): in a path it is one segment, with
//! each `/` written `%2F`.

use super::params::{cursor, shown, PageBody, Params, PathText};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use polyver_store::{RepositoryDetail, ScanSummary};

pub(crate) async fn list(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<PageBody<RepositoryDetail>>, ApiError> {
    let limit = params.limit()?;
    let after = params.cursor(cursor::read_text)?;
    let page = state
        .store
        .repositories_page(after.as_deref(), limit)
        .await
        .map_err(ApiError::store)?;
    let next = page.next.as_deref().map(cursor::text);
    Ok(Json(PageBody::new(page.items, next, &params)))
}

pub(crate) async fn one(
    State(state): State<AppState>,
    PathText(path): PathText,
) -> Result<Json<RepositoryDetail>, ApiError> {
    Ok(Json(repository(&state, &path[0]).await?))
}

pub(crate) async fn scans(
    State(state): State<AppState>,
    PathText(path): PathText,
    params: Params,
) -> Result<Json<PageBody<ScanSummary>>, ApiError> {
    let limit = params.limit()?;
    let before = params.cursor(cursor::read_number)?;
    let name = &path[0];
    repository(&state, name).await?;
    let page = state
        .store
        .scans_page(name, before, limit)
        .await
        .map_err(ApiError::store)?;
    let next = page.next.map(cursor::number);
    Ok(Json(PageBody::new(page.items, next, &params)))
}

/// The repository called `name`, or 404.
pub(crate) async fn repository(state: &AppState, name: &str) -> Result<RepositoryDetail, ApiError> {
    state
        .store
        .repository(name)
        .await
        .map_err(ApiError::store)?
        .ok_or_else(|| no_repository(name))
}

pub(crate) fn no_repository(name: &str) -> ApiError {
    ApiError::not_found(format!("no repository named `{}`", shown(name)))
        .hint("GET /api/v1/repositories lists them; write each `/` of the name as %2F in the path")
}
