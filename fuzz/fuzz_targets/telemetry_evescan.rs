//! Any bytes through the fast EVE reader: never a panic, and never an answer that
//! differs from serde_json's.
#![no_main]

use ascribe_telemetry::evescan::agrees_with_serde_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        assert!(agrees_with_serde_json(line), "{}", String::from_utf8_lossy(line));
    }
});
