//! Licence normalization, core-metadata parsing and licence-text detection on arbitrary
//! bytes (lossily decoded): they must never panic, and every expression they produce must
//! parse again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for n in [
        polyver_license::normalize(&text),
        polyver_license::installed::from_metadata(&text),
    ] {
        if let Some(e) = &n.expression {
            assert!(polyver_license::expression::parse_lenient(e).is_some(), "{e}");
        }
        let _ = polyver_license::policy::effective_category(&n);
    }
    let _ = polyver_license::detect::detect_text(&text);
    if let Some(c) = polyver_license::expression::from_classifier(&text) {
        let _ = c.expression;
    }
});
