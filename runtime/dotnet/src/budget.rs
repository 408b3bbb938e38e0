//! The memory budget of the running evaluation: the bytes it may still allocate for
//! strings and builders. Kept per thread (an evaluation runs on one thread, start to
//! end) so the .NET string functions can charge it without a handle on the VM. Outside
//! an evaluation it is unbounded.

use crate::{DotnetError, ExceptionKind};
use std::cell::Cell;

thread_local! {
    static LEFT: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// .NET's message for an `OutOfMemoryException`.
pub const MESSAGE: &str = "Insufficient memory to continue the execution of the program.";

/// Takes `bytes` from the budget, or fails with `OutOfMemoryException` (the budget is
/// then spent: every later charge fails too).
pub fn charge(bytes: usize) -> Result<(), DotnetError> {
    LEFT.with(|left| {
        let l = left.get();
        if bytes > l {
            left.set(0);
            Err(DotnetError::new(ExceptionKind::OutOfMemory, MESSAGE))
        } else {
            left.set(l - bytes);
            Ok(())
        }
    })
}

/// The budget while an evaluation runs: [`Budget::enter`] sets it, dropping restores
/// the one before (evaluations may nest).
pub struct Budget {
    given: usize,
    before: usize,
}

impl Budget {
    /// Gives the running evaluation `bytes`, or what is left of the enclosing budget
    /// when that is less.
    pub fn enter(bytes: usize) -> Budget {
        LEFT.with(|l| {
            let before = l.get();
            let given = bytes.min(before);
            l.set(given);
            Budget { given, before }
        })
    }

    /// The bytes charged so far.
    pub fn used(&self) -> usize {
        self.given - LEFT.with(Cell::get).min(self.given)
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        // The enclosing budget pays for what this one used (none: still unbounded).
        let before = match self.before {
            usize::MAX => usize::MAX,
            b => b.saturating_sub(self.used()),
        };
        LEFT.with(|l| l.set(before));
    }
}
