use super::*;

#[test]
fn tokens() {
    let (t, open) = tokenize("gem 'a', \"~> 1\", :require => false, platforms: %i[mri jruby] # x");
    assert!(!open);
    assert_eq!(
        t,
        vec![
            Tok::Word("gem".into()),
            Tok::Str("a".into()),
            Tok::Comma,
            Tok::Str("~> 1".into()),
            Tok::Comma,
            Tok::Key("require".into()),
            Tok::Word("false".into()),
            Tok::Comma,
            Tok::Key("platforms".into()),
            Tok::Open('['),
            Tok::Word("mri".into()),
            Tok::Word("jruby".into()),
            Tok::Close(']'),
        ]
    );
    assert!(tokenize("gem 'a").1);
}

#[test]
fn continuation_and_urls() {
    assert_eq!(line_shape("gem 'a', # note"), (0, true));
    assert_eq!(line_shape("gem('a',"), (1, true));
    let opts = vec![
        ("github".to_string(), vec!["rails".to_string()]),
        ("tag".to_string(), vec!["v7.1.0".to_string()]),
    ];
    assert_eq!(
        source_url(&opts).as_deref(),
        Some("https://github.com/rails/rails.git@v7.1.0")
    );
    assert_eq!(exact("= 1.2.3"), Some("1.2.3"));
    assert_eq!(exact("~> 1.2"), None);
}
