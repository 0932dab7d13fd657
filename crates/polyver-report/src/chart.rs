//! Small inline SVG charts for the HTML report and the dashboard.
//!
//! Both pages must open offline and read without JavaScript, so charts are SVG written by
//! the server into the page. Every chart is an `<svg role="img">` with a `<title>` and a
//! `<desc>` that says in words what the picture shows (screen readers read those), and a
//! `<title>` on every mark for the hover text. Colours are CSS classes (`series-0`...,
//! `sev-critical`...) with a `fill`/`stroke` fallback, so a page can restyle them and a
//! chart pasted elsewhere still has colour. Output is deterministic: same input, same bytes.

use std::fmt::Write;

/// Fallback palette for series, by index (CSS classes `series-N` override it).
const PALETTE: [&str; 6] = [
    "#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2",
];

/// A colour for a severity or status name, used when the page has no CSS for it.
fn named_colour(class: &str) -> &'static str {
    match class {
        "critical" => "#7f1d1d",
        "high" => "#dc2626",
        "medium" => "#d97706",
        "low" => "#65a30d",
        "pass" | "ok" => "#16a34a",
        "fail" => "#dc2626",
        _ => "#64748b",
    }
}

/// Escapes text for SVG/HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One named line of a [`LineChart`]: `(x, y)` points, x usually a Unix time in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(i64, f64)>,
}

/// A line chart of one or more series over a shared x axis (time, for history charts).
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Unique within the page: it makes the `id`s of the title and description.
    pub id: String,
    pub title: String,
    pub series: Vec<Series>,
    pub width: u32,
    pub height: u32,
    /// Formats an x value for the axis labels and hover text (a date, for time).
    pub x_label: fn(i64) -> String,
}

/// One bar of a [`BarChart`]; `class` names its colour (`critical`, `high`, ... or any).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub class: String,
}

/// Horizontal bars, one per row, labelled on the left and valued on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub bars: Vec<Bar>,
    pub width: u32,
}

/// One bar split into parts (vulnerabilities by severity, say); zero parts are left out.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedBar {
    pub id: String,
    pub title: String,
    pub parts: Vec<Bar>,
    pub width: u32,
    pub height: u32,
}

/// Shortest decimal form of a value for labels: `3`, `2.5`, `0.33`.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn open_svg(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str) {
    let id = escape(id);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
}

impl LineChart {
    /// Words for the `<desc>`: each series with its first and last value.
    fn description(&self) -> String {
        let mut parts = Vec::new();
        for s in &self.series {
            match (s.points.first(), s.points.last()) {
                (Some(first), Some(last)) => parts.push(format!(
                    "{}: {} on {} to {} on {}",
                    s.name,
                    number(first.1),
                    (self.x_label)(first.0),
                    number(last.1),
                    (self.x_label)(last.0)
                )),
                _ => parts.push(format!("{}: no data", s.name)),
            }
        }
        if parts.is_empty() {
            "No data.".to_string()
        } else {
            parts.join("; ") + "."
        }
    }

    pub fn to_svg(&self) -> String {
        let (w, h) = (self.width.max(120) as f64, self.height.max(80) as f64);
        let (left, right, top, bottom) = (40.0, 10.0, 10.0, 24.0);
        let mut out = String::new();
        open_svg(
            &mut out,
            &self.id,
            w as u32,
            h as u32,
            &self.title,
            &self.description(),
        );
        let points = || self.series.iter().flat_map(|s| s.points.iter());
        let (Some(x_min), Some(x_max)) = (points().map(|p| p.0).min(), points().map(|p| p.0).max())
        else {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"empty\">no data</text></svg>",
                w / 2.0,
                h / 2.0
            );
            return out;
        };
        let y_max = points().map(|p| p.1).fold(0.0_f64, f64::max).max(1.0);
        let y_min = points().map(|p| p.1).fold(0.0_f64, f64::min);
        let plot_w = w - left - right;
        let plot_h = h - top - bottom;
        let sx = |x: i64| {
            if x_max == x_min {
                left + plot_w / 2.0
            } else {
                left + (x - x_min) as f64 / (x_max - x_min) as f64 * plot_w
            }
        };
        let sy = |y: f64| top + (1.0 - (y - y_min) / (y_max - y_min)) * plot_h;
        // Axes and the two y labels (bottom and top of the range).
        let _ = write!(
            out,
            "<g class=\"axis\" stroke=\"#94a3b8\" fill=\"none\"><path d=\"M{left} {top}V{b}H{r}\"/></g>\
             <g class=\"labels\" font-size=\"10\" fill=\"#475569\">\
             <text x=\"{lx}\" y=\"{b}\" text-anchor=\"end\">{}</text>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{}</text>\
             <text x=\"{left}\" y=\"{xl}\">{}</text>\
             <text x=\"{r}\" y=\"{xl}\" text-anchor=\"end\">{}</text></g>",
            number(y_min),
            number(y_max),
            escape(&(self.x_label)(x_min)),
            escape(&(self.x_label)(x_max)),
            b = top + plot_h,
            r = left + plot_w,
            lx = left - 4.0,
            ty = top + 8.0,
            xl = h - 6.0,
        );
        for (i, s) in self.series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let mut d = String::new();
            for (n, &(x, y)) in s.points.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{:.1} {:.1}",
                    if n == 0 { "M" } else { "L" },
                    sx(x),
                    sy(y)
                );
            }
            let _ = write!(
                out,
                "<g class=\"series series-{i}\"><path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"><title>{}</title></path>",
                escape(&s.name)
            );
            for &(x, y) in &s.points {
                let _ = write!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"><title>{}: {} ({})</title></circle>",
                    sx(x),
                    sy(y),
                    escape(&s.name),
                    number(y),
                    escape(&(self.x_label)(x))
                );
            }
            out.push_str("</g>");
        }
        out.push_str("</svg>");
        out
    }
}

impl BarChart {
    pub fn to_svg(&self) -> String {
        let row = 20.0;
        let w = self.width.max(160) as f64;
        let h = (self.bars.len().max(1) as f64) * row + 4.0;
        let label_w = (w * 0.35).min(180.0);
        let value_w = 48.0;
        let plot_w = w - label_w - value_w;
        let max = self.bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
        let desc = if self.bars.is_empty() {
            "No data.".to_string()
        } else {
            self.bars
                .iter()
                .map(|b| format!("{}: {}", b.label, number(b.value)))
                .collect::<Vec<_>>()
                .join("; ")
                + "."
        };
        let mut out = String::new();
        open_svg(&mut out, &self.id, w as u32, h as u32, &self.title, &desc);
        out.push_str("<g font-size=\"11\">");
        for (i, bar) in self.bars.iter().enumerate() {
            let y = i as f64 * row + 2.0;
            let len = if max > 0.0 {
                bar.value.max(0.0) / max * plot_w
            } else {
                0.0
            };
            let class = escape(&bar.class);
            let _ = write!(
                out,
                "<g class=\"bar {class}\"><title>{label}: {value}</title>\
                 <text x=\"{lx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\" fill=\"#334155\">{label}</text>\
                 <rect x=\"{label_w:.1}\" y=\"{y:.1}\" width=\"{len:.1}\" height=\"{bh:.1}\" fill=\"{fill}\"/>\
                 <text x=\"{vx:.1}\" y=\"{ty:.1}\" fill=\"#334155\">{value}</text></g>",
                label = escape(&bar.label),
                value = number(bar.value),
                lx = label_w - 4.0,
                ty = y + 13.0,
                bh = row - 6.0,
                fill = named_colour(&bar.class),
                vx = label_w + len + 4.0,
            );
        }
        out.push_str("</g></svg>");
        out
    }
}

impl StackedBar {
    pub fn to_svg(&self) -> String {
        let (w, h) = (self.width.max(60) as f64, self.height.max(8) as f64);
        let total: f64 = self.parts.iter().map(|p| p.value.max(0.0)).sum();
        let shown: Vec<&Bar> = self.parts.iter().filter(|p| p.value > 0.0).collect();
        let desc = if shown.is_empty() {
            "None.".to_string()
        } else {
            shown
                .iter()
                .map(|p| format!("{}: {}", p.label, number(p.value)))
                .collect::<Vec<_>>()
                .join("; ")
                + "."
        };
        let mut out = String::new();
        open_svg(&mut out, &self.id, w as u32, h as u32, &self.title, &desc);
        if shown.is_empty() {
            let _ = write!(
                out,
                "<rect class=\"empty\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#e2e8f0\"/>"
            );
        }
        let mut x = 0.0;
        for part in shown {
            let len = part.value / total * w;
            let _ = write!(
                out,
                "<rect class=\"{}\" x=\"{x:.1}\" y=\"0\" width=\"{len:.1}\" height=\"{h}\" fill=\"{}\"><title>{}: {}</title></rect>",
                escape(&part.class),
                named_colour(&part.class),
                escape(&part.label),
                number(part.value)
            );
            x += len;
        }
        out.push_str("</svg>");
        out
    }
}

/// `YYYY-MM-DD` of a Unix time in seconds (UTC), the usual x label of history charts.
pub fn date_label(unix_seconds: i64) -> String {
    match u64::try_from(unix_seconds) {
        Ok(secs) => {
            let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            humantime::format_rfc3339_seconds(time).to_string()[..10].to_string()
        }
        Err(_) => unix_seconds.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> i64 {
        1_700_000_000 + n * 86_400
    }

    #[test]
    fn line_chart_is_accessible_and_describes_its_data() {
        let chart = LineChart {
            id: "hist".into(),
            title: "Components over time".into(),
            series: vec![Series {
                name: "components <all>".into(),
                points: vec![(day(0), 10.0), (day(1), 12.0), (day(2), 9.0)],
            }],
            width: 300,
            height: 120,
            x_label: date_label,
        };
        let svg = chart.to_svg();
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"hist-title hist-desc\""));
        assert!(svg.contains("<title id=\"hist-title\">Components over time</title>"));
        assert!(svg.contains("components &lt;all&gt;: 10 on 2023-11-14 to 9 on 2023-11-16."));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg, chart.to_svg(), "deterministic");
    }

    #[test]
    fn empty_and_single_point_charts_do_not_divide_by_zero() {
        let mut chart = LineChart {
            id: "e".into(),
            title: "t".into(),
            series: vec![],
            width: 200,
            height: 100,
            x_label: date_label,
        };
        assert!(chart.to_svg().contains("no data"));
        chart.series.push(Series {
            name: "one".into(),
            points: vec![(day(0), 0.0)],
        });
        let svg = chart.to_svg();
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    #[test]
    fn bars_scale_to_the_largest_and_keep_their_class() {
        let chart = BarChart {
            id: "b".into(),
            title: "Vulnerabilities".into(),
            bars: vec![
                Bar {
                    label: "critical".into(),
                    value: 2.0,
                    class: "critical".into(),
                },
                Bar {
                    label: "low".into(),
                    value: 1.0,
                    class: "low".into(),
                },
            ],
            width: 400,
        };
        let svg = chart.to_svg();
        assert!(svg.contains("critical: 2; low: 1."));
        assert!(svg.contains("class=\"bar critical\""));
        // label_w = 140, plot_w = 400 - 140 - 48 = 212: the longest bar fills it.
        assert!(svg.contains("width=\"212.0\""), "{svg}");
        assert!(svg.contains("width=\"106.0\""), "{svg}");
    }

    #[test]
    fn stacked_bar_leaves_out_zero_parts() {
        let bar = StackedBar {
            id: "s".into(),
            title: "By severity".into(),
            parts: vec![
                Bar {
                    label: "high".into(),
                    value: 3.0,
                    class: "high".into(),
                },
                Bar {
                    label: "low".into(),
                    value: 0.0,
                    class: "low".into(),
                },
                Bar {
                    label: "medium".into(),
                    value: 1.0,
                    class: "medium".into(),
                },
            ],
            width: 100,
            height: 10,
        };
        let svg = bar.to_svg();
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("high: 3; medium: 1."));
        assert!(svg.contains("width=\"75.0\""));
        let none = StackedBar {
            parts: vec![],
            ..bar
        };
        assert!(none.to_svg().contains("None."));
    }

    #[test]
    fn escape_covers_markup_and_controls() {
        assert_eq!(
            escape("a<b>&\"'\u{1}"),
            "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}"
        );
    }
}
