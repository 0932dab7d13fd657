//! `polyver version compare|satisfies|intersect`: one line per answer, and the
//! `polyver.version/v1` documents.

use crate::term::{escaped, Style, Term};
use polyver_version::{Ecosystem, Intersection};
use serde_json::json;
use std::cmp::Ordering;

/// The `schema` of every JSON answer of the `version` commands.
pub const SCHEMA: &str = "polyver.version/v1";

/// `a < b`.
pub fn compare(a: &str, b: &str, ord: Ordering, term: &Term) -> String {
    let sign = match ord {
        Ordering::Less => "<",
        Ordering::Equal => "==",
        Ordering::Greater => ">",
    };
    format!(
        "{} {} {}\n",
        escaped(a),
        term.paint(sign, Style::Bold),
        escaped(b)
    )
}

pub fn compare_json(eco: Ecosystem, a: &str, b: &str, ord: Ordering) -> serde_json::Value {
    json!({"schema": SCHEMA, "command": "compare", "eco": eco.id(), "a": a, "b": b, "result": ord as i8})
}

/// `yes: npm 1.2.3 satisfies `^1.0.0``.
pub fn satisfies(eco: Ecosystem, version: &str, range: &str, ok: bool, term: &Term) -> String {
    let (word, style, verb) = if ok {
        ("yes", Style::Good, "satisfies")
    } else {
        ("no", Style::Bad, "does not satisfy")
    };
    format!(
        "{}: {eco} {} {verb} `{}`\n",
        term.paint(word, style),
        escaped(version),
        escaped(range)
    )
}

pub fn satisfies_json(eco: Ecosystem, version: &str, range: &str, ok: bool) -> serde_json::Value {
    json!({"schema": SCHEMA, "command": "satisfies", "eco": eco.id(), "version": version, "range": range, "result": ok})
}

/// `intersection: ...`, or `empty: why`.
pub fn intersect(i: &Intersection, term: &Term) -> String {
    if i.empty {
        let why = i.explanation.as_deref().unwrap_or("no version in common");
        format!("{}: {}\n", term.paint("empty", Style::Bad), escaped(why))
    } else {
        format!(
            "{} {}\n",
            term.paint("intersection:", Style::Good),
            escaped(&i.set)
        )
    }
}

pub fn intersect_json(eco: Ecosystem, a: &str, b: &str, i: &Intersection) -> serde_json::Value {
    json!({"schema": SCHEMA, "command": "intersect", "eco": eco.id(), "a": a, "b": b,
           "result": {"empty": i.empty, "set": i.set, "explanation": i.explanation}})
}
