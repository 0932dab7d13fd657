//! The health dashboard of `polyver serve`: server-rendered HTML over the same registry the
//! read API serves (PRODUCT.md §9).
//!
//! Why server-rendered: the pages must read without JavaScript, open offline and on a phone,
//! and say the same numbers as the API and `/metrics`. So every page is one HTML document
//! built from the store by the handler (maud, which escapes by construction: a repository
//! named `<script>` stays text), charts are inline SVG from `polyver_report::chart`, and the
//! one stylesheet and the icon are compiled into the binary. Sorting, filtering and paging
//! are query parameters behind plain links and GET forms.
//!
//! Pages: `/` every repository ([`overview`]), `/repos/{repository}` one repository
//! ([`repository`]), `/components/{ecosystem}/{name}` one component across repositories
//! ([`component`]). Each answers with a `Content-Security-Policy` that allows nothing but
//! this server's stylesheet and icon: no script, no remote load, no framing.
//!
//! Access follows the read API ([`crate::auth`]): the same middleware guards these paths
//! (open or `read` token by `[server] read`), and a token limited to a repository pattern
//! sees only the repositories it reaches. Parameters are read strictly, like the API's: an
//! unknown parameter or value is a 400 page that says which and what is accepted.

mod component;
mod forge;
mod overview;
mod query;
mod repository;

use crate::AppState;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The stylesheet and icon every page uses (public paths: see [`crate::auth::PUBLIC`]).
pub const STYLESHEET_PATH: &str = "/assets/dashboard.css";
pub const ICON_PATH: &str = "/assets/favicon.svg";

const STYLESHEET: &str = include_str!("dashboard.css");
const ICON: &str = include_str!("favicon.svg");

/// Nothing but this server's own stylesheet and images; forms only to itself.
pub const CONTENT_SECURITY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::page))
        .route("/repos/{*repository}", get(repository::page))
        .route("/components/{ecosystem}/{*name}", get(component::page))
        .route(STYLESHEET_PATH, get(stylesheet))
        .route(ICON_PATH, get(icon))
        .layer(axum::Extension(std::sync::Arc::new(
            overview::RowsCache::default(),
        )))
        .layer(axum::middleware::map_response(security_headers))
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

async fn icon() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/svg+xml"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
}

/// A page that could not be made: its status and what to do, as an HTML page.
#[derive(Debug)]
pub(crate) struct PageError {
    status: StatusCode,
    message: String,
    hint: Option<String>,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
            hint: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> PageError {
        self.hint = Some(hint.into());
        self
    }
}

impl From<crate::ApiError> for PageError {
    fn from(e: crate::ApiError) -> PageError {
        PageError {
            status: e.status,
            message: e.message,
            hint: e.hint,
        }
    }
}

impl From<polyver_store::StoreError> for PageError {
    fn from(e: polyver_store::StoreError) -> PageError {
        crate::ApiError::store(e).into()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = self
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string();
        let body = html! {
            section.error {
                h1 { (self.status.as_u16()) " " (title) }
                p.message { (self.message) }
                @if let Some(hint) = &self.hint { p.hint { (hint) } }
                p { a href="/" { "All repositories" } }
            }
        };
        (
            self.status,
            Html(layout(&title, html! {}, body).into_string()),
        )
            .into_response()
    }
}

/// The page around `body`: head, the breadcrumb trail after "Repositories", the footer.
pub(crate) fn layout(title: &str, trail: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · polyver" }
                link rel="stylesheet" href=(STYLESHEET_PATH);
                link rel="icon" type="image/svg+xml" href=(ICON_PATH);
            }
            body {
                header.top {
                    a.brand href="/" { "polyver" }
                    nav aria-label="breadcrumb" { a href="/" { "Repositories" } (trail) }
                }
                main { (body) }
                footer {
                    "polyver " (env!("CARGO_PKG_VERSION")) " · "
                    a href="/api/v1/repositories" { "JSON API" } " · "
                    a href="/openapi.json" { "API description" } " · "
                    a href="/metrics" { "metrics" }
                }
            }
        }
    }
}

/// An SVG chart from `polyver_report::chart` (escaped there), in a figure.
pub(crate) fn chart(svg: String) -> Markup {
    html! { figure.chart { (PreEscaped(svg)) } }
}

/// A line chart with its title as the caption and a legend of its series, in the colours
/// `polyver_report::chart` gives series by index (`.swatch-N` in the stylesheet).
pub(crate) fn line_chart(chart: &polyver_report::chart::LineChart) -> Markup {
    html! {
        figure.chart {
            figcaption { (chart.title) }
            (PreEscaped(chart.to_svg()))
            ul.legend {
                @for (i, series) in chart.series.iter().enumerate() {
                    li { span class={ "swatch swatch-" (i % 6) } {} (series.name) }
                }
            }
        }
    }
}

/// A name with a line-break opportunity after each `/`, so long repository names wrap
/// between their parts on a phone.
pub(crate) fn breakable(name: &str) -> Markup {
    let mut parts = name.split('/').peekable();
    html! {
        @while let Some(part) = parts.next() {
            (part) @if parts.peek().is_some() { "/" wbr; }
        }
    }
}

/// `/repos/NAME`, each segment of the name percent-encoded (its `/` kept).
pub(crate) fn repository_href(name: &str) -> String {
    format!("/repos/{}", encode_segments(name))
}

/// `/components/ECOSYSTEM/NAME`.
pub(crate) fn component_href(ecosystem: polyver_model::Ecosystem, name: &str) -> String {
    format!("/components/{}/{}", ecosystem.id(), encode_segments(name))
}

fn encode_segments(text: &str) -> String {
    text.split('/')
        .map(crate::api::params::percent_encode)
        .collect::<Vec<_>>()
        .join("/")
}

/// How long ago `ms` (Unix milliseconds) was, in the largest unit: `3 d`, `5 h`, `12 min`.
pub(crate) fn age(ms: i64, now_ms: i64) -> String {
    let seconds = (now_ms - ms).max(0) / 1000;
    match seconds {
        s if s >= 86_400 => format!("{} d", s / 86_400),
        s if s >= 3600 => format!("{} h", s / 3600),
        s if s >= 60 => format!("{} min", s / 60),
        _ => "now".to_string(),
    }
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A finding's severity as a coloured label.
pub(crate) fn severity_badge(severity: polyver_model::FindingSeverity) -> Markup {
    html! { span class={ "badge sev-" (severity.id()) } { (severity.id()) } }
}

/// "Showing A–B of N" and the previous/next links of a paged list; `link(page)` is the URL of
/// page `page` (1-based).
pub(crate) fn pager(
    label: &str,
    page: usize,
    limit: usize,
    total: usize,
    link: impl Fn(usize) -> String,
) -> Markup {
    let pages = total.div_ceil(limit).max(1);
    let first = (page - 1) * limit + 1;
    let last = (page * limit).min(total);
    html! {
        nav.pager aria-label={ (label) " pages" } {
            @if total == 0 {
                span { "None" }
            } @else if first > total {
                span { "Page " (page) " is past the last (" (pages) ")" }
            } @else {
                span { "Showing " (first) "–" (last) " of " (total) }
            }
            @if page > 1 {
                a rel="prev" href=(link(page.min(pages + 1) - 1)) { "← Previous" }
            }
            @if page < pages {
                a rel="next" href=(link(page + 1)) { "Next →" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_hrefs() {
        let now = 10 * 86_400_000;
        assert_eq!(age(now - 3 * 86_400_000 - 5, now), "3 d");
        assert_eq!(age(now - 2 * 3_600_000, now), "2 h");
        assert_eq!(age(now - 61_000, now), "1 min");
        assert_eq!(age(now + 5000, now), "now");
        assert_eq!(
            repository_href("git.example/acme/<b> x?"),
            "/repos/git.example/acme/%3Cb%3E%20x%3F"
        );
        assert_eq!(
            component_href(polyver_model::Ecosystem::Npm, "@types/node"),
            "/components/npm/%40types/node"
        );
    }

    #[test]
    fn the_pager_says_where_the_page_is() {
        let text =
            |page, total| pager("x", page, 10, total, |p| format!("?page={p}")).into_string();
        let one = text(1, 25);
        assert!(one.contains("Showing 1–10 of 25"), "{one}");
        assert!(one.contains("href=\"?page=2\"") && !one.contains("rel=\"prev\""));
        let last = text(3, 25);
        assert!(last.contains("Showing 21–25 of 25") && !last.contains("rel=\"next\""));
        assert!(text(9, 25).contains("Page 9 is past the last (3)"));
        assert!(text(1, 0).contains("None"));
    }
}
