//! Where results go (stdout or `--output FILE`) and whether they may be coloured.
//!
//! Colour only on a terminal, never with `--no-color` or `NO_COLOR` (no-color.org), and never
//! when writing to a file: what a pipe or CI log receives is plain text.
//!
//! Human-readable formats (table, markdown, dot, mermaid, html) go through [`ControlEscaping`]:
//! a file or package name from a hostile repository cannot put an ANSI escape, a carriage
//! return or any other control character on the terminal or in the CI log. Newlines and tabs
//! pass (the layout uses them); the writers escape those inside values with
//! `polyver_model::escape_control`. JSON-based formats are escaped by serde.

use crate::args::{Format, GlobalArgs};
use anyhow::Context;
use polyver_model::escape_control;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

pub struct Output {
    pub writer: Box<dyn Write>,
    pub color: bool,
}

impl Output {
    pub fn open(global: &GlobalArgs) -> anyhow::Result<Output> {
        let mut out = Output::open_raw(global)?;
        let human = !matches!(
            global.format,
            Format::Json | Format::Cyclonedx | Format::Spdx | Format::Sarif
        );
        if human {
            out.writer = Box::new(ControlEscaping {
                inner: out.writer,
                color: out.color,
            });
        }
        Ok(out)
    }

    fn open_raw(global: &GlobalArgs) -> anyhow::Result<Output> {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        match &global.output {
            Some(path) => {
                let file = File::create(path)
                    .with_context(|| format!("cannot create output file {}", path.display()))?;
                Ok(Output {
                    writer: Box::new(BufWriter::new(file)),
                    color: false,
                })
            }
            None => {
                let stdout = io::stdout();
                let color = !global.no_color && !no_color_env && stdout.is_terminal();
                Ok(Output {
                    writer: Box::new(BufWriter::with_capacity(64 * 1024, stdout.lock())),
                    color,
                })
            }
        }
    }

    /// Wraps `text` in an ANSI colour when colour is on.
    pub fn paint(&self, text: &str, style: Style) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match style {
            Style::Good => "32",
            Style::Bad => "31",
            Style::Bold => "1",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

#[derive(Clone, Copy)]
pub enum Style {
    Good,
    Bad,
    Bold,
}

/// The colour sequences [`Output::paint`] writes, the only escapes let through.
const OWN_COLORS: [&[u8]; 4] = [b"\x1b[0m", b"\x1b[1m", b"\x1b[31m", b"\x1b[32m"];

/// Escapes control bytes other than `\n` and `\t` (C0, DEL, and C1 as UTF-8) as
/// [`escape_control`] does; with colour on, lets [`Output::paint`]'s own sequences through.
/// Formatting writes whole `str` pieces, so a character is never split between two calls.
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

/// `text` formatted with its control characters escaped, for a line on stderr.
pub fn escaped(text: impl std::fmt::Display) -> String {
    escape_control(&text.to_string()).into_owned()
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
}
