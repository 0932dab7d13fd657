use super::*;

fn vars() -> Vars {
    let mut vars = Vars::global();
    for (k, v) in [("PY", "3.12"), ("DEF", "3.11"), ("EMPTY", "")] {
        vars.args.insert(k.to_string(), Var::Set(v.to_string()));
    }
    vars.args.insert("NODEF".to_string(), Var::Unset);
    vars
}

#[test]
fn every_form_resolves_as_buildkit_does() {
    let vars = vars();
    for (word, expected) in [
        ("plain", "plain"),
        ("$PY", "3.12"),
        ("${PY}", "3.12"),
        ("${PY}-slim", "3.12-slim"),
        ("$PY-slim", "3.12-slim"),
        ("py$PY.x", "py3.12.x"),
        // `:-` falls back when unset or empty, `-` only when unset.
        ("${NODEF:-3.10}", "3.10"),
        ("${EMPTY:-3.10}", "3.10"),
        ("${EMPTY-3.10}", ""),
        ("${NODEF-3.10}", "3.10"),
        ("${PY:-3.10}", "3.12"),
        ("${UNDECLARED:-x}", "x"),
        // `:+` gives the word when set and non-empty, `+` when set.
        ("${PY:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${NODEF+alt}", ""),
        ("${PY:?need it}", "3.12"),
        // The word is expanded too, in both forms, at any depth.
        ("${V:-${DEF}}", "3.11"),
        ("${V:-$DEF}", "3.11"),
        ("${V:-${W:-${DEF}-slim}}", "3.11-slim"),
        ("${PY:+py${PY}}", "py3.12"),
        // A value set and used leaves an unresolvable default alone.
        ("${PY:-$NODEF}", "3.12"),
        // Escapes and quotes.
        ("\\$PY", "$PY"),
        ("'$PY'", "$PY"),
        ("\"$PY\"", "3.12"),
        ("\"a\\\"b\"", "a\"b"),
        ("${V:-\"x y\"}", "x y"),
        ("a$", "a$"),
        ("$(cmd)", "$(cmd)"),
        ("price: $/", "price: $/"),
    ] {
        assert_eq!(expand(word, '\\', &vars).as_deref(), Ok(expected), "{word}");
    }
    // With `# escape=`` the backslash is an ordinary character.
    assert_eq!(expand("`$PY", '`', &vars).as_deref(), Ok("$PY"));
    assert_eq!(expand("a\\$PY", '`', &vars).as_deref(), Ok("a\\3.12"));
}

#[test]
fn what_cannot_be_known_is_unresolved_never_half_substituted() {
    let vars = vars();
    for (word, reason) in [
        ("$NODEF", "has no default"),
        ("${NODEF}-slim", "has no default"),
        ("x-$UNDECLARED", "not declared"),
        ("${NODEF:?need it}", "is required"),
        ("${EMPTY:?need it}", "is required"),
        ("${V:-${NODEF}}", "has no default"),
        ("${TARGETARCH}", "platform"),
        ("${TARGETARCH:-amd64}", "platform"),
        ("${PY%%.*}", "unsupported substitution `${PY%`"),
        ("${PY#3.}", "unsupported substitution"),
        ("${PY/3/4}", "unsupported substitution"),
        ("${PY:1}", "unsupported substitution"),
        // Even in a default that is not used: BuildKit rejects it.
        ("${PY:-${X%y}}", "unsupported substitution"),
        ("${PY", "missing `}`"),
        ("${V:-${DEF}", "missing `}`"),
        ("${}", "bad substitution"),
        ("${:-x}", "bad substitution"),
        ("'open", "unterminated single quote"),
        ("\"open", "unterminated double quote"),
        ("$1", "not declared"),
    ] {
        let got = expand(word, '\\', &vars);
        assert!(
            got.as_ref().is_err_and(|e| e.contains(reason)),
            "{word}: {got:?}, expected {reason}"
        );
    }
    let deep = format!("{}x{}", "${V:-".repeat(100), "}".repeat(100));
    assert!(expand(&deep, '\\', &vars).is_err_and(|e| e.contains("nested deeper")));
}

fn extract(text: &str) -> Extracted {
    let file = SourceFile::decode("Dockerfile", text.as_bytes().to_vec()).unwrap();
    DockerfileExtractor.extract(&file)
}

fn images(out: &Extracted) -> Vec<(String, Option<String>, Option<String>)> {
    out.components
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.version.clone(),
                c.constraint.as_ref().map(|k| k.raw.clone()),
            )
        })
        .collect()
}

fn image(name: &str, version: &str) -> (String, Option<String>, Option<String>) {
    (name.to_string(), Some(version.to_string()), None)
}

#[test]
fn issue_19_args_seeing_earlier_args() {
    // The three cases of the report: `${PY}-slim`, `3.12}` and `$DEF` before.
    let out = extract(
        "ARG PY=3.12\nARG DEF=3.11\nARG TAG=${PY}-slim\n\
             FROM python:${TAG} AS a\nFROM python:${V:-${DEF}} AS b\nFROM python:${V:-$DEF}\n",
    );
    assert_eq!(
        images(&out),
        [
            image("python", "3.12-slim"),
            image("python", "3.11"),
            image("python", "3.11")
        ]
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
}

#[test]
fn unresolved_reference_is_never_split_as_text() {
    let out = extract("ARG PY\nARG TAG=${PY}-slim\nFROM python:${TAG}\n");
    assert_eq!(images(&out), [("python".to_string(), None, None)]);
    let d = &out.diagnostics[0];
    assert_eq!((d.line, d.code), (3, DiagnosticCode::Unsupported));
    assert!(d
        .message
        .starts_with("unresolved image reference `python:${TAG}`"));
    assert!(d.message.contains("`PY` has no default"), "{}", d.message);
    assert!(
        d.message.ends_with("recorded without a version"),
        "{}",
        d.message
    );
    assert_eq!(out.diagnostics.len(), 1);

    // An unknown name: no component at all.
    let out = extract("ARG REG\nFROM ${REG}/app:1.0\n");
    assert!(out.components.is_empty(), "{:?}", out.components);
    assert!(out.diagnostics[0].message.ends_with("no component"));

    let out = extract("ARG PY=3.12\nFROM python:${PY%%.*}-slim\n");
    assert_eq!(out.components[0].version, None);
    assert!(out.diagnostics[0]
        .message
        .contains("unsupported substitution"));
}

#[test]
fn stage_args_and_env_for_copy_from() {
    let out = extract(
        "ARG UV=0.4.18\nARG TOOLS=ghcr.io/acme/tools\n\
             FROM python:3.12 AS build\n\
             ARG UV\nENV TOOLS_TAG=1.2\n\
             COPY --from=ghcr.io/astral-sh/uv:${UV} /uv /bin/uv\n\
             COPY --from=${TOOLS}:${TOOLS_TAG} /t /t\n\
             FROM build\nCOPY --from=busybox:${TOOLS_TAG} /bin/sh /sh\n",
    );
    let names = images(&out);
    assert_eq!(names[0], image("python", "3.12"));
    assert_eq!(names[1], image("ghcr.io/astral-sh/uv", "0.4.18"));
    // The global `TOOLS` was not re-declared in the stage: unresolved there, and its
    // name is not guessed.
    assert!(out.diagnostics[0]
        .message
        .contains("`TOOLS` is not declared"));
    // ENV is inherited by a stage built on the stage.
    assert_eq!(names[2], image("busybox", "1.2"));
    assert_eq!(names.len(), 3);
    assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
}

#[test]
fn quoted_and_escaped_defaults() {
    let out =
        extract("ARG A=\"3.12\" B='x y' C=\\$PY\nFROM python:$A\nFROM \"python:${A}-slim\"\n");
    assert_eq!(
        images(&out),
        [image("python", "3.12"), image("python", "3.12-slim")]
    );
    assert_eq!(
        shell_words("A=\"1 2\" B='x y' C=\\ d", '\\'),
        ["A=\"1 2\"", "B='x y'", "C=\\ d"]
    );
}
