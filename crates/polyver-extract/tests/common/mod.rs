//! Shared by the snapshot test files: run one extractor over a fixture directory, read from
//! disk exactly as the walker would (so includes are followed), merged the way `scan` merges.
#![allow(dead_code)]

use polyver_extract::registry::extractors;
use polyver_extract::{Extracted, Extractor, SourceFile};
use polyver_model::{merge_components, Component, Diagnostic};
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Serialize)]
pub struct Snapshot {
    pub components: Vec<Component>,
    pub diagnostics: Vec<Diagnostic>,
}

fn files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(root, &p, out);
        } else {
            let rel = p.strip_prefix(root).unwrap();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

pub fn extract_fixture(id: &str, dir: &str) -> Snapshot {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let format = polyver_model::Format::from_id(id).expect("a registered format id");
    let extractor: &dyn Extractor = polyver_extract::registry::extractor(format);
    let mut rels = Vec::new();
    files(&root, &root, &mut rels);
    let mut components = Vec::new();
    let mut diagnostics = Vec::new();
    let mut matched = 0;
    for rel in rels {
        if !extractor.matches(Path::new(&rel)) {
            continue;
        }
        matched += 1;
        let file = SourceFile::load(&root, &rel, u64::MAX).unwrap();
        let found = extractor.extract(&file);
        components.extend(found.components);
        diagnostics.extend(found.diagnostics);
    }
    assert!(matched > 0, "no fixture matched {id}");
    diagnostics.sort();
    diagnostics.dedup();
    Snapshot {
        components: merge_components(components),
        diagnostics,
    }
}

/// Deterministic noise over `alphabet` (xorshift; no dependency needed), for the
/// never-panic tests: the characters a format's parser branches on, shuffled.
pub fn noise(seed: u64, len: usize, alphabet: &str) -> String {
    let alphabet: Vec<char> = alphabet.chars().collect();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize]
        })
        .collect()
}

/// Each `(extractor id, file name, malformed text, line)`: the extractor claims the file name
/// and reports a diagnostic on that line, for that file.
pub fn assert_located_diagnostics(cases: &[(&str, &str, &str, u32)]) {
    let all = extractors();
    for (id, name, text, line) in cases {
        let x = all
            .iter()
            .find(|x| x.id() == *id)
            .unwrap_or_else(|| panic!("no extractor {id}"));
        assert!(x.matches(Path::new(name)), "{id} should match {name}");
        let found = x.extract(&SourceFile::from_text(*name, *text));
        assert!(
            found.diagnostics.iter().any(|d| d.line == *line),
            "{id} on {text:?}: expected a diagnostic at line {line}, got {:?}",
            found.diagnostics
        );
        for d in &found.diagnostics {
            assert_eq!(d.path, *name);
        }
    }
}

/// Every extractor claiming each sample's file name (there must be one) runs, without
/// panicking, on: the sample's fixture cut every `step` bytes, 200 strings of `noise` over
/// `alphabet`, a lone BOM, and the caller's hostile `extra` inputs (deep nesting, bombs).
pub fn assert_never_panics(
    samples: &[(&str, &str)],
    step: usize,
    alphabet: &str,
    extra: &[String],
) {
    let all = extractors();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (name, fixture) in samples {
        let text = std::fs::read_to_string(fixtures.join(fixture)).unwrap();
        let mut inputs: Vec<String> = (0..text.len())
            .step_by(step)
            .filter(|i| text.is_char_boundary(*i))
            .map(|i| text[..i].to_string())
            .collect();
        inputs.extend((0..200).map(|seed| noise(seed, 10 + seed as usize * 3, alphabet)));
        inputs.push("\u{feff}".into());
        inputs.extend(extra.iter().cloned());
        let matching: Vec<_> = all.iter().filter(|x| x.matches(Path::new(name))).collect();
        assert!(!matching.is_empty(), "nothing matches {name}");
        for x in matching {
            for input in &inputs {
                let _ = x.extract(&SourceFile::from_text(*name, input.as_str()));
            }
        }
    }
}

/// Runs extractor `id` on `text` as file `name`: it must claim the name, finish within 5 s,
/// and point every diagnostic at that file.
pub fn run((id, name): (&str, &str), text: &str) -> Extracted {
    let all = extractors();
    let x = all.iter().find(|x| x.id() == id).unwrap();
    assert!(x.matches(Path::new(name)), "{id} should match {name}");
    let start = Instant::now();
    let found = x.extract(&SourceFile::from_text(name, text));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{id} took {:?}",
        start.elapsed()
    );
    for d in &found.diagnostics {
        assert_eq!(d.path, name);
    }
    found
}

/// Runs and asserts a diagnostic on a line (> 0); returns the result for further checks.
pub fn diagnosed(target: (&str, &str), text: &str) -> Extracted {
    let found = run(target, text);
    assert!(
        found.diagnostics.iter().any(|d| d.line > 0),
        "{} on {text:?}: no diagnostic with a line: {:?}",
        target.0,
        found.diagnostics
    );
    found
}
