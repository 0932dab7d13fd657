//! Markdown, as every command writes it: one escaper for table cells, so a name or message
//! cannot break a table (`|`, line breaks) or forge terminal or log output (control
//! characters), whichever command prints it.

use polyver_model::escape_control;

/// `text` made safe for one cell of a Markdown table, losslessly: control characters
/// (line breaks included) are escaped as `\n`, `\x1b`, ..., and `|` as `\|`.
pub fn cell(text: &str) -> String {
    escape_control(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_stay_one_cell_on_one_line() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("line one\nline two"), "line one\\nline two");
        assert_eq!(cell("red\u{1b}[31m"), "red\\x1b[31m");
        assert_eq!(cell("plain 1.2.3"), "plain 1.2.3");
    }
}
