//! `/openapi.json`: the OpenAPI 3.1 document of every endpoint the server answers, kept by
//! hand in `openapi.json` beside this file and embedded in the binary. Hand-kept because the
//! answers are the store's and the model's own JSON (`polyver.scan/v1` components and
//! findings), which the document describes field by field; the tests check it against the
//! router (every documented path answers, every enum lists the model's ids) and schemathesis
//! checks every answer against it. A new endpoint adds its path, parameters and schemas there.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::AppState;

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new().route("/openapi.json", get(document))
}

async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

#[cfg(test)]
mod tests {
    use super::DOCUMENT;
    use crate::api::filters::{FINDING_KINDS, KINDS, SCOPES};
    use polyver_model::{Ecosystem, FindingSeverity};
    use serde_json::Value;

    fn enum_of(doc: &Value, schema: &str) -> Vec<String> {
        doc["components"]["schemas"][schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} has no enum"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    fn ids<T: Copy>(values: &[T], id: impl Fn(T) -> &'static str) -> Vec<String> {
        values.iter().map(|v| id(*v).to_string()).collect()
    }

    #[test]
    fn the_documents_enums_are_the_models_ids() {
        let doc: Value = serde_json::from_str(DOCUMENT).expect("openapi.json is JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(
            enum_of(&doc, "Ecosystem"),
            ids(&Ecosystem::ALL, Ecosystem::id)
        );
        assert_eq!(enum_of(&doc, "Kind"), ids(&KINDS, |k| k.id()));
        assert_eq!(enum_of(&doc, "Scope"), ids(&SCOPES, |s| s.id()));
        assert_eq!(
            enum_of(&doc, "FindingKind"),
            ids(&FINDING_KINDS, |k| k.id())
        );
        assert_eq!(
            enum_of(&doc, "Severity"),
            ids(&FindingSeverity::ALL, FindingSeverity::id)
        );
        let limits = &doc["components"]["parameters"]["limit"];
        assert_eq!(limits["schema"]["default"], crate::DEFAULT_LIMIT);
        assert!(limits["description"]
            .as_str()
            .unwrap()
            .contains(&format!("above {0} are served as {0}", crate::MAX_LIMIT)));
    }
}
