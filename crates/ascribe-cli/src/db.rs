//! The database a command works on, with the one clock of the command: every
//! store the command opens is stamped by the clock its use cases are given.

use std::sync::Arc;

use anyhow::Context;
use ascribe_app::Clock;
use ascribe_store::{Location, Store};

pub(crate) struct Db {
    location: Location,
    clock: Arc<dyn Clock>,
}

impl Db {
    pub(crate) fn new(location: Location, clock: Arc<dyn Clock>) -> Db {
        Db { location, clock }
    }

    /// Where the database is (a file or a PostgreSQL URL).
    pub(crate) fn location(&self) -> &Location {
        &self.location
    }

    /// Whether there is a database there already.
    pub(crate) fn exists(&self) -> bool {
        self.location.exists()
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The command's clock, for a store opened elsewhere (the server's).
    pub(crate) fn shared_clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.clock)
    }

    /// Opens the database, saying which one failed, with the command's
    /// clock. `ASCRIBE_BUSY_TIMEOUT_MS` sets how long a command waits for
    /// another writer before giving up with "busy, retry" (exit 3); the
    /// default is the store's 10 s.
    pub(crate) fn open(&self) -> anyhow::Result<Store> {
        let mut store = Store::open_at(&self.location, 1, Arc::clone(&self.clock))
            .with_context(|| format!("opening database {self}"))?;
        if let Ok(ms) = std::env::var("ASCRIBE_BUSY_TIMEOUT_MS") {
            let ms: u64 = ms.trim().parse().with_context(|| {
                format!("ASCRIBE_BUSY_TIMEOUT_MS={ms:?}: expected milliseconds")
            })?;
            store.set_busy_timeout(std::time::Duration::from_millis(ms))?;
        }
        Ok(store)
    }
}

/// The database's location, shown without a password.
impl std::fmt::Display for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.location.fmt(f)
    }
}
