use super::*;

#[test]
fn matching() {
    let x = GithubActionsExtractor;
    for yes in [
        ".github/workflows/ci.yml",
        ".github/workflows/release.yaml",
        ".github/actions/setup/action.yml",
        ".github/actions/a/b/action.yaml",
    ] {
        assert!(x.matches(Path::new(yes)), "{yes}");
    }
    for no in [
        ".github/workflows/sub/ci.json",
        ".github/dependabot.yml",
        "workflows/ci.yml",
        ".github/actions/setup/other.yml",
    ] {
        assert!(!x.matches(Path::new(no)), "{no}");
    }
}

#[test]
fn refs() {
    assert!(is_commit_sha("b4ffde65f46336ab88eb53be808477a3936bae11"));
    assert!(!is_commit_sha("v4"));
    assert!(looks_like_version("v4"));
    assert!(!looks_like_version("main"));
    assert!(is_float_losing_zero("3.10"));
    assert!(!is_float_losing_zero("3.12"));
}

#[test]
fn runners_and_tool_inputs() {
    let text = "jobs:\n  test:\n    strategy:\n      matrix:\n        os: [ubuntu-22.04, macos-14, windows-2022]\n        node: ['20', '22']\n    runs-on: ${{ matrix.os }}\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-version: ${{ matrix.node }}\n      - uses: golangci/golangci-lint-action@v6\n        with:\n          version: v1.59.1\n  own:\n    runs-on: [self-hosted, linux]\n    steps: []\n  float:\n    runs-on: ubuntu-latest\n    steps: []\n";
    let x =
        GithubActionsExtractor.extract(&SourceFile::from_text(".github/workflows/ci.yml", text));
    let got: Vec<_> = x
        .components
        .iter()
        .filter(|c| c.kind != Kind::Action)
        .map(|c| {
            (
                c.kind,
                c.name.as_str(),
                c.version
                    .as_deref()
                    .or(c.constraint.as_ref().map(|k| k.raw.as_str())),
                c.locations[0].line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Kind::Tool, "ubuntu-runner", Some("22.04"), 5),
            (Kind::Tool, "macos-runner", Some("14"), 5),
            (Kind::Tool, "windows-runner", Some("2022"), 5),
            (Kind::Runtime, "node", Some("20"), 6),
            (Kind::Runtime, "node", Some("22"), 6),
            (Kind::Tool, "golangci-lint", Some("1.59.1"), 14),
            (Kind::Tool, "ubuntu-runner", Some("ubuntu-latest"), 19),
        ]
    );
    assert_eq!(x.diagnostics.len(), 1, "{:?}", x.diagnostics);
    assert!(x.diagnostics[0].message.contains("self-hosted"));
    assert_eq!(x.diagnostics[0].line, 16);
}
