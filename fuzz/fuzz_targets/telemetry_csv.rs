//! Any text as a CSV firewall log (first line the header): never a panic.
#![no_main]

use ascribe_telemetry::fwcsv::{ColumnMap, CsvLayout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut lines = text.lines();
    let Some(header) = lines.next() else { return };
    let Ok(layout) = CsvLayout::from_header(header, &ColumnMap::default()) else { return };
    for line in lines {
        if let Ok(fields) = layout.fields(line) {
            let _ = layout.record(&fields);
        }
    }
    let _ = ascribe_intel::load(text, "fuzz.csv");
});
