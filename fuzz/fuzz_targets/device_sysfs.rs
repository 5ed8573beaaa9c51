#![no_main]
use ascribe_device::{vet_snapshot, Claim, SysfsEntry, SysfsSnapshot, VetOptions};
use libfuzzer_sys::fuzz_target;

// Records separated by 0xff; each record is path \0 (name \0 value \0)*.
fuzz_target!(|data: &[u8]| {
    let mut snap = SysfsSnapshot::default();
    for rec in data.split(|b| *b == 0xff) {
        let mut parts = rec.split(|b| *b == 0);
        let path = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
        let mut entry = SysfsEntry { path, attrs: Default::default() };
        while let (Some(k), Some(v)) = (parts.next(), parts.next()) {
            entry.attrs.insert(String::from_utf8_lossy(k).into_owned(), v.to_vec());
        }
        snap.entries.push(entry);
    }
    let _ = vet_snapshot(&snap, &VetOptions::new(Claim::Charger));
});
