//! What every command prints, for review: each command × each `--format` it offers, run
//! through the real binary on one small repository (`fixtures/snapshots/repo`, copied into a
//! temporary directory with an OSV database, two stored scans and a polyver.lock), snapshotted
//! as exit code, stdout and stderr together. A change to any user-visible output shows up as a
//! `.snap` diff. Colours are off (`NO_COLOR=1`) and the width fixed (`COLUMNS=160`, 80 for
//! one table cut to fit); timestamps,
//! durations, ports and the temporary directory are replaced by placeholders.
//!
//! A command or format missing here fails `every_offered_format_has_a_snapshot`, so a new one
//! gets its snapshot too.

use assert_cmd::Command;
use polyver_cli::args::Cli;
use polyver_net::testing::{Response, TestServer};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots");

/// The prepared state every test reads (none of them writes to it).
struct World {
    dir: PathBuf,
    server: TestServer,
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A copy of the fixture repository under `dir/name`, with the installed npm metadata the
/// fixture cannot hold (`node_modules` is ignored by git).
fn repository(dir: &Path, name: &str) -> PathBuf {
    let repo = dir.join(name);
    copy_tree(&Path::new(FIXTURE).join("repo"), &repo);
    write(
        &repo,
        "web/node_modules/a/package.json",
        r#"{"name":"a","version":"1.0.0","license":"MIT","dependencies":{"ms":"2.1.3"}}"#,
    );
    write(
        &repo,
        "web/node_modules/ms/package.json",
        r#"{"name":"ms","version":"2.1.3","license":"MIT"}"#,
    );
    repo
}

fn polyver(dir: &Path, cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "160")
        .env("SOURCE_DATE_EPOCH", "1714521600")
        .env("POLYVER_NOW", "2025-06-01T00:00:00Z")
        .env("POLYVER_OSV_DB", dir.join("osv"))
        .env("POLYVER_CACHE_DIR", dir.join("cache"))
        .env_remove("POLYVER_DATA_DIR")
        // The registry for the commands that take `--db` (scan, history, diff).
        .env(
            "POLYVER_DATABASE_URL",
            format!("sqlite://{}", dir.join("registry.db").display()),
        )
        .env_remove("POLYVER_NO_STORE");
    cmd
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("polyver-snapshots-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = repository(&dir, "repo");
        let advisories = dir.join("advisories");
        copy_tree(&Path::new(FIXTURE).join("advisories"), &advisories);
        let server = TestServer::start();
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "PYSEC-0000-1.json",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&std::fs::read(advisories.join("PYSEC-0000-1.json")).unwrap())
            .unwrap();
        server.route(
            "/PyPI/all.zip",
            Response::ok(zip.finish().unwrap().into_inner()),
        );
        // Two stored scans that differ (requests 2.30.0, then the fixture's 2.31.0), an OSV
        // database, and a polyver.lock of the repository as it is.
        let current = std::fs::read_to_string(repo.join("requirements.txt")).unwrap();
        std::fs::write(
            repo.join("requirements.txt"),
            current.replace("2.31.0", "2.30.0"),
        )
        .unwrap();
        let run = |args: &[&str]| {
            let out = polyver(&dir, &repo).args(args).output().unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&["db", "import", advisories.to_str().unwrap()]);
        run(&["scan"]);
        std::fs::write(repo.join("requirements.txt"), current).unwrap();
        run(&["scan"]);
        run(&["lock"]);
        World { dir, server }
    })
}

/// Placeholders for what changes from run to run.
fn filters(dir: &Path) -> Vec<(String, &'static str)> {
    let mut list = Vec::new();
    for d in [dir.canonicalize().unwrap(), dir.to_path_buf()] {
        let text = d.display().to_string();
        let escaped: String = text
            .chars()
            .flat_map(|c| {
                let special = "\\.+*?()|[]{}^$".contains(c);
                special.then_some('\\').into_iter().chain([c])
            })
            .collect();
        list.push((escaped, "[TMP]"));
    }
    list.extend(
        [
            // Same width as a real time, so tables stay aligned.
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "YYYY-MM-DDThh:mm:ssZ"),
            (
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
                "[TIME]",
            ),
            (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
            (r"\(\d+\.\d+s\)", "([DURATION])"),
            (r"\d+\.\d ms", "[DURATION]"),
            (
                r#""(seconds|imported_at|age_seconds|started_at|finished_at)": [0-9.e-]+"#,
                r#""$1": [N]"#,
            ),
            (
                r#""(created_at|expires_at|revoked_at|last_used_at)": [0-9]+"#,
                r#""$1": [N]"#,
            ),
            (r"pvt_[A-Za-z0-9_-]{43}", "pvt_[TOKEN]"),
            (r"urn:uuid:[0-9a-f-]{36}", "urn:uuid:[UUID]"),
            (
                r"-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                "-[UUID]",
            ),
            (r"\d+ (minute|hour|day)s? ago|just now", "[AGE]"),
            // A webhook's key (the SHA-256 of its URL, which holds the port).
            (r"/… #[0-9a-f]{8}", "/… #[KEY]"),
            (r#""delivery": "[0-9a-f-]{36}""#, r#""delivery": "[UUID]""#),
        ]
        .map(|(re, to)| (re.to_string(), to)),
    );
    list
}

/// Runs `polyver ARGS` in `cwd` and snapshots exit code, stdout and stderr as `name`.
fn snapshot(name: &str, cwd: &Path, args: &[&str], stdin: Option<&str>) {
    snapshot_at(name, cwd, args, stdin, 160);
}

/// [`snapshot`] on a terminal `columns` wide.
fn snapshot_at(name: &str, cwd: &Path, args: &[&str], stdin: Option<&str>, columns: usize) {
    let mut cmd = polyver(&world().dir, cwd);
    cmd.env("COLUMNS", columns.to_string()).args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    record(name, args, cmd);
}

/// Runs `cmd` (`polyver ARGS`) and snapshots exit code, stdout and stderr as `name`.
fn record(name: &str, args: &[&str], mut cmd: Command) {
    let w = world();
    let out = cmd.output().unwrap();
    let text = format!(
        "$ polyver {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let mut settings = insta::Settings::clone_current();
    for (re, to) in filters(&w.dir) {
        settings.add_filter(&re, to);
    }
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Every format `command` offers, each snapshotted as `<name>_<format>`.
fn each_format(name: &str, command: &[&str], args: &[&str], stdin: Option<&str>) {
    let repo = world().dir.join("repo");
    for format in formats_of(command) {
        let mut all: Vec<&str> = command.to_vec();
        all.extend_from_slice(args);
        all.extend(["--format", &format]);
        snapshot(&format!("{name}_{format}"), &repo, &all, stdin);
    }
}

/// The values `polyver COMMAND --format` accepts, from the command line definition.
fn formats_of(command: &[&str]) -> Vec<String> {
    let mut cmd = Cli::command_line();
    for name in command {
        cmd = cmd.find_subcommand(name).unwrap().clone();
    }
    let format = cmd
        .get_arguments()
        .find(|a| a.get_id() == "format")
        .unwrap();
    format
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect()
}

/// The leaf commands this file snapshots; `every_offered_format_has_a_snapshot` compares it
/// with the command line.
const COVERED: &[&str] = &[
    "scan",
    "conflicts",
    "migrations",
    "history",
    "diff",
    "licenses",
    "version compare",
    "version satisfies",
    "version intersect",
    "version eval",
    "graph",
    "why",
    "lock",
    "init",
    "audit",
    "db sync",
    "db import",
    "db status",
    "check",
    "plan",
    "report",
    "outdated",
    "serve",
    "token create",
    "token list",
    "token revoke",
    "push",
    "alerts",
    "update",
];

#[test]
fn every_offered_format_has_a_snapshot() {
    fn leaves(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<String>) {
        if !cmd.has_subcommands() {
            out.push(path.join(" "));
        }
        for sub in cmd.get_subcommands() {
            path.push(sub.get_name().to_string());
            leaves(sub, path, out);
            path.pop();
        }
    }
    let mut all = Vec::new();
    leaves(&Cli::command_line(), &mut Vec::new(), &mut all);
    let mut covered: Vec<String> = COVERED.iter().map(|s| s.to_string()).collect();
    all.sort();
    covered.sort();
    assert_eq!(
        all, covered,
        "a command without snapshots (or a stale entry)"
    );
}

/// `report` offline (lag unknown, said so) in each format; the HTML is the same document
/// as the Markdown (cli_report.rs checks it with a parser and a browser), so its snapshot
/// is one more review of the escaping and the layout.
#[test]
fn report() {
    let w = world();
    let repo = w.dir.join("repo");
    for format in formats_of(&["report"]) {
        let args = ["report", "--offline", "--format", &format];
        let mut cmd = polyver(&w.dir, &repo);
        cmd.env(
            "POLYVER_CACHE_DIR",
            w.dir.join(format!("report-cache-{format}")),
        )
        .args(args);
        record(&format!("report_{format}"), &args, cmd);
    }
}

#[test]
fn scan() {
    each_format("scan", &["scan"], &["--no-store"], None);
}

#[test]
fn conflicts() {
    each_format("conflicts", &["conflicts"], &[], None);
}

#[test]
fn migrations() {
    each_format("migrations", &["migrations"], &[], None);
}

#[test]
fn history() {
    each_format("history", &["history"], &[], None);
}

#[test]
fn diff() {
    each_format("diff", &["diff"], &[], None);
}

#[test]
fn licenses() {
    each_format("licenses", &["licenses"], &["--offline"], None);
    // On a narrow terminal the SOURCE column is cut; nothing wraps.
    let repo = world().dir.join("repo");
    let args = ["licenses", "--offline", "--format", "table"];
    snapshot_at("licenses_table_80_columns", &repo, &args, None, 80);
}

#[test]
fn version() {
    each_format(
        "version_compare",
        &["version", "compare"],
        &["pypi", "1.0a1", "1.0"],
        None,
    );
    each_format(
        "version_satisfies",
        &["version", "satisfies"],
        &["npm", "1.2.3", "^1.0.0"],
        None,
    );
    each_format(
        "version_intersect",
        &["version", "intersect"],
        &["pypi", ">=2.0,<2.20", ">=2.31"],
        None,
    );
    each_format(
        "version_eval",
        &["version", "eval"],
        &["--jsonl"],
        Some("{\"kind\":\"compare\",\"eco\":\"pypi\",\"a\":\"1\",\"b\":\"2\"}\nnot json\n"),
    );
}

#[test]
fn graph() {
    each_format("graph", &["graph"], &[], None);
    each_format("why", &["why"], &["ms"], None);
    each_format("why_missing", &["why"], &["nope"], None);
}

#[test]
fn lock() {
    each_format("lock", &["lock"], &[], None);
    each_format("lock_check", &["lock"], &["--check"], None);
}

#[test]
fn init() {
    // init writes polyver.toml: each format runs in a copy of its own.
    let w = world();
    for format in formats_of(&["init"]) {
        let repo = repository(&w.dir, &format!("init-{format}"));
        snapshot(
            &format!("init_{format}"),
            &repo,
            &["init", "--format", &format],
            None,
        );
    }
    // Run again: polyver.toml is there now, and is not replaced without --force.
    let again = w.dir.join("init-table");
    snapshot("init_exists", &again, &["init"], None);
}

#[test]
fn alerts() {
    each_format("alerts", &["alerts"], &[], None);
}

#[test]
fn audit() {
    each_format("audit", &["audit"], &[], None);
}

#[test]
fn check() {
    each_format("check", &["check"], &[], None);
}

/// Offline with a cache of its own, empty: nothing is looked up, so every lag is unknown
/// and the snapshot does not depend on any registry. The fixture's advisory was last
/// modified 2024-05-01, so its 30-day medium SLA has long passed (the points of that term
/// stop growing after eight weeks; "N days ago" is a placeholder).
#[test]
fn plan() {
    let w = world();
    let repo = w.dir.join("repo");
    for format in formats_of(&["plan"]) {
        let args = ["plan", "--offline", "--format", &format];
        let mut cmd = polyver(&w.dir, &repo);
        cmd.env(
            "POLYVER_CACHE_DIR",
            w.dir.join(format!("plan-cache-{format}")),
        )
        .args(args);
        record(&format!("plan_{format}"), &args, cmd);
    }
    let args = ["plan", "--offline", "--limit", "1"];
    let mut cmd = polyver(&w.dir, &repo);
    cmd.env("POLYVER_CACHE_DIR", w.dir.join("plan-cache-limit"))
        .args(args);
    record("plan_limit", &args, cmd);
}

/// Offline with an empty cache, as `plan`: the fixture's advisory gives requests a fix
/// version without any registry, so the dry run shows that group's diff.
#[test]
fn update() {
    let w = world();
    let repo = w.dir.join("repo");
    for format in formats_of(&["update"]) {
        let args = ["update", "--offline", "--dry-run", "--format", &format];
        let mut cmd = polyver(&w.dir, &repo);
        cmd.env(
            "POLYVER_CACHE_DIR",
            w.dir.join(format!("update-cache-{format}")),
        )
        .args(args);
        record(&format!("update_{format}"), &args, cmd);
    }
}

#[test]
fn db() {
    let w = world();
    each_format("db_status", &["db", "status"], &[], None);
    // import and sync write: each into a database of its own.
    for format in formats_of(&["db", "import"]) {
        let osv = w.dir.join(format!("osv-import-{format}"));
        let advisories = w.dir.join("advisories");
        snapshot(
            &format!("db_import_{format}"),
            &w.dir,
            &[
                "db",
                "import",
                advisories.to_str().unwrap(),
                "--osv-db",
                osv.to_str().unwrap(),
                "--format",
                &format,
            ],
            None,
        );
    }
    // --rematch: a registry whose scan predates the advisory (stored without a database),
    // re-matched after the import, the new finding posted to a signed JSON webhook.
    for format in formats_of(&["db", "import"]) {
        let registry = format!(
            "sqlite://{}",
            w.dir.join(format!("rematch-{format}.db")).display()
        );
        let repo = w.dir.join("repo");
        let scanned = polyver(&w.dir, &repo)
            .env("POLYVER_OSV_DB", w.dir.join("no-osv"))
            .args(["scan", "--db", &registry, "--format", "json"])
            .output()
            .unwrap();
        assert!(scanned.status.success());
        let config = w.dir.join(format!("rematch-{format}.toml"));
        let hook = format!("/hook-{format}");
        w.server.route(&hook, Response::ok(""));
        std::fs::write(
            &config,
            format!(
                "[[server.webhook]]\nurl = \"{}\"\nkind = \"json\"\nsecret-env = \"HOOK_KEY\"\n",
                w.server.url(&hook)
            ),
        )
        .unwrap();
        let osv = w.dir.join(format!("osv-rematch-{format}"));
        let advisories = w.dir.join("advisories");
        let args = [
            "db",
            "import",
            advisories.to_str().unwrap(),
            "--osv-db",
            osv.to_str().unwrap(),
            "--rematch",
            "--db",
            &registry,
            "--config",
            config.to_str().unwrap(),
            "--format",
            &format,
        ];
        let mut cmd = polyver(&w.dir, &w.dir);
        cmd.env("HOOK_KEY", "k").args(args);
        record(&format!("db_import_rematch_{format}"), &args, cmd);
        // requests 2.31.0 and svc/'s 2.30.0: two findings, one post each.
        assert_eq!(w.server.hits(&hook), 2);
    }
    let base_url = w.server.base_url();
    for format in formats_of(&["db", "sync"]) {
        let osv = w.dir.join(format!("osv-sync-{format}"));
        snapshot(
            &format!("db_sync_{format}"),
            &w.dir,
            &[
                "db",
                "sync",
                "--ecosystem",
                "PyPI",
                "--base-url",
                base_url,
                "--osv-db",
                osv.to_str().unwrap(),
                "--format",
                &format,
            ],
            None,
        );
    }
}

#[test]
fn outdated() {
    let w = world();
    let fixture =
        |name: &str| std::fs::read(Path::new(FIXTURE).join("registry").join(name)).unwrap();
    let json = "application/vnd.pypi.simple.v1+json";
    w.server.route(
        "/simple/requests/",
        Response::ok(fixture("requests.json")).header("Content-Type", json),
    );
    w.server.route(
        "/simple/flask/",
        Response::ok(fixture("flask.json")).header("Content-Type", json),
    );
    w.server.route(
        "/npm/a",
        Response::ok(fixture("a.json")).header("Content-Type", "application/json"),
    );
    let config = w.dir.join("outdated.toml");
    std::fs::write(
        &config,
        format!(
            "[registries]\npypi = \"{0}/simple\"\nnpm = \"{0}/npm\"\n",
            w.server.base_url()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    // --no-store: the world's registry is shared by the tests of this file, which run in
    // any order (storing is tested in cli_outdated.rs); the JSON then says `"stored": null`.
    each_format(
        "outdated",
        &["outdated"],
        &["--config", config, "--no-store"],
        None,
    );
    each_format(
        "outdated_all",
        &["outdated"],
        &[
            "--config",
            config,
            "--all",
            "--fail-on-outdated",
            "minor",
            "--no-store",
        ],
        None,
    );
}

#[test]
fn serve() {
    // What a script sees when the registry cannot be opened (the running server is tested
    // in cli_serve.rs).
    let w = world();
    std::fs::write(w.dir.join("not-a-dir"), "").unwrap();
    let db = format!("sqlite://{}/not-a-dir/registry.db", w.dir.display());
    snapshot(
        "serve_bad_database",
        &w.dir,
        &["serve", "--listen", "127.0.0.1:0", "--db", &db],
        None,
    );
}

#[path = "common/server.rs"]
mod server;

/// Tokens in a database of their own: one made per format, listed, revoked, revoked again.
#[test]
fn token() {
    let w = world();
    let db = format!("sqlite://{}", w.dir.join("tokens.db").display());
    for format in formats_of(&["token", "create"]) {
        let name = format!("ci-{format}");
        let args = [
            "token",
            "create",
            "--scope",
            "push",
            "--repo",
            "github.com/acme/*",
            "--name",
            &name,
            "--db",
            &db,
            "--format",
            &format,
        ];
        snapshot(&format!("token_create_{format}"), &w.dir, &args, None);
    }
    for format in formats_of(&["token", "list"]) {
        let args = ["token", "list", "--db", &db, "--format", &format];
        snapshot(&format!("token_list_{format}"), &w.dir, &args, None);
    }
    for format in formats_of(&["token", "revoke"]) {
        let args = ["token", "revoke", "1", "--db", &db, "--format", &format];
        snapshot(&format!("token_revoke_{format}"), &w.dir, &args, None);
    }
}

/// Pushes of the fixture repository to a real `polyver serve` (a database of its own): one
/// per format, then the table's push again (stored once).
#[test]
fn push() {
    let w = world();
    let db = format!("sqlite://{}", w.dir.join("push-server.db").display());
    let server = server::Server::start(&w.dir, &db, &[]);
    let token = server::token(&w.dir, &db, &["--scope", "push"]);
    let repo = w.dir.join("repo");
    let url = server.url();
    let ids = [
        "0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a",
        "7d9c7e0a-5b8f-4c39-8f0e-2a6b1c3d4e5f",
    ];
    for (format, id) in formats_of(&["push"]).iter().zip(ids) {
        let args = [
            "push",
            "--server",
            &url,
            "--scan-id",
            id,
            "--format",
            format,
        ];
        let mut cmd = polyver(&w.dir, &repo);
        cmd.env("POLYVER_TOKEN", &token).args(args);
        record(&format!("push_{format}"), &args, cmd);
    }
    let args = ["push", "--server", &url, "--scan-id", ids[0]];
    let mut cmd = polyver(&w.dir, &repo);
    cmd.env("POLYVER_TOKEN", &token).args(args);
    record("push_again", &args, cmd);
}
