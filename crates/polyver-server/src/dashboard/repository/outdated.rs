//! The repository page's "Outdated" section: the `polyver outdated` rows stored with the
//! scan that are behind, yanked or deprecated, most behind first.

use super::super::{age, component_href, now_ms};
use super::Context;
use maud::{html, Markup};
use polyver_model::{Ecosystem, Location};
use polyver_store::StoredOutdated;

/// What a row is behind by, in words: `1 major, 2 minors`.
fn behind_text(row: &StoredOutdated) -> String {
    let parts: Vec<String> = [
        (row.majors_behind, "major"),
        (row.minors_behind, "minor"),
        (row.patches_behind, "patch"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, unit)| match (n, *unit) {
        (1, unit) => format!("1 {unit}"),
        (n, "patch") => format!("{n} patches"),
        (n, unit) => format!("{n} {unit}s"),
    })
    .collect();
    parts.join(", ")
}

pub(super) fn section(context: &Context, outdated: &[StoredOutdated]) -> Markup {
    let mut rows: Vec<&StoredOutdated> = outdated
        .iter()
        .filter(|r| r.bump.is_some() || r.yanked || r.deprecated)
        .collect();
    rows.sort_by(|a, b| {
        (
            b.majors_behind,
            b.minors_behind,
            b.patches_behind,
            b.days_behind,
        )
            .cmp(&(
                a.majors_behind,
                a.minors_behind,
                a.patches_behind,
                a.days_behind,
            ))
            .then_with(|| a.name.cmp(&b.name))
    });
    let checked = outdated.iter().map(|r| r.checked_at).max();
    html! {
        section #outdated {
            h2 { "Outdated" }
            @if outdated.is_empty() {
                p.note {
                    "No polyver outdated answer is stored with this scan (run "
                    code { "polyver outdated" } " where the scan is taken; "
                    code { "polyver push" } " sends it along)."
                }
            } @else {
                p.note {
                    (rows.len()) " of the " (outdated.len()) " components looked up are behind, yanked or deprecated"
                    @if let Some(at) = checked {
                        "; looked up " span title=(crate::auth::rfc3339(at.saturating_mul(1000))) { (age(at.saturating_mul(1000), now_ms())) " ago" }
                    }
                    "."
                }
                div.table-wrap { table.outdated {
                    thead { tr {
                        th scope="col" { "Component" } th scope="col" { "Current" } th scope="col" { "Latest" }
                        th scope="col" { "Bump" } th scope="col" { "Behind" } th scope="col" { "Days behind" }
                        th scope="col" { "Flags" } th scope="col" { "Where" }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                th scope="row" {
                                    @match Ecosystem::from_id(&r.ecosystem) {
                                        Some(e) => { a href=(component_href(e, &r.name)) { (r.ecosystem) ":" (r.name) } }
                                        None => { (r.ecosystem) ":" (r.name) }
                                    }
                                }
                                td { @if let Some(v) = &r.current { code { (v) } } }
                                td { @if let Some(v) = &r.latest { code { (v) } } }
                                td { @if let Some(b) = &r.bump { span class={ "bump bump-" (b) } { (b) } } }
                                td { (behind_text(r)) }
                                td.num { @if let Some(d) = r.days_behind { (d) } }
                                td {
                                    @if r.yanked { span.badge.sev-high { "yanked" } " " }
                                    @if r.deprecated { span.badge.sev-medium { "deprecated" } }
                                }
                                td { (context.location(&Location::new(r.path.clone(), r.line))) }
                            }
                        }
                        @if rows.is_empty() { tr.empty { td colspan="8" { "Everything looked up is on its latest release." } } }
                    }
                } }
            }
        }
    }
}
