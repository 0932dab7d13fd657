//! Every ecosystem's version and range parsers, ordering and algebra on arbitrary bytes:
//! the first byte picks the ecosystem, the rest splits at the first NUL into two inputs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_version::{compare, intersect, is_valid, satisfies, Ecosystem};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let eco = Ecosystem::ALL[pick as usize % Ecosystem::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    let (a, b) = text.split_once('\0').unwrap_or((&text, ""));
    let _ = is_valid(eco, a);
    let _ = compare(eco, a, b);
    let _ = satisfies(eco, a, b);
    let _ = satisfies(eco, b, a);
    let _ = intersect(eco, a, b);
});
