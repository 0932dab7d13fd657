//! One OSV advisory document on arbitrary bytes, as `db import` reads each `.json`:
//! `Advisory::from_json` (which also prepares the ranges to prune listed versions) must
//! never panic, and an accepted advisory must survive the stored form's round trip and be
//! rated.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_advisory::Advisory;

fuzz_target!(|data: &[u8]| {
    let Ok(a) = Advisory::from_json(data) else {
        return;
    };
    let _ = polyver_advisory::severity::rate(&a);
    let _ = a.url();
    let stored = serde_json::to_vec(&a).expect("an advisory serializes");
    let back: Advisory = serde_json::from_slice(&stored).expect("the stored form parses");
    let _ = polyver_advisory::severity::rate(&back);
});
