//! Where results go (stdout or `--output FILE`) and the [`Term`] they are rendered for
//! (colour and width; see `polyver_report::term`).
//!
//! Human-readable formats (table, markdown, dot, mermaid) go through [`ControlEscaping`]: the
//! renderers escape every value, and this net under them keeps a file or package name from a
//! hostile repository from putting any control character on the terminal or in the CI log.
//! JSON-based formats are escaped by serde.

use crate::args::{Format, GlobalArgs};
use anyhow::Context;
pub use polyver_report::term::{escaped, ControlEscaping, Style, Term};
use std::fs::File;
use std::io::{self, BufWriter, Write};

pub struct Output {
    pub writer: Box<dyn Write>,
    pub term: Term,
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
                color: out.term.color,
            });
        }
        Ok(out)
    }

    fn open_raw(global: &GlobalArgs) -> anyhow::Result<Output> {
        let term = Term::detect(global.output.is_none(), global.no_color);
        let writer: Box<dyn Write> = match &global.output {
            Some(path) => {
                let file = File::create(path)
                    .with_context(|| format!("cannot create output file {}", path.display()))?;
                Box::new(BufWriter::new(file))
            }
            None => Box::new(BufWriter::with_capacity(64 * 1024, io::stdout().lock())),
        };
        Ok(Output { writer, term })
    }

    /// Wraps `text` in an ANSI colour when colour is on.
    pub fn paint(&self, text: &str, style: Style) -> String {
        self.term.paint(text, style)
    }

    /// Writes a rendered report.
    pub fn write(&mut self, text: &str) -> io::Result<()> {
        self.writer.write_all(text.as_bytes())
    }

    /// Writes `value` as pretty JSON and a newline.
    pub fn json(&mut self, value: &impl serde::Serialize) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut self.writer, value)?;
        writeln!(self.writer)
    }
}
