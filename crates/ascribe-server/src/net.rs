//! Connections: plain TCP or TLS, each wrapped so that the error responses
//! hyper writes itself get a TAXII error body.
//!
//! hyper answers a request it cannot parse (a URI over 64 KiB: 414; a
//! `Content-Length` that overflows: 400; headers too large: 431) before any
//! handler or middleware runs, with an empty body. [`TaxiiErrorBodies`]
//! recognises exactly that response as it is written (one write holding a
//! whole response head, status 4xx/5xx, `content-length: 0`, no
//! `content-type`; every response the router makes has a content type) and
//! writes a TAXII error resource of the same status in its place. hyper
//! closes the connection after such an answer, so the framing of later
//! responses is not affected. Response bodies are compact JSON, which holds
//! no raw CR LF, so a body can never be taken for a head.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};

/// A plain or TLS connection.
pub trait Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Conn for T {}

/// See the module documentation.
pub struct TaxiiErrorBodies<T> {
    inner: T,
    /// Whether `inner` is a TLS stream (for the connection's [`Peer`]).
    tls: bool,
    /// The replacement being written, how much of it is out, and the length
    /// of the original write it stands for.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<T> TaxiiErrorBodies<T> {
    pub fn new(inner: T, tls: bool) -> Self {
        TaxiiErrorBodies {
            inner,
            tls,
            pending: None,
        }
    }
}

/// The TAXII response replacing `head`, if `head` is one of hyper's own
/// bodiless error responses.
pub(crate) fn replacement(head: &[u8]) -> Option<Vec<u8>> {
    if !head.starts_with(b"HTTP/1.") || !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let body_start = text.find("\r\n\r\n")?;
    if body_start + 4 != text.len() {
        return None;
    }
    let mut lines = text[..body_start].split("\r\n");
    let status_line = lines.next()?;
    let mut sp = status_line.splitn(3, ' ');
    let version = sp.next()?;
    let code: u16 = sp.next()?.parse().ok()?;
    if !(400..600).contains(&code) {
        return None;
    }
    let mut zero_length = false;
    let mut kept = Vec::new();
    for l in lines {
        let (name, value) = l.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "content-type" | "transfer-encoding" => return None,
            "content-length" => zero_length = value.trim() == "0",
            _ => kept.push(l),
        }
    }
    if !zero_length {
        return None;
    }
    let status = axum::http::StatusCode::from_u16(code).ok()?;
    let title = status
        .canonical_reason()
        .unwrap_or("error")
        .to_ascii_lowercase();
    let description = match code {
        414 => "the request URI is longer than this server accepts",
        431 => "the request headers are larger than this server accepts",
        _ => "the request could not be parsed as HTTP (for example a Content-Length that is not a number this server can hold)",
    };
    let body = serde_json::json!({
        "title": title,
        "description": description,
        "http_status": code.to_string(),
    })
    .to_string();
    let mut out = format!(
        "{version} {code} {}\r\n",
        status.canonical_reason().unwrap_or("")
    );
    for l in kept {
        out.push_str(l);
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "content-type: {}\r\ncontent-length: {}\r\n\r\n{body}",
        crate::TAXII_MEDIA,
        body.len()
    ));
    tracing::debug!(
        status = code,
        "unparseable request answered with a TAXII error"
    );
    Some(out.into_bytes())
}

impl<T: AsyncRead + Unpin> AsyncRead for TaxiiErrorBodies<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> TaxiiErrorBodies<T> {
    /// Writes out the pending replacement; `Ready(Ok(n))` with the original
    /// write's length once all of it is out.
    fn drive_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        loop {
            let Some((bytes, done, original)) = self.pending.as_mut() else {
                return Poll::Ready(Ok(0));
            };
            if *done >= bytes.len() {
                let n = *original;
                self.pending = None;
                return Poll::Ready(Ok(n));
            }
            let rest = bytes.get(*done..).unwrap_or(&[]);
            match Pin::new(&mut self.inner).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => *done += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for TaxiiErrorBodies<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() {
            match replacement(buf) {
                Some(r) => self.pending = Some((r, 0, buf.len())),
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        self.drive_pending(cx)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // A pending replacement goes out first (with nothing pending, at once).
        ready!(self.drive_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // A pending replacement goes out first (with nothing pending, at once).
        ready!(self.drive_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The connection a request came on: the client address (for the
/// per-client back-off) and whether it is TLS (for the URLs the server
/// gives out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub addr: SocketAddr,
    pub tls: bool,
}

impl Connected<IncomingStream<'_, TaxiiListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TaxiiListener>) -> Self {
        Peer {
            addr: *stream.remote_addr(),
            tls: stream.io().tls,
        }
    }
}

tokio::task_local! {
    /// The connection of the request being served, set by the middleware in
    /// `lib.rs`; absent when the router is called without a connection
    /// (router tests).
    static CONNECTION: Option<Peer>;
}

/// Runs `f` (a request being served) with its connection known.
pub(crate) async fn with_connection<F: std::future::Future>(peer: Option<Peer>, f: F) -> F::Output {
    CONNECTION.scope(peer, f).await
}

/// The connection of the request being served, if known.
pub(crate) fn current() -> Option<Peer> {
    CONNECTION.try_with(|p| *p).ok().flatten()
}

/// The URL scheme of the request being served.
pub(crate) fn scheme() -> &'static str {
    if current().is_some_and(|p| p.tls) {
        "https"
    } else {
        "http"
    }
}

/// How long a client may take over its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// TLS handshakes in progress at once; further connections wait to be accepted.
const MAX_HANDSHAKES: usize = 256;

enum Source {
    Plain(TcpListener),
    Tls(mpsc::Receiver<(Box<dyn Conn>, SocketAddr)>),
}

/// The server's listener: plain TCP, or TLS with handshakes done in their
/// own tasks (a slow handshake does not hold up other clients).
pub struct TaxiiListener {
    source: Source,
    local: SocketAddr,
}

impl TaxiiListener {
    /// Plain HTTP on `listener`.
    pub fn plain(listener: TcpListener) -> io::Result<Self> {
        let local = listener.local_addr()?;
        Ok(TaxiiListener {
            source: Source::Plain(listener),
            local,
        })
    }

    /// TLS on `listener` with `config`. Must be called inside a Tokio runtime.
    pub fn tls(listener: TcpListener, config: Arc<rustls::ServerConfig>) -> io::Result<Self> {
        let local = listener.local_addr()?;
        let (tx, rx) = mpsc::channel(64);
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let slots = Arc::new(Semaphore::new(MAX_HANDSHAKES));
        tokio::spawn(async move {
            loop {
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    return;
                };
                let (tcp, peer) = accept_tcp(&listener).await;
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(tls)) => {
                            drop(slot);
                            let conn: Box<dyn Conn> = Box::new(tls);
                            // The receiver is gone only when the server stopped.
                            if tx.send((conn, peer)).await.is_err() {
                                tracing::debug!("server stopped; TLS connection dropped");
                            }
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TaxiiListener {
            source: Source::Tls(rx),
            local,
        })
    }
}

/// Accepts the next TCP connection; on errors (out of file descriptors)
/// logs and waits a moment instead of spinning.
async fn accept_tcp(l: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match l.accept().await {
            Ok((s, a)) => {
                if let Err(e) = s.set_nodelay(true) {
                    tracing::debug!(error = %e, "TCP_NODELAY not set");
                }
                return (s, a);
            }
            Err(e) => {
                tracing::error!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

impl Listener for TaxiiListener {
    type Io = TaxiiErrorBodies<Box<dyn Conn>>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match &mut self.source {
            Source::Plain(l) => {
                let (s, a) = accept_tcp(l).await;
                let conn: Box<dyn Conn> = Box::new(s);
                (TaxiiErrorBodies::new(conn, false), a)
            }
            Source::Tls(rx) => match rx.recv().await {
                Some((c, a)) => (TaxiiErrorBodies::new(c, true), a),
                // The handshake task only ends with the runtime.
                None => std::future::pending().await,
            },
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bodiless_errors_are_replaced() {
        let h = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: Sun, 06 Dec 2026 14:57:55 GMT\r\n\r\n";
        let r = String::from_utf8(replacement(h).expect("a 414 is replaced"))
            .expect("the replacement is text");
        assert!(
            r.starts_with("HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ndate: "),
            "{r}"
        );
        assert!(r.contains("content-type: application/taxii+json;version=2.1\r\n"));
        let body = r.split("\r\n\r\n").nth(1).unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(body).expect("the body is JSON");
        assert_eq!(v["http_status"], "414");
        assert!(r.contains(&format!("content-length: {}\r\n", body.len())));
        // The router's own responses (typed), successes, heads with a body
        // following, and body bytes are left alone.
        for keep in [
            &b"HTTP/1.1 404 Not Found\r\ncontent-type: application/taxii+json;version=2.1\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n",
            b"{\"objects\":[]}",
            b"",
        ] {
            assert_eq!(replacement(keep), None, "{}", String::from_utf8_lossy(keep));
        }
    }
}
