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
