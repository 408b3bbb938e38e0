//! The bounds of the rendering in progress on this thread: steps left (loop iterations and
//! filter calls) and the largest value or output allowed.

use super::LiquidLimits;
use liquid_core::{Error, Result};
use std::cell::Cell;
use std::io;

thread_local! {
    /// Steps left and the value size bound of the current rendering.
    static LEFT: Cell<(u64, usize)> = const { Cell::new((0, 0)) };
}

/// The current rendering's budget, restored to none when dropped.
pub(super) struct Scope(());

impl Scope {
    /// Starts a rendering with `limits`.
    pub(super) fn enter(limits: LiquidLimits) -> Scope {
        LEFT.with(|c| c.set((limits.max_steps, limits.max_output)));
        Scope(())
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        LEFT.with(|c| c.set((0, 0)));
    }
}

/// Charges one step (a loop iteration, a filter call).
pub(super) fn step() -> Result<()> {
    LEFT.with(|c| {
        let (steps, size) = c.get();
        if steps == 0 {
            return Err(Error::with_msg(
                "the template ran more loop iterations and filters than the limit allows",
            ));
        }
        c.set((steps - 1, size));
        Ok(())
    })
}

/// Fails when a value of `len` bytes (or items) is larger than the bound.
pub(super) fn size(len: usize) -> Result<()> {
    let max = LEFT.with(|c| c.get().1);
    if len > max {
        return Err(Error::with_msg(format!(
            "a template value of {len} bytes exceeds the limit of {max}"
        )));
    }
    Ok(())
}

/// Steps left.
pub(super) fn steps_left() -> u64 {
    LEFT.with(|c| c.get().0)
}

/// The largest value or output allowed now.
pub(super) fn max_size() -> usize {
    LEFT.with(|c| c.get().1)
}

/// A UTF-8 output buffer refusing to grow past its bound.
pub(super) struct Bounded {
    buf: Vec<u8>,
    max: usize,
    over: bool,
}

impl Bounded {
    /// An empty buffer of at most `max` bytes.
    pub(super) fn new(max: usize) -> Bounded {
        Bounded {
            buf: Vec::new(),
            max,
            over: false,
        }
    }

    /// The error for a write refused by the bound (`None`: nothing was refused).
    pub(super) fn overflow(&self) -> Option<Error> {
        self.over.then(|| {
            Error::with_msg(format!(
                "the rendered text exceeds the limit of {} bytes",
                self.max
            ))
        })
    }

    /// The text written (Liquid writes UTF-8 only; anything else is replaced).
    pub(super) fn into_string(self) -> String {
        String::from_utf8(self.buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl io::Write for Bounded {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.buf.len() + b.len() > self.max {
            self.over = true;
            return Err(io::Error::other(format!(
                "the rendered body exceeds the limit of {} bytes",
                self.max
            )));
        }
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
