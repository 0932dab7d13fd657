//! The Grafana dashboard of `polyver alerts`: the fleet at a glance (repositories, critical
//! vulnerabilities, SLA breaches, lowest health), each repository's health, vulnerabilities,
//! scan age, drift and lag, and the server's own traffic and latency.
//!
//! It is Grafana's dashboard JSON model (import it, or provision it from a file). The
//! Prometheus data source is a `datasource` variable, so the same file imports into any
//! Grafana; `repo` filters every panel (regex, multi-value, "All"). Thresholds drawn on the
//! health and scan-age panels are the alerting rules' own.

use super::{duration, Thresholds};
use crate::metrics::names;
use serde_json::{json, Value};

/// The dashboard's stable uid: importing a newer one replaces the older.
pub const UID: &str = "polyver-fleet";

const DATASOURCE: &str = "${datasource}";

/// A query of a panel.
fn target(expr: String, legend: &str, table: bool) -> Value {
    let mut t = json!({
        "refId": "A",
        "datasource": { "type": "prometheus", "uid": DATASOURCE },
        "expr": expr,
        "legendFormat": legend,
    });
    if table {
        t["instant"] = json!(true);
        t["format"] = json!("table");
    }
    t
}

/// A panel at `(x, y)` of size `(w, h)` on Grafana's 24-column grid.
fn panel(
    id: u32,
    kind: &str,
    title: &str,
    (x, y, w, h): (u32, u32, u32, u32),
    targets: Vec<Value>,
) -> Value {
    json!({
        "id": id,
        "type": kind,
        "title": title,
        "gridPos": { "x": x, "y": y, "w": w, "h": h },
        "datasource": { "type": "prometheus", "uid": DATASOURCE },
        "targets": targets,
        "fieldConfig": { "defaults": {}, "overrides": [] },
        "options": {},
    })
}

/// Two colour steps: green (or red) up to `at`, the other colour from `at` on.
fn thresholds(green_first: bool, at: f64) -> Value {
    let (base, above) = if green_first {
        ("green", "red")
    } else {
        ("red", "green")
    };
    json!({
        "mode": "absolute",
        "steps": [ { "color": base, "value": null }, { "color": above, "value": at } ],
    })
}

/// `metric` of the repositories chosen by the `repo` variable, one value per `by` group
/// across server replicas.
fn per(by: &str, metric: &str, filter: &str) -> String {
    format!("max by ({by}) ({metric}{{repo=~\"$repo\"{filter}}})")
}

/// The dashboard, as Grafana's JSON model.
pub fn dashboard(t: &Thresholds) -> Value {
    let health = per("repo", names::HEALTH_SCORE, "");
    let mut panels = vec![
        panel(
            1,
            "stat",
            "Repositories",
            (0, 0, 6, 4),
            vec![target(
                format!("count({})", per("repo", names::LAST_SCAN, "")),
                "",
                false,
            )],
        ),
        panel(
            2,
            "stat",
            "Critical vulnerabilities",
            (6, 0, 6, 4),
            vec![target(
                format!(
                    "sum({})",
                    per("repo", names::VULNERABILITIES, ",severity=\"critical\"")
                ),
                "",
                false,
            )],
        ),
        panel(
            3,
            "stat",
            "Vulnerabilities past their SLA",
            (12, 0, 6, 4),
            vec![target(
                format!("sum({})", per("repo, severity", names::SLA_BREACHES, "")),
                "",
                false,
            )],
        ),
        panel(
            4,
            "stat",
            "Lowest health",
            (18, 0, 6, 4),
            vec![target(format!("min({health})"), "", false)],
        ),
        panel(
            5,
            "bargauge",
            "Health by repository (alert below the red line)",
            (0, 4, 12, 10),
            vec![target(format!("sort({health})"), "{{repo}}", false)],
        ),
        panel(
            6,
            "timeseries",
            "Vulnerabilities by severity",
            (12, 4, 12, 10),
            vec![target(
                format!(
                    "sum by (severity) ({})",
                    per("repo, severity", names::VULNERABILITIES, "")
                ),
                "{{severity}}",
                false,
            )],
        ),
        panel(
            7,
            "table",
            "Vulnerabilities per repository",
            (0, 14, 12, 9),
            vec![target(
                format!("{} > 0", per("repo, severity", names::VULNERABILITIES, "")),
                "",
                true,
            )],
        ),
        panel(
            8,
            "table",
            "Scan age",
            (12, 14, 12, 9),
            vec![target(
                format!("time() - {}", per("repo", names::LAST_SCAN, "")),
                "",
                true,
            )],
        ),
        panel(
            9,
            "piechart",
            "Components by ecosystem",
            (0, 23, 8, 9),
            vec![target(
                format!(
                    "sum by (ecosystem) ({})",
                    per("repo, ecosystem, kind", names::COMPONENTS, "")
                ),
                "{{ecosystem}}",
                false,
            )],
        ),
        panel(
            10,
            "table",
            "Drift from [approved] (places per component)",
            (8, 23, 8, 9),
            vec![target(
                per("repo, component, kind", names::DRIFT_SCORE, ""),
                "",
                true,
            )],
        ),
        panel(
            11,
            "table",
            "Most days behind",
            (16, 23, 8, 9),
            vec![target(
                format!(
                    "topk(20, {})",
                    per("repo, component", names::UPDATE_LAG_DAYS, "")
                ),
                "",
                true,
            )],
        ),
        panel(
            12,
            "timeseries",
            "Server requests per second",
            (0, 32, 12, 8),
            vec![target(
                format!(
                    "sum by (route, status) (rate({}[$__rate_interval]))",
                    names::HTTP_REQUESTS
                ),
                "{{route}} {{status}}",
                false,
            )],
        ),
        panel(
            13,
            "timeseries",
            "Server latency, 99th percentile",
            (12, 32, 12, 8),
            vec![target(
                format!(
                    "histogram_quantile(0.99, sum by (le, route) \
                     (rate({}_bucket[$__rate_interval])))",
                    names::HTTP_DURATION
                ),
                "{{route}}",
                false,
            )],
        ),
    ];
    let health_below = f64::from(t.health_below);
    panels[3]["fieldConfig"]["defaults"] = json!({
        "min": 0, "max": 100, "thresholds": thresholds(false, health_below),
    });
    panels[4]["fieldConfig"]["defaults"] = json!({
        "min": 0, "max": 100, "thresholds": thresholds(false, health_below),
    });
    panels[4]["options"] = json!({ "orientation": "horizontal", "displayMode": "gradient" });
    panels[7]["fieldConfig"]["defaults"] = json!({
        "unit": "s", "thresholds": thresholds(true, t.scan_stale_after as f64),
    });
    panels[12]["fieldConfig"]["defaults"] = json!({ "unit": "s" });
    json!({
        "uid": UID,
        "title": "polyver: repositories",
        "description": format!(
            "The registry of polyver serve: vulnerabilities, SLA, health, drift and scans of \
             every repository (alerts: health below {}, scan older than {}). Written by \
             `polyver alerts`.",
            t.health_below,
            duration(t.scan_stale_after)
        ),
        "tags": ["polyver"],
        "editable": true,
        "schemaVersion": 39,
        "version": 1,
        "time": { "from": "now-7d", "to": "now" },
        "refresh": "1m",
        "templating": { "list": [
            {
                "name": "datasource",
                "label": "Prometheus",
                "type": "datasource",
                "query": "prometheus",
            },
            {
                "name": "repo",
                "label": "Repository",
                "type": "query",
                "datasource": { "type": "prometheus", "uid": DATASOURCE },
                "definition": format!("label_values({}, repo)", names::LAST_SCAN),
                "query": {
                    "query": format!("label_values({}, repo)", names::LAST_SCAN),
                    "refId": "repo",
                },
                "refresh": 2,
                "includeAll": true,
                "multi": true,
                "allValue": ".*",
                "current": { "text": "All", "value": "$__all" },
                "sort": 1,
            },
        ] },
        "panels": panels,
    })
}
