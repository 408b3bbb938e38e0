//! The bounds-checked cursor that reads a bundle's sections, constants and instructions.

use super::verify::check_operands;
use super::{BundleError, DecodeLimits};
use crate::dotnet::regex::RegexOptions;
use crate::program::encode::{const_tag, host_bytes, op, BIN_OPS, ENTITIES, TYPE_IDS, UN_OPS};
use crate::program::{Code, Const, Func, Handler, Instr, RegexSource, SpanRef, TypeId};
use crate::value::{HostObj, Msg};
use rust_decimal::Decimal;
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
    #[inline]
    pub(crate) fn var(&mut self, what: &str) -> Result<u64, BundleError> {
        let at = self.pos;
        if let Some(&b) = self.bytes.get(at) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
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
    #[inline]
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
        let checked = check_operands(&code, &offsets);
        self.scratch.offsets = offsets;
        checked?;
        Ok(code)
    }

    fn konst(&mut self) -> Result<Const, BundleError> {
        use const_tag::*;
        let at = self.pos;
        Ok(match self.u8("a constant tag")? {
            BOOL => Const::Bool(self.bool("a bool constant")?),
            CHAR => Const::Char(self.u16("a char constant")?),
            INT => Const::Int(i32::from_le_bytes(self.array("an int constant")?)),
            LONG => Const::Long(i64::from_le_bytes(self.array("a long constant")?)),
            UINT => Const::UInt(self.u32("a uint constant")?),
            ULONG => Const::ULong(self.u64("a ulong constant")?),
            FLOAT => Const::Float(f32::from_bits(self.u32("a float constant")?)),
            DOUBLE => Const::Double(f64::from_bits(self.u64("a double constant")?)),
            DECIMAL => {
                let b: [u8; 16] = self.array("a decimal constant")?;
                let flags = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                let scale = (flags >> 16) & 0xff;
                if flags & !0x80ff_0000 != 0 || scale > 28 {
                    return Err(BundleError::new(
                        at + 1,
                        format!("invalid decimal flags {flags:#010x}"),
                    ));
                }
                Const::Decimal(Decimal::deserialize(b))
            }
            t => return Err(BundleError::new(at, format!("unknown constant tag {t}"))),
        })
    }

    fn tagged<T: Copy>(&mut self, all: &[T], what: &str) -> Result<T, BundleError> {
        let at = self.pos;
        let t = self.u8(what)?;
        all.get(t as usize)
            .copied()
            .ok_or_else(|| BundleError::new(at, format!("unknown {what} {t}")))
    }

    fn type_id(&mut self) -> Result<TypeId, BundleError> {
        self.tagged(&TYPE_IDS, "type id")
    }

    fn host(&mut self) -> Result<HostObj, BundleError> {
        let at = self.pos;
        let [kind, arg]: [u8; 2] = self.array("a host object")?;
        let msg = if arg == 0 {
            Msg::Request
        } else {
            Msg::Response
        };
        let h = match kind {
            0 => HostObj::Context,
            1 => HostObj::Message(msg),
            2 => HostObj::Headers(msg),
            3 => HostObj::Body(msg),
            4 => HostObj::Url(arg != 0),
            5 => HostObj::Query(arg != 0),
            6 => HostObj::MatchedParameters,
            7 => HostObj::Variables,
            8 => match ENTITIES.get(arg as usize) {
                Some(e) => HostObj::Entity(*e),
                None => return Err(BundleError::new(at, format!("unknown entity {arg}"))),
            },
            _ => return Err(BundleError::new(at, format!("unknown host object {kind}"))),
        };
        // Canonical form only: an argument the kind does not use must be 0, a flag 0 or 1.
        if host_bytes(h) != [kind, arg] {
            return Err(BundleError::new(
                at,
                format!("invalid host object {kind}/{arg}"),
            ));
        }
        Ok(h)
    }

    fn instr(&mut self) -> Result<Instr, BundleError> {
        use op::*;
        let at = self.pos;
        Ok(match self.u8("an opcode")? {
            CONST => Instr::Const(self.var_u32("an operand")?),
            STR => Instr::Str(self.var_u32("an operand")?),
            NULL => Instr::Null,
            CONTEXT => Instr::Context,
            HOST => Instr::Host(self.host()?),
            POP => Instr::Pop,
            DUP => Instr::Dup,
            LOAD => Instr::Load(self.var_u16("an operand")?),
            STORE => Instr::Store(self.var_u16("an operand")?),
            GET => Instr::Get(self.var_u32("an operand")?),
            GET_NAMED => Instr::GetNamed(self.var_u32("an operand")?),
            SET => Instr::Set(self.var_u32("an operand")?),
            LOOKUP => Instr::Lookup(
                self.host()?,
                self.var_u16("an operand")?,
                self.var_u16("an operand")?,
            ),
            code @ (LOOKUP_EQ | LOOKUP_NE) => {
                let h = self.host()?;
                let key = self.var_u16("an operand")?;
                let lit = self.var_u16("an operand")?;
                let absent = self.bool("an operand")?;
                if code == LOOKUP_EQ {
                    Instr::LookupEq(h, key, lit, absent)
                } else {
                    Instr::LookupNe(h, key, lit, absent)
                }
            }
            CALL => Instr::Call(self.var_u32("an operand")?, self.u8("an operand")?),
            STATIC => Instr::Static(self.var_u32("an operand")?, self.u8("an operand")?),
            INDEX => Instr::Index(self.u8("an operand")?),
            SET_INDEX => Instr::SetIndex(self.u8("an operand")?),
            JUMP => Instr::Jump(self.var_u32("an operand")?),
            JUMP_IF_FALSE => Instr::JumpIfFalse(self.var_u32("an operand")?),
            JUMP_IF_TRUE => Instr::JumpIfTrue(self.var_u32("an operand")?),
            JUMP_IF_NULL => Instr::JumpIfNull(self.var_u32("an operand")?),
            JUMP_IF_NOT_NULL => Instr::JumpIfNotNull(self.var_u32("an operand")?),
            BINARY => Instr::Binary(self.tagged(&BIN_OPS, "binary operator")?),
            EQ_STR => Instr::EqStr(self.var_u32("an operand")?),
            NE_STR => Instr::NeStr(self.var_u32("an operand")?),
            BINARY_CHECKED => Instr::BinaryChecked(self.tagged(&BIN_OPS, "binary operator")?),
            UNARY => Instr::Unary(self.tagged(&UN_OPS, "unary operator")?),
            CAST => Instr::Cast(self.type_id()?),
            CAST_CHECKED => Instr::CastChecked(self.type_id()?),
            UNBOX => Instr::Unbox(self.type_id()?),
            IS_TYPE => Instr::IsType(self.type_id()?),
            CATCHES => Instr::Catches(self.var_u32("an operand")?),
            AS => Instr::As(self.type_id()?),
            FORMAT => Instr::Format(self.var_u32("an operand")?),
            ALIGN => Instr::Align,
            CONCAT => Instr::Concat(self.var_u16("an operand")?),
            REGEX => Instr::Regex(self.var_u32("an operand")?),
            MAKE_LAMBDA => Instr::MakeLambda(self.var_u32("an operand")?),
            INVOKE => Instr::Invoke(self.u8("an operand")?),
            NEW_ARRAY => Instr::NewArray(self.type_id()?, self.var_u16("an operand")?),
            NEW_ANON => Instr::NewAnon(self.var_u32("an operand")?),
            ITER => Instr::Iter,
            ITER_NEXT => Instr::IterNext(self.var_u32("an operand")?),
            TRY_ENTER => Instr::TryEnter(self.var_u32("an operand")?),
            TRY_EXIT => Instr::TryExit,
            RETURN => Instr::Return,
            THROW => Instr::Throw,
            LOAD_OUT => Instr::LoadOut,
            NOP => Instr::Nop,
            b => return Err(BundleError::new(at, format!("unknown opcode {b}"))),
        })
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
