//! The YAML-based extractors on malformed and hostile input: every malformed file yields a
//! diagnostic with a line (and whatever could be read before the problem); alias bombs and
//! pathological nesting end quickly; nothing panics.

mod common;

use common::{diagnosed, run};

use std::path::Path;

const COMPOSE: (&str, &str) = ("compose", "docker-compose.yml");
const WORKFLOW: (&str, &str) = ("github-actions", ".github/workflows/ci.yml");
const GITLAB: (&str, &str) = ("gitlab-ci", ".gitlab-ci.yml");

/// A billion-laughs document: ten levels of ten aliases each.
fn alias_bomb(prefix: &str) -> String {
    let mut text = format!("{prefix}\nx-a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    let mut prev = 'a';
    for c in 'b'..='j' {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        text.push_str(&format!("x-{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    text.push_str(&format!(
        "x-bomb: [{}]\n",
        vec![format!("*{prev}"); 10].join(", ")
    ));
    text
}

fn all_targets() -> [(&'static str, &'static str); 3] {
    [COMPOSE, WORKFLOW, GITLAB]
}

#[test]
fn syntax_errors_keep_what_came_before() {
    let found = diagnosed(
        COMPOSE,
        "services:\n  db:\n    image: postgres:16\n  web:\n    image: [nginx:1.25\n",
    );
    assert_eq!(found.components.len(), 1, "{:?}", found.components);
    let d = &found.diagnostics[0];
    assert!(d.line >= 5, "{d:?}");

    let found = diagnosed(
        WORKFLOW,
        "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: \"unterminated\n",
    );
    assert_eq!(found.components.len(), 1);

    let found = diagnosed(
        GITLAB,
        "image: python:3.12\njob:\n  image: node:20\n\tscript: [x]\n",
    );
    assert!(!found.components.is_empty());
}

#[test]
fn wrong_shapes_are_diagnosed() {
    diagnosed(COMPOSE, "services:\n  - web\n  - db\n");
    diagnosed(COMPOSE, "services:\n  web:\n    image: {name: nginx}\n");
    diagnosed(COMPOSE, "services:\n  web:\n    ports: [80]\n");
    diagnosed(COMPOSE, "services:\n  web: nginx\n");
    diagnosed(COMPOSE, "services:\n  web:\n    image: ${REGISTRY}/web:1\n");
    diagnosed(COMPOSE, "services:\n  web:\n    image: 'nginx:'\n");
    diagnosed(WORKFLOW, "jobs: [a, b]\n");
    diagnosed(
        WORKFLOW,
        "jobs:\n  a:\n    steps:\n      - uses: actions/checkout\n",
    );
    diagnosed(WORKFLOW, "jobs:\n  a:\n    steps:\n      - uses: [x]\n");
    diagnosed(WORKFLOW, "jobs:\n  a:\n    steps: run\n");
    diagnosed(
        WORKFLOW,
        "jobs:\n  a:\n    container: ${{ inputs.image }}\n",
    );
    diagnosed(
        WORKFLOW,
        "jobs:\n  a:\n    steps:\n      - uses: owner@v1\n",
    );
    diagnosed(GITLAB, "job:\n  image: {entrypoint: [\"\"]}\n");
    diagnosed(
        GITLAB,
        "job:\n  image: python:3.12\n  services: docker:dind\n",
    );
    diagnosed(GITLAB, "a:\n  extends: b\n  image: x:1\nb:\n  extends: a\n");
    diagnosed(GITLAB, "job:\n  image: $CI_REGISTRY_IMAGE/app:1\n");
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "\u{feff}",
        "---\n...\n---\n",
        "- a\n- b\n",
        "just a scalar",
        "key: *undefined\n",
        "a: &x 1\nb: &x 2\nc: *x\n",
        "<<: *nope\n",
        "services:\n  <<: [1, 2]\n  a: {<<: {image: x:1}}\n",
        "jobs:\n  a:\n    strategy:\n      matrix: ${{ fromJSON(needs.x.outputs.m) }}\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: ${{ matrix.py }}\n",
        "%YAML 1.2\n%TAG ! tag:x,2000:\n--- !x\na: 1\n",
        "a: b: c\n",
        "? [a, b]\n: c\n",
        "\u{0}\u{1}\u{7f}",
        "services:\n  x:\n    image: ${A:-${B:-${C:-${D:-${E:-${F:-${G:-${H:-${I:-${J:-1}}}}}}}}}}\n",
        "variables:\n  A: $B$B$B$B$B$B$B$B\n  B: $C$C$C$C$C$C$C$C\n  C: $D$D$D$D$D$D$D$D\n  D: $E$E$E$E$E$E$E$E\n  E: xxxxxxxxxxxxxxxxxxxxxxx\njob:\n  image: $A\n",
    ];
    for target in all_targets() {
        for input in inputs {
            run(target, input);
        }
    }
}

#[test]
fn alias_bombs_are_cut_short() {
    for (target, prefix) in [
        (COMPOSE, "services:\n  web:\n    image: nginx:1.25"),
        (WORKFLOW, "jobs:\n  a:\n    container: node:20"),
        (GITLAB, "job:\n  image: node:20"),
    ] {
        let found = diagnosed(target, &alias_bomb(prefix));
        assert!(
            found
                .diagnostics
                .iter()
                .any(|d| d.message.contains("alias")),
            "{:?}",
            found.diagnostics
        );
        // What came before the bomb is still reported.
        assert_eq!(found.components.len(), 1, "{:?}", found.components);
    }
}

#[test]
fn deep_nesting_is_cut_short() {
    let flow = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let flow_maps = format!("a: {}{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    let block = "- ".repeat(10_000) + "x\n";
    let indented: String = (0..10_000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    for target in all_targets() {
        for text in [&flow, &flow_maps, &block, &indented] {
            diagnosed(target, text);
        }
    }
}

#[test]
fn truncated_fixtures_never_panic() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (target, fixture) in [
        (COMPOSE, "compose/docker-compose.yml"),
        (WORKFLOW, "github-actions/.github/workflows/ci.yml"),
        (GITLAB, "gitlab-ci/.gitlab-ci.yml"),
    ] {
        let text = std::fs::read_to_string(fixtures.join(fixture)).unwrap();
        for end in (0..text.len()).step_by(7) {
            if let Some(prefix) = text.get(..end) {
                run(target, prefix);
            }
        }
    }
}
