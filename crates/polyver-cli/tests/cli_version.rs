//! `polyver version ...` end to end: the real binary, its output, its exit codes.

use assert_cmd::Command;
use predicates::prelude::*;

fn polyver() -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

#[test]
fn eval_answers_the_spec_examples_in_order() {
    let input = concat!(
        r#"{"kind":"compare","eco":"pypi","a":"1.0a1","b":"1.0"}"#,
        "\n",
        r#"{"kind":"satisfies","eco":"npm","version":"1.2.3","range":"^1.0.0"}"#,
        "\n",
        r#"{"kind":"parse","eco":"cargo","input":"1.2"}"#,
        "\n",
        r#"{"kind":"compare","eco":"pypi","a":"1.0","b":"not-a-version"}"#,
        "\n",
        r#"{"kind":"intersect","eco":"pypi","a":">=2.0,<2.20","b":">=2.31"}"#,
        "\n",
    );
    let out = polyver()
        .args(["version", "eval", "--jsonl"])
        .write_stdin(input)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert_eq!(lines[0], r#"{"result":-1}"#);
    assert_eq!(lines[1], r#"{"result":true}"#);
    assert_eq!(lines[2], r#"{"result":false}"#);
    assert!(
        lines[3].starts_with(r#"{"error":"invalid pypi version `not-a-version`: "#),
        "{}",
        lines[3]
    );
    assert!(lines[4].contains(r#""empty":true"#), "{}", lines[4]);
    assert!(
        lines[4].contains("`<2.20` and `>=2.31` have no version in common"),
        "{}",
        lines[4]
    );
}

#[test]
fn compare_prints_the_relation() {
    polyver()
        .args(["version", "compare", "pypi", "1.0a1", "1.0"])
        .assert()
        .success()
        .stdout("1.0a1 < 1.0\n");
    polyver()
        .args(["version", "compare", "maven", "1.0", "1.0.0-ga"])
        .assert()
        .success()
        .stdout("1.0 == 1.0.0-ga\n");
    polyver()
        .args(["version", "compare", "debian", "1:1.0", "2.0"])
        .assert()
        .success()
        .stdout("1:1.0 > 2.0\n");
}

#[test]
fn satisfies_exit_code_is_the_answer() {
    polyver()
        .args(["version", "satisfies", "npm", "1.2.3", "^1.0.0"])
        .assert()
        .code(0)
        .stdout("yes: npm 1.2.3 satisfies `^1.0.0`\n");
    polyver()
        .args(["version", "satisfies", "pypi", "2.0rc1", "<2.0"])
        .assert()
        .code(1)
        .stdout("no: pypi 2.0rc1 does not satisfy `<2.0`\n");
}

#[test]
fn intersect_proves_a_conflict() {
    polyver()
        .args(["version", "intersect", "pypi", ">=2.0,<2.20", ">=2.31"])
        .assert()
        .code(1)
        .stdout("empty: `<2.20` and `>=2.31` have no version in common\n");
    polyver()
        .args(["version", "intersect", "cargo", "^1.2", ">=1.4, <3"])
        .assert()
        .code(0)
        .stdout("intersection: >=1.4.0, <2.0.0-0\n");
}

#[test]
fn bad_input_names_input_and_ecosystem() {
    polyver()
        .args(["version", "compare", "npm", "1.2", "1.2.3"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: invalid npm version `1.2`: ",
        ))
        .stderr(predicate::str::contains("hint: "));
    polyver()
        .args(["version", "satisfies", "cargo", "1.2.3", ">=>1"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: invalid cargo range `>=>1`: ",
        ));
    polyver()
        .args(["version", "compare", "cobol", "1", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown ecosystem `cobol`"));
}

#[test]
fn json_output_has_a_schema_and_can_go_to_a_file() {
    let dir = std::env::temp_dir().join(format!("polyver-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("out.json");
    polyver()
        .args(["--format", "json", "-o"])
        .arg(&file)
        .args(["version", "satisfies", "cargo", "1.2.3", "^1.0"])
        .assert()
        .success()
        .stdout("");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["schema"], "polyver.version/v1");
    assert_eq!(v["result"], true);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn help_is_there_for_every_command() {
    for args in [
        &["--help"][..],
        &["version", "--help"],
        &["version", "compare", "--help"],
        &["version", "satisfies", "--help"],
        &["version", "intersect", "--help"],
        &["version", "eval", "--help"],
    ] {
        polyver()
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: polyver"));
    }
    let out = polyver().args(["version", "--help"]).output().unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
