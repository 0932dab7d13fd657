//! Every `--format` value a command offers, it renders: the values are read from the command
//! line definition itself (clap's possible values of each command's `--format`), and each
//! command is run with each of them on a small repository, a registry with two scans and an
//! OSV database made here. A value offered and then refused ("has no html output") fails.

use assert_cmd::Command;
use polyver_cli::args::Cli;
use polyver_net::testing::{Response, TestServer};
use std::io::Write as _;
use std::path::Path;

#[path = "common/server.rs"]
mod running;

const ADVISORY: &str = r#"{"id":"PYSEC-0000-1","summary":"s","affected":[{"package":{"ecosystem":"PyPI","name":"requests"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.32.0"}]}]}]}"#;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Every leaf command (`scan`, `db sync`, ...) with the values its `--format` offers.
fn offered() -> Vec<(Vec<String>, Vec<String>)> {
    fn walk(
        cmd: &clap::Command,
        path: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, Vec<String>)>,
    ) {
        if cmd.has_subcommands() {
            for sub in cmd.get_subcommands() {
                path.push(sub.get_name().to_string());
                walk(sub, path, out);
                path.pop();
            }
            return;
        }
        let format = cmd
            .get_arguments()
            .find(|a| a.get_id() == "format")
            .unwrap_or_else(|| panic!("`{}` has no --format", path.join(" ")));
        let values = format
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        out.push((path.clone(), values));
    }
    let mut out = Vec::new();
    let cmd = Cli::command_line();
    walk(&cmd, &mut Vec::new(), &mut out);
    out
}

#[test]
fn every_offered_format_is_rendered_by_every_command() {
    let dir = std::env::temp_dir().join(format!("polyver-formats-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let repo = dir.join("repo");
    write(&repo, "requirements.txt", "requests==2.31.0\n");
    write(&repo, ".python-version", "3.11.6\n");
    write(
        &repo,
        "web/package-lock.json",
        r#"{"name":"web","lockfileVersion":3,"requires":true,"packages":{"":{"name":"web","dependencies":{"a":"1.0.0"}},"node_modules/a":{"version":"1.0.0","dependencies":{"ms":"2.1.3"}},"node_modules/ms":{"version":"2.1.3"}}}"#,
    );
    write(
        &repo,
        "web/package.json",
        r#"{"name":"web","dependencies":{"a":"1.0.0"}}"#,
    );
    let advisories = dir.join("advisories");
    write(&advisories, "PYSEC-0000-1.json", ADVISORY);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "PYSEC-0000-1.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(ADVISORY.as_bytes()).unwrap();
    let server = TestServer::start();
    server.route(
        "/PyPI/all.zip",
        Response::ok(zip.finish().unwrap().into_inner()),
    );
    let osv = dir.join("osv");
    let registry = format!("sqlite://{}", dir.join("registry.db").display());
    let polyver = || {
        let mut cmd = Command::cargo_bin("polyver").unwrap();
        cmd.current_dir(&repo)
            .env("NO_COLOR", "1")
            .env("POLYVER_OSV_DB", &osv)
            .env("POLYVER_CACHE_DIR", dir.join("cache"))
            .env_remove("POLYVER_DATA_DIR")
            // The registry for the commands that take `--db` (scan, history, diff).
            .env("POLYVER_DATABASE_URL", &registry);
        cmd
    };
    // The state the commands read: an OSV database, two stored scans, a polyver.lock.
    for setup in [
        vec!["db", "import", advisories.to_str().unwrap()],
        vec!["scan"],
        vec!["scan"],
        vec!["lock"],
    ] {
        let out = polyver().args(&setup).output().unwrap();
        assert!(
            out.status.success(),
            "{setup:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // `push` pushes to a real server on the same registry, with a token made first (token 1;
    // token 2 is the one `token revoke` revokes).
    let push_server = running::Server::start(&dir, &registry, &[]);
    let push_url = push_server.url();
    let push_token = running::token(&dir, &registry, &["--scope", "push"]);
    running::token(&dir, &registry, &["--scope", "read", "--name", "to-revoke"]);

    // How each command is run; a command missing here fails the test, so a new one gets
    // its formats checked too.
    let base_url = server.base_url();
    let invocation = |command: &[String]| -> Option<(Vec<String>, Option<&str>)> {
        let args: Vec<&str> = match command.join(" ").as_str() {
            "scan" | "conflicts" | "graph" | "audit" | "check" | "migrations" | "history"
            | "diff" | "db status" => vec![],
            "licenses" | "plan" | "outdated" | "report" => vec!["--offline"],
            "update" => vec!["--offline", "--dry-run"],
            "lock" => vec!["--check"],
            "init" => vec!["--force"],
            "why" => vec!["ms"],
            "db import" => vec![advisories.to_str().unwrap()],
            "db sync" => vec!["--ecosystem", "PyPI", "--base-url", &base_url],
            "version compare" => vec!["pypi", "1.0a1", "1.0"],
            "version satisfies" => vec!["npm", "1.2.3", "^1.0.0"],
            "version intersect" => vec!["pypi", ">=2.0,<2.20", ">=2.31"],
            "version eval" => vec!["--jsonl"],
            "token create" => vec!["--scope", "read"],
            "token list" | "alerts" => vec![],
            "token revoke" => vec!["2"],
            "push" => vec!["--server", &push_url, "--token", &push_token],
            _ => return None,
        };
        let stdin = (command.join(" ") == "version eval")
            .then_some("{\"kind\":\"compare\",\"eco\":\"pypi\",\"a\":\"1\",\"b\":\"2\"}\n");
        Some((args.into_iter().map(String::from).collect(), stdin))
    };

    let mut runs = 0;
    for (command, values) in offered() {
        // A server prints no document (its one format is the default); cli_serve.rs runs it.
        if command.join(" ") == "serve" {
            assert_eq!(
                values,
                ["table"],
                "serve offers a format it does not render"
            );
            continue;
        }
        assert!(!values.is_empty(), "{command:?} offers no format");
        assert!(
            command.join(" ") == "report" || !values.iter().any(|v| v == "html"),
            "{command:?} offers html, which only `report` renders"
        );
        let (args, stdin) = invocation(&command)
            .unwrap_or_else(|| panic!("add an invocation of `polyver {}`", command.join(" ")));
        for value in &values {
            let mut cmd = polyver();
            cmd.args(&command).args(&args).args(["--format", value]);
            if let Some(input) = stdin {
                cmd.write_stdin(input);
            }
            let out = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let said = format!("polyver {} --format {value}: {stderr}", command.join(" "));
            // 0 = fine, 1 = a finding or a failed check; 2 would be a refusal, 3 a failure.
            assert!(matches!(out.status.code(), Some(0 | 1)), "{said}");
            assert!(
                !stderr.contains(&format!("has no {value} output")),
                "{said}"
            );
            assert!(!out.stdout.is_empty(), "{said}: nothing written");
            if value == "json" || value == "sarif" || value == "cyclonedx" || value == "spdx" {
                let text = String::from_utf8_lossy(&out.stdout);
                let jsonl = command.join(" ") == "version eval";
                let doc = if jsonl {
                    text.lines().next().unwrap_or_default().to_string()
                } else {
                    text.to_string()
                };
                serde_json::from_str::<serde_json::Value>(&doc)
                    .unwrap_or_else(|e| panic!("{said}: not JSON ({e}): {text}"));
            }
            if value == "html" {
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(text.starts_with("<!DOCTYPE html>"), "{said}: {text}");
                assert!(text.trim_end().ends_with("</html>"), "{said}: {text}");
            }
            runs += 1;
        }
    }
    assert!(runs >= 40, "{runs} runs");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_format_a_command_does_not_render_is_a_usage_error_listing_the_ones_it_does() {
    let out = Command::cargo_bin("polyver")
        .unwrap()
        .args(["init", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid value 'sarif' for '--format"), "{err}");
    assert!(err.contains("[possible values: table, json]"), "{err}");
    let help = Command::cargo_bin("polyver")
        .unwrap()
        .args(["graph", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("mermaid"), "{help}");
    assert!(!help.contains("sarif") && !help.contains("html"), "{help}");
}
