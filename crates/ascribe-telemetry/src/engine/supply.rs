//! Where the chunks of whole lines come from: a [`Supply`] taken by one thread at a
//! time, and a reader as one.

use std::io::Read;

/// What [`Supply::next`] hands a thread: a chunk read into the thread's own buffer (its
/// length), or a window of the input that the thread holds while it works on it.
pub enum Piece<W> {
    Buffered(usize),
    Window(W),
}

/// Chunks of whole lines, in input order, taken by one thread at a time (under a lock).
/// A line that does not end in a chunk must be carried whole into the next.
pub trait Supply: Send {
    type Window: AsRef<[u8]>;
    /// The next chunk of about `want` bytes (more when one line is longer), either read
    /// into `buf` or as a window; `None` at the end.
    fn next(
        &mut self,
        buf: &mut Vec<u8>,
        want: usize,
    ) -> std::io::Result<Option<Piece<Self::Window>>>;
}

/// A reader as a [`Supply`]: each chunk is copied into the taking thread's buffer.
pub(super) struct Source<R> {
    pub(super) reader: R,
    pub(super) carry: Vec<u8>,
    pub(super) eof: bool,
}

impl<R: Read + Send> Supply for Source<R> {
    type Window = Vec<u8>;

    fn next(&mut self, buf: &mut Vec<u8>, want: usize) -> std::io::Result<Option<Piece<Vec<u8>>>> {
        Ok(next_chunk(self, buf, want)?.map(Piece::Buffered))
    }
}

/// Fills `buf` with the next chunk of whole lines and returns its length; `None` at the
/// end. `buf` keeps its length between calls (it is zeroed only when it grows), so
/// refilling it costs a copy from the reader and nothing more.
pub(super) fn next_chunk<R: Read>(
    src: &mut Source<R>,
    buf: &mut Vec<u8>,
    want: usize,
) -> std::io::Result<Option<usize>> {
    if buf.len() < want {
        buf.resize(want, 0);
    }
    let mut len = src.carry.len();
    if buf.len() <= len {
        buf.resize(len * 2 + 1, 0);
    }
    if let Some(dst) = buf.get_mut(..len) {
        dst.copy_from_slice(&src.carry);
    }
    src.carry.clear();
    loop {
        while !src.eof && len < buf.len() {
            let Some(dst) = buf.get_mut(len..) else { break };
            match src.reader.read(dst) {
                Ok(0) => src.eof = true,
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let filled = buf.get(..len).expect("len counts bytes read into buf");
        if src.eof || memchr::memrchr(b'\n', filled).is_some() {
            break;
        }
        // One line longer than the buffer: grow and keep reading.
        let grown = buf.len() * 2;
        buf.resize(grown, 0);
    }
    if len == 0 {
        return Ok(None);
    }
    let mut end = len;
    if !src.eof {
        let filled = buf.get(..len).expect("len counts bytes read into buf");
        if let Some(i) = memchr::memrchr(b'\n', filled) {
            src.carry
                .extend_from_slice(filled.get(i + 1..).expect("i is an index of filled"));
            end = i + 1;
        }
    }
    Ok(Some(end))
}
