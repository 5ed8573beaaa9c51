//! The cleaner never panics, and its offsets always map back onto char
//! boundaries of the original, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [
        ascribe_extract::Format::Text,
        ascribe_extract::Format::Html,
        ascribe_extract::Format::Markdown,
    ] {
        let c = ascribe_extract::clean(data, Some(format));
        for b in &c.blocks {
            let (s, e) = c.original_range(b.start, b.end);
            assert!(c.original.get(s..e).is_some());
        }
    }
});
