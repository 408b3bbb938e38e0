//! `gatehouse lsp` driven over stdio: the lifecycle and malformed input, diagnostics equal
//! to `check`'s, completion, hover and navigation.

mod client;
mod diagnostics;
mod features;
mod protocol;
