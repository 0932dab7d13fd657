use super::*;

#[test]
fn positions_and_shapes() {
    let loaded = load("a: 1\nb:\n  - x\n  - 'y'\n---\nc: {d: e}\n");
    assert!(loaded.error.is_none());
    assert_eq!(loaded.documents.len(), 2);
    let doc = &loaded.documents[0];
    let a = doc.get("a").unwrap();
    assert_eq!((a.line, a.column, a.as_str()), (1, 4, Some("1")));
    let b = doc.get("b").unwrap().as_sequence().unwrap();
    assert_eq!((b[1].line, b[1].column), (4, 5));
    assert!(!b[1].is_plain_scalar());
    let d = loaded.documents[1].get("c").unwrap().get("d").unwrap();
    assert_eq!((d.line, d.column), (6, 8));
}

#[test]
fn merge_keys_and_aliases() {
    let text = "x: &base\n  image: a:1\n  env: 1\ns:\n  <<: *base\n  env: 2\n";
    let loaded = load(text);
    let s = loaded.documents[0].get("s").unwrap();
    assert_eq!(s.get("image").unwrap().as_str(), Some("a:1"));
    assert_eq!(s.get("image").unwrap().line, 2);
    assert_eq!(s.get("env").unwrap().as_str(), Some("2"));
    assert!(s.get("<<").is_none());
}

#[test]
fn syntax_error_keeps_prefix() {
    let loaded = load("a: 1\nb: [1, 2\nc: 3\n");
    let e = loaded.error.as_ref().unwrap();
    assert!(e.line >= 2, "{e:?}");
    assert!(matches!(e.kind, LoadErrorKind::Syntax(_)));
    assert_eq!(loaded.documents[0].get("a").unwrap().as_str(), Some("1"));
    assert!(loaded.complete_documents().is_empty());

    let loaded = load("a: 1\n---\nb: [1, 2\n");
    assert!(loaded.error.is_some());
    assert_eq!(loaded.documents.len(), 2);
    assert_eq!(loaded.complete_documents().len(), 1);
}

#[test]
fn lock_file_reading_keeps_keys_and_text_as_written() {
    let loaded = load("~: 1\na: ~\na: 2\n? [x]\n: 3\n");
    let doc = &loaded.documents[0];
    let keys: Vec<(&str, u32)> = doc.all_entries().map(|(k, n, _)| (k, n.line)).collect();
    assert_eq!(keys, [("~", 1), ("a", 2), ("a", 3), ("", 4)]);
    assert_eq!(doc.text_field("a"), Some("~"));
    assert_eq!(doc.get("a").unwrap().as_str(), Some("2"));
    assert_eq!(doc.text_field("~"), Some("1"));
    assert_eq!(doc.entries().count(), 2);
    assert_eq!(doc.type_with_article(), "a mapping");
}

#[test]
fn written_nodes_are_not_capped() {
    let text = "- x\n".repeat(MAX_ALIAS_NODES + 10);
    let loaded = load(&text);
    assert!(loaded.error.is_none());
    assert_eq!(
        loaded.documents[0].as_sequence().unwrap().len(),
        MAX_ALIAS_NODES + 10
    );
}

#[test]
fn alias_bomb_is_capped() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for c in 'b'..='k' {
        text.push_str(&format!(
            "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, \
                 *{prev}, *{prev}, *{prev}]\n"
        ));
        prev = c;
    }
    let loaded = load(&text);
    assert!(loaded.error.unwrap().message().contains("alias bomb"));
}

#[test]
fn deep_nesting_is_capped() {
    let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let loaded = load(&text);
    assert!(loaded.error.is_some());
    let text = "- ".repeat(10_000) + "x\n";
    let loaded = load(&text);
    assert!(loaded.error.unwrap().message().contains("deeper"));
}
