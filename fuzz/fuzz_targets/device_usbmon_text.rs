#![no_main]
use ascribe_device::{vet_bytes, Claim, InputFormat, VetOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut opts = VetOptions::new(Claim::FlashDrive);
    opts.format = Some(InputFormat::UsbmonText);
    if let Ok(v) = vet_bytes(data, &opts) {
        let _ = ascribe_device::report::to_text(&v);
    }
    opts.format = None;
    let _ = vet_bytes(data, &opts);
});
