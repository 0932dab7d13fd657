//! `POST /api/v1/scans`: a pushed scan (`polyver push`), stored once.
//!
//! The body is a `polyver.push/v1` document ([`polyver_store::ScanUpload`]): the scan's
//! repository, commit, branch, times and tool version, its `polyver.scan/v1` inventory and
//! its findings — what `polyver scan` records locally — and, when the client's registry holds
//! them for that scan, `polyver outdated`'s rows (`outdated`), and the scan's compatibility
//! matrix (`compatibility`), both stored in the same transaction and optional, so older
//! clients' documents still read. It may be gzip-compressed
//! (`Content-Encoding: gzip`); the compressed body is bounded by the server's body limit and
//! the decompressed document by [`MAX_DOCUMENT_BYTES`], so a small bomb cannot fill memory.
//!
//! The client's scan id (a UUID, in the body's `scan_id` or an `Idempotency-Key` header; both
//! must agree when both are given) makes the push idempotent: the first delivery is stored in
//! one transaction and answered 201 with the stored scan's id; a retry is answered 200 with
//! the same id and stores nothing (see `polyver_store::ingest`). The token must have the
//! `push` scope (see [`crate::auth::RULES`]) and reach the document's repository.

use crate::auth::Caller;
use crate::{ApiError, AppState};
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_ENCODING, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use polyver_store::{parse_scan_id as scan_id, Attached, Ingested, ScanUpload, PUSH_SCHEMA};
use serde_json::json;
use std::io::Read;

/// The largest decompressed document accepted (256 MiB: a scan of several hundred thousand
/// components).
pub const MAX_DOCUMENT_BYTES: usize = 256 << 20;

/// What `outdated[].bump` may say (polyver_version's bump kinds).
pub const OUTDATED_BUMPS: &[&str] = &["major", "minor", "patch", "other"];

/// The header a client may name its push with (draft-ietf-httpapi-idempotency-key-header).
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/scans", post(push_scan))
}

/// The `Idempotency-Key` header: an RFC 8941 string (`"…"`), or the bare UUID.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("the Idempotency-Key header is not text"))?
        .trim();
    let unquoted = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    scan_id(unquoted)
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("Idempotency-Key: {e}")))
}

fn too_large(what: &str, limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the {what} is larger than the limit of {limit} bytes"),
    )
    .hint("push a smaller scan (polyver push --exclude GLOB), or raise the server's limit")
}

/// Decompresses (when `gzip`) and parses a push document, refusing more than `limit`
/// decompressed bytes.
pub fn decode(body: &[u8], gzip: bool, limit: usize) -> Result<ScanUpload, ApiError> {
    let inflated;
    let json = if gzip {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(body)
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                ApiError::bad_request(format!("the body is not valid gzip: {e}"))
                    .hint("send Content-Encoding: gzip only with a gzip-compressed body")
            })?;
        if out.len() > limit {
            return Err(too_large("decompressed scan", limit));
        }
        inflated = out;
        &inflated[..]
    } else if body.len() > limit {
        return Err(too_large("scan", limit));
    } else {
        body
    };
    let unreadable = |e: serde_json::Error| {
        ApiError::bad_request(format!("the body is not a {PUSH_SCHEMA} document: {e}"))
            .hint("send what `polyver push` sends; `polyver push --help` describes it")
    };
    let upload: ScanUpload = match serde_json::from_slice(json) {
        Ok(upload) => upload,
        // JSON has one number type: `7.0` is the integer 7 to JSON Schema (and to the
        // document's `integer` fields), so a writer that prints integers that way is read
        // too. Only on this error, so the usual document is parsed once.
        Err(e) if e.to_string().contains("invalid type: floating point") => {
            let mut value: serde_json::Value = serde_json::from_slice(json).map_err(unreadable)?;
            integral_floats_as_integers(&mut value);
            serde_json::from_value(value).map_err(unreadable)?
        }
        Err(e) => return Err(unreadable(e)),
    };
    if upload.schema != PUSH_SCHEMA {
        return Err(ApiError::bad_request(format!(
            "unsupported document schema `{}` (this server reads {PUSH_SCHEMA})",
            upload.schema
        ))
        .hint("push with a polyver of the server's version"));
    }
    if upload.inventory.schema != polyver_model::SCAN_SCHEMA {
        return Err(ApiError::bad_request(format!(
            "unsupported inventory schema `{}` (this server reads {})",
            upload.inventory.schema,
            polyver_model::SCAN_SCHEMA
        )));
    }
    if upload.repository.trim().is_empty() {
        return Err(ApiError::bad_request("the document names no repository"));
    }
    if let Some((i, row)) = upload.outdated.iter().enumerate().find(|(_, r)| {
        r.bump
            .as_deref()
            .is_some_and(|b| !OUTDATED_BUMPS.contains(&b))
    }) {
        return Err(ApiError::bad_request(format!(
            "outdated[{i}] ({} {}): bump `{}` is not one of {}",
            row.ecosystem,
            row.name,
            row.bump.as_deref().unwrap_or_default(),
            OUTDATED_BUMPS.join(", ")
        )));
    }
    Ok(upload)
}

/// The 413 that the body-limit layer gives a request whose Content-Length is past the limit
/// (before any handler runs, as plain text), as the JSON error every other answer is.
pub(crate) async fn json_too_large(
    axum::extract::State(limit): axum::extract::State<usize>,
    response: Response,
) -> Response {
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !json {
        return too_large("request body", limit).into_response();
    }
    response
}

/// Every number with no fractional part, of at most 2^53 (where every integer is exactly an
/// f64, so `7.0` is certainly 7), written as an integer. Larger ones stay floats: an integer
/// too large for i64 is read as the nearest f64, which must not pass for another integer.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && (-EXACT..=EXACT).contains(&f) {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// Reads the body within the server's limit: 413 past it.
async fn read_body(body: Body, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(s) = source {
            if s.is::<http_body_util::LengthLimitError>() {
                return too_large("request body", limit);
            }
            source = s.source();
        }
        ApiError::bad_request(format!("the request body could not be read: {e}"))
    })
}

async fn push_scan(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    if !content_type.trim().starts_with("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type `{content_type}` is not application/json"),
        ));
    }
    let gzip = match headers
        .get(CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("identity") => false,
        Some("gzip") | Some("x-gzip") => true,
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Content-Encoding `{other}` is not supported"),
            )
            .hint("send the document as is, or gzip-compressed with Content-Encoding: gzip"))
        }
    };
    let key = idempotency_key(&headers)?;
    let bytes = read_body(body, state.options.body_limit).await?;
    // Decompressing and parsing a large scan is CPU work: off the async workers.
    let upload = tokio::task::spawn_blocking(move || decode(&bytes, gzip, MAX_DOCUMENT_BYTES))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))??;
    let id = scan_id(&upload.scan_id).map_err(|e| {
        ApiError::bad_request(format!("scan_id: {e}"))
            .hint("a push is named by a UUID of the client's (`polyver push` makes one)")
    })?;
    if let Some(key) = key.filter(|k| *k != id) {
        return Err(ApiError::bad_request(format!(
            "the Idempotency-Key header ({key}) and the document's scan_id ({id}) differ"
        )));
    }
    caller.require_repository(&upload.repository)?;
    let meta = upload.meta();
    let ingested = state
        .store
        .ingest_with(
            &id,
            &meta,
            (&upload.inventory, &upload.findings),
            Attached {
                outdated: &upload.outdated,
                compatibility: &upload.compatibility,
            },
            caller.token_id(),
        )
        .await
        .map_err(ApiError::store)?;
    let (status, stored) = match ingested {
        Ingested::Created { id } => (StatusCode::CREATED, id),
        Ingested::Existing { id } => (StatusCode::OK, id),
        Ingested::Conflict {
            id: stored,
            repository,
            commit,
        } => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "scan id {id} was already used for scan {stored} of `{repository}` at commit \
                     {}",
                    commit.as_deref().unwrap_or("(none)")
                ),
            )
            .hint("a retry must send the same scan; a new scan needs a new scan id"))
        }
    };
    tracing::info!(
        scan = stored,
        scan_id = %id,
        repository = %upload.repository,
        components = upload.inventory.components.len(),
        outdated = upload.outdated.len(),
        compatibility = upload.compatibility.len(),
        created = status == StatusCode::CREATED,
        "push"
    );
    let body = json!({
        "id": stored,
        "scan_id": id,
        "repository": upload.repository,
        "created": status == StatusCode::CREATED,
    });
    let mut response = (status, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/scans/{stored}")) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn document(scan_id: &str) -> serde_json::Value {
        json!({
            "schema": PUSH_SCHEMA,
            "scan_id": scan_id,
            "repository": "acme/shop",
            "commit": null,
            "started_at": 1,
            "finished_at": 2,
            "tool_version": "0.1.0",
            "inventory": {
                "schema": "polyver.scan/v1",
                "root": ".",
                "components": [],
                "diagnostics": [],
                "stats": {"files_walked": 0, "files_extracted": 0, "files_too_large": 0,
                          "components": 0, "components_by_source": {}}
            },
            "findings": []
        })
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn documents_are_read_plain_or_gzipped() {
        let text = document("0B6E4F52-3C1D-4D8E-9A51-1F2E3D4C5B6A").to_string();
        let plain = decode(text.as_bytes(), false, 1 << 20).unwrap();
        let zipped = decode(&gzip(text.as_bytes()), true, 1 << 20).unwrap();
        assert_eq!(plain.repository, "acme/shop");
        assert_eq!(zipped.scan_id, plain.scan_id);
        assert_eq!(
            scan_id(&plain.scan_id).unwrap(),
            "0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a"
        );
        // An unknown field from a newer client is ignored.
        let mut newer = document("0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a");
        newer["signed_by"] = json!("someone");
        assert!(decode(newer.to_string().as_bytes(), false, 1 << 20).is_ok());
    }

    #[test]
    fn bombs_bad_gzip_and_wrong_documents_are_refused() {
        // 64 MiB of spaces compress to about 64 KiB.
        let bomb = gzip(&vec![b' '; 64 << 20]);
        assert!(bomb.len() < 1 << 20);
        let e = decode(&bomb, true, 1 << 20).unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(e.message.contains("decompressed scan"), "{}", e.message);

        let e = decode(b"{\"schema\": 1", true, 1 << 20).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.message.contains("not valid gzip"), "{}", e.message);

        let e = decode(b"{\"schema\": \"polyver.push/v1\"}", false, 1 << 20).unwrap_err();
        assert!(e.message.contains("missing field"), "{}", e.message);

        let mut other = document("x");
        other["schema"] = json!("polyver.push/v9");
        let e = decode(other.to_string().as_bytes(), false, 1 << 20).unwrap_err();
        assert!(e.message.contains("polyver.push/v9"), "{}", e.message);

        let mut nameless = document("x");
        nameless["repository"] = json!(" ");
        let e = decode(nameless.to_string().as_bytes(), false, 1 << 20).unwrap_err();
        assert!(e.message.contains("no repository"), "{}", e.message);

        let mut lagging = document("x");
        lagging["outdated"] = json!([{
            "ecosystem": "pypi", "name": "requests", "path": "requirements.txt", "line": 1,
            "current": "2.25.0", "latest": "2.32.3", "bump": "sideways", "majors_behind": 0,
            "minors_behind": 7, "patches_behind": 0, "days_behind": 900, "yanked": false,
            "deprecated": false, "checked_at": 1767225600
        }]);
        let e = decode(lagging.to_string().as_bytes(), false, 1 << 20).unwrap_err();
        assert!(
            e.message
                .contains("outdated[0] (pypi requests): bump `sideways`"),
            "{}",
            e.message
        );
        lagging["outdated"][0]["bump"] = json!("minor");
        let read = decode(lagging.to_string().as_bytes(), false, 1 << 20).unwrap();
        assert_eq!(read.outdated[0].minors_behind, 7);

        // `7.0` is the integer 7 (JSON Schema's reading); `7.5` is not.
        lagging["outdated"][0]["minors_behind"] = json!(7.0);
        lagging["started_at"] = json!(-3.0);
        let read = decode(lagging.to_string().as_bytes(), false, 1 << 20).unwrap();
        assert_eq!((read.outdated[0].minors_behind, read.started_at), (7, -3));
        lagging["outdated"][0]["minors_behind"] = json!(7.5);
        let e = decode(lagging.to_string().as_bytes(), false, 1 << 20).unwrap_err();
        assert!(e.message.contains("floating point `7.5`"), "{}", e.message);
        // One past i64's range is no i64, though its nearest f64 is i64::MIN.
        let text = lagging
            .to_string()
            .replace("7.5", "7")
            .replace("\"started_at\":-3.0", "\"started_at\":-9223372036854775809");
        let e = decode(text.as_bytes(), false, 1 << 20).unwrap_err();
        assert!(e.message.contains("floating point"), "{}", e.message);

        assert!(scan_id("42").unwrap_err().contains("not a UUID"));
    }

    #[test]
    fn the_idempotency_key_is_a_quoted_or_bare_uuid() {
        let key = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(IDEMPOTENCY_KEY, HeaderValue::from_str(v).unwrap());
            idempotency_key(&h)
        };
        let id = "0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a";
        assert_eq!(key(&format!("\"{id}\"")).unwrap().as_deref(), Some(id));
        assert_eq!(key(id).unwrap().as_deref(), Some(id));
        assert!(key("\"retry-1\"").is_err());
        assert_eq!(idempotency_key(&HeaderMap::new()).unwrap(), None);
    }
}
