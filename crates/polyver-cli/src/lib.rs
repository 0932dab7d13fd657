//! polyver's command-line layer: argument declarations (`args`), one module per command
//! (`commands`), and output handling. The binary (`main.rs`) only parses and maps exit codes,
//! so every command can be tested and benchmarked as a library call.

pub mod args;
pub mod commands;
pub mod output;
pub mod progress;

/// An error that carries its exit code and a hint on what to do next.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn input(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// Exit 3: the network, a database, an address — not the user's input.
    pub fn environment(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        CliError {
            code: 3,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for CliError {}
