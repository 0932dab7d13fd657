//! Rails `db/schema.rb`: the schema version the migration chain has reached.

use super::migration;
use crate::{Extracted, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Ecosystem};

pub(super) fn rails_schema(file: &SourceFile, out: &mut Extracted) {
    let text = file.text();
    let Some(define) = text.find("ActiveRecord::Schema") else {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::ParseError,
            file.path(),
            0,
            "db/schema.rb without `ActiveRecord::Schema.define(version: ...)`",
        ));
        return;
    };
    let line = file.line_col(define).0;
    let rest = &text[define..];
    let Some(v) = rest.find("version:") else {
        out.diagnose(Diagnostic::error(
            DiagnosticCode::ParseError,
            file.path(),
            line,
            "`ActiveRecord::Schema.define` without `version:`",
        ));
        return;
    };
    let digits: String = rest[v + 8..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '_')
        .filter(|c| *c != '_')
        .collect();
    if digits.is_empty() {
        out.diagnose(Diagnostic::error(
            DiagnosticCode::InvalidValue,
            file.path(),
            line,
            "schema `version:` is not a number",
        ));
        return;
    }
    out.push(
        migration(Ecosystem::Rails, file.path(), file.location(line))
            .with_version(digits.trim_start_matches('0')),
    );
}
