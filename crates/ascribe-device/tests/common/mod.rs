//! What the device tests share: vetting a real sample of `shared/data/usb`,
//! and reading a verdict's findings. Each test file says `mod common;`.

#![allow(dead_code)] // Each test binary uses part of it.

use ascribe_device::{vet_bytes, Claim, Selector, Severity, Verdict, VetOptions};

/// A real sample (a path under `shared/data/usb/`) vetted under `claim`,
/// named `input_name` in the report; `None` when `shared/` is absent.
pub fn vet_sample(
    rel: &str,
    input_name: &str,
    claim: Claim,
    selector: Option<&str>,
) -> Option<Verdict> {
    let bytes = std::fs::read(sample(rel)?).expect("sample readable");
    let mut opts = VetOptions::new(claim);
    opts.input_name = input_name.to_string();
    opts.selector = selector.map(|s| s.parse::<Selector>().expect("selector"));
    Some(vet_bytes(&bytes, &opts).expect("sample parses"))
}

/// The path of a real sample under `shared/data/usb/`; `None` when
/// `shared/` is absent.
pub fn sample(rel: &str) -> Option<std::path::PathBuf> {
    ascribe_testutil::shared_file(&format!("data/usb/{rel}"))
}

/// The highest severity among the findings with this id.
pub fn severity(v: &Verdict, id: &str) -> Option<Severity> {
    v.findings
        .iter()
        .filter(|f| f.id == id)
        .map(|f| f.severity)
        .max()
}
