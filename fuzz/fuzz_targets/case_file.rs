//! The case-file reader never panics, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ascribe_case::parse_case("fuzz.toml", text);
        let _ = ascribe_case::parse_config("fuzz.toml", text);
    }
});
