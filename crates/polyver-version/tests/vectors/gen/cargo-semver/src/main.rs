//! Reads the version and range lists beside it and prints vectors answered by `semver`.
use semver::{Version, VersionReq};
use std::fs;

fn list(path: &str) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn main() {
    let real = list("cargo-versions.txt");
    let edge = list("cargo-edge.txt");
    let ranges = list("cargo-ranges.txt");
    let all: Vec<&String> = real.iter().chain(&edge).collect();
    let mut out = Vec::new();
    let q = |s: &str| serde_json_string(s);
    for v in &all {
        out.push(format!("{{\"kind\":\"parse\",\"input\":{},\"expect\":{}}}", q(v), Version::parse(v).is_ok()));
    }
    let cmp = |a: &str, b: &str| match (Version::parse(a), Version::parse(b)) {
        (Ok(x), Ok(y)) => format!("{}", x.cmp(&y) as i8),
        _ => "\"error\"".to_string(),
    };
    let mut valid: Vec<Version> = real.iter().filter_map(|v| Version::parse(v).ok()).collect();
    valid.sort();
    for w in valid.windows(2) {
        out.push(format!("{{\"kind\":\"compare\",\"a\":\"{}\",\"b\":\"{}\",\"expect\":{}}}", w[0], w[1], w[0].cmp(&w[1]) as i8));
    }
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..3000 {
        let (a, b) = (all[next(all.len())], all[next(all.len())]);
        out.push(format!("{{\"kind\":\"compare\",\"a\":{},\"b\":{},\"expect\":{}}}", q(a), q(b), cmp(a, b)));
    }
    for a in &edge {
        for b in &edge {
            out.push(format!("{{\"kind\":\"compare\",\"a\":{},\"b\":{},\"expect\":{}}}", q(a), q(b), cmp(a, b)));
        }
    }
    // Ranges: the edge list, plus requirements built from real versions.
    let mut reqs: Vec<String> = ranges.clone();
    for _ in 0..400 {
        let v = &valid[next(valid.len())];
        let op = ["", "^", "~", "=", ">", ">=", "<", "<="][next(8)];
        reqs.push(format!("{op}{v}"));
        let w = &valid[next(valid.len())];
        reqs.push(format!(">={}, <{}", v.min(w), v.max(w)));
    }
    for r in &reqs {
        let req = VersionReq::parse(r);
        for _ in 0..12 {
            let v = all[next(all.len())];
            let expect = match (Version::parse(v), &req) {
                (Ok(v), Ok(req)) => req.matches(&v).to_string(),
                _ => "\"error\"".to_string(),
            };
            out.push(format!("{{\"kind\":\"satisfies\",\"version\":{},\"range\":{},\"expect\":{}}}", q(v), q(r), expect));
        }
        for e in &edge {
            let expect = match (Version::parse(e), &req) {
                (Ok(v), Ok(req)) => req.matches(&v).to_string(),
                _ => "\"error\"".to_string(),
            };
            out.push(format!("{{\"kind\":\"satisfies\",\"version\":{},\"range\":{},\"expect\":{}}}", q(e), q(r), expect));
        }
    }
    out.sort();
    out.dedup();
    println!("{}", out.join("\n"));
}

fn serde_json_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}
