//! Any bytes through the EVE reader: the quick type look and the full parse never panic,
//! and the quick look never contradicts the parse on a line that parses.
#![no_main]

use ascribe_telemetry::eve::{parse, to_record, TypeFinder};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let finder = TypeFinder::default();
    for line in data.split(|&b| b == b'\n') {
        let fast = finder.event_type_fast(line);
        if let Ok(ev) = parse(line) {
            if let (Some(f), Some(t)) = (fast, ev.event_type.as_deref()) {
                assert_eq!(f, t.as_bytes());
            }
            let _ = to_record(&ev);
        }
    }
});
