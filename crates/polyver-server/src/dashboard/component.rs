//! `/components/{ecosystem}/{name}`: one component across every repository's latest scan —
//! which versions run where. The name is normalized the ecosystem's way (as the search API
//! does), versions are ordered by the ecosystem's version engine, newest first.

use super::forge::file_url;
use super::query::PageQuery;
use super::{breakable, chart, layout, pager, repository_href, PageError};
use crate::api::params::shown;
use crate::{AppState, Caller};
use axum::extract::{Path, State};
use axum::response::Html;
use maud::html;
use polyver_model::Ecosystem;
use polyver_report::chart::{Bar, BarChart};
use polyver_store::{normalize_name, Usage};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

const PARAMETERS: &[&str] = &["page", "limit"];

/// What a usage runs: its exact version, else its constraint as written.
fn version_label(usage: &Usage) -> String {
    match (&usage.component.version, &usage.component.constraint) {
        (Some(v), _) => v.clone(),
        (None, Some(c)) => format!("{} (constraint)", c.raw),
        (None, None) => "unknown".to_string(),
    }
}

/// Versions newest first by the version engine. An engine may order only some pairs (Docker
/// tags compare within one variant: `14-alpine` and `16.2` do not), so versions are put in
/// groups whose members all compare, each group sorted newest first, the largest group
/// first; what the engine cannot read comes last, by text.
fn newest_first<T>(
    scheme: Option<polyver_version::Ecosystem>,
    versions: Vec<(&String, T)>,
) -> Vec<(&String, T)> {
    let compare = |a: &str, b: &str| scheme.and_then(|s| polyver_version::compare(s, a, b).ok());
    let mut groups: Vec<Vec<(&String, T)>> = Vec::new();
    let mut unreadable = Vec::new();
    for (version, value) in versions {
        if compare(version, version).is_none() {
            unreadable.push((version, value));
            continue;
        }
        match groups
            .iter_mut()
            .find(|g| g.iter().all(|(v, _)| compare(v, version).is_some()))
        {
            Some(group) => group.push((version, value)),
            None => groups.push(vec![(version, value)]),
        }
    }
    for group in &mut groups {
        group.sort_by(|(a, _), (b, _)| {
            compare(b, a)
                .unwrap_or(Ordering::Equal)
                .then_with(|| a.cmp(b))
        });
    }
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a[0].0.cmp(b[0].0)));
    unreadable.sort_by_key(|(v, _)| *v);
    groups.into_iter().flatten().chain(unreadable).collect()
}

pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    query: PageQuery,
) -> Result<Html<String>, PageError> {
    let Path((ecosystem_id, raw_name)) = path.map_err(|e| PageError::bad_request(e.body_text()))?;
    query.only(PARAMETERS)?;
    let page = query.page("page")?;
    let limit = query.limit()?;
    let ecosystem = Ecosystem::ALL
        .iter()
        .copied()
        .find(|e| e.id() == ecosystem_id)
        .ok_or_else(|| {
            let ids: Vec<&str> = Ecosystem::ALL.iter().map(|e| e.id()).collect();
            PageError::not_found(format!("no ecosystem `{}`", shown(&ecosystem_id)))
                .hint(format!("ecosystems are {}", ids.join(", ")))
        })?;
    let name = normalize_name(ecosystem, &raw_name);
    let usages: Vec<Usage> = state
        .store
        .usages(ecosystem, &name, None)
        .await?
        .into_iter()
        .filter(|u| caller.may_access(&u.repository))
        .collect();
    if usages.is_empty() {
        return Err(PageError::not_found(format!(
            "no repository's latest scan has {}:{}",
            ecosystem.id(),
            shown(&name)
        ))
        .hint("the component pages list what the latest scans hold; check the name's spelling"));
    }
    let scheme = ecosystem.version_scheme(&name);
    // Version → the repositories running it.
    let mut versions: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for u in &usages {
        versions
            .entry(version_label(u))
            .or_default()
            .insert(&u.repository);
    }
    let ordered = newest_first(scheme, versions.iter().collect());
    let repositories: BTreeSet<&str> = usages.iter().map(|u| u.repository.as_str()).collect();
    let bars = ordered
        .iter()
        .map(|(v, repos)| Bar {
            label: v.to_string(),
            value: repos.len() as f64,
            class: "series-0".to_string(),
        })
        .collect();
    let title = format!("{}:{name}", ecosystem.id());
    let total = usages.len();
    let start = (page - 1).saturating_mul(limit).min(total);
    let end = start.saturating_add(limit).min(total);
    let href = super::component_href(ecosystem, &name);

    let body = html! {
        h1.component { (title) }
        p.scan {
            (repositories.len()) " repositories run " (versions.len()) " versions, in "
            (total) " places of their latest scans."
        }
        section #versions {
            h2 { "Versions" }
            (chart(BarChart {
                id: "versions".into(),
                title: format!("Repositories per version of {title}"),
                bars,
                width: 480,
            }.to_svg()))
            div.table-wrap { table.versions {
                thead { tr { th scope="col" { "Version" } th scope="col" { "Repositories" } } }
                tbody {
                    @for (version, repos) in &ordered {
                        tr {
                            th scope="row" { code { (version) } }
                            td { @for (i, r) in repos.iter().enumerate() {
                                @if i > 0 { ", " }
                                a href=(repository_href(r)) { (r) }
                            } }
                        }
                    }
                }
            } }
        }
        section #usages {
            h2 { "Where" }
            div.table-wrap { table.usages {
                thead { tr {
                    th scope="col" { "Repository" } th scope="col" { "Version" } th scope="col" { "Constraint" }
                    th scope="col" { "Kind" } th scope="col" { "Scope" } th scope="col" { "Direct" } th scope="col" { "Where" }
                } }
                tbody {
                    @for u in &usages[start..end] {
                        tr {
                            th scope="row" { a href=(repository_href(&u.repository)) { (breakable(&u.repository)) } }
                            td { @if let Some(v) = &u.component.version { code { (v) } } }
                            td { @if let Some(c) = &u.component.constraint { code { (c.raw) } } }
                            td { (u.component.kind.id()) }
                            td { (u.component.scope.id()) }
                            td { @if u.component.direct { "direct" } @else { "transitive" } }
                            td {
                                @for (i, l) in u.component.locations.iter().enumerate() {
                                    @if i > 0 { br; }
                                    @match file_url(&u.repository, u.commit.as_deref(), &l.path, l.line) {
                                        Some(url) => { a.location href=(url) rel="noreferrer" { code { (l.path) ":" (l.line) } } }
                                        None => { code.location { (l.path) ":" (l.line) } }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
            (pager("places", page, limit, total, |p| {
                query.link(&href, &[("page", Some(&p.to_string()))])
            }))
        }
    };
    let trail = html! { " / " span { (title) } };
    Ok(Html(layout(&title, trail, body).into_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_ordered_within_what_the_engine_compares() {
        let texts = [
            "13",
            "14-alpine",
            "16.2",
            "14.11",
            "latest-ish (constraint)",
            "15-alpine",
        ]
        .map(String::from);
        let order = |scheme| -> Vec<&str> {
            newest_first(scheme, texts.iter().map(|t| (t, ())).collect())
                .into_iter()
                .map(|(v, _)| v.as_str())
                .collect()
        };
        assert_eq!(
            order(Some(polyver_version::Ecosystem::Docker)),
            [
                "16.2",
                "14.11",
                "13",
                "15-alpine",
                "14-alpine",
                "latest-ish (constraint)"
            ]
        );
        // No engine: by text.
        assert_eq!(order(None)[..2], ["13", "14-alpine"]);
    }
}
