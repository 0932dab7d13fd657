//! `plan` and the `policy` check as the engine runs them on a real scan and a real OSV
//! database: targets re-matched against the advisories' ranges, SLA breaches from their
//! dates, and what is said when there is no database.

use polyver_advisory::db::{self, Mode, Origin};
use polyver_engine::plan::{plan, PlanOptions};
use polyver_engine::{Check, CheckStatus, Engine, GateOptions, Overrides};
use polyver_model::FindingSeverity;
use std::path::{Path, PathBuf};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// urllib3 1.26.5 (runtime) and black 22.1.0 (dev, no advisory) in a Poetry project, and
/// three advisories of urllib3: A fixed in 1.26.17 and 2.0.6, B in 1.26.18 and 2.0.7, and C
/// fixed in 1.26.10 but re-introduced in 1.26.12 until 1.26.19.
fn world(published: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "requirements.txt", "urllib3==1.26.5\n");
    write(&root, "requirements-dev.txt", "black==22.1.0\n");
    let advisory = |id: &str, ranges: &str| {
        format!(
            r#"{{"id": "{id}", "modified": "2024-01-01T00:00:00Z", "published": "{published}",
              "summary": "{id} flaw",
              "severity": [{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"}}],
              "affected": [{{"package": {{"ecosystem": "PyPI", "name": "urllib3"}},
                "ranges": [{{"type": "ECOSYSTEM", "events": [{ranges}]}}]}}]}}"#
        )
    };
    let osv = dir.path().join("osv");
    write(
        &osv,
        "A.json",
        &advisory(
            "PYSEC-A",
            r#"{"introduced": "0"}, {"fixed": "1.26.17"}, {"introduced": "2.0.0"}, {"fixed": "2.0.6"}"#,
        ),
    );
    write(
        &osv,
        "B.json",
        &advisory(
            "PYSEC-B",
            r#"{"introduced": "0"}, {"fixed": "1.26.18"}, {"introduced": "2.0.0"}, {"fixed": "2.0.7"}"#,
        ),
    );
    write(
        &osv,
        "C.json",
        &advisory(
            "PYSEC-C",
            r#"{"introduced": "0"}, {"fixed": "1.26.10"}, {"introduced": "1.26.12"}, {"fixed": "1.26.19"}"#,
        ),
    );
    let imported =
        polyver_advisory::import::import_path(&osv, &polyver_advisory::ImportLimits::default())
            .unwrap();
    let db_dir = dir.path().join("osv-db");
    db::update(
        &polyver_advisory::Database::file_in(&db_dir),
        imported,
        Mode::Merge,
        &Origin::default(),
        polyver_engine::audit::now(),
    )
    .unwrap();
    (dir, root, db_dir)
}

fn engine(root: &Path, db: &Path) -> Engine {
    Engine::new(
        root,
        &Overrides {
            osv_db: Some(db.to_path_buf()),
            offline: true,
            ..Overrides::default()
        },
    )
    .unwrap()
}

#[test]
fn the_target_is_the_smallest_version_no_advisory_affects() {
    let (_dir, root, db) = world("2023-10-02T00:00:00Z");
    let engine = engine(&root, &db);
    let inventory = engine.scan().unwrap();
    let outcome = plan(
        &engine.settings,
        &inventory,
        &PlanOptions::default(),
        &|_, _| {},
    )
    .unwrap();
    let p = &outcome.plan;
    assert!(p.coverage.vulnerabilities_checked);
    let r = &p.recommendations[0];
    assert_eq!(r.name, "urllib3");
    // 1.26.18 is at or above every advisory's smallest fix, but C's second range affects
    // it: the database says 1.26.19.
    assert_eq!(r.to.as_deref(), Some("1.26.19"));
    assert_eq!(r.fixes, ["PYSEC-A", "PYSEC-B", "PYSEC-C"]);
    assert_eq!(r.within_constraint, Some(false), "==1.26.5 must change");
    let urllib3 = &p.components[0];
    assert_eq!(urllib3.name, "urllib3");
    // (What the lag terms say depends on the user's registry cache, read with --offline.)
    let points = |name: &str| {
        urllib3
            .priority
            .terms
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.points)
    };
    assert_eq!(points("severity"), Some(46), "CVSS 9.1");
    assert_eq!(points("vulnerabilities"), Some(6), "two more");
    assert_eq!(points("sla"), Some(16), "critical, due in 2023");
    assert!(urllib3.priority.score >= 95, "46 + 6 + 16, +40%");
    let black = p.components.iter().find(|c| c.name == "black").unwrap();
    assert_eq!(points("licence"), None);
    assert!(black.vulnerabilities.is_empty());
    assert_eq!(p.summary.sla_breaches, 3);
    let sla = p.health.parts.iter().find(|x| x.name == "sla").unwrap();
    assert_eq!(sla.score, Some(0.25));
}

#[test]
fn without_a_database_the_plan_says_vulnerabilities_were_not_checked() {
    let (dir, root, _db) = world("2023-10-02T00:00:00Z");
    let engine = engine(&root, &dir.path().join("none"));
    let inventory = engine.scan().unwrap();
    let outcome = plan(
        &engine.settings,
        &inventory,
        &PlanOptions::default(),
        &|_, _| {},
    )
    .unwrap();
    let p = &outcome.plan;
    assert!(!p.coverage.vulnerabilities_checked);
    assert!(
        p.notes[0].starts_with("vulnerabilities not checked: no OSV database at"),
        "{:?}",
        p.notes
    );
    // No fix is proposed without the audit (an update may be, from the registry cache).
    assert!(p
        .recommendations
        .iter()
        .all(|r| r.action == polyver_analyze::plan::Action::Update));
    let vulnerabilities = p.health.parts.iter().find(|x| x.name == "vulnerabilities");
    assert_eq!(vulnerabilities.unwrap().score, None);
    // A file that is not a database is an error, not "not checked".
    let broken = dir.path().join("broken");
    write(&broken, "advisories.pvdb", "not a database");
    let engine = self::engine(&root, &broken);
    let e = plan(
        &engine.settings,
        &inventory,
        &PlanOptions::default(),
        &|_, _| {},
    )
    .unwrap_err();
    assert_eq!(e.exit_code(), 3);
}

#[test]
fn the_policy_check_fails_on_vulnerabilities_past_their_sla() {
    let (_dir, root, db) = world("2023-10-02T00:00:00Z");
    let engine = engine(&root, &db);
    let inventory = engine.scan().unwrap();
    let run = |skip: Vec<Check>| {
        engine
            .gate(GateOptions {
                skip,
                ..GateOptions::default()
            })
            .unwrap()
            .run(&inventory)
            .unwrap()
    };
    let verdict = run(vec![]);
    let policy = verdict
        .results
        .iter()
        .find(|r| r.check == Check::Policy)
        .unwrap();
    assert_eq!(policy.status, CheckStatus::Fail);
    assert_eq!(policy.findings.len(), 3);
    assert!(policy.findings.iter().all(|f| f.rule == "policy/sla-breach"
        && f.severity == FindingSeverity::High
        && f.locations[0].path == "requirements.txt"));
    assert!(polyver_engine::rules::rule("policy/sla-breach").is_some());
    // Without the audit there is nothing to check.
    let verdict = run(vec![Check::Audit]);
    let policy = verdict
        .results
        .iter()
        .find(|r| r.check == Check::Policy)
        .unwrap();
    assert_eq!(policy.status, CheckStatus::Skipped);

    // Published yesterday: inside every SLA but critical's 0 days; these are critical
    // (CVSS 9.1), so raise it.
    let yesterday = polyver_upstream::Timestamp::from_second(
        polyver_upstream::Timestamp::now().as_second() - 86_400,
    )
    .unwrap()
    .to_string();
    let (_dir, root, db) = world(&yesterday);
    write(&root, "polyver.toml", "[policy.sla]\ncritical = 3\n");
    let engine = self::engine(&root, &db);
    let inventory = engine.scan().unwrap();
    let verdict = engine
        .gate(GateOptions::default())
        .unwrap()
        .run(&inventory)
        .unwrap();
    let policy = verdict
        .results
        .iter()
        .find(|r| r.check == Check::Policy)
        .unwrap();
    assert_eq!(policy.status, CheckStatus::Pass, "{policy:?}");
    assert!(policy.note.as_deref().unwrap().contains("critical 3"));
}
