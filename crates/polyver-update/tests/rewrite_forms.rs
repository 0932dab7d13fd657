//! The formats without a real-repository fixture in `rewrite_real.rs` (Pipfile, setup.cfg,
//! plain Gradle files, a Poetry table, a Cargo workspace table), on the forms their
//! extractors document: each rewrite passes the re-scan check and touches only the version.

use polyver_extract::SourceFile;
use polyver_model::Format;
use polyver_update::formats::rewriter_for;
use polyver_update::rewrite::plan_edits;
use polyver_update::{verify, Outcome, Request, Target};

/// Moves `name` in `text` to `to`; the new text (unchanged when the range admits `to`).
fn moved(format: Format, path: &str, text: &str, name: &str, to: &str) -> String {
    let found =
        polyver_extract::registry::extractor(format).extract(&SourceFile::from_text(path, text));
    let component = found
        .components
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} in {found:?}"));
    let line = component.locations[0].line;
    let target = Target {
        version: to.into(),
        digest: None,
    };
    let request = Request {
        component,
        path,
        line,
        target: &target,
        bump_ranges: false,
    };
    match rewriter_for(format)
        .unwrap()
        .rewrite(text, &request)
        .unwrap()
    {
        Outcome::AlreadySatisfied => text.to_string(),
        Outcome::Rewritten(new) => {
            let expected = plan_edits(&request).unwrap().unwrap().expect;
            verify::rescan(component, path, line, text, &new, &expected).unwrap();
            new
        }
    }
}

#[test]
fn pipfile_strings_and_inline_tables() {
    let text = "[packages]\nrequests = \"==2.31.0\"  # pinned\nflask = {version = \">=2.0,<3\", extras=[\"async\"]}\n";
    let out = moved(Format::Pipfile, "Pipfile", text, "requests", "2.32.3");
    assert_eq!(out, text.replace("==2.31.0", "==2.32.3"));
    let out = moved(Format::Pipfile, "Pipfile", text, "flask", "3.0.3");
    assert_eq!(out, text.replace("<3\"", "<4\""));
}

#[test]
fn setup_cfg_install_requires() {
    let text = "[options]\ninstall_requires =\n    click>=8.0,<9\n    attrs==22.1.0\n";
    assert_eq!(
        moved(Format::SetupCfg, "setup.cfg", text, "attrs", "23.2.0"),
        text.replace("22.1.0", "23.2.0")
    );
    assert_eq!(
        moved(Format::SetupCfg, "setup.cfg", text, "click", "9.1.0"),
        text.replace("<9", "<10")
    );
}

#[test]
fn gradle_string_and_map_notations() {
    let text = "dependencies {\n    implementation \"org.slf4j:slf4j-api:1.7.36\"\n    implementation group: 'commons-io', name: 'commons-io', version: '2.11.0'\n}\n";
    let out = moved(
        Format::Gradle,
        "build.gradle",
        text,
        "org.slf4j:slf4j-api",
        "2.0.13",
    );
    assert_eq!(out, text.replace("1.7.36", "2.0.13"));
    let out = moved(
        Format::Gradle,
        "build.gradle",
        text,
        "commons-io:commons-io",
        "2.16.1",
    );
    assert_eq!(out, text.replace("2.11.0", "2.16.1"));
}

#[test]
fn poetry_tables_and_cargo_workspace_dependencies() {
    let text = "[tool.poetry.dependencies]\npython = \"^3.10\"\ncelery = { version = \"~5.2\", extras = [\"redis\"] }\n";
    assert_eq!(
        moved(Format::Pyproject, "pyproject.toml", text, "celery", "5.4.0"),
        text.replace("~5.2", "~5.4")
    );
    let cargo = "[workspace.dependencies]\nanyhow = \"1\"\nserde = { version = \"1.0\", features = [\"derive\"] }  # keep\n";
    assert_eq!(
        moved(Format::CargoToml, "Cargo.toml", cargo, "anyhow", "1.0.86"),
        cargo,
        "`1` admits 1.0.86"
    );
    assert_eq!(
        moved(Format::CargoToml, "Cargo.toml", cargo, "anyhow", "2.0.1"),
        cargo.replace("anyhow = \"1\"", "anyhow = \"2\"")
    );
}

#[test]
fn central_package_versions_and_packages_config() {
    let props = "<Project>\r\n  <ItemGroup>\r\n    <PackageVersion Include=\"Serilog\" Version=\"2.12.0\" />\r\n  </ItemGroup>\r\n</Project>\r\n";
    assert_eq!(
        moved(
            Format::Msbuild,
            "Directory.Packages.props",
            props,
            "Serilog",
            "3.1.1"
        ),
        props.replace("2.12.0", "3.1.1")
    );
    let config = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n  <package id=\"Newtonsoft.Json\" version=\"12.0.3\" targetFramework=\"net48\" />\n</packages>\n";
    assert_eq!(
        moved(
            Format::Msbuild,
            "packages.config",
            config,
            "Newtonsoft.Json",
            "13.0.3"
        ),
        config.replace("12.0.3", "13.0.3")
    );
}
