//! What can stop the engine, split the way a CI gate needs it: the user's input (exit 2) or
//! the environment (exit 3). Each error says what to do next.

use std::fmt;

/// Whose fault an error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A bad path, an invalid polyver.toml or polyver.lock: the user can fix it (exit 2).
    Input,
    /// The machine: an unreadable or missing database, the network (exit 3).
    Environment,
}

/// An error with the hint a person needs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct EngineError {
    pub kind: ErrorKind,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The polyver.toml error this is, kept whole so the edge can show its line.
    pub config: Option<Box<polyver_config::ConfigError>>,
}

impl EngineError {
    pub fn input(message: impl Into<String>, hint: Option<String>) -> Self {
        EngineError {
            kind: ErrorKind::Input,
            message: message.into(),
            hint,
            config: None,
        }
    }

    pub fn environment(message: impl Into<String>, hint: Option<String>) -> Self {
        EngineError {
            kind: ErrorKind::Environment,
            message: message.into(),
            hint,
            config: None,
        }
    }

    /// The process exit code of PRODUCT.md §1.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Input => 2,
            ErrorKind::Environment => 3,
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<polyver_config::ConfigError> for EngineError {
    fn from(e: polyver_config::ConfigError) -> Self {
        EngineError {
            config: Some(Box::new(e.clone())),
            ..EngineError::input(e.to_string(), e.hint.clone())
        }
    }
}
