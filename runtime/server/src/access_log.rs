//! The access log: one line per request on standard error, target `gatehouse::access`,
//! written when the response body is done (or the client went away), so `duration_ms`
//! covers the whole exchange.
//!
//! It costs the request path almost nothing: the fields are formatted when the response
//! head is ready into a buffer reused per thread (no allocation once warm), and the
//! finished line is appended to one shared, bounded batch buffer. A writer thread
//! ([`Sink`]) writes the batch with one `write` when it has lines, off every request's
//! path. Past [`MAX_PENDING`] bytes waiting (the writer cannot keep up: standard error
//! blocked), lines are dropped and counted (`gatehouse_access_log_dropped_total` on
//! `/metrics`). [`flush`] writes what is pending (at shutdown).
//!
//! The lines have the layout of the other log lines (`tracing-subscriber`'s text or
//! JSON). The path is logged without its query, which may carry a subscription key. A
//! 5xx that the gateway made carries `context.LastError`'s source and reason (never its
//! message, which may quote values).

use super::handler::RespBody;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use std::cell::RefCell;
use std::io::Write;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

static ENABLED: AtomicBool = AtomicBool::new(true);
static JSON: AtomicU8 = AtomicU8::new(0);

/// Most bytes of lines waiting for the writer; past it lines are dropped and counted.
pub const MAX_PENDING: usize = 4 << 20;

/// How long the writer lets lines gather after the first one of a batch.
const GATHER: Duration = Duration::from_millis(2);

/// Per-thread line buffers kept for reuse.
const POOLED: usize = 256;

/// Turns the access log on or off for the whole process (`gatehouse run --no-access-log`).
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Whether the access log is on (the driver keeps what it logs only then).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Writes JSON lines (`--log-format json`) instead of text.
pub fn set_json(on: bool) {
    JSON.store(u8::from(on), Ordering::Relaxed);
}

fn json() -> bool {
    JSON.load(Ordering::Relaxed) == 1
}

/// Lines dropped because the writer could not keep up.
pub fn dropped() -> u64 {
    sink().dropped.load(Ordering::Relaxed)
}

/// What the access log records about one request.
#[derive(Debug)]
pub struct AccessEntry<'a> {
    /// Method.
    pub method: &'a http::Method,
    /// Path as received (a query is cut off).
    pub path: &'a str,
    /// Status answered.
    pub status: u16,
    /// API routed to (empty: none).
    pub api: &'a str,
    /// Operation routed to (empty: none).
    pub operation: &'a str,
    /// The client.
    pub client: IpAddr,
    /// For a 5xx the gateway made: `context.LastError`'s source and reason.
    pub error: Option<(&'a str, &'a str)>,
}

/// The path of `path_and_query`, without the query.
pub fn path_only(path_and_query: &str) -> &str {
    path_and_query.split('?').next().unwrap_or(path_and_query)
}

/// Milliseconds with at most three decimals (no binary-float tail such as
/// `0.30000000000000004`).
pub fn millis(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

/// One request's line, its fields formatted, waiting for the duration.
#[derive(Debug)]
pub struct Pending {
    /// The fields before `duration_ms`, then those after it from `split`.
    fields: Vec<u8>,
    split: usize,
    started: Instant,
}

impl Pending {
    /// `e`'s fields, formatted now; the duration counts from `started`.
    pub fn new(e: &AccessEntry<'_>, started: Instant) -> Pending {
        let mut fields = POOL
            .try_with(|p| p.borrow_mut().pop())
            .ok()
            .flatten()
            .unwrap_or_default();
        let json = json();
        field_str(&mut fields, json, "method", e.method.as_str(), false);
        field_str(&mut fields, json, "path", path_only(e.path), true);
        field_raw(&mut fields, json, "status", e.status);
        field_str(&mut fields, json, "api", e.api, true);
        field_str(&mut fields, json, "operation", e.operation, true);
        let _ = if json {
            write!(fields, ",\"client\":\"{}\"", e.client)
        } else {
            write!(fields, " client={}", e.client)
        };
        let split = fields.len();
        if let Some((source, reason)) = e.error {
            field_str(&mut fields, json, "error_source", source, true);
            field_str(&mut fields, json, "error_reason", reason, true);
        }
        Pending {
            fields,
            split,
            started,
        }
    }

    /// Writes the line with the time taken until now.
    fn finish(mut self) {
        sink().push(&self, self.started.elapsed());
        self.fields.clear();
        // (A thread that is ending has no pool left: the buffer is freed.)
        let _ = POOL.try_with(|p| {
            let mut p = p.borrow_mut();
            if p.len() < POOLED && self.fields.capacity() <= 4096 {
                p.push(std::mem::take(&mut self.fields));
            }
        });
    }
}

thread_local! {
    static POOL: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// A field with a string value: text `name="value"` (escaped as Rust's `Debug`), JSON
/// `"name":"value"`; the first field has no separator.
fn field_str(out: &mut Vec<u8>, json: bool, name: &str, value: &str, sep: bool) {
    if sep {
        out.push(if json { b',' } else { b' ' });
    }
    if json {
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
    } else {
        out.extend_from_slice(name.as_bytes());
        out.push(b'=');
    }
    quoted(out, value, json);
}

/// A number field.
fn field_raw(out: &mut Vec<u8>, json: bool, name: &str, value: u16) {
    if json {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
    } else {
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.push(b'=');
    }
    let _ = write!(out, "{value}");
}

/// `value` in double quotes, `"`, `\` and control characters escaped (the same escapes
/// in JSON and in the text layout).
fn quoted(out: &mut Vec<u8>, value: &str, json: bool) {
    out.push(b'"');
    let bytes = value.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f | 0x7f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        if esc.is_empty() {
            let _ = if json {
                write!(out, "\\u{:04x}", b)
            } else {
                write!(out, "\\u{{{:x}}}", b)
            };
        } else {
            out.extend_from_slice(esc);
        }
        from = i + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

/// The shared batch buffer and its writer thread.
struct Sink {
    pending: Mutex<Vec<u8>>,
    /// Held while a batch is taken and written, so batches keep their order.
    writing: Mutex<Vec<u8>>,
    wake: Condvar,
    dropped: AtomicU64,
}

fn sink() -> &'static Sink {
    static SINK: OnceLock<&'static Sink> = OnceLock::new();
    SINK.get_or_init(|| {
        let sink: &'static Sink = Box::leak(Box::new(Sink {
            pending: Mutex::new(Vec::with_capacity(64 << 10)),
            writing: Mutex::new(Vec::with_capacity(64 << 10)),
            wake: Condvar::new(),
            dropped: AtomicU64::new(0),
        }));
        let spawned = std::thread::Builder::new()
            .name("gatehouse-access-log".into())
            .spawn(move || sink.run());
        if let Err(e) = spawned {
            // Without a writer the lines are written by `flush` and dropped past the cap.
            tracing::warn!(error = %e, "cannot start the access log writer");
        }
        sink
    })
}

fn lock(m: &Mutex<Vec<u8>>) -> MutexGuard<'_, Vec<u8>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sink {
    /// Appends `line`'s text, timed `took`; wakes the writer when the batch was empty.
    fn push(&self, line: &Pending, took: Duration) {
        let json = json();
        let mut stamp = [0u8; 27];
        timestamp(SystemTime::now(), &mut stamp);
        let micros = took.as_micros();
        let (ms, frac) = (micros / 1000, micros % 1000);
        let mut buf = lock(&self.pending);
        if buf.len() >= MAX_PENDING {
            drop(buf);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let was_empty = buf.is_empty();
        if json {
            buf.extend_from_slice(b"{\"timestamp\":\"");
            buf.extend_from_slice(&stamp);
            buf.extend_from_slice(b"\",\"level\":\"INFO\",\"message\":\"request\",");
        } else {
            buf.extend_from_slice(&stamp);
            buf.extend_from_slice(b"  INFO gatehouse::access: request ");
        }
        buf.extend_from_slice(&line.fields[..line.split]);
        let sep = if json {
            ",\"duration_ms\":"
        } else {
            " duration_ms="
        };
        let _ = write!(buf, "{sep}{ms}.{frac:03}");
        buf.extend_from_slice(&line.fields[line.split..]);
        if json {
            buf.extend_from_slice(b",\"target\":\"gatehouse::access\"}\n");
        } else {
            buf.push(b'\n');
        }
        drop(buf);
        if was_empty {
            self.wake.notify_one();
        }
    }

    /// The writer: waits for a first line, lets a batch gather, writes it.
    fn run(&self) {
        loop {
            {
                let buf = lock(&self.pending);
                let buf = self
                    .wake
                    .wait_while(buf, |b| b.is_empty())
                    .unwrap_or_else(|e| e.into_inner());
                drop(buf);
            }
            std::thread::sleep(GATHER);
            self.write_batch();
        }
    }

    /// Takes what is pending and writes it to standard error.
    fn write_batch(&self) {
        let mut out = lock(&self.writing);
        std::mem::swap(&mut *out, &mut *lock(&self.pending));
        if !out.is_empty() {
            let _ = std::io::stderr().lock().write_all(&out);
        }
        out.clear();
        if out.capacity() > MAX_PENDING {
            out.shrink_to(64 << 10);
        }
    }
}

/// Writes the lines still pending (call before the process exits).
pub fn flush() {
    sink().write_batch();
}

/// `t` as RFC 3339 UTC with microseconds (`2026-12-08T01:02:03.456789Z`).
fn timestamp(t: SystemTime, out: &mut [u8; 27]) {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, day) = civil(days as i64);
    let digits = |out: &mut [u8], mut v: u64| {
        for b in out.iter_mut().rev() {
            *b = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    digits(&mut out[0..4], y as u64);
    out[4] = b'-';
    digits(&mut out[5..7], m);
    out[7] = b'-';
    digits(&mut out[8..10], day);
    out[10] = b'T';
    digits(&mut out[11..13], rem / 3600);
    out[13] = b':';
    digits(&mut out[14..16], rem / 60 % 60);
    out[16] = b':';
    digits(&mut out[17..19], rem % 60);
    out[19] = b'.';
    digits(&mut out[20..26], u64::from(d.subsec_micros()));
    out[26] = b'Z';
}

/// Year, month and day of `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u64, u64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `body`, writing `line` to the access log once it is done or dropped.
pub fn logged(body: RespBody, line: Pending) -> RespBody {
    Logged {
        body,
        line: Some(line),
    }
    .boxed_unsync()
}

struct Logged {
    body: RespBody,
    line: Option<Pending>,
}

impl Logged {
    fn finish(&mut self) {
        if let Some(line) = self.line.take() {
            line.finish();
        }
    }
}

impl Body for Logged {
    type Data = Bytes;
    type Error = crate::backend::client::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let r = Pin::new(&mut self.body).poll_frame(cx);
        if let Poll::Ready(None) = r {
            self.finish();
        }
        r
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_not_logged() {
        assert_eq!(path_only("/a/b?subscription-key=secret"), "/a/b");
        assert_eq!(path_only("/a"), "/a");
    }

    #[test]
    fn durations_have_at_most_three_decimals() {
        for micros in [0u64, 1, 999, 1_234, 300_001, 12_345_678] {
            let text = millis(Duration::from_micros(micros)).to_string();
            let decimals = text.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 3, "{micros} µs -> {text}");
        }
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let mut out = [0u8; 27];
        let t = SystemTime::UNIX_EPOCH + Duration::new(1_796_692_923, 456_789_000);
        timestamp(t, &mut out);
        assert_eq!(std::str::from_utf8(&out), Ok("2026-12-08T01:22:03.456789Z"));
        timestamp(
            SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400),
            &mut out,
        );
        assert_eq!(&out[..19], b"2000-02-29T00:00:00");
    }

    #[test]
    fn values_are_quoted_and_escaped_for_json() {
        let mut out = Vec::new();
        quoted(&mut out, "a\"b\\c\n\u{1}", true);
        let back: String = serde_json::from_slice(&out).expect("a JSON string");
        assert_eq!(back, "a\"b\\c\n\u{1}");
        out.clear();
        quoted(&mut out, "x\u{1}", false);
        assert_eq!(out, br#""x\u{1}""#);
    }

    #[test]
    fn pending_lines_reuse_their_buffer_and_hold_every_field() {
        set_json(true);
        let method = http::Method::GET;
        let entry = AccessEntry {
            method: &method,
            path: "/a?key=secret",
            status: 502,
            api: "orders",
            operation: "get",
            client: IpAddr::from([127, 0, 0, 1]),
            error: Some(("forward-request", "BackendConnectionFailure")),
        };
        let line = Pending::new(&entry, Instant::now());
        let text = format!(
            "{{{}, \"duration_ms\":1.000{}}}",
            String::from_utf8_lossy(&line.fields[..line.split]),
            String::from_utf8_lossy(&line.fields[line.split..])
        );
        set_json(false);
        let v: serde_json::Value = serde_json::from_str(&text).expect(&text);
        assert_eq!(v["path"], "/a", "{text}");
        assert_eq!(v["status"], 502);
        assert_eq!(v["client"], "127.0.0.1");
        assert_eq!(v["error_reason"], "BackendConnectionFailure");
        let ptr = line.fields.as_ptr();
        line.finish();
        let again = Pending::new(&entry, Instant::now());
        assert_eq!(again.fields.as_ptr(), ptr, "the buffer is reused");
        assert!(std::str::from_utf8(&again.fields)
            .expect("text")
            .starts_with("method=\"GET\""));
        flush();
    }
}
