//! OSV range preparation and evaluation (what the audit's matcher does per affected range)
//! on arbitrary events: byte 0 picks the ecosystem, byte 1 the range type; the rest splits
//! at NUL into events (first character `i`/`f`/`l`/`L` picks introduced, fixed,
//! last_affected, limit) and the last piece is the version tested.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_version::osv::{in_versions_list, Event, PreparedRange, RangeType};
use polyver_version::Ecosystem;

fuzz_target!(|data: &[u8]| {
    let [pick, kind, rest @ ..] = data else {
        return;
    };
    let eco = Ecosystem::ALL[*pick as usize % Ecosystem::ALL.len()];
    let kind = [RangeType::Ecosystem, RangeType::Semver, RangeType::Git][*kind as usize % 3];
    let text = String::from_utf8_lossy(rest);
    let mut pieces: Vec<&str> = text.split('\0').collect();
    let version = pieces.pop().unwrap_or_default();
    let events: Vec<Event> = pieces
        .iter()
        .filter_map(|p| {
            let mut chars = p.chars();
            let v = || p[1..].to_string();
            Some(match chars.next()? {
                'i' => Event::Introduced(v()),
                'f' => Event::Fixed(v()),
                'l' => Event::LastAffected(v()),
                'L' => Event::Limit(v()),
                _ => return None,
            })
        })
        .collect();
    let _ = in_versions_list(eco, version, pieces.iter().copied());
    let Ok(range) = PreparedRange::new(eco, kind, &events) else {
        return;
    };
    if let Ok(v) = range.parse_version(version) {
        let _ = range.contains(&v);
    }
    let _ = range.fixed_versions().count();
});
