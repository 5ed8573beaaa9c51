//! Any text as a STIX pattern: parsed or refused with a reason, never a panic; what
//! parses names at least one value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(v) = ascribe_intel::parse_pattern(text) {
        assert!(!v.is_empty());
    }
});
