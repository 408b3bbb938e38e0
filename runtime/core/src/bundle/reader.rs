//! The bounds-checked cursor that reads a bundle's sections, constants and instructions.

use super::code::funcs::check_functions;
use super::code::verify::check_operands;
use super::{BundleError, DecodeLimits};
use crate::bytecode::{Code, Func, Handler, RegexSource, SpanRef};
use gatehouse_dotnet::regex::RegexOptions;
use std::sync::Arc;

/// A cursor over the bundle; every read is bounds-checked.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
    /// UTF-8 bytes of strings read so far (for [`DecodeLimits::max_string_bytes`]).
    pub(crate) string_bytes: usize,
    /// Buffers reused from one code to the next (a program holds thousands).
    pub(crate) scratch: Scratch,
}

/// Working buffers of the code reader and verifier.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Byte offset of each instruction of the code being read.
    pub(crate) offsets: Vec<usize>,
    /// Stack depth at each instruction, once reached.
    pub(crate) depth: Vec<Option<u32>>,
    /// Instructions still to follow, with their depth.
    pub(crate) work: Vec<(usize, u32)>,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader {
            bytes,
            pos: 0,
            string_bytes: 0,
            scratch: Scratch::default(),
        }
    }

    pub(crate) fn err(&self, message: impl Into<String>) -> BundleError {
        BundleError::new(self.pos, message)
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    #[inline]
    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], BundleError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|e| self.bytes.get(self.pos..e)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(self.err(format!("truncated: {what} needs {n} bytes"))),
        }
    }

    #[inline]
    pub(crate) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], BundleError> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    #[inline]
    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, BundleError> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &str) -> Result<u16, BundleError> {
        self.array(what).map(u16::from_le_bytes)
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, BundleError> {
        self.array(what).map(u32::from_le_bytes)
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, BundleError> {
        self.array(what).map(u64::from_le_bytes)
    }

    /// An unsigned LEB128 varint in its shortest form, at most `u64::MAX`.
    #[inline(always)]
    pub(crate) fn var(&mut self, what: &str) -> Result<u64, BundleError> {
        match self.bytes.get(self.pos) {
            Some(&b) if b < 0x80 => {
                self.pos += 1;
                Ok(u64::from(b))
            }
            _ => self.var_long(what),
        }
    }

    /// [`Reader::var`] of two bytes or more (or at the end of the input).
    #[inline(never)]
    fn var_long(&mut self, what: &str) -> Result<u64, BundleError> {
        let at = self.pos;
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8(what)?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && b > 1 {
                break;
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                if b == 0 && shift > 0 {
                    return Err(BundleError::new(at, format!("{what}: overlong varint")));
                }
                return Ok(v);
            }
        }
        Err(BundleError::new(at, format!("{what}: varint too large")))
    }

    /// A varint that must fit a `u32`.
    #[inline(always)]
    pub(crate) fn var_u32(&mut self, what: &str) -> Result<u32, BundleError> {
        let at = self.pos;
        let v = self.var(what)?;
        u32::try_from(v).map_err(|_| BundleError::new(at, format!("{what}: {v} is over u32")))
    }

    /// A varint that must fit a `u16`.
    #[inline]
    pub(crate) fn var_u16(&mut self, what: &str) -> Result<u16, BundleError> {
        let at = self.pos;
        let v = self.var(what)?;
        u16::try_from(v).map_err(|_| BundleError::new(at, format!("{what}: {v} is over u16")))
    }

    pub(crate) fn bool(&mut self, what: &str) -> Result<bool, BundleError> {
        let at = self.pos;
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(BundleError::new(
                at,
                format!("{what}: {b} is not a boolean"),
            )),
        }
    }

    /// A count of items of at least `min_size` bytes each, checked against the limit and
    /// against the bytes that remain (so a lying count cannot make us allocate).
    #[inline]
    pub(crate) fn count(
        &mut self,
        what: &str,
        limit: usize,
        min_size: usize,
    ) -> Result<usize, BundleError> {
        let at = self.pos;
        let n = self.var_u32(what)? as usize;
        if n > limit {
            return Err(BundleError::new(
                at,
                format!("{n} {what}, over the limit of {limit}"),
            ));
        }
        if n.saturating_mul(min_size) > self.remaining() {
            return Err(BundleError::new(
                at,
                format!(
                    "{n} {what} cannot fit in the {} bytes left",
                    self.remaining()
                ),
            ));
        }
        Ok(n)
    }

    pub(crate) fn str(&mut self, limits: &DecodeLimits) -> Result<Arc<str>, BundleError> {
        let at = self.pos;
        let n = self.count("string bytes", limits.max_string_bytes, 1)?;
        self.string_bytes = self.string_bytes.saturating_add(n);
        if self.string_bytes > limits.max_string_bytes {
            return Err(BundleError::new(
                at,
                format!(
                    "strings total over the limit of {} bytes",
                    limits.max_string_bytes
                ),
            ));
        }
        let start = self.pos;
        let s = self.take(n, "a string")?;
        std::str::from_utf8(s)
            .map(Arc::from)
            .map_err(|e| BundleError::new(start, format!("string is not UTF-8: {e}")))
    }

    pub(crate) fn code(&mut self, limits: &DecodeLimits) -> Result<Code, BundleError> {
        let locals = self.var_u16("the local count")?;
        let n = self.count("strings", limits.max_strings, 1)?;
        let mut strings = Vec::with_capacity(n);
        for _ in 0..n {
            strings.push(self.str(limits)?);
        }
        let n = self.count("constants", limits.max_consts, 2)?;
        let mut consts = Vec::with_capacity(n);
        for _ in 0..n {
            consts.push(self.konst()?);
        }
        let n = self.count("regexes", limits.max_regexes, 2)?;
        let mut regexes = Vec::with_capacity(n);
        for _ in 0..n {
            let pattern = self.str(limits)?;
            let at = self.pos;
            let flags = self.u8("regex options")?;
            if flags >> 5 != 0 {
                return Err(BundleError::new(
                    at,
                    format!("unknown regex options {flags:#x}"),
                ));
            }
            let options = RegexOptions {
                ignore_case: flags & 1 != 0,
                multiline: flags & 2 != 0,
                singleline: flags & 4 != 0,
                ignore_pattern_whitespace: flags & 8 != 0,
                explicit_capture: flags & 16 != 0,
            };
            regexes.push(RegexSource { pattern, options });
        }
        let n = self.count("shapes", limits.max_shapes, 1)?;
        let mut shapes = Vec::with_capacity(n);
        let mut members = 0usize;
        for _ in 0..n {
            let m = self.count("shape members", limits.max_shape_members, 1)?;
            members = members.saturating_add(m);
            if members > limits.max_shape_members {
                return Err(self.err(format!(
                    "shape members total over the limit of {}",
                    limits.max_shape_members
                )));
            }
            let mut names = Vec::with_capacity(m);
            for _ in 0..m {
                names.push(self.str(limits)?);
            }
            shapes.push(Arc::from(names));
        }
        let n = self.count("functions", limits.max_funcs, 5)?;
        let mut funcs = Vec::with_capacity(n);
        for _ in 0..n {
            funcs.push(Func {
                entry: self.var_u32("a function entry")?,
                first_param: self.var_u16("a function's first parameter")?,
                params: self.var_u16("a function's parameter count")?,
                slots: (
                    self.var_u16("a function's slots")?,
                    self.var_u16("a function's slots")?,
                ),
            });
        }
        let n = self.count("handlers", limits.max_handlers, 1)?;
        let mut handlers = Vec::with_capacity(n);
        for _ in 0..n {
            handlers.push(Handler {
                target: self.var_u32("a handler target")?,
            });
        }
        let spans_at = self.pos;
        let n = self.count("spans", limits.max_instrs, 2)?;
        let mut spans = Vec::with_capacity(n);
        for _ in 0..n {
            let at = self.pos;
            let (start, len) = (self.var_u32("a span")?, self.var_u32("a span")?);
            let Some(end) = start.checked_add(len) else {
                return Err(BundleError::new(
                    at,
                    format!("span {start}+{len} overflows"),
                ));
            };
            spans.push(SpanRef { start, end });
        }
        let n = self.count("instructions", limits.max_instrs, 1)?;
        if n != spans.len() {
            return Err(BundleError::new(
                spans_at,
                format!("{} spans for {n} instructions", spans.len()),
            ));
        }
        let mut instrs = Vec::with_capacity(n);
        let mut offsets = std::mem::take(&mut self.scratch.offsets);
        offsets.clear();
        for _ in 0..n {
            offsets.push(self.pos);
            instrs.push(self.instr()?);
        }
        let code = Code {
            instrs,
            consts,
            strings,
            regexes,
            shapes,
            spans,
            funcs,
            handlers,
            locals,
            compiled: Default::default(),
        };
        let checked =
            check_operands(&code, &offsets).and_then(|()| check_functions(&code, &offsets));
        self.scratch.offsets = offsets;
        checked?;
        Ok(code)
    }
}

/// The number of instance member names of the library (the range of `Get`/`Call`/`Set`).
pub(super) fn name_count() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| {
        let mut n = 0u32;
        while crate::library::name_of(n) != "?" {
            n += 1;
        }
        n as usize
    })
}
