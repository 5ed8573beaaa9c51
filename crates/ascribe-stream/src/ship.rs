//! The shipper: logs cut into batches ([`crate::batch`]), published to JetStream with
//! the batch id as `Nats-Msg-Id`, and a checkpoint per file moved only past batches the
//! broker acknowledged.
//!
//! The checkpoint (`{file key: acked offset, boundaries}`) is written to a temporary file,
//! synced and renamed. A batch cut short at the end of a growing log has its end written
//! down (synced) before it is published, so a shipper killed before the acknowledgement
//! cuts exactly that batch again and its id is the same.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ascribe_telemetry::Format;
use async_nats::jetstream::{self, context::PublishAckFuture, message::PublishMessage};
use bytes::Bytes;

use crate::batch::{self, Cut, Limits};
use crate::broker::{self, Topology};
use crate::StreamError;

/// How to ship.
#[derive(Debug, Clone)]
pub struct ShipOptions {
    pub sensor: String,
    pub topology: Topology,
    pub limits: Limits,
    pub checkpoint: PathBuf,
    /// Keep reading the logs as they grow, polling this often, until `follow_for` has
    /// passed (unbounded when `None`) or the process is asked to stop.
    pub follow: Option<Duration>,
    pub follow_for: Option<Duration>,
    /// Publish everything again from the start of each log with the same ids (the
    /// checkpoint's acknowledged offsets are ignored; its boundaries are kept).
    pub resend: bool,
    /// Publish acknowledgements awaited at most at once (default 256).
    pub in_flight: usize,
    /// How payloads travel (the workers read either).
    pub encoding: batch::Encoding,
    /// How long the broker may fail (unreachable, no acknowledgement) before
    /// the shipper gives up: until then it waits (0.25 s, doubling to 5 s) and
    /// resumes from its checkpoint, as a new run would. Zero gives up at once.
    pub retry_for: Duration,
}

/// What a shipping run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ShipReport {
    pub files: u64,
    pub batches: u64,
    /// Batches the broker answered "duplicate" (already stored within its window).
    pub duplicates: u64,
    pub lines: u64,
    pub bytes: u64,
    /// Times the broker failed and the shipper resumed from its checkpoint.
    pub retries: u64,
}

/// The checkpoint file: per file key, the acknowledged offset and the boundaries of
/// batches cut short that may not be acknowledged yet.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub files: BTreeMap<String, FileMark>,
    /// The limits the batches were cut with (absent in a checkpoint written before they
    /// were kept). Batch ids are byte ranges: a batch published but not acknowledged must
    /// be cut again the same way, so a run with other limits is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<CutLimits>,
}

/// [`Limits`] as a checkpoint keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CutLimits {
    pub batch_lines: usize,
    pub batch_bytes: usize,
}

impl Checkpoint {
    /// The checkpoint's limits must be the run's: otherwise a batch published before and
    /// not yet acknowledged would be cut again with other bounds, under another id, and
    /// its lines counted twice.
    pub fn check_limits(&mut self, limits: Limits, path: &Path) -> Result<(), StreamError> {
        let run = CutLimits {
            batch_lines: limits.max_lines,
            batch_bytes: limits.max_bytes,
        };
        match self.limits {
            Some(kept) if kept != run => Err(StreamError::Checkpoint {
                path: path.to_owned(),
                why: format!(
                    "its batches were cut with --batch-lines {} --batch-bytes {}, not {} and {}: \
                     ship with those, or with a new checkpoint once every batch is acknowledged",
                    kept.batch_lines, kept.batch_bytes, run.batch_lines, run.batch_bytes
                ),
            }),
            _ => {
                self.limits = Some(run);
                Ok(())
            }
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FileMark {
    pub path: String,
    pub acked: u64,
    pub cuts: Vec<u64>,
}

impl Checkpoint {
    pub fn load(path: &Path) -> Result<Checkpoint, StreamError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| StreamError::Checkpoint {
                path: path.to_owned(),
                why: format!("not a shipper checkpoint: {e}"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Checkpoint::default()),
            Err(e) => Err(StreamError::Checkpoint {
                path: path.to_owned(),
                why: e.to_string(),
            }),
        }
    }

    /// Written whole to a temporary file, synced, renamed over the old one.
    pub fn save(&self, path: &Path) -> Result<(), StreamError> {
        let err = |e: std::io::Error| StreamError::Checkpoint {
            path: path.to_owned(),
            why: e.to_string(),
        };
        let tmp = path.with_extension("tmp");
        let text = serde_json::to_vec_pretty(self).expect("a checkpoint serialises");
        let mut f = File::create(&tmp).map_err(err)?;
        f.write_all(&text).map_err(err)?;
        f.sync_all().map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }
}

/// One log being shipped.
struct Tail {
    path: PathBuf,
    name: String,
    file: File,
    /// Known once the log has a whole non-blank line.
    ident: Option<Ident>,
    /// Bytes read, from `buf_at` in the file (the file's position is their end). Shared:
    /// a batch's payload is a slice of it, not a copy.
    buf: Bytes,
    buf_at: u64,
    /// Where the next batch starts.
    next: u64,
    /// Acknowledged up to here; boundaries of short batches not yet acknowledged.
    acked: u64,
    cuts: Vec<u64>,
    eof: bool,
}

struct Ident {
    key: String,
    format: Format,
    preamble: Bytes,
}

/// Bytes read from a log at a time.
const READ: usize = 4 << 20;

impl Tail {
    fn open(path: &Path) -> Result<Tail, StreamError> {
        let file = File::open(path).map_err(|e| io(path, &e))?;
        Ok(Tail {
            path: path.to_owned(),
            name: path.display().to_string(),
            file,
            ident: None,
            buf: Bytes::new(),
            buf_at: 0,
            next: 0,
            acked: 0,
            cuts: Vec::new(),
            eof: false,
        })
    }

    /// Reads more of the log; `eof` when there was nothing more. When batches were cut
    /// from the buffer, the bytes not yet shipped (less than a batch) move to a new one
    /// and the read lands after them: the batches keep the old buffer. Otherwise (a
    /// head not yet identified, a line longer than a read) the buffer grows in place,
    /// so a long line costs reads in proportion to its length, not to its square.
    fn fill(&mut self) -> Result<(), StreamError> {
        let mut behind = 0;
        if self.ident.is_some() {
            // Drop what is behind the next batch (the head is kept until identified).
            behind = usize::try_from(self.next - self.buf_at).expect("buffer offsets fit");
        }
        let mut grown = if behind == 0 {
            match std::mem::take(&mut self.buf).try_into_mut() {
                Ok(unique) => Vec::from(unique),
                Err(shared) => shared.to_vec(),
            }
        } else {
            let keep = &self.buf[behind..];
            let mut v = Vec::with_capacity(keep.len() + READ);
            v.extend_from_slice(keep);
            v
        };
        grown.reserve(READ);
        // Read into the spare capacity, which is not zeroed first (File reads into
        // uninitialised memory); `take` stops at READ bytes or the end of the log.
        let n = (&mut self.file)
            .take(READ as u64)
            .read_to_end(&mut grown)
            .map_err(|e| io(&self.path, &e))?;
        self.buf = Bytes::from(grown);
        self.buf_at += behind as u64;
        self.eof = n == 0;
        Ok(())
    }

    /// The log's identity and format, from its first whole non-blank line (read until
    /// there is one); false while there is none yet.
    fn identify(
        &mut self,
        at_rest: bool,
        cp: &Checkpoint,
        resend: bool,
    ) -> Result<bool, StreamError> {
        if self.ident.is_some() {
            return Ok(true);
        }
        loop {
            if batch::first_line(&self.buf).is_some() || self.eof {
                break;
            }
            self.fill()?;
        }
        if self.buf.starts_with(&[0x1f, 0x8b]) || self.buf.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            return Err(StreamError::Io {
                path: self.path.clone(),
                why: "a compressed log: ship the plain log (batches are byte ranges of it)".into(),
            });
        }
        let first = match batch::first_line(&self.buf) {
            Some(l) => l.to_vec(),
            None if at_rest && !self.buf.iter().all(u8::is_ascii_whitespace) => {
                self.buf.trim_ascii().to_vec()
            }
            None => return Ok(false),
        };
        let meta = self.file.metadata().map_err(|e| io(&self.path, &e))?;
        let (dev, ino) = dev_ino(&meta);
        let format = ascribe_telemetry::engine::detect(&first);
        let key = batch::file_key(dev, ino, &first);
        let preamble = Bytes::from(batch::preamble(format, &self.buf));
        if let Some(mark) = cp.files.get(&key) {
            self.cuts.clone_from(&mark.cuts);
            if !resend && mark.acked > 0 {
                self.acked = mark.acked;
                self.next = mark.acked;
                self.buf_at = mark.acked;
                self.buf = Bytes::new();
                self.file
                    .seek(SeekFrom::Start(mark.acked))
                    .map_err(|e| io(&self.path, &e))?;
                self.eof = false;
            }
        }
        self.ident = Some(Ident {
            key,
            format,
            preamble,
        });
        Ok(true)
    }
}

fn io(path: &Path, e: &std::io::Error) -> StreamError {
    StreamError::Io {
        path: path.to_owned(),
        why: e.to_string(),
    }
}

#[cfg(unix)]
fn dev_ino(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dev_ino(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// A published batch waiting for its acknowledgement.
struct Pending {
    tail: usize,
    id: String,
    end: u64,
    lines: u64,
    bytes: u64,
    ack: Ack,
}

/// A batch's acknowledgement: published already, or still being packed.
enum Ack {
    Sent(PublishAckFuture),
    Packing(tokio::task::JoinHandle<Result<PublishAckFuture, StreamError>>),
}

/// The shipper's state between logs.
struct Shipper<'a> {
    js: jetstream::Context,
    opts: &'a ShipOptions,
    subject: String,
    cp: Checkpoint,
    queue: VecDeque<Pending>,
    report: ShipReport,
    last_save: Instant,
}

impl Shipper<'_> {
    /// Publishes every batch of the log that is ready; true when it published any.
    async fn pump(&mut self, tails: &mut [Tail], i: usize) -> Result<bool, StreamError> {
        let opts = self.opts;
        let t = &mut tails[i];
        t.eof = false;
        let at_rest = |t: &Tail| opts.follow.is_none() && t.eof;
        if !t.identify(opts.follow.is_none(), &self.cp, opts.resend)? {
            return Ok(false);
        }
        let mut published = false;
        loop {
            let t = &mut tails[i];
            let from = usize::try_from(t.next - t.buf_at).expect("buffer offsets fit");
            let forced = t
                .cuts
                .iter()
                .find(|&&c| c > t.next)
                .map(|&c| usize::try_from(c - t.next).expect("offsets fit"));
            let c = match batch::cut(&t.buf[from..], opts.limits, forced, at_rest(t)) {
                Some(c @ Cut::Full(_)) => c,
                Some(c @ Cut::Short(_)) if t.eof => c,
                _ if !t.eof => {
                    t.fill()?;
                    continue;
                }
                _ => return Ok(published),
            };
            let start = t.next;
            let end = start + c.bytes() as u64;
            if matches!(c, Cut::Short(_)) && forced != Some(c.bytes()) {
                // Written down before publishing: a restart cuts this batch again.
                t.cuts.push(end);
                t.cuts.sort_unstable();
                self.save(tails)?;
            }
            let t = &mut tails[i];
            let id = t.ident.as_ref().expect("identified above");
            let range = t.buf.slice(from..from + c.bytes());
            let lines = batch::count_lines(&range) as u64;
            let pre: &[u8] = if start > 0 { &id.preamble } else { &[] };
            // A slice of the read buffer; copied only when a preamble goes first.
            let payload = if pre.is_empty() {
                range
            } else {
                Bytes::from([pre, &range[..]].concat())
            };
            let bid = batch::batch_id(&opts.sensor, &id.key, start, end);
            let msg = PublishMessage::build()
                .message_id(&bid)
                .header(batch::H_SENSOR, opts.sensor.as_str())
                .header(batch::H_FILE, t.name.as_str())
                .header(batch::H_FORMAT, id.format.as_str())
                .header(batch::H_PREAMBLE, pre.len().to_string().as_str())
                .header(batch::H_LINES, lines.to_string().as_str());
            let ack = match opts.encoding {
                batch::Encoding::Plain => Ack::Sent(
                    self.js
                        .send_publish(self.subject.clone(), msg.payload(payload))
                        .await
                        .map_err(|e| StreamError::Nats(format!("publishing {bid}: {e}")))?,
                ),
                // Packed on the blocking pool, several at once, then published: the
                // shipper's one pass would otherwise bound the rate. The order on the
                // wire may differ from the log's; nothing downstream depends on it,
                // and the checkpoint still moves in the log's order (the queue's).
                encoding => {
                    let (js, subject) = (self.js.clone(), self.subject.clone());
                    let (name, bid) = (t.name.clone(), bid.clone());
                    Ack::Packing(tokio::spawn(async move {
                        let packed = tokio::task::spawn_blocking(move || encoding.pack(&payload))
                            .await
                            .expect("packing a batch does not panic")
                            .map_err(|e| StreamError::Io {
                                path: PathBuf::from(&name),
                                why: format!(
                                    "packing bytes {start}-{end} with {}: {e}",
                                    encoding.as_str()
                                ),
                            })?;
                        let msg = msg
                            .payload(Bytes::from(packed))
                            .header(batch::H_ENCODING, encoding.as_str());
                        js.send_publish(subject, msg)
                            .await
                            .map_err(|e| StreamError::Nats(format!("publishing {bid}: {e}")))
                    }))
                }
            };
            t.next = end;
            published = true;
            self.queue.push_back(Pending {
                tail: i,
                id: bid,
                end,
                lines,
                bytes: c.bytes() as u64,
                ack,
            });
            while self.queue.len() >= opts.in_flight.max(1) {
                self.settle_one(tails).await?;
            }
        }
    }

    /// Awaits the oldest acknowledgement and moves its log's checkpoint past it.
    async fn settle_one(&mut self, tails: &mut [Tail]) -> Result<(), StreamError> {
        let Some(p) = self.queue.pop_front() else {
            return Ok(());
        };
        let sent = match p.ack {
            Ack::Sent(f) => Ok(f),
            Ack::Packing(task) => task
                .await
                .expect("a packing task is neither cancelled nor panics"),
        };
        let sent = match sent {
            Ok(f) => f,
            Err(e) => {
                self.save(tails)?;
                return Err(e);
            }
        };
        let ack = match sent.await {
            Ok(a) => a,
            Err(e) => {
                // What was acknowledged before stays written down.
                self.save(tails)?;
                return Err(StreamError::Nats(format!(
                    "the broker did not acknowledge {}: {e}",
                    p.id
                )));
            }
        };
        self.report.batches += 1;
        self.report.duplicates += u64::from(ack.duplicate);
        self.report.lines += p.lines;
        self.report.bytes += p.bytes;
        let t = &mut tails[p.tail];
        t.acked = p.end;
        t.cuts.retain(|&c| c > p.end);
        if self.last_save.elapsed() >= Duration::from_secs(1) {
            self.save(tails)?;
        }
        Ok(())
    }

    async fn settle_all(&mut self, tails: &mut [Tail]) -> Result<(), StreamError> {
        while !self.queue.is_empty() {
            self.settle_one(tails).await?;
        }
        self.save(tails)
    }

    /// Writes the checkpoint: every log's acknowledged offset and open boundaries.
    fn save(&mut self, tails: &[Tail]) -> Result<(), StreamError> {
        for t in tails {
            if let Some(id) = &t.ident {
                let mark = self.cp.files.entry(id.key.clone()).or_default();
                mark.path.clone_from(&t.name);
                mark.acked = t.acked;
                mark.cuts.clone_from(&t.cuts);
            }
        }
        self.last_save = Instant::now();
        self.cp.save(&self.opts.checkpoint)
    }
}

/// Ships `paths` (files, in the order given) and returns what it did. With `follow`,
/// keeps shipping what the logs gain until `follow_for` passes or `stop` turns true.
/// A broker that fails is waited for, up to `retry_for` without progress; each
/// attempt resumes from the checkpoint, so nothing acknowledged is sent again
/// and what was not is sent again with the same ids (the broker's duplicate
/// window and the workers' batch table make that a no-op).
pub async fn ship(
    client: &async_nats::Client,
    paths: &[PathBuf],
    opts: &ShipOptions,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Result<ShipReport, StreamError> {
    if !batch::valid_sensor(&opts.sensor) {
        return Err(StreamError::Config(format!(
            "sensor name {:?}: use letters, digits, '-' and '_' (at most 64)",
            opts.sensor
        )));
    }
    let started = Instant::now();
    let mut report = ShipReport {
        files: paths.len() as u64,
        ..ShipReport::default()
    };
    let mut failing_since: Option<(Instant, u64)> = None;
    let mut wait = Duration::from_millis(250);
    loop {
        let before = report.batches;
        let attempt = Instant::now();
        match ship_once(client, paths, opts, stop, started, &mut report).await {
            Ok(()) => return Ok(report),
            Err(StreamError::Nats(e)) => {
                // Progress since the last failure starts the allowance again.
                let since = match failing_since {
                    Some((t, n)) if n == before && report.batches == before => t,
                    _ => attempt,
                };
                if since.elapsed() >= opts.retry_for || *stop.borrow() {
                    return Err(StreamError::Nats(format!(
                        "{e} (gave up after {} attempts in {:.1} s without progress; --retry-for waits longer)",
                        report.retries + 1,
                        since.elapsed().as_secs_f64()
                    )));
                }
                failing_since = Some((since, report.batches));
                report.retries += 1;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// One attempt: the logs opened again and resumed from the checkpoint.
async fn ship_once(
    client: &async_nats::Client,
    paths: &[PathBuf],
    opts: &ShipOptions,
    stop: &tokio::sync::watch::Receiver<bool>,
    started: Instant,
    report: &mut ShipReport,
) -> Result<(), StreamError> {
    let js = jetstream::new(client.clone());
    broker::ensure_stream(&js, &opts.topology).await?;
    let mut tails = paths
        .iter()
        .map(|p| Tail::open(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut sh = Shipper {
        js,
        opts,
        subject: opts.topology.subject(&opts.sensor),
        cp: {
            let mut cp = Checkpoint::load(&opts.checkpoint)?;
            cp.check_limits(opts.limits, &opts.checkpoint)?;
            cp
        },
        queue: VecDeque::new(),
        report: std::mem::take(report),
        last_save: Instant::now(),
    };
    let done = sh.run(&mut tails, started, stop).await;
    *report = std::mem::take(&mut sh.report);
    done
}

impl Shipper<'_> {
    /// The passes over the logs, until they are shipped (or, following, told to stop).
    async fn run(
        &mut self,
        tails: &mut [Tail],
        started: Instant,
        stop: &tokio::sync::watch::Receiver<bool>,
    ) -> Result<(), StreamError> {
        let opts = self.opts;
        let sh = self;
        loop {
            // Read before the pass, so that the last pass starts after the stop: what the
            // logs held when the shipper was told to stop is shipped.
            let last = *stop.borrow() || opts.follow_for.is_some_and(|d| started.elapsed() >= d);
            let mut any = false;
            for i in 0..tails.len() {
                any |= sh.pump(tails, i).await?;
            }
            let Some(poll) = opts.follow else { break };
            if last {
                break;
            }
            if !any {
                // Idle: settle what is out, then look again after a while.
                sh.settle_all(tails).await?;
                tokio::time::sleep(poll).await;
            }
        }
        sh.settle_all(tails).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_line_longer_than_several_reads_is_read_whole_then_cut() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("long.json");
        let long = format!("{{\"x\":\"{}\"}}\n", "a".repeat(2 * READ + 123));
        std::fs::write(&path, format!("{long}{{\"y\":1}}\n")).expect("writing the log");
        let mut t = Tail::open(&path).expect("opening the log");
        assert!(t
            .identify(true, &Checkpoint::default(), false)
            .expect("identified"));
        assert_eq!(t.buf_at, 0);
        assert!(t.buf.starts_with(long.as_bytes()), "the head is kept whole");
        // The long line makes a batch of its own, the next line another.
        let limits = Limits::default();
        let first = batch::cut(&t.buf, limits, None, false).expect("a whole line");
        assert_eq!(first.bytes(), long.len());
        let shipped = t.buf.slice(..first.bytes());
        t.next = first.bytes() as u64;
        while !t.eof {
            t.fill().expect("reading on");
        }
        let from = usize::try_from(t.next - t.buf_at).expect("offsets fit");
        assert_eq!(&t.buf[from..], b"{\"y\":1}\n");
        // The batch cut before the reads still holds its bytes.
        assert_eq!(&shipped[..], long.as_bytes());
    }

    #[test]
    fn a_checkpoint_keeps_its_cut_limits_and_refuses_others() {
        let path = Path::new("ckpt.json");
        let mut cp = Checkpoint::default();
        let ours = Limits::default();
        cp.check_limits(ours, path)
            .expect("a new checkpoint takes the run's limits");
        assert_eq!(
            cp.limits,
            Some(CutLimits {
                batch_lines: ours.max_lines,
                batch_bytes: ours.max_bytes
            })
        );
        cp.check_limits(ours, path).expect("the same limits again");
        // Written and read back, the limits are still there.
        let again: Checkpoint =
            serde_json::from_slice(&serde_json::to_vec(&cp).expect("serialises")).expect("reads");
        let other = Limits {
            max_lines: 100,
            ..ours
        };
        let err = again
            .clone()
            .check_limits(other, path)
            .expect_err("other limits are refused")
            .to_string();
        assert!(
            err.contains("ckpt.json")
                && err.contains("--batch-lines 2000")
                && err.contains("not 100"),
            "{err}"
        );
        // A checkpoint written before the limits were kept takes the run's.
        let old: Checkpoint = serde_json::from_str(r#"{"files":{}}"#).expect("an old checkpoint");
        assert!(old.limits.is_none());
    }
}
