//! `polyver update`: moves versions in the files where people wrote them, and nothing else.
//!
//! A rewrite must keep every other byte of the file (comments, order, quoting, whitespace,
//! line endings): people review the diff, and a tool that reformats a file while bumping one
//! version loses their trust. So each file format has one [`formats`] module that knows
//! where its versions are written and how that format writes a range; TOML goes through
//! `toml_edit` (edits land inside a string value's span), every other format edits the exact
//! span the extractor recorded (a component's `Location` line, and the version text as
//! written on it).
//!
//! After a rewrite the file is scanned again and must yield the new version at the same
//! location, or the edit is rolled back with a diagnostic (see [`verify`]). How a range
//! widens is [`constraint`]'s; policy, grouping, lock files and pull-request text are
//! [`engine`]'s; running lock tools is [`locktool`]'s.

pub mod constraint;
pub mod engine;
pub mod formats;
pub mod locktool;
pub mod pin;
pub mod rewrite;
pub mod verify;

pub use formats::github_actions::pin_action;
pub use rewrite::{Outcome, Request, RewriteError, Rewriter, Target};
