//! The server's own request metrics: `polyver_http_requests_total{method,route,status}` and
//! the `polyver_http_request_duration_seconds{method,route}` histogram, recorded by the
//! [`track`] middleware around every route (so a timeout's 408 and a body limit's 413 count
//! too). The route is axum's [`MatchedPath`], the template the router matched.

use super::Metrics;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

/// Seconds: from a cached `/metrics` (under a millisecond) to the request timeout (30 s).
const DURATION_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0,
];

/// The route label of a request no route matched (404 fallback).
pub const UNMATCHED: &str = "unmatched";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DurationLabels {
    method: &'static str,
    route: String,
}

/// Request counters and latencies of this process.
pub struct HttpMetrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<DurationLabels, Histogram, fn() -> Histogram>,
}

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS)
}

impl Default for HttpMetrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let durations =
            Family::<DurationLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                duration_histogram,
            );
        // prometheus-client adds `_total` to counters.
        registry.register(
            "polyver_http_requests",
            "HTTP requests answered, by method, route template and status code",
            requests.clone(),
        );
        registry.register(
            super::names::HTTP_DURATION,
            "Time from receiving an HTTP request to its response headers, by method and route \
             template",
            durations.clone(),
        );
        HttpMetrics {
            registry,
            requests,
            durations,
        }
    }
}

impl HttpMetrics {
    /// Counts one answered request.
    pub fn observe(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route: route.to_string(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&DurationLabels {
                method,
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// Appends the metrics in the Prometheus text format.
    pub fn encode(&self, out: &mut String) {
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(out, &self.registry);
    }
}

/// The method label: the methods of RFC 9110 and PATCH; anything else is `OTHER`, so a
/// client inventing methods cannot grow the label set.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

/// Middleware: times the request and counts its answer under its route template.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_string();
    let response = next.run(request).await;
    metrics.http.observe(
        method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_template_and_timed() {
        let m = HttpMetrics::default();
        m.observe("GET", "/api/v1/repositories/{name}", 200, 0.003);
        m.observe("GET", "/api/v1/repositories/{name}", 200, 0.2);
        m.observe("POST", UNMATCHED, 404, 0.0001);
        let mut text = String::new();
        m.encode(&mut text);
        assert!(text.contains(
            "polyver_http_requests_total{method=\"GET\",route=\"/api/v1/repositories/{name}\",status=\"200\"} 2\n"
        ), "{text}");
        assert!(text.contains(
            "polyver_http_requests_total{method=\"POST\",route=\"unmatched\",status=\"404\"} 1\n"
        ));
        assert!(text.contains("# TYPE polyver_http_request_duration_seconds histogram\n"));
        assert!(text.contains(
            "polyver_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/repositories/{name}\",le=\"0.005\"} 1\n"
        ), "{text}");
        assert!(text.contains(
            "polyver_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/repositories/{name}\"} 2\n"
        ));
    }

    #[test]
    fn unknown_methods_share_one_label() {
        let odd = axum::http::Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&odd), "OTHER");
        assert_eq!(method_label(&axum::http::Method::PATCH), "PATCH");
    }
}
