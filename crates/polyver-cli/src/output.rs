//! Where results go (stdout or `--output FILE`) and whether they may be coloured.
//!
//! Colour only on a terminal, never with `--no-color` or `NO_COLOR` (no-color.org), and never
//! when writing to a file: what a pipe or CI log receives is plain text.

use crate::args::GlobalArgs;
use anyhow::Context;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

pub struct Output {
    pub writer: Box<dyn Write>,
    pub color: bool,
}

impl Output {
    pub fn open(global: &GlobalArgs) -> anyhow::Result<Output> {
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
