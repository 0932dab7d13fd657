use super::*;
use crate::extractors::elixir::lexer::{tokenize, Tok};

fn term(text: &str) -> Term {
    let tokens = tokenize(text).unwrap();
    parse_term(&tokens, 0).unwrap().0
}

#[test]
fn dependency_tuples_with_options() {
    let t = term(
        "[{:a, \"~> 1.0\", only: [:dev, :test], runtime: false}, # c\n {:b, github: \"o/b\"}]",
    );
    let items = t.as_list().unwrap();
    assert_eq!(items.len(), 2);
    let a = items[0].as_tuple().unwrap();
    assert_eq!(a[0].as_atom(), Some("a"));
    assert_eq!(a[1].as_str(), Some("~> 1.0"));
    assert_eq!(a.len(), 3);
    assert_eq!(a[2].keywords()[0].0, "only");
    let b = items[1].as_tuple().unwrap();
    assert_eq!(b[1].keywords()[0].0, "github");
    assert_eq!(items[1].line, 2);
}

#[test]
fn expressions_are_not_literals() {
    let t = term("[runtime: Mix.env() == :dev, x: \"a#{b}\", y: ~w(a b)a, z: :ok]");
    let kw = t.keywords();
    assert_eq!(kw.len(), 4);
    assert_eq!(kw[0].1.value, Value::Expr);
    assert_eq!(kw[1].1.value, Value::Expr);
    assert_eq!(kw[2].1.value, Value::Expr);
    assert_eq!(kw[3].1.as_atom(), Some("ok"));
}

#[test]
fn maps_in_both_key_styles() {
    let t = term("%{\"a\": {:hex, :a, \"1.0\"}, \"b\" => {:hex, :b, \"2.0\"}}");
    let Value::Map(entries) = t.value else {
        panic!()
    };
    assert_eq!(entries[0].0.as_str(), Some("a"));
    assert_eq!(entries[1].0.as_str(), Some("b"));
}

#[test]
fn comments_and_strings_do_not_confuse() {
    let tokens =
        tokenize("# {:fake, \"1\"}\n\"# not a comment\" ~S\"\"\"\n{:x\n\"\"\" :ok").unwrap();
    let kinds: Vec<_> = tokens.into_iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        vec![
            Tok::Str(Some("# not a comment".into())),
            Tok::Opaque,
            Tok::Atom("ok".into())
        ]
    );
}

#[test]
fn deep_nesting_is_refused() {
    let text = "[".repeat(10_000);
    let tokens = tokenize(&text).unwrap();
    assert!(parse_term(&tokens, 0).is_err());
}

#[test]
fn errors_have_lines() {
    assert_eq!(tokenize("a\n\"open").unwrap_err().line, 2);
    let tokens = tokenize("[\n{:a, \"1\"\n").unwrap();
    assert!(parse_term(&tokens, 0).is_err());
}
