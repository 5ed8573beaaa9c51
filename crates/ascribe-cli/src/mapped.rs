//! Plain log files read through memory-mapped windows instead of `read`, which copies
//! every byte from the page cache into a buffer (an eighth of the CPU time of a
//! `telemetry ingest` pass on a cached file).
//!
//! The one `unsafe` of the workspace is here. Mapping a file is safe for as long as no
//! one shrinks the file while it is mapped: reading a page past the new end kills the
//! process with SIGBUS. So only files at rest are mapped: regular, uncompressed, and not
//! modified for [`AT_REST`] (a live `eve.json` that logrotate may truncate is read with
//! `read`). Windows are mapped a few MiB at a time and unmapped when their chunk is done,
//! so the process never holds more than a window per thread (resident memory stays flat
//! whatever the file size). `ASCRIBE_MMAP=0` turns this off.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ascribe_telemetry::{Piece, Supply};
use memmap2::{Mmap, MmapOptions};

/// A file modified less than this long ago may still be written (or truncated).
const AT_REST: Duration = Duration::from_secs(60);

/// Smallest file worth mapping: below this, a copy costs less than the mapping calls.
const MIN_MAPPED: u64 = 4 << 20;

/// Bytes mapped at a time (more when one line is longer). Measured on the 10-million-line
/// benchmark: 1 MiB windows spend as much in mapping calls as they save, 16 MiB take
/// the system time from 0.9 s to 0.3 s; larger ones only add resident memory.
const WINDOW: usize = 16 << 20;

/// Window offsets are multiples of this (a multiple of every page size Linux uses on
/// the machines we run on; mmap needs page-aligned offsets).
const ALIGN: u64 = 64 << 10;

/// A mapped file, handed out as windows of whole lines.
pub(crate) struct Mapped {
    file: File,
    len: u64,
    /// Start of the next window's first line.
    off: u64,
    window: usize,
    counter: Arc<AtomicU64>,
}

/// One mapped window; unmapped on drop.
pub(crate) struct Window {
    map: Mmap,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Window {
    fn as_ref(&self) -> &[u8] {
        self.map.get(self.start..self.end).unwrap_or_default()
    }
}

impl Mapped {
    /// The file as windows, with its first bytes (to choose the format), when it is a
    /// plain file at rest and mapping is on; `None` to read it with `read` instead.
    pub(crate) fn open(path: &Path, counter: Arc<AtomicU64>) -> Option<(Mapped, Vec<u8>)> {
        if std::env::var_os("ASCRIBE_MMAP").is_some_and(|v| v == "0") {
            return None;
        }
        let mut file = File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        let modified = meta.modified().ok()?;
        // A modification time in the future is an age of zero: not at rest,
        // so the file is read, never mapped.
        let age = SystemTime::now()
            .duration_since(modified)
            .unwrap_or_default();
        if !meta.is_file() || meta.len() < MIN_MAPPED || age < AT_REST {
            return None;
        }
        let mut head = Vec::with_capacity(64 << 10);
        (&mut file).take(64 << 10).read_to_end(&mut head).ok()?;
        if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            return None;
        }
        Some((
            Mapped {
                len: meta.len(),
                file,
                off: 0,
                window: WINDOW,
                counter,
            },
            head,
        ))
    }

    #[allow(unsafe_code)]
    fn map(&self, base: u64, size: usize) -> std::io::Result<Mmap> {
        // SAFETY: the map is read-only and private to this process; the file was at rest
        // when opened (see the module comment for the one remaining hazard, a file
        // truncated by another process while we read it).
        unsafe {
            MmapOptions::new()
                .offset(base)
                .len(size)
                .populate()
                .map(&self.file)
        }
    }
}

impl Supply for Mapped {
    type Window = Window;

    /// Windows ignore `want` (the size of a copied chunk): see [`WINDOW`].
    fn next(&mut self, _buf: &mut Vec<u8>, _want: usize) -> std::io::Result<Option<Piece<Window>>> {
        if self.off >= self.len {
            return Ok(None);
        }
        let base = self.off - self.off % ALIGN;
        let skip = usize::try_from(self.off - base).unwrap_or(0);
        let mut size = self.window as u64 + (self.off - base);
        loop {
            let stop = (base + size).min(self.len);
            let at_end = stop == self.len;
            let map = self.map(base, usize::try_from(stop - base).unwrap_or(usize::MAX))?;
            map.advise(memmap2::Advice::Sequential).ok();
            let lines = map.get(skip..).unwrap_or_default();
            let cut = if at_end {
                Some(lines.len())
            } else {
                memchr::memrchr(b'\n', lines).map(|i| i + 1)
            };
            if let Some(cut) = cut {
                self.off += cut as u64;
                self.counter.fetch_add(cut as u64, Ordering::Relaxed);
                return Ok(Some(Piece::Window(Window {
                    map,
                    start: skip,
                    end: skip + cut,
                })));
            }
            // One line longer than the window: map a larger one.
            size *= 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn at_rest(lines: &[Vec<u8>]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        for l in lines {
            f.write_all(l).expect("write");
        }
        f.flush().expect("flush");
        let old = SystemTime::now() - Duration::from_secs(3600);
        f.as_file().set_modified(old).expect("set mtime");
        f
    }

    fn windows(m: &mut Mapped) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while let Some(p) = m.next(&mut buf, 0).expect("next") {
            match p {
                Piece::Window(w) => out.push(w.as_ref().to_vec()),
                Piece::Buffered(_) => panic!("a mapped file gave a buffered chunk"),
            }
        }
        out
    }

    #[test]
    fn windows_are_whole_lines_that_add_up_to_the_file() {
        // Lines of many lengths, one longer than several windows, no newline at the end.
        let mut lines: Vec<Vec<u8>> = (0..60_000u32)
            .map(|i| {
                let mut l = format!("{{\"n\":{i},\"pad\":\"").into_bytes();
                l.extend(std::iter::repeat_n(b'x', (i as usize * 7919) % 300));
                l.extend_from_slice(b"\"}\n");
                l
            })
            .collect();
        lines.insert(30_000, [vec![b'y'; 700_000], b"\n".to_vec()].concat());
        lines.push(b"{\"last\":true}".to_vec());
        let f = at_rest(&lines);
        let counter = Arc::new(AtomicU64::new(0));
        let (mut m, head) = Mapped::open(f.path(), counter.clone()).expect("mapped");
        assert!(head.starts_with(b"{\"n\":0,"));
        m.window = 200_000;
        let got = windows(&mut m);
        assert!(got.len() > 20, "only {} windows", got.len());
        for w in got.iter().take(got.len() - 1) {
            assert_eq!(w.last(), Some(&b'\n'));
        }
        let whole: Vec<u8> = got.concat();
        assert_eq!(whole, lines.concat());
        assert_eq!(counter.load(Ordering::Relaxed), whole.len() as u64);
    }

    #[test]
    fn small_recent_or_compressed_files_are_read_not_mapped() {
        let counter = Arc::new(AtomicU64::new(0));
        let small = at_rest(&[b"{}\n".to_vec()]);
        assert!(Mapped::open(small.path(), counter.clone()).is_none());

        let big = vec![b'a'; MIN_MAPPED as usize + 10];
        let mut recent = tempfile::NamedTempFile::new().expect("temp file");
        recent.write_all(&big).expect("write");
        assert!(Mapped::open(recent.path(), counter.clone()).is_none());

        let mut gz = vec![0x1f, 0x8b];
        gz.extend_from_slice(&big);
        let gz = at_rest(&[gz]);
        assert!(Mapped::open(gz.path(), counter.clone()).is_none());

        let plain = at_rest(&[big]);
        assert!(Mapped::open(plain.path(), counter).is_some());
    }
}
