//! Typed errors. Each scheme's module has a `ParseError` enum naming the rule an input breaks
//! (worded as the reference tool words it, where it has words); [`VersionError`] adds the
//! ecosystem, what was being parsed and the input, for callers that dispatch on [`Ecosystem`].
//! Where one place in the input is to blame, `offset()` gives its byte offset, so a caller can
//! point a caret at it.

use crate::{debian, docker, go, maven, npm, nuget, pypi, rubygems, semver2, Ecosystem};
use std::sync::Arc;

/// What was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    Version,
    Range,
    /// Two valid versions with no order between them (Docker tags of two variants).
    Comparison,
}

/// Why an ecosystem's rules reject an input: the scheme's own error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    #[error(transparent)]
    Pypi(#[from] pypi::ParseError),
    #[error(transparent)]
    Npm(#[from] npm::ParseError),
    /// Cargo versions and requirements: the `semver` crate's error.
    #[error(transparent)]
    Cargo(#[from] SemverError),
    #[error(transparent)]
    Go(#[from] go::ParseError),
    #[error(transparent)]
    Maven(#[from] maven::ParseError),
    #[error(transparent)]
    Debian(#[from] debian::ParseError),
    #[error(transparent)]
    Rubygems(#[from] rubygems::ParseError),
    #[error(transparent)]
    Nuget(#[from] nuget::ParseError),
    #[error(transparent)]
    Docker(#[from] docker::ParseError),
    #[error(transparent)]
    Semver(#[from] semver2::ParseError),
    /// Docker tags of two variants (`3.11-alpine`, `3.12-slim`): both valid, no order.
    #[error("different image variants (`{a}` vs `{b}`); tags only compare within one variant")]
    DifferentVariants { a: String, b: String },
}

impl Reason {
    /// Byte offset in the input of the place to blame, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Reason::Pypi(e) => e.offset(),
            Reason::Npm(_) | Reason::Cargo(_) | Reason::Rubygems(_) => None,
            Reason::Semver(e) => e.offset(),
            Reason::Go(e) => e.offset(),
            Reason::Maven(e) => e.offset(),
            Reason::Debian(e) => e.offset(),
            Reason::Nuget(e) => e.offset(),
            Reason::Docker(e) => e.offset(),
            Reason::DifferentVariants { .. } => None,
        }
    }
}

/// The `semver` crate's error (Cargo, plain SemVer, Go pre-releases). `semver::Error` is neither `Clone` nor
/// `PartialEq`, so it is shared and compared by its message.
#[derive(Clone, Debug, thiserror::Error)]
#[error(transparent)]
pub struct SemverError(Arc<semver::Error>);

impl From<semver::Error> for SemverError {
    fn from(e: semver::Error) -> Self {
        SemverError(Arc::new(e))
    }
}

impl PartialEq for SemverError {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}
impl Eq for SemverError {}

/// An input the ecosystem's rules reject, with the input, the ecosystem and the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(self))]
pub struct VersionError {
    pub eco: Ecosystem,
    pub kind: InputKind,
    pub input: String,
    pub reason: Reason,
}

fn describe(e: &VersionError) -> String {
    match e.kind {
        InputKind::Version => format!("invalid {} version `{}`: {}", e.eco, e.input, e.reason),
        InputKind::Range => format!("invalid {} range `{}`: {}", e.eco, e.input, e.reason),
        InputKind::Comparison => format!(
            "cannot compare {} versions {}: {}",
            e.eco, e.input, e.reason
        ),
    }
}

impl VersionError {
    pub(crate) fn new(
        eco: Ecosystem,
        kind: InputKind,
        input: &str,
        reason: impl Into<Reason>,
    ) -> Self {
        VersionError {
            eco,
            kind,
            input: input.to_string(),
            reason: reason.into(),
        }
    }

    /// Byte offset in [`VersionError::input`] of the place to blame, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self.kind {
            InputKind::Comparison => None,
            InputKind::Version | InputKind::Range => self.reason.offset(),
        }
    }
}

/// The byte offset of `part`, a subslice of `whole`, in `whole` (0 if it is not one).
pub(crate) fn offset_in<T: AsRef<[u8]> + ?Sized>(whole: &T, part: &T) -> usize {
    let (whole, part) = (whole.as_ref(), part.as_ref());
    let (w, p) = (whole.as_ptr() as usize, part.as_ptr() as usize);
    if p >= w && p + part.len() <= w + whole.len() {
        p - w
    } else {
        0
    }
}
