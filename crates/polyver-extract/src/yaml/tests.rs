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

// Files PyYAML (libyaml) and Docker Compose accept, which the previous parser refused.

/// open-telemetry/opentelemetry-demo `compose.yaml` (Apache-2.0), its `flagd` service: the
/// flow list's closing `]` sits at the indentation of its key. Refusing it lost every image
/// after it.
const OTEL_DEMO_FLAGD: &str = r#"services:
  # Flagd, feature flagging service
  flagd:
    image: ${FLAGD_IMAGE}
    container_name: flagd
    command: [
      "start",
      "--uri",
      "file:./etc/flagd/demo.flagd.json"
    ]
    ports:
      - "${FLAGD_PORT}"
      - "${FLAGD_OFREP_PORT}"

  # Flagd UI for configuring the feature flag service
  flagd-ui:
    image: ${IMAGE_NAME}:${DEMO_VERSION}-flagd-ui
    container_name: flagd-ui
"#;

#[test]
fn flow_sequence_closed_at_its_keys_indentation() {
    let loaded = load(OTEL_DEMO_FLAGD);
    assert_eq!(loaded.error, None);
    let services = loaded.documents[0].get("services").unwrap();
    let command = services.get("flagd").unwrap().get("command").unwrap();
    let words: Vec<_> = command
        .as_sequence()
        .unwrap()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(words[2], Some("file:./etc/flagd/demo.flagd.json"));
    let ui_image = services.get("flagd-ui").unwrap().get("image").unwrap();
    assert_eq!(
        (ui_image.as_str(), ui_image.line, ui_image.column),
        (Some("${IMAGE_NAME}:${DEMO_VERSION}-flagd-ui"), 17, 12)
    );
}

/// argoproj/argo-cd `resource_customizations/work.karmada.io/ResourceBinding/testdata/
/// progressing.yaml` (Apache-2.0): a single-quoted scalar continued on a line indented like
/// its key, as Kubernetes' own YAML writer folds long messages.
const ARGO_CD_KARMADA_STATUS: &str = r#"status:
  conditions:
    - lastTransitionTime: "2022-10-27T07:19:50Z"
      message: '0/3 clusters are available: 3 cluster(s) didn''t match the placement
      cluster affinity constraint.'
      reason: BindingFailedScheduling
      status: "False"
      type: Scheduled
"#;

#[test]
fn multi_line_quoted_scalar_continued_at_its_keys_indentation() {
    let loaded = load(ARGO_CD_KARMADA_STATUS);
    assert_eq!(loaded.error, None);
    let conditions = loaded.documents[0]
        .get("status")
        .unwrap()
        .get("conditions")
        .unwrap();
    let condition = &conditions.as_sequence().unwrap()[0];
    assert_eq!(
        condition.get("message").unwrap().as_str(),
        Some(
            "0/3 clusters are available: 3 cluster(s) didn't match the placement cluster \
             affinity constraint."
        )
    );
    assert_eq!(condition.get("reason").unwrap().line, 6);
}

#[test]
fn syntax_errors_name_the_problem_and_the_construct() {
    let loaded = load("a:\n  b: 1\n c: 2\n");
    let e = loaded.error.unwrap();
    assert_eq!((e.line, e.column), (3, 2));
    assert_eq!(
        e.message(),
        "YAML syntax error: did not find expected key (while parsing a block mapping at line 1)"
    );
    // Bytes that are no YAML character: the reader reports them at their line and column.
    let e = load("a: 1\nb: x\u{1}y\n").error.unwrap();
    assert_eq!((e.line, e.column), (2, 5), "{e:?}");
    assert!(e.message().contains("control characters"), "{e:?}");
}

#[test]
fn positions_of_block_scalars_anchors_and_empty_values() {
    let loaded = load("a: |\n  text\nb: &x [1]\nc: *x\nd:\ne: 1\n");
    let doc = &loaded.documents[0];
    let a = doc.get("a").unwrap();
    assert_eq!((a.line, a.column, a.as_str()), (1, 4, Some("text\n")));
    assert!(!a.is_plain_scalar());
    let b = doc.get("b").unwrap();
    assert_eq!((b.line, b.column), (3, 4));
    assert_eq!(doc.get("c").unwrap(), b);
    assert!(doc.get("d").unwrap().is_null());
}

#[test]
fn documents_left_out_are_not_parsed_and_lines_stay_right() {
    let text = "kind: A\n---\nkind: Skip\nbad: [\n---\nkind: B\nimage: x\n";
    let all = load(text);
    assert!(all.error.is_some());
    let kept = load_where(text, |doc| top_level_scalar(doc, "kind") != Some("Skip"));
    assert_eq!(kept.error, None);
    assert_eq!(kept.complete_documents().len(), 2);
    let image = kept.documents[1].get("image").unwrap();
    assert_eq!((image.line, image.column), (7, 8));
    // An error in a kept document is placed on the file's line, and stops the reading.
    let loaded = load_where("a: 1\n---\nb: [\n---\nc: 2\n", |_| true);
    let e = loaded.error.as_ref().unwrap();
    assert_eq!(e.line, 4, "{e:?}");
    assert_eq!(loaded.complete_documents().len(), 1);
}
