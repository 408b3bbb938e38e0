//! The bundle: the wire format of compiled code and of whole programs, and its verifier.
//!
//! Every bundle starts with the same header (`header.rs`: magic, version, kind, library
//! fingerprint, length, CRC-32). A code bundle holds one [`crate::bytecode::Code`]
//! ([`encode`] / [`decode`], the code section in `code/`); a program bundle holds a whole
//! [`Program`]: one framed section per table, deflated.
//!
//! [`encode_program`] writes what `gatehouse build` ships; [`decode_program`] is its verifying
//! inverse: any byte string gives either a `Program` whose every cross reference is in range,
//! whose every code passed the code verifier and whose block graph is acyclic and shallow,
//! or a [`BundleError`]; it never panics and allocates only within [`DecodeLimits`]. The
//! byte layout, every tag and every verifier rule are in `docs/bundle.md`.

mod code;
mod decode;
mod deflate;
mod header;
mod links;
mod read_ops;
mod read_program;
mod read_tables;
mod reader;
mod write_ops;
mod write_program;

#[cfg(test)]
mod tests;

pub use code::encode;
pub use decode::{decode, BundleError, DecodeLimits};
pub use header::{crc32, library_fingerprint, BundleKind, FORMAT_VERSION, HEADER_LEN, MAGIC};
pub use read_program::decode_program;
pub use write_program::encode_program;

pub(crate) use code::put_code;
pub(crate) use decode::{finish, open, read_code};
pub(crate) use header::{put_len, put_str, put_var, seal};
pub(crate) use read_program::{many, In as ProgramReader};
pub(crate) use reader::Reader;
pub(crate) use write_program::{put_arg, put_flags, put_opt, put_opt_arg};

#[cfg(doc)]
use crate::program::Program;

/// Section ids, in the fixed order they appear in a program bundle.
pub mod section {
    /// Interned strings.
    pub const STRINGS: u8 = 1;
    /// Source file paths.
    pub const FILES: u8 = 2;
    /// Source locations.
    pub const LOCS: u8 = 3;
    /// Secret named values (names and Key Vault ids only, never values).
    pub const SECRETS: u8 = 4;
    /// Compiled expressions.
    pub const CODES: u8 = 5;
    /// Backends and pools.
    pub const BACKENDS: u8 = 6;
    /// Blocks of policy operations.
    pub const BLOCKS: u8 = 7;
    /// Pipelines (four blocks each).
    pub const PIPELINES: u8 = 8;
    /// Products.
    pub const PRODUCTS: u8 = 9;
    /// APIs with their operations.
    pub const APIS: u8 = 10;
    /// Subscriptions.
    pub const SUBSCRIPTIONS: u8 = 11;

    /// The name of section `id`, for messages.
    pub fn name(id: u8) -> &'static str {
        match id {
            STRINGS => "strings",
            FILES => "files",
            LOCS => "locs",
            SECRETS => "secrets",
            CODES => "codes",
            BACKENDS => "backends",
            BLOCKS => "blocks",
            PIPELINES => "pipelines",
            PRODUCTS => "products",
            APIS => "apis",
            SUBSCRIPTIONS => "subscriptions",
            _ => "unknown",
        }
    }
}
