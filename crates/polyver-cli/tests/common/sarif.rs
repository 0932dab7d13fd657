//! The SARIF 2.1.0 schema check shared by the commands that write SARIF (audit, conflicts,
//! licenses). The schema is vendored in polyver-report's tests (provenance in its README).

use serde_json::Value;

/// Panics with every schema error when `log` is not a valid SARIF 2.1.0 log.
pub fn assert_valid_sarif(log: &Value) {
    let schema: Value = serde_json::from_str(include_str!(
        "../../../polyver-report/tests/schemas/sarif-schema-2.1.0.json"
    ))
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator.iter_errors(log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
