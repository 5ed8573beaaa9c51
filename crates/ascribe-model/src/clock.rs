//! Where "now" comes from. Libraries take a [`Clock`] and never read the
//! system time themselves; the edge (the binary, the server, a worker) makes
//! the one clock of a run and hands the same one to the store and the use
//! cases, so every timestamp of a run comes from one source and tests fix it.

use std::sync::Arc;

use time::OffsetDateTime;

/// A source of the current time.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// A clock stopped at one instant (tests, reproducible exports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub OffsetDateTime);

impl FixedClock {
    /// A clock at `secs` seconds after the Unix epoch (`SOURCE_DATE_EPOCH`
    /// style); an error when that is out of the representable range.
    pub fn from_unix(secs: i64) -> Result<Self, time::error::ComponentRange> {
        OffsetDateTime::from_unix_timestamp(secs).map(FixedClock)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// A shared clock is the clock it shares (the store and the use cases of a
/// run hold one `Arc`).
impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> OffsetDateTime {
        (**self).now()
    }
}

/// A borrowed clock is the clock it borrows.
impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> OffsetDateTime {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stays_where_it_was_set_and_refuses_out_of_range() {
        let c = FixedClock::from_unix(1_600_000_000).expect("a time in range");
        assert_eq!(c.now().unix_timestamp(), 1_600_000_000);
        let shared: Arc<dyn Clock> = Arc::new(c);
        assert_eq!(shared.now(), c.now());
        assert!(FixedClock::from_unix(i64::MAX).is_err());
    }
}
