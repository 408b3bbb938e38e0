//! Decoding bundles: errors, size limits, the header check, and [`decode`] of a code bundle
//! (bytes from anywhere in, a [`Code`] the VM can run out).
//!
//! Every length is checked against the bytes that remain and against [`DecodeLimits`]
//! before anything is allocated; every tag, index and jump target is checked against the
//! pools it refers to; the stack depth at every reachable instruction is checked to be the
//! same along every path. Malformed input gives a [`BundleError`], never a panic.

use super::code::verify::verify;
use super::header::{crc32, library_fingerprint, BundleKind, FORMAT_VERSION, HEADER_LEN, MAGIC};
use super::reader::Reader;
use crate::bytecode::{Code, Const};
use std::fmt;

/// Why a bundle was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleError {
    /// Byte offset in the bundle of the field at fault.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl BundleError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        BundleError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid bundle at byte {}: {}",
            self.offset, self.message
        )
    }
}

impl std::error::Error for BundleError {}

/// Size limits a bundle must keep to (checked before allocating).
#[derive(Clone, Debug)]
pub struct DecodeLimits {
    /// Whole bundle, header included; for a program bundle, also its inflated payload.
    pub max_bytes: usize,
    /// Instructions (and so spans).
    pub max_instrs: usize,
    /// Entries of the string pool.
    pub max_strings: usize,
    /// Total UTF-8 bytes of all strings (pool, regex patterns, shape member names).
    pub max_string_bytes: usize,
    /// Constants.
    pub max_consts: usize,
    /// Regexes.
    pub max_regexes: usize,
    /// Anonymous-type shapes.
    pub max_shapes: usize,
    /// Members of all shapes together.
    pub max_shape_members: usize,
    /// Functions.
    pub max_funcs: usize,
    /// Handlers.
    pub max_handlers: usize,
    /// Operand-stack depth any instruction may reach.
    pub max_stack: u32,
    /// Program: compiled expressions.
    pub max_codes: usize,
    /// Program: blocks.
    pub max_blocks: usize,
    /// Program: policy operations of all blocks together.
    pub max_ops: usize,
    /// Program: nesting of blocks (`Call` and `choose` branches) along any path.
    pub max_block_depth: usize,
    /// Program: entries of each other table (strings, files, locations, pipelines, APIs,
    /// operations of all APIs, products, subscriptions, backends, secrets).
    pub max_entries: usize,
    /// Program: entries of any list inside an entry (values, branches, hosts, pool members…).
    pub max_list: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_bytes: 64 << 20,
            max_instrs: 1 << 20,
            max_strings: 1 << 18,
            max_string_bytes: 16 << 20,
            max_consts: 1 << 18,
            max_regexes: 1 << 14,
            max_shapes: 1 << 14,
            max_shape_members: 1 << 16,
            max_funcs: 1 << 16,
            max_handlers: 1 << 16,
            max_stack: 1 << 16,
            max_codes: 1 << 20,
            max_blocks: 1 << 20,
            max_ops: 1 << 22,
            max_block_depth: 256,
            max_entries: 1 << 20,
            max_list: 1 << 16,
        }
    }
}

/// Decodes and verifies a bundle written by [`super::encode`].
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Code, BundleError> {
    let mut r = open(bytes, BundleKind::Code, limits)?;
    let code = read_code(&mut r, limits)?;
    finish(&r, "the instructions")?;
    Ok(code)
}

/// Checks the header of a bundle of `kind` (size limit, magic, version, kind, library
/// fingerprint, payload length, checksum) and returns a reader at the start of the payload.
pub(crate) fn open<'a>(
    bytes: &'a [u8],
    kind: BundleKind,
    limits: &DecodeLimits,
) -> Result<Reader<'a>, BundleError> {
    if bytes.len() > limits.max_bytes {
        return Err(BundleError::new(
            0,
            format!(
                "{} bytes, over the limit of {}",
                bytes.len(),
                limits.max_bytes
            ),
        ));
    }
    let mut r = Reader::new(bytes);
    if r.take(4, "the magic bytes")? != MAGIC {
        return Err(BundleError::new(
            0,
            "not a gatehouse bundle (bad magic bytes)",
        ));
    }
    let version = r.u16("the format version")?;
    if version != FORMAT_VERSION {
        return Err(BundleError::new(
            4,
            format!(
                "bundle written in format version {version}; this build reads format \
                 version {FORMAT_VERSION} only: recompile the policies with this build"
            ),
        ));
    }
    let found = r.u16("the bundle kind")?;
    if found != kind as u16 {
        let other = [BundleKind::Code, BundleKind::Program]
            .into_iter()
            .find(|k| *k as u16 == found)
            .map_or("an unknown kind of bundle", BundleKind::describe);
        return Err(BundleError::new(
            6,
            format!(
                "the bundle holds {other} (kind {found}); expected {} (kind {})",
                kind.describe(),
                kind as u16
            ),
        ));
    }
    if r.u64("the library fingerprint")? != library_fingerprint() {
        return Err(BundleError::new(
            8,
            "bundle compiled against a different member library (fingerprint mismatch): \
             recompile the policies with this build",
        ));
    }
    let len = r.u32("the payload length")? as usize;
    let sum = r.u32("the checksum")?;
    let payload = bytes.get(HEADER_LEN..).unwrap_or(&[]);
    if payload.len() != len {
        return Err(BundleError::new(
            16,
            format!(
                "payload length {len} in the header, {} bytes present",
                payload.len()
            ),
        ));
    }
    if crc32(payload) != sum {
        return Err(BundleError::new(
            20,
            "checksum mismatch: the bundle is corrupted",
        ));
    }
    Ok(r)
}

/// Reads one code section and verifies it; whole-code errors point at its first byte.
pub(crate) fn read_code(r: &mut Reader<'_>, limits: &DecodeLimits) -> Result<Code, BundleError> {
    let start = r.pos;
    let at_start = |mut e: BundleError| {
        if e.offset == 0 {
            e.offset = start;
        }
        e
    };
    let code = r.code(limits).map_err(at_start)?;
    verify(&code, limits, &mut r.scratch).map_err(at_start)?;
    Ok(code)
}

/// Refuses bytes after the last section (`last` names it).
pub(crate) fn finish(r: &Reader<'_>, last: &str) -> Result<(), BundleError> {
    if r.pos != r.bytes.len() {
        return Err(BundleError::new(
            r.pos,
            format!("trailing bytes after {last}"),
        ));
    }
    Ok(())
}

impl PartialEq for Code {
    /// Equal instructions and pools (constants bit for bit, so `NaN == NaN`); the regex
    /// cache is not compared.
    fn eq(&self, other: &Self) -> bool {
        let const_eq = |a: &Const, b: &Const| match (a, b) {
            (Const::Float(x), Const::Float(y)) => x.to_bits() == y.to_bits(),
            (Const::Double(x), Const::Double(y)) => x.to_bits() == y.to_bits(),
            (Const::Decimal(x), Const::Decimal(y)) => x.serialize() == y.serialize(),
            _ => a == b,
        };
        self.instrs == other.instrs
            && self.consts.len() == other.consts.len()
            && self
                .consts
                .iter()
                .zip(&other.consts)
                .all(|(a, b)| const_eq(a, b))
            && self.strings == other.strings
            && self.regexes == other.regexes
            && self.shapes == other.shapes
            && self.spans == other.spans
            && self.funcs == other.funcs
            && self.handlers == other.handlers
            && self.locals == other.locals
    }
}
