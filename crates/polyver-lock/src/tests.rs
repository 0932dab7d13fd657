use super::*;

fn e(name: &str, version: &str, files: &[&str]) -> LockEntry {
    LockEntry {
        ecosystem: Ecosystem::Pypi,
        name: name.into(),
        kind: Kind::Package,
        version: Some(version.into()),
        constraint: None,
        scope: Scope::Runtime,
        direct: true,
        integrity: Some("sha256:ab\"c".into()),
        url: None,
        files: files.iter().map(|f| f.to_string()).collect(),
    }
}

#[test]
fn round_trip() {
    let mut entries = vec![
        e(
            "requests",
            "2.31.0",
            &["a/requirements.txt", "b/requirements.txt"],
        ),
        e("flask", "3.0.0", &["requirements.txt"]),
    ];
    entries[1].constraint = Some(">=3".into());
    entries[1].version = None;
    entries[1].integrity = None;
    entries.sort();
    let text = render(&entries);
    assert!(text.starts_with("# polyver.lock"));
    assert!(text.contains("files = [\n  \"a/requirements.txt\",\n  \"b/requirements.txt\",\n]"));
    assert_eq!(parse(&text).unwrap(), entries);
    assert_eq!(render(&parse(&text).unwrap()), text);
}

#[test]
fn malformed_files_are_located() {
    let text = render(&[e("requests", "2.31.0", &["r.txt"])]);
    let bad = text.replace("scope = ", "scoep = ");
    let err = parse(&bad).unwrap_err();
    assert_eq!(err.message, "unknown key `scoep`");
    assert!(err.hint.unwrap().starts_with("did you mean `scope`?"));
    let line = bad.lines().position(|l| l.starts_with("scoep")).unwrap() as u32 + 1;
    assert_eq!(err.line, line);
    let err =
        parse("schema = \"polyver.lock/v1\"\n[[component]]\nkind = \"package\"\n").unwrap_err();
    assert_eq!(
        (err.line, err.message.as_str()),
        (2, "[[component]] without `ecosystem`")
    );
    assert!(parse("schema = \"polyver.lock/v9\"\n").is_err());
    assert_eq!(parse("[[component]\n").unwrap_err().line, 1);
    let err = parse("schema = \"polyver.lock/v1\"\n[[component]]\nkind = \"gadget\"\necosystem = \"pypi\"\nname = \"x\"\nscope = \"runtime\"\ndirect = true\nfiles = []\n").unwrap_err();
    assert_eq!(
        (err.line, err.message.as_str()),
        (3, "unknown kind `gadget`")
    );
}

#[test]
fn a_table_header_inside_a_string_is_not_a_table() {
    let text = "schema = \"polyver.lock/v1\"\n[[component]]\nkind = \"package\"\necosystem = \"pypi\"\nname = \"x\"\nurl = \"\"\"\n[[component]]\n\"\"\"\nscope = \"runtime\"\ndirect = true\nfiles = [\"r.txt\"]\n";
    let entries = parse(text).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].url.as_deref(), Some("[[component]]\n"));
}

#[test]
fn truncated_and_mangled_files_never_panic() {
    let mut entries = vec![
        e("requests", "2.31.0", &["a.txt", "b/é.txt"]),
        e("flask", "3.0.0", &["r.txt"]),
    ];
    entries.sort();
    let text = render(&entries);
    for cut in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        let _ = parse(&text[..cut]);
        for junk in ["\"", "[", "=", "\n", "é", "]]"] {
            let mut mangled = text.clone();
            mangled.insert_str(cut, junk);
            if let Err(err) = parse(&mangled) {
                assert!(err.line as usize <= mangled.lines().count() + 1);
            }
        }
    }
}

#[test]
fn diff_pairs_changes_by_name() {
    let old = vec![
        e("flask", "2.0", &["r.txt"]),
        e("requests", "2.31.0", &["r.txt"]),
        e("six", "1.0", &["r.txt"]),
    ];
    let mut new = vec![
        e("flask", "2.0", &["r.txt"]),
        e("httpx", "0.27.0", &["r.txt"]),
        e("requests", "2.32.0", &["r.txt", "s.txt"]),
    ];
    new.sort();
    let d = diff(&old, &new);
    assert_eq!(d.unchanged, 1);
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.removed[0].name, "six");
    assert_eq!(
        d.changed[0].fields,
        ["version 2.31.0 → 2.32.0", "+ file s.txt"]
    );
    assert!(diff(&new, &new).is_empty());
    // Two files pin one package differently; both move: pairs follow the files.
    let old = vec![
        e("requests", "2.30.0", &["b.txt"]),
        e("requests", "2.31.0", &["a.txt"]),
    ];
    let new = vec![
        e("requests", "2.31.1", &["a.txt"]),
        e("requests", "2.32.0", &["b.txt"]),
    ];
    let d = diff(&old, &new);
    let pairs: Vec<(&str, &str)> = d
        .changed
        .iter()
        .map(|c| {
            (
                c.before.version.as_deref().unwrap(),
                c.after.version.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, [("2.30.0", "2.32.0"), ("2.31.0", "2.31.1")]);
}
