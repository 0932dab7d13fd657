//! `polyver plan`: the recommendations, most urgent first; each component's priority with the
//! terms it is the sum of; the repository's health with its parts — as a table and as
//! Markdown. (JSON is the `polyver.plan/v1` document, `polyver_analyze::plan::Plan`.)

use crate::markdown::cell;
use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_analyze::health::{Health, HealthPart};
use polyver_analyze::plan::{Plan, PlannedComponent, Recommendation};
use polyver_analyze::priority::Term as PriorityTerm;
use std::fmt::{self, Write as _};

/// `change needed`, `within range` or `-`.
fn constraint_word(within: Option<bool>) -> &'static str {
    match within {
        Some(true) => "within range",
        Some(false) => "change needed",
        None => "-",
    }
}

fn package(ecosystem: &str, name: &str) -> String {
    format!("{ecosystem} {name}")
}

fn listed(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_string()
    } else {
        items.join(", ")
    }
}

/// What a recommendation moves to: the version, `pin`, or `no fix`.
fn target(r: &Recommendation) -> String {
    match (&r.to, &r.digest) {
        (Some(to), Some(digest)) => format!("{to}@{digest}"),
        (Some(to), None) => to.clone(),
        (None, _) => match r.action {
            polyver_analyze::plan::Action::Pin => "(pin)".to_string(),
            _ => "(no fix)".to_string(),
        },
    }
}

fn component_title(c: &PlannedComponent) -> String {
    let version = c.current.as_deref().unwrap_or("(not pinned)");
    format!("{} {} {version}", c.ecosystem, c.name)
}

fn exposure(c: &PlannedComponent) -> String {
    format!(
        "{}, {}",
        c.scope,
        if c.direct { "direct" } else { "transitive" }
    )
}

/// `+28`, or `0` for a term that says what is not known.
fn points(t: &PriorityTerm) -> String {
    if t.points > 0 {
        format!("+{}", t.points)
    } else {
        "0".to_string()
    }
}

fn term_line(t: &PriorityTerm) -> String {
    format!("{:>4}  {:<15} {}", points(t), t.name, t.why)
}

fn score_text(p: &HealthPart) -> (String, String) {
    match p.score {
        Some(s) => (format!("{s:.2}"), format!("{:.1}", p.points)),
        None => ("-".to_string(), "-".to_string()),
    }
}

fn headline(plan: &Plan) -> String {
    let s = &plan.summary;
    format!(
        "Health {}/100: {}, {} with a priority, {}",
        plan.health.score,
        super::plural(s.components, "component", "components"),
        s.prioritized,
        super::plural(s.recommendations, "recommendation", "recommendations"),
    )
}

/// Recommendations, priorities with their terms, health, notes.
pub fn table(plan: &Plan, term: &Term) -> String {
    let mut out = String::new();
    let _ = write_table(plan, term, &mut out);
    out
}

fn write_table(plan: &Plan, term: &Term, w: &mut String) -> fmt::Result {
    writeln!(w, "{}\n", term.paint(&escaped(headline(plan)), Style::Bold))?;
    writeln!(w, "{}", term.paint("Recommendations", Style::Bold))?;
    if plan.recommendations.is_empty() {
        writeln!(w, "  nothing to update by what is known")?;
    } else {
        let columns = vec![
            Column::right(),
            Column::left(),
            Column::left(),
            Column::left(),
            Column::left(),
            Column::left(),
            Column::left().shrink(),
        ];
        let mut t = Table::new(columns).indent(2).header([
            "PRIO",
            "ACTION",
            "PACKAGE",
            "FROM",
            "TO",
            "CONSTRAINT",
            "FIXES",
        ]);
        for r in &plan.recommendations {
            let style = (r.priority >= 50).then_some(Style::Bad);
            t.styled_row(vec![
                (r.priority.to_string(), style),
                (r.action.id().to_string(), None),
                (package(r.ecosystem.id(), &r.name), None),
                (listed(&r.from), None),
                (target(r), None),
                (constraint_word(r.within_constraint).to_string(), None),
                (listed(&r.fixes), None),
            ]);
            let mut details: Vec<String> =
                r.places
                    .iter()
                    .map(|p| {
                        let mut line = format!("at {}", p.location);
                        if let Some(current) = &p.current {
                            line.push_str(&format!(": {current}"));
                        }
                        match (&p.constraint, p.within_constraint) {
                            (Some(c), Some(within)) => line
                                .push_str(&format!(" (`{c}`: {})", constraint_word(Some(within)))),
                            (Some(c), None) => line.push_str(&format!(" (`{c}`)")),
                            _ => {}
                        }
                        line
                    })
                    .collect();
            if !r.still_open.is_empty() {
                details.push(format!("still open: {}", r.still_open.join(", ")));
            }
            details.extend(r.note.iter().map(|n| format!("note: {n}")));
            t.details(details);
        }
        w.push_str(&t.render(term));
    }

    writeln!(
        w,
        "\n{}",
        term.paint("Priorities, highest first", Style::Bold)
    )?;
    let weighed: Vec<&PlannedComponent> = plan
        .components
        .iter()
        .filter(|c| c.priority.score > 0)
        .collect();
    if weighed.is_empty() {
        writeln!(w, "  every component is at priority 0")?;
    } else {
        let mut t = Table::new(vec![
            Column::right(),
            Column::left(),
            Column::left(),
            Column::left().shrink(),
        ])
        .indent(2);
        for c in &weighed {
            let at: Vec<String> = c.locations.iter().map(|l| l.to_string()).collect();
            t.row([
                c.priority.score.to_string(),
                component_title(c),
                exposure(c),
                at.join(", "),
            ]);
            t.details(c.priority.terms.iter().map(term_line));
        }
        w.push_str(&t.render(term));
    }
    let hidden = plan.summary.prioritized.saturating_sub(weighed.len());
    if hidden > 0 {
        writeln!(
            w,
            "  {hidden} more {} with a priority (beyond --limit)",
            if hidden == 1 {
                "component"
            } else {
                "components"
            }
        )?;
    }
    let rest = plan.summary.components - plan.summary.prioritized;
    if rest > 0 {
        writeln!(
            w,
            "  {} at priority 0 (--format json lists every one with its terms)",
            super::plural(rest, "component", "components")
        )?;
    }

    writeln!(
        w,
        "\n{}",
        term.paint(&format!("Health {}/100", plan.health.score), Style::Bold)
    )?;
    w.push_str(&health_table(&plan.health).render(term));
    for n in &plan.notes {
        writeln!(w, "note: {}", escaped(n))?;
    }
    Ok(())
}

fn health_table(health: &Health) -> Table {
    let mut t = Table::new(vec![
        Column::left(),
        Column::left().shrink(),
        Column::right(),
        Column::right(),
        Column::right(),
    ])
    .indent(2)
    .header(["PART", "VALUE", "SCORE", "WEIGHT", "POINTS"]);
    for p in &health.parts {
        let (score, points) = score_text(p);
        t.row([
            p.name.to_string(),
            p.value.clone(),
            score,
            p.weight.to_string(),
            points,
        ]);
    }
    t
}

/// The same as Markdown, for a pull request or a wiki page.
pub fn markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = write_markdown(plan, &mut out);
    out
}

fn write_markdown(plan: &Plan, w: &mut String) -> fmt::Result {
    writeln!(w, "# Update plan\n")?;
    writeln!(w, "{}.\n", cell(&headline(plan)))?;
    for n in &plan.notes {
        writeln!(w, "> {}\n", cell(n))?;
    }
    writeln!(w, "## Recommendations\n")?;
    if plan.recommendations.is_empty() {
        writeln!(w, "Nothing to update by what is known.")?;
    } else {
        writeln!(
            w,
            "| priority | action | package | from | to | constraint | fixes | where |"
        )?;
        writeln!(w, "|---:|---|---|---|---|---|---|---|")?;
        for r in &plan.recommendations {
            let at: Vec<String> = r
                .places
                .iter()
                .map(|p| format!("`{}`", cell(&p.location.to_string())))
                .collect();
            let mut fixes = listed(&r.fixes);
            if !r.still_open.is_empty() {
                fixes.push_str(&format!(" (still open: {})", r.still_open.join(", ")));
            }
            writeln!(
                w,
                "| {} | {} | `{}` ({}) | {} | {} | {} | {} | {} |",
                r.priority,
                r.action.id(),
                cell(&r.name),
                r.ecosystem,
                cell(&listed(&r.from)),
                cell(&target(r)),
                constraint_word(r.within_constraint),
                cell(&fixes),
                at.join(", ")
            )?;
        }
    }
    writeln!(w, "\n## Priorities\n")?;
    writeln!(w, "| priority | component | exposure | terms |")?;
    writeln!(w, "|---:|---|---|---|")?;
    for c in plan.components.iter().filter(|c| c.priority.score > 0) {
        let terms: Vec<String> = c
            .priority
            .terms
            .iter()
            .map(|t| format!("{} {}: {}", points(t), t.name, cell(&t.why)))
            .collect();
        writeln!(
            w,
            "| {} | {} | {} | {} |",
            c.priority.score,
            cell(&component_title(c)),
            exposure(c),
            terms.join("<br>")
        )?;
    }
    writeln!(w, "\n## Health: {}/100\n", plan.health.score)?;
    writeln!(w, "| part | value | score | weight | points |")?;
    writeln!(w, "|---|---|---:|---:|---:|")?;
    for p in &plan.health.parts {
        let (score, points) = score_text(p);
        writeln!(
            w,
            "| {} | {} | {score} | {} | {points} |",
            p.name,
            cell(&p.value),
            p.weight
        )?;
    }
    Ok(())
}
