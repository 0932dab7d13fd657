//! Diagnostics and located errors on stderr show the line they point at with a caret under
//! the column (issue 12 item 5): scan diagnostics, polyver.toml errors and `polyver version`
//! inputs. The line comes from the walk, never from re-reading the tree, and never reaches
//! the JSON output.

#[path = "common/temp.rs"]
mod temp;

use assert_cmd::Command;
use std::path::Path;

fn polyver(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("POLYVER_NO_STORE", "1");
    cmd
}

fn stderr_of(cmd: &mut Command) -> (Option<i32>, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_malformed_file_shows_its_line_and_a_caret() {
    let dir = temp::fresh_dir("diagnostics", "malformed");
    std::fs::write(dir.join("requirements.txt"), "flask==2.0\n==bad\n").unwrap();
    std::fs::write(
        dir.join("package.json"),
        "{\n  \"dependencies\": {\n    \"a\": \"1\",,\n  }\n}\n",
    )
    .unwrap();
    let (code, _, err) = stderr_of(polyver(&dir).args(["scan", "."]));
    assert_eq!(code, Some(0), "{err}");
    // No column: the trimmed line is underlined.
    assert!(
        err.contains(
            "warning[parse-error]: cannot parse requirement: expected a package name at \"==bad\"\n \
             --> requirements.txt:2\n  \
             |\n\
             2 | ==bad\n  \
             | ^^^^^\n"
        ),
        "{err}"
    );
    // A column: one caret under it (the second comma).
    assert!(
        err.contains(" --> package.json:3:14\n  |\n3 |     \"a\": \"1\",,\n  |              ^\n"),
        "{err}"
    );
    // The line is for people only: the JSON inventory is unchanged.
    let (_, json, _) = stderr_of(polyver(&dir).args(["scan", ".", "--format", "json"]));
    let inventory: serde_json::Value = serde_json::from_str(&json).unwrap();
    let diagnostics = inventory["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2, "{json}");
    for d in diagnostics {
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        let known = ["path", "line", "column", "severity", "code", "message"];
        assert!(keys.iter().all(|k| known.contains(k)), "{keys:?}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn control_characters_of_a_hostile_line_are_escaped() {
    let dir = temp::fresh_dir("diagnostics", "hostile");
    std::fs::write(dir.join("requirements.txt"), "==\x1b[31mred\x1b[0m\r\n").unwrap();
    let (_, _, err) = stderr_of(polyver(&dir).args(["scan", "."]));
    assert!(!err.contains('\x1b') && !err.contains('\r'), "{err:?}");
    assert!(err.contains("1 | ==\\x1b[31mred\\x1b[0m\n"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_polyver_toml_error_shows_its_line_and_a_caret() {
    let dir = temp::fresh_dir("diagnostics", "config");
    std::fs::write(
        dir.join("polyver.toml"),
        "[scan]\nexclude = [\"a\"]\n  max_file_sise = 3\n",
    )
    .unwrap();
    let (code, _, err) = stderr_of(polyver(&dir).args(["scan", "."]));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with("error: unknown key `max_file_sise`"),
        "{err}"
    );
    assert!(err.contains("polyver.toml:3:3\n"), "{err}");
    assert!(
        err.contains("  |\n3 |   max_file_sise = 3\n  |   ^\nhint: did you mean `max-file-size`?"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_version_input_is_shown_with_a_caret_at_the_offset() {
    let dir = temp::fresh_dir("diagnostics", "version");
    let (code, _, err) =
        stderr_of(polyver(&dir).args(["version", "compare", "pypi", "1.2.x", "1.0"]));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with("error: invalid pypi version `1.2.x`: expected the end of the version at `.x`\n  |\n  | 1.2.x\n  |    ^\nhint: "),
        "{err}"
    );
    // No offset to blame: the one-line error as before.
    let (code, _, err) =
        stderr_of(polyver(&dir).args(["version", "satisfies", "npm", "1.0.0", ">=1.0 <<2"]));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with("error: invalid npm range `>=1.0 <<2`: invalid comparator `<<2`\nhint: "),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_yaml_mirror_error_shows_its_line_too() {
    let dir = temp::fresh_dir("diagnostics", "mirror");
    std::fs::write(dir.join(".versions.yaml"), "python: 3.10\npypi:flask: ^2\n").unwrap();
    let (code, _, err) = stderr_of(polyver(&dir).args(["conflicts", "."]));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(".versions.yaml:2:1\n  |\n2 | pypi:flask: ^2\n  | ^\n"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
