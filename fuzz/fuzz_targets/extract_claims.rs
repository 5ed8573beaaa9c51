//! The claim extractor never panics, and every claim's offsets slice the
//! original on char boundaries, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let doc = ascribe_extract::read_document("fuzz.txt", data, None);
    let original = String::from_utf8_lossy(data);
    for c in &doc.claims {
        let (s, e) = (c.claim.start.unwrap_or(0), c.claim.end.unwrap_or(0));
        assert!(original.get(s..e).is_some());
    }
});
