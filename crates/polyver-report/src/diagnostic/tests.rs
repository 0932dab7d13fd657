use super::*;
use polyver_model::DiagnosticCode;

fn at(line: u32, column: Option<u32>, text: &str) -> Diagnostic {
    let mut d = Diagnostic::warning(DiagnosticCode::ParseError, "dir/file.txt", line, "bad");
    d.column = column;
    d.source_line = Some(SourceLine::excerpt(text, column));
    d
}

/// The excerpt line and the caret line of a rendering.
fn excerpt_and_caret(out: &str) -> (String, String) {
    let lines: Vec<&str> = out.lines().collect();
    (lines[3].to_string(), lines[4].to_string())
}

#[test]
fn cargo_layout_with_a_caret_under_the_column() {
    assert_eq!(
        render(&at(12, Some(7), "flask=>2"), false),
        "warning[parse-error]: bad\n  \
         --> dir/file.txt:12:7\n   \
         |\n\
         12 | flask=>2\n   \
         |       ^\n"
    );
}

#[test]
fn tabs_are_expanded_and_the_caret_follows() {
    let (line, caret) = excerpt_and_caret(&render(&at(3, Some(3), "\t\tx = 1"), false));
    assert_eq!(line, "3 |         x = 1");
    assert_eq!(caret, "  |         ^");
    // A caret on the tab itself spans its width.
    let (_, caret) = excerpt_and_caret(&render(&at(3, Some(2), "\t\tx"), false));
    assert_eq!(caret, "  |     ^^^^");
}

#[test]
fn multibyte_and_wide_characters_move_the_caret_by_their_width() {
    // é is two bytes and one column; 名 and 前 are two columns each.
    let (line, caret) = excerpt_and_caret(&render(&at(1, Some(5), "é名前 = 1"), false));
    assert_eq!(line, "1 | é名前 = 1");
    assert_eq!(caret, "  |       ^");
    let (_, caret) = excerpt_and_caret(&render(&at(1, Some(2), "é名前"), false));
    assert_eq!(caret, "  |  ^^");
}

#[test]
fn without_a_column_the_trimmed_line_is_underlined() {
    let out = render(&at(4, None, "  flask >= 2  "), false);
    assert!(out.contains(" --> dir/file.txt:4\n"), "{out}");
    let (line, caret) = excerpt_and_caret(&out);
    assert_eq!(line, "4 |   flask >= 2  ");
    assert_eq!(caret, "  |   ^^^^^^^^^^");
    // A blank line has nothing to underline.
    let out = render(&at(4, None, "   "), false);
    assert_eq!(out.lines().count(), 4, "{out}");
}

#[test]
fn control_characters_are_escaped_and_the_caret_stays_on_its_character() {
    let mut d = at(2, Some(3), "a\x1b[31mb\r");
    d.message = "forged\n\x1b[0m".into();
    d.path = "x\ny.txt".into();
    let out = render(&d, false);
    assert!(!out.contains('\x1b') && !out.contains('\r'), "{out:?}");
    assert!(
        out.starts_with("warning[parse-error]: forged\\n\\x1b[0m\n"),
        "{out}"
    );
    assert!(out.contains("--> x\\ny.txt:2:3\n"), "{out}");
    let (line, caret) = excerpt_and_caret(&out);
    assert_eq!(line, "2 | a\\x1b[31mb");
    // Column 3 is `[`, after the four characters of `\x1b`.
    assert_eq!(caret, "  |      ^");
}

#[test]
fn line_zero_is_the_whole_file_and_shows_no_line() {
    let out = render(&at(0, None, "first line"), false);
    assert_eq!(out, "warning[parse-error]: bad\n --> dir/file.txt\n");
    let d = Diagnostic::error(DiagnosticCode::NotUtf8, "bin.txt", 3, "not UTF-8");
    assert_eq!(
        render(&d, false),
        "error[not-utf8]: not UTF-8\n --> bin.txt:3\n"
    );
}

#[test]
fn a_column_past_the_end_points_just_after_the_line() {
    let (_, caret) = excerpt_and_caret(&render(&at(1, Some(9), "[tool"), false));
    assert_eq!(caret, "  |      ^");
}

#[test]
fn a_cut_line_is_marked_and_the_caret_lands_in_the_window() {
    let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
    let out = render(&at(1, Some(501), &line), false);
    let (shown, caret) = excerpt_and_caret(&out);
    assert!(
        shown.starts_with("1 | ...") && shown.ends_with("..."),
        "{shown}"
    );
    let x = shown.find('X').unwrap();
    assert_eq!(caret.find('^'), Some(x), "{out}");
}

#[test]
fn an_input_without_a_file_shows_no_location_and_no_line_number() {
    let source = SourceLine::excerpt("1.2.x", Some(5));
    let out = render_annotation(
        &Annotation {
            severity: Severity::Error,
            code: None,
            message: "invalid pypi version `1.2.x`",
            path: None,
            line: 0,
            column: Some(5),
            source: Some(&source),
        },
        false,
    );
    assert_eq!(
        out,
        "error: invalid pypi version `1.2.x`\n  |\n  | 1.2.x\n  |     ^\n"
    );
}

#[test]
fn colour_only_when_asked() {
    let d = at(1, Some(1), "x");
    assert!(!render(&d, false).contains('\x1b'));
    let coloured = render(&d, true);
    assert!(
        coloured.starts_with("\x1b[1;33mwarning[parse-error]\x1b[0m"),
        "{coloured:?}"
    );
    assert!(coloured.contains("\x1b[1;33m^\x1b[0m"), "{coloured:?}");
}
