use crate::ScanConfig;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_walk_records_the_project_licence_facts() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    write(r, "package.json", "{\n  \"name\": \"x\",\n  \"licenses\": [\"MIT\", {\"type\": \"Apache-2.0 WITH LLVM-exception\"}]\n}\n");
    write(
        r,
        "pyproject.toml",
        "[project]\nname = \"x\"\nlicense = { file = \"COPYING\" }\n",
    );
    write(r, "COPYING", "text");
    write(r, "LICENSE-MIT", "text");
    write(r, "docs/LICENSE", "not at the root");
    let inventory = crate::scan(r, &ScanConfig::default()).unwrap();
    let declared: Vec<(&str, u32, &polyver_model::project::DeclaredLicense)> = inventory
        .declared_licenses
        .iter()
        .map(|d| (d.path.as_str(), d.line, &d.declared))
        .collect();
    use polyver_model::project::DeclaredLicense::{Expression, File};
    assert_eq!(
        declared,
        [
            (
                "package.json",
                3,
                &Expression("MIT OR (Apache-2.0 WITH LLVM-exception)".into())
            ),
            ("pyproject.toml", 3, &File("COPYING".into())),
        ]
    );
    assert_eq!(inventory.license_files, ["COPYING", "LICENSE-MIT"]);
}
