//! Test helpers shared by ascribe's crates.
//!
//! Tests that read `../shared` (seeds, real sensor logs, real STIX) call
//! [`shared_dir`]: on a user's clone without it they skip with a printed
//! reason; with `ASCRIBE_REQUIRE_SHARED=1` (as CI sets) they fail instead.

use std::path::PathBuf;

/// The environment variable that turns a skip into a failure.
pub const REQUIRE_SHARED: &str = "ASCRIBE_REQUIRE_SHARED";

/// The `shared/` folder beside the repository, or `None` (after printing why)
/// when it is absent and not required.
///
/// # Panics
///
/// When the folder is absent and `ASCRIBE_REQUIRE_SHARED=1`: that is the point.
pub fn shared_dir() -> Option<PathBuf> {
    let root = workspace_root();
    let candidates = [
        std::env::var_os("ASCRIBE_SHARED").map(PathBuf::from),
        Some(root.join("../shared")),
    ];
    for dir in candidates.into_iter().flatten() {
        if dir.join("DESIGN.md").is_file() {
            return dir.canonicalize().ok().or(Some(dir));
        }
    }
    let required = std::env::var(REQUIRE_SHARED).is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{REQUIRE_SHARED}=1 but ../shared (or $ASCRIBE_SHARED) was not found beside {}",
        root.display()
    );
    eprintln!("skipped: ../shared is absent (set ASCRIBE_SHARED to its path to run this test)");
    None
}

/// A file under `shared/`, or `None` when `shared/` is absent (see [`shared_dir`]).
///
/// # Panics
///
/// When `shared/` exists but the file does not: the test data moved.
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    let dir = shared_dir()?;
    let path = dir.join(rel);
    assert!(path.exists(), "{} is missing from shared/", path.display());
    Some(path)
}

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .and_then(|p| p.parent())
        .map_or(here.clone(), PathBuf::from)
}
