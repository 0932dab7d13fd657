//! The proof-on-real-files harness shared by the `infra_*` tests: a fixture copied from a
//! public repository (origins in `tests/fixtures/infra/README.md`) is scanned with
//! `polyver-extract`, one component is moved by its format's rewriter, and the result is
//! checked three ways: the diff is snapshotted (it must touch only the version), the file
//! still parses with the format's own parser, and a re-scan finds the new version at the
//! same line.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use polyver_extract::{registry, SourceFile};
use polyver_model::{Component, Format};
use polyver_update::formats::rewriter_for;
use polyver_update::{Outcome, Request, RewriteError, Target};

pub fn fixture(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/infra")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The components `format`'s extractor finds in `text`, read as the file at `path`.
pub fn scan(format: Format, path: &str, text: &str) -> Vec<Component> {
    let file = SourceFile::from_text(path, text);
    registry::extractor(format).extract(&file).components
}

/// The one component named `name` at `line`.
pub fn component(format: Format, path: &str, text: &str, name: &str, line: u32) -> Component {
    let mut found: Vec<Component> = scan(format, path, text)
        .into_iter()
        .filter(|c| c.name == name && c.locations.iter().any(|l| l.line == line))
        .collect();
    // One value used by several jobs is found once per job (the scan merges them later).
    found.dedup();
    assert_eq!(found.len(), 1, "{name} at {path}:{line}: {found:#?}");
    found.into_iter().next().unwrap()
}

pub fn target(version: &str, digest: Option<&str>) -> Target {
    Target {
        version: version.to_string(),
        digest: digest.map(str::to_string),
    }
}

/// Asks the format's rewriter to move `c` (at `line` of `path`) to `target`.
pub fn rewrite(
    format: Format,
    path: &str,
    text: &str,
    c: &Component,
    line: u32,
    target: &Target,
    bump_ranges: bool,
) -> Result<Outcome, RewriteError> {
    let rewriter = rewriter_for(format).unwrap_or_else(|| panic!("no rewriter for {format:?}"));
    rewriter.rewrite(
        text,
        &Request {
            component: c,
            path,
            line,
            target,
            bump_ranges,
        },
    )
}

pub fn rewritten(r: Result<Outcome, RewriteError>) -> String {
    match r {
        Ok(Outcome::Rewritten(s)) => s,
        other => panic!("expected a rewrite, got {other:?}"),
    }
}

/// A unified diff, for snapshots.
pub fn diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(1)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Moves `name` at `line` to `target`, checks the re-scan and returns the diff.
/// `expect` is the version the re-scan must record at the same line.
pub fn prove(
    format: Format,
    path: &str,
    text: &str,
    name: &str,
    line: u32,
    target: &Target,
    expect: Option<&str>,
) -> (String, String) {
    let c = component(format, path, text, name, line);
    let new = rewritten(rewrite(format, path, text, &c, line, target, false));
    assert_eq!(
        new.lines().count(),
        text.lines().count(),
        "lines added or removed"
    );
    let after = component(format, path, &new, name, line);
    if let Some(expect) = expect {
        // A pin records its version; a range only its constraint.
        let recorded = after
            .version
            .clone()
            .or_else(|| after.constraint.as_ref().map(|k| k.raw.clone()));
        assert_eq!(recorded.as_deref(), Some(expect), "{after:#?}");
    }
    if let Some(digest) = target.digest.as_deref().filter(|_| c.integrity.is_some()) {
        let recorded = after.integrity.as_deref().unwrap_or_default();
        assert!(
            recorded.ends_with(digest.trim_start_matches("sha1:")),
            "{after:#?}"
        );
    }
    // Nothing else moved: every other component is found as before.
    let others = |t: &str| {
        let mut v: Vec<String> = scan(format, path, t)
            .into_iter()
            .filter(|o| !(o.name == name && o.locations.iter().any(|l| l.line == line)))
            .map(|o| {
                format!(
                    "{} {:?} {:?} {:?}",
                    o.name,
                    o.version,
                    o.constraint.map(|k| k.raw),
                    o.locations
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(others(text), others(&new), "another component changed");
    (new.clone(), diff(path, text, &new))
}

/// Runs a Python check on `text` (on stdin); `None` when python3 or the module is missing
/// (the caller skips, or fails under CI).
fn python(check: &str, text: &str) -> Option<Result<(), String>> {
    let mut child = Command::new("python3")
        .args(["-c", check])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(text.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if stderr.contains("ModuleNotFoundError") {
        return None;
    }
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(stderr)
    })
}

/// The file loads with PyYAML (every document); the loaded value of `key_path` in
/// document `doc` is returned as JSON for the caller to compare.
pub fn yaml_loads(text: &str) -> bool {
    match python(
        "import sys, yaml; list(yaml.safe_load_all(sys.stdin))",
        text,
    ) {
        Some(Ok(())) => true,
        Some(Err(e)) => panic!("PyYAML rejects the rewritten file: {e}"),
        None => {
            polyver_testkit::skip("python3 with PyYAML", "pip install pyyaml");
            false
        }
    }
}

/// The file loads with Python's `tomllib`.
pub fn toml_loads(text: &str) -> bool {
    match python("import sys, tomllib; tomllib.loads(sys.stdin.read())", text) {
        Some(Ok(())) => true,
        Some(Err(e)) => panic!("tomllib rejects the rewritten file: {e}"),
        None => {
            polyver_testkit::skip("python3 >= 3.11 (tomllib)", "install Python 3.11+");
            false
        }
    }
}

/// `terraform fmt` parses the file (it reads HCL and fails on a syntax error; offline).
pub fn terraform_parses(text: &str) -> bool {
    let child = Command::new("terraform")
        .args(["fmt", "-no-color", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        // The Terraform CLI is not in any registry CI can reach: without it the file is
        // parsed by hcl-edit (a full HCL parser, not the one under test's edits) instead.
        eprintln!("note: no terraform CLI; checking the rewritten file with hcl-edit");
        if let Err(e) = hcl_edit::parser::parse_body(text) {
            panic!("the rewritten file is not HCL: {e}");
        }
        return true;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "terraform fmt rejects the rewritten file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    true
}
