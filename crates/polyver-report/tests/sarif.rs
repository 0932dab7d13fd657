//! SARIF output validated against the official SARIF 2.1.0 JSON schema (vendored in
//! `tests/schemas/sarif-schema-2.1.0.json`, see its README), offline.

use jsonschema::{Draft, Validator};
use polyver_model::{Ecosystem, Finding, FindingKind, FindingSeverity, Location};
use polyver_report::sarif::{sarif, SarifRule, SarifTool};
use serde_json::Value;

fn validator() -> Validator {
    let schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF 2.1.0 schema compiles offline")
}

fn tool() -> SarifTool {
    SarifTool {
        name: "polyver".into(),
        version: "0.1.0".into(),
        information_uri: "https://example.invalid/polyver".into(),
    }
}

fn finding(rule: &str, severity: FindingSeverity, locations: Vec<Location>) -> Finding {
    Finding {
        kind: FindingKind::Vulnerability,
        rule: rule.into(),
        severity_unknown: false,
        severity,
        title: format!("{rule} in urllib3 1.26.16"),
        ecosystem: Some(Ecosystem::Pypi),
        name: Some("urllib3".into()),
        version: Some("1.26.16".into()),
        aliases: vec!["CVE-2023-43804".into()],
        locations,
    }
}

#[test]
fn valid_against_the_schema_with_locations_and_rules() {
    let findings = vec![
        finding(
            "GHSA-v845-jxx5-vc9f",
            FindingSeverity::High,
            vec![
                Location::new("services/api/requirements.txt", 7),
                Location::new("odd dir/poetry.lock", 12).with_column(3),
            ],
        ),
        finding("conflict/unsatisfiable", FindingSeverity::Medium, vec![]),
        finding("X-1", FindingSeverity::Low, vec![Location::new("a.txt", 0)]),
    ];
    let rules = vec![SarifRule {
        id: "GHSA-v845-jxx5-vc9f".into(),
        short_description: "Cookie header kept on cross-origin redirects".into(),
        help: "Upgrade urllib3 to 1.26.17 or later.".into(),
        help_uri: Some("https://github.com/advisories/GHSA-v845-jxx5-vc9f".into()),
        severity: Some(FindingSeverity::High),
        security_severity: Some(8.1),
        tags: vec!["security".into()],
    }];
    let log = sarif(&findings, &rules, &tool());
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &log["runs"][0];
    let driver_rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(driver_rules.len(), 3, "described + two derived rules");
    assert_eq!(driver_rules[0]["properties"]["security-severity"], "8.1");
    let r0 = &run["results"][0];
    assert_eq!(r0["level"], "error");
    assert_eq!(r0["ruleIndex"], 0);
    let loc = &r0["locations"][1]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "odd%20dir/poetry.lock");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 12);
    assert_eq!(loc["region"]["startColumn"], 3);
    assert!(run["results"][1].get("locations").is_none());
    // Line 0 (whole file) has no region: SARIF lines start at 1.
    assert!(run["results"][2]["locations"][0]["physicalLocation"]
        .get("region")
        .is_none());
    assert_eq!(run["results"][2]["level"], "note");
}

#[test]
fn the_schema_catches_a_broken_log() {
    let mut log = sarif(&[], &[], &tool());
    assert!(validator().is_valid(&log));
    log["version"] = "2.0.0".into();
    assert!(!validator().is_valid(&log));
}
