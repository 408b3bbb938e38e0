//! A client's request body with a read timeout: each next piece (frame) must arrive
//! within the limit, or the body ends with [`BodyTimeout`].

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// Errors of a [`TimedBody`].
pub type TimedError = Box<dyn std::error::Error + Send + Sync>;

/// The client sent nothing of its body for longer than the limit.
#[derive(Debug)]
pub struct BodyTimeout(pub Duration);

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no request body data for {} ms", self.0.as_millis())
    }
}

impl std::error::Error for BodyTimeout {}

/// `Incoming` whose frames must each arrive within `limit`.
pub struct TimedBody {
    inner: Incoming,
    limit: Duration,
    /// Armed while a frame is awaited (created on the first wait).
    sleep: Option<Pin<Box<Sleep>>>,
    failed: bool,
}

impl TimedBody {
    /// `inner` with a read timeout of `limit` per frame.
    pub fn new(inner: Incoming, limit: Duration) -> TimedBody {
        TimedBody {
            inner,
            limit,
            sleep: None,
            failed: false,
        }
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = TimedError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, TimedError>>> {
        if self.failed {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(r) => {
                // The next frame gets a fresh limit.
                self.sleep = None;
                Poll::Ready(r.map(|f| f.map_err(|e| Box::new(e) as TimedError)))
            }
            Poll::Pending => {
                let limit = self.limit;
                let sleep = self
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        self.failed = true;
                        Poll::Ready(Some(Err(Box::new(BodyTimeout(limit)))))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
