//! The Pulumi provider pass of `scan`: packages of a Pulumi program's own manifests (beside
//! its `Pulumi.yaml`) that are provider SDKs become `provider`s; the same names elsewhere,
//! and the engine SDK (`pulumi`, `@pulumi/pulumi`), stay `package`s.

use polyver_extract::{scan, ScanConfig};
use polyver_model::Kind;
use std::path::Path;

#[test]
fn providers_beside_pulumi_yaml_are_marked() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pulumi-providers");
    let inventory = scan(&root, &ScanConfig::default()).unwrap();
    assert!(
        inventory.diagnostics.is_empty(),
        "{:?}",
        inventory.diagnostics
    );
    let mut found: Vec<String> = inventory
        .components
        .iter()
        .map(|c| {
            let kind = match c.kind {
                Kind::Provider => "provider",
                Kind::Package => "package",
                Kind::Runtime => "runtime",
                _ => "other",
            };
            format!("{kind} {} {} {}", c.ecosystem, c.name, c.locations[0].path)
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "package npm @pulumi/aws web/package.json",
            "package npm @pulumi/pulumi infra/package.json",
            "package npm left-pad infra/package.json",
            "package pypi pulumi infra/requirements.txt",
            "package pypi requests infra/requirements.txt",
            "provider npm @pulumi/aws infra/package.json",
            "provider npm @pulumi/kubernetes infra/package.json",
            "provider pypi pulumi-aws infra/requirements.txt",
            "provider pypi pulumi-vultr infra/requirements.txt",
            "runtime generic python infra/Pulumi.yaml",
        ]
    );
}
