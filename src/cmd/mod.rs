//! One module per subcommand.

pub mod build;
pub mod check;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod print;
pub mod record;
pub mod run;
pub mod test;

/// Exit code: everything is fine.
pub const OK: u8 = 0;
/// Exit code: the input has errors.
pub const ERRORS: u8 = 1;
/// Exit code: bad usage or an I/O failure.
pub const FAILURE: u8 = 2;
