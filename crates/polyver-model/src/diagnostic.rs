//! [`Diagnostic`]s: what could not be read or parsed, at `path:line`, with a stable code.
//! The source line travels with it for the caret rendering but is never serialized.

use crate::{escape_control, SourceLine};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// Stable diagnostic codes. Adding a code is fine; renaming one breaks users' filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticCode {
    /// The file is not valid in its format (JSON/TOML syntax, a malformed line).
    ParseError,
    /// A value has the wrong shape (a dependency table where a string was expected, ...).
    InvalidValue,
    /// The file is not UTF-8 text.
    NotUtf8,
    /// The file exceeds the configured size limit and was not read.
    FileTooLarge,
    /// The file could not be read.
    IoError,
    /// Walking the tree failed at this path (permissions, symlink loop, ...).
    WalkError,
    /// An included file (`-r`, `-c`) does not exist or cannot be read.
    IncludeNotFound,
    /// An include would leave the repository or revisit a file already being read.
    IncludeRejected,
    /// A chain of includes is deeper than the limit; the deeper files are not read.
    IncludeDepth,
    /// A file gave more diagnostics than are kept per file; this one counts the rest.
    TooManyDiagnostics,
    /// A construct polyver recognizes but does not evaluate (kept as written).
    Unsupported,
}

impl DiagnosticCode {
    pub fn id(self) -> &'static str {
        match self {
            DiagnosticCode::ParseError => "parse-error",
            DiagnosticCode::InvalidValue => "invalid-value",
            DiagnosticCode::NotUtf8 => "not-utf8",
            DiagnosticCode::FileTooLarge => "file-too-large",
            DiagnosticCode::IoError => "io-error",
            DiagnosticCode::WalkError => "walk-error",
            DiagnosticCode::IncludeNotFound => "include-not-found",
            DiagnosticCode::IncludeRejected => "include-rejected",
            DiagnosticCode::IncludeDepth => "include-depth",
            DiagnosticCode::TooManyDiagnostics => "too-many-diagnostics",
            DiagnosticCode::Unsupported => "unsupported",
        }
    }
}

/// A problem found while scanning, pointing into the user's file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub severity: Severity,
    pub code: DiagnosticCode,
    pub message: String,
    /// The line `line` points at, when the walker had the file's text (never serialized).
    #[serde(skip)]
    pub source_line: Option<SourceLine>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: DiagnosticCode,
        path: impl Into<String>,
        line: u32,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            column: None,
            severity,
            code,
            message: message.into(),
            source_line: None,
        }
    }

    pub fn error(
        code: DiagnosticCode,
        path: impl Into<String>,
        line: u32,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, code, path, line, message)
    }

    pub fn warning(
        code: DiagnosticCode,
        path: impl Into<String>,
        line: u32,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, path, line, message)
    }

    pub fn with_column(mut self, column: u32) -> Self {
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Human-readable (stderr, tables): repository text escaped, see `text`.
        write!(f, "{}:{}", escape_control(&self.path), self.line)?;
        if let Some(c) = self.column {
            write!(f, ":{c}")?;
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        write!(
            f,
            ": {sev}[{}]: {}",
            self.code.id(),
            escape_control(&self.message)
        )
    }
}
