//! Rewrites on manifests copied from real repositories (origins in
//! `tests/fixtures/real/README.md`): each case moves one component, the edit must pass the
//! re-scan check, the file must still parse with its format's own parser (Python's
//! `tomllib`, `json` and `xml.etree` — python3 is required under `CI=true`), and the diff is
//! snapshotted so any byte the rewrite touches besides the version shows in review.
//! (go.mod and Gemfile have no parser here: no Go or Ruby toolchain; the re-scan checks them.)

use std::path::Path;
use std::process::Command;

use polyver_extract::SourceFile;
use polyver_model::{Component, Format};
use polyver_update::engine::unified_diff;
use polyver_update::formats::rewriter_for;
use polyver_update::rewrite::plan_edits;
use polyver_update::{verify, Outcome, Request, RewriteError, Target};

fn fixture(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn components(format: Format, path: &str, text: &str) -> Vec<Component> {
    let found =
        polyver_extract::registry::extractor(format).extract(&SourceFile::from_text(path, text));
    found.components
}

/// The components named `name` in the file, one per location.
fn find(format: Format, path: &str, text: &str, name: &str) -> Vec<(Component, u32)> {
    let mut out = Vec::new();
    for c in components(format, path, text)
        .into_iter()
        .filter(|c| c.name == name)
    {
        for l in c.locations.clone() {
            out.push((c.clone(), l.line));
        }
    }
    assert!(!out.is_empty(), "no {name} in {path}");
    out
}

/// Moves every place of `name` to `to`; the edited text, or the first error.
fn rewrite(
    format: Format,
    path: &str,
    text: &str,
    name: &str,
    to: &str,
    digest: Option<&str>,
    bump_ranges: bool,
) -> Result<Option<String>, RewriteError> {
    let target = Target {
        version: to.to_string(),
        digest: digest.map(str::to_string),
    };
    let mut current = text.to_string();
    let mut edited = false;
    for (component, line) in find(format, path, text, name) {
        let request = Request {
            component: &component,
            path,
            line,
            target: &target,
            bump_ranges,
        };
        let rewriter = rewriter_for(format).expect("a rewriter");
        match rewriter.rewrite(&current, &request)? {
            Outcome::AlreadySatisfied => {}
            Outcome::Rewritten(new) => {
                let expected = plan_edits(&request).unwrap().unwrap().expect;
                verify::rescan(&component, path, line, &current, &new, &expected)
                    .unwrap_or_else(|e| panic!("{path}:{line}: {e}"));
                current = new;
                edited = true;
            }
        }
    }
    Ok(edited.then_some(current))
}

/// Parses `text` with Python's own parser for `kind` (`toml`, `json`, `xml`).
fn parses(kind: &str, text: &str) {
    let script = match kind {
        "toml" => "import sys, tomllib; tomllib.loads(sys.stdin.read())",
        "json" => "import sys, json; json.loads(sys.stdin.read())",
        "xml" => "import sys, xml.etree.ElementTree as E; E.fromstring(sys.stdin.read())",
        other => panic!("no parser for {other}"),
    };
    let child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("python3 not found ({e}); parser check skipped outside CI");
            return;
        }
        Err(e) => panic!("python3 is required under CI=true: {e}"),
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{kind} parser rejects the edited file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn case(
    format: Format,
    rel: &str,
    moves: &[(&str, &str)],
    parser: Option<&str>,
    bump_ranges: bool,
) -> String {
    let original = fixture(rel);
    let mut text = original.clone();
    for (name, to) in moves {
        if let Some(new) = rewrite(format, rel, &text, name, to, None, bump_ranges).unwrap() {
            text = new;
        }
    }
    if let Some(kind) = parser {
        parses(kind, &text);
    }
    // Everything outside the edited lines is byte for byte the original.
    let diff = unified_diff(rel, &original, &text);
    let changed = diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .count();
    assert!(
        changed <= moves.len() * 2 + 2,
        "too many lines changed:\n{diff}"
    );
    diff
}

/// Whether a changed line (not context) of `diff` mentions `needle`.
fn touches(diff: &str, needle: &str) -> bool {
    diff.lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .any(|l| l.contains(needle))
}

#[test]
fn requirements_with_hashes_from_pip_compile() {
    let rel = "bedrock/requirements.txt";
    let original = fixture(rel);
    let new_hashes = format!(
        "sha256:{} sha256:{} sha256:{}",
        "1".repeat(64),
        "2".repeat(64),
        "3".repeat(64)
    );
    let text = rewrite(
        Format::Requirements,
        rel,
        &original,
        "django",
        "3.2.25",
        Some(&new_hashes),
        false,
    )
    .unwrap()
    .unwrap();
    let rescanned = find(Format::Requirements, rel, &text, "django");
    assert_eq!(rescanned[0].0.version.as_deref(), Some("3.2.25"));
    assert_eq!(
        rescanned[0].0.integrity.as_deref(),
        Some(new_hashes.as_str())
    );
    insta::assert_snapshot!("requirements_bedrock", unified_diff(rel, &original, &text));
    // Without new hashes a hash-pinned requirement is refused, not half-written.
    let e = rewrite(
        Format::Requirements,
        rel,
        &original,
        "attrs",
        "23.1.0",
        None,
        false,
    )
    .unwrap_err();
    assert!(e.to_string().contains("hash-pinned"), "{e}");
}

#[test]
fn pyproject_pep621_and_poetry_groups() {
    let diff = case(
        Format::Pyproject,
        "poetry/pyproject.toml",
        &[
            ("requests", "3.1.0"),
            ("pytest-github-actions-annotate-failures", "0.2.0"),
            ("pytest-xdist", "3.8.0"),
        ],
        Some("toml"),
        false,
    );
    assert!(diff.contains("+    \"requests (>=2.26,<4.0)\","), "{diff}");
    assert!(
        !touches(&diff, "pytest-xdist"),
        "a range that admits the target stays:\n{diff}"
    );
    insta::assert_snapshot!("pyproject_poetry", diff);
}

#[test]
fn package_json_widens_carets_and_bumps_ranges_on_request() {
    let diff = case(
        Format::PackageJson,
        "express/package.json",
        &[("debug", "5.0.1"), ("qs", "6.15.3")],
        Some("json"),
        false,
    );
    assert!(diff.contains("+    \"debug\": \"^5.0.1\","), "{diff}");
    assert!(!touches(&diff, "qs"), "{diff}");
    insta::assert_snapshot!("package_json_express", diff);
    let bumped = case(
        Format::PackageJson,
        "express/package.json",
        &[("qs", "6.15.3")],
        Some("json"),
        true,
    );
    assert!(bumped.contains("+    \"qs\": \"^6.15.3\","), "{bumped}");
}

#[test]
fn cargo_toml_plain_inline_and_dotted_tables() {
    let diff = case(
        Format::CargoToml,
        "ripgrep/Cargo.toml",
        &[
            ("anyhow", "1.0.100"),
            ("textwrap", "0.17.0"),
            ("tikv-jemallocator", "0.8.0"),
            ("lexopt", "1.0.0"),
        ],
        Some("toml"),
        false,
    );
    assert!(
        !touches(&diff, "anyhow"),
        "1.0.75 is a caret range admitting 1.0.100:\n{diff}"
    );
    insta::assert_snapshot!("cargo_toml_ripgrep", diff);
}

#[test]
fn go_mod_moves_requires_and_refuses_major_module_paths() {
    let rel = "cobra/go.mod";
    let diff = case(
        Format::GoMod,
        rel,
        &[("github.com/spf13/pflag", "v1.0.10")],
        None,
        false,
    );
    insta::assert_snapshot!("go_mod_cobra", diff);
    let e = rewrite(
        Format::GoMod,
        rel,
        &fixture(rel),
        "github.com/cpuguy83/go-md2man/v2",
        "v3.0.0",
        None,
        false,
    )
    .unwrap_err();
    assert!(e.to_string().contains("module path"), "{e}");
}

#[test]
fn pom_direct_versions_parent_and_properties() {
    let diff = case(
        Format::Pom,
        "petclinic/pom.xml",
        &[
            ("org.webjars.npm:bootstrap", "5.3.9"),
            (
                "org.springframework.boot:spring-boot-starter-parent",
                "4.0.5",
            ),
        ],
        Some("xml"),
        false,
    );
    assert!(
        diff.contains("+    <webjars-bootstrap.version>5.3.9</webjars-bootstrap.version>"),
        "{diff}"
    );
    insta::assert_snapshot!("pom_petclinic", diff);
}

#[test]
fn gradle_catalog_version_refs_and_inline_versions() {
    let diff = case(
        Format::GradleCatalog,
        "okhttp/gradle/libs.versions.toml",
        &[
            ("com.google.guava:guava", "33.7.0-jre"),
            (
                "com.gradleup.tapmoc:com.gradleup.tapmoc.gradle.plugin",
                "0.5.0",
            ),
        ],
        Some("toml"),
        false,
    );
    assert!(diff.contains("+guava = \"33.7.0-jre\""), "{diff}");
    insta::assert_snapshot!("gradle_catalog_okhttp", diff);
}

#[test]
fn composer_json_carets() {
    let diff = case(
        Format::ComposerJson,
        "laravel/composer.json",
        &[
            ("laravel/framework", "13.1.0"),
            ("laravel/tinker", "2.10.9"),
        ],
        Some("json"),
        false,
    );
    assert!(diff.contains("\"laravel/framework\": \"^13.1\""), "{diff}");
    assert!(!touches(&diff, "tinker"), "{diff}");
    insta::assert_snapshot!("composer_laravel", diff);
}

#[test]
fn gemfile_pessimistic_and_upper_bounds() {
    let diff = case(
        Format::Gemfile,
        "jekyll/Gemfile",
        &[
            ("rubocop", "1.80.0"),
            ("nokogiri", "1.18.9"),
            ("activesupport", "8.0.2"),
        ],
        None,
        false,
    );
    assert!(diff.contains("+  gem \"rubocop\", \"~> 1.80.0\""), "{diff}");
    assert!(!touches(&diff, "nokogiri"), "{diff}");
    insta::assert_snapshot!("gemfile_jekyll", diff);
}

#[test]
fn csproj_attributes_and_the_same_package_in_two_item_groups() {
    let diff = case(
        Format::Msbuild,
        "serilog/Serilog.Tests.csproj",
        &[
            ("Newtonsoft.Json", "13.0.4"),
            ("System.ValueTuple", "4.6.1"),
        ],
        Some("xml"),
        false,
    );
    assert_eq!(
        diff.matches("+    <PackageReference Include=\"System.ValueTuple\" Version=\"4.6.1\" />")
            .count(),
        2,
        "{diff}"
    );
    insta::assert_snapshot!("csproj_serilog", diff);
}

#[test]
fn an_edit_the_rescan_does_not_confirm_is_reported() {
    // A component whose line no longer holds its version: the rewriter refuses it.
    let rel = "express/package.json";
    let text = fixture(rel);
    let (component, line) = find(Format::PackageJson, rel, &text, "debug").remove(0);
    let moved = text.replace("\"debug\": \"^4.4.0\"", "\"debug\": \"^4.4.1\"");
    let target = Target {
        version: "5.0.0".into(),
        digest: None,
    };
    let request = Request {
        component: &component,
        path: rel,
        line,
        target: &target,
        bump_ranges: false,
    };
    let e = rewriter_for(Format::PackageJson)
        .unwrap()
        .rewrite(&moved, &request)
        .unwrap_err();
    assert!(matches!(e, RewriteError::NotFound { .. }), "{e}");
    // And verification itself rejects text where the component did not move.
    let expected = plan_edits(&request).unwrap().unwrap().expect;
    let err = verify::rescan(&component, rel, line, &text, &moved, &expected).unwrap_err();
    assert!(err.contains("expected `^5.0.0`"), "{err}");
}

/// Every fixture moved at once, in a copy of the tree: a re-scan of the whole tree reads the
/// new versions, and `polyver conflicts`' analysis finds nothing it did not find before.
#[test]
fn the_whole_tree_rescans_with_the_new_versions_and_no_new_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let moves: &[(Format, &str, &str, &str)] = &[
        (
            Format::GoMod,
            "cobra/go.mod",
            "github.com/spf13/pflag",
            "v1.0.10",
        ),
        (
            Format::PackageJson,
            "express/package.json",
            "debug",
            "5.0.1",
        ),
        (
            Format::Pom,
            "petclinic/pom.xml",
            "org.webjars.npm:bootstrap",
            "5.3.9",
        ),
        (
            Format::CargoToml,
            "ripgrep/Cargo.toml",
            "textwrap",
            "0.17.0",
        ),
        (
            Format::Msbuild,
            "serilog/Serilog.Tests.csproj",
            "System.ValueTuple",
            "4.6.1",
        ),
        (Format::Gemfile, "jekyll/Gemfile", "rubocop", "1.80.0"),
    ];
    let copy = |rel: &str| {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(&to, fixture(rel)).unwrap();
    };
    for rel in [
        "bedrock/requirements.txt",
        "okhttp/gradle/libs.versions.toml",
        "laravel/composer.json",
        "poetry/pyproject.toml",
    ] {
        copy(rel);
    }
    for (_, rel, _, _) in moves {
        copy(rel);
    }
    let config = polyver_extract::ScanConfig::default();
    let before = polyver_extract::scan(dir.path(), &config).unwrap();
    let conflicts_before = polyver_analyze::analyze(&before, &Default::default())
        .conflicts
        .len();
    for (format, rel, name, to) in moves {
        let text = std::fs::read_to_string(dir.path().join(rel)).unwrap();
        let new = rewrite(*format, rel, &text, name, to, None, false)
            .unwrap()
            .unwrap();
        std::fs::write(dir.path().join(rel), new).unwrap();
    }
    let after = polyver_extract::scan(dir.path(), &config).unwrap();
    for (_, rel, name, to) in moves {
        let c = after
            .components
            .iter()
            .find(|c| c.name == *name && c.locations[0].path == *rel)
            .unwrap_or_else(|| panic!("{name} not in {rel} any more"));
        let seen = c
            .version
            .clone()
            .or(c.constraint.as_ref().map(|k| k.raw.clone()))
            .unwrap();
        assert!(
            seen.contains(to.trim_start_matches('v')) || seen.contains(to),
            "{name}: {seen}"
        );
    }
    assert_eq!(after.components.len(), before.components.len());
    let conflicts_after = polyver_analyze::analyze(&after, &Default::default())
        .conflicts
        .len();
    assert!(
        conflicts_after <= conflicts_before,
        "{conflicts_before} → {conflicts_after}"
    );
}
