//! `/repos/{repository}`: one repository's latest scan — its health and the parts of it,
//! history charts of components and vulnerabilities over its scans, findings with their
//! file:line (linked to the forge when the repository is on a known one), what is behind
//! upstream (the `polyver outdated` rows stored with the scan, with their lag), drift from
//! `[approved]`, the compatibility matrix stored with the scan (every rule, pass and fail,
//! with its evidence), and its components, filtered by ecosystem, kind, scope and direct.
//! The outdated and compatibility sections are modules of their own.

mod compatibility;
mod outdated;

use super::forge::{commit_url, file_url};
use super::overview::health_badge;
use super::query::PageQuery;
use super::{
    age, chart, component_href, layout, line_chart, now_ms, pager, repository_href, severity_badge,
    PageError,
};
use crate::api::filters::{FINDING_KINDS, KINDS, SCOPES};
use crate::metrics::fleet::{health_detail, DETAILED};
use crate::{AppState, Caller};
use axum::extract::{Path, State};
use axum::response::Html;
use maud::{html, Markup};
use polyver_analyze::health::Health;
use polyver_model::{Component, Ecosystem, Finding, FindingKind, Kind, Location, Scope};
use polyver_report::chart::{date_label, Bar, LineChart, Series, StackedBar};
use polyver_store::{FleetFinding, LatestScan, ScanSummary, SeverityCounts, StoredOutdated};
use std::collections::BTreeMap;

const PARAMETERS: &[&str] = &[
    "ecosystem",
    "kind",
    "scope",
    "direct",
    "page",
    "limit",
    "finding_kind",
    "fpage",
];

/// Scans the history charts show, newest last.
pub const HISTORY_SCANS: u32 = 60;

const DRIFT_RULE: &str = "drift/not-approved";

struct ComponentSelection {
    ecosystem: Option<Ecosystem>,
    kind: Option<Kind>,
    scope: Option<Scope>,
    direct: Option<bool>,
    page: usize,
    limit: usize,
}

impl ComponentSelection {
    fn keeps(&self, c: &Component) -> bool {
        self.ecosystem.is_none_or(|e| c.ecosystem == e)
            && self.kind.is_none_or(|k| c.kind == k)
            && self.scope.is_none_or(|s| c.scope == s)
            && self.direct.is_none_or(|d| c.direct == d)
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    query: PageQuery,
) -> Result<Html<String>, PageError> {
    let Path(name) = path.map_err(|e| PageError::bad_request(e.body_text()))?;
    query.only(PARAMETERS)?;
    let selection = ComponentSelection {
        ecosystem: query.one_of("ecosystem", &Ecosystem::ALL, Ecosystem::id)?,
        kind: query.one_of("kind", &KINDS, Kind::id)?,
        scope: query.one_of("scope", &SCOPES, Scope::id)?,
        direct: query.boolean("direct")?,
        page: query.page("page")?,
        limit: query.limit()?,
    };
    let finding_kind = query.one_of("finding_kind", &FINDING_KINDS, FindingKind::id)?;
    let finding_page = query.page("fpage")?;
    caller.require_repository(&name)?;
    let repository = crate::api::repositories::repository(&state, &name).await?;
    let Some(scan) = repository.latest_scan else {
        return Err(PageError::not_found(format!(
            "repository `{}` has no scan yet",
            crate::api::params::shown(&name)
        )));
    };
    let components = state.store.components(scan.id).await?;
    let outdated = state.store.outdated(scan.id).await?;
    let matrix = state.store.compatibility(scan.id).await?;
    let mut findings = state.store.findings(scan.id).await?;
    // Most severe first; the stored order within a severity.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let history = state.store.history(&name, HISTORY_SCANS).await?;
    let oldest = history.last().map_or(scan.id, |s| s.id);
    let vulnerability_history = state
        .store
        .finding_counts_since(&name, FindingKind::Vulnerability, oldest)
        .await?;
    let health = health_detail(&latest_scan(&scan, &components, &findings, &outdated));
    let href = repository_href(&name);
    let context = Context {
        repository: &name,
        revision: scan.commit.as_deref().or(scan.branch.as_deref()),
    };
    let vulnerability_counts = SeverityCounts::of(
        &findings
            .iter()
            .filter(|f| f.kind == FindingKind::Vulnerability)
            .cloned()
            .collect::<Vec<_>>(),
    );

    let body = html! {
        h1.repository { (name) }
        (scan_line(&context, &scan))
        (cards(&health, &vulnerability_counts, &findings, &components, &outdated))
        (health_parts(&health))
        section #history {
            h2 { "History" }
            p.note { "The last " (history.len()) " scans." }
            div.charts {
                (line_chart(&components_chart(&history)))
                (line_chart(&vulnerabilities_chart(&history, &vulnerability_history)))
            }
        }
        (findings_section(&context, &query, &href, &findings, finding_kind, finding_page))
        (outdated::section(&context, &outdated))
        (drift_section(&context, &findings))
        (compatibility::section(&context, &matrix, &findings))
        (components_section(&context, &query, &href, &components, &selection))
    };
    let trail = html! { " / " span { (name) } };
    Ok(Html(layout(&name, trail, body).into_string()))
}

/// Where links to files point: the repository at the scanned commit (else branch).
pub(super) struct Context<'a> {
    repository: &'a str,
    revision: Option<&'a str>,
}

impl Context<'_> {
    pub(super) fn location(&self, location: &Location) -> Markup {
        let text = format!("{}:{}", location.path, location.line);
        match file_url(
            self.repository,
            self.revision,
            &location.path,
            location.line,
        ) {
            Some(url) => html! { a.location href=(url) rel="noreferrer" { code { (text) } } },
            None => html! { code.location { (text) } },
        }
    }

    pub(super) fn locations(&self, locations: &[Location]) -> Markup {
        html! {
            @if let Some(first) = locations.first() {
                (self.location(first))
                @if locations.len() > 1 {
                    " " span.more title={ @for l in &locations[1..] { (l.path) ":" (l.line) " " } } {
                        "+" (locations.len() - 1)
                    }
                }
            }
        }
    }
}

/// The scan as `/metrics` sees a latest scan, so the health here is the overview's.
fn latest_scan(
    scan: &ScanSummary,
    components: &[Component],
    findings: &[Finding],
    outdated: &[StoredOutdated],
) -> LatestScan {
    let mut update_lag_days: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in outdated.iter().filter(|r| r.bump.is_some()) {
        if let Some(days) = row.days_behind {
            let lag = update_lag_days
                .entry((row.ecosystem.clone(), row.name.clone()))
                .or_default();
            *lag = (*lag).max(days);
        }
    }
    let mut outdated_standings = BTreeMap::new();
    for row in outdated {
        *outdated_standings.entry(row.standing()).or_default() += 1;
    }
    let mut component_counts = BTreeMap::new();
    for c in components {
        *component_counts
            .entry((c.ecosystem.id().to_string(), c.kind.id().to_string()))
            .or_default() += 1;
    }
    let mut finding_counts = BTreeMap::new();
    for f in findings {
        *finding_counts
            .entry((f.kind.id().to_string(), f.severity.id().to_string()))
            .or_default() += 1;
    }
    let detailed = findings
        .iter()
        .filter(|f| DETAILED.contains(&f.kind))
        .map(|f| {
            let mut kinds: Vec<String> = components
                .iter()
                .filter(|c| Some(c.ecosystem) == f.ecosystem && Some(&c.name) == f.name.as_ref())
                .map(|c| c.kind.id().to_string())
                .collect();
            kinds.sort();
            kinds.dedup();
            FleetFinding {
                finding: f.clone(),
                component_kinds: kinds,
            }
        })
        .collect();
    LatestScan {
        repository: scan.repository.clone(),
        scan_id: scan.id,
        finished_at: scan.finished_at,
        components: scan.components,
        component_counts,
        finding_counts,
        findings: detailed,
        update_lag_days,
        outdated_standings,
    }
}

fn scan_line(context: &Context, scan: &ScanSummary) -> Markup {
    let now = now_ms();
    html! {
        p.scan {
            "Latest scan #" (scan.id) " · "
            span title=(crate::auth::rfc3339(scan.finished_at)) { (age(scan.finished_at, now)) " ago" }
            @if let Some(branch) = &scan.branch { " on " code { (branch) } }
            @if let Some(commit) = &scan.commit {
                " at "
                @match commit_url(context.repository, commit) {
                    Some(url) => { a href=(url) rel="noreferrer" { code { (short(commit)) } } }
                    None => { code title=(commit) { (short(commit)) } }
                }
            }
            " · polyver " (scan.tool_version)
        }
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

fn cards(
    health: &Health,
    vulnerabilities: &SeverityCounts,
    findings: &[Finding],
    components: &[Component],
    outdated: &[StoredOutdated],
) -> Markup {
    let behind = outdated.iter().filter(|r| r.bump.is_some()).count();
    let breaches = findings
        .iter()
        .filter(|f| f.rule == polyver_analyze::sla::SLA_BREACH)
        .count();
    let drifting = findings.iter().filter(|f| f.rule == DRIFT_RULE).count();
    let direct = components.iter().filter(|c| c.direct).count();
    let parts = [
        ("critical", vulnerabilities.critical),
        ("high", vulnerabilities.high),
        ("medium", vulnerabilities.medium),
        ("low", vulnerabilities.low),
    ]
    .map(|(s, n)| Bar {
        label: s.to_string(),
        value: n as f64,
        class: s.to_string(),
    })
    .to_vec();
    html! {
        section.cards aria-label="summary" {
            div.card { span.label { "Health" } span.value { (health_badge(health.score)) } }
            div.card.wide {
                span.label { "Vulnerabilities: " (vulnerabilities.total() - vulnerabilities.info) }
                (chart(StackedBar {
                    id: "vulnerabilities".into(),
                    title: "Open vulnerabilities by severity".into(),
                    parts,
                    width: 240,
                    height: 14,
                }.to_svg()))
            }
            div.card { span.label { "SLA breaches" } span.value { (breaches) } }
            div.card { span.label { "Drift findings" } span.value { (drifting) } }
            div.card { span.label { "Components" } span.value { (components.len()) } span.label { (direct) " direct" } }
            div.card {
                span.label { "Outdated" }
                @if outdated.is_empty() {
                    span.value.none title="no polyver outdated answer is stored with this scan" { "—" }
                } @else {
                    span.value { (behind) } span.label { "of " (outdated.len()) " looked up" }
                }
            }
        }
    }
}

fn health_parts(health: &Health) -> Markup {
    html! {
        details.health-parts {
            summary { "How the health score of " (health.score) " is made" }
            div.table-wrap { table {
                thead { tr { th scope="col" { "Part" } th scope="col" { "Measured" } th scope="col" { "Score" } th scope="col" { "Weight" } th scope="col" { "Points" } } }
                tbody {
                    @for part in &health.parts {
                        tr {
                            th scope="row" { (part.name) }
                            td { (part.value) }
                            td.num { @match part.score { Some(s) => { (format!("{s:.2}")) } None => { "—" } } }
                            td.num { (part.weight) }
                            td.num { (format!("{:.1}", part.points)) }
                        }
                    }
                }
            } }
        }
    }
}

fn components_chart(history: &[ScanSummary]) -> LineChart {
    let points = |f: fn(&ScanSummary) -> u64| -> Vec<(i64, f64)> {
        history
            .iter()
            .rev()
            .map(|s| (s.finished_at / 1000, f(s) as f64))
            .collect()
    };
    LineChart {
        id: "components-history".into(),
        title: "Components over time".into(),
        series: vec![
            Series {
                name: "components".into(),
                points: points(|s| s.components),
            },
            Series {
                name: "direct".into(),
                points: points(|s| s.direct_components),
            },
        ],
        width: 480,
        height: 180,
        x_label: date_label,
    }
}

fn vulnerabilities_chart(
    history: &[ScanSummary],
    counts: &BTreeMap<i64, SeverityCounts>,
) -> LineChart {
    let none = SeverityCounts::default();
    let points = |f: fn(&SeverityCounts) -> u64| -> Vec<(i64, f64)> {
        history
            .iter()
            .rev()
            .map(|s| {
                let c = counts.get(&s.id).unwrap_or(&none);
                (s.finished_at / 1000, f(c) as f64)
            })
            .collect()
    };
    let mut series = vec![Series {
        name: "vulnerabilities".into(),
        points: points(|c| c.critical + c.high + c.medium + c.low),
    }];
    type Count = fn(&SeverityCounts) -> u64;
    let by_severity: [(&str, Count); 4] = [
        ("critical", |c| c.critical),
        ("high", |c| c.high),
        ("medium", |c| c.medium),
        ("low", |c| c.low),
    ];
    for (name, f) in by_severity {
        let points = points(f);
        if points.iter().any(|p| p.1 > 0.0) {
            series.push(Series {
                name: name.into(),
                points,
            });
        }
    }
    LineChart {
        id: "vulnerabilities-history".into(),
        title: "Vulnerabilities over time".into(),
        series,
        width: 480,
        height: 180,
        x_label: date_label,
    }
}

pub(super) fn component_cell(finding: &Finding) -> Markup {
    html! {
        @if let (Some(e), Some(n)) = (finding.ecosystem, &finding.name) {
            a href=(component_href(e, n)) { (e.id()) ":" (n) }
            @if let Some(v) = &finding.version { " " code { (v) } }
        }
    }
}

fn findings_section(
    context: &Context,
    query: &PageQuery,
    href: &str,
    findings: &[Finding],
    kind: Option<FindingKind>,
    page: usize,
) -> Markup {
    let limit = super::query::DEFAULT_LIMIT;
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *per_kind.entry(f.kind.id()).or_default() += 1;
    }
    let shown: Vec<&Finding> = findings
        .iter()
        .filter(|f| kind.is_none_or(|k| f.kind == k))
        .collect();
    let total = shown.len();
    let start = (page - 1).saturating_mul(limit).min(total);
    let end = start.saturating_add(limit).min(total);
    html! {
        section #findings {
            h2 { "Findings" }
            nav.filters aria-label="finding kinds" {
                a href={ (query.link(href, &[("finding_kind", None), ("fpage", None)])) "#findings" }
                    aria-current=[kind.is_none().then_some("true")] { "All (" (findings.len()) ")" }
                @for (id, n) in &per_kind {
                    a href={ (query.link(href, &[("finding_kind", Some(id)), ("fpage", None)])) "#findings" }
                        aria-current=[(kind.map(FindingKind::id) == Some(*id)).then_some("true")] { (id) " (" (n) ")" }
                }
            }
            div.table-wrap { table.findings {
                thead { tr {
                    th scope="col" { "Severity" } th scope="col" { "Kind" } th scope="col" { "Rule" }
                    th scope="col" { "Finding" } th scope="col" { "Component" } th scope="col" { "Where" }
                } }
                tbody {
                    @for f in &shown[start..end] {
                        tr {
                            td { (severity_badge(f.severity)) @if f.severity_unknown { " " span.note title="the advisory gives no severity" { "(unknown)" } } }
                            td { (f.kind.id()) }
                            td { code { (f.rule) } }
                            td { (f.title) @if !f.aliases.is_empty() { br; span.note { (f.aliases.join(", ")) } } }
                            td { (component_cell(f)) }
                            td { (context.locations(&f.locations)) }
                        }
                    }
                    @if total == 0 { tr.empty { td colspan="6" { "No finding." } } }
                }
            } }
            (pager("findings", page, limit, total, |p| {
                format!("{}#findings", query.link(href, &[("fpage", Some(&p.to_string()))]))
            }))
        }
    }
}

fn drift_section(context: &Context, findings: &[Finding]) -> Markup {
    let drift: Vec<&Finding> = findings.iter().filter(|f| f.rule == DRIFT_RULE).collect();
    html! {
        section #drift {
            h2 { "Drift from approved versions" }
            @if drift.is_empty() {
                p.note { "Every component is inside polyver.toml [approved] (or nothing is approved)." }
            } @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Component" } th scope="col" { "Finding" } th scope="col" { "Where" } } }
                    tbody {
                        @for f in drift {
                            tr { td { (component_cell(f)) } td { (f.title) } td { (context.locations(&f.locations)) } }
                        }
                    }
                } }
            }
        }
    }
}

fn components_section(
    context: &Context,
    query: &PageQuery,
    href: &str,
    components: &[Component],
    selection: &ComponentSelection,
) -> Markup {
    let shown: Vec<&Component> = components.iter().filter(|c| selection.keeps(c)).collect();
    let total = shown.len();
    let start = (selection.page - 1)
        .saturating_mul(selection.limit)
        .min(total);
    let end = start.saturating_add(selection.limit).min(total);
    let count = |f: &dyn Fn(&Component) -> String| {
        let mut out: BTreeMap<String, usize> = BTreeMap::new();
        for c in components {
            *out.entry(f(c)).or_default() += 1;
        }
        out
    };
    let ecosystems = count(&|c| c.ecosystem.id().to_string());
    let kinds = count(&|c| c.kind.id().to_string());
    let scopes = count(&|c| c.scope.id().to_string());
    let link = |name: &str, value: Option<&str>| {
        format!(
            "{}#components",
            query.link(href, &[(name, value), ("page", None)])
        )
    };
    let facet = |label: &str, name: &str, values: &BTreeMap<String, usize>| {
        html! {
            nav.filters aria-label={ (label) " filter" } {
                span.facet { (label) }
                a href=(link(name, None)) aria-current=[query.get(name).is_none().then_some("true")] { "any" }
                @for (value, n) in values {
                    a href=(link(name, Some(value))) aria-current=[(query.get(name) == Some(value.as_str())).then_some("true")] {
                        (value) " (" (n) ")"
                    }
                }
            }
        }
    };
    let direct_values: BTreeMap<String, usize> = [
        (
            "true".to_string(),
            components.iter().filter(|c| c.direct).count(),
        ),
        (
            "false".to_string(),
            components.iter().filter(|c| !c.direct).count(),
        ),
    ]
    .into_iter()
    .collect();
    html! {
        section #components {
            h2 { "Components" }
            (facet("Ecosystem", "ecosystem", &ecosystems))
            (facet("Kind", "kind", &kinds))
            (facet("Scope", "scope", &scopes))
            (facet("Direct", "direct", &direct_values))
            div.table-wrap { table.components {
                thead { tr {
                    th scope="col" { "Component" } th scope="col" { "Ecosystem" } th scope="col" { "Kind" }
                    th scope="col" { "Version" } th scope="col" { "Constraint" } th scope="col" { "Scope" }
                    th scope="col" { "Direct" } th scope="col" { "Where" }
                } }
                tbody {
                    @for c in &shown[start..end] {
                        tr {
                            th scope="row" { a href=(component_href(c.ecosystem, &c.name)) { (c.name) } }
                            td { (c.ecosystem.id()) }
                            td { (c.kind.id()) }
                            td { @if let Some(v) = &c.version { code { (v) } } }
                            td { @if let Some(k) = &c.constraint { code { (k.raw) } } }
                            td { (c.scope.id()) }
                            td { @if c.direct { "direct" } @else { "transitive" } }
                            td { (context.locations(&c.locations)) }
                        }
                    }
                    @if total == 0 { tr.empty { td colspan="8" { "No component matches." } } }
                }
            } }
            (pager("components", selection.page, selection.limit, total, |p| {
                format!("{}#components", query.link(href, &[("page", Some(&p.to_string()))]))
            }))
        }
    }
}
