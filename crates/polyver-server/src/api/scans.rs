//! One scan, its components (filtered by ecosystem, name, kind, scope, direct and a version
//! range) and findings (by severity and kind), and the diff of two scans of a repository.

use super::filters::{check_range, FINDING_KINDS, KINDS, SCOPES};
use super::params::{cursor, no_scan, scan_id, shown, PageBody, Params, PathText};
use super::repositories::repository;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use polyver_model::{Component, Ecosystem, Finding, FindingKind, FindingSeverity, Kind, Scope};
use polyver_store::{
    normalize_name, Change, ChangeKind, ComponentFilter, FindingFilter, ScanRef, ScanSummary,
    StoreError,
};
use serde::Serialize;

pub(crate) async fn one(
    State(state): State<AppState>,
    PathText(path): PathText,
) -> Result<Json<ScanSummary>, ApiError> {
    Ok(Json(scan(&state, &path[0]).await?))
}

/// The scan whose id is `text`, or 404.
async fn scan(state: &AppState, text: &str) -> Result<ScanSummary, ApiError> {
    let id = scan_id(text)?;
    state
        .store
        .scan(id)
        .await
        .map_err(ApiError::store)?
        .ok_or_else(|| no_scan(text))
}

pub(crate) async fn components(
    State(state): State<AppState>,
    PathText(path): PathText,
    params: Params,
) -> Result<Json<PageBody<Component>>, ApiError> {
    let id = scan_id(&path[0])?;
    let limit = params.limit()?;
    let after = params.cursor(cursor::read_number)?;
    let ecosystem = params.one_of("ecosystem", &Ecosystem::ALL, Ecosystem::id)?;
    let name = params.text("name")?;
    let kind = params.one_of("kind", &KINDS, Kind::id)?;
    let scope = params.one_of("scope", &SCOPES, Scope::id)?;
    let direct = params.boolean("direct")?;
    let range = params.text("range")?;
    if let Some(range) = &range {
        check_range(ecosystem, name.as_deref(), range)?;
    }
    scan(&state, &path[0]).await?;
    let filter = ComponentFilter {
        ecosystem,
        name: name.map(|n| match ecosystem {
            Some(e) => normalize_name(e, &n),
            None => n,
        }),
        kind,
        scope,
        direct,
        range,
    };
    let page = state
        .store
        .components_page(id, &filter, after, limit)
        .await
        .map_err(ApiError::store)?;
    let next = page.next.map(cursor::number);
    let items = page.items.into_iter().map(|(_, c)| c).collect();
    Ok(Json(PageBody::new(items, next, &params)))
}

pub(crate) async fn findings(
    State(state): State<AppState>,
    PathText(path): PathText,
    params: Params,
) -> Result<Json<PageBody<Finding>>, ApiError> {
    let id = scan_id(&path[0])?;
    let limit = params.limit()?;
    let after = params.cursor(cursor::read_number)?;
    let filter = FindingFilter {
        severities: params.list_of("severity", &FindingSeverity::ALL, FindingSeverity::id)?,
        kinds: params.list_of("kind", &FINDING_KINDS, FindingKind::id)?,
    };
    scan(&state, &path[0]).await?;
    let page = state
        .store
        .findings_page(id, &filter, after, limit)
        .await
        .map_err(ApiError::store)?;
    let next = page.next.map(cursor::number);
    let items = page.items.into_iter().map(|(_, f)| f).collect();
    Ok(Json(PageBody::new(items, next, &params)))
}

/// What changed from one scan of a repository to another.
#[derive(Serialize)]
pub(crate) struct DiffBody {
    repository: String,
    from: ScanSummary,
    to: ScanSummary,
    /// Changes of each kind, over the whole diff (not only this page).
    summary: DiffSummary,
    #[serde(flatten)]
    page: PageBody<Change>,
}

#[derive(Serialize)]
struct DiffSummary {
    added: usize,
    removed: usize,
    upgraded: usize,
    downgraded: usize,
    constraint: usize,
}

const SCAN_REF: &str = "`latest`, `-N` (N scans before the latest), a scan id, or a commit \
                        prefix of 4 to 64 hex digits (`commit:1234` when all digits)";

pub(crate) async fn diff(
    State(state): State<AppState>,
    PathText(path): PathText,
    params: Params,
) -> Result<Json<DiffBody>, ApiError> {
    let name = &path[0];
    let from = scan_ref(&params, "from")?.unwrap_or(ScanRef::Back(1));
    let to = scan_ref(&params, "to")?.unwrap_or(ScanRef::Back(0));
    let limit = params.limit()?;
    let offset = params.cursor(cursor::read_number)?.unwrap_or(0);
    repository(&state, name).await?;
    let from = resolve(&state, name, &from).await?;
    let to = resolve(&state, name, &to).await?;
    let old = state
        .store
        .components(from.id)
        .await
        .map_err(ApiError::store)?;
    let new = state
        .store
        .components(to.id)
        .await
        .map_err(ApiError::store)?;
    let diff = polyver_store::diff(&old, &new);
    let summary = DiffSummary {
        added: diff.count(ChangeKind::Added),
        removed: diff.count(ChangeKind::Removed),
        upgraded: diff.count(ChangeKind::Upgraded),
        downgraded: diff.count(ChangeKind::Downgraded),
        constraint: diff.count(ChangeKind::Constraint),
    };
    let total = diff.changes.len();
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
    let end = start.saturating_add(limit).min(total);
    let items: Vec<Change> = diff.changes[start..end].to_vec();
    let next_cursor = (end < total).then(|| cursor::number(end as i64));
    // The next page compares the same two scans, whatever has been stored since.
    let next = next_cursor.as_ref().map(|c| {
        params.link_with(&[
            ("from", from.id.to_string()),
            ("to", to.id.to_string()),
            ("cursor", c.clone()),
        ])
    });
    Ok(Json(DiffBody {
        repository: name.clone(),
        from,
        to,
        summary,
        page: PageBody {
            items,
            next_cursor,
            next,
        },
    }))
}

/// `from` or `to`, read exactly as the document's pattern says.
fn scan_ref(params: &Params, name: &str) -> Result<Option<ScanRef>, ApiError> {
    let Some(text) = params.get(name) else {
        return Ok(None);
    };
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let hex = text.strip_prefix("commit:").unwrap_or(text);
    let well_formed = text == "latest"
        || text.strip_prefix('-').is_some_and(|n| digits(n, 1..=9))
        || digits(text, 1..=18)
        || ((4..=64).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if !well_formed {
        return Err(ApiError::bad_request(format!(
            "query parameter `{name}` is `{}`: expected {SCAN_REF}",
            shown(text)
        )));
    }
    if digits(text, 19..=64) {
        // Digits only, so an id, and too large to be one.
        return Err(no_scan(text));
    }
    text.parse::<ScanRef>()
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("query parameter `{name}`: {e}")))
}

/// The scan `which` names in `repository`; 404 when there is none, or when an id names
/// another repository's scan.
async fn resolve(
    state: &AppState,
    repository: &str,
    which: &ScanRef,
) -> Result<ScanSummary, ApiError> {
    let scan = match state.store.resolve(repository, which).await {
        Ok(scan) => scan,
        Err(StoreError::NotFound(message)) => {
            return Err(ApiError::not_found(message)
                .hint("GET /api/v1/repositories/{repository}/scans lists the repository's scans"))
        }
        Err(e) => return Err(ApiError::store(e)),
    };
    if scan.repository != repository {
        return Err(ApiError::not_found(format!(
            "scan {} is a scan of `{}`, not of `{}`",
            scan.id,
            shown(&scan.repository),
            shown(repository)
        )));
    }
    Ok(scan)
}
