//! The five lock formats peers read (pubspec.lock, Package.resolved, Podfile.lock,
//! conan.lock, renv.lock) against osv-scalibr's test fixtures: for each fixture, polyver's
//! (name, version) set of packages equals what scalibr's Go test for it expects
//! (`extractor/filesystem/language/<lang>/<format>/*_test.go`, copied here as data), plus
//! the packages polyver keeps on purpose and scalibr drops (`polyver_only`: renv records
//! not from CRAN). A fixture scalibr rejects gives polyver at least one diagnostic.

use polyver_extract::registry;
use polyver_extract::SourceFile;
use polyver_model::{Format, Kind};
use std::collections::BTreeSet;
use std::path::Path;

struct Case {
    format: &'static str,
    /// The file name the format is read under (scalibr's fixtures have other names).
    name: &'static str,
    fixture: &'static str,
    scalibr: &'static [(&'static str, &'static str)],
    polyver_only: &'static [(&'static str, &'static str)],
    scalibr_error: bool,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/empty.v1.revisions.json", scalibr: &[], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/one-package.v1.revisions.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/no-name.v1.revisions.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/two-packages.v1.revisions.json", scalibr: &[("bzip2", "1.0.8"), ("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/nested-dependencies.v1.revisions.json", scalibr: &[("brotli", "1.0.9"), ("bzip2", "1.0.8"), ("freetype", "2.12.1"), ("libpng", "1.6.39"), ("zlib", "1.2.13")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/one-package-dev.v1.revisions.json", scalibr: &[("ninja", "1.11.1")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/not-json.txt", scalibr: &[], polyver_only: &[], scalibr_error: true },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/empty.v1.json", scalibr: &[], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/one-package.v1.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/no-name.v1.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/two-packages.v1.json", scalibr: &[("bzip2", "1.0.8"), ("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/nested-dependencies.v1.json", scalibr: &[("brotli", "1.0.9"), ("bzip2", "1.0.8"), ("freetype", "2.12.1"), ("libpng", "1.6.39"), ("zlib", "1.2.13")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/one-package-dev.v1.json", scalibr: &[("ninja", "1.11.1")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/old-format-0.0.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/old-format-0.1.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/old-format-0.2.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/old-format-0.3.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/empty.v2.json", scalibr: &[], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/null.v2.jsontest", scalibr: &[], polyver_only: &[], scalibr_error: true },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/one-package.v2.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/no-name.v2.json", scalibr: &[("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/two-packages.v2.json", scalibr: &[("bzip2", "1.0.8"), ("zlib", "1.2.11")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/nested-dependencies.v2.json", scalibr: &[("brotli", "1.0.9"), ("bzip2", "1.0.8"), ("freetype", "2.12.1"), ("libpng", "1.6.39"), ("zlib", "1.2.13")], polyver_only: &[], scalibr_error: false },
    Case { format: "conan-lock", name: "conan.lock", fixture: "conan-lock/scalibr/one-package-dev.v2.json", scalibr: &[("ninja", "1.11.1")], polyver_only: &[], scalibr_error: false },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/not-yaml.txt", scalibr: &[], polyver_only: &[], scalibr_error: true },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/empty.lock", scalibr: &[], polyver_only: &[], scalibr_error: true },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/no-packages.lock", scalibr: &[], polyver_only: &[], scalibr_error: false },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/one-package.lock", scalibr: &[("back_button_interceptor", "6.0.1")], polyver_only: &[], scalibr_error: false },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/one-package-dev.lock", scalibr: &[("build_runner", "2.2.1")], polyver_only: &[], scalibr_error: false },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/two-packages.lock", scalibr: &[("shelf", "1.3.2"), ("shelf_web_socket", "1.0.2")], polyver_only: &[], scalibr_error: false },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/mixed-packages.lock", scalibr: &[("back_button_interceptor", "6.0.1"), ("build_runner", "2.2.1"), ("shelf", "1.3.2"), ("shelf_web_socket", "1.0.2")], polyver_only: &[], scalibr_error: false },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/source-git.lock", scalibr: &[("flutter_rust_bridge", "1.32.0"), ("screen_retriever", "0.1.2"), ("toggle_switch", "1.4.0"), ("tray_manager", "0.1.8"), ("window_manager", "0.2.7")], polyver_only: &[], scalibr_error: false },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/source-sdk.lock", scalibr: &[("flutter_web_plugins", "0.0.0")], polyver_only: &[], scalibr_error: false },
    Case { format: "pubspec-lock", name: "pubspec.lock", fixture: "pubspec-lock/scalibr/source-path.lock", scalibr: &[("maa_core", "0.0.1")], polyver_only: &[], scalibr_error: false },
    Case { format: "renv-lock", name: "renv.lock", fixture: "renv-lock/scalibr/not-json.txt", scalibr: &[], polyver_only: &[], scalibr_error: true },
    Case { format: "renv-lock", name: "renv.lock", fixture: "renv-lock/scalibr/empty.lock", scalibr: &[], polyver_only: &[], scalibr_error: false },
    Case { format: "renv-lock", name: "renv.lock", fixture: "renv-lock/scalibr/one-package.lock", scalibr: &[("morning", "0.1.0")], polyver_only: &[], scalibr_error: false },
    Case { format: "renv-lock", name: "renv.lock", fixture: "renv-lock/scalibr/two-packages.lock", scalibr: &[("markdown", "1.0"), ("mime", "0.7")], polyver_only: &[], scalibr_error: false },
    Case { format: "renv-lock", name: "renv.lock", fixture: "renv-lock/scalibr/with-mixed-sources.lock", scalibr: &[("markdown", "1.0")], polyver_only: &[("mime", "0.12.1")], scalibr_error: false },
    Case { format: "renv-lock", name: "renv.lock", fixture: "renv-lock/scalibr/with-bioconductor.lock", scalibr: &[("BH", "1.75.0-0")], polyver_only: &[("BSgenome", "1.60.0")], scalibr_error: false },
    Case { format: "renv-lock", name: "renv.lock", fixture: "renv-lock/scalibr/without-repository.lock", scalibr: &[], polyver_only: &[("morning", "0.1.0")], scalibr_error: false },
    Case { format: "package-resolved", name: "Package.resolved", fixture: "package-resolved/scalibr/valid", scalibr: &[("github.com/apple/swift-algorithms", "1.0.0"), ("github.com/apple/swift-async-algorithms", "0.1.0"), ("github.com/apple/swift-atomics", "1.1.0")], polyver_only: &[], scalibr_error: false },
    Case { format: "package-resolved", name: "Package.resolved", fixture: "package-resolved/scalibr/invalid", scalibr: &[], polyver_only: &[], scalibr_error: true },
    Case { format: "package-resolved", name: "Package.resolved", fixture: "package-resolved/scalibr/empty", scalibr: &[], polyver_only: &[], scalibr_error: true },
    Case { format: "podfile-lock", name: "Podfile.lock", fixture: "podfile-lock/scalibr/valid", scalibr: &[("GlossButtonNode", "3.1.2"), ("PINCache", "3.0.3")], polyver_only: &[], scalibr_error: false },
    Case { format: "podfile-lock", name: "Podfile.lock", fixture: "podfile-lock/scalibr/valid2", scalibr: &[("GlossButtonNode", "3.1.2"), ("PINCache", "3.0.3"), ("Reveal-SDK", "1.5.0"), ("SwiftGen", "6.0.0")], polyver_only: &[], scalibr_error: false },
    Case { format: "podfile-lock", name: "Podfile.lock", fixture: "podfile-lock/scalibr/invalid", scalibr: &[], polyver_only: &[], scalibr_error: true },
    Case { format: "podfile-lock", name: "Podfile.lock", fixture: "podfile-lock/scalibr/empty", scalibr: &[], polyver_only: &[], scalibr_error: true },
];

#[test]
fn packages_equal_what_scalibr_expects() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut failures = Vec::new();
    for case in CASES {
        let text = std::fs::read_to_string(fixtures.join(case.fixture)).unwrap();
        let format = Format::from_id(case.format).unwrap();
        let found = registry::extractor(format).extract(&SourceFile::from_text(case.name, text));
        let got: BTreeSet<(String, String)> = found
            .components
            .iter()
            .filter(|c| c.kind == Kind::Package)
            .map(|c| (c.name.clone(), c.version.clone().unwrap_or_default()))
            .collect();
        let want: BTreeSet<(String, String)> = case
            .scalibr
            .iter()
            .chain(case.polyver_only)
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        if got != want {
            failures.push(format!("{}: got {got:?}, want {want:?}", case.fixture));
        }
        if case.scalibr_error && found.diagnostics.is_empty() {
            failures.push(format!(
                "{}: scalibr rejects it, polyver said nothing",
                case.fixture
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_scalibr_fixture_is_checked() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let checked: BTreeSet<&str> = CASES.iter().map(|c| c.fixture).collect();
    for format in [
        "pubspec-lock",
        "package-resolved",
        "podfile-lock",
        "conan-lock",
        "renv-lock",
    ] {
        for entry in std::fs::read_dir(fixtures.join(format).join("scalibr")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name == "NOTICE" {
                continue;
            }
            let rel = format!("{format}/scalibr/{name}");
            assert!(checked.contains(rel.as_str()), "{rel} has no case");
        }
    }
}
