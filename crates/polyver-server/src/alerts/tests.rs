use super::*;

fn alert_named<'v>(rules: &'v Value, name: &str) -> &'v Value {
    rules["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["alert"] == name)
        .unwrap_or_else(|| panic!("no alert {name}"))
}

#[test]
fn the_four_alerts_use_the_thresholds() {
    let t = Thresholds {
        health_below: 45,
        scan_stale_after: 36 * 3600,
    };
    let rules = rules(&t);
    assert_eq!(rules["groups"][0]["name"], GROUP);
    let names: Vec<&str> = rules["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["alert"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "PolyverCriticalVulnerability",
            "PolyverSlaBreached",
            "PolyverScanStale",
            "PolyverHealthLow"
        ]
    );
    assert_eq!(
        alert_named(&rules, "PolyverHealthLow")["expr"],
        "max by (repo) (polyver_health_score) < 45"
    );
    assert_eq!(
        alert_named(&rules, "PolyverScanStale")["expr"],
        "time() - max by (repo) (polyver_last_scan_timestamp_seconds) > 129600"
    );
    let stale = alert_named(&rules, "PolyverScanStale")["annotations"]["description"]
        .as_str()
        .unwrap();
    assert!(
        stale.starts_with("No scan of {{ $labels.repo }} has been recorded for more than 1d12h"),
        "{stale}"
    );
    let yaml = rules_yaml(&t);
    assert!(
        yaml.contains("health-below = 45, scan-stale-after = \"1d12h\""),
        "{yaml}"
    );
    assert!(yaml.contains("  - alert: PolyverHealthLow\n    expr: \"max by (repo) (polyver_health_score) < 45\"\n"), "{yaml}");
}

#[test]
fn thresholds_default_where_the_config_is_silent() {
    let t = Thresholds::from_config(&polyver_config::AlertThresholds {
        health_below: Some(70),
        scan_stale_after: None,
    });
    assert_eq!(
        t,
        Thresholds {
            health_below: 70,
            scan_stale_after: 7 * 86_400
        }
    );
}

#[test]
fn durations_read_the_way_prometheus_writes_them() {
    assert_eq!(duration(0), "0s");
    assert_eq!(duration(90), "1m30s");
    assert_eq!(duration(7 * 86_400), "7d");
    assert_eq!(duration(86_400 + 3_600 + 1), "1d1h1s");
}

#[test]
fn every_dashboard_panel_queries_polyver_metrics_on_the_grid() {
    let d = dashboard(&Thresholds::default());
    assert_eq!(d["uid"], dashboard::UID);
    let panels = d["panels"].as_array().unwrap();
    let mut ids: Vec<u64> = panels.iter().map(|p| p["id"].as_u64().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), panels.len(), "panel ids are unique");
    for p in panels {
        let g = &p["gridPos"];
        let (x, w) = (g["x"].as_u64().unwrap(), g["w"].as_u64().unwrap());
        assert!(x + w <= 24, "{}", p["title"]);
        for t in p["targets"].as_array().unwrap() {
            let expr = t["expr"].as_str().unwrap();
            assert!(expr.contains("polyver_"), "{expr}");
        }
    }
    let health = &panels[4]["fieldConfig"]["defaults"]["thresholds"]["steps"][1];
    assert_eq!(health["value"], 60.0);
    let doc = document(&Thresholds::default());
    assert_eq!(doc["schema"], SCHEMA);
    assert_eq!(doc["thresholds"]["scan_stale_after_seconds"], 604_800);
    assert_eq!(doc["dashboard"], d);
}
