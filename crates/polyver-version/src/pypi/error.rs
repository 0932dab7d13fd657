//! Why `packaging` rejects a version or a specifier set. `at` is the byte offset in the input.

/// A PEP 440 version or specifier set that `packaging` rejects.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty version")]
    Empty,
    /// Python's int conversion limit.
    #[error("a number has {digits} digits (Python's limit is {limit})")]
    TooManyDigits { digits: usize, limit: usize },
    /// `VERSION_PATTERN` stops at `at`: `found` is what follows (up to 20 characters, empty at
    /// the end of the input).
    #[error("expected {expected} at {}", show_found(found))]
    Expected {
        expected: &'static str,
        found: String,
        at: usize,
    },
    #[error("empty release component")]
    EmptyReleaseComponent { at: usize },
    #[error("invalid specifier `{item}`: {reason}")]
    Specifier {
        item: String,
        at: usize,
        reason: Box<ParseError>,
    },
    #[error("`{c}` in the string of `===`")]
    ArbitraryChar { c: char },
    #[error("expected an operator (~=, ==, !=, <=, >=, <, >, ===)")]
    NoOperator,
    #[error("no version after `{op}`")]
    NoVersion { op: &'static str },
    #[error("`.*` must follow a plain release (`{op}1.2.*`)")]
    WildcardNotRelease { op: &'static str },
    #[error("a local version is not allowed with `{op}`")]
    LocalNotAllowed { op: &'static str },
    #[error("`~=` needs at least two release components")]
    CompatibleTooShort,
}

fn show_found(found: &str) -> String {
    if found.is_empty() {
        "the end".to_string()
    } else {
        format!("`{found}`")
    }
}

impl ParseError {
    pub fn offset(&self) -> Option<usize> {
        match self {
            ParseError::Expected { at, .. } | ParseError::EmptyReleaseComponent { at } => Some(*at),
            ParseError::Specifier { at, reason, .. } => Some(at + reason.offset().unwrap_or(0)),
            _ => None,
        }
    }

    /// The same error with its offset moved by `by` (a version inside a specifier).
    pub(super) fn shifted(mut self, by: usize) -> Self {
        if let ParseError::Expected { at, .. } | ParseError::EmptyReleaseComponent { at } =
            &mut self
        {
            *at += by;
        }
        self
    }
}
