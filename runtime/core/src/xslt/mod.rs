//! `xsl-transform`'s engine: XSLT 1.0 by libxslt (the C library, the reference XSLT 1.0
//! implementation, bound by a thin FFI behind the `xslt` feature). A stylesheet is compiled
//! once (when the program is built or loaded); each transform parses the body without DTDs
//! (a `<!DOCTYPE` is refused, so no entity is ever expanded), with network and file access
//! forbidden (`document()`, `xsl:import`, `xsl:include` of files or URLs fail), within
//! bounded input size and template recursion depth.

#[cfg(feature = "xslt")]
mod ffi;
#[cfg(feature = "xslt")]
mod libxslt;
#[cfg(feature = "xslt")]
pub use libxslt::{compile, Stylesheet};

#[cfg(not(feature = "xslt"))]
mod absent;
#[cfg(not(feature = "xslt"))]
pub use absent::{compile, Stylesheet};

/// Bounds of one transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XsltLimits {
    /// Largest body transformed, bytes.
    pub max_input: usize,
    /// Largest result, bytes.
    pub max_output: usize,
}

impl Default for XsltLimits {
    fn default() -> Self {
        XsltLimits {
            max_input: 4 << 20,
            max_output: 16 << 20,
        }
    }
}

#[cfg(all(test, feature = "xslt"))]
mod tests;
