//! The verifying decoder of bundles: bytes from anywhere in, a [`Code`] the VM can run out.
//!
//! Every length is checked against the bytes that remain and against [`DecodeLimits`]
//! before anything is allocated; every tag, index and jump target is checked against the
//! pools it refers to; the stack depth at every reachable instruction is checked to be the
//! same along every path. Malformed input gives a [`BundleError`], never a panic.

use super::encode::{
    const_tag, crc32, host_bytes, library_fingerprint, op, BIN_OPS, ENTITIES, FORMAT_VERSION,
    HEADER_LEN, MAGIC, TYPE_IDS, UN_OPS,
};
use super::{Code, Const, Func, Handler, Instr, RegexSource, SpanRef, TypeId};
use crate::dotnet::regex::RegexOptions;
use crate::value::{HostObj, Msg};
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// Why a bundle was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleError {
    /// Byte offset in the bundle of the field at fault.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl BundleError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
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
    /// Whole bundle, header included.
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
        }
    }
}

/// Decodes and verifies a bundle written by [`super::encode`].
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Code, BundleError> {
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
    let mut r = Reader {
        bytes,
        pos: 0,
        string_bytes: 0,
    };
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
    if r.u16("the reserved field")? != 0 {
        return Err(BundleError::new(6, "reserved header field is not zero"));
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
    let code = r.code(limits)?;
    if r.pos != bytes.len() {
        return Err(BundleError::new(
            r.pos,
            "trailing bytes after the instructions",
        ));
    }
    verify(&code, limits)?;
    Ok(code)
}

/// A cursor over the bundle; every read is bounds-checked.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// UTF-8 bytes of strings read so far (for [`DecodeLimits::max_string_bytes`]).
    string_bytes: usize,
}

impl<'a> Reader<'a> {
    fn err(&self, message: impl Into<String>) -> BundleError {
        BundleError::new(self.pos, message)
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], BundleError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|e| self.bytes.get(self.pos..e)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(self.err(format!("truncated: {what} needs {n} bytes"))),
        }
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], BundleError> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn u8(&mut self, what: &str) -> Result<u8, BundleError> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, BundleError> {
        self.array(what).map(u16::from_le_bytes)
    }

    fn u32(&mut self, what: &str) -> Result<u32, BundleError> {
        self.array(what).map(u32::from_le_bytes)
    }

    fn u64(&mut self, what: &str) -> Result<u64, BundleError> {
        self.array(what).map(u64::from_le_bytes)
    }

    fn bool(&mut self, what: &str) -> Result<bool, BundleError> {
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
    fn count(&mut self, what: &str, limit: usize, min_size: usize) -> Result<usize, BundleError> {
        let at = self.pos;
        let n = self.u32(what)? as usize;
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

    fn str(&mut self, limits: &DecodeLimits) -> Result<Arc<str>, BundleError> {
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
        let s = self.take(n, "a string")?;
        std::str::from_utf8(s)
            .map(Arc::from)
            .map_err(|e| BundleError::new(at + 4, format!("string is not UTF-8: {e}")))
    }

    fn code(&mut self, limits: &DecodeLimits) -> Result<Code, BundleError> {
        let locals = self.u16("the local count")?;
        let n = self.count("strings", limits.max_strings, 4)?;
        let mut strings = Vec::with_capacity(n);
        for _ in 0..n {
            strings.push(self.str(limits)?);
        }
        let n = self.count("constants", limits.max_consts, 2)?;
        let mut consts = Vec::with_capacity(n);
        for _ in 0..n {
            consts.push(self.konst()?);
        }
        let n = self.count("regexes", limits.max_regexes, 5)?;
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
        let n = self.count("shapes", limits.max_shapes, 4)?;
        let mut shapes = Vec::with_capacity(n);
        let mut members = 0usize;
        for _ in 0..n {
            let m = self.count("shape members", limits.max_shape_members, 4)?;
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
        let n = self.count("functions", limits.max_funcs, 12)?;
        let mut funcs = Vec::with_capacity(n);
        for _ in 0..n {
            funcs.push(Func {
                entry: self.u32("a function entry")?,
                first_param: self.u16("a function's first parameter")?,
                params: self.u16("a function's parameter count")?,
                slots: (
                    self.u16("a function's slots")?,
                    self.u16("a function's slots")?,
                ),
            });
        }
        let n = self.count("handlers", limits.max_handlers, 4)?;
        let mut handlers = Vec::with_capacity(n);
        for _ in 0..n {
            handlers.push(Handler {
                target: self.u32("a handler target")?,
            });
        }
        let spans_at = self.pos;
        let n = self.count("spans", limits.max_instrs, 8)?;
        let mut spans = Vec::with_capacity(n);
        for _ in 0..n {
            let at = self.pos;
            let (start, end) = (self.u32("a span")?, self.u32("a span")?);
            if start > end {
                return Err(BundleError::new(
                    at,
                    format!("span {start}..{end} is reversed"),
                ));
            }
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
        let mut offsets = Vec::with_capacity(n);
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
        check_operands(&code, &offsets)?;
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
            CONST => Instr::Const(self.u32("an operand")?),
            STR => Instr::Str(self.u32("an operand")?),
            NULL => Instr::Null,
            CONTEXT => Instr::Context,
            HOST => Instr::Host(self.host()?),
            POP => Instr::Pop,
            DUP => Instr::Dup,
            LOAD => Instr::Load(self.u16("an operand")?),
            STORE => Instr::Store(self.u16("an operand")?),
            GET => Instr::Get(self.u32("an operand")?),
            GET_NAMED => Instr::GetNamed(self.u32("an operand")?),
            SET => Instr::Set(self.u32("an operand")?),
            LOOKUP => Instr::Lookup(
                self.host()?,
                self.u16("an operand")?,
                self.u16("an operand")?,
            ),
            code @ (LOOKUP_EQ | LOOKUP_NE) => {
                let h = self.host()?;
                let key = self.u16("an operand")?;
                let lit = self.u16("an operand")?;
                let absent = self.bool("an operand")?;
                if code == LOOKUP_EQ {
                    Instr::LookupEq(h, key, lit, absent)
                } else {
                    Instr::LookupNe(h, key, lit, absent)
                }
            }
            CALL => Instr::Call(self.u32("an operand")?, self.u8("an operand")?),
            STATIC => Instr::Static(self.u32("an operand")?, self.u8("an operand")?),
            INDEX => Instr::Index(self.u8("an operand")?),
            SET_INDEX => Instr::SetIndex(self.u8("an operand")?),
            JUMP => Instr::Jump(self.u32("an operand")?),
            JUMP_IF_FALSE => Instr::JumpIfFalse(self.u32("an operand")?),
            JUMP_IF_TRUE => Instr::JumpIfTrue(self.u32("an operand")?),
            JUMP_IF_NULL => Instr::JumpIfNull(self.u32("an operand")?),
            JUMP_IF_NOT_NULL => Instr::JumpIfNotNull(self.u32("an operand")?),
            BINARY => Instr::Binary(self.tagged(&BIN_OPS, "binary operator")?),
            EQ_STR => Instr::EqStr(self.u32("an operand")?),
            NE_STR => Instr::NeStr(self.u32("an operand")?),
            BINARY_CHECKED => Instr::BinaryChecked(self.tagged(&BIN_OPS, "binary operator")?),
            UNARY => Instr::Unary(self.tagged(&UN_OPS, "unary operator")?),
            CAST => Instr::Cast(self.type_id()?),
            CAST_CHECKED => Instr::CastChecked(self.type_id()?),
            UNBOX => Instr::Unbox(self.type_id()?),
            IS_TYPE => Instr::IsType(self.type_id()?),
            CATCHES => Instr::Catches(self.u32("an operand")?),
            AS => Instr::As(self.type_id()?),
            FORMAT => Instr::Format(self.u32("an operand")?),
            ALIGN => Instr::Align,
            CONCAT => Instr::Concat(self.u16("an operand")?),
            REGEX => Instr::Regex(self.u32("an operand")?),
            MAKE_LAMBDA => Instr::MakeLambda(self.u32("an operand")?),
            INVOKE => Instr::Invoke(self.u8("an operand")?),
            NEW_ARRAY => Instr::NewArray(self.type_id()?, self.u16("an operand")?),
            NEW_ANON => Instr::NewAnon(self.u32("an operand")?),
            ITER => Instr::Iter,
            ITER_NEXT => Instr::IterNext(self.u32("an operand")?),
            TRY_ENTER => Instr::TryEnter(self.u32("an operand")?),
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
fn name_count() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| {
        let mut n = 0u32;
        while crate::library::name_of(n) != "?" {
            n += 1;
        }
        n as usize
    })
}

/// Which pool an operand indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// `consts`.
    Const(u32),
    /// `strings`.
    Str(u32),
    /// `strings`, or the "none" sentinel (`u32::MAX` / `u16::MAX` as the instruction uses).
    OptStr(u32),
    /// A local slot.
    Local(u16),
    /// A library instance member name id.
    Name(u32),
    /// A library member index.
    Member(u32),
    /// An instruction index (a jump target).
    Target(u32),
    /// `regexes`.
    Regex(u32),
    /// `funcs`.
    Func(u32),
    /// `shapes`.
    Shape(u32),
    /// `handlers`.
    Handler(u32),
}

/// How an instruction continues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// To the next instruction.
    Fall,
    /// To the next instruction or the jump target (with `pops_on_jump` popped instead).
    Branch,
    /// Only to the jump target.
    Goto,
    /// Nowhere: it returns or throws.
    End,
}

impl Instr {
    /// The pool indices this instruction uses (at most three).
    pub fn operands(self) -> Vec<Operand> {
        use Operand as O;
        match self {
            Instr::Const(i) => vec![O::Const(i)],
            Instr::Str(i)
            | Instr::GetNamed(i)
            | Instr::EqStr(i)
            | Instr::NeStr(i)
            | Instr::Catches(i) => vec![O::Str(i)],
            Instr::Format(f) if f == u32::MAX => vec![],
            Instr::Format(f) => vec![O::Str(f)],
            Instr::Load(i) | Instr::Store(i) => vec![O::Local(i)],
            Instr::Get(n) | Instr::Set(n) | Instr::Call(n, _) => vec![O::Name(n)],
            Instr::Static(i, _) => vec![O::Member(i)],
            Instr::Lookup(_, key, default) if default == u16::MAX => vec![O::Str(key.into())],
            Instr::Lookup(_, key, default) => {
                vec![O::Str(key.into()), O::OptStr(default.into())]
            }
            Instr::LookupEq(_, key, lit, _) | Instr::LookupNe(_, key, lit, _) => {
                vec![O::Str(key.into()), O::Str(lit.into())]
            }
            Instr::Jump(t)
            | Instr::JumpIfFalse(t)
            | Instr::JumpIfTrue(t)
            | Instr::JumpIfNull(t)
            | Instr::JumpIfNotNull(t)
            | Instr::IterNext(t) => vec![O::Target(t)],
            Instr::Regex(i) => vec![O::Regex(i)],
            Instr::MakeLambda(i) => vec![O::Func(i)],
            Instr::NewAnon(i) => vec![O::Shape(i)],
            Instr::TryEnter(h) => vec![O::Handler(h)],
            _ => vec![],
        }
    }

    /// `(pops, pushes)` on the path that falls through (for [`Next::Goto`] and
    /// [`Next::End`]: what it pops). `shapes` sizes `NewAnon`; `None` when out of range.
    pub fn stack_effect(self, shapes: &[Arc<[Arc<str>]>]) -> Option<(u32, u32)> {
        Some(match self {
            Instr::Const(_)
            | Instr::Str(_)
            | Instr::Null
            | Instr::Context
            | Instr::Host(_)
            | Instr::Load(_)
            | Instr::Lookup(..)
            | Instr::LookupEq(..)
            | Instr::LookupNe(..)
            | Instr::Regex(_)
            | Instr::MakeLambda(_)
            | Instr::LoadOut => (0, 1),
            Instr::Pop | Instr::Store(_) | Instr::JumpIfFalse(_) | Instr::JumpIfTrue(_) => (1, 0),
            Instr::Dup => (1, 2),
            Instr::Get(_)
            | Instr::GetNamed(_)
            | Instr::JumpIfNull(_)
            | Instr::JumpIfNotNull(_)
            | Instr::EqStr(_)
            | Instr::NeStr(_)
            | Instr::Unary(_)
            | Instr::Cast(_)
            | Instr::CastChecked(_)
            | Instr::Unbox(_)
            | Instr::IsType(_)
            | Instr::Catches(_)
            | Instr::As(_)
            | Instr::Format(_)
            | Instr::Iter
            | Instr::IterNext(_) => (1, 1),
            Instr::Set(_) => (2, 0),
            Instr::Call(_, a) | Instr::Index(a) | Instr::Invoke(a) => (u32::from(a) + 1, 1),
            Instr::Static(_, a) => (u32::from(a), 1),
            Instr::SetIndex(a) => (u32::from(a) + 2, 0),
            Instr::Binary(_) | Instr::BinaryChecked(_) | Instr::Align => (2, 1),
            Instr::Concat(n) | Instr::NewArray(_, n) => (u32::from(n), 1),
            Instr::NewAnon(i) => (u32::try_from(shapes.get(i as usize)?.len()).ok()?, 1),
            Instr::Jump(_) | Instr::TryEnter(_) | Instr::TryExit | Instr::Nop => (0, 0),
            Instr::Return | Instr::Throw => (1, 0),
        })
    }

    /// How control leaves this instruction.
    pub fn next(self) -> Next {
        match self {
            Instr::Jump(_) => Next::Goto,
            Instr::Return | Instr::Throw => Next::End,
            Instr::JumpIfFalse(_)
            | Instr::JumpIfTrue(_)
            | Instr::JumpIfNull(_)
            | Instr::JumpIfNotNull(_)
            | Instr::IterNext(_) => Next::Branch,
            _ => Next::Fall,
        }
    }

    /// For a [`Next::Branch`]: `(pops, pushes)` when the jump is taken.
    fn jump_effect(self) -> (u32, u32) {
        match self {
            Instr::JumpIfNull(_) | Instr::JumpIfNotNull(_) => (1, 1),
            _ => (1, 0),
        }
    }

    /// The jump target, if any.
    pub fn target(self) -> Option<u32> {
        self.operands().into_iter().find_map(|o| match o {
            Operand::Target(t) => Some(t),
            _ => None,
        })
    }
}

/// Every operand of every instruction, and every function and handler, is in range.
fn check_operands(code: &Code, offsets: &[usize]) -> Result<(), BundleError> {
    let n = code.instrs.len();
    let at = |pc: usize| offsets.get(pc).copied().unwrap_or(0);
    for (pc, ins) in code.instrs.iter().enumerate() {
        for o in ins.operands() {
            let (i, len, what) = match o {
                Operand::Const(i) => (i as usize, code.consts.len(), "constant"),
                Operand::Str(i) | Operand::OptStr(i) => (i as usize, code.strings.len(), "string"),
                Operand::Local(i) => (i.into(), code.locals.into(), "local slot"),
                Operand::Name(i) => (i as usize, name_count(), "member name"),
                Operand::Member(i) => (i as usize, crate::library::members().len(), "member"),
                Operand::Target(i) => (i as usize, n, "jump target"),
                Operand::Regex(i) => (i as usize, code.regexes.len(), "regex"),
                Operand::Func(i) => (i as usize, code.funcs.len(), "function"),
                Operand::Shape(i) => (i as usize, code.shapes.len(), "shape"),
                Operand::Handler(i) => (i as usize, code.handlers.len(), "handler"),
            };
            if i >= len {
                return Err(BundleError::new(
                    at(pc),
                    format!("instruction {pc} ({ins:?}): {what} {i} out of range (0..{len})"),
                ));
            }
        }
    }
    for (k, f) in code.funcs.iter().enumerate() {
        let params_end = u32::from(f.first_param) + u32::from(f.params);
        if f.entry as usize >= n
            || params_end > u32::from(code.locals)
            || f.slots.0 > f.slots.1
            || f.slots.1 > code.locals
        {
            return Err(BundleError::new(
                0,
                format!("function {k} ({f:?}) out of range"),
            ));
        }
    }
    for (k, h) in code.handlers.iter().enumerate() {
        if h.target as usize >= n {
            return Err(BundleError::new(
                0,
                format!("handler {k} targets {} of {n} instructions", h.target),
            ));
        }
    }
    Ok(())
}

/// Stack-depth consistency: from the main entry and every function entry (each at depth 0)
/// and every handler (at its `TryEnter` depth plus the exception), every reachable
/// instruction has one depth along every path, never pops below zero, never exceeds
/// [`DecodeLimits::max_stack`], and control never runs past the last instruction.
fn verify(code: &Code, limits: &DecodeLimits) -> Result<(), BundleError> {
    let n = code.instrs.len();
    let mut depth: Vec<Option<u32>> = vec![None; n];
    let mut work: Vec<(usize, u32)> = Vec::new();
    let err = |pc: usize, m: String| BundleError::new(0, format!("instruction {pc}: {m}"));
    let reach = |pc: usize,
                 d: u32,
                 from: usize,
                 depth: &mut Vec<Option<u32>>,
                 work: &mut Vec<(usize, u32)>|
     -> Result<(), BundleError> {
        if d > limits.max_stack {
            return Err(err(from, format!("stack depth {d} over the limit")));
        }
        match depth.get_mut(pc) {
            None => Err(err(from, "control runs past the last instruction".into())),
            Some(Some(old)) if *old != d => Err(err(
                pc,
                format!("reached with stack depth {old} and {d} (from {from})"),
            )),
            Some(Some(_)) => Ok(()),
            Some(slot @ None) => {
                *slot = Some(d);
                work.push((pc, d));
                Ok(())
            }
        }
    };
    if n == 0 {
        return Err(BundleError::new(0, "no instructions"));
    }
    reach(0, 0, 0, &mut depth, &mut work)?;
    for f in &code.funcs {
        reach(f.entry as usize, 0, 0, &mut depth, &mut work)?;
    }
    while let Some((pc, d)) = work.pop() {
        let Some(&ins) = code.instrs.get(pc) else {
            continue;
        };
        let Some((pops, pushes)) = ins.stack_effect(&code.shapes) else {
            return Err(err(pc, "operand out of range".into()));
        };
        let Some(base) = d.checked_sub(pops) else {
            return Err(err(pc, format!("pops {pops} from a stack of {d}")));
        };
        let after = base.saturating_add(pushes);
        let target = ins.target().map(|t| t as usize);
        match (ins.next(), target) {
            (Next::Fall, _) => reach(pc + 1, after, pc, &mut depth, &mut work)?,
            (Next::Branch, Some(t)) => {
                reach(pc + 1, after, pc, &mut depth, &mut work)?;
                let (jp, jq) = ins.jump_effect();
                reach(
                    t,
                    d.saturating_sub(jp).saturating_add(jq),
                    pc,
                    &mut depth,
                    &mut work,
                )?;
            }
            (Next::Goto, Some(t)) => reach(t, after, pc, &mut depth, &mut work)?,
            (Next::End, _) => {}
            (_, None) => return Err(err(pc, "jump without a target".into())),
        }
        if let Instr::TryEnter(h) = ins {
            if let Some(h) = code.handlers.get(h as usize) {
                reach(
                    h.target as usize,
                    d.saturating_add(1),
                    pc,
                    &mut depth,
                    &mut work,
                )?;
            }
        }
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
