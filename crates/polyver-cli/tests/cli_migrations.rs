//! `polyver migrations` end to end: chains and heads from a tree built in the test, exit
//! codes (1 on problems, 2 on input errors, 3 when the database cannot be reached), and the
//! live check against a real PostgreSQL server (`POLYVER_TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; skipped when it is not reachable, failed under
//! CI=true).

#[path = "common/pg.rs"]
mod pg;
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn polyver() -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn alembic(root: &Path, dir: &str, rev: &str, parent: Option<&str>) {
    let down = parent.map_or("None".to_string(), |p| format!("'{p}'"));
    write(
        root,
        &format!("{dir}/{rev}_step.py"),
        &format!("revision = '{rev}'\ndown_revision = {down}\n\ndef upgrade():\n    pass\n"),
    );
}

fn django(root: &Path, name: &str, parent: Option<&str>) {
    let deps = parent.map_or(String::new(), |p| format!("('shop', '{p}')"));
    write(
        root,
        &format!("shop/migrations/{name}.py"),
        &format!("class Migration(migrations.Migration):\n    dependencies = [{deps}]\n"),
    );
}

/// Every framework with a healthy chain (Rails apart: it shares `schema_migrations` with
/// golang-migrate, so the database test leaves it out).
fn clean_tree(name: &str, rails: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polyver-cli-mig-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    alembic(&dir, "api/alembic/versions", "aaa1", None);
    alembic(&dir, "api/alembic/versions", "bbb2", Some("aaa1"));
    alembic(&dir, "api/alembic/versions", "ccc3", Some("bbb2"));
    for v in ["V1__init.sql", "V2__users.sql"] {
        write(
            &dir,
            &format!("java/src/main/resources/db/migration/{v}"),
            "select 1;\n",
        );
    }
    for v in ["000001_a", "000002_b", "000003_c"] {
        write(&dir, &format!("go/db/migrations/{v}.up.sql"), "select 1;\n");
        write(
            &dir,
            &format!("go/db/migrations/{v}.down.sql"),
            "select 1;\n",
        );
    }
    write(&dir, "rs/Cargo.toml", "[package]\nname = \"rs\"\n");
    write(&dir, "rs/migrations/20240101000000_a.sql", "select 1;\n");
    write(&dir, "rs/migrations/20240201000000_b.sql", "select 1;\n");
    django(&dir, "0001_initial", None);
    django(&dir, "0002_order", Some("0001_initial"));
    write(&dir, "shop/migrations/__init__.py", "");
    if rails {
        write(
            &dir,
            "rb/db/migrate/20240101000000_create_users.rb",
            "class X\nend\n",
        );
        write(
            &dir,
            "rb/db/schema.rb",
            "ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do\nend\n",
        );
    }
    dir
}

fn run_json(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.output().unwrap();
    let code = out.status.code().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, v)
}

fn chain<'v>(report: &'v Value, framework: &str) -> &'v Value {
    report["chains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["framework"] == framework)
        .unwrap_or_else(|| panic!("no {framework} chain in {report:#}"))
}

fn problem_kinds(chain: &Value) -> Vec<String> {
    chain["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn clean_repository_lists_heads_and_exits_0() {
    let dir = clean_tree("clean", true);
    let (code, report) = run_json(polyver().args(["migrations", "--format", "json"]).arg(&dir));
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["schema"], "polyver.migrations/v1");
    assert_eq!(report["problems"], 0);
    assert_eq!(chain(&report, "alembic")["heads"][0], "ccc3");
    assert_eq!(chain(&report, "alembic")["name"], "api/alembic/versions");
    assert_eq!(chain(&report, "flyway")["heads"][0], "2");
    assert_eq!(chain(&report, "golang-migrate")["heads"][0], "3");
    assert_eq!(chain(&report, "sqlx")["heads"][0], "20240201000000");
    assert_eq!(chain(&report, "django")["heads"][0], "0002_order");
    assert_eq!(chain(&report, "rails")["schema_version"], "20240101000000");

    polyver()
        .args(["migrations", "--no-color"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "alembic api/alembic/versions  (3 migrations)",
        ))
        .stdout(predicate::str::contains("head: ccc3"))
        .stdout(predicate::str::contains("6 chains, 0 problems"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn problems_exit_1_with_locations() {
    let dir = clean_tree("problems", false);
    // A second Alembic head, a golang-migrate gap, a Flyway duplicate, a missing parent.
    alembic(&dir, "api/alembic/versions", "ddd4", Some("bbb2"));
    alembic(&dir, "api/alembic/versions", "eee5", Some("nope"));
    for ext in ["up", "down"] {
        std::fs::remove_file(dir.join(format!("go/db/migrations/000002_b.{ext}.sql"))).unwrap();
    }
    write(
        &dir,
        "java/src/main/resources/db/migration/V2__again.sql",
        "select 2;\n",
    );

    let (code, report) = run_json(polyver().args(["migrations", "--format", "json"]).arg(&dir));
    assert_eq!(code, 1, "{report:#}");
    let a = chain(&report, "alembic");
    assert_eq!(a["heads"], serde_json::json!(["ccc3", "ddd4", "eee5"]));
    assert_eq!(problem_kinds(a), ["missing-parent", "multiple-heads"]);
    assert_eq!(
        a["problems"][0]["location"]["path"],
        "api/alembic/versions/eee5_step.py"
    );
    assert_eq!(problem_kinds(chain(&report, "golang-migrate")), ["gap"]);
    assert_eq!(problem_kinds(chain(&report, "flyway")), ["duplicate"]);

    polyver()
        .args(["migrations", "--no-color"])
        .arg(&dir)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("heads: ccc3, ddd4, eee5"))
        .stdout(predicate::str::contains(
            "gap: no migration 2 between 1 and 3",
        ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn input_and_environment_errors() {
    let dir = clean_tree("errors", false);
    polyver()
        .args(["migrations", "/definitely/not/here"])
        .assert()
        .code(2);
    polyver()
        .args(["migrations", "--format", "sarif"])
        .arg(&dir)
        .assert()
        .code(2);
    polyver()
        .args(["migrations", "--database-url", "mysql://nope"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid database URL"));
    // Nothing listens on port 1: exit 3 with a hint, and the password is not echoed.
    polyver()
        .args([
            "migrations",
            "--connect-timeout",
            "2",
            "--database-url",
            "postgres://u:secret@127.0.0.1:1/db",
        ])
        .arg(&dir)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("cannot connect"))
        .stderr(predicate::str::contains("hint:"))
        .stderr(predicate::str::contains("secret").not());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_migrations_is_fine() {
    let dir = std::env::temp_dir().join(format!("polyver-cli-mig-none-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    polyver()
        .args(["migrations"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("no schema migrations found"));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------
// Against a real PostgreSQL server.

const TABLES: &str = "
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
CREATE TABLE flyway_schema_history (
    installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
    type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int,
    installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),
    execution_time int NOT NULL, success boolean NOT NULL);
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
CREATE TABLE _sqlx_migrations (
    version bigint PRIMARY KEY, description text NOT NULL,
    installed_on timestamptz NOT NULL DEFAULT now(), success boolean NOT NULL,
    checksum bytea NOT NULL, execution_time bigint NOT NULL);
CREATE TABLE django_migrations (
    id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
    applied timestamptz NOT NULL DEFAULT now());
";

fn flyway_row(rank: i32, version: Option<&str>, success: bool) -> String {
    let v = version.map_or("NULL".to_string(), |v| format!("'{v}'"));
    format!(
        "INSERT INTO flyway_schema_history VALUES ({rank}, {v}, 'x', 'SQL', 'V.sql', 0, 'me', now(), 1, {success});"
    )
}

#[test]
fn live_database_pending_and_unknown() {
    let Some(schema) = pg::PgSchema::create("live") else {
        return;
    };
    let url = schema.url.clone();
    let dir = clean_tree("live", false);

    // Not initialised: no tables at all, every migration pending.
    let (code, report) = run_json(
        polyver()
            .args(["migrations", "--format", "json", "--database-url", &url])
            .arg(&dir),
    );
    assert_eq!(code, 1, "{report:#}");
    let a = chain(&report, "alembic");
    assert_eq!(a["database"]["initialised"], false);
    assert_eq!(
        a["database"]["pending"],
        serde_json::json!(["aaa1", "bbb2", "ccc3"])
    );

    schema.exec(TABLES);
    schema.exec(&format!(
        "INSERT INTO alembic_version VALUES ('bbb2');
         {} {} {} {}
         INSERT INTO schema_migrations VALUES (2, false);
         INSERT INTO _sqlx_migrations VALUES (20240101000000, 'a', now(), true, '\\x00', 1);
         INSERT INTO django_migrations (app, name) VALUES
             ('shop', '0001_initial'), ('shop', '0099_gone'), ('auth', '0001_initial');",
        flyway_row(1, Some("1"), true),
        flyway_row(2, Some("2"), true),
        flyway_row(3, None, true),
        flyway_row(4, Some("9"), true),
    ));
    let (code, report) = run_json(
        polyver()
            .args(["migrations", "--format", "json", "--database-url", &url])
            .arg(&dir),
    );
    assert_eq!(code, 1, "{report:#}");
    let db = |fw: &str| chain(&report, fw)["database"].clone();
    assert_eq!(db("alembic")["initialised"], true);
    assert_eq!(db("alembic")["heads"], serde_json::json!(["bbb2"]));
    assert_eq!(db("alembic")["pending"], serde_json::json!(["ccc3"]));
    assert_eq!(db("alembic")["unknown"], serde_json::json!([]));
    assert_eq!(db("flyway")["pending"], serde_json::json!([]));
    assert_eq!(db("flyway")["unknown"], serde_json::json!(["9"]));
    assert_eq!(db("golang-migrate")["heads"], serde_json::json!(["2"]));
    assert_eq!(db("golang-migrate")["pending"], serde_json::json!(["3"]));
    assert_eq!(db("sqlx")["pending"], serde_json::json!(["20240201000000"]));
    assert_eq!(db("django")["pending"], serde_json::json!(["0002_order"]));
    assert_eq!(db("django")["unknown"], serde_json::json!(["0099_gone"]));
    assert_eq!(problem_kinds(chain(&report, "flyway")), ["unknown"]);

    polyver()
        .args(["migrations", "--no-color", "--database-url", &url])
        .arg(&dir)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "database: bbb2 (alembic_version), 1 pending, 0 unknown",
        ))
        .stdout(predicate::str::contains(
            "pending: 1 migration not applied: ccc3",
        ));

    // Brought up to date (and a dirty golang-migrate state is a problem of its own).
    schema.exec(
        "UPDATE alembic_version SET version_num = 'ccc3';
         DELETE FROM flyway_schema_history WHERE version = '9';
         UPDATE schema_migrations SET version = 3;
         INSERT INTO _sqlx_migrations VALUES (20240201000000, 'b', now(), true, '\\x00', 1);
         DELETE FROM django_migrations WHERE name = '0099_gone';
         INSERT INTO django_migrations (app, name) VALUES ('shop', '0002_order');",
    );
    let (code, report) = run_json(
        polyver()
            .args(["migrations", "--format", "json", "--database-url", &url])
            .arg(&dir),
    );
    assert_eq!(code, 0, "{report:#}");
    schema.exec("UPDATE schema_migrations SET dirty = true;");
    let (code, report) = run_json(
        polyver()
            .args(["migrations", "--format", "json", "--database-url", &url])
            .arg(&dir),
    );
    assert_eq!(code, 1);
    assert_eq!(problem_kinds(chain(&report, "golang-migrate")), ["failed"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pending_revisions_are_listed_in_apply_order() {
    let Some(schema) = pg::PgSchema::create("order") else {
        return;
    };
    let url = schema.url.clone();
    let dir = std::env::temp_dir().join(format!("polyver-cli-mig-order-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // Hash-like revision ids whose sort order is the reverse of the chain.
    alembic(&dir, "alembic/versions", "f1", None);
    alembic(&dir, "alembic/versions", "9c", Some("f1"));
    alembic(&dir, "alembic/versions", "0b", Some("9c"));

    let (code, report) = run_json(
        polyver()
            .args(["migrations", "--format", "json", "--database-url", &url])
            .arg(&dir),
    );
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        chain(&report, "alembic")["database"]["pending"],
        serde_json::json!(["f1", "9c", "0b"])
    );
    polyver()
        .args(["migrations", "--no-color", "--database-url", &url])
        .arg(&dir)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "    pending 1. f1  (alembic/versions/f1_step.py:1)\n    pending 2. 9c  (alembic/versions/9c_step.py:1)\n    pending 3. 0b",
        ));
    polyver()
        .args(["migrations", "--format", "markdown", "--database-url", &url])
        .arg(&dir)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "| framework | chain | migrations | heads | database | pending | problems |",
        ))
        .stdout(predicate::str::contains(
            "Pending, in apply order:\n\n1. `f1` (`alembic/versions/f1_step.py:1`)\n2. `9c`",
        ));
    let _ = std::fs::remove_dir_all(&dir);
}
