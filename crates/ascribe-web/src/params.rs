//! Query strings and form bodies (`application/x-www-form-urlencoded`), read
//! and written by hand so that a malformed one is never a framework error page.

/// The pairs of a query string or form body, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(bytes: &[u8]) -> Self {
        Params(form_urlencoded::parse(bytes).into_owned().collect())
    }

    /// The first value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first non-empty value of `name`, trimmed.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// Every pair whose name starts with `prefix`, the name without it.
    pub fn prefixed<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.0
            .iter()
            .filter_map(move |(k, v)| k.strip_prefix(prefix).map(|k| (k, v.as_str())))
    }

    /// A copy with `name` set to `value` (or removed when `None`).
    pub fn with(&self, name: &str, value: Option<&str>) -> Self {
        let mut p: Vec<(String, String)> =
            self.0.iter().filter(|(k, _)| k != name).cloned().collect();
        if let Some(v) = value {
            p.push((name.to_owned(), v.to_owned()));
        }
        Params(p)
    }

    /// The pairs as a query string (empty values dropped), `?` included when not empty.
    pub fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            if !v.trim().is_empty() {
                s.append_pair(k, v);
            }
        }
        let q = s.finish();
        if q.is_empty() {
            q
        } else {
            format!("?{q}")
        }
    }
}

/// A page of a list: which one (from 1) and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub page: usize,
    pub size: usize,
}

impl Paging {
    /// The page `name` asks for (1 when absent or unreadable; clamped to the last).
    pub fn read(p: &Params, name: &str, size: usize, total: usize) -> Self {
        let last = total.div_ceil(size.max(1)).max(1);
        // The pager's own links always carry a number; a hand-edited one that
        // is not (or is out of range) shows the nearest page there is, the
        // first, rather than an error page for a pager position.
        let page = match p.get(name).map(|v| v.trim().parse::<usize>()) {
            Some(Ok(n)) => n,
            Some(Err(_)) | None => 1,
        }
        .clamp(1, last);
        Paging {
            page,
            size: size.max(1),
        }
    }

    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let start = ((self.page - 1) * self.size).min(total);
        start..(start + self.size).min(total)
    }

    pub fn pages(&self, total: usize) -> usize {
        total.div_ceil(self.size).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_round_trip_and_pages_clamp() {
        let p = Params::parse(b"q=apt+29&page=3&exclude=E1&exclude=E2&grade.E3=B2&x=");
        assert_eq!(p.get("q"), Some("apt 29"));
        assert_eq!(p.text("x"), None);
        assert_eq!(p.prefixed("grade.").collect::<Vec<_>>(), vec![("E3", "B2")]);
        assert_eq!(
            p.with("page", Some("4")).query(),
            "?q=apt+29&exclude=E1&exclude=E2&grade.E3=B2&page=4"
        );
        let g = Paging::read(&p, "page", 50, 120);
        assert_eq!((g.page, g.range(120), g.pages(120)), (3, 100..120, 3));
        let g = Paging::read(&p, "page", 50, 10);
        assert_eq!((g.page, g.range(10)), (1, 0..10));
        let g = Paging::read(&Params::parse(b"page=abc"), "page", 50, 0);
        assert_eq!((g.page, g.range(0)), (1, 0..0));
    }
}
