//! The terminal a human-readable report is written for: whether it may be coloured and how
//! wide it is, decided once per run, and a writer that keeps hostile text from reaching it.
//!
//! Colour only on a terminal, never with `--no-color` or `NO_COLOR` (any non-empty value, per
//! no-color.org), never into a file: what a pipe or CI log receives is plain text. The width
//! is `COLUMNS` when set, else the terminal's; piped output without `COLUMNS` has no width
//! limit, so it is stable whatever window the command was started from.

use polyver_model::escape_control;
use std::io::{self, IsTerminal, Write};

/// How a human-readable report is laid out and coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Term {
    /// ANSI colours allowed.
    pub color: bool,
    /// The width lines should fit in (tables truncate one column to fit); `None`: no limit.
    pub width: Option<usize>,
}

/// What a painted piece of text means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Good,
    Bad,
    Bold,
}

impl Term {
    /// Plain text, no width limit: files, tests, Markdown.
    pub const PLAIN: Term = Term {
        color: false,
        width: None,
    };

    /// The terminal of this process's stdout. `to_stdout` is false when the report goes to a
    /// file (`--output`); `no_color` is the `--no-color` flag.
    pub fn detect(to_stdout: bool, no_color: bool) -> Term {
        let tty = to_stdout && io::stdout().is_terminal();
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let columns = std::env::var("COLUMNS").ok();
        let terminal_width = || {
            console::Term::stdout()
                .size_checked()
                .map(|(_, cols)| usize::from(cols))
        };
        Term {
            color: tty && !no_color && !no_color_env,
            width: width_from(columns.as_deref(), to_stdout, tty, terminal_width),
        }
    }

    /// `text` wrapped in the ANSI colour of `style` when colour is on.
    pub fn paint(&self, text: &str, style: Style) -> String {
        if !self.color || text.is_empty() {
            return text.to_string();
        }
        format!("\x1b[{}m{text}\x1b[0m", style.code())
    }
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Good => "32",
            Style::Bad => "31",
            Style::Bold => "1",
        }
    }
}

/// `COLUMNS` (a positive number) wins; else the terminal's width when stdout is one; else
/// none. A file never gets a width.
fn width_from(
    columns: Option<&str>,
    to_stdout: bool,
    tty: bool,
    terminal: impl Fn() -> Option<usize>,
) -> Option<usize> {
    if !to_stdout {
        return None;
    }
    match columns.and_then(|c| c.trim().parse::<usize>().ok()) {
        Some(n) if n > 0 => Some(n),
        _ if tty => terminal().filter(|&n| n > 0),
        _ => None,
    }
}

/// `text` with its control characters escaped, for one line on stderr.
pub fn escaped(text: impl std::fmt::Display) -> String {
    escape_control(&text.to_string()).into_owned()
}

/// The colour sequences [`Term::paint`] writes, the only escapes let through.
const OWN_COLORS: [&[u8]; 4] = [b"\x1b[0m", b"\x1b[1m", b"\x1b[31m", b"\x1b[32m"];

/// Escapes control bytes other than `\n` and `\t` (C0, DEL, and C1 as UTF-8) as
/// [`escape_control`] does; with colour on, lets [`Term::paint`]'s own sequences through.
/// The safety net under every human-readable format: the renderers escape each value, this
/// catches what one forgot. Formatting writes whole `str` pieces, so a character is never
/// split between two calls.
pub struct ControlEscaping<W: Write> {
    pub inner: W,
    pub color: bool,
}

impl<W: Write> Write for ControlEscaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut clean_from = 0;
        let mut i = 0;
        while i < buf.len() {
            let rest = &buf[i..];
            let (len, control) = match rest {
                [b'\n' | b'\t', ..] => (1, None),
                [0x1b, ..] if self.color && OWN_COLORS.iter().any(|c| rest.starts_with(c)) => {
                    let own = OWN_COLORS.iter().find(|c| rest.starts_with(c));
                    (own.map_or(1, |c| c.len()), None)
                }
                [b, ..] if *b < 0x20 || *b == 0x7f => (1, Some(char::from(*b))),
                [0xc2, b @ 0x80..=0x9f, ..] => (2, char::from_u32(u32::from(*b))),
                _ => (1, None),
            };
            if let Some(c) = control {
                self.inner.write_all(&buf[clean_from..i])?;
                self.inner
                    .write_all(escape_control(c.encode_utf8(&mut [0; 4])).as_bytes())?;
                clean_from = i + len;
            }
            i += len;
        }
        self.inner.write_all(&buf[clean_from..])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(color: bool, text: &str) -> String {
        let mut w = ControlEscaping {
            inner: Vec::new(),
            color,
        };
        w.write_all(text.as_bytes()).unwrap();
        String::from_utf8(w.inner).unwrap()
    }

    #[test]
    fn control_bytes_escaped_layout_and_own_colours_kept() {
        let hostile = "a\x1b[2Jb\rc\x07d\x7fe\u{9b}f\tg\nh é";
        assert_eq!(
            through(false, hostile),
            "a\\x1b[2Jb\\rc\\x07d\\x7fe\\u{9b}f\tg\nh é"
        );
        assert_eq!(through(false, "\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
        assert_eq!(through(true, "\x1b[31mred\x1b[0m"), "\x1b[31mred\x1b[0m");
        assert_eq!(through(true, "\x1b[8mhidden"), "\\x1b[8mhidden");
    }

    #[test]
    fn width_is_columns_then_the_terminal_and_never_a_file() {
        let term = || Some(120);
        assert_eq!(width_from(Some("80"), true, false, term), Some(80));
        assert_eq!(width_from(Some("80"), true, true, term), Some(80));
        assert_eq!(width_from(None, true, true, term), Some(120));
        assert_eq!(width_from(Some("wide"), true, true, term), Some(120));
        assert_eq!(width_from(Some("0"), true, false, term), None);
        assert_eq!(width_from(None, true, false, term), None);
        assert_eq!(width_from(Some("80"), false, true, term), None);
    }

    #[test]
    fn paint_only_with_colour() {
        let on = Term {
            color: true,
            width: None,
        };
        assert_eq!(on.paint("x", Style::Bad), "\x1b[31mx\x1b[0m");
        assert_eq!(Term::PLAIN.paint("x", Style::Bad), "x");
        assert_eq!(on.paint("", Style::Bold), "");
    }
}
