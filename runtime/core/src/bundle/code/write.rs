//! The code section's writer: a [`Code`]'s varint-coded pools and instructions (and
//! [`encode`], a code bundle: the header, then that section).
//!
//! The byte-by-byte layout is in `docs/bundle.md`; [`crate::bundle::decode`] is its verifying
//! inverse. Opcodes and operand tags live here, next to the writer, so the two stay in step.

use crate::bytecode::{BinOp, Code, Const, Instr, TypeId, UnOp};
use crate::value::{Entity, HostObj, Msg};
use gatehouse_dotnet::regex::RegexOptions;

use crate::bundle::header::{put_len, put_str, put_var, seal, BundleKind};

/// Writes `code` as a bundle.
pub fn encode(code: &Code) -> Vec<u8> {
    let mut p = Vec::new();
    put_code(&mut p, code);
    seal(BundleKind::Code, &p)
}

/// The code section: `code`'s pools, spans and instructions (shared by both bundle kinds).
pub(crate) fn put_code(p: &mut Vec<u8>, code: &Code) {
    put_var(p, code.locals);
    put_len(p, code.strings.len());
    for s in &code.strings {
        put_str(p, s);
    }
    put_len(p, code.consts.len());
    for c in &code.consts {
        put_const(p, *c);
    }
    put_len(p, code.regexes.len());
    for r in &code.regexes {
        put_str(p, &r.pattern);
        p.push(regex_flags(r.options));
    }
    put_len(p, code.shapes.len());
    for shape in &code.shapes {
        put_len(p, shape.len());
        for name in shape.iter() {
            put_str(p, name);
        }
    }
    put_len(p, code.funcs.len());
    for f in &code.funcs {
        put_var(p, f.entry);
        put_var(p, f.first_param);
        put_var(p, f.params);
        put_var(p, f.slots.0);
        put_var(p, f.slots.1);
    }
    put_len(p, code.handlers.len());
    for h in &code.handlers {
        put_var(p, h.target);
    }
    put_len(p, code.spans.len());
    for s in &code.spans {
        put_var(p, s.start);
        put_var(p, s.end.saturating_sub(s.start));
    }
    put_len(p, code.instrs.len());
    for ins in &code.instrs {
        put_instr(p, *ins);
    }
}

/// Constant type tags.
pub(super) mod const_tag {
    pub const BOOL: u8 = 0;
    pub const CHAR: u8 = 1;
    pub const INT: u8 = 2;
    pub const LONG: u8 = 3;
    pub const UINT: u8 = 4;
    pub const ULONG: u8 = 5;
    pub const FLOAT: u8 = 6;
    pub const DOUBLE: u8 = 7;
    pub const DECIMAL: u8 = 8;
}

fn put_const(out: &mut Vec<u8>, c: Const) {
    use const_tag::*;
    match c {
        Const::Bool(b) => out.extend_from_slice(&[BOOL, u8::from(b)]),
        Const::Char(v) => {
            out.push(CHAR);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::Int(v) => {
            out.push(INT);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::Long(v) => {
            out.push(LONG);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::UInt(v) => {
            out.push(UINT);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::ULong(v) => {
            out.push(ULONG);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::Float(v) => {
            out.push(FLOAT);
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        Const::Double(v) => {
            out.push(DOUBLE);
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        Const::Decimal(v) => {
            out.push(DECIMAL);
            out.extend_from_slice(&v.serialize());
        }
    }
}

/// `RegexOptions` as bit flags (bit 0 `IgnoreCase` … bit 4 `ExplicitCapture`).
pub(super) fn regex_flags(o: RegexOptions) -> u8 {
    u8::from(o.ignore_case)
        | u8::from(o.multiline) << 1
        | u8::from(o.singleline) << 2
        | u8::from(o.ignore_pattern_whitespace) << 3
        | u8::from(o.explicit_capture) << 4
}

/// Every [`TypeId`], in tag order.
pub(super) const TYPE_IDS: [TypeId; 29] = {
    use TypeId::*;
    [
        Object, Bool, Char, SByte, Byte, Short, UShort, Int, UInt, Long, ULong, Float, Double,
        Decimal, String, DateTime, TimeSpan, Guid, JToken, JObject, JArray, JValue, JProperty,
        ByteArray, Array, List, Dictionary, Enumerable, Exception,
    ]
};

/// Every [`BinOp`], in tag order.
pub(super) const BIN_OPS: [BinOp; 16] = {
    use BinOp::*;
    [
        Add, Sub, Mul, Div, Rem, Shl, Shr, And, Or, Xor, Eq, Ne, Lt, Le, Gt, Ge,
    ]
};

/// Every [`UnOp`], in tag order.
pub(super) const UN_OPS: [UnOp; 6] = {
    use UnOp::*;
    [Neg, Plus, Not, BitNot, Inc, Dec]
};

/// Every [`Entity`], in tag order.
pub(super) const ENTITIES: [Entity; 7] = {
    use Entity::*;
    [
        Api,
        Operation,
        Product,
        Subscription,
        User,
        LastError,
        Deployment,
    ]
};

fn tag_of<T: PartialEq>(all: &[T], v: &T) -> u8 {
    all.iter().position(|x| x == v).unwrap_or(0) as u8
}

/// A host object as two bytes: kind and argument.
pub(super) fn host_bytes(h: HostObj) -> [u8; 2] {
    let msg = |m: Msg| u8::from(m == Msg::Response);
    match h {
        HostObj::Context => [0, 0],
        HostObj::Message(m) => [1, msg(m)],
        HostObj::Headers(m) => [2, msg(m)],
        HostObj::Body(m) => [3, msg(m)],
        HostObj::Url(b) => [4, u8::from(b)],
        HostObj::Query(b) => [5, u8::from(b)],
        HostObj::MatchedParameters => [6, 0],
        HostObj::Variables => [7, 0],
        HostObj::Entity(e) => [8, tag_of(&ENTITIES, &e)],
    }
}

/// Opcodes, one per [`Instr`] variant.
#[allow(missing_docs)]
pub(super) mod op {
    pub const CONST: u8 = 0;
    pub const STR: u8 = 1;
    pub const NULL: u8 = 2;
    pub const CONTEXT: u8 = 3;
    pub const HOST: u8 = 4;
    pub const POP: u8 = 5;
    pub const DUP: u8 = 6;
    pub const LOAD: u8 = 7;
    pub const STORE: u8 = 8;
    pub const GET: u8 = 9;
    pub const GET_NAMED: u8 = 10;
    pub const SET: u8 = 11;
    pub const LOOKUP: u8 = 12;
    pub const LOOKUP_EQ: u8 = 13;
    pub const LOOKUP_NE: u8 = 14;
    pub const CALL: u8 = 15;
    pub const STATIC: u8 = 16;
    pub const INDEX: u8 = 17;
    pub const SET_INDEX: u8 = 18;
    pub const JUMP: u8 = 19;
    pub const JUMP_IF_FALSE: u8 = 20;
    pub const JUMP_IF_TRUE: u8 = 21;
    pub const JUMP_IF_NULL: u8 = 22;
    pub const JUMP_IF_NOT_NULL: u8 = 23;
    pub const BINARY: u8 = 24;
    pub const EQ_STR: u8 = 25;
    pub const NE_STR: u8 = 26;
    pub const BINARY_CHECKED: u8 = 27;
    pub const UNARY: u8 = 28;
    pub const CAST: u8 = 29;
    pub const CAST_CHECKED: u8 = 30;
    pub const UNBOX: u8 = 31;
    pub const IS_TYPE: u8 = 32;
    pub const CATCHES: u8 = 33;
    pub const AS: u8 = 34;
    pub const FORMAT: u8 = 35;
    pub const ALIGN: u8 = 36;
    pub const CONCAT: u8 = 37;
    pub const REGEX: u8 = 38;
    pub const MAKE_LAMBDA: u8 = 39;
    pub const INVOKE: u8 = 40;
    pub const NEW_ARRAY: u8 = 41;
    pub const NEW_ANON: u8 = 42;
    pub const ITER: u8 = 43;
    pub const ITER_NEXT: u8 = 44;
    pub const TRY_ENTER: u8 = 45;
    pub const TRY_EXIT: u8 = 46;
    pub const RETURN: u8 = 47;
    pub const THROW: u8 = 48;
    pub const LOAD_OUT: u8 = 49;
    pub const NOP: u8 = 50;
}

fn put_instr(out: &mut Vec<u8>, ins: Instr) {
    use op::*;
    match ins {
        Instr::Const(i) => {
            out.push(CONST);
            put_var(out, i);
        }
        Instr::Str(i) => {
            out.push(STR);
            put_var(out, i);
        }
        Instr::Null => out.push(NULL),
        Instr::Context => out.push(CONTEXT),
        Instr::Host(h) => {
            out.push(HOST);
            out.extend_from_slice(&host_bytes(h));
        }
        Instr::Pop => out.push(POP),
        Instr::Dup => out.push(DUP),
        Instr::Load(i) => {
            out.push(LOAD);
            put_var(out, i);
        }
        Instr::Store(i) => {
            out.push(STORE);
            put_var(out, i);
        }
        Instr::Get(n) => {
            out.push(GET);
            put_var(out, n);
        }
        Instr::GetNamed(i) => {
            out.push(GET_NAMED);
            put_var(out, i);
        }
        Instr::Set(n) => {
            out.push(SET);
            put_var(out, n);
        }
        Instr::Lookup(h, key, default) => {
            out.push(LOOKUP);
            out.extend_from_slice(&host_bytes(h));
            put_var(out, key);
            put_var(out, default);
        }
        Instr::LookupEq(h, key, lit, absent) | Instr::LookupNe(h, key, lit, absent) => {
            out.push(if matches!(ins, Instr::LookupEq(..)) {
                LOOKUP_EQ
            } else {
                LOOKUP_NE
            });
            out.extend_from_slice(&host_bytes(h));
            put_var(out, key);
            put_var(out, lit);
            out.push(u8::from(absent));
        }
        Instr::Call(n, argc) => {
            out.push(CALL);
            put_var(out, n);
            out.push(argc);
        }
        Instr::Static(i, argc) => {
            out.push(STATIC);
            put_var(out, i);
            out.push(argc);
        }
        Instr::Index(argc) => out.extend_from_slice(&[INDEX, argc]),
        Instr::SetIndex(argc) => out.extend_from_slice(&[SET_INDEX, argc]),
        Instr::Jump(t) => {
            out.push(JUMP);
            put_var(out, t);
        }
        Instr::JumpIfFalse(t) => {
            out.push(JUMP_IF_FALSE);
            put_var(out, t);
        }
        Instr::JumpIfTrue(t) => {
            out.push(JUMP_IF_TRUE);
            put_var(out, t);
        }
        Instr::JumpIfNull(t) => {
            out.push(JUMP_IF_NULL);
            put_var(out, t);
        }
        Instr::JumpIfNotNull(t) => {
            out.push(JUMP_IF_NOT_NULL);
            put_var(out, t);
        }
        Instr::Binary(b) => out.extend_from_slice(&[BINARY, tag_of(&BIN_OPS, &b)]),
        Instr::EqStr(i) => {
            out.push(EQ_STR);
            put_var(out, i);
        }
        Instr::NeStr(i) => {
            out.push(NE_STR);
            put_var(out, i);
        }
        Instr::BinaryChecked(b) => {
            out.extend_from_slice(&[BINARY_CHECKED, tag_of(&BIN_OPS, &b)]);
        }
        Instr::Unary(u) => out.extend_from_slice(&[UNARY, tag_of(&UN_OPS, &u)]),
        Instr::Cast(t) => out.extend_from_slice(&[CAST, tag_of(&TYPE_IDS, &t)]),
        Instr::CastChecked(t) => out.extend_from_slice(&[CAST_CHECKED, tag_of(&TYPE_IDS, &t)]),
        Instr::Unbox(t) => out.extend_from_slice(&[UNBOX, tag_of(&TYPE_IDS, &t)]),
        Instr::IsType(t) => out.extend_from_slice(&[IS_TYPE, tag_of(&TYPE_IDS, &t)]),
        Instr::Catches(i) => {
            out.push(CATCHES);
            put_var(out, i);
        }
        Instr::As(t) => out.extend_from_slice(&[AS, tag_of(&TYPE_IDS, &t)]),
        Instr::Format(f) => {
            out.push(FORMAT);
            put_var(out, f);
        }
        Instr::Align => out.push(ALIGN),
        Instr::Concat(n) => {
            out.push(CONCAT);
            put_var(out, n);
        }
        Instr::Regex(i) => {
            out.push(REGEX);
            put_var(out, i);
        }
        Instr::MakeLambda(i) => {
            out.push(MAKE_LAMBDA);
            put_var(out, i);
        }
        Instr::Invoke(argc) => out.extend_from_slice(&[INVOKE, argc]),
        Instr::NewArray(t, n) => {
            out.extend_from_slice(&[NEW_ARRAY, tag_of(&TYPE_IDS, &t)]);
            put_var(out, n);
        }
        Instr::NewAnon(i) => {
            out.push(NEW_ANON);
            put_var(out, i);
        }
        Instr::Iter => out.push(ITER),
        Instr::IterNext(t) => {
            out.push(ITER_NEXT);
            put_var(out, t);
        }
        Instr::TryEnter(h) => {
            out.push(TRY_ENTER);
            put_var(out, h);
        }
        Instr::TryExit => out.push(TRY_EXIT),
        Instr::Return => out.push(RETURN),
        Instr::Throw => out.push(THROW),
        Instr::LoadOut => out.push(LOAD_OUT),
        Instr::Nop => out.push(NOP),
    }
}
