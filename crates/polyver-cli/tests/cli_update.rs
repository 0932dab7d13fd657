//! `polyver update` end to end: the binary scans a small repository, asks registries served
//! by a local server in the registries' formats (the fixtures of `cli_outdated.rs`), plans,
//! and rewrites the files — a hash-pinned requirement with the index's new sha256, an npm
//! pin, a caret range left for review by the default policy — then a re-scan shows the new
//! versions. A vulnerability in the OSV database imported here makes its group first.

use assert_cmd::Command;
use polyver_net::testing::{Response, TestServer};
use serde_json::Value;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/outdated");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(name)).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const REQUIREMENTS: &str = "# service pins, hash-checked\r\nrequests==2.31.0 \\\r\n    --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f\r\n";

const PACKAGE_JSON: &str = r#"{
  "name": "web",
  "dependencies": {
    "express": "^4.17.0",
    "left-pad": "1.1.0"
  }
}
"#;

struct Setup {
    _server: TestServer,
    dir: tempfile::TempDir,
    repo: PathBuf,
}

impl Setup {
    fn new(policy: &str) -> Setup {
        let server = TestServer::start();
        server.route(
            "/simple/requests/",
            Response::ok(fixture("requests.json"))
                .header("Content-Type", "application/vnd.pypi.simple.v1+json"),
        );
        for name in ["express", "left-pad"] {
            server.route(
                &format!("/npm/{name}"),
                Response::ok(fixture(&format!("{name}.json")))
                    .header("Content-Type", "application/json"),
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        write(&repo, "requirements.txt", REQUIREMENTS);
        write(&repo, "web/package.json", PACKAGE_JSON);
        write(
            &repo,
            "web/package-lock.json",
            r#"{"name":"web","lockfileVersion":3,"requires":true,"packages":{
              "":{"name":"web","dependencies":{"express":"^4.17.0","left-pad":"1.1.0"}},
              "node_modules/express":{"version":"4.17.1"},
              "node_modules/left-pad":{"version":"1.1.0"}}}"#,
        );
        write(
            dir.path(),
            "polyver.toml",
            &format!(
                "[registries]\npypi = \"{0}/simple\"\nnpm = \"{0}/npm\"\n\n{policy}",
                server.base_url()
            ),
        );
        // One advisory: left-pad below 1.3.0.
        let osv = dir.path().join("osv");
        write(
            &osv,
            "GHSA-test-lpad.json",
            r#"{"id": "GHSA-test-lpad", "modified": "2024-02-01T00:00:00Z", "published": "2023-01-10T00:00:00Z",
 "summary": "left-pad flaw",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}]}]}"#,
        );
        let setup = Setup {
            _server: server,
            dir,
            repo,
        };
        setup
            .polyver()
            .args(["db", "import"])
            .arg(&osv)
            .assert()
            .success();
        setup
    }

    fn polyver(&self) -> Command {
        let mut cmd = Command::cargo_bin("polyver").unwrap();
        cmd.current_dir(&self.repo)
            .env("NO_COLOR", "1")
            .env("POLYVER_CACHE_DIR", self.dir.path().join("cache"))
            .env("POLYVER_OSV_DB", self.dir.path().join("osv-db"))
            .env("POLYVER_NOW", "2025-06-01T00:00:00Z")
            .env_remove("POLYVER_DATA_DIR")
            .arg("--config")
            .arg(self.dir.path().join("polyver.toml"));
        cmd
    }

    fn update(&self, args: &[&str]) -> (i32, Value, String) {
        let out = self
            .polyver()
            .args(["update", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        (out.status.code().unwrap(), json, stderr)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.repo.join(rel)).unwrap()
    }
}

fn change<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["changes"].as_array().unwrap())
        .find(|c| c["name"] == name && c["status"] != "lock")
        .unwrap_or_else(|| panic!("no change of {name}: {doc:#}"))
}

#[test]
fn dry_run_plans_groups_and_prints_the_diff_without_writing() {
    let setup = Setup::new("");
    let (code, doc, stderr) = setup.update(&["--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["schema"], "polyver.update/v1");
    assert_eq!(doc["dry_run"], true);
    // The security fix comes first.
    let first = &doc["groups"][0];
    assert_eq!(first["name"], "npm-left-pad", "{doc:#}");
    assert_eq!(first["security"], true);
    assert_eq!(first["lock_files"][0], "web/package-lock.json");
    assert!(first["commit_message"]
        .as_str()
        .unwrap()
        .contains("left-pad 1.1.0 -> 1.3.0"));
    assert!(first["commit_message"]
        .as_str()
        .unwrap()
        .contains("fixes GHSA-test-lpad"));
    let body = first["body"].as_str().unwrap();
    assert!(
        body.contains(
            "| left-pad | 1.1.0 | [1.3.0](https://www.npmjs.com/package/left-pad/v/1.3.0) |"
        ),
        "{body}"
    );
    assert!(body.contains("GHSA-test-lpad"), "{body}");

    let requests = change(&doc, "requests");
    assert_eq!(requests["status"], "edited");
    assert_eq!(requests["to"], "2.32.3");
    assert_eq!(requests["path"], "requirements.txt");
    assert_eq!(requests["line"], 2);
    // express 4 → 5 is a major: [policy] major defaults to review.
    let express = change(&doc, "express");
    assert_eq!(express["status"], "review", "{doc:#}");

    let diff = doc["diff"].as_str().unwrap();
    assert!(diff.contains("-requests==2.31.0 \\\r\n"), "{diff}");
    assert!(diff.contains("+requests==2.32.3 \\\r\n"), "{diff}");
    assert!(
        diff.contains("+    --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6\r\n"),
        "the new version's hash from the index: {diff}"
    );
    assert!(diff.contains("+    \"left-pad\": \"1.3.0\""), "{diff}");
    assert_eq!(
        setup.read("requirements.txt"),
        REQUIREMENTS,
        "--dry-run writes nothing"
    );
    assert_eq!(setup.read("web/package.json"), PACKAGE_JSON);
}

#[test]
fn writes_the_edits_which_a_rescan_confirms_and_a_second_run_has_nothing_left() {
    let setup = Setup::new("[policy]\nmajor = \"pr\"\n");
    let (code, doc, stderr) = setup.update(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["dry_run"], false);
    assert_eq!(change(&doc, "express")["status"], "edited");
    assert_eq!(change(&doc, "express")["constraint_to"], "^5.1.0");
    // Every other byte stays: CRLF line endings, the comment, the JSON layout.
    assert_eq!(
        setup.read("requirements.txt"),
        "# service pins, hash-checked\r\nrequests==2.32.3 \\\r\n    --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6\r\n"
    );
    assert_eq!(
        setup.read("web/package.json"),
        PACKAGE_JSON
            .replace("^4.17.0", "^5.1.0")
            .replace("\"1.1.0\"", "\"1.3.0\"")
    );
    let _: Value = serde_json::from_str(&setup.read("web/package.json")).unwrap();
    let scan = setup
        .polyver()
        .args(["scan", "--no-store", "--format", "json"])
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let version_of = |name: &str, source: &str| {
        scan["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name && c["source"] == source)
            .map(|c| (c["version"].clone(), c["constraint"]["raw"].clone()))
            .unwrap()
    };
    assert_eq!(version_of("requests", "requirements").0, "2.32.3");
    assert_eq!(version_of("left-pad", "package-json").0, "1.3.0");
    assert_eq!(version_of("express", "package-json").1, "^5.1.0");

    // The lock file still says 4.17.1 for express: it is listed, never edited.
    assert!(setup.read("web/package-lock.json").contains("4.17.1"));
    assert!(doc["lock_files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l == "web/package-lock.json"));

    // Nothing is left to edit for requests (latest now).
    let (_, again, _) = setup.update(&["--dry-run"]);
    assert!(
        !again["diff"].as_str().unwrap().contains("requirements.txt"),
        "{again:#}"
    );
}

#[test]
fn groups_can_be_chosen_and_merged() {
    let setup = Setup::new(
        "[policy]\nmajor = \"pr\"\n\n[[policy.group]]\nname = \"web deps\"\necosystem = \"npm\"\n",
    );
    let (_, doc, _) = setup.update(&["--dry-run"]);
    let names: Vec<&str> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web-deps", "pypi-requests"], "{doc:#}");
    let (_, only, _) = setup.update(&["--dry-run", "--group", "pypi-requests"]);
    assert_eq!(only["groups"].as_array().unwrap().len(), 1);
    assert!(!only["diff"].as_str().unwrap().contains("package.json"));
    let (_, none, _) = setup.update(&["--dry-run", "--group", "pypi-request"]);
    assert_eq!(none["groups"].as_array().unwrap().len(), 0);
    assert!(
        none["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("no update group named `pypi-request` in this run; the groups are: ")),
        "{none:#}"
    );
    let (_, all, _) = setup.update(&["--dry-run", "--group-by", "all"]);
    let names: Vec<&str> = all["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["web-deps", "all"],
        "named groups still win: {all:#}"
    );
}

#[test]
fn lock_tools_run_only_when_asked_and_a_missing_one_is_an_environment_error() {
    let setup = Setup::new("");
    write(
        &setup.repo,
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n",
    );
    let out = setup
        .polyver()
        .args(["update", "--lock-tool", "npmm"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // npm's tool pointed at a PATH without npm: it is reported as not started, exit 3.
    let out = setup
        .polyver()
        .env("PATH", setup.dir.path())
        .args([
            "update",
            "--format",
            "json",
            "--lock-tool",
            "npm",
            "--group",
            "npm-left-pad",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &doc["lock_tools"][0];
    assert_eq!(run["command"][0], "npm");
    assert_eq!(run["command"][1], "install");
    assert_eq!(run["dir"], "web");
    assert_eq!(run["ok"], false);
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("cannot run `npm`"),
        "{run}"
    );
    // The edit itself was made.
    assert!(setup
        .read("web/package.json")
        .contains("\"left-pad\": \"1.3.0\""));
}

#[test]
fn table_output_lists_groups_and_the_dry_run_diff() {
    let setup = Setup::new("");
    let out = setup
        .polyver()
        .args(["update", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("npm-left-pad  priority"), "{text}");
    assert!(
        text.contains("edited    left-pad 1.1.0 → 1.3.0  web/package.json:5"),
        "{text}"
    );
    assert!(text.contains("review    express 4.17.1 → 5.1.0"), "{text}");
    assert!(text.contains("--- a/requirements.txt"), "{text}");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git is required");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn branch_commits_each_group_on_its_own_branch_and_leaves_the_working_tree() {
    let setup = Setup::new("");
    git(&setup.repo, &["init", "-q", "-b", "main"]);
    git(&setup.repo, &["add", "."]);
    git(&setup.repo, &["commit", "-q", "-m", "start"]);
    let (code, doc, stderr) = setup.update(&["--branch"]);
    assert_eq!(code, 0, "{stderr}");
    let groups = doc["publish"]["groups"].as_array().unwrap();
    let left_pad = groups
        .iter()
        .find(|g| g["group"] == "npm-left-pad")
        .unwrap();
    assert_eq!(left_pad["branch"], "polyver/npm-left-pad");
    assert_eq!(left_pad["commit"]["outcome"], "created", "{doc:#}");
    // The working tree is untouched; the branch holds the edit and the group's message.
    assert_eq!(setup.read("web/package.json"), PACKAGE_JSON);
    let on_branch = git(
        &setup.repo,
        &["show", "polyver/npm-left-pad:web/package.json"],
    );
    assert!(on_branch.contains("\"left-pad\": \"1.3.0\""), "{on_branch}");
    assert!(
        on_branch.contains("\"express\": \"^4.17.0\""),
        "only this group's edit: {on_branch}"
    );
    let message = git(
        &setup.repo,
        &["log", "-1", "--format=%B", "polyver/npm-left-pad"],
    );
    assert!(
        message.starts_with("[security] Update left-pad from 1.1.0 to 1.3.0"),
        "{message}"
    );
    let requests = git(
        &setup.repo,
        &["show", "polyver/pypi-requests:requirements.txt"],
    );
    assert!(
        requests.contains("requests==2.32.3 \\\r\n"),
        "CRLF kept: {requests:?}"
    );
    // Re-running changes nothing.
    let (code, again, _) = setup.update(&["--branch"]);
    assert_eq!(code, 0);
    let left_pad = again["publish"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "npm-left-pad")
        .unwrap();
    assert_eq!(left_pad["commit"]["outcome"], "unchanged", "{again:#}");

    // --open-pr needs a token for the remote's forge: an input error naming the variables.
    git(
        &setup.repo,
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/acme/shop.git",
        ],
    );
    let out = setup
        .polyver()
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITLAB_TOKEN")
        .env_remove("POLYVER_FORGE_TOKEN")
        .args(["update", "--open-pr"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GITHUB_TOKEN"), "{stderr}");
}

#[path = "../../polyver-forge/tests/common/fake_forge.rs"]
#[allow(dead_code)]
mod fake_forge;

#[test]
fn open_pr_pushes_each_group_and_opens_its_pull_request_on_the_forge() {
    use fake_forge::{FakeForge, Flavor};
    let setup = Setup::new("");
    git(&setup.repo, &["init", "-q", "-b", "main"]);
    git(&setup.repo, &["add", "."]);
    git(&setup.repo, &["commit", "-q", "-m", "start"]);
    // The remote names github.com/acme/shop over ssh; a stand-in for ssh runs git's
    // command against a local bare repository instead, so nothing leaves the machine.
    let bare = setup.dir.path().join("shop.git");
    git(
        setup.dir.path(),
        &["init", "-q", "--bare", bare.to_str().unwrap()],
    );
    git(
        &setup.repo,
        &[
            "remote",
            "add",
            "origin",
            "ssh://git@github.com/acme/shop.git",
        ],
    );
    git(&setup.repo, &["push", "-q", bare.to_str().unwrap(), "main"]);
    let ssh = setup.dir.path().join("fake-ssh");
    std::fs::write(
        &ssh,
        format!(
            "#!/bin/sh\nwhile [ $# -gt 1 ]; do shift; done\nexec sh -c \"$(printf '%s' \"$1\" | sed \"s#'/acme/shop.git'#'{}'#\")\"\n",
            bare.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let fake = FakeForge::start(Flavor::Github, "acme/shop", "test-token");

    let run = || {
        setup
            .polyver()
            .env("GITHUB_TOKEN", "test-token")
            .env("GIT_SSH_COMMAND", &ssh)
            .args([
                "update",
                "--format",
                "json",
                "--open-pr",
                "--forge-api",
                &fake.base_url,
            ])
            .args(["--label", "dependencies"])
            .output()
            .unwrap()
    };
    let out = run();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stderr}\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let left_pad = doc["publish"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "npm-left-pad")
        .unwrap();
    assert_eq!(left_pad["push"]["outcome"], "created", "{doc:#}");
    assert_eq!(left_pad["pull_request"]["outcome"], "created", "{doc:#}");
    let prs = fake.state().prs.clone();
    let pr = prs
        .iter()
        .find(|p| p.head == "polyver/npm-left-pad")
        .unwrap();
    assert_eq!(pr.title, "[security] Update left-pad from 1.1.0 to 1.3.0");
    assert!(pr.body.contains("GHSA-test-lpad"), "{}", pr.body);
    assert_eq!(pr.labels, ["dependencies"]);
    let pushed = git(&bare, &["show", "polyver/npm-left-pad:web/package.json"]);
    assert!(pushed.contains("\"left-pad\": \"1.3.0\""));
    // A second run sends no write to the forge.
    fake.clear_requests();
    let out = run();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
}

#[test]
fn pin_actions_pins_tags_to_their_commits_with_the_precise_tag_in_a_comment() {
    let setup = Setup::new("");
    let a = "a".repeat(40);
    let b = "b".repeat(40);
    let c = "c".repeat(40);
    // A GitHub API with actions/checkout's tags (v4 and v4.2.2 on one commit) and no releases.
    let github = TestServer::start();
    github.route(
        "/repos/actions/checkout/tags?per_page=100",
        Response::ok(format!(
            r#"[{{"name":"v4.2.2","commit":{{"sha":"{a}"}}}},{{"name":"v4","commit":{{"sha":"{a}"}}}},{{"name":"v4.2.1","commit":{{"sha":"{b}"}}}}]"#
        ))
        .header("Content-Type", "application/json"),
    );
    github.route(
        "/repos/actions/checkout/releases?per_page=100",
        Response::ok("[]").header("Content-Type", "application/json"),
    );
    let config = setup.dir.path().join("polyver.toml");
    let mut toml = std::fs::read_to_string(&config).unwrap();
    toml = toml.replacen(
        "[registries]\n",
        &format!("[registries]\ngithub = \"{}\"\n", github.base_url()),
        1,
    );
    std::fs::write(&config, toml).unwrap();
    let workflow = format!(
        "on: push\r\njobs:\r\n  build:\r\n    runs-on: ubuntu-latest\r\n    steps:\r\n      - uses: actions/checkout@v4 # keep\r\n      - uses: actions/setup-node@{c} # v4.0.0\r\n      - uses: acme/missing@v1\r\n"
    );
    write(&setup.repo, ".github/workflows/ci.yml", &workflow);

    let (code, doc, stderr) = setup.update(&["--pin-actions", "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    let group = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "pin-actions")
        .unwrap_or_else(|| panic!("{doc:#}"));
    let pinned: Vec<&Value> = group["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "edited")
        .collect();
    assert_eq!(pinned.len(), 1, "{group:#}");
    assert_eq!(pinned[0]["name"], "actions/checkout");
    assert!(doc["diff"].as_str().unwrap().contains(&format!(
        "+      - uses: actions/checkout@{a} # v4.2.2 # keep"
    )));
    // The missing action is a note, not a failure; the SHA-pinned one is left alone.
    assert!(doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("acme/missing@v1")));
    assert_eq!(
        setup.read(".github/workflows/ci.yml"),
        workflow,
        "--dry-run writes nothing"
    );

    let (code, _, stderr) = setup.update(&["--pin-actions"]);
    assert_eq!(code, 0, "{stderr}");
    let written = setup.read(".github/workflows/ci.yml");
    assert_eq!(
        written,
        workflow.replace(
            "actions/checkout@v4 # keep",
            &format!("actions/checkout@{a} # v4.2.2 # keep")
        ),
        "one edit, CRLF and the other lines kept"
    );
    // Pinned now: a second run has nothing to pin.
    let (_, doc, _) = setup.update(&["--pin-actions", "--dry-run"]);
    assert!(!doc["diff"].as_str().unwrap().contains("actions/checkout@"));
}
