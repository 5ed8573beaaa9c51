//! The common shape every reader produces for one event: only the fields the job uses,
//! borrowed from the line.

use ascribe_intel::Addr;

/// Up to eight host names of one event (DNS query names, HTTP host, TLS SNI).
#[derive(Debug, Clone, Copy, Default)]
pub struct Hosts<'a> {
    items: [&'a str; 8],
    n: usize,
}

impl<'a> Hosts<'a> {
    pub fn push(&mut self, h: &'a str) {
        if let Some(slot) = self.items.get_mut(self.n) {
            *slot = h;
            self.n += 1;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.items.iter().take(self.n).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
}

/// An address field of a log line: `None` when the line has none, an error
/// naming the field when it is not an IP address.
pub fn address(value: Option<&str>, field: &str) -> Result<Option<Addr>, String> {
    value
        .map(|v| {
            Addr::parse(v).ok_or_else(|| {
                format!(
                    "{field} {} is not an IP address",
                    ascribe_model::diag::excerpt(v)
                )
            })
        })
        .transpose()
}

/// One event as the aggregation sees it.
#[derive(Debug, Clone, Default)]
pub struct Record<'a> {
    /// UTC microseconds since the epoch.
    pub ts: i64,
    /// EVE event type, or the Zeek log mapped to one (`notice` → `alert`, `conn` → `flow`).
    pub event_type: &'a str,
    pub src: Option<Addr>,
    pub dest: Option<Addr>,
    pub signature: &'a str,
    pub action: &'a str,
    pub hosts: Hosts<'a>,
    /// HTTP host (when known) and URL as logged.
    pub url: Option<(Option<&'a str>, &'a str)>,
    /// File hashes (md5, sha1, sha256) where the event carries them.
    pub hashes: [Option<&'a str>; 3],
}
