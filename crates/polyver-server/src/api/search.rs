//! `/api/v1/search/components`: which repositories use a package or run an image, in which
//! versions, over each repository's latest scan. "Who uses `pypi:requests` `<2.31`" is
//! `?ecosystem=pypi&name=requests&range=<2.31`; "who runs `postgres` `<15`" is
//! `?ecosystem=docker&name=postgres&range=<15`. The name is normalized the ecosystem's way
//! (`Flask_SQLAlchemy`, `docker.io/library/postgres`), candidates come from the package
//! index (migration 4 of the store), and the range is tested with the version engine.

use super::filters::{check_range, KINDS};
use super::params::{cursor, PageBody, Params};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use polyver_model::{Ecosystem, Kind};
use polyver_store::{normalize_name, LatestUsage, UsageKey, UsageQuery};
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct SearchBody {
    /// The search as it was run (the name normalized).
    query: SearchQuery,
    #[serde(flatten)]
    page: PageBody<LatestUsage>,
}

#[derive(Serialize)]
struct SearchQuery {
    ecosystem: Ecosystem,
    name: String,
    kind: Option<Kind>,
    range: Option<String>,
    include_unknown: bool,
}

pub(crate) async fn components(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<SearchBody>, ApiError> {
    let ecosystem = params
        .one_of("ecosystem", &Ecosystem::ALL, Ecosystem::id)?
        .ok_or_else(|| {
            ApiError::bad_request("query parameter `ecosystem` is required")
                .hint("e.g. ?ecosystem=pypi&name=requests&range=<2.31")
        })?;
    let name = params.text("name")?.ok_or_else(|| {
        ApiError::bad_request("query parameter `name` is required")
            .hint("e.g. ?ecosystem=docker&name=postgres&range=<15")
    })?;
    let kind = params.one_of("kind", &KINDS, Kind::id)?;
    let range = params.text("range")?;
    let include_unknown = params.boolean("include_unknown")?.unwrap_or(false);
    let limit = params.limit()?;
    let after = params
        .cursor(cursor::read_text_and_number)?
        .map(|(repository, ordinal)| UsageKey {
            repository,
            ordinal,
        });
    if let Some(range) = &range {
        check_range(Some(ecosystem), Some(&name), range)?;
    }
    let query = UsageQuery {
        ecosystem,
        name: normalize_name(ecosystem, &name),
        kind,
        range,
        include_unknown,
    };
    let page = state
        .store
        .search_latest(&query, after.as_ref(), limit)
        .await
        .map_err(ApiError::store)?;
    let next = page
        .next
        .map(|k| cursor::text_and_number(&k.repository, k.ordinal));
    Ok(Json(SearchBody {
        query: SearchQuery {
            ecosystem,
            name: query.name,
            kind,
            range: query.range,
            include_unknown,
        },
        page: PageBody::new(page.items, next, &params),
    }))
}
