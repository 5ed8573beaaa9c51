#![no_main]
//! The STIX bundle reader must never panic, whatever the bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for partial in [false, true] {
            let opts = ascribe_stix::ImportOptions {
                partial,
                ..Default::default()
            };
            if let Ok(imp) = ascribe_stix::import_bundle(text, &opts) {
                let _ = ascribe_stix::model::model_view(&imp.objects);
            }
        }
    }
});
