//! The code section of a bundle: an expression's [`crate::bytecode::Code`] written, read back
//! and verified (operands, function bodies, stack depths).

pub(super) mod funcs;
pub(super) mod read;
pub(super) mod verify;
pub(super) mod write;

pub use write::encode;
pub(crate) use write::put_code;
