use super::*;

fn colour(width: Option<usize>) -> Term {
    Term { color: true, width }
}

#[test]
fn columns_are_padded_to_the_widest_cell_and_numbers_right_aligned() {
    let mut t = Table::new(vec![Column::left(), Column::right(), Column::left()])
        .indent(2)
        .header(["name", "n", "note"]);
    t.row(["requests", "12", "pinned"]);
    t.row(["ms", "3", ""]);
    assert_eq!(
        t.render(&Term::PLAIN),
        "  name       n  note\n  requests  12  pinned\n  ms         3\n"
    );
}

#[test]
fn a_newline_or_escape_in_a_cell_cannot_forge_a_line_or_colour() {
    let mut t = Table::new(vec![Column::left(), Column::left()]);
    t.row(["evil\nFAKE LINE", "\x1b[2Jx"]);
    t.details(["detail\rover".to_string()]);
    let text = t.render(&Term::PLAIN);
    assert_eq!(text, "evil\\nFAKE LINE  \\x1b[2Jx\n    detail\\rover\n");
    assert_eq!(text.lines().count(), 2);
}

#[test]
fn the_shrinking_column_is_cut_with_an_ellipsis_to_fit_the_width() {
    let columns = vec![Column::left(), Column::left().shrink(), Column::left()];
    let mut t = Table::new(columns);
    t.row(["a", "a-very-long-source-path/with/many/parts.lock", "end"]);
    t.row(["b", "short", "end"]);
    let narrow = t.render(&Term {
        color: false,
        width: Some(24),
    });
    for line in narrow.lines() {
        assert!(line.chars().count() <= 24, "{line:?}");
    }
    assert!(narrow.contains("a-very-long-sou…  end"), "{narrow}");
    assert!(narrow.contains("b  short             end"), "{narrow}");
    // No width (piped, no COLUMNS): nothing is cut.
    assert!(t.render(&Term::PLAIN).contains("parts.lock  end"));
    // A width the table fits in changes nothing.
    let wide = Term {
        color: false,
        width: Some(200),
    };
    assert_eq!(t.render(&wide), t.render(&Term::PLAIN));
}

#[test]
fn a_tiny_width_keeps_a_readable_minimum_and_never_wraps() {
    let mut t = Table::new(vec![Column::left().shrink(), Column::left()]);
    t.row(["abcdefghijklmnop", "x"]);
    let text = t.render(&Term {
        color: false,
        width: Some(3),
    });
    assert_eq!(text, "abcdefg…  x\n");
}

#[test]
fn colour_wraps_cells_after_the_layout_and_only_with_colour_on() {
    let mut t = Table::new(vec![Column::left(), Column::left()]).header(["a", "b"]);
    t.styled_row(vec![("bad".into(), Some(Style::Bad)), ("x".into(), None)]);
    t.row(["whole", "row"]).row_style(Some(Style::Good));
    assert_eq!(
        t.render(&colour(None)),
        "\x1b[1ma      b\x1b[0m\n\x1b[31mbad\x1b[0m    x\n\x1b[32mwhole  row\x1b[0m\n"
    );
    assert_eq!(t.render(&Term::PLAIN), "a      b\nbad    x\nwhole  row\n");
}

#[test]
fn minimum_widths_and_a_custom_gap() {
    let mut t = Table::new(vec![
        Column::left().min(10),
        Column::right().min(3),
        Column::left(),
    ])
    .gap(" ");
    t.row(["added", "1", "+"]);
    assert_eq!(t.render(&Term::PLAIN), "added        1 +\n");
}

#[test]
fn a_tail_follows_the_last_cell_escaped_and_painted_piece_by_piece() {
    let mut t = Table::new(vec![Column::left(), Column::right().min(3)]).gap(" ");
    t.row(["a.lock", "3"]).tail(vec![
        ("++".into(), Some(Style::Good)),
        ("-".into(), Some(Style::Bad)),
        ("~\n".into(), None),
    ]);
    assert_eq!(t.render(&Term::PLAIN), "a.lock   3 ++-~\\n\n");
    assert_eq!(
        t.render(&colour(None)),
        "a.lock   3 \x1b[32m++\x1b[0m\x1b[31m-\x1b[0m~\\n\n"
    );
}
