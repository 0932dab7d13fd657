//! SARIF 2.1.0 (the OASIS Static Analysis Results Interchange Format) from polyver
//! [`Finding`]s, for code-scanning dashboards (GitHub code scanning, GitLab, Azure DevOps).
//!
//! Generic on purpose: any analysis that emits `Finding`s (audit, conflicts, licences) gives
//! its rule metadata as [`SarifRule`]s and gets one run. Locations are `artifactLocation.uri`
//! relative to the repository root (`uriBaseId` `%SRCROOT%`) with `region.startLine`, so a
//! result lands on the manifest line. A rule's `security-severity` property (a CVSS-like
//! score) is what GitHub uses to rank security results.

use polyver_model::{Finding, FindingSeverity, Rule};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The analysing tool.
#[derive(Clone, Debug)]
pub struct SarifTool {
    pub name: String,
    pub version: String,
    pub information_uri: String,
}

impl SarifTool {
    /// polyver itself (every command's `--format sarif`).
    pub fn polyver() -> SarifTool {
        SarifTool {
            name: "polyver".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            information_uri: "https://example.invalid/polyver".into(),
        }
    }
}

/// What a rule id means (one per advisory for the audit, one per check elsewhere).
#[derive(Clone, Debug, Default)]
pub struct SarifRule {
    pub id: String,
    /// One line.
    pub short_description: String,
    /// Markdown-free help text shown beside a result.
    pub help: String,
    pub help_uri: Option<String>,
    pub severity: Option<FindingSeverity>,
    /// A 0.0–10.0 score (GitHub's `security-severity`).
    pub security_severity: Option<f64>,
    pub tags: Vec<String>,
}

impl SarifRule {
    /// The SARIF rule of a catalogue rule: its title, its title and help as help text, its
    /// family (`conflict`, `license`, ...) as the tag.
    pub fn from_rule(rule: &Rule) -> SarifRule {
        SarifRule {
            id: rule.id.to_string(),
            short_description: rule.title.to_string(),
            help: format!("{}. {}", rule.title, rule.help),
            severity: rule.severity,
            tags: vec![rule.id.split('/').next().unwrap_or(rule.id).to_string()],
            ..SarifRule::default()
        }
    }
}

/// SARIF `level` of a severity.
pub fn level(severity: FindingSeverity) -> &'static str {
    match severity {
        FindingSeverity::Critical | FindingSeverity::High => "error",
        FindingSeverity::Medium => "warning",
        FindingSeverity::Low | FindingSeverity::Info => "note",
    }
}

/// A representative score when a rule has a severity but no score.
fn default_score(severity: FindingSeverity) -> f64 {
    match severity {
        FindingSeverity::Critical => 9.5,
        FindingSeverity::High => 8.0,
        FindingSeverity::Medium => 5.5,
        FindingSeverity::Low => 2.0,
        FindingSeverity::Info => 0.0,
    }
}

/// One SARIF log with one run. Rules not described in `rules` get a minimal entry from the
/// first finding that uses them.
pub fn sarif(findings: &[Finding], rules: &[SarifRule], tool: &SarifTool) -> Value {
    let mut described: Vec<SarifRule> = rules.to_vec();
    let mut index: HashMap<String, usize> = described
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for f in findings {
        if !index.contains_key(&f.rule) {
            index.insert(f.rule.clone(), described.len());
            described.push(SarifRule {
                id: f.rule.clone(),
                short_description: f.title.clone(),
                help: f.title.clone(),
                severity: Some(f.severity),
                tags: vec![f.kind.id().to_string()],
                ..SarifRule::default()
            });
        }
    }
    let rules_json: Vec<Value> = described.iter().map(rule_json).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut result = Map::new();
            result.insert("ruleId".into(), json!(f.rule));
            result.insert("ruleIndex".into(), json!(index[&f.rule]));
            result.insert("level".into(), json!(level(f.severity)));
            result.insert("message".into(), json!({ "text": f.title }));
            let locations: Vec<Value> = f.locations.iter().map(location_json).collect();
            if !locations.is_empty() {
                result.insert("locations".into(), Value::Array(locations));
            }
            let mut key = format!("{}|{}", f.rule, f.name.as_deref().unwrap_or(""));
            if let Some(v) = &f.version {
                key.push('|');
                key.push_str(v);
            }
            result.insert(
                "partialFingerprints".into(),
                json!({ "polyver/v1": fingerprint(&key) }),
            );
            let mut props = Map::new();
            props.insert("kind".into(), json!(f.kind.id()));
            props.insert("severity".into(), json!(f.severity.id()));
            if let Some(e) = f.ecosystem {
                props.insert("ecosystem".into(), json!(e.id()));
            }
            if let Some(n) = &f.name {
                props.insert("name".into(), json!(n));
            }
            if let Some(v) = &f.version {
                props.insert("version".into(), json!(v));
            }
            if !f.aliases.is_empty() {
                props.insert("aliases".into(), json!(f.aliases));
            }
            result.insert("properties".into(), Value::Object(props));
            Value::Object(result)
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": tool.name,
                "version": tool.version,
                "informationUri": tool.information_uri,
                "rules": rules_json,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The repository root." } } },
            "results": results,
        }],
    })
}

fn rule_json(r: &SarifRule) -> Value {
    let mut rule = Map::new();
    rule.insert("id".into(), json!(r.id));
    rule.insert(
        "shortDescription".into(),
        json!({ "text": r.short_description }),
    );
    rule.insert("help".into(), json!({ "text": r.help }));
    if let Some(uri) = &r.help_uri {
        rule.insert("helpUri".into(), json!(uri));
    }
    if let Some(s) = r.severity {
        rule.insert("defaultConfiguration".into(), json!({ "level": level(s) }));
    }
    let mut props = Map::new();
    if !r.tags.is_empty() {
        props.insert("tags".into(), json!(r.tags));
    }
    if let Some(score) = r.security_severity.or(r.severity.map(default_score)) {
        props.insert("security-severity".into(), json!(format!("{score:.1}")));
    }
    if !props.is_empty() {
        rule.insert("properties".into(), Value::Object(props));
    }
    Value::Object(rule)
}

fn location_json(l: &polyver_model::Location) -> Value {
    let mut physical = Map::new();
    physical.insert(
        "artifactLocation".into(),
        json!({ "uri": uri_path(&l.path), "uriBaseId": "%SRCROOT%" }),
    );
    if l.line > 0 {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(l.line));
        if let Some(c) = l.column.filter(|c| *c > 0) {
            region.insert("startColumn".into(), json!(c));
        }
        physical.insert("region".into(), Value::Object(region));
    }
    json!({ "physicalLocation": physical })
}

/// A repository-relative path as a relative URI reference (percent-encoded).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.trim_start_matches("./").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A stable 64-bit FNV-1a hash, hex: the same finding keeps its fingerprint across runs.
fn fingerprint(key: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}
