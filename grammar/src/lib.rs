//! The APIM policy language as written: catalogue, scanner, syntax trees, expressions, printers.
//!
//! This crate knows the shape of policy documents and of the C# policy expressions inside
//! them, with byte spans on every node. It assigns no meaning: checking, typing and
//! lowering live in `gatehouse-compiler`.

pub mod catalogue;
pub mod expr;
pub mod format;
mod limits;
pub mod scan;
mod span;
pub mod syntax;

pub use limits::Limits;
pub use span::Span;
