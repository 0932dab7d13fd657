//! `/`: every repository's latest scan in one table — health, vulnerabilities by severity,
//! SLA breaches, drift, outdated share (from the `polyver outdated` rows stored with the
//! scan), components, age of the scan — sortable, filterable and paged by query parameters.
//!
//! The numbers are those of `/metrics` (the same [`polyver_store::Fleet`] snapshot and the
//! same health computation), so the dashboard and an alert never disagree.
//!
//! Like `/metrics`, the rows are computed from one read of the whole fleet (1.4 s for 1,000
//! repositories × 300 components in a debug build on SQLite) and kept for [`ROWS_CACHE`]:
//! sorting, filtering and paging within that time (or several people looking at once) cost
//! no database read, and requests arriving while the rows are read wait for that one read.
//! Each caller's token pattern is applied to the cached rows, per request.

use super::query::PageQuery;
use super::{age, breakable, chart, layout, now_ms, pager, repository_href, PageError};
use crate::metrics::fleet::{drifting, health_of, sla_breaches, DETAILED};
use crate::{AppState, Caller};
use axum::extract::State;
use axum::response::Html;
use axum::Extension;
use maud::{html, Markup};
use polyver_model::{FindingKind, FindingSeverity};
use polyver_report::chart::{Bar, StackedBar};
use polyver_store::{LatestScan, OutdatedShare};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PARAMETERS: &[&str] = &[
    "q",
    "vulnerable",
    "breached",
    "drifting",
    "health_below",
    "sort",
    "order",
    "page",
    "limit",
];

/// The severities a vulnerability has, most severe first.
const SEVERITIES: [FindingSeverity; 4] = [
    FindingSeverity::Critical,
    FindingSeverity::High,
    FindingSeverity::Medium,
    FindingSeverity::Low,
];

/// The columns the table sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortKey {
    Name,
    Health,
    Vulnerabilities,
    Sla,
    Drift,
    Outdated,
    Components,
    Scanned,
}

impl SortKey {
    const ALL: [SortKey; 8] = [
        SortKey::Name,
        SortKey::Health,
        SortKey::Vulnerabilities,
        SortKey::Sla,
        SortKey::Drift,
        SortKey::Outdated,
        SortKey::Components,
        SortKey::Scanned,
    ];

    fn id(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Health => "health",
            SortKey::Vulnerabilities => "vulnerabilities",
            SortKey::Sla => "sla",
            SortKey::Drift => "drift",
            SortKey::Outdated => "outdated",
            SortKey::Components => "components",
            SortKey::Scanned => "scanned",
        }
    }

    /// The order a click on the column starts with: worst first (lowest health, most
    /// vulnerabilities, oldest scan), names A to Z.
    fn first_order(self) -> SortOrder {
        match self {
            SortKey::Name | SortKey::Health | SortKey::Scanned => SortOrder::Asc,
            _ => SortOrder::Desc,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    const ALL: [SortOrder; 2] = [SortOrder::Asc, SortOrder::Desc];

    fn id(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }

    fn flipped(self) -> SortOrder {
        match self {
            SortOrder::Asc => SortOrder::Desc,
            SortOrder::Desc => SortOrder::Asc,
        }
    }
}

/// How long the overview's rows are served before the fleet is read again.
pub const ROWS_CACHE: Duration = Duration::from_secs(5);

/// Every repository's row, as last read, and when (one per router: see [`super::routes`]).
#[derive(Default)]
pub(crate) struct RowsCache(tokio::sync::Mutex<Option<(Instant, Arc<Vec<Row>>)>>);

impl RowsCache {
    /// The rows of every repository: the cached ones while fresh, else read now.
    async fn rows(&self, state: &AppState) -> Result<Arc<Vec<Row>>, PageError> {
        let mut cached = self.0.lock().await;
        if let Some((at, rows)) = cached.as_ref() {
            if at.elapsed() < ROWS_CACHE {
                return Ok(Arc::clone(rows));
            }
        }
        let fleet = state.store.fleet(DETAILED).await?;
        let shares: BTreeMap<i64, OutdatedShare> = state.store.outdated_shares().await?;
        let rows: Arc<Vec<Row>> = Arc::new(
            fleet
                .repositories
                .iter()
                .map(|scan| Row::of(scan, shares.get(&scan.scan_id).copied()))
                .collect(),
        );
        *cached = Some((Instant::now(), Arc::clone(&rows)));
        Ok(rows)
    }
}

/// One repository's line.
pub(crate) struct Row {
    name: String,
    finished_at: i64,
    components: u64,
    health: u8,
    /// Vulnerabilities per [`SEVERITIES`].
    vulnerabilities: [u64; 4],
    sla_breaches: u64,
    drifting: usize,
    /// `None` when no `polyver outdated` rows were stored with the scan.
    outdated: Option<OutdatedShare>,
}

impl Row {
    fn of(scan: &LatestScan, outdated: Option<OutdatedShare>) -> Row {
        let by_severity = scan.findings_by_severity(FindingKind::Vulnerability);
        Row {
            name: scan.repository.clone(),
            finished_at: scan.finished_at,
            components: scan.components,
            health: health_of(scan),
            vulnerabilities: SEVERITIES.map(|s| by_severity.get(s.id()).copied().unwrap_or(0)),
            sla_breaches: sla_breaches(scan).values().sum(),
            drifting: drifting(scan),
            outdated,
        }
    }

    /// The share of looked-up components behind their latest release; -1 when unknown, so
    /// unknown sorts below 0%.
    fn outdated_share(&self) -> f64 {
        match self.outdated {
            Some(o) if o.checked > 0 => o.behind as f64 / o.checked as f64,
            _ => -1.0,
        }
    }

    /// Vulnerabilities at `severity` or above.
    fn vulnerable_at(&self, severity: FindingSeverity) -> u64 {
        SEVERITIES
            .iter()
            .zip(self.vulnerabilities)
            .filter(|(s, _)| **s >= severity)
            .map(|(_, n)| n)
            .sum()
    }

    fn compare(&self, other: &Row, key: SortKey) -> Ordering {
        match key {
            SortKey::Name => Ordering::Equal,
            SortKey::Health => self.health.cmp(&other.health),
            // Critical first, then high, ...: one critical outranks any number of highs.
            SortKey::Vulnerabilities => self.vulnerabilities.cmp(&other.vulnerabilities),
            SortKey::Sla => self.sla_breaches.cmp(&other.sla_breaches),
            SortKey::Drift => self.drifting.cmp(&other.drifting),
            SortKey::Outdated => self.outdated_share().total_cmp(&other.outdated_share()),
            SortKey::Components => self.components.cmp(&other.components),
            SortKey::Scanned => self.finished_at.cmp(&other.finished_at),
        }
    }
}

/// What the query asks for.
struct Selection {
    text: Option<String>,
    vulnerable: Option<FindingSeverity>,
    breached: Option<bool>,
    drifting: Option<bool>,
    health_below: Option<u64>,
    sort: SortKey,
    order: SortOrder,
    page: usize,
    limit: usize,
}

impl Selection {
    fn read(query: &PageQuery) -> Result<Selection, PageError> {
        query.only(PARAMETERS)?;
        let sort = query
            .one_of("sort", &SortKey::ALL, SortKey::id)?
            .unwrap_or(SortKey::Health);
        Ok(Selection {
            text: query.get("q").map(str::to_lowercase),
            vulnerable: query.one_of("vulnerable", &SEVERITIES, FindingSeverity::id)?,
            breached: query.boolean("breached")?,
            drifting: query.boolean("drifting")?,
            health_below: query.number("health_below", 1, 101)?,
            sort,
            order: query
                .one_of("order", &SortOrder::ALL, SortOrder::id)?
                .unwrap_or(sort.first_order()),
            page: query.page("page")?,
            limit: query.limit()?,
        })
    }

    fn keeps(&self, row: &Row) -> bool {
        self.text
            .as_ref()
            .is_none_or(|t| row.name.to_lowercase().contains(t))
            && self.vulnerable.is_none_or(|s| row.vulnerable_at(s) > 0)
            && self.breached.is_none_or(|b| (row.sla_breaches > 0) == b)
            && self.drifting.is_none_or(|d| (row.drifting > 0) == d)
            && self
                .health_below
                .is_none_or(|limit| u64::from(row.health) < limit)
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<RowsCache>>,
    caller: Caller,
    query: PageQuery,
) -> Result<Html<String>, PageError> {
    let selection = Selection::read(&query)?;
    let every = cache.rows(&state).await?;
    let all: Vec<&Row> = every
        .iter()
        .filter(|row| caller.may_access(&row.name))
        .collect();
    let mut rows: Vec<&Row> = all.iter().copied().filter(|r| selection.keeps(r)).collect();
    rows.sort_by(|a, b| {
        let by_key = a.compare(b, selection.sort);
        let by_key = match selection.order {
            SortOrder::Asc => by_key,
            SortOrder::Desc => by_key.reverse(),
        };
        // Ties (and the name column) by name, always A to Z unless sorting by name desc.
        by_key.then_with(|| match (selection.sort, selection.order) {
            (SortKey::Name, SortOrder::Desc) => b.name.cmp(&a.name),
            _ => a.name.cmp(&b.name),
        })
    });
    let total = rows.len();
    let start = (selection.page - 1)
        .saturating_mul(selection.limit)
        .min(total);
    let end = start.saturating_add(selection.limit).min(total);
    let shown = &rows[start..end];
    let now = now_ms();

    let body = html! {
        h1 { "Repositories" }
        (summary(&all))
        (filters(&query, &selection))
        p.count { (total) " of " (all.len()) " repositories" }
        div.table-wrap {
            table.repositories {
                caption { "Latest scan of each repository" }
                thead { tr {
                    (header(&query, &selection, SortKey::Name, "Repository"))
                    (header(&query, &selection, SortKey::Health, "Health"))
                    (header(&query, &selection, SortKey::Vulnerabilities, "Vulnerabilities"))
                    (header(&query, &selection, SortKey::Sla, "SLA breaches"))
                    (header(&query, &selection, SortKey::Drift, "Drift"))
                    (header(&query, &selection, SortKey::Outdated, "Outdated"))
                    (header(&query, &selection, SortKey::Components, "Components"))
                    (header(&query, &selection, SortKey::Scanned, "Last scan"))
                } }
                tbody {
                    @for row in shown {
                        tr {
                            th scope="row" { a href=(repository_href(&row.name)) { (breakable(&row.name)) } }
                            td.num { (health_badge(row.health)) }
                            td.vulns { (vulnerability_cell(row)) }
                            td.num { (row.sla_breaches) }
                            td.num { (row.drifting) }
                            td.num { (outdated_cell(row.outdated)) }
                            td.num { (row.components) }
                            td.num title=(crate::auth::rfc3339(row.finished_at)) {
                                (age(row.finished_at, now)) @if row.finished_at < now - 60_000 { " ago" }
                            }
                        }
                    }
                    @if shown.is_empty() {
                        tr.empty { td colspan="8" { "No repository matches." } }
                    }
                }
            }
        }
        (pager("repositories", selection.page, selection.limit, total, |p| {
            query.link("/", &[("page", Some(&p.to_string()))])
        }))
    };
    Ok(Html(layout("Repositories", html! {}, body).into_string()))
}

/// The fleet in numbers, over every repository the caller may see.
fn summary(rows: &[&Row]) -> Markup {
    let with = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    let totals: Vec<Bar> = SEVERITIES
        .iter()
        .enumerate()
        .map(|(i, s)| Bar {
            label: s.id().to_string(),
            value: rows.iter().map(|r| r.vulnerabilities[i]).sum::<u64>() as f64,
            class: s.id().to_string(),
        })
        .collect();
    let vulnerable = totals.iter().map(|b| b.value).sum::<f64>();
    html! {
        section.cards aria-label="summary" {
            div.card { span.label { "Repositories" } span.value { (rows.len()) } }
            div.card {
                span.label { "With a critical vulnerability" }
                span.value { (with(&|r| r.vulnerabilities[0] > 0)) }
            }
            div.card {
                span.label { "With SLA breaches" }
                span.value { (with(&|r| r.sla_breaches > 0)) }
            }
            div.card {
                span.label { "Drifting from [approved]" }
                span.value { (with(&|r| r.drifting > 0)) }
            }
            div.card.wide {
                span.label { "Open vulnerabilities: " (vulnerable) }
                (chart(StackedBar {
                    id: "fleet-vulnerabilities".into(),
                    title: "Open vulnerabilities across repositories, by severity".into(),
                    parts: totals,
                    width: 320,
                    height: 14,
                }.to_svg()))
            }
        }
    }
}

/// Preset filters as links, and a GET form for the rest.
fn filters(query: &PageQuery, selection: &Selection) -> Markup {
    let clear = [
        ("vulnerable", None),
        ("breached", None),
        ("drifting", None),
        ("health_below", None),
        ("page", None),
    ];
    let preset = |name: &'static str, value: &'static str| {
        let mut set = clear.to_vec();
        set.retain(|(n, _)| *n != name);
        set.push((name, Some(value)));
        query.link("/", &set)
    };
    let active = |name: &str, value: &str| query.get(name) == Some(value);
    let none_active = clear
        .iter()
        .all(|(n, _)| *n == "page" || query.get(n).is_none());
    html! {
        nav.filters aria-label="filters" {
            a href=(query.link("/", &clear)) aria-current=[none_active.then_some("true")] { "All" }
            a href=(preset("vulnerable", "critical")) aria-current=[active("vulnerable", "critical").then_some("true")] { "Critical vulnerabilities" }
            a href=(preset("vulnerable", "high")) aria-current=[active("vulnerable", "high").then_some("true")] { "High or worse" }
            a href=(preset("breached", "true")) aria-current=[active("breached", "true").then_some("true")] { "SLA breached" }
            a href=(preset("drifting", "true")) aria-current=[active("drifting", "true").then_some("true")] { "Drifting" }
            a href=(preset("health_below", "60")) aria-current=[active("health_below", "60").then_some("true")] { "Health below 60" }
        }
        form.search method="get" action="/" {
            label { "Name contains " input type="search" name="q" value=[query.get("q")]; }
            label { "Vulnerable at "
                select name="vulnerable" {
                    option value="" { "any" }
                    @for s in SEVERITIES {
                        option value=(s.id()) selected[selection.vulnerable == Some(s)] { (s.id()) " or worse" }
                    }
                }
            }
            input type="hidden" name="sort" value=(selection.sort.id());
            input type="hidden" name="order" value=(selection.order.id());
            button type="submit" { "Filter" }
        }
    }
}

/// A column header whose link sorts by it (again: the other way).
fn header(query: &PageQuery, selection: &Selection, key: SortKey, label: &str) -> Markup {
    let current = selection.sort == key;
    let order = if current {
        selection.order.flipped()
    } else {
        key.first_order()
    };
    let href = query.link(
        "/",
        &[
            ("sort", Some(key.id())),
            ("order", Some(order.id())),
            ("page", None),
        ],
    );
    let sorted = match (current, selection.order) {
        (false, _) => None,
        (true, SortOrder::Asc) => Some("ascending"),
        (true, SortOrder::Desc) => Some("descending"),
    };
    html! {
        th scope="col" aria-sort=[sorted] {
            a href=(href) {
                (label)
                @match sorted { Some("ascending") => { " ▲" } Some(_) => { " ▼" } None => {} }
            }
        }
    }
}

pub(crate) fn health_badge(score: u8) -> Markup {
    let class = match score {
        80.. => "good",
        60..=79 => "fair",
        _ => "poor",
    };
    html! { span class={ "health " (class) } title="health score, 0–100" { (score) } }
}

fn outdated_cell(share: Option<OutdatedShare>) -> Markup {
    html! {
        @match share {
            Some(o) if o.checked > 0 => {
                span title={ (o.behind) " of the " (o.checked) " components looked up are behind their latest release" } {
                    (o.behind) " of " (o.checked) " (" (o.behind * 100 / o.checked) "%)"
                }
            }
            _ => { span.none title="no polyver outdated answer is stored with this scan" { "—" } }
        }
    }
}

fn vulnerability_cell(row: &Row) -> Markup {
    html! {
        @if row.vulnerabilities.iter().all(|n| *n == 0) {
            span.none { "none" }
        } @else {
            @for (s, n) in SEVERITIES.iter().zip(row.vulnerabilities) {
                @if n > 0 {
                    span class={ "badge sev-" (s.id()) } title=(s.id()) { (n) " " (s.id()) }
                    " "
                }
            }
        }
    }
}
