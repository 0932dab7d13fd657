//! Snapshot tests of the API description extractor (OpenAPI 3.x and Swagger 2.0, YAML and
//! JSON) on its fixture directory (see `common::extract_fixture`): the non-OpenAPI YAML file
//! under `api/` must yield nothing.

mod common;

use common::extract_fixture;

#[test]
fn openapi() {
    insta::assert_json_snapshot!(extract_fixture("openapi", "openapi"));
}
