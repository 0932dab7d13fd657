//! pep508_rs against packaging 26.3's `Requirement` on the strings polyver-extract parses
//! (`gen508.py` writes them with the reference answers).

use pep508_rs::{Requirement, VerbatimUrl, VersionOrUrl};
use serde_json::{json, Value};
use std::str::FromStr;

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let (mut n, mut ok) = (0, 0);
    for line in text.lines() {
        let c: Value = serde_json::from_str(line).unwrap();
        let input = c["input"].as_str().unwrap();
        let got = match Requirement::<VerbatimUrl>::from_str(input) {
            Err(_) => json!("error"),
            Ok(r) => {
                let (mut specifier, mut url) = (Vec::<String>::new(), Value::Null);
                match &r.version_or_url {
                    Some(VersionOrUrl::VersionSpecifier(s)) => {
                        specifier = s.iter().map(|x| x.to_string().replace(' ', "")).collect();
                        specifier.sort();
                    }
                    Some(VersionOrUrl::Url(u)) => url = json!(u.to_string()),
                    None => {}
                }
                let mut extras: Vec<String> = r.extras.iter().map(|e| e.to_string()).collect();
                extras.sort();
                json!({"name": r.name.to_string(), "extras": extras, "specifier": specifier,
                       "url": url, "marker": r.marker.contents().map(|m| m.to_string())})
            }
        };
        n += 1;
        let exp = &c["expect"];
        // Marker text is normalized differently by the two; compare presence only.
        let same = match (exp, &got) {
            (Value::Object(e), Value::Object(g)) => {
                let mut e = e.clone();
                let mut g = g.clone();
                let norm = |v: &mut serde_json::Map<String, Value>| {
                    let m = v["marker"].is_string();
                    v.insert("marker".into(), json!(m));
                    if let Some(a) = v.get_mut("specifier").and_then(Value::as_array_mut) {
                        for s in a.iter_mut() {
                            *s = json!(s.as_str().unwrap().replace(' ', ""));
                        }
                    }
                };
                norm(&mut e);
                norm(&mut g);
                e == g
            }
            (e, g) => e == g,
        };
        if same {
            ok += 1;
        } else {
            println!(
                "DISAGREE {input:?} ({}):\n   packaging: {exp}\n   pep508_rs: {got}",
                c["source"]
            );
        }
    }
    println!("pep508: {ok}/{n} agree");
}
