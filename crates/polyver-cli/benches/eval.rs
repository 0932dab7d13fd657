//! `polyver version eval --jsonl` on 1M request lines (mixed kinds and ecosystems), in memory:
//! the JSON protocol, parsing and evaluation, without process start-up or pipe costs.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polyver_engine::version_eval::eval_stream;

const LINES: usize = 1_000_000;

fn requests() -> Vec<u8> {
    let templates = [
        r#"{"kind":"compare","eco":"pypi","a":"1.0a1","b":"1.0.post2"}"#,
        r#"{"kind":"satisfies","eco":"npm","version":"1.2.3","range":"^1.0.0 || >=2.0.0 <3.0.0"}"#,
        r#"{"kind":"satisfies","eco":"cargo","version":"1.2.3","range":">=1.2, <1.5"}"#,
        r#"{"kind":"compare","eco":"go","a":"v0.0.0-20191109021931-daa7c04131f5","b":"v0.1.0"}"#,
        r#"{"kind":"parse","eco":"cargo","input":"1.2"}"#,
        r#"{"kind":"satisfies","eco":"pypi","version":"2.31.0","range":">=2.20,<3,!=2.30.*"}"#,
        r#"{"kind":"compare","eco":"maven","a":"1.0-SNAPSHOT","b":"1.0-rc1"}"#,
        r#"{"kind":"compare","eco":"semver","a":"1.0.0-rc.1","b":"1.0.0"}"#,
    ];
    let mut input = Vec::with_capacity(LINES * 80);
    for i in 0..LINES {
        input.extend_from_slice(templates[i % templates.len()].as_bytes());
        input.push(b'\n');
    }
    input
}

fn bench(c: &mut Criterion) {
    let input = requests();
    let mut group = c.benchmark_group("eval_jsonl");
    group.sample_size(10);
    group.throughput(Throughput::Elements(LINES as u64));
    group.bench_function("1M_lines", |b| {
        let mut out = Vec::with_capacity(LINES * 20);
        b.iter(|| {
            out.clear();
            eval_stream(&input[..], &mut out).unwrap();
            assert!(out.len() > LINES);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
