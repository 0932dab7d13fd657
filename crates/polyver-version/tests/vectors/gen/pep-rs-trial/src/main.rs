//! pep440_rs against `tests/vectors/pypi.jsonl` (packaging 26.3): agreement per case kind on
//! stdout, every disagreement as a JSON line on stderr (for `categorize.py`).

use pep440_rs::{Version, VersionSpecifiers};
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let mut total: BTreeMap<String, usize> = BTreeMap::new();
    let mut agree: BTreeMap<String, usize> = BTreeMap::new();
    let mut cats: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let c: Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| c[k].as_str().unwrap().to_string();
        let kind = s("kind");
        let expect = &c["expect"];
        let got: Value = match kind.as_str() {
            "parse" => Value::from(Version::from_str(&s("input")).is_ok()),
            "compare" => match (Version::from_str(&s("a")), Version::from_str(&s("b"))) {
                (Ok(a), Ok(b)) => Value::from(a.cmp(&b) as i8),
                _ => Value::from("error"),
            },
            "satisfies" => match (
                Version::from_str(&s("version")),
                VersionSpecifiers::from_str(&s("range")),
            ) {
                (Ok(v), Ok(r)) => Value::from(r.contains(&v)),
                _ => Value::from("error"),
            },
            k => panic!("{k}"),
        };
        *total.entry(kind.clone()).or_default() += 1;
        if &got == expect {
            *agree.entry(kind.clone()).or_default() += 1;
        } else {
            eprintln!("{}", serde_json::json!({"case": c, "got": got}));
            let cat = format!("{kind}: expect {expect} got {got}");
            cats.entry(cat).or_default().push(line.to_string());
        }
    }
    for (k, t) in &total {
        println!("{k}: {}/{t} agree", agree.get(k).copied().unwrap_or(0));
    }
    for (cat, lines) in &cats {
        println!("\n== {cat}: {}", lines.len());
        for l in lines.iter().take(12) {
            println!("  {l}");
        }
    }
}
