//! Differential tests: polyver's answers against the reference implementations'.
//!
//! `tests/vectors/<eco>.jsonl` holds one case per line, produced by the reference itself
//! (`tests/vectors/gen/`): `packaging` for pypi, npm's `semver` for npm, the `semver` crate for
//! cargo, Maven's `ComparableVersion` for maven, `dpkg --compare-versions` for debian, ...
//!
//! ```json
//! {"kind":"compare","a":"1.0a1","b":"1.0","expect":-1}
//! {"kind":"satisfies","version":"1.2.3","range":"^1.0.0","expect":true}
//! {"kind":"satisfies","version":"1.2.3","range":">=>1","expect":"error"}
//! {"kind":"parse","input":"1.2","expect":false}
//! ```
//! `"error"` means the reference rejected the version or the range. Every disagreement is
//! listed, and one disagreement fails the test: agreement must be 100%.

use polyver_version::{compare, is_valid, satisfies, Ecosystem};
use serde_json::Value;
use std::path::Path;

fn run(eco: Ecosystem) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(format!("{}.jsonl", eco.id()));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (regenerate with tests/vectors/gen)",
            path.display()
        )
    });
    let mut failures = Vec::new();
    let mut cases = 0usize;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        cases += 1;
        let case: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
        let s = |k: &str| {
            case[k]
                .as_str()
                .unwrap_or_else(|| panic!("line {}: no {k}", n + 1))
        };
        let expect = &case["expect"];
        let got: Value = match s("kind") {
            "compare" => match compare(eco, s("a"), s("b")) {
                Ok(o) => Value::from(o as i8),
                Err(_) => Value::from("error"),
            },
            "satisfies" => match satisfies(eco, s("version"), s("range")) {
                Ok(b) => Value::from(b),
                Err(_) => Value::from("error"),
            },
            "parse" => Value::from(is_valid(eco, s("input"))),
            other => panic!("line {}: unknown kind {other}", n + 1),
        };
        if &got != expect {
            failures.push(format!("line {}: {line} -> got {got}", n + 1));
        }
    }
    assert!(cases > 0, "{}: no cases", path.display());
    assert!(
        failures.is_empty(),
        "{eco}: {} of {cases} cases disagree with the reference:\n{}",
        failures.len(),
        failures
            .iter()
            .take(200)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

macro_rules! differential {
    ($($name:ident => $eco:expr),* $(,)?) => {
        $(#[test] fn $name() { run($eco) })*
    };
}

differential! {
    pypi => Ecosystem::Pypi,
    npm => Ecosystem::Npm,
    cargo => Ecosystem::Cargo,
    go => Ecosystem::Go,
    maven => Ecosystem::Maven,
    debian => Ecosystem::Debian,
    rubygems => Ecosystem::Rubygems,
    nuget => Ecosystem::Nuget,
}
