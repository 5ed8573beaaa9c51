//! Any text through the Zeek TSV (with header state) and JSON readers: never a panic.
#![no_main]

use ascribe_telemetry::zeek::{parse_json, TsvHeader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut h = TsvHeader::for_file("fuzz.log");
    for line in text.lines() {
        if let Ok(false) = h.header_line(line) {
            let _ = h.record(line);
        }
        if let Ok(z) = parse_json(line.as_bytes()) {
            let _ = z.to_record("fuzz");
        }
    }
});
