//! Errors as HTTP answers: a status and a JSON body `{"error": ..., "hint": ...}` that says
//! what to do next.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub hint: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> ApiError {
        self.hint = Some(hint.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// A store failure: logged in full, answered without internals.
    pub fn store(error: polyver_store::StoreError) -> ApiError {
        tracing::error!(%error, "store");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the registry database failed",
        )
        .hint("retry; if it persists, check the server's log and its database")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.message });
        if let Some(hint) = self.hint {
            body["hint"] = json!(hint);
        }
        (self.status, Json(body)).into_response()
    }
}

/// Unknown paths.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no such endpoint: {}", uri.path()))
        .hint("GET /openapi.json lists the endpoints")
}
