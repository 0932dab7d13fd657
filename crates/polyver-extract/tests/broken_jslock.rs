//! The JavaScript lock-file extractors on malformed input: a broken file of the extractor's
//! own format yields at least one diagnostic with a line (and whatever could be read), and
//! no input — truncations of the fixtures, noise, deep nesting, alias bombs — panics.

mod common;

use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;
use std::path::Path;

/// The characters this file's formats branch on, shuffled by `common::noise`.
const NOISE: &str = "{}[]\":,=<>~^*@#&!|-?\\\n\r\t  _./abcxyz019$`'\x00é";

/// (extractor id, file name, malformed content, line the first diagnostic must be on)
const MALFORMED: &[(&str, &str, &str, u32)] = &[
    // yarn classic: unterminated quote, missing `:` after a header, bad indentation.
    (
        "yarn-lock",
        "yarn.lock",
        "# yarn lockfile v1\n\n\nms@^2.1.3:\n  version \"2.1.3\n",
        5,
    ),
    (
        "yarn-lock",
        "yarn.lock",
        "# yarn lockfile v1\n\nms@^2.1.3\n  version \"2.1.3\"\n",
        3,
    ),
    (
        "yarn-lock",
        "yarn.lock",
        "# yarn lockfile v1\n\nms@^2.1.3:\n   version \"2.1.3\"\n",
        4,
    ),
    ("yarn-lock", "yarn.lock", "# yarn lockfile v1\n\nms@^2.1.3:\n", 3),
    // yarn berry: broken YAML, an entry without resolution, a non-mapping entry.
    (
        "yarn-lock",
        "yarn.lock",
        "__metadata:\n  version: 8\n\n\"ms@npm:^2\":\n  version: [2.1.3\n",
        6,
    ),
    (
        "yarn-lock",
        "yarn.lock",
        "__metadata:\n  version: 8\n\"ms@npm:^2\":\n  version: 2.1.3\n",
        3,
    ),
    (
        "yarn-lock",
        "yarn.lock",
        "__metadata:\n  version: 8\n\"ms@npm:^2\": 2.1.3\n",
        3,
    ),
    // pnpm: YAML error, unknown version, a packages entry that is a scalar, a dangling
    // importer reference, an unreadable key.
    (
        "pnpm-lock",
        "pnpm-lock.yaml",
        "lockfileVersion: '9.0'\npackages:\n  ms@2.1.3:\n    resolution: {integrity: x\n",
        5,
    ),
    (
        "pnpm-lock",
        "pnpm-lock.yaml",
        "packages:\n  ms@2.1.3: {}\n",
        1,
    ),
    (
        "pnpm-lock",
        "pnpm-lock.yaml",
        "lockfileVersion: '6.0'\npackages:\n  /ms@2.1.3: 7\n",
        3,
    ),
    (
        "pnpm-lock",
        "pnpm-lock.yaml",
        "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      ms:\n        specifier: ^2\n        version: 2.1.3\n",
        5,
    ),
    (
        "pnpm-lock",
        "pnpm-lock.yaml",
        "lockfileVersion: 5.4\npackages:\n  /nameonly:\n    dev: false\n",
        3,
    ),
    ("pnpm-lock", "pnpm-lock.yaml", "- just\n- a list\n", 1),
    // bun: truncated JSON, a package that is not an array, a bad first item, an
    // unknown workspace dependency.
    (
        "bun-lock",
        "bun.lock",
        "{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n    \"ms\": [\"ms@2.1.3\", \"\",\n",
        5,
    ),
    (
        "bun-lock",
        "bun.lock",
        "{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n    \"ms\": \"ms@2.1.3\",\n  },\n}\n",
        4,
    ),
    (
        "bun-lock",
        "bun.lock",
        "{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n    \"ms\": [42],\n  },\n}\n",
        4,
    ),
    (
        "bun-lock",
        "bun.lock",
        "{\"lockfileVersion\": 1,\n\"workspaces\": {\"\": {\"dependencies\": {\n\"ms\": \"^2\"}}}}\n",
        3,
    ),
];

#[test]
fn malformed_lock_files_give_located_diagnostics() {
    common::assert_located_diagnostics(MALFORMED);
}

#[test]
fn partial_results_survive_an_error() {
    let all = extractors();
    let classic = all.iter().find(|x| x.id() == "yarn-lock").unwrap();
    let text = "# yarn lockfile v1\n\nms@^2.1.3:\n  version \"2.1.3\"\n\nbad line here\n\ndebug@^4:\n  version \"4.4.3\"\n";
    let found = classic.extract(&SourceFile::from_text("yarn.lock", text));
    let names: Vec<&str> = found.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ms", "debug"]);
    assert!(found.diagnostics.iter().any(|d| d.line == 6));
}

#[test]
fn binary_bun_lockb_is_skipped_with_info() {
    let all = extractors();
    let bun = all.iter().find(|x| x.id() == "bun-lock").unwrap();
    assert!(bun.matches(Path::new("bun.lockb")));
    let found = bun.extract(&SourceFile::from_text(
        "bun.lockb",
        "#!/usr/bin/env bun\nbun-lockfile-format-v0\n",
    ));
    assert!(found.components.is_empty());
    assert_eq!(found.diagnostics.len(), 1);
    assert!(found.diagnostics[0]
        .message
        .contains("bun install --save-text-lockfile"));
}

#[test]
fn garbage_truncation_and_bombs_never_panic() {
    let samples = [
        ("yarn.lock", "yarn-lock/classic/yarn.lock"),
        ("yarn.lock", "yarn-lock/berry/yarn.lock"),
        ("yarn.lock", "yarn-lock/berry-v4/yarn.lock"),
        ("pnpm-lock.yaml", "pnpm-lock/v5/pnpm-lock.yaml"),
        ("pnpm-lock.yaml", "pnpm-lock/v6/pnpm-lock.yaml"),
        ("pnpm-lock.yaml", "pnpm-lock/v9/pnpm-lock.yaml"),
        ("bun.lock", "bun-lock/v1/bun.lock"),
        ("bun.lock", "bun-lock/v2/bun.lock"),
    ];
    let bomb = {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x]\n");
        for i in 1..30 {
            s.push_str(&format!("a{i}: &a{i} [*a, *a, *a, *a, *a, *a, *a, *a]\n"));
        }
        s
    };
    let extra: Vec<String> = vec![
        "[".repeat(10_000),
        "{".repeat(10_000),
        "a:\n".to_string() + &" b:\n".repeat(5_000),
        "__metadata:\n".to_string() + &"  - ".repeat(5_000),
        bomb.clone(),
    ];
    common::assert_never_panics(&samples, 5, NOISE, &extra);
}
