//! The polyver.lock reader on arbitrary bytes (decoded lossily): it must never panic, and
//! whatever it accepts must render and read back to the same entries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(entries) = polyver_lock::parse(&text) else {
        return;
    };
    let rendered = polyver_lock::render(&entries);
    let again = polyver_lock::parse(&rendered).expect("a rendered lock reads back");
    assert_eq!(entries, again);
    assert!(polyver_lock::diff(&entries, &again).is_empty());
    for e in &entries {
        let _ = polyver_lock::describe(e);
    }
});
