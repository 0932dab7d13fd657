//! Throughput of the version engine per ecosystem, on the real version histories committed
//! beside the differential vectors (`tests/vectors/gen/<eco>-versions.txt`):
//! - `compare/<eco>`: `Ord` on parsed versions (what sorting and range checks do);
//! - `parse_compare/<eco>`: the string API `compare(eco, a, b)` (parse both, then order);
//! - `satisfies/<eco>`: a parsed range tested against parsed versions.
//!
//! Run: `cargo bench -p polyver-version --bench versions`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use polyver_version::{compare, Ecosystem};
use std::path::Path;

fn history(eco: Ecosystem) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/gen")
        .join(format!("{}-versions.txt", eco.id()));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        // Lists are `version` or `project<TAB>version` per line.
        .filter_map(|l| l.rsplit('\t').next())
        .filter(|l| polyver_version::is_valid(eco, l))
        .map(str::to_owned)
        .collect()
}

/// Pairs of neighbours in a shuffled order, so that comparisons are not branch-predictable.
fn pairs(n: usize) -> Vec<(usize, usize)> {
    let mut seed = 0x9e3779b97f4a7c15u64;
    (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (
                (seed % n as u64) as usize,
                ((seed >> 32) % n as u64) as usize,
            )
        })
        .collect()
}

macro_rules! scheme_bench {
    ($c:expr, $eco:expr, $m:ident, $range:expr) => {{
        let names = history($eco);
        if names.len() < 2 {
            eprintln!("skipping {}: no valid versions in its history file", $eco);
        } else {
            use polyver_version::$m::{Range, Version};
            let parsed: Vec<Version> = names.iter().map(|s| Version::parse(s).unwrap()).collect();
            let idx = pairs(parsed.len());
            let mut group = $c.benchmark_group(format!("{}", $eco));
            group.throughput(Throughput::Elements(idx.len() as u64));
            group.bench_function("compare", |b| {
                b.iter(|| {
                    let mut less = 0usize;
                    for &(i, j) in &idx {
                        less += (black_box(&parsed[i]) < black_box(&parsed[j])) as usize;
                    }
                    less
                })
            });
            group.bench_function("parse_compare", |b| {
                b.iter(|| {
                    for &(i, j) in &idx {
                        black_box(compare($eco, &names[i], &names[j]).unwrap());
                    }
                })
            });
            let range = Range::parse($range).unwrap();
            group.bench_function("satisfies", |b| {
                b.iter(|| {
                    let mut hits = 0usize;
                    for &(i, _) in &idx {
                        hits += range.contains(black_box(&parsed[i])) as usize;
                    }
                    hits
                })
            });
            group.finish();
        }
    }};
}

fn bench(c: &mut Criterion) {
    scheme_bench!(c, Ecosystem::Pypi, pypi, ">=1.4,<3,!=2.0.*");
    scheme_bench!(c, Ecosystem::Npm, npm, "^16.0.0 || >=17.0.0 <18.2.0");
    scheme_bench!(c, Ecosystem::Cargo, cargo, ">=1.0.100, <1.0.200");
    scheme_bench!(c, Ecosystem::Go, go, ">=v0.1.0, <v0.9.0");
    scheme_bench!(c, Ecosystem::Maven, maven, "[1.0,2.0),[3.0,)");
    scheme_bench!(c, Ecosystem::Debian, debian, ">= 1.0");
    scheme_bench!(c, Ecosystem::Rubygems, rubygems, "~> 5.2");
}

criterion_group!(benches, bench);
criterion_main!(benches);
