//! The repository page's "Compatibility" section: the matrix stored with the scan, as
//! `polyver report` shows it — every `[[compat]]` and derived rule, each place it was
//! checked with its verdict and the declarations the verdict rests on, and the rules that
//! apply nowhere. The rows are `GET /api/v1/repositories/{repository}/compatibility`'s, in
//! the same order; each carries its verdict in `data-result` so a test can compare the two.
//!
//! A scan stored by a polyver that did not record the matrix has only its failures (the
//! `compat` findings): those are shown, said to be only the failures.

use super::super::severity_badge;
use super::{component_cell, Context};
use maud::{html, Markup};
use polyver_model::{Finding, FindingKind, Location};
use polyver_report::chart::{Bar, StackedBar};
use polyver_store::{CompatResult, StoredCompat};

pub(super) fn section(context: &Context, matrix: &[StoredCompat], findings: &[Finding]) -> Markup {
    let failing: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Compat)
        .collect();
    html! {
        section #compatibility {
            h2 { "Compatibility" }
            @if !matrix.is_empty() {
                (summary(matrix))
                (table(context, matrix))
            } @else if failing.is_empty() {
                p { "No compatibility rule applies: declare some with [[compat]] in polyver.toml." }
            } @else {
                p.note {
                    "This scan was stored without its compatibility matrix (by an older polyver): \
                     only the rules it found violated are known."
                }
                (failures(context, &failing))
            }
        }
    }
}

fn summary(matrix: &[StoredCompat]) -> Markup {
    let count = |r: CompatResult| matrix.iter().filter(|c| c.result == r).count();
    let (pass, fail) = (count(CompatResult::Pass), count(CompatResult::Fail));
    let mut rules: Vec<(&str, &str, &str, bool)> = matrix
        .iter()
        .map(|c| {
            (
                c.rule.as_str(),
                c.origin.as_str(),
                c.title.as_str(),
                c.declared,
            )
        })
        .collect();
    rules.dedup();
    let declared = rules.iter().filter(|r| r.3).count();
    let parts = [("pass", pass), ("fail", fail)]
        .map(|(label, n)| Bar {
            label: label.to_string(),
            value: n as f64,
            class: label.to_string(),
        })
        .to_vec();
    html! {
        p.note {
            (plural(rules.len(), "rule", "rules")) ": " (declared) " declared in polyver.toml \
             [[compat]], " (rules.len() - declared) " derived from the files (requires-python, \
             engines.node, Docker images against runtime version files); "
            (plural(pass, "check passes", "checks pass")) ", " (fail) " "
            (if fail == 1 { "fails" } else { "fail" }) ", "
            (plural(count(CompatResult::NotApplicable), "rule applies", "rules apply")) " nowhere."
        }
        @if pass + fail > 0 {
            (super::super::chart(StackedBar {
                id: "compat-results".into(),
                title: "Compatibility checks".into(),
                parts,
                width: 240,
                height: 14,
            }.to_svg()))
        }
    }
}

/// `1 rule`, `3 rules`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn verdict(result: CompatResult) -> Markup {
    let class = match result {
        CompatResult::Pass => "verdict-pass",
        CompatResult::Fail => "verdict-fail",
        CompatResult::NotApplicable => "verdict-na",
    };
    html! { span class={ "badge " (class) } { (result.id()) } }
}

fn table(context: &Context, matrix: &[StoredCompat]) -> Markup {
    html! {
        div.table-wrap { table.compatibility {
            thead { tr {
                th scope="col" { "Rule" } th scope="col" { "Source" } th scope="col" { "Checked" }
                th scope="col" { "Result" } th scope="col" { "Evidence" }
            } }
            tbody {
                @for c in matrix {
                    tr data-result=(c.result.id()) {
                        td {
                            (c.title)
                            @if let Some(reason) = &c.reason { br; span.note { (reason) } }
                        }
                        td {
                            @if c.declared { "[[compat]] " } @else { "derived " code { (c.rule) } " " }
                            span.note { (c.origin) }
                        }
                        td.checked {
                            @match (&c.checked, &c.path, c.line) {
                                (Some(checked), Some(path), Some(line)) => {
                                    code { (checked) } br;
                                    (context.location(&Location::new(path.clone(), line)))
                                }
                                (Some(checked), _, _) => { code { (checked) } }
                                _ => { span.none { "—" } }
                            }
                        }
                        td { (verdict(c.result)) }
                        td {
                            @if c.result == CompatResult::NotApplicable {
                                span.note { "nothing in the repository matches the rule" }
                            } @else {
                                @if let Some(relation) = &c.relation { span.note { (relation) } }
                                ul.evidence {
                                    @for e in &c.evidence {
                                        li {
                                            code { (e.requirement) } " at "
                                            (context.location(&Location::new(e.path.clone(), e.line)))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } }
    }
}

fn failures(context: &Context, failing: &[&Finding]) -> Markup {
    html! {
        div.table-wrap { table {
            thead { tr { th scope="col" { "Rule" } th scope="col" { "Severity" } th scope="col" { "Finding" } th scope="col" { "Component" } th scope="col" { "Where" } } }
            tbody {
                @for f in failing {
                    tr {
                        td { code { (f.rule) } }
                        td { (severity_badge(f.severity)) }
                        td { (f.title) }
                        td { (component_cell(f)) }
                        td { (context.locations(&f.locations)) }
                    }
                }
            }
        } }
    }
}
