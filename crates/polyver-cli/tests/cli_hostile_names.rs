//! Repositories with hostile file names (issue 19, item 9): a newline, an ANSI escape or a
//! carriage return in a name must not reach the terminal or the CI log raw, in any
//! human-readable output; a directory whose name is not UTF-8 is still scanned and named
//! losslessly.

use assert_cmd::Command;
use std::path::PathBuf;

fn polyver() -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env_remove("NO_COLOR").env("POLYVER_NO_STORE", "1");
    cmd
}

/// A directory named with a newline, an ANSI colour and a carriage return, holding a
/// malformed requirements file (a diagnostic naming it) and a package.json whose dependency
/// name has an escape and a newline.
fn hostile_tree(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polyver-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let evil = dir.join("svc\n\x1b[31merror: forged\x1b[0m\r");
    std::fs::create_dir_all(&evil).unwrap();
    std::fs::write(
        evil.join("requirements.txt"),
        "requests==2.31.0\nbroken[extra\n",
    )
    .unwrap();
    std::fs::write(
        evil.join("package.json"),
        "{\"dependencies\": {\"left\\u001b[2Jpad\\nerror: x\": \"1.0.0\"}}\n",
    )
    .unwrap();
    dir
}

/// No control byte but the layout's newlines and tabs; and no line starting with the
/// forged text.
fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.char_indices() {
        assert!(
            c == '\n' || c == '\t' || !c.is_control(),
            "{what}: raw control character {c:?} at byte {i}:\n{text}"
        );
    }
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("error: forged") || l.starts_with("error: x")),
        "{what}: a forged line:\n{text}"
    );
}

#[test]
fn control_characters_in_names_are_escaped_in_table_markdown_and_stderr() {
    let dir = hostile_tree("scan");
    for format in ["table", "markdown"] {
        let out = polyver()
            .args(["scan", "--format", format])
            .arg(&dir)
            .output()
            .unwrap();
        assert_clean(&format!("{format} stdout"), &out.stdout);
        assert_clean(&format!("{format} stderr"), &out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Named, escaped, rather than dropped.
        assert!(
            stdout.contains("svc\\n\\x1b[31merror: forged\\x1b[0m\\r/requirements.txt"),
            "{stdout}"
        );
        assert!(stdout.contains("left\\x1b[2Jpad\\nerror: x"), "{stdout}");
        assert!(
            stderr.contains("svc\\n\\x1b[31merror: forged\\x1b[0m\\r/requirements.txt:2"),
            "{stderr}"
        );
    }
    // JSON keeps the names exactly (serde escapes them).
    let out = polyver()
        .args(["scan", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "left\x1b[2Jpad\nerror: x"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn conflicts_and_errors_escape_names_too() {
    let dir = hostile_tree("conflicts");
    let out = polyver().arg("conflicts").arg(&dir).output().unwrap();
    assert_clean("conflicts stdout", &out.stdout);
    assert_clean("conflicts stderr", &out.stderr);
    // An error naming a hostile path.
    let missing = dir.join("no\x1b[31mpe\nerror: forged");
    let out = polyver().arg("scan").arg(&missing).output().unwrap();
    assert!(!out.status.success());
    assert_clean("error stderr", &out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_directory_that_is_not_utf8_is_scanned_and_named_losslessly() {
    use std::os::unix::ffi::OsStrExt;
    let dir = std::env::temp_dir().join(format!("polyver-not-utf8-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let odd = dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9-\xff"));
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::write(
        odd.join("requirements.txt"),
        "requests==2.31.0\nbroken[extra\n",
    )
    .unwrap();
    let out = polyver()
        .args(["scan", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let requests = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "requests")
        .expect("the file under the non-UTF-8 directory was scanned");
    assert_eq!(
        requests["locations"][0]["path"],
        "caf\\xe9-\\xff/requirements.txt"
    );
    assert_eq!(requests["version"], "2.31.0");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("caf\\xe9-\\xff/requirements.txt:2"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_gate_and_licences_escape_names_in_their_tables() {
    // The unknown-licence finding of the hostile package names it: in `check`'s table (the
    // CI log) and `licenses`'s, a newline in that name must not start a forged line.
    let dir = hostile_tree("gate");
    for args in [
        &["check", "--skip", "audit", "--format", "table"][..],
        &["check", "--skip", "audit", "--format", "markdown"],
        &["licenses", "--offline", "--format", "table"],
    ] {
        let out = polyver().args(args).arg(&dir).output().unwrap();
        assert_clean(&format!("{args:?} stdout"), &out.stdout);
        assert_clean(&format!("{args:?} stderr"), &out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("left\\x1b[2Jpad\\nerror: x"),
            "{args:?}: {stdout}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_plan_escapes_names_in_its_table_and_markdown() {
    // The hostile package drifts from [approved], so the plan lists it with its place.
    let dir = hostile_tree("plan");
    std::fs::write(
        dir.join("polyver.toml"),
        "[approved]\n\"npm:left\\u001b[2Jpad\\nerror: x\" = \"2.0.0\"\n",
    )
    .unwrap();
    for format in ["table", "markdown"] {
        let out = polyver()
            .args(["plan", "--offline", "--format", format])
            .arg(&dir)
            .env("POLYVER_OSV_DB", dir.join("no-db"))
            .env("POLYVER_CACHE_DIR", dir.join("cache"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_clean(&format!("plan {format} stdout"), &out.stdout);
        assert_clean(&format!("plan {format} stderr"), &out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("left\\x1b[2Jpad\\nerror: x"),
            "{format}: {stdout}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lock_drift_escapes_names() {
    // A hostile package recorded in polyver.lock, then removed: `lock --check` names it.
    let dir = hostile_tree("lock");
    let out = polyver().arg("lock").arg(&dir).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let evil = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    std::fs::write(evil.join("package.json"), "{\"dependencies\": {}}\n").unwrap();
    let out = polyver()
        .args(["lock", "--check"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_clean("lock --check stdout", &out.stdout);
    assert_clean("lock --check stderr", &out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("left\\x1b[2Jpad\\nerror: x"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
